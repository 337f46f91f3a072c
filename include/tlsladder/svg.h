/*
 * svg: the ladder as a vector picture for slides (--svg FILE): a
 * self-contained SVG (no fonts, links or scripts from elsewhere) with the
 * two lifelines, one arrow per message in ladder order labelled with its
 * name and size, encrypted messages drawn thick and marked with their
 * keys, undelivered ones stopping short at an x, notes and errors as text
 * rows, and the diagnosis under the ladder. Colours are the default
 * theme's roles (theme.h), on the dark background that theme is made for.
 *
 * Each message is a <g class="message"> holding a <text class="label">
 * with exactly the text ladder's label ("ClientHello  312 B").
 */
#ifndef TLSLADDER_SVG_H
#define TLSLADDER_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "tlsladder/text.h"
#include "tlsladder/theme.h"
#include "tlsladder/timeline.h"

/*
 * The safe form of untrusted text for XML character data and attribute
 * values: sanitized (sanitize.h), then & < > " ' written as entities and
 * the characters XML 1.0 forbids (U+FFFE, U+FFFF) as \u{FFFE}. Always
 * NUL-terminated, cut on a whole character or entity. Returns dst.
 */
char *svg_text(char *dst, size_t n, const char *src);
/* "#rrggbb" for a theme colour (0-255; THEME_DEFAULT_COLOR: fallback). Returns buf. */
char *svg_color(int color, const char *fallback, char *buf, size_t n);
/* Writes the picture (o: as for the text ladder; its title heads the picture). */
void svg_write(FILE *f, const struct timeline *tl, const struct text_opts *o);

#endif
