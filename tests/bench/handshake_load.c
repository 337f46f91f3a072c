/*
 * tests/bench/handshake_load.c: a TLS handshake load generator for
 * tests/bench/bench_serve.py.
 *
 * CLIENTS clients, spread over THREADS event loops (epoll, non-blocking
 * sockets), each do complete handshakes back to back against HOST:PORT:
 * connect with TCP_NODELAY, GnuTLS client handshake (priority NORMAL, SNI
 * localhost), close_notify, then read until the server's close_notify or
 * end of stream (at most --linger MS), close. The next connection of that
 * client starts when the previous one is closed. With --cafile the chain and
 * the name (--sni) are verified, as a normal client does; without, only the
 * handshake's own signature checks are made (the lighter load).
 *
 * It stops after --count connections (handshakes done or failed), after
 * --seconds, or after --max-fail failures, whichever comes first. A
 * connection fails when it is refused or reset, when its handshake fails, or
 * when it has not finished its handshake --timeout MS after connect().
 *
 * Output on stdout (one line each, for a script to read):
 *   mark DONE OK T_US         every --mark connections (done = ok + failed)
 *   done OK FAIL ELAPSED_US MEDIAN_US P90_US MAX_US LINGER_TIMEOUTS
 *   fail KIND COUNT [LAST_ERROR]   one line per kind of failure that happened
 * The latencies are connect() to handshake done, of the successful ones.
 *
 * Usage: handshake_load [--clients N] [--threads N] [--count N] [--seconds S]
 *                   [--timeout MS] [--linger MS] [--mark N] [--max-fail N]
 *                   [--cafile FILE] [--sni NAME] HOST PORT
 * Exit codes: 0 ran (failures are reported, not an error), 2 bad usage or setup.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stats.h"

enum slot_state { S_FREE, S_CONNECTING, S_HANDSHAKE, S_CLOSING };
enum fail_kind { F_CONNECT, F_HANDSHAKE, F_TIMEOUT, F_COUNT };
static const char *const fail_names[F_COUNT] = { "connect", "handshake", "timeout" };

/* One client: its connection in flight, if any. */
struct slot {
	int fd;
	enum slot_state state;
	gnutls_session_t s;
	int64_t t0, deadline;
	unsigned events;
};

/* One event loop and its clients. */
struct loop {
	pthread_t th;
	struct slot *slots;
	unsigned n;
	int ep;
	double *lat;
	size_t nlat, caplat;
	unsigned long fails[F_COUNT], linger_timeouts;
	int last_err;
};

/* What every loop shares: the options and the counters. */
static struct {
	struct addrinfo *ai;
	gnutls_certificate_credentials_t cred;
	const char *sni;
	int verify;
	long count, max_fail, mark;
	int64_t start, end, timeout_ns, linger_ns;
	atomic_long started, ok, failed, done;
	atomic_int stop;
	pthread_mutex_t out;
} g;

/* Sets the events the slot's socket waits for. */
static void slot_watch(struct loop *l, struct slot *sl, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.ptr = sl };

	if (sl->events != events)
		epoll_ctl(l->ep, EPOLL_CTL_MOD, sl->fd, &ev);
	sl->events = events;
}

/* Closes the slot's connection and frees its session. */
static void slot_close(struct slot *sl)
{
	if (sl->s)
		gnutls_deinit(sl->s);
	sl->s = NULL;
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	sl->state = S_FREE;
}

/* Counts one finished connection and prints the mark when one is due. */
static void count_done(bool ok)
{
	long ok_n = ok ? atomic_fetch_add(&g.ok, 1) + 1 : atomic_load(&g.ok);
	long done = atomic_fetch_add(&g.done, 1) + 1;

	if (!ok && atomic_fetch_add(&g.failed, 1) + 1 >= g.max_fail && g.max_fail > 0)
		atomic_store(&g.stop, 1);
	if (g.mark > 0 && done % g.mark == 0) {
		pthread_mutex_lock(&g.out);
		printf("mark %ld %ld %lld\n", done, ok_n, (long long)((now_ns() - g.start) / 1000));
		fflush(stdout);
		pthread_mutex_unlock(&g.out);
	}
	if (g.count > 0 && done >= g.count)
		atomic_store(&g.stop, 1);
}

/* A connection failed: counts it by kind and closes it. */
static void slot_fail(struct loop *l, struct slot *sl, enum fail_kind kind, int err)
{
	l->fails[kind]++;
	if (err)
		l->last_err = err;
	slot_close(sl);
	count_done(false);
}

/* Starts the slot's next connection (non-blocking connect). */
static void slot_start(struct loop *l, struct slot *sl)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = sl };
	int one = 1;

	if (g.count > 0 && atomic_fetch_add(&g.started, 1) >= g.count)
		return;
	sl->t0 = now_ns();
	sl->deadline = sl->t0 + g.timeout_ns;
	sl->fd = socket(g.ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sl->fd < 0) {
		slot_fail(l, sl, F_CONNECT, 0);
		return;
	}
	setsockopt(sl->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(sl->fd, g.ai->ai_addr, g.ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		slot_fail(l, sl, F_CONNECT, 0);
		return;
	}
	sl->state = S_CONNECTING;
	sl->events = EPOLLOUT;
	epoll_ctl(l->ep, EPOLL_CTL_ADD, sl->fd, &ev);
}

