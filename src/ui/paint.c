/*
 * paint.c: text measuring, clipping and the few curses calls every view
 * draws with (see paint.h). Widths are display columns (wcwidth); a
 * character the locale cannot decode ends the text drawn.
 */
#include "paint.h"
#include "tlsladder/sanitize.h"

#include <string.h>
#include <wchar.h>

/* Bytes of the UTF-8 string s that fit in cols columns. */
size_t paint_fit(const char *s, int cols, int *used)
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
size_t paint_wrap(const char *s, int cols)
{
	size_t b = paint_fit(s, cols, NULL);

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
int paint_width(const char *s)
{
	int w;

	paint_fit(s, 1 << 20, &w);
	return w;
}

/* Writes s at (y, x), clipped to cols columns; returns columns written. */
int paint_put(int y, int x, const char *s, int cols)
{
	int w;
	size_t b;

	if (cols <= 0)
		return 0;
	b = paint_fit(s, cols, &w);
	mvaddnstr(y, x, s, (int)b);
	return w;
}

/* The ellipsis mark for this terminal. */
const char *paint_ellipsis(const struct paint *p)
{
	return p->unicode ? "\u2026" : "...";
}

/* Writes s at (y, x) in cols columns, ending in the ellipsis mark when it does not fit; returns columns written. */
int paint_put_cut(const struct paint *p, int y, int x, const char *s, int cols)
{
	const char *mark = paint_ellipsis(p);
	int mw = paint_width(mark), w;

	if (cols <= 0)
		return 0;
	if (paint_width(s) <= cols || cols <= mw)
		return paint_put(y, x, s, cols);
	w = paint_put(y, x, s, cols - mw);
	return w + paint_put(y, x + w, mark, mw);
}

/* Sanitizes untrusted text into buf. */
const char *paint_safe(char *buf, size_t n, const char *s)
{
	sanitize_str(buf, n, s ? s : "");
	return buf;
}

/* The curses attribute for a theme role. */
attr_t paint_attr(const struct paint *p, int role)
{
	unsigned a = p->theme.role[role].attrs;
	attr_t out = 0;

	if (p->color)
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
void paint_hfill(int y, int x, int n, const char *glyph)
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
void paint_blank(int y, int x, int cols)
{
	if (cols > 0)
		mvhline(y, x, ' ', cols);
}

/* The glyph set for this terminal. */
struct glyphs paint_glyphs(const struct paint *p)
{
	if (p->unicode)
		return (struct glyphs){ "\u2500", "\u2550", "\u2502", "\u25b6", "\u25c0", "\u25cf", "\u25be", "\u25b8", "\u2504" };
	return (struct glyphs){ "-", "=", "|", ">", "<", "*", "v", ">", "." };
}

/* Draws a horizontal rule with a title at row y from x, cols wide. */
void paint_rule(const struct paint *p, int y, int x, int cols, const char *title, bool focused)
{
	struct glyphs g = paint_glyphs(p);
	int w = 0;

	attrset(paint_attr(p, ROLE_BORDER));
	paint_hfill(y, x, cols, g.h);
	if (title && cols > 6) {
		attrset(paint_attr(p, focused ? ROLE_TITLE : ROLE_BORDER));
		mvaddstr(y, x + 1, " ");
		w = paint_put_cut(p, y, x + 2, title, cols - 4);
		mvaddstr(y, x + 2 + w, " ");
	}
	attrset(A_NORMAL);
}

/* A panel: rows [y, y+h) cleared, a centred box of bw columns with its title; returns its first column. */
int paint_panel(const struct paint *p, int y, int h, int w, int bw, const char *title)
{
	const char *tl = p->unicode ? "\u250c" : "+", *tr = p->unicode ? "\u2510" : "+";
	const char *bl = p->unicode ? "\u2514" : "+", *br = p->unicode ? "\u2518" : "+";
	struct glyphs g = paint_glyphs(p);
	int x0 = (w - bw) / 2, tw;

	attrset(A_NORMAL);
	for (int i = 0; i < h; i++)
		paint_blank(y + i, 0, w);
	if (bw < 8 || h < 3)
		return x0;
	attrset(paint_attr(p, ROLE_STATUS));
	for (int i = 1; i < h - 1; i++) {
		paint_blank(y + i, x0 + 1, bw - 2);
		mvaddstr(y + i, x0, g.v);
		mvaddstr(y + i, x0 + bw - 1, g.v);
	}
	paint_hfill(y, x0 + 1, bw - 2, g.h);
	paint_hfill(y + h - 1, x0 + 1, bw - 2, g.h);
	mvaddstr(y, x0, tl);
	mvaddstr(y, x0 + bw - 1, tr);
	mvaddstr(y + h - 1, x0, bl);
	mvaddstr(y + h - 1, x0 + bw - 1, br);
	attrset(paint_attr(p, ROLE_STATUS_KEY));
	mvaddstr(y, x0 + 2, " ");
	tw = paint_put(y, x0 + 3, title, bw - 8);
	mvaddstr(y, x0 + 3 + tw, " ");
	attrset(A_NORMAL);
	return x0;
}

/* Applies the theme to the colour pairs. */
void paint_apply_theme(const struct paint *p)
{
	if (!p->color)
		return;
	for (int r = 0; r < ROLE_COUNT; r++) {
		int fg = p->theme.role[r].fg, bg = p->theme.role[r].bg;
		if (fg >= COLORS)
			fg = fg >= 8 && fg < 16 ? fg - 8 : THEME_DEFAULT_COLOR;
		if (bg >= COLORS)
			bg = bg >= 8 && bg < 16 ? bg - 8 : THEME_DEFAULT_COLOR;
		init_pair((short)(r + 1), (short)fg, (short)bg);
	}
	/* every cell nothing else paints (blanks, erased rows) takes the background role's colours */
	bkgd(' ' | COLOR_PAIR(ROLE_BACKGROUND + 1));
}
