/*
 * bytesview.c: the byte view (x): the selected message's bytes as hex and
 * ASCII (core/hexview), in place of the explanation pane, the selected
 * field's bytes highlighted and named in a caption ("random: bytes 6..37
 * (32 B)"). Selection goes both ways: moving the byte cursor (h j k l, the
 * arrows) selects the deepest field covering it in the details, and moving
 * in the details (Tab, then j/k) moves the highlight. x or Esc closes it.
 * The bytes come from one place, bytes_of(): a message framed with its
 * header, an alert's or a ChangeCipherSpec's bytes; an event with none
 * says so in one line.
 */
#include "view.h"
#include "tlsladder/hexview.h"

#include <stdio.h>
#include <string.h>

#define KEY_ESC 27

/* The bytes of the selected event (index *e), with its field tree; false (ev still set) when it has none. */
static bool bytes_of(struct ui *ui, struct tl_event *ev, struct hexview *hv, size_t *e)
{
	hexview_init(hv, NULL, NULL, 0);
	details_ops.load(ui);
	*e = ladderview_selected(ui);
	if (*e == (size_t)-1 || !timeline_get(ui->src.tl, *e, ev))
		return false;
	return ui->have_tree && hexview_init_event(hv, ui->tv.root, ui->src.tl, *e, ev);
}

/* The rows the byte view takes: its lines and two, at least the explanation's, at most half the screen. */
int bytesview_rows(struct ui *ui, int h, int w)
{
	struct tl_event ev;
	struct hexview hv;
	size_t e;
	int want = h >= 30 ? 7 : 5, most = (h - 2) / 2;

	if (bytes_of(ui, &ev, &hv, &e)) {
		size_t lines = hexview_lines(&hv, hexview_per_line(&hv, w - 2));
		if ((size_t)want < lines + 2)
			want = lines + 2 < (size_t)most ? (int)lines + 2 : most;
	}
	hexview_free(&hv);
	return want;
}

/* True when the highlight follows the byte cursor: it moved last, in message e, and the details did not move since. */
static bool by_cursor(const struct ui *ui, size_t e)
{
	return ui->bytes_by_cursor && e == ui->bytes_ev && treeview_selected(&ui->tv) == ui->bytes_sel;
}

/* The byte under the cursor: where it was moved to, else the first byte of the field selected (0: none). */
static size_t cursor_at(const struct ui *ui, const struct hexview *hv, size_t e)
{
	struct hexview_hit hit;

	if (by_cursor(ui, e))
		return ui->byte_cur < hv->n ? ui->byte_cur : hv->n ? hv->n - 1 : 0;
	return hexview_range_of(hv, treeview_selected(&ui->tv), &hit) ? hit.off : 0;
}

/* The highlighted range and its caption: what lies under the byte cursor, or the field selected in the details. */
static bool highlight(const struct ui *ui, const struct hexview *hv, size_t e, struct hexview_hit *hit, char *cap,
		      size_t n)
{
	const struct tree_node *sel = treeview_selected(&ui->tv);
	bool have;

	cap[0] = '\0';
	if (by_cursor(ui, e)) {
		have = hexview_at(hv, cursor_at(ui, hv, e), hit);
		if (have)
			hexview_caption(hv, NULL, hit, cap, n);
		return have;
	}
	if (!sel)
		return false;
	have = hexview_range_of(hv, sel, hit);
	hexview_caption(hv, sel, have ? hit : NULL, cap, n);
	return have;
}

/* Repaints the columns of a line that mask marks, in attribute a. */
static void overpaint(int y, int x, const char *line, const char *mask, attr_t a)
{
	attrset(a);
	for (int c = 0; mask[c] && line[c]; c++)
		if (mask[c] != ' ')
			mvaddch(y, x + c, (chtype)(unsigned char)line[c]);
}

/* Line l of the bytes at row y: the highlighted range, and the byte cursor when it has the focus. */
static void draw_line(const struct ui *ui, const struct hexview *hv, size_t l, int y, int x,
		      const struct hexview_hit *hit, bool have, size_t cur)
{
	char line[256], mask[256];
	unsigned per = ui->bytes_per;

	hexview_line(hv, l, per, line, sizeof line);
	attrset(paint_attr(&ui->pt, ROLE_HEX));
	paint_put(y, x, line, (int)strlen(line));
	if (have) {
		hexview_marks(hv, l, per, hit->off, hit->len, mask, sizeof mask);
		overpaint(y, x, line, mask, paint_attr(&ui->pt, ROLE_SELECTED));
	}
	if (ui->bytes_focus) {
		hexview_marks(hv, l, per, cur, 1, mask, sizeof mask);
		overpaint(y, x, line, mask, paint_attr(&ui->pt, ROLE_SELECTED) | A_BOLD | A_UNDERLINE);
	}
	attrset(A_NORMAL);
}

