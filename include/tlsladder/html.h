/*
 * html: the ladder as one self-contained HTML page (--html FILE).
 *
 * The page holds everything inline: its CSS (the theme's roles mapped to
 * colours), a few lines of script (open or close every message, show the hex
 * dumps), and a Content-Security-Policy that forbids any load from the
 * network and lets no script run but its own (by its hash), so nothing on
 * it can fetch or run even if a string slipped through.
 * Each message is a <details> element: its ladder row opens into its
 * plain-language explanation (explain.h) and its decoded fields (the tree
 * the text ladder's -v prints). Below the ladder: each connection's
 * diagnosis, and the text ladder with its summaries.
 *
 * A plain function of a finished timeline: it works the same on a live run
 * and on a saved one. Every string from the timeline (network or
 * certificate bytes, notes, errors) passes through the sanitizer and then
 * through html_escape(); secrets are never written.
 */
#ifndef TLSLADDER_HTML_H
#define TLSLADDER_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlsladder/errors.h"
#include "tlsladder/theme.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

struct html_opts {
	const char *title;          /* the page's heading, e.g. "tlsladder demo tls13: ..." */
	const struct theme *theme;  /* NULL: the built-in default */
	bool wire;                  /* records instead of messages */
	bool client_only;           /* client mode: the server's side is inferred */
	bool server_only;           /* server mode: the client's side is inferred */
	long only_conn;             /* >= 0: only this connection (serve); -1: all */
	uint64_t conn_number;       /* only_conn: the number it is called by; 0: only_conn + 1 */
	/* builds the field tree of event i */
	struct tree_node *(*tree)(const struct timeline *tl, size_t i, void *arg);
	void *tree_arg;
};

/*
 * Writes s[0..n) with & < > " ' replaced by entities into dst (always
 * NUL-terminated when dstsz > 0, never cut inside an entity). Returns the
 * length the whole escaped text needs, like snprintf. It only escapes:
 * text from the timeline goes through html_put(), which sanitizes first.
 */
size_t html_escape(char *dst, size_t dstsz, const char *s, size_t n);
/* Writes untrusted text to f: sanitized (sanitize.h), then escaped. */
void html_put(FILE *f, const char *s);
/* Writes the page. */
void html_write(FILE *f, const struct timeline *tl, const struct html_opts *o);
/* Writes the page to path (created or replaced, mode 0644 before the umask).
 * Returns 0, or -1 with err (TL_EXIT_FILES). */
int html_write_file(const char *path, const struct timeline *tl, const struct html_opts *o, struct tl_error *err);
/* The page of serve's connection number: path with "-NUMBER" before its
 * extension ("ladder.html" -> "ladder-3.html"; "out" -> "out-3"). */
void html_conn_path(const char *path, uint64_t number, char *buf, size_t n);

#endif
