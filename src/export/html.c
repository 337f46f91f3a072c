/*
 * html.c: the ladder as one self-contained HTML page (see html.h).
 *
 * Layout: a header, the ladder (one <details> per row: step, time, the
 * arrow between the CLIENT and SERVER lifelines with the label the text
 * ladder gives it; opened: explanation and field tree), each connection's
 * diagnosis, and the text ladder with its summaries in a <pre>. The rows are
 * the text ladder's rows, numbered the same, so evidence steps link to them.
 *
 * Colours: each theme role becomes a CSS class .r-ROLE; the 256 terminal
 * colours are the xterm palette. The terminal's own default colours are not
 * known, so the page picks them: light when the theme writes its arrows,
 * tree values or explanations in a dark colour (a theme for light
 * terminals), dark otherwise.
 */
#include "tlsladder/html.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/explain.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/text.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes s[0..n) with & < > " ' replaced by entities (see html.h). */
size_t html_escape(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t need = 0, used = 0;
	bool full = dstsz == 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
				: s[i] == '"' ? "&quot;" : s[i] == '\'' ? "&#39;" : NULL;
		size_t len = rep ? strlen(rep) : 1;

		need += len;
		if (full || used + len >= dstsz) {
			full = true;
			continue;
		}
		if (rep)
			memcpy(dst + used, rep, len);
		else
			dst[used] = s[i];
		used += len;
	}
	if (dstsz > 0)
		dst[used] = '\0';
	return need;
}

/* Writes s[0..n) escaped (no sanitizing: for text that already went through the sanitizer). */
static void put_escaped(FILE *f, const char *s, size_t n)
{
	char buf[1024];

	while (n > 0) {
		size_t part = n > 128 ? 128 : n;    /* 128 bytes escape to at most 768 */
		html_escape(buf, sizeof buf, s, part);
		fputs(buf, f);
		s += part;
		n -= part;
	}
}

/* Writes untrusted text: sanitized, then escaped. */
void html_put(FILE *f, const char *s)
{
	size_t need;
	char *safe;

	if (!s)
		return;
	need = sanitize_str(NULL, 0, s) + 1;
	safe = malloc(need);
	if (!safe)
		return;
	sanitize_str(safe, need, s);
	put_escaped(f, safe, strlen(safe));
	free(safe);
}

/* ---------------------------------------------------------------- the theme as CSS */

/* The xterm colour c (0-255) as 0xRRGGBB. */
static unsigned xterm_rgb(int c)
{
	static const unsigned base[16] = { 0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
					   0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff };
	static const unsigned level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16)
		return base[c < 0 ? 0 : c];
	if (c < 232) {
		c -= 16;
		return level[c / 36] << 16 | level[c / 6 % 6] << 8 | level[c % 6];
	}
	c = 8 + 10 * (c - 232);
	return (unsigned)c << 16 | (unsigned)c << 8 | (unsigned)c;
}

/* True when colour c is dark (relative luminance below one half). */
static bool is_dark(int c)
{
	unsigned rgb = xterm_rgb(c);
	unsigned r = rgb >> 16, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	return 299 * r + 587 * g + 114 * b < 128000;
}

/* True when the theme writes its body text in a dark colour: the page is then light. */
static bool theme_wants_light(const struct theme *t)
{
	static const int text_roles[] = { ROLE_ARROW, ROLE_TREE_VALUE, ROLE_EXPLANATION };

	for (size_t i = 0; i < sizeof text_roles / sizeof text_roles[0]; i++) {
		int fg = t->role[text_roles[i]].fg;
		if (fg != THEME_DEFAULT_COLOR)
			return is_dark(fg);
	}
	return false;
}

/* Writes a colour: "#rrggbb", or the page's default foreground or background. */
static void css_color(FILE *f, int c, bool fg)
{
	if (c == THEME_DEFAULT_COLOR)
		fputs(fg ? "var(--fg)" : "var(--bg)", f);
	else
		fprintf(f, "#%06x", xterm_rgb(c));
}

