/*
 * decode: raw handshake bodies, alerts, ChangeCipherSpec and records into
 * field trees (tree.h) for the detail pane and the text ladder.
 *
 * Input is untrusted. Every decoder reads through the bounds-checked reader
 * (reader.h) and never trusts a length field. Every node carries the byte
 * range of the message body it covers (absolute offsets into the body).
 *
 * Malformed input never crashes: the tree holds what was decoded up to the
 * fault, then a last child of the root flagged TREE_ERROR, labeled
 * "malformed", valued "at offset N: <why>". Bytes left over after a complete
 * message give a last child flagged TREE_ERROR, labeled "trailing data",
 * valued "N unexpected bytes at offset M". Nothing recurses on input.
 *
 * Shape contracts other modules rely on:
 *   Certificate: child "certificates", whose children "certificate 1",
 *   "certificate 2", ... each have tree_range() = the DER of that
 *   certificate inside the body and value "N bytes DER"; an empty list has
 *   value "empty: no certificate sent".
 *   Extensions live under "extensions", one child per extension labeled
 *   with its IANA name ("key_share"), "GREASE (0x1a1a)" or
 *   "unknown (0x1234)".
 *
 * Pure functions: no GnuTLS, no curses, no global state.
 */
#ifndef TLSLADDER_DECODE_H
#define TLSLADDER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/reader.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

enum decode_kx { DECODE_KX_UNKNOWN, DECODE_KX_ECDHE, DECODE_KX_DHE, DECODE_KX_RSA, DECODE_KX_PSK };

/* What a decoder needs to know beyond the bytes. Unknown fields are guessed from the bytes. */
struct decode_ctx {
	unsigned version;          /* negotiated 0x0303/0x0304, 0 unknown */
	enum tl_side from;         /* the sender */
	enum decode_kx kx;         /* TLS 1.2 key exchange (ClientKeyExchange, ServerKeyExchange) */
};

/*
 * A handshake body as the hook delivered it (no 4-byte header).
 * hs_type: wire type, or TL_HS_HELLO_RETRY_REQUEST (a type 2 body carrying
 * the HelloRetryRequest random is decoded as one too). ctx may be NULL.
 * Root label = message name ("ServerHello"), value "server -> client, 122 bytes".
 * NULL only when out of memory.
 */
struct tree_node *decode_handshake(unsigned hs_type, const uint8_t *p, size_t n, const struct decode_ctx *ctx);
/*
 * The same for a body of which only the first n of its total bytes were
 * kept (tl_event.body_total): the root's value gives the total, a first
 * child "stored" says what was kept ("the first 65,536 of 131,072 bytes;
 * the rest was not kept"), and decoding that stops where the kept bytes
 * end is no fault: the "stored" node gets a child "decoded" ("up to offset
 * N: ...") instead of a "malformed" node. total <= n: decode_handshake().
 */
struct tree_node *decode_handshake_stored(unsigned hs_type, const uint8_t *p, size_t n, size_t total,
					  const struct decode_ctx *ctx);
/* An alert: level, description with its IANA name, meaning. Ranges index the
 * alert's two bytes (level at 0, description at 1; hexview_alert_bytes()). */
struct tree_node *decode_alert(unsigned level, unsigned desc);
/* Where a ChangeCipherSpec stands in its handshake: what it does depends on it. */
enum decode_ccs_role {
	DECODE_CCS_TLS12,            /* TLS 1.2 and older: the sender switches to the new keys */
	DECODE_CCS_TLS13_AFTER_HRR,  /* TLS 1.3 compatibility CCS after a HelloRetryRequest, before any ServerHello */
	DECODE_CCS_TLS13_BEFORE_SH,  /* TLS 1.3 compatibility CCS before any ServerHello or HelloRetryRequest */
	DECODE_CCS_TLS13_AFTER_SH    /* TLS 1.3 compatibility CCS after the ServerHello (keys already switched) */
};
/* ChangeCipherSpec from side from: what it does, for its role. Ranges index its one byte (1). */
struct tree_node *decode_ccs(enum decode_ccs_role role, enum tl_side from);
/* The role of the ChangeCipherSpec at timeline index i, from the messages of its connection before it. */
enum decode_ccs_role decode_ccs_role(const struct timeline *tl, size_t i);
/* The sentence saying what a ChangeCipherSpec of this role from side from does (static text). */
const char *decode_ccs_meaning(enum decode_ccs_role role, enum tl_side from);
/* A TL_EV_RECORD: content type, record version, length, encryption. */
struct tree_node *decode_record(const struct tl_event *ev);
/*
 * The tree for timeline event i: the context comes from the connection's
 * summary (summary_build: version, key exchange), then the event is
 * decoded by kind; notes, errors and diagnoses become a one-node tree
 * (errors flagged TREE_ERROR). NULL only when out of memory.
 */
