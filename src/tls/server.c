/*
 * server.c: listen, accept one connection at a time, record each.
 */
#include "tlsladder/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 16) == 0)
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

/* Serves connections. */
int serve_run(const struct serve_opts *o, struct timeline *tl, struct tl_error *err)
{
	struct endpoint *ep = endpoint_new(&o->tls, err);
	char note[300];
	int lfd, ret = TL_EXIT_OK;

	if (!ep)
		return err->code;
	lfd = listen_on(o, err);
	if (lfd < 0) {
		endpoint_free(ep);
		return err->code;
	}
	snprintf(note, sizeof note, "listening on %s port %s", o->listen, o->port);
	timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, note);
	if (o->listening)
		o->listening(o->arg);
	for (unsigned conn = 0;; conn++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		struct pollfd pf[2] = { { .fd = lfd, .events = POLLIN }, { .fd = o->cancel_fd, .events = POLLIN } };
		struct run_opts ro;
		char who[96];
		int fd, one = 1, n;

		n = poll(pf, o->cancel_fd >= 0 ? 2 : 1, -1);
		if (n < 0 && errno == EINTR) {
			conn--;
			continue;
		}
		if (n < 0 || (o->cancel_fd >= 0 && (pf[1].revents & POLLIN)))
			break;
		fd = accept(lfd, (struct sockaddr *)&peer, &plen);
		if (fd < 0) {
			conn--;
			continue;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		peer_text(&peer, who, sizeof who);
		snprintf(note, sizeof note, "connection %u from %s", conn + 1, who);
		timeline_note(tl, TL_EV_NOTE, TL_SERVER, conn, note);
		memset(&ro, 0, sizeof ro);
		ro.grace_ms = 0;
		ro.deadline_us = timeline_now(tl) + (int64_t)o->timeout_ms * 1000;
		ro.capture = true;
		ro.cancel_fd = o->cancel_fd;
		ro.gate = o->gate;
		ret = endpoint_run(ep, fd, tl, conn, &ro);
		close(fd);
		if (o->conn_done)
			o->conn_done(o->arg, conn, ret);
		if (o->once || ret == TL_EXIT_CANCELLED)
			break;
	}
	close(lfd);
	endpoint_free(ep);
	return ret;
}
