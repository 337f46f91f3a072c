/*
 * test_screen.c: the UI's screens without a terminal. curses runs on
 * /dev/null at fixed sizes (newterm), a fixed timeline built from captured
 * fixtures is drawn, keys are fed to ui_key(), and the screen is read back
 * (mvin_wchnstr) and compared with golden text files in tests/ui/golden/.
 * TLSLADDER_UPDATE_GOLDEN=1 rewrites the golden files instead.
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

#include "tlsladder/chain.h"
#include "screenlib.h"
#include "tlsladder/decode.h"
#include "tlsladder/errors.h"
#include "tlsladder/explain.h"
#include "tlsladder/inspect.h"
#include "tlsladder/timeline.h"
#include "tlsladder/ui.h"

static char srcdir[PATH_MAX];
static struct timeline *fixture;
static struct timeline *fixture_cut;     /* the same, cut short: the client's last flight not sent */
static struct timeline *shown;           /* the one check_screen draws */

/* Compares a screen with its golden file; frees got. */
static void compare_golden(const char *name, char *got)
{
	screenlib_golden(srcdir, name, got);
	free(got);
}

/* Appends an event with fixed times (t in units of 250 us). */
static void add(struct timeline *tl, struct tl_event ev, unsigned t)
{
	ev.t_us = ev.sent_us = (int64_t)t * 250;
	ev.recv_us = ev.t_us + 100;
	ev.sent_seen = ev.recv_seen = true;
	if (!ev.version)
		ev.version = 0x0303;
	assert_true(timeline_append_raw(tl, &ev) >= 0);
}

/* A record event. */
static struct tl_event record(enum tl_side from, unsigned type, unsigned len, bool encrypted)
{
	struct tl_event r;

	memset(&r, 0, sizeof r);
	r.kind = TL_EV_RECORD;
	r.from = from;
	r.rec_type = type;
	r.rec_version = 0x0303;
	r.rec_length = len;
	r.encrypted = encrypted;
	r.keys = encrypted ? TL_KEYS_TLS12 : TL_KEYS_NONE;
	return r;
}

/* The server's fatal alert decode_error (50), in the clear, and its record. */
static void add_server_alert(struct timeline *tl, unsigned *t)
{
	struct tl_event a;

	memset(&a, 0, sizeof a);
	a.kind = TL_EV_ALERT;
	a.from = TL_SERVER;
	a.alert_level = 2;
	a.alert_desc = 50;
	add(tl, a, (*t)++);
	add(tl, record(TL_SERVER, 21, 2, false), (*t)++);
}

/*
 * The tls12-rsa handshake from tests/fixtures, with its ChangeCipherSpecs and
 * close; cut: the server closed before the client's ChangeCipherSpec was
 * written (not sent, EPIPE: the Finished too, and its record never went out),
 * and its alert was read afterwards.
 */
static struct timeline *build_fixture(bool cut)
{
	struct timeline *tl = timeline_create(true);
	FILE *m = screenlib_manifest(srcdir);
	struct screenlib_msg msg;
	unsigned t = 0;
	struct tl_result r;

