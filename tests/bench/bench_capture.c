/*
 * bench_capture: what recording costs. Runs a demo scenario many times with
 * capture on (hooks, push/pull wrappers, a merging timeline) and with capture
 * off (the same handshake with plain GnuTLS), interleaved so that machine
 * noise hits both modes alike, and prints the medians, the p90s and their
 * ratio. For the captured runs it also reports the largest gap between
 * consecutive events of a run (how long the ladder can sit still).
 *
 * Not part of ctest: run it through tests/bench/run. The targets it prints
 * are informational; it exits non-zero only when a run fails.
 *
 * Usage: bench_capture [--runs N] [--scenario NAME] [--grace MS] [--all]
 *                      [--warmup N] [--certs DIR]
 */
#include "tlsladder/demo.h"
#include "tlsladder/paths.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define TARGET_RATIO 1.10
#define TARGET_GAP_MS 5.0
#define RUN_TIMEOUT_MS 10000

struct bench_cfg {
	int runs;
	int warmup;
	int grace_ms;
	const char *scenario;
	bool all;
	const char *certs_dir;
};


/* Prints a failed run: the error, or what each side concluded. */
static void report_failure(const struct demo_scenario *sc, bool capture, int rc, const struct tl_error *err,
			   const struct timeline *tl)
{
	char safe[1400];

	fprintf(stderr, "bench_capture: %s (capture %s) failed with exit code %d\n", sc->name, capture ? "on" : "off",
		rc < 0 ? err->code : rc);
	if (rc < 0) {
		sanitize_str(safe, sizeof safe, err->msg);
		fprintf(stderr, "  %s\n", safe);
		return;
	}
	for (unsigned conn = 0; conn < timeline_conn_count(tl); conn++) {
		for (int side = TL_CLIENT; side <= TL_SERVER; side++) {
			struct tl_result r;

			timeline_get_result(tl, (enum tl_side)side, conn, &r);
			if (!r.set)
				continue;
			sanitize_str(safe, sizeof safe, r.error[0] ? r.error : "no error reported");
			fprintf(stderr, "  conn %u %s: %s\n", conn, side == TL_CLIENT ? "client" : "server", safe);
			if (r.verify[0]) {
				sanitize_str(safe, sizeof safe, r.verify);
				fprintf(stderr, "  conn %u %s: %s\n", conn, side == TL_CLIENT ? "client" : "server", safe);
			}
		}
	}
}

/* The largest t_us difference between consecutive events, in microseconds. */
static int64_t largest_gap_us(const struct timeline *tl, size_t *count)
{
	size_t n = timeline_count(tl);
	int64_t best = 0, prev = 0;
	struct tl_event ev;

	*count = n;
	for (size_t i = 0; i < n; i++) {
		if (!timeline_get(tl, i, &ev))
			break;
		if (i > 0 && ev.t_us - prev > best)
			best = ev.t_us - prev;
		prev = ev.t_us;
	}
	return best;
}

/*
 * One timed run. Capture on: the timeline's creation and destruction are
 * inside the timed span, as they are part of what recording costs. Capture
 * off: the run still needs a timeline as its clock and result store, so one
 * is made outside the timed span. Returns 0, or -1 after printing the failure.
 */
static int one_run(const struct demo_scenario *sc, const struct bench_cfg *cfg, bool capture, double *ms,
		   int64_t *gap_us, size_t *events)
{
	struct demo_opts o = { cfg->certs_dir, cfg->grace_ms, RUN_TIMEOUT_MS, capture, -1, NULL };
	struct tl_error err = { 0, "" };
	struct timeline *tl = NULL;
	int64_t t0, t1;
	int rc;

	if (!capture && !(tl = timeline_create(true)))
		goto oom;
	t0 = now_ns();
	if (capture && !(tl = timeline_create(true)))
		goto oom;
	rc = demo_run(sc, &o, tl, &err);
	timeline_finish(tl);
	if (rc != 0) {
		report_failure(sc, capture, rc, &err, tl);
		timeline_destroy(tl);
		return -1;
	}
	if (capture) {
		/* the gap scan is not part of the timed span */
		int64_t s0 = now_ns(), scan;

		*gap_us = largest_gap_us(tl, events);
		if (timeline_dropped(tl))
			fprintf(stderr, "bench_capture: %s: %u events were dropped\n", sc->name, timeline_dropped(tl));
		scan = now_ns() - s0;
		timeline_destroy(tl);
		t1 = now_ns() - scan;   /* the scan taken back out */
	} else {
		t1 = now_ns();
		timeline_destroy(tl);
		*gap_us = 0;
		*events = 0;
	}
	*ms = (double)(t1 - t0) / 1e6;
	return 0;
oom:
	fprintf(stderr, "bench_capture: out of memory\n");
	return -1;
}