/* Writes the rules of one role: .r-NAME { colours and attributes }, .b-NAME { its colour on borders }. */
static void css_role(FILE *f, int role, const struct theme_style *s)
{
	bool rev = (s->attrs & (THEME_REVERSE | THEME_STANDOUT)) != 0;

	fprintf(f, ".r-%s{color:", theme_role_name(role));
	css_color(f, rev ? s->bg : s->fg, !rev);
	if (rev || s->bg != THEME_DEFAULT_COLOR) {
		fputs(";background:", f);
		css_color(f, rev ? s->fg : s->bg, rev);
	}
	if (s->attrs & THEME_BOLD)
		fputs(";font-weight:bold", f);
	if (s->attrs & THEME_DIM)
		fputs(";opacity:.65", f);
	if (s->attrs & THEME_ITALIC)
		fputs(";font-style:italic", f);
	if (s->attrs & THEME_UNDERLINE)
		fputs(";text-decoration:underline", f);
	fprintf(f, "}\n.b-%s{border-color:", theme_role_name(role));
	css_color(f, s->fg, true);
	fputs("}\n", f);
}

/* The fixed part of the style sheet: layout, lifelines, arrows. */
static const char css_layout[] =
	"body{margin:0;padding:1em 1.5em;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace}\n"
	"h1{font-size:1.1em;margin:0 0 .6em 0;padding:.3em .6em}\n"
	"h2{font-size:1em;margin:1.4em 0 .4em 0}\n"
	".tools{margin:.4em 0 1em 0}.tools button,.tools label{font:inherit;margin-right:1em}\n"
	".heads,.row{display:grid;grid-template-columns:3em 6em 34em auto;column-gap:.6em;align-items:end}\n"
	".heads span:nth-child(3){display:flex;justify-content:space-between;font-weight:bold}\n"
	"details.ev>summary{list-style:none;cursor:pointer;padding:.1em 0}\n"
	"details.ev>summary::-webkit-details-marker{display:none}\n"
	"details.ev>summary:focus-visible,details.ev[open]>summary{outline:1px dotted currentColor}\n"
	".step,.time{text-align:right}\n"
	".lane{display:block;position:relative;border-left:2px solid;border-right:2px solid;padding:.1em .2em 0 .2em}\n"
	".arrow{display:block;position:relative;text-align:center;border-bottom:2px solid currentColor;"
	"margin:0 .5em .45em .5em;line-height:1.2}\n"
	".arrow.enc{border-bottom:4px double currentColor}\n"
	".arrow.cut{border-bottom-style:dashed}\n"
	".arrow.cleartext{border-bottom:2px dotted currentColor}\n"
	".arrow.cut.from-client{margin-right:25%}.arrow.cut.from-server{margin-left:25%}\n"
	".arrow.from-client::after{content:'\\25B6';position:absolute;right:-.55em;bottom:-.72em}\n"
	".arrow.from-server::before{content:'\\25C0';position:absolute;left:-.55em;bottom:-.72em}\n"
	".arrow.cut.from-client::after,.arrow.cut.from-server::before{content:'\\2715'}\n"
	".label{white-space:pre}\n"
	".textrow{grid-column:3/5;white-space:pre-wrap}\n"
	".marks{white-space:nowrap}\n"
	".conn{margin:.6em 0 .2em 9.6em}\n"
	".body{margin:.3em 0 .8em 9.6em;padding:.4em .8em;border-left:2px solid;max-width:60em}\n"
	".explain{white-space:pre-wrap;margin:0 0 .5em 0}\n"
	"ul.tree{margin:0;padding-left:1.4em}ul.tree ul{padding-left:1.4em}\n"
	".hex{word-break:break-all}body:not(.showhex) .hex{display:none}\n"
	"pre{white-space:pre;overflow-x:auto}a{color:inherit}\n";

/* Writes the <style> element: the page's default colours, the roles, the layout. */
static void write_style(FILE *f, const struct theme *t)
{
	bool light = theme_wants_light(t);

	fprintf(f, "<style>\n:root{--fg:%s;--bg:%s}\n", light ? "#000000" : "#d0d0d0", light ? "#ffffff" : "#161616");
	for (int r = 0; r < ROLE_COUNT; r++)
		css_role(f, r, &t->role[r]);
	fputs(css_layout, f);
	fputs("</style>\n", f);
}

