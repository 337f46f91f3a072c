/*
 * ui.c: the interactive ladder's state and its dispatch (see ui.h and
 * view.h). ui_update() lets each view take in the timeline's changes;
 * ui_key() offers a key's action to the open overlay, then to the byte
 * view when it is open (it takes the place of the explanation), then to the views,
 * then to the actions that belong to no view (quit, focus, connection,
 * theme, help, secrets, redraw); ui_draw() lays the screen out and lets
 * each view paint its part. Nothing here draws outside ui_draw().
 */
#include "view.h"

#include <inttypes.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIN_W 60
#define MIN_H 16
#define WIDE_W 100

const struct action_info ui_actions[ACT_COUNT] = {
	[ACT_NONE] = { SCOPE_ANY, "", "", NULL, { 0, 0, 0, 0 } },
#define ACT_INFO(id, scope, keys, help, hint, k1, k2, k3, k4) \
	[ACT_##id] = { SCOPE_##scope, keys, help, hint, { k1, k2, k3, k4 } },
	UI_ACTIONS(ACT_INFO)
#undef ACT_INFO
};

/* Loads a theme by name or path; on error keeps the default and says why. */
static void load_theme(struct ui *ui, const char *name)
{
	char err[300];

	if (!theme_load(name, &ui->pt.theme, err, sizeof err))
		ui_message(ui, err);
	for (int i = 0; theme_shipped[i]; i++)
		if (strcmp(theme_shipped[i], ui->pt.theme.name) == 0)
			ui->theme_idx = i;
}

/* Makes the UI state. */
struct ui *ui_new(const struct ui_source *src, const struct ui_opts *o)
{
	struct ui *ui = calloc(1, sizeof *ui);
	const char *cs;

	if (!ui)
		return NULL;
	ui->src = *src;
	ui->o = *o;
	ui->follow = true;
	ui->wire = o->wire;
	ladder_init(&ui->lad[0], src->tl, false);
	ladder_init(&ui->lad[1], src->tl, true);
	if (src->per_conn) {
		ladder_set_conn(&ui->lad[0], 0);
		ladder_set_conn(&ui->lad[1], 0);
	}
	treeview_init(&ui->tv);
	ui->qv = quizview_new(o);
	if (o->play_ms > 0)
		ui->follow = false;     /* autoplay starts at the first step */
	cs = nl_langinfo(CODESET);
	ui->pt.unicode = !o->ascii && cs && strcasecmp(cs, "UTF-8") == 0;
	theme_builtin(&ui->pt.theme);
	if (o->no_color)
		load_theme(ui, "mono");
	else if (o->theme)
		load_theme(ui, o->theme);
	return ui;
}

/* Frees the UI state. */
void ui_free(struct ui *ui)
{
	if (!ui)
		return;
	ladder_free(&ui->lad[0]);
	ladder_free(&ui->lad[1]);
	treeview_free(&ui->tv);
	quizview_free(ui->qv);
	timeline_destroy(ui->held);
	free(ui);
}

/* Sets up colours (after initscr/newterm). */
void ui_start_colors(struct ui *ui)
{
	ui->pt.color = !ui->o.no_color && has_colors();
	if (ui->pt.color) {
		start_color();
		use_default_colors();
		paint_apply_theme(&ui->pt);
	}
}

/* Sets the status-line message. */
void ui_message(struct ui *ui, const char *msg)
{
	paint_safe(ui->msg, sizeof ui->msg, msg);
}

/* True when the timeline changed since the last look (any change: an
 * event, a delivery, a result, a verdict, the end of the run), or what
 * waits at the step gate did. */
static bool source_changed(struct ui *ui)
{
	uint64_t id;
	unsigned gen;
	char waiting[sizeof ui->gate_seen] = "";
	bool changed;

	timeline_stamp(ui->src.tl, &id, &gen);
	changed = !ui->have_stamp || id != ui->stamp_id || gen != ui->stamp_gen;
	ui->have_stamp = true;
	ui->stamp_id = id;
	ui->stamp_gen = gen;
	if (ui->src.gate)
		step_gate_waiting(ui->src.gate, waiting, sizeof waiting);
	if (strcmp(waiting, ui->gate_seen) != 0) {
		snprintf(ui->gate_seen, sizeof ui->gate_seen, "%s", waiting);
		changed = true;
	}
	return changed;
}

/* Takes in new events: every view loads what changed. */
bool ui_update(struct ui *ui)
{
	bool changed = ui->src.log && ladderview_load_log(ui);

	changed |= source_changed(ui);

	changed |= ladderview_ops.load(ui);
	changed |= quizview_ops.load(ui);
	changed |= diagview_ops.load(ui);
	changed |= statusbar_header_ops.load(ui);
	return changed;
}

/* The action bound to key in the current focus. */
static enum ui_action action_for(const struct ui *ui, int key)
{
	enum ui_scope want = ui->focus_tree ? SCOPE_TREE : SCOPE_LADDER;

	for (int pass = 0; pass < 2; pass++)
		for (int a = 1; a < ACT_COUNT; a++) {
			if (ui_actions[a].scope != (pass == 0 ? want : SCOPE_ANY))
				continue;
			for (int k = 0; k < 4 && ui_actions[a].key[k]; k++)
				if (ui_actions[a].key[k] == key)
					return (enum ui_action)a;
		}
	return ACT_NONE;
}

/* A mouse event: a click selects a ladder row or a details line. */
static int mouse(struct ui *ui)
{
	MEVENT me;
	int y, x;

	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)))
		return UI_HANDLED;
	y = me.y;
	x = me.x;
	if (x >= ui->ladder_x && x < ui->ladder_x + ui->ladder_w && y >= ui->ladder_y && y < ui->ladder_y + ui->pane_rows) {
		ladderview_select(ui, (long)(ui->top + (size_t)(y - ui->ladder_y)));
		ui->focus_tree = false;
	} else if (ui->detail_w > 0 && x >= ui->detail_x && x < ui->detail_x + ui->detail_w && y >= ui->detail_y &&
		   y < ui->detail_y + ui->detail_rows) {
		if (treeview_click(&ui->tv, ui->tv.top + (size_t)(y - ui->detail_y)))
			ui->focus_tree = true;
	}
	return UI_HANDLED | UI_REDRAW;
}

