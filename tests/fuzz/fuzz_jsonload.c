/*
 * fuzz_jsonload: libFuzzer target for the saved-run loader (jsonload.c and
 * the field tables of jsonfields.c): any input either loads or is refused
 * with one line, never a crash. A loaded timeline is then rendered every way
 * a replay renders it (the text ladder with the full trees, i.e. the X.509
 * views, the Finished checks and the key schedules from the loaded facts;
 * the wire view; the summary object), and saved again. The promise checked
 * beyond "no crash, no leak, no UB": what the writer saves from a loaded run
 * loads again and saves to the very same bytes (writer and loader agree on
 * every field), and an error is one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/inspect.h"
#include "tlsladder/json.h"
#include "tlsladder/jsonload.h"
#include "tlsladder/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The full tree of event i, as the program builds it. */
static struct tree_node *tree_of(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return inspect_event(tl, i);
}

/* The saved document of tl (with its secrets) in a new buffer; *len its length. */
static char *save(const struct timeline *tl, const struct json_run *run, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct tl_error err = { 0, "" };

	if (!f)
		return NULL;
	if (json_write(f, tl, run, true, &err) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* Renders tl as a replay does. */
static void render(const struct timeline *tl, const struct json_run *run)
{
	struct text_opts modes[] = {
		{ .title = run->title, .verbose = 2, .tree = tree_of, .only_conn = -1 },
		{ .title = run->title, .wire = true, .only_conn = -1 },
		{ .title = run->title, .server_only = true, .only_conn = 0, .conn_number = run->conn_number },
	};
	FILE *f = fopen("/dev/null", "w");

	if (!f)
		return;
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
		text_write(f, tl, &modes[m]);
	json_summary(f, tl, run);
	fclose(f);
}

/* Saves a loaded run, loads that, saves again: the two saves must be equal. */
static void round_trip(const struct timeline *tl, const struct json_run *run)
{
	size_t len1 = 0, len2 = 0;
	char *one = save(tl, run, &len1), *two = NULL;
	struct json_run again;
	struct tl_error err = { 0, "" };
	struct timeline *tl2 = one ? jsonload_buffer(one, len1, 0, "saved", &again, &err) : NULL;

	if (one && !tl2 && err.code != TL_EXIT_INTERNAL) {
		fprintf(stderr, "fuzz_jsonload: a saved run does not load: %s\n", err.msg);
		abort();
	}
	if (tl2)
		two = save(tl2, &again, &len2);
	if (one && two && (len1 != len2 || memcmp(one, two, len1) != 0)) {
		fprintf(stderr, "fuzz_jsonload: saving a loaded save changed it:\n%.*s\n%.*s\n", (int)len1, one, (int)len2, two);
		abort();
	}
	free(one);
	free(two);
	timeline_destroy(tl2);
}

/* One input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_run run;
	struct tl_error err = { 0, "" };
	struct timeline *tl = jsonload_buffer((const char *)data, size, 0, "input", &run, &err);

	if (!tl) {
		if (!err.msg[0] || strchr(err.msg, '\n')) {
			fprintf(stderr, "fuzz_jsonload: a refusal must be one line: \"%s\"\n", err.msg);
			abort();
		}
		return 0;
	}
	render(tl, &run);
	round_trip(tl, &run);
	timeline_destroy(tl);
	return 0;
}