/* The script (its text between <script> and </script>): the buttons open or
 * close every message, the box shows the hex dumps; data-ready says it ran.
 * The page's policy lets only this text run: SCRIPT_HASH is its SHA-256, and
 * tests/integration/html.sh checks that it still is. */
static const char page_script[] =
	"\n"
	"document.addEventListener('DOMContentLoaded',function(){\n"
	"var all=function(o){document.querySelectorAll('details.ev').forEach(function(d){d.open=o;});};\n"
	"document.getElementById('open-all').addEventListener('click',function(){all(true);});\n"
	"document.getElementById('close-all').addEventListener('click',function(){all(false);});\n"
	"document.getElementById('hex').addEventListener('change',function(e){"
	"document.body.classList.toggle('showhex',e.target.checked);});\n"
	"document.body.setAttribute('data-ready','1');\n"
	"});\n";
#define SCRIPT_HASH "sha256-BEF85HhOLlX8dcukDu1ZAeXfDfaePEY/BSlyw2WwxQo="

/* ---------------------------------------------------------------- a message's details */

/* Timeline index -> step of the page's rows (0: no row), for the links in the trees. */
struct html_steps {
	const unsigned *steps;
	size_t n;
};

/* What a linked node ends with, as the text ladder says it: " (step N)" (a link to the row) or " (from: LABEL)". */
static void write_link(FILE *f, const struct tree_node *n, const struct html_steps *st)
{
	unsigned step = n->link_event && st && st->steps && n->link_event - 1 < st->n ? st->steps[n->link_event - 1] : 0;

	if (step) {
		fprintf(f, " (step <a href=\"#s%u\">%u</a>)", step, step);
	} else if (st && n->link_node && n->link_node->label) {
		fputs(" (from: ", f);
		html_put(f, n->link_node->label);
		fputs(")", f);
	}
}

/* Writes one tree node's content (label, value or what stands for it), and where it links to. */
static void write_node(FILE *f, const struct tree_node *n, const struct html_steps *st)
{
	const char *cls = n->flags & TREE_ERROR ? "r-error" : n->flags & TREE_BAD ? "r-bad"
			: n->flags & TREE_GOOD ? "r-good" : n->flags & TREE_HEX ? "r-hex hex" : "r-tree-value";

	fputs("<span class=\"r-tree-key\">", f);
	html_put(f, n->label);
	fputs("</span>", f);
	if (n->value) {
		fprintf(f, ": <span class=\"%s\">", cls);
		if (n->flags & TREE_SECRET)
			fputs("(secret; not shown)", f);
		else
			html_put(f, n->value);
		fputs("</span>", f);
	}
	write_link(f, n, st);
}

/* Writes the children of root as nested lists, iteratively (hex nodes are hidden until asked for). */
static void write_tree(FILE *f, const struct tree_node *root, const struct html_steps *st)
{
	const struct tree_node *n = root->first;

	if (!n)
		return;
	fputs("<ul class=\"tree\">", f);
	while (n) {
		fputs(n->flags & TREE_HEX ? "<li class=\"hex\">" : "<li>", f);
		write_node(f, n, st);
		if (n->first) {
			fputs("<ul>", f);
			n = n->first;
			continue;
		}
		fputs("</li>", f);
		while (n != root && !n->next) {
			n = n->parent;
			if (n != root)
				fputs("</ul></li>", f);
		}
		n = n == root ? NULL : n->next;
	}
	fputs("</ul>\n", f);
}

/* Writes what row i opens into: its explanation and its field tree. */
static void write_body(FILE *f, const struct timeline *tl, size_t i, const struct html_opts *o,
		       const struct html_steps *st)
{
	size_t need = explain_event(tl, i, NULL, 0) + 1;
	char *text = malloc(need);

	fputs("<div class=\"body b-border\">", f);
	if (text) {
		explain_event(tl, i, text, need);
		if (text[0]) {
			fputs("<p class=\"explain r-explanation\">", f);
			html_put(f, text);
			fputs("</p>\n", f);
		}
		free(text);
	}
	if (o->tree) {
		struct tree_node *t = o->tree(tl, i, o->tree_arg);
		if (t) {
			write_tree(f, t, st);
			tree_free(t);
		}
	}
	fputs("</div>", f);
}