/* [ and ] with a connection log: the previous or next kept connection. */
static int switch_serial(struct ui *ui, int step)
{
	struct connlog *log = ui->src.log;
	uint64_t n = 0;

	if (step < 0 && ui->serial_sel > 1)
		n = connlog_kept_at_or_below(log, ui->serial_sel - 1);
	else if (step > 0 && ui->serial_sel)
		n = connlog_kept_at_or_above(log, ui->serial_sel + 1);
	if (n && ladderview_show_serial(ui, n)) {
		ui->follow = n == ui->serial_newest;
		return UI_HANDLED | UI_REDRAW;
	}
	if (step < 0 && ui->serial_sel > 1)
		snprintf(ui->msg, sizeof ui->msg, "connection %" PRIu64 " and older are no longer kept (--keep %u)",
			 ui->serial_sel - 1, connlog_keep(log));
	return UI_HANDLED | UI_REDRAW;
}

/* [ and ]: server mode shows the previous or next connection. */
static int switch_conn(struct ui *ui, int step)
{
	long c = ui->conn_sel + step;

	if (ui->src.log)
		return switch_serial(ui, step);
	if (!ui->src.per_conn) {
		snprintf(ui->msg, sizeof ui->msg, "[ and ] switch connections in server mode");
		return UI_HANDLED | UI_REDRAW;
	}
	if (c < 0 || c > (long)ui->conn_newest)
		return UI_HANDLED;
	ladderview_show_conn(ui, c);
	ui->follow = c == (long)ui->conn_newest;
	return UI_HANDLED | UI_REDRAW;
}

/* t: the next shipped theme. */
static int next_theme(struct ui *ui)
{
	char err[300];

	ui->theme_idx = (ui->theme_idx + 1) % 4;
	if (!theme_load(theme_shipped[ui->theme_idx], &ui->pt.theme, err, sizeof err))
		ui_message(ui, err);
	else
		snprintf(ui->msg, sizeof ui->msg, "theme: %s", ui->pt.theme.name);
	ui->theme_changed = true;
	return UI_HANDLED | UI_REDRAW;
}

