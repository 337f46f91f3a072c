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

#include "screenlib.h"
#include "tlsladder/decode.h"
#include "tlsladder/explain.h"
#include "tlsladder/quiz.h"
#include "tlsladder/timeline.h"
#include "tlsladder/ui.h"

static char srcdir[PATH_MAX];
static struct timeline *fixture;
static struct quiz questions;

/* Compares a screen with its golden file. */
static void compare_golden(const char *name, const char *got)
{
	screenlib_golden(srcdir, name, got);
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
		uint8_t *body;

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
		body = screenlib_slurp(path, &len);
		assert_non_null(body);
		ev.body = body;
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

/* The quiz's screen at cols x lines after keys (malloc'd text). */
static char *quiz_screen(int cols, int lines, const int *keys)
{
	struct screenlib_term term;
	struct ui_source src;
	struct ui_opts o;
	struct ui *ui;
	char *got;

	screenlib_open(&term, cols, lines, false);
	screenlib_source(&src, fixture, "demo tls13");
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
	got = screenlib_text();
	ui_free(ui);
	screenlib_close(&term);
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
