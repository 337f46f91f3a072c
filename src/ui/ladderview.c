/*
 * ladderview.c: the ladder pane, in its two views of one timeline:
 * messages (handshake messages, ChangeCipherSpec, alerts, notes) and the
 * wire (TLS records, each saying what it carries). The rows are the
 * ladder model's (ladder.h), taken in incrementally; only the rows on
 * screen are drawn. Its requests move the selection, open the details,
 * switch views and search by name. A message that was not delivered stops
 * short at an "x", with what became of it in the gap.
 */
#include "view.h"
#include "tlsladder/names.h"
#include "tlsladder/recframe.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The current view. */
struct ladder *ladderview_current(struct ui *ui)
{
	return &ui->lad[ui->wire ? 1 : 0];
}

/* Timeline index of the selected row, or SIZE_MAX when there are no rows. */
size_t ladderview_selected(struct ui *ui)
{
	struct ladder *l = ladderview_current(ui);

	return l->nrows ? l->rows[ui->cur].ev : (size_t)-1;
}

/* The rows of the current view that may be shown. */
size_t ladderview_rows(struct ui *ui)
{
	return quizview_rows(ui, ladderview_current(ui)->nrows);
}

/* Moves the selection to row r (clamped); stops following unless it is the last row. */
int ladderview_select(struct ui *ui, long r)
{
	size_t nrows = ladderview_rows(ui);
	size_t was = ui->cur;
	bool followed = ui->follow;

	if (nrows == 0)
		return UI_HANDLED;
	if (r < 0)
		r = 0;
	if ((size_t)r >= nrows)
		r = (long)nrows - 1;
	ui->cur = (size_t)r;
	if (ui->cur != was)
		ui->expl_top = 0;       /* another message's explanation starts at its top */
	ui->follow = ui->cur == nrows - 1 && !timeline_finished(ui->src.tl);
	return UI_HANDLED | (ui->cur != was || ui->follow != followed ? UI_REDRAW : 0);
}

/* Server mode: shows connection conn (rows start over). */
void ladderview_show_conn(struct ui *ui, long conn)
{
	ui->conn_sel = conn;
	ladder_set_conn(&ui->lad[0], conn);
	ladder_set_conn(&ui->lad[1], conn);
	ui->cur = ui->top = 0;
	ui->sum_gen = 0;                /* rebuild the header */
	ui->diag_gen = 0;
	ui->ndiag = 0;
}

/* Server mode with a log: shows connection n's own timeline, everything
 * derived from the one shown before forgotten. */
bool ladderview_show_serial(struct ui *ui, uint64_t n)
{
	struct timeline *tl = connlog_get(ui->src.log, n);

	if (!tl)
		return false;
	timeline_destroy(ui->held);
	ui->held = tl;
	ui->src.tl = tl;
	ui->serial_sel = n;
	ladder_free(&ui->lad[0]);
	ladder_free(&ui->lad[1]);
	ladder_init(&ui->lad[0], tl, false);
	ladder_init(&ui->lad[1], tl, true);
	ladderview_show_conn(ui, 0);
	ui->have_stamp = false;
	ui->have_tree = false;
	ui->expl_ev = (size_t)-1;
	ui->expl[0] = '\0';
	ui->err_scanned = 0;
	ui->saw_error = false;
	ui->results_failed = false;
	ui->sum_final = false;
	ui->have_sum = false;
	return true;
}

/* Server mode with a log: a new connection is followed when the newest was shown. */
bool ladderview_load_log(struct ui *ui)
{
	uint64_t gen = connlog_generation(ui->src.log), newest;
	bool at_newest = ui->serial_sel == ui->serial_newest;

	uint64_t refused = ui->tally.refused;

	if (gen == ui->log_gen)
		return false;
	ui->log_gen = gen;
	connlog_tally(ui->src.log, &ui->tally);
	if (ui->tally.refused != refused) {
		char why[320];
		ui_message(ui, connlog_last_refusal(ui->src.log, why, sizeof why));
	}
	newest = connlog_kept_at_or_below(ui->src.log, ui->tally.numbered);
	if (newest > ui->serial_newest) {
		ui->serial_newest = newest;
		if ((ui->follow || at_newest) && ladderview_show_serial(ui, newest))
			ui->follow = true;
	}
	return true;
}

