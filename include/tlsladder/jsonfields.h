/*
 * jsonfields: the one table of the saved-run format (docs/json-format.md).
 *
 * Each struct of the model that a saved run holds (tl_event, tl_note,
 * tl_result, chain_result with its links, finished_result, tl_secret) has
 * a table here: one row per member, with its JSON name, its kind and where
 * it lies in the struct. The writer (json.c) and the loader (jsonload.c)
 * both walk these tables, so a member added to the model is saved and
 * loaded by adding one row (and one line to the schema and the doc).
 *
 * Bytes are written as lowercase hex. Strings that are valid UTF-8 are JSON
 * strings; others (peer bytes) are {"hex": "..."}, so that nothing is lost.
 * Enums are written by name. Rows flagged JF_SECRET are written only when
 * the run is saved with its secrets.
 */
#ifndef TLSLADDER_JSONFIELDS_H
#define TLSLADDER_JSONFIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum jf_type {
	JF_BOOL,      /* bool */
	JF_U8,        /* uint8_t */
	JF_UINT,      /* unsigned */
	JF_INT,       /* int */
	JF_I64,       /* int64_t */
	JF_SIZE,      /* size_t */
	JF_ENUM,      /* an enum, by name (aux: struct jf_names) */
	JF_STR,       /* char[size], NUL-terminated */
	JF_HEX,       /* uint8_t[size], all of it */
	JF_HEXN,      /* uint8_t[size], its length in the size_t at len_off (an earlier row) */
	JF_STATIC,    /* const char *, one of a list of static strings (aux: struct jf_names), or null */
	JF_STRUCT,    /* a nested struct (aux: struct jf_table) */
	JF_STRUCTS,   /* an array of structs (aux: struct jf_table), its count in the unsigned at len_off */
	JF_SIZES,     /* size_t[], its count min(unsigned at len_off, capacity) */
	JF_BODY,      /* const uint8_t * with its size_t length at len_off (allocated by the loader) */
	JF_TEXT       /* const char *, or null (allocated by the loader) */
};

enum { JF_SECRET = 1u };

/* The names of an enum's values, in value order, or a list of static strings. */
struct jf_names {
	const char *const *names;
	size_t n;
};

struct jf_field {
	const char *name;
	enum jf_type type;
	size_t off, size;          /* where the member lies, and its size */
	size_t len_off;            /* JF_HEXN, JF_STRUCTS, JF_SIZES, JF_BODY: the member holding the count */
	const void *aux;           /* struct jf_names or struct jf_table */
	unsigned flags;            /* JF_SECRET */
};

struct jf_table {
	const char *name;          /* for error messages: "event", "result", ... */
	size_t size;               /* sizeof the struct */
	const struct jf_field *f;
	size_t n;
};

/* The tables of the saved-run format. */
extern const struct jf_table jsonfields_event, jsonfields_result, jsonfields_chain, jsonfields_finished,
	jsonfields_secret;
/* The facts of each opened record (timeline_get_record) and the kept wire (timeline_wire_get). */
extern const struct jf_table jsonfields_record, jsonfields_wire;

/* The name of value v of an enum table, or NULL when out of range. */
const char *jsonfields_name(const struct jf_names *names, int v);

/* A JSON object holding the members of base that table t lists (JF_SECRET
 * rows only when secrets). NULL when memory ran out. */
json_t *jsonfields_put(const struct jf_table *t, const void *base, bool secrets);

/*
 * Fills base (zeroed by the caller) from obj by table t: a missing member
 * stays zero; a member of the wrong type, out of range, too long, or not
 * one of its enum's names fails. JF_BODY and JF_TEXT members are allocated
 * (free them with jsonfields_free). Returns true, or false with a message
 * naming the member in err.
 */
bool jsonfields_get(const struct jf_table *t, const json_t *obj, void *base, char *err, size_t errlen);
/* Frees what jsonfields_get allocated in base. */
void jsonfields_free(const struct jf_table *t, void *base);

/* A string as the format writes it: a JSON string when valid UTF-8, else {"hex": ...}. */
json_t *jsonfields_string(const char *s, size_t len);

#endif
