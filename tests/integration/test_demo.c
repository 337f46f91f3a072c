/*
 * test_demo.c: every demo scenario is a real in-process handshake; the
 * timeline must hold exactly the messages each side sent, in order, with
 * the right directions, encryption and records, and both sides' results.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlsladder/demo.h"
#include "tlsladder/finished.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/finished.h"
#include "tlsladder/inspect.h"
#include "tlsladder/names.h"
#include "tlsladder/paths.h"
#include "tlsladder/summary.h"
#include "tlsladder/text.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

static char certs[PATH_MAX];

/* Runs a scenario; returns the timeline and the client's exit code. */
static struct timeline *run(const struct demo_scenario *sc, int *rc)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { certs, 300, 20000, true, -1, NULL };
	struct tl_error err = { 0, "" };

	assert_non_null(tl);
	*rc = demo_run(sc, &o, tl, &err);
	if (*rc < 0)
		fail_msg("demo %s did not start: %s", sc->name, err.msg);
	timeline_finish(tl);
	return tl;
}

/* The messages (handshake, CCS, alerts) one side sent in connection conn, space separated. */
static void sequence(const struct timeline *tl, enum tl_side from, unsigned conn, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		char item[64];

		timeline_get(tl, i, &ev);
		if (ev.from != from || ev.conn != conn)
			continue;
		if (ev.kind == TL_EV_HANDSHAKE || ev.kind == TL_EV_CCS)
			snprintf(item, sizeof item, "%s", timeline_event_name(&ev));
		else if (ev.kind == TL_EV_ALERT)
			snprintf(item, sizeof item, "Alert:%s", names_alert(ev.alert_desc));
		else
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%s", used ? " " : "", item);
	}
}

/* Asserts both sides' sequences. */
static void expect(const struct timeline *tl, unsigned conn, const char *client, const char *server)
{
	char got[1024];

	sequence(tl, TL_CLIENT, conn, got, sizeof got);
	assert_string_equal(got, client);
	sequence(tl, TL_SERVER, conn, got, sizeof got);
	assert_string_equal(got, server);
}

/*
 * TLS 1.3: the keys an encrypted record of event i must be under: handshake
 * keys up to and including the record carrying the sender's Finished (one
 * record per message here), application keys after it. Counted from the
 * sender's encrypted handshake messages before the record.
 */
static enum tl_keys expected_record_keys(const struct timeline *tl, size_t i)
{
	struct tl_event rec, ev;
	unsigned msgs = 0, recs = 0, fin_at = 0;

	timeline_get(tl, i, &rec);
	for (size_t k = 0; k < timeline_count(tl); k++) {
		timeline_get(tl, k, &ev);
		if (ev.from != rec.from || ev.conn != rec.conn || !ev.encrypted)
			continue;
		if (ev.kind == TL_EV_HANDSHAKE && ev.keys == TL_KEYS_HANDSHAKE) {
			msgs++;
			if (ev.hs_type == 20)
				fin_at = msgs;
		}
		if (ev.kind == TL_EV_RECORD && k < i)
			recs++;
	}
	return fin_at && recs < fin_at ? TL_KEYS_HANDSHAKE : TL_KEYS_APPLICATION;
}

/* Every message was seen by both ends with the same bytes; checks encryption per version. */
static void check_events(const struct timeline *tl, bool tls13)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;

		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_NOTE)
			continue;
		assert_true(ev.sent_seen);
		if (!ev.recv_seen)
			fail_msg("event %zu (%s from %s) was never received", i, timeline_event_name(&ev),
				 ev.from == TL_CLIENT ? "client" : "server");
		assert_false(ev.recv_differs);
		if (ev.kind == TL_EV_HANDSHAKE) {
			bool hello = ev.hs_type == 1 || ev.hs_type == 2 || ev.hs_type == TL_HS_HELLO_RETRY_REQUEST;
			bool expect_enc = tls13 ? !hello : ev.hs_type == 20;
			if (ev.encrypted != expect_enc)
				fail_msg("%s: encrypted=%d, expected %d", timeline_event_name(&ev), ev.encrypted, expect_enc);
			if (tls13 && expect_enc)
				assert_int_equal(ev.keys, ev.hs_type == 4 || ev.hs_type == 24 ? TL_KEYS_APPLICATION
											     : TL_KEYS_HANDSHAKE);
		}
		if (ev.kind == TL_EV_RECORD) {
			if (tls13)
				assert_true(ev.rec_type == 22 ? !ev.encrypted : ev.rec_type == 20 ? !ev.encrypted : ev.encrypted);
			assert_true(ev.rec_type >= 20 && ev.rec_type <= 23);
			assert_int_equal(ev.keys, ev.encrypted ? (tls13 ? expected_record_keys(tl, i) : TL_KEYS_TLS12)
							       : TL_KEYS_NONE);
		}
		if (ev.kind == TL_EV_CCS)
			assert_false(ev.encrypted);
		if (ev.kind == TL_EV_ALERT)
			assert_true(ev.encrypted);     /* close_notify after the handshake */
	}
}

/* Both sides finished the handshake, the server verified, closed cleanly. */
static void check_results(const struct timeline *tl, unsigned conn, bool client_cert)
{
	struct tl_result c, s;

	timeline_get_result(tl, TL_CLIENT, conn, &c);
	timeline_get_result(tl, TL_SERVER, conn, &s);
	assert_true(c.set && s.set);
	assert_true(c.handshake_ok);
	assert_true(s.handshake_ok);
	assert_true(c.closed_cleanly);
	assert_true(s.closed_cleanly);
	if (!c.resumed) {
		assert_true(c.verify_done);
		if (!c.verified)
			fail_msg("server certificate: %s", c.verify);
	}
	assert_int_equal(s.peer_sent_cert, client_cert);
	if (client_cert)
		assert_true(s.verified);
	assert_int_not_equal(c.grace_end, TL_GRACE_EXPIRED);      /* no idle wait */
	assert_int_not_equal(c.grace_end, TL_GRACE_NOT_RUN);
}

