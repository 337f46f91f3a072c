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
	fixture = screenlib_tls13(srcdir, true);
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
