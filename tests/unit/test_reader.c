/*
 * test_reader.c: the bounds-checked reader never reads past its buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tlsladder/reader.h"

static void reads_in_order(void **state)
{
	const uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
	struct reader r;
	unsigned v;
	const uint8_t *p;

	(void)state;
	reader_init(&r, buf, sizeof buf);
	assert_true(reader_u8(&r, &v));
	assert_int_equal(v, 0x01);
	assert_true(reader_u16(&r, &v));
	assert_int_equal(v, 0x0203);
	assert_true(reader_u24(&r, &v));
	assert_int_equal(v, 0x040506);
	assert_int_equal(reader_pos(&r), 6);
	assert_true(reader_bytes(&r, 2, &p));
	assert_int_equal(p[1], 0x08);
	assert_int_equal(reader_left(&r), 0);
	assert_false(r.failed);
}

static void failure_sticks_with_offset(void **state)
{
	const uint8_t buf[] = { 0x00, 0x05, 0xaa };
	struct reader r, sub;
	unsigned v = 12345;

	(void)state;
	reader_init(&r, buf, sizeof buf);
	assert_false(reader_vec(&r, 2, &sub));      /* claims 5 bytes, has 1 */
	assert_true(r.failed);
	assert_int_equal(r.fail_off, 2);
	assert_true(sub.failed);
	assert_false(reader_u8(&r, &v));            /* later reads fail too */
	assert_int_equal(v, 12345);
	assert_int_equal(reader_left(&r), 0);
	assert_non_null(r.why);
}

static void sub_reader_offsets_are_absolute(void **state)
{
	const uint8_t buf[] = { 0x09, 0x02, 0x10, 0x20, 0x30 };
	struct reader r, sub;
	unsigned v;

	(void)state;
	reader_init(&r, buf, sizeof buf);
	reader_skip(&r, 1);
	assert_true(reader_vec(&r, 1, &sub));
	assert_int_equal(sub.n, 2);
	assert_true(reader_u16(&sub, &v));
	assert_int_equal(v, 0x1020);
	assert_false(reader_u8(&sub, &v));          /* the window ends before 0x30 */
	assert_int_equal(sub.fail_off, 4);
	assert_true(reader_u8(&r, &v));             /* the parent is unaffected */
	assert_int_equal(v, 0x30);
}

static void empty_and_null(void **state)
{
	struct reader r;
	unsigned v;

	(void)state;
	reader_init(&r, NULL, 10);
	assert_int_equal(reader_left(&r), 0);
	assert_false(reader_u8(&r, &v));
	reader_init(&r, (const uint8_t *)"", 0);
	assert_true(reader_skip(&r, 0));
	assert_false(reader_skip(&r, 1));
	reader_init(&r, (const uint8_t *)"ab", 2);
	assert_false(reader_skip(&r, SIZE_MAX));    /* no overflow on huge lengths */
}

/* Every prefix of a structure fails cleanly, never reading past the copy. */
static void every_truncation_is_safe(void **state)
{
	const uint8_t full[] = { 0x00, 0x03, 0x01, 0x02, 0x03, 0x00, 0x00, 0x02, 0xbe, 0xef };

	(void)state;
	for (size_t n = 0; n <= sizeof full; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		struct reader r, a, b;
		unsigned v;

		memcpy(copy, full, n);
		reader_init(&r, copy, n);
		reader_vec(&r, 2, &a);
		reader_vec(&r, 3, &b);
		reader_u8(&b, &v);
		assert_int_equal(r.failed, n < sizeof full);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_in_order),
		cmocka_unit_test(failure_sticks_with_offset),
		cmocka_unit_test(sub_reader_offsets_are_absolute),
		cmocka_unit_test(empty_and_null),
		cmocka_unit_test(every_truncation_is_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
