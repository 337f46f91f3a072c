/*
 * explainview.c: the explanation pane under the ladder: the selected
 * event's plain-language explanation (ui_source.explain), word-wrapped.
 * The text is made once per event and timeline generation, not per frame.
 * When it is longer than the pane, J and K scroll it and the pane's title
 * line says there is more below (and above, once scrolled).
 */
#include "view.h"

#include <stdio.h>

#define EXPLAIN_MAX_LINES 128

/* Makes the explanation of the selected event when it or the timeline
 * changed (any change: a verdict stored later changes what it says); a
 * new event's explanation starts at its top. */
static bool explainview_load(struct ui *ui)
{
	size_t e = ladderview_selected(ui);
	uint64_t id;
	unsigned gen;

	if (e == (size_t)-1 || !ui->src.explain)
		return false;
	timeline_stamp(ui->src.tl, &id, &gen);
	if (e == ui->expl_ev && gen == ui->expl_gen && ui->expl[0])
		return false;
	if (e != ui->expl_ev)
		ui->expl_top = 0;
	ui->src.explain(ui->src.tl, e, ui->expl, sizeof ui->expl);
	ui->expl_ev = e;
	ui->expl_gen = gen;
	return true;
}

/* Splits text into lines of at most cols columns, broken at spaces (a
 * word longer than a line is cut); start[i], len[i]: line i; returns the count. */
static int wrap_lines(const char *text, int cols, size_t *start, size_t *len, int max)
{
	const char *p = text;
	int n = 0;

	while (*p == ' ')
		p++;
	while (*p && n < max) {
		size_t b = paint_wrap(p, cols), l = b;
		if (b == 0)
			b = l = 1;      /* a character wider than the line: show it anyway */
		while (l > 0 && p[l - 1] == ' ')
			l--;
		start[n] = (size_t)(p - text);
		len[n++] = l;
		p += b;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* The title line: the rule, with a mark on the right when there is more above or below. */
static void title_line(struct ui *ui, struct rect r, const char *title, bool above, bool below)
{
	char mark[64];
	int mw;

	paint_rule(&ui->pt, r.y, r.x, r.w, title, false);
	if (!above && !below)
		return;
	snprintf(mark, sizeof mark, " %s%s%s ", above ? ui->pt.unicode ? "\u25b2 K" : "^ K" : "",
		 above && below ? "  " : "", below ? ui->pt.unicode ? "\u25bc more: J" : "v more: J" : "");
	mw = paint_width(mark);
	if (mw + 24 > r.w)
		return;
	attrset(paint_attr(&ui->pt, ROLE_STATUS_KEY));
	paint_put(r.y, r.x + r.w - 2 - mw, mark, mw);
	attrset(A_NORMAL);
}

/* The explanation pane: word-wrapped plain-language text from the line scrolled to. */
static void explainview_draw(struct ui *ui, struct rect r)
{
	size_t e = ladderview_selected(ui), start[EXPLAIN_MAX_LINES], len[EXPLAIN_MAX_LINES];
	char raw[4096] = "", text[8192], title[64] = "What is happening";
	int rows = r.h - 1, n;
	bool quiz = quizview_explain(ui, title, sizeof title, raw, sizeof raw);   /* --quiz: its question or answer */

	if (!quiz && e != (size_t)-1 && ui->src.explain) {
		explainview_load(ui);
		snprintf(raw, sizeof raw, "%s", ui->expl);
	}
	paint_safe(text, sizeof text, raw);
	n = wrap_lines(text, r.w - 4, start, len, EXPLAIN_MAX_LINES);
	ui->expl_rows = rows > 0 ? rows : 0;
	if (ui->expl_top > n - rows)
		ui->expl_top = n - rows;
	if (ui->expl_top < 0)
		ui->expl_top = 0;
	title_line(ui, r, title, ui->expl_top > 0, ui->expl_top + rows < n);
	for (int i = 1; i < r.h; i++)
		paint_blank(r.y + i, r.x, r.w);
	attrset(paint_attr(&ui->pt, ROLE_EXPLANATION));
	for (int i = 0; i < rows && ui->expl_top + i < n; i++) {
		int l = ui->expl_top + i;
		mvaddnstr(r.y + 1 + i, r.x + 2, text + start[l], (int)len[l]);
	}
	attrset(A_NORMAL);
}

/* J and K scroll the explanation of the message selected now (a key that
 * moved the selection before them counts) by its height less one line;
 * the drawing keeps it in range. */
static int explainview_request(struct ui *ui, enum ui_action a, int key)
{
	int step = ui->expl_rows > 1 ? ui->expl_rows - 1 : 1;

	(void)key;
	if (a != ACT_EXPLAIN_DOWN && a != ACT_EXPLAIN_UP)
		return 0;
	explainview_load(ui);
	if (a == ACT_EXPLAIN_DOWN)
		ui->expl_top += step;
	else if (a == ACT_EXPLAIN_UP)
		ui->expl_top = ui->expl_top > step ? ui->expl_top - step : 0;
	return UI_HANDLED | UI_REDRAW;
}

const struct view_ops explainview_ops = { "explanation", explainview_load, explainview_draw, explainview_request };
