/*
 * svg.c: the ladder as an SVG picture (see svg.h).
 *
 * Coordinates: the client's lifeline at x = LEFT, the server's at x =
 * RIGHT; the first row at y = TOP, each next row ROW pixels lower. An
 * arrow's label sits just above its line, centred between the lifelines.
 */
#include "tlsladder/svg.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/export.h"
#include "tlsladder/sanitize.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 1030
#define LEFT 150
#define RIGHT 790
#define TOP 110
#define ROW 34
#define WRAP 120              /* characters per line of a note or the diagnosis */
#define FG_DEFAULT "#d0d0d0"  /* the terminal's default colours under the default (dark) theme */
#define BG_DEFAULT "#1c1c1c"

/* Appends s (len bytes) to dst at *used when it fits whole; false when not. */
static bool put(char *dst, size_t n, size_t *used, const char *s, size_t len)
{
	if (*used + len >= n)
		return false;
	memcpy(dst + *used, s, len);
	*used += len;
	return true;
}

/* Sanitizes src and writes XML's special characters as entities. */
char *svg_text(char *dst, size_t n, const char *src)
{
	size_t cap = strlen(src) * 4 + 64, used = 0;
	char *safe = malloc(cap);

	if (n == 0)
		return dst;
	dst[0] = '\0';
	if (!safe)
		return dst;
	sanitize_str(safe, cap, src);
	for (const char *p = safe; *p;) {
		const unsigned char *u = (const unsigned char *)p;
		size_t len = *u < 0x80 ? 1 : *u >= 0xF0 ? 4 : *u >= 0xE0 ? 3 : 2;
		const char *out = p;
		size_t outlen = len;
		switch (*p) {
		case '&': out = "&amp;"; outlen = 5; break;
		case '<': out = "&lt;"; outlen = 4; break;
		case '>': out = "&gt;"; outlen = 4; break;
		case '"': out = "&quot;"; outlen = 6; break;
		case '\'': out = "&#39;"; outlen = 5; break;
		default:
			if (len == 3 && u[0] == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF)) {
				out = u[2] == 0xBE ? "\\u{FFFE}" : "\\u{FFFF}";
				outlen = 8;
			}
		}
		if (strnlen(p, len) < len || !put(dst, n, &used, out, outlen))
			break;
		p += len;
	}
	dst[used] = '\0';
	free(safe);
	return dst;
}

/* The 16 terminal colours, as xterm draws them. */
static const char *const basic[16] = {
	"#000000", "#cd0000", "#00cd00", "#cdcd00", "#3b78ff", "#cd00cd", "#00cdcd", "#e5e5e5",
	"#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
};

/* A theme colour as #rrggbb: the 16 basic ones, the 6x6x6 cube, the greys. */
char *svg_color(int color, const char *fallback, char *buf, size_t n)
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (color < 0 || color > 255)
		snprintf(buf, n, "%s", fallback);
	else if (color < 16)
		snprintf(buf, n, "%s", basic[color]);
	else if (color < 232)
		snprintf(buf, n, "#%02x%02x%02x", level[(color - 16) / 36], level[(color - 16) / 6 % 6], level[(color - 16) % 6]);
	else
		snprintf(buf, n, "#%02x%02x%02x", 8 + 10 * (color - 232), 8 + 10 * (color - 232), 8 + 10 * (color - 232));
	return buf;
}

/* The colour and weight attributes of a role: ` fill="#rrggbb" font-weight="bold"`. */
static void role_style(const struct theme *t, enum theme_role role, const char *attr, char *buf, size_t n)
{
	char c[16];

	svg_color(t->role[role].fg, FG_DEFAULT, c, sizeof c);
	snprintf(buf, n, " %s=\"%s\"%s", attr, c, t->role[role].attrs & THEME_BOLD ? " font-weight=\"bold\"" : "");
}