	while (screenlib_next(m, srcdir, "tls12-rsa", &msg)) {
		struct tl_event ev;

		memset(&ev, 0, sizeof ev);
		ev.from = msg.from;
		if (msg.type == 20) {
			struct tl_event ccs, rec = record(ev.from, 20, 1, false);
			memset(&ccs, 0, sizeof ccs);
			ccs.kind = TL_EV_CCS;
			ccs.from = ev.from;
			if (cut) {
				ccs.delivery = rec.delivery = ev.delivery = TL_NOT_SENT;
				ccs.cause = rec.cause = ev.cause = TL_CAUSE_PEER_CLOSED;
			}
			add(tl, ccs, t++);
			add(tl, rec, t++);
			ev.encrypted = true;
			ev.keys = TL_KEYS_TLS12;
		}
		ev.kind = TL_EV_HANDSHAKE;
		ev.hs_type = msg.type;
		ev.body = msg.body;
		ev.body_len = msg.len;
		add(tl, ev, t++);
		free(msg.body);
		if (cut && msg.type == 20) {
			add_server_alert(tl, &t);
			break;
		}
		add(tl, record(ev.from, 22, ev.encrypted ? 40 : (unsigned)msg.len + 4, ev.encrypted), t++);
	}
	fclose(m);
	if (!cut) {
		struct tl_event a;
		memset(&a, 0, sizeof a);
		a.kind = TL_EV_ALERT;
		a.from = TL_CLIENT;
		a.alert_level = 1;
		a.alert_desc = 0;
		a.encrypted = true;
		a.keys = TL_KEYS_TLS12;
		add(tl, a, t++);
		add(tl, record(TL_CLIENT, 21, 26, true), t++);
		a.kind = TL_EV_NOTE;
		a.text = "a note with hostile text: \x1b[2J\a and \xe2\x80\xae reversed";
		add(tl, a, t++);
	}
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	r.verify_done = r.verified = true;
	snprintf(r.verify, sizeof r.verify, "trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'");
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	timeline_set_result(tl, TL_SERVER, 0, &r);
	timeline_finish(tl);
	return tl;
}


/* The screen of shown at cols x lines after feeding keys (malloc'd text). */
static char *draw_screen(int cols, int lines, bool ascii, const int *keys)
{
	struct screenlib_term term;
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;
	char *got;

	screenlib_open(&term, cols, lines, ascii);
	screenlib_source(&src, shown, "demo tls12-rsa");
	memset(&o, 0, sizeof o);
	o.ascii = ascii;
	o.no_color = true;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	ui_update(ui);
	for (; keys && *keys; keys++)
		ui_key(ui, *keys);
	ui_update(ui);
	ui_draw(ui);
	got = screenlib_text();
	ui_free(ui);
	screenlib_close(&term);
	return got;
}

/* Draws (after feeding keys) at cols x lines and compares with golden/<name>.txt. */
static void check_screen(const char *name, int cols, int lines, bool ascii, const int *keys)
{
	compare_golden(name, draw_screen(cols, lines, ascii, keys));
}

static void wide_first_step(void **state)
{
	static const int keys[] = { 'g', 0 };
	(void)state;
	check_screen("wide-first", 120, 36, false, keys);
}

static void wide_finished_open(void **state)
{
	static const int keys[] = { 'g', 'n', 'n', 'n', 'n', 'n', 'n', '\r', 0 };
	(void)state;
	check_screen("wide-finished-open", 120, 36, false, keys);
}

static void ascii_wire(void **state)
{
	static const int keys[] = { 'w', 'g', 0 };
	(void)state;
	check_screen("ascii-wire", 100, 30, true, keys);
}

static void narrow_details(void **state)
{
	static const int keys[] = { 'g', 'n', 'n', '\t', 0 };
	(void)state;
	check_screen("narrow-details", 80, 24, true, keys);
}

static void help_overlay(void **state)
{
	static const int keys[] = { '?', 0 };
	(void)state;
	check_screen("help", 100, 32, true, keys);
}

static void help_scrolled(void **state)
{
	static const int keys[] = { '?', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 0 };
	(void)state;
	check_screen("help-scrolled", 100, 32, true, keys);
}

static void too_small(void **state)
{
	(void)state;
	check_screen("too-small", 59, 15, true, NULL);
}

static void last_note_is_sanitized(void **state)
{
	static const int keys[] = { 'G', 0 };
	(void)state;
	check_screen("note-sanitized", 120, 30, false, keys);
}

/* Messages that were not sent stop short, with what became of them. */
static void not_sent_stops_short(void **state)
{
	static const int keys[] = { 'G', 'k', 0 };
	(void)state;
	shown = fixture_cut;
	check_screen("not-sent", 120, 30, false, keys);
	check_screen("not-sent-ascii-narrow", 80, 24, true, keys);
	shown = fixture;
}