/* The first record of each side: ClientHello in a record versioned 0x0301 (1.3) or 0x0303. */
static void check_first_records(const struct timeline *tl, unsigned hello_version)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;

		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_RECORD && ev.from == TL_CLIENT) {
			assert_int_equal(ev.rec_type, 22);
			assert_int_equal(ev.rec_version, hello_version);
			return;
		}
	}
	fail_msg("no client record");
}

/* Has a secret with this label (from the keylog function). */
static bool has_secret(const struct timeline *tl, const char *label)
{
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		timeline_get_secret(tl, i, &s);
		if (strcmp(s.label, label) == 0)
			return true;
	}
	return false;
}

static void tls13(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("tls13"), &rc);
	struct summary s;
	struct diag_finding d[2];

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(diagnose(tl, 0, TL_CLIENT, d, 2), 1);
	assert_int_equal(d[0].code, DIAG_OK);
	expect(tl, 0, "ClientHello ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished "
	       "NewSessionTicket NewSessionTicket Alert:close_notify");
	check_events(tl, true);
	check_results(tl, 0, false);
	check_first_records(tl, 0x0301);
	assert_true(summary_build(tl, 0, &s));
	assert_int_equal(s.version, 0x0304);
	assert_int_equal(s.group, 0x001d);              /* x25519 */
	assert_int_equal(s.sigscheme, 0x0403);          /* ecdsa_secp256r1_sha256 */
	assert_false(s.resumed);
	assert_true(has_secret(tl, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
	assert_true(has_secret(tl, "SERVER_HANDSHAKE_TRAFFIC_SECRET"));
	assert_true(has_secret(tl, "CLIENT_TRAFFIC_SECRET_0"));
	assert_true(has_secret(tl, "SERVER_TRAFFIC_SECRET_0"));
	timeline_destroy(tl);
}

static void tls12_ecdhe(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("tls12-ecdhe"), &rc);
	struct summary s;

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0, "ClientHello ClientKeyExchange ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello Certificate ServerKeyExchange ServerHelloDone NewSessionTicket ChangeCipherSpec Finished "
	       "Alert:close_notify");
	check_events(tl, false);
	check_results(tl, 0, false);
	check_first_records(tl, 0x0303);
	assert_true(summary_build(tl, 0, &s));
	assert_int_equal(s.version, 0x0303);
	assert_int_equal(s.kx, SUMMARY_KX_ECDHE);
	assert_int_not_equal(s.group, 0);
	assert_int_not_equal(s.sigscheme, 0);
	assert_true(has_secret(tl, "CLIENT_RANDOM"));
	timeline_destroy(tl);
}

static void tls12_rsa(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("tls12-rsa"), &rc);
	struct summary s;

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0, "ClientHello ClientKeyExchange ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello Certificate ServerHelloDone NewSessionTicket ChangeCipherSpec Finished Alert:close_notify");
	check_events(tl, false);
	check_results(tl, 0, false);
	assert_true(summary_build(tl, 0, &s));
	assert_true(s.rsa_kx);
	assert_int_equal(s.group, 0);
	assert_int_equal(s.sigscheme, 0);
	assert_string_equal(names_cipher_suite(s.cipher_suite) + 0, names_cipher_suite(s.cipher_suite));
	assert_non_null(strstr(names_cipher_suite(s.cipher_suite), "TLS_RSA_WITH_"));
	timeline_destroy(tl);
}

static void mtls13(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("mtls13"), &rc);

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0, "ClientHello ChangeCipherSpec Certificate CertificateVerify Finished Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions CertificateRequest Certificate CertificateVerify "
	       "Finished NewSessionTicket NewSessionTicket Alert:close_notify");
	check_events(tl, true);
	check_results(tl, 0, true);
	{
		struct tl_result c;
		timeline_get_result(tl, TL_CLIENT, 0, &c);
		assert_int_equal(c.grace_end, TL_GRACE_ACCEPTED);    /* the tickets said: accepted */
	}
	timeline_destroy(tl);
}

static void mtls12(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("mtls12"), &rc);

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0,
	       "ClientHello Certificate ClientKeyExchange CertificateVerify ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone NewSessionTicket "
	       "ChangeCipherSpec Finished Alert:close_notify");
	check_events(tl, false);
	check_results(tl, 0, true);
	timeline_destroy(tl);
}

static void hrr(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("hrr"), &rc);
	struct summary s;

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0, "ClientHello ClientHello ChangeCipherSpec Finished Alert:close_notify",
	       "HelloRetryRequest ChangeCipherSpec ServerHello EncryptedExtensions Certificate CertificateVerify "
	       "Finished NewSessionTicket NewSessionTicket Alert:close_notify");
	check_events(tl, true);
	check_results(tl, 0, false);
	assert_true(summary_build(tl, 0, &s));
	assert_true(s.hrr);
	assert_int_equal(s.group, 0x0018);              /* secp384r1, the only one the server takes */
	timeline_destroy(tl);
}

static void resumption(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("resumption"), &rc);
	struct summary s;

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(timeline_conn_count(tl), 2);
	expect(tl, 0, "ClientHello ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished "
	       "NewSessionTicket NewSessionTicket Alert:close_notify");
	expect(tl, 1, "ClientHello ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions Finished NewSessionTicket NewSessionTicket "
	       "Alert:close_notify");
	check_events(tl, true);
	check_results(tl, 0, false);
	check_results(tl, 1, false);
	assert_true(summary_build(tl, 1, &s));
	assert_true(s.resumed);
	assert_true(s.psk);
	assert_true(summary_build(tl, 0, &s));
	assert_false(s.resumed);
	timeline_destroy(tl);
}

/* The key generations of one side's records and messages under application keys, in order, into out:
 * kind letter (R record, H handshake, A alert) and generation, space separated. */
static void generations(const struct timeline *tl, enum tl_side from, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;

		timeline_get(tl, i, &ev);
		if (ev.from != from || ev.keys != TL_KEYS_APPLICATION)
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%c%u", used ? " " : "",
					 ev.kind == TL_EV_RECORD ? 'R' : ev.kind == TL_EV_HANDSHAKE ? 'H' : 'A', ev.key_gen);
	}
}

/* key-update: each side's KeyUpdate is its own row (the client's asks, the server's answers), the
 * records after each use the next application traffic secret, and the Finished checks still match. */
