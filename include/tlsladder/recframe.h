/*
 * recframe: a record's bytes and how they are framed, rendered from what
 * the timeline stored (the wire, timeline_wire_*, and the facts of opening
 * each record, struct tl_record_facts, set when its connection settled by
 * src/tls/records.c). Nothing is computed again here: no key, no cipher.
 *
 * Coordinates: a record's bytes are its 5-byte header then its payload;
 * the framing tree's byte ranges (tree_node off/len) are offsets into those
 * bytes, as recframe_bytes gives them.
 */
#ifndef TLSLADDER_RECFRAME_H
#define TLSLADDER_RECFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

/* The bytes `from` sent on connection conn, as far as the wire kept them (from offset 0), into a new
 * buffer *p (free it) of *n bytes; false when none were kept (or memory ran out). */
bool recframe_stream(const struct timeline *tl, unsigned conn, enum tl_side from, uint8_t **p, size_t *n);

/* The bytes of the record at timeline index i (header and payload) into a new buffer *p (free it) of *n
 * bytes; false when its bytes were not kept. */
bool recframe_bytes(const struct timeline *tl, size_t i, uint8_t **p, size_t *n);

/* What the record at index i carries, in words: "EncryptedExtensions", "Certificate, CertificateVerify",
 * "application data 240 B", "Alert fatal bad_certificate (42)"; "" when not known. Returns buf. */
char *recframe_carried(const struct timeline *tl, size_t i, char *buf, size_t n);

/* How its sizes add up, in one line: "EncryptedExtensions 8 B travels in 29 B = 8 + 4 handshake
 * header + 1 inner type + 16 tag"; "" when not known. Returns buf. */
char *recframe_sum(const struct timeline *tl, size_t i, char *buf, size_t n);

/*
 * The framing of the record at index i: header (type, version, length),
 * explicit nonce, ciphertext, inner content type, padding, tag or MAC,
 * with their byte ranges; then its protection: the IV and the sequence
 * number making the nonce, the additional data, the tag, and the verdict
 * ("tag MATCH", TREE_GOOD; IV and keys TREE_SECRET). NULL when no facts
 * were stored for it (or memory ran out).
 */
struct tree_node *recframe_tree(const struct timeline *tl, size_t i);

#endif
