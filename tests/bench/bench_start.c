/*
 * bench_start: process start to the first complete ladder frame. Runs
 * `tlsladder` with no arguments (the interactive ladder over the default
 * demo) in a pseudo-terminal of a fixed size and measures, from just before
 * fork(), how long until the screen shows the final status word "DONE" on
 * its last row (the status bar reads "step N/N  DONE" once the handshake
 * has finished and the frame showing it has been written). Then it sends
 * 'q' and waits for the child (killed after 5 s if it does not quit).
 *
 * "The screen" is a small terminal emulator fed with the pty output: curses
 * only sends what changed, so after a "step 13/13  LIVE" frame the next one
 * may write just "DON" over "LIV" and leave the "E"; the word never appears
 * whole in the byte stream. The emulator knows the cursor motions, erases,
 * insert/delete line and scrolling that ncurses uses with xterm-256color;
 * everything else (colours, modes) is skipped.
 *
 * As a baseline, in the same invocation and interleaved with those runs,
 * the same harness runs /bin/true: fork, exec, exit and reaping through a
 * pty, i.e. what any program pays to start. The ratio of the medians says
 * how far tlsladder is from that floor.
 *
 * The child gets the parent's environment with TERM=xterm-256color and
 * LANG=C.UTF-8 (LC_ALL and LC_CTYPE removed so that LANG applies). It has to
 * find the demo certificates the usual way (TLSLADDER_DATADIR, next to the
 * executable, installed); tests/bench/run sets TLSLADDER_DATADIR.
 *
 * Not part of ctest: run it through tests/bench/run. The target it prints is
 * informational; it exits non-zero only when a run fails (no "DONE" within
 * the timeout, the program could not be started).
 *
 * Usage: bench_start [--runs N] [--warmup N] [--timeout MS] [--baseline PATH]
 *                    TLSLADDER [ARGS...]
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define TARGET_MS 25.0
#define PTY_COLS 120
#define PTY_ROWS 40
#define QUIT_WAIT_MS 5000
#define MARKER "DONE"

struct bench_cfg {
	int runs;
	int warmup;
	int timeout_ms;            /* for "DONE" to appear */
	char *baseline;        /* the spawn-cost program */
	char **argv;               /* tlsladder and its arguments */
};

/* What one run saw. */
struct run {
	double first_ms;           /* first byte of output (-1: none) */
	double done_ms;            /* marker seen, or (baseline) child reaped; -1: neither */
	int status;                /* waitpid status; -1 when not reaped normally */
	bool killed;               /* it had to be killed */
	char tail[256];            /* the last output bytes, for failure reports */
	size_t tail_len;
	char last_row[PTY_COLS + 1]; /* the screen's last row when the wait ended */
};


/* ---- a minimal terminal: enough of xterm to know what is on the screen ---- */

struct vt {
	char cell[PTY_ROWS][PTY_COLS];  /* ASCII, or '*' for anything else */
	int y, x, top, bot, sy, sx;
	bool wrap;                      /* the last column was written: the next character wraps */
	char last;                      /* last printed character (for REP) */
	enum { VT_GROUND, VT_ESC, VT_CSI, VT_OSC, VT_OSC_ESC, VT_SKIP1 } state;
	int par[16], npar;
	bool priv;                      /* CSI with a private marker (?, >, =, <) */
};

