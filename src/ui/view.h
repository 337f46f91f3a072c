/*
 * view.h: the state of the interactive ladder and the views that render it
 * (private to src/ui/). After tig's view_ops: each view loads what it shows
 * from the model (load), paints its part of the screen (draw) and handles
 * the requests that concern it (request). Requests return UI_* flags
 * (ui.h): UI_HANDLED stops the dispatch, UI_REDRAW says the screen must be
 * drawn again, UI_QUIT ends the run. Requests never draw; draws never
 * change what the user sees next (only scroll clamping and layout caches).
 *
 * Screen coordinates: row 0 is the header, the last row the status bar.
 * Between them: an optional diagnosis banner, the main area (ladder pane
 * left, details pane right; on narrow terminals one of them, switched with
 * Tab) and below it the explanation pane. Every draw recomputes the
 * geometry from LINES/COLS, so a resize needs nothing but a redraw. Only
 * visible rows are drawn.
 */
#ifndef TLSLADDER_UI_VIEW_H
#define TLSLADDER_UI_VIEW_H

#include "actions.h"
#include "paint.h"
#include "treeview.h"
#include "tlsladder/connlog.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/ladder.h"
#include "tlsladder/summary.h"
#include "tlsladder/ui.h"

#include <stdint.h>

/* A part of the screen. */
struct rect {
	int y, x, w, h;
};

struct ui;

struct view_ops {
	const char *name;
	/* takes in the model's changes; true when what the view shows changed (NULL: nothing to load) */
	bool (*load)(struct ui *ui);
	/* paints the view in r */
	void (*draw)(struct ui *ui, struct rect r);
	/* handles action a (from key); UI_* flags, 0 when it is not the view's (NULL: none) */
	int (*request)(struct ui *ui, enum ui_action a, int key);
};

/* What one action is: where it applies, its keys and words (from actions.h). */
struct action_info {
	enum ui_scope scope;
	const char *keys, *help, *hint;
	int key[4];
};
extern const struct action_info ui_actions[ACT_COUNT];

struct ui {
	struct ui_source src;
	struct ui_opts o;
	struct paint pt;
	int theme_idx;
	bool clear_screen;              /* the next draw repaints the whole terminal (Ctrl-L) */
	bool theme_changed;             /* the next draw sets the colour pairs from the theme */
	uint64_t stamp_id;              /* the timeline as last taken in (timeline_stamp) */
	unsigned stamp_gen;
	bool have_stamp;
	char gate_seen[160];            /* what waited at the step gate when last looked */
	/* the ladder (ladderview.c) */
	struct ladder lad[2];           /* [0] messages, [1] wire */
	bool wire;
	long conn_sel;                  /* per_conn: the connection shown */
	unsigned conn_newest;           /* per_conn: the newest connection seen */
	/* server mode with a connection log: src.tl is the connection shown */
	struct timeline *held;          /* its timeline, held while shown */
	uint64_t serial_sel;            /* its number (0: none yet; the server's own timeline) */
	uint64_t serial_newest;         /* the newest kept connection */
	uint64_t log_gen;               /* the log as last taken in */
	struct connlog_tally tally;
	size_t cur, top;
	bool follow;
	bool focus_tree;
	bool searching;
	char search[64];
	int pane_rows;                  /* rows of the ladder list in the last draw */
	int ladder_y, ladder_x, ladder_w;
	/* the details (details.c) */
	struct treeview tv;
	size_t tree_ev;
	bool have_tree;
	bool tree_schedule;          /* the tree shown is the key schedule (`s`), not the event's fields */
	unsigned tree_gen;              /* the timeline generation the tree was built at */
	bool tree_live;                 /* ... before the run finished: a later change may concern it */
	int detail_y, detail_x, detail_w, detail_rows;
	/* the explanation (explainview.c) */
	size_t expl_ev;                 /* the explanation below was made for this event ... */
	unsigned expl_gen;              /* ... and this timeline generation */
	char expl[2048];
	int expl_top;                   /* the first line shown (the pane scrolls with J and K) */
	int expl_rows;                  /* the text rows of the pane in the last draw */
	/* help and diagnosis overlays (helpview.c, diagview.c) */
	bool help;
	int help_top;                   /* first help line shown (the help scrolls) */
	bool diag_open;                 /* the diagnosis panel (d) */
	struct diag_finding diag[6];    /* the diagnosis of the connection shown, once the run finished */
	size_t ndiag;
	size_t diag_gen;                /* ... made at this timeline generation (+1; 0: not made) */
	/* header and status bar (statusbar.c) */
	bool show_secrets;
	char msg[256];
	size_t sum_gen;                 /* the header's summary was made at this timeline generation + 1 */
	bool sum_final;                 /* the summary was built after the run finished */
	size_t err_scanned;             /* events checked for errors so far */
	bool saw_error;                 /* an error event was recorded */
	bool results_failed;            /* some side's result says it failed (checked when the run finished) */
	struct summary sum;
	bool have_sum;
	/* the byte view (bytesview.c) */
	bool bytes_open;                /* x: the selected message's bytes, in place of the explanation */
	bool bytes_focus;               /* the cursor keys move the byte cursor (else they move in the fields) */
	/* the byte cursor leads (the highlight is what lies under it) while it moved last, in message
	 * bytes_ev, and the details still select bytes_sel; else the field selected leads and the
	 * cursor stands on its first byte */
	bool bytes_by_cursor;
	size_t bytes_ev;
	size_t byte_cur, bytes_top;     /* the byte cursor, the first line shown */
	unsigned bytes_per;             /* bytes per line in the last draw */
	const struct tree_node *bytes_sel;
	/* step mode: after Space, the selection lands on the first row that comes (ladderview.c) */
	bool landing;
	size_t land_from[2];            /* the rows of each view when the flight was let go */
	/* autoplay and quiz (quizview.c) */
	struct quizview *qv;
};

