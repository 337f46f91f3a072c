/*
 * test_connlog.c: serve's log keeps the newest `keep` connections' timelines
 * and counts every connection; a timeline someone still shows outlives its
 * eviction; the waker coalesces its pokes, and a timeline nobody watches
 * opens no descriptor and writes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <poll.h>
#include <string.h>

#include "tlsladder/connlog.h"
#include "tlsladder/timeline.h"
#include "tlsladder/waker.h"

/* Adds connection n with one note; returns its number. */
static uint64_t add_conn(struct connlog *log)
{
	uint64_t n = connlog_number(log);
	struct timeline *tl = timeline_create(false);

	timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, "connection");
	connlog_add(log, n, tl);
	timeline_destroy(tl);          /* the log holds its own */
	return n;
}

/* keep 3 of 5: the two oldest are gone, the newest three are there; counts cover all five. */
static void test_keeps_newest(void **state)
{
	struct connlog *log = connlog_new(3, 0);
	struct connlog_tally t;
	struct timeline *tl;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(add_conn(log), i + 1);
	assert_null(connlog_get(log, 1));
	assert_null(connlog_get(log, 2));
	for (uint64_t n = 3; n <= 5; n++) {
		tl = connlog_get(log, n);
		assert_non_null(tl);
		assert_int_equal(timeline_count(tl), 1);
		timeline_destroy(tl);
	}
	assert_null(connlog_get(log, 6));
	assert_int_equal(connlog_kept_at_or_below(log, 100), 5);
	assert_int_equal(connlog_kept_at_or_below(log, 2), 0);
	assert_int_equal(connlog_kept_at_or_above(log, 1), 3);
	assert_int_equal(connlog_kept_at_or_above(log, 6), 0);
	connlog_finish(log, 4, 0);
	connlog_finish(log, 5, 3);
	connlog_tally(log, &t);
	assert_int_equal(t.numbered, 5);
	assert_int_equal(t.in_flight, 3);
	assert_int_equal(t.ok, 1);
	assert_int_equal(t.failed, 1);
	assert_int_equal(t.refused, 0);
	connlog_free(log);
}

/* A refused connection has a number, no timeline, and is skipped by [ and ]. */
static void test_refused(void **state)
{
	struct connlog *log = connlog_new(10, 0);
	struct connlog_tally t;
	uint64_t r;

	(void)state;
	add_conn(log);
	r = connlog_number(log);
	connlog_refuse(log, r, "connection 2 refused: too many");
	add_conn(log);
	assert_int_equal(r, 2);
	assert_null(connlog_get(log, 2));
	assert_int_equal(connlog_kept_at_or_below(log, 2), 1);
	assert_int_equal(connlog_kept_at_or_above(log, 2), 3);
	connlog_tally(log, &t);
	assert_int_equal(t.numbered, 3);
	assert_int_equal(t.refused, 1);
	assert_int_equal(t.in_flight, 2);
	{
		char why[64];
		assert_string_equal(connlog_last_refusal(log, why, sizeof why), "connection 2 refused: too many");
	}
	connlog_free(log);
}

/* A timeline shown (held) when it leaves the log stays whole until let go. */
static void test_held_outlives_eviction(void **state)
{
	struct connlog *log = connlog_new(1, 0);
	struct timeline *shown;
	struct tl_event ev;

	(void)state;
	add_conn(log);
	shown = connlog_get(log, 1);
	add_conn(log);                 /* evicts connection 1 */
	assert_null(connlog_get(log, 1));
	assert_true(timeline_get(shown, 0, &ev));
	assert_string_equal(ev.text, "connection");
	timeline_destroy(shown);
	connlog_free(log);
}

/* Past 65,536 connections numbers go on and the newest is found. */
static void test_numbers_go_on(void **state)
{
	struct connlog *log = connlog_new(2, 0);
	uint64_t last = 0;

	(void)state;
	for (int i = 0; i < 70000; i++)
		last = connlog_number(log);
	assert_int_equal(last, 70000);
	assert_int_equal(add_conn(log), 70001);
	assert_int_equal(connlog_kept_at_or_below(log, 70001), 70001);
	connlog_free(log);
}

