/*
 * test_notes.c: the sentences of typed notes are rendered from their codes
 * and payloads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tlsladder/notes.h"

static void sentences(void **state)
{
	char buf[400];
	struct tl_note withheld = { .code = TL_NOTE_CERT_WITHHELD, .count = 1 };
	struct tl_note sent = { .code = TL_NOTE_CERT_SENT_UNLISTED, .count = 2 };
	struct tl_note answer = { .code = TL_NOTE_HTTP_ANSWER, .status = 403 };
	struct tl_note data = { .code = TL_NOTE_APP_DATA, .count = 17 };

	(void)state;
	assert_string_equal(notes_render(&withheld, "CN=Other CA", buf, sizeof buf),
			    "the client certificate was withheld: its issuer 'CN=Other CA' is not among the 1 CA name the "
			    "server listed (--withhold-unmatched-cert)");
	assert_string_equal(notes_render(&sent, "CN=Other CA", buf, sizeof buf),
			    "the certificate's issuer 'CN=Other CA' is not among the 2 CA names the server listed; sending it "
			    "anyway so the server's verdict shows (GnuTLS alone would send none; --withhold-unmatched-cert "
			    "does that)");
	assert_string_equal(notes_render(&answer, "HTTP/1.1 403 Forbidden", buf, sizeof buf),
			    "the server answered: HTTP/1.1 403 Forbidden");
	assert_string_equal(notes_render(&answer, NULL, buf, sizeof buf), "the server answered: (nothing)");
	assert_string_equal(notes_render(&data, NULL, buf, sizeof buf), "the server sent 17 bytes of application data");
	/* cut, never overrun */
	notes_render(&data, NULL, buf, 8);
	assert_string_equal(buf, "the ser");
}

/* serve's count of the client's application data, and how reading ended */
static void data_read(void **state)
{
	char buf[400];
	struct tl_note n = { .code = TL_NOTE_DATA_READ, .bytes = 67108864, .end = TL_READ_CLOSED };

	(void)state;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf),
			    "the client sent 67,108,864 bytes of application data, then closed the connection");
	n.end = TL_READ_EOF;
	n.bytes = 1;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf),
			    "the client sent 1 byte of application data, then closed the connection without close_notify");
	n.end = TL_READ_ALERT;
	n.bytes = 0;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf),
			    "the client sent no application data, then ended the connection with an alert");
	n.end = TL_READ_DEADLINE_SENDING;
	n.bytes = 41943040;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf),
			    "stopped reading after the time limit: 41,943,040 bytes read; the client was still sending");
	n.end = TL_READ_DEADLINE_IDLE;
	n.bytes = 999;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf),
			    "stopped reading after the time limit: 999 bytes read; the client had stopped sending but had "
			    "not closed the connection");
	n.bytes = 0;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf),
			    "stopped reading after the time limit: the client sent no application data and had not closed "
			    "the connection");
	n.end = TL_READ_CANCELLED;
	n.bytes = 1000;
	assert_string_equal(notes_render(&n, NULL, buf, sizeof buf), "stopped reading when the run was stopped: 1,000 bytes read");
	n.end = TL_READ_ERROR;
	n.bytes = UINT64_MAX;     /* 64-bit, grouped */
	assert_string_equal(notes_render(&n, "the client reset the connection", buf, sizeof buf),
			    "stopped reading after an error: 18,446,744,073,709,551,615 bytes read (the client reset the "
			    "connection)");
	/* cut, never overrun */
	notes_render(&n, NULL, buf, 12);
	assert_string_equal(buf, "stopped rea");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sentences),
		cmocka_unit_test(data_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
