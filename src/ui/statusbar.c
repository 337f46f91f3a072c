/*
 * statusbar.c: the two lines that frame the screen. The header (row 0)
 * names the target and what the connection negotiated, from the summary
 * core builds (summary.h), and what waits at the step gate. The status bar
 * (the last row) shows the search prompt, a message, or the key hints from
 * the action table, then the step and the run's state (LIVE, WAITING, DONE,
 * FAILED). The summary is rebuilt when the timeline grew, not per frame.
 */
#include "view.h"
#include "tlsladder/names.h"
#include "tlsladder/strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Whether any side's result of any connection says it failed (once the run finished). */
static bool any_failed(const struct timeline *tl)
{
	for (unsigned c = 0; c < timeline_conn_count(tl); c++)
		for (int sd = 0; sd < 2; sd++) {
			struct tl_result r;
			timeline_get_result(tl, (enum tl_side)sd, c, &r);
			if (r.set && (!r.handshake_ok || r.rejected_after))
				return true;
		}
	return false;
}

/* Looks at new events for errors; rebuilds the summary when the timeline grew or finished. */
static bool statusbar_load(struct ui *ui)
{
	size_t n = timeline_count(ui->src.tl);
	unsigned conns, conn = 0, gen;
	uint64_t id;
	struct tl_event last;

	for (; ui->err_scanned < n; ui->err_scanned++) {
		struct tl_event ev;
		if (timeline_get(ui->src.tl, ui->err_scanned, &ev) && ev.kind == TL_EV_ERROR)
			ui->saw_error = true;
	}
	timeline_stamp(ui->src.tl, &id, &gen);
	if ((size_t)gen + 1 == ui->sum_gen && (!timeline_finished(ui->src.tl) || ui->sum_final))
		return false;
	ui->sum_final = timeline_finished(ui->src.tl);
	if (ui->sum_final)
		ui->results_failed = any_failed(ui->src.tl);   /* once, not per frame */
	conns = timeline_conn_count(ui->src.tl);
	if (n && timeline_get(ui->src.tl, n - 1, &last))
		conn = last.conn;
	if (conns > conn + 1)
		conn = conns - 1;
	if (ui->src.per_conn)
		conn = (unsigned)ui->conn_sel;
	ui->have_sum = summary_build(ui->src.tl, conn, &ui->sum);
	ui->sum_gen = (size_t)gen + 1;
	return true;
}

/* Appends sep and s to line (n bytes). */
static void append(char *line, size_t n, const char *sep, const char *s)
{
	size_t used = strlen(line);

	snprintf(line + used, n - used, "%s%s", sep, s);
}

/* The header's words: target (as given: sanitized, maybe elided), version,
 * suite, group, resumed or whose certificate verified, connection. */
static void header_words(struct ui *ui, char *line, size_t n, const char *sep, const char *tgt)
{
	const struct summary *s = &ui->sum;
	char part[64];

	snprintf(line, n, "tlsladder%s%s", sep, tgt);
	if (quizview_active(ui))
		return;                 /* the quiz: what was negotiated is for the class to find */
	if (ui->have_sum && s->version) {
		const char *v = names_version(s->version), *cs = names_cipher_suite(s->cipher_suite);
		append(line, n, sep, v ? v : "?");
		if (cs)
			append(line, n, sep, cs);
		if (s->group && names_group(s->group))
			append(line, n, sep, names_group(s->group));
	}
	if (ui->have_sum && s->resumed)
		append(line, n, sep, "resumed");
	else if (ui->have_sum && s->client.set && s->client.verify_done)
		/* whose certificate: the client checked the server's (the client certificate has its own banner) */
		append(line, n, sep, s->client.verified ? "server cert verified" : "server cert NOT verified");
	if (ui->src.log && ui->serial_sel) {
		snprintf(part, sizeof part, "connection %" PRIu64 " of %" PRIu64, ui->serial_sel, ui->tally.numbered);
		append(line, n, sep, part);
		if (ui->tally.in_flight) {
			snprintf(part, sizeof part, "%" PRIu64 " in flight", ui->tally.in_flight);
			append(line, n, sep, part);
		}
		if (ui->tally.refused) {
			snprintf(part, sizeof part, "%" PRIu64 " refused", ui->tally.refused);
			append(line, n, sep, part);
		}
	} else if (ui->src.per_conn && !ui->src.log) {
		snprintf(part, sizeof part, "connection %ld of %u", ui->conn_sel + 1, ui->conn_newest + 1);
		append(line, n, sep, part);
	}
}