/* The actions that belong to no view. */
static int global_request(struct ui *ui, enum ui_action a)
{
	switch (a) {
	case ACT_QUIT:
		return UI_HANDLED | UI_QUIT;
	case ACT_SWITCH:
		ui->focus_tree = !ui->focus_tree;
		return UI_HANDLED | UI_REDRAW;
	case ACT_PREV_CONN:
	case ACT_NEXT_CONN:
		return switch_conn(ui, a == ACT_NEXT_CONN ? 1 : -1);
	case ACT_THEME:
		return next_theme(ui);
	case ACT_HELP:
		ui->help = true;
		ui->help_top = 0;
		return UI_HANDLED | UI_REDRAW;
	case ACT_SECRETS:
		ui->show_secrets = !ui->show_secrets;
		snprintf(ui->msg, sizeof ui->msg, "%s",
			 !ui->show_secrets ? "secrets hidden"
			 : ui->src.schedule ? "key schedule of this connection, secrets shown (never the private keys)"
					    : "secrets shown (the keys of this run; never the private keys)");
		return UI_HANDLED | UI_REDRAW;
	case ACT_REDRAW:
		ui->clear_screen = true;
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

/* Handles one key: the open overlay first, then the views, then the rest. */
int ui_key(struct ui *ui, int key)
{
	static const struct view_ops *const chain[] = { &quizview_ops, &details_ops, &ladderview_ops, &diagview_ops,
							&explainview_ops };
	enum ui_action a;
	int f = 0;

	if (ui->searching)
		return ladderview_search_key(ui, key);
	if (key == KEY_RESIZE)
		return UI_HANDLED | UI_REDRAW;   /* the next draw reads the new size */
	if (key == KEY_MOUSE)
		return mouse(ui);
	a = action_for(ui, key);
	if (ui->diag_open)
		f |= diagview_ops.request(ui, a, key);
	if (!(f & UI_HANDLED))
		f |= helpview_ops.request(ui, a, key);
	if (f & UI_HANDLED)
		return f;
	if (a != ACT_NONE && a != ACT_THEME && a != ACT_SECRETS && ui->msg[0]) {
		ui->msg[0] = '\0';
		f |= UI_REDRAW;
	}
	if (ui->bytes_open || a == ACT_BYTES) {
		f |= bytesview_ops.request(ui, a, key);
		if (f & UI_HANDLED)
			return f;
	}
	for (size_t i = 0; i < sizeof chain / sizeof chain[0]; i++) {
		f |= chain[i]->request(ui, a, key);
		if (f & UI_HANDLED)
			return f;
	}
	return f | global_request(ui, a);
}

/* The ladder and details panes in r: side by side when wide, else the one with the focus. */
static void draw_body(struct ui *ui, struct rect r)
{
	ui->detail_w = 0;
	if (r.w >= WIDE_W) {
		int lw = r.w * 46 / 100;
		if (lw < 56)
			lw = 56;
		ladderview_ops.draw(ui, (struct rect){ r.y, 0, lw, r.h });
		attrset(paint_attr(&ui->pt, ROLE_BORDER));
		for (int i = r.y; i < r.y + r.h; i++)
			mvaddstr(i, lw, paint_glyphs(&ui->pt).v);
		attrset(A_NORMAL);
		details_ops.draw(ui, (struct rect){ r.y, lw + 1, r.w - lw - 1, r.h });
	} else if (ui->focus_tree) {
		ui->ladder_w = 0;
		details_ops.draw(ui, r);
	} else {
		ladderview_ops.draw(ui, r);
	}
}

/* Paints the screen. */
void ui_draw(struct ui *ui)
{
	int h = LINES, w = COLS, eh, mh, banner;

	if (ui->clear_screen)
		clearok(curscr, TRUE);
	if (ui->theme_changed)
		paint_apply_theme(&ui->pt);
	ui->clear_screen = ui->theme_changed = false;
	erase();
	if (w < MIN_W || h < MIN_H) {
		char msg[80];
		snprintf(msg, sizeof msg, "terminal too small (need %dx%d)", MIN_W, MIN_H);
		paint_put(h / 2, w > (int)strlen(msg) ? (w - (int)strlen(msg)) / 2 : 0, msg, w);
		return;
	}
	eh = ui->bytes_open ? bytesview_rows(ui, h, w) : h >= 30 ? 7 : 5;
	mh = h - 2 - eh;
	statusbar_header_ops.draw(ui, (struct rect){ 0, 0, w, 1 });
	banner = quizview_active(ui) ? 0 : diagview_banner(ui, 1, w);
	draw_body(ui, (struct rect){ 1 + banner, 0, w, mh - banner });
	(ui->bytes_open ? &bytesview_ops : &explainview_ops)->draw(ui, (struct rect){ h - 1 - eh, 0, w, eh });
	statusbar_ops.draw(ui, (struct rect){ h - 1, 0, w, 1 });
	if (ui->help)
		helpview_ops.draw(ui, (struct rect){ 0, 0, w, h });
	else if (ui->diag_open)
		diagview_ops.draw(ui, (struct rect){ 0, 0, w, h });
}
