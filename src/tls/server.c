/*
 * server.c: listen, accept, and serve each connection on a worker of a
 * bounded pool (see server.h). The accepting thread only accepts, numbers
 * and hands over: a slow or silent client holds one worker, never the
 * others. Each job owns its socket and its timeline.
 */
#include "tlsladder/server.h"
#include "tlsladder/connlog.h"
#include "tlsladder/netaddr.h"
#include "tlsladder/waker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Printable address and port of a peer. */
static void peer_text(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
		snprintf(buf, n, "%s port %u", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
		snprintf(buf, n, "[%s] port %u", host, port);
	} else {
		snprintf(buf, n, "an unknown address");
	}
}

/* Opens the listening socket; -1 with err. */
static int listen_on(const struct serve_opts *o, struct tl_error *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc, last = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(o->listen, o->port, &hints, &res);
	if (rc != 0)
		return tl_error_set(err, rc == EAI_SERVICE ? TL_EXIT_USAGE : TL_EXIT_RESOLVE,
				    "cannot listen on %s port %s: %s", o->listen, o->port, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1;
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0)
			break;
		last = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return tl_error_set(err, TL_EXIT_NETWORK, "cannot listen on %s port %s: %s", o->listen, o->port,
				    strerror(last));
	return fd;
}


/* Stack of each worker: GnuTLS and the capture need far less; pages never touched cost nothing. */
#define WORKER_STACK (2u << 20)

/* One accepted connection waiting for a worker. */
struct job {
	int fd;
	uint64_t number;
	struct timeline *tl;
	struct job *next;
};

/* The pool of workers and what they share. */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct job *head, *tail;
	unsigned in_flight;          /* accepted, not ended */
	unsigned idle;               /* workers waiting, not yet promised a job */
	unsigned nthreads, cap;
	unsigned max_threads;        /* cap; 1 with --step: one handshake at the gate at a time, the rest wait in order */
	pthread_t *threads;
	bool stop;
	const struct serve_opts *o;
	struct endpoint *ep;
	uint64_t last_number;        /* the newest connection that ended ... */
	int last_rc;                 /* ... and its exit code */
};

/* Runs one connection to its end and reports it. */
static void serve_one(struct pool *p, struct job *j)
{
	const struct serve_opts *o = p->o;
	struct run_opts ro;
	int rc;

	memset(&ro, 0, sizeof ro);
	ro.grace_ms = 0;
	ro.deadline_us = timeline_now(j->tl) + (int64_t)o->timeout_ms * 1000;
	ro.capture = true;
	ro.cancel_fd = o->cancel_fd;
	ro.gate = o->gate;
	rc = endpoint_run(p->ep, j->fd, j->tl, 0, &ro);
	close(j->fd);
	timeline_finish(j->tl);
	if (o->conn_done)
		rc = o->conn_done(o->arg, j->number, j->tl, rc);
	connlog_finish(o->log, j->number, rc);
	pthread_mutex_lock(&p->lock);
	if (j->number > p->last_number) {
		p->last_number = j->number;
		p->last_rc = rc;
	}
	pthread_mutex_unlock(&p->lock);
	timeline_destroy(j->tl);
	free(j);
}

/* A worker: takes jobs until the pool stops and none is left. */
static void *worker_main(void *arg)
{
	struct pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct job *j;
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->head)
			break;
		j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		serve_one(p, j);
		pthread_mutex_lock(&p->lock);
		p->in_flight--;
		p->idle++;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Starts one more worker. Lock held. */
static bool spawn_locked(struct pool *p)
{
	pthread_attr_t attr;
	bool ok;

	if (p->nthreads == p->max_threads)
		return false;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	ok = pthread_create(&p->threads[p->nthreads], &attr, worker_main, p) == 0;
	pthread_attr_destroy(&attr);
	if (ok)
		p->nthreads++;
	return ok;
}

/* Makes room for one more connection: a worker waiting, or a new one;
 * false (with why) when it must be refused. */
static bool reserve(struct pool *p, char *why, size_t n)
{
	bool ok = true;

	pthread_mutex_lock(&p->lock);
	if (p->in_flight >= p->cap) {
		snprintf(why, n, "%u connection%s in flight, the most allowed (--max-conns %u)", p->in_flight,
			 p->in_flight == 1 ? " is" : "s are", p->cap);
		ok = false;
	} else if (p->idle > 0) {
		p->idle--;
	} else if (p->nthreads == p->max_threads && p->max_threads < p->cap) {
		/* --step: the one worker takes it after the ones before it */
	} else if (!spawn_locked(p)) {
		snprintf(why, n, "no worker thread could be started (%u are running)", p->nthreads);
		ok = false;
	}
	if (ok)
		p->in_flight++;
	pthread_mutex_unlock(&p->lock);
	return ok;
}