/* ---------------------------------------------------------------- the ladder */

/* The role an event's row is drawn in. */
static const char *row_role(const struct tl_event *ev)
{
	switch (ev->kind) {
	case TL_EV_ALERT: return "r-alert";
	case TL_EV_NOTE: return "r-note";
	case TL_EV_ERROR: return "r-error";
	case TL_EV_DIAGNOSIS: return "r-bad";
	case TL_EV_PLAIN: return ev->encrypted ? "r-arrow-encrypted" : "r-arrow-cleartext";     /* inside TLS: encrypted */
	default: return ev->encrypted ? "r-arrow-encrypted" : "r-arrow";
	}
}

/* The words of a note, error or pre-flight row, as the text ladder says them ("note (client): ..."). */
static void write_text_label(FILE *f, const struct tl_event *ev)
{
	const char *what = ev->kind == TL_EV_NOTE ? "note" : ev->kind == TL_EV_ERROR ? "error" : "pre-flight";
	const char *text = ev->text ? ev->text : "";
	size_t len = strlen(text);
	char *cut;

	/* a pre-flight finding is "sentence\nfix": the row shows the sentence */
	if (ev->kind == TL_EV_DIAGNOSIS && strchr(text, '\n'))
		len = (size_t)(strchr(text, '\n') - text);
	fprintf(f, "%s (%s): ", what, ev->from == TL_CLIENT ? "client" : "server");
	cut = strndup(text, len);
	html_put(f, cut ? cut : "");
	free(cut);
	if (ev->text_total > strlen(text)) {
		char kept[32], total[32];
		fprintf(f, " [stored: the first %s of %s bytes; the rest was not kept]",
			timeline_grouped(strlen(text), kept, sizeof kept), timeline_grouped(ev->text_total, total, sizeof total));
	}
}

/* Writes the arrow of a message or record and what is said beside it. */
static void write_arrow(FILE *f, const struct tl_event *ev)
{
	char label[128], fate[160], kept[160];
	bool cut = timeline_undelivered(ev);

	text_event_label(ev, label, sizeof label);
	fprintf(f, "<span class=\"lane b-lifeline\"><span class=\"arrow %s %s%s from-%s\" data-to=\"%s\">"
		   "<span class=\"label\">", row_role(ev), ev->encrypted ? "enc" : ev->kind == TL_EV_PLAIN ? "cleartext" : "plain",
		cut ? " cut" : "",
		ev->from == TL_CLIENT ? "client" : "server", ev->from == TL_CLIENT ? "server" : "client");
	html_put(f, label);
	fprintf(f, "</span></span></span><span class=\"marks %s\">", row_role(ev));
	timeline_delivery_text(ev, fate, sizeof fate);
	timeline_stored_text(ev, kept, sizeof kept);
	if (ev->encrypted)
		fputs("encrypted ", f);
	if (ev->kind == TL_EV_PLAIN)
		fprintf(f, "%s%zu B ", ev->encrypted ? "" : "plain ", ev->body_total > ev->body_len ? ev->body_total : ev->body_len);
	if (ev->recv_differs)
		fputs("<span class=\"r-bad\">RECEIVED BYTES DIFFER</span> ", f);
	if (fate[0]) {
		fputs("<span class=\"r-error\">", f);
		html_put(f, fate);
		fputs("</span> ", f);
	}
	if (kept[0]) {
		fputs("stored: ", f);
		html_put(f, kept);
	}
	fputs("</span>", f);
}

/* Writes one row of the ladder: a <details> whose summary is the row. */
static void write_row(FILE *f, const struct timeline *tl, size_t i, const struct tl_event *ev, unsigned step,
		      int64_t t0, const struct html_opts *o, const struct html_steps *st)
{
	bool textual = ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR || ev->kind == TL_EV_DIAGNOSIS;

	fprintf(f, "<details class=\"ev\" id=\"s%u\" data-step=\"%u\" data-kind=\"%s\"><summary class=\"row\">"
		   "<span class=\"step r-dim\">%u</span><span class=\"time r-dim\">%.3f</span>",
		step, step, textual ? "text" : ev->kind == TL_EV_RECORD ? "record" : "message", step,
		(double)(ev->t_us - t0) / 1000.0);
	if (textual) {
		fprintf(f, "<span class=\"textrow label %s\">", row_role(ev));
		write_text_label(f, ev);
		fputs("</span>", f);
	} else {
		write_arrow(f, ev);
	}
	fputs("</summary>", f);
	write_body(f, tl, i, o, st);
	fputs("</details>\n", f);
}

