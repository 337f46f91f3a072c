/*
 * mermaid.c: the ladder as a Mermaid sequenceDiagram (see mermaid.h).
 */
#include "tlsladder/mermaid.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/export.h"
#include "tlsladder/sanitize.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* True for a byte Mermaid text may hold as it is. */
static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
	       (c && strchr(" .,()[]_+-*'/=!?@^~|{}", c) != NULL);
}

/* Sanitizes src and writes each character Mermaid could read as syntax as "#NN;". */
char *mermaid_text(char *dst, size_t n, const char *src)
{
	size_t cap = strlen(src) * 4 + 64, used = 0;
	char *safe = malloc(cap);
	bool cut = false;

	if (n == 0)
		return dst;
	dst[0] = '\0';
	if (!safe)
		return dst;
	sanitize_str(safe, cap, src);
	for (const unsigned char *p = (const unsigned char *)safe; *p; p++) {
		char ent[8];
		size_t len;
		if (plain(*p)) {
			ent[0] = (char)*p;
			ent[1] = '\0';
		} else {
			snprintf(ent, sizeof ent, "#%u;", *p);
		}
		len = strlen(ent);
		if (used + len >= n) {
			cut = true;
			break;
		}
		memcpy(dst + used, ent, len + 1);
		used += len;
	}
	/* cut short: never end inside a UTF-8 sequence (drop the last character if it may be one) */
	while (cut && used > 0 && ((unsigned char)dst[used - 1] & 0xC0) == 0x80)
		used--;
	if (cut && used > 0 && ((unsigned char)dst[used - 1] & 0xC0) == 0xC0)
		used--;
	dst[used] = '\0';
	free(safe);
	return dst;
}

/* Breaks escaped note text into lines of about NOTE_WIDTH characters (an
 * entity counts as one) with Mermaid's <br>, at spaces; written to f. */
#define NOTE_WIDTH 72
static void write_wrapped(FILE *f, const char *escaped)
{
	unsigned col = 0;

	for (const char *p = escaped; *p; p++) {
		if (*p == ' ' && col >= NOTE_WIDTH) {
			fputs("<br>", f);
			col = 0;
			continue;
		}
		fputc(*p, f);
		if (*p == '#') {
			const char *end = strchr(p, ';');   /* mermaid_text wrote "#N;" */
			for (; end && p < end; p++)
				fputc(p[1], f);
		}
		if (((unsigned char)*p & 0xC0) != 0x80)
			col++;
	}
	fputc('\n', f);
}

/* One message arrow: "C->>S: 1. ClientHello  312 B". */
static void write_arrow(FILE *f, const struct export_row *row)
{
	const struct tl_event *ev = &row->ev;
	char label[128], fate[200], words[600], safe[2400];
	bool cut = timeline_undelivered(ev);
	const char *keys = export_keys_name(ev->keys);
	size_t used;

	text_event_label(ev, label, sizeof label);
	used = (size_t)snprintf(words, sizeof words, "%u. %s", row->step, label);
	if (ev->encrypted && used < sizeof words)
		used += (size_t)snprintf(words + used, sizeof words - used, " [encrypted%s%s]", keys[0] ? ", " : "", keys);
	if (ev->kind == TL_EV_PLAIN && !ev->encrypted && used < sizeof words)
		used += (size_t)snprintf(words + used, sizeof words - used, " [plain]");
	if (ev->recv_differs && used < sizeof words)
		used += (size_t)snprintf(words + used, sizeof words - used, " [received bytes differ]");
	timeline_delivery_text(ev, fate, sizeof fate);
	if (fate[0] && used < sizeof words)
		snprintf(words + used, sizeof words - used, " [%s]", fate);
	fprintf(f, "    %s%s%s%s: %s\n", ev->from == TL_CLIENT ? "C" : "S", ev->encrypted ? "--" : "-", cut ? "x" : ">>",
		ev->from == TL_CLIENT ? "S" : "C", mermaid_text(safe, sizeof safe, words));
}

/* A note or error beside its side. */
static void write_note(FILE *f, const struct export_row *row)
{
	char words[2400], safe[9600];

	export_note_text(&row->ev, words, sizeof words);
	fprintf(f, "    Note %s: %u. ", row->ev.from == TL_CLIENT ? "left of C" : "right of S", row->step);
	write_wrapped(f, mermaid_text(safe, sizeof safe, words));
}

/* The diagnosis of one connection as notes over both sides. */
static void write_diagnosis(FILE *f, const struct timeline *tl, unsigned conn, const struct text_opts *o)
{
	struct diag_finding *d = malloc(8 * sizeof *d);
	char *words = malloc(4096), *safe = malloc(16384);
	size_t n = d ? diagnose(tl, conn, export_diag_side(o), d, 8) : 0;
	char who[48] = "";

	if (timeline_conn_count(tl) > 1)
		snprintf(who, sizeof who, "connection %u ", conn + 1);
	for (size_t i = 0; words && safe && i < n; i++) {
		snprintf(words, 4096, "%sdiagnosis: %s: %s", who, diag_code_name(d[i].code), d[i].sentence);
		fprintf(f, "    Note over C,S: ");
		write_wrapped(f, mermaid_text(safe, 16384, words));
		if (d[i].fix[0]) {
			snprintf(words, 4096, "fix: %s", d[i].fix);
			fprintf(f, "    Note over C,S: ");
			write_wrapped(f, mermaid_text(safe, 16384, words));
		}
	}
	free(d);
	free(words);
	free(safe);
}

/* Writes the diagram. */
void mermaid_write(FILE *f, const struct timeline *tl, const struct text_opts *o)
{
	struct export_iter it;
	struct export_row row;
	char safe[2048];

	if (o->title)
		fprintf(f, "%%%% %s\n", mermaid_text(safe, sizeof safe, o->title));
	fprintf(f, "sequenceDiagram\n    participant C as Client\n    participant S as Server\n");
	export_iter_init(&it, tl, o);
	while (export_iter_next(&it, &row)) {
		if (row.new_conn)
			fprintf(f, "    Note over C,S: connection %u\n", row.ev.conn + 1);
		if (export_is_note(&row.ev))
			write_note(f, &row);
		else
			write_arrow(f, &row);
	}
	export_iter_free(&it);
	for (unsigned c = 0; c < export_conn_bound(tl); c++)
		if (export_shows_diagnosis(tl, o, c))
			write_diagnosis(f, tl, c, o);
}