/* Benchmarks one scenario. Returns 0, or -1 when a run failed. */
static int bench_scenario(const struct demo_scenario *sc, const struct bench_cfg *cfg)
{
	size_t n = (size_t)cfg->runs;
	double *on = calloc(n, sizeof *on), *off = calloc(n, sizeof *off), *gaps = calloc(n, sizeof *gaps);
	double ms, med_on, med_off, ratio, gap_med, gap_max;
	int64_t gap;
	size_t events = 0, ev_min = SIZE_MAX, ev_max = 0;
	int ret = -1;

	if (!on || !off || !gaps) {
		fprintf(stderr, "bench_capture: out of memory\n");
		goto out;
	}
	printf("scenario %s: %s\n", sc->name, sc->summary);
	printf("  %d warm-up + %d measured runs per mode, interleaved; grace %d ms\n", cfg->warmup, cfg->runs,
	       cfg->grace_ms);
	fflush(stdout);

	for (int i = 0; i < cfg->warmup; i++)
		if (one_run(sc, cfg, true, &ms, &gap, &events) < 0 || one_run(sc, cfg, false, &ms, &gap, &events) < 0)
			goto out;

	for (size_t i = 0; i < n; i++) {
		/* alternate which mode goes first, so neither always follows the other */
		bool first_on = i % 2 == 0;

		for (int k = 0; k < 2; k++) {
			bool capture = (k == 0) == first_on;

			if (one_run(sc, cfg, capture, &ms, &gap, &events) < 0)
				goto out;
			if (capture) {
				on[i] = ms;
				gaps[i] = (double)gap / 1000.0;
				if (events < ev_min)
					ev_min = events;
				if (events > ev_max)
					ev_max = events;
			} else {
				off[i] = ms;
			}
		}
	}

	qsort(on, n, sizeof *on, cmp_double);
	qsort(off, n, sizeof *off, cmp_double);
	qsort(gaps, n, sizeof *gaps, cmp_double);
	med_on = median(on, n);
	med_off = median(off, n);
	ratio = med_off > 0 ? med_on / med_off : 0.0;
	gap_med = median(gaps, n);
	gap_max = gaps[n - 1];

	printf("  capture off: median %8.3f ms   p90 %8.3f ms   (min %.3f, max %.3f)\n", med_off,
	       percentile(off, n, 90), off[0], off[n - 1]);
	printf("  capture on:  median %8.3f ms   p90 %8.3f ms   (min %.3f, max %.3f)\n", med_on,
	       percentile(on, n, 90), on[0], on[n - 1]);
	printf("  ratio median(on)/median(off): %.3f   target <= %.2f: %s\n", ratio, TARGET_RATIO,
	       ratio <= TARGET_RATIO ? "PASS" : "over target");
	printf("  ratio p90(on)/p90(off):       %.3f   (for reference)\n",
	       percentile(off, n, 90) > 0 ? percentile(on, n, 90) / percentile(off, n, 90) : 0.0);
	printf("  largest gap between consecutive events per captured run (%zu..%zu events):\n", ev_min, ev_max);
	printf("    median %.3f ms   max %.3f ms   target < %.0f ms: %s\n", gap_med, gap_max, TARGET_GAP_MS,
	       gap_max < TARGET_GAP_MS ? "PASS" : gap_med < TARGET_GAP_MS ? "over target (max only)" : "over target");
	fflush(stdout);
	ret = 0;
out:
	free(on);
	free(off);
	free(gaps);
	return ret;
}

/*
 * The bundled certs: where the program looks (paths_data_dir), then the
 * build tree's certs link one level above this executable (build/tests/..).
 */
static bool find_certs(char *out, size_t n)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t len;
	char *slash;

	if (paths_data_dir("certs", "root-ca.pem", out, n))
		return true;
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return false;
	exe[len] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return false;
	*slash = '\0';
	snprintf(probe, sizeof probe, "%s/../certs/root-ca.pem", exe);
	if (access(probe, R_OK) != 0)
		return false;
	len = snprintf(out, n, "%s/../certs", exe);
	return len > 0 && (size_t)len < n;
}

/* Prints the usage line. */
static void usage(FILE *f)
{
	fprintf(f, "usage: bench_capture [--runs N] [--scenario NAME] [--grace MS] [--all] [--warmup N] [--certs DIR]\n"
		   "  --runs N        measured runs per mode (default 200)\n"
		   "  --scenario NAME demo scenario (default tls13)\n"
		   "  --grace MS      client grace period after the handshake (default 300)\n"
		   "  --all           every demo scenario in turn\n"
		   "  --warmup N      unmeasured runs per mode first (default 5)\n"
		   "  --certs DIR     certificate directory (default: the bundled certs)\n");
}

/* Parses a non-negative int argument; false when it is not one. */
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
	struct bench_cfg cfg = { 200, 5, 300, "tls13", false, NULL };
	char certs[PATH_MAX];
	struct tl_error err = { 0, "" };
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--all") == 0) {
			cfg.all = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		if (strcmp(a, "--runs") == 0 && parse_int(v, 1, 1000000, &cfg.runs))
			;
		else if (strcmp(a, "--warmup") == 0 && parse_int(v, 0, 1000000, &cfg.warmup))
			;
		else if (strcmp(a, "--grace") == 0 && parse_int(v, 0, 600000, &cfg.grace_ms))
			;
		else if (strcmp(a, "--scenario") == 0)
			cfg.scenario = v;
		else if (strcmp(a, "--certs") == 0)
			cfg.certs_dir = v;
		else {
			usage(stderr);
			return 2;
		}
		i++;
	}
	if (!cfg.all && !demo_find(cfg.scenario)) {
		fprintf(stderr, "bench_capture: no scenario called \"%s\"; there are:", cfg.scenario);
		for (size_t i = 0; i < demo_count(); i++)
			fprintf(stderr, " %s", demo_get(i)->name);
		fprintf(stderr, "\n");
		return 2;
	}
	if (!cfg.certs_dir) {
		if (!find_certs(certs, sizeof certs)) {
			fprintf(stderr, "bench_capture: the demo certificates were not found "
					"(set TLSLADDER_DATADIR to the source tree or use --certs DIR)\n");
			return 5;
		}
		cfg.certs_dir = certs;
	}
	if (session_global_init(&err) < 0) {
		fprintf(stderr, "bench_capture: %s\n", err.msg);
		return 9;
	}
	if (cfg.all) {
		for (size_t i = 0; i < demo_count(); i++)
			if (bench_scenario(demo_get(i), &cfg) < 0)
				failed = 1;
	} else {
		failed = bench_scenario(demo_find(cfg.scenario), &cfg) < 0;
	}
	session_global_deinit();
	return failed ? 1 : 0;
}