/* True when the ladder shows event ev (the text ladder's choice of rows). */
static bool row_shown(const struct tl_event *ev, const struct html_opts *o)
{
	if (o->only_conn >= 0 && ev->conn != (unsigned long)o->only_conn)
		return false;
	return (ev->kind == TL_EV_RECORD) == o->wire || ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR ||
	       ev->kind == TL_EV_DIAGNOSIS || ev->kind == TL_EV_PLAIN;
}

/* Writes the ladder's rows; steps[i] gets the step of timeline index i (0: not shown). */
static void write_ladder(FILE *f, const struct timeline *tl, const struct html_opts *o, unsigned *steps)
{
	size_t n = timeline_count(tl), a, b;
	unsigned step = 0, conn = 0;
	int64_t t0 = 0;
	struct tl_event ev;
	struct html_steps st = { steps, n };

	if (o->only_conn >= 0) {
		if (timeline_conn_range(tl, (unsigned)o->only_conn, &a, &b) && timeline_get(tl, a, &ev))
			t0 = ev.t_us;
	} else if (timeline_get(tl, 0, &ev)) {
		t0 = ev.t_us;
	}
	for (size_t i = 0, k = 0; steps && i < n; i++)          /* known ahead: a tree may link to a later row */
		steps[i] = timeline_get(tl, i, &ev) && row_shown(&ev, o) ? (unsigned)++k : 0;
	fputs("<div class=\"heads r-title\"><span>step</span><span>time ms</span><span><span>CLIENT</span>"
	      "<span>SERVER</span></span><span></span></div>\n<div class=\"ladder\">\n", f);
	for (size_t i = 0; i < n; i++) {
		if (!timeline_get(tl, i, &ev) || !row_shown(&ev, o))
			continue;
		if (ev.conn != conn && o->only_conn < 0) {
			conn = ev.conn;
			fprintf(f, "<div class=\"conn r-dim\">---- connection %u ----</div>\n", conn + 1);
		}
		write_row(f, tl, i, &ev, ++step, t0, o, &st);
		if (steps)
			steps[i] = step;
	}
	fputs("</div>\n", f);
}

/* ---------------------------------------------------------------- diagnosis and summary */

/* Writes the diagnosis of one connection, its evidence linked to the rows. */
static void write_diagnosis(FILE *f, const struct timeline *tl, unsigned conn, const struct html_opts *o,
			    const unsigned *steps)
{
	struct diag_finding d[8];
	size_t n = diagnose(tl, conn, o->server_only ? TL_SERVER : TL_CLIENT, d, 8);

	for (size_t i = 0; i < n; i++) {
		bool first = true;
		const char *role = diag_is_warning(d[i].code) ? "r-note" : diag_exit_code(d[i].code) ? "r-bad" : "r-good";
		fprintf(f, "<div class=\"diag\"><p><span class=\"%s\">diagnosis: %s</span>: ", role,
			diag_code_name(d[i].code));
		html_put(f, d[i].sentence);
		for (unsigned k = 0; k < d[i].nevidence; k++) {
			unsigned s = steps ? steps[d[i].evidence[k]] : 0;
			if (!s)
				continue;
			fprintf(f, "%s<a href=\"#s%u\">%u</a>", first ? " (evidence: step " : ", ", s, s);
			first = false;
		}
		fputs(first ? "</p>" : ")</p>", f);
		if (d[i].fix[0]) {
			fputs("<p><span class=\"r-good\">fix</span>: ", f);
			html_put(f, d[i].fix);
			fputs("</p>", f);
		}
		fputs("</div>\n", f);
	}
}

