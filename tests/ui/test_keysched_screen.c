/*
 * test_keysched_screen.c: the key schedule screen (`s`) at 80x24 and
 * 120x40, drawn without a terminal (newterm on /dev/null) and compared with
 * golden text in tests/ui/golden/ (TLSLADDER_UPDATE_GOLDEN=1 rewrites them).
 *
 * Values vary per run, so the timeline is fixed instead: the captured
 * TLS 1.3 handshake bodies of tests/fixtures/tls13 (fixed randoms), at
 * fixed times, with fixed key log secrets made for this test (each byte
 * of CLIENT_HANDSHAKE_TRAFFIC_SECRET 0x11, SERVER_... 0x22, and so on).
 * Everything derived from them (finished keys, record keys and IVs, the
 * early secret of a full handshake) is then the same on every run, and a
 * change in a derivation changes the screen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "screenlib.h"
#include "tlsladder/decode.h"
#include "tlsladder/explain.h"
#include "tlsladder/finished.h"
#include "tlsladder/timeline.h"
#include "tlsladder/ui.h"

static char srcdir[PATH_MAX];

/* The fixture's messages: file, handshake type, sender. */
static const struct {
	const char *file;
	unsigned type;
	enum tl_side from;
} msgs[] = {
	{ "00-client-ClientHello.bin", 1, TL_CLIENT },        { "01-server-ServerHello.bin", 2, TL_SERVER },
	{ "02-server-EncryptedExtensions.bin", 8, TL_SERVER }, { "03-server-Certificate.bin", 11, TL_SERVER },
	{ "04-server-CertificateVerify.bin", 15, TL_SERVER },  { "05-server-Finished.bin", 20, TL_SERVER },
	{ "08-client-Finished.bin", 20, TL_CLIENT },
};

/* The fixed secrets: label and the byte each of its 48 bytes holds. */
static const struct {
	const char *label;
	uint8_t fill;
} secrets[] = {
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET", 0x11 }, { "SERVER_HANDSHAKE_TRAFFIC_SECRET", 0x22 },
	{ "CLIENT_TRAFFIC_SECRET_0", 0x33 },         { "SERVER_TRAFFIC_SECRET_0", 0x44 },
	{ "EXPORTER_SECRET", 0x55 },
};

/* The fixed TLS 1.3 timeline. */
static struct timeline *build(void)
{
	struct timeline *tl = timeline_create(false);
	uint8_t random[32] = { 0 };

	for (size_t k = 0; k < sizeof msgs / sizeof msgs[0]; k++) {
		char path[PATH_MAX + 64];
		struct tl_event ev;
		size_t len = 0;
		uint8_t *body;

		snprintf(path, sizeof path, "%s/tests/fixtures/tls13/%s", srcdir, msgs[k].file);
		body = screenlib_slurp(path, &len);
		assert_non_null(body);
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.hs_type = msgs[k].type;
		ev.from = msgs[k].from;
		ev.body = body;
		ev.body_len = ev.body_total = len;
		ev.version = 0x0304;
		ev.encrypted = k >= 2;
		ev.keys = k >= 2 ? TL_KEYS_HANDSHAKE : TL_KEYS_NONE;
		ev.t_us = ev.sent_us = (int64_t)k * 250;
		ev.recv_us = ev.t_us + 100;
		ev.sent_seen = ev.recv_seen = true;
		assert_true(timeline_append_raw(tl, &ev) >= 0);
		if (k == 0)
			memcpy(random, body + 2, 32);
		free(body);
	}
	for (size_t k = 0; k < sizeof secrets / sizeof secrets[0]; k++) {
		struct tl_secret s;
		memset(&s, 0, sizeof s);
		s.side = TL_CLIENT;
		snprintf(s.label, sizeof s.label, "%s", secrets[k].label);
		memcpy(s.client_random, random, 32);
		memset(s.secret, secrets[k].fill, 48);
		s.len = 48;
		timeline_add_secret(tl, &s);
	}
	timeline_finish(tl);
	return tl;
}

/* The key schedule of event i's handshake. */
static struct tree_node *schedule(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return finished_key_schedule_at(tl, i);
}

/* Draws tl at cols x lines after the keys and compares with golden/<name>.txt. */
static void check(struct timeline *tl, const char *name, int cols, int lines, const int *keys)
{
	struct screenlib_term term;
	char *got;
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;

	screenlib_open(&term, cols, lines, false);
	screenlib_source(&src, tl, "demo tls13");
	src.schedule = schedule;
	memset(&o, 0, sizeof o);
	o.no_color = true;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	ui_update(ui);
	ui_draw(ui);
	for (; keys && *keys; keys++) {          /* drawn after each key, as the input loop does */
		ui_key(ui, *keys);
		ui_update(ui);
		ui_draw(ui);
	}
	got = screenlib_text();
	ui_free(ui);
	screenlib_close(&term);
	screenlib_golden(srcdir, name, got);
	free(got);
}

/* `s` on the ServerHello: the key schedule with its values, at 80x24 and 120x40; `s` again: the fields. */
static void key_schedule_screens(void **state)
{
	static const int open80[] = { 'g', 'n', 's', '\t', 0 };
	static const int open120[] = { 'g', 'n', 's', 0 };
	static const int closed[] = { 'g', 'n', 's', 's', '\t', 0 };
	struct timeline *tl = build();

	(void)state;
	check(tl, "keysched-80x24", 80, 24, open80);
	check(tl, "keysched-120x40", 120, 40, open120);
	check(tl, "keysched-closed-80x24", 80, 24, closed);
	timeline_destroy(tl);
}

/* Enter on a field that links elsewhere: to a step (the ladder's selection moves there) or to the
 * field its value is derived from (the cursor moves there). */
static void links_followed(void **state)
{
	static const int to_step[] = { 'g', 'n', 's', '\t', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j',
				       'j', 'j', '\r', 0 };
	static const int to_node[] = { 'g', 'n', 's', '\t', 'j', 'j', 'j', '\r', '\r', 0 };
	static const int on_link[] = { 'g', 'n', 's', '\t', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j',
				       'j', 'j', 0 };
	struct timeline *tl = build();

	(void)state;
	/* on the linked field, before Enter: the status bar says where Enter goes */
	check(tl, "keysched-link-hint-120x40", 120, 40, on_link);
	check(tl, "keysched-link-step-120x40", 120, 40, to_step);
	check(tl, "keysched-link-node-120x40", 120, 40, to_node);
	timeline_destroy(tl);
}

static int setup(void **state)
{
	const char *d = getenv("TLSLADDER_DATADIR");

	(void)state;
	if (!d)
		return -1;
	snprintf(srcdir, sizeof srcdir, "%s", d);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_schedule_screens),
		cmocka_unit_test(links_followed),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
