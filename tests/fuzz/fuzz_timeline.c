/*
 * fuzz_timeline: libFuzzer target for everything that reads a whole
 * timeline: summary_build(), diagnose() from both sides, explain_event()
 * and explain_title() for every event, the ladder's row builder (message
 * and wire views) and the text ladder (text_write(), every mode, verbose
 * with hex). The timeline is built from the input as fuzz_timeline_input.h
 * lays out: events with fuzzed kinds, types, versions, bodies, alerts and
 * texts, results per side, secrets.
 *
 * Beyond "no crash, no leak, no UB" it checks the promises the callers
 * rely on: explain_*() behave like snprintf (the length does not depend
 * on the buffer, the text is cut and terminated), every diagnosis has a
 * known code and terminated sentences, and the text ladder holds no
 * control byte but newlines (every string from the timeline went through
 * the sanitizer). The exports (Mermaid, Markdown, SVG) hold no control
 * byte but newlines either; the Mermaid holds no ';' or ':' outside an
 * entity code "#N;" after its participants, and the SVG no "<script".
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/decode.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/explain.h"
#include "tlsladder/export.h"
#include "tlsladder/ladder.h"
#include "tlsladder/markdown.h"
#include "tlsladder/mermaid.h"
#include "tlsladder/summary.h"
#include "tlsladder/svg.h"
#include "tlsladder/text.h"
#include "tlsladder/tree.h"

#include "fuzz_timeline_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the process with a message: a broken promise. */
static void fail(const char *what, size_t i)
{
	fprintf(stderr, "fuzz_timeline: %s (event %zu)\n", what, i);
	abort();
}

/* One explain function over event i: snprintf behaviour at several sizes. */
static void check_explain(size_t (*fn)(const struct timeline *, size_t, char *, size_t), const struct timeline *tl,
			  size_t i)
{
	static char big[1 << 16];
	char small[9];
	size_t need = fn(tl, i, NULL, 0);
	size_t got = fn(tl, i, big, sizeof big);

	if (got != need)
		fail("explain length depends on the buffer", i);
	if (got < sizeof big && strlen(big) != got)
		fail("explain length is not the text's length", i);
	memset(small, 'x', sizeof small);
	if (fn(tl, i, small, sizeof small) != need)
		fail("explain length depends on a small buffer", i);
	if (memchr(small, '\0', sizeof small) == NULL)
		fail("explain left a small buffer unterminated", i);
	if (strncmp(small, big, strlen(small)) != 0)
		fail("explain cut text differs from the whole text", i);
}

/* The diagnosis of every connection from both sides. */
static void check_diagnose(const struct timeline *tl)
{
	struct diag_finding f[4];

	for (unsigned conn = 0; conn < FUZZ_TL_CONNS; conn++) {
		struct summary s;

		summary_build(tl, conn, &s);
		for (int side = 0; side < 2; side++) {
			size_t n = diagnose(tl, conn, (enum tl_side)side, f, 4);
			struct tl_result r;

			timeline_get_result(tl, (enum tl_side)side, conn, &r);
			/* none only when nothing is known: no outcome (an imported capture) */
			if ((n < 1 && r.set) || n > 4)
				fail("diagnose returned no finding or too many", conn);
			for (size_t k = 0; k < n; k++) {
				if ((unsigned)f[k].code >= DIAG_COUNT || f[k].nevidence > DIAG_MAX_EVIDENCE)
					fail("diagnosis code or evidence count out of range", conn);
				if (!memchr(f[k].sentence, '\0', sizeof f[k].sentence) ||
				    !memchr(f[k].fix, '\0', sizeof f[k].fix))
					fail("diagnosis text unterminated", conn);
				for (unsigned e = 0; e < f[k].nevidence; e++)
					if (f[k].evidence[e] >= timeline_count(tl))
						fail("diagnosis evidence past the timeline", f[k].evidence[e]);
				(void)diag_code_name(f[k].code);
				(void)diag_exit_code(f[k].code);
			}
			(void)diagnose(tl, conn, (enum tl_side)side, f, 1);
		}
	}
}

