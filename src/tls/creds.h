/*
 * creds.h: loading credentials, shared inside src/tls/ by the endpoint
 * (endpoint.c) and the pre-flight checks (credcheck.c), both in creds.c.
 *
 * struct creds holds a client's own credentials the way the client will
 * use them: a PEM (or single DER) certificate file whose first certificate
 * is the leaf, with a separate key file; or a PKCS#12 file, whose leaf is
 * the certificate of its first private key (as gnutls_pkcs12_simple_parse
 * chooses). creds_order() walks the chain from the leaf up through the
 * certificates the file holds, each link checked by name and signature.
 * A load that fails says why in a struct creds_status; the words are the
 * caller's.
 *
 * PKCS#12 key derivation is the slow part of local work (each of the MAC
 * and the encrypted bags costs the iteration count the file asks for:
 * 600,000 rounds of SHA-256 take about 75 ms here). It is bounded by its
 * own check: the rounds a file asks for are read before each derivation
 * and a file that asks for more than CREDS_P12_MAX_ROUNDS in all is
 * refused (CREDS_P12_TOO_COSTLY) without deriving. Between
 * creds_share_begin() and creds_share_end() a PKCS#12 file is derived
 * once and each later load of the same file (path, password, size, inode,
 * modification time) gets a copy of that result: the client's pre-flight
 * checks and its endpoint share one derivation.
 */
#ifndef TLSLADDER_TLS_CREDS_H
#define TLSLADDER_TLS_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tlsladder/errors.h"

#define CREDS_MAX_CERTS 16
#define CREDS_MAX_FILE (16u * 1024 * 1024)
#define CREDS_P12_MAX_ROUNDS 16000000ul             /* key-derivation rounds a PKCS#12 file may ask for in all */

/* The credentials as loaded. */
struct creds {
	bool p12;
	const char *file;                            /* the certificate or PKCS#12 file */
	gnutls_x509_crt_t certs[CREDS_MAX_CERTS];    /* as the file holds them */
	size_t ncerts;
	gnutls_x509_privkey_t key;                   /* the key the client would use; NULL: none or unreadable */
	size_t nkeys;                                /* PKCS#12: private keys held */
	size_t chain[CREDS_MAX_CERTS];               /* indexes into certs, from the leaf up, as far as the file reaches */
	size_t nchain;
};

/* Why a file could not be used. */
enum creds_fail {
	CREDS_OK,
	CREDS_UNOPENABLE,      /* the file cannot be read: sys_err */
	CREDS_UNPARSABLE,      /* no certificate / key / PKCS#12 structure in it: rc */
	CREDS_P12_PASSWORD,    /* the PKCS#12 file does not open with the password given */
	CREDS_P12_DAMAGED,     /* a bag of the PKCS#12 file cannot be read: rc */
	CREDS_P12_NO_CERT,     /* the PKCS#12 file holds no certificate */
	CREDS_P12_TOO_COSTLY   /* its key derivations ask for more than CREDS_P12_MAX_ROUNDS rounds: rounds */
};

struct creds_status {
	enum creds_fail fail;
	int sys_err;           /* an errno value (UNOPENABLE) */
	int rc;                /* a GnuTLS error code (UNPARSABLE, P12_DAMAGED) */
	unsigned long rounds;  /* P12_TOO_COSTLY: the rounds asked for, counted up to the one over the limit */
};

/* Reads a whole file (at most CREDS_MAX_FILE) into d (malloc'd data); false with *err set (an errno value). */
bool creds_read_file(const char *path, gnutls_datum_t *d, int *err);
/* Parses a PEM list (or one DER certificate) from d into out[0..max); returns the count, or a GnuTLS error. */
int creds_parse_certs(const gnutls_datum_t *d, gnutls_x509_crt_t *out, size_t max);
/* Loads a PEM (or DER) certificate file into c; false with *st set when it cannot be used. */
bool creds_load_certs(struct creds *c, const char *path, struct creds_status *st);
/* Loads an unencrypted key file (PEM or DER) into c->key; false with *st set. */
bool creds_load_key(struct creds *c, const char *path, struct creds_status *st);
/* Loads a PKCS#12 file (DER or PEM; password NULL: ""); false with *st set. */
bool creds_load_p12(struct creds *c, const char *path, const char *password, struct creds_status *st);
/* From here to creds_share_end(), loading the same PKCS#12 file again reuses the first derivation. */
void creds_share_begin(void);
/* Ends the sharing and forgets the kept result. */
void creds_share_end(void);
/* Chooses the leaf and walks the chain from it (fills c->chain); c->ncerts > 0. */
void creds_order(struct creds *c);
/* Frees what was loaded (c may be partly filled). */
void creds_free(struct creds *c);

/* True when issuer's subject is crt's issuer and issuer's key verifies crt's signature. */
bool creds_issued_by(gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer);
/* True when crt names itself as its issuer (a root, or a self-signed leaf). */
bool creds_self_issued(gnutls_x509_crt_t crt);
/* 1 when key belongs to crt, 0 when not, -1 when it cannot be told. */
int creds_key_matches(gnutls_x509_privkey_t key, gnutls_x509_crt_t crt);

struct endpoint;
/* Loads the trust anchors and the own credentials of the endpoint's configuration into its
 * GnuTLS credentials. 0, or -1 with err. */
int creds_load(struct endpoint *ep, struct tl_error *err);
/* Client: prepares the loaded chain and key for the certificate callback. 0, or -1 with err. */
int creds_client_chain(struct endpoint *ep, struct tl_error *err);

#endif