/* Adds connection n holding a body of `bytes` bytes, and ends it. */
static uint64_t add_ended(struct connlog *log, size_t bytes)
{
	static uint8_t body[60000];
	uint64_t n = connlog_number(log);
	struct timeline *tl = timeline_create(false);
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = 1;
	ev.body = body;
	ev.body_len = bytes;
	timeline_observe(tl, &ev, false);
	connlog_add(log, n, tl);
	timeline_destroy(tl);
	connlog_finish(log, n, 0);
	return n;
}

/* Over the byte budget the oldest ended connections go first, whatever keep says;
 * one still in flight is not let go, and stops the trimming until it ends. */
static void test_budget(void **state)
{
	struct connlog *probe = connlog_new(1, 0), *log;
	struct timeline *tl;
	uint64_t live;
	size_t one;

	(void)state;
	add_ended(probe, 60000);
	one = connlog_bytes(probe);          /* one such connection's footprint */
	connlog_free(probe);
	assert_true(one > 60000 && one < 120000);
	log = connlog_new(100, one * 7 / 2);   /* room for 3 */
	for (int i = 0; i < 3; i++)
		add_ended(log, 60000);
	assert_int_equal(connlog_bytes(log), 3 * one);
	tl = connlog_get(log, 1);
	assert_non_null(tl);               /* 3 fit */
	timeline_destroy(tl);
	add_ended(log, 60000);             /* the 4th does not: connection 1 goes */
	assert_null(connlog_get(log, 1));
	assert_int_equal(connlog_kept_at_or_above(log, 1), 2);
	assert_int_equal(connlog_bytes(log), 3 * one);
	live = connlog_number(log);        /* 5: in flight */
	tl = timeline_create(false);
	connlog_add(log, live, tl);
	timeline_destroy(tl);
	add_ended(log, 60000);             /* 6: connection 2 goes */
	add_ended(log, 60000);             /* 7: connection 3 goes */
	add_ended(log, 60000);             /* 8: connection 4 goes, then 5 is in flight: it stops there */
	assert_int_equal(connlog_kept_at_or_above(log, 1), 5);
	tl = connlog_get(log, 6);
	assert_non_null(tl);
	timeline_destroy(tl);
	connlog_free(log);
}

/* 1,000 pokes before a drain write one byte; after a drain the next writes again. */
static void test_waker_coalesces(void **state)
{
	struct waker *w = waker_new();
	struct pollfd pf;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 1000; i++)
		waker_poke(w);
	assert_int_equal(waker_writes(w), 1);
	pf = (struct pollfd){ .fd = waker_fd(w), .events = POLLIN };
	assert_int_equal(poll(&pf, 1, 0), 1);
	waker_drain(w);
	assert_int_equal(poll(&pf, 1, 0), 0);
	waker_poke(w);
	assert_int_equal(waker_writes(w), 2);
	assert_int_equal(poll(&pf, 1, 0), 1);
	waker_free(w);
}

/* Open descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Nobody watches: 10,000 events open no descriptor. A shared waker gets one write for them. */
static void test_unwatched_timeline_is_silent(void **state)
{
	int before = open_fds();
	struct timeline *tl = timeline_create(false);
	struct waker *w;

	(void)state;
	for (int i = 0; i < 10000; i++)
		timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, "x");
	assert_int_equal(open_fds(), before);
	w = waker_new();
	timeline_set_waker(tl, w);
	for (int i = 0; i < 10000; i++)
		timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, "y");
	assert_int_equal(waker_writes(w), 1);
	timeline_destroy(tl);
	waker_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_newest),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_held_outlives_eviction),
		cmocka_unit_test(test_numbers_go_on),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_waker_coalesces),
		cmocka_unit_test(test_unwatched_timeline_is_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