static void key_update(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("key-update"), &rc);
	char got[512];
	unsigned kus = 0, fins = 0;

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0, "ClientHello ChangeCipherSpec Finished KeyUpdate Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished "
	       "NewSessionTicket NewSessionTicket KeyUpdate Alert:close_notify");
	check_events(tl, true);
	check_results(tl, 0, false);
	/* client: data, its KeyUpdate (under _0), data and close_notify under _1 */
	generations(tl, TL_CLIENT, got, sizeof got);
	assert_string_equal(got, "R0 H0 R0 R1 R1 A1");
	/* server: two tickets, its KeyUpdate (under _0), data and close_notify under _1 */
	generations(tl, TL_SERVER, got, sizeof got);
	assert_string_equal(got, "H0 H0 R0 R0 H0 R0 R1 R1 A1");
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct finished_result fr;

		timeline_get(tl, i, &ev);
		if (ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (ev.hs_type == 24) {
			assert_int_equal(ev.body_len, 1);
			/* the client's update_requested (1), the server's update_not_requested (0) */
			assert_int_equal(ev.body[0], ev.from == TL_CLIENT ? 1 : 0);
			kus++;
		} else if (ev.hs_type == 20) {
			assert_int_equal(finished_result_get(tl, i, &fr), FINISHED_MATCH);
			fins++;
		}
	}
	assert_int_equal(kus, 2);
	assert_int_equal(fins, 2);
	timeline_destroy(tl);
}

/* The text summary of every connection (text_write, messages view) in a malloc'd string. */
static char *text_of(const struct timeline *tl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct text_opts o = { .only_conn = -1 };

	assert_non_null(f);
	text_write(f, tl, &o);
	fclose(f);
	return buf;
}

/* Asserts that text holds this exact line. */
static void has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
		p++;
	}
	fail_msg("line \"%s\" not in:\n%s", line, text);
}

/* The summary of connection conn+1 alone (up to the next one). */
static char *summary_part(char *text, unsigned conn)
{
	char head[48], *p, *end;

	snprintf(head, sizeof head, "Summary of connection %u", conn + 1);
	p = strstr(text, head);
	assert_non_null(p);
	end = strstr(p + 1, "\nSummary of connection");
	if (end)
		*end = '\0';
	return p;
}

/* Resumption: each connection's summary says what is true of it; the resumed one
 * says what the connection it resumes established, and never that a certificate
 * was checked when none was sent. */
static void resumption_summary(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("resumption"), &rc);
	char *text = text_of(tl), *c2;
	struct summary s;

	(void)state;
	assert_int_equal(rc, 0);
	assert_true(summary_build(tl, 1, &s));
	assert_int_equal(s.origin_conn, 0);
	assert_int_equal(s.kx, SUMMARY_KX_PSK_ECDHE);
	has_line(text, "  server signature:   ecdsa_secp256r1_sha256");
	has_line(text, "  client certificate: not requested");
	c2 = summary_part(text, 1);
	has_line(c2, "  server signature:   none in this connection; in connection 1 the server signed with "
		     "ecdsa_secp256r1_sha256");
	has_line(c2, "  resumed:            yes, the session of connection 1; no certificate was exchanged in this "
		     "connection");
	has_line(c2, "  server certificate: not sent in this connection; in connection 1: trusted: 2 sent, path "
		     "of 3 to tlsladder Demo Root CA, name matches 'localhost'");
	has_line(c2, "  client certificate: not requested, here or in connection 1");
	assert_null(strstr(text, "checked in the earlier connection"));
	free(text);
	timeline_destroy(tl);
}

/* TLS 1.3 post-handshake authentication: no certificate in the handshake; after the client's request the
 * server sends a CertificateRequest (non-empty context), the client answers with Certificate, CertificateVerify
 * and Finished under its application keys; that Finished recomputes (transcript: the handshake through the
 * client's Finished + CertificateRequest + Certificate + CertificateVerify; key from CLIENT_TRAFFIC_SECRET_0). */
static void post_handshake_auth(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("post-handshake-auth"), &rc);
	char *text = text_of(tl);
	unsigned fins = 0;

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0, "ClientHello ChangeCipherSpec Finished Certificate CertificateVerify Finished Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished "
	       "NewSessionTicket NewSessionTicket CertificateRequest Alert:close_notify");
	/* check_events, for the messages: the server answers the request and closes at once, so the client's
	 * close_notify crossing its own is never read */
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct finished_result r;
		timeline_get(tl, i, &ev);
		if (ev.kind != TL_EV_HANDSHAKE)
			continue;
		assert_true(ev.sent_seen && ev.recv_seen && !ev.recv_differs);
		assert_int_equal(ev.encrypted, ev.hs_type != 1 && ev.hs_type != 2);
		if (ev.encrypted)     /* after the client's Finished: its application keys (and the server's) */
			assert_int_equal(ev.keys, ev.hs_type == 4 || ev.hs_type == 13 || fins > 0 ? TL_KEYS_APPLICATION
												 : TL_KEYS_HANDSHAKE);
		if (ev.hs_type != 20 || ev.from != TL_CLIENT)
			continue;
		assert_int_equal(finished_result_get(tl, i, &r), FINISHED_MATCH);
		assert_int_equal(r.post_handshake, fins == 1);
		assert_string_equal(r.base_secret, fins == 1 ? "CLIENT_TRAFFIC_SECRET_0" : "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
		if (fins == 1)
			assert_int_equal(r.nmsgs, 10);   /* CH SH EE Cert CV Fin Fin, then CR Cert CV */
		fins++;
	}
	assert_int_equal(fins, 2);
	has_line(text, "  client certificate: requested after the handshake (post-handshake auth); sent a chain of 2 "
		       "certificates; trusted: 2 sent, path of 3 to tlsladder Demo Root CA; accepted (HTTP 200)");
	has_line(text, "diagnosis: ok: The handshake completed and everything checked out.");
	free(text);
	timeline_destroy(tl);
}

