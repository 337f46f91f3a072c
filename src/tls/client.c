/*
 * client.c: resolve, connect within the deadline, run one recorded
 * connection.
 */
#include "tlsladder/client.h"
#include "tlsladder/credcheck.h"
#include "tlsladder/netaddr.h"
#include "tlsladder/plainproto.h"
#include "tlsladder/records.h"
#include "tlsladder/starttls.h"

#include "creds.h"
#include "tlsladder/notes.h"
#include "tlsladder/session.h"
#include "tlsladder/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Printable address of ai into buf. */
static void addr_text(const struct addrinfo *ai, char *buf, size_t n)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ai->ai_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, host, sizeof host);
	else if (ai->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, host, sizeof host);
	snprintf(buf, n, ai->ai_family == AF_INET6 ? "[%s]" : "%s", host);
}

/* Connects to one address before the deadline; returns fd or -1 with errno. */
static int connect_one(const struct addrinfo *ai, struct timeline *tl, int64_t deadline_us, int cancel_fd)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	int one = 1, soerr = 0;
	socklen_t len = sizeof soerr;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS)
		goto fail;
	for (;;) {
		struct pollfd pf[2] = { { .fd = fd, .events = POLLOUT }, { .fd = cancel_fd, .events = POLLIN } };
		int64_t left = deadline_us - timeline_now(tl);
		int n;

		if (left <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		n = poll(pf, cancel_fd >= 0 ? 2 : 1, (int)(left / 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (cancel_fd >= 0 && (pf[1].revents & POLLIN)) {
			errno = ECANCELED;
			goto fail;
		}
		if (n > 0)
			break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
		errno = soerr ? soerr : errno;
		goto fail;
	}
	return fd;
fail: {
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}
}

/* A name lookup on its own thread, so the caller can give up at its deadline. */
struct lookup {
	pthread_mutex_t m;
	int refs;                 /* the caller and the thread; the last one frees */
	char host[256], port[16];
	struct addrinfo hints, *res;
	int rc, err;
	int done_pipe[2];
};

/* Drops one reference; frees the lookup with the last one. */
static void lookup_unref(struct lookup *l)
{
	int left;

	pthread_mutex_lock(&l->m);
	left = --l->refs;
	pthread_mutex_unlock(&l->m);
	if (left > 0)
		return;
	if (l->res)
		freeaddrinfo(l->res);
	close(l->done_pipe[0]);
	close(l->done_pipe[1]);
	pthread_mutex_destroy(&l->m);
	free(l);
}

/* The lookup thread. */
static void *lookup_main(void *arg)
{
	struct lookup *l = arg;
	char b = 1;

	l->rc = getaddrinfo(l->host, l->port, &l->hints, &l->res);
	l->err = errno;
	if (write(l->done_pipe[1], &b, 1) < 0) {
		/* the waiter also gives up at its deadline */
	}
	lookup_unref(l);
	return NULL;
}

/* A failed lookup (getaddrinfo's rc, errno e) as the run's error; returns its exit code. */
static int lookup_failed(const struct client_opts *o, int rc, int e, struct tl_error *err)
{
	if (rc == EAI_SERVICE)
		tl_error_set(err, TL_EXIT_USAGE, "\"%s\" is not a port number", o->port);
	else if (rc == EAI_SYSTEM)
		tl_error_set(err, TL_EXIT_RESOLVE, "the host name %s could not be looked up: %s", o->host, strerror(e));
	else
		tl_error_set(err, TL_EXIT_RESOLVE, "the host name %s does not resolve (%s)", o->host, gai_strerror(rc));
	return err->code;
}

/*
 * An address (IPv4, IPv6) needs no lookup: it is converted in the calling
 * thread, with no thread, no pipe and no wait. Returns 1 when host is an
 * address (then rc is getaddrinfo's final answer, *res set when 0), 0 when
 * it is a name.
 */
static int resolve_numeric(const struct client_opts *o, struct addrinfo **res, int *rc)
{
	struct addrinfo hints, *probe = NULL;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	*rc = getaddrinfo(o->host, o->port, &hints, res);
	if (*rc == 0)
		return 1;
	*res = NULL;
	/* not for this family or port: still an address if it parses as one in any family */
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(o->host, NULL, &hints, &probe) != 0)
		return 0;
	freeaddrinfo(probe);
	hints.ai_family = o->family;
	*rc = getaddrinfo(o->host, o->port, &hints, res);
	if (*rc != 0)
		*res = NULL;
	return 1;
}

/*
 * Resolves host:port before the deadline. Returns 0 with *res (the caller
 * frees it), or an enum tl_exit value with err set.
 */
static int resolve(const struct client_opts *o, struct timeline *tl, int64_t deadline, struct addrinfo **res,
		   struct tl_error *err)
{
	struct lookup *l;
	pthread_t th;
	int ret;

	*res = NULL;
	if (resolve_numeric(o, res, &ret))
		return ret == 0 ? 0 : lookup_failed(o, ret, errno, err);
	l = calloc(1, sizeof *l);
	if (!l || pipe(l->done_pipe) != 0) {
		free(l);
		tl_error_set(err, TL_EXIT_INTERNAL, "out of memory or descriptors");
		return TL_EXIT_INTERNAL;
	}
	pthread_mutex_init(&l->m, NULL);
	l->refs = 2;
	snprintf(l->host, sizeof l->host, "%s", o->host);
	snprintf(l->port, sizeof l->port, "%s", o->port);
	l->hints.ai_family = o->family;
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_ADDRCONFIG;
	if (pthread_create(&th, NULL, lookup_main, l) != 0) {
		l->refs = 1;
		lookup_unref(l);
		tl_error_set(err, TL_EXIT_INTERNAL, "could not start the name lookup");
		return TL_EXIT_INTERNAL;
	}
	pthread_detach(th);
	for (;;) {
		struct pollfd pf[2] = { { .fd = l->done_pipe[0], .events = POLLIN }, { .fd = o->cancel_fd, .events = POLLIN } };
		int64_t left = deadline - timeline_now(tl);
		int n;

		if (left <= 0) {
			tl_error_set(err, TL_EXIT_TIMEOUT, "looking up %s took longer than %d s", o->host, o->timeout_ms / 1000);
			lookup_unref(l);
			return TL_EXIT_TIMEOUT;
		}
		n = poll(pf, o->cancel_fd >= 0 ? 2 : 1, (int)(left / 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (o->cancel_fd >= 0 && n > 0 && (pf[1].revents & POLLIN)) {
			tl_error_set(err, TL_EXIT_CANCELLED, "stopped by the user");
			lookup_unref(l);
			return TL_EXIT_CANCELLED;
		}
		if (n > 0)
			break;
	}
	if (l->rc != 0) {
		ret = lookup_failed(o, l->rc, l->err, err);
		lookup_unref(l);
		return ret;
	}
	*res = l->res;
	l->res = NULL;
	lookup_unref(l);
	return 0;
}

/* The plaintext exchange before TLS (--starttls) of connection conn; 0 when the handshake may begin. */
static int run_starttls(const struct client_opts *o, int fd, struct timeline *tl, unsigned conn, int64_t deadline,
			struct tl_error *err)
{
	struct starttls_opts so;

	memset(&so, 0, sizeof so);
	so.proto = o->starttls;
	so.xmpp_host = o->xmpp_host ? o->xmpp_host : o->tls.server_name ? o->tls.server_name : o->host;
	so.deadline_us = deadline;
	so.timeout_ms = o->timeout_ms;
	so.cancel_fd = o->cancel_fd;
	return starttls_run(fd, tl, conn, &so, err);
}

/* A failed connect (errno e) as the run's error; returns its exit code. */
static int connect_failed(const struct client_opts *o, int e, struct tl_error *err)
{
	if (e == ECANCELED)
		tl_error_set(err, TL_EXIT_CANCELLED, "stopped by the user");
	else if (e == ETIMEDOUT)
		tl_error_set(err, TL_EXIT_TIMEOUT, "%s port %s did not accept the connection within %d s", o->host, o->port,
			     o->timeout_ms / 1000);
	else if (e == ECONNREFUSED)
		tl_error_set(err, TL_EXIT_NETWORK, "connection refused: nothing listens on %s port %s", o->host, o->port);
	else if (e == ENETUNREACH || e == EHOSTUNREACH)
		tl_error_set(err, TL_EXIT_NETWORK, "%s port %s cannot be reached: %s", o->host, o->port, strerror(e));
	else
		tl_error_set(err, TL_EXIT_NETWORK, "could not connect to %s port %s: %s", o->host, o->port, strerror(e));
	return err->code;
}

/*
 * Connects to the first address of res that accepts, recording each try
 * as connection conn's notes. Returns the socket, or -1 with err set; *used
 * is the address connected to.
 */
static int connect_any(const struct client_opts *o, struct timeline *tl, unsigned conn, const struct addrinfo *res,
		       int64_t deadline, const struct addrinfo **used, struct tl_error *err)
{
	char addr[INET6_ADDRSTRLEN + 2], note[512];
	int fd = -1, last_errno = 0;

	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		addr_text(ai, addr, sizeof addr);
		snprintf(note, sizeof note, "connecting to %s port %s", addr, o->port);
		timeline_note(tl, TL_EV_NOTE, TL_CLIENT, conn, note);
		fd = connect_one(ai, tl, deadline, o->cancel_fd);
		if (fd >= 0) {
			*used = ai;
			return fd;
		}
		last_errno = errno;
		snprintf(note, sizeof note, "could not connect to %s port %s: %s", addr, o->port, strerror(last_errno));
		timeline_note(tl, TL_EV_NOTE, TL_CLIENT, conn, note);
		if (last_errno == ETIMEDOUT || last_errno == ECANCELED)
			break;
	}
	connect_failed(o, last_errno, err);
	return -1;
}

/* One connection over an address that accepted: connects, handshakes; returns its exit code. */
static int client_connection(const struct client_opts *o, struct endpoint *ep, struct timeline *tl, unsigned conn,
			     const struct addrinfo *res, const struct run_opts *ro, struct tl_error *err)
{
	const struct addrinfo *ai = NULL;
	char addr[INET6_ADDRSTRLEN + 2], note[512];
	int fd = connect_any(o, tl, conn, res, ro->deadline_us, &ai, err), rc;

	if (fd < 0)
		return err->code;
	addr_text(ai, addr, sizeof addr);
	if (o->starttls != TL_STARTTLS_NONE)
		snprintf(note, sizeof note, "connected to %s port %s; %s first, then STARTTLS", addr, o->port,
			 plainproto_of(o->starttls)->label);
	else
		snprintf(note, sizeof note, "connected to %s port %s; handshaking", addr, o->port);
	timeline_note(tl, TL_EV_NOTE, TL_CLIENT, conn, note);
	netaddr_record(tl, conn, fd, TL_CLIENT);
	rc = o->starttls != TL_STARTTLS_NONE ? run_starttls(o, fd, tl, conn, ro->deadline_us, err) : 0;
	if (rc == 0)
		rc = endpoint_run(ep, fd, tl, conn, ro);
	if (ro->capture)
		records_settle(tl, conn);
	close(fd);
	return rc;
}

/*
 * --resume: after connection 1, connection 2 to the same address offers
 * what connection 1 left (a ticket or a session ID), or, when the server
 * issued nothing, connection 1 says so and there is no second connection.
 * Returns the second connection's exit code, or first_rc.
 */
static int client_resume(const struct client_opts *o, struct endpoint *ep, struct timeline *tl,
			 const struct addrinfo *res, struct run_opts *ro, int first_rc, struct tl_error *err)
{
	struct tl_result r1;
	struct tl_note fact = { .code = TL_NOTE_RESUME_OFFER };
	char text[300];
	int rc;

	timeline_get_result(tl, TL_CLIENT, 0, &r1);
	if (!r1.set || !r1.handshake_ok || r1.rejected_after || first_rc == TL_EXIT_CANCELLED)
		return first_rc;                 /* connection 1 failed: nothing to resume */
	fact.offer = (enum tl_resume_offer)endpoint_resume_offer(ep);
	if (fact.offer == TL_OFFER_NONE) {
		fact.code = TL_NOTE_NO_TICKET;
		fact.offer = r1.version == WIRE_TLS13 ? TL_OFFER_TICKET13 : TL_OFFER_NONE;
		timeline_note_fact(tl, TL_EV_NOTE, TL_CLIENT, 0, notes_render(&fact, NULL, text, sizeof text), &fact);
		return first_rc;
	}
	timeline_note_fact(tl, TL_EV_NOTE, TL_CLIENT, 1, notes_render(&fact, NULL, text, sizeof text), &fact);
	ro->await_ticket = false;
	rc = client_connection(o, ep, tl, 1, res, ro, err);
	if (err->msg[0]) {
		/* it could not connect: connection 2's error and result, not the run's (connection 1 stands) */
		struct tl_result r2;
		memset(&r2, 0, sizeof r2);
		snprintf(r2.error, sizeof r2.error, "%s", err->msg);
		r2.code = -1;
		r2.exit_code = err->code;
		timeline_note_code(tl, TL_EV_ERROR, TL_CLIENT, 1, err->msg, err->code);
		timeline_set_result(tl, TL_CLIENT, 1, &r2);
		err->msg[0] = '\0';
	}
	return rc;
}

/* Runs the client. */
int client_run(const struct client_opts *o, struct timeline *tl, struct tl_error *err)
{
	struct addrinfo *res = NULL;
	struct endpoint *ep;
	struct run_opts ro;
	char note[512];
	int64_t deadline;
	int rc, rc2;

	/* a PKCS#12 file's keys are derived once, for the checks and the endpoint alike */
	creds_share_begin();
	credcheck_record(tl, 0, &o->tls, NULL);      /* pre-flight: what can be known before connecting */
	ep = endpoint_new(&o->tls, err);
	creds_share_end();
	if (!ep)
		return err->code;
	/* the network's deadline starts once the local work (PKCS#12 key
	 * derivation, the checks) is done: it is for the peer, not for us */
	deadline = timeline_now(tl) + (int64_t)o->timeout_ms * 1000;
	snprintf(note, sizeof note, "resolving %s", o->host);
	timeline_note(tl, TL_EV_NOTE, TL_CLIENT, 0, note);
	rc = resolve(o, tl, deadline, &res, err);
	if (rc != 0) {
		endpoint_free(ep);
		return rc;
	}
	memset(&ro, 0, sizeof ro);
	ro.grace_ms = o->grace_ms;
	ro.deadline_us = deadline;
	ro.capture = true;
	ro.cancel_fd = o->cancel_fd;
	ro.gate = o->gate;
	ro.await_ticket = o->resume;
	ro.early_data = o->early_data;
	ro.early_len = o->early_len;
	rc = client_connection(o, ep, tl, 0, res, &ro, err);
	if (o->resume && rc >= 0) {
		/* the worse of the two: a failed second connection fails the run */
		rc2 = client_resume(o, ep, tl, res, &ro, rc, err);
		if (rc2 != TL_EXIT_OK)
			rc = rc2;
	}
	freeaddrinfo(res);
	endpoint_free(ep);
	return rc;
}
