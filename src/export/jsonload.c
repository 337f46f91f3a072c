/*
 * jsonload.c: a saved run back into a timeline (see jsonload.h). The
 * document is found (one per file, or one per line), its head checked
 * (format, format version, mode), then each part is read through the
 * field tables of jsonfields.c and stored with the timeline's own setters:
 * events (timeline_append_raw), results, chain verdicts, Finished checks,
 * secrets. The first fault ends the load with one line saying where.
 */
#include "tlsladder/jsonload.h"
#include "tlsladder/chain.h"
#include "tlsladder/finished.h"
#include "tlsladder/jsonfields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONN 65535u       /* as many connections as a timeline keeps */

/* What a load is given and where it is. */
struct load {
	const char *name;          /* the input, for error lines */
	struct tl_error *err;
	char why[256];             /* the fault jsonfields_get found */
};

/* Sets the load's error; returns false. */
static bool fault(struct load *ld, const char *what, size_t index)
{
	if (index == (size_t)-1)
		tl_error_set(ld->err, TL_EXIT_FILES, "%s: not a valid tlsladder run: %s", ld->name, what);
	else
		tl_error_set(ld->err, TL_EXIT_FILES, "%s: not a valid tlsladder run: %s %zu: %s", ld->name, what, index,
			     ld->why);
	return false;
}

/* Copies a string member of the head into out (n bytes); false when it is not a string that fits. */
static bool head_string(const json_t *doc, const char *key, char *out, size_t n, bool required)
{
	const json_t *v = json_object_get(doc, key);
	const char *s = json_string_value(v);

	if (!v)
		return !required;
	if (!s || json_string_length(v) >= n || strlen(s) != json_string_length(v))
		return false;
	memcpy(out, s, json_string_length(v) + 1);
	return true;
}

/* Reads the head: format, version, mode, target, title, exit code. */
static bool load_head(const json_t *doc, struct json_run *run, struct load *ld)
{
	const json_t *ver = json_object_get(doc, "format_version");
	const json_t *code = json_object_get(doc, "exit_code"), *num = json_object_get(doc, "connection_number");
	const char *format = json_string_value(json_object_get(doc, "format"));
	char mode[16] = "";
	char msg[160];

	if (!json_is_object(doc) || !format || strcmp(format, "tlsladder-run") != 0)
		return fault(ld, "it is not a tlsladder run (\"format\": \"tlsladder-run\" is missing)", (size_t)-1);
	if (!json_is_integer(ver) || json_integer_value(ver) != JSON_FORMAT_VERSION) {
		snprintf(msg, sizeof msg, "format version %lld; this tlsladder reads version %d",
			 json_is_integer(ver) ? (long long)json_integer_value(ver) : -1LL, JSON_FORMAT_VERSION);
		tl_error_set(ld->err, TL_EXIT_FILES, "%s: %s", ld->name, msg);
		return false;
	}
	if (!head_string(doc, "mode", mode, sizeof mode, true))
		return fault(ld, "\"mode\" is missing", (size_t)-1);
	for (int m = JSON_MODE_DEMO; m <= JSON_MODE_CAPTURE; m++)
		if (strcmp(mode, json_mode_name((enum json_mode)m)) == 0)
			run->mode = (enum json_mode)m;
	if (strcmp(mode, json_mode_name(run->mode)) != 0)
		return fault(ld, "\"mode\" is not demo, client, serve or capture", (size_t)-1);
	if (!head_string(doc, "target", run->target, sizeof run->target, true) ||
	    !head_string(doc, "title", run->title, sizeof run->title, true) ||
	    !head_string(doc, "scenario", run->scenario, sizeof run->scenario, false))
		return fault(ld, "\"target\", \"title\" or \"scenario\" is not a string that fits", (size_t)-1);
	if (!json_is_integer(code) || json_integer_value(code) < 0 || json_integer_value(code) > 255)
		return fault(ld, "\"exit_code\" is not an exit code", (size_t)-1);
	run->exit_code = (int)json_integer_value(code);
	if (num && (!json_is_integer(num) || json_integer_value(num) < 0))
		return fault(ld, "\"connection_number\" is not a number", (size_t)-1);
	run->conn_number = num ? (uint64_t)json_integer_value(num) : 0;
	return true;
}

