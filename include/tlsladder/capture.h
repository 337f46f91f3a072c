/*
 * capture: a packet capture someone else took (pcapng, or classic pcap),
 * read into TCP connections whose two byte streams are reassembled.
 *
 * Input is hostile: every block, header and length is read through the
 * bounds-checked reader. Link types: Ethernet (with 802.1Q tags), raw IP,
 * Linux cooked (SLL and SLL2), BSD loopback. Network: IPv4 (fragments are
 * skipped) and IPv6 (its usual extension headers skipped). Each direction
 * of a TCP connection is put back in sequence order: retransmitted bytes
 * are taken once, segments that arrive early wait (up to CAPTURE_MAX_WAITING
 * per direction) until the gap before them fills; a gap that never fills
 * ends the direction there. Memory is bounded: CAPTURE_MAX_STREAM bytes per
 * direction, CAPTURE_MAX_CONNS connections, CAPTURE_MAX_CHUNKS pieces in all;
 * what goes beyond is counted as lost, not kept.
 *
 * A pcapng's Decryption Secrets Blocks of the TLS key log type are kept
 * (their text, concatenated). Pure: no GnuTLS, no I/O.
 *
 * Coordinates: times are microseconds since 1970 (the capture's clock);
 * stream offsets count from the first byte after the SYN (or from the
 * first byte seen when the SYN was not captured).
 */
#ifndef TLSLADDER_CAPTURE_H
#define TLSLADDER_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/timeline.h"

#define CAPTURE_MAX_STREAM (4u << 20)
#define CAPTURE_MAX_CONNS 1024u
#define CAPTURE_MAX_CHUNKS 200000u
#define CAPTURE_MAX_WAITING 256u
#define CAPTURE_MAX_KEYLOG (1u << 20)

/* A segment waiting for the gap before it to fill. */
struct capture_wait {
	uint32_t seq;
	int64_t t_us;
	uint8_t *data;
	size_t len;
};

/* One direction of a connection: the bytes its sender sent, in order. */
struct capture_dir {
	uint8_t *data;
	size_t len, cap;
	bool started;             /* the first sequence number is known */
	uint32_t isn;             /* sequence number of stream offset 0 */
	uint64_t lost;            /* bytes past the limit, not kept */
	uint64_t dropped;         /* bytes of segments that could not wait for their gap to fill */
	struct capture_wait *wait;
	size_t nwait;
};

/* A TCP connection: end[0] is the end that sent the first packet seen. */
struct capture_conn {
	struct tl_netaddr end[2];
	struct capture_dir dir[2];    /* dir[k]: what end[k] sent */
	int64_t first_us;
};

/* A piece of a stream became readable at a time: the order of events. */
struct capture_chunk {
	unsigned conn;
	unsigned dir;
	int64_t t_us;
	size_t end;               /* the direction's stream now holds [0, end) */
};

struct capture {
	struct capture_conn *conns;
	size_t nconns;
	struct capture_chunk *chunks;
	size_t nchunks, chunk_cap;
	char *keylog;             /* the key log text of the file's Decryption Secrets Blocks ("" if none) */
	size_t keylog_len;
	unsigned long packets;    /* packets read */
	unsigned long skipped;    /* packets not TCP over IP, or not understood */
};

/* What a file's first bytes say it is. */
enum capture_format { CAPTURE_NOT_CAPTURE = 0, CAPTURE_PCAPNG, CAPTURE_PCAP };

/* Tells a pcapng or pcap file by its magic number. */
enum capture_format capture_sniff(const uint8_t *buf, size_t len);

/*
 * Reads a capture from buf into a new struct capture. Returns it, or NULL
 * with why (one line: what was wrong and at which byte) when the file is
 * not a capture, is cut short, or is malformed; also NULL with "out of
 * memory" when memory ran out (*oom set).
 */
struct capture *capture_parse(const uint8_t *buf, size_t len, char *why, size_t wn, bool *oom);
void capture_free(struct capture *c);

#endif