/* The connection is up: makes its GnuTLS session. */
static int slot_session(struct slot *sl)
{
	if (gnutls_init(&sl->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0)
		return -1;
	gnutls_set_default_priority(sl->s);
	gnutls_credentials_set(sl->s, GNUTLS_CRD_CERTIFICATE, g.cred);
	gnutls_server_name_set(sl->s, GNUTLS_NAME_DNS, g.sni, strlen(g.sni));
	if (g.verify)
		gnutls_session_set_verify_cert(sl->s, g.sni, 0);
	gnutls_transport_set_int(sl->s, sl->fd);
	return 0;
}

/* After the handshake: reads until the server's close_notify or end of stream. */
static void slot_drain(struct slot *sl)
{
	char buf[4096];
	int r;

	do
		r = (int)gnutls_record_recv(sl->s, buf, sizeof buf);
	while (r > 0);
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return;
	slot_close(sl);
}

/* Advances the handshake; on success records the latency and sends close_notify. */
static void slot_handshake(struct loop *l, struct slot *sl)
{
	int r = gnutls_handshake(sl->s);

	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		slot_watch(l, sl, gnutls_record_get_direction(sl->s) ? EPOLLOUT : EPOLLIN);
		return;
	}
	if (r < 0) {
		slot_fail(l, sl, F_HANDSHAKE, r);
		return;
	}
	if (l->nlat < l->caplat)
		l->lat[l->nlat++] = (double)(now_ns() - sl->t0) / 1000.0;
	count_done(true);
	gnutls_bye(sl->s, GNUTLS_SHUT_WR);
	sl->state = S_CLOSING;
	sl->deadline = now_ns() + g.linger_ns;
	slot_watch(l, sl, EPOLLIN);
	slot_drain(sl);
}

/* One readiness event on a slot's socket. */
static void slot_event(struct loop *l, struct slot *sl, unsigned events)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (sl->state == S_CONNECTING) {
		if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0 ||
		    (events & (EPOLLERR | EPOLLHUP))) {
			slot_fail(l, sl, F_CONNECT, 0);
			return;
		}
		if (slot_session(sl) < 0) {
			slot_fail(l, sl, F_HANDSHAKE, 0);
			return;
		}
		sl->state = S_HANDSHAKE;
	}
	if (sl->state == S_HANDSHAKE)
		slot_handshake(l, sl);
	else if (sl->state == S_CLOSING)
		slot_drain(sl);
}

/* Fails the connections past their handshake deadline; ends lingering ones. */
static void loop_deadlines(struct loop *l, int64_t now)
{
	for (unsigned i = 0; i < l->n; i++) {
		struct slot *sl = &l->slots[i];

		if (sl->state == S_FREE || now < sl->deadline)
			continue;
		if (sl->state == S_CLOSING) {
			l->linger_timeouts++;
			slot_close(sl);
		} else {
			slot_fail(l, sl, F_TIMEOUT, 0);
		}
	}
}

/* The event loop of one thread. */
static void *loop_main(void *arg)
{
	struct loop *l = arg;
	struct epoll_event evs[64];
	int64_t last_scan = now_ns();

	while (!atomic_load(&g.stop)) {
		int64_t now = now_ns();
		int n;

		if (now >= g.end) {
			atomic_store(&g.stop, 1);
			break;
		}
		for (unsigned i = 0; i < l->n; i++)
			if (l->slots[i].state == S_FREE)
				slot_start(l, &l->slots[i]);
		n = epoll_wait(l->ep, evs, 64, 5);
		for (int i = 0; i < n; i++)
			slot_event(l, evs[i].data.ptr, evs[i].events);
		now = now_ns();
		if (now - last_scan >= 5000000) {
			loop_deadlines(l, now);
			last_scan = now;
		}
	}
	for (unsigned i = 0; i < l->n; i++)
		slot_close(&l->slots[i]);
	return NULL;
}

/* Parses a non-negative number option, or exits with usage. */
static long num_arg(const char *opt, const char *v)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || x < 0) {
		fprintf(stderr, "handshake_load: %s: not a number: %s\n", opt, v);
		exit(2);
	}
	return x;
}

/* Sets up the target address and the credentials. */
static int setup(const char *host, const char *port, const char *cafile)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	int r = getaddrinfo(host, port, &hints, &g.ai);

	if (r != 0) {
		fprintf(stderr, "handshake_load: %s port %s: %s (numeric addresses only)\n", host, port, gai_strerror(r));
		return -1;
	}
	if (gnutls_certificate_allocate_credentials(&g.cred) < 0)
		return -1;
	if (cafile && gnutls_certificate_set_x509_trust_file(g.cred, cafile, GNUTLS_X509_FMT_PEM) <= 0) {
		fprintf(stderr, "handshake_load: %s: no CA certificates\n", cafile);
		return -1;
	}
	g.verify = cafile != NULL;
	return 0;
}

