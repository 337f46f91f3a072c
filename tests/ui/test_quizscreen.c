/*
 * test_quizscreen.c: quiz mode's screens without a terminal. The tls13
 * handshake from tests/fixtures (fixed bodies and times, so no random
 * bytes differ between runs) is drawn with the shipped docs/quiz/tls13.quiz
 * at 80x24 and 120x40, keys fed to ui_key(), and the screen compared with
 * golden text files in tests/ui/golden/ (TLSLADDER_UPDATE_GOLDEN=1 rewrites
 * them). Also checks what the quiz hides while a message is asked about,
 * and that a press too many changes nothing.
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

#include "tlsladder/decode.h"
#include "tlsladder/explain.h"
#include "tlsladder/quiz.h"
#include "tlsladder/timeline.h"
#include "tlsladder/ui.h"

static char srcdir[PATH_MAX];
static struct timeline *fixture;
static struct quiz questions;

/* Reads a whole file; NULL if missing. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n + 1 : 1);
	*len = fread(buf, 1, (size_t)(n > 0 ? n : 0), f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The tls13 messages of the fixture manifest, at fixed times, and both sides' results. */
static struct timeline *build_tls13(void)
{
	struct timeline *tl = timeline_create(true);
	char path[PATH_MAX + 64], line[512];
	FILE *m;
	unsigned t = 0;
	struct tl_result r;

	snprintf(path, sizeof path, "%.3800s/tests/fixtures/manifest.txt", srcdir);
	m = fopen(path, "r");
	assert_non_null(m);
	while (fgets(line, sizeof line, m)) {
		char sc[32], from[16], ver[16], kx[16], file[256];
		unsigned idx, type;
		struct tl_event ev;
		size_t len = 0;
		char *body;

		if (line[0] == '#' || sscanf(line, "%31s %u %u %15s %15s %15s %255s", sc, &idx, &type, from, ver, kx, file) != 7 ||
		    strcmp(sc, "tls13") != 0)
			continue;
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.from = strcmp(from, "client") == 0 ? TL_CLIENT : TL_SERVER;
		ev.hs_type = type;
		ev.version = 0x0304;
		ev.encrypted = type != 1 && type != 2;
		ev.keys = !ev.encrypted ? TL_KEYS_NONE : type == 4 ? TL_KEYS_APPLICATION : TL_KEYS_HANDSHAKE;
		snprintf(path, sizeof path, "%.3800s/tests/fixtures/%.200s", srcdir, file);
		body = slurp(path, &len);
		assert_non_null(body);
		ev.body = (const uint8_t *)body;
		ev.body_len = len;
		ev.t_us = ev.sent_us = (int64_t)t++ * 250;
		ev.recv_us = ev.t_us + 100;
		ev.sent_seen = ev.recv_seen = true;
		assert_true(timeline_append_raw(tl, &ev) >= 0);
		free(body);
	}
	fclose(m);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	r.verify_done = r.verified = true;
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	memset(&r, 0, sizeof r);
	r.handshake_ok = true;
	timeline_set_result(tl, TL_SERVER, 0, &r);
	timeline_finish(tl);
	return tl;
}

/* The screen as UTF-8 lines, trailing spaces removed. */
static char *screen_text(void)
{
	size_t cap = (size_t)LINES * ((size_t)COLS * 4 + 2) + 1, used = 0;
	char *out = malloc(cap);
	cchar_t *row = calloc((size_t)COLS + 1, sizeof *row);

	for (int y = 0; y < LINES; y++) {
		size_t start = used;
		mvin_wchnstr(y, 0, row, COLS);
		for (int x = 0; x < COLS; x++) {
			wchar_t wc[CCHARW_MAX + 1];
			attr_t a;
			short pair;
			char mb[MB_LEN_MAX];
			mbstate_t st;
			size_t k;

			if (getcchar(&row[x], wc, &a, &pair, NULL) == ERR || wc[0] == 0)
				continue;
			memset(&st, 0, sizeof st);
			k = wcrtomb(mb, wc[0], &st);
			if (k != (size_t)-1 && used + k < cap) {
				memcpy(out + used, mb, k);
				used += k;
			}
		}
		while (used > start && out[used - 1] == ' ')
			used--;
		out[used++] = '\n';
	}
	out[used] = '\0';
	free(row);
	return out;
}

/* The decoded tree of event i. */
static struct tree_node *decoded(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return decode_event(tl, i);
}

/* Compares a screen with golden/<name>.txt (TLSLADDER_UPDATE_GOLDEN=1 rewrites it). */
static void compare_golden(const char *name, const char *got)
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
	want = slurp(golden, &wlen);
	if (!want)
		fail_msg("missing golden file %s (run with TLSLADDER_UPDATE_GOLDEN=1)", golden);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "---- got (%s) ----\n%s---- want ----\n%s", name, got, want);
		fail_msg("screen %s differs from %s", name, golden);
	}
	free(want);
}

