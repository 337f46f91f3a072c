/*
 * tests/bench/minimal_client.c: the smallest honest GnuTLS client, as a
 * baseline for tests/bench/bench_client.py.
 *
 * It does what `tlsladder --text` has to do at the least, and nothing else:
 * resolve HOST, connect over TCP with TCP_NODELAY, run a GnuTLS client
 * session (priority NORMAL) with a handshake hook on GNUTLS_HANDSHAKE_ANY
 * that only counts messages, verify the server's chain against CAFILE and
 * its name against HOST, send close_notify (gnutls_bye(GNUTLS_SHUT_WR)) and
 * exit. No output unless something fails (or with -v: the message count).
 *
 * Usage: minimal_client [-v] [--cert FILE --key FILE] CAFILE HOST PORT
 * Exit codes: 0 handshake completed and verified, 1 anything else.
 *
 * Build: gcc -std=c11 -O2 -Wall -o minimal_client minimal_client.c -lgnutls
 */
#define _POSIX_C_SOURCE 200809L

#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static unsigned messages;

static int count_hook(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
                      const gnutls_datum_t *msg)
{
	(void)s;
	(void)htype;
	(void)when;
	(void)incoming;
	(void)msg;
	messages++;
	return 0;
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res, *ai;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "minimal_client: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		perror("minimal_client: connect");
	return fd;
}

int main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL;
	int verbose = 0, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "--cert") && i + 1 < argc)
			cert = argv[++i];
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else
			break;
	}
	if (argc - i != 3 || !cert != !key) {
		fprintf(stderr, "usage: minimal_client [-v] [--cert FILE --key FILE] CAFILE HOST PORT\n");
		return 1;
	}
	const char *cafile = argv[i], *host = argv[i + 1], *port = argv[i + 2];

	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	int ret;
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return 1;
	if ((ret = gnutls_certificate_set_x509_trust_file(cred, cafile, GNUTLS_X509_FMT_PEM)) <= 0) {
		fprintf(stderr, "minimal_client: %s: no CA certificates (%s)\n", cafile,
		        ret < 0 ? gnutls_strerror(ret) : "empty");
		return 1;
	}
	if (cert &&
	    (ret = gnutls_certificate_set_x509_key_file(cred, cert, key, GNUTLS_X509_FMT_PEM)) < 0) {
		fprintf(stderr, "minimal_client: %s / %s: %s\n", cert, key, gnutls_strerror(ret));
		return 1;
	}

	int fd = dial(host, port);
	if (fd < 0)
		return 1;

	gnutls_init(&s, GNUTLS_CLIENT);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
	gnutls_session_set_verify_cert(s, host, 0);
	gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_POST, count_hook);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);

	do
		ret = gnutls_handshake(s);
	while (ret < 0 && !gnutls_error_is_fatal(ret));
	if (ret < 0) {
		fprintf(stderr, "minimal_client: handshake: %s\n", gnutls_strerror(ret));
		if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
			gnutls_datum_t out;
			unsigned st = gnutls_session_get_verify_cert_status(s);
			if (gnutls_certificate_verification_status_print(st, GNUTLS_CRT_X509, &out, 0) == 0) {
				fprintf(stderr, "minimal_client: %s\n", out.data);
				gnutls_free(out.data);
			}
		}
		return 1;
	}
	gnutls_bye(s, GNUTLS_SHUT_WR);
	if (verbose)
		printf("%u handshake messages\n", messages);
	close(fd);
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	return 0;
}
