/*
 * explainview.c: the explanation pane under the ladder: the selected
 * event's plain-language explanation (ui_source.explain), word-wrapped.
 * The text is made once per event and timeline generation, not per frame.
 */
#include "view.h"

#include <stdio.h>

/* Makes the explanation of the selected event when it or the timeline
 * changed (any change: a verdict stored later changes what it says). */
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
	ui->src.explain(ui->src.tl, e, ui->expl, sizeof ui->expl);
	ui->expl_ev = e;
	ui->expl_gen = gen;
	return true;
}

/* The explanation pane: word-wrapped plain-language text. */
static void explainview_draw(struct ui *ui, struct rect r)
{
	size_t e = ladderview_selected(ui);
	char raw[4096] = "", text[8192], title[64] = "What is happening";
	const char *p;
	int line = 0;
	bool quiz = quizview_explain(ui, title, sizeof title, raw, sizeof raw);

	paint_rule(&ui->pt, r.y, r.x, r.w, title, false);
	for (int i = 1; i < r.h; i++)
		paint_blank(r.y + i, r.x, r.w);
	if (!quiz && e != (size_t)-1 && ui->src.explain) {
		explainview_load(ui);
		snprintf(raw, sizeof raw, "%s", ui->expl);
	}
	paint_safe(text, sizeof text, raw);
	attrset(paint_attr(&ui->pt, ROLE_EXPLANATION));
	p = text;
	while (*p && line < r.h - 1) {
		int used;
		size_t b = paint_fit(p, r.w - 4, &used);
		if (p[b]) {
			/* break at the last space that fits */
			size_t k = b;
			while (k > 0 && p[k] != ' ')
				k--;
			if (k > 0)
				b = k;
		}
		mvaddnstr(r.y + 1 + line, r.x + 2, p, (int)b);
		p += b;
		while (*p == ' ')
			p++;
		line++;
	}
	attrset(A_NORMAL);
}

const struct view_ops explainview_ops = { "explanation", explainview_load, explainview_draw, NULL };
