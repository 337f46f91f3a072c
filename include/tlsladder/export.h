/*
 * export: what the slide and ticket exports (Mermaid, Markdown, SVG) share.
 *
 * Each export is a plain function of a finished timeline: it walks the rows
 * of the message ladder (ladder.h) in order, numbered as the text ladder
 * numbers its steps, and renders the typed facts (event names and sizes,
 * encryption and keys, delivery, the diagnosis) through the same functions
 * the text ladder uses. It works the same from a live run and a replay.
 *
 * The file: "-" is standard output; serve writes one file per connection,
 * the connection's number before the extension ("run.svg" -> "run-3.svg").
 * Nothing secret goes in, so files are created normally (mode 0666 less
 * the umask).
 */
#ifndef TLSLADDER_EXPORT_H
#define TLSLADDER_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlsladder/errors.h"
#include "tlsladder/ladder.h"
#include "tlsladder/text.h"
#include "tlsladder/timeline.h"

enum export_format { EXPORT_MERMAID, EXPORT_MARKDOWN, EXPORT_SVG };

/* One row of an export: a message, alert, note or error of the ladder. */
struct export_row {
	size_t index;          /* timeline index */
	unsigned step;         /* the step number the text ladder gives it */
	bool new_conn;         /* the first row of another connection (all connections shown) */
	struct tl_event ev;
};

/* Walks the message ladder's rows of a timeline (o->only_conn: one connection). */
struct export_iter {
	struct ladder l;
	const struct text_opts *o;
	size_t r;
	unsigned step, conn;
};

void export_iter_init(struct export_iter *it, const struct timeline *tl, const struct text_opts *o);
/* The next row; false at the end. */
bool export_iter_next(struct export_iter *it, struct export_row *row);
void export_iter_free(struct export_iter *it);

/* True for the rows drawn as text rather than arrows (notes, errors, pre-flight findings). */
bool export_is_note(const struct tl_event *ev);
/* A note row's words as the text ladder shows them: what ("note", "error",
 * "pre-flight"), the side, and its text (a pre-flight finding's first line),
 * NOT yet sanitized: "note (client): ...". */
void export_note_text(const struct tl_event *ev, char *buf, size_t n);
/* The keys that protected an encrypted message in words ("handshake keys"); "" when none are named. */
const char *export_keys_name(enum tl_keys k);
/* The side whose view the diagnosis takes: the server in serve, else the client (as the text ladder). */
enum tl_side export_diag_side(const struct text_opts *o);

/* True when the export shows connection conn's diagnosis (the text ladder's
 * choice: each connection shown; a run that reached no connection, once finished). */
bool export_shows_diagnosis(const struct timeline *tl, const struct text_opts *o, unsigned conn);
/* One past the highest connection export_shows_diagnosis may be asked about. */
unsigned export_conn_bound(const struct timeline *tl);

/* The file an export goes to: path, or for serve's connection number (> 0)
 * path with "-number" before its extension. "-" stays "-". */
void export_file_name(const char *path, uint64_t number, char *buf, size_t n);
/* Checks before any network work that path can be written (serve: its
 * directory). 0, or -1 with err (TL_EXIT_FILES). */
int export_check(const char *path, bool per_connection, struct tl_error *err);
/* Writes the timeline in format fmt to path (number: see export_file_name).
 * 0, or -1 with err (TL_EXIT_FILES). */
int export_write(enum export_format fmt, const char *path, uint64_t number, const struct timeline *tl,
		 const struct text_opts *o, struct tl_error *err);

#endif