/* The wire view marks the record that was not written the same way. */
static void not_sent_wire(void **state)
{
	static const int keys[] = { 'w', 'G', 0 };
	(void)state;
	shown = fixture_cut;
	check_screen("not-sent-wire", 100, 30, true, keys);
	shown = fixture;
}

/* The tls12-rsa server flight as a live run sees it: ClientHello, then the
 * server's messages up to ServerHelloDone, received, the run not finished
 * and no verdict on the chain yet. */
static struct timeline *build_live(void)
{
	struct timeline *tl = timeline_create(true);
	char path[PATH_MAX + 64], line[512];
	FILE *m;
	unsigned t = 0;

	snprintf(path, sizeof path, "%.3800s/tests/fixtures/manifest.txt", srcdir);
	m = fopen(path, "r");
	assert_non_null(m);
	while (fgets(line, sizeof line, m)) {
		char sc[32], from[16], ver[16], kx[16], file[256];
		unsigned idx, type;
		struct tl_event ev;
		size_t len = 0;
		uint8_t *body;

		if (sscanf(line, "%31s %u %u %15s %15s %15s %255s", sc, &idx, &type, from, ver, kx, file) != 7 ||
		    strcmp(sc, "tls12-rsa") != 0 || idx > 3)
			continue;
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.from = strcmp(from, "client") == 0 ? TL_CLIENT : TL_SERVER;
		ev.hs_type = type;
		snprintf(path, sizeof path, "%.3800s/tests/fixtures/%.200s", srcdir, file);
		body = screenlib_slurp(path, &len);
		assert_non_null(body);
		ev.body = body;
		ev.body_len = len;
		add(tl, ev, t++);
		free(body);
	}
	fclose(m);
	return tl;
}

/* The client's verdict on the tls12-rsa chain, as the handshake would store it. */
static void store_verdict(struct timeline *tl)
{
	struct chain_result *c = calloc(1, sizeof *c);

	assert_non_null(c);
	c->judge = TL_CLIENT;
	c->verdict = CHAIN_TRUSTED;
	c->sent = c->nlinks = 2;
	c->path = 3;
	c->peer_is_server = true;
	snprintf(c->hostname, sizeof c->hostname, "localhost");
	c->now = 1735689600;
	snprintf(c->link[0].subject, sizeof c->link[0].subject, "CN=localhost");
	snprintf(c->link[0].issuer, sizeof c->link[0].issuer, "CN=tlsladder Demo Intermediate CA");
	c->link[0].issued_by = CHAIN_ISSUER_SENT;
	c->link[0].issuer_index = 2;
	c->link[0].signature = CHAIN_SIG_VALID;
	snprintf(c->link[0].sig_alg, sizeof c->link[0].sig_alg, "ECDSA-SHA256");
	c->link[0].host = CHAIN_HOST_MATCH;
	snprintf(c->link[1].subject, sizeof c->link[1].subject, "CN=tlsladder Demo Intermediate CA");
	snprintf(c->link[1].issuer, sizeof c->link[1].issuer, "CN=tlsladder Demo Root CA");
	c->link[1].issued_by = CHAIN_ISSUER_ANCHOR;
	c->link[1].signature = CHAIN_SIG_VALID;
	snprintf(c->link[1].sig_alg, sizeof c->link[1].sig_alg, "ECDSA-SHA256");
	c->anchor = CHAIN_ANCHOR_STORE;
	snprintf(c->anchor_name, sizeof c->anchor_name, "tlsladder Demo Root CA");
	snprintf(c->anchor_subject, sizeof c->anchor_subject, "CN=tlsladder Demo Root CA");
	c->anchor_dates.when = CHAIN_WHEN_VALID;
	c->anchor_dates.days = 9131;
	c->anchor_dates.not_before = 1704067200;     /* 2024-01-01 */
	c->anchor_dates.not_after = 2524607999;      /* 2049-12-31 */
	c->lib_run = c->lib_dates = true;
	snprintf(c->lib_text, sizeof c->lib_text, "The certificate is trusted.");
	snprintf(c->store, sizeof c->store, "CA file certs/root-ca.pem");
	timeline_set_chain(tl, TL_CLIENT, 0, c);
	free(c);
}

