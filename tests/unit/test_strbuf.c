/*
 * test_strbuf.c: the string builder keeps snprintf's contract: never past
 * the buffer, always terminated, and the length the whole text needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "tlsladder/strbuf.h"

/* Text that fits is written whole, and len is its length. */
static void test_fits(void **state)
{
	char buf[32];
	struct strbuf o;

	(void)state;
	strbuf_init(&o, buf, sizeof buf);
	assert_string_equal(buf, "");
	strbuf_printf(&o, "%s %u", "suites", 17u);
	strbuf_raw(&o, (const uint8_t *)" ok", 3);
	assert_string_equal(buf, "suites 17 ok");
	assert_int_equal(o.len, 12);
}

/* Text that does not fit is cut, terminated, and counted whole. */
static void test_cut(void **state)
{
	char buf[8];
	struct strbuf o;

	(void)state;
	memset(buf, 'x', sizeof buf);
	strbuf_init(&o, buf, 6);
	strbuf_printf(&o, "%s", "abcd");
	strbuf_printf(&o, "%s", "efgh");
	strbuf_raw(&o, (const uint8_t *)"ijkl", 4);
	assert_string_equal(buf, "abcde");
	assert_int_equal(buf[6], 'x');           /* nothing past n */
	assert_int_equal(o.len, 12);
}

/* Raw bytes stop at a NUL, and are cut like the rest. */
static void test_raw_nul(void **state)
{
	char buf[16];
	struct strbuf o;

	(void)state;
	strbuf_init(&o, buf, sizeof buf);
	strbuf_raw(&o, (const uint8_t *)"host\0evil", 9);
	assert_string_equal(buf, "host");
	assert_int_equal(o.len, 4);
	strbuf_init(&o, buf, 3);
	strbuf_raw(&o, (const uint8_t *)"abcdef", 6);
	assert_string_equal(buf, "ab");
	assert_int_equal(o.len, 6);
}

/* With no buffer, only the needed length is counted. */
static void test_measure(void **state)
{
	struct strbuf o;

	(void)state;
	strbuf_init(&o, NULL, 0);
	strbuf_printf(&o, "%d-%d", 12, 345);
	strbuf_raw(&o, (const uint8_t *)"xy", 2);
	assert_int_equal(o.len, 8);
	strbuf_init(&o, NULL, 99);                /* NULL buffer: n is ignored */
	strbuf_printf(&o, "abc");
	assert_int_equal(o.len, 3);
}

/* The elided form of s in cols columns (into buf). */
static const char *elided(char *buf, size_t n, const char *s, int cols, const char *mark)
{
	struct strbuf o;

	strbuf_init(&o, buf, n);
	strbuf_elide(&o, s, cols, mark);
	return buf;
}

/* Names and paths too wide lose their middle, not their end; whole
 * characters only, measured in display columns. */
static void test_elide(void **state)
{
	char buf[256];
	const char *path = "/home/ann/captures/monday-classroom/session.pcapng";

	(void)state;
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	/* fits: unchanged */
	assert_string_equal(elided(buf, sizeof buf, path, 50, "\u2026"), path);
	assert_string_equal(elided(buf, sizeof buf, "", 0, "\u2026"), "");
	/* 30 columns: 9 from the start, the mark, 20 from the end (the file's name) */
	assert_string_equal(elided(buf, sizeof buf, path, 30, "\u2026"), "/home/ann\u2026sroom/session.pcapng");
	assert_int_equal(strbuf_width(buf), 30);
	/* ASCII: the mark takes 3 columns */
	assert_string_equal(elided(buf, sizeof buf, path, 30, "..."), "/home/ann...oom/session.pcapng");
	assert_int_equal(strbuf_width(buf), 30);
	assert_string_equal(elided(buf, sizeof buf, "CN=tlsladder Demo Intermediate CA", 20, "\u2026"),
			    "CN=tls\u2026termediate CA");
	/* wide characters (2 columns each) are never split: 11 columns hold 2 + mark + 6 */
	assert_int_equal(strbuf_width("\u65e5\u672c\u8a9e\u306e\u30d5\u30a1\u30a4\u30eb.pem"), 20);
	assert_string_equal(elided(buf, sizeof buf, "\u65e5\u672c\u8a9e\u306e\u30d5\u30a1\u30a4\u30eb.pem", 11, "\u2026"),
			    "\u65e5\u2026\u30eb.pem");
	assert_int_equal(strbuf_width(buf), 9);
	assert_string_equal(elided(buf, sizeof buf, "caf\u00e9-\u00e9cole-\u00e9t\u00e9.pem", 12, "\u2026"),
			    "caf\u2026-\u00e9t\u00e9.pem");
	/* too narrow for anything but (part of) the mark */
	assert_string_equal(elided(buf, sizeof buf, path, 1, "\u2026"), "\u2026");
	assert_string_equal(elided(buf, sizeof buf, path, 2, "..."), "..");
	/* a byte that is not UTF-8 counts as one column and is kept or dropped whole */
	assert_string_equal(elided(buf, sizeof buf, "abcdefg\xff" "h", 6, "\u2026"), "a\u2026fg\xff" "h");
	assert_int_equal(strbuf_width(buf), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_raw_nul),
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_elide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