/*
 * The header's text in cols columns: a target too long for the words after
 * it (a capture's path) loses its middle, down to two thirds of the line
 * (at least 24 columns); words that still do not fit are left out from the
 * end, the last separator followed by the ellipsis mark, so that no word is cut.
 */
static void header_fit(struct ui *ui, char *line, size_t n, int cols)
{
	const char *sep = ui->pt.unicode ? " \u2500 " : " - ", *mark = paint_ellipsis(&ui->pt);
	char tgt[256], shown[300];
	struct strbuf o;
	int budget, least = cols * 2 / 3 > 24 ? cols * 2 / 3 : 24, room;

	paint_safe(tgt, sizeof tgt, ui->src.target);
	header_words(ui, line, n, sep, "");
	budget = cols - paint_width(line);
	room = cols - paint_width("tlsladder") - paint_width(sep);
	if (least > room)
		least = room;            /* a narrow place: the target alone after the name */
	strbuf_init(&o, shown, sizeof shown);
	strbuf_elide(&o, tgt, budget > least ? budget : least, mark);
	header_words(ui, line, n, sep, shown);
	if (paint_width(line) <= cols)
		return;
	for (;;) {
		char *first = strstr(line, sep), *cut = NULL;
		for (char *p = first; p; p = strstr(p + 1, sep))
			cut = p;
		if (!cut || cut == first)
			return;          /* only the target is left: the drawing cuts its end */
		snprintf(cut, n - (size_t)(cut - line), "%s%s", sep, mark);
		if (paint_width(line) <= cols)
			return;
		*cut = '\0';        /* still too wide: one word fewer */
	}
}

/* The header line; what waits at the step gate on its right, the header's words fitted beside it. */
static void header_draw(struct ui *ui, struct rect r)
{
	char line[1024], waiting[200], msg[300] = "";
	int mw = 0, cols;

	if (ui->src.gate && step_gate_waiting(ui->src.gate, waiting, sizeof waiting)) {
		if (quizview_active(ui))   /* the quiz asks what comes: the gate must not say it */
			snprintf(msg, sizeof msg, " a flight waits: Space lets it go ");
		else
			snprintf(msg, sizeof msg, " %s: Space lets it go ", waiting);
		mw = paint_width(msg);
		if (mw >= r.w / 2 + 20 || mw >= r.w)
			mw = 0;
	}
	cols = r.w - 2 - (mw ? mw : 0);
	header_fit(ui, line, sizeof line, cols);
	attrset(paint_attr(&ui->pt, ROLE_HEADER));
	paint_blank(r.y, r.x, r.w);
	paint_put_cut(&ui->pt, r.y, r.x + 1, line, cols);
	if (mw) {
		attrset(paint_attr(&ui->pt, ROLE_SELECTED));
		paint_put(r.y, r.x + r.w - mw, msg, mw);
	}
	attrset(A_NORMAL);
}

/* The run's state word: LIVE, WAITING, DONE or FAILED. */
static const char *run_state(struct ui *ui)
{
	char w[8];

	if (ui->src.gate && step_gate_waiting(ui->src.gate, w, sizeof w))
		return "WAITING";
	if (!timeline_finished(ui->src.tl))
		return "LIVE";
	if (ui->saw_error || ui->results_failed)
		return "FAILED";
	return "DONE";
}

/*
 * Which hints stay when the bar is narrow, most wanted first: ? help and
 * q quit always show; the others are dropped from the end of this list.
 * Hints of the action table not listed here go first (they are dropped
 * before all of these). The bar shows the kept ones in the table's order.
 */
static const enum ui_action hint_rank[] = {
	ACT_QUIT, ACT_HELP, ACT_STEP_GO, ACT_NEXT, ACT_PREV, ACT_OPEN, ACT_PREV_CONN,
	ACT_DIAGNOSIS, ACT_WIRE, ACT_SEARCH, ACT_THEME,
};
#define HINTS_ALWAYS 2          /* the first two of hint_rank */

/* Action a's place in hint_rank (lower: kept longer); past the end when not listed. */
static int hint_priority(int a)
{
	int n = (int)(sizeof hint_rank / sizeof hint_rank[0]);

	for (int i = 0; i < n; i++)
		if ((int)hint_rank[i] == a)
			return i;
	return n;
}

