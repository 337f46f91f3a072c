/*
 * export.c: the rows, words and files the Mermaid, Markdown and SVG exports
 * share (see export.h).
 */
#include "tlsladder/export.h"
#include "tlsladder/markdown.h"
#include "tlsladder/mermaid.h"
#include "tlsladder/svg.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

/* Starts a walk over the message ladder. */
void export_iter_init(struct export_iter *it, const struct timeline *tl, const struct text_opts *o)
{
	memset(it, 0, sizeof *it);
	ladder_init(&it->l, tl, false);
	if (o->only_conn >= 0)
		ladder_set_conn(&it->l, o->only_conn);
	ladder_update(&it->l);
	it->o = o;
}

/* The next row, numbered as the text ladder numbers it. */
bool export_iter_next(struct export_iter *it, struct export_row *row)
{
	while (it->r < it->l.nrows) {
		size_t i = it->l.rows[it->r++].ev;
		if (!timeline_get(it->l.tl, i, &row->ev))
			continue;
		row->index = i;
		row->step = ++it->step;
		row->new_conn = it->o->only_conn < 0 && row->ev.conn != it->conn;
		it->conn = row->ev.conn;
		return true;
	}
	return false;
}

/* Frees the walk. */
void export_iter_free(struct export_iter *it)
{
	ladder_free(&it->l);
}

/* True for notes, errors and pre-flight findings. */
bool export_is_note(const struct tl_event *ev)
{
	return ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR || ev->kind == TL_EV_DIAGNOSIS;
}

/* "note (client): text": a pre-flight finding ("sentence\nfix") shows its sentence, as the text ladder does. */
void export_note_text(const struct tl_event *ev, char *buf, size_t n)
{
	const char *what = ev->kind == TL_EV_NOTE ? "note" : ev->kind == TL_EV_ERROR ? "error" : "pre-flight";
	const char *t = ev->text ? ev->text : "";
	const char *nl = ev->kind == TL_EV_DIAGNOSIS ? strchr(t, '\n') : NULL;
	int len = nl ? (int)(nl - t) : (int)strlen(t);

	snprintf(buf, n, "%s (%s): %.*s", what, ev->from == TL_CLIENT ? "client" : "server", len, t);
}

/* The keys of an encrypted message in words. */
const char *export_keys_name(enum tl_keys k)
{
	switch (k) {
	case TL_KEYS_HANDSHAKE: return "handshake keys";
	case TL_KEYS_APPLICATION: return "application keys";
	case TL_KEYS_TLS12: return "TLS 1.2 session keys";
	case TL_KEYS_EARLY: return "early data keys";
	default: return "";
	}
}

/* The side the diagnosis speaks for. */
enum tl_side export_diag_side(const struct text_opts *o)
{
	return o->server_only ? TL_SERVER : TL_CLIENT;
}

/* The text ladder's choice of diagnoses. */
bool export_shows_diagnosis(const struct timeline *tl, const struct text_opts *o, unsigned conn)
{
	if (timeline_conn_count(tl) == 0)
		return conn == 0 && timeline_finished(tl);
	return o->only_conn < 0 || conn == (unsigned long)o->only_conn;
}

/* The connections to ask about. */
unsigned export_conn_bound(const struct timeline *tl)
{
	return timeline_conn_count(tl) ? timeline_conn_count(tl) : 1;
}

/* path, or path with "-number" before the extension of its last component. */
void export_file_name(const char *path, uint64_t number, char *buf, size_t n)
{
	const char *base = strrchr(path, '/'), *dot;

	if (number == 0 || strcmp(path, "-") == 0) {
		snprintf(buf, n, "%s", path);
		return;
	}
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		snprintf(buf, n, "%s-%" PRIu64, path, number);
	else
		snprintf(buf, n, "%.*s-%" PRIu64 "%s", (int)(dot - path), path, number, dot);
}

/* Checks that path (or, per connection, its directory) can be written. */
int export_check(const char *path, bool per_connection, struct tl_error *err)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return 0;
	if (per_connection) {
		char dir[4096];
		const char *slash = strrchr(path, '/');
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
		if (access(dir, W_OK) != 0)
			return tl_error_set(err, TL_EXIT_FILES, "%s: cannot write files in %s: %s", path, dir, strerror(errno));
		return 0;
	}
	f = fopen(path, "a");
	if (!f)
		return tl_error_set(err, TL_EXIT_FILES, "%s: cannot be written: %s", path, strerror(errno));
	fclose(f);
	return 0;
}

/* Writes one format to f. */
static void write_format(enum export_format fmt, FILE *f, const struct timeline *tl, const struct text_opts *o)
{
	switch (fmt) {
	case EXPORT_MERMAID: mermaid_write(f, tl, o); break;
	case EXPORT_MARKDOWN: markdown_write(f, tl, o); break;
	case EXPORT_SVG: svg_write(f, tl, o); break;
	}
}

/* Writes the timeline to path in fmt. */
int export_write(enum export_format fmt, const char *path, uint64_t number, const struct timeline *tl,
		 const struct text_opts *o, struct tl_error *err)
{
	char name[4200];
	FILE *f;
	bool bad;

	export_file_name(path, number, name, sizeof name);
	if (strcmp(name, "-") == 0) {
		write_format(fmt, stdout, tl, o);
		return fflush(stdout) == 0 ? 0 : tl_error_set(err, TL_EXIT_FILES, "writing to standard output failed");
	}
	f = fopen(name, "w");
	if (!f)
		return tl_error_set(err, TL_EXIT_FILES, "%s: cannot be written: %s", name, strerror(errno));
	write_format(fmt, f, tl, o);
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		return tl_error_set(err, TL_EXIT_FILES, "%s: writing failed: %s", name, strerror(errno));
	return 0;
}
