/*
 * keysched: the TLS 1.3 key schedule values that tlsladder computes itself,
 * beyond the traffic secrets the key log reports (RFC 8446 7.1). This
 * header is GnuTLS-free; the hashing is in src/tls/keysched.c.
 *
 *  - early secret = HKDF-Extract(0, PSK or HashLen zeros): on a full
 *    handshake a constant of the hash (RFC 8448 section 3 for SHA-256);
 *  - the resumption master secret, which GnuTLS 3.7.9 keeps only inside
 *    the client's packed session (gnutls_session_get_data2): it is found
 *    there by the NewSessionTicket's own nonce and ticket, and stored in
 *    the timeline as a secret labelled KEYSCHED_RMS_LABEL;
 *  - each ticket's PSK = HKDF-Expand-Label(resumption master secret,
 *    "resumption", ticket_nonce, HashLen);
 *  - on a resumed connection: the early secret from that PSK, the binder
 *    key Derive-Secret(early secret, "res binder", ""), and the binder
 *    HMAC(finished key of the binder key, Hash(ClientHello up to its
 *    binders)), checked against the binder the ClientHello carries: MATCH
 *    proves the chain of values right. With 0-RTT, the client early traffic
 *    secret derived from it is checked against the key log's.
 *
 * The (EC)DHE shared secret is not exported by GnuTLS 3.7.9, and
 * gnutls_session_get_master_secret gives 48 zero bytes under TLS 1.3, so
 * the handshake and master secrets have no values here.
 *
 * keysched_settle computes the check of a connection once, when it
 * settles, and stores it in the timeline; views render what is stored.
 */
#ifndef TLSLADDER_KEYSCHED_H
#define TLSLADDER_KEYSCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/timeline.h"

/* The label the resumption master secret is stored under in the timeline's secrets (not an NSS key log label). */
#define KEYSCHED_RMS_LABEL "RESUMPTION_MASTER_SECRET"

#define KEYSCHED_MAX_HASH 64

/* What a check concluded. */
enum keysched_verdict {
	KEYSCHED_CANNOT_CHECK = 0,   /* not computed (keysched_binder.reason says why) */
	KEYSCHED_MATCH,              /* computed and equal to what the handshake carried or the key log reported */
	KEYSCHED_MISMATCH            /* computed and different */
};

/* Why the binder of a connection could not be checked. */
enum keysched_reason {
	KEYSCHED_REASON_NONE = 0,
	KEYSCHED_NOT_OFFERED,         /* the ClientHello offers no PSK (a full handshake) */
	KEYSCHED_AFTER_HRR,           /* a HelloRetryRequest came first: the binder covers more than one ClientHello */
	KEYSCHED_MALFORMED,           /* the ClientHello's pre_shared_key cannot be read, or was not kept whole */
	KEYSCHED_NO_TICKET,           /* no earlier NewSessionTicket of this run carries the offered identity */
	KEYSCHED_NO_RMS,              /* the ticket's connection has no resumption master secret here */
	KEYSCHED_RMS_WITHHELD,        /* ... it has one, but the run was saved without its secrets */
	KEYSCHED_UNKNOWN_HASH,        /* the ticket's connection has no TLS 1.3 suite known here */
	KEYSCHED_DERIVATION_REFUSED   /* the library refused a derivation */
};

/*
 * The PSK binder check of one connection (its first ClientHello), computed
 * once when the connection settles and stored in the timeline.
 */
struct keysched_binder {
	unsigned conn;
	size_t ch_index;                 /* timeline index of the ClientHello */
	enum keysched_verdict verdict;
	enum keysched_reason reason;
	unsigned identities;             /* identities offered; identity 1 is checked */
	size_t nst_index;                /* the NewSessionTicket that issued identity 1 */
	unsigned ticket_conn;            /* ... and its connection */
	const char *hash_name;           /* "SHA-256", "SHA-384" (static), or NULL */
	size_t hash_len;
	uint8_t psk[KEYSCHED_MAX_HASH];          /* HKDF-Expand-Label(rms, "resumption", ticket_nonce, HashLen) */
	uint8_t early[KEYSCHED_MAX_HASH];        /* HKDF-Extract(0, PSK) */
	uint8_t binder_key[KEYSCHED_MAX_HASH];   /* Derive-Secret(early secret, "res binder", "") */
	uint8_t finished_key[KEYSCHED_MAX_HASH]; /* HKDF-Expand-Label(binder key, "finished", "", HashLen) */
	uint8_t partial_hash[KEYSCHED_MAX_HASH]; /* Hash(ClientHello up to its binders) */
	uint8_t computed[KEYSCHED_MAX_HASH];     /* HMAC(finished key, partial hash) */
	uint8_t received[KEYSCHED_MAX_HASH];     /* binder 1 as the ClientHello carries it */
	size_t received_len;
	size_t partial_len;              /* bytes of the ClientHello the binder covers (its 4-byte header included) */
	/* 0-RTT: Derive-Secret(early secret, "c e traffic", ClientHello) against the key log's */
	enum keysched_verdict early_traffic;
	uint8_t early_traffic_secret[KEYSCHED_MAX_HASH];
};

/* Computes the binder check of connection conn and stores it (timeline_set_keysched). */
void keysched_settle(struct timeline *tl, unsigned conn);

/* The binder check of connection conn: the stored one, else computed now. Returns out->verdict. */
enum keysched_verdict keysched_binder_get(const struct timeline *tl, unsigned conn, struct keysched_binder *out);

/* Why a binder could not be checked, in plain words (for a view). Returns buf. */
char *keysched_reason_text(enum keysched_reason reason, char *buf, size_t n);

/*
 * Known answers: HKDF-Extract(salt, ikm), HKDF-Expand-Label and
 * Derive-Secret with hash "SHA-256" or "SHA-384" (for tests; false when the
 * hash is unknown or the library refuses).
 */
bool keysched_extract(const char *hash, const uint8_t *salt, size_t slen, const uint8_t *ikm, size_t ilen, uint8_t *out);
bool keysched_expand_label(const char *hash, const uint8_t *secret, size_t slen, const char *label, const uint8_t *ctx,
			   size_t clen, uint8_t *out, size_t len);
/* Derive-Secret(secret, label, messages) = HKDF-Expand-Label(secret, label, Hash(messages), HashLen). */
bool keysched_derive_secret(const char *hash, const uint8_t *secret, size_t slen, const char *label,
			    const uint8_t *msgs, size_t mlen, uint8_t *out);

/* The binder of a PSK over a partial ClientHello (header included), per RFC 8446 4.2.11.2 (for tests). */
bool keysched_binder_of(const char *hash, const uint8_t *psk, size_t plen, const uint8_t *partial, size_t n,
			uint8_t *out);

#endif
