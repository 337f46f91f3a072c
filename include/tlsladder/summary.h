/*
 * summary: what one connection negotiated, read from the timeline's raw
 * messages (so it reads the same from a live run and, later, a replay),
 * plus each side's reported result.
 */
#ifndef TLSLADDER_SUMMARY_H
#define TLSLADDER_SUMMARY_H

#include <stdbool.h>

#include "tlsladder/names.h"
#include "tlsladder/timeline.h"

struct summary {
	unsigned conn;
	bool have_server_hello;
	bool hrr;                 /* a HelloRetryRequest came first */
	unsigned version;         /* 0x0303, 0x0304; 0 unknown */
	unsigned cipher_suite;
	unsigned group;           /* 0: none (RSA key exchange, PSK only) */
	unsigned sigscheme;       /* the server's handshake signature; 0: none */
	enum names_auth legacy_sig; /* TLS 1.0/1.1 ServerKeyExchange: RSA signs MD5+SHA-1, DSA/ECDSA sign SHA-1 */
	bool psk;                 /* TLS 1.3 pre_shared_key accepted */
	bool resumed;
	bool rsa_kx;              /* TLS 1.2 RSA key exchange */
	bool cert_requested;      /* the server sent a CertificateRequest */
	bool client_cert_msg;     /* the client sent a Certificate message */
	unsigned client_certs;    /* ... holding this many certificates (0: empty) */
	const char *kx;           /* "ECDHE", "DHE", "RSA", "PSK", "PSK with ECDHE" (static) */
	struct tl_result client, server;
};

/* Fills s for connection conn. False when the connection has no events. */
bool summary_build(const struct timeline *tl, unsigned conn, struct summary *s);

#endif