/* One message: its line, head (or x), label and marks. */
static void write_arrow(FILE *f, const struct theme *t, const struct export_row *row, int y)
{
	const struct tl_event *ev = &row->ev;
	enum theme_role role = ev->kind == TL_EV_ALERT ? ROLE_ALERT : ev->kind == TL_EV_PLAIN && !ev->encrypted ? ROLE_ARROW_CLEARTEXT
			       : ev->encrypted ? ROLE_ARROW_ENCRYPTED : ROLE_ARROW;
	bool cut = timeline_undelivered(ev), right = ev->from == TL_CLIENT;
	int x0 = right ? LEFT : RIGHT, x1 = right ? RIGHT : LEFT, dir = right ? 1 : -1;
	int end = cut ? x0 + dir * (RIGHT - LEFT) * 7 / 10 : x1 - dir * 10;
	char label[128], mark[300], fate[200], safe[1200], stroke[80], fill[80], c[16];
	const char *keys = export_keys_name(ev->keys);

	svg_color(t->role[role].fg, FG_DEFAULT, c, sizeof c);
	snprintf(stroke, sizeof stroke, " stroke=\"%s\" stroke-width=\"%d\"%s", c, ev->encrypted ? 3 : 1,
		 ev->kind == TL_EV_PLAIN && !ev->encrypted ? " stroke-dasharray=\"2 3\"" : "");
	role_style(t, role, "fill", fill, sizeof fill);
	text_event_label(ev, label, sizeof label);
	fprintf(f, "<g class=\"message%s%s\" data-step=\"%u\">\n", ev->encrypted ? " encrypted" : ev->kind == TL_EV_PLAIN ? " plain" : "",
		cut ? " undelivered" : "", row->step);
	fprintf(f, "<text x=\"20\" y=\"%d\"%s>%u</text>\n", y + 4, fill, row->step);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"%s/>\n", x0, y, end, y, stroke);
	if (cut)
		fprintf(f, "<path d=\"M%d %d L%d %d M%d %d L%d %d\"%s/>\n", end - 6, y - 6, end + 6, y + 6, end - 6, y + 6,
			end + 6, y - 6, stroke);
	else
		fprintf(f, "<polygon points=\"%d,%d %d,%d %d,%d\"%s/>\n", x1, y, x1 - dir * 12, y - 6, x1 - dir * 12, y + 6,
			fill);
	fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\"%s>%s</text>\n", (LEFT + RIGHT) / 2, y - 7,
		fill, svg_text(safe, sizeof safe, label));
	timeline_delivery_text(ev, fate, sizeof fate);
	snprintf(mark, sizeof mark, "%s%s%s%s", ev->encrypted ? "encrypted" : ev->kind == TL_EV_PLAIN ? "plain" : "",
		 keys[0] && ev->encrypted ? ", " : "",
		 ev->encrypted ? keys : "", ev->recv_differs ? " (received bytes differ)" : "");
	if (mark[0])
		fprintf(f, "<text class=\"mark\" x=\"%d\" y=\"%d\" font-size=\"11\"%s>%s</text>\n", RIGHT + 8, y + 4, fill,
			svg_text(safe, sizeof safe, mark));
	if (fate[0])           /* what became of it, under its arrow */
		fprintf(f, "<text class=\"fate\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\"%s>%s</text>\n",
			(LEFT + RIGHT) / 2, y + 14, fill, svg_text(safe, sizeof safe, fate));
	fprintf(f, "</g>\n");
}

/* Writes untrusted text (sanitized here) as lines of at most WRAP characters (broken at spaces) at x from y on, LINE pixels apart; returns the next y. */
#define LINE 17
static int write_wrapped(FILE *f, const char *cls, const char *fill, const char *text, int x, int y)
{
	char line[WRAP * 4 + 8], safe[WRAP * 24 + 64];
	const char *p = text;

	for (int guard = 0; *p && guard < 200; guard++) {
		size_t len = strlen(p), take = len;
		if (len > WRAP) {
			take = WRAP;
			while (take > WRAP / 2 && p[take] != ' ')
				take--;
			if (p[take] != ' ')
				take = WRAP;
			while (take < len && ((unsigned char)p[take] & 0xC0) == 0x80)
				take++;
		}
		snprintf(line, sizeof line, "%.*s", (int)take, p);
		fprintf(f, "<text class=\"%s\" x=\"%d\" y=\"%d\" font-size=\"13\"%s>%s</text>\n", cls, x, y, fill,
			svg_text(safe, sizeof safe, line));
		y += LINE;
		p += take;
		while (*p == ' ')
			p++;
	}
	return y;
}

/* A note or error: text rows between the lifelines; returns the y of the next row. */
static int write_note(FILE *f, const struct theme *t, const struct export_row *row, int y)
{
	char words[2400], fill[80];

	role_style(t, row->ev.kind == TL_EV_NOTE ? ROLE_NOTE : ROLE_ERROR, "fill", fill, sizeof fill);
	export_note_text(&row->ev, words, sizeof words);
	fprintf(f, "<g class=\"note\" data-step=\"%u\">\n<text x=\"20\" y=\"%d\"%s>%u</text>\n", row->step, y + 4, fill,
		row->step);
	y = write_wrapped(f, "note", fill, words, 60, y + 4);
	fprintf(f, "</g>\n");
	return y - 4 - LINE + ROW;
}

