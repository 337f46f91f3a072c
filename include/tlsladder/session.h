/*
 * session: one side of a TLS connection, driven by GnuTLS, with every event
 * recorded into a timeline. This header is GnuTLS-free; src/tls/ is the only
 * place that includes GnuTLS.
 *
 * An endpoint holds what outlives one connection (credentials, the server's
 * ticket key, the client's saved session for resumption). endpoint_run()
 * performs one connection over a connected socket: the handshake, the
 * post-handshake grace period (client), serving until close (server), and
 * close_notify. Each run is connection number `conn` in the timeline.
 */
#ifndef TLSLADDER_SESSION_H
#define TLSLADDER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/errors.h"
#include "tlsladder/stepgate.h"
#include "tlsladder/timeline.h"

enum tl_auth { TL_AUTH_NONE, TL_AUTH_REQUEST, TL_AUTH_REQUIRE };

/* serve: at most this many --cert/--key pairs */
#define SESSION_MAX_CERT_PAIRS 8

struct session_config {
	enum tl_side side;
	const char *priority;       /* GnuTLS priority string; NULL means "NORMAL" */
	const char *cert_file;      /* own certificate chain (PEM); server: required */
	const char *key_file;       /* own private key (PEM) */
	const char *ca_file;        /* trust anchors for the peer's chain (PEM) */
	const char *ca_path;        /* ... or a directory of them */
	const char *p12_file;       /* own credentials from a PKCS#12 (.p12/.pfx) file instead of cert/key */
	const char *p12_password;   /* its password ("" for none) */
	const char *alpn;           /* client: comma-separated protocols to offer; server: the ones it accepts, in its
				     * order of preference; or NULL */
	bool system_trust;          /* also trust the system store */
	enum tl_auth client_auth;   /* server: ask for a client certificate */
	const char *server_name;    /* client: name to verify (and send as SNI) */
	bool send_sni;
	bool verify_strict;         /* client: abort the handshake on a bad server chain */
	bool tickets;               /* server: issue session tickets */
	bool http;                  /* client: after the handshake, send GET / and record the first response line */
	int starttls;               /* client: the enum tl_starttls_proto the connection began with (0: none); SMTP
				     * and LMTP say EHLO again over TLS after the handshake, then QUIT (starttls.c) */
	bool allow_key_mismatch;    /* client (demo): load a key that does not belong to the certificate and use it */
	bool withhold_unmatched;    /* client: like GnuTLS, send no certificate when its issuer is not among
	                             * the CAs the server listed (default: send it, so the server's verdict shows) */
	const char *const *crl_files;   /* CRL files (PEM, several CRLs each, or one DER CRL): the peer's chain is
	                                 * checked against them; the client's own chain in the pre-flight checks */
	size_t ncrl;
	bool key_update;            /* client: after the grace period, a TLS 1.3 KeyUpdate asking the peer to update
				     * too (--key-update); server: answer data after a client's KeyUpdate once */
	bool key_update_data;       /* client: send a line of application data before and after its KeyUpdate */
	/* server: more certificate/key pairs after cert_file/key_file, chosen by the client's SNI (vhost.c) */
	const char *more_cert[SESSION_MAX_CERT_PAIRS - 1];
	const char *more_key[SESSION_MAX_CERT_PAIRS - 1];
	unsigned nmore;
	bool no_post_handshake_auth; /* client: do not offer post_handshake_auth (TLS 1.3; offered by default) */
	bool request_cert_later;    /* server: TLS 1.3, ask for the client's certificate (required) only after
	                             * the handshake, by post-handshake authentication */
	unsigned early_data_max;    /* server: accept this many bytes of TLS 1.3 early data (0-RTT); 0: none */
	enum tl_auth reneg_auth;    /* server, TLS 1.2: on the client's HTTP request, renegotiate (HelloRequest)
	                             * asking for a client certificate as this says, then answer */
};

/* Lets the demo's client know its in-process server has finished sending. */
struct session_sync;
struct session_sync *session_sync_new(void);
void session_sync_free(struct session_sync *s);
/* Clears the flag before a new connection. */
void session_sync_reset(struct session_sync *s);
/* The server side calls this once it will send nothing more on its own. */
void session_sync_settled(struct session_sync *s);
/* Waits up to timeout_ms for session_sync_settled(); true if it happened. */
bool session_sync_wait(struct session_sync *s, int timeout_ms);

struct run_opts {
	int grace_ms;               /* client: how long to keep reading after the handshake */
	int64_t deadline_us;        /* timeline time by which everything must end */
	bool capture;               /* false: plain GnuTLS, nothing recorded (benchmark baseline) */
	int cancel_fd;              /* readable means stop now; -1 for none */
	struct session_sync *sync;  /* demo only; NULL otherwise */
	struct step_gate *gate;     /* step-gated mode; NULL otherwise */
	bool await_ticket;          /* client (--resume): TLS 1.3, the grace period lasts until a ticket came */
	const uint8_t *early_data;  /* client: early data (0-RTT) to send when resuming; NULL: none */
	size_t early_len;
};


struct endpoint;

/* Loads credentials. NULL with err set (TL_EXIT_FILES for unusable files). */
struct endpoint *endpoint_new(const struct session_config *cfg, struct tl_error *err);
void endpoint_free(struct endpoint *ep);
/*
 * Runs one connection over fd (which it does not close). Records events and
 * the side's tl_result into tl. Returns an enum tl_exit value for this side.
 */
int endpoint_run(struct endpoint *ep, int fd, struct timeline *tl, unsigned conn, const struct run_opts *o);
/* Client: what the last connection left to resume with (enum tl_resume_offer; TL_OFFER_NONE: nothing). */
int endpoint_resume_offer(const struct endpoint *ep);

/* Initialises GnuTLS once per process. 0 or -1 with err. */
int session_global_init(struct tl_error *err);
void session_global_deinit(void);

#endif