/* Takes in new events: server mode follows a new connection; the rows grow. */
static bool ladderview_load(struct ui *ui)
{
	bool changed = false;
	struct ladder *l;

	if (ui->src.per_conn && !ui->src.log) {
		size_t n = timeline_count(ui->src.tl);
		struct tl_event last;
		if (n && timeline_get(ui->src.tl, n - 1, &last) && last.conn > ui->conn_newest) {
			bool at_newest = ui->conn_sel == (long)ui->conn_newest;
			ui->conn_newest = last.conn;
			changed = true;
			if (ui->follow || at_newest) {
				ladderview_show_conn(ui, (long)last.conn);
				ui->follow = true;
			}
		}
	}
	changed |= ladder_update(&ui->lad[0]);
	changed |= ladder_update(&ui->lad[1]);
	l = ladderview_current(ui);
	if (ui->landing && l->nrows > ui->land_from[ui->wire]) {
		/* step mode: the flight just let go starts at the first new row; stay on it */
		ui->landing = false;
		ui->cur = ui->land_from[ui->wire];
	}
	if (ui->follow && ladderview_rows(ui))
		ui->cur = ladderview_rows(ui) - 1;
	return changed;
}

/* True when timeline event ev is evidence of the primary cause. */
static bool is_evidence(const struct ui *ui, size_t ev)
{
	if (ui->ndiag == 0 || ui->diag[0].code == DIAG_OK)
		return false;
	for (unsigned k = 0; k < ui->diag[0].nevidence; k++)
		if (ui->diag[0].evidence[k] == ev)
			return true;
	return false;
}

/* The row title used by search and the ladder. */
void ladderview_title(const struct tl_event *ev, char *buf, size_t n)
{
	if (ev->kind == TL_EV_ALERT) {
		const char *d = names_alert(ev->alert_desc), *lv = names_alert_level(ev->alert_level);
		snprintf(buf, n, "Alert %s %s", lv ? lv : "?", d ? d : "unknown");
	} else if (ev->kind == TL_EV_PLAIN) {
		sanitize_str(buf, n, ev->text ? ev->text : "");       /* the line as the network sent it */
	} else if (ev->kind == TL_EV_RECORD) {
		const char *t = names_content_type(ev->rec_type);
		snprintf(buf, n, "%s(%u) %u B", t ? t : "record", ev->rec_type, ev->rec_length);
	} else if (ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR || ev->kind == TL_EV_DIAGNOSIS) {
		char s[600];
		const char *t = ev->text ? ev->text : "";
		const char *nl = ev->kind == TL_EV_DIAGNOSIS ? strchr(t, '\n') : NULL;   /* "sentence\nfix" */
		sanitize_text(s, sizeof s, t, nl ? (size_t)(nl - t) : strlen(t));
		snprintf(buf, n, "%s: %s", ev->kind == TL_EV_DIAGNOSIS ? "pre-flight" : timeline_event_name(ev), s);
	} else {
		snprintf(buf, n, "%s", timeline_event_name(ev));
	}
}

/* Names of the messages a record row carries, ", "-separated. */
static void carries(const struct ui *ui, const struct ladder_row *r, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < r->ncarry && used + 1 < n; k++) {
		struct tl_event ev;
		timeline_get(ui->src.tl, r->carry[k], &ev);
		used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "",
					 ev.kind == TL_EV_ALERT ? "Alert" : timeline_event_name(&ev));
	}
	if (r->carry_more && used + 5 < n)
		strcat(buf, ", ...");
	if (r->partial && used + 8 < n)
		strcat(buf, " (part)");
}

/* The text on a row's arrow: the title, with the size or what a record carries. */
static void row_label(struct ui *ui, size_t row, char *label, size_t n)
{
	struct ladder_row *r = &ladderview_current(ui)->rows[row];
	struct tl_event ev;
	char extra[300];

	timeline_get(ui->src.tl, r->ev, &ev);
	if (quizview_hidden(ui, row)) {
		snprintf(label, n, "?");       /* the quiz asks what it is */
		return;
	}
	ladderview_title(&ev, label, n);
	if (ev.handshake > 1 && ev.kind != TL_EV_NOTE && ev.kind != TL_EV_ERROR && ev.kind != TL_EV_DIAGNOSIS) {
		/* a renegotiation's row: which handshake it belongs to (its header row explains) */
		snprintf(extra, sizeof extra, "[%u] %s", ev.handshake, label);
		snprintf(label, n, "%s", extra);
	}
	if (ev.kind == TL_EV_HANDSHAKE) {
		snprintf(extra, sizeof extra, " %zu B%s", ev.body_total, timeline_body_cut(&ev) ? " (cut)" : "");
		strncat(label, extra, n - strlen(label) - 1);
	} else if (ev.kind == TL_EV_RECORD && ev.rec_type != WIRE_CT_CHANGE_CIPHER_SPEC &&
		   recframe_carried(ui->src.tl, r->ev, extra, sizeof extra)[0]) {
		/* what opening the record found (records.h): named from its plaintext */
		strncat(label, ": ", n - strlen(label) - 1);
		strncat(label, extra, n - strlen(label) - 1);
	} else if (ev.kind == TL_EV_RECORD && r->ncarry && ev.rec_type != WIRE_CT_CHANGE_CIPHER_SPEC &&
		   ev.rec_type != WIRE_CT_ALERT) {
		carries(ui, r, extra, sizeof extra);
		strncat(label, ": ", n - strlen(label) - 1);
		strncat(label, extra, n - strlen(label) - 1);
	}
}

