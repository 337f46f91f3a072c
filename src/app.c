/*
 * app.c: running what the command line chose, in four parts:
 * - the exit policy: which code a run ends with, from the diagnosis of its
 *   last connection, a key log that could not be written, the user's stop;
 * - what the capture is given: client and serve options from cli_config;
 * - the capture runner: for the interactive ladder, the capture runs on a
 *   thread of its own and the ladder shows it live (ui.h);
 * - the modes (demo, client, serve, demo --list): each captures in this
 *   thread and prints the text ladder (text.h), unless the interactive
 *   ladder opens (on a terminal, without --text).
 */
#include "tlsladder/app.h"
#include "tlsladder/buildinfo.h"
#include "tlsladder/capture.h"
#include "tlsladder/certverify.h"
#include "tlsladder/client.h"
#include "tlsladder/connlog.h"
#include "tlsladder/demo.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/explain.h"
#include "tlsladder/export.h"
#include "tlsladder/html.h"
#include "tlsladder/import.h"
#include "tlsladder/finished.h"
#include "tlsladder/inspect.h"
#include "tlsladder/json.h"
#include "tlsladder/jsonload.h"
#include "tlsladder/keylog.h"
#include "tlsladder/paths.h"
#include "tlsladder/pcap.h"
#include "tlsladder/quiz.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/server.h"
#include "tlsladder/text.h"
#include "tlsladder/ui.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

/* ---------------------------------------------------------------- output and the exit policy */

/* Prints an error line. */
static void complain(const char *msg)
{
	char safe[1024];

	sanitize_str(safe, sizeof safe, msg);
	fprintf(stderr, "tlsladder: %s\n", safe);
}

/* The exit code follows the primary cause the diagnosis names (usage, file and
 * internal failures, and the user's stop, keep their own codes); under
 * --verify strict a warning (legacy-protocol) fails too. */
static int exit_from_diagnosis(const struct timeline *tl, enum tl_side side, unsigned conn, int rc, bool strict)
{
	struct diag_finding d;

	if (rc == TL_EXIT_USAGE || rc == TL_EXIT_INTERNAL || rc == TL_EXIT_CANCELLED || rc == TL_EXIT_FILES || rc < 0)
		return rc;
	if (diagnose(tl, conn, side, &d, 1) == 0)
		return rc;
	return diag_exit_code_policy(d.code, strict);
}

/* The client's exit code over every connection of the run (--resume makes
 * two): the first that is not ok, in connection order. */
static int client_exit(const struct timeline *tl, int rc, bool strict)
{
	unsigned n = timeline_conn_count(tl);

	for (unsigned conn = 0; conn + 1 < n; conn++) {
		int e = exit_from_diagnosis(tl, TL_CLIENT, conn, rc, strict);
		if (e != TL_EXIT_OK)
			return e;
	}
	return exit_from_diagnosis(tl, TL_CLIENT, n > 0 ? n - 1 : 0, rc, strict);
}

/* The last connection of the timeline (0 when there is none). */
static unsigned last_conn(const struct timeline *tl)
{
	return timeline_conn_count(tl) ? timeline_conn_count(tl) - 1 : 0;
}

/* Writes the key log when the user asked for one; false on failure (reported). */
static bool write_keylog(const struct cli_config *cfg, const struct timeline *tl)
{
	struct tl_error err = { 0, "" };

	if (!cfg->keylog)
		return true;
	if (keylog_write(tl, cfg->keylog, &err) < 0) {
		complain(err.msg);
		return false;
	}
	return true;
}

/* Writes the capture file when the user asked for one; false on failure (reported). */
static bool write_pcap(const struct cli_config *cfg, const struct timeline *tl)
{
	struct tl_error err = { 0, "" };

	if (!cfg->pcap)
		return true;
	if (pcap_write(tl, cfg->pcap, &err) < 0) {
		complain(err.msg);
		return false;
	}
	return true;
}

/* Keeps the bytes on the wire (up to the default limit per connection): each record's bytes are then
 * decrypted and framed when its connection settles (records.h), and --pcap writes them. */
static void keep_wire(const struct cli_config *cfg, struct timeline *tl)
{
	(void)cfg;
	timeline_wire_keep(tl, TL_WIRE_LIMIT_DEFAULT);
}

/* Writes the exports asked for (--mermaid, --markdown, --svg; number: serve's
 * connection, in the file names); false when one failed (reported). */
static bool write_exports(const struct cli_config *cfg, const struct timeline *tl, const struct text_opts *to,
			  uint64_t number)
{
	const char *path[3] = { cfg->mermaid, cfg->markdown, cfg->svg };
	bool ok = true;

	for (int i = 0; i < 3; i++) {
		struct tl_error err = { 0, "" };
		if (path[i] && export_write((enum export_format)i, path[i], number, tl, to, &err) < 0) {
			complain(err.msg);
			ok = false;
		}
	}
	return ok;
}

/* True when an export goes to stdout: the text ladder then does not. */
static bool export_to_stdout(const struct cli_config *cfg)
{
	return (cfg->mermaid && strcmp(cfg->mermaid, "-") == 0) || (cfg->markdown && strcmp(cfg->markdown, "-") == 0) ||
	       (cfg->svg && strcmp(cfg->svg, "-") == 0);
}

/* The exit code of an interactive run: a key log that could not be written,
 * then the diagnosis of the last connection (of the client's side; in serve,
 * of the server's, once a client came). Quitting before the capture finished
 * is TL_EXIT_CANCELLED, except in serve, which ends when the user quits. */
