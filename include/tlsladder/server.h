/*
 * server: tlsladder as a TLS server. Listens on an address and serves many
 * connections at once, each on a worker thread with its own deadline and
 * its own timeline (from the server's side: the client's chain and the
 * verdict on it). A bounded pool: at most max_conns connections are in
 * flight; one more is refused (closed at once) with a reason. Workers are
 * started as needed and reused.
 */
#ifndef TLSLADDER_SERVER_H
#define TLSLADDER_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "tlsladder/errors.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

/* Connections in flight at once unless --max-conns says otherwise. */
#define SERVE_MAX_CONNS_DEFAULT 512u
/* Connections the interactive ladder keeps in full unless --keep says otherwise. */
#define SERVE_KEEP_DEFAULT 1000u

struct connlog;
struct waker;

struct serve_opts {
	const char *listen;           /* address to listen on */
	const char *port;
	struct session_config tls;    /* side must be TL_SERVER */
	int timeout_ms;               /* per connection, from its accept */
	bool once;                    /* serve one connection, then return its result */
	unsigned max_conns;           /* in flight at once (0: SERVE_MAX_CONNS_DEFAULT) */
	int cancel_fd;                /* readable means stop; -1 for none */
	struct step_gate *gate;       /* step-gated mode, or NULL */
	struct connlog *log;          /* numbers the connections and keeps the newest (required) */
	struct waker *waker;          /* attached to each connection's timeline (a UI watches), or NULL */
	size_t wire_limit;            /* keep each connection's bytes up to this (timeline_wire_keep); 0: not kept */
	/* called once the socket listens (from the serving thread) */
	void (*listening)(void *arg);
	/* called when a connection ended, from its worker (calls may overlap);
	 * returns the connection's exit code (rc is its side's) */
	int (*conn_done)(void *arg, uint64_t number, struct timeline *tl, int rc);
	/* called when a connection is refused, with the reason (from the serving thread) */
	void (*refused)(void *arg, uint64_t number, const char *why);
	void *arg;
};

/*
 * Serves until cancelled (or one connection with once). The note that it
 * listens goes to tl; refusals go to the log (connlog_refuse) and the
 * refused callback. Returns the exit code of
 * the newest connection that ended (TL_EXIT_OK when none came), or an
 * enum tl_exit value with err set when it could not listen.
 */
int serve_run(const struct serve_opts *o, struct timeline *tl, struct tl_error *err);

#endif
