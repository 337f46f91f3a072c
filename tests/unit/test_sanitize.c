/*
 * test_sanitize.c: hostile text comes out inert.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tlsladder/sanitize.h"

struct sanitize_case {
	const char *in;
	size_t len;
	const char *out;
};

#define C(s, o) { s, sizeof(s) - 1, o }
static const struct sanitize_case cases[] = {
	C("CN=localhost", "CN=localhost"),
	C("", ""),
	C("a\x1b[2Jb", "a\\x1B[2Jb"),                   /* ESC: clear screen */
	C("bell\x07", "bell\\x07"),
	C("over\rwrite", "over\\rwrite"),
	C("two\nlines", "two\\nlines"),
	C("tab\there", "tab\\there"),
	C("del\x7f", "del\\x7F"),
	C("back\\slash", "back\\\\slash"),
	C("nul\0inside", "nul\\x00inside"),
	C("caf\xc3\xa9", "caf\xc3\xa9"),               /* é passes */
	C("\xe2\x80\xae" "txt.exe", "\\u{202E}txt.exe"), /* RIGHT-TO-LEFT OVERRIDE */
	C("\xe2\x81\xa6x", "\\u{2066}x"),               /* LEFT-TO-RIGHT ISOLATE */
	C("zw\xe2\x80\x8bsp", "zw\\u{200B}sp"),
	C("c1\xc2\x9b" "31m", "c1\\u{009B}31m"),        /* C1 CSI */
	C("bad\xff", "bad\\xFF"),
	C("cut\xe2\x82", "cut\\xE2\\x82"),              /* truncated sequence */
	C("over\xc0\xaf", "over\\xC0\\xAF"),            /* overlong '/' */
	C("sur\xed\xa0\x80", "sur\\xED\\xA0\\x80"),     /* UTF-16 surrogate */
	C("emoji \xf0\x9f\x94\x92", "emoji \xf0\x9f\x94\x92"),
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		size_t need = sanitize_text(out, sizeof out, cases[i].in, cases[i].len);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(need, strlen(cases[i].out));
	}
}

static void truncates_on_character_boundary(void **state)
{
	char out[8];
	size_t need;

	(void)state;
	need = sanitize_str(out, sizeof out, "ab\x1b\x1b\x1b");
	assert_int_equal(need, 2 + 3 * 4);
	assert_string_equal(out, "ab\\x1B");           /* whole escapes only */
	need = sanitize_str(out, 1, "abc");
	assert_string_equal(out, "");
	assert_int_equal(need, 3);
	assert_int_equal(sanitize_str(NULL, 0, "abc"), 3);
	sanitize_str(out, sizeof out, NULL);
	assert_string_equal(out, "");
}

/* No byte value survives as a raw control character. */
static void every_byte(void **state)
{
	(void)state;
	for (int b = 0; b < 256; b++) {
		char in[3] = { 'x', (char)b, 'y' }, out[32];
		sanitize_text(out, sizeof out, in, 3);
		for (const unsigned char *p = (const unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 && *p != 0x7f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(truncates_on_character_boundary),
		cmocka_unit_test(every_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