/* The title of the view's rule: the message and how its bytes add up. */
static void title_of(const struct tl_event *ev, const struct hexview *hv, char *buf, size_t n)
{
	char name[160];

	ladderview_title(ev, name, sizeof name);
	if (hv->base > 0 && timeline_body_cut(ev))
		snprintf(buf, n, "Bytes: %s, %zu B = %zu header + the first %zu of %zu body bytes (the rest was not kept)",
			 name, hv->n, hv->base, hv->n - hv->base, ev->body_total);
	else if (hv->base > 0)
		snprintf(buf, n, "Bytes: %s, %zu B = %zu header + %zu body", name, hv->n, hv->base, hv->n - hv->base);
	else if (ev->kind == TL_EV_RECORD && hv->n >= 5)
		snprintf(buf, n, "Bytes: a record, %zu B = 5 header + %zu payload", hv->n, hv->n - 5);
	else
		snprintf(buf, n, "Bytes: %s, %zu B", name, hv->n);
}

/* The byte view in r (only the scroll and the bytes per line change here). */
static void bytesview_draw(struct ui *ui, struct rect r)
{
	struct tl_event ev;
	struct hexview hv;
	struct hexview_hit hit;
	char title[256], cap[512], safe[512];
	bool have;
	size_t lines, cl, e, cur;
	int rows = r.h - 2;

	for (int i = 0; i < r.h; i++)
		paint_blank(r.y + i, r.x, r.w);
	if (!bytes_of(ui, &ev, &hv, &e)) {
		paint_rule(&ui->pt, r.y, r.x, r.w, "Bytes", ui->bytes_focus);
		if (e != (size_t)-1)
			paint_put(r.y + 1, r.x + 1, hexview_no_bytes(&ev), r.w - 2);
		hexview_free(&hv);
		return;
	}
	title_of(&ev, &hv, title, sizeof title);
	paint_rule(&ui->pt, r.y, r.x, r.w, title, ui->bytes_focus);
	ui->bytes_per = hexview_per_line(&hv, r.w - 2);
	cur = cursor_at(ui, &hv, e);
	have = highlight(ui, &hv, e, &hit, cap, sizeof cap);
	attrset(paint_attr(&ui->pt, ROLE_TITLE));
	paint_put(r.y + 1, r.x + 1, paint_safe(safe, sizeof safe, cap), r.w - 2);
	lines = hexview_lines(&hv, ui->bytes_per);
	cl = cur / ui->bytes_per;               /* the cursor's line in sight */
	if (cl < ui->bytes_top)
		ui->bytes_top = cl;
	if (rows > 0 && cl >= ui->bytes_top + (size_t)rows)
		ui->bytes_top = cl - (size_t)rows + 1;
	if (ui->bytes_top >= lines)
		ui->bytes_top = 0;
	for (int i = 0; i < rows && ui->bytes_top + (size_t)i < lines; i++)
		draw_line(ui, &hv, ui->bytes_top + (size_t)i, r.y + 2 + i, r.x + 1, &hit, have, cur);
	attrset(A_NORMAL);
	hexview_free(&hv);
}

/* Moves the byte cursor by delta (clamped) and selects the field under it in the details. */
static int move_cursor(struct ui *ui, long delta)
{
	struct tl_event ev;
	struct hexview hv;
	struct hexview_hit hit;
	size_t e, cur;

	if (!bytes_of(ui, &ev, &hv, &e) || hv.n == 0) {
		hexview_free(&hv);
		return UI_HANDLED;
	}
	cur = cursor_at(ui, &hv, e);
	if (delta < 0)
		cur = (size_t)-delta > cur ? 0 : cur - (size_t)-delta;
	else
		cur = cur + (size_t)delta >= hv.n ? hv.n - 1 : cur + (size_t)delta;
	ui->byte_cur = cur;
	ui->bytes_ev = e;
	ui->bytes_by_cursor = true;
	if (hexview_at(&hv, cur, &hit) && hit.node)
		treeview_select(&ui->tv, hit.node);
	ui->bytes_sel = treeview_selected(&ui->tv);
	hexview_free(&hv);
	return UI_HANDLED | UI_REDRAW;
}

/* x opens the view; while open: x or Esc closes it, Tab moves the focus, the cursor keys move. */
static int bytesview_request(struct ui *ui, enum ui_action a, int key)
{
	long per = ui->bytes_per ? (long)ui->bytes_per : 16;

	if (!ui->bytes_open) {
		if (a != ACT_BYTES)
			return 0;
		ui->bytes_open = ui->bytes_focus = ui->focus_tree = true;
		ui->bytes_by_cursor = false;
		snprintf(ui->msg, sizeof ui->msg, "bytes: h j k l (arrows) move, Tab the fields, x or Esc closes");
		return UI_HANDLED | UI_REDRAW;
	}
	if (a == ACT_BYTES || key == KEY_ESC) {
		ui->bytes_open = ui->bytes_focus = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (a == ACT_SWITCH) {
		ui->bytes_focus = !ui->bytes_focus;
		ui->focus_tree = true;
		return UI_HANDLED | UI_REDRAW;
	}
	if (!ui->bytes_focus)
		return 0;
	switch (key) {
	case 'h': case KEY_LEFT: return move_cursor(ui, -1);
	case 'l': case KEY_RIGHT: return move_cursor(ui, 1);
	case 'k': case KEY_UP: return move_cursor(ui, -per);
	case 'j': case KEY_DOWN: return move_cursor(ui, per);
	default: return 0;
	}
}

const struct view_ops bytesview_ops = { "bytes", NULL, bytesview_draw, bytesview_request };