/* The decoded tree of event i, with the chain verdict its receiver
 * reached first (as the program's builder adds it), read from the timeline. */
static struct tree_node *decoded_with_chain(const struct timeline *tl, size_t i, void *arg)
{
	struct tree_node *root = decode_event(tl, i);
	struct chain_result *c = malloc(sizeof *c);
	struct tl_event ev;

	(void)arg;
	if (root && c && timeline_get(tl, i, &ev) && ev.kind == TL_EV_HANDSHAKE && ev.hs_type == 11)
		tree_adopt_first(root, timeline_get_chain(tl, TL_CLIENT, ev.conn, c)
					       ? chain_tree(c)
					       : tree_new("chain", "not judged yet: the client checks it when the connection settles"));
	free(c);
	return root;
}

/* The program's own field-tree builder (certificates opened, chain verdict from the timeline). */
static struct tree_node *inspect_builder(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return inspect_event(tl, i);
}

/* Compares screen text with golden/<name>.txt (TLSLADDER_UPDATE_GOLDEN=1 rewrites it); frees got. */
/* Takes in the timeline and draws, then a frame per key as the program
 * does; returns the screen text. */
static char *live_screen(struct ui *ui, const int *keys)
{
	ui_update(ui);
	ui_draw(ui);
	for (; keys && *keys; keys++) {
		ui_key(ui, *keys);
		ui_update(ui);
		ui_draw(ui);
	}
	return screenlib_text();
}

/*
 * In a live run, the Certificate is selected, the user opens its details
 * and closes a field (the certificates list); then the client's verdict on
 * the chain is stored. The details and the explanation say the verdict at
 * once (not "not judged yet" until the selection changes), the field the
 * user closed stays closed, and the cursor stays on it (Enter opens it again).
 */
static void live_verdict_refreshes(struct tree_node *(*builder)(const struct timeline *, size_t, void *),
				   const char *golden_name)
{
	static const int select_cert[] = { 'g', 'n', 'n', '\r', 'j', '\r', 0 };
	static const int enter[] = { '\r', 0 };
	struct screenlib_term term;
	struct timeline *tl = build_live();
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;
	char *before, *after, *again;

	screenlib_open(&term, 140, 40, false);
	memset(&src, 0, sizeof src);
	src.tl = tl;
	src.target = "demo tls12-rsa";
	src.explain = explain_event;
	src.tree = builder;
	memset(&o, 0, sizeof o);
	o.no_color = true;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	ui_update(ui);
	before = live_screen(ui, select_cert);
	assert_non_null(strstr(before, "chain: not judged yet: the client checks it when the connection settles"));
	assert_non_null(strstr(before, "\u25b8 certificates: 2 certificates"));
	store_verdict(tl);
	assert_true(ui_update(ui));
	after = live_screen(ui, NULL);
	again = live_screen(ui, enter);
	ui_free(ui);
	screenlib_close(&term);
	timeline_destroy(tl);
	assert_non_null(strstr(again, "\u25be certificates: 2 certificates"));
	assert_non_null(strstr(again, "\u25be chain: trusted"));
	free(again);
	if (!golden_name) {
		/* the program's own builder: its certificate details hold today's date, so no golden */
		assert_null(strstr(after, "not judged yet"));
		assert_non_null(strstr(after, "chain: trusted: 2 sent, path of 3 to tlsladder Demo Root CA"));
		free(before);
		free(after);
		return;
	}
	compare_golden(golden_name, after);
	free(before);
}

