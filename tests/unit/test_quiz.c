/*
 * test_quiz.c: the quiz file parser (quiz.c): what a valid file gives
 * (places, joined texts, comments), the exact "FILE:LINE: why" of each
 * fault, the shipped files, and which message a question is asked at.
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

#include "tlsladder/quiz.h"

/* Parses text; returns the return code, err and q filled. */
static int parse(const char *text, struct quiz *q, struct tl_error *err)
{
	memset(err, 0, sizeof *err);
	return quiz_parse(text, strlen(text), "t.quiz", q, err);
}

/* A valid file: places, joined lines, comments, blank lines, at: end. */
static void test_valid(void **state)
{
	static const char text[] =
		"# a comment\n"
		"at: server Certificate        # asked just before it\n"
		"q: Which key protects\n"
		"q:   this record?\n"
		"a: The server handshake\r\n"
		"a: traffic key.\n"
		"\n"
		"  # an indented comment\n"
		"at: client Finished 2\n"
		"q: Why a second one?\n"
		"a: Renegotiation.\n"
		"at: end\n"
		"q: How many round trips?\n"
		"a: One.";
	struct quiz q;
	struct tl_error err;

	(void)state;
	assert_int_equal(parse(text, &q, &err), 0);
	assert_int_equal(q.n, 3);
	assert_false(q.items[0].at_end);
	assert_int_equal(q.items[0].side, TL_SERVER);
	assert_string_equal(q.items[0].name, "Certificate");
	assert_int_equal(q.items[0].nth, 1);
	assert_int_equal(q.items[0].line, 2);
	assert_string_equal(q.items[0].q, "Which key protects this record?");
	assert_string_equal(q.items[0].a, "The server handshake traffic key.");
	assert_int_equal(q.items[1].side, TL_CLIENT);
	assert_string_equal(q.items[1].name, "Finished");
	assert_int_equal(q.items[1].nth, 2);
	assert_true(q.items[2].at_end);
	assert_string_equal(q.items[2].a, "One.");
	quiz_free(&q);
	assert_int_equal(parse("# only comments\n\n", &q, &err), 0);
	assert_int_equal(q.n, 0);
	quiz_free(&q);
}

/* Each fault: exit code 5 and one exact line "FILE:LINE: why". */
static void test_faults(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "at: server Certificate\nq: Why?\n\n", "t.quiz:2: q: without a:" },
		{ "at: server Certificate\nq: Why?\nq: Really?", "t.quiz:2: q: without a:" },
		{ "at: server Certificate\nq: Why?\nat: end\nq: x\na: y\n", "t.quiz:2: q: without a:" },
		{ "# c\nat: server Certificate\nquestion: Why?\na: No.\n",
		  "t.quiz:3: unknown directive (a line is at:, q:, a:, a # comment, or blank)" },
		{ "hello\n", "t.quiz:1: unknown directive (a line is at:, q:, a:, a # comment, or blank)" },
		{ "at: server Certificate\n\n", "t.quiz:1: at: without q:" },
		{ "q: Why?\na: No.\n", "t.quiz:1: q: without at: before it" },
		{ "at: end\na: No.\n", "t.quiz:2: a: without q: before it" },
		{ "at: end\nq: Why?\na: No.\nq: And?\na: Yes.\n", "t.quiz:4: q: after a: (a blank line starts the next question)" },
		{ "at: both Finished\nq: x\na: y\n", "t.quiz:1: at: the side must be client or server" },
		{ "at: server Finish\nq: x\na: y\n", "t.quiz:1: at: unknown message name (see docs/quiz/README.md for the names)" },
		{ "at: server Finished 0\nq: x\na: y\n", "t.quiz:1: at: N must be a whole number from 1 to 999" },
		{ "at: server Finished 1000\nq: x\na: y\n", "t.quiz:1: at: N must be a whole number from 1 to 999" },
		{ "at: server Finished 2 3\nq: x\na: y\n", "t.quiz:1: at: takes SIDE NAME [N] or end" },
		{ "at:\nq: x\na: y\n", "t.quiz:1: at: takes SIDE NAME [N] or end" },
		{ "at: end\nq:\na: y\n", "t.quiz:2: an empty q: line" },
		{ "at: end\nq: x\na: \xff\n", "t.quiz:3: not UTF-8 text (or a control character)" },
		{ "at: end\nq: x\x1b[2J\na: y\n", "t.quiz:2: not UTF-8 text (or a control character)" },
	};
	struct quiz q;
	struct tl_error err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(cases[i].text, &q, &err), -1);
		assert_int_equal(err.code, TL_EXIT_FILES);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(q.n, 0);
		assert_null(q.items);
	}
}