/* Action a's hint: Space says what it does in this mode (--play pauses, --quiz reveals or goes on,
 * --step sends). */
static const char *hint_text(const struct ui *ui, int a)
{
	const char *play = quizview_play_word(ui);

	if (a != ACT_STEP_GO)
		return ui_actions[a].hint;
	if (play)
		return strcmp(play, "PAUSED") == 0 ? "Space play" : "Space pause";
	if (quizview_active(ui))
		return quizview_answered(ui) ? "Space go on" : "Space reveal";
	return ui_actions[a].hint;
}

/* True when action a's hint applies to this run (the quiz refuses the wire view, search and diagnosis). */
static bool hint_applies(const struct ui *ui, int a)
{
	bool quiz = quizview_active(ui);

	if (quiz && (a == ACT_WIRE || a == ACT_SEARCH || a == ACT_DIAGNOSIS))
		return false;
	return ui_actions[a].hint && (a != ACT_STEP_GO || ui->src.gate || quiz || quizview_play_word(ui)) &&
	       (a != ACT_PREV_CONN || ui->src.per_conn);
}

/* Marks in keep[] the hints that fit between column 1 and column end,
 * dropping the lowest-ranked first (never ? help and q quit). */
static void hints_fit(const struct ui *ui, int end, bool *keep)
{
	int total = 1;

	for (int a = 1; a < ACT_COUNT; a++) {
		keep[a] = hint_applies(ui, a);
		if (keep[a])
			total += paint_width(hint_text(ui, a)) + 2;
	}
	while (total > end) {
		int worst = -1;
		for (int a = 1; a < ACT_COUNT; a++)
			if (keep[a] && hint_priority(a) >= HINTS_ALWAYS &&
			    (worst < 0 || hint_priority(a) >= hint_priority(worst)))
				worst = a;
		if (worst < 0)
			break;
		keep[worst] = false;
		total -= paint_width(hint_text(ui, worst)) + 2;
	}
}

/* The key hints from the action table that fit, from column 1 up to column end. */
static void hints(struct ui *ui, int y, int end)
{
	bool keep[ACT_COUNT];
	int x = 1;

	hints_fit(ui, end, keep);
	for (int a = 1; a < ACT_COUNT; a++) {
		const char *hint = hint_text(ui, a), *sp;
		int hw;
		if (!keep[a])
			continue;
		hw = paint_width(hint);
		sp = strchr(hint, ' ');
		attrset(paint_attr(&ui->pt, ROLE_STATUS_KEY));
		mvaddnstr(y, x, hint, sp ? (int)(sp - hint) : hw);
		attrset(paint_attr(&ui->pt, ROLE_STATUS));
		if (sp)
			mvaddstr(y, x + (int)(sp - hint), sp);
		x += hw + 2;
	}
}

/* The status bar: the search prompt, a message or the hints; step N/M and the state. */
static void statusbar_draw(struct ui *ui, struct rect r)
{
	char right[80], left[512] = "";
	size_t nrows = ladderview_rows(ui);
	const char *play = quizview_play_word(ui);
	int rw;

	snprintf(right, sizeof right, " step %zu/%zu  %s%s%s ", nrows ? ui->cur + 1 : 0, nrows, play ? play : "",
		 play ? "  " : "", run_state(ui));
	rw = paint_width(right);
	attrset(paint_attr(&ui->pt, ROLE_STATUS));
	paint_blank(r.y, 0, r.w);
	if (ui->searching) {
		snprintf(left, sizeof left, " find: %s_   (Enter: go, Esc: cancel)", ui->search);
		paint_put(r.y, 0, left, r.w - rw);
	} else if (ui->msg[0]) {
		snprintf(left, sizeof left, " %s", ui->msg);
		paint_put(r.y, 0, left, r.w - rw);
	} else {
		hints(ui, r.y, r.w - rw);
	}
	attrset(paint_attr(&ui->pt, ROLE_STATUS));
	paint_put(r.y, r.w - rw, right, rw);
	attrset(A_NORMAL);
}

const struct view_ops statusbar_ops = { "status", NULL, statusbar_draw, NULL };
const struct view_ops statusbar_header_ops = { "header", statusbar_load, header_draw, NULL };