/* The member key of doc as an array (an absent one is empty); NULL when it is something else. */
static const json_t *array_of(const json_t *doc, const char *key, const json_t *empty)
{
	const json_t *v = json_object_get(doc, key);

	if (!v)
		return empty;
	return json_is_array(v) ? v : NULL;
}

/* Appends every event. */
static bool load_events(struct timeline *tl, const json_t *arr, struct load *ld)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct tl_event ev;
		bool ok;

		memset(&ev, 0, sizeof ev);
		ok = jsonfields_get(&jsonfields_event, json_array_get(arr, i), &ev, ld->why, sizeof ld->why);
		if (ok && ev.conn > MAX_CONN) {
			snprintf(ld->why, sizeof ld->why, "event.conn: out of range");
			ok = false;
		}
		if (ok && timeline_append_raw(tl, &ev) < 0) {
			jsonfields_free(&jsonfields_event, &ev);
			tl_error_set(ld->err, TL_EXIT_INTERNAL, "%s: out of memory", ld->name);
			return false;
		}
		jsonfields_free(&jsonfields_event, &ev);
		if (!ok)
			return fault(ld, "event", i);
	}
	return true;
}

/* One side's result and chain verdict in a connection, where the file has them. */
static bool load_side(struct timeline *tl, const json_t *c, unsigned conn, enum tl_side side, struct chain_result *chain,
		      struct load *ld)
{
	const char *name = side == TL_CLIENT ? "client" : "server";
	const json_t *results = json_object_get(c, "results"), *chains = json_object_get(c, "chains");
	const json_t *r = json_object_get(results, name), *v = json_object_get(chains, name);

	if ((results && !json_is_object(results)) || (chains && !json_is_object(chains))) {
		snprintf(ld->why, sizeof ld->why, "\"results\" and \"chains\" are objects");
		return false;
	}
	if (r) {
		struct tl_result res;
		memset(&res, 0, sizeof res);
		if (!jsonfields_get(&jsonfields_result, r, &res, ld->why, sizeof ld->why))
			return false;
		timeline_set_result(tl, side, conn, &res);
	}
	if (v) {
		memset(chain, 0, sizeof *chain);
		if (!jsonfields_get(&jsonfields_chain, v, chain, ld->why, sizeof ld->why))
			return false;
		if (chain->judge != side) {
			snprintf(ld->why, sizeof ld->why, "chains.%s: judged by the other side", name);
			return false;
		}
		timeline_set_chain(tl, side, conn, chain);
	}
	return true;
}

/* Each connection's results and chain verdicts. */
static bool load_conns(struct timeline *tl, const json_t *arr, struct load *ld)
{
	struct chain_result *chain = malloc(sizeof *chain);
	bool ok = chain != NULL;

	if (!chain) {
		tl_error_set(ld->err, TL_EXIT_INTERNAL, "%s: out of memory", ld->name);
		return false;
	}
	for (size_t i = 0; ok && i < json_array_size(arr); i++) {
		const json_t *c = json_array_get(arr, i), *conn = json_object_get(c, "conn");
		if (!json_is_integer(conn) || json_integer_value(conn) < 0 || json_integer_value(conn) > MAX_CONN) {
			snprintf(ld->why, sizeof ld->why, "\"conn\" is not a connection number");
			ok = false;
		} else {
			ok = load_side(tl, c, (unsigned)json_integer_value(conn), TL_CLIENT, chain, ld) &&
			     load_side(tl, c, (unsigned)json_integer_value(conn), TL_SERVER, chain, ld);
		}
		if (!ok)
			fault(ld, "connection", i);
	}
	free(chain);
	return ok;
}