/* The columns an arrow spans between the lifelines at xl and xr: all of
 * them, or about three fifths for a message that was not delivered. */
static int arrow_span(int xl, int xr, const struct tl_event *ev)
{
	int alen = xr - xl - 1;

	return timeline_undelivered(ev) ? alen * 3 / 5 : alen;
}

/* Draws an arrow from the sender towards the receiver, its label on it (a
 * label too long for the arrow ends in the ellipsis mark); one that was not
 * delivered stops short at an "x". */
static void draw_arrow(struct ui *ui, int y, int xl, int xr, const struct tl_event *ev, const char *label)
{
	struct glyphs g = paint_glyphs(&ui->pt);
	bool cut = timeline_undelivered(ev);
	int span = arrow_span(xl, xr, ev);
	int from = ev->from == TL_CLIENT || !cut ? xl + 1 : xr - span;
	int lw = paint_width(label), max = span - 4;
	int start;

	if (lw > max)
		lw = max > 0 ? max : 0;
	start = from + (span - lw - 2) / 2;
	paint_hfill(y, from, span, ev->encrypted ? g.h2 : ev->kind == TL_EV_PLAIN ? g.dot : g.h);
	if (ev->from == TL_CLIENT)
		mvaddstr(y, from + span - 1, cut ? "x" : g.right);
	else
		mvaddstr(y, from, cut ? "x" : g.left);
	mvaddstr(y, start, " ");
	lw = paint_put_cut(&ui->pt, y, start + 1, label, lw);
	mvaddstr(y, start + 1 + lw, " ");
}

/* Writes what became of an undelivered message in the gap its arrow left
 * (the whole sentence when it fits, else its first words). */
static void draw_fate(struct ui *ui, int y, int xl, int xr, const struct tl_event *ev, bool selected)
{
	char fate[160];
	int span = arrow_span(xl, xr, ev), gap = xr - xl - 1 - span - 2;
	int x = ev->from == TL_CLIENT ? xl + 1 + span + 1 : xl + 2;

	timeline_delivery_text(ev, fate, sizeof fate);
	if (paint_width(fate) > gap)
		fate[strcspn(fate, ":")] = '\0';     /* "not sent", "incomplete" */
	attrset(selected ? paint_attr(&ui->pt, ROLE_SELECTED) : paint_attr(&ui->pt, ROLE_ERROR));
	paint_put(y, x, fate, gap);
}

/* The step number, marked "!" when the row is evidence of the diagnosis. */
static void draw_step(struct ui *ui, int y, int x, size_t row, const struct ladder_row *r, bool selected)
{
	attr_t sel = paint_attr(&ui->pt, ROLE_SELECTED);
	char num[24];

	snprintf(num, sizeof num, "%4zu", (row + 1) % 100000);
	if (is_evidence(ui, r->ev)) {
		attrset(selected ? sel : paint_attr(&ui->pt, ROLE_BAD));
		paint_put(y, x, num, 4);
		paint_put(y, x + 4, "!", 1);
		attrset(selected ? sel : paint_attr(&ui->pt, ROLE_DIM));
	} else {
		paint_put(y, x, num, 4);
	}
}

/* A note, error or pre-flight finding: a bullet and its text across the row. */
static void draw_note_row(struct ui *ui, int y, int x, int w, const struct tl_event *ev, bool selected)
{
	struct glyphs g = paint_glyphs(&ui->pt);
	char label[600], bullet[16];

	ladderview_title(ev, label, sizeof label);
	attrset(selected ? paint_attr(&ui->pt, ROLE_SELECTED)
			 : paint_attr(&ui->pt, ev->kind == TL_EV_NOTE ? ROLE_NOTE : ROLE_ERROR));
	snprintf(bullet, sizeof bullet, "%s ", g.bullet);
	paint_put(y, x + 5, bullet, 2);
	paint_put_cut(&ui->pt, y, x + 7, label, w - 8);
	attrset(A_NORMAL);
}