static void vt_reset(struct vt *t)
{
	memset(t, 0, sizeof *t);
	memset(t->cell, ' ', sizeof t->cell);
	t->bot = PTY_ROWS - 1;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Blanks cells [x0, x1) of row y. */
static void vt_blank(struct vt *t, int y, int x0, int x1)
{
	x0 = clampi(x0, 0, PTY_COLS);
	x1 = clampi(x1, 0, PTY_COLS);
	if (x1 > x0)
		memset(&t->cell[y][x0], ' ', (size_t)(x1 - x0));
}

/* Scrolls rows [top, bot] up by n (n < 0: down), blank rows coming in. */
static void vt_scroll(struct vt *t, int top, int bot, int n)
{
	int h = bot - top + 1;

	if (h <= 0 || n == 0)
		return;
	if (n >= h || -n >= h) {
		for (int y = top; y <= bot; y++)
			vt_blank(t, y, 0, PTY_COLS);
		return;
	}
	if (n > 0) {
		memmove(t->cell[top], t->cell[top + n], (size_t)(h - n) * PTY_COLS);
		for (int y = bot - n + 1; y <= bot; y++)
			vt_blank(t, y, 0, PTY_COLS);
	} else {
		n = -n;
		memmove(t->cell[top + n], t->cell[top], (size_t)(h - n) * PTY_COLS);
		for (int y = top; y < top + n; y++)
			vt_blank(t, y, 0, PTY_COLS);
	}
}

/* Line feed: down one row, scrolling the region at its bottom. */
static void vt_index(struct vt *t)
{
	if (t->y == t->bot)
		vt_scroll(t, t->top, t->bot, 1);
	else if (t->y < PTY_ROWS - 1)
		t->y++;
}

static void vt_print(struct vt *t, char c)
{
	if (t->wrap) {
		t->x = 0;
		vt_index(t);
		t->wrap = false;
	}
	t->cell[t->y][t->x] = c;
	t->last = c;
	if (t->x == PTY_COLS - 1)
		t->wrap = true;
	else
		t->x++;
}

/* Parameter i, or def when absent or 0. */
static int vt_par(const struct vt *t, int i, int def)
{
	return i < t->npar && t->par[i] > 0 ? t->par[i] : def;
}

static void vt_csi(struct vt *t, char f)
{
	int n = vt_par(t, 0, 1);

	if (t->priv) {
		/* ?1049h / ?47h and the like switch to a fresh alternate screen */
		if (f == 'h' && (vt_par(t, 0, 0) == 1049 || vt_par(t, 0, 0) == 47 || vt_par(t, 0, 0) == 1047))
			for (int y = 0; y < PTY_ROWS; y++)
				vt_blank(t, y, 0, PTY_COLS);
		return;
	}
	if (f != 'b')
		t->wrap = false;
	switch (f) {
	case 'H':
	case 'f':
		t->y = clampi(vt_par(t, 0, 1) - 1, 0, PTY_ROWS - 1);
		t->x = clampi(vt_par(t, 1, 1) - 1, 0, PTY_COLS - 1);
		break;
	case 'A': t->y = clampi(t->y - n, 0, PTY_ROWS - 1); break;
	case 'B': t->y = clampi(t->y + n, 0, PTY_ROWS - 1); break;
	case 'C': t->x = clampi(t->x + n, 0, PTY_COLS - 1); break;
	case 'D': t->x = clampi(t->x - n, 0, PTY_COLS - 1); break;
	case 'E': t->y = clampi(t->y + n, 0, PTY_ROWS - 1); t->x = 0; break;
	case 'F': t->y = clampi(t->y - n, 0, PTY_ROWS - 1); t->x = 0; break;
	case 'G':
	case '`': t->x = clampi(n - 1, 0, PTY_COLS - 1); break;
	case 'd': t->y = clampi(n - 1, 0, PTY_ROWS - 1); break;
	case 'J': {
		int m = vt_par(t, 0, 0);
		if (m == 0) {
			vt_blank(t, t->y, t->x, PTY_COLS);
			for (int y = t->y + 1; y < PTY_ROWS; y++)
				vt_blank(t, y, 0, PTY_COLS);
		} else if (m == 1) {
			for (int y = 0; y < t->y; y++)
				vt_blank(t, y, 0, PTY_COLS);
			vt_blank(t, t->y, 0, t->x + 1);
		} else {
			for (int y = 0; y < PTY_ROWS; y++)
				vt_blank(t, y, 0, PTY_COLS);
		}
		break;
	}
	case 'K': {
		int m = vt_par(t, 0, 0);
		if (m == 0)
			vt_blank(t, t->y, t->x, PTY_COLS);
		else if (m == 1)
			vt_blank(t, t->y, 0, t->x + 1);
		else
			vt_blank(t, t->y, 0, PTY_COLS);
		break;
	}
	case 'X': vt_blank(t, t->y, t->x, t->x + n); break;
	case 'P':
		if (n > PTY_COLS - t->x)
			n = PTY_COLS - t->x;
		memmove(&t->cell[t->y][t->x], &t->cell[t->y][t->x + n], (size_t)(PTY_COLS - t->x - n));
		vt_blank(t, t->y, PTY_COLS - n, PTY_COLS);
		break;
	case '@':
		if (n > PTY_COLS - t->x)
			n = PTY_COLS - t->x;
		memmove(&t->cell[t->y][t->x + n], &t->cell[t->y][t->x], (size_t)(PTY_COLS - t->x - n));
		vt_blank(t, t->y, t->x, t->x + n);
		break;
	case 'L':
		if (t->y >= t->top && t->y <= t->bot)
			vt_scroll(t, t->y, t->bot, -n);
		break;
	case 'M':
		if (t->y >= t->top && t->y <= t->bot)
			vt_scroll(t, t->y, t->bot, n);
		break;
	case 'S': vt_scroll(t, t->top, t->bot, n); break;
	case 'T': vt_scroll(t, t->top, t->bot, -n); break;
	case 'r':
		t->top = clampi(vt_par(t, 0, 1) - 1, 0, PTY_ROWS - 1);
		t->bot = clampi(vt_par(t, 1, PTY_ROWS) - 1, 0, PTY_ROWS - 1);
		if (t->bot <= t->top) {
			t->top = 0;
			t->bot = PTY_ROWS - 1;
		}
		t->y = t->x = 0;
		break;
	case 'b':
		for (int i = 0; i < n && i < PTY_COLS * PTY_ROWS; i++)
			vt_print(t, t->last);
		break;
	case 's': t->sy = t->y; t->sx = t->x; break;
	case 'u': t->y = t->sy; t->x = t->sx; break;
	default: break;            /* colours, modes, reports: nothing on the screen */
	}
}

/* Feeds output bytes to the terminal. */
static void vt_feed(struct vt *t, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		switch (t->state) {
		case VT_GROUND:
			if (c == 0x1b) {
				t->state = VT_ESC;
			} else if (c == '\r') {
				t->x = 0;
				t->wrap = false;
			} else if (c == '\n' || c == '\v' || c == '\f') {
				vt_index(t);
				t->wrap = false;
			} else if (c == '\b') {
				if (t->x > 0)
					t->x--;
				t->wrap = false;
			} else if (c == '\t') {
				t->x = clampi((t->x / 8 + 1) * 8, 0, PTY_COLS - 1);
			} else if (c >= 0x20 && c < 0x7f) {
				vt_print(t, (char)c);
			} else if (c >= 0xc0) {
				vt_print(t, '*');  /* a UTF-8 lead byte: one cell (no wide glyphs here) */
			}                          /* continuation bytes, other controls: nothing */
			break;
		case VT_ESC:
			t->state = VT_GROUND;
			if (c == '[') {
				t->state = VT_CSI;
				t->npar = 0;
				t->priv = false;
				memset(t->par, 0, sizeof t->par);
			} else if (c == ']' || c == 'P' || c == '_' || c == '^') {
				t->state = VT_OSC;
			} else if (c == '(' || c == ')' || c == '*' || c == '+' || c == '#' || c == '%') {
				t->state = VT_SKIP1;
			} else if (c == 'M') {
				if (t->y == t->top)
					vt_scroll(t, t->top, t->bot, -1);
				else if (t->y > 0)
					t->y--;
			} else if (c == 'D') {
				vt_index(t);
			} else if (c == 'E') {
				t->x = 0;
				vt_index(t);
			} else if (c == '7') {
				t->sy = t->y;
				t->sx = t->x;
			} else if (c == '8') {
				t->y = t->sy;
				t->x = t->sx;
			} else if (c == 'c') {
				vt_reset(t);
			}
			break;
		case VT_CSI:
			if (c >= '0' && c <= '9') {
				if (t->npar == 0)
					t->npar = 1;
				if (t->par[t->npar - 1] < 100000)
					t->par[t->npar - 1] = t->par[t->npar - 1] * 10 + (c - '0');
			} else if (c == ';' || c == ':') {
				if (t->npar == 0)
					t->npar = 1;
				if (t->npar < (int)(sizeof t->par / sizeof t->par[0]))
					t->npar++;
			} else if (c == '?' || c == '>' || c == '=' || c == '<') {
				t->priv = true;
			} else if (c >= 0x40 && c <= 0x7e) {
				vt_csi(t, (char)c);
				t->state = VT_GROUND;
			}                          /* intermediates (space, !, ...): keep reading */
			break;
		case VT_OSC:
			if (c == 0x07)
				t->state = VT_GROUND;
			else if (c == 0x1b)
				t->state = VT_OSC_ESC;
			break;
		case VT_OSC_ESC:
			t->state = c == '\\' ? VT_GROUND : VT_OSC;
			break;
		case VT_SKIP1:
			t->state = VT_GROUND;
			break;
		}
	}
}