/* The stored Finished checks. */
static bool load_finished(struct timeline *tl, const json_t *arr, struct load *ld)
{
	size_t count = timeline_count(tl);

	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct finished_result r;
		memset(&r, 0, sizeof r);
		if (!jsonfields_get(&jsonfields_finished, json_array_get(arr, i), &r, ld->why, sizeof ld->why))
			return fault(ld, "finished", i);
		if (r.index >= count || r.conn > MAX_CONN || r.secret_conn > MAX_CONN) {
			snprintf(ld->why, sizeof ld->why, "finished.index or .conn: out of range");
			return fault(ld, "finished", i);
		}
		timeline_set_finished(tl, &r);
		memset(&r, 0, sizeof r);
	}
	return true;
}

/* The kept wire (before the records' facts, which point into it), then those facts. */
static bool load_records(struct timeline *tl, const json_t *wire, const json_t *recs, struct load *ld)
{
	size_t count = timeline_count(tl);

	if (json_array_size(wire) > 0)
		timeline_wire_keep(tl, SIZE_MAX);
	for (size_t i = 0; i < json_array_size(wire); i++) {
		struct tl_wire_chunk c;
		memset(&c, 0, sizeof c);
		if (!jsonfields_get(&jsonfields_wire, json_array_get(wire, i), &c, ld->why, sizeof ld->why) ||
		    c.conn > MAX_CONN) {
			jsonfields_free(&jsonfields_wire, &c);
			return fault(ld, "wire", i);
		}
		timeline_wire_add(tl, c.conn, c.from, true, c.bytes, c.len);
		jsonfields_free(&jsonfields_wire, &c);
	}
	for (size_t i = 0; i < json_array_size(recs); i++) {
		struct tl_record_facts f;
		memset(&f, 0, sizeof f);
		if (!jsonfields_get(&jsonfields_record, json_array_get(recs, i), &f, ld->why, sizeof ld->why))
			return fault(ld, "record", i);
		if (f.index >= count) {
			snprintf(ld->why, sizeof ld->why, "records.index: out of range");
			return fault(ld, "record", i);
		}
		timeline_set_record(tl, &f);
		memset(&f, 0, sizeof f);
	}
	return true;
}

/* The secrets, when the file has them. */
static bool load_secrets(struct timeline *tl, const json_t *arr, struct load *ld)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct tl_secret s;
		memset(&s, 0, sizeof s);
		if (!jsonfields_get(&jsonfields_secret, json_array_get(arr, i), &s, ld->why, sizeof ld->why) ||
		    s.conn > MAX_CONN) {
			memset(&s, 0, sizeof s);
			return fault(ld, "secret", i);
		}
		timeline_add_secret(tl, &s);
		memset(&s, 0, sizeof s);
	}
	return true;
}

/* Builds the timeline of one parsed document. */
static struct timeline *load_doc(const json_t *doc, struct json_run *run, struct load *ld)
{
	json_t *empty = json_array();
	const json_t *events = array_of(doc, "events", empty), *conns = array_of(doc, "connections", empty);
	const json_t *fin = array_of(doc, "finished", empty), *secrets = array_of(doc, "secrets", empty);
	const json_t *records = array_of(doc, "records", empty), *wire = array_of(doc, "wire", empty);
	struct timeline *tl = NULL;
	bool ok;

	memset(run, 0, sizeof *run);
	ok = empty && load_head(doc, run, ld);
	if (ok && (!events || !conns || !fin || !secrets))
		ok = fault(ld, "\"events\", \"connections\", \"finished\" and \"secrets\" are arrays", (size_t)-1);
	if (ok && !(tl = timeline_create(false))) {
		tl_error_set(ld->err, TL_EXIT_INTERNAL, "%s: out of memory", ld->name);
		ok = false;
	}
	ok = ok && load_events(tl, events, ld) && load_conns(tl, conns, ld) && load_finished(tl, fin, ld) &&
	     load_secrets(tl, secrets, ld) && (records && wire ? load_records(tl, wire, records, ld)
							   : fault(ld, "\"records\" and \"wire\" are arrays", (size_t)-1));
	json_decref(empty);
	if (!ok) {
		timeline_destroy(tl);
		return NULL;
	}
	timeline_finish(tl);
	return tl;
}

