/*
 * credcheck: pre-flight checks of a client's configured credentials, run
 * before connecting, so that a mutual-TLS failure the files already
 * explain is named before the handshake hides it (a server that only says
 * "bad_certificate", or GnuTLS silently withholding a chain that does not
 * match the server's CA names).
 *
 * The credentials are a PEM certificate chain and key, or a PKCS#12 file.
 * Each finding is one plain sentence naming the certificate and the fact,
 * and one saying what to do. Certificates are hostile: every name, DN and
 * path in a finding has passed through sanitize_text() already, so the
 * strings may be shown as they are. This header is GnuTLS-free; the work
 * is done in src/tls/credcheck.c.
 */
#ifndef TLSLADDER_CREDCHECK_H
#define TLSLADDER_CREDCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "tlsladder/notes.h"

/* More findings than this are never produced by one run (an array this long always suffices). */
#define CREDCHECK_MAX_FINDINGS 16

enum credcheck_code {
	CREDCHECK_KEY_MISMATCH,      /* the private key does not belong to the client certificate */
	CREDCHECK_EXPIRED,           /* the client certificate (or, when it is fine, an intermediate) has expired */
	CREDCHECK_NOT_YET_VALID,     /* ... is not valid yet (often: this machine's clock) */
	CREDCHECK_WRONG_USAGE,       /* extended key usage without clientAuth, or key usage without digitalSignature */
	CREDCHECK_CHAIN_INCOMPLETE,  /* the intermediate that issued the last certificate is not in the file */
	CREDCHECK_P12_NO_KEY,        /* the PKCS#12 file holds no private key */
	CREDCHECK_P12_SEVERAL_KEYS,  /* the PKCS#12 file holds more than one private key */
	CREDCHECK_UNREADABLE,        /* a certificate, key or PKCS#12 file cannot be read or parsed */
	CREDCHECK_REVOKED,           /* a CRL (--crl) lists a certificate of the chain */
	CREDCHECK_CRL_STALE,         /* a CRL is past its next update */
	CREDCHECK_CRL_INVALID,       /* a CRL does not verify under its issuer's key (it is not used) */
	CREDCHECK_WEAK_KEY,          /* a key of the chain is below OpenSSL's default security level 2:
				      * RSA or DSA under 2048 bits, EC under 224 */
	CREDCHECK_WEAK_SIGNATURE,    /* a certificate of the chain (not a trust anchor) is signed with SHA-1 or MD5 */
	CREDCHECK_KEY_TYPE_RARE      /* a warning: the client key is Ed25519 or Ed448, which many servers do not accept */
};

struct credcheck_finding {
	enum credcheck_code code;
	/* One plain sentence naming the certificate (subject CN) and the fact, sanitized:
	 * "The client certificate 'CN=Demo Client (expired)' expired on 2021-01-01, 1790 days ago." */
	char sentence[512];
	char fix[256];              /* one plain sentence: what to do (sanitized) */
	char missing_issuer[256];   /* CHAIN_INCOMPLETE: the DN of the intermediate to send (sanitized); else "" */
	unsigned depth;             /* WEAK_KEY, WEAK_SIGNATURE: the certificate's place in the chain (0: the client's own) */
	enum tl_key_kind key;       /* WEAK_KEY, KEY_TYPE_RARE: the kind of key */
	unsigned key_bits;          /* WEAK_KEY: its size */
	bool sha1;                  /* WEAK_SIGNATURE: SHA-1 (false: MD5) */
};

struct credcheck_input {
	const char *cert_file, *key_file;     /* PEM chain (leaf first) + key, or */
	const char *p12_file, *p12_password;  /* PKCS#12 (DER or PEM); password NULL: "" */
	const char *ca_file, *ca_path;        /* where a missing intermediate might be found (ca_path: its *.pem, *.crt) */
	bool system_trust;                    /* also look in the system trust store */
	time_t now;                           /* the clock dates are judged against (0: the current time) */
	const char *const *crl_files;         /* CRL files to check the chain against (--crl), or NULL */
	size_t ncrl;
};

/*
 * Runs every check; fills up to max findings, in this order: unreadable
 * files, PKCS#12 key count, key mismatch, dates, usage, chain, then the
 * CRLs (their signatures and dates, and the chain's revocation), key
 * strength and signatures (weakest first), key type. Returns how
 * many were filled (0: nothing wrong found). The p12 file is used when
 * p12_file is set, else cert_file/key_file; a missing key_file skips the
 * key check. Checks that need a file that cannot be read are skipped.
 */
size_t credcheck_run(const struct credcheck_input *in, struct credcheck_finding *out, size_t max);

/* Stable code names: "client-key-mismatch", "client-cert-expired", "client-cert-not-yet-valid",
 * "client-cert-wrong-usage", "client-cert-chain-incomplete", "client-p12-no-key",
 * "client-p12-several-keys", "client-cert-unreadable", "client-cert-revoked", "crl-stale",
 * "crl-invalid", "client-cert-weak-key", "client-cert-weak-signature", "client-key-type-warning"
 * ("unknown" for other values). */
const char *credcheck_code_name(enum credcheck_code c);

struct timeline;
struct session_config;
/*
 * Runs the checks on a client's configured credentials and records each
 * finding in tl as a TL_EV_DIAGNOSIS event of connection conn (code: the
 * credcheck code + 1, text: "sentence\nfix"), where the diagnosis reads
 * them. extra_ca_path: another directory to look for a missing intermediate
 * (or NULL). Returns the number of findings.
 */
size_t credcheck_record(struct timeline *tl, unsigned conn, const struct session_config *cfg, const char *extra_ca_path);

#endif
