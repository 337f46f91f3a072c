/*
 * pcap: the connections of a run as a pcapng file (--pcap FILE) that
 * Wireshark opens decrypted with no other file.
 *
 * What the file holds:
 *  - one section and one interface, link type LINKTYPE_RAW (101: IPv4 and
 *    IPv6 packets, no link layer);
 *  - per connection, first a Decryption Secrets Block (type TLS key log,
 *    0x544c534b) with the connection's secrets as NSS key log lines, then
 *    its packets: the bytes each side sent, exactly as they went over the
 *    socket (timeline.h, the wire), cut at TLS record boundaries into one
 *    TCP segment per record, in the order they were written and read;
 *  - the TCP/IP framing is made up: a three-way handshake at the time the
 *    connection was made, sequence and acknowledgement numbers that count
 *    the bytes of each direction (Wireshark reassembles records split over
 *    reads), no segments without data after the handshake, no FIN;
 *  - addresses and ports are the real ones in client and serve mode (IPv4
 *    or IPv6 as the connection was); where a connection had none (the
 *    demo's socket pair), 127.0.0.1 port 443 for the server and 127.0.0.1
 *    port 50000 + the connection's number for the client;
 *  - timestamps are the run's: the wall clock when its timeline began plus
 *    the monotonic time of each read or write, in microseconds;
 *  - comments say what is made up, and where bytes were not kept (the
 *    wire's limit): the stream of that direction ends there.
 *
 * The file holds secrets: it is created mode 0600 and never through a
 * symbolic link; an existing file must be a regular file that only its
 * owner may read or write, and is replaced.
 */
#ifndef TLSLADDER_PCAP_H
#define TLSLADDER_PCAP_H

#include <stdint.h>

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* The demo's made-up server port. */
#define PCAP_DEMO_SERVER_PORT 443u
/* The demo's made-up client ports start here (+ the connection's number). */
#define PCAP_DEMO_CLIENT_PORT 50000u

struct pcap_out;

/* Checks, before any network work, that path can be written (it is created,
 * empty, if missing). 0, or -1 with err (TL_EXIT_FILES). */
int pcap_check(const char *path, struct tl_error *err);
/* Creates (or replaces) path and writes the section and interface. NULL with err. */
struct pcap_out *pcap_create(const char *path, struct tl_error *err);
/* Appends every connection of tl (secrets, then packets). number names it
 * in the comments (serve's connection number; 0: none). Not thread-safe:
 * one caller at a time. 0, or -1 with err. */
int pcap_add(struct pcap_out *o, const struct timeline *tl, uint64_t number, struct tl_error *err);
/* Closes the file; 0, or -1 with err when a write had failed. NULL is a no-op. */
int pcap_close(struct pcap_out *o, struct tl_error *err);
/* The whole run into path: create, add, close. 0, or -1 with err. */
int pcap_write(const struct timeline *tl, const char *path, struct tl_error *err);

#endif
