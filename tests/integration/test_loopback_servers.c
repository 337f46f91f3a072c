/*
 * test_loopback_servers.c - tlsladder's client against real TLS servers.
 *
 * Each test starts its own server on loopback (gnutls-serv from gnutls-bin,
 * or openssl s_server), runs client_run() against it with the demo PKI and
 * checks what the timeline recorded: the result, the order of each side's
 * handshake messages and ChangeCipherSpec, the encrypted flags and the
 * record content types. The per-test teardown stops the server by its pid,
 * also when the test failed.
 *
 * A missing gnutls-serv or openssl is a setup error (the test scripts
 * install them), so it fails rather than skips. Only the IPv6 test skips,
 * when ::1 cannot be used on this machine.
 *
 * On a failure the test prints the whole timeline and the server's output;
 * TLSLADDER_TEST_DUMP=1 prints every timeline even when the tests pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "loopback.h"
#include "tlsladder/client.h"
#include "tlsladder/errors.h"
#include "tlsladder/names.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

#define PRIO_TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define PRIO_TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"

enum server_kind { SRV_GNUTLS, SRV_OPENSSL };

struct scenario {
	const char *name;
	enum server_kind server;
	unsigned version;        /* 0x0304 or 0x0303 */
	bool mtls;               /* the server requires a client certificate */
	bool ipv6;
};

struct fixture {
	struct lb_server srv;
	struct timeline *tl;
};

/* ---- paths ---- */

static char g_certs[1024];

/* $TLSLADDER_DATADIR/certs/<file> into buf (the group setup checked the variable). */
static const char *cert_path(const char *file, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", g_certs, file);
	return buf;
}

/* ---- timeline inspection ---- */

#define TOK_CCS 0x10000u       /* ChangeCipherSpec in a message sequence */

struct tok {
	unsigned type;           /* handshake type or TOK_CCS */
	bool encrypted;
	bool any_number;         /* zero or more of these (NewSessionTicket) */
};

#define T(type, enc) { (type), (enc), false }
#define STAR(type, enc) { (type), (enc), true }
#define CCS T(TOK_CCS, false)

static const char *tok_name(unsigned type)
{
	const char *n;

	if (type == TOK_CCS)
		return "CCS";
	n = names_handshake(type);
	return n ? n : "?";
}

/* One event as a line (without newline) into buf. */
static void describe_event(const struct tl_event *ev, char *buf, size_t n)
{
	static const char *const keys[] = { "", " keys=handshake", " keys=application", " keys=tls12" };
	int w = snprintf(buf, n, "  #%u %s %s%s%s", ev->seq, ev->from == TL_CLIENT ? "C->" : "S->",
			 timeline_event_name(ev), ev->encrypted ? " [enc]" : "",
			 (unsigned)ev->keys < 4 ? keys[ev->keys] : " keys=?");
	size_t used = w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;

	if (ev->kind == TL_EV_HANDSHAKE)
		snprintf(buf + used, n - used, " (%u, %zu bytes)", ev->hs_type, ev->body_len);
	else if (ev->kind == TL_EV_RECORD)
		snprintf(buf + used, n - used, " (type %u, %u bytes)", ev->rec_type, ev->rec_length);
	else if (ev->kind == TL_EV_ALERT)
		snprintf(buf + used, n - used, " (level %u, %s)", ev->alert_level,
			 names_alert(ev->alert_desc) ? names_alert(ev->alert_desc) : "?");
	else if (ev->text)
		snprintf(buf + used, n - used, ": %.400s", ev->text);
}

/* Prints the run's events, one line each (cmocka's printers cut at 1 KiB). */
static void print_timeline(struct timeline *tl, bool as_error)
{
	size_t count = timeline_count(tl);

	for (size_t i = 0; i < count; i++) {
		struct tl_event ev;
		char line[512];

		if (!timeline_get(tl, i, &ev))
			break;
		describe_event(&ev, line, sizeof line);
		if (as_error)
			print_error("%s\n", line);
		else
			print_message("%s\n", line);
	}
}