static void live_verdict_golden(void **state)
{
	(void)state;
	live_verdict_refreshes(decoded_with_chain, "live-verdict");
}

static void live_verdict_inspect(void **state)
{
	(void)state;
	live_verdict_refreshes(inspect_builder, NULL);
}

/* Loads the fixture timeline. */
/*
 * A side's result stored without a new event (as when a connection settles)
 * shows in the header at once: the header follows every change of the
 * timeline, not only its length.
 */
static void header_follows_results(void **state)
{
	struct screenlib_term term;
	struct timeline *tl = build_live();
	struct ui_source src;
	struct ui_opts o;
	struct tl_result r;
	struct ui *ui;
	char *before, *after;

	(void)state;
	screenlib_open(&term, 140, 40, false);
	memset(&src, 0, sizeof src);
	src.tl = tl;
	src.target = "demo tls12-rsa";
	memset(&o, 0, sizeof o);
	o.no_color = true;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	before = live_screen(ui, NULL);
	memset(&r, 0, sizeof r);
	r.set = true;
	r.handshake_ok = true;
	r.verify_done = true;
	r.verified = true;
	r.version = 0x0303;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	after = live_screen(ui, NULL);
	ui_free(ui);
	screenlib_close(&term);
	timeline_destroy(tl);
	assert_null(strstr(before, "server cert verified"));
	if (!strstr(after, "server cert verified"))
		fail_msg("the header did not follow the stored result:\n%s", after);
	free(before);
	free(after);
}

/* Fails showing the screen when it lacks a line holding want. */
static void screen_has(const char *screen, const char *want)
{
	if (!strstr(screen, want))
		fail_msg("no \"%s\" on the screen:\n%s", want, screen);
}

/*
 * What a connection did not keep shows in the UI: a ClientHello of
 * 129,041 bytes kept in part (the ladder row, the details line and tree),
 * and 5,000 records past the event limit: the note marking where they
 * began, whose details give the count so far.
 */
static void cut_and_not_stored(void **state)
{
	struct timeline *tl = timeline_create(false);
	uint8_t *body = calloc(1, 129041);
	static const int first[] = { 'g', 0 }, note[] = { 'g', 'n', 0 };
	struct tl_event ev;
	char *got;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = 1;
	ev.body = body;
	ev.body_len = 129041;
	body[0] = body[1] = 3;
	ev.sent_seen = true;
	assert_int_equal(timeline_append_raw(tl, &ev), 0);          /* at +0.000 ms */
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.rec_type = 23;
	ev.rec_version = 0x0303;
	ev.rec_length = 1;
	for (int i = 0; i < 5000; i++)
		timeline_observe(tl, &ev, true);
	shown = tl;
	got = draw_screen(200, 40, true, first);
	screen_has(got, "ClientHello 129041 B (cut)");
	screen_has(got, "client -> server, at +0.000 ms, stored: the first 65,536 of 129,041 bytes; the rest was not kept");
	screen_has(got, "stored: the first 65,536 of 129,041 bytes; the rest was not kept");
	free(got);
	got = draw_screen(200, 40, true, note);
	screen_has(got, "from here on, this connection's further messages and records are not stored (limit 4,096 events "
			"per connection)");
	screen_has(got, "so far: 905 further records were not stored (limit 4,096 events per connection)");
	free(got);
	shown = fixture;
	free(body);
	timeline_destroy(tl);
}

/* Row y's cells by attribute: 'C' the byte cursor (underlined), '#' highlighted (reverse), ' ' else. */
static char *attr_row(int y)
{
	char *out = calloc((size_t)COLS + 1, 1);
	int end = 0;

	for (int x = 0; x < COLS; x++) {
		attr_t a = mvinch(y, x) & A_ATTRIBUTES;
		out[x] = (a & A_UNDERLINE) ? 'C' : (a & A_REVERSE) ? '#' : ' ';
		if (out[x] != ' ')
			end = x + 1;
	}
	out[end] = '\0';
	return out;
}

