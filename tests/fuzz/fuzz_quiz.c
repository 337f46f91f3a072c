/*
 * fuzz_quiz: libFuzzer target for quiz files (src/core/quiz.c). The input
 * is a quiz file's text: it goes through quiz_parse(), and through
 * quiz_load() as a file (an in-memory file, /proc/self/fd/N).
 *
 * Checks the header's promises: on failure the quiz is empty and the error
 * is one line naming the file (and, for a line's fault, "FILE:LINE: ");
 * on success every question has its place, a question and an answer, all
 * of it text without control characters; both paths agree.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tlsladder/quiz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_quiz: %s\n", what);
	abort();
}

/* No byte below 0x20 (tabs aside) and no DEL. */
static void plain(const char *s)
{
	if (!s || !*s)
		fail("an empty question or answer");
	if (strlen(s) > QUIZ_MAX_TEXT)
		fail("a text longer than the bound");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			fail("a control character in a text");
}

/* The result of one parse or load: the promises of quiz.h. */
static void check(int rc, const struct quiz *q, const struct tl_error *err, const char *file)
{
	if (rc < 0) {
		if (q->n || q->items)
			fail("a failure left questions");
		if (strncmp(err->msg, file, strlen(file)) != 0 || strchr(err->msg, '\n'))
			fail("the error is not one line naming the file");
		if (err->code != TL_EXIT_FILES && err->code != TL_EXIT_INTERNAL)
			fail("the error code is not TL_EXIT_FILES");
		return;
	}
	if (rc != 0 || q->n > QUIZ_MAX_ITEMS)
		fail("bad return or too many questions");
	for (size_t i = 0; i < q->n; i++) {
		const struct quiz_item *it = &q->items[i];
		plain(it->q);
		plain(it->a);
		if (!it->at_end && (it->nth < 1 || it->nth > 999 || !memchr(it->name, '\0', sizeof it->name)))
			fail("a question without a valid place");
		if (it->line < 1)
			fail("a question without its line");
	}
}

/* Loads the bytes as a file. */
static int load_file(const uint8_t *data, size_t size, struct quiz *q, struct tl_error *err, char *path, size_t n)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzz.quiz", 0);
	if (fd < 0 || ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		return 1;
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return quiz_load(path, q, err);
}

/* One input: parse as text, load as a file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quiz q1, q2;
	struct tl_error e1 = { 0, "" }, e2 = { 0, "" };
	char path[64];
	int r1, r2;

	r1 = quiz_parse((const char *)data, size, "fuzz.quiz", &q1, &e1);
	check(r1, &q1, &e1, "fuzz.quiz");
	r2 = load_file(data, size, &q2, &e2, path, sizeof path);
	if (r2 != 1) {
		check(r2, &q2, &e2, path);
		if (r1 != r2 || q1.n != q2.n)
			fail("quiz_load and quiz_parse disagree");
		for (size_t i = 0; i < q1.n; i++)
			if (strcmp(q1.items[i].q, q2.items[i].q) != 0 || strcmp(q1.items[i].a, q2.items[i].a) != 0)
				fail("quiz_load and quiz_parse read different texts");
	}
	quiz_free(&q1);
	quiz_free(&q2);
	return 0;
}