/* True when the last row shows MARKER. */
static bool vt_status_done(const struct vt *t)
{
	const char *row = t->cell[PTY_ROWS - 1];
	size_t m = sizeof MARKER - 1;

	for (size_t i = 0; i + m <= PTY_COLS; i++)
		if (memcmp(row + i, MARKER, m) == 0)
			return true;
	return false;
}

/* Keeps the last bytes of output in r->tail. */
static void keep_tail(struct run *r, const char *b, size_t n)
{
	if (n >= sizeof r->tail) {
		memcpy(r->tail, b + n - sizeof r->tail, sizeof r->tail);
		r->tail_len = sizeof r->tail;
		return;
	}
	if (r->tail_len + n > sizeof r->tail) {
		size_t drop = r->tail_len + n - sizeof r->tail;
		memmove(r->tail, r->tail + drop, r->tail_len - drop);
		r->tail_len -= drop;
	}
	memcpy(r->tail + r->tail_len, b, n);
	r->tail_len += n;
}

/* Milliseconds left until deadline (ns), at least 0. */
static int ms_left(int64_t deadline)
{
	int64_t left = deadline - now_ns();

	return left <= 0 ? 0 : (int)((left + 999999) / 1000000);
}

/* The child side: environment, then exec. Never returns. */
static void child(char **argv)
{
	setenv("TERM", "xterm-256color", 1);
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "bench_start: cannot run %s: %s\r\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * One run of argv in a fresh pty. want_marker: wait for MARKER, then send
 * 'q'; otherwise the run ends when the child has exited and been reaped.
 * Returns 0, or -1 when the marker never came (r says what happened).
 */
static int one_run(char **argv, bool want_marker, int timeout_ms, struct run *r)
{
	struct winsize ws = { PTY_ROWS, PTY_COLS, 0, 0 };
	int64_t t0, deadline;
	int master = -1, st;
	pid_t pid;
	bool seen = false, eof = false, reaped = false;
	char buf[8192];
	static struct vt vt;

	memset(r, 0, sizeof *r);
	r->first_ms = r->done_ms = -1.0;
	r->status = -1;
	vt_reset(&vt);
	fflush(stdout);
	fflush(stderr);
	t0 = now_ns();
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		fprintf(stderr, "bench_start: forkpty: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child(argv);

	/* phase 1: until the marker (or, for the baseline, until the child is gone) */
	deadline = t0 + (int64_t)timeout_ms * 1000000;
	while (!seen && !eof) {
		struct pollfd p = { master, POLLIN, 0 };
		int left = ms_left(deadline), n;
		ssize_t got;

		if (left == 0)
			break;
		n = poll(&p, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got = read(master, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			eof = true;      /* EIO: every slave descriptor is closed, the child has exited */
			break;
		}
		if (r->first_ms < 0)
			r->first_ms = (double)(now_ns() - t0) / 1e6;
		keep_tail(r, buf, (size_t)got);
		vt_feed(&vt, buf, (size_t)got);
		if (want_marker && vt_status_done(&vt)) {
			r->done_ms = (double)(now_ns() - t0) / 1e6;
			seen = true;
		}
	}
	if (!want_marker && eof) {
		if (waitpid(pid, &st, 0) == pid) {
			r->done_ms = (double)(now_ns() - t0) / 1e6;
			r->status = st;
			reaped = true;
		}
	}

	/* phase 2: ask it to quit, drain its output, reap it; kill it when it does not go */
	if (!reaped) {
		if (write(master, "q", 1) < 0) {
			/* the child may be gone already */
		}
		deadline = now_ns() + (int64_t)QUIT_WAIT_MS * 1000000;
		for (;;) {
			pid_t w = waitpid(pid, &st, WNOHANG);
			struct pollfd p = { master, POLLIN, 0 };
			ssize_t got;

			if (w == pid) {
				r->status = st;
				break;
			}
			if (ms_left(deadline) == 0) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				r->killed = true;
				break;
			}
			if (eof) {
				struct timespec ts = { 0, 1000000 };
				nanosleep(&ts, NULL);
				continue;
			}
			if (poll(&p, 1, 10) > 0) {
				got = read(master, buf, sizeof buf);
				if (got > 0)
					keep_tail(r, buf, (size_t)got);
				else if (got == 0 || errno != EINTR)
					eof = true;
			}
		}
	}
	close(master);
	memcpy(r->last_row, vt.cell[PTY_ROWS - 1], PTY_COLS);
	r->last_row[PTY_COLS] = '\0';
	return want_marker ? (seen ? 0 : -1) : (r->done_ms >= 0 ? 0 : -1);
}

/* Prints the end of a failed run's output with control bytes made visible. */
static void report_failure(const char *what, const struct run *r, int timeout_ms)
{
	fprintf(stderr, "bench_start: %s: no \"%s\" on the screen within %d ms", what, MARKER, timeout_ms);
	if (r->status >= 0 && WIFEXITED(r->status))
		fprintf(stderr, "; it exited with status %d", WEXITSTATUS(r->status));
	else if (r->status >= 0 && WIFSIGNALED(r->status))
		fprintf(stderr, "; it died of signal %d", WTERMSIG(r->status));
	if (r->killed)
		fprintf(stderr, "; it was killed after not quitting");
	fprintf(stderr, "\n  last row when the wait ended: \"%s\"", r->last_row);
	fprintf(stderr, "\n  last output: \"");
	for (size_t i = 0; i < r->tail_len; i++) {
		unsigned char c = (unsigned char)r->tail[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"\n");
}

/* Prints one line of results. */
static void report(const char *what, double *v, size_t n, bool target)
{
	qsort(v, n, sizeof *v, cmp_double);
	printf("  %-30s median %8.3f ms   p90 %8.3f ms   (min %.3f, max %.3f)", what, median(v, n),
	       percentile(v, n, 90), v[0], v[n - 1]);
	if (target)
		printf("   target <= %.0f ms: %s", TARGET_MS, median(v, n) <= TARGET_MS ? "PASS" : "over target");
	printf("\n");
}

/* Prints the usage line. */
static void usage(FILE *f)
{
	fprintf(f, "usage: bench_start [--runs N] [--warmup N] [--timeout MS] [--baseline PATH] TLSLADDER [ARGS...]\n"
		   "  --runs N        measured runs of each program (default 30)\n"
		   "  --warmup N      unmeasured runs of each first (default 2)\n"
		   "  --timeout MS    how long to wait for \"" MARKER "\" (default 5000)\n"
		   "  --baseline PATH the spawn-cost program (default /bin/true)\n"
		   "  TLSLADDER       the tlsladder binary; ARGS default to none (the default demo)\n");
}

/* Parses an int argument; false when it is not one. */
static bool parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return false;
	*out = (int)v;
	return true;
}

int main(int argc, char **argv)
{
	static char true_path[] = "/bin/true";
	struct bench_cfg cfg = { 30, 2, 5000, true_path, NULL };
	char *base_argv[2] = { NULL, NULL };
	double *first, *done, *base;
	int i, failed = 0, nonzero = 0;
	size_t n;
	struct run r;

	i = 1;
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		if (strcmp(a, "--runs") == 0 && parse_int(v, 1, 100000, &cfg.runs))
			;
		else if (strcmp(a, "--warmup") == 0 && parse_int(v, 0, 100000, &cfg.warmup))
			;
		else if (strcmp(a, "--timeout") == 0 && parse_int(v, 1, 600000, &cfg.timeout_ms))
			;
		else if (strcmp(a, "--baseline") == 0)
			cfg.baseline = v;
		else {
			usage(stderr);
			return 2;
		}
		i += 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	cfg.argv = argv + i;
	if (access(cfg.argv[0], X_OK) != 0) {
		fprintf(stderr, "bench_start: %s is not an executable: %s\n", cfg.argv[0], strerror(errno));
		return 2;
	}
	base_argv[0] = cfg.baseline;
	n = (size_t)cfg.runs;
	first = calloc(n, sizeof *first);
	done = calloc(n, sizeof *done);
	base = calloc(n, sizeof *base);
	if (!first || !done || !base) {
		fprintf(stderr, "bench_start: out of memory\n");
		return 3;
	}

	printf("start to first complete frame: %s", cfg.argv[0]);
	for (int k = 1; cfg.argv[k]; k++)
		printf(" %s", cfg.argv[k]);
	printf("%s\n", cfg.argv[1] ? "" : " (no arguments: the interactive ladder over the default demo)");
	printf("  %dx%d pty, TERM=xterm-256color LANG=C.UTF-8; until the last row shows \"%s\"; %d warm-up + %d measured runs,\n"
	       "  interleaved with %s (spawn cost)\n",
	       PTY_COLS, PTY_ROWS, MARKER, cfg.warmup, cfg.runs, cfg.baseline);
	fflush(stdout);

	for (int k = 0; k < cfg.warmup; k++) {
		if (one_run(cfg.argv, true, cfg.timeout_ms, &r) < 0) {
			report_failure(cfg.argv[0], &r, cfg.timeout_ms);
			return 1;
		}
		if (one_run(base_argv, false, cfg.timeout_ms, &r) < 0) {
			fprintf(stderr, "bench_start: %s did not exit within %d ms\n", cfg.baseline, cfg.timeout_ms);
			return 1;
		}
	}
	for (size_t k = 0; k < n; k++) {
		/* alternate which goes first, so neither always follows the other */
		for (int j = 0; j < 2; j++) {
			bool main_run = (j == 0) == (k % 2 == 0);

			if (main_run) {
				if (one_run(cfg.argv, true, cfg.timeout_ms, &r) < 0) {
					report_failure(cfg.argv[0], &r, cfg.timeout_ms);
					failed = 1;
					goto out;
				}
				if (r.killed || r.status < 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
					nonzero++;
				first[k] = r.first_ms;
				done[k] = r.done_ms;
			} else {
				if (one_run(base_argv, false, cfg.timeout_ms, &r) < 0) {
					fprintf(stderr, "bench_start: %s did not exit within %d ms\n", cfg.baseline,
						cfg.timeout_ms);
					failed = 1;
					goto out;
				}
				base[k] = r.done_ms;
			}
		}
	}

	report("baseline (spawn, exit, reap):", base, n, false);
	report("tlsladder first output byte:", first, n, false);
	report("tlsladder frame with DONE:", done, n, true);
	printf("  ratio median(DONE)/median(baseline): %.1f   (for reference)\n",
	       median(base, n) > 0 ? median(done, n) / median(base, n) : 0.0);
	if (nonzero)
		printf("  note: %d of %d runs did not exit with status 0 after 'q' (or had to be killed)\n", nonzero,
		       cfg.runs);
out:
	fflush(stdout);
	free(first);
	free(done);
	free(base);
	return failed;
}