extern const struct view_ops ladderview_ops, details_ops, explainview_ops, helpview_ops, diagview_ops,
	statusbar_ops, statusbar_header_ops, bytesview_ops;

/* ladderview.c */
/* The ladder of the current view (messages or wire). */
struct ladder *ladderview_current(struct ui *ui);
/* Timeline index of the selected row, or SIZE_MAX when there are no rows. */
size_t ladderview_selected(struct ui *ui);
/* Moves the selection to row r (clamped); UI_REDRAW when it moved. */
int ladderview_select(struct ui *ui, long r);
/* Server mode: shows connection conn (rows start over). */
void ladderview_show_conn(struct ui *ui, long conn);
/* Server mode with a log: shows connection number n's own timeline; false when it is not kept. */
bool ladderview_show_serial(struct ui *ui, uint64_t n);
/* Server mode with a log: takes in new connections (following the newest); true when anything changed. */
bool ladderview_load_log(struct ui *ui);
/* The row title used by search, the ladder and the details. */
void ladderview_title(const struct tl_event *ev, char *buf, size_t n);
/* A key while the search prompt is open. */
int ladderview_search_key(struct ui *ui, int key);

/* bytesview.c: the rows the byte view takes on a screen h rows high, w wide. */
int bytesview_rows(struct ui *ui, int h, int w);
/* The rows of the current view that may be shown (the quiz hides the ones to come). */
size_t ladderview_rows(struct ui *ui);

/* quizview.c: autoplay and quiz mode */
extern const struct view_ops quizview_ops;
struct quizview *quizview_new(const struct ui_opts *o);
void quizview_free(struct quizview *qv);
/* True while the quiz hides part of the run (the header's summary, the diagnosis). */
bool quizview_active(const struct ui *ui);
/* Of nrows rows of the current view, how many may be shown. */
size_t quizview_rows(const struct ui *ui, size_t nrows);
/* True when row is drawn as "?" (asked about, not answered). */
bool quizview_hidden(const struct ui *ui, size_t row);
/* The quiz's title and text for the explanation pane; false: the usual ones. */
bool quizview_explain(struct ui *ui, char *title, size_t tn, char *text, size_t n);
/* Draws the details pane for a hidden row; false: the usual pane. */
bool quizview_details(struct ui *ui, struct rect r);
/* True when the answer to the question asked is shown. */
bool quizview_answered(const struct ui *ui);
/* PLAYING, PAUSED, or NULL without --play. */
const char *quizview_play_word(const struct ui *ui);
/* Autoplay: a step when its time came (UI_* flags), and how long until it comes. */
int quizview_tick(struct ui *ui, int64_t now_us);
int quizview_wait_ms(const struct ui *ui, int64_t now_us, int max);

/* diagview.c: the diagnosis banner under the header; returns the rows it took. */
int diagview_banner(struct ui *ui, int y, int w);

#endif
