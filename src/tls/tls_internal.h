/*
 * tls_internal.h: helpers shared inside src/tls/ only.
 */
#ifndef TLSLADDER_TLS_INTERNAL_H
#define TLSLADDER_TLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <time.h>

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* A GnuTLS error code in plain words (static text). */
const char *tls_error_words(int rc);
/* The same for an error reading or writing a record (decryption failures are about records there). */
const char *tls_record_error_words(int rc);
/* An alert description in plain words: "unknown_ca (48): the server could not ..." (static buffer per thread). */
const char *tls_alert_words(int desc);
/* Sets err for a certificate/key file pair GnuTLS refused. */
void tls_files_error(int rc, const char *cert_file, const char *key_file, struct tl_error *err);

/* The handshake's own verification of a chain: gnutls_certificate_verify_peers's result. */
struct x509view_lib {
	int rc;
	unsigned status;
};

/* What a chain is judged with. */
struct x509view_judge_in {
	enum tl_side judge;               /* the side judging (the receiver of the chain) */
	gnutls_x509_trust_list_t list;    /* its trust anchors (NULL: none); not freed */
	const char *store;                /* that store in words: "CA file certs/root-ca.pem" */
	const char *hostname;             /* the name the leaf must match, or NULL */
	bool peer_is_server;              /* purpose serverAuth, else clientAuth */
	time_t now;
	const struct x509view_lib *lib;   /* the handshake's check, or NULL: run GnuTLS's here, dates excluded */
};

struct chain_result;
/*
 * Judges the certificates a peer sent (leaf first), link by link, into *c
 * (see tlsladder/chain.h): the walk and GnuTLS's verification with the
 * same anchors, host name and purpose. With in->lib, GnuTLS's verdict is
 * the handshake's, and it is the verdict.
 */
void x509view_judge(struct chain_result *c, const gnutls_datum_t *peers, unsigned count,
		    const struct x509view_judge_in *in);

/* GnuTLS's datum holds a non-const pointer even where the library only reads
 * it: this gives read-only bytes to such a datum. */
static inline unsigned char *tls_datum_bytes(const void *p)
{
	return (unsigned char *)(uintptr_t)p;
}

/* HKDF-Expand-Label(secret, label, context, len) (RFC 8446 7.1) into out (finished.c). */
/* finished.c: a node whose value is the plain hex of p[0..n) (TREE_BYTES, plus flags). */
struct tree_node *finished_hexline(struct tree_node *parent, const char *label, const uint8_t *p, size_t n,
				   unsigned flags);
bool finished_hkdf_expand_label(gnutls_mac_algorithm_t mac, const uint8_t *secret, size_t slen, const char *label,
				const uint8_t *ctx, size_t clen, uint8_t *out, size_t len);
/* The TLS 1.2 PRF: P_hash(secret, label || seed), n bytes into out (RFC 5246 5; finished.c). */
bool finished_prf12(gnutls_mac_algorithm_t mac, size_t hlen, const uint8_t *secret, size_t slen, const char *label,
		    const uint8_t *seed, size_t seedlen, uint8_t *out, size_t n);

/* Client saving its session: stores the resumption master secret of connection conn, found in the
 * packed session by the connection's NewSessionTickets (keysched.c; keysched.h). */
void keysched_note_rms(struct timeline *tl, unsigned conn, gnutls_session_t s, const gnutls_datum_t *packed);

/* What the key schedule's TLS 1.3 part needs to know of a handshake (finished.c -> keysched.c). */
struct keysched_in {
	unsigned conn;
	bool psk;                   /* the server accepted a PSK */
	const char *group_name;     /* the (EC)DHE group, or NULL: none (PSK only) */
	const char *hash_name;      /* "SHA-256" or "SHA-384" */
	size_t hlen;
};
struct tree_node;
/* The early secret (with the binder check on resumption), derived, handshake and master secrets. */
void keysched_render13(struct tree_node *root, const struct timeline *tl, const struct keysched_in *in);
/* The resumption master secret and each ticket's PSK. */
void keysched_render_tickets(struct tree_node *root, const struct timeline *tl, const struct keysched_in *in);

#endif
