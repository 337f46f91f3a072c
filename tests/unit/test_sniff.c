/*
 * test_sniff.c: the not-TLS sniffer and the HTTP status-line reader, over
 * the first bytes real servers send (captured greetings of Postfix, Dovecot,
 * vsftpd, OpenSSH, Python's http.server).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tlsladder/sniff.h"

/* The kind sniffed from a C string. */
static enum sniff_kind kind_of(const char *s)
{
	return sniff_bytes((const uint8_t *)s, strlen(s)).kind;
}

/* The phrase for a C string, as the server. */
static const char *phrase(const char *s, char *buf, size_t n)
{
	struct sniff_result r = sniff_bytes((const uint8_t *)s, strlen(s));
	sniff_describe(&r, "server", buf, n);
	return buf;
}

static void kinds(void **state)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x03, 0x00, 0x31 };
	(void)state;
	assert_int_equal(sniff_bytes(tls, sizeof tls).kind, SNIFF_TLS);
	assert_int_equal(sniff_bytes(NULL, 0).kind, SNIFF_NONE);
	assert_int_equal(kind_of("HTTP/1.1 400 Bad Request\r\n\r\n"), SNIFF_HTTP_RESPONSE);
	assert_int_equal(kind_of("<!DOCTYPE HTML>\n<html lang=\"en\">"), SNIFF_HTML);
	assert_int_equal(kind_of("\n  <html><body>"), SNIFF_HTML);
	assert_int_equal(kind_of("GET / HTTP/1.1\r\n"), SNIFF_HTTP_REQUEST);
	assert_int_equal(kind_of("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), SNIFF_SSH);
	assert_int_equal(kind_of("220 mail.example ESMTP Postfix (Debian/GNU)\r\n"), SNIFF_SMTP);
	assert_int_equal(kind_of("220-smtp.example.org ready\r\n"), SNIFF_SMTP);
	assert_int_equal(kind_of("220 (vsFTPd 3.0.3)\r\n"), SNIFF_FTP);
	assert_int_equal(kind_of("220 ProFTPD Server (Debian)\r\n"), SNIFF_FTP);
	assert_int_equal(kind_of("220 Welcome\r\n"), SNIFF_SMTP_OR_FTP);
	assert_int_equal(kind_of("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"), SNIFF_IMAP);
	assert_int_equal(kind_of("+OK Dovecot ready.\r\n"), SNIFF_POP3);
	assert_int_equal(kind_of("\x80\x01garbage"), SNIFF_UNKNOWN);
	/* a word after the first line does not count */
	assert_int_equal(kind_of("220 Welcome\r\nFTP"), SNIFF_SMTP_OR_FTP);
}

static void http_status(void **state)
{
	(void)state;
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.1 403 Forbidden", 22), 403);
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.0 200", 12), 200);
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/2 421 Misdirected\r\n", 24), 421);
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.1 40", 11), -1);      /* cut off */
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.1 4000 x", 15), -1);
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.1 099 x", 14), -1);
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/ 200 x", 11), -1);
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.1\r\n200 OK", 16), -1);   /* not on the first line */
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTX/1.1 200 OK", 15), -1);
	/* reads only the bytes it is given */
	assert_int_equal(sniff_http_status((const uint8_t *)"HTTP/1.1 403 Forbidden", 11), -1);
	assert_int_equal(sniff_bytes((const uint8_t *)"HTTP/1.1 403 Forbidden", 22).http_status, 403);
	assert_int_equal(sniff_bytes((const uint8_t *)"HTTP/1.1 x", 10).http_status, 0);
}

static void sentences(void **state)
{
	char buf[400];
	(void)state;
	assert_string_equal(phrase("HTTP/1.1 400 Bad Request\r\n", buf, sizeof buf),
			    "the server answered in plain HTTP (status 400), not TLS: this port serves HTTP without TLS; "
			    "is this the HTTPS port?");
	assert_string_equal(phrase("<!DOCTYPE HTML>", buf, sizeof buf),
			    "the server answered with an HTML page and no HTTP status line, not TLS: a plain HTTP server "
			    "took the ClientHello for an old-style (HTTP/0.9) request; is this the HTTPS port?");
	assert_string_equal(phrase("SSH-2.0-x\r\n", buf, sizeof buf), "the server speaks SSH, not TLS: it sent an SSH banner");
	assert_string_equal(phrase("220 x ESMTP\r\n", buf, sizeof buf),
			    "the server greeted with an SMTP banner, not TLS: this is a mail server that speaks plain text "
			    "first; TLS would start only after STARTTLS");
	assert_string_equal(phrase("220 hello\r\n", buf, sizeof buf),
			    "the server greeted with a '220' (SMTP or FTP) banner, not TLS: this is a mail or FTP server "
			    "that speaks plain text first; TLS would start only after STARTTLS");
	assert_string_equal(phrase("\x9f\x01", buf, sizeof buf),
			    "the server answered with something that is not TLS (first byte 0x9f)");
	/* a small buffer is cut, never overrun */
	phrase("HTTP/1.1 400 Bad Request\r\n", buf, 10);
	assert_string_equal(buf, "the serve");
}

static void wants_more(void **state)
{
	(void)state;
	assert_true(sniff_wants_more((const uint8_t *)"220 mail", 8));
	assert_false(sniff_wants_more((const uint8_t *)"220 mail\r\n", 10));
	assert_false(sniff_wants_more((const uint8_t *)"\x16\x03\x01", 3));
	assert_true(sniff_wants_more(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test(http_status),
		cmocka_unit_test(sentences),
		cmocka_unit_test(wants_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