/* Draws one ladder row at screen row y. */
static void draw_row(struct ui *ui, int y, int x, int w, size_t row, bool selected)
{
	struct ladder_row *r = &ladderview_current(ui)->rows[row];
	struct glyphs g = paint_glyphs(&ui->pt);
	struct tl_event ev;
	char label[600];
	int xl = x + 5, xr = x + w - 7, role;
	attr_t sel = paint_attr(&ui->pt, ROLE_SELECTED);

	timeline_get(ui->src.tl, r->ev, &ev);
	attrset(selected ? sel : paint_attr(&ui->pt, ROLE_DIM));
	paint_blank(y, x, w);
	draw_step(ui, y, x, row, r, selected);
	if (ev.kind == TL_EV_NOTE || ev.kind == TL_EV_ERROR || ev.kind == TL_EV_DIAGNOSIS) {
		draw_note_row(ui, y, x, w, &ev, selected);
		return;
	}
	role = ev.kind == TL_EV_ALERT ? ROLE_ALERT : ev.kind == TL_EV_PLAIN && !ev.encrypted ? ROLE_ARROW_CLEARTEXT
		: ev.encrypted ? ROLE_ARROW_ENCRYPTED : ROLE_ARROW;
	/* lifelines */
	attrset(selected ? sel : paint_attr(&ui->pt, ROLE_LIFELINE));
	mvaddstr(y, xl, g.v);
	mvaddstr(y, xr, g.v);
	row_label(ui, row, label, sizeof label);
	attrset(selected ? sel : paint_attr(&ui->pt, role));
	draw_arrow(ui, y, xl, xr, &ev, label);
	if (timeline_undelivered(&ev) && !quizview_hidden(ui, row))
		draw_fate(ui, y, xl, xr, &ev, selected);
	if (ev.encrypted) {
		attrset(selected ? sel : paint_attr(&ui->pt, ROLE_ARROW_ENCRYPTED));
		paint_put(y, xr + 2, "enc", 4);
	} else if (ev.kind == TL_EV_PLAIN) {
		attrset(selected ? sel : paint_attr(&ui->pt, ROLE_ARROW_CLEARTEXT));
		paint_put(y, xr + 2, "plain", 5);
	}
	attrset(A_NORMAL);
}

/* The ladder pane. */
static void ladderview_draw(struct ui *ui, struct rect r)
{
	int rows = r.h - 1;

	paint_rule(&ui->pt, r.y, r.x, r.w, ui->wire ? "Wire: TLS records" : "Ladder: messages", !ui->focus_tree);
	attrset(paint_attr(&ui->pt, ROLE_TITLE));
	if (rows < 1)
		return;
	ui->pane_rows = rows - 1;
	ui->ladder_y = r.y + 2;
	ui->ladder_x = r.x;
	ui->ladder_w = r.w;
	paint_blank(r.y + 1, r.x, r.w);
	paint_put(r.y + 1, r.x + 3, "CLIENT", 8);
	paint_put(r.y + 1, r.x + r.w - 10, "SERVER", 8);
	attrset(A_NORMAL);
	rows = ui->pane_rows;
	if (rows <= 0)
		return;
	/* keep the cursor visible */
	if (ui->cur < ui->top)
		ui->top = ui->cur;
	if (ui->cur >= ui->top + (size_t)rows)
		ui->top = ui->cur - (size_t)rows + 1;
	for (int i = 0; i < rows; i++) {
		size_t row = ui->top + (size_t)i;
		if (row < ladderview_rows(ui)) {
			draw_row(ui, r.y + 2 + i, r.x, r.w, row, row == ui->cur);
		} else {
			struct glyphs g = paint_glyphs(&ui->pt);
			paint_blank(r.y + 2 + i, r.x, r.w);
			attrset(paint_attr(&ui->pt, ROLE_LIFELINE));
			mvaddstr(r.y + 2 + i, r.x + 5, g.v);
			mvaddstr(r.y + 2 + i, r.x + r.w - 7, g.v);
			attrset(A_NORMAL);
		}
	}
}

