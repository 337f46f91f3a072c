/*
 * errors: how library code reports failure (no exit() outside main.c), and
 * the program's documented exit codes.
 */
#ifndef TLSLADDER_ERRORS_H
#define TLSLADDER_ERRORS_H

/* Exit codes, documented in --help, README.md and docs/tlsladder.1. */
enum tl_exit {
	TL_EXIT_OK = 0,          /* handshake completed and everything verified */
	TL_EXIT_HANDSHAKE = 1,   /* the handshake failed: the peer closed the connection or broke the protocol */
	TL_EXIT_USAGE = 2,       /* bad command line */
	TL_EXIT_VERIFY = 3,      /* a certificate did not verify (strict mode: the handshake was aborted) */
	TL_EXIT_REJECTED = 4,    /* the peer rejected us: an alert (also the late TLS 1.3 one), a refused post-handshake
	                          * certificate request, an HTTP 4xx/5xx answer to --http */
	TL_EXIT_FILES = 5,       /* a certificate, key or data file could not be used */
	TL_EXIT_NETWORK = 6,     /* the connection could not be made (refused, unreachable) */
	TL_EXIT_TIMEOUT = 7,     /* the deadline passed (the peer never answered, or stopped answering) */
	TL_EXIT_CANCELLED = 8,   /* stopped by the user */
	TL_EXIT_INTERNAL = 9,    /* out of memory or another internal failure */
	TL_EXIT_RESOLVE = 10,    /* the host name does not resolve */
	TL_EXIT_MISMATCH = 11,   /* no protocol version or cipher suite in common */
	TL_EXIT_NOT_TLS = 12,    /* the peer does not speak TLS (HTTP, SSH, ...) */
	TL_EXIT_RESET = 13,      /* the peer reset the connection */
	TL_EXIT_LEGACY = 14      /* --verify strict: the handshake used a legacy version or suite (TLS 1.0/1.1, CBC with SHA-1) */
};

struct tl_error {
	int code;        /* an enum tl_exit value */
	char msg[512];   /* one line, plain words */
};

/* Sets err (if not NULL) to code and a printf-formatted message; returns -1. */
int tl_error_set(struct tl_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
