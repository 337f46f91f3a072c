/*
 * server: tlsladder as a TLS server. Listens on an address, takes one
 * connection at a time, and records each as connection N of one timeline
 * (from the server's side: the client's chain and the verdict on it).
 */
#ifndef TLSLADDER_SERVER_H
#define TLSLADDER_SERVER_H

#include <stdbool.h>

#include "tlsladder/errors.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

struct serve_opts {
	const char *listen;           /* address to listen on */
	const char *port;
	struct session_config tls;    /* side must be TL_SERVER */
	int timeout_ms;               /* per connection */
	bool once;                    /* serve one connection, then return its result */
	int cancel_fd;                /* readable means stop; -1 for none */
	struct step_gate *gate;       /* step-gated mode, or NULL */
	/* called once the socket listens (from the serving thread) */
	void (*listening)(void *arg);
	/* called after each connection (from the serving thread) */
	void (*conn_done)(void *arg, unsigned conn, int rc);
	void *arg;
};

/*
 * Serves until cancelled (or one connection with once). Returns the last
 * connection's exit code (TL_EXIT_OK when none came and it was cancelled),
 * or an enum tl_exit value with err set when it could not listen.
 */
int serve_run(const struct serve_opts *o, struct timeline *tl, struct tl_error *err);

#endif