/* True when the n bytes at p are only blanks. */
static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* True when doc is the one asked for: any (conn_number 0), or serve's connection conn_number. */
static bool wanted(const json_t *doc, uint64_t conn_number)
{
	const json_t *n = json_object_get(doc, "connection_number");

	return conn_number == 0 || (json_is_integer(n) && (uint64_t)json_integer_value(n) == conn_number);
}

/* Parses the document asked for: the whole input, or else one per line. NULL with err. */
static json_t *find_doc(const char *buf, size_t len, uint64_t conn_number, struct load *ld)
{
	json_error_t je;
	json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	size_t line = 0;

	if (doc && wanted(doc, conn_number))
		return doc;
	if (doc) {
		json_decref(doc);
		tl_error_set(ld->err, TL_EXIT_FILES, "%s: holds no connection %llu", ld->name, (unsigned long long)conn_number);
		return NULL;
	}
	for (const char *p = buf, *end = buf + len; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!blank(p, n)) {
			doc = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
			if (!doc) {
				tl_error_set(ld->err, TL_EXIT_FILES, "%s: not valid JSON (line %zu: %s)", ld->name, line + 1, je.text);
				return NULL;
			}
			if (wanted(doc, conn_number))
				return doc;
			json_decref(doc);
		}
		p += n + 1;
	}
	if (conn_number)
		tl_error_set(ld->err, TL_EXIT_FILES, "%s: holds no connection %llu", ld->name, (unsigned long long)conn_number);
	else
		tl_error_set(ld->err, TL_EXIT_FILES, "%s: holds no JSON document", ld->name);
	return NULL;
}

/* Loads a document from a buffer. */
struct timeline *jsonload_buffer(const char *buf, size_t len, uint64_t conn_number, const char *name,
				 struct json_run *run, struct tl_error *err)
{
	struct load ld = { name, err, "" };
	json_t *doc = find_doc(buf, len, conn_number, &ld);
	struct timeline *tl;

	if (!doc)
		return NULL;
	tl = load_doc(doc, run, &ld);
	json_decref(doc);
	return tl;
}

/* Reads a whole file into a new buffer. */
bool jsonload_read(const char *path, char **out, size_t *out_len, struct tl_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool ok = false;

	if (!f) {
		tl_error_set(err, TL_EXIT_FILES, "%s: cannot be read: %s", path, strerror(errno));
		return false;
	}
	for (;;) {
		size_t got;
		if (len == cap) {
			char *nb = cap < JSONLOAD_MAX_BYTES ? realloc(buf, cap ? cap * 2 : 65536) : NULL;
			if (!nb) {
				tl_error_set(err, cap < JSONLOAD_MAX_BYTES ? TL_EXIT_INTERNAL : TL_EXIT_FILES,
					     "%s: too large to load (out of memory, or over %u MiB)", path, JSONLOAD_MAX_BYTES >> 20);
				goto done;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		tl_error_set(err, TL_EXIT_FILES, "%s: cannot be read: %s", path, strerror(errno));
	else
		ok = true;
done:
	fclose(f);
	if (!ok) {
		free(buf);
		return false;
	}
	*out = buf;
	*out_len = len;
	return true;
}

/* Loads a document from the file at path. */
struct timeline *jsonload_file(const char *path, uint64_t conn_number, struct json_run *run, struct tl_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	struct timeline *tl;

	if (!jsonload_read(path, &buf, &len, err))
		return NULL;
	tl = jsonload_buffer(buf, len, conn_number, path, run, err);
	free(buf);
	return tl;
}
