/*
 * finished: recomputes each Finished message from the timeline and the
 * secrets the keylog function captured, and lays out a connection's key
 * schedule. This header is GnuTLS-free; the hashing is in src/tls/finished.c.
 *
 * The transcript is rebuilt from the handshake bodies of the Finished's own
 * handshake (from its first ClientHello on; the sender's bytes), in order, each prefixed with type(1) || length(3):
 * ChangeCipherSpec is not a handshake message; TLS 1.3 leaves out
 * NewSessionTicket and KeyUpdate, TLS 1.2 keeps the NewSessionTicket that
 * precedes the server's Finished; after a HelloRetryRequest the first
 * ClientHello becomes message_hash (254 00 00 HashLen || Hash(ClientHello1)).
 *
 *  TLS 1.3: verify_data = HMAC(finished_key, Hash(transcript before it)),
 *           finished_key = HKDF-Expand-Label([CLIENT|SERVER]_HANDSHAKE_
 *           TRAFFIC_SECRET, "finished", "", HashLen).
 *  TLS 1.2: verify_data = PRF(master_secret, "client finished" / "server
 *           finished", Hash(transcript before it))[0..12), the PRF hash
 *           being SHA-384 for *_SHA384 suites and SHA-256 otherwise.
 *
 * Secrets are matched by connection, label and client random. GnuTLS logs
 * CLIENT_RANDOM only when it makes a master secret, so a resumed TLS 1.2
 * connection may have none of its own: then the latest earlier
 * connection's master secret is used, and the tree says so.
 *
 * All functions only read the timeline, except finished_settle, which
 * stores the results in it.
 */
#ifndef TLSLADDER_FINISHED_H
#define TLSLADDER_FINISHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

/* What the check of one Finished concluded. */
enum finished_verdict {
	FINISHED_CANNOT_CHECK = 0,   /* the value could not be recomputed (finished_result.reason) */
	FINISHED_MATCH,              /* recomputed and equal to the verify_data it carries */
	FINISHED_MISMATCH            /* recomputed and different */
};

/* Why a Finished could not be recomputed, or how it differs. */
enum finished_reason {
	FINISHED_REASON_NONE = 0,
	FINISHED_NOT_FINISHED,         /* the event is not a Finished message */
	FINISHED_NO_CLIENT_HELLO,      /* its handshake has no ClientHello */
	FINISHED_NO_SERVER_HELLO,      /* ... no ServerHello */
	FINISHED_LEGACY_PRF,           /* TLS 1.0/1.1: the MD5/SHA-1 PRF (version) */
	FINISHED_UNKNOWN_SUITE,        /* the suite's hash is not known (suite) */
	FINISHED_UNFRAMEABLE,          /* a message cannot be framed (bad_index) */
	FINISHED_HASH_FAILED,          /* the library refused to hash */
	FINISHED_NO_SECRET,            /* the key log has no base secret (base_secret) */
	FINISHED_SECRET_LENGTH,        /* the base secret has the wrong length (secret_len) */
	FINISHED_DERIVATION_REFUSED,   /* the library refused the key derivation */
	FINISHED_OUT_OF_MEMORY,
	FINISHED_LENGTH_DIFFERS,       /* MISMATCH: verify_data has another length than expected */
	FINISHED_BODY_CUT              /* a message was kept only in part (bad_index; timeline.h's limits) */
};

#define FINISHED_MAX_HASH 64
#define FINISHED_MAX_MSGS 32

/*
 * The check of one Finished, computed once: when the connection settles
 * (finished_settle stores it in the timeline), or on demand for a timeline
 * that has none stored (memoized per timeline stamp). Views render it.
 */
struct finished_result {
	size_t index;                    /* timeline index of the Finished */
	unsigned conn;                   /* its connection */
	enum finished_verdict verdict;
	enum finished_reason reason;
	bool client;                     /* sent by the client */
	unsigned version, suite;         /* from its handshake's ServerHello (0: not known) */
	const char *hash_name;           /* "SHA-256", "SHA-384" (static), or NULL */
	size_t hash_len;
	uint8_t transcript_hash[FINISHED_MAX_HASH]; /* set once the transcript was hashed (hash_len bytes) */
	bool have_transcript;
	size_t msgs[FINISHED_MAX_MSGS];  /* timeline indexes of the messages the transcript covers, in order */
	unsigned nmsgs;                  /* how many (more than FINISHED_MAX_MSGS: only the first are listed) */
	bool message_hash;               /* msgs[0], a ClientHello, entered as message_hash (after an HRR) */
	const char *base_secret;         /* key log label of the base secret (static), or NULL */
	unsigned secret_conn;            /* TLS 1.2: the connection whose master secret was used */
	uint8_t key[FINISHED_MAX_HASH];  /* TLS 1.3: the finished key; TLS 1.2: the master secret */
	size_t key_len;                  /* 0: none derived */
	size_t secret_len;               /* FINISHED_SECRET_LENGTH: the length the key log gave */
	uint8_t recomputed[FINISHED_MAX_HASH];
	size_t recomputed_len;           /* 0: not recomputed */
	size_t received_len;             /* length of the verify_data it carries */
	size_t bad_index;                /* FINISHED_UNFRAMEABLE: the message */
	bool post_handshake;             /* TLS 1.3: the client's Finished of a post-handshake authentication */
};

/*
 * The check of the Finished at timeline index i into *out: the result
 * stored when its connection settled, or else computed from the timeline
 * through the same function (kept while the timeline does not change).
 * Returns out->verdict.
 */
enum finished_verdict finished_result_get(const struct timeline *tl, size_t i, struct finished_result *out);