/* Prints the server's log (tail), in pieces below cmocka's 1 KiB limit. */
static void print_server_log(const struct lb_server *srv)
{
	char log[4096];
	size_t len;

	lb_log_tail(srv, log, sizeof log);
	len = strlen(log);
	print_error("%s output (last %zu bytes):\n", srv->name[0] ? srv->name : "server", len);
	for (size_t off = 0; off < len; off += 900)
		print_error("%.900s", log + off);
	print_error("\n");
}

/* Fails the test with a message followed by the timeline and the server's log. */
#define FAILF(fx, ...)                                                                  \
	do {                                                                            \
		char msg_[900];                                                         \
		snprintf(msg_, sizeof msg_, __VA_ARGS__);                               \
		print_error("timeline:\n");                                            \
		if ((fx)->tl)                                                           \
			print_timeline((fx)->tl, true);                                 \
		print_server_log(&(fx)->srv);                                           \
		fail_msg("%s", msg_);                                                   \
	} while (0)

#define CHECK(fx, cond, ...)                  \
	do {                                  \
		if (!(cond))                  \
			FAILF(fx, __VA_ARGS__); \
	} while (0)

/*
 * The handshake messages and ChangeCipherSpec sent by `from`, in timeline
 * order, with their encrypted flags. Returns how many (at most max).
 */
static size_t side_sequence(struct timeline *tl, enum tl_side from, unsigned *types, bool *enc, size_t max)
{
	size_t k = 0, count = timeline_count(tl);

	for (size_t i = 0; i < count && k < max; i++) {
		struct tl_event ev;

		if (!timeline_get(tl, i, &ev) || ev.from != from || ev.conn != 0)
			continue;
		if (ev.kind == TL_EV_HANDSHAKE)
			types[k] = ev.hs_type;
		else if (ev.kind == TL_EV_CCS)
			types[k] = TOK_CCS;
		else
			continue;
		enc[k++] = ev.encrypted;
	}
	return k;
}

/* Checks a side's sequence against a pattern; on mismatch fails, naming both. */
static void expect_sequence(struct fixture *fx, enum tl_side from, const struct tok *pat, size_t npat)
{
	unsigned types[64];
	bool enc[64];
	size_t n = side_sequence(fx->tl, from, types, enc, 64), i = 0;
	char got[400], want[400];
	size_t gl = 0, wl = 0;
	bool ok = true;

	for (size_t p = 0; p < npat && ok; p++) {
		if (pat[p].any_number) {
			while (i < n && types[i] == pat[p].type && enc[i] == pat[p].encrypted)
				i++;
			continue;
		}
		if (i >= n || types[i] != pat[p].type || enc[i] != pat[p].encrypted)
			ok = false;
		else
			i++;
	}
	if (ok && i == n)
		return;

	got[0] = want[0] = '\0';
	for (size_t k = 0; k < n && gl + 48 < sizeof got; k++)
		gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%s%s", k ? " " : "", tok_name(types[k]),
				       enc[k] ? "[enc]" : "");
	for (size_t p = 0; p < npat && wl + 48 < sizeof want; p++)
		wl += (size_t)snprintf(want + wl, sizeof want - wl, "%s%s%s%s", p ? " " : "", tok_name(pat[p].type),
				       pat[p].encrypted ? "[enc]" : "", pat[p].any_number ? "*" : "");
	FAILF(fx, "%s's messages: got \"%s\", want \"%s\"", from == TL_CLIENT ? "client" : "server", got, want);
}

/* Whether a record event of content type `type` from `from` exists. */
static bool has_record(struct timeline *tl, enum tl_side from, unsigned type)
{
	size_t count = timeline_count(tl);

	for (size_t i = 0; i < count; i++) {
		struct tl_event ev;
		if (timeline_get(tl, i, &ev) && ev.kind == TL_EV_RECORD && ev.from == from && ev.rec_type == type)
			return true;
	}
	return false;
}