/* The bounds: a text over 1500 bytes, a file with a NUL byte. */
static void test_bounds(void **state)
{
	char *big = malloc(2000);
	struct quiz q;
	struct tl_error err;

	(void)state;
	assert_non_null(big);
	memset(big, 0, 2000);
	strcpy(big, "at: end\nq: ");
	memset(big + strlen(big), 'x', 1600);
	assert_int_equal(parse(big, &q, &err), -1);
	assert_string_equal(err.msg, "t.quiz:2: the question is longer than 1500 bytes");
	free(big);
	assert_int_equal(quiz_parse("at: end\0q: x\na: y\n", 18, "t.quiz", &q, &err), -1);
	assert_string_equal(err.msg, "t.quiz: binary data: not a quiz file");
	assert_int_equal(quiz_load("/nonexistent/x.quiz", &q, &err), -1);
	assert_string_equal(err.msg, "/nonexistent/x.quiz: No such file or directory");
	assert_int_equal(err.code, TL_EXIT_FILES);
}

/* The shipped tls13 file is found through the data directory and parses. */
static void test_shipped(void **state)
{
	char path[PATH_MAX];
	struct quiz q;
	struct tl_error err;

	(void)state;
	assert_true(quiz_find("tls13", path, sizeof path));
	assert_non_null(strstr(path, "/tls13.quiz"));
	assert_int_equal(quiz_load(path, &q, &err), 0);
	assert_true(q.n >= 3 && q.n <= 5);
	quiz_free(&q);
	assert_false(quiz_find("no-such-scenario", path, sizeof path));
	assert_false(quiz_find("../etc/passwd", path, sizeof path));
}

/* A question is asked at the nth message of its name from its side. */
static void test_matching(void **state)
{
	struct quiz_item it;
	struct tl_event ev;

	(void)state;
	memset(&it, 0, sizeof it);
	it.side = TL_SERVER;
	snprintf(it.name, sizeof it.name, "Certificate");
	it.nth = 1;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.from = TL_SERVER;
	ev.hs_type = 11;
	assert_string_equal(quiz_event_name(&ev), "Certificate");
	assert_true(quiz_item_at(&it, &ev, 1));
	assert_false(quiz_item_at(&it, &ev, 2));
	ev.from = TL_CLIENT;
	assert_false(quiz_item_at(&it, &ev, 1));
	ev.from = TL_SERVER;
	ev.hs_type = 15;                    /* CertificateVerify: a longer name, not the same */
	assert_false(quiz_item_at(&it, &ev, 1));
	ev.kind = TL_EV_ALERT;
	assert_string_equal(quiz_event_name(&ev), "Alert");
	ev.kind = TL_EV_CCS;
	assert_string_equal(quiz_event_name(&ev), "ChangeCipherSpec");
	ev.kind = TL_EV_NOTE;
	assert_null(quiz_event_name(&ev));
	ev.kind = TL_EV_PLAIN;
	ev.note.in_tls = true;
	assert_string_equal(quiz_event_name(&ev), "ApplicationData");
	it.at_end = true;
	assert_false(quiz_item_at(&it, &ev, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_matching),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
