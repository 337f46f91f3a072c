/*
 * markdown.c: the run as Markdown for an issue tracker (see markdown.h).
 */
#include "tlsladder/markdown.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/export.h"
#include "tlsladder/sanitize.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Sanitizes src and backslash-escapes Markdown's syntax characters. */
char *markdown_text(char *dst, size_t n, const char *src)
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
	for (const char *p = safe; *p; p++) {
		size_t len = *p && strchr("\\`*_{}[]<>()#+!|~&$:", *p) ? 2 : 1;
		if (used + len >= n) {
			cut = true;
			break;
		}
		if (len == 2)
			dst[used++] = '\\';
		dst[used++] = *p;
	}
	while (cut && used > 0 && ((unsigned char)dst[used - 1] & 0xC0) == 0x80)
		used--;
	if (cut && used > 0 && ((unsigned char)dst[used - 1] & 0xC0) == 0xC0)
		used--;
	dst[used] = '\0';
	free(safe);
	return dst;
}

/* A fence longer than any run of backticks in text. */
char *markdown_fence(char *dst, size_t n, const char *text)
{
	size_t run = 0, longest = 0, len;

	for (const char *p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	len = longest + 1 < 3 ? 3 : longest + 1;
	if (len >= n)
		len = n - 1;
	memset(dst, '`', len);
	dst[len] = '\0';
	return dst;
}

/* The diagnosis table of one connection. */
static void write_diagnosis(FILE *f, const struct timeline *tl, unsigned conn, const struct text_opts *o)
{
	struct diag_finding *d = malloc(8 * sizeof *d);
	char *s1 = malloc(16384), *s2 = malloc(16384);
	size_t n = d ? diagnose(tl, conn, export_diag_side(o), d, 8) : 0;

	if (timeline_conn_count(tl) > 1 && o->only_conn < 0)
		fprintf(f, "\n### Connection %u\n", conn + 1);
	fprintf(f, "\n| diagnosis | finding | fix |\n| --- | --- | --- |\n");
	for (size_t i = 0; s1 && s2 && i < n; i++)
		fprintf(f, "| `%s` | %s | %s |\n", diag_code_name(d[i].code), markdown_text(s1, 16384, d[i].sentence),
			markdown_text(s2, 16384, d[i].fix));
	free(d);
	free(s1);
	free(s2);
}

/* Writes the document. */
void markdown_write(FILE *f, const struct timeline *tl, const struct text_opts *o)
{
	struct text_opts to = *o;
	char *ladder = NULL, fence[64], safe[2048];
	size_t len = 0;
	FILE *mem;

	to.title = NULL;
	to.verbose = 0;
	mem = open_memstream(&ladder, &len);
	if (mem) {
		text_write(mem, tl, &to);
		fclose(mem);
	}
	fprintf(f, "# %s\n\n", o->title ? markdown_text(safe, sizeof safe, o->title) : "tlsladder");
	fprintf(f, "The TLS handshake as tlsladder saw it: one line per message, then the summary and diagnosis.\n\n");
	markdown_fence(fence, sizeof fence, ladder ? ladder : "");
	fprintf(f, "%stext\n%s%s%s\n", fence, ladder ? ladder : "", len && ladder[len - 1] != '\n' ? "\n" : "", fence);
	free(ladder);
	fprintf(f, "\n## Diagnosis\n");
	for (unsigned c = 0; c < export_conn_bound(tl); c++)
		if (export_shows_diagnosis(tl, o, c))
			write_diagnosis(f, tl, c, o);
}