/* Draws the tls13 fixture at cols x lines after keys; returns the screen, and the highlight of rows from..to in rows[]. */
static char *bytes_screen(int cols, int lines, const int *keys, int from, int to, char **rows)
{
	struct screenlib_term term;
	struct timeline *tl = screenlib_tls13(srcdir, false);
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;
	char *got;

	screenlib_open(&term, cols, lines, false);
	screenlib_source(&src, tl, "demo tls13");
	memset(&o, 0, sizeof o);
	o.no_color = true;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	got = live_screen(ui, keys);
	for (int y = from; y <= to; y++)
		rows[y - from] = attr_row(y);
	ui_free(ui);
	screenlib_close(&term);
	timeline_destroy(tl);
	return got;
}

/*
 * The byte view (x) of the ServerHello with its random selected: the
 * message framed with its header, the random's 32 bytes (6..37) and only
 * they highlighted, the caption naming them; at 80x24 and 120x40.
 */
static void byte_view_random(void **state)
{
	static const int keys[] = { 'g', 'n', '\r', 'j', 'x', 0 };
	char *rows[3];
	char *got;

	(void)state;
	got = bytes_screen(80, 24, keys, 15, 17, rows);
	screen_has(got, "random: bytes 6..37 (32 B)");
	/*                          0000  0200 0076 0303 423d 12ef f78d 1897 cc12  ...v..B=........ */
	assert_string_equal(rows[0], "                      CC######################        C#########");
	assert_string_equal(rows[1], "       #######################################  ################");
	assert_string_equal(rows[2], "       ##############                           ######");
	for (int i = 0; i < 3; i++)
		free(rows[i]);
	compare_golden("bytes-random-80x24", got);
	got = bytes_screen(120, 40, keys, 31, 31, rows);
	assert_string_equal(rows[0], "                      CC######################        C#########");
	free(rows[0]);
	compare_golden("bytes-random-120x40", got);
}

/* Moving the byte cursor selects the field under it; moving in the fields (Tab, j) moves the highlight. */
static void byte_view_links(void **state)
{
	static const int right[] = { 'g', 'n', '\r', 'j', 'x', 'k', 'h', 'h', 0 };
	static const int tree[] = { 'g', 'n', '\r', 'j', 'x', '\t', 'j', 0 };
	static const int closed[] = { 'g', 'n', '\r', 'j', 'x', 'x', 0 };
	static const int record[] = { 'w', 'g', 'x', 0 };
	char *rows[1];
	char *got;

	(void)state;
	/* from the random's first byte (6): up a line (0), then left: clamped at byte 0, the header's msg_type */
	got = bytes_screen(80, 24, right, 15, 15, rows);
	screen_has(got, "handshake header/msg_type: byte 0 (1 B)");
	assert_string_equal(rows[0], "       CC                                       C");
	free(rows[0]);
	free(got);
	/* Tab: the fields; j: the session id, highlighted with its length byte (38..70) */
	got = bytes_screen(80, 24, tree, 17, 17, rows);
	screen_has(got, "session id: bytes 38..70 (33 B)");
	assert_string_equal(rows[0], "                      ########################        ##########");
	free(rows[0]);
	free(got);
	/* a record, whose bytes are not kept: one line says so */
	got = draw_screen(100, 30, true, record);
	screen_has(got, "Bytes");
	screen_has(got, " no bytes: this record's bytes were not kept, only its header's facts\n");
	free(got);
	/* x again closes it: the explanation is back */
	got = bytes_screen(80, 24, closed, 14, 14, rows);
	free(rows[0]);
	if (strstr(got, "Bytes: ServerHello"))
		fail_msg("x did not close the byte view:\n%s", got);
	free(got);
}