/* The first handshake message of type `type` from `from`; false if none. */
static bool find_handshake(struct timeline *tl, enum tl_side from, unsigned type, struct tl_event *out)
{
	size_t count = timeline_count(tl);

	for (size_t i = 0; i < count; i++)
		if (timeline_get(tl, i, out) && out->kind == TL_EV_HANDSHAKE && out->from == from &&
		    out->hs_type == type)
			return true;
	return false;
}

/* ---- servers ---- */

/* Starts the scenario's server; fails the test (with the reason) if it cannot. */
static void start_server(struct fixture *fx, const struct scenario *sc)
{
	char chain[1100], key[1100], leaf[1100], inter[1100], ca[1100], why[4096];
	const char *argv[LB_MAX_ARGS];
	int n = 0;
	bool tls13 = sc->version == 0x0304;

	cert_path("server-ecdsa-chain.pem", chain, sizeof chain);
	cert_path("server-ecdsa.key", key, sizeof key);
	cert_path("server-ecdsa.pem", leaf, sizeof leaf);
	cert_path("intermediate-ca.pem", inter, sizeof inter);
	cert_path("root-ca.pem", ca, sizeof ca);

	if (sc->server == SRV_GNUTLS) {
		argv[n++] = "gnutls-serv";
		argv[n++] = "--port={port}";
		argv[n++] = "--x509certfile";
		argv[n++] = chain;
		argv[n++] = "--x509keyfile";
		argv[n++] = key;
		argv[n++] = "--priority";
		argv[n++] = tls13 ? PRIO_TLS13 : PRIO_TLS12;
		if (sc->mtls) {
			argv[n++] = "--require-client-cert";
			argv[n++] = "--verify-client-cert";
			argv[n++] = "--x509cafile";
			argv[n++] = ca;
		} else {
			argv[n++] = "--disable-client-cert";   /* gnutls-serv asks for one by default */
		}
	} else {
		argv[n++] = "openssl";
		argv[n++] = "s_server";
		argv[n++] = "-accept";
		argv[n++] = sc->ipv6 ? "[::1]:{port}" : "127.0.0.1:{port}";
		argv[n++] = sc->ipv6 ? "-6" : "-4";
		argv[n++] = "-cert";
		argv[n++] = leaf;
		argv[n++] = "-cert_chain";
		argv[n++] = inter;
		argv[n++] = "-key";
		argv[n++] = key;
		argv[n++] = tls13 ? "-tls1_3" : "-tls1_2";
		argv[n++] = "-www";
		if (sc->mtls) {
			argv[n++] = "-Verify";
			argv[n++] = "2";
			argv[n++] = "-verify_return_error";
			argv[n++] = "-CAfile";
			argv[n++] = ca;
		}
	}
	argv[n] = NULL;
	if (lb_start(&fx->srv, sc->ipv6 ? AF_INET6 : AF_INET, argv, why, sizeof why) != 0)
		fail_msg("cannot start the server for %s: %s", sc->name, why);
}

/* ---- the scenario ---- */

