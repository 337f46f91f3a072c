/*
 * import: a TLS connection of a packet capture (capture.h) turned into a
 * finished timeline, as the live capture would have recorded it: one
 * TL_EV_RECORD per record, one TL_EV_HANDSHAKE per handshake message
 * (reassembled across records), TL_EV_CCS, TL_EV_ALERT, with the capture's
 * times, the client being the end that sent the ClientHello.
 *
 * With a key log (NSS format: the file's Decryption Secrets Block, or
 * another file) the protected records are decrypted through GnuTLS:
 * TLS 1.3 with the traffic secrets of the ClientHello's random (key and IV
 * by HKDF-Expand-Label, RFC 8446 7.3), TLS 1.2 AEAD suites with the key
 * block of the CLIENT_RANDOM master secret. The secrets of the connection
 * are kept in the timeline (the Finished check uses them). What cannot be
 * decrypted stays an encrypted record. Nothing else is judged: no result,
 * no chain verdict is set.
 */
#ifndef TLSLADDER_IMPORT_H
#define TLSLADDER_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tlsladder/capture.h"
#include "tlsladder/timeline.h"

/* A TLS connection of a capture. */
struct import_conn {
	size_t index;             /* into capture.conns */
	unsigned client;          /* the end (0 or 1) that sent the ClientHello */
};

/* The TLS connections of a capture, in the order they began, into out (at most max); returns how many. */
size_t import_find(const struct capture *c, struct import_conn *out, size_t max);

/*
 * The timeline of one TLS connection, with the key log text (may be NULL).
 * Returns a finished timeline, or NULL when memory ran out.
 */
struct timeline *import_timeline(const struct capture *c, const struct import_conn *ic, const char *keylog,
				 size_t keylog_len);

/* One line about connection number n (1-based): "1  127.0.0.1:40000 -> 127.0.0.1:4433  TLS 1.3  12 messages". */
void import_list_line(FILE *f, unsigned n, const struct capture *c, const struct import_conn *ic,
		      const struct timeline *tl);

#endif
