/*
 * bench_ui: keypress-to-frame time of the interactive ladder. Curses runs on
 * /dev/null (newterm, xterm-256color, 200x60, colours on), so every frame is
 * computed and written out exactly as on a terminal, minus the terminal.
 *
 * Synthetic finished timelines: a long one (default 10,000 events), a
 * short one (default 20 events: one handshake, a mostly empty ladder pane)
 * and a reference that just fills the ladder pane (default 200 events).
 * All are TLS 1.3 handshakes made of
 * well-formed message bodies (ClientHello, ServerHello, EncryptedExtensions,
 * Certificate, CertificateVerify, Finished, NewSessionTicket) with their
 * records, ChangeCipherSpecs, a note and a close_notify alert per
 * connection; the long one repeats that for one connection after another.
 * Times are fixed (250 us apart).
 *
 * For each timeline: ui_new (explanations on, no field-tree builder),
 * ui_update once, a few unmeasured warm-up keys, then N measured
 * iterations of: one key (n, j, n, p, PgDn, k, Enter, j, Left, Left, Left;
 * 'w' now and then, 'g' now and then), ui_update, ui_draw,
 * wnoutrefresh(stdscr) + doupdate(). Each iteration is timed on
 * CLOCK_MONOTONIC. Prints the median and p90 per timeline and the ratio of
 * the medians (long / short): drawing only the visible rows should make a
 * frame cost the same whatever the length of the timeline. The short
 * timeline draws 10 arrows where the long one draws a full pane, so the
 * long / reference ratio is printed too: it isolates what grows with the
 * timeline from what grows with the number of rows on screen.
 *
 * Not part of ctest: run it through tests/bench/run. The targets it prints
 * are informational; it exits non-zero only when it cannot run.
 *
 * Usage: bench_ui [--iters N] [--events N] [--small N] [--mid N] [--warmup N]
 *                 [--one-conn] [--tree] [--only long|short|mid]
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tlsladder/explain.h"
#include "tlsladder/inspect.h"
#include "tlsladder/timeline.h"
#include "tlsladder/ui.h"

#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"

#define TARGET_RATIO 1.5
#define TARGET_MEDIAN_MS 1.0
#define SCREEN_COLS 200
#define SCREEN_LINES 60

struct bench_cfg {
	int iters;
	int warmup;
	size_t events;         /* the long timeline */
	size_t small;          /* the short timeline */
	size_t mid;            /* the reference that just fills the screen (0: none) */
	bool one_conn;         /* every handshake in connection 0 (default: one connection each) */
	bool tree;             /* the program's own field-tree builder (inspect_event) */
	const char *only;      /* "long", "short", "mid" or NULL: all */
};


/* ---- message bodies ---- */

struct buf {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct buf *b, unsigned v)
{
	if (b->n < sizeof b->b)
		b->b[b->n++] = (uint8_t)v;
}

static void put16(struct buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v & 0xff);
}

static void put24(struct buf *b, unsigned v)
{
	put8(b, v >> 16);
	put16(b, v & 0xffff);
}

static void put32(struct buf *b, unsigned long v)
{
	put16(b, (unsigned)(v >> 16));
	put16(b, (unsigned)(v & 0xffff));
}

/* n bytes of filler that varies with seed (randoms, keys, signatures). */
static void fill(struct buf *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		put8(b, (seed * 131u + (unsigned)i * 29u + 7u) & 0xff);
}

/* Writes a 16-bit length at offset at: the bytes written since at + 2. */
static void patch16(struct buf *b, size_t at)
{
	size_t len = b->n - at - 2;

	b->b[at] = (uint8_t)(len >> 8);
	b->b[at + 1] = (uint8_t)(len & 0xff);
}

static void patch24(struct buf *b, size_t at)
{
	size_t len = b->n - at - 3;

	b->b[at] = (uint8_t)(len >> 16);
	b->b[at + 1] = (uint8_t)((len >> 8) & 0xff);
	b->b[at + 2] = (uint8_t)(len & 0xff);
}