static void run_scenario(void **state, const struct scenario *sc)
{
	struct fixture *fx = *state;
	struct client_opts o;
	struct tl_error err;
	struct tl_result r;
	char ca[1100], ccert[1100], ckey[1100];
	bool tls13 = sc->version == 0x0304;
	int rc;

	start_server(fx, sc);

	memset(&o, 0, sizeof o);
	memset(&err, 0, sizeof err);
	o.host = sc->ipv6 ? "::1" : "127.0.0.1";
	o.port = fx->srv.port;
	o.family = sc->ipv6 ? AF_INET6 : AF_INET;
	o.tls.side = TL_CLIENT;
	o.tls.priority = tls13 ? PRIO_TLS13 : PRIO_TLS12;
	o.tls.ca_file = cert_path("root-ca.pem", ca, sizeof ca);
	o.tls.server_name = "localhost";
	o.tls.send_sni = true;
	if (sc->mtls) {
		o.tls.cert_file = cert_path("client-chain.pem", ccert, sizeof ccert);
		o.tls.key_file = cert_path("client.key", ckey, sizeof ckey);
	}
	o.grace_ms = 300;
	o.timeout_ms = 5000;
	o.cancel_fd = -1;

	fx->tl = timeline_create(false);
	assert_non_null(fx->tl);
	rc = client_run(&o, fx->tl, &err);
	if (getenv("TLSLADDER_TEST_DUMP")) {
		print_message("%s (client_run returned %d):\n", sc->name, rc);
		print_timeline(fx->tl, false);
	}

	timeline_get_result(fx->tl, TL_CLIENT, 0, &r);
	CHECK(fx, r.set, "no client result was recorded (client_run returned %d: %s)", rc, err.msg);
	CHECK(fx, r.handshake_ok, "handshake failed: %s", r.error);
	CHECK(fx, r.verify_done && r.verified, "server not verified: %s", r.verify);
	CHECK(fx, r.peer_sent_cert, "peer_sent_cert is false");
	CHECK(fx, !r.rejected_after, "rejected after the handshake: %s", r.error);
	CHECK(fx, r.version == sc->version, "negotiated version 0x%04x, want 0x%04x", r.version, sc->version);
	CHECK(fx, !r.resumed, "a first connection reported as resumed");
	CHECK(fx, rc == TL_EXIT_OK, "client_run returned %d, want TL_EXIT_OK (%s)", rc, err.msg);
	CHECK(fx, timeline_dropped(fx->tl) == 0, "%u events dropped", timeline_dropped(fx->tl));

	/* no errors, no fatal alerts either way */
	for (size_t i = 0; i < timeline_count(fx->tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(fx->tl, i, &ev));
		CHECK(fx, ev.kind != TL_EV_ERROR, "error event #%zu: %s", i, ev.text ? ev.text : "");
		CHECK(fx, !(ev.kind == TL_EV_ALERT && ev.alert_level == 2), "fatal alert #%zu from the %s: %s", i,
		      ev.from == TL_CLIENT ? "client" : "server",
		      names_alert(ev.alert_desc) ? names_alert(ev.alert_desc) : "?");
		if (ev.kind == TL_EV_HANDSHAKE || ev.kind == TL_EV_CCS)
			CHECK(fx, ev.conn == 0, "event #%zu on connection %u", i, ev.conn);
		/* which keys protected each message (TLS 1.3: handshake secrets until Finished) */
		if (ev.kind == TL_EV_HANDSHAKE) {
			enum tl_keys want;
			if (!tls13)
				want = ev.encrypted ? TL_KEYS_TLS12 : TL_KEYS_NONE;
			else if (ev.hs_type == 1 || ev.hs_type == 2)
				want = TL_KEYS_NONE;
			else if (ev.hs_type == 4)
				want = TL_KEYS_APPLICATION;
			else
				want = TL_KEYS_HANDSHAKE;
			CHECK(fx, ev.keys == want, "%s #%zu: keys %d, want %d", timeline_event_name(&ev), i, (int)ev.keys,
			      (int)want);
		}
		if (ev.kind == TL_EV_CCS)
			CHECK(fx, !ev.encrypted && ev.keys == TL_KEYS_NONE, "ChangeCipherSpec #%zu marked encrypted", i);
		/* records: TLS 1.3 hides everything but the hellos and CCS behind type 23 */
		if (ev.kind == TL_EV_RECORD && ev.rec_type == 23)
			CHECK(fx, ev.encrypted, "application_data record #%zu not marked encrypted", i);
		if (ev.kind == TL_EV_RECORD && (ev.rec_type == 20 || (tls13 && ev.rec_type == 22)))
			CHECK(fx, !ev.encrypted, "record #%zu (type %u) marked encrypted", i, ev.rec_type);
	}

	/* the IPv6 run really went over ::1 */
	if (sc->ipv6) {
		bool seen = false;
		for (size_t i = 0; i < timeline_count(fx->tl) && !seen; i++) {
			struct tl_event ev;
			if (timeline_get(fx->tl, i, &ev) && ev.kind == TL_EV_NOTE && ev.text && strstr(ev.text, "[::1]"))
				seen = true;
		}
		CHECK(fx, seen, "no \"connecting to [::1]\" note");
	}

	/* message order per side, with encrypted flags */
	if (tls13) {
		static const struct tok srv[] = { T(2, false), CCS, T(8, true), T(11, true), T(15, true), T(20, true),
						  STAR(4, true) };
		static const struct tok srv_m[] = { T(2, false), CCS, T(8, true), T(13, true), T(11, true), T(15, true),
						    T(20, true), STAR(4, true) };
		static const struct tok cli[] = { T(1, false), CCS, T(20, true) };
		static const struct tok cli_m[] = { T(1, false), CCS, T(11, true), T(15, true), T(20, true) };
		if (sc->mtls) {
			expect_sequence(fx, TL_SERVER, srv_m, sizeof srv_m / sizeof srv_m[0]);
			expect_sequence(fx, TL_CLIENT, cli_m, sizeof cli_m / sizeof cli_m[0]);
		} else {
			expect_sequence(fx, TL_SERVER, srv, sizeof srv / sizeof srv[0]);
			expect_sequence(fx, TL_CLIENT, cli, sizeof cli / sizeof cli[0]);
		}
		CHECK(fx, has_record(fx->tl, TL_SERVER, 22), "no handshake record from the server");
		CHECK(fx, has_record(fx->tl, TL_SERVER, 23), "no application_data record from the server");
		CHECK(fx, has_record(fx->tl, TL_CLIENT, 22), "no handshake record from the client");
		CHECK(fx, has_record(fx->tl, TL_CLIENT, 23), "no application_data record from the client");
	} else {
		static const struct tok srv[] = { T(2, false), T(11, false), T(12, false), T(14, false), STAR(4, false),
						  CCS, T(20, true) };
		static const struct tok srv_m[] = { T(2, false), T(11, false), T(12, false), T(13, false), T(14, false),
						    STAR(4, false), CCS, T(20, true) };
		static const struct tok cli[] = { T(1, false), T(16, false), CCS, T(20, true) };
		static const struct tok cli_m[] = { T(1, false), T(11, false), T(16, false), T(15, false), CCS,
						    T(20, true) };
		if (sc->mtls) {
			expect_sequence(fx, TL_SERVER, srv_m, sizeof srv_m / sizeof srv_m[0]);
			expect_sequence(fx, TL_CLIENT, cli_m, sizeof cli_m / sizeof cli_m[0]);
		} else {
			expect_sequence(fx, TL_SERVER, srv, sizeof srv / sizeof srv[0]);
			expect_sequence(fx, TL_CLIENT, cli, sizeof cli / sizeof cli[0]);
		}
		CHECK(fx, has_record(fx->tl, TL_SERVER, 22), "no handshake record from the server");
		CHECK(fx, has_record(fx->tl, TL_CLIENT, 22), "no handshake record from the client");
	}
	CHECK(fx, has_record(fx->tl, TL_SERVER, 20), "no change_cipher_spec record from the server");
	CHECK(fx, has_record(fx->tl, TL_CLIENT, 20), "no change_cipher_spec record from the client");

	if (sc->mtls) {
		struct tl_event cert;
		CHECK(fx, find_handshake(fx->tl, TL_CLIENT, 11, &cert), "the client sent no Certificate message");
		CHECK(fx, cert.body_len > 4, "the client's Certificate is empty (%zu bytes)", cert.body_len);
	}
}

