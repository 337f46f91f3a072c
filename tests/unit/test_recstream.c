/*
 * test_recstream.c: the record-stream parser cuts a byte stream into the
 * same records however the bytes are split, and knows ChangeCipherSpec,
 * plaintext alerts and what is encrypted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tlsladder/recstream.h"

#define MAXREC 16

struct seen {
	struct recstream_record r[MAXREC];
	size_t n;
};

/* Collects the records reported. */
static void collect(void *arg, const struct recstream_record *r)
{
	struct seen *s = arg;

	assert_true(s->n < MAXREC);
	s->r[s->n++] = *r;
}

/* A TLS 1.2 client's tail: handshake 7 B, CCS, encrypted handshake (Finished) 40 B. */
static const uint8_t flight[] = {
	0x16, 0x03, 0x03, 0x00, 0x07, 0x0b, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
	0x16, 0x03, 0x03, 0x00, 0x28,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
};

/* The three records of `flight`, whatever the split. */
static void check_flight(const struct seen *s)
{
	assert_int_equal(s->n, 3);
	assert_int_equal(s->r[0].type, 22);
	assert_int_equal(s->r[0].version, 0x0303);
	assert_int_equal(s->r[0].length, 7);
	assert_false(s->r[0].encrypted);
	assert_int_equal(s->r[0].start, 0);
	assert_int_equal(s->r[0].end, 12);
	assert_true(s->r[1].ccs);
	assert_false(s->r[1].encrypted);
	assert_int_equal(s->r[1].start, 12);
	assert_int_equal(s->r[1].end, 18);
	assert_int_equal(s->r[2].type, 22);
	assert_int_equal(s->r[2].length, 40);
	assert_true(s->r[2].encrypted);          /* after this direction's ChangeCipherSpec */
	assert_int_equal(s->r[2].start, 18);
	assert_int_equal(s->r[2].end, sizeof flight);
}

static void several_records_in_one_read(void **state)
{
	struct recstream rs;
	struct seen s = { .n = 0 };
	struct recstream_record part;
	size_t have;

	(void)state;
	recstream_init(&rs);
	recstream_feed(&rs, flight, sizeof flight, collect, &s);
	check_flight(&s);
	assert_true(recstream_ccs_seen(&rs));
	assert_false(recstream_partial(&rs, &part, &have));
}

static void records_split_across_reads(void **state)
{
	(void)state;
	/* every split into two reads, then byte by byte */
	for (size_t cut = 0; cut <= sizeof flight; cut++) {
		struct recstream rs;
		struct seen s = { .n = 0 };
		recstream_init(&rs);
		recstream_feed(&rs, flight, cut, collect, &s);
		recstream_feed(&rs, flight + cut, sizeof flight - cut, collect, &s);
		check_flight(&s);
	}
	{
		struct recstream rs;
		struct seen s = { .n = 0 };
		recstream_init(&rs);
		for (size_t i = 0; i < sizeof flight; i++)
			recstream_feed(&rs, flight + i, 1, collect, &s);
		check_flight(&s);
	}
}

static void truncated_header_is_partial(void **state)
{
	struct recstream rs;
	struct seen s = { .n = 0 };
	struct recstream_record part;
	size_t have = 0;

	(void)state;
	recstream_init(&rs);
	recstream_feed(&rs, flight, 3, collect, &s);
	assert_int_equal(s.n, 0);
	assert_true(recstream_partial(&rs, &part, &have));
	assert_int_equal(have, 3);
	assert_int_equal(part.type, 22);
	assert_int_equal(part.version, 0x0303);
	assert_int_equal(part.length, 0);                 /* not known yet */
	/* a whole header and part of the payload: the length is known */
	recstream_feed(&rs, flight + 3, 4, collect, &s);
	assert_true(recstream_partial(&rs, &part, &have));
	assert_int_equal(have, 7);
	assert_int_equal(part.length, 7);
	assert_int_equal(part.end, 12);
	assert_int_equal(s.n, 0);
}