/* A TLS 1.3 ClientHello of about `size` bytes (padding extension). */
static void client_hello(struct buf *b, size_t size, unsigned seed)
{
	static const unsigned suites[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
					   0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035 };
	static const unsigned schemes[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601 };
	static const char host[] = "bench.example.org";
	size_t ext, at;

	b->n = 0;
	put16(b, 0x0303);
	fill(b, 32, seed);
	put8(b, 32);
	fill(b, 32, seed + 1);
	put16(b, (unsigned)(2 * (sizeof suites / sizeof suites[0])));
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		put16(b, suites[i]);
	put8(b, 1);
	put8(b, 0);
	ext = b->n;
	put16(b, 0);
	/* server_name */
	put16(b, 0x0000);
	put16(b, (unsigned)(sizeof host - 1 + 5));
	put16(b, (unsigned)(sizeof host - 1 + 3));
	put8(b, 0);
	put16(b, (unsigned)(sizeof host - 1));
	for (size_t i = 0; i + 1 < sizeof host; i++)
		put8(b, (unsigned char)host[i]);
	/* supported_groups */
	put16(b, 0x000a);
	put16(b, 8);
	put16(b, 6);
	put16(b, 0x001d);
	put16(b, 0x0017);
	put16(b, 0x0018);
	/* signature_algorithms */
	put16(b, 0x000d);
	put16(b, (unsigned)(2 + 2 * (sizeof schemes / sizeof schemes[0])));
	put16(b, (unsigned)(2 * (sizeof schemes / sizeof schemes[0])));
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		put16(b, schemes[i]);
	/* supported_versions */
	put16(b, 0x002b);
	put16(b, 5);
	put8(b, 4);
	put16(b, 0x0304);
	put16(b, 0x0303);
	/* psk_key_exchange_modes */
	put16(b, 0x002d);
	put16(b, 2);
	put8(b, 1);
	put8(b, 1);
	/* key_share: x25519 */
	put16(b, 0x0033);
	put16(b, 38);
	put16(b, 36);
	put16(b, 0x001d);
	put16(b, 32);
	fill(b, 32, seed + 2);
	/* padding up to size */
	put16(b, 0x0015);
	at = b->n;
	put16(b, 0);
	while (b->n < size)
		put8(b, 0);
	patch16(b, at);
	patch16(b, ext);
}

/* A TLS 1.3 ServerHello (x25519, TLS_AES_128_GCM_SHA256). */
static void server_hello(struct buf *b, unsigned seed)
{
	size_t ext;

	b->n = 0;
	put16(b, 0x0303);
	fill(b, 32, seed + 3);
	put8(b, 32);
	fill(b, 32, seed + 1);
	put16(b, 0x1301);
	put8(b, 0);
	ext = b->n;
	put16(b, 0);
	put16(b, 0x002b);
	put16(b, 2);
	put16(b, 0x0304);
	put16(b, 0x0033);
	put16(b, 36);
	put16(b, 0x001d);
	put16(b, 32);
	fill(b, 32, seed + 4);
	patch16(b, ext);
}

/* EncryptedExtensions: server_name acknowledged, ALPN h2, a GREASE extension to ~100 bytes. */
static void encrypted_extensions(struct buf *b)
{
	size_t ext, at;

	b->n = 0;
	ext = b->n;
	put16(b, 0);
	put16(b, 0x0000);
	put16(b, 0);
	put16(b, 0x0010);
	put16(b, 5);
	put16(b, 3);
	put8(b, 2);
	put8(b, 'h');
	put8(b, '2');
	put16(b, 0x0a0a);
	at = b->n;
	put16(b, 0);
	while (b->n < 100)
		put8(b, 0);
	patch16(b, at);
	patch16(b, ext);
}

/* A TLS 1.3 Certificate with two DER-shaped entries, about `size` bytes. */
static void certificate(struct buf *b, size_t size, unsigned seed)
{
	size_t list, per = (size - 8) / 2 - 5;

	b->n = 0;
	put8(b, 0);                 /* certificate_request_context */
	list = b->n;
	put24(b, 0);
	for (int k = 0; k < 2; k++) {
		put24(b, (unsigned)per);
		put8(b, 0x30);          /* SEQUENCE, long form length */
		put8(b, 0x82);
		put16(b, (unsigned)(per - 4));
		fill(b, per - 4, seed + (unsigned)k);
		put16(b, 0);            /* no extensions */
	}
	patch24(b, list);
}

/* CertificateVerify: rsa_pss_rsae_sha256, a 256-byte signature. */
static void certificate_verify(struct buf *b, unsigned seed)
{
	b->n = 0;
	put16(b, 0x0804);
	put16(b, 256);
	fill(b, 256, seed + 5);
}

