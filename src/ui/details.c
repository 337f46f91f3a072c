/*
 * details.c: the details pane: the selected event's field tree, in the
 * tree widget (treeview.h), under a line saying who sent it to whom, when,
 * under which keys, and what became of it when it was not delivered. The
 * tree comes from the source's builder (ui_source.tree) or, without one,
 * from the event's basic facts; after `s`, it is the key schedule of the
 * selected message's handshake (ui_source.schedule), its secrets shown.
 */
#include "view.h"

#include <stdio.h>

/* A tree with the basic facts of an event, when no builder is given. */
static struct tree_node *basic_tree(const struct timeline *tl, size_t i)
{
	struct tl_event ev;
	struct tree_node *t;

	if (!timeline_get(tl, i, &ev))
		return NULL;
	t = tree_new(timeline_event_name(&ev), NULL);
	if (ev.kind == TL_EV_HANDSHAKE) {
		char kept[160];
		struct tree_node *b = tree_addf(t, "body", "%zu bytes", ev.body_total);
		if (timeline_body_cut(&ev))
			tree_add(b, "stored", timeline_stored_text(&ev, kept, sizeof kept));
		tree_add_hex(b, "bytes", ev.body, ev.body_len);
	}
	if (ev.text)
		tree_add(t, "text", ev.text);
	return t;
}

/* Builds the tree of the selected event when the selection changed, and
 * again, keeping the user's open and closed fields and place, when the
 * timeline changed while the run was live (a verdict, a delivery, a result
 * stored after the event was shown may change what its tree says). */
static bool details_load(struct ui *ui)
{
	size_t ev = ladderview_selected(ui);
	bool schedule = ui->show_secrets && ui->src.schedule;
	bool same = ui->have_tree && ev == ui->tree_ev && schedule == ui->tree_schedule;
	uint64_t id;
	unsigned gen;

	timeline_stamp(ui->src.tl, &id, &gen);
	if (same && (!ui->tree_live || gen == ui->tree_gen))
		return false;
	ui->have_tree = ev != (size_t)-1;
	ui->tree_ev = ev;
	ui->tree_gen = gen;
	ui->tree_live = !timeline_finished(ui->src.tl);
	if (!ui->have_tree) {
		treeview_set(&ui->tv, NULL, false);
		return true;
	}
	ui->tree_schedule = schedule;
	if (schedule)
		treeview_set(&ui->tv, ui->src.schedule(ui->src.tl, ev, ui->src.tree_arg), false);
	else
		treeview_set(&ui->tv, ui->src.tree ? ui->src.tree(ui->src.tl, ev, ui->src.tree_arg)
						   : basic_tree(ui->src.tl, ev), same);
	return true;
}

/* The line under the title: sender, receiver, keys, time, delivery. */
static void info_line(const struct ui *ui, const struct tl_event *ev, char *info, size_t n)
{
	const char *from = ev->from == TL_CLIENT ? "client" : "server";
	const char *to = ev->from == TL_CLIENT ? "server" : "client";
	const char *arrow = ui->pt.unicode ? "\u2192" : "->";
	const char *keys = ev->keys == TL_KEYS_HANDSHAKE ? ", encrypted (handshake keys)"
			   : ev->keys == TL_KEYS_APPLICATION ? ", encrypted (application keys)"
			   : ev->keys == TL_KEYS_TLS12 ? ", encrypted"
			   : ev->keys == TL_KEYS_EARLY ? ", encrypted (early data keys)"
						       : "";
	char why[160], kept[200] = "", gen[96], secret[64];

	if (ev->keys == TL_KEYS_APPLICATION && ev->key_gen > 0) {
		/* after a KeyUpdate: name the secret generation */
		snprintf(gen, sizeof gen, ", encrypted (%s)", timeline_secret_name(ev, secret, sizeof secret));
		keys = gen;
	}

	if (timeline_body_cut(ev)) {
		char words[160];
		snprintf(kept, sizeof kept, ", stored: %s", timeline_stored_text(ev, words, sizeof words));
	}
	if (ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR || ev->kind == TL_EV_DIAGNOSIS)
		snprintf(info, n, "about the %s, at +%.3f ms", from, (double)ev->t_us / 1000.0);
	else if (timeline_undelivered(ev))
		snprintf(info, n, "%s %s %s, %s, at +%.3f ms", from, arrow, to, timeline_delivery_text(ev, why, sizeof why),
			 (double)ev->t_us / 1000.0);
	else
		snprintf(info, n, "%s %s %s%s, at +%.3f ms%s%s", from, arrow, to, keys, (double)ev->t_us / 1000.0,
			 ev->recv_differs ? ", RECEIVED BYTES DIFFER" : "", kept);
}