struct tree_node *decode_event(const struct timeline *tl, size_t i);

struct summary;
/* The key exchange of a connection's summary (summary.h) as the decoders need it. */
enum decode_kx decode_kx_of(const struct summary *s);

/*
 * Building blocks shared by src/core/decode*.c; usable by any decoder.
 * They read through r and, on malformed input, leave r failed (with the
 * absolute offset and reason) and return false.
 */

/* An extension block: a 2-byte length, then extensions, added as "extensions" under parent.
 * hs_type says which message holds it (content differs: key_share in ClientHello vs ServerHello). */
bool decode_extensions(struct tree_node *parent, struct reader *r, unsigned hs_type, const struct decode_ctx *ctx);
/* A DistinguishedName list (2-byte length, then 2-byte-length DER Names) as children "CA name 1", ...
 * of node, each valued with its RFC 4514 string; sets node's value ("2 names"). */
bool decode_ca_names(struct tree_node *node, struct reader *r);
/* A range of bytes: offset and length (len 0: absent). */
struct decode_range {
	size_t off, len;
};
/* Where an X.509 certificate's fields lie in its DER (offsets from der[0]), each the whole TLV. */
struct decode_cert_ranges {
	struct decode_range version, serial, issuer, validity, not_before, not_after, subject, public_key, extensions,
		key_usage, ext_key_usage, basic_constraints, subject_alt_names, signature_algorithm, signature;
};
/* Walks a certificate's DER for the ranges of its fields; false when it is not a certificate's
 * structure (the ranges found up to there stay set). Never reads past der[n). */
bool decode_cert_ranges(const uint8_t *der, size_t n, struct decode_cert_ranges *out);
/* Reads a DER Name filling all of r; returns it as a malloc'd RFC 4514 string ("CN=x,O=y",
 * most specific first), or NULL (r failed when malformed; not failed when out of memory). */
char *decode_dn_string(struct reader *r);
/* The 2-byte codes filling all of list as children of node labeled "<name> (0xNNNN)" (names() may
 * return NULL: "unknown"), node valued "N <what>s". */
bool decode_code_list(struct tree_node *node, struct reader *list, const char *(*names)(unsigned),
		      const char *what);
/* A child valued "<name> (0xNNNN)" ("unknown (0xNNNN)" when name is NULL), range (off, len). */
struct tree_node *decode_add_code(struct tree_node *parent, const char *label, const char *name, unsigned id,
				  size_t off, size_t len);
/* A "N bytes" child with range (off, n) and a hex child "hex" (value "empty" and no hex when n is 0). */
struct tree_node *decode_add_bytes(struct tree_node *parent, const char *label, const uint8_t *p, size_t n,
				   size_t off);
/* Replaces a node's value with a printf-formatted one (kept as is when memory runs out). */
void decode_set_value(struct tree_node *node, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes all bytes left in r: pointer, count and absolute offset. */
bool decode_take_rest(struct reader *r, const uint8_t **p, size_t *n, size_t *off);
/* Reads a big-endian 32-bit value. */
bool decode_u32(struct reader *r, unsigned long *v);
/* Marks r failed with sub's failure (absolute offset and reason); returns false. No-op if r already failed. */
bool decode_fail_from(struct reader *r, const struct reader *sub);

#endif