/* Finished: 32 bytes of verify_data (SHA-256), as on the wire. */
static void finished(struct buf *b, unsigned seed)
{
	b->n = 0;
	fill(b, 32, seed + 6);
}

/* NewSessionTicket (TLS 1.3): 2 hours, a ~180-byte ticket. */
static void new_session_ticket(struct buf *b, unsigned seed)
{
	b->n = 0;
	put32(b, 7200);
	put32(b, 0x5a5a1234ul + seed);
	put8(b, 8);
	fill(b, 8, seed + 7);
	put16(b, 180);
	fill(b, 180, seed + 8);
	put16(b, 0);
}

/* ---- the timeline ---- */

struct gen {
	struct timeline *tl;
	size_t limit;          /* stop after this many events */
	unsigned t;            /* next time, in units of 250 us */
	unsigned conns;        /* connections with at least one event */
};

/* Appends ev with the next fixed time; false once the limit is reached. */
static bool emit(struct gen *g, struct tl_event ev)
{
	if (timeline_count(g->tl) >= g->limit)
		return false;
	ev.t_us = ev.sent_us = (int64_t)g->t * 250;
	ev.recv_us = ev.t_us + 100;
	ev.sent_seen = ev.recv_seen = true;
	g->t++;
	if (ev.conn + 1 > g->conns)
		g->conns = ev.conn + 1;
	if (timeline_append_raw(g->tl, &ev) < 0) {
		fprintf(stderr, "bench_ui: out of memory building the timeline\n");
		exit(3);
	}
	return true;
}

/* A handshake message and the record that carries it. */
static bool message(struct gen *g, unsigned conn, enum tl_side from, unsigned type, const struct buf *body,
		    enum tl_keys keys)
{
	struct tl_event ev, rec;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.from = from;
	ev.conn = conn;
	ev.hs_type = type;
	ev.version = 0x0304;
	ev.encrypted = keys != TL_KEYS_NONE;
	ev.keys = keys;
	ev.body = body->b;
	ev.body_len = body->n;
	if (!emit(g, ev))
		return false;
	memset(&rec, 0, sizeof rec);
	rec.kind = TL_EV_RECORD;
	rec.from = from;
	rec.conn = conn;
	rec.version = 0x0304;
	rec.encrypted = ev.encrypted;
	rec.keys = keys;
	rec.rec_type = ev.encrypted ? 23 : 22;
	rec.rec_version = type == 1 ? 0x0301 : 0x0303;
	rec.rec_length = (unsigned)body->n + 4 + (ev.encrypted ? 17 : 0);
	return emit(g, rec);
}

/* A ChangeCipherSpec (middlebox compatibility) and its record. */
static bool ccs(struct gen *g, unsigned conn, enum tl_side from)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_CCS;
	ev.from = from;
	ev.conn = conn;
	ev.version = 0x0304;
	if (!emit(g, ev))
		return false;
	ev.kind = TL_EV_RECORD;
	ev.rec_type = 20;
	ev.rec_version = 0x0303;
	ev.rec_length = 1;
	return emit(g, ev);
}

