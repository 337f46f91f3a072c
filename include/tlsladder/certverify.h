/*
 * certverify: checks the signatures a handshake carries against the key
 * of the signer's certificate, from the timeline alone. This header is
 * GnuTLS-free; the checking is in src/tls/certverify.c.
 *
 * What is signed (the "signed content"):
 *  TLS 1.3 CertificateVerify (RFC 8446 4.4.3): 64 bytes of 0x20, the
 *    context string "TLS 1.3, server CertificateVerify" (or "client"), a
 *    0 byte, then the transcript hash: Hash of the handshake messages up
 *    to and including the Certificate (the rules of finished.h: message_
 *    hash after a HelloRetryRequest; post-handshake authentication).
 *  TLS 1.2 CertificateVerify (RFC 5246 7.4.8): every handshake message
 *    before it, concatenated (the scheme's hash is applied by the signature).
 *  TLS 1.2 ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4): client_random
 *    + server_random + the server's (EC)DH parameters.
 * The key is that of the first certificate of the signer's Certificate
 * message in the same handshake; the scheme is the one the message names.
 *
 * One function computes a typed result; certverify_settle stores it in the
 * timeline when the connection settles; certverify_result_get returns the
 * stored one or computes it on demand (a saved run recomputes it from the
 * saved bodies: no secret is involved); certverify_check only renders it.
 */
#ifndef TLSLADDER_CERTVERIFY_H
#define TLSLADDER_CERTVERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/finished.h"
#include "tlsladder/notes.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

/* What the check of one signature concluded. */
enum certverify_verdict {
	CERTVERIFY_CANNOT_CHECK = 0,   /* not checked (certverify_result.reason) */
	CERTVERIFY_MATCH,              /* the signature verifies with the certificate's key */
	CERTVERIFY_MISMATCH            /* it does not (lib_error: the library's reason, when not a plain failure) */
};

/* Why a signature could not be checked. */
enum certverify_reason {
	CERTVERIFY_REASON_NONE = 0,
	CERTVERIFY_NOT_SIGNED,         /* the event is neither a CertificateVerify nor a ServerKeyExchange */
	CERTVERIFY_NO_SIGNATURE,       /* a ServerKeyExchange without a signature (PSK, anonymous) */
	CERTVERIFY_MALFORMED,          /* the message does not decode */
	CERTVERIFY_BODY_CUT,           /* the message was kept only in part */
	CERTVERIFY_LEGACY_VERSION,     /* TLS 1.0/1.1: no scheme on the wire (MD5+SHA-1 signatures) */
	CERTVERIFY_TRANSCRIPT,         /* the handshake before it cannot be rebuilt (transcript_reason) */
	CERTVERIFY_NO_CERTIFICATE,     /* no Certificate from the signer before it in its handshake */
	CERTVERIFY_EMPTY_CERTIFICATE,  /* the signer's Certificate holds no certificate */
	CERTVERIFY_BAD_CERTIFICATE,    /* its first certificate or key cannot be read (lib_error) */
	CERTVERIFY_UNKNOWN_SCHEME,     /* a signature scheme this check does not know (scheme) */
	CERTVERIFY_OUT_OF_MEMORY
};

/* Which signature it is. */
enum certverify_kind {
	CERTVERIFY_KIND_NONE = 0,
	CERTVERIFY_TLS13,              /* TLS 1.3 CertificateVerify */
	CERTVERIFY_TLS12_CV,           /* TLS 1.2 CertificateVerify (the client's) */
	CERTVERIFY_TLS12_SKE           /* TLS 1.2 ServerKeyExchange */
};

#define CERTVERIFY_NO_INDEX ((size_t)-1)

/* The check of one signature, computed once (see the top of this file). Views render it. */
struct certverify_result {
	size_t index;                    /* timeline index of the CertificateVerify or ServerKeyExchange */
	unsigned conn;
	enum certverify_verdict verdict;
	enum certverify_reason reason;
	enum certverify_kind kind;
	bool client;                     /* signed by the client */
	unsigned version;                /* its handshake's version (0: not known) */
	unsigned scheme;                 /* the SignatureScheme it names (0: not read) */
	size_t sig_len;                  /* bytes of the signature */
	size_t content_len;              /* bytes of the signed content (0: not built) */
	/* TLS 1.3: the transcript hash; TLS 1.2 CertificateVerify: the messages themselves */
	const char *hash_name;           /* the suite's hash, "SHA-256" or "SHA-384" (static), or NULL */
	size_t hash_len;
	uint8_t transcript_hash[FINISHED_MAX_HASH];
	bool have_transcript;            /* transcript_hash (TLS 1.3) or the messages (TLS 1.2) were read */
	size_t msgs[FINISHED_MAX_MSGS];  /* timeline indexes of the messages covered, in order */
	unsigned nmsgs;                  /* how many (more than FINISHED_MAX_MSGS: only the first are listed) */
	bool message_hash;               /* msgs[0] entered as message_hash (after a HelloRetryRequest) */
	bool post_handshake;             /* TLS 1.3 post-handshake authentication */
	enum finished_reason transcript_reason; /* CERTVERIFY_TRANSCRIPT: why */
	size_t bad_index;                /* CERTVERIFY_TRANSCRIPT: the message at fault */
	/* TLS 1.2 ServerKeyExchange */
	uint8_t client_random[32], server_random[32];
	size_t params_len;               /* bytes of the (EC)DH parameters at the start of its body (then the scheme; 0 in a CertificateVerify) */
	/* the key */
	size_t cert_index;               /* the Certificate message it came from, or CERTVERIFY_NO_INDEX */
	enum tl_key_kind key;
	unsigned key_bits;
	char subject[256];               /* the certificate's subject DN, sanitized ("" when not read) */
	int lib_error;                   /* the library's code: BAD_CERTIFICATE, or MISMATCH other than a plain failure */
	char lib_words[96];              /* that code in words ("" when none) */
};

/*
 * The check of the signature at timeline index i into *out: the result
 * stored when its connection settled, or else computed from the timeline
 * (kept while the timeline does not change). Returns out->verdict.
 */
enum certverify_verdict certverify_result_get(const struct timeline *tl, size_t i, struct certverify_result *out);

/* Checks every CertificateVerify and ServerKeyExchange of connection conn and stores the results. */
void certverify_settle(struct timeline *tl, unsigned conn);

/* Why a signature could not be checked, or why the library refused it, in plain words. Returns buf. */
char *certverify_reason_text(const struct certverify_result *r, char *buf, size_t n);

/*
 * The exact signed content of the signature at index i (see the top of
 * this file) into *out (malloc; free it) and *len; false when it cannot be
 * built (the result's reason says why).
 */
bool certverify_signed_content(const struct timeline *tl, size_t i, uint8_t **out, size_t *len);

/*
 * The check as a tree: root "signature check" valued with the verdict;
 * "signed content" with its parts as children (TLS 1.3: "padding",
 * "context string", "separator", "transcript hash" with the messages it
 * covers; TLS 1.2 CertificateVerify: the messages; ServerKeyExchange:
 * "client random", "server random", "server parameters"), "signature
 * scheme", "key" (type, bits, the certificate's subject), and "verdict":
 * "MATCH" (TREE_GOOD), "MISMATCH" (TREE_BAD) or "cannot check: <why>".
 * NULL only when memory ran out.
 */
struct tree_node *certverify_check(const struct timeline *tl, size_t i);

#endif
