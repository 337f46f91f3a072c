/*
 * loopback.h - start and stop real TLS servers (gnutls-serv, openssl
 * s_server) on the loopback interface for integration tests.
 *
 * A server is a child process started with fork+exec and stopped by its own
 * pid (SIGTERM, then SIGKILL if it lingers), always reaped with waitpid.
 * Its stdout and stderr go to a temporary log file, kept for diagnostics
 * until lb_stop(). On Linux the child also gets PR_SET_PDEATHSIG, so a test
 * process killed from outside (ctest timeout) does not leave servers behind.
 *
 * Every wait here is bounded. Header-only (static inline) so that each test
 * uses only what it needs without unused-function warnings.
 */
#ifndef TLSLADDER_TESTS_LOOPBACK_H
#define TLSLADDER_TESTS_LOOPBACK_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define LB_MAX_ARGS 48
#define LB_START_TIMEOUT_MS 5000
#define LB_POLL_MS 20
#define LB_STOP_TIMEOUT_MS 3000
#define LB_START_ATTEMPTS 3

struct lb_server {
	pid_t pid;              /* 0 when not running */
	int family;             /* AF_INET or AF_INET6: where it was probed */
	char port[8];
	char log_path[64];      /* "" when none */
	char name[32];          /* program name, for messages */
};

/* Sleeps ms milliseconds (restarting after signals). */
static inline void lb_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Monotonic milliseconds. */
static inline long long lb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fills *ss with the loopback address of family and the given port. */
static inline socklen_t lb_loopback_addr(int family, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons((uint16_t)port);
		return sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->sin_port = htons((uint16_t)port);
		return sizeof *a;
	}
}