/* Checks every Finished of connection conn and stores each result in the timeline (timeline_set_finished). */
void finished_settle(struct timeline *tl, unsigned conn);

/* Why a Finished could not be checked, or how it differs, in plain words (for a view). Returns buf. */
char *finished_reason_text(const struct finished_result *r, char *buf, size_t n);

/*
 * The check of the Finished at timeline index i: verify_data, the
 * protocol and hash, the transcript hash with the messages it covers as
 * children, the base secret's label, the finished key (TREE_SECRET), the
 * recomputed value, and a verdict node: "MATCH" (TREE_GOOD), "MISMATCH"
 * (TREE_BAD) or "cannot recompute: <why>" (secrets missing, unsupported
 * version, not a Finished). The root's value repeats the verdict.
 * NULL only when memory ran out.
 */
struct tree_node *finished_check(const struct timeline *tl, size_t i);

/* True when the Finished at index i recomputes to the verify_data it carries. */
bool finished_matches(const struct timeline *tl, size_t i);

/*
 * The key schedule of connection conn. TLS 1.2: both randoms, how the
 * master secret is derived (from the premaster, or the extended master
 * secret's session hash, or resumed), the master secret itself, and the
 * key expansion into the record keys (finished_keys12).
 * TLS 1.3: every traffic secret captured, by label, with the finished keys
 * and the record keys and IVs derived from them. Secrets are TREE_SECRET.
 */
struct tree_node *finished_key_schedule(const struct timeline *tl, unsigned conn);
/* The key schedule of the handshake that timeline event i belongs to (a
 * connection may hold several: renegotiation, or a built timeline). */
struct tree_node *finished_key_schedule_at(const struct timeline *tl, size_t i);

/*
 * The TLS 1.2 key block (RFC 5246 6.3): PRF(master secret, "key expansion",
 * server random + client random), cut per the cipher suite into client and
 * server MAC keys (CBC suites only), write keys, and IVs: only AEAD suites
 * take an IV from the key block, the 4-byte implicit nonce ("salt") of
 * AES-GCM and AES-CCM (RFC 5288, RFC 6655), the 12-byte IV of
 * ChaCha20-Poly1305 (RFC 7905); CBC suites send an explicit IV per record.
 */
struct finished_keys12 {
	size_t mac_len, key_len, iv_len;   /* per direction; 0: none in this suite */
	const char *layout;                /* the layout in words (static) */
	uint8_t client_mac[48], server_mac[48];
	uint8_t client_key[32], server_key[32];
	uint8_t client_iv[12], server_iv[12];
};

/* The record key and IV of a TLS 1.3 traffic secret (RFC 8446 7.3). */
struct finished_keys13 {
	uint8_t key[32];
	size_t key_len;                    /* 16 or 32, per the suite */
	uint8_t iv[12];
	size_t iv_len;                     /* 12 */
};

/*
 * key = HKDF-Expand-Label(secret, "key", "", key_len), iv =
 * HKDF-Expand-Label(secret, "iv", "", 12), with the suite's hash; false when
 * the suite is not a TLS 1.3 one, the secret is not the hash's length, or the
 * library refused (k is then zero). Every TLS 1.3 record key shown or used
 * comes from here.
 */
bool finished_traffic_keys13(unsigned suite, const uint8_t *secret, size_t slen, struct finished_keys13 *k);

/* Fills k for TLS 1.2 connection conn; false when not TLS 1.2, the suite is unknown, or no master secret. */
bool finished_keys12(const struct timeline *tl, unsigned conn, struct finished_keys12 *k);
/* The same for the handshake that timeline event i belongs to (a renegotiation has its own keys). */
bool finished_keys12_at(const struct timeline *tl, size_t i, struct finished_keys12 *k);

/*
 * The transcript of the handshake that timeline event i belongs to, as it
 * stands just before i, by the rules of a Finished's transcript (message_
 * hash after a HelloRetryRequest; a TLS 1.3 client message after the
 * client's handshake Finished: a post-handshake authentication's). What
 * the signatures over it need (certverify.h): the concatenated messages,
 * their hash, and the hellos' randoms.
 */
struct finished_transcript {
	enum finished_reason reason;      /* FINISHED_REASON_NONE: bytes and hash are set */
	unsigned conn, version, suite;    /* from its handshake's ServerHello (0: not known) */
	const char *hash_name;            /* the suite's hash, "SHA-256" or "SHA-384" (static), or NULL */
	size_t hash_len;
	uint8_t hash[FINISHED_MAX_HASH];  /* Hash(bytes) */
	uint8_t client_random[32], server_random[32];
	bool have_randoms;                /* both hellos were read */
	uint8_t *bytes;                   /* type || length || body of each message (malloc: finished_transcript_free) */
	size_t len;
	size_t msgs[FINISHED_MAX_MSGS];   /* timeline indexes of the messages it covers, in order */
	unsigned nmsgs;                   /* how many (more than FINISHED_MAX_MSGS: only the first are listed) */
	bool message_hash;                /* msgs[0] entered as message_hash (after an HRR) */
	bool post_handshake;              /* TLS 1.3 post-handshake authentication */
	size_t bad_index;                 /* FINISHED_UNFRAMEABLE, FINISHED_BODY_CUT: the message */
};

/* Fills t with the transcript before event i (client: the client's view of a post-handshake exchange); returns t->reason. */
enum finished_reason finished_transcript_get(const struct timeline *tl, size_t i, bool client, struct finished_transcript *t);
/* Frees the bytes of a transcript. */
void finished_transcript_free(struct finished_transcript *t);

#endif
