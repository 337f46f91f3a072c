/*
 * quizview.c: autoplay (--play SECONDS) and quiz mode (--quiz) on top of
 * the ladder of messages. Autoplay moves the selection one step per tick
 * and, with --step, lets the next flight go at the last step shown; Space
 * pauses and resumes it. The quiz reveals the rows one stop at a time: a
 * stop is a row with questions, the first message of each flight ("What
 * comes next?", asked automatically) and the messages the quiz file names
 * (quiz.h); `at: end` questions come after the last row. Until its answer,
 * the row asked about is drawn as "?" and its fields, explanation, and the
 * header's summary and diagnosis are hidden. Space (or a) reveals the answer,
 * then goes on to the next question. The questions are model data read by
 * core; this file only keeps the position and draws.
 */
#include "view.h"
#include "tlsladder/quiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTO_Q ((size_t)-1)      /* the automatic "What comes next?" in a stop's list */
#define MAX_AT 8                 /* questions asked at one stop */
#define NO_STOP ((size_t)-1)

struct quizview {
	/* autoplay */
	int play_ms;                    /* 0: off */
	bool paused;
	int64_t next_us;                /* the next tick (monotonic); 0: not started */
	/* quiz */
	bool on;
	bool over;                      /* everything revealed */
	const struct quiz *qz;          /* the file's questions (may be empty) */
	size_t from;                    /* the first row not yet looked at for a stop */
	size_t stop;                    /* the row asked about; NO_STOP: none yet (waiting for rows) */
	bool at_end;                    /* the stop is after the last row (at: end) */
	size_t qs[MAX_AT];              /* its questions: quiz item indexes, or AUTO_Q */
	size_t nq, k;                   /* how many, and the one asked */
	bool answered;                  /* the answer to qs[k] is shown */
	long conn;                      /* the connection the rows are of (server views) */
};

/* Makes the state from the options; NULL when neither autoplay nor the quiz is on. */
struct quizview *quizview_new(const struct ui_opts *o)
{
	struct quizview *qv;

	if (!o->quiz && o->play_ms <= 0)
		return NULL;
	qv = calloc(1, sizeof *qv);
	if (!qv)
		return NULL;
	qv->play_ms = o->play_ms > 0 ? o->play_ms : 0;
	qv->on = o->quiz;
	qv->qz = o->questions;
	qv->stop = NO_STOP;
	return qv;
}

/* Frees the state. */
void quizview_free(struct quizview *qv)
{
	free(qv);
}

/* True when the answer to the question asked is shown (the next Space goes on). */
bool quizview_answered(const struct ui *ui)
{
	return quizview_active(ui) && ui->qv->answered;
}

/* True while the quiz hides part of the run. */
bool quizview_active(const struct ui *ui)
{
	return ui->qv && ui->qv->on && !ui->qv->over;
}

/* The event of message-view row r. */
static bool row_event(const struct ui *ui, size_t r, struct tl_event *ev)
{
	return r < ui->lad[0].nrows && timeline_get(ui->src.tl, ui->lad[0].rows[r].ev, ev);
}

/* Which one of its name from its sender row r's message is (1 = the first). */
static unsigned nth_of(const struct ui *ui, size_t r, const struct tl_event *ev, const char *name)
{
	unsigned n = 1;

	for (size_t i = 0; i < r; i++) {
		struct tl_event e;
		const char *en;
		if (row_event(ui, i, &e) && e.from == ev->from && (en = quiz_event_name(&e)) && strcmp(en, name) == 0)
			n++;
	}
	return n;
}

/* True when row r's message starts a flight: no message before it, or one from the other side. */
static bool flight_start(const struct ui *ui, size_t r, const struct tl_event *ev)
{
	for (size_t i = r; i-- > 0;) {
		struct tl_event e;
		if (row_event(ui, i, &e) && quiz_event_name(&e))
			return e.from != ev->from;
	}
	return true;
}

/* The questions asked at row r into qv->qs; their number. */
static size_t questions_at(struct ui *ui, size_t r)
{
	struct quizview *qv = ui->qv;
	struct tl_event ev;
	const char *name;
	size_t n = 0;

	if (!row_event(ui, r, &ev) || !(name = quiz_event_name(&ev)))
		return 0;
	if (qv->qz) {
		unsigned nth = nth_of(ui, r, &ev, name);
		for (size_t i = 0; i < qv->qz->n && n < MAX_AT - 1; i++)
			if (quiz_item_at(&qv->qz->items[i], &ev, nth))
				qv->qs[n++] = i;
	}
	if (flight_start(ui, r, &ev))
		qv->qs[n++] = AUTO_Q;
	return n;
}

