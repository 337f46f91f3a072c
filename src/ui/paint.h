/*
 * paint.h: the drawing primitives every view of the interactive ladder
 * uses (private to src/ui/). A struct paint is what drawing needs to know
 * about the terminal: the theme's roles, whether colours are on, whether
 * the locale draws Unicode. Text is measured in display columns of UTF-8;
 * every string from the network or a certificate goes through
 * paint_safe() (the sanitizer) before it is drawn.
 */
#ifndef TLSLADDER_UI_PAINT_H
#define TLSLADDER_UI_PAINT_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/theme.h"

struct paint {
	struct theme theme;
	bool color, unicode;
};

/* Box-drawing and arrow glyphs, or ASCII. */
struct glyphs {
	const char *h, *h2, *v, *right, *left, *bullet, *open, *closed;
	const char *dot;          /* the dotted line of the plaintext before TLS (STARTTLS) */
};

/* Bytes of the UTF-8 string s that fit in cols columns; *used: their width. */
size_t paint_fit(const char *s, int cols, int *used);
/* Bytes of s for one wrapped line of at most cols columns (breaks after a space). */
size_t paint_wrap(const char *s, int cols);
/* Display width of a UTF-8 string. */
int paint_width(const char *s);
/* Writes s at (y, x), clipped to cols columns; returns the columns written. */
int paint_put(int y, int x, const char *s, int cols);
/* Writes s at (y, x) in cols columns; text that does not fit ends in the
 * ellipsis mark (paint_ellipsis) instead of being cut off unseen. */
int paint_put_cut(const struct paint *p, int y, int x, const char *s, int cols);
/* The ellipsis mark: "\u2026", or "..." in ASCII. */
const char *paint_ellipsis(const struct paint *p);
/* Sanitizes untrusted text (NULL: "") into buf; returns buf. */
const char *paint_safe(char *buf, size_t n, const char *s);
/* The curses attribute for a theme role. */
attr_t paint_attr(const struct paint *p, int role);
/* n copies of a one-column glyph from (y, x) in the current attributes. */
void paint_hfill(int y, int x, int n, const char *glyph);
/* Spaces over columns [x, x+cols) of row y in the current attribute. */
void paint_blank(int y, int x, int cols);
/* The glyph set for this terminal. */
struct glyphs paint_glyphs(const struct paint *p);
/* A horizontal rule with a title at row y from x, cols wide. */
void paint_rule(const struct paint *p, int y, int x, int cols, const char *title, bool focused);
/* A panel over rows [y, y+h) of a screen w wide (the help, the diagnosis):
 * those rows are cleared across the whole width and a box of bw columns,
 * centred, is drawn in the status role, title on its top border. Returns
 * the box's first column; its text goes from 2 columns and 2 rows inside. */
int paint_panel(const struct paint *p, int y, int h, int w, int bw, const char *title);
/* Sets the colour pairs from the theme (when colours are on). */
void paint_apply_theme(const struct paint *p);

#endif
