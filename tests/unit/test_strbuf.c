/*
 * test_strbuf.c: the string builder keeps snprintf's contract: never past
 * the buffer, always terminated, and the length the whole text needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_raw_nul),
		cmocka_unit_test(test_measure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
