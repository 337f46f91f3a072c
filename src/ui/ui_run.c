/*
 * ui_run.c: the input loop of the interactive ladder on a real terminal
 * (ui_run, see ui.h). It waits in select() on the keyboard, the
 * timeline's wake pipe and a signal pipe, and redraws only when something
 * changed: a key whose handler said UI_REDRAW, a change of the timeline or
 * of the step gate (ui_update), a resize. The select() timeout only polls
 * the step gate, which has no pipe; it redraws nothing by itself. With
 * --play it is cut short to the next autoplay step (quizview.c).
 */
#include "view.h"
#include "tlsladder/waker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

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

/* The signals that end the run, and what they did before. */
struct run_signals {
	struct sigaction old_int, old_term, old_hup;
};

/* Opens the signal pipe and catches SIGINT, SIGTERM and SIGHUP; false when no pipe. */
static bool catch_signals(struct run_signals *s)
{
	struct sigaction sa;

	if (pipe(sig_pipe) != 0)
		return false;
	fcntl(sig_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &s->old_int);
	sigaction(SIGTERM, &sa, &s->old_term);
	sigaction(SIGHUP, &sa, &s->old_hup);
	return true;
}

/* Puts the signal handlers back and closes the pipe. */
static void release_signals(const struct run_signals *s)
{
	sigaction(SIGINT, &s->old_int, NULL);
	sigaction(SIGTERM, &s->old_term, NULL);
	sigaction(SIGHUP, &s->old_hup, NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* Puts the terminal in the UI's modes. */
static void start_terminal(struct ui *ui)
{
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
}

/* A monotonic clock in microseconds. */
static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Waits for a key, a change of the timeline, a signal or the next autoplay
 * step (at most 200 ms); returns UI_QUIT on a signal, else the flags of the
 * keys read and of the autoplay step. */
static int wait_input(struct ui *ui, int wake)
{
	fd_set rf;
	int ms = quizview_wait_ms(ui, now_us(), 200);
	struct timeval tv = { 0, (suseconds_t)ms * 1000 };
	int ch, f = 0, maxfd = wake > sig_pipe[0] ? wake : sig_pipe[0];

	FD_ZERO(&rf);
	FD_SET(STDIN_FILENO, &rf);
	FD_SET(wake, &rf);
	FD_SET(sig_pipe[0], &rf);
	if (select(maxfd + 1, &rf, NULL, NULL, &tv) < 0) {
		if (errno != EINTR)
			return UI_QUIT;
		FD_ZERO(&rf);        /* a signal (SIGWINCH): getch() reports KEY_RESIZE */
	}
	if (FD_ISSET(sig_pipe[0], &rf))
		return UI_QUIT;
	if (FD_ISSET(wake, &rf))
		ui->src.log ? waker_drain(connlog_waker(ui->src.log)) : timeline_drain_wake(ui->src.tl);
	for (int k = 0; k < 64 && !(f & UI_QUIT) && (ch = getch()) != ERR; k++)
		f |= ui_key(ui, ch);
	if (!(f & UI_QUIT) && quizview_play_word(ui)) {
		if (ui_update(ui))       /* the step sees the rows that came meanwhile */
			f |= UI_REDRAW;
		f |= quizview_tick(ui, now_us());
	}
	return f;
}

/* Runs the UI on the terminal. */
int ui_run(const struct ui_source *src, const struct ui_opts *o)
{
	struct run_signals sigs;
	struct ui *ui;
	int wake = src->log ? waker_fd(connlog_waker(src->log)) : timeline_wake_fd(src->tl), f = UI_REDRAW;

	if (!catch_signals(&sigs))
		return UI_QUIT;
	ui = ui_new(src, o);
	if (!ui || !initscr()) {
		ui_free(ui);
		release_signals(&sigs);
		return UI_QUIT;
	}
	start_terminal(ui);
	while (!(f & UI_QUIT)) {
		if (ui_update(ui) || (f & UI_REDRAW)) {
			ui_draw(ui);
			refresh();
		}
		f = wait_input(ui, wake);
	}
	endwin();
	ui_free(ui);
	release_signals(&sigs);
	return UI_QUIT;
}
