/*
 * screenlib: what the screen tests (tests/ui/test_*.c) share: reading a
 * file, the curses screen as text, the decoded-tree callback, and the
 * comparison with a golden screen in tests/ui/golden/
 * (TLSLADDER_UPDATE_GOLDEN=1 rewrites the golden files instead).
 */
#ifndef TLSLADDER_TESTS_SCREENLIB_H
#define TLSLADDER_TESTS_SCREENLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"
#include "tlsladder/ui.h"

/* A terminal drawn on /dev/null at a fixed size (newterm). */
struct screenlib_term {
	FILE *out, *in;
	SCREEN *scr;
};

/* Opens a cols x lines terminal in the C.UTF-8 locale (C with ascii). */
void screenlib_open(struct screenlib_term *t, int cols, int lines, bool ascii);
/* Ends and frees it. */
void screenlib_close(struct screenlib_term *t);
/* A source showing tl as target, with the plain-language explanations and the decoded trees. */
void screenlib_source(struct ui_source *src, struct timeline *tl, const char *target);

/* A whole file, with a NUL after its *len bytes; NULL if missing. */
uint8_t *screenlib_slurp(const char *path, size_t *len);
/* The screen as UTF-8 lines, trailing spaces removed (malloc'd). */
char *screenlib_text(void);
/* The decoded tree of event i (the core decoders: the same for the same bodies). */
struct tree_node *screenlib_decoded(const struct timeline *tl, size_t i, void *arg);
/* Compares got with golden/<name>.txt below srcdir (fails the test when they differ), and checks
 * that no raw control character reached the screen. */
void screenlib_golden(const char *srcdir, const char *name, const char *got);

/* One message of a scenario in tests/fixtures/manifest.txt, its body read (free it). */
struct screenlib_msg {
	enum tl_side from;
	unsigned type;
	uint8_t *body;
	size_t len;
};

/* Opens the fixtures' manifest (fclose it). */
FILE *screenlib_manifest(const char *srcdir);
/* The next message of scenario in the manifest m; false at its end. */
bool screenlib_next(FILE *m, const char *srcdir, const char *scenario, struct screenlib_msg *msg);
/* The tls13 handshake of tests/fixtures (its manifest's messages) at fixed times, finished; verified:
 * the client's result says it verified the server's certificate. */
struct timeline *screenlib_tls13(const char *srcdir, bool verified);

#endif