/* Merges the loops' results and prints the summary lines. */
static void report(struct loop *loops, unsigned nthreads, int64_t elapsed)
{
	size_t total = 0;
	unsigned long fails[F_COUNT] = { 0 }, linger = 0;
	int last_err = 0;
	double *all;

	for (unsigned t = 0; t < nthreads; t++)
		total += loops[t].nlat;
	all = malloc((total ? total : 1) * sizeof *all);
	total = 0;
	for (unsigned t = 0; t < nthreads; t++) {
		memcpy(all + total, loops[t].lat, loops[t].nlat * sizeof *all);
		total += loops[t].nlat;
		for (int k = 0; k < F_COUNT; k++)
			fails[k] += loops[t].fails[k];
		linger += loops[t].linger_timeouts;
		if (loops[t].last_err)
			last_err = loops[t].last_err;
	}
	qsort(all, total, sizeof *all, cmp_double);
	printf("done %ld %ld %lld %.0f %.0f %.0f %lu\n", atomic_load(&g.ok), atomic_load(&g.failed),
	       (long long)(elapsed / 1000), total ? median(all, total) : 0.0,
	       total ? percentile(all, total, 90) : 0.0, total ? all[total - 1] : 0.0, linger);
	for (int k = 0; k < F_COUNT; k++)
		if (fails[k])
			printf("fail %s %lu%s%s\n", fail_names[k], fails[k], k == F_HANDSHAKE && last_err ? " " : "",
			       k == F_HANDSHAKE && last_err ? gnutls_strerror_name(last_err) : "");
	free(all);
}

static const char usage[] =
	"usage: handshake_load [--clients N] [--threads N] [--count N] [--seconds S] [--timeout MS]\n"
	"                  [--linger MS] [--mark N] [--max-fail N] [--cafile FILE] [--sni NAME] HOST PORT\n";

int main(int argc, char **argv)
{
	long clients = 1, threads = 1, seconds = 10, timeout_ms = 10000, linger_ms = 1000;
	const char *cafile = NULL;
	struct loop *loops;
	int i = 1;

	g.sni = "localhost";
	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (!strcmp(o, "--clients")) clients = num_arg(o, v);
		else if (!strcmp(o, "--threads")) threads = num_arg(o, v);
		else if (!strcmp(o, "--count")) g.count = num_arg(o, v);
		else if (!strcmp(o, "--seconds")) seconds = num_arg(o, v);
		else if (!strcmp(o, "--timeout")) timeout_ms = num_arg(o, v);
		else if (!strcmp(o, "--linger")) linger_ms = num_arg(o, v);
		else if (!strcmp(o, "--mark")) g.mark = num_arg(o, v);
		else if (!strcmp(o, "--max-fail")) g.max_fail = num_arg(o, v);
		else if (!strcmp(o, "--cafile")) cafile = v;
		else if (!strcmp(o, "--sni")) g.sni = v;
		else break;
	}
	if (argc - i != 2 || clients < 1 || threads < 1 || clients > 100000) {
		fputs(usage, stderr);
		return 2;
	}
	if (threads > clients)
		threads = clients;
	if (gnutls_global_init() < 0 || setup(argv[i], argv[i + 1], cafile) < 0)
		return 2;
	pthread_mutex_init(&g.out, NULL);
	g.timeout_ns = (int64_t)timeout_ms * 1000000;
	g.linger_ns = (int64_t)linger_ms * 1000000;
	loops = calloc((size_t)threads, sizeof *loops);
	if (!loops)
		return 2;
	for (long t = 0; t < threads; t++) {
		struct loop *l = &loops[t];

		l->n = (unsigned)(clients / threads + (t < clients % threads));
		l->slots = calloc(l->n, sizeof *l->slots);
		l->caplat = g.count > 0 ? (size_t)g.count : 1000000;
		l->lat = malloc(l->caplat * sizeof *l->lat);
		l->ep = epoll_create1(EPOLL_CLOEXEC);
		if (!l->slots || !l->lat || l->ep < 0)
			return 2;
		for (unsigned k = 0; k < l->n; k++)
			l->slots[k].fd = -1;
	}
	g.start = now_ns();
	g.end = g.start + (int64_t)seconds * 1000000000;
	for (long t = 0; t < threads; t++)
		pthread_create(&loops[t].th, NULL, loop_main, &loops[t]);
	for (long t = 0; t < threads; t++)
		pthread_join(loops[t].th, NULL);
	report(loops, (unsigned)threads, now_ns() - g.start);
	for (long t = 0; t < threads; t++) {
		close(loops[t].ep);
		free(loops[t].slots);
		free(loops[t].lat);
	}
	free(loops);
	gnutls_certificate_free_credentials(g.cred);
	freeaddrinfo(g.ai);
	gnutls_global_deinit();
	return 0;
}
