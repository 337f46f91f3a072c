/*
 * test_delivery.c: what the record layer says about delivery, over real
 * in-process handshakes (every demo scenario). Nothing is left pending once
 * a run is over; on the socketpair every write succeeds, so every message
 * and record is delivered: the ladder never marks one that was written.
 * (A peer that closes while a flight is written: tests/integration/delivery.sh.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tlsladder/demo.h"
#include "tlsladder/paths.h"
#include "tlsladder/timeline.h"

static char certs[PATH_MAX];

/* Asserts that every message and record of tl was delivered. */
static void all_delivered(const struct timeline *tl, const char *name)
{
	size_t n = timeline_count(tl), seen = 0;

	for (size_t i = 0; i < n; i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.kind == TL_EV_NOTE || ev.kind == TL_EV_ERROR || ev.kind == TL_EV_DIAGNOSIS)
			continue;
		seen++;
		if (ev.delivery != TL_DELIVERED || ev.cause != TL_CAUSE_NONE)
			fail_msg("demo %s: event %zu (%s from the %s) has delivery %d, cause %d", name, i,
				 timeline_event_name(&ev), ev.from == TL_CLIENT ? "client" : "server", (int)ev.delivery,
				 (int)ev.cause);
	}
	assert_true(seen > 0);
}

static void every_demo_is_delivered(void **state)
{
	(void)state;
	for (size_t k = 0; k < demo_count(); k++) {
		const struct demo_scenario *sc = demo_get(k);
		struct timeline *tl = timeline_create(true);
		struct demo_opts o = { certs, 300, 20000, true, -1, NULL };
		struct tl_error err = { 0, "" };

		assert_non_null(tl);
		if (demo_run(sc, &o, tl, &err) < 0)
			fail_msg("demo %s did not start: %s", sc->name, err.msg);
		timeline_finish(tl);
		all_delivered(tl, sc->name);
		timeline_destroy(tl);
	}
}

static int setup(void **state)
{
	struct tl_error err;

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	return session_global_init(&err);
}

static int teardown(void **state)
{
	(void)state;
	session_global_deinit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_demo_is_delivered),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