/* The at: end questions into qv->qs; their number. */
static size_t questions_at_end(struct ui *ui)
{
	struct quizview *qv = ui->qv;
	size_t n = 0;

	for (size_t i = 0; qv->qz && i < qv->qz->n && n < MAX_AT; i++)
		if (qv->qz->items[i].at_end)
			qv->qs[n++] = i;
	return n;
}

/* Looks for the next stop from qv->from; the selection goes to it. True when anything changed. */
static bool seek(struct ui *ui)
{
	struct quizview *qv = ui->qv;
	size_t nrows = ui->lad[0].nrows;

	for (; qv->from < nrows; qv->from++) {
		size_t n = questions_at(ui, qv->from);
		if (n) {
			qv->stop = qv->from++;
			qv->nq = n;
			qv->k = 0;
			qv->answered = false;
			ui->cur = qv->stop;
			ui->follow = false;
			return true;
		}
	}
	qv->stop = NO_STOP;
	if (!timeline_finished(ui->src.tl))
		return false;
	qv->nq = qv->at_end ? 0 : questions_at_end(ui);
	qv->at_end = qv->nq > 0;
	qv->k = 0;
	qv->answered = false;
	qv->over = !qv->at_end;
	if (qv->over)
		ui_message(ui, "quiz: that was all; the whole run is shown");
	return true;
}

/* Takes in new rows: a stop among them is asked; the rows before it show. */
static bool quizview_load(struct ui *ui)
{
	struct quizview *qv = ui->qv;

	if (!qv || !qv->on || qv->over)
		return false;
	if (ui->src.per_conn && qv->conn != ui->conn_sel) {
		/* another connection: its rows start over, and so does the quiz */
		qv->conn = ui->conn_sel;
		qv->from = 0;
		qv->stop = NO_STOP;
		qv->at_end = false;
	}
	if (qv->stop != NO_STOP || qv->at_end)
		return false;
	return seek(ui);
}

/* Rows of the messages view that may be shown (nrows of them exist). */
size_t quizview_rows(const struct ui *ui, size_t nrows)
{
	const struct quizview *qv = ui->qv;

	if (!quizview_active(ui) || ui->wire || qv->stop == NO_STOP)
		return nrows;
	return qv->stop + 1 < nrows ? qv->stop + 1 : nrows;
}

/* True when row is drawn as "?": the stop, before the answer that names it. */
bool quizview_hidden(const struct ui *ui, size_t row)
{
	const struct quizview *qv = ui->qv;

	if (!quizview_active(ui) || ui->wire || row != qv->stop)
		return false;
	return !(qv->answered && qv->qs[qv->k] == AUTO_Q);
}

