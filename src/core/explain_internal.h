/*
 * explain_internal.h: what the files of the explain module share (private
 * to src/core/explain*.c; the public face is tlsladder/explain.h).
 *
 * struct explain_ctx is what event i is, with the facts every paragraph
 * may need; explain.c fills it and dispatches to one paragraph function
 * per message, found in the file of its family (explain_hello.c,
 * explain_cert.c, explain_kx.c, explain_finish.c, explain_alert.c). The
 * readers take values from the decoder's tree of a body (decode.h), the
 * one parser of every message; the writers append to a struct strbuf.
 */
#ifndef TLSLADDER_EXPLAIN_INTERNAL_H
#define TLSLADDER_EXPLAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/certverify.h"
#include "tlsladder/strbuf.h"
#include "tlsladder/summary.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

#define MAX_IDS 16        /* ids kept per list (groups, shares, versions, names) */

/* What event i is, with the facts every paragraph may need. */
struct explain_ctx {
	const struct timeline *tl;
	size_t i;
	struct tl_event ev;
	struct summary s;
	unsigned version;         /* the event's version in force, else the connection's */
	const char *side, *peer;  /* "client" / "server" */
};

/* ---- explain.c: words shared by the paragraphs ---- */

/* Appends names as "a", "a and b" or "a, b and c"; unnamed values in hex. */
void explain_names(struct strbuf *o, const unsigned *ids, unsigned count, const char *(*name)(unsigned));
/* Appends the sentence said when a body does not decode. */
void explain_unreadable(struct strbuf *o, const char *what);
/* Suite name or "cipher suite 0x....". */
const char *explain_suite_name(unsigned id, char *tmp, size_t n);
/* Group name or "group 0x....". */
const char *explain_group_name(unsigned id, char *tmp, size_t n);
/* Signature scheme name or "signature scheme 0x....". */
const char *explain_sig_name(unsigned id, char *tmp, size_t n);
/* Version name or "version 0x....". */
const char *explain_version_name(unsigned v, char *tmp, size_t n);
/* Adds id to a bounded list (MAX_IDS kept) unless it is GREASE; counts it either way. */
void explain_list_add(unsigned *ids, unsigned *count, unsigned id);
/* True when id is among the first MAX_IDS entries of a list. */
bool explain_list_has(const unsigned *ids, unsigned count, unsigned id);

/* ---- explain.c: values read through the decoder's tree ---- */

/* The decoder's tree of handshake event ev; *ok says it decoded cleanly. The caller frees it. */
struct tree_node *explain_decoded(const struct explain_ctx *c, const struct tl_event *ev, bool *ok);
/* The n-byte big-endian value at the start of the bytes node covers (n <= 4). */
bool explain_node_uint(const struct tl_event *ev, const struct tree_node *node, size_t n, unsigned long *v);
/* The 2-byte code a node starts with (a cipher suite, group, version, scheme or extension type). */
bool explain_node_u16(const struct tl_event *ev, const struct tree_node *node, unsigned *v);
/* Length of a vector node's content: its range less the length prefix of lenbytes; 0 when absent. */
size_t explain_vec_len(const struct tree_node *node, size_t lenbytes);
/* The 2-byte codes of the children of the node at path under t into a bounded list. */
void explain_codes_of(const struct tl_event *ev, const struct tree_node *t, const char *path, unsigned *ids,
		      unsigned *count);
/* Number of children of the node at path, 0 when absent. */
unsigned explain_children(const struct tree_node *t, const char *path);

/* ---- explain_hello.c ---- */

/* ClientHello. */
void explain_hello_client(struct strbuf *o, const struct explain_ctx *c);
/* ServerHello. */
void explain_hello_server(struct strbuf *o, const struct explain_ctx *c);
/* HelloRetryRequest. */
void explain_hello_retry(struct strbuf *o, const struct explain_ctx *c);

/* ---- explain_cert.c ---- */

/* Certificates in a Certificate message; false when malformed. */
bool explain_cert_count(const struct explain_ctx *c, const struct tl_event *ev, unsigned *count);
/* Certificate, from either side. */
void explain_cert_message(struct strbuf *o, const struct explain_ctx *c);
/* CertificateRequest (TLS 1.3 and 1.2). */
void explain_cert_request(struct strbuf *o, const struct explain_ctx *c);
/* CertificateVerify. */
void explain_cert_verify(struct strbuf *o, const struct explain_ctx *c);
/* The verdict stored for the signature of the event explained (certverify.h); CANNOT_CHECK when none is. */
enum certverify_verdict explain_cert_sig_verdict(const struct explain_ctx *c);
/* The sentence said of a signature that does not verify (a MISMATCH stored for it). */
void explain_cert_sig_mismatch(struct strbuf *o, const char *signer);

/* ---- explain_kx.c ---- */

/* ServerKeyExchange. */
void explain_kx_server(struct strbuf *o, const struct explain_ctx *c);
/* ServerHelloDone. */
void explain_kx_server_done(struct strbuf *o, const struct explain_ctx *c);
/* ClientKeyExchange. */
void explain_kx_client(struct strbuf *o, const struct explain_ctx *c);

/* ---- explain_finish.c ---- */

/* EncryptedExtensions. */
void explain_finish_ee(struct strbuf *o, const struct explain_ctx *c);
/* Finished. */
void explain_finish_finished(struct strbuf *o, const struct explain_ctx *c);
/* NewSessionTicket. */
void explain_finish_ticket(struct strbuf *o, const struct explain_ctx *c);
/* KeyUpdate. */
void explain_finish_key_update(struct strbuf *o, const struct explain_ctx *c);

/* ---- explain_alert.c ---- */

/* ChangeCipherSpec: what it does depends on where it stands (decode_ccs_role). */
void explain_alert_ccs(struct strbuf *o, const struct explain_ctx *c);
/* Alert. */
void explain_alert_message(struct strbuf *o, const struct explain_ctx *c);
/* A raw record (TL_EV_RECORD). */
void explain_alert_record(struct strbuf *o, const struct explain_ctx *c);
/* Notes, errors and diagnoses: their own text, ended with a full stop. */
void explain_alert_note(struct strbuf *o, const struct explain_ctx *c);

/* ---- explain_plain.c ---- */

/* A plaintext row before TLS (STARTTLS). */
void explain_plain_row(struct strbuf *o, const struct explain_ctx *c);

#endif
