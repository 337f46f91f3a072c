/*
 * client: tlsladder as a TLS client against any HOST:PORT. Resolves,
 * connects (TCP_NODELAY), runs one recorded connection (with --resume,
 * a second one that resumes the first), all within one deadline the
 * program enforces itself.
 */
#ifndef TLSLADDER_CLIENT_H
#define TLSLADDER_CLIENT_H

#include "tlsladder/errors.h"
#include "tlsladder/notes.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

struct client_opts {
	const char *host;
	const char *port;
	int family;                   /* AF_UNSPEC, AF_INET, AF_INET6 */
	struct session_config tls;    /* side must be TL_CLIENT */
	int grace_ms;
	int timeout_ms;
	int cancel_fd;                /* -1 for none */
	struct step_gate *gate;       /* step-gated mode, or NULL */
	bool resume;                  /* --resume: a second connection offers the first one's session */
	const uint8_t *early_data;    /* --early-data: sent as 0-RTT data in the second connection; NULL: none */
	size_t early_len;
	enum tl_starttls_proto starttls;   /* --starttls: the plaintext exchange before TLS (TL_STARTTLS_NONE: none) */
	const char *xmpp_host;        /* --xmpp-host, else the server name */
};

/*
 * Runs the client. Returns an enum tl_exit value; on failures before the
 * handshake (resolve, connect, files) err holds the one-line cause.
 */
int client_run(const struct client_opts *o, struct timeline *tl, struct tl_error *err);

#endif