static void oversize_length_stops_the_parser(void **state)
{
	/* "HTTP/1.1 400": type 'H', length 0x502f, far beyond any TLS record */
	static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	static const uint8_t at_limit[] = { 0x17, 0x03, 0x03, 0x48, 0x00 };  /* 18432: still a record */
	static const uint8_t over[] = { 0x17, 0x03, 0x03, 0x48, 0x01 };      /* 18433 */
	struct recstream rs;
	struct seen s = { .n = 0 };
	struct recstream_record part;
	size_t have;

	(void)state;
	recstream_init(&rs);
	recstream_feed(&rs, http, sizeof http - 1, collect, &s);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].oversize);
	assert_int_equal(s.r[0].length, 0x502f);
	assert_false(recstream_partial(&rs, &part, &have));
	recstream_feed(&rs, flight, sizeof flight, collect, &s);   /* swallowed: the framing is lost */
	assert_int_equal(s.n, 1);

	recstream_init(&rs);
	s.n = 0;
	recstream_feed(&rs, at_limit, sizeof at_limit, collect, &s);
	assert_int_equal(s.n, 0);
	assert_true(recstream_partial(&rs, &part, &have));
	assert_false(part.oversize);
	assert_int_equal(part.length, RECSTREAM_MAX_LENGTH);

	recstream_init(&rs);
	recstream_feed(&rs, over, sizeof over, collect, &s);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].oversize);
	assert_int_equal(s.r[0].length, RECSTREAM_MAX_LENGTH + 1);
}

static void alerts_plaintext_and_encrypted(void **state)
{
	static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32 };   /* fatal decode_error */
	static const uint8_t empty[] = { 0x15, 0x03, 0x03, 0x00, 0x00 };
	static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct recstream rs;
	struct seen s = { .n = 0 };

	(void)state;
	recstream_init(&rs);
	recstream_feed(&rs, empty, sizeof empty, collect, &s);      /* no body: no alert to read */
	recstream_feed(&rs, alert, sizeof alert, collect, &s);
	assert_int_equal(s.n, 2);
	assert_false(s.r[0].alert);
	assert_int_equal(s.r[0].end, 5);
	assert_true(s.r[1].alert);
	assert_int_equal(s.r[1].alert_level, 2);
	assert_int_equal(s.r[1].alert_desc, 50);
	/* after ChangeCipherSpec (TLS 1.2) an alert is encrypted: its bytes are not an alert */
	recstream_feed(&rs, ccs, sizeof ccs, collect, &s);
	recstream_feed(&rs, alert, sizeof alert, collect, &s);
	assert_int_equal(s.n, 4);
	assert_true(s.r[3].encrypted);
	assert_false(s.r[3].alert);
}

static void tls13_protects_only_type_23(void **state)
{
	static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	static const uint8_t hs[] = { 0x16, 0x03, 0x03, 0x00, 0x01, 0x00 };
	static const uint8_t app[] = { 0x17, 0x03, 0x03, 0x00, 0x01, 0x00 };
	struct recstream rs;
	struct seen s = { .n = 0 };

	(void)state;
	recstream_init(&rs);
	recstream_set_tls13(&rs, true);
	recstream_feed(&rs, ccs, sizeof ccs, collect, &s);
	recstream_feed(&rs, hs, sizeof hs, collect, &s);
	recstream_feed(&rs, app, sizeof app, collect, &s);
	assert_int_equal(s.n, 3);
	assert_false(s.r[1].encrypted);
	assert_true(s.r[2].encrypted);
	assert_false(s.r[2].ccs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(several_records_in_one_read),
		cmocka_unit_test(records_split_across_reads),
		cmocka_unit_test(truncated_header_is_partial),
		cmocka_unit_test(oversize_length_stops_the_parser),
		cmocka_unit_test(alerts_plaintext_and_encrypted),
		cmocka_unit_test(tls13_protects_only_type_23),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