/* The quiz's screen at cols x lines after keys (malloc'd text). */
static char *quiz_screen(int cols, int lines, const int *keys)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;
	char *got;

	setlocale(LC_ALL, "C.UTF-8");
	scr = newterm("xterm-256color", out, in);
	assert_non_null(scr);
	resize_term(lines, cols);
	memset(&src, 0, sizeof src);
	src.tl = fixture;
	src.target = "demo tls13";
	src.explain = explain_event;
	src.tree = decoded;
	memset(&o, 0, sizeof o);
	o.no_color = true;
	o.quiz = true;
	o.questions = &questions;
	ui = ui_new(&src, &o);
	ui_start_colors(ui);
	ui_update(ui);
	for (; keys && *keys; keys++) {
		ui_key(ui, *keys);
		ui_update(ui);
	}
	ui_draw(ui);
	got = screen_text();
	ui_free(ui);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return got;
}

/* Space answers "What comes next?" for ClientHello and goes on; the file's
 * ServerHello question, answered with a; then the automatic question. */
static const int to_hidden[] = { ' ', ' ', 'a', ' ', 0 };
/* ... and Space reveals ServerHello and its explanation. */
static const int to_revealed[] = { ' ', ' ', 'a', ' ', ' ', 0 };

/* The next message hidden, with the question, at 80x24 and 120x40. */
static void hidden_next_message(void **state)
{
	char *narrow = quiz_screen(80, 24, to_hidden), *wide = quiz_screen(120, 40, to_hidden);

	(void)state;
	compare_golden("quiz-hidden-80x24", narrow);
	compare_golden("quiz-hidden-120x40", wide);
	/* hidden: its name, its size, its fields, the negotiated suite in the header */
	assert_null(strstr(wide, "ServerHello"));
	assert_null(strstr(wide, "118 B"));
	assert_null(strstr(wide, "TLS_AES"));
	assert_non_null(strstr(wide, "What comes next? The server sends its next flight"));
	assert_non_null(strstr(wide, "hidden until the answer: Space reveals it"));
	assert_non_null(strstr(wide, "step 2/2"));
	free(narrow);
	free(wide);
}

/* After the reveal: the name on the ladder, the answer and the explanation. */
static void after_reveal(void **state)
{
	char *narrow = quiz_screen(80, 24, to_revealed), *wide = quiz_screen(120, 40, to_revealed);

	(void)state;
	compare_golden("quiz-revealed-80x24", narrow);
	compare_golden("quiz-revealed-120x40", wide);
	assert_non_null(strstr(wide, "ServerHello 118 B"));
	assert_non_null(strstr(wide, "Answer: ServerHello."));
	assert_non_null(strstr(wide, "cipher suite: TLS_AES_256_GCM_SHA384"));
	free(narrow);
	free(wide);
}

/* The file's question comes before the automatic one, the row still hidden. */
static void file_question_first(void **state)
{
	static const int asked[] = { ' ', ' ', 0 }, answered[] = { ' ', ' ', 'a', 0 };
	char *q = quiz_screen(120, 40, asked), *a = quiz_screen(120, 40, answered);

	(void)state;
	assert_non_null(strstr(q, "What will the server answer with?"));
	assert_non_null(strstr(q, "(Space: the answer)"));
	assert_null(strstr(q, "Answer:"));
	assert_non_null(strstr(a, "Answer: One key share, x25519"));
	assert_null(strstr(a, "ServerHello"));
	free(q);
	free(a);
}

/* Every question answered: all rows shown, the header's summary back. */
static void the_end(void **state)
{
	int keys[64];
	char *got;
	size_t n = 0;

	(void)state;
	while (n < 63)
		keys[n++] = ' ';
	keys[n] = 0;
	got = quiz_screen(120, 40, keys);
	assert_non_null(strstr(got, "step 9/9"));
	assert_non_null(strstr(got, "TLS 1.3"));
	assert_null(strstr(got, "Quiz:"));
	free(got);
}

static int setup(void **state)
{
	const char *d = getenv("TLSLADDER_DATADIR");
	char path[PATH_MAX];
	struct tl_error err;

	(void)state;
	if (!d)
		return -1;
	snprintf(srcdir, sizeof srcdir, "%s", d);
	fixture = build_tls13();
	snprintf(path, sizeof path, "%.3800s/docs/quiz/tls13.quiz", srcdir);
	return fixture && quiz_load(path, &questions, &err) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	timeline_destroy(fixture);
	quiz_free(&questions);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hidden_next_message),
		cmocka_unit_test(after_reveal),
		cmocka_unit_test(file_question_first),
		cmocka_unit_test(the_end),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
