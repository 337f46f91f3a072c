/*
 * test_diagnose.c: the diagnosis over timelines built from captured
 * messages (tests/fixtures/mtls12), for the causes a live run on this
 * machine cannot easily produce: a refusal with no local explanation, a
 * certificate not valid yet, an alert lost to a reset, an HTTP-level refusal.
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

#include "tlsladder/diagnose.h"
#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

static const char *const files[] = {
	"00-client-ClientHello", "01-server-ServerHello", "02-server-Certificate", "03-server-ServerKeyExchange",
	"04-server-CertificateRequest", "05-server-ServerHelloDone", "06-client-Certificate",
	"07-client-ClientKeyExchange", "08-client-CertificateVerify", "09-client-Finished",
};
static const unsigned types[] = { 1, 2, 11, 12, 13, 14, 11, 16, 15, 20 };

/* The mtls12 handshake up to the client's Finished, as captured. */
static struct timeline *handshake(void)
{
	struct timeline *tl = timeline_create(false);
	const char *dir = getenv("TLSLADDER_DATADIR");

	assert_non_null(dir);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[PATH_MAX];
		uint8_t buf[8192];
		struct tl_event ev;
		FILE *f;

		snprintf(path, sizeof path, "%s/tests/fixtures/mtls12/%s.bin", dir, files[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.hs_type = types[i];
		ev.from = strstr(files[i], "client") ? TL_CLIENT : TL_SERVER;
		ev.version = 0x0303;
		ev.body = buf;
		ev.body_len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	return tl;
}

/* The server's fatal alert. */
static void alert(struct timeline *tl, unsigned desc)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_ALERT;
	ev.from = TL_SERVER;
	ev.alert_level = 2;
	ev.alert_desc = desc;
	timeline_observe(tl, &ev, false);
}

/* The client's result. */
static void result(struct timeline *tl, bool ok, int exit_code)
{
	struct tl_result r;

	memset(&r, 0, sizeof r);
	r.handshake_ok = ok;
	r.exit_code = exit_code;
	r.verify_done = r.verified = true;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
}

static void refused_for_no_local_reason(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	alert(tl, 49);
	result(tl, false, TL_EXIT_REJECTED);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-rejected");
	assert_non_null(strstr(d[0].sentence, "access_denied (49)"));
	assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
	assert_true(d[0].nevidence >= 3);
	for (unsigned k = 1; k < d[0].nevidence; k++)
		assert_true(d[0].evidence[k - 1] < d[0].evidence[k]);   /* in timeline order */
	timeline_destroy(tl);
}

static void not_yet_valid_from_preflight(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct timeline *hs = handshake();
	struct diag_finding d[4];

	(void)state;
	/* the pre-flight finding comes first, as the client records it before connecting */
	timeline_note_code(tl, TL_EV_DIAGNOSIS, TL_CLIENT, 0,
			   "The client certificate 'CN=Demo Client' is not valid until 2049-01-01.\nCheck the clock.", 3);
	for (size_t i = 0; i < timeline_count(hs); i++) {
		struct tl_event ev;
		timeline_get(hs, i, &ev);
		timeline_observe(tl, &ev, ev.from == TL_CLIENT);
	}
	alert(tl, 45);
	result(tl, false, TL_EXIT_REJECTED);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-not-yet-valid");
	assert_string_equal(d[0].fix, "Check the clock.");
	assert_null(strchr(d[0].sentence, '\n'));
	timeline_destroy(hs);
	timeline_destroy(tl);
}

static void alert_lost_to_a_reset(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	result(tl, false, TL_EXIT_RESET);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	/* the certificate's issuer is among the CAs listed, nothing local is wrong: refused, alert not readable */
	assert_string_equal(diag_code_name(d[0].code), "client-cert-rejected");
	assert_non_null(strstr(d[0].sentence, "readable alert"));
	timeline_destroy(tl);
}

static void refused_at_the_http_level(void **state)
{
	struct timeline *tl = handshake();
	struct diag_finding d[4];

	(void)state;
	timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, "the server answered: HTTP/1.1 403 Forbidden");
	result(tl, true, TL_EXIT_OK);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-rejected");
	assert_non_null(strstr(d[0].sentence, "HTTP level (status 403)"));
	timeline_destroy(tl);
}

static void names_and_exit_codes(void **state)
{
	(void)state;
	for (int c = 0; c < DIAG_COUNT; c++) {
		assert_true(strlen(diag_code_name((enum diag_code)c)) > 1);
		assert_true(diag_exit_code((enum diag_code)c) >= 0);
	}
	assert_int_equal(diag_exit_code(DIAG_OK), 0);
	assert_int_equal(diag_exit_code(DIAG_DNS_FAILURE), TL_EXIT_RESOLVE);
	assert_int_equal(diag_exit_code(DIAG_CLIENT_CERT_CHAIN_INCOMPLETE), TL_EXIT_REJECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_for_no_local_reason),
		cmocka_unit_test(not_yet_valid_from_preflight),
		cmocka_unit_test(alert_lost_to_a_reset),
		cmocka_unit_test(refused_at_the_http_level),
		cmocka_unit_test(names_and_exit_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
