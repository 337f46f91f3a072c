/*
 * test_timeline.c: the append-only, thread-safe timeline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "tlsladder/finished.h"
#include "tlsladder/timeline.h"

/* A handshake event sent by `from`. */
static struct tl_event hs(enum tl_side from, unsigned type, const uint8_t *body, size_t len)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.from = from;
	ev.hs_type = type;
	ev.body = body;
	ev.body_len = len;
	return ev;
}

static void append_and_copy(void **state)
{
	struct timeline *tl = timeline_create(false);
	uint8_t body[4] = { 3, 3, 0, 1 };
	struct tl_event ev = hs(TL_CLIENT, 1, body, sizeof body), got;

	(void)state;
	ev.t_us = timeline_now(tl);
	assert_int_equal(timeline_observe(tl, &ev, true), 0);
	body[0] = 0xff;       /* the timeline keeps its own copy */
	assert_int_equal(timeline_count(tl), 1);
	assert_true(timeline_get(tl, 0, &got));
	assert_int_equal(got.seq, 0);
	assert_int_equal(got.body_len, 4);
	assert_int_equal(got.body[0], 3);
	assert_true(got.sent_seen);
	assert_false(got.recv_seen);
	assert_false(timeline_get(tl, 1, &got));
	assert_int_equal(timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, "hello"), 1);
	assert_true(timeline_get(tl, 1, &got));
	assert_string_equal(got.text, "hello");
	assert_string_equal(timeline_event_name(&got), "note");
	timeline_destroy(tl);
}

static void merge_joins_sender_and_receiver(void **state)
{
	struct timeline *tl = timeline_create(true);
	uint8_t a[3] = { 1, 2, 3 }, b[3] = { 9, 9, 9 };
	struct tl_event ev, got;

	(void)state;
	/* server sends two tickets, client receives them: two events, matched in order */
	ev = hs(TL_SERVER, 4, a, 3);
	ev.t_us = 10;
	timeline_observe(tl, &ev, true);
	ev = hs(TL_SERVER, 4, b, 3);
	ev.t_us = 11;
	timeline_observe(tl, &ev, true);
	ev = hs(TL_SERVER, 4, a, 3);
	ev.t_us = 20;
	assert_int_equal(timeline_observe(tl, &ev, false), 0);
	ev = hs(TL_SERVER, 4, a, 3);      /* bytes differ from what was sent */
	ev.t_us = 21;
	assert_int_equal(timeline_observe(tl, &ev, false), 1);
	assert_int_equal(timeline_count(tl), 2);
	assert_true(timeline_get(tl, 0, &got));
	assert_true(got.sent_seen && got.recv_seen);
	assert_true(got.sent_us <= got.recv_us);
	assert_int_equal(got.t_us, got.sent_us);
	assert_false(got.recv_differs);
	assert_true(timeline_get(tl, 1, &got));
	assert_true(got.recv_differs);
	/* a received message nobody recorded sending becomes its own event */
	ev = hs(TL_CLIENT, 20, a, 3);
	assert_int_equal(timeline_observe(tl, &ev, false), 2);
	assert_true(timeline_get(tl, 2, &got));
	assert_false(got.sent_seen);
	assert_true(got.recv_seen);
	timeline_destroy(tl);
}

static void no_merge_keeps_both(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct tl_event ev = hs(TL_CLIENT, 1, NULL, 0);

	(void)state;
	timeline_observe(tl, &ev, true);
	timeline_observe(tl, &ev, false);
	assert_int_equal(timeline_count(tl), 2);
	timeline_destroy(tl);
}

