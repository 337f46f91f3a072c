/*
 * json.c: the saved-run document and the --summary-json object (see
 * json.h and docs/json-format.md). Everything is built as jansson values
 * from the model (the tables of jsonfields.c for the typed facts) and
 * dumped compact, one document per line. Nothing here judges: the
 * diagnosis, the summary and the chain words come from their modules.
 */
#include "tlsladder/json.h"
#include "tlsladder/buildinfo.h"
#include "tlsladder/chain.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/finished.h"
#include "tlsladder/jsonfields.h"
#include "tlsladder/names.h"
#include "tlsladder/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define DIAG_MAX 8

static const char *const mode_names[] = { "demo", "client", "serve", "capture" };

/* The mode's name in a document. */
const char *json_mode_name(enum json_mode mode)
{
	return mode_names[mode];
}

/* The side a mode's diagnosis takes. */
enum tl_side json_view_side(enum json_mode mode)
{
	return mode == JSON_MODE_SERVE ? TL_SERVER : TL_CLIENT;
}

/* The connection a mode's diagnosis is about. */
unsigned json_view_conn(const struct timeline *tl, enum json_mode mode)
{
	unsigned n = timeline_conn_count(tl);

	return mode == JSON_MODE_DEMO && n ? n - 1 : 0;
}

/* Sets key in obj to v (stolen); false when either is missing. */
static bool set(json_t *obj, const char *key, json_t *v)
{
	return obj && v && json_object_set_new(obj, key, v) == 0;
}

/* Appends v (stolen) to arr; false when either is missing. */
static bool push(json_t *arr, json_t *v)
{
	return arr && v && json_array_append_new(arr, v) == 0;
}

/* A string that may hold peer bytes (a JSON string, or {"hex"} when not UTF-8). */
static json_t *str(const char *s)
{
	return s ? jsonfields_string(s, strlen(s)) : json_null();
}

/* How many connections the timeline speaks of (results, or events). */
static unsigned conn_total(const struct timeline *tl)
{
	unsigned n = timeline_conn_count(tl);
	size_t count = timeline_count(tl);

	for (size_t i = 0; i < count; i++) {
		struct tl_event ev;
		if (timeline_get(tl, i, &ev) && ev.conn >= n && ev.conn < 65536)
			n = ev.conn + 1;
	}
	return n;
}