/* TLS 1.2 mutual TLS, then a resumption with the ticket: connection 2 names the chain connection 1 sent. */
static void resumption_mtls12_summary(void **state)
{
	static const struct demo_scenario sc = {
		.name = "mtls12-resumption", .summary = "TLS 1.2 mutual TLS, then resumed",
		.client_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2", .server_priority = "NORMAL",
		.server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
		.client_cert = "client-chain.pem", .client_key = "client.key", .client_auth = TL_AUTH_REQUIRE,
		.connections = 2
	};
	int rc;
	struct timeline *tl = run(&sc, &rc);
	char *text = text_of(tl), *c2;
	struct summary s;

	(void)state;
	assert_int_equal(rc, 0);
	assert_true(summary_build(tl, 1, &s));
	assert_true(s.resumed);
	assert_int_equal(s.kx, SUMMARY_KX_RESUMED);
	assert_int_equal(s.origin_conn, 0);
	c2 = summary_part(text, 1);
	has_line(c2, "  key exchange:       resumed (abbreviated handshake)");
	has_line(c2, "  server signature:   none in this connection; in connection 1 the server signed with "
		     "ecdsa_secp256r1_sha256");
	has_line(c2, "  client certificate: not sent in this connection; in connection 1 the client sent a chain of "
		     "2 certificates: trusted: 2 sent, path of 3 to tlsladder Demo Root CA");
	free(text);
	timeline_destroy(tl);
}

/* Early data: connection 2 resumes and sends its request as 0-RTT data, which the
 * server accepts and reads; the summary and the notes say so, with the exact bytes. */
static void early_data(void **state)
{
	const struct demo_scenario *sc = demo_find("early-data");
	int rc;
	struct timeline *tl;
	char *text, *c1, *c2, line[200];
	struct summary s;
	size_t len;

	(void)state;
	assert_non_null(sc);
	len = strlen(sc->early_data);
	tl = run(sc, &rc);
	text = text_of(tl);
	assert_int_equal(rc, 0);
	assert_int_equal(timeline_conn_count(tl), 2);
	expect(tl, 1, "ClientHello EndOfEarlyData Finished Alert:close_notify",
	       "ServerHello ChangeCipherSpec EncryptedExtensions Finished NewSessionTicket NewSessionTicket "
	       "Alert:close_notify");
	assert_true(summary_build(tl, 1, &s));
	assert_true(s.resumed);
	assert_int_equal(s.resume, SUMMARY_RESUME_ACCEPTED);
	assert_true(s.early_data_offered);
	assert_true(s.early_data_accepted);
	assert_true(s.early_data_eoed);
	assert_true(s.early_sent_known && s.early_read_known);
	assert_int_equal(s.early_sent, len);
	assert_int_equal(s.early_read, len);
	assert_true(s.ticket_early);
	assert_int_equal(s.ticket_max_early, 16384);
	assert_int_equal(s.issuer_conn, 0);
	assert_true(s.issuer_ticket == 1 || s.issuer_ticket == 2);
	assert_true(s.ticket_age_known);
	assert_true((int64_t)s.ticket_age_ms <= s.ticket_elapsed_us / 1000 + 1);
	c2 = summary_part(text, 1);
	c1 = summary_part(text, 0);
	assert_null(strstr(c1, "early data:"));
	snprintf(line, sizeof line, "  early data:         offered (%zu bytes sent) and accepted (early_data in "
		 "EncryptedExtensions); the server read %zu bytes; the client ended it with EndOfEarlyData", len, len);
	has_line(c2, line);
	has_line(c2, "  resumed:            yes, the session of connection 1; no certificate was exchanged in this "
		     "connection");
	snprintf(line, sizeof line, "the client sent %zu bytes of early data (0-RTT), encrypted with the "
		 "client_early_traffic_secret, before any answer from the server", len);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof line, "the server read %zu bytes of early data (0-RTT) before the handshake completed", len);
	assert_non_null(strstr(text, line));
	free(text);
	timeline_destroy(tl);
}

/* TLS 1.3: a client certificate from an unknown CA. The client's handshake
 * "succeeds"; the rejection arrives as an alert during the grace period. */
static void late_tls13_rejection(void **state)
{
	struct demo_scenario sc = *demo_find("mtls13");
	struct tl_result c, s;
	bool alert_seen = false;
	int rc;
	struct timeline *tl;

	(void)state;
	sc.client_cert = "client-other-ca.pem";
	sc.client_key = "client-other-ca.key";
	tl = run(&sc, &rc);
	assert_int_equal(rc, TL_EXIT_REJECTED);
	timeline_get_result(tl, TL_CLIENT, 0, &c);
	timeline_get_result(tl, TL_SERVER, 0, &s);
	assert_true(c.handshake_ok);          /* the client's side completed... */
	assert_true(c.rejected_after);        /* ...and then the alert came */
	assert_int_equal(c.grace_end, TL_GRACE_ALERT);
	assert_false(s.handshake_ok);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_ALERT && ev.from == TL_SERVER && ev.alert_level == 2) {
			alert_seen = true;
			assert_true(ev.encrypted);
			assert_true(ev.recv_seen);    /* the client got it */
		}
	}
	assert_true(alert_seen);
	{
		struct diag_finding d[4];
		assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
		assert_string_equal(diag_code_name(d[0].code), "client-cert-untrusted-issuer");
		assert_non_null(strstr(d[0].sentence, "tlsladder Demo Other CA"));
		assert_non_null(strstr(d[0].sentence, "tlsladder Demo Root CA"));
		assert_non_null(strstr(d[0].sentence, "afterwards, as TLS 1.3 allows"));
		assert_true(d[0].nevidence >= 3);
		/* the server's view of the same connection */
		assert_true(diagnose(tl, 0, TL_SERVER, d, 4) >= 1);
		assert_string_equal(diag_code_name(d[0].code), "client-cert-untrusted-issuer");
	}
	timeline_destroy(tl);
}

/* TLS 1.2: the same fault fails the handshake itself, with a plaintext-or-encrypted alert seen by both. */
static void tls12_rejection(void **state)
{
	struct demo_scenario sc = *demo_find("mtls12");
	struct tl_result c;
	bool alert_seen = false;
	int rc;
	struct timeline *tl;

	(void)state;
	sc.client_cert = "client-other-ca.pem";
	sc.client_key = "client-other-ca.key";
	tl = run(&sc, &rc);
	assert_int_equal(rc, TL_EXIT_REJECTED);
	timeline_get_result(tl, TL_CLIENT, 0, &c);
	assert_false(c.handshake_ok);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_ALERT && ev.from == TL_SERVER && ev.alert_level == 2) {
			alert_seen = true;
			assert_true(ev.recv_seen);
		}
	}
	assert_true(alert_seen);
	timeline_destroy(tl);
}