/* True if a socket of family can be bound to its loopback address. */
static inline bool lb_loopback_usable(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = lb_loopback_addr(family, 0, &ss);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

/* Picks a port that is free on the loopback address of family: binds port 0, reads it, closes. */
static inline int lb_free_port(int family, char out[8])
{
	struct sockaddr_storage ss;
	socklen_t len = lb_loopback_addr(family, 0, &ss);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned port;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	port = family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
				  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	snprintf(out, 8, "%u", port);
	return 0;
}

/* One connect attempt to the loopback port, bounded by limit_ms. True if it was accepted. */
static inline bool lb_probe(int family, const char *port, int limit_ms)
{
	struct sockaddr_storage ss;
	socklen_t len = lb_loopback_addr(family, (unsigned)atoi(port), &ss);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		ok = true;
	} else if (errno == EINPROGRESS) {
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (poll(&pf, 1, limit_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
			ok = true;
	}
	close(fd);
	return ok;
}

/* Whether an executable named prog is on PATH. */
static inline bool lb_have_program(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n > 0 && n + strlen(prog) + 2 <= sizeof buf) {
			memcpy(buf, path, n);
			buf[n] = '/';
			strcpy(buf + n + 1, prog);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Copies the last part of the server's log into buf (always terminated). */
static inline void lb_log_tail(const struct lb_server *s, char *buf, size_t n)
{
	FILE *f;
	long size;
	size_t got;

	buf[0] = '\0';
	if (!s->log_path[0] || n < 2 || !(f = fopen(s->log_path, "r")))
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > (long)(n - 1))
		fseek(f, size - (long)(n - 1), SEEK_SET);
	else
		fseek(f, 0, SEEK_SET);
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
}

/* Stops the server by its pid: SIGTERM, bounded wait, then SIGKILL; always reaps it. */
static inline void lb_stop(struct lb_server *s)
{
	if (s->pid > 0) {
		long long until = lb_now_ms() + LB_STOP_TIMEOUT_MS;
		bool reaped = false;

		kill(s->pid, SIGTERM);
		while (lb_now_ms() < until) {
			pid_t w = waitpid(s->pid, NULL, WNOHANG);
			if (w == s->pid || (w < 0 && errno != EINTR)) {
				reaped = true;
				break;
			}
			lb_sleep_ms(10);
		}
		if (!reaped) {
			kill(s->pid, SIGKILL);
			while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
		s->pid = 0;
	}
	if (s->log_path[0]) {
		unlink(s->log_path);
		s->log_path[0] = '\0';
	}
}

/* Expands "{port}" in one argument template. */
static inline void lb_expand(const char *tmpl, const char *port, char *out, size_t n)
{
	const char *p = strstr(tmpl, "{port}");

	if (!p)
		snprintf(out, n, "%s", tmpl);
	else
		snprintf(out, n, "%.*s%s%s", (int)(p - tmpl), tmpl, port, p + 6);
}

/*
 * Starts the program argv_tmpl[0] (NULL-terminated arguments; "{port}" in any
 * of them is replaced by a free port) and waits until it accepts TCP
 * connections on the loopback address of family. Retries with a new port if
 * the server exits early (port taken in between). 0 on success; -1 with a
 * reason (including the server's log) in why.
 */
static inline int lb_start(struct lb_server *s, int family, const char *const argv_tmpl[], char *why, size_t whylen)
{
	static char args[LB_MAX_ARGS][512];
	char *argv[LB_MAX_ARGS + 1];
	char tail[1024];
	int status = 0;

	memset(s, 0, sizeof *s);
	s->family = family;
	snprintf(s->name, sizeof s->name, "%s", argv_tmpl[0]);
	why[0] = '\0';
	if (!lb_have_program(argv_tmpl[0])) {
		snprintf(why, whylen, "%s is not installed (not found on PATH): test setup error", argv_tmpl[0]);
		return -1;
	}
	for (int attempt = 0; attempt < LB_START_ATTEMPTS; attempt++) {
		long long until;
		int logfd;
		size_t i;

		if (lb_free_port(family, s->port) != 0) {
			snprintf(why, whylen, "no free loopback port: %s", strerror(errno));
			return -1;
		}
		for (i = 0; argv_tmpl[i] && i < LB_MAX_ARGS; i++) {
			lb_expand(argv_tmpl[i], s->port, args[i], sizeof args[i]);
			argv[i] = args[i];
		}
		argv[i] = NULL;

		snprintf(s->log_path, sizeof s->log_path, "/tmp/tlsladder-lb-XXXXXX");
		logfd = mkstemp(s->log_path);
		if (logfd < 0) {
			s->log_path[0] = '\0';
			snprintf(why, whylen, "cannot make a log file: %s", strerror(errno));
			return -1;
		}
		fflush(NULL);
		pid_t parent = getpid();
		s->pid = fork();
		if (s->pid < 0) {
			s->pid = 0;
			close(logfd);
			snprintf(why, whylen, "fork: %s", strerror(errno));
			lb_stop(s);
			return -1;
		}
		if (s->pid == 0) {
			int null = open("/dev/null", O_RDONLY);
#ifdef __linux__
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() != parent)
				_exit(126);
#else
			(void)parent;
#endif
			if (null >= 0)
				dup2(null, 0);
			dup2(logfd, 1);
			dup2(logfd, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
		close(logfd);

		until = lb_now_ms() + LB_START_TIMEOUT_MS;
		while (lb_now_ms() < until) {
			pid_t w = waitpid(s->pid, &status, WNOHANG);
			if (w == s->pid) {
				s->pid = 0;
				break;
			}
			if (lb_probe(family, s->port, 200))
				return 0;
			lb_sleep_ms(LB_POLL_MS);
		}
		lb_log_tail(s, tail, sizeof tail);
		if (s->pid == 0) {
			snprintf(why, whylen, "%s exited before accepting connections on port %s (%s %d); its output:\n%s",
				 s->name, s->port, WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
			lb_stop(s);
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
				return -1;      /* could not exec: no point in retrying */
			continue;
		}
		snprintf(why, whylen, "%s did not accept connections on port %s within %d ms; its output:\n%s", s->name,
			 s->port, LB_START_TIMEOUT_MS, tail);
		lb_stop(s);
		return -1;
	}
	return -1;
}

#endif
