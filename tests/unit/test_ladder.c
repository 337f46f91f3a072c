/*
 * test_ladder.c: the rows of the ladder and what each record carries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tlsladder/ladder.h"

static uint8_t body[4000];

/* Appends a handshake message. */
static size_t msg(struct timeline *tl, enum tl_side from, unsigned conn, unsigned type, size_t len, bool enc)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.from = from;
	ev.conn = conn;
	ev.hs_type = type;
	ev.body = body;
	ev.body_len = len;
	ev.encrypted = enc;
	return (size_t)timeline_observe(tl, &ev, true);
}

/* Appends a record. */
static size_t rec(struct timeline *tl, enum tl_side from, unsigned conn, unsigned type, unsigned len, bool enc)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.from = from;
	ev.conn = conn;
	ev.rec_type = type;
	ev.rec_length = len;
	ev.encrypted = enc;
	return (size_t)timeline_observe(tl, &ev, true);
}

static void views_and_carries(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct ladder m, w;
	size_t ch, sh, cert, fin, r1, r2, r3;

	(void)state;
	ch = msg(tl, TL_CLIENT, 0, 1, 200, false);
	r1 = rec(tl, TL_CLIENT, 0, 22, 204, false);             /* exactly the ClientHello */
	sh = msg(tl, TL_SERVER, 0, 2, 90, false);
	cert = msg(tl, TL_SERVER, 0, 11, 3000, false);
	r2 = rec(tl, TL_SERVER, 0, 22, 94 + 1000, false);       /* ServerHello + part of the Certificate */
	r3 = rec(tl, TL_SERVER, 0, 22, 2004, false);            /* the rest of the Certificate */
	fin = msg(tl, TL_SERVER, 0, 20, 48, true);
	rec(tl, TL_SERVER, 0, 23, 69, true);                    /* the encrypted Finished */
	timeline_note(tl, TL_EV_NOTE, TL_CLIENT, 0, "a note shows in both views");

	ladder_init(&m, tl, false);
	ladder_init(&w, tl, true);
	assert_true(ladder_update(&m));
	assert_true(ladder_update(&w));
	assert_int_equal(m.nrows, 5);                           /* four messages and the note */
	assert_int_equal(w.nrows, 5);                           /* four records and the note */
	assert_int_equal(m.rows[0].ev, ch);
	assert_int_equal(w.rows[0].ev, r1);
	assert_int_equal(w.rows[0].ncarry, 1);
	assert_int_equal(w.rows[0].carry[0], ch);
	assert_int_equal(w.rows[1].ev, r2);
	assert_int_equal(w.rows[1].ncarry, 2);
	assert_int_equal(w.rows[1].carry[0], sh);
	assert_int_equal(w.rows[1].carry[1], cert);
	assert_true(w.rows[1].partial);
	assert_int_equal(w.rows[2].ev, r3);
	assert_int_equal(w.rows[2].carry[0], cert);
	assert_int_equal(w.rows[3].carry[0], fin);
	/* the row showing an event, or the nearest before it */
	assert_int_equal(ladder_row_of(&m, cert), 2);
	assert_int_equal(ladder_row_of(&m, r2), 2);         /* the Certificate, logged just before it */
	assert_false(ladder_update(&m));                        /* nothing new */
	ladder_free(&m);
	ladder_free(&w);
	timeline_destroy(tl);
}

static void one_connection_at_a_time(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct ladder w;
	size_t ch1;

	(void)state;
	msg(tl, TL_CLIENT, 0, 1, 100, false);
	rec(tl, TL_CLIENT, 0, 22, 104, false);
	ch1 = msg(tl, TL_CLIENT, 1, 1, 120, false);
	rec(tl, TL_CLIENT, 0, 23, 30, true);                    /* a late record of connection 0 */
	rec(tl, TL_CLIENT, 1, 22, 124, false);
	ladder_init(&w, tl, true);
	ladder_set_conn(&w, 1);
	ladder_update(&w);
	assert_int_equal(w.nrows, 1);
	assert_int_equal(w.rows[0].ncarry, 1);
	assert_int_equal(w.rows[0].carry[0], ch1);
	ladder_set_conn(&w, 0);
	ladder_update(&w);
	assert_int_equal(w.nrows, 2);
	ladder_free(&w);
	timeline_destroy(tl);
}

static void grows_incrementally(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct ladder w;

	(void)state;
	ladder_init(&w, tl, true);
	assert_false(ladder_update(&w));
	rec(tl, TL_SERVER, 0, 22, 94, false);                   /* the record arrives before its message */
	assert_true(ladder_update(&w));
	assert_int_equal(w.rows[0].ncarry, 0);
	msg(tl, TL_SERVER, 0, 2, 90, false);
	ladder_update(&w);
	assert_int_equal(w.rows[0].ncarry, 1);
	ladder_free(&w);
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(views_and_carries),
		cmocka_unit_test(one_connection_at_a_time),
		cmocka_unit_test(grows_incrementally),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