/* Every failure scenario fails, and the diagnosis names the cause it teaches, with evidence. */
static void failure_scenarios(void **state)
{
	unsigned seen = 0;

	(void)state;
	for (size_t i = 0; i < demo_count(); i++) {
		const struct demo_scenario *sc = demo_get(i);
		struct diag_finding d[4];
		struct timeline *tl;
		int rc;

		if (!sc->failure)
			continue;
		seen++;
		tl = run(sc, &rc);
		assert_int_not_equal(rc, 0);
		assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
		if (strcmp(diag_code_name(d[0].code), sc->expect) != 0)
			fail_msg("%s: diagnosis %s, expected %s (%s)", sc->name, diag_code_name(d[0].code), sc->expect,
				 d[0].sentence);
		assert_int_equal(rc, diag_exit_code(d[0].code));
		assert_true(d[0].nevidence >= 1);
		assert_true(strlen(d[0].fix) > 10);
		timeline_destroy(tl);
	}
	assert_true(seen >= 12);
}

/* mtls-revoked: the client's own check names the revocation before connecting; the server sends
 * certificate_revoked (44); both sides' diagnoses say client-cert-revoked, the alert as evidence. */
static void mtls_revoked(void **state)
{
	const struct demo_scenario *sc = demo_find("mtls-revoked");
	struct diag_finding d[4];
	long preflight = -1, alert = -1;
	char want[PATH_MAX + 1024];
	int rc;
	struct timeline *tl;

	(void)state;
	assert_non_null(sc);
	tl = run(sc, &rc);
	assert_int_equal(rc, TL_EXIT_REJECTED);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_DIAGNOSIS && ev.from == TL_CLIENT && preflight < 0)
			preflight = (long)i;
		if (ev.kind == TL_EV_ALERT && ev.from == TL_SERVER && ev.alert_level == 2) {
			alert = (long)i;
			assert_int_equal(ev.alert_desc, 44);     /* certificate_revoked, not GnuTLS's bad_certificate */
		}
	}
	assert_int_equal(preflight, 0);                  /* before anything was sent */
	assert_true(alert > 0);
	if (diagnose(tl, 0, TL_CLIENT, d, 4) != 1)
		fail_msg("more than one finding: %s: %s", diag_code_name(d[1].code), d[1].sentence);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-revoked");
	assert_int_equal(diag_exit_code(d[0].code), TL_EXIT_REJECTED);
	snprintf(want, sizeof want,
		 "The client certificate 'CN=Demo Client (revoked),O=tlsladder demo (DEMO ONLY)' (serial "
		 "38:40:c3:05:d2:bc:18:87:3a:49:48:66:35:b4:2a:31:b4:08:24:6e) was revoked on 2024-06-01: the CRL of "
		 "'CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)' (%s/intermediate-ca.crl, issued "
		 "2024-01-01) lists it. The server's alert certificate_revoked (44) says the same. The handshake completed "
		 "from the client's side; the server rejected the certificate afterwards, as TLS 1.3 allows.", certs);
	assert_string_equal(d[0].sentence, want);
	assert_string_equal(d[0].fix, "Ask the CA for a new client certificate (with a new key if the old one may have "
				      "leaked): a revoked certificate stays revoked.");
	assert_int_equal(d[0].evidence[0], (size_t)preflight);
	assert_int_equal(d[0].evidence[d[0].nevidence - 1], (size_t)alert);
	/* the server's view: the CRL it was given lists the client's certificate */
	assert_true(diagnose(tl, 0, TL_SERVER, d, 4) >= 1);   /* the client's pre-flight finding may follow */
	assert_string_equal(diag_code_name(d[0].code), "client-cert-revoked");
	assert_string_equal(d[0].sentence, "The client's certificate is revoked: a CRL given with --crl lists it (NOT "
					   "trusted according to GnuTLS: The certificate is NOT trusted. The certificate "
					   "chain is revoked; 2 sent, path of 3 to tlsladder Demo Root CA).");
	assert_string_equal(d[0].fix, "The client needs a new certificate from its CA; a revoked certificate stays revoked.");
	timeline_destroy(tl);
}

/* The index of the first event of kind (and, for notes, note code; -1: any), or -1. */
static long first_event(const struct timeline *tl, enum tl_kind kind, int note)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == kind && (note < 0 || (int)ev.note.code == note))
			return (long)i;
	}
	return -1;
}

/* True when finding d cites event ev. */
static bool cites(const struct diag_finding *d, long ev)
{
	for (unsigned i = 0; i < d->nevidence; i++)
		if ((long)d->evidence[i] == ev)
			return true;
	return false;
}

/* A weak key, a SHA-1 signature: the pre-flight finding is the primary cause, the server's alert its evidence. */
static void weak_credentials(void **state)
{
	static const struct {
		const char *scenario, *code, *sentence;
	} cases[] = {
		{ "mtls-weak-key", "client-cert-weak-key",
		  "The client certificate 'CN=Demo Client (RSA 1024)' has a 1024-bit RSA key. OpenSSL's default security "
		  "level 2, used by Debian, Ubuntu and RHEL, refuses RSA and DSA keys under 2048 bits, so servers there reject "
		  "it ('EE certificate key too weak' in their log). The server refused it with alert bad_certificate (42). "
		  "The handshake completed from the client's side; the server rejected the certificate afterwards, as TLS 1.3 "
		  "allows." },
		{ "mtls-sha1-signature", "client-cert-weak-signature",
		  "The client certificate 'CN=Demo Client (SHA-1 signature)' is signed with SHA-1 (ECDSA-SHA1) by "
		  "'CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)'. OpenSSL's default security level 2, used "
		  "by Debian, Ubuntu and RHEL, refuses SHA-1 and MD5 signatures on every certificate but the trust anchor, so "
		  "servers there reject it ('CA signature digest algorithm too weak' in their log). The server refused it "
		  "with alert bad_certificate (42). The handshake completed from the client's side; the server rejected the "
		  "certificate afterwards, as TLS 1.3 allows." },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct diag_finding d[4];
		struct tl_result server;
		int rc;
		struct timeline *tl = run(demo_find(cases[i].scenario), &rc);

		assert_int_equal(rc, 4);
		expect(tl, 0, "ClientHello ChangeCipherSpec Certificate CertificateVerify Finished",
		       "ServerHello ChangeCipherSpec EncryptedExtensions CertificateRequest Certificate CertificateVerify "
		       "Finished Alert:bad_certificate");
		timeline_get_result(tl, TL_SERVER, 0, &server);
		assert_true(server.verify_done && !server.verified);      /* the server itself refused it */
		assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
		assert_string_equal(diag_code_name(d[0].code), cases[i].code);
		assert_string_equal(d[0].sentence, cases[i].sentence);
		assert_true(cites(&d[0], first_event(tl, TL_EV_DIAGNOSIS, -1)));
		assert_true(cites(&d[0], first_event(tl, TL_EV_ALERT, -1)));
		timeline_destroy(tl);
	}
}