/* The screen of shown at cols x lines, drawn after each key as the program does (malloc'd text). */
static char *draw_screen_keywise(int cols, int lines, bool ascii, const int *keys)
{
	struct screenlib_term term;
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;
	char *got;

	screenlib_open(&term, cols, lines, ascii);
	screenlib_source(&src, shown, "demo tls12-rsa");
	memset(&o, 0, sizeof o);
	o.ascii = ascii;
	o.no_color = true;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	got = live_screen(ui, keys);
	ui_free(ui);
	screenlib_close(&term);
	return got;
}

/* At 80x24 a long explanation says there is more; J scrolls it by the
 * pane's height less a line, K back; another message starts at its top. */
static void narrow_explanation_scrolls(void **state)
{
	static const int start[] = { 'g', 'n', 'n', 0 }, down[] = { 'g', 'n', 'n', 'J', 0 },
			 end[] = { 'g', 'n', 'n', 'J', 'J', 'J', 'J', 0 }, back[] = { 'g', 'n', 'n', 'J', 'K', 0 },
			 other[] = { 'g', 'n', 'n', 'J', 'n', 'p', 0 };
	(void)state;
	compare_golden("explain-more-narrow", draw_screen_keywise(80, 24, false, start));
	compare_golden("explain-scrolled-narrow", draw_screen_keywise(80, 24, false, down));
	compare_golden("explain-scrolled-ascii-narrow", draw_screen_keywise(80, 24, true, down));
	compare_golden("explain-end-narrow", draw_screen_keywise(80, 24, false, end));
	if (!getenv("TLSLADDER_UPDATE_GOLDEN")) {
		compare_golden("explain-more-narrow", draw_screen_keywise(80, 24, false, back));
		compare_golden("explain-more-narrow", draw_screen_keywise(80, 24, false, other));
	}
}

/* The diagnosis panel (d) of a failed run at 80x24: a clean frame over the
 * whole area between the top line and the status bar, nothing of the
 * ladder or the explanation left inside or beside it. */
static void diagnosis_panel_narrow(void **state)
{
	static const int keys[] = { 'G', 'd', 0 };
	struct timeline *tl = build_fixture(true);
	struct tl_result r;

	(void)state;
	memset(&r, 0, sizeof r);
	r.exit_code = TL_EXIT_REJECTED;     /* the server's fatal alert ended it */
	snprintf(r.error, sizeof r.error, "the server sent a fatal alert: decode_error (50)");
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	shown = tl;
	check_screen("diagnosis-narrow", 80, 24, false, keys);
	check_screen("diagnosis-ascii-narrow", 80, 24, true, keys);
	shown = fixture;
	timeline_destroy(tl);
}

static int setup(void **state)
{
	const char *d = getenv("TLSLADDER_DATADIR");

	(void)state;
	if (!d)
		return -1;
	snprintf(srcdir, sizeof srcdir, "%s", d);
	fixture = build_fixture(false);
	fixture_cut = build_fixture(true);
	shown = fixture;
	return fixture && fixture_cut ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	timeline_destroy(fixture);
	timeline_destroy(fixture_cut);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wide_first_step),
		cmocka_unit_test(wide_finished_open),
		cmocka_unit_test(ascii_wire),
		cmocka_unit_test(narrow_details),
		cmocka_unit_test(help_overlay),
		cmocka_unit_test(help_scrolled),
		cmocka_unit_test(too_small),
		cmocka_unit_test(last_note_is_sanitized),
		cmocka_unit_test(not_sent_stops_short),
		cmocka_unit_test(not_sent_wire),
		cmocka_unit_test(live_verdict_golden),
		cmocka_unit_test(live_verdict_inspect),
		cmocka_unit_test(header_follows_results),
		cmocka_unit_test(cut_and_not_stored),
		cmocka_unit_test(byte_view_random),
		cmocka_unit_test(byte_view_links),
		cmocka_unit_test(narrow_explanation_scrolls),
		cmocka_unit_test(diagnosis_panel_narrow),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
