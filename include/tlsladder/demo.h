/*
 * demo: the offline demo. Client and server GnuTLS sessions run in one
 * process, each on its own thread, joined by a socketpair, both recording
 * into one (merging) timeline. The catalogue of scenarios is data.
 */
#ifndef TLSLADDER_DEMO_H
#define TLSLADDER_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/errors.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

struct demo_scenario {
	const char *name;
	const char *summary;           /* one line for --list */
	const char *client_priority;
	const char *server_priority;
	const char *server_cert;       /* file names inside the certs directory */
	const char *server_key;
	const char *client_cert;       /* NULL: the client has no certificate */
	const char *client_key;
	enum tl_auth client_auth;
	unsigned connections;          /* 2: a full handshake, then a resumed one */
	/* failure scenarios */
	bool failure;                  /* it teaches a failure (listed apart; exits non-zero) */
	const char *expect;            /* the diagnosis code it should produce ("ok" when NULL) */
	const char *client_trusts;     /* CA file the client trusts for the server (default root-ca.pem) */
	bool key_mismatch;             /* send the client certificate with a key that does not belong to it */
	const char *crl;               /* a CRL file both sides check client certificates against (NULL: none) */
	bool key_update;               /* after the handshake: data, a KeyUpdate asking the peer to update, data */
	bool cert_later;               /* TLS 1.3: the client sends GET / (--http); the server then asks for its
	                                * certificate by post-handshake auth (serve --request-client-cert-later) */
	const char *early_data;        /* connection 2 sends this as early data (0-RTT); the server accepts it */
	enum tl_auth reneg_auth;       /* TLS 1.2: the client sends GET /, the server renegotiates asking for a
				        * client certificate as this says, then answers */
};

struct demo_opts {
	const char *certs_dir;
	int grace_ms;
	int timeout_ms;                /* for the whole run */
	bool capture;                  /* false only for the benchmark baseline */
	int cancel_fd;                 /* -1 for none */
	struct step_gate *gate;        /* step-gated mode, or NULL */
};

size_t demo_count(void);
const struct demo_scenario *demo_get(size_t i);
/* The scenario called name, or NULL. */
const struct demo_scenario *demo_find(const char *name);
/* The default scenario (tls13). */
const struct demo_scenario *demo_default(void);

/*
 * Runs a scenario into tl (which should merge observations). Returns the
 * client's exit code for the last connection, or -1 with err set when the
 * scenario could not start (missing certs, no threads).
 */
int demo_run(const struct demo_scenario *sc, const struct demo_opts *o, struct timeline *tl, struct tl_error *err);

#endif
