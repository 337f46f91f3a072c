/*
 * markdown: the run for an issue tracker (--markdown FILE): a heading, the
 * text ladder with its summary and diagnosis in a fenced code block (the
 * same lines as --text), and the diagnosis again as a table of code,
 * finding and fix.
 */
#ifndef TLSLADDER_MARKDOWN_H
#define TLSLADDER_MARKDOWN_H

#include <stddef.h>
#include <stdio.h>

#include "tlsladder/text.h"
#include "tlsladder/timeline.h"

/*
 * The safe form of untrusted text for a Markdown paragraph, heading or
 * table cell: sanitized (sanitize.h), then every ASCII punctuation mark
 * Markdown could read as syntax (\ ` * _ { } [ ] < > ( ) # + ! | ~ & $ :)
 * escaped with a backslash. Always NUL-terminated, cut on a whole escape.
 * Returns dst.
 */
char *markdown_text(char *dst, size_t n, const char *src);
/* The fence for a code block holding text: backticks, one more than the
 * longest run of backticks in it, at least three. Returns dst. */
char *markdown_fence(char *dst, size_t n, const char *text);
/* Writes the document (o: as for the text ladder; its title is the heading). */
void markdown_write(FILE *f, const struct timeline *tl, const struct text_opts *o);

#endif
