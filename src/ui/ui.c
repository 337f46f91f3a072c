/*
 * ui.c: the interactive ladder (see ui.h).
 *
 * Screen coordinates: row 0 is the header, the last row the status bar.
 * Between them: the main area (ladder pane left, details pane right; on
 * narrow terminals one of them, switched with Tab) and below it the
 * explanation pane. Every draw recomputes the geometry from LINES/COLS, so
 * a resize needs nothing but a redraw. Only visible rows are drawn.
 */
#define NCURSES_WIDECHAR 1
#include "tlsladder/ui.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/ladder.h"
#include "tlsladder/names.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/summary.h"
#include "tlsladder/theme.h"
#include "actions.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <unistd.h>
#include <wchar.h>

#define MIN_W 60
#define MIN_H 16
#define WIDE_W 100

struct action_info {
	enum ui_scope scope;
	const char *keys, *help, *hint;
	int key[4];
};

static const struct action_info actions[ACT_COUNT] = {
	[ACT_NONE] = { SCOPE_ANY, "", "", NULL, { 0, 0, 0, 0 } },
#define ACT_INFO(id, scope, keys, help, hint, k1, k2, k3, k4) \
	[ACT_##id] = { SCOPE_##scope, keys, help, hint, { k1, k2, k3, k4 } },
	UI_ACTIONS(ACT_INFO)
#undef ACT_INFO
};

struct tline {                      /* one line of the details pane */
	struct tree_node *node;
	int depth;
	size_t seg;                     /* which wrapped piece of the value (0: the first) */
};

struct ui {
	struct ui_source src;
	struct ui_opts o;
	struct theme theme;
	int theme_idx;
	bool color, unicode;
	struct ladder lad[2];           /* [0] messages, [1] wire */
	bool wire;
	long conn_sel;                  /* per_conn: the connection shown */
	unsigned conn_newest;           /* per_conn: the newest connection seen */
	size_t cur, top;
	bool follow;
	bool focus_tree;
	bool help;
	bool diag_open;                 /* the diagnosis panel (d) */
	struct diag_finding diag[6];    /* the diagnosis of the connection shown, once the run finished */
	size_t ndiag;
	size_t diag_count;              /* ... made at this timeline length (+1; 0: not made) */
	int help_top;                   /* first help line shown (the help scrolls) */
	bool show_secrets;
	bool searching;
	char search[64];
	char msg[256];
	/* details */
	size_t tree_ev;
	bool have_tree;
	struct tree_node *tree;
	size_t tcur, ttop;
	struct tline *tl_lines;
	size_t ntl, captl;
	/* header */
	size_t sum_count;
	bool sum_final;                 /* the summary was built after the run finished */
	size_t err_scanned;             /* events checked for errors so far */
	size_t expl_ev, expl_count;     /* the explanation below was made for this event and timeline length */
	char expl[2048];
	bool saw_error;                 /* an error event was recorded */
	bool results_failed;            /* some side's result says it failed (checked when the run finished) */
	struct summary sum;
	bool have_sum;
	int pane_rows;                  /* rows of the ladder list in the last draw */
	int ladder_y, ladder_x, ladder_w;
	int detail_y, detail_x, detail_w, detail_rows;
};

/* ---- text helpers ---- */

/* Display width of a UTF-8 string's first `max` columns: how many bytes fit. */
static size_t fit_bytes(const char *s, int cols, int *used)
{
	mbstate_t st;
	size_t i = 0, n = strlen(s);
	int w = 0;

	memset(&st, 0, sizeof st);
	while (i < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			break;
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (w + cw > cols)
			break;
		w += cw;
		i += k;
	}
	if (used)
		*used = w;
	return i;
}

/* Bytes of s for one wrapped line of at most cols columns: breaks after the
 * last space that fits when more text follows (a word longer than the line is cut). */
static size_t wrap_bytes(const char *s, int cols)
{
	size_t b = fit_bytes(s, cols, NULL);

	if (s[b] && s[b] != ' ') {
		size_t k = b;
		while (k > 0 && s[k - 1] != ' ')
			k--;
		if (k > 0)
			b = k;
	}
	return b;
}

/* Display width of a UTF-8 string. */
static int text_width(const char *s)
{
	int w;

	fit_bytes(s, 1 << 20, &w);
	return w;
}

/* Writes s at (y, x), clipped to cols columns; returns columns written. */
static int put(int y, int x, const char *s, int cols)
{
	int w;
	size_t b;

	if (cols <= 0)
		return 0;
	b = fit_bytes(s, cols, &w);
	mvaddnstr(y, x, s, (int)b);
	return w;
}

/* Sanitizes untrusted text into buf. */
static const char *safe(char *buf, size_t n, const char *s)
{
	sanitize_str(buf, n, s ? s : "");
	return buf;
}

/* The curses attribute for a theme role. */
static attr_t role_attr(const struct ui *ui, int role)
{
	unsigned a = ui->theme.role[role].attrs;
	attr_t out = 0;

	if (ui->color)
		out |= COLOR_PAIR(role + 1);
	if (a & THEME_BOLD) out |= A_BOLD;
	if (a & THEME_DIM) out |= A_DIM;
	if (a & THEME_UNDERLINE) out |= A_UNDERLINE;
	if (a & THEME_REVERSE) out |= A_REVERSE;
	if (a & THEME_STANDOUT) out |= A_STANDOUT;
	if (a & THEME_BLINK) out |= A_BLINK;
#ifdef A_ITALIC
	if (a & THEME_ITALIC) out |= A_ITALIC;
#endif
	return out;
}

/* Draws n copies of a one-column glyph (UTF-8) from (y, x) in the current
 * attributes, converting the glyph once: one call per run, not per cell. */
static void hfill(int y, int x, int n, const char *glyph)
{
	wchar_t wc[2] = { L'-', 0 };
	mbstate_t st;
	attr_t a;
	short pair;
	cchar_t cc;

	if (n <= 0)
		return;
	memset(&st, 0, sizeof st);
	if (mbrtowc(&wc[0], glyph, strlen(glyph), &st) > 4)
		wc[0] = L'-';
	attr_get(&a, &pair, NULL);
	setcchar(&cc, wc, a, pair, NULL);
	mvhline_set(y, x, &cc, n);
}

/* Fills columns [x, x+cols) of row y with spaces in the current attribute. */
static void blank(int y, int x, int cols)
{
	if (cols > 0)
		mvhline(y, x, ' ', cols);
}

/* ---- themes ---- */

/* Applies ui->theme to the colour pairs. */
static void apply_theme(struct ui *ui)
{
	if (!ui->color)
		return;
	for (int r = 0; r < ROLE_COUNT; r++) {
		int fg = ui->theme.role[r].fg, bg = ui->theme.role[r].bg;
		if (fg >= COLORS)
			fg = fg >= 8 && fg < 16 ? fg - 8 : THEME_DEFAULT_COLOR;
		if (bg >= COLORS)
			bg = bg >= 8 && bg < 16 ? bg - 8 : THEME_DEFAULT_COLOR;
		init_pair((short)(r + 1), (short)fg, (short)bg);
	}
}

/* Loads a theme by name or path; on error keeps the default and says why. */
static void load_theme(struct ui *ui, const char *name)
{
	char err[300];

	if (!theme_load(name, &ui->theme, err, sizeof err))
		ui_message(ui, err);
	for (int i = 0; theme_shipped[i]; i++)
		if (strcmp(theme_shipped[i], ui->theme.name) == 0)
			ui->theme_idx = i;
}

/* ---- state ---- */

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
	cs = nl_langinfo(CODESET);
	ui->unicode = !o->ascii && cs && strcasecmp(cs, "UTF-8") == 0;
	theme_builtin(&ui->theme);
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
	tree_free(ui->tree);
	free(ui->tl_lines);
	free(ui);
}

