/*
 * sniff: what a peer spoke when its first bytes are not TLS, and the first
 * line of an HTTP response. Pure functions over bytes from the network (no
 * GnuTLS): the capture layer records the typed result, the diagnosis and
 * the error line render their sentences from it (sniff_describe).
 */
#ifndef TLSLADDER_SNIFF_H
#define TLSLADDER_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sniff_kind {
	SNIFF_NONE,            /* nothing received */
	SNIFF_TLS,             /* starts like a TLS record (content type 20..24) */
	SNIFF_HTTP_RESPONSE,   /* "HTTP/1.x NNN ...": a plain HTTP server */
	SNIFF_HTML,            /* an HTML page with no status line (an HTTP/0.9-style answer) */
	SNIFF_HTTP_REQUEST,    /* "GET / HTTP/1.1": a plain HTTP client */
	SNIFF_SSH,             /* "SSH-2.0-..." banner */
	SNIFF_SMTP,            /* "220 ... SMTP" greeting */
	SNIFF_FTP,             /* "220 ... FTP" greeting */
	SNIFF_SMTP_OR_FTP,     /* "220 ..." with neither word */
	SNIFF_IMAP,            /* "* OK", "* PREAUTH", "* BYE" */
	SNIFF_POP3,            /* "+OK" */
	SNIFF_UNKNOWN          /* something else that is not TLS */
};

struct sniff_result {
	enum sniff_kind kind;
	int http_status;       /* SNIFF_HTTP_RESPONSE: 100..599, or 0 when the line has none */
	uint8_t first_byte;    /* the first byte received (SNIFF_UNKNOWN names it) */
};

/* Classifies the first bytes a peer sent. */
struct sniff_result sniff_bytes(const uint8_t *p, size_t n);
/* True when more bytes could change the verdict (no end of line seen yet in a text answer). */
bool sniff_wants_more(const uint8_t *p, size_t n);
/*
 * Reads an HTTP response's status line ("HTTP/1.1 403 Forbidden"): its
 * status code 100..599, or -1 when p does not start with one.
 */
int sniff_http_status(const uint8_t *p, size_t n);
/*
 * What the peer spoke, as a phrase in lower case with no final period
 * ("the server answered in plain HTTP (status 400), not TLS: ..."); peer is
 * "server" or "client". Writes at most n bytes (NUL-terminated).
 */
void sniff_describe(const struct sniff_result *r, const char *peer, char *buf, size_t n);

#endif
