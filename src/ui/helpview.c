/*
 * helpview.c: the help overlay (? or F1), generated from the action table
 * (actions.h) grouped by where each action applies. It scrolls with j/k,
 * the arrows and the page keys when taller than the screen; any other key
 * (q too) only closes it, as its title says.
 */
#include "view.h"

/* One line of the help: a group title (keys NULL) or an action. */
struct help_line {
	const char *keys, *text;
};

/* The help's lines; returns how many. */
static int help_lines(struct help_line *lines)
{
	static const char *const scope_names[] = { "Everywhere", "In the ladder", "In the details" };
	int nl = 0;

	for (int sc = 0; sc < 3; sc++) {
		lines[nl++] = (struct help_line){ NULL, scope_names[sc] };
		for (int a = 1; a < ACT_COUNT; a++)
			if ((int)ui_actions[a].scope == sc)
				lines[nl++] = (struct help_line){ ui_actions[a].keys, ui_actions[a].help };
		if (sc < 2)
			lines[nl++] = (struct help_line){ NULL, "" };
	}
	return nl;
}

/* The help, a clean box over everything between the top line and the
 * status bar; scrolls when taller than it. */
static void helpview_draw(struct ui *ui, struct rect r)
{
	struct help_line lines[ACT_COUNT + 8];
	int nl = help_lines(lines), bw = r.w < 100 ? r.w : 100, bh = r.h - 2, x0, body = bh - 3;

	if (ui->help_top > nl - body)
		ui->help_top = nl - body > 0 ? nl - body : 0;
	x0 = paint_panel(&ui->pt, 1, bh, r.w, bw,
			 nl > body ? "tlsladder keys (j/k scroll, any other key closes this)" : "tlsladder keys (any key closes this)");
	for (int i = 0; i < body && ui->help_top + i < nl; i++) {
		const struct help_line *l = &lines[ui->help_top + i];
		int y = 3 + i;
		attrset(paint_attr(&ui->pt, ROLE_STATUS_KEY));
		if (!l->keys) {
			paint_put(y, x0 + 3, l->text, bw - 6);
			continue;
		}
		paint_put(y, x0 + 5, l->keys, 12);
		attrset(paint_attr(&ui->pt, ROLE_STATUS));
		paint_put(y, x0 + 18, l->text, bw - 21);
	}
	attrset(A_NORMAL);
}

/* While the help is open: scroll keys scroll it, any other key only closes it (q does not quit). */
static int helpview_request(struct ui *ui, enum ui_action a, int key)
{
	(void)a;
	if (!ui->help)
		return 0;
	if (key == 'j' || key == KEY_DOWN || key == KEY_NPAGE) {
		ui->help_top += key == KEY_NPAGE ? 10 : 1;
		return UI_HANDLED | UI_REDRAW;
	}
	if (key == 'k' || key == KEY_UP || key == KEY_PPAGE) {
		ui->help_top -= key == KEY_PPAGE ? 10 : 1;
		if (ui->help_top < 0)
			ui->help_top = 0;
		return UI_HANDLED | UI_REDRAW;
	}
	ui->help = false;
	return UI_HANDLED | UI_REDRAW;
}

const struct view_ops helpview_ops = { "help", NULL, helpview_draw, helpview_request };
