/*
 * x509_internal.h: what the certificate files of src/tls/ share (private;
 * the public face is tlsladder/x509view.h).
 *
 * x509facts.c reads the fields of one certificate; x509chain.c judges a
 * chain link by link into a struct chain_result; x509view.c writes a
 * certificate as a tree and renders chain judgements. Strings returned as
 * "malloc" are the caller's to free; values keep the certificate's bytes
 * raw (embedded NULs as U+FFFD), and the printers sanitize.
 */
#ifndef TLSLADDER_X509_INTERNAL_H
#define TLSLADDER_X509_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tls_internal.h"
#include "tlsladder/notes.h"
#include "tlsladder/x509view.h"

/* ---- x509facts.c: the fields of one certificate ---- */

/* Where now falls in a certificate's validity. */
enum x509facts_when { X509FACTS_VALID, X509FACTS_EXPIRED, X509FACTS_NOT_YET, X509FACTS_UNKNOWN };

/* A certificate's extended key usage. */
struct x509facts_eku {
	bool present;            /* the extension is there */
	bool server, client, any;
	char names[512];         /* "serverAuth, clientAuth" */
};

/* Called once per subject alternative name by x509facts_san_each. */
typedef void (*x509facts_san_fn)(void *ctx, unsigned type, const gnutls_datum_t *san, const gnutls_datum_t *oid);

/* A NUL-terminated copy of p[0..n), embedded NULs shown as U+FFFD (malloc; NULL if out of memory). */
char *x509facts_str(const void *p, size_t n);
/* Appends ", piece" (or "piece" when empty) to buf, truncating safely. */
void x509facts_list_add(char *buf, size_t n, const char *piece);
/* Hex of p[0..len) into out, bytes separated by sep (0: none), upper case if upper. */
void x509facts_hex(char *out, size_t n, const uint8_t *p, size_t len, char sep, bool upper);
/* "2024-01-01 00:00:00 UTC", or "unknown". */
void x509facts_time_words(time_t t, char *buf, size_t n);
/* The subject (or issuer) DN in RFC 4514 form (malloc); "(empty)" when there is none. */
char *x509facts_dn(gnutls_x509_crt_t crt, bool issuer);
/* The subject's first common name (malloc), or the whole DN when it has none. */
char *x509facts_name(gnutls_x509_crt_t crt);
/* Where now falls in the validity; *days: left, since expiry, or until it starts; the two dates. */
enum x509facts_when x509facts_dates(gnutls_x509_crt_t crt, time_t now, long *days, time_t *nb,
				     time_t *na);
/* The validity in words ("valid for N more days", "expired N days ago", ...). */
enum x509facts_when x509facts_validity_words(gnutls_x509_crt_t crt, time_t now, char *buf, size_t n,
					      time_t *nb, time_t *na);
/* The kind of the certificate's public key (as signature schemes tell them apart); *bits: its size. */
enum tl_key_kind x509facts_key_kind(gnutls_x509_crt_t crt, unsigned *bits);
/* Reads the extended key usage extension. */
void x509facts_eku_read(gnutls_x509_crt_t crt, struct x509facts_eku *e);
/* The IP address of a SAN in text ("127.0.0.1", "::1"), or hex if not 4/16 bytes. */
void x509facts_ip_words(const gnutls_datum_t *d, char *buf, size_t n);
/* Calls fn for each subject alternative name; returns the count, or -1 when the extension is malformed. */
int x509facts_san_each(gnutls_x509_crt_t crt, unsigned *critical, x509facts_san_fn fn, void *ctx);
/* The names a certificate is for: its DNS/IP SANs, else its CN. */
void x509facts_host_names(gnutls_x509_crt_t crt, char *buf, size_t n);
/* The signature algorithm's name (static or into buf). */
const char *x509facts_sig_name(gnutls_x509_crt_t crt, char *buf, size_t n);
/* The HPKP pin: base64 of SHA-256 of the SubjectPublicKeyInfo. False if unavailable. */
bool x509facts_spki_pin(gnutls_x509_crt_t crt, char *out, size_t n);
/* Parses DER into a certificate; returns a GnuTLS code. */
int x509facts_from_der(const uint8_t *der, size_t n, gnutls_x509_crt_t *out);

/* ---- x509chain.c: a chain judged link by link ---- */

struct chain_result;
/*
 * Judges the certificates a peer sent (leaf first), link by link, into *c
 * (see tlsladder/chain.h): the walk and GnuTLS's verification with the
 * same anchors, host name and purpose. With in->lib, GnuTLS's verdict is
 * the handshake's, and it is the verdict. (x509view_judge in
 * tls_internal.h is this, under the name session.c calls.)
 */
/* GnuTLS's chain verification reports each link it checked here (gnutls_session_set_verify_output_function):
 * between x509chain_links_begin() and x509chain_links_end() on one thread, the links it found
 * wholly clean are kept, and x509chain_judge on that thread does not check their signature again. */
int x509chain_gnutls_link(gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer, gnutls_x509_crl_t crl, unsigned out);
void x509chain_links_begin(void);
void x509chain_links_end(void);
void x509chain_judge(struct chain_result *c, const gnutls_datum_t *peers, unsigned count,
		     const struct x509view_judge_in *in);
/*
 * Judges ders[0..count) outside any handshake, with anchors loaded from
 * the files trust names for this judgement only (dates against now;
 * GnuTLS checks without dates). trust may be NULL (nothing is trusted).
 */
void x509chain_judge_files(struct chain_result *c, const uint8_t *const *ders, const size_t *lens, size_t count,
			   const struct x509view_trust *trust, const char *hostname, bool peer_is_server,
			   time_t now);

/* The sanitized form of src[0..len) into dst (n >= 4), ending in "..." when cut. */
void x509facts_safe_piece(char *dst, size_t n, const void *src, size_t len);
/* The certificate's DN (RFC 4514), sanitized; "(empty)" when it has none. */
void x509facts_dn_safe(gnutls_x509_crt_t crt, char *out, size_t n);

#endif