/* The details pane. */
static void details_draw(struct ui *ui, struct rect r)
{
	struct tl_event ev;
	size_t e = ladderview_selected(ui);
	char title[200], info[300];

	details_load(ui);
	if (quizview_details(ui, r))
		return;
	if (e == (size_t)-1 || !timeline_get(ui->src.tl, e, &ev)) {
		paint_rule(&ui->pt, r.y, r.x, r.w, "Details", ui->focus_tree);
		for (int i = 1; i < r.h; i++)
			paint_blank(r.y + i, r.x, r.w);
		paint_put(r.y + 2, r.x + 2, "waiting for the first message...", r.w - 4);
		ui->detail_rows = 0;
		return;
	}
	ladderview_title(&ev, title, sizeof title);
	if (ui->tree_schedule)
		snprintf(title, sizeof title, "Key schedule, connection %u (s hides it)", ev.conn + 1);
	paint_rule(&ui->pt, r.y, r.x, r.w, title, ui->focus_tree);
	info_line(ui, &ev, info, sizeof info);
	attrset(paint_attr(&ui->pt, ROLE_DIM));
	paint_blank(r.y + 1, r.x, r.w);
	paint_put(r.y + 1, r.x + 1, info, r.w - 2);
	attrset(A_NORMAL);
	ui->detail_y = r.y + 2;
	ui->detail_x = r.x;
	ui->detail_w = r.w;
	ui->detail_rows = r.h - 2;
	treeview_draw(&ui->tv, &ui->pt, r.y + 2, r.x, r.w, r.h - 2, ui->focus_tree, ui->show_secrets);
}

/* Enter on a field that links to where its value came from: a step (the ladder's selection moves
 * there) or another field of the tree (the cursor moves there). 0 when the field links nowhere. */
static int follow_link(struct ui *ui)
{
	const struct tree_node *n = treeview_current(&ui->tv);

	if (n && n->link_event) {
		size_t row = ladder_row_of(ladderview_current(ui), n->link_event - 1);
		ui->focus_tree = false;
		ladderview_select(ui, (long)row);
		snprintf(ui->msg, sizeof ui->msg, "step %zu: where %s came from", row + 1, n->label);
		return UI_HANDLED | UI_REDRAW;
	}
	if (n && n->link_node && treeview_goto(&ui->tv, n->link_node)) {
		snprintf(ui->msg, sizeof ui->msg, "%s comes from %s", n->label, n->link_node->label);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

/* When the cursor came onto a field that links somewhere, the status bar says where Enter goes. */
static void say_link(struct ui *ui)
{
	const struct tree_node *n = treeview_current(&ui->tv);

	if (n && n->link_event)
		snprintf(ui->msg, sizeof ui->msg, "Enter: go to step %zu (%s)",
			 ladder_row_of(ladderview_current(ui), n->link_event - 1) + 1, n->label);
	else if (n && n->link_node)
		snprintf(ui->msg, sizeof ui->msg, "Enter: go to %s (%s)", n->link_node->label, n->label);
}

/* Handles the details' requests: opening them, moving in the tree when it has the focus, following links. */
static int details_request(struct ui *ui, enum ui_action a, int key)
{
	int page = ui->pane_rows > 2 ? ui->pane_rows - 1 : 10, f;

	(void)key;
	if (a == ACT_OPEN) {
		if (!ladderview_current(ui)->nrows)
			return UI_HANDLED;
		ui->focus_tree = true;
		return treeview_request(&ui->tv, a, page);
	}
	if (!ui->focus_tree)
		return 0;
	if (a == ACT_TREE_TOGGLE && (f = follow_link(ui)) != 0)
		return f;
	f = treeview_request(&ui->tv, a, page);
	if (f & TREEVIEW_LEAVE)
		ui->focus_tree = false;
	else if (a == ACT_TREE_DOWN || a == ACT_TREE_UP)
		say_link(ui);
	return f & ~TREEVIEW_LEAVE;
}

const struct view_ops details_ops = { "details", details_load, details_draw, details_request };