/* Writes the text ladder with its summaries (already sanitized by text.c: only escaped here). */
static void write_text_ladder(FILE *f, const struct timeline *tl, const struct html_opts *o)
{
	struct text_opts to = { .wire = o->wire, .client_only = o->client_only, .server_only = o->server_only,
				.only_conn = o->only_conn, .conn_number = o->conn_number };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	text_write(m, tl, &to);
	if (fclose(m) == 0 && buf) {
		fputs("<details class=\"textladder\" open><summary class=\"r-title\">The text ladder and the summary"
		      "</summary><pre>", f);
		put_escaped(f, buf, len);
		fputs("</pre></details>\n", f);
	}
	free(buf);
}

/* Writes every connection's diagnosis, then the text ladder. */
static void write_findings(FILE *f, const struct timeline *tl, const struct html_opts *o, const unsigned *steps)
{
	unsigned nconn = timeline_conn_count(tl);

	fputs("<h2 class=\"r-title\">Diagnosis</h2>\n", f);
	for (unsigned c = 0; c < nconn; c++)
		if (o->only_conn < 0 || c == (unsigned long)o->only_conn) {
			if (nconn > 1 && o->only_conn < 0)
				fprintf(f, "<p class=\"r-dim\">connection %u</p>\n", c + 1);
			write_diagnosis(f, tl, c, o, steps);
		}
	if (nconn == 0 && timeline_finished(tl))
		write_diagnosis(f, tl, 0, o, steps);
	write_text_ladder(f, tl, o);
}

/* ---------------------------------------------------------------- the page */

/* Writes the page. */
void html_write(FILE *f, const struct timeline *tl, const struct html_opts *o)
{
	struct theme builtin;
	const struct theme *t = o->theme;
	size_t n = timeline_count(tl);
	unsigned *steps = calloc(n ? n : 1, sizeof *steps);   /* timeline index -> step shown (0: none) */

	if (!t) {
		theme_builtin(&builtin);
		t = &builtin;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "script-src '" SCRIPT_HASH "'; img-src 'none'; font-src 'none'; connect-src 'none'; form-action 'none'; "
	      "base-uri 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	html_put(f, o->title ? o->title : "tlsladder");
	fputs("</title>\n", f);
	write_style(f, t);
	fprintf(f, "<script>%s</script>\n", page_script);
	fputs("</head>\n<body>\n<h1 class=\"r-header\">", f);
	html_put(f, o->title ? o->title : "tlsladder");
	fputs("</h1>\n<div class=\"tools\"><button type=\"button\" id=\"open-all\">open all</button>"
	      "<button type=\"button\" id=\"close-all\">close all</button>"
	      "<label><input type=\"checkbox\" id=\"hex\"> hex</label>"
	      "<span class=\"r-dim\">click a message to see its fields and what it means</span></div>\n", f);
	write_ladder(f, tl, o, steps);
	write_findings(f, tl, o, steps);
	if (timeline_dropped(tl))
		fprintf(f, "<p class=\"r-error\">(%u events were lost: out of memory)</p>\n", timeline_dropped(tl));
	fputs("</body>\n</html>\n", f);
	free(steps);
}

/* Writes the page to path. */
int html_write_file(const char *path, const struct timeline *tl, const struct html_opts *o, struct tl_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	FILE *f;
	bool failed;

	if (fd < 0)
		return tl_error_set(err, TL_EXIT_FILES, "cannot write the HTML page %s: %s", path, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return tl_error_set(err, TL_EXIT_FILES, "cannot write the HTML page %s: out of memory", path);
	}
	html_write(f, tl, o);
	failed = ferror(f) != 0;
	if (fclose(f) != 0 || failed)
		return tl_error_set(err, TL_EXIT_FILES, "cannot write the HTML page %s: %s", path,
				    errno ? strerror(errno) : "write error");
	return 0;
}

/* The page of serve's connection number. */
void html_conn_path(const char *path, uint64_t number, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	if (!dot || dot == (slash ? slash + 1 : path))
		snprintf(buf, n, "%s-%" PRIu64, path, number);
	else
		snprintf(buf, n, "%.*s-%" PRIu64 "%s", (int)(dot - path), path, number, dot);
}