/* Space or a: the answer, then the next question. */
static int reveal(struct ui *ui)
{
	struct quizview *qv = ui->qv;
	char what[8];

	if (qv->stop == NO_STOP && !qv->at_end) {
		if (ui->src.gate && step_gate_waiting(ui->src.gate, what, sizeof what))
			return ladderview_ops.request(ui, ACT_STEP_GO, ' ');
		ui_message(ui, "quiz: waiting for the next message");
		return UI_HANDLED | UI_REDRAW;
	}
	if (!qv->answered) {
		qv->answered = true;
		if (!qv->at_end)
			ui->cur = qv->stop;
		return UI_HANDLED | UI_REDRAW;
	}
	if (++qv->k < qv->nq) {
		qv->answered = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (qv->at_end) {
		qv->over = true;
		ui_message(ui, "quiz: that was all; the whole run is shown");
		return UI_HANDLED | UI_REDRAW;
	}
	seek(ui);
	if (qv->stop == NO_STOP && !qv->at_end && ui->lad[0].nrows) {
		/* the next stop has not come yet: what there is shows, and new rows are followed */
		ui->cur = ui->lad[0].nrows - 1;
		ui->follow = !qv->play_ms;
	}
	return UI_HANDLED | UI_REDRAW;
}

/* Space with autoplay: pause or resume. */
static int pause_play(struct ui *ui)
{
	struct quizview *qv = ui->qv;

	qv->paused = !qv->paused;
	qv->next_us = 0;               /* a resumed play waits a whole period first */
	return UI_HANDLED | UI_REDRAW;
}

/* The actions autoplay and the quiz take over. */
static int quizview_request(struct ui *ui, enum ui_action a, int key)
{
	struct quizview *qv = ui->qv;

	(void)key;
	if (!qv)
		return 0;
	if (a == ACT_STEP_GO && qv->play_ms)
		return pause_play(ui);
	if (!quizview_active(ui))
		return a == ACT_REVEAL ? (ui_message(ui, "quiz: no question is open (--quiz)"), UI_HANDLED | UI_REDRAW) : 0;
	switch (a) {
	case ACT_STEP_GO:
	case ACT_REVEAL:
		return reveal(ui);
	case ACT_WIRE:
	case ACT_SEARCH:
	case ACT_DIAGNOSIS:
		ui_message(ui, "quiz: the wire view, search and diagnosis open once every message is revealed");
		return UI_HANDLED | UI_REDRAW;
	case ACT_OPEN:
		if (!quizview_hidden(ui, ui->cur))
			return 0;
		ui_message(ui, "quiz: Space reveals the answer first");
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

/* The quiz's text for the explanation pane, when the selection is on the
 * stop (or the questions come after the last row); false: the usual text. */
bool quizview_explain(struct ui *ui, char *title, size_t tn, char *text, size_t n)
{
	struct quizview *qv = ui->qv;
	const struct quiz_item *it;
	struct tl_event ev;
	char name[128], expl[2048] = "";

	if (!quizview_active(ui) || ui->wire || (!qv->at_end && (qv->stop == NO_STOP || ui->cur != qv->stop)))
		return false;
	snprintf(title, tn, "Quiz: question %zu of %zu here", qv->k + 1, qv->nq);
	if (qv->qs[qv->k] != AUTO_Q) {
		it = &qv->qz->items[qv->qs[qv->k]];
		snprintf(text, n, "%s   %s%s", it->q, qv->answered ? "Answer: " : "(Space: the answer)",
			 qv->answered ? it->a : "");
		return true;
	}
	if (!qv->answered || !row_event(ui, qv->stop, &ev)) {
		snprintf(text, n, "What comes next? The %s sends its next flight: which message comes first, and why? "
			 "(Space: the answer)", row_event(ui, qv->stop, &ev) && ev.from == TL_SERVER ? "server" : "client");
		return true;
	}
	ladderview_title(&ev, name, sizeof name);
	if (ui->src.explain)
		ui->src.explain(ui->src.tl, ui->lad[0].rows[qv->stop].ev, expl, sizeof expl);
	snprintf(text, n, "Answer: %s.   %s", name, expl);
	return true;
}

/* The details pane while the selected row is hidden; false: the usual one. */
bool quizview_details(struct ui *ui, struct rect r)
{
	if (!quizview_hidden(ui, ui->cur))
		return false;
	paint_rule(&ui->pt, r.y, r.x, r.w, "?", ui->focus_tree);
	for (int i = 1; i < r.h; i++)
		paint_blank(r.y + i, r.x, r.w);
	paint_put(r.y + 2, r.x + 2, "hidden until the answer: Space reveals it", r.w - 4);
	ui->detail_rows = 0;
	return true;
}

/* The autoplay word for the status bar: PLAYING, PAUSED, or NULL. */
const char *quizview_play_word(const struct ui *ui)
{
	if (!ui->qv || !ui->qv->play_ms)
		return NULL;
	return ui->qv->paused ? "PAUSED" : "PLAYING";
}

/* One autoplay step: the quiz's next reveal, the next row, or the next flight. */
static int play_step(struct ui *ui)
{
	size_t rows = ladderview_rows(ui);
	char what[8];
	int f;

	if (quizview_active(ui))
		return reveal(ui);
	if (rows && ui->cur + 1 < rows) {
		f = ladderview_select(ui, (long)ui->cur + 1);
		ui->follow = false;      /* step through every row, also the ones still to come */
		return f | UI_REDRAW;
	}
	if (ui->src.gate && step_gate_waiting(ui->src.gate, what, sizeof what))
		return ladderview_ops.request(ui, ACT_STEP_GO, ' ');
	return 0;
}

/* Autoplay: a step when its time came (now_us: a monotonic clock). UI_* flags. */
int quizview_tick(struct ui *ui, int64_t now_us)
{
	struct quizview *qv = ui->qv;

	if (!qv || !qv->play_ms || qv->paused)
		return 0;
	if (qv->next_us == 0) {
		qv->next_us = now_us + (int64_t)qv->play_ms * 1000;
		return 0;
	}
	if (now_us < qv->next_us)
		return 0;
	qv->next_us = now_us + (int64_t)qv->play_ms * 1000;
	return play_step(ui);
}

/* Milliseconds until the next autoplay tick (at most max). */
int quizview_wait_ms(const struct ui *ui, int64_t now_us, int max)
{
	const struct quizview *qv = ui->qv;
	int64_t ms;

	if (!qv || !qv->play_ms || qv->paused || qv->next_us == 0)
		return max;
	ms = (qv->next_us - now_us + 999) / 1000;
	return ms < 0 ? 0 : ms < max ? (int)ms : max;
}

const struct view_ops quizview_ops = { "quiz", quizview_load, NULL, quizview_request };