static void merge_matches_kind_and_key(void **state)
{
	struct timeline *tl = timeline_create(true);
	struct tl_event ev, got;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_ALERT;
	ev.from = TL_CLIENT;
	ev.alert_level = 2;
	ev.alert_desc = 42;
	timeline_observe(tl, &ev, true);
	ev.alert_desc = 0;          /* another alert: no match */
	timeline_observe(tl, &ev, false);
	assert_int_equal(timeline_count(tl), 2);
	ev.alert_desc = 42;
	timeline_observe(tl, &ev, false);
	assert_int_equal(timeline_count(tl), 2);
	assert_true(timeline_get(tl, 0, &got));
	assert_true(got.recv_seen);
	/* the same alert in the other connection does not match */
	ev.conn = 1;
	timeline_observe(tl, &ev, false);
	assert_int_equal(timeline_count(tl), 3);
	timeline_destroy(tl);
}

static void wake_pipe_and_wait(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct pollfd pf = { .fd = timeline_wake_fd(tl), .events = POLLIN };

	(void)state;
	assert_int_equal(poll(&pf, 1, 0), 0);
	timeline_note(tl, TL_EV_NOTE, TL_CLIENT, 0, "x");
	assert_int_equal(poll(&pf, 1, 0), 1);
	timeline_drain_wake(tl);
	assert_int_equal(poll(&pf, 1, 0), 0);
	assert_int_equal(timeline_wait(tl, 0, 1000), 1);      /* already more than 0 */
	assert_int_equal(timeline_wait(tl, 1, 10), 1);        /* times out */
	assert_false(timeline_finished(tl));
	timeline_finish(tl);
	assert_true(timeline_finished(tl));
	assert_int_equal(timeline_wait(tl, 1, -1), 1);        /* finished: returns at once */
	assert_int_equal(poll(&pf, 1, 0), 1);
	timeline_destroy(tl);
}

#define THREADS 4
#define PER_THREAD 2000


/* A Finished check is stored per event index, a later one replaces it, others stay absent; storing is a change. */
static void finished_results_stored(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct tl_event ev;
	struct finished_result r, out;
	uint64_t id;
	unsigned gen0, gen1;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	for (unsigned k = 0; k < 4; k++) {
		ev.conn = k / 2;
		ev.hs_type = k % 2 ? 20 : 1;
		assert_true(timeline_append_raw(tl, &ev) >= 0);
	}
	memset(&r, 0, sizeof r);
	r.index = 3;
	r.conn = 1;
	r.verdict = FINISHED_MISMATCH;
	r.recomputed_len = 12;
	memset(r.recomputed, 0xab, 12);
	timeline_stamp(tl, &id, &gen0);
	timeline_set_finished(tl, &r);
	timeline_stamp(tl, &id, &gen1);
	assert_int_not_equal(gen0, gen1);
	assert_false(timeline_get_finished(tl, 1, &out));
	assert_false(timeline_get_finished(tl, 99, &out));
	assert_true(timeline_get_finished(tl, 3, &out));
	assert_int_equal(out.verdict, FINISHED_MISMATCH);
	assert_memory_equal(out.recomputed, r.recomputed, 12);
	r.verdict = FINISHED_MATCH;
	timeline_set_finished(tl, &r);
	r.index = 1;
	r.conn = 0;
	r.verdict = FINISHED_CANNOT_CHECK;
	r.reason = FINISHED_NO_SECRET;
	timeline_set_finished(tl, &r);
	assert_true(timeline_get_finished(tl, 3, &out));
	assert_int_equal(out.verdict, FINISHED_MATCH);
	assert_true(timeline_get_finished(tl, 1, &out));
	assert_int_equal(out.reason, FINISHED_NO_SECRET);
	r.index = 42;                               /* no such event: nothing stored */
	timeline_set_finished(tl, &r);
	assert_false(timeline_get_finished(tl, 42, &out));
	timeline_destroy(tl);
}

/* Appends PER_THREAD notes (over 64 connections: one stores at most TL_CONN_MAX_NOTES). */
static void *writer(void *arg)
{
	struct timeline *tl = arg;

	for (int i = 0; i < PER_THREAD; i++)
		timeline_note(tl, TL_EV_NOTE, TL_CLIENT, (unsigned)i % 64, "concurrent");
	return NULL;
}

