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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
