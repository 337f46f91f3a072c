/*
 * quiz: the questions of quiz mode (--quiz, --quiz-file), read from a quiz
 * file (docs/quiz/README.md; installed as share/tlsladder/quiz/SCENARIO.quiz).
 *
 * A file is line based UTF-8 text. `#` at the start of a line makes it a
 * comment (on an at: line, also after the words). Each question is
 *     at: SIDE NAME [N]   or   at: end
 *     q: text             (several q: lines join with a space)
 *     a: text             (several a: lines join with a space)
 * and a blank line (or the next at:) ends it. SIDE is client or server,
 * NAME a message name as the ladder's label starts (quiz_message_names),
 * N the Nth such message from that side (default 1); `at: end` is asked
 * after the last message. The parser is strict: anything else is an error
 * "FILE:LINE: why" (TL_EXIT_FILES). Nothing here draws or knows curses.
 */
#ifndef TLSLADDER_QUIZ_H
#define TLSLADDER_QUIZ_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* Bounds of one file: its size, its questions, one question's or answer's text. */
#define QUIZ_MAX_BYTES 65536
#define QUIZ_MAX_ITEMS 200
#define QUIZ_MAX_TEXT 1500
#define QUIZ_NAME_MAX 24

struct quiz_item {
	bool at_end;                    /* asked after the last message */
	enum tl_side side;              /* else: before the nth message NAME from side */
	char name[QUIZ_NAME_MAX];
	unsigned nth;                   /* 1 = the first */
	char *q, *a;                    /* the question and the answer (valid UTF-8, no controls) */
	unsigned line;                  /* the line of its at: */
};

struct quiz {
	struct quiz_item *items;
	size_t n;
};

/* The message names an at: line may give, NULL-terminated. */
extern const char *const quiz_message_names[];

/* Parses text (len bytes) read from file (named in errors) into q (to be
 * freed with quiz_free). Returns 0, or -1 with err set (TL_EXIT_FILES,
 * "FILE:LINE: why") and q empty. */
int quiz_parse(const char *text, size_t len, const char *file, struct quiz *q, struct tl_error *err);
/* Reads and parses a quiz file; as quiz_parse (a missing or unreadable file is "FILE: why"). */
int quiz_load(const char *path, struct quiz *q, struct tl_error *err);
/* Finds the shipped quiz file of a demo scenario (SCENARIO.quiz under the
 * data directory's quiz/, or docs/quiz/ of a source tree); false when it has none. */
bool quiz_find(const char *scenario, char *path, size_t n);
void quiz_free(struct quiz *q);
/* The name an at: line gives event ev by (its ladder label starts with it:
 * "ServerHello", "Alert", "ChangeCipherSpec", "ApplicationData"), or NULL
 * for what no question is asked about (notes, errors, records). */
const char *quiz_event_name(const struct tl_event *ev);
/* True when item it is asked before ev, the nth message of its name from its sender. */
bool quiz_item_at(const struct quiz_item *it, const struct tl_event *ev, unsigned nth);

#endif