/* Every event, in order. */
static json_t *events_json(const struct timeline *tl)
{
	json_t *arr = json_array();
	size_t count = timeline_count(tl);

	for (size_t i = 0; arr && i < count; i++) {
		struct tl_event ev;
		if (timeline_get(tl, i, &ev) && !push(arr, jsonfields_put(&jsonfields_event, &ev, false))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* One connection: each side's result and the chain verdict each side reached, where there is one. */
static json_t *conn_json(const struct timeline *tl, unsigned conn, struct chain_result *c)
{
	json_t *obj = json_object(), *results = json_object(), *chains = json_object();
	bool ok = set(obj, "conn", json_integer(conn));

	for (int side = TL_CLIENT; ok && side <= TL_SERVER; side++) {
		const char *name = side == TL_CLIENT ? "client" : "server";
		struct tl_result r;
		timeline_get_result(tl, (enum tl_side)side, conn, &r);
		if (r.set)
			ok = set(results, name, jsonfields_put(&jsonfields_result, &r, false));
		if (ok && timeline_get_chain(tl, (enum tl_side)side, conn, c))
			ok = set(chains, name, jsonfields_put(&jsonfields_chain, c, false));
	}
	ok = ok && set(obj, "results", json_incref(results)) && set(obj, "chains", json_incref(chains));
	json_decref(results);
	json_decref(chains);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* The connections, from 0 on. */
static json_t *conns_json(const struct timeline *tl)
{
	json_t *arr = json_array();
	struct chain_result *c = malloc(sizeof *c);
	unsigned n = conn_total(tl);

	for (unsigned conn = 0; arr && c && conn < n; conn++) {
		if (!push(arr, conn_json(tl, conn, c))) {
			json_decref(arr);
			arr = NULL;
		}
	}
	free(c);
	if (!c)
		json_decref(arr);
	return c ? arr : NULL;
}

/* The stored checks of the Finished messages (the finished key or master secret only with the secrets). */
static json_t *finished_json(const struct timeline *tl, bool secrets)
{
	json_t *arr = json_array();
	size_t count = timeline_count(tl);

	for (size_t i = 0; arr && i < count; i++) {
		struct finished_result r;
		if (timeline_get_finished(tl, i, &r) && !push(arr, jsonfields_put(&jsonfields_finished, &r, secrets))) {
			json_decref(arr);
			arr = NULL;
		}
		memset(&r, 0, sizeof r);
	}
	return arr;
}

/* The stored facts of the records (the IVs and nonces only with the secrets). */
static json_t *records_json(const struct timeline *tl, bool secrets)
{
	json_t *arr = json_array();
	size_t count = timeline_count(tl);

	for (size_t i = 0; arr && i < count; i++) {
		struct tl_record_facts f;
		if (timeline_get_record(tl, i, &f) && !push(arr, jsonfields_put(&jsonfields_record, &f, secrets))) {
			json_decref(arr);
			arr = NULL;
		}
		memset(&f, 0, sizeof f);
	}
	return arr;
}

/* The bytes on the wire the timeline kept, in the order they went (the records' bytes). */
static json_t *wire_json(const struct timeline *tl)
{
	json_t *arr = json_array();
	size_t count = timeline_wire_count(tl);

	for (size_t i = 0; arr && i < count; i++) {
		struct tl_wire_chunk c;
		if (timeline_wire_get(tl, i, &c) && c.len > 0 && !push(arr, jsonfields_put(&jsonfields_wire, &c, false))) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

/* The secrets of the key log: with their values only when asked (else each is marked withheld). */
static json_t *secrets_json(const struct timeline *tl, bool values)
{
	json_t *arr = json_array();
	size_t n = timeline_secret_count(tl);

	for (size_t i = 0; arr && i < n; i++) {
		struct tl_secret s;
		if (!timeline_get_secret(tl, i, &s))
			continue;
		if (!values) {
			memset(s.secret, 0, sizeof s.secret);
			s.withheld = true;
		}
		if (!push(arr, jsonfields_put(&jsonfields_secret, &s, values && !s.withheld))) {
			json_decref(arr);
			arr = NULL;
		}
		memset(&s, 0, sizeof s);
	}
	return arr;
}

/* A number with its name ("cipher_suite": 4866, "cipher_suite_name": "TLS_AES_..."), the name null when unknown. */
static bool named(json_t *obj, const char *key, unsigned v, const char *name)
{
	char k[64];

	snprintf(k, sizeof k, "%s_name", key);
	return set(obj, key, json_integer(v)) && set(obj, k, name ? json_string(name) : json_null());
}

/* What each connection negotiated (summary.h), for readers of the file; the loader recomputes it. */
static json_t *summary_json(const struct timeline *tl)
{
	json_t *arr = json_array();
	unsigned n = conn_total(tl);

	for (unsigned conn = 0; arr && conn < n; conn++) {
		struct summary s;
		json_t *o = json_object();
		bool ok = summary_build(tl, conn, &s) && set(o, "conn", json_integer(conn)) &&
			  named(o, "version", s.version, s.version ? names_version(s.version) : NULL) &&
			  named(o, "cipher_suite", s.cipher_suite, s.cipher_suite ? names_cipher_suite(s.cipher_suite) : NULL) &&
			  named(o, "group", s.group, s.group ? names_group(s.group) : NULL) &&
			  set(o, "key_exchange", summary_kx_name(s.kx) ? json_string(summary_kx_name(s.kx)) : json_null()) &&
			  set(o, "resumed", json_boolean(s.resumed)) && set(o, "hello_retry", json_boolean(s.hrr));
		if (!ok) {
			json_decref(o);
			continue;         /* a connection with no events has no summary */
		}
		if (!push(arr, o)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

/* The diagnosis of the view's connection from the view's side: every finding, the primary cause first. */
static json_t *diagnosis_json(const struct timeline *tl, enum json_mode mode)
{
	struct diag_finding *d = calloc(DIAG_MAX, sizeof *d);
	unsigned conn = json_view_conn(tl, mode);
	enum tl_side side = json_view_side(mode);
	json_t *obj = json_object(), *list = json_array();
	size_t n = d ? diagnose(tl, conn, side, d, DIAG_MAX) : 0;
	bool ok = d && set(obj, "conn", json_integer(conn)) && set(obj, "side", json_string(side == TL_CLIENT ? "client" : "server"));

	for (size_t i = 0; ok && i < n; i++) {
		json_t *f = json_object(), *ev = json_array();
		for (unsigned k = 0; k < d[i].nevidence; k++)
			push(ev, json_integer((json_int_t)d[i].evidence[k]));
		ok = set(f, "code", json_string(diag_code_name(d[i].code))) && set(f, "sentence", str(d[i].sentence)) &&
		     set(f, "fix", str(d[i].fix)) && set(f, "evidence", ev) && push(list, f);
	}
	free(d);
	ok = ok && set(obj, "findings", json_incref(list));
	json_decref(list);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* The document's head: format, versions, how the run was made and shown. */
static json_t *head_json(const struct json_run *run, bool secrets, const struct timeline *tl)
{
	json_t *doc = json_object();
	bool ok = set(doc, "format", json_string("tlsladder-run")) &&
		  set(doc, "format_version", json_integer(JSON_FORMAT_VERSION)) &&
		  set(doc, "tlsladder_version", json_string(TLSLADDER_VERSION)) &&
		  set(doc, "mode", json_string(mode_names[run->mode])) && set(doc, "target", str(run->target)) &&
		  set(doc, "title", str(run->title)) && set(doc, "exit_code", json_integer(run->exit_code)) &&
		  set(doc, "secrets_included", json_boolean(secrets)) &&
		  set(doc, "dropped_events", json_integer(timeline_dropped(tl)));

	if (ok && run->mode == JSON_MODE_DEMO)
		ok = set(doc, "scenario", str(run->scenario));
	if (ok && run->mode == JSON_MODE_SERVE)
		ok = set(doc, "connection_number", json_integer((json_int_t)run->conn_number));
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The whole document. */
static json_t *doc_json(const struct timeline *tl, const struct json_run *run, bool secrets)
{
	json_t *doc = head_json(run, secrets, tl);
	bool ok = set(doc, "events", events_json(tl)) && set(doc, "connections", conns_json(tl)) &&
		  set(doc, "finished", finished_json(tl, secrets)) && set(doc, "summary", summary_json(tl)) &&
		  set(doc, "diagnosis", diagnosis_json(tl, run->mode)) && set(doc, "secrets", secrets_json(tl, secrets)) &&
		  set(doc, "records", records_json(tl, secrets)) && set(doc, "wire", wire_json(tl));

	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* Writes the run as one line. */
int json_write(FILE *f, const struct timeline *tl, const struct json_run *run, bool secrets, struct tl_error *err)
{
	json_t *doc = doc_json(tl, run, secrets);
	int rc;

	if (!doc)
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory while writing the JSON document");
	rc = json_dumpf(doc, f, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(doc);
	if (rc != 0 || fputc('\n', f) == EOF || fflush(f) != 0)
		return tl_error_set(err, TL_EXIT_FILES, "writing the JSON document failed: %s", strerror(errno));
	return 0;
}

/* Opens path for documents. */
FILE *json_open(const char *path, bool secrets, struct tl_error *err)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (secrets ? O_NOFOLLOW : 0);
	struct stat st;
	FILE *f;
	int fd;

	if (strcmp(path, "-") == 0)
		return stdout;
	fd = open(path, flags, secrets ? 0600 : 0666);
	if (fd < 0 && errno == ELOOP && secrets) {
		tl_error_set(err, TL_EXIT_FILES, "%s: the JSON file is a symbolic link; a run with its secrets is written "
				    "only to a file named directly", path);
		return NULL;
	}
	if (fd < 0) {
		tl_error_set(err, TL_EXIT_FILES, "%s: the JSON file cannot be written: %s", path, strerror(errno));
		return NULL;
	}
	if (secrets && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077))) {
		tl_error_set(err, TL_EXIT_FILES, "%s: the JSON file is not a regular file of mode 0600, and its secrets "
				    "decrypt the connection: name a new file", path);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		tl_error_set(err, TL_EXIT_INTERNAL, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

/* Closes a document stream. */
bool json_close(FILE *f, const char *path, struct tl_error *err)
{
	bool ok;

	if (!f)
		return true;
	ok = !ferror(f);
	if (f == stdout)
		ok = fflush(f) == 0 && ok;
	else
		ok = fclose(f) == 0 && ok;
	if (!ok)
		tl_error_set(err, TL_EXIT_FILES, "%s: writing the JSON file failed", path);
	return ok;
}

/* The outcome of a side's result, as one word. */
static const char *outcome_word(const struct tl_result *r)
{
	if (!r->set)
		return "no-result";
	if (r->rejected_after)
		return "rejected-after-handshake";
	return r->handshake_ok && !r->error[0] ? "completed" : "failed";
}

/* The chain verdict judge reached on its peer's certificate, or null. */
static json_t *chain_summary(const struct timeline *tl, enum tl_side judge, unsigned conn)
{
	struct chain_result *c = malloc(sizeof *c);
	json_t *o = NULL;

	if (c && timeline_get_chain(tl, judge, conn, c)) {
		char words[1024];
		chain_words(c, words, sizeof words);
		o = json_object();
		if (!set(o, "verdict", json_string(c->verdict == CHAIN_TRUSTED ? "trusted" : "not_trusted")) ||
		    !set(o, "words", str(words))) {
			json_decref(o);
			o = NULL;
		}
	}
	free(c);
	return o ? o : json_null();
}

/* The --summary-json object. */
void json_summary(FILE *f, const struct timeline *tl, const struct json_run *run)
{
	struct diag_finding *d = calloc(DIAG_MAX, sizeof *d);
	unsigned conn = json_view_conn(tl, run->mode);
	enum tl_side side = json_view_side(run->mode);
	size_t n = d ? diagnose(tl, conn, side, d, DIAG_MAX) : 0;
	json_t *o = json_object(), *codes = json_array(), *chains = json_object();
	struct tl_result r;
	struct summary s;
	bool have = summary_build(tl, conn, &s);

	timeline_get_result(tl, side, conn, &r);
	for (size_t i = 0; i < n; i++)
		push(codes, json_string(diag_code_name(d[i].code)));
	free(d);
	set(chains, "server_certificate", chain_summary(tl, TL_CLIENT, conn));
	set(chains, "client_certificate", chain_summary(tl, TL_SERVER, conn));
	if (set(o, "tlsladder_version", json_string(TLSLADDER_VERSION)) &&
	    set(o, "mode", json_string(mode_names[run->mode])) && set(o, "target", str(run->target)) &&
	    set(o, "outcome", json_string(outcome_word(&r))) && set(o, "diagnosis", json_incref(codes)) &&
	    set(o, "exit_code", json_integer(run->exit_code)) &&
	    set(o, "version", have && s.version && names_version(s.version) ? json_string(names_version(s.version)) : json_null()) &&
	    set(o, "suite", have && s.cipher_suite && names_cipher_suite(s.cipher_suite)
				    ? json_string(names_cipher_suite(s.cipher_suite)) : json_null()) &&
	    set(o, "chains", json_incref(chains))) {
		json_dumpf(o, f, JSON_COMPACT | JSON_ENSURE_ASCII);
		fputc('\n', f);
		fflush(f);
	}
	json_decref(codes);
	json_decref(chains);
	json_decref(o);
}