/* One TLS 1.3 connection: 23 events (20 without the note and the closing alert). */
static bool connection(struct gen *g, unsigned conn, bool with_close)
{
	static const char *const notes[] = {
		"client: certificate trusted: 2 sent, path of 3 to Bench Root CA, name matches 'bench.example.org'",
		"server: the client offered 15 cipher suites and 3 groups; x25519 chosen",
		"client: session ticket stored for resumption (lifetime 2 hours)",
	};
	struct buf b;
	unsigned seed = conn * 17u;
	struct tl_event ev;

	client_hello(&b, 250 + (conn * 37u) % 270, seed);
	if (!message(g, conn, TL_CLIENT, 1, &b, TL_KEYS_NONE))
		return false;
	server_hello(&b, seed);
	if (!message(g, conn, TL_SERVER, 2, &b, TL_KEYS_NONE) || !ccs(g, conn, TL_SERVER))
		return false;
	encrypted_extensions(&b);
	if (!message(g, conn, TL_SERVER, 8, &b, TL_KEYS_HANDSHAKE))
		return false;
	certificate(&b, 1200 + (conn * 53u) % 300, seed);
	if (!message(g, conn, TL_SERVER, 11, &b, TL_KEYS_HANDSHAKE))
		return false;
	certificate_verify(&b, seed);
	if (!message(g, conn, TL_SERVER, 15, &b, TL_KEYS_HANDSHAKE))
		return false;
	finished(&b, seed);
	if (!message(g, conn, TL_SERVER, 20, &b, TL_KEYS_HANDSHAKE) || !ccs(g, conn, TL_CLIENT))
		return false;
	finished(&b, seed + 9);
	if (!message(g, conn, TL_CLIENT, 20, &b, TL_KEYS_HANDSHAKE))
		return false;
	new_session_ticket(&b, seed);
	if (!message(g, conn, TL_SERVER, 4, &b, TL_KEYS_APPLICATION))
		return false;
	if (!with_close)
		return true;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_NOTE;
	ev.from = conn % 2 ? TL_SERVER : TL_CLIENT;
	ev.conn = conn;
	ev.text = notes[conn % 3];
	if (!emit(g, ev))
		return false;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_ALERT;
	ev.from = TL_CLIENT;
	ev.conn = conn;
	ev.version = 0x0304;
	ev.alert_level = 1;
	ev.alert_desc = 0;
	ev.encrypted = true;
	ev.keys = TL_KEYS_APPLICATION;
	if (!emit(g, ev))
		return false;
	ev.kind = TL_EV_RECORD;
	ev.rec_type = 23;
	ev.rec_version = 0x0303;
	ev.rec_length = 19;
	return emit(g, ev);
}

/* A finished timeline of exactly `events` events, with both sides' results per connection. */
static struct timeline *build(size_t events, bool one_conn, unsigned *conns)
{
	struct gen g = { timeline_create(true), events, 0, 0 };
	unsigned c = 0;
	struct tl_result r;

	if (!g.tl) {
		fprintf(stderr, "bench_ui: out of memory\n");
		exit(3);
	}
	/* 20 events or fewer: one handshake without the close, like a short demo */
	while (connection(&g, one_conn ? 0 : c, events > 20))
		c++;
	if (timeline_count(g.tl) < events) {
		/* the handshake was shorter than asked: only possible for events <= 20 */
		fprintf(stderr, "bench_ui: a timeline of %zu events could not be built\n", events);
		exit(3);
	}
	*conns = g.conns;
	for (unsigned k = 0; k < *conns; k++) {
		memset(&r, 0, sizeof r);
		r.set = true;
		r.handshake_ok = true;
		r.closed_cleanly = events > 20;
		r.verify_done = r.verified = r.peer_sent_cert = true;
		snprintf(r.verify, sizeof r.verify, "trusted: 2 sent, path of 3 to Bench Root CA, name matches 'bench.example.org'");
		snprintf(r.cipher_suite, sizeof r.cipher_suite, "TLS_AES_128_GCM_SHA256");
		snprintf(r.group, sizeof r.group, "X25519");
		snprintf(r.sigscheme, sizeof r.sigscheme, "RSA-PSS-RSAE-SHA256");
		r.version = 0x0304;
		r.grace_end = TL_GRACE_DRAINED;
		timeline_set_result(g.tl, TL_CLIENT, k, &r);
		r.verify_done = r.verified = false;
		r.verify[0] = '\0';
		r.peer_sent_cert = false;
		r.grace_end = TL_GRACE_NOT_RUN;
		timeline_set_result(g.tl, TL_SERVER, k, &r);
	}
	timeline_finish(g.tl);
	return g.tl;
}

/* ---- the measurement ---- */

/* The key for iteration i. */
static int key_for(int i)
{
	static const int cycle[] = { 'n', 'j', 'n', 'p', KEY_NPAGE, 'k', '\r', 'j', KEY_LEFT, KEY_LEFT, KEY_LEFT };

	if (i % 97 == 96)
		return 'w';
	if (i % 500 == 499)
		return 'g';
	return cycle[i % (int)(sizeof cycle / sizeof cycle[0])];
}

/* One frame: a key, then what the loop in ui_run does for it. */
static void frame(struct ui *ui, int key)
{
	ui_key(ui, key);
	ui_update(ui);
	ui_draw(ui);
	wnoutrefresh(stdscr);
	doupdate();
}

/* The program's field-tree builder. */
static struct tree_node *tree_builder(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return inspect_event(tl, i);
}