/* Gives back a reservation that no job took (out of memory). */
static void unreserve(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->in_flight--;
	p->idle++;                   /* the worker reserved for it waits on */
	pthread_mutex_unlock(&p->lock);
}

/* Queues a connection for the worker reserved for it. */
static void hand_over(struct pool *p, struct job *j)
{
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

/* Waits until the listening socket is readable: 1, or 0 when told to stop. */
static int wait_accept(const struct serve_opts *o, int lfd)
{
	for (;;) {
		struct pollfd pf[2] = { { .fd = lfd, .events = POLLIN }, { .fd = o->cancel_fd, .events = POLLIN } };
		int n = poll(pf, o->cancel_fd >= 0 ? 2 : 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (o->cancel_fd >= 0 && (pf[1].revents & POLLIN)))
			return 0;
		return 1;
	}
}

/* Accepts one connection and hands it to a worker (or refuses it); false when serving must stop. */
static bool accept_one(struct pool *p, int lfd)
{
	const struct serve_opts *o = p->o;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	char who[96], note[400], why[200];
	uint64_t number;
	struct job *j;
	int fd, one = 1;

	fd = accept(lfd, (struct sockaddr *)&peer, &plen);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
			poll(NULL, 0, 10);     /* out of descriptors: let connections end before trying again */
		return true;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	peer_text(&peer, who, sizeof who);
	number = connlog_number(o->log);
	/* room first: a connection that is refused never gets a timeline, so
	 * the interactive ladder cannot show it as one being served */
	if (!reserve(p, why, sizeof why)) {
		j = NULL;
	} else if ((j = calloc(1, sizeof *j)) == NULL || (j->tl = timeline_create(false)) == NULL) {
		unreserve(p);
		snprintf(why, sizeof why, "out of memory");
	} else {
		j->fd = fd;
		j->number = number;
		if (o->waker)
			timeline_set_waker(j->tl, o->waker);
		snprintf(note, sizeof note, "connection %" PRIu64 " from %s", number, who);
		timeline_note(j->tl, TL_EV_NOTE, TL_SERVER, 0, note);
		netaddr_record(j->tl, 0, fd, TL_SERVER);
		if (o->wire_limit)
			timeline_wire_keep(j->tl, o->wire_limit);
		connlog_add(o->log, number, j->tl);
		hand_over(p, j);
		return !o->once;
	}
	close(fd);
	/* said once, not kept per refusal: a flood of them costs no memory */
	snprintf(note, sizeof note, "connection %" PRIu64 " from %s refused: %s", number, who, why);
	connlog_refuse(o->log, number, note);
	if (o->refused)
		o->refused(o->arg, number, note);
	if (j)
		timeline_destroy(j->tl);
	free(j);
	return true;
}

/* Serves connections. */
int serve_run(const struct serve_opts *o, struct timeline *tl, struct tl_error *err)
{
	struct pool p;
	char note[300];
	int lfd;

	memset(&p, 0, sizeof p);
	p.o = o;
	p.cap = o->max_conns ? o->max_conns : SERVE_MAX_CONNS_DEFAULT;
	p.max_threads = o->gate ? 1 : p.cap;
	p.threads = calloc(p.max_threads, sizeof *p.threads);
	if (!p.threads)
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	p.ep = endpoint_new(&o->tls, err);
	if (!p.ep) {
		free(p.threads);
		return err->code;
	}
	lfd = listen_on(o, err);
	if (lfd < 0) {
		endpoint_free(p.ep);
		free(p.threads);
		return err->code;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.work, NULL);
#ifdef __GLIBC__
	/* Large blocks (a 130 KB ClientHello, its copy) come from mmap and go
	 * back to the system when freed, whichever worker's arena they were in;
	 * by default glibc raises this threshold after the first such free and
	 * each worker's arena then keeps its high-water mark. */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	/* Each arena keeps the high-water mark of the connections it served
	 * (freed small blocks are reused, not returned): a few arenas bound it. */
	mallopt(M_ARENA_MAX, 4);
#endif
	snprintf(note, sizeof note, "listening on %s port %s", o->listen, o->port);
	timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, note);
	if (o->listening)
		o->listening(o->arg);
	while (wait_accept(o, lfd) && accept_one(&p, lfd))
		;
	close(lfd);
	pthread_mutex_lock(&p.lock);
	p.stop = true;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.lock);
	for (unsigned i = 0; i < p.nthreads; i++)
		pthread_join(p.threads[i], NULL);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.lock);
	endpoint_free(p.ep);
	free(p.threads);
	return p.last_number ? p.last_rc : TL_EXIT_OK;
}