static int ui_exit_code(const struct cli_config *cfg, const struct timeline *tl, int rc, bool finished, bool serve)
{
	if (serve)
		return rc;          /* the newest connection's code, key log included (serve_conn_done) */
	if (!write_keylog(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_pcap(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (finished && cfg->mode == CLI_CLIENT)
		rc = client_exit(tl, rc, cfg->verify_strict);
	else if (finished)
		rc = exit_from_diagnosis(tl, TL_CLIENT, last_conn(tl), rc, cfg->verify_strict);
	return finished ? rc : TL_EXIT_CANCELLED;
}

/* --json's stream (opened before any network work; serve writes a line per connection). */
static FILE *json_out;
/* --quiz: the questions (the demo scenario's file, or --quiz-file), read before the run */
static struct quiz app_quiz;

/* Fills what a saved run says about itself besides the timeline. */
static void json_run_of(struct json_run *run, enum json_mode mode, const char *scenario, const char *target,
			const char *title, uint64_t number, int rc)
{
	memset(run, 0, sizeof *run);
	run->mode = mode;
	snprintf(run->scenario, sizeof run->scenario, "%s", scenario ? scenario : "");
	snprintf(run->target, sizeof run->target, "%s", target);
	snprintf(run->title, sizeof run->title, "%s", title);
	run->conn_number = number;
	run->exit_code = rc;
}

/* --json and --summary-json once a run (or a serve connection) ended; returns the exit code, TL_EXIT_FILES
 * when the document could not be written (reported). */
static int save_run(const struct cli_config *cfg, const struct timeline *tl, struct json_run *run)
{
	struct tl_error err = { 0, "" };

	if (json_out && json_write(json_out, tl, run, cfg->json_secrets, &err) < 0) {
		complain(err.msg);
		if (run->exit_code == TL_EXIT_OK)
			run->exit_code = TL_EXIT_FILES;
	}
	if (cfg->summary_json)
		json_summary(stdout, tl, run);
	return run->exit_code;
}

/* True when the text ladder goes to stdout (not when stdout carries JSON). */
static bool print_text(const struct cli_config *cfg)
{
	return !cfg->summary_json && !(cfg->json && strcmp(cfg->json, "-") == 0);
}

/* ---------------------------------------------------------------- what the capture is given */

/* The tree builder handed to the UI and the text ladder. */
static struct tree_node *tree_of(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return inspect_event(tl, i);
}

/* The key schedule of the handshake of event i, for the UI's `s`. */
static struct tree_node *schedule_at_of(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return finished_key_schedule_at(tl, i);
}

/* The key schedule of a connection, for the text ladder's --show-secrets. */
static struct tree_node *schedule_of(const struct timeline *tl, unsigned conn, void *arg)
{
	(void)arg;
	return finished_key_schedule(tl, conn);
}

/* Writes the HTML page when the user asked for one (serve: number > 0, the
 * page of that connection); false on failure (said when loud). */
static bool write_html_as(const struct cli_config *cfg, const struct timeline *tl, const char *title, uint64_t number,
			  bool loud, bool client_only, bool server_only)
{
	struct html_opts ho = { .title = title, .wire = cfg->wire, .client_only = client_only,
				.server_only = server_only, .only_conn = number ? 0 : -1,
				.conn_number = number, .tree = tree_of };
	struct tl_error err = { 0, "" };
	struct theme t;
	char why[300], path[PATH_MAX];

	if (!cfg->html)
		return true;
	theme_builtin(&t);
	if (cfg->theme && !theme_load(cfg->theme, &t, why, sizeof why) && loud)
		complain(why);              /* the page keeps the default colours */
	ho.theme = &t;
	if (number)
		html_conn_path(cfg->html, number, path, sizeof path);
	else
		snprintf(path, sizeof path, "%s", cfg->html);
	if (html_write_file(path, tl, &ho, &err) == 0)
		return true;
	if (loud)
		complain(err.msg);
	return false;
}

/* The same for a live run: whose side the page shows follows the mode. */
static bool write_html(const struct cli_config *cfg, const struct timeline *tl, const char *title, uint64_t number,
		       bool loud)
{
	return write_html_as(cfg, tl, title, number, loud, cfg->mode == CLI_CLIENT, cfg->mode == CLI_SERVE);
}

/* True when host is an IPv4 or IPv6 address rather than a name. */
static bool ip_literal(const char *host)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* --early-data: at most this many bytes (a record's worth) */
#define EARLY_DATA_MAX 16384
/* --early-data's bytes, read once before any network work */
static struct {
	uint8_t data[EARLY_DATA_MAX];
	size_t len;
} early;

/* Reads --early-data STRING|@FILE into early; 0, or -1 with err (TL_EXIT_FILES for the file). */
static int load_early_data(const char *arg, struct tl_error *err)
{
	FILE *f;
	size_t n;

	if (arg[0] != '@') {
		if (strlen(arg) > EARLY_DATA_MAX)
			return tl_error_set(err, TL_EXIT_USAGE, "--early-data: at most %d bytes", EARLY_DATA_MAX);
		early.len = strlen(arg);
		memcpy(early.data, arg, early.len);
		return 0;
	}
	if (!(f = fopen(arg + 1, "rb")))
		return tl_error_set(err, TL_EXIT_FILES, "--early-data: cannot read %s: %s", arg + 1, strerror(errno));
	n = fread(early.data, 1, sizeof early.data, f);
	if (ferror(f)) {
		fclose(f);
		return tl_error_set(err, TL_EXIT_FILES, "--early-data: cannot read %s: %s", arg + 1, strerror(errno));
	}
	if (n == sizeof early.data && fgetc(f) != EOF) {
		fclose(f);
		return tl_error_set(err, TL_EXIT_FILES, "--early-data: %s is larger than %d bytes", arg + 1, EARLY_DATA_MAX);
	}
	fclose(f);
	if (n == 0)
		return tl_error_set(err, TL_EXIT_FILES, "--early-data: %s is empty", arg + 1);
	early.len = n;
	return 0;
}

/* Fills client options from the command line. */
static void client_opts_from(const struct cli_config *cfg, struct client_opts *o)
{
	memset(o, 0, sizeof *o);
	o->resume = cfg->resume;
	o->early_data = cfg->early_data ? early.data : NULL;
	o->early_len = cfg->early_data ? early.len : 0;
	o->host = cfg->host;
	o->port = cfg->port;
	o->family = cfg->family;
	o->grace_ms = cfg->grace_ms;
	o->timeout_ms = cfg->timeout_ms;
	o->cancel_fd = -1;
	o->tls.side = TL_CLIENT;
	o->tls.priority = cfg->priority;
	o->tls.cert_file = cfg->cert;
	o->tls.key_file = cfg->key;
	o->tls.ca_file = cfg->cafile;
	o->tls.ca_path = cfg->capath;
	o->tls.system_trust = cfg->cafile == NULL && cfg->capath == NULL;
	o->tls.p12_file = cfg->p12;
	o->tls.p12_password = cfg->have_p12_password ? cfg->p12_password : NULL;
	o->tls.alpn = cfg->alpn;
	o->tls.http = cfg->http;
	o->tls.starttls = cfg->starttls;
	o->tls.key_update = cfg->key_update;
	o->tls.withhold_unmatched = cfg->withhold;
	o->tls.no_post_handshake_auth = cfg->no_pha;
	o->tls.server_name = cfg->sni ? cfg->sni : cfg->host;
	o->tls.send_sni = !cfg->no_sni && (cfg->sni || !ip_literal(cfg->host));   /* RFC 6066: no addresses in SNI */
	o->tls.verify_strict = cfg->verify_strict;
	o->tls.crl_files = cfg->crl;
	o->tls.ncrl = cfg->ncrl;
	o->starttls = (enum tl_starttls_proto)cfg->starttls;
	o->xmpp_host = cfg->xmpp_host;
}

/* Paths of the bundled demo credentials that serve falls back to. */
struct serve_paths {
	char cert[PATH_MAX + 32], key[PATH_MAX + 32], ca[PATH_MAX + 32];
};

/* Fills serve options from the command line, with the demo certificate and
 * root CA where none is given; false (reported) when those are not found. */
static bool serve_opts_from(const struct cli_config *cfg, struct serve_opts *so, struct serve_paths *p)
{
	char certs[PATH_MAX];

	memset(so, 0, sizeof *so);
	so->listen = cfg->listen ? cfg->listen : "127.0.0.1";
	so->port = cfg->port;
	so->timeout_ms = cfg->timeout_ms;
	so->once = cfg->once;
	so->max_conns = cfg->max_conns ? cfg->max_conns : SERVE_MAX_CONNS_DEFAULT;
	so->wire_limit = cfg->pcap ? TL_WIRE_LIMIT_DEFAULT : 0;
	so->cancel_fd = -1;
	so->tls.side = TL_SERVER;
	so->tls.priority = cfg->priority;
	so->tls.tickets = true;
	so->tls.client_auth = (enum tl_auth)cfg->client_auth;
	so->tls.request_cert_later = cfg->cert_later;
	so->tls.p12_file = cfg->p12;
	so->tls.p12_password = cfg->have_p12_password ? cfg->p12_password : NULL;
	if ((!cfg->cert && !cfg->p12) || ((cfg->client_auth || cfg->cert_later) && !cfg->client_ca)) {
		if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs)) {
			complain("the bundled demo certificates were not found (use --cert/--key and --client-ca)");
			return false;
		}
		snprintf(p->cert, sizeof p->cert, "%s/server-ecdsa-chain.pem", certs);
		snprintf(p->key, sizeof p->key, "%s/server-ecdsa.key", certs);
		snprintf(p->ca, sizeof p->ca, "%s/root-ca.pem", certs);
	}
	if (!cfg->p12) {
		so->tls.cert_file = cfg->cert ? cfg->cert : p->cert;
		so->tls.key_file = cfg->key ? cfg->key : p->key;
	}
	so->tls.ca_file = cfg->client_auth || cfg->cert_later ? (cfg->client_ca ? cfg->client_ca : p->ca) : cfg->cafile;
	so->tls.crl_files = cfg->crl;
	so->tls.ncrl = cfg->ncrl;
	so->tls.alpn = cfg->alpn;
	for (unsigned i = 0; i < cfg->nmore_cert && i < SESSION_MAX_CERT_PAIRS - 1; i++) {
		so->tls.more_cert[i] = cfg->more_cert[i];
		so->tls.more_key[i] = cfg->more_key[i];
	}
	so->tls.nmore = cfg->nmore_cert;
	return true;
}

/* ---------------------------------------------------------------- serve's connections */

/* What serve's per-connection callbacks need (text and interactive). */
struct serve_ctx {
	const struct cli_config *cfg;
	const struct serve_opts *so;
	pthread_mutex_t out;        /* one connection's ladder and key log lines at a time */
	bool print;                 /* text mode: print each connection's ladder when it ends */
	struct tl_error keylog_err; /* the key log could not be written (said at the end when interactive) */
	struct pcap_out *pcap;      /* --pcap: each connection is appended as it ends */
	struct tl_error pcap_err;   /* the capture file could not be written (said at the end when interactive) */
};

/* A connection ended (from its worker): its exit code from its diagnosis,
 * its secrets appended to the key log, its ladder printed in text mode. */
static int serve_conn_done(void *arg, uint64_t number, struct timeline *tl, int rc)
{
	struct serve_ctx *sc = arg;
	int code = exit_from_diagnosis(tl, TL_SERVER, 0, rc, sc->cfg->verify_strict);
	struct text_opts to = { .wire = sc->cfg->wire, .server_only = true, .verbose = sc->cfg->verbose,
				.show_secrets = sc->cfg->show_secrets, .schedule = schedule_of,
				.tree = tree_of, .only_conn = 0, .conn_number = number };
	char title[96], target[200];
	struct json_run run;

	pthread_mutex_lock(&sc->out);
	if (sc->cfg->keylog && !sc->keylog_err.msg[0] && keylog_write(tl, sc->cfg->keylog, &sc->keylog_err) < 0 &&
	    sc->print)
		complain(sc->keylog_err.msg);
	if (sc->keylog_err.msg[0] && code == TL_EXIT_OK)
		code = TL_EXIT_FILES;
	if (sc->pcap && !sc->pcap_err.msg[0] && pcap_add(sc->pcap, tl, number, &sc->pcap_err) < 0 && sc->print)
		complain(sc->pcap_err.msg);
	timeline_wire_release(tl);      /* written: the bytes are not needed any more */
	if (sc->pcap_err.msg[0] && code == TL_EXIT_OK)
		code = TL_EXIT_FILES;
	snprintf(title, sizeof title, "tlsladder serve: connection %" PRIu64 " (exit code %d)", number, code);
	to.title = title;
	if (!write_html(sc->cfg, tl, title, number, sc->print) && code == TL_EXIT_OK)
		code = TL_EXIT_FILES;
	if (sc->print && print_text(sc->cfg) && !export_to_stdout(sc->cfg)) {
		text_write(stdout, tl, &to);
		fputc('\n', stdout);
		fflush(stdout);
	}
	if (!write_exports(sc->cfg, tl, &to, number) && code == TL_EXIT_OK)
		code = TL_EXIT_FILES;
	snprintf(target, sizeof target, "serve %s port %s", sc->so->listen, sc->so->port);
	json_run_of(&run, JSON_MODE_SERVE, NULL, target, title, number, code);
	code = save_run(sc->cfg, tl, &run);
	pthread_mutex_unlock(&sc->out);
	return code;
}

/* Sets up the callbacks' state (the capture file is created here, empty). */
static void serve_ctx_init(struct serve_ctx *sc, const struct cli_config *cfg, const struct serve_opts *so, bool print)
{
	memset(sc, 0, sizeof *sc);
	sc->cfg = cfg;
	sc->so = so;
	sc->print = print;
	pthread_mutex_init(&sc->out, NULL);
	if (cfg->pcap && !(sc->pcap = pcap_create(cfg->pcap, &sc->pcap_err)) && print)
		complain(sc->pcap_err.msg);
}

/* Closes the capture file and says what went wrong with it when the ladder was interactive; false when it failed. */
static bool serve_ctx_end(struct serve_ctx *sc)
{
	bool failed = sc->pcap_err.msg[0] != '\0';

	if (pcap_close(sc->pcap, failed ? &(struct tl_error){ 0, "" } : &sc->pcap_err) < 0 && !failed) {
		complain(sc->pcap_err.msg);
		failed = true;
	} else if (failed && !sc->print) {
		complain(sc->pcap_err.msg);
	}
	pthread_mutex_destroy(&sc->out);
	return !failed;
}

/* ---------------------------------------------------------------- the capture runner (interactive) */

/* A capture running on its own thread while the UI shows it. */
struct runner {
	const struct cli_config *cfg;
	const struct serve_opts *serve;
	struct serve_ctx *sctx;       /* serve: the per-connection callbacks' state */
	struct connlog *log;          /* serve: the connections kept for [ and ] */
	const struct demo_scenario *sc;
	const char *certs;
	struct timeline *tl;
	bool serve_view;              /* the server's view, one connection at a time (serve, or its replay) */
	int cancel[2];
	struct step_gate *gate;
	int rc;
	struct tl_error err;
};

/* The capture thread: runs the demo or the client, then marks the timeline finished. */
static void *runner_main(void *arg)
{
	struct runner *r = arg;

	if (r->serve) {
		struct serve_opts so = *r->serve;
		so.cancel_fd = r->cancel[0];
		so.gate = r->gate;
		so.log = r->log;
		so.waker = connlog_waker(r->log);
		so.conn_done = serve_conn_done;
		so.arg = r->sctx;
		r->rc = serve_run(&so, r->tl, &r->err);
	} else if (r->sc) {
		struct demo_opts o = { r->certs, r->cfg->grace_ms, r->cfg->timeout_ms, true, r->cancel[0], r->gate };
		r->rc = demo_run(r->sc, &o, r->tl, &r->err);
		if (r->rc < 0)
			r->rc = r->err.code;
	} else {
		struct client_opts o;
		client_opts_from(r->cfg, &o);
		o.cancel_fd = r->cancel[0];
		o.gate = r->gate;
		r->rc = client_run(&o, r->tl, &r->err);
	}
	if (r->err.msg[0])
		timeline_note_code(r->tl, TL_EV_ERROR, TL_CLIENT, 0, r->err.msg, r->err.code);
	timeline_finish(r->tl);
	return NULL;
}

/* Shows the interactive ladder of the runner's timeline until the user quits. */
static void ui_show(const struct cli_config *cfg, const struct runner *r, const char *target)
{
	struct ui_source src;
	struct ui_opts uo;

	memset(&src, 0, sizeof src);
	src.tl = r->tl;
	src.target = target;
	src.gate = r->gate;
	src.explain = explain_event;
	src.tree = tree_of;
	src.schedule = schedule_at_of;
	src.tree_arg = NULL;
	src.per_conn = r->serve_view;
	src.log = r->log;
	setlocale(LC_ALL, "");      /* the interactive ladder follows the terminal's locale (UTF-8: box drawing) */
	memset(&uo, 0, sizeof uo);
	uo.theme = cfg->theme;
	uo.ascii = cfg->ascii;
	uo.wire = cfg->wire;
	uo.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
	uo.play_ms = cfg->play_ms;
	uo.quiz = cfg->quiz;
	uo.questions = &app_quiz;
	ui_run(&src, &uo);
}

/* Opens the interactive ladder over a capture thread; returns the exit code. */
static int run_ui(const struct cli_config *cfg, const struct demo_scenario *sc, const char *certs, const char *target,
		  const struct serve_opts *serve)
{
	struct runner r;
	struct serve_ctx sctx;
	pthread_t th;
	char nul = 0;
	bool finished;
	int rc;

	memset(&r, 0, sizeof r);
	r.cfg = cfg;
	r.sc = sc;
	r.serve = serve;
	r.serve_view = serve != NULL;
	r.certs = certs;
	r.tl = timeline_create(sc != NULL);
	if (!r.tl || pipe(r.cancel) != 0) {
		complain("out of memory or descriptors");
		timeline_destroy(r.tl);
		return TL_EXIT_INTERNAL;
	}
	if (!serve)
		keep_wire(cfg, r.tl);
	r.gate = cfg->step ? step_gate_new() : NULL;
	if (serve) {
		r.log = connlog_new(cfg->keep ? cfg->keep : SERVE_KEEP_DEFAULT, 0);
		if (!r.log || !connlog_waker(r.log)) {
			complain("out of memory or descriptors");
			connlog_free(r.log);
			timeline_destroy(r.tl);
			return TL_EXIT_INTERNAL;
		}
		timeline_set_waker(r.tl, connlog_waker(r.log));
		serve_ctx_init(&sctx, cfg, serve, false);
		r.sctx = &sctx;
	}
	if (pthread_create(&th, NULL, runner_main, &r) != 0) {
		complain("could not start the capture thread");
		timeline_destroy(r.tl);
		return TL_EXIT_INTERNAL;
	}
	ui_show(cfg, &r, target);
	/* stop the capture (a no-op when it is done) and wait for it */
	finished = timeline_finished(r.tl);
	if (write(r.cancel[1], &nul, 1) < 0) {
		/* the thread also ends at its own deadline */
	}
	if (r.gate)
		step_gate_cancel(r.gate);
	pthread_join(th, NULL);
	if (r.err.msg[0])
		complain(r.err.msg);
	if (serve && sctx.keylog_err.msg[0])
		complain(sctx.keylog_err.msg);
	rc = ui_exit_code(cfg, r.tl, r.rc, finished, serve != NULL);
	if (!serve) {
		char title[300];
		snprintf(title, sizeof title, "tlsladder %s", target);
		if (!write_html(cfg, r.tl, title, 0, true) && rc == TL_EXIT_OK)
			rc = TL_EXIT_FILES;
	}
	if (serve && !serve_ctx_end(&sctx) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	connlog_free(r.log);
	close(r.cancel[0]);
	close(r.cancel[1]);
	step_gate_free(r.gate);
	timeline_destroy(r.tl);
	return rc;
}

/* True when the interactive ladder should open. */
static bool want_ui(const struct cli_config *cfg)
{
	return !cfg->text && !cfg->json && !cfg->summary_json && !cfg->mermaid && !cfg->markdown && !cfg->svg &&
	       isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
}

/* ---------------------------------------------------------------- the modes */

/* Prints the scenario list. */
static int run_list(void)
{
	for (int failures = 0; failures < 2; failures++) {
		printf("%s", failures ? "\nFailures, each teaching one (tlsladder demo SCENARIO):\n"
				      : "Demo scenarios (tlsladder demo SCENARIO):\n");
		for (size_t i = 0; i < demo_count(); i++) {
			const struct demo_scenario *sc = demo_get(i);
			if (sc->failure != (failures == 1))
				continue;
			printf("  %-25s %s%s\n", sc->name, sc->summary, sc == demo_default() ? " (default)" : "");
		}
	}
	return TL_EXIT_OK;
}
/* --quiz: reads --quiz-file, or the demo scenario's own file when it has
 * one (else only the automatic questions are asked). 0, or -1 with err. */
static int load_quiz(const struct cli_config *cfg, struct tl_error *err)
{
	char path[PATH_MAX];
	const char *sc = cfg->scenario ? cfg->scenario : demo_default()->name;

	if (cfg->quiz_file)
		return quiz_load(cfg->quiz_file, &app_quiz, err);
	if (cfg->quiz && cfg->mode == CLI_DEMO && !cfg->replay && quiz_find(sc, path, sizeof path))
		return quiz_load(path, &app_quiz, err);
	return 0;
}

/* Runs a demo scenario and prints its ladder. */
static int run_demo(const struct cli_config *cfg)
{
	const struct demo_scenario *sc = cfg->scenario ? demo_find(cfg->scenario) : demo_default();
	char certs[PATH_MAX], title[256];
	struct demo_opts o;
	struct tl_error err = { 0, "" };
	struct text_opts to = { .wire = cfg->wire, .verbose = cfg->verbose,
				.show_secrets = cfg->show_secrets, .schedule = schedule_of, .tree = tree_of, .only_conn = -1 };
	struct timeline *tl;
	int rc;

	if (cfg->certs_dir) {
		snprintf(certs, sizeof certs, "%s", cfg->certs_dir);
	} else if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs)) {
		complain("the bundled demo certificates were not found (set TLSLADDER_DATADIR or use --certs DIR)");
		return TL_EXIT_FILES;
	}
	snprintf(title, sizeof title, "tlsladder demo %s: %s", sc->name, sc->summary);
	if (want_ui(cfg)) {
		char target[96];
		snprintf(target, sizeof target, "demo %s", sc->name);
		return run_ui(cfg, sc, certs, target, NULL);
	}
	tl = timeline_create(true);
	if (!tl) {
		complain("out of memory");
		return TL_EXIT_INTERNAL;
	}
	keep_wire(cfg, tl);
	memset(&o, 0, sizeof o);
	o.certs_dir = certs;
	o.grace_ms = cfg->grace_ms;
	o.timeout_ms = cfg->timeout_ms;
	o.capture = true;
	o.cancel_fd = -1;
	rc = demo_run(sc, &o, tl, &err);
	timeline_finish(tl);
	if (rc < 0) {
		complain(err.msg);
		timeline_destroy(tl);
		return err.code;
	}
	to.title = title;
	if (print_text(cfg) && !export_to_stdout(cfg))
		text_write(stdout, tl, &to);
	rc = exit_from_diagnosis(tl, TL_CLIENT, last_conn(tl), rc, cfg->verify_strict);
	if (!write_keylog(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_pcap(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_exports(cfg, tl, &to, 0) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_html(cfg, tl, title, 0, true) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	{
		struct json_run run;
		char target[96];
		snprintf(target, sizeof target, "demo %s", sc->name);
		json_run_of(&run, JSON_MODE_DEMO, sc->name, target, title, 0, rc);
		rc = save_run(cfg, tl, &run);
	}
	timeline_destroy(tl);
	return rc;
}

/* Text mode: the client's notes on stderr as they happen. */
static void print_note(void *arg, const struct tl_event *ev)
{
	(void)arg;
	if (ev->kind == TL_EV_NOTE && ev->from == TL_CLIENT && ev->text)
		complain(ev->text);
}

/* Runs the client and prints its ladder. */
static int run_client(const struct cli_config *cfg)
{
	struct tl_error err = { 0, "" };
	struct text_opts to = { .wire = cfg->wire, .client_only = true, .verbose = cfg->verbose,
				.show_secrets = cfg->show_secrets, .schedule = schedule_of, .tree = tree_of,
				.only_conn = -1 };
	struct timeline *tl;
	char title[300], heading[320];
	int rc;

	snprintf(title, sizeof title, "%s port %s", cfg->host, cfg->port);
	if (want_ui(cfg))
		return run_ui(cfg, NULL, NULL, title, NULL);
	tl = timeline_create(false);
	if (!tl) {
		complain("out of memory");
		return TL_EXIT_INTERNAL;
	}
	/* say on stderr what it is doing, as it happens */
	timeline_set_note_hook(tl, print_note, NULL);
	keep_wire(cfg, tl);
	{
		struct client_opts o;
		client_opts_from(cfg, &o);
		rc = client_run(&o, tl, &err);
		if (err.msg[0])
			timeline_note_code(tl, TL_EV_ERROR, TL_CLIENT, 0, err.msg, err.code);
		timeline_finish(tl);
	}
	snprintf(heading, sizeof heading, "tlsladder %s", title);
	to.title = heading;
	if (timeline_count(tl) > 0 && print_text(cfg) && !export_to_stdout(cfg))
		text_write(stdout, tl, &to);
	rc = client_exit(tl, rc, cfg->verify_strict);
	if (!write_keylog(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_pcap(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_exports(cfg, tl, &to, 0) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_html(cfg, tl, heading, 0, true) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	{
		struct json_run run;
		json_run_of(&run, JSON_MODE_CLIENT, NULL, title, heading, 0, rc);
		rc = save_run(cfg, tl, &run);
	}
	if (err.msg[0])
		complain(err.msg);
	else if (rc != TL_EXIT_OK) {
		struct tl_result r;
		timeline_get_result(tl, TL_CLIENT, 0, &r);
		if (rc == TL_EXIT_LEGACY)
			complain("--verify strict: the handshake used a legacy protocol version or cipher suite (see the "
				 "diagnosis)");
		else if (r.error[0])
			complain(r.error);
		else if (r.verify_done && !r.verified) {
			char line[700];
			snprintf(line, sizeof line, "the server's certificate did not verify: %s", r.verify);
			complain(line);
		}
	}
	timeline_destroy(tl);
	return rc;
}

/* Text serve mode: SIGINT/SIGTERM write to [1]; serve_run watches [0]. */
static int serve_cancel[2] = { -1, -1 };

/* SIGINT/SIGTERM in text serve mode: stop accepting and exit cleanly. */
static void serve_signal(int sig)
{
	char b = (char)sig;

	if (write(serve_cancel[1], &b, 1) < 0) {
		/* nothing else is safe here */
	}
}

/* Text serve mode: a refused connection, said as it happens. */
static void serve_refused(void *arg, uint64_t number, const char *why)
{
	(void)arg;
	(void)number;
	fprintf(stderr, "tlsladder: %s\n", why);
}

/* Text serve mode: the socket is ready. */
static void serve_listening(void *arg)
{
	struct serve_ctx *sc = arg;
	const struct serve_opts *so = sc->so;

	fprintf(stderr, "tlsladder: listening on %s port %s%s\n", so->listen, so->port,
		so->once ? " for one connection" : " (Ctrl-C stops)");
}

/* Text serve mode: what came, once serving stopped. */
static void serve_tally(struct connlog *log)
{
	struct connlog_tally t;

	connlog_tally(log, &t);
	fprintf(stderr, "tlsladder: %" PRIu64 " connection%s: %" PRIu64 " ok, %" PRIu64 " failed, %" PRIu64 " refused\n",
		t.numbered, t.numbered == 1 ? "" : "s", t.ok, t.failed, t.refused);
}

/* Text serve mode: serves until --once's connection ends or a signal comes, printing each connection's ladder. */
static int serve_text(const struct cli_config *cfg, struct serve_opts *so)
{
	struct serve_ctx sc;
	struct tl_error err = { 0, "" };
	struct timeline *tl = timeline_create(false);
	struct connlog *log = connlog_new(1, 0);
	struct sigaction sa, old_int, old_term;
	int rc;

	if (!tl || !log || pipe(serve_cancel) != 0) {
		complain("out of memory or descriptors");
		timeline_destroy(tl);
		connlog_free(log);
		return TL_EXIT_INTERNAL;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = serve_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	so->cancel_fd = serve_cancel[0];
	serve_ctx_init(&sc, cfg, so, true);
	so->log = log;
	so->conn_done = serve_conn_done;
	so->refused = serve_refused;
	so->arg = &sc;
	so->listening = serve_listening;
	rc = serve_run(so, tl, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	close(serve_cancel[0]);
	close(serve_cancel[1]);
	if (err.msg[0])
		complain(err.msg);
	else if (!so->once)
		serve_tally(log);
	if (!serve_ctx_end(&sc) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	connlog_free(log);
	timeline_destroy(tl);
	return rc;
}

/* Runs the server. */
static int run_serve(const struct cli_config *cfg)
{
	struct serve_paths paths;
	struct serve_opts so;
	char target[200];

	if (!serve_opts_from(cfg, &so, &paths))
		return TL_EXIT_FILES;
	snprintf(target, sizeof target, "serve %s port %s", so.listen, so.port);
	if (want_ui(cfg))
		return run_ui(cfg, NULL, NULL, target, &so);
	return serve_text(cfg, &so);
}

/* True when the file at path begins as a pcapng or pcap file (its key log option is then read, not written). */
static bool replay_is_capture(const char *path)
{
	uint8_t magic[4];
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(magic, 1, sizeof magic, f) : 0;

	if (f)
		fclose(f);
	return capture_sniff(magic, got) != CAPTURE_NOT_CAPTURE;
}

#define IMPORT_MAX_CONNS 1024u

/* The capture in the file at path with its TLS connections; false with err. */
static struct capture *import_load(const char *path, struct import_conn *ics, size_t *n, struct tl_error *err)
{
	char *buf = NULL, why[300];
	size_t len = 0;
	bool oom = false;
	struct capture *c;

	if (!jsonload_read(path, &buf, &len, err))
		return NULL;
	c = capture_parse((const uint8_t *)buf, len, why, sizeof why, &oom);
	free(buf);
	if (!c) {
		tl_error_set(err, oom ? TL_EXIT_INTERNAL : TL_EXIT_FILES, "%s: not a capture that can be read: %s", path, why);
		return NULL;
	}
	*n = import_find(c, ics, IMPORT_MAX_CONNS);
	if (*n == 0) {
		tl_error_set(err, TL_EXIT_FILES, "%s: no TLS connection in the capture (no ClientHello at the start of a TCP stream)",
			     path);
		capture_free(c);
		return NULL;
	}
	return c;
}

/* The key log text for an import: the file --keylog (or $SSLKEYLOGFILE) names, then the capture's own
 * (NULL: none); false with err. */
static bool import_keylog(const struct cli_config *cfg, const struct capture *c, char **kl, size_t *kl_len,
			  struct tl_error *err)
{
	const char *env = getenv("SSLKEYLOGFILE");
	char *file = NULL, *all;
	size_t file_len = 0;

	*kl = NULL;
	*kl_len = 0;
	/* $SSLKEYLOGFILE names where browsers write: one that does not exist yet is no error here */
	if (cfg->keylog && (cfg->keylog != env || access(cfg->keylog, F_OK) == 0) &&
	    !jsonload_read(cfg->keylog, &file, &file_len, err))
		return false;
	if (file_len + c->keylog_len == 0) {
		free(file);
		return true;
	}
	all = malloc(file_len + 1 + c->keylog_len);
	if (!all) {
		free(file);
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory"), false;
	}
	if (file_len)
		memcpy(all, file, file_len);
	all[file_len] = '\n';
	if (c->keylog_len)
		memcpy(all + file_len + 1, c->keylog, c->keylog_len);
	if (file)
		memset(file, 0, file_len);
	free(file);
	*kl = all;
	*kl_len = file_len + 1 + c->keylog_len;
	return true;
}

/* --list for a capture: one line per TLS connection. */
static int import_list(const struct capture *c, const struct import_conn *ics, size_t n, const char *kl,
		       size_t kl_len)
{
	for (size_t i = 0; i < n; i++) {
		struct timeline *tl = import_timeline(c, &ics[i], kl, kl_len);
		if (!tl) {
			complain("out of memory");
			return TL_EXIT_INTERNAL;
		}
		import_list_line(stdout, (unsigned)i + 1, c, &ics[i], tl);
		timeline_destroy(tl);
	}
	return TL_EXIT_OK;
}

/* Shows the ladder of a connection imported from a capture. */
static int import_show(const struct cli_config *cfg, struct timeline *tl, unsigned number)
{
	struct json_run run;
	struct runner r;

	memset(&run, 0, sizeof run);
	run.mode = JSON_MODE_CAPTURE;
	run.exit_code = TL_EXIT_OK;
	snprintf(run.target, sizeof run.target, "%s, connection %u (capture)", cfg->replay, number);
	snprintf(run.title, sizeof run.title, "capture %s, connection %u", cfg->replay, number);
	if (want_ui(cfg)) {
		memset(&r, 0, sizeof r);
		r.tl = tl;
		ui_show(cfg, &r, run.target);
	} else if (print_text(cfg)) {
		struct text_opts to = { .title = run.title, .wire = cfg->wire, .verbose = cfg->verbose,
				.show_secrets = cfg->show_secrets, .schedule = schedule_of, .tree = tree_of,
					.only_conn = -1 };
		text_write(stdout, tl, &to);
	}
	return save_run(cfg, tl, &run);
}

/* Shows a connection of a capture someone else took (or lists them with --list). */
static int run_import(const struct cli_config *cfg)
{
	struct tl_error err = { 0, "" };
	struct import_conn *ics = calloc(IMPORT_MAX_CONNS, sizeof *ics);
	struct capture *c = NULL;
	struct timeline *tl = NULL;
	char *kl = NULL;
	size_t n = 0, kl_len = 0;
	int rc;

	if (!ics || !(c = import_load(cfg->replay, ics, &n, &err)) || !import_keylog(cfg, c, &kl, &kl_len, &err)) {
		rc = ics ? err.code : TL_EXIT_INTERNAL;
		complain(ics ? err.msg : "out of memory");
	} else if (cfg->mode == CLI_DEMO_LIST) {
		rc = import_list(c, ics, n, kl, kl_len);
	} else if (cfg->replay_conn > n) {
		tl_error_set(&err, TL_EXIT_FILES, "%s: there is no TLS connection %lu in the capture (it has %zu; see --list)",
			     cfg->replay, (unsigned long)cfg->replay_conn, n);
		complain(err.msg);
		rc = err.code;
	} else if (!(tl = import_timeline(c, &ics[cfg->replay_conn ? cfg->replay_conn - 1 : 0], kl, kl_len))) {
		complain("out of memory");
		rc = TL_EXIT_INTERNAL;
	} else {
		rc = import_show(cfg, tl, cfg->replay_conn ? (unsigned)cfg->replay_conn : 1);
		timeline_destroy(tl);
	}
	if (kl) {
		memset(kl, 0, kl_len);
		free(kl);
	}
	capture_free(c);
	free(ics);
	return rc;
}

/* Shows a saved run: the interactive ladder over the loaded timeline, or the
 * text ladder as the live run printed it; exits with the saved exit code. */
static int run_replay(const struct cli_config *cfg)
{
	struct tl_error err = { 0, "" };
	struct json_run run;
	struct timeline *tl = jsonload_file(cfg->replay, cfg->replay_conn, &run, &err);
	bool serve = false;
	int rc;

	if (!tl) {
		complain(err.msg);
		return err.code;
	}
	serve = run.mode == JSON_MODE_SERVE;
	for (unsigned c = 0; c < timeline_conn_count(tl); c++)
		certverify_settle(tl, c);      /* the signature checks, from the saved bodies (no secret needed) */
	if (want_ui(cfg)) {
		struct runner r;
		char target[400];
		memset(&r, 0, sizeof r);
		r.tl = tl;
		r.serve_view = serve;
		if (serve)
			snprintf(target, sizeof target, "%s, connection %" PRIu64 " (replay)", run.target, run.conn_number);
		else
			snprintf(target, sizeof target, "%s (replay)", run.target);
		ui_show(cfg, &r, target);
	}
	struct text_opts to = { .title = run.title, .wire = cfg->wire, .verbose = cfg->verbose,
				.show_secrets = cfg->show_secrets, .schedule = schedule_of, .tree = tree_of,
				.client_only = run.mode == JSON_MODE_CLIENT, .server_only = serve,
				.only_conn = serve ? 0 : -1, .conn_number = run.conn_number };
	if (!want_ui(cfg) && print_text(cfg) && !export_to_stdout(cfg) &&
	    (run.mode != JSON_MODE_CLIENT || timeline_count(tl) > 0)) {
		text_write(stdout, tl, &to);
		if (serve)
			fputc('\n', stdout);
	}
	rc = write_keylog(cfg, tl) ? run.exit_code : TL_EXIT_FILES;
	if (!write_exports(cfg, tl, &to, serve ? run.conn_number : 0) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (!write_html_as(cfg, tl, run.title, serve ? run.conn_number : 0, true, run.mode == JSON_MODE_CLIENT, serve) &&
	    rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	run.exit_code = rc;
	rc = save_run(cfg, tl, &run);
	timeline_destroy(tl);
	return rc;
}

/* Runs the configured mode. */
int app_run(const struct cli_config *cfg)
{
	struct tl_error err = { 0, "" };
	bool capture;
	int rc;

	switch (cfg->mode) {
	case CLI_HELP:
		cli_usage(stdout);
		return TL_EXIT_OK;
	case CLI_VERSION:
		printf("tlsladder %s\n", TLSLADDER_VERSION);
		return TL_EXIT_OK;
	case CLI_DEMO_LIST:
		if (!cfg->replay)
			return run_list();
		break;
	default:
		break;
	}
	if (cfg->mode == CLI_CLIENT && cfg->early_data && load_early_data(cfg->early_data, &err) < 0) {
		complain(err.msg);          /* before any network work */
		return err.code;
	}
	capture = cfg->replay && replay_is_capture(cfg->replay);
	if (cfg->keylog && !capture && keylog_check(cfg->keylog, &err) < 0) {
		complain(err.msg);          /* before any network work */
		return err.code;
	}
	if (cfg->pcap && pcap_check(cfg->pcap, &err) < 0) {
		complain(err.msg);
		return err.code;
	}
	for (int i = 0; i < 3; i++) {
		const char *path = i == 0 ? cfg->mermaid : i == 1 ? cfg->markdown : cfg->svg;
		if (path && export_check(path, cfg->mode == CLI_SERVE, &err) < 0) {
			complain(err.msg);
			return err.code;
		}
	}
	if (load_quiz(cfg, &err) < 0) {
		complain(err.msg);          /* before any network work */
		return err.code;
	}
	if (session_global_init(&err) < 0) {
		complain(err.msg);
		quiz_free(&app_quiz);
		return err.code;
	}
	if (cfg->json && !(json_out = json_open(cfg->json, cfg->json_secrets, &err))) {
		complain(err.msg);          /* before any network work */
		quiz_free(&app_quiz);
		session_global_deinit();
		return err.code;
	}
	if (capture) {
		rc = run_import(cfg);
	} else if (cfg->replay && cfg->mode == CLI_DEMO_LIST) {
		complain("--list with --replay lists the connections of a capture (pcapng or pcap), not of a saved run");
		rc = TL_EXIT_USAGE;
	} else if (cfg->replay) {
		rc = run_replay(cfg);
	} else {
		rc = cfg->mode == CLI_CLIENT ? run_client(cfg) : cfg->mode == CLI_SERVE ? run_serve(cfg) : run_demo(cfg);
	}
	if (!json_close(json_out, cfg->json, &err)) {
		complain(err.msg);
		if (rc == TL_EXIT_OK)
			rc = TL_EXIT_FILES;
	}
	json_out = NULL;
	quiz_free(&app_quiz);
	session_global_deinit();
	return rc;
}
