/*
 * ui: the interactive ladder in a terminal (ncurses, wide characters).
 * Only the main thread calls into this module; it reads the timeline and
 * never changes it. Capture runs elsewhere and wakes the UI through the
 * timeline's pipe.
 *
 * The parts are separable for tests: ui_new() makes the state, ui_key()
 * handles one key without drawing, ui_update() takes in new events, and
 * ui_draw() paints stdscr. ui_run() is the loop around them on a real tty:
 * it draws only when a key or a change of the timeline asked for it.
 */
#ifndef TLSLADDER_UI_H
#define TLSLADDER_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/stepgate.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

struct ui_source {
	const struct timeline *tl;
	const char *target;          /* shown in the header: "demo mtls13", "example.org port 443" */
	struct step_gate *gate;      /* step-gated mode, or NULL */
	bool per_conn;               /* server mode: one connection at a time, [ and ] switch */
	/* server mode: each connection's own timeline, the newest kept ones
	 * (connlog.h); tl is then the server's own (listening, refusals) and
	 * is shown until a connection comes */
	struct connlog *log;
	/* the field tree of event i; NULL builder: the UI shows the event's basic facts */
	struct tree_node *(*tree)(const struct timeline *tl, size_t i, void *arg);
	void *tree_arg;
	/* the plain-language explanation of event i; NULL: none */
	size_t (*explain)(const struct timeline *tl, size_t i, char *buf, size_t n);
	/* the key schedule of the handshake event i belongs to (shown with `s`, its values too); NULL: none */
	struct tree_node *(*schedule)(const struct timeline *tl, size_t i, void *arg);
};

struct quiz;

struct ui_opts {
	const char *theme;           /* name or path; NULL: default */
	bool ascii;                  /* no box drawing or arrows outside ASCII */
	bool no_color;               /* attributes only (NO_COLOR) */
	bool wire;                   /* start in the wire view */
	int play_ms;                 /* --play: a step every this many milliseconds (0: off) */
	bool quiz;                   /* --quiz: reveal the run one flight at a time, with questions */
	const struct quiz *questions;   /* the quiz file's questions, or NULL */
};

/* What handling a key did (flags): UI_QUIT ends the run, UI_HANDLED means
 * the key was used, UI_REDRAW that the screen must be drawn again. */
enum { UI_CONTINUE = 0, UI_QUIT = 1, UI_HANDLED = 2, UI_REDRAW = 4 };

struct ui;

struct ui *ui_new(const struct ui_source *src, const struct ui_opts *o);
void ui_free(struct ui *ui);
/* Call once curses is initialised: sets up colours for the theme. */
void ui_start_colors(struct ui *ui);
/* Handles one key code (getch()) without drawing. Returns UI_* flags:
 * UI_QUIT set when the user quits, UI_REDRAW when the screen changed. */
int ui_key(struct ui *ui, int key);
/* Takes in the timeline's changes since the last call (events, deliveries,
 * results, verdicts, the end of the run) and the step gate's; true when
 * anything changed. */
bool ui_update(struct ui *ui);
/* Paints the whole screen on stdscr (the caller refreshes). */
void ui_draw(struct ui *ui);
/* A message for the status line (theme errors, for example). */
void ui_message(struct ui *ui, const char *msg);

/*
 * Runs the UI on the terminal until the user quits, or a signal (SIGINT,
 * SIGTERM, SIGHUP) arrives. The terminal is restored before returning.
 * Returns UI_QUIT when the user (or a signal) ended it.
 */
int ui_run(const struct ui_source *src, const struct ui_opts *o);

#endif
