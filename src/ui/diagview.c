/*
 * diagview.c: the diagnosis, drawn twice: a banner under the header naming
 * the primary cause, and the panel (d) with every finding, its fix and
 * the steps that are its evidence. The diagnosis itself is made by core
 * (diagnose.h) once the run (or, in server mode, the connection shown) has
 * finished, and again only when the timeline grew.
 */
#include "view.h"
#include "tlsladder/sanitize.h"

#include <stdio.h>

/* Server mode: the connection shown has its result. */
static bool conn_done(const struct ui *ui)
{
	struct tl_result r;

	timeline_get_result(ui->src.tl, TL_SERVER, (unsigned)ui->conn_sel, &r);
	return r.set;
}

/* Diagnoses the connection shown once it is over (again whenever the timeline changed). */
static bool diagview_load(struct ui *ui)
{
	uint64_t id;
	unsigned gen;

	timeline_stamp(ui->src.tl, &id, &gen);
	if ((timeline_finished(ui->src.tl) || (ui->src.per_conn && conn_done(ui))) && ui->diag_gen != (size_t)gen + 1) {
		unsigned conns = timeline_conn_count(ui->src.tl);
		unsigned conn = ui->src.per_conn ? (unsigned)ui->conn_sel : conns ? conns - 1 : 0;
		ui->ndiag = diagnose(ui->src.tl, conn, ui->src.per_conn ? TL_SERVER : TL_CLIENT, ui->diag,
				     sizeof ui->diag / sizeof ui->diag[0]);
		ui->diag_gen = (size_t)gen + 1;
		return true;
	}
	if (ui->src.per_conn && ui->diag_gen && (size_t)gen + 1 != ui->diag_gen)
		ui->diag_gen = 0;
	return false;
}

/* The diagnosis banner under the header (when there is a cause); returns the rows it took. */
int diagview_banner(struct ui *ui, int y, int w)
{
	char line[8448], safe_s[8192];

	if (ui->ndiag == 0 || ui->diag[0].code == DIAG_OK)
		return 0;
	sanitize_str(safe_s, sizeof safe_s, ui->diag[0].sentence);
	snprintf(line, sizeof line, " %s %s: %s   (d: details)",
		 diag_is_warning(ui->diag[0].code) ? "!" : ui->pt.unicode ? "\u2717" : "x",
		 diag_code_name(ui->diag[0].code), safe_s);
	attrset(paint_attr(&ui->pt, ROLE_BAD) | A_REVERSE);
	paint_blank(y, 0, w);
	paint_put_cut(&ui->pt, y, 0, line, w);
	attrset(A_NORMAL);
	return 1;
}

/* Part `part` of finding i in buf (0: code and sentence, 1: fix, 2: evidence
 * steps), its attribute set; false when the finding has no such part. */
static bool finding_part(struct ui *ui, size_t i, int part, char *buf, size_t n)
{
	const struct diag_finding *d = &ui->diag[i];
	char safe_s[8000];

	if (part == 0) {
		sanitize_str(safe_s, sizeof safe_s, d->sentence);
		snprintf(buf, n, "%s%s: %s", i == 0 ? "" : "also ", diag_code_name(d->code), safe_s);
		attrset(paint_attr(&ui->pt, i == 0 && d->code != DIAG_OK ? ROLE_BAD : ROLE_STATUS_KEY));
	} else if (part == 1) {
		if (!d->fix[0])
			return false;
		sanitize_str(safe_s, sizeof safe_s, d->fix);
		snprintf(buf, n, "fix: %s", safe_s);
		attrset(paint_attr(&ui->pt, ROLE_STATUS));
	} else {
		size_t used;
		if (d->nevidence == 0)
			return false;
		used = (size_t)snprintf(buf, n, "evidence: step");
		for (unsigned k = 0; k < d->nevidence && used + 10 < n; k++)
			used += (size_t)snprintf(buf + used, n - used, "%s %zu", k ? "," : "",
						 ladder_row_of(ladderview_current(ui), d->evidence[k]) + 1);
		attrset(paint_attr(&ui->pt, ROLE_STATUS));
	}
	return true;
}

/* Writes buf word-wrapped from row *y, x, cols wide, above row end. */
static void wrapped(const char *buf, int *y, int x, int cols, int end)
{
	for (const char *p = buf; *p && *y < end; (*y)++) {
		size_t b = paint_wrap(p, cols);
		char seg[600];
		snprintf(seg, sizeof seg, "%.*s", (int)b, p);
		paint_put(*y, x, seg, cols);
		p += b;
		while (*p == ' ')
			p++;
	}
}

/* The diagnosis panel (d), a clean box over everything between the top
 * line and the status bar: every finding with its fix and evidence steps. */
static void diagview_draw(struct ui *ui, struct rect r)
{
	int bw = r.w < 100 ? r.w : 100, bh = r.h - 2, y0 = 1, x0, y, end = y0 + bh - 1;

	x0 = paint_panel(&ui->pt, y0, bh, r.w, bw, "Diagnosis (any key closes this)");
	y = y0 + 2;
	attrset(paint_attr(&ui->pt, ROLE_STATUS_KEY));
	if (ui->ndiag == 0)
		paint_put(y, x0 + 3, timeline_finished(ui->src.tl) ? "nothing to say" : "the run is not finished yet", bw - 6);
	for (size_t i = 0; i < ui->ndiag && y < end; i++) {
		char buf[8448];
		/* word-wrapped: the code and sentence, the fix, the evidence steps */
		for (int part = 0; part < 3 && y < end; part++)
			if (finding_part(ui, i, part, buf, sizeof buf))
				wrapped(buf, &y, x0 + 3, bw - 6, end);
		y++;
	}
	attrset(A_NORMAL);
}

/* While the panel is open any key only closes it (q does not quit), as its
 * title says; d opens it and jumps to the first piece of evidence. */
static int diagview_request(struct ui *ui, enum ui_action a, int key)
{
	(void)key;
	if (ui->diag_open) {
		ui->diag_open = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (a != ACT_DIAGNOSIS)
		return 0;
	ui->diag_open = true;
	if (ui->ndiag > 0 && ui->diag[0].nevidence > 0)
		ladderview_select(ui, (long)ladder_row_of(ladderview_current(ui), ui->diag[0].evidence[0]));
	return UI_HANDLED | UI_REDRAW;
}

const struct view_ops diagview_ops = { "diagnosis", diagview_load, diagview_draw, diagview_request };
