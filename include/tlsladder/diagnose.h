/*
 * diagnose: names the root cause of a failed (or successful) connection,
 * not the alert: a stable code, one plain sentence, one fix, and the
 * timeline events that are the evidence. Pure functions over the timeline
 * (events, results, pre-flight findings recorded as TL_EV_DIAGNOSIS events).
 */
#ifndef TLSLADDER_DIAGNOSE_H
#define TLSLADDER_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/timeline.h"

#define DIAG_CODES(X) \
	X(OK, "ok") \
	X(CLIENT_CERT_MISSING, "client-cert-missing") \
	X(CLIENT_CERT_UNTRUSTED_ISSUER, "client-cert-untrusted-issuer") \
	X(CLIENT_CERT_CHAIN_INCOMPLETE, "client-cert-chain-incomplete") \
	X(CLIENT_CERT_EXPIRED, "client-cert-expired") \
	X(CLIENT_CERT_NOT_YET_VALID, "client-cert-not-yet-valid") \
	X(CLIENT_CERT_WRONG_USAGE, "client-cert-wrong-usage") \
	X(CLIENT_KEY_MISMATCH, "client-key-mismatch") \
	X(CLIENT_CERT_REJECTED, "client-cert-rejected") \
	X(SERVER_CERT_UNTRUSTED, "server-cert-untrusted") \
	X(SERVER_CERT_EXPIRED, "server-cert-expired") \
	X(SERVER_CERT_NAME_MISMATCH, "server-cert-name-mismatch") \
	X(SERVER_CERT_SELF_SIGNED, "server-cert-self-signed") \
	X(PROTOCOL_VERSION_MISMATCH, "protocol-version-mismatch") \
	X(NO_SHARED_CIPHER, "no-shared-cipher") \
	X(NOT_TLS, "not-tls") \
	X(CONNECTION_REFUSED, "connection-refused") \
	X(DNS_FAILURE, "dns-failure") \
	X(TIMEOUT, "timeout") \
	X(CONNECTION_RESET, "connection-reset") \
	X(CONNECTION_CLOSED, "connection-closed") \
	X(PEER_ALERT, "peer-alert") \
	X(LOCAL_FILES, "local-files") \
	X(CANCELLED, "cancelled") \
	X(LEGACY_PROTOCOL, "legacy-protocol") \
	X(RECORD_INTEGRITY, "record-integrity") \
	X(CLIENT_CERT_REVOKED, "client-cert-revoked") \
	X(SERVER_CERT_REVOKED, "server-cert-revoked") \
	X(CRL_UNUSABLE, "crl-unusable") \
	X(HTTP_REFUSED, "http-refused") \
	X(POST_HANDSHAKE_AUTH_NOT_OFFERED, "post-handshake-auth-not-offered") \
	X(CLIENT_CERT_MISSING_AFTER_HANDSHAKE, "client-cert-missing-after-handshake") \
	X(POST_HANDSHAKE_AUTH_UNANSWERED, "post-handshake-auth-unanswered") \
	X(CLIENT_CERT_WEAK_KEY, "client-cert-weak-key") \
	X(CLIENT_CERT_WEAK_SIGNATURE, "client-cert-weak-signature") \
	X(CLIENT_CERT_KEY_NOT_ACCEPTED, "client-cert-key-not-accepted") \
	X(RENEGOTIATION_UNSAFE, "renegotiation-unsafe") \
	X(STARTTLS_NOT_OFFERED, "starttls-not-offered") \
	X(STARTTLS_REFUSED, "starttls-refused") \
	X(STARTTLS_UNEXPECTED_REPLY, "starttls-unexpected-reply") \
	X(STARTTLS_REFUSED_AFTER_HANDSHAKE, "starttls-refused-after-handshake")

enum diag_code {
#define DIAG_ENUM(id, name) DIAG_##id,
	DIAG_CODES(DIAG_ENUM)
#undef DIAG_ENUM
	DIAG_COUNT
};

#define DIAG_MAX_EVIDENCE 6

struct diag_finding {
	enum diag_code code;
	char sentence[2048];      /* may quote certificate names: sanitize to show */
	char fix[1600];
	size_t evidence[DIAG_MAX_EVIDENCE];   /* timeline indexes */
	unsigned nevidence;
};

/* The stable name of a code ("client-cert-untrusted-issuer"). */
const char *diag_code_name(enum diag_code c);
/* The exit code that goes with a diagnosis (enum tl_exit). legacy-protocol is
 * a warning on a completed handshake: 0, or TL_EXIT_LEGACY with --verify strict. */
int diag_exit_code(enum diag_code c);
/* True for a code that warns about a completed handshake (legacy-protocol), or
 * about a CRL given with --crl (crl-unusable, only ever after the primary cause). */
bool diag_is_warning(enum diag_code c);
/* The same under --verify strict (strict: true), where a warning fails. */
int diag_exit_code_policy(enum diag_code c, bool strict);
/*
 * Diagnoses connection conn from side's point of view (the client in client
 * mode and the demo, the server in server mode). Writes up to max findings,
 * the primary cause first; returns how many. Always at least one when max > 0.
 */
size_t diagnose(const struct timeline *tl, unsigned conn, enum tl_side side, struct diag_finding *out, size_t max);

#endif
