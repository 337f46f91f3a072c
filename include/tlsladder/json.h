/*
 * json: a run saved as a JSON document (the replay format, documented in
 * docs/json-format.md and docs/tlsladder-run.schema.json), and the one
 * JSON object --summary-json prints for scripts.
 *
 * The writer only renders what the model holds: every event with its raw
 * bytes, each side's result per connection, the chain verdicts, the
 * Finished checks, the diagnosis and the summary; the secrets only when
 * asked. Documents are written one per line (JSON Lines): a run is one
 * line, serve writes one line per connection as it ends.
 */
#ifndef TLSLADDER_JSON_H
#define TLSLADDER_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* The version of the saved-run format; a loader takes only this one. */
#define JSON_FORMAT_VERSION 1

/* How a run was made, and how its ladder is shown (what the timeline does not hold). */
enum json_mode { JSON_MODE_DEMO, JSON_MODE_CLIENT, JSON_MODE_SERVE, JSON_MODE_CAPTURE };

/* What a document says about its run besides the timeline. */
struct json_run {
	enum json_mode mode;
	char scenario[64];         /* demo: the scenario's name */
	char target[320];          /* the interactive ladder's header: "demo tls13", "localhost port 4433" */
	char title[320];           /* the text ladder's first line */
	uint64_t conn_number;      /* serve: the connection's number (its ladder's title says it) */
	int exit_code;             /* the run's exit code (enum tl_exit) */
};

/* "demo", "client", "serve" (static), as the document names the mode. */
const char *json_mode_name(enum json_mode mode);

/* The side whose view a mode's diagnosis takes (the client; serve: the server). */
enum tl_side json_view_side(enum json_mode mode);
/* The connection a mode's diagnosis and summary are about (the demo: the last). */
unsigned json_view_conn(const struct timeline *tl, enum json_mode mode);

/*
 * Opens path for documents ("-": stdout). With secrets the file is created
 * mode 0600, a symbolic link is refused, and so is an existing file open to
 * others. Returns the stream, or NULL with err (TL_EXIT_FILES).
 */
FILE *json_open(const char *path, bool secrets, struct tl_error *err);
/* Closes what json_open returned (not stdout); false with err when writing had failed. */
bool json_close(FILE *f, const char *path, struct tl_error *err);

/* Writes the run as one document on one line, and flushes. -1 with err on failure. */
int json_write(FILE *f, const struct timeline *tl, const struct json_run *run, bool secrets, struct tl_error *err);

/*
 * Writes the --summary-json object on one line: outcome, diagnosis codes,
 * exit code, version, suite, chain verdicts of connection
 * json_view_conn(tl, run->mode) from json_view_side(run->mode).
 */
void json_summary(FILE *f, const struct timeline *tl, const struct json_run *run);

#endif
