/*
 * sniff.c: names what a peer spoke when it did not speak TLS (see sniff.h).
 * Every test reads inside [p, p + n); nothing here trusts a length or a
 * terminator in the input.
 */
#include "tlsladder/sniff.h"

#include <stdio.h>
#include <string.h>

/* True when p (n bytes) starts with the literal s. */
static bool starts(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && memcmp(p, s, k) == 0;
}

/* Lower-case ASCII of b. */
static uint8_t lower(uint8_t b)
{
	return b >= 'A' && b <= 'Z' ? (uint8_t)(b - 'A' + 'a') : b;
}

/* Length of the first line (up to CR or LF, or n). */
static size_t line_len(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] != '\r' && p[i] != '\n')
		i++;
	return i;
}

/* True when the word w (lower case) occurs in p[0..n), ignoring case. */
static bool has_word(const uint8_t *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;
		while (j < k && lower(p[i + j]) == (uint8_t)w[j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

/* True when p starts (after blanks) with an HTML document. */
static bool html_start(const uint8_t *p, size_t n)
{
	static const char *const tags[] = { "<!doctype html", "<html", "<head", "<body", "<title", "<h1" };
	size_t i = 0;

	while (i < n && i < 64 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
		size_t k = strlen(tags[t]), j = 0;
		if (n - i < k)
			continue;
		while (j < k && lower(p[i + j]) == (uint8_t)tags[t][j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

/* The status code of an HTTP response line, or -1. */
int sniff_http_status(const uint8_t *p, size_t n)
{
	size_t i = 5, len = line_len(p, n);
	int code = 0;

	if (!starts(p, len, "HTTP/"))
		return -1;
	while (i < len && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))   /* version "1.1", "2" */
		i++;
	if (i == 5 || i >= len || p[i] != ' ')
		return -1;
	while (i < len && p[i] == ' ')
		i++;
	for (int d = 0; d < 3; d++, i++) {
		if (i >= len || p[i] < '0' || p[i] > '9')
			return -1;
		code = code * 10 + (p[i] - '0');
	}
	if (i < len && p[i] != ' ')
		return -1;
	return code >= 100 && code <= 599 ? code : -1;
}

/* A plain-text greeting of a server that speaks first (mail, FTP). */
static enum sniff_kind greeting(const uint8_t *p, size_t n)
{
	size_t len = line_len(p, n);

	if (starts(p, len, "220 ") || starts(p, len, "220-")) {
		bool smtp = has_word(p, len, "smtp"), ftp = has_word(p, len, "ftp");
		return smtp && !ftp ? SNIFF_SMTP : ftp && !smtp ? SNIFF_FTP : SNIFF_SMTP_OR_FTP;
	}
	if (starts(p, len, "* OK") || starts(p, len, "* PREAUTH") || starts(p, len, "* BYE"))
		return SNIFF_IMAP;
	if (starts(p, len, "+OK"))
		return SNIFF_POP3;
	return SNIFF_UNKNOWN;
}

/* True when p starts like an HTTP request line. */
static bool http_request(const uint8_t *p, size_t n)
{
	static const char *const methods[] = { "GET ", "HEAD ", "POST ", "PUT ", "OPTIONS ", "DELETE ", "PATCH ",
					       "CONNECT ", "TRACE " };

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (starts(p, n, methods[i]))
			return true;
	return false;
}

/* Classifies the first bytes a peer sent. */
struct sniff_result sniff_bytes(const uint8_t *p, size_t n)
{
	struct sniff_result r = { SNIFF_NONE, 0, 0 };

	if (!p || n == 0)
		return r;
	r.first_byte = p[0];
	if (p[0] >= 20 && p[0] <= 24) {
		r.kind = SNIFF_TLS;
	} else if (starts(p, n, "HTTP/")) {
		int st = sniff_http_status(p, n);
		r.kind = SNIFF_HTTP_RESPONSE;
		r.http_status = st > 0 ? st : 0;
	} else if (starts(p, n, "SSH-")) {
		r.kind = SNIFF_SSH;
	} else if (http_request(p, n)) {
		r.kind = SNIFF_HTTP_REQUEST;
	} else if (html_start(p, n)) {
		r.kind = SNIFF_HTML;
	} else {
		r.kind = greeting(p, n);
	}
	return r;
}

/* True when more bytes could change the verdict. */
bool sniff_wants_more(const uint8_t *p, size_t n)
{
	if (!p || n == 0)
		return true;
	if (p[0] >= 20 && p[0] <= 24)
		return false;
	return line_len(p, n) == n;    /* the first line is not complete yet */
}

/* "; TLS would start only after ..." for a server that speaks plain text first. */
static const char *starttls_words(enum sniff_kind k)
{
	switch (k) {
	case SNIFF_SMTP: return "this is a mail server that speaks plain text first; TLS would start only after STARTTLS";
	case SNIFF_IMAP: return "this is a mail server (IMAP) that speaks plain text first; TLS would start only after "
				"STARTTLS";
	case SNIFF_POP3: return "this is a mail server (POP3) that speaks plain text first; TLS would start only after "
				"STARTTLS (the STLS command)";
	case SNIFF_FTP: return "this is an FTP server that speaks plain text first; TLS would start only after the "
			       "client asks for it (AUTH TLS, FTP's STARTTLS)";
	default: return "this is a mail or FTP server that speaks plain text first; TLS would start only after "
			"STARTTLS";
	}
}

/* What the peer spoke, as a phrase. */
void sniff_describe(const struct sniff_result *r, const char *peer, char *buf, size_t n)
{
	if (!buf || n == 0)
		return;
	switch (r->kind) {
	case SNIFF_NONE: snprintf(buf, n, "the %s sent nothing", peer); break;
	case SNIFF_TLS: snprintf(buf, n, "the %s speaks TLS", peer); break;
	case SNIFF_HTTP_RESPONSE:
		if (r->http_status)
			snprintf(buf, n, "the %s answered in plain HTTP (status %d), not TLS: this port serves HTTP without "
					 "TLS; is this the HTTPS port?", peer, r->http_status);
		else
			snprintf(buf, n, "the %s answered in plain HTTP, not TLS: this port serves HTTP without TLS; is "
					 "this the HTTPS port?", peer);
		break;
	case SNIFF_HTML:
		snprintf(buf, n, "the %s answered with an HTML page and no HTTP status line, not TLS: a plain HTTP server "
				 "took the ClientHello for an old-style (HTTP/0.9) request; is this the HTTPS port?", peer);
		break;
	case SNIFF_HTTP_REQUEST:
		snprintf(buf, n, "the %s sent a plain HTTP request, not TLS: it used http:// on a TLS port", peer);
		break;
	case SNIFF_SSH: snprintf(buf, n, "the %s speaks SSH, not TLS: it sent an SSH banner", peer); break;
	case SNIFF_SMTP:
	case SNIFF_FTP:
	case SNIFF_SMTP_OR_FTP:
	case SNIFF_IMAP:
	case SNIFF_POP3: {
		static const char *const proto[] = { [SNIFF_SMTP] = "an SMTP", [SNIFF_FTP] = "an FTP",
						     [SNIFF_SMTP_OR_FTP] = "a '220' (SMTP or FTP)", [SNIFF_IMAP] = "an IMAP",
						     [SNIFF_POP3] = "a POP3" };
		snprintf(buf, n, "the %s greeted with %s banner, not TLS: %s", peer, proto[r->kind], starttls_words(r->kind));
		break;
	}
	default:
		snprintf(buf, n, "the %s answered with something that is not TLS (first byte 0x%02x)", peer, r->first_byte);
		break;
	}
}