/* An Ed25519 key the server's schemes do not fit: not sent, said why, and never called missing. */
static void key_not_accepted(void **state)
{
	struct diag_finding d[4];
	struct tl_event ev;
	int rc;
	struct timeline *tl = run(demo_find("mtls-key-not-accepted"), &rc);
	long note = first_event(tl, TL_EV_NOTE, TL_NOTE_CERT_KEY_NOT_ACCEPTED);

	(void)state;
	assert_int_equal(rc, 4);
	expect(tl, 0, "ClientHello ChangeCipherSpec Certificate Finished",
	       "ServerHello ChangeCipherSpec EncryptedExtensions CertificateRequest Certificate CertificateVerify Finished "
	       "Alert:certificate_required");
	assert_true(note >= 0);
	timeline_get(tl, (size_t)note, &ev);
	assert_int_equal(ev.note.key_kind, TL_KEY_ED25519);
	assert_true(ev.note.withheld);
	assert_int_equal(ev.note.count, 2);
	assert_string_equal(ev.text, "the client's Ed25519 key can make none of the signature schemes the server's "
				     "CertificateRequest accepts (rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256), so the "
				     "client cannot sign its CertificateVerify and sends an empty Certificate");
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-key-not-accepted");
	assert_string_equal(d[0].sentence,
			    "The server does not accept the client's Ed25519 key: its CertificateRequest lists only "
			    "rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256, and an Ed25519 key can sign with none of them, so "
			    "the configured certificate was not sent (an empty Certificate, not a missing certificate). The "
			    "handshake completed from the client's side; the server judged the empty Certificate afterwards "
			    "and ended the connection, as TLS 1.3 allows.");
	assert_string_equal(d[0].fix, "Use a client certificate whose key the server accepts (for rsa_pss_rsae_sha256, "
				      "ecdsa_secp256r1_sha256: an ECDSA P-256 or RSA key), or have the server accept "
				      "Ed25519 signatures.");
	assert_true(cites(&d[0], note));
	assert_int_equal(diag_exit_code(d[0].code), 4);
	timeline_destroy(tl);
}

/* The same over TLS 1.2, where GnuTLS alone would end the handshake itself: the certificate is left out,
 * and the server's verdict on the empty Certificate shows. */
static void key_not_accepted_tls12(void **state)
{
	struct demo_scenario sc = *demo_find("mtls-key-not-accepted");
	struct diag_finding d[4];
	int rc;
	struct timeline *tl;

	(void)state;
	sc.client_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
	tl = run(&sc, &rc);
	assert_int_equal(rc, 4);
	expect(tl, 0, "ClientHello Certificate ClientKeyExchange ChangeCipherSpec Finished",
	       "ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone Alert:decode_error");
	assert_true(first_event(tl, TL_EV_NOTE, TL_NOTE_CERT_KEY_NOT_ACCEPTED) >= 0);
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "client-cert-key-not-accepted");
	assert_non_null(strstr(d[0].sentence, "its CertificateRequest lists only rsa_pss_rsae_sha256, "
					      "ecdsa_secp256r1_sha256, and an Ed25519 key can sign with none of them, so the "
					      "configured certificate was not sent"));
	timeline_destroy(tl);
}

/* Capture off (the benchmark's baseline) records nothing but still completes. */
static void capture_off(void **state)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { certs, 300, 20000, false, -1, NULL };
	struct tl_error err = { 0, "" };

	(void)state;
	assert_int_equal(demo_run(demo_find("tls13"), &o, tl, &err), 0);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		assert_true(ev.kind == TL_EV_NOTE || ev.kind == TL_EV_ERROR);
	}
	timeline_destroy(tl);
}

/*
 * The chain verdict of one Certificate message: what the details say, what
 * the summary says, and what is true. "DAYS" in the words stands for the
 * days since the expired demo certificates' notAfter (2021-01-01 00:00:00 UTC).
 */
struct chain_case {
	const char *scenario;
	enum tl_side sender;      /* whose Certificate message */
	const char *verdict;
	const char *gnutls;       /* GnuTLS's verification, as the handshake ran it */
	const char *store;        /* the trust store of the side that judged it, in certs/ */
};

#define EXPIRED_NOT_AFTER 1609459200       /* 2021-01-01 00:00:00 UTC */
#define ROOT "tlsladder Demo Root CA"
#define DEMO_DN ",O=tlsladder demo (DEMO ONLY)"