/* Sets up colours (after initscr/newterm). */
void ui_start_colors(struct ui *ui)
{
	ui->color = !ui->o.no_color && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
		apply_theme(ui);
	}
}

/* Sets the status-line message. */
void ui_message(struct ui *ui, const char *msg)
{
	safe(ui->msg, sizeof ui->msg, msg);
}

/* The current view. */
static struct ladder *view(struct ui *ui)
{
	return &ui->lad[ui->wire ? 1 : 0];
}

/* Timeline index of the selected row, or SIZE_MAX when there are no rows. */
static size_t selected_event(struct ui *ui)
{
	struct ladder *l = view(ui);

	return l->nrows ? l->rows[ui->cur].ev : (size_t)-1;
}

/* Server mode: the connection shown has its result. */
static bool conn_done(const struct ui *ui)
{
	struct tl_result r;

	timeline_get_result(ui->src.tl, TL_SERVER, (unsigned)ui->conn_sel, &r);
	return r.set;
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

/* Server mode: shows connection conn (rows start over). */
static void show_conn(struct ui *ui, long conn)
{
	ui->conn_sel = conn;
	ladder_set_conn(&ui->lad[0], conn);
	ladder_set_conn(&ui->lad[1], conn);
	ui->cur = ui->top = 0;
	ui->sum_count = (size_t)-1;     /* rebuild the header */
	ui->diag_count = 0;
	ui->ndiag = 0;
}

/* Takes in new events. */
bool ui_update(struct ui *ui)
{
	if (ui->src.per_conn) {
		size_t n = timeline_count(ui->src.tl);
		struct tl_event last;
		if (n && timeline_get(ui->src.tl, n - 1, &last) && last.conn > ui->conn_newest) {
			bool at_newest = ui->conn_sel == (long)ui->conn_newest;
			ui->conn_newest = last.conn;
			if (ui->follow || at_newest) {
				show_conn(ui, (long)last.conn);
				ui->follow = true;
			}
		}
	}

	bool a = ladder_update(&ui->lad[0]);
	bool b = ladder_update(&ui->lad[1]);
	size_t n = timeline_count(ui->src.tl);
	struct ladder *l = view(ui);

	if (ui->follow && l->nrows)
		ui->cur = l->nrows - 1;
	for (; ui->err_scanned < n; ui->err_scanned++) {
		struct tl_event ev;
		if (timeline_get(ui->src.tl, ui->err_scanned, &ev) && ev.kind == TL_EV_ERROR)
			ui->saw_error = true;
	}
	if ((timeline_finished(ui->src.tl) || (ui->src.per_conn && conn_done(ui))) && ui->diag_count != n + 1) {
		unsigned conn = ui->src.per_conn ? (unsigned)ui->conn_sel
			       : timeline_conn_count(ui->src.tl) ? timeline_conn_count(ui->src.tl) - 1 : 0;
		ui->ndiag = diagnose(ui->src.tl, conn, ui->src.per_conn ? TL_SERVER : TL_CLIENT, ui->diag,
				     sizeof ui->diag / sizeof ui->diag[0]);
		ui->diag_count = n + 1;
	} else if (ui->src.per_conn && ui->diag_count && timeline_count(ui->src.tl) + 1 != ui->diag_count) {
		ui->diag_count = 0;
	}
	if (n != ui->sum_count || (timeline_finished(ui->src.tl) && !ui->sum_final)) {
		ui->sum_final = timeline_finished(ui->src.tl);
		if (ui->sum_final) {
			/* once, not per frame: the results of every connection */
			ui->results_failed = false;
			for (unsigned c = 0; c < timeline_conn_count(ui->src.tl) && !ui->results_failed; c++)
				for (int sd = 0; sd < 2; sd++) {
					struct tl_result r;
					timeline_get_result(ui->src.tl, (enum tl_side)sd, c, &r);
					if (r.set && (!r.handshake_ok || r.rejected_after))
						ui->results_failed = true;
				}
		}
		unsigned conns = timeline_conn_count(ui->src.tl);
		struct tl_event last;
		unsigned conn = 0;
		if (n && timeline_get(ui->src.tl, n - 1, &last))
			conn = last.conn;
		if (conns > conn + 1)
			conn = conns - 1;
		if (ui->src.per_conn)
			conn = (unsigned)ui->conn_sel;
		ui->have_sum = summary_build(ui->src.tl, conn, &ui->sum);
		ui->sum_count = n;
		return true;
	}
	return a || b;
}

/* Moves the selection to row r (clamped); stops following unless it is the last row. */
static void select_row(struct ui *ui, long r)
{
	struct ladder *l = view(ui);

	if (l->nrows == 0)
		return;
	if (r < 0)
		r = 0;
	if ((size_t)r >= l->nrows)
		r = (long)l->nrows - 1;
	ui->cur = (size_t)r;
	ui->follow = ui->cur == l->nrows - 1 && !timeline_finished(ui->src.tl);
}

/* ---- details tree ---- */

/* A tree with the basic facts of an event, when no builder is given. */
static struct tree_node *basic_tree(const struct timeline *tl, size_t i)
{
	struct tl_event ev;
	struct tree_node *t;

	if (!timeline_get(tl, i, &ev))
		return NULL;
	t = tree_new(timeline_event_name(&ev), NULL);
	if (ev.kind == TL_EV_HANDSHAKE)
		tree_add_hex(tree_addf(t, "body", "%zu bytes", ev.body_len), "bytes", ev.body, ev.body_len);
	if (ev.text)
		tree_add(t, "text", ev.text);
	return t;
}

/* Rebuilds the tree when the selection changed. */
static void sync_tree(struct ui *ui)
{
	size_t ev = selected_event(ui);

	if (ui->have_tree && ev == ui->tree_ev)
		return;
	tree_free(ui->tree);
	ui->tree = NULL;
	ui->have_tree = ev != (size_t)-1;
	ui->tree_ev = ev;
	ui->tcur = ui->ttop = 0;
	if (!ui->have_tree)
		return;
	ui->tree = ui->src.tree ? ui->src.tree(ui->src.tl, ev, ui->src.tree_arg) : basic_tree(ui->src.tl, ev);
}

/* Adds a details line. */
static void add_tline(struct ui *ui, struct tree_node *n, int depth, size_t seg)
{
	if (ui->ntl == ui->captl) {
		size_t ncap = ui->captl ? ui->captl * 2 : 128;
		struct tline *nl = realloc(ui->tl_lines, ncap * sizeof *nl);
		if (!nl)
			return;
		ui->tl_lines = nl;
		ui->captl = ncap;
	}
	ui->tl_lines[ui->ntl++] = (struct tline){ n, depth, seg };
}

/* Lays out the visible tree lines for a pane `width` wide (values wrap). */
static void layout_tree(struct ui *ui, int width)
{
	struct tree_node *n = ui->tree ? ui->tree->first : NULL;
	int depth = 0;

	ui->ntl = 0;
	while (n) {
		char val[4096], lab[256];
		int indent = 2 * depth + 2;

		add_tline(ui, n, depth, 0);
		if (n->value && (!(n->flags & TREE_SECRET) || ui->show_secrets)) {
			/* continuation lines for values longer than the first line holds */
			int first = width - indent - text_width(safe(lab, sizeof lab, n->label)) - 2;
			int rest = width - indent - 2;
			const char *v = safe(val, sizeof val, n->value);
			size_t off = wrap_bytes(v, first > 8 ? first : 8);
			for (size_t seg = 1; v[off] && rest > 8 && seg < 64; seg++) {
				add_tline(ui, n, depth, seg);
				off += wrap_bytes(v + off, rest);
			}
		}
		if (n->first && !(n->flags & TREE_COLLAPSED)) {
			n = n->first;
			depth++;
			continue;
		}
		while (n && !n->next) {
			n = n->parent;
			depth--;
			if (!n || n == ui->tree)
				return;
		}
		n = n ? n->next : NULL;
	}
}

/* ---- keys ---- */

/* The action bound to key in the current focus. */
static enum ui_action action_for(const struct ui *ui, int key)
{
	enum ui_scope want = ui->focus_tree ? SCOPE_TREE : SCOPE_LADDER;

	for (int pass = 0; pass < 2; pass++)
		for (int a = 1; a < ACT_COUNT; a++) {
			if (actions[a].scope != (pass == 0 ? want : SCOPE_ANY))
				continue;
			for (int k = 0; k < 4 && actions[a].key[k]; k++)
				if (actions[a].key[k] == key)
					return (enum ui_action)a;
		}
	return ACT_NONE;
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

/* The row title used by search and the ladder. */
static void row_title(const struct tl_event *ev, char *buf, size_t n)
{
	if (ev->kind == TL_EV_ALERT) {
		const char *d = names_alert(ev->alert_desc), *lv = names_alert_level(ev->alert_level);
		snprintf(buf, n, "Alert %s %s", lv ? lv : "?", d ? d : "unknown");
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

static void row_label(struct ui *ui, size_t row, char *label, size_t n);

/* Finds the next row after the cursor whose label contains ui->search. */
static void search_next(struct ui *ui)
{
	struct ladder *l = view(ui);

	for (size_t k = 1; k <= l->nrows; k++) {
		size_t r = (ui->cur + k) % l->nrows;
		char title[700];

		row_label(ui, r, title, sizeof title);
		if (contains(title, ui->search)) {
			select_row(ui, (long)r);
			snprintf(ui->msg, sizeof ui->msg, "found \"%s\"", ui->search);
			return;
		}
	}
	snprintf(ui->msg, sizeof ui->msg, "no message matches \"%s\"", ui->search);
}

/* Handles a key while the search prompt is open. */
static void search_key(struct ui *ui, int key)
{
	size_t len = strlen(ui->search);

	if (key == 27 || key == KEY_CTRL('g')) {
		ui->searching = false;
		ui->msg[0] = '\0';
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		ui->searching = false;
		search_next(ui);
	} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0) {
		ui->search[len - 1] = '\0';
	} else if (key >= 32 && key < 127 && len + 1 < sizeof ui->search) {
		ui->search[len] = (char)key;
		ui->search[len + 1] = '\0';
	}
}

/* Toggles between the messages and the wire view, keeping the selection on
 * the same thing: a message's record, or a record's (first) message. */
static void toggle_wire(struct ui *ui)
{
	struct ladder *from = view(ui), *to = &ui->lad[ui->wire ? 0 : 1];
	size_t ev = selected_event(ui);
	size_t row = (size_t)-1;

	if (ev != (size_t)-1) {
		if (!ui->wire) {
			/* the record is logged near its message: look around there only */
			size_t near = ladder_row_of(to, ev);
			size_t lo = near > 64 ? near - 64 : 0, hi = near + 64 < to->nrows ? near + 64 : to->nrows;
			for (size_t r = lo; r < hi && row == (size_t)-1; r++)
				for (unsigned k = 0; k < to->rows[r].ncarry; k++)
					if (to->rows[r].carry[k] == ev)
						row = r;
		} else if (from->rows[ui->cur].ncarry > 0) {
			ev = from->rows[ui->cur].carry[0];
		}
		if (row == (size_t)-1)
			row = ladder_row_of(to, ev);
	}
	ui->wire = !ui->wire;
	if (row != (size_t)-1)
		ui->cur = row < to->nrows ? row : 0;
	if (ui->follow && to->nrows)
		ui->cur = to->nrows - 1;
}

/* Handles a click at (y, x). */
static void mouse_click(struct ui *ui, int y, int x)
{
	if (x >= ui->ladder_x && x < ui->ladder_x + ui->ladder_w && y >= ui->ladder_y &&
	    y < ui->ladder_y + ui->pane_rows) {
		select_row(ui, (long)(ui->top + (size_t)(y - ui->ladder_y)));
		ui->focus_tree = false;
	} else if (ui->detail_w > 0 && x >= ui->detail_x && x < ui->detail_x + ui->detail_w && y >= ui->detail_y &&
		   y < ui->detail_y + ui->detail_rows) {
		size_t line = ui->ttop + (size_t)(y - ui->detail_y);
		if (line < ui->ntl) {
			ui->tcur = line;
			ui->focus_tree = true;
		}
	}
}

/* Moves the tree cursor to the line of node's first segment at or before line l. */
static size_t tree_line_start(const struct ui *ui, size_t l)
{
	while (l > 0 && ui->tl_lines[l].seg > 0)
		l--;
	return l;
}

/* Handles one key. */
int ui_key(struct ui *ui, int key)
{
	struct ladder *l = view(ui);
	int page = ui->pane_rows > 2 ? ui->pane_rows - 1 : 10;
	enum ui_action a;

	if (ui->searching) {
		search_key(ui, key);
		return UI_CONTINUE;
	}
	if (key == KEY_RESIZE)
		return UI_CONTINUE;          /* the next draw reads the new size */
	if (key == KEY_MOUSE) {
		MEVENT me;
		if (getmouse(&me) == OK && (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)))
			mouse_click(ui, me.y, me.x);
		return UI_CONTINUE;
	}
	a = action_for(ui, key);
	if (ui->diag_open && a != ACT_QUIT) {
		ui->diag_open = false;       /* any key closes the diagnosis panel */
		if (a == ACT_DIAGNOSIS)
			return UI_CONTINUE;
	}
	if (ui->help && a != ACT_QUIT) {
		/* j/k and the arrows scroll a help taller than the screen; any other key closes it */
		if (key == 'j' || key == KEY_DOWN || key == KEY_NPAGE) {
			ui->help_top += key == KEY_NPAGE ? 10 : 1;
			return UI_CONTINUE;
		}
		if (key == 'k' || key == KEY_UP || key == KEY_PPAGE) {
			ui->help_top -= key == KEY_PPAGE ? 10 : 1;
			if (ui->help_top < 0)
				ui->help_top = 0;
			return UI_CONTINUE;
		}
		ui->help = false;
		if (a == ACT_HELP)
			return UI_CONTINUE;
	}
	if (a != ACT_NONE && a != ACT_THEME && a != ACT_SECRETS)
		ui->msg[0] = '\0';
	switch (a) {
	case ACT_QUIT:
		return UI_QUIT;
	case ACT_STEP_GO: {
		char what[160];
		if (ui->src.gate && step_gate_waiting(ui->src.gate, what, sizeof what)) {
			step_gate_release(ui->src.gate);
			ui->follow = true;
		} else {
			select_row(ui, (long)ui->cur + 1);     /* Space is "next" when nothing waits */
		}
		break;
	}
	case ACT_NEXT:
	case ACT_DOWN:
		select_row(ui, (long)ui->cur + 1);
		break;
	case ACT_PREV:
	case ACT_UP:
		select_row(ui, (long)ui->cur - 1);
		break;
	case ACT_FIRST:
		select_row(ui, 0);
		break;
	case ACT_LAST:
		select_row(ui, (long)l->nrows - 1);
		ui->follow = true;
		break;
	case ACT_PAGE_UP:
		if (ui->focus_tree)
			ui->tcur = ui->tcur > (size_t)page ? ui->tcur - (size_t)page : 0;
		else
			select_row(ui, (long)ui->cur - page);
		break;
	case ACT_PAGE_DOWN:
		if (ui->focus_tree)
			ui->tcur = ui->ntl ? (ui->tcur + (size_t)page < ui->ntl ? ui->tcur + (size_t)page : ui->ntl - 1) : 0;
		else
			select_row(ui, (long)ui->cur + page);
		break;
	case ACT_OPEN:
		if (l->nrows) {
			ui->focus_tree = true;
			ui->tcur = 0;
		}
		break;
	case ACT_TREE_DOWN: {
		size_t t = ui->tcur + 1;
		while (t < ui->ntl && ui->tl_lines[t].seg > 0)
			t++;
		if (t < ui->ntl)
			ui->tcur = t;
		break;
	}
	case ACT_TREE_UP:
		if (ui->tcur > 0)
			ui->tcur = tree_line_start(ui, ui->tcur - 1);
		break;
	case ACT_TREE_TOGGLE:
		if (ui->tcur < ui->ntl) {
			struct tree_node *n = ui->tl_lines[ui->tcur].node;
			if (n->first)
				n->flags ^= TREE_COLLAPSED;
		}
		break;
	case ACT_TREE_CLOSE:
		if (ui->tcur < ui->ntl) {
			struct tree_node *n = ui->tl_lines[ui->tcur].node;
			if (n->first && !(n->flags & TREE_COLLAPSED)) {
				n->flags |= TREE_COLLAPSED;
			} else if (n->parent && n->parent != ui->tree) {
				for (size_t t = 0; t < ui->ntl; t++)
					if (ui->tl_lines[t].node == n->parent && ui->tl_lines[t].seg == 0)
						ui->tcur = t;
			} else {
				ui->focus_tree = false;
			}
		} else {
			ui->focus_tree = false;
		}
		break;
	case ACT_SWITCH:
		ui->focus_tree = !ui->focus_tree;
		break;
	case ACT_PREV_CONN:
	case ACT_NEXT_CONN:
		if (!ui->src.per_conn) {
			snprintf(ui->msg, sizeof ui->msg, "[ and ] switch connections in server mode");
		} else {
			long c = ui->conn_sel + (a == ACT_NEXT_CONN ? 1 : -1);
			if (c >= 0 && c <= (long)ui->conn_newest) {
				show_conn(ui, c);
				ui->follow = c == (long)ui->conn_newest;
			}
		}
		break;
	case ACT_WIRE:
		toggle_wire(ui);
		break;
	case ACT_SEARCH:
		ui->searching = true;
		ui->search[0] = '\0';
		break;
	case ACT_THEME: {
		char err[300];
		ui->theme_idx = (ui->theme_idx + 1) % 4;
		if (!theme_load(theme_shipped[ui->theme_idx], &ui->theme, err, sizeof err))
			ui_message(ui, err);
		else
			snprintf(ui->msg, sizeof ui->msg, "theme: %s", ui->theme.name);
		apply_theme(ui);
		break;
	}
	case ACT_HELP:
		ui->help = true;
		ui->help_top = 0;
		break;
	case ACT_DIAGNOSIS:
		ui->diag_open = true;
		if (ui->ndiag > 0 && ui->diag[0].nevidence > 0) {
			/* jump to the first piece of evidence */
			select_row(ui, (long)ladder_row_of(view(ui), ui->diag[0].evidence[0]));
		}
		break;
	case ACT_SECRETS:
		ui->show_secrets = !ui->show_secrets;
		snprintf(ui->msg, sizeof ui->msg, "%s", ui->show_secrets ? "secrets shown (the keys of this run; never the private keys)"
									 : "secrets hidden");
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	return UI_CONTINUE;
}

/* ---- drawing ---- */

/* Box-drawing and arrow glyphs, or ASCII. */
struct glyphs {
	const char *h, *h2, *v, *right, *left, *bullet, *open, *closed;
};

/* The glyph set for this terminal. */
static struct glyphs glyphs(const struct ui *ui)
{
	if (ui->unicode)
		return (struct glyphs){ "\u2500", "\u2550", "\u2502", "\u25b6", "\u25c0", "\u25cf", "\u25be", "\u25b8" };
	return (struct glyphs){ "-", "=", "|", ">", "<", "*", "v", ">" };
}

/* Draws a horizontal rule with a title at row y from x, cols wide. */
static void rule(struct ui *ui, int y, int x, int cols, const char *title, bool focused)
{
	struct glyphs g = glyphs(ui);
	int w = 0;

	attrset(role_attr(ui, ROLE_BORDER));
	hfill(y, x, cols, g.h);
	if (title && cols > 6) {
		attrset(role_attr(ui, focused ? ROLE_TITLE : ROLE_BORDER));
		mvaddstr(y, x + 1, " ");
		w = put(y, x + 2, title, cols - 4);
		mvaddstr(y, x + 2 + w, " ");
	}
	attrset(A_NORMAL);
}

/* The header line. */
static void draw_header(struct ui *ui, int w)
{
	char line[1024], part[400], tgt[256];
	const struct summary *s = &ui->sum;
	const char *sep = ui->unicode ? " \u2500 " : " - ";
	char waiting[200];

	snprintf(line, sizeof line, "tlsladder%s%s", sep, safe(tgt, sizeof tgt, ui->src.target));
	if (ui->have_sum && s->version) {
		const char *v = names_version(s->version), *cs = names_cipher_suite(s->cipher_suite);
		snprintf(part, sizeof part, "%s%s", sep, v ? v : "?");
		strncat(line, part, sizeof line - strlen(line) - 1);
		if (cs) {
			snprintf(part, sizeof part, "%s%s", sep, cs);
			strncat(line, part, sizeof line - strlen(line) - 1);
		}
		if (s->group && names_group(s->group)) {
			snprintf(part, sizeof part, "%s%s", sep, names_group(s->group));
			strncat(line, part, sizeof line - strlen(line) - 1);
		}
	}
	if (ui->have_sum && s->resumed) {
		snprintf(part, sizeof part, "%sresumed", sep);
		strncat(line, part, sizeof line - strlen(line) - 1);
	} else if (ui->have_sum && s->client.set && s->client.verify_done) {
		/* whose certificate: the client checked the server's (the client certificate has its own banner) */
		snprintf(part, sizeof part, "%s%s", sep, s->client.verified ? "server cert verified" : "server cert NOT verified");
		strncat(line, part, sizeof line - strlen(line) - 1);
	}
	if (ui->src.per_conn) {
		snprintf(part, sizeof part, "%sconnection %ld of %u", sep, ui->conn_sel + 1, ui->conn_newest + 1);
		strncat(line, part, sizeof line - strlen(line) - 1);
	}
	attrset(role_attr(ui, ROLE_HEADER));
	blank(0, 0, w);
	put(0, 1, line, w - 2);
	if (ui->src.gate && step_gate_waiting(ui->src.gate, waiting, sizeof waiting)) {
		char msg[300];
		int mw;
		snprintf(msg, sizeof msg, " %s: Space lets it go ", waiting);
		mw = text_width(msg);
		if (mw < w / 2 + 20 && mw < w) {
			attrset(role_attr(ui, ROLE_SELECTED));
			put(0, w - mw, msg, mw);
		}
	}
	attrset(A_NORMAL);
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
	struct ladder_row *r = &view(ui)->rows[row];
	struct tl_event ev;
	char extra[300];

	timeline_get(ui->src.tl, r->ev, &ev);
	row_title(&ev, label, n);
	if (ev.kind == TL_EV_HANDSHAKE) {
		snprintf(extra, sizeof extra, " %zu B", ev.body_len);
		strncat(label, extra, n - strlen(label) - 1);
	} else if (ev.kind == TL_EV_RECORD && r->ncarry && ev.rec_type != 20 && ev.rec_type != 21) {
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

/* Draws an arrow from the sender towards the receiver, its label on it; one
 * that was not delivered stops short at an "x". */
static void draw_arrow(struct ui *ui, int y, int xl, int xr, const struct tl_event *ev, const char *label)
{
	struct glyphs g = glyphs(ui);
	bool cut = timeline_undelivered(ev);
	int span = arrow_span(xl, xr, ev);
	int from = ev->from == TL_CLIENT || !cut ? xl + 1 : xr - span;
	int lw = text_width(label), max = span - 4;
	int start;

	if (lw > max)
		lw = max > 0 ? max : 0;
	start = from + (span - lw - 2) / 2;
	hfill(y, from, span, ev->encrypted ? g.h2 : g.h);
	if (ev->from == TL_CLIENT)
		mvaddstr(y, from + span - 1, cut ? "x" : g.right);
	else
		mvaddstr(y, from, cut ? "x" : g.left);
	mvaddstr(y, start, " ");
	put(y, start + 1, label, lw);
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
	if (text_width(fate) > gap)
		fate[strcspn(fate, ":")] = '\0';     /* "not sent", "incomplete" */
	attrset(selected ? role_attr(ui, ROLE_SELECTED) : role_attr(ui, ROLE_ERROR));
	put(y, x, fate, gap);
}

/* Draws one ladder row at screen row y. */
static void draw_row(struct ui *ui, int y, int x, int w, size_t row, bool selected)
{
	struct ladder *l = view(ui);
	struct ladder_row *r = &l->rows[row];
	struct glyphs g = glyphs(ui);
	struct tl_event ev;
	char num[24], label[600], extra[300];
	int xl = x + 5, xr = x + w - 7, role;
	attr_t sel = role_attr(ui, ROLE_SELECTED);

	timeline_get(ui->src.tl, r->ev, &ev);
	snprintf(num, sizeof num, "%4zu", (row + 1) % 100000);
	attrset(selected ? sel : role_attr(ui, ROLE_DIM));
	blank(y, x, w);
	if (is_evidence(ui, r->ev)) {
		/* evidence of the diagnosis: marked in the step column */
		attrset(selected ? sel : role_attr(ui, ROLE_BAD));
		put(y, x, num, 4);
		put(y, x + 4, "!", 1);
		attrset(selected ? sel : role_attr(ui, ROLE_DIM));
	} else {
		put(y, x, num, 4);
	}
	if (ev.kind == TL_EV_NOTE || ev.kind == TL_EV_ERROR || ev.kind == TL_EV_DIAGNOSIS) {
		row_title(&ev, label, sizeof label);
		attrset(selected ? sel : role_attr(ui, ev.kind == TL_EV_NOTE ? ROLE_NOTE : ROLE_ERROR));
		snprintf(extra, sizeof extra, "%s ", g.bullet);
		put(y, x + 5, extra, 2);
		put(y, x + 7, label, w - 8);
		attrset(A_NORMAL);
		return;
	}
	role = ev.kind == TL_EV_ALERT ? ROLE_ALERT : ev.encrypted ? ROLE_ARROW_ENCRYPTED : ROLE_ARROW;
	/* lifelines */
	attrset(selected ? sel : role_attr(ui, ROLE_LIFELINE));
	mvaddstr(y, xl, g.v);
	mvaddstr(y, xr, g.v);
	row_label(ui, row, label, sizeof label);
	attrset(selected ? sel : role_attr(ui, role));
	draw_arrow(ui, y, xl, xr, &ev, label);
	if (timeline_undelivered(&ev))
		draw_fate(ui, y, xl, xr, &ev, selected);
	if (ev.encrypted) {
		attrset(selected ? sel : role_attr(ui, ROLE_ARROW_ENCRYPTED));
		put(y, xr + 2, "enc", 4);
	}
	attrset(A_NORMAL);
}

/* The ladder pane. */
static void draw_ladder(struct ui *ui, int y, int x, int w, int h)
{
	struct ladder *l = view(ui);
	int rows = h - 1;
	char title[64];

	snprintf(title, sizeof title, "%s", ui->wire ? "Wire: TLS records" : "Ladder: messages");
	rule(ui, y, x, w, title, !ui->focus_tree);
	attrset(role_attr(ui, ROLE_TITLE));
	if (rows < 1)
		return;
	ui->pane_rows = rows - 1;
	ui->ladder_y = y + 2;
	ui->ladder_x = x;
	ui->ladder_w = w;
	blank(y + 1, x, w);
	put(y + 1, x + 3, "CLIENT", 8);
	put(y + 1, x + w - 10, "SERVER", 8);
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
		if (row < l->nrows) {
			draw_row(ui, y + 2 + i, x, w, row, row == ui->cur);
		} else {
			struct glyphs g = glyphs(ui);
			blank(y + 2 + i, x, w);
			attrset(role_attr(ui, ROLE_LIFELINE));
			mvaddstr(y + 2 + i, x + 5, g.v);
			mvaddstr(y + 2 + i, x + w - 7, g.v);
			attrset(A_NORMAL);
		}
	}
}

/* One line of the details pane. */
static void draw_tline(struct ui *ui, int y, int x, int w, size_t li, bool selected)
{
	const struct tline *t = &ui->tl_lines[li];
	const struct tree_node *n = t->node;
	struct glyphs g = glyphs(ui);
	char lab[256], val[4096];
	int indent = 2 * t->depth, col = x + indent;
	int vrole = n->flags & TREE_BAD ? ROLE_BAD
		    : n->flags & TREE_GOOD ? ROLE_GOOD
		    : n->flags & TREE_ERROR ? ROLE_ERROR
		    : n->flags & TREE_HEX ? ROLE_HEX
					  : ROLE_TREE_VALUE;
	attr_t sel = role_attr(ui, ROLE_SELECTED);

	attrset(selected ? sel : A_NORMAL);
	blank(y, x, w);
	safe(val, sizeof val, n->value);
	if (t->seg == 0) {
		attrset(selected ? sel : role_attr(ui, ROLE_TREE_KEY));
		if (n->first)
			put(y, col, n->flags & TREE_COLLAPSED ? g.closed : g.open, 1);
		col += 2;
		col += put(y, col, safe(lab, sizeof lab, n->label), x + w - col);
		if (n->value && (!(n->flags & TREE_SECRET) || ui->show_secrets)) {
			int first = w - indent - text_width(lab) - 2 - 2;
			size_t b = wrap_bytes(val, first > 8 ? first : 8);
			col += put(y, col, ": ", x + w - col);
			attrset(selected ? sel : role_attr(ui, vrole));
			val[b] = '\0';
			put(y, col, val, x + w - col);
		} else if (n->value) {
			col += put(y, col, ": ", x + w - col);
			attrset(selected ? sel : role_attr(ui, ROLE_DIM));
			put(y, col, "(secret, not shown)", x + w - col);
		}
	} else if (!(n->flags & TREE_SECRET) || ui->show_secrets) {
		/* continuation of a wrapped value */
		int first = w - indent - text_width(safe(lab, sizeof lab, n->label)) - 4;
		int rest = w - indent - 4;
		size_t off = wrap_bytes(val, first > 8 ? first : 8);
		for (size_t s = 1; s < t->seg && val[off]; s++)
			off += wrap_bytes(val + off, rest);
		attrset(selected ? sel : role_attr(ui, vrole));
		val[off + wrap_bytes(val + off, rest)] = '\0';
		put(y, col + 4, val + off, rest);
	}
	attrset(A_NORMAL);
}

/* The details pane. */
static void draw_details(struct ui *ui, int y, int x, int w, int h)
{
	struct tl_event ev;
	size_t e = selected_event(ui);
	char title[200], info[300];
	int rows = h - 2;

	sync_tree(ui);
	if (e == (size_t)-1 || !timeline_get(ui->src.tl, e, &ev)) {
		rule(ui, y, x, w, "Details", ui->focus_tree);
		for (int i = 1; i < h; i++)
			blank(y + i, x, w);
		put(y + 2, x + 2, "waiting for the first message...", w - 4);
		ui->detail_rows = 0;
		return;
	}
	row_title(&ev, title, sizeof title);
	rule(ui, y, x, w, title, ui->focus_tree);
	{
		const char *from = ev.from == TL_CLIENT ? "client" : "server";
		const char *to = ev.from == TL_CLIENT ? "server" : "client";
		const char *arrow = ui->unicode ? "\u2192" : "->";
		const char *keys = ev.keys == TL_KEYS_HANDSHAKE ? ", encrypted (handshake keys)"
				   : ev.keys == TL_KEYS_APPLICATION ? ", encrypted (application keys)"
				   : ev.keys == TL_KEYS_TLS12 ? ", encrypted"
							      : "";
		char why[160];
		if (ev.kind == TL_EV_NOTE || ev.kind == TL_EV_ERROR || ev.kind == TL_EV_DIAGNOSIS)
			snprintf(info, sizeof info, "about the %s, at +%.3f ms", from, (double)ev.t_us / 1000.0);
		else if (timeline_undelivered(&ev))
			snprintf(info, sizeof info, "%s %s %s, %s, at +%.3f ms", from, arrow, to,
				 timeline_delivery_text(&ev, why, sizeof why), (double)ev.t_us / 1000.0);
		else
			snprintf(info, sizeof info, "%s %s %s%s, at +%.3f ms%s", from, arrow, to, keys,
				 (double)ev.t_us / 1000.0, ev.recv_differs ? ", RECEIVED BYTES DIFFER" : "");
		attrset(role_attr(ui, ROLE_DIM));
		blank(y + 1, x, w);
		put(y + 1, x + 1, info, w - 2);
		attrset(A_NORMAL);
	}
	layout_tree(ui, w - 1);
	ui->detail_y = y + 2;
	ui->detail_x = x;
	ui->detail_w = w;
	ui->detail_rows = rows;
	if (ui->tcur >= ui->ntl)
		ui->tcur = ui->ntl ? ui->ntl - 1 : 0;
	if (ui->tcur < ui->ttop)
		ui->ttop = ui->tcur;
	if (rows > 0 && ui->tcur >= ui->ttop + (size_t)rows)
		ui->ttop = ui->tcur - (size_t)rows + 1;
	for (int i = 0; i < rows; i++) {
		size_t li = ui->ttop + (size_t)i;
		if (li < ui->ntl)
			draw_tline(ui, y + 2 + i, x + 1, w - 1, li, ui->focus_tree && li == ui->tcur);
		else
			blank(y + 2 + i, x, w);
	}
}

/* The explanation pane: word-wrapped plain-language text. */
static void draw_explanation(struct ui *ui, int y, int w, int h)
{
	size_t e = selected_event(ui);
	char raw[2048] = "", text[4096];
	const char *p;
	int line = 0;

	rule(ui, y, 0, w, "What is happening", false);
	for (int i = 1; i < h; i++)
		blank(y + i, 0, w);
	if (e != (size_t)-1 && ui->src.explain) {
		size_t n = timeline_count(ui->src.tl);
		if (e != ui->expl_ev || n != ui->expl_count || !ui->expl[0]) {
			ui->src.explain(ui->src.tl, e, ui->expl, sizeof ui->expl);
			ui->expl_ev = e;
			ui->expl_count = n;
		}
		snprintf(raw, sizeof raw, "%s", ui->expl);
	}
	safe(text, sizeof text, raw);
	attrset(role_attr(ui, ROLE_EXPLANATION));
	p = text;
	while (*p && line < h - 1) {
		int used;
		size_t b = fit_bytes(p, w - 4, &used);
		if (p[b]) {
			/* break at the last space that fits */
			size_t k = b;
			while (k > 0 && p[k] != ' ')
				k--;
			if (k > 0)
				b = k;
		}
		mvaddnstr(y + 1 + line, 2, p, (int)b);
		p += b;
		while (*p == ' ')
			p++;
		line++;
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

/* The status bar: hints from the action table, step N/M, state. */
static void draw_status(struct ui *ui, int y, int w)
{
	char right[64], left[512] = "";
	struct ladder *l = view(ui);
	int rw;

	snprintf(right, sizeof right, " step %zu/%zu  %s ", l->nrows ? ui->cur + 1 : 0, l->nrows, run_state(ui));
	rw = text_width(right);
	attrset(role_attr(ui, ROLE_STATUS));
	blank(y, 0, w);
	if (ui->searching) {
		snprintf(left, sizeof left, " find: %s_   (Enter: go, Esc: cancel)", ui->search);
		put(y, 0, left, w - rw);
	} else if (ui->msg[0]) {
		snprintf(left, sizeof left, " %s", ui->msg);
		put(y, 0, left, w - rw);
	} else {
		int x = 1;
		for (int a = 1; a < ACT_COUNT; a++) {
			const char *hint = actions[a].hint, *sp;
			int hw;
			if (!hint || (a == ACT_STEP_GO && !ui->src.gate) || (a == ACT_PREV_CONN && !ui->src.per_conn))
				continue;
			hw = text_width(hint);
			if (x + hw + 2 > w - rw)
				break;
			sp = strchr(hint, ' ');
			attrset(role_attr(ui, ROLE_STATUS_KEY));
			mvaddnstr(y, x, hint, sp ? (int)(sp - hint) : hw);
			attrset(role_attr(ui, ROLE_STATUS));
			if (sp)
				mvaddstr(y, x + (int)(sp - hint), sp);
			x += hw + 2;
		}
	}
	attrset(role_attr(ui, ROLE_STATUS));
	put(y, w - rw, right, rw);
	attrset(A_NORMAL);
}

/* The help overlay, generated from the action table; scrolls when taller than the screen. */
static void draw_help(struct ui *ui, int h, int w)
{
	static const char *const scope_names[] = { "Everywhere", "In the ladder", "In the details" };
	struct hl { const char *keys, *text; } lines[ACT_COUNT + 8];
	int nl = 0, bw = w - 4 < 96 ? w - 4 : 96, bh, y0, x0, body;

	for (int sc = 0; sc < 3; sc++) {
		lines[nl++] = (struct hl){ NULL, scope_names[sc] };
		for (int a = 1; a < ACT_COUNT; a++)
			if ((int)actions[a].scope == sc)
				lines[nl++] = (struct hl){ actions[a].keys, actions[a].help };
		if (sc < 2)
			lines[nl++] = (struct hl){ NULL, "" };
	}
	bh = nl + 3 < h - 2 ? nl + 3 : h - 2;
	body = bh - 3;
	if (ui->help_top > nl - body)
		ui->help_top = nl - body > 0 ? nl - body : 0;
	y0 = (h - bh) / 2;
	x0 = (w - bw) / 2;
	attrset(role_attr(ui, ROLE_STATUS));
	for (int i = 0; i < bh; i++)
		blank(y0 + i, x0, bw);
	attrset(role_attr(ui, ROLE_STATUS_KEY));
	put(y0, x0 + 2, nl > body ? "tlsladder keys (j/k scroll, any other key closes this)" : "tlsladder keys (any key closes this)",
	    bw - 4);
	for (int i = 0; i < body && ui->help_top + i < nl; i++) {
		const struct hl *l = &lines[ui->help_top + i];
		int y = y0 + 2 + i;
		if (!l->keys) {
			attrset(role_attr(ui, ROLE_STATUS_KEY));
			put(y, x0 + 2, l->text, bw - 4);
			continue;
		}
		attrset(role_attr(ui, ROLE_STATUS_KEY));
		put(y, x0 + 4, l->keys, 12);
		attrset(role_attr(ui, ROLE_STATUS));
		put(y, x0 + 17, l->text, bw - 19);
	}
	attrset(A_NORMAL);
}

static void draw_body(struct ui *ui, int y, int w, int mh);

/* The diagnosis panel (d): every finding with its fix and evidence steps. */
static void draw_diagnosis(struct ui *ui, int h, int w)
{
	int bw = w - 4 < 100 ? w - 4 : 100, bh = h - 4, y0 = 2, x0 = (w - bw) / 2, y;
	struct ladder *l = view(ui);

	attrset(role_attr(ui, ROLE_STATUS));
	for (int i = 0; i < bh; i++)
		blank(y0 + i, x0, bw);
	attrset(role_attr(ui, ROLE_STATUS_KEY));
	put(y0, x0 + 2, "Diagnosis (any key closes this)", bw - 4);
	y = y0 + 2;
	if (ui->ndiag == 0)
		put(y, x0 + 2, timeline_finished(ui->src.tl) ? "nothing to say" : "the run is not finished yet", bw - 4);
	for (size_t i = 0; i < ui->ndiag && y < y0 + bh - 1; i++) {
		char buf[1400], safe_s[1200];
		const char *p;
		/* word-wrapped: the code and sentence, the fix, the evidence steps */
		for (int part = 0; part < 3 && y < y0 + bh - 1; part++) {
			if (part == 0) {
				sanitize_str(safe_s, sizeof safe_s, ui->diag[i].sentence);
				snprintf(buf, sizeof buf, "%s%s: %s", i == 0 ? "" : "also ", diag_code_name(ui->diag[i].code), safe_s);
				attrset(role_attr(ui, i == 0 && ui->diag[i].code != DIAG_OK ? ROLE_BAD : ROLE_STATUS_KEY));
			} else if (part == 1) {
				if (!ui->diag[i].fix[0])
					continue;
				sanitize_str(safe_s, sizeof safe_s, ui->diag[i].fix);
				snprintf(buf, sizeof buf, "fix: %s", safe_s);
				attrset(role_attr(ui, ROLE_STATUS));
			} else {
				size_t used = 0;
				if (ui->diag[i].nevidence == 0)
					continue;
				used = (size_t)snprintf(buf, sizeof buf, "evidence: step");
				for (unsigned k = 0; k < ui->diag[i].nevidence && used + 10 < sizeof buf; k++)
					used += (size_t)snprintf(buf + used, sizeof buf - used, "%s %zu", k ? "," : "",
								 ladder_row_of(l, ui->diag[i].evidence[k]) + 1);
				attrset(role_attr(ui, ROLE_STATUS));
			}
			for (p = buf; *p && y < y0 + bh - 1; y++) {
				size_t b = wrap_bytes(p, bw - 6);
				char seg[600];
				snprintf(seg, sizeof seg, "%.*s", (int)b, p);
				put(y, x0 + 3, seg, bw - 6);
				p += b;
				while (*p == ' ')
					p++;
			}
		}
		y++;
	}
	attrset(A_NORMAL);
}

/* Paints the screen. */
void ui_draw(struct ui *ui)
{
	int h = LINES, w = COLS, eh, mh;

	erase();
	if (w < MIN_W || h < MIN_H) {
		char msg[80];
		snprintf(msg, sizeof msg, "terminal too small (need %dx%d)", MIN_W, MIN_H);
		put(h / 2, w > (int)strlen(msg) ? (w - (int)strlen(msg)) / 2 : 0, msg, w);
		return;
	}
	eh = h >= 30 ? 7 : 5;
	mh = h - 2 - eh;
	draw_header(ui, w);
	if (ui->ndiag > 0 && ui->diag[0].code != DIAG_OK) {
		/* the diagnosis banner under the header */
		char line[1200], safe_s[1000];
		sanitize_str(safe_s, sizeof safe_s, ui->diag[0].sentence);
		snprintf(line, sizeof line, " %s %s: %s   (d: details)",
			 diag_is_warning(ui->diag[0].code) ? "!" : ui->unicode ? "\u2717" : "x",
			 diag_code_name(ui->diag[0].code), safe_s);
		attrset(role_attr(ui, ROLE_BAD) | A_REVERSE);
		blank(1, 0, w);
		put(1, 0, line, w);
		attrset(A_NORMAL);
		mh--;
		draw_body(ui, 2, w, mh);
	} else {
		draw_body(ui, 1, w, mh);
	}
	draw_explanation(ui, h - 1 - eh, w, eh);
	draw_status(ui, h - 1, w);
	if (ui->help)
		draw_help(ui, h, w);
	else if (ui->diag_open)
		draw_diagnosis(ui, h, w);
}

/* The ladder and details panes from row y, mh rows. */
static void draw_body(struct ui *ui, int y, int w, int mh)
{
	ui->detail_w = 0;
	if (w >= WIDE_W) {
		int lw = w * 46 / 100;
		if (lw < 56)
			lw = 56;
		draw_ladder(ui, y, 0, lw, mh);
		attrset(role_attr(ui, ROLE_BORDER));
		for (int i = y; i < y + mh; i++)
			mvaddstr(i, lw, glyphs(ui).v);
		attrset(A_NORMAL);
		draw_details(ui, y, lw + 1, w - lw - 1, mh);
	} else if (ui->focus_tree) {
		ui->ladder_w = 0;
		draw_details(ui, y, 0, w, mh);
	} else {
		draw_ladder(ui, y, 0, w, mh);
	}
}

/* ---- the loop ---- */

static int sig_pipe[2] = { -1, -1 };

/* Signal handler: wakes the loop, which then quits and restores the terminal. */
static void on_signal(int sig)
{
	char b = (char)sig;
	int saved = errno;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* nothing else is safe to do here */
	}
	errno = saved;
}

/* Runs the UI on the terminal. */
int ui_run(const struct ui_source *src, const struct ui_opts *o)
{
	struct ui *ui;
	struct sigaction sa, old_int, old_term, old_hup;
	int wake = timeline_wake_fd(src->tl);
	int ret = UI_CONTINUE;
	bool done_seen = false;

	if (pipe(sig_pipe) != 0)
		return UI_QUIT;
	fcntl(sig_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	ui = ui_new(src, o);
	if (!ui || !initscr()) {
		ui_free(ui);
		return UI_QUIT;
	}
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	ui_start_colors(ui);

	for (unsigned rounds = 0; ret != UI_QUIT; rounds++) {
		fd_set rf;
		struct timeval tv = { 0, 200000 };
		int ch, maxfd = wake > sig_pipe[0] ? wake : sig_pipe[0];

		ui_update(ui);
		ui_draw(ui);
		refresh();
		if (timeline_finished(src->tl) && !done_seen) {
			done_seen = true;
			continue;            /* one more update: results set at the end */
		}
		FD_ZERO(&rf);
		FD_SET(STDIN_FILENO, &rf);
		FD_SET(wake, &rf);
		FD_SET(sig_pipe[0], &rf);
		if (select(maxfd + 1, &rf, NULL, NULL, &tv) < 0) {
			if (errno != EINTR)
				break;
			FD_ZERO(&rf);        /* a signal (SIGWINCH): getch() reports KEY_RESIZE */
		}
		if (FD_ISSET(sig_pipe[0], &rf)) {
			ret = UI_QUIT;
			break;
		}
		if (FD_ISSET(wake, &rf))
			timeline_drain_wake(src->tl);
		for (int k = 0; k < 64 && (ch = getch()) != ERR; k++)
			if (ui_key(ui, ch) == UI_QUIT) {
				ret = UI_QUIT;
				break;
			}
		(void)rounds;
	}
	endwin();
	ui_free(ui);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	return ret;
}