/* ---- cmocka plumbing ---- */

static int group_setup(void **state)
{
	const char *dir = getenv("TLSLADDER_DATADIR");
	struct tl_error err;

	(void)state;
	if (!dir || !*dir) {
		print_error("TLSLADDER_DATADIR is not set (ctest sets it to the repository root)\n");
		return -1;
	}
	snprintf(g_certs, sizeof g_certs, "%s/certs", dir);
	if (session_global_init(&err) != 0) {
		print_error("session_global_init: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	session_global_deinit();
	return 0;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx)
		return -1;
	*state = fx;
	return 0;
}

/* Runs whether the test passed or failed: the server never outlives its test. */
static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx) {
		lb_stop(&fx->srv);
		if (fx->tl)
			timeline_destroy(fx->tl);
		free(fx);
	}
	*state = NULL;
	return 0;
}

static void require_program(const char *prog, const char *package)
{
	if (!lb_have_program(prog))
		fail_msg("%s is not installed (Debian package %s): a test setup error, not a skip", prog, package);
}

static void test_gnutls_tls13(void **state)
{
	static const struct scenario sc = { "gnutls-serv TLS 1.3", SRV_GNUTLS, 0x0304, false, false };
	require_program("gnutls-serv", "gnutls-bin");
	run_scenario(state, &sc);
}