static const struct chain_case chain_cases[] = {
	{ "tls13", TL_SERVER, "trusted: 2 sent, path of 3 to " ROOT ", name matches 'localhost'",
	  "The certificate is trusted. (status 0x0)", "root-ca.pem" },
	{ "server-untrusted", TL_SERVER,
	  "NOT trusted: issuer 'CN=" ROOT DEMO_DN "' unknown; 2 sent, no path to a trust anchor",
	  "The certificate is NOT trusted. The certificate issuer is unknown. (status 0x42)", "other-ca.pem" },
	{ "server-expired", TL_SERVER, "NOT trusted: certificate 1 expired DAYS days ago; 2 sent, path of 3 to " ROOT,
	  "The certificate is NOT trusted. The certificate chain uses expired certificate. (status 0x402)", "root-ca.pem" },
	{ "server-name-mismatch", TL_SERVER,
	  "NOT trusted: name mismatch: certificate 1 is for wrong.example, not 'localhost'; 2 sent, path of 3 to " ROOT,
	  "The certificate is NOT trusted. The name in the certificate does not match the expected. (status 0x4002)",
	  "root-ca.pem" },
	{ "mtls13", TL_CLIENT, "trusted: 2 sent, path of 3 to " ROOT, "The certificate is trusted. (status 0x0)",
	  "root-ca.pem" },
	{ "mtls-wrong-ca", TL_CLIENT,
	  "NOT trusted: issuer 'CN=tlsladder Demo Other CA" DEMO_DN "' unknown; 1 sent, no path to a trust anchor",
	  "The certificate is NOT trusted. The certificate issuer is unknown. (status 0x42)", "root-ca.pem" },
	{ "mtls-expired", TL_CLIENT, "NOT trusted: certificate 1 expired DAYS days ago; 2 sent, path of 3 to " ROOT,
	  "The certificate is NOT trusted. The certificate chain uses expired certificate. (status 0x402)", "root-ca.pem" },
	{ "mtls-missing-intermediate", TL_CLIENT,
	  "NOT trusted: issuer 'CN=tlsladder Demo Intermediate CA" DEMO_DN "' unknown; 1 sent, no path to a trust anchor",
	  "The certificate is NOT trusted. The certificate issuer is unknown. (status 0x42)", "root-ca.pem" },
	{ "mtls-wrong-usage", TL_CLIENT,
	  "NOT trusted: extended key usage does not fit: certificate 1 is not for a TLS client (clientAuth missing; it has "
	  "serverAuth); 2 sent, path of 3 to " ROOT,
	  "The certificate is NOT trusted. The certificate chain does not match the intended purpose. (status 0x40002)",
	  "root-ca.pem" },
};

/* The value of the summary line "  KEY VALUE" in text (copied into out); false when absent. */
static bool summary_line(const char *text, const char *key, char *out, size_t n)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof pat, "\n  %-19s ", key);
	p = strstr(text, pat);
	if (!p)
		return false;
	p += strlen(pat);
	end = strchr(p, '\n');
	snprintf(out, n, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
	return true;
}

/* The words with DAYS replaced by the days since EXPIRED_NOT_AFTER. */
static void fill_days(const char *words, char *out, size_t n)
{
	const char *at = strstr(words, "DAYS");

	if (!at)
		snprintf(out, n, "%s", words);
	else
		snprintf(out, n, "%.*s%ld%s", (int)(at - words), words, (long)((time(NULL) - EXPIRED_NOT_AFTER) / 86400),
			 at + 4);
}

/* Checks one case: the details' chain node and the summary say the same true words. */
static void check_chain_case(const struct chain_case *cc)
{
	struct timeline *tl;
	struct tree_node *t = NULL;
	char want[512], store[PATH_MAX + 64], line[1024];
	char *text = NULL;
	size_t len = 0;
	struct text_opts to = { .title = cc->scenario, .only_conn = -1 };
	FILE *f;
	int rc;

	tl = run(demo_find(cc->scenario), &rc);
	fill_days(cc->verdict, want, sizeof want);
	snprintf(store, sizeof store, "CA file %s/%s", certs, cc->store);
	for (size_t i = 0; i < timeline_count(tl) && !t; i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.hs_type == 11 && ev.from == cc->sender)
			t = inspect_event(tl, i);
	}
	if (!t)
		fail_msg("%s: no Certificate message", cc->scenario);
	if (strcmp(tree_find(t, "chain")->value, want) != 0)
		fail_msg("%s: the details say \"%s\", the truth is \"%s\"", cc->scenario, tree_find(t, "chain")->value, want);
	assert_string_equal(tree_find(t, "chain/GnuTLS verification")->value, cc->gnutls);
	assert_string_equal(tree_find(t, "chain/trust store")->value, store);
	assert_non_null(strstr(tree_find(t, "chain/judged by")->value,
			       cc->sender == TL_SERVER ? "the client, with the trust store, host name and purpose (serverAuth)"
						       : "the server, with the trust store and purpose (clientAuth)"));
	tree_free(t);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	text_write(f, tl, &to);
	fclose(f);
	assert_true(summary_line(text, cc->sender == TL_SERVER ? "server certificate:" : "client certificate:", line,
				 sizeof line));
	if (strcmp(line, want) != 0)
		fail_msg("%s: the summary says \"%s\", the details \"%s\"", cc->scenario, line, want);
	free(text);
	timeline_destroy(tl);
}

/* The chain verdict is judged once, with the judging side's own trust, and said alike everywhere. */
static void chain_verdicts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof chain_cases / sizeof chain_cases[0]; i++)
		check_chain_case(&chain_cases[i]);
}

static void catalogue(void **state)
{
	const char *required[] = { "tls13", "tls12-ecdhe", "tls12-rsa", "mtls13", "mtls12", "hrr", "resumption",
				   "post-handshake-auth" };

	(void)state;
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		assert_non_null(demo_find(required[i]));
	assert_string_equal(demo_default()->name, "tls13");
	assert_null(demo_find("nope"));
	for (size_t i = 0; i < demo_count(); i++)
		assert_true(strlen(demo_get(i)->summary) > 10);
}

/* TLS 1.2 renegotiation: after the client's request the server sends a
 * HelloRequest and asks for the client certificate in a second handshake
 * inside the encrypted connection; every message of it carries handshake 2,
 * travels encrypted, and both handshakes' Finished recompute. */
