/*
 * recstream: one direction of a TLS connection's byte stream, cut into
 * records as the bytes go by.
 *
 * The transport feeds every byte it reads or writes, in the pieces the
 * socket happened to deliver; the parser calls back once per complete record
 * (header and whole payload seen), in stream order. A record may be split
 * across any number of feeds and one feed may hold several records.
 *
 * Coordinates: stream offsets count bytes fed since recstream_init(), from 0.
 * A record occupies [start, end) with end = start + 5 + length.
 *
 * What the parser knows about TLS (RFC 5246 6.2, RFC 8446 5.1): the 5-byte
 * header (content type, record version, 16-bit length); ChangeCipherSpec
 * records (type 20) travel in the clear; in TLS 1.2 everything after this
 * direction's ChangeCipherSpec is encrypted; in TLS 1.3 (told by
 * recstream_set_tls13) only type 23 is; a plaintext alert (type 21) carries
 * its level and description in its first two bytes. A header whose length
 * exceeds RECSTREAM_MAX_LENGTH cannot start a TLS record: the framing is
 * lost, the parser reports that header once (oversize) and swallows the rest
 * of the stream.
 *
 * Pure: no GnuTLS, no I/O, no allocation. Not thread-safe (one per direction,
 * fed by one thread).
 */
#ifndef TLSLADDER_RECSTREAM_H
#define TLSLADDER_RECSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Record content types (RFC 8446 5.1). */
#define RECSTREAM_CCS 20u
#define RECSTREAM_ALERT 21u
#define RECSTREAM_HANDSHAKE 22u
#define RECSTREAM_APPLICATION_DATA 23u
#define RECSTREAM_HEARTBEAT 24u

#define RECSTREAM_HEADER_LEN 5u
/* The largest length a TLS record may declare: 2^14 + 2048 (RFC 5246 6.2.3). */
#define RECSTREAM_MAX_LENGTH (16384u + 2048u)

/* One record, as the callback sees it (valid during the call only). */
struct recstream_record {
	unsigned type;            /* content type */
	unsigned version;         /* record-layer version field */
	unsigned length;          /* payload length the header declares */
	bool encrypted;           /* the payload is protected */
	bool ccs;                 /* a ChangeCipherSpec record */
	bool alert;               /* a plaintext alert of at least 2 bytes: level and desc below */
	unsigned alert_level, alert_desc;
	bool oversize;            /* length > RECSTREAM_MAX_LENGTH: not a TLS record; nothing follows */
	uint64_t start, end;      /* stream offsets: first byte, one past the last */
};

struct recstream {
	uint8_t hdr[RECSTREAM_HEADER_LEN];
	unsigned hdr_have;
	size_t body_left;
	uint8_t head[2];          /* first payload bytes (alert level/description) */
	unsigned head_have;
	bool encrypted;           /* the record in progress (decided when its header completed) */
	bool tls13;
	bool ccs_seen;            /* a whole ChangeCipherSpec record went by */
	bool broken;              /* an oversize header was seen: the rest is not parsed */
	uint64_t pos;             /* bytes fed so far */
	uint64_t rec_start;       /* offset of the record in progress */
};

typedef void (*recstream_fn)(void *arg, const struct recstream_record *r);

void recstream_init(struct recstream *rs);
/* From now on only type 23 is encrypted (the TLS 1.3 rule). */
void recstream_set_tls13(struct recstream *rs, bool tls13);
/* Feeds n bytes; calls fn (if not NULL) for each record completed, in order. */
void recstream_feed(struct recstream *rs, const uint8_t *p, size_t n, recstream_fn fn, void *arg);
/* True when a record has begun but is not complete; *r gets what is known of
 * it (its header, if complete; end is where it would end) and *have the
 * bytes of it seen so far. */
bool recstream_partial(const struct recstream *rs, struct recstream_record *r, size_t *have);
/* True once a whole ChangeCipherSpec record went by in this direction. */
bool recstream_ccs_seen(const struct recstream *rs);

#endif
