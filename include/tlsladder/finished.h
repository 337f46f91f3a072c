/*
 * finished: recomputes each Finished message from the timeline and the
 * secrets the keylog function captured, and lays out a connection's key
 * schedule. This header is GnuTLS-free; the hashing is in src/tls/finished.c.
 *
 * The transcript is rebuilt from the handshake bodies in the timeline (the
 * sender's bytes), in order, each prefixed with type(1) || length(3):
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
 * All functions only read the timeline.
 */
#ifndef TLSLADDER_FINISHED_H
#define TLSLADDER_FINISHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

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

/* Fills k for TLS 1.2 connection conn; false when not TLS 1.2, the suite is unknown, or no master secret. */
bool finished_keys12(const struct timeline *tl, unsigned conn, struct finished_keys12 *k);

#endif