/* The ladder rows of both views. */
static void check_ladder(const struct timeline *tl)
{
	for (int wire = 0; wire < 2; wire++) {
		struct ladder l;

		ladder_init(&l, tl, wire);
		ladder_update(&l);
		for (size_t i = 0; i < timeline_count(tl); i++)
			(void)ladder_row_of(&l, i);
		ladder_set_conn(&l, 1);
		ladder_update(&l);
		ladder_free(&l);
	}
}

/* decode_event as the text ladder's tree builder (what -v shows). */
static struct tree_node *tree_of(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return decode_event(tl, i);
}

/* The text ladder in every mode; aborts on a control byte other than newline. */
static void check_text(const struct timeline *tl)
{
	static const struct text_opts modes[] = {
		{ .title = "fuzz", .verbose = 2, .tree = tree_of, .only_conn = -1 },
		{ .title = "fuzz", .wire = true, .only_conn = -1 },
		{ .title = "fuzz", .client_only = true, .verbose = 1, .tree = tree_of, .only_conn = -1 },
		{ .title = "fuzz", .server_only = true, .only_conn = 0 },
	};

	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			continue;
		text_write(f, tl, &modes[m]);
		fclose(f);
		for (size_t k = 0; k < len; k++) {
			unsigned char ch = (unsigned char)buf[k];
			if ((ch < 0x20 && ch != '\n') || ch == 0x7f) {
				fprintf(stderr, "%.*s\n", (int)(len - k < 200 ? len - k : 200), buf + k);
				fail("control byte in the text ladder", m);
			}
		}
		free(buf);
	}
}

/* True when a Mermaid diagram's body (after the participants) has a ';' that ends no entity code, or a ':' other than the one after an arrow or note. */
static bool mermaid_unescaped(const char *m)
{
	const char *body = strstr(m, "participant S as Server\n");

	for (const char *p = body ? body : m; *p; p++) {
		if (*p == ';') {
			const char *q = p;
			while (q > m && q[-1] >= '0' && q[-1] <= '9')
				q--;
			if (q == p || q == m || q[-1] != '#')
				return true;
		}
		if (*p == ':' && !(p[1] == ' ' && (p[-1] == 'C' || p[-1] == 'S')))
			return true;
	}
	return false;
}

/* The three exports, as the text ladder's modes; aborts on a control byte or unescaped syntax. */
static void check_exports(const struct timeline *tl)
{
	static const struct text_opts modes[] = {
		{ .title = "fuzz", .only_conn = -1 },
		{ .title = "fuzz", .server_only = true, .only_conn = 0 },
	};
	void (*const writers[3])(FILE *, const struct timeline *, const struct text_opts *) = {
		mermaid_write, markdown_write, svg_write
	};

	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
		for (int w = 0; w < 3; w++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			if (!f)
				continue;
			writers[w](f, tl, &modes[m]);
			fclose(f);
			for (size_t k = 0; k < len; k++)
				if (((unsigned char)buf[k] < 0x20 && buf[k] != '\n') || buf[k] == 0x7f)
					fail("control byte in an export", (size_t)w);
			if (w == 0 && mermaid_unescaped(buf))
				fail("unescaped ; or : in the Mermaid", m);
			if (w == 2 && strstr(buf, "<script"))
				fail("markup from the timeline in the SVG", m);
			free(buf);
		}
}

/* One input: build the timeline, read it every way, free it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeline *tl = fuzz_timeline_build(data, size);

	if (!tl)
		return 0;
	for (size_t i = 0; i < timeline_count(tl); i++) {
		check_explain(explain_event, tl, i);
		check_explain(explain_title, tl, i);
	}
	check_explain(explain_event, tl, timeline_count(tl));   /* out of range: "" */
	check_diagnose(tl);
	check_ladder(tl);
	check_text(tl);
	check_exports(tl);
	timeline_destroy(tl);
	return 0;
}
