/*
 * screenlib.c: the helpers the screen tests share (see screenlib.h).
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

/* Opens a terminal on /dev/null at cols x lines. */
void screenlib_open(struct screenlib_term *t, int cols, int lines, bool ascii)
{
	t->out = fopen("/dev/null", "w");
	t->in = fopen("/dev/null", "r");
	assert_non_null(t->out);
	assert_non_null(t->in);
	setlocale(LC_ALL, ascii ? "C" : "C.UTF-8");
	t->scr = newterm("xterm-256color", t->out, t->in);
	assert_non_null(t->scr);
	resize_term(lines, cols);
}

/* Ends the terminal and frees it. */
void screenlib_close(struct screenlib_term *t)
{
	endwin();
	delscreen(t->scr);
	fclose(t->out);
	fclose(t->in);
}

/* The source of a screen test: tl shown as target, explained and decoded. */
void screenlib_source(struct ui_source *src, struct timeline *tl, const char *target)
{
	memset(src, 0, sizeof *src);
	src->tl = tl;
	src->target = target;
	src->explain = explain_event;
	src->tree = screenlib_decoded;
}

/* A whole file, NUL-terminated; NULL if missing. */
uint8_t *screenlib_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n + 1 : 1);
	if (buf) {
		*len = fread(buf, 1, (size_t)(n > 0 ? n : 0), f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* One screen cell's character as UTF-8 at out + *used (within cap). */
static void cell_text(const cchar_t *c, char *out, size_t *used, size_t cap)
{
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t k;

	if (getcchar(c, wc, &a, &pair, NULL) == ERR || wc[0] == 0)
		return;
	memset(&st, 0, sizeof st);
	k = wcrtomb(mb, wc[0], &st);
	if (k != (size_t)-1 && *used + k < cap) {
		memcpy(out + *used, mb, k);
		*used += k;
	}
}

/* The screen as UTF-8 lines, trailing spaces removed. */
char *screenlib_text(void)
{
	size_t cap = (size_t)LINES * ((size_t)COLS * 4 + 2) + 1, used = 0;
	char *out = malloc(cap);
	cchar_t *row = calloc((size_t)COLS + 1, sizeof *row);

	assert_non_null(out);
	assert_non_null(row);
	for (int y = 0; y < LINES; y++) {
		size_t start = used;
		mvin_wchnstr(y, 0, row, COLS);
		for (int x = 0; x < COLS; x++)
			cell_text(&row[x], out, &used, cap);
		while (used > start && out[used - 1] == ' ')
			used--;
		out[used++] = '\n';
	}
	out[used] = '\0';
	free(row);
	return out;
}

/* The decoded tree of event i. */
struct tree_node *screenlib_decoded(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return decode_event(tl, i);
}

/* Compares a screen with its golden file (TLSLADDER_UPDATE_GOLDEN=1 rewrites it). */
void screenlib_golden(const char *srcdir, const char *name, const char *got)
{
	char golden[PATH_MAX + 64], *want;
	size_t wlen = 0;

	snprintf(golden, sizeof golden, "%s/tests/ui/golden/%s.txt", srcdir, name);
	if (getenv("TLSLADDER_UPDATE_GOLDEN")) {
		FILE *g = fopen(golden, "w");
		assert_non_null(g);
		fputs(got, g);
		fclose(g);
	}
	want = (char *)screenlib_slurp(golden, &wlen);
	if (!want)
		fail_msg("missing golden file %s (run with TLSLADDER_UPDATE_GOLDEN=1)", golden);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "---- got (%s) ----\n%s---- want ----\n%s", name, got, want);
		fail_msg("screen %s differs from %s", name, golden);
	}
	/* whatever is drawn, no raw control character reaches the screen */
	for (const unsigned char *p = (const unsigned char *)got; *p; p++)
		assert_true(*p >= 0x20 || *p == '\n');
	assert_null(strstr(got, "\xe2\x80\xae"));
	free(want);
}

/* Opens tests/fixtures/manifest.txt. */
FILE *screenlib_manifest(const char *srcdir)
{
	char path[PATH_MAX + 64];
	FILE *m;

	snprintf(path, sizeof path, "%.3800s/tests/fixtures/manifest.txt", srcdir);
	m = fopen(path, "r");
	assert_non_null(m);
	return m;
}

/* The next message of scenario in the manifest m, its body read from its file; false at the end. */
bool screenlib_next(FILE *m, const char *srcdir, const char *scenario, struct screenlib_msg *msg)
{
	char line[512], path[PATH_MAX + 64];

	while (fgets(line, sizeof line, m)) {
		char sc[32], from[16], ver[16], kx[16], file[256];
		unsigned idx;

		if (line[0] == '#' ||
		    sscanf(line, "%31s %u %u %15s %15s %15s %255s", sc, &idx, &msg->type, from, ver, kx, file) != 7 ||
		    strcmp(sc, scenario) != 0)
			continue;
		msg->from = strcmp(from, "client") == 0 ? TL_CLIENT : TL_SERVER;
		snprintf(path, sizeof path, "%.3800s/tests/fixtures/%.200s", srcdir, file);
		msg->body = screenlib_slurp(path, &msg->len);
		assert_non_null(msg->body);
		return true;
	}
	return false;
}

/* The tls13 messages of the fixture manifest, at fixed times (250 us apart), finished, both sides'
 * handshakes complete; verified: the client verified the server's certificate. */
struct timeline *screenlib_tls13(const char *srcdir, bool verified)
{
	struct timeline *tl = timeline_create(true);
	FILE *m = screenlib_manifest(srcdir);
	struct screenlib_msg msg;
	unsigned t = 0;
	struct tl_result r;

	while (screenlib_next(m, srcdir, "tls13", &msg)) {
		struct tl_event ev;

		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.from = msg.from;
		ev.hs_type = msg.type;
		ev.version = 0x0304;
		ev.encrypted = msg.type != 1 && msg.type != 2;
		ev.keys = !ev.encrypted ? TL_KEYS_NONE : msg.type == 4 ? TL_KEYS_APPLICATION : TL_KEYS_HANDSHAKE;
		ev.body = msg.body;
		ev.body_len = msg.len;
		ev.t_us = ev.sent_us = (int64_t)t++ * 250;
		ev.recv_us = ev.t_us + 100;
		ev.sent_seen = ev.recv_seen = true;
		assert_true(timeline_append_raw(tl, &ev) >= 0);
		free(msg.body);
	}
	fclose(m);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	r.verify_done = r.verified = verified;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	timeline_set_result(tl, TL_SERVER, 0, &r);
	timeline_finish(tl);
	return tl;
}
