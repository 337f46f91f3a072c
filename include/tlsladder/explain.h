/*
 * explain: what one timeline event means, in plain words, for a classroom.
 *
 * explain_event() writes a short paragraph (2-5 sentences): what the message
 * is for, what it carries in THIS run (values read from the raw bodies and
 * from summary_build() for the connection: chosen suite and group, how many
 * suites the client offered, the server name, the number of certificates,
 * signature schemes, ticket lifetimes, alert descriptions), and what would go
 * wrong without it. explain_title() writes the one-line name used in lists
 * and on the ladder ("ServerHello", "Certificate (2 certs)",
 * "Alert fatal bad_certificate (42)", "note").
 *
 * Bodies are untrusted: every value is read through the decoder's tree
 * (decode_handshake, the one parser of each message, bounds-checked), and
 * a body that does not decode cleanly gives the generic paragraph for its
 * message type plus a sentence saying its values could not be read.
 * A ChangeCipherSpec is explained by its role (decode_ccs_role).
 *
 * The output is NOT sanitized. Values that came from the network (the SNI
 * host name in a ClientHello) and the text of notes and errors are copied
 * raw (cut at a NUL byte); the caller passes the result through sanitize_*()
 * before showing it, like any other string from the timeline.
 *
 * Both functions work like snprintf: they write at most n bytes into buf,
 * always NUL-terminated when n > 0 (buf may be NULL when n is 0), and return
 * the length the whole text needed. An index out of range gives "" and 0.
 * They only read the timeline, and are safe to call while it grows.
 */
#ifndef TLSLADDER_EXPLAIN_H
#define TLSLADDER_EXPLAIN_H

#include <stddef.h>

#include "tlsladder/timeline.h"

/* A plain-language paragraph about event i, tied to the values it carries. */
size_t explain_event(const struct timeline *tl, size_t i, char *buf, size_t n);
/* The one-line title of event i for lists and the ladder. */
size_t explain_title(const struct timeline *tl, size_t i, char *buf, size_t n);

#endif