/* Times cfg->iters frames on tl; fills ms[] (sorted). Returns 0, or -1 when curses failed. */
static int measure(const struct bench_cfg *cfg, struct timeline *tl, const char *target, double *ms)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;

	if (!out || !in) {
		fprintf(stderr, "bench_ui: cannot open /dev/null\n");
		return -1;
	}
	scr = newterm("xterm-256color", out, in);
	if (!scr) {
		fprintf(stderr, "bench_ui: newterm(xterm-256color) failed (is the terminfo entry installed?)\n");
		fclose(out);
		fclose(in);
		return -1;
	}
	resize_term(SCREEN_LINES, SCREEN_COLS);
	memset(&src, 0, sizeof src);
	src.tl = tl;
	src.target = target;
	src.explain = explain_event;
	src.tree = cfg->tree ? tree_builder : NULL;
	memset(&o, 0, sizeof o);
	ui = ui_new(&src, &o);
	if (!ui) {
		fprintf(stderr, "bench_ui: ui_new failed\n");
		endwin();
		delscreen(scr);
		fclose(out);
		fclose(in);
		return -1;
	}
	ui_start_colors(ui);
	ui_update(ui);
	ui_draw(ui);
	wnoutrefresh(stdscr);
	doupdate();
	for (int i = 0; i < cfg->warmup; i++)
		frame(ui, key_for(i));
	for (int i = 0; i < cfg->iters; i++) {
		int key = key_for(i);
		int64_t t0 = now_ns();

		frame(ui, key);
		ms[i] = (double)(now_ns() - t0) / 1e6;
	}
	ui_free(ui);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	qsort(ms, (size_t)cfg->iters, sizeof *ms, cmp_double);
	return 0;
}

/* Prints one timeline's line. */
static void report(const char *what, const double *ms, size_t n)
{
	printf("  %-26s median %7.3f ms   p90 %7.3f ms   (min %.3f, max %.3f)   target <= %.0f ms median: %s\n",
	       what, median(ms, n), percentile(ms, n, 90), ms[0], ms[n - 1], TARGET_MEDIAN_MS,
	       median(ms, n) <= TARGET_MEDIAN_MS ? "PASS" : "over target");
}

/* Prints the usage line. */
static void usage(FILE *f)
{
	fprintf(f, "usage: bench_ui [--iters N] [--events N] [--small N] [--mid N] [--warmup N]\n"
		   "                [--one-conn] [--tree] [--only long|short|mid]\n"
		   "  --iters N      measured keys per timeline (default 2000)\n"
		   "  --events N     events in the long timeline (default 10000)\n"
		   "  --small N      events in the short timeline (default 20, at most 20)\n"
		   "  --mid N        events in the screen-filling reference timeline (default 200, 0: none)\n"
		   "  --warmup N     unmeasured keys first (default 50)\n"
		   "  --one-conn     every handshake of the long and reference timelines in connection 0\n"
		   "                 (default: one connection per handshake)\n"
		   "  --tree         open each selected message's field tree, as the program does\n"
		   "  --only WHICH   measure only that timeline (for profiling)\n");
}