static void test_gnutls_tls12(void **state)
{
	static const struct scenario sc = { "gnutls-serv TLS 1.2", SRV_GNUTLS, 0x0303, false, false };
	require_program("gnutls-serv", "gnutls-bin");
	run_scenario(state, &sc);
}

static void test_gnutls_tls13_mtls(void **state)
{
	static const struct scenario sc = { "gnutls-serv TLS 1.3 mutual", SRV_GNUTLS, 0x0304, true, false };
	require_program("gnutls-serv", "gnutls-bin");
	run_scenario(state, &sc);
}

static void test_gnutls_tls12_mtls(void **state)
{
	static const struct scenario sc = { "gnutls-serv TLS 1.2 mutual", SRV_GNUTLS, 0x0303, true, false };
	require_program("gnutls-serv", "gnutls-bin");
	run_scenario(state, &sc);
}

static void test_openssl_tls13(void **state)
{
	static const struct scenario sc = { "openssl s_server TLS 1.3", SRV_OPENSSL, 0x0304, false, false };
	require_program("openssl", "openssl");
	run_scenario(state, &sc);
}

static void test_openssl_tls12(void **state)
{
	static const struct scenario sc = { "openssl s_server TLS 1.2", SRV_OPENSSL, 0x0303, false, false };
	require_program("openssl", "openssl");
	run_scenario(state, &sc);
}

static void test_openssl_tls13_mtls(void **state)
{
	static const struct scenario sc = { "openssl s_server TLS 1.3 mutual", SRV_OPENSSL, 0x0304, true, false };
	require_program("openssl", "openssl");
	run_scenario(state, &sc);
}

static void test_openssl_tls13_ipv6(void **state)
{
	static const struct scenario sc = { "openssl s_server TLS 1.3 over ::1", SRV_OPENSSL, 0x0304, false, true };
	require_program("openssl", "openssl");
	if (!lb_loopback_usable(AF_INET6)) {
		print_message("::1 is not usable on this machine; skipping the IPv6 test\n");
		skip();
	}
	run_scenario(state, &sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gnutls_tls13, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnutls_tls12, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnutls_tls13_mtls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnutls_tls12_mtls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openssl_tls13, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openssl_tls12, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openssl_tls13_mtls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openssl_tls13_ipv6, setup, teardown),
	};

	return cmocka_run_group_tests_name("loopback_servers", tests, group_setup, group_teardown);
}