/* Case-insensitive substring test. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

/* Finds the next row after the cursor whose label contains ui->search. */
static void search_next(struct ui *ui)
{
	struct ladder *l = ladderview_current(ui);

	for (size_t k = 1; k <= l->nrows; k++) {
		size_t r = (ui->cur + k) % l->nrows;
		char title[700];

		row_label(ui, r, title, sizeof title);
		if (contains(title, ui->search)) {
			ladderview_select(ui, (long)r);
			snprintf(ui->msg, sizeof ui->msg, "found \"%s\"", ui->search);
			return;
		}
	}
	snprintf(ui->msg, sizeof ui->msg, "no message matches \"%s\"", ui->search);
}

/* Handles a key while the search prompt is open. */
int ladderview_search_key(struct ui *ui, int key)
{
	size_t len = strlen(ui->search);

	if (key == '\x1b' || key == KEY_CTRL('g')) {   /* Esc */
		ui->searching = false;
		ui->msg[0] = '\0';
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		ui->searching = false;
		search_next(ui);
	} else if ((key == KEY_BACKSPACE || key == '\x7f' || key == '\b') && len > 0) {
		ui->search[len - 1] = '\0';
	} else if (key >= 32 && key < 127 && len + 1 < sizeof ui->search) {
		ui->search[len] = (char)key;
		ui->search[len + 1] = '\0';
	} else {
		return UI_HANDLED;
	}
	return UI_HANDLED | UI_REDRAW;
}

/* The wire row of the record carrying message ev: it is logged near its message, so look around there only. */
static size_t record_row_of(const struct ladder *to, size_t ev)
{
	size_t near = ladder_row_of(to, ev);
	size_t lo = near > 64 ? near - 64 : 0, hi = near + 64 < to->nrows ? near + 64 : to->nrows;

	for (size_t r = lo; r < hi; r++)
		for (unsigned k = 0; k < to->rows[r].ncarry; k++)
			if (to->rows[r].carry[k] == ev)
				return r;
	return (size_t)-1;
}

/* Toggles between the messages and the wire view, keeping the selection on
 * the same thing: a message's record, or a record's (first) message. */
static int toggle_wire(struct ui *ui)
{
	struct ladder *from = ladderview_current(ui), *to = &ui->lad[ui->wire ? 0 : 1];
	size_t ev = ladderview_selected(ui);
	size_t row = (size_t)-1;

	if (ev != (size_t)-1) {
		if (!ui->wire)
			row = record_row_of(to, ev);
		else if (from->rows[ui->cur].ncarry > 0)
			ev = from->rows[ui->cur].carry[0];
		if (row == (size_t)-1)
			row = ladder_row_of(to, ev);
	}
	ui->wire = !ui->wire;
	if (row != (size_t)-1)
		ui->cur = row < to->nrows ? row : 0;
	if (ui->follow && to->nrows)
		ui->cur = to->nrows - 1;
	return UI_HANDLED | UI_REDRAW;
}

/* Space: lets the waiting side send its next flight; else the next step. */
static int step_go(struct ui *ui)
{
	char what[160];

	if (ui->src.gate && step_gate_waiting(ui->src.gate, what, sizeof what)) {
		step_gate_release(ui->src.gate);
		ui->landing = true;
		ui->land_from[0] = ui->lad[0].nrows;
		ui->land_from[1] = ui->lad[1].nrows;
		ui->follow = false;
		return UI_HANDLED | UI_REDRAW;
	}
	return ladderview_select(ui, (long)ui->cur + 1);
}

/* Handles the ladder's requests: moving, opening, the wire view, search. */
static int ladderview_request(struct ui *ui, enum ui_action a, int key)
{
	int page = ui->pane_rows > 2 ? ui->pane_rows - 1 : 10;

	(void)key;
	switch (a) {
	case ACT_STEP_GO:
		return step_go(ui);
	case ACT_NEXT:
	case ACT_DOWN:
		return ladderview_select(ui, (long)ui->cur + 1);
	case ACT_PREV:
	case ACT_UP:
		return ladderview_select(ui, (long)ui->cur - 1);
	case ACT_FIRST:
		return ladderview_select(ui, 0);
	case ACT_LAST: {
		int f = ladderview_select(ui, (long)ladderview_rows(ui) - 1);
		f |= ui->follow ? 0 : UI_REDRAW;
		ui->follow = true;
		return f;
	}
	case ACT_PAGE_UP:
		return ladderview_select(ui, (long)ui->cur - page);
	case ACT_PAGE_DOWN:
		return ladderview_select(ui, (long)ui->cur + page);
	case ACT_WIRE:
		return toggle_wire(ui);
	case ACT_SEARCH:
		ui->searching = true;
		ui->search[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

const struct view_ops ladderview_ops = { "ladder", ladderview_load, ladderview_draw, ladderview_request };
