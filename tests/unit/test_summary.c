/*
 * test_summary.c: the connection summary (src/core/summary.c), read from
 * handshake bodies captured from real demo handshakes (tests/fixtures).
 *
 * summary_build keeps its last answer while the timeline is unchanged: the
 * tests check that any change to the timeline, and any other timeline,
 * gives a fresh answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/summary.h"
#include "tlsladder/timeline.h"

/* Reads tests/fixtures/<rel> into buf; its length, or 0 when unreadable. */
static size_t fixture(const char *rel, uint8_t *buf, size_t cap)
{
	const char *top = getenv("TLSLADDER_DATADIR");
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/tests/fixtures/%s", top ? top : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Appends a handshake message from a fixture file to connection 0. */
static void add_message(struct timeline *tl, const char *rel, unsigned type, enum tl_side from)
{
	static uint8_t body[65536];
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = type;
	ev.from = from;
	ev.body = body;
	ev.body_len = fixture(rel, body, sizeof body);
	assert_true(ev.body_len > 0);
	assert_true(timeline_append_raw(tl, &ev) >= 0);
}

/* A TLS 1.3 and a TLS 1.2 hello pair: each timeline reads as its own. */
static void test_two_timelines(void **state)
{
	struct timeline *a = timeline_create(false), *b = timeline_create(false);
	struct summary s;

	(void)state;
	add_message(a, "tls13/00-client-ClientHello.bin", 1, TL_CLIENT);
	add_message(a, "tls13/01-server-ServerHello.bin", 2, TL_SERVER);
	add_message(b, "tls12-ecdhe/00-client-ClientHello.bin", 1, TL_CLIENT);
	add_message(b, "tls12-ecdhe/01-server-ServerHello.bin", 2, TL_SERVER);
	assert_true(summary_build(a, 0, &s));
	assert_int_equal(s.version, 0x0304);
	assert_int_equal(s.cipher_suite, 0x1302);
	assert_true(summary_build(b, 0, &s));
	assert_int_equal(s.version, 0x0303);
	assert_true(summary_build(a, 0, &s));
	assert_int_equal(s.version, 0x0304);
	timeline_destroy(a);
	timeline_destroy(b);
}

/* A change to the timeline (a message, a result) shows in the next answer. */
static void test_follows_changes(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct tl_result r;
	struct summary s;

	(void)state;
	add_message(tl, "tls13/00-client-ClientHello.bin", 1, TL_CLIENT);
	assert_true(summary_build(tl, 0, &s));
	assert_false(s.have_server_hello);
	add_message(tl, "tls13/01-server-ServerHello.bin", 2, TL_SERVER);
	assert_true(summary_build(tl, 0, &s));
	assert_true(s.have_server_hello);
	assert_false(s.client.set);
	memset(&r, 0, sizeof r);
	r.set = true;
	r.handshake_ok = true;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	assert_true(summary_build(tl, 0, &s));
	assert_true(s.client.set);
	assert_true(s.client.handshake_ok);
	assert_false(summary_build(tl, 1, &s));
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_timelines),
		cmocka_unit_test(test_follows_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