/* The diagnosis of one connection, from y on; returns the next y. */
static int write_diagnosis(FILE *f, const struct theme *t, const struct timeline *tl, unsigned conn,
			   const struct text_opts *o, int y)
{
	struct diag_finding *d = malloc(8 * sizeof *d);
	char *words = malloc(8192), fill[80];
	size_t n = d ? diagnose(tl, conn, export_diag_side(o), d, 8) : 0;

	for (size_t i = 0; words && i < n; i++) {
		enum theme_role role = d[i].code == DIAG_OK ? ROLE_GOOD : diag_is_warning(d[i].code) ? ROLE_NOTE : ROLE_BAD;
		role_style(t, role, "fill", fill, sizeof fill);
		if (timeline_conn_count(tl) > 1)
			snprintf(words, 8192, "connection %u diagnosis: %s: %s", conn + 1, diag_code_name(d[i].code), d[i].sentence);
		else
			snprintf(words, 8192, "diagnosis: %s: %s", diag_code_name(d[i].code), d[i].sentence);
		y = write_wrapped(f, "diagnosis", fill, words, 20, y);
		if (d[i].fix[0]) {
			role_style(t, ROLE_EXPLANATION, "fill", fill, sizeof fill);
			snprintf(words, 8192, "fix: %s", d[i].fix);
			y = write_wrapped(f, "fix", fill, words, 20, y);
		}
		y += 6;
	}
	free(d);
	free(words);
	return y;
}

/* The background, title and lifeline heads. */
static void write_head(FILE *f, const struct theme *t, const struct text_opts *o, int ladder_end, int height)
{
	char safe[2048], title[80], life[16], head[80];

	role_style(t, ROLE_TITLE, "fill", title, sizeof title);
	role_style(t, ROLE_LIFELINE, "fill", head, sizeof head);
	svg_color(t->role[ROLE_LIFELINE].fg, FG_DEFAULT, life, sizeof life);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "font-family=\"monospace\" font-size=\"14\">\n", WIDTH, height, WIDTH, height);
	fprintf(f, "<title>%s</title>\n", svg_text(safe, sizeof safe, o->title ? o->title : "tlsladder"));
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n", BG_DEFAULT);
	fprintf(f, "<text class=\"title\" x=\"20\" y=\"30\" font-size=\"13\"%s>%s</text>\n", title, safe);
	fprintf(f, "<text x=\"%d\" y=\"70\" text-anchor=\"middle\"%s>CLIENT</text>\n", LEFT, head);
	fprintf(f, "<text x=\"%d\" y=\"70\" text-anchor=\"middle\"%s>SERVER</text>\n", RIGHT, head);
	fprintf(f, "<line class=\"lifeline\" x1=\"%d\" y1=\"80\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n",
		LEFT, LEFT, ladder_end, life);
	fprintf(f, "<line class=\"lifeline\" x1=\"%d\" y1=\"80\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n",
		RIGHT, RIGHT, ladder_end, life);
}

/* Writes the rows and the diagnosis from y = TOP on; returns the y below them, and the ladder's end in *ladder_end. */
static int write_body(FILE *f, const struct theme *t, const struct timeline *tl, const struct text_opts *o,
		      int *ladder_end)
{
	struct export_iter it;
	struct export_row row;
	int y = TOP;
	char note[80];

	role_style(t, ROLE_NOTE, "fill", note, sizeof note);
	export_iter_init(&it, tl, o);
	while (export_iter_next(&it, &row)) {
		if (row.new_conn) {
			fprintf(f, "<text class=\"connection\" x=\"%d\" y=\"%d\" text-anchor=\"middle\"%s>connection %u</text>\n",
				(LEFT + RIGHT) / 2, y + 4, note, row.ev.conn + 1);
			y += ROW;
		}
		if (export_is_note(&row.ev)) {
			y = write_note(f, t, &row, y);
		} else {
			write_arrow(f, t, &row, y);
			y += ROW;
		}
	}
	export_iter_free(&it);
	*ladder_end = y - ROW / 2;
	y += 10;
	for (unsigned c = 0; c < export_conn_bound(tl); c++)
		if (export_shows_diagnosis(tl, o, c))
			y = write_diagnosis(f, t, tl, c, o, y);
	return y;
}

/* Writes the picture: the body first into memory, for the height it takes. */
void svg_write(FILE *f, const struct timeline *tl, const struct text_opts *o)
{
	struct theme t;
	char *body = NULL;
	size_t len = 0;
	int end = TOP, height = TOP;
	FILE *mem = open_memstream(&body, &len);

	theme_builtin(&t);
	if (mem) {
		height = write_body(mem, &t, tl, o, &end);
		fclose(mem);
	}
	write_head(f, &t, o, end, height + 10);
	if (body)
		fwrite(body, 1, len, f);
	free(body);
	fprintf(f, "</svg>\n");
}