static void concurrent_appends(void **state)
{
	struct timeline *tl = timeline_create(true);
	pthread_t th[THREADS];
	static bool seen[THREADS * PER_THREAD];
	size_t n;

	(void)state;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer, tl), 0);
	/* a reader follows along meanwhile */
	for (int k = 0; k < 100 && timeline_count(tl) < THREADS * PER_THREAD; k++)
		timeline_wait(tl, timeline_count(tl), 20);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	n = timeline_count(tl);
	assert_int_equal(n, THREADS * PER_THREAD);
	memset(seen, 0, sizeof seen);
	for (size_t i = 0; i < n; i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		assert_int_equal(ev.seq, i);
		assert_false(seen[ev.seq]);
		seen[ev.seq] = true;
		if (i > 0) {
			struct tl_event prev;
			timeline_get(tl, i - 1, &prev);
			assert_true(prev.t_us <= ev.t_us);
		}
	}
	assert_int_equal(timeline_dropped(tl), 0);
	timeline_destroy(tl);
}

static void secrets_are_kept_once(void **state)
{
	struct timeline *tl = timeline_create(true);
	struct tl_secret s, got;

	(void)state;
	memset(&s, 0, sizeof s);
	strcpy(s.label, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
	s.len = 32;
	s.secret[0] = 7;
	timeline_add_secret(tl, &s);
	s.side = TL_SERVER;        /* the other side reports the same secret */
	timeline_add_secret(tl, &s);
	assert_int_equal(timeline_secret_count(tl), 1);
	strcpy(s.label, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	timeline_add_secret(tl, &s);
	assert_int_equal(timeline_secret_count(tl), 2);
	assert_true(timeline_get_secret(tl, 1, &got));
	assert_string_equal(got.label, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	assert_false(timeline_get_secret(tl, 2, &got));
	timeline_destroy(tl);
}

static void results_per_side_and_connection(void **state)
{
	struct timeline *tl = timeline_create(true);
	struct tl_result r, got;

	(void)state;
	assert_int_equal(timeline_conn_count(tl), 0);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	timeline_set_result(tl, TL_SERVER, 1, &r);
	assert_int_equal(timeline_conn_count(tl), 2);
	timeline_get_result(tl, TL_SERVER, 1, &got);
	assert_true(got.set && got.handshake_ok);
	timeline_get_result(tl, TL_CLIENT, 1, &got);
	assert_false(got.set);
	timeline_get_result(tl, TL_CLIENT, 99, &got);
	assert_false(got.set);
	timeline_destroy(tl);
}

static void delivery_settles_in_place(void **state)
{
	struct timeline *tl = timeline_create(false);
	uint8_t body[1] = { 0 };
	struct tl_event ev = hs(TL_CLIENT, 20, body, sizeof body), got;
	int seq;
	char buf[160];

	(void)state;
	ev.delivery = TL_DELIVERY_PENDING;
	seq = timeline_observe(tl, &ev, true);
	assert_int_equal(seq, 0);
	assert_true(timeline_get(tl, 0, &got));
	assert_int_equal(got.delivery, TL_DELIVERY_PENDING);
	assert_false(timeline_undelivered(&got));                 /* pending is not a verdict yet */
	assert_string_equal(timeline_delivery_text(&got, buf, sizeof buf), "");
	assert_true(timeline_wake_fd(tl) >= 0);                   /* a reader watches from now on */
	timeline_drain_wake(tl);
	assert_true(timeline_set_delivery(tl, 0, TL_NOT_SENT, TL_CAUSE_PEER_CLOSED));
	{
		struct pollfd pf = { .fd = timeline_wake_fd(tl), .events = POLLIN };
		assert_int_equal(poll(&pf, 1, 0), 1);              /* readers learn of the change */
	}
	assert_true(timeline_get(tl, 0, &got));
	assert_true(timeline_undelivered(&got));
	assert_string_equal(timeline_delivery_text(&got, buf, sizeof buf),
			    "not sent: the server had closed the connection (EPIPE)");
	got.from = TL_SERVER;
	got.cause = TL_CAUSE_RESET;
	assert_string_equal(timeline_delivery_text(&got, buf, sizeof buf),
			    "not sent: the client had reset the connection (ECONNRESET)");
	got.cause = TL_CAUSE_STOPPED;
	assert_string_equal(timeline_delivery_text(&got, buf, sizeof buf),
			    "not sent: the handshake stopped before it was written");
	/* a later successful write settles it as delivered, and clears the cause */
	assert_true(timeline_set_delivery(tl, 0, TL_DELIVERED, TL_CAUSE_PEER_CLOSED));
	assert_true(timeline_get(tl, 0, &got));
	assert_int_equal(got.delivery, TL_DELIVERED);
	assert_int_equal(got.cause, TL_CAUSE_NONE);
	assert_false(timeline_set_delivery(tl, 1, TL_DELIVERED, TL_CAUSE_NONE));
	timeline_destroy(tl);
}

static void incomplete_record_words(void **state)
{
	struct tl_event ev;
	char buf[160];

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.from = TL_SERVER;
	ev.rec_type = 22;
	ev.rec_length = 40;
	ev.delivery = TL_INCOMPLETE;
	ev.cause = TL_CAUSE_CLOSED_INSIDE;
	ev.deliv_bytes = 12;
	assert_string_equal(timeline_delivery_text(&ev, buf, sizeof buf),
			    "incomplete: the connection ended after 12 of its 45 bytes");
	ev.deliv_bytes = 3;
	assert_string_equal(timeline_delivery_text(&ev, buf, sizeof buf),
			    "incomplete: the connection ended inside its header (3 of 5 bytes)");
	ev.cause = TL_CAUSE_NOT_READ;
	assert_string_equal(timeline_delivery_text(&ev, buf, sizeof buf),
			    "incomplete: reading stopped inside its header (3 of 5 bytes)");
}

static void incomplete_is_never_merged(void **state)
{
	struct timeline *tl = timeline_create(true);
	struct tl_event ev, got;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.from = TL_SERVER;
	ev.rec_type = 22;
	ev.rec_length = 40;
	assert_int_equal(timeline_observe(tl, &ev, true), 0);
	ev.delivery = TL_INCOMPLETE;
	ev.cause = TL_CAUSE_CLOSED_INSIDE;
	assert_int_equal(timeline_observe(tl, &ev, false), 1);   /* a record cut short is not the one sent whole */
	assert_true(timeline_get(tl, 0, &got));
	assert_false(got.recv_seen);
	timeline_destroy(tl);
}

static void event_names(void **state)
{
	struct tl_event ev;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = TL_HS_HELLO_RETRY_REQUEST;
	assert_string_equal(timeline_event_name(&ev), "HelloRetryRequest");
	ev.hs_type = 16;
	assert_string_equal(timeline_event_name(&ev), "ClientKeyExchange");
	ev.hs_type = 200;
	assert_string_equal(timeline_event_name(&ev), "unknown handshake message");
	ev.kind = TL_EV_CCS;
	assert_string_equal(timeline_event_name(&ev), "ChangeCipherSpec");
	ev.kind = TL_EV_RECORD;
	ev.rec_type = 23;
	assert_string_equal(timeline_event_name(&ev), "application_data");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_copy),
		cmocka_unit_test(merge_joins_sender_and_receiver),
		cmocka_unit_test(no_merge_keeps_both),
		cmocka_unit_test(merge_matches_kind_and_key),
		cmocka_unit_test(wake_pipe_and_wait),
		cmocka_unit_test(concurrent_appends),
		cmocka_unit_test(secrets_are_kept_once),
		cmocka_unit_test(results_per_side_and_connection),
		cmocka_unit_test(event_names),
		cmocka_unit_test(delivery_settles_in_place),
		cmocka_unit_test(incomplete_record_words),
		cmocka_unit_test(incomplete_is_never_merged),
		cmocka_unit_test(finished_results_stored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