static void renegotiation(void **state)
{
	int rc;
	struct timeline *tl = run(demo_find("renegotiation"), &rc);
	struct summary s;
	unsigned fins = 0, in2 = 0, notes = 0;
	char *text;

	(void)state;
	assert_int_equal(rc, 0);
	expect(tl, 0,
	       "ClientHello ClientKeyExchange ChangeCipherSpec Finished "
	       "ClientHello Certificate ClientKeyExchange CertificateVerify ChangeCipherSpec Finished Alert:close_notify",
	       "ServerHello Certificate ServerKeyExchange ServerHelloDone NewSessionTicket ChangeCipherSpec Finished "
	       "HelloRequest ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone "
	       "ChangeCipherSpec Finished Alert:close_notify");
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct finished_result fr;

		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_NOTE && ev.note.code == TL_NOTE_RENEGOTIATION) {
			notes++;
			assert_int_equal(ev.note.count, 2);
			assert_string_equal(ev.text, "renegotiation (handshake 2, inside the encrypted connection)");
		}
		if (ev.kind != TL_EV_HANDSHAKE && ev.kind != TL_EV_CCS)
			continue;
		assert_true(ev.recv_seen && ev.sent_seen && !ev.recv_differs);
		if (ev.handshake == 2) {
			in2++;
			assert_true(ev.encrypted);           /* all under the first handshake's keys, or its own */
		}
		if (ev.kind == TL_EV_HANDSHAKE && ev.hs_type == 20) {
			fins++;
			if (finished_result_get(tl, i, &fr) != FINISHED_MATCH)
				fail_msg("Finished %zu (handshake %u) does not match", i, ev.handshake);
		}
	}
	assert_int_equal(notes, 1);
	assert_int_equal(fins, 4);
	assert_int_equal(in2, 14);
	assert_true(summary_build(tl, 0, &s));
	assert_int_equal(s.reneg.handshakes, 2);
	assert_true(s.reneg.hello_request && s.reneg.cert_requested && s.reneg.client_fin && s.reneg.server_fin);
	assert_int_equal(s.reneg.client_certs, 2);
	assert_int_equal(s.reneg.first_client, SUMMARY_RI_EMPTY);
	assert_int_equal(s.reneg.first_server, SUMMARY_RI_EMPTY);
	assert_int_equal(s.reneg.client_ri, SUMMARY_RI_MATCH);
	assert_int_equal(s.reneg.server_ri, SUMMARY_RI_MATCH);
	text = text_of(tl);
	has_line(text, "  renegotiation:      the server asked (HelloRequest) after the handshake; a second handshake with "
		       "a client certificate: accepted");
	has_line(text, "diagnosis: ok: The handshake completed and everything checked out.");
	free(text);
	timeline_destroy(tl);
}

/* A server without RFC 5746 (GnuTLS %DISABLE_SAFE_RENEGOTIATION: no renegotiation_info, and it ignores the
 * client's) asks to renegotiate: the client refuses, as GnuTLS does by default, and the run is not ok. */
static void renegotiation_unsafe(void **state)
{
	static const struct demo_scenario sc = {
		.name = "renegotiation-unsafe", .summary = "a server without RFC 5746 asks to renegotiate",
		.client_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2", .server_priority = "NORMAL:%DISABLE_SAFE_RENEGOTIATION",
		.server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .client_cert = "client-chain.pem",
		.client_key = "client.key", .reneg_auth = TL_AUTH_REQUIRE, .connections = 1, .failure = true,
		.expect = "renegotiation-unsafe" };
	int rc;
	struct timeline *tl = run(&sc, &rc);
	struct diag_finding d[4];
	struct summary s;
	char *text;

	(void)state;
	assert_true(diagnose(tl, 0, TL_CLIENT, d, 4) >= 1);
	assert_string_equal(diag_code_name(d[0].code), "renegotiation-unsafe");
	assert_int_equal(rc, diag_exit_code(d[0].code));
	assert_int_equal(rc, TL_EXIT_REJECTED);
	assert_true(summary_build(tl, 0, &s));
	assert_int_equal(s.reneg.first_server, SUMMARY_RI_ABSENT);
	assert_true(s.reneg.hello_request);
	assert_false(s.reneg.client_fin);
	text = text_of(tl);
	has_line(text, "  renegotiation:      the server asked (HelloRequest) after the handshake; a second handshake in which "
		       "the server asked for a client certificate (the client sent no Certificate message): refused by "
		       "the client (the server does not support RFC 5746)");
	assert_non_null(strstr(text, "|==== [2] Alert warning no_renegotiation (100) ===>|  encrypted\n"));
	has_line(text, "  RFC 5746:           not supported by the server (no renegotiation_info in its ServerHello): "
		       "renegotiation without RFC 5746 is open to the 2009 prefix-injection attack (CVE-2009-3555)");
	assert_non_null(strstr(text, "-- error (client): the client refused to renegotiate (handshake 2): the server does "
				     "not support secure renegotiation (RFC 5746)\n"));
	assert_non_null(strstr(text, "diagnosis: renegotiation-unsafe: The server asked to renegotiate (HelloRequest) but "
				     "does not support secure renegotiation (RFC 5746: no renegotiation_info in its "
				     "ServerHello), so the client refused, as GnuTLS does by default."));
	free(text);
	timeline_destroy(tl);
}

/* Finds the demo certificates before the tests. */
static int setup(void **state)
{
	struct tl_error err;

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	return session_global_init(&err);
}

static int teardown(void **state)
{
	(void)state;
	session_global_deinit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue),
		cmocka_unit_test(tls13),
		cmocka_unit_test(tls12_ecdhe),
		cmocka_unit_test(tls12_rsa),
		cmocka_unit_test(mtls13),
		cmocka_unit_test(mtls12),
		cmocka_unit_test(hrr),
		cmocka_unit_test(resumption),
		cmocka_unit_test(resumption_summary),
		cmocka_unit_test(key_update),
		cmocka_unit_test(renegotiation),
		cmocka_unit_test(renegotiation_unsafe),
		cmocka_unit_test(resumption_mtls12_summary),
		cmocka_unit_test(post_handshake_auth),
		cmocka_unit_test(early_data),
		cmocka_unit_test(late_tls13_rejection),
		cmocka_unit_test(tls12_rejection),
		cmocka_unit_test(failure_scenarios),
		cmocka_unit_test(mtls_revoked),
		cmocka_unit_test(capture_off),
		cmocka_unit_test(chain_verdicts),
		cmocka_unit_test(weak_credentials),
		cmocka_unit_test(key_not_accepted),
		cmocka_unit_test(key_not_accepted_tls12),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