/* Parses a size argument; false when it is not one. */
static bool parse_size(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	struct bench_cfg cfg = { 2000, 50, 10000, 20, 200, false, false, NULL };
	struct timeline *big = NULL, *small = NULL, *mid = NULL;
	unsigned big_conns = 0, small_conns = 0, mid_conns = 0;
	double *ms_big, *ms_small, *ms_mid, med_big = 0, med_small = 0, med_mid = 0;
	char label[64];
	long v;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--one-conn") == 0) {
			cfg.one_conn = true;
			continue;
		}
		if (strcmp(a, "--tree") == 0) {
			cfg.tree = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (!arg) {
			usage(stderr);
			return 2;
		}
		if (strcmp(a, "--iters") == 0 && parse_size(arg, 1, 10000000, &v))
			cfg.iters = (int)v;
		else if (strcmp(a, "--warmup") == 0 && parse_size(arg, 0, 10000000, &v))
			cfg.warmup = (int)v;
		else if (strcmp(a, "--events") == 0 && parse_size(arg, 21, 100000000, &v))
			cfg.events = (size_t)v;
		else if (strcmp(a, "--small") == 0 && parse_size(arg, 1, 20, &v))
			cfg.small = (size_t)v;
		else if (strcmp(a, "--mid") == 0 && parse_size(arg, 0, 100000000, &v) && (v == 0 || v > 20))
			cfg.mid = (size_t)v;
		else if (strcmp(a, "--only") == 0 &&
			 (strcmp(arg, "long") == 0 || strcmp(arg, "short") == 0 || strcmp(arg, "mid") == 0))
			cfg.only = arg;
		else {
			usage(stderr);
			return 2;
		}
		i++;
	}

	if (!setlocale(LC_ALL, "C.UTF-8"))
		fprintf(stderr, "bench_ui: warning: the C.UTF-8 locale is missing; drawing ASCII\n");
	ms_big = calloc((size_t)cfg.iters, sizeof *ms_big);
	ms_small = calloc((size_t)cfg.iters, sizeof *ms_small);
	ms_mid = calloc((size_t)cfg.iters, sizeof *ms_mid);
	if (!ms_big || !ms_small || !ms_mid) {
		fprintf(stderr, "bench_ui: out of memory\n");
		return 3;
	}
	if (!cfg.only || strcmp(cfg.only, "short") == 0)
		small = build(cfg.small, false, &small_conns);
	if (cfg.mid && (!cfg.only || strcmp(cfg.only, "mid") == 0))
		mid = build(cfg.mid, cfg.one_conn, &mid_conns);
	if (!cfg.only || strcmp(cfg.only, "long") == 0)
		big = build(cfg.events, cfg.one_conn, &big_conns);

	printf("keypress-to-frame: %dx%d screen on /dev/null (xterm-256color, colours), %d keys per timeline "
	       "after %d warm-up keys\n",
	       SCREEN_COLS, SCREEN_LINES, cfg.iters, cfg.warmup);
	printf("  frame = ui_key + ui_update + ui_draw + wnoutrefresh + doupdate; explanations on, %s\n",
	       cfg.tree ? "field trees opened (inspect_event)" : "no field-tree builder");
	fflush(stdout);
	if (small) {
		if (measure(&cfg, small, "bench short", ms_small) < 0) {
			ret = 1;
			goto out;
		}
		snprintf(label, sizeof label, "%zu events, %u conn%s:", cfg.small, small_conns, small_conns == 1 ? "" : "s");
		report(label, ms_small, (size_t)cfg.iters);
		med_small = median(ms_small, (size_t)cfg.iters);
		fflush(stdout);
	}
	if (mid) {
		if (measure(&cfg, mid, "bench mid", ms_mid) < 0) {
			ret = 1;
			goto out;
		}
		snprintf(label, sizeof label, "%zu events, %u conn%s:", cfg.mid, mid_conns, mid_conns == 1 ? "" : "s");
		report(label, ms_mid, (size_t)cfg.iters);
		med_mid = median(ms_mid, (size_t)cfg.iters);
		fflush(stdout);
	}
	if (big) {
		if (measure(&cfg, big, "bench long", ms_big) < 0) {
			ret = 1;
			goto out;
		}
		snprintf(label, sizeof label, "%zu events, %u conn%s:", cfg.events, big_conns, big_conns == 1 ? "" : "s");
		report(label, ms_big, (size_t)cfg.iters);
		med_big = median(ms_big, (size_t)cfg.iters);
	}
	if (big && small) {
		double ratio = med_small > 0 ? med_big / med_small : 0.0;
		double p90s = percentile(ms_small, (size_t)cfg.iters, 90);

		printf("  ratio median(%zu)/median(%zu): %.2f   target <= %.1f: %s\n", cfg.events, cfg.small, ratio,
		       TARGET_RATIO, ratio <= TARGET_RATIO ? "PASS" : "over target");
		printf("  ratio p90(%zu)/p90(%zu):       %.2f   (for reference)\n", cfg.events, cfg.small,
		       p90s > 0 ? percentile(ms_big, (size_t)cfg.iters, 90) / p90s : 0.0);
	}
	if (big && mid)
		printf("  ratio median(%zu)/median(%zu): %.2f   (for reference: both fill the ladder pane, so this is "
		       "the growth with the timeline alone)\n",
		       cfg.events, cfg.mid, med_mid > 0 ? med_big / med_mid : 0.0);
out:
	fflush(stdout);
	timeline_destroy(big);
	timeline_destroy(small);
	timeline_destroy(mid);
	free(ms_big);
	free(ms_small);
	free(ms_mid);
	return ret;
}
