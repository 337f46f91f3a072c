/*
 * test_explain.c: the classroom explanations (src/core/explain.c).
 *
 * The timelines come from real handshakes: every demo scenario runs
 * in-process once (group setup), plus a client certificate from an unknown
 * CA for a real fatal alert. Every event of every run must get a sane
 * paragraph and title; chosen events must name the values they carry. Hand-
 * made events cover alerts, records, notes, empty certificates, and bodies
 * that are cut short or garbage (no crash, generic text).
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

#include "tlsladder/decode.h"
#include "tlsladder/demo.h"
#include "tlsladder/explain.h"
#include "tlsladder/names.h"
#include "tlsladder/paths.h"
#include "tlsladder/reader.h"
#include "tlsladder/timeline.h"

#define MAX_RUNS 32
#define UNREADABLE "could not be decoded"

struct run {
	const char *name;
	struct timeline *tl;
};

static char certs[PATH_MAX];
static struct run runs[MAX_RUNS];
static size_t nruns;

/* Runs a scenario into a new merging timeline; NULL when it could not start. */
static struct timeline *run_scenario(const struct demo_scenario *sc)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true,
			       .cancel_fd = -1 };
	struct tl_error err = { 0, "" };

	if (!tl)
		return NULL;
	if (demo_run(sc, &o, tl, &err) < 0) {
		fprintf(stderr, "demo %s did not start: %s\n", sc->name, err.msg);
		timeline_destroy(tl);
		return NULL;
	}
	timeline_finish(tl);
	return tl;
}

/* The timeline of a run by name (fails the test when missing). */
static struct timeline *timeline_of(const char *name)
{
	for (size_t k = 0; k < nruns; k++)
		if (strcmp(runs[k].name, name) == 0)
			return runs[k].tl;
	fail_msg("no run called %s", name);
	return NULL;
}

/* Index of the nth (0-based) handshake message of type from side in conn; fails when absent. */
static size_t find_hs(const struct timeline *tl, unsigned conn, unsigned type, enum tl_side from, unsigned nth)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;

		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.conn == conn && ev.hs_type == type && ev.from == from &&
		    nth-- == 0)
			return i;
	}
	fail_msg("no handshake message %u from side %d in connection %u", type, (int)from, conn);
	return 0;
}

/* The paragraph for event i, checked for the rules every paragraph keeps. */
static const char *explained(const struct timeline *tl, size_t i, char *buf, size_t n)
{
	size_t len = explain_event(tl, i, buf, n);

	if (len == 0 || len != strlen(buf))
		fail_msg("event %zu: length %zu, text \"%s\"", i, len, buf);
	if (buf[len - 1] != '.')
		fail_msg("event %zu does not end with a full stop: \"%s\"", i, buf);
	if (len >= 900)
		fail_msg("event %zu: %zu characters: \"%s\"", i, len, buf);
	if (strchr(buf, '%') || strstr(buf, "(null)") || strstr(buf, "  "))
		fail_msg("event %zu: format leak: \"%s\"", i, buf);
	return buf;
}

/* Asserts that text contains needle, showing the text when it does not. */
static void assert_has(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not found in: %s", needle, text);
}

/* Asserts that text does not contain needle. */
static void assert_lacks(const char *text, const char *needle)
{
	if (strstr(text, needle))
		fail_msg("\"%s\" unexpectedly in: %s", needle, text);
}

/* Counts real cipher suites in a ClientHello body, independently of explain.c. */
static unsigned count_suites(const struct tl_event *ch)
{
	struct reader r, sid, suites;
	unsigned v, count = 0;

	reader_init(&r, ch->body, ch->body_len);
	reader_skip(&r, 2 + 32);
	reader_vec(&r, 1, &sid);
	reader_vec(&r, 2, &suites);
	assert_false(r.failed);
	while (reader_left(&suites) >= 2 && reader_u16(&suites, &v))
		if (!names_is_grease(v) && v != 0x00ff && v != 0x5600)
			count++;
	return count;
}

/* Every event of every run: a sane paragraph and title; snprintf-like lengths. */
static void every_event(void **state)
{
	char buf[2048], small[16], title[160];

	(void)state;
	assert_true(nruns >= 7);
	for (size_t k = 0; k < nruns; k++) {
		const struct timeline *tl = runs[k].tl;

		assert_true(timeline_count(tl) > 0);
		for (size_t i = 0; i < timeline_count(tl); i++) {
			size_t len, tlen;

			explained(tl, i, buf, sizeof buf);
			len = strlen(buf);
			/* truncation: same needed length, prefix written, always terminated */
			assert_int_equal(explain_event(tl, i, small, sizeof small), len);
			assert_int_equal(strlen(small), sizeof small - 1);
			assert_memory_equal(small, buf, sizeof small - 1);
			assert_int_equal(explain_event(tl, i, NULL, 0), len);
			tlen = explain_title(tl, i, title, sizeof title);
			if (tlen == 0 || tlen != strlen(title) || strchr(title, '%') || strstr(title, "(null)") ||
			    strchr(title, '\n'))
				fail_msg("%s event %zu: bad title \"%s\"", runs[k].name, i, title);
			assert_int_equal(explain_title(tl, i, NULL, 0), tlen);
		}
		title[0] = 'x';
		assert_int_equal(explain_event(tl, timeline_count(tl), title, sizeof title), 0);
		assert_string_equal(title, "");
		assert_int_equal(explain_title(tl, timeline_count(tl) + 5, title, sizeof title), 0);
	}
}

/* tls13: the ServerHello names the suite, the group and how many suites were offered. */
static void tls13_server_hello(void **state)
{
	const struct timeline *tl = timeline_of("tls13");
	char buf[1024], want[64], title[64];
	struct tl_event ch;
	size_t i = find_hs(tl, 0, 2, TL_SERVER, 0);

	(void)state;
	timeline_get(tl, find_hs(tl, 0, 1, TL_CLIENT, 0), &ch);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "TLS_AES_");
	assert_has(buf, "x25519");
	snprintf(want, sizeof want, "from the %u suites the client offered", count_suites(&ch));
	assert_has(buf, want);
	assert_has(buf, "one round trip");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "ServerHello");

	explained(tl, find_hs(tl, 0, 1, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "\"localhost\"");
	assert_has(buf, "key share");
	assert_has(buf, "TLS 1.3");

	i = find_hs(tl, 0, 11, TL_SERVER, 0);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "2 certificates");
	assert_has(buf, "encrypted");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "Certificate (2 certs)");

	explained(tl, find_hs(tl, 0, 15, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "ecdsa_secp256r1_sha256");
	assert_has(buf, "transcript");

	explained(tl, find_hs(tl, 0, 20, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "48-byte");
	assert_has(buf, "same messages");

	explained(tl, find_hs(tl, 0, 4, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "After the handshake");
	assert_has(buf, "encrypted");

	for (size_t k = 0; k < timeline_count(tl); k++) {
		struct tl_event ev;

		timeline_get(tl, k, &ev);
		if (ev.kind == TL_EV_CCS) {
			explained(tl, k, buf, sizeof buf);
			assert_has(buf, "middleboxes");
		} else if (ev.kind == TL_EV_ALERT) {
			explained(tl, k, buf, sizeof buf);
			assert_has(buf, "close_notify");
			assert_has(buf, "truncation");
			explain_title(tl, k, title, sizeof title);
			assert_string_equal(title, "Alert warning close_notify (0)");
		} else if (ev.kind == TL_EV_RECORD && ev.rec_type == 23) {
			explained(tl, k, buf, sizeof buf);
			assert_has(buf, "application_data on the outside");
		} else if (ev.kind == TL_EV_RECORD && ev.rec_type == 22 && ev.from == TL_CLIENT) {
			explained(tl, k, buf, sizeof buf);
			assert_has(buf, "frozen");
		}
	}
}

/* tls12-rsa: the ClientKeyExchange is opened by the server's private key; no forward secrecy. */
static void tls12_rsa_client_key_exchange(void **state)
{
	const struct timeline *tl = timeline_of("tls12-rsa");
	char buf[1024];

	(void)state;
	explained(tl, find_hs(tl, 0, 16, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "server's private key");
	assert_has(buf, "no forward secrecy");
	assert_has(buf, "2048-bit");
	/* GnuTLS negotiates the extended master secret by default: the master secret comes from the session hash */
	assert_has(buf, " With the extended master secret (RFC 7627) the master secret comes from it and the session "
			"hash (a hash of the handshake up to this message), the session keys from the master secret and "
			"the randoms; a matching Finished shows the server opened it.");
	explained(timeline_of("tls12-rsa-no-ems"), find_hs(timeline_of("tls12-rsa-no-ems"), 0, 16, TL_CLIENT, 0), buf,
		  sizeof buf);
	assert_has(buf, " Only the server's private key can open it; the master secret comes from it and the two hello "
			"randoms, the session keys from the master secret; a matching Finished shows the server opened "
			"it.");
	assert_lacks(buf, "extended master secret");

	explained(tl, find_hs(tl, 0, 2, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "TLS_RSA_WITH_");
	assert_has(buf, "RSA key exchange");

	explained(tl, find_hs(tl, 0, 14, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "first flight (ServerHello and Certificate)");

	explained(tl, find_hs(tl, 0, 20, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "12-byte");

	explained(tl, find_hs(tl, 0, 4, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "in the clear");

	for (size_t k = 0; k < timeline_count(tl); k++) {
		struct tl_event ev;

		timeline_get(tl, k, &ev);
		if (ev.kind == TL_EV_CCS) {
			explained(tl, k, buf, sizeof buf);
			assert_has(buf, "keys we just agreed");
			assert_lacks(buf, "middlebox");
		}
	}
}

/* tls12-ecdhe: the ServerKeyExchange names its group and signature; the client's share answers it. */
static void tls12_ecdhe_key_exchange(void **state)
{
	const struct timeline *tl = timeline_of("tls12-ecdhe");
	char buf[1024];

	(void)state;
	explained(tl, find_hs(tl, 0, 12, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "forward secrecy");
	assert_has(buf, "signs");
	assert_lacks(buf, UNREADABLE);
	explained(tl, find_hs(tl, 0, 16, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "ECDHE");
	assert_has(buf, "with the extended master secret (RFC 7627) the master secret is derived from it and the "
			"session hash");
	assert_has(buf, "forward secrecy");
	assert_lacks(buf, "no forward secrecy");
	assert_lacks(buf, UNREADABLE);
}

/* hrr: the HelloRetryRequest names the group the server wants. */
static void hrr_retry(void **state)
{
	const struct timeline *tl = timeline_of("hrr");
	char buf[1024];

	(void)state;
	explained(tl, find_hs(tl, 0, TL_HS_HELLO_RETRY_REQUEST, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "secp384r1");
	assert_has(buf, "x25519");
	assert_has(buf, "extra round trip");

	explained(tl, find_hs(tl, 0, 1, TL_CLIENT, 1), buf, sizeof buf);
	assert_has(buf, "second time");
	assert_has(buf, "secp384r1");

	explained(tl, find_hs(tl, 0, 2, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "secp384r1");
}

/* The ChangeCipherSpec event from side from in connection 0 (the first one). */
static size_t find_ccs(const struct timeline *tl, enum tl_side from)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_CCS && ev.conn == 0 && ev.from == from)
			return i;
	}
	fail_msg("no ChangeCipherSpec from side %d", (int)from);
	return 0;
}

/* The "meaning" line of the decoded ChangeCipherSpec at index i (the -v text and the detail pane). */
static void assert_ccs_meaning(const struct timeline *tl, size_t i, const char *meaning)
{
	struct tree_node *t = decode_event(tl, i);

	assert_string_equal(tree_find(t, "meaning")->value, meaning);
	tree_free(t);
}

/* ChangeCipherSpec says what really happened: after a HelloRetryRequest nothing is encrypted yet;
 * after ServerHello the keys had already switched; in TLS 1.2 it is the switch. */
static void ccs_roles(void **state)
{
	const struct timeline *tl = timeline_of("hrr");
	char buf[1024];
	size_t i;

	(void)state;
	i = find_ccs(tl, TL_SERVER);
	assert_int_equal(decode_ccs_role(tl, i), DECODE_CCS_TLS13_AFTER_HRR);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "The server sends it right after its HelloRetryRequest, so nothing is encrypted yet: the "
			"second ClientHello and the ServerHello still travel in the clear, and encryption starts only "
			"after the ServerHello.");
	assert_lacks(buf, "already");
	assert_ccs_meaning(tl, i, "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that "
			   "expect TLS 1.2 let the connection through (RFC 8446, appendix D.4), and the client ignores "
			   "it. The server sends it right after its HelloRetryRequest: nothing is encrypted yet, the "
			   "second ClientHello and the ServerHello still travel in the clear; encryption starts after the "
			   "ServerHello.");
	i = find_ccs(tl, TL_CLIENT);
	assert_int_equal(decode_ccs_role(tl, i), DECODE_CCS_TLS13_AFTER_SH);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "The client's keys did not switch here: its handshake traffic keys have been in use since "
			"the ServerHello, with no signal needed.");

	tl = timeline_of("tls13");
	i = find_ccs(tl, TL_SERVER);
	assert_int_equal(decode_ccs_role(tl, i), DECODE_CCS_TLS13_AFTER_SH);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "The real switch to encryption already happened right after the ServerHello, with no "
			"signal needed.");
	assert_ccs_meaning(tl, i, "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that "
			   "expect TLS 1.2 let the connection through (RFC 8446, appendix D.4), and the client ignores "
			   "it. Encryption already started after the ServerHello, with no signal needed: the server's "
			   "next messages are protected with its handshake traffic keys.");

	tl = timeline_of("tls12-ecdhe");
	i = find_ccs(tl, TL_CLIENT);
	assert_int_equal(decode_ccs_role(tl, i), DECODE_CCS_TLS12);
	assert_ccs_meaning(tl, i, "From the next record on, the sender protects everything with the keys just "
			   "negotiated; the first protected message is its Finished.");
}

/* resumption: the second ServerHello accepts the ticket; no certificate. */
static void resumption_ticket(void **state)
{
	const struct timeline *tl = timeline_of("resumption");
	char buf[1024];

	(void)state;
	explained(tl, find_hs(tl, 1, 2, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "ticket");
	assert_has(buf, "resumed");
	assert_has(buf, "No Certificate");
	explained(tl, find_hs(tl, 1, 1, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "pre_shared_key");
	explained(tl, find_hs(tl, 0, 2, TL_SERVER, 0), buf, sizeof buf);
	assert_lacks(buf, "resumed");
}

/* Renegotiation: the second hellos say they are handshake 2, quote the verify_data their
 * renegotiation_info carries (the first handshake's Finished) and that it matches. */
static void renegotiation_hellos(void **state)
{
	const struct timeline *tl = timeline_of("renegotiation");
	char buf[1024], want[256];
	struct tl_event fin;

	(void)state;
	timeline_get(tl, find_hs(tl, 0, 20, TL_CLIENT, 0), &fin);
	assert_int_equal(fin.body_len, 12);
	explained(tl, find_hs(tl, 0, 1, TL_CLIENT, 1), buf, sizeof buf);
	assert_has(buf, "This ClientHello belongs to a renegotiation (handshake 2): a whole new handshake inside the "
			"encrypted connection, answering the server's HelloRequest.");
	snprintf(want, sizeof want, "from the previous handshake's Finished (%02x%02x %02x%02x", fin.body[0], fin.body[1],
		 fin.body[2], fin.body[3]);
	assert_has(buf, want);
	assert_has(buf, "): MATCH. This binds the new handshake to the old one");
	explained(tl, find_hs(tl, 0, 2, TL_SERVER, 1), buf, sizeof buf);
	assert_has(buf, "This ServerHello belongs to a renegotiation (handshake 2).");
	assert_has(buf, "both sides' verify_data from the previous Finished messages (");
	assert_has(buf, "): MATCH.");
	assert_has(buf, "In a renegotiation the whole handshake travels encrypted under the previous handshake's keys");
	assert_lacks(buf, "an observer can read the certificate");
	explained(tl, find_hs(tl, 0, 1, TL_CLIENT, 0), buf, sizeof buf);
	assert_lacks(buf, "renegotiation");
	explained(tl, find_hs(tl, 0, 0, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "The server asks the client to start a new handshake");
}

/* mtls13 and mtls12: the request asks the client to prove its identity; the client's certificate. */
static void mutual_tls(void **state)
{
	const struct timeline *tl = timeline_of("mtls13");
	char buf[1024];

	(void)state;
	explained(tl, find_hs(tl, 0, 13, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "the client must");
	assert_has(buf, "prove its identity");
	assert_has(buf, "signature algorithms");
	assert_lacks(buf, UNREADABLE);
	explained(tl, find_hs(tl, 0, 11, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "client answers");
	assert_lacks(buf, UNREADABLE);
	explained(tl, find_hs(tl, 0, 15, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "client holds that key");

	tl = timeline_of("mtls12");
	explained(tl, find_hs(tl, 0, 13, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "prove its identity");
	assert_has(buf, "ECDSA");
	assert_lacks(buf, UNREADABLE);
	explained(tl, find_hs(tl, 0, 14, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "CertificateRequest");
	assert_has(buf, "its Certificate, ClientKeyExchange, CertificateVerify");
}

/* Post-handshake authentication: the late CertificateRequest says when and how it came, with the context
 * it carries; the client's Certificate says it echoes that context; a request in the handshake says neither. */
static void post_handshake_request(void **state)
{
	const struct timeline *tl = timeline_of("post-handshake-auth");
	char buf[1024], ctx[40], want[300];
	struct tl_event cr;
	size_t i = find_hs(tl, 0, 13, TL_SERVER, 0);

	(void)state;
	timeline_get(tl, i, &cr);
	assert_true(cr.body_len > 1 && cr.body[0] > 0 && cr.body[0] <= 16 && cr.body_len > cr.body[0]);
	for (unsigned k = 0; k < cr.body[0]; k++)     /* GnuTLS's context: 12 bytes, all shown */
		snprintf(ctx + 2 * k, sizeof ctx - 2 * k, "%02x", cr.body[1 + k]);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "This request comes after the handshake: TLS 1.3 post-handshake authentication (RFC 8446 "
			"4.6.2), allowed because the client offered post_handshake_auth;");
	snprintf(want, sizeof want, "Its certificate_request_context, %u bytes (%s), is fresh: the client's "
		 "Certificate must echo it.", cr.body[0], ctx);
	assert_has(buf, want);
	assert_lacks(buf, "This is mutual TLS");
	explained(tl, find_hs(tl, 0, 11, TL_CLIENT, 0), buf, sizeof buf);
	snprintf(want, sizeof want, "It answers a CertificateRequest the server sent after the handshake "
		 "(post-handshake authentication) and echoes its certificate_request_context, %u bytes (%s),",
		 cr.body[0], ctx);
	assert_has(buf, want);
	tl = timeline_of("mtls13");
	explained(tl, find_hs(tl, 0, 13, TL_SERVER, 0), buf, sizeof buf);
	assert_lacks(buf, "after the handshake");
	explained(tl, find_hs(tl, 0, 11, TL_CLIENT, 0), buf, sizeof buf);
	assert_lacks(buf, "after the handshake");
}

/* A configured certificate left out because the server accepts no scheme its key can make: said so, not "had none". */
static void key_not_accepted(void **state)
{
	const struct timeline *tl = timeline_of("mtls-key-not-accepted");
	char buf[1024];

	(void)state;
	explained(tl, find_hs(tl, 0, 11, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "The client sent an empty Certificate message although it has a certificate: its Ed25519 key "
			"can sign with none of the signature schemes the server's CertificateRequest accepts, so it could "
			"not make the CertificateVerify that must follow a certificate, and left the certificate out.");
	assert_lacks(buf, "It had no certificate");
	tl = timeline_of("mtls-no-cert");
	explained(tl, find_hs(tl, 0, 11, TL_CLIENT, 0), buf, sizeof buf);
	assert_has(buf, "It had no certificate");
}

/* A real rejection: the server's fatal alert is named and explained. */
static void real_rejection(void **state)
{
	const struct timeline *tl = timeline_of("rejected");
	char buf[1024], title[96];
	bool seen = false;

	(void)state;
	for (size_t k = 0; k < timeline_count(tl); k++) {
		struct tl_event ev;

		timeline_get(tl, k, &ev);
		if (ev.kind != TL_EV_ALERT || ev.alert_level != 2)
			continue;
		seen = true;
		explained(tl, k, buf, sizeof buf);
		assert_non_null(names_alert(ev.alert_desc));
		assert_has(buf, names_alert(ev.alert_desc));
		assert_has(buf, "fatal");
		explain_title(tl, k, title, sizeof title);
		assert_has(title, "Alert fatal ");
	}
	assert_true(seen);
}

/* Appends a hand-made event (the sender's observation) and returns its index. */
static size_t add(struct timeline *tl, const struct tl_event *ev)
{
	int seq = timeline_observe(tl, ev, true);

	assert_true(seq >= 0);
	return (size_t)seq;
}

/* A hand-made alert event. */
static size_t add_alert(struct timeline *tl, unsigned level, unsigned desc, enum tl_side from)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_ALERT;
	ev.from = from;
	ev.version = 0x0304;
	ev.encrypted = true;
	ev.alert_level = level;
	ev.alert_desc = desc;
	return add(tl, &ev);
}

/* Alert 48 names unknown_ca and what to check; every common alert has advice. */
static void alerts(void **state)
{
	static const unsigned common[] = { 40, 42, 43, 44, 45, 46, 48, 49, 51, 70, 80, 112, 116 };
	struct timeline *tl = timeline_create(true);
	char buf[1024], title[96];
	size_t i;

	(void)state;
	i = add_alert(tl, 2, 48, TL_SERVER);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "unknown_ca");
	assert_has(buf, "server sends a fatal alert");
	assert_has(buf, "Check that the receiver trusts the root CA");
	assert_has(buf, "intermediate");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "Alert fatal unknown_ca (48)");

	for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
		i = add_alert(tl, 2, common[k], TL_CLIENT);
		explained(tl, i, buf, sizeof buf);
		assert_has(buf, names_alert(common[k]));
		assert_has(buf, names_alert_meaning(common[k]));
		if (!strstr(buf, "Check") && !strstr(buf, "check") && !strstr(buf, "replaced") &&
		    !strstr(buf, "Give the client"))
			fail_msg("no advice for alert %u: %s", common[k], buf);
	}
	/* every described alert, both levels, and nonsense */
	for (unsigned d = 0; d < 256; d++) {
		i = add_alert(tl, d % 2 ? 1 : 2, d, TL_SERVER);
		explained(tl, i, buf, sizeof buf);
		if (names_alert(d))
			assert_has(buf, names_alert(d));
	}
	i = add_alert(tl, 7, 200, TL_SERVER);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "level 7");
	assert_has(buf, "description 200");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "Alert level 7 unknown (200)");

	i = add_alert(tl, 1, 0, TL_CLIENT);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "client says it has finished sending");
	timeline_destroy(tl);
}

/* A hand-made handshake event. */
static size_t add_hs(struct timeline *tl, unsigned type, enum tl_side from, unsigned version, const uint8_t *body,
		     size_t len)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.from = from;
	ev.hs_type = type;
	ev.version = version;
	ev.encrypted = version == 0x0304 && type != 1 && type != 2 && type != TL_HS_HELLO_RETRY_REQUEST;
	ev.body = body;
	ev.body_len = len;
	/* a connection stores at most TL_CONN_MAX_EVENTS events and TL_CONN_MAX_STORED bytes: the
	 * hundreds of hand-made bodies of one test fill connections of 32 */
	ev.conn = (unsigned)(timeline_count(tl) / 32);
	return add(tl, &ev);
}

/* Records, CCS, notes, errors, empty client certificates, KeyUpdate and unknown messages. */
static void hand_made(void **state)
{
	static const uint8_t empty13[] = { 0, 0, 0, 0 }, empty12[] = { 0, 0, 0 };
	static const uint8_t ku[] = { 1 };
	struct timeline *tl = timeline_create(false);
	char buf[1024], title[96];
	struct tl_event ev;
	size_t i;

	(void)state;
	i = add_hs(tl, 11, TL_CLIENT, 0x0304, empty13, sizeof empty13);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "no certificate sent");
	assert_has(buf, "certificate_required");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "Certificate (empty)");
	i = add_hs(tl, 11, TL_CLIENT, 0x0303, empty12, sizeof empty12);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "no certificate sent");

	i = add_hs(tl, 24, TL_CLIENT, 0x0304, ku, sizeof ku);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "update_requested");
	i = add_hs(tl, 5, TL_CLIENT, 0x0304, NULL, 0);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "early data");
	i = add_hs(tl, 99, TL_SERVER, 0x0304, ku, sizeof ku);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "type 99");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "unknown handshake message (type 99)");

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_CCS;
	ev.version = 0x0303;
	explained(tl, add(tl, &ev), buf, sizeof buf);
	assert_has(buf, "keys we just agreed");
	ev.version = 0x0304;
	explained(tl, add(tl, &ev), buf, sizeof buf);
	assert_has(buf, "dummy");

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.version = 0x0304;
	ev.rec_version = 0x0303;
	for (unsigned type = 18; type <= 26; type++) {
		ev.rec_type = type;
		ev.rec_length = 100 + type;
		ev.encrypted = type == 23;
		i = add(tl, &ev);
		explained(tl, i, buf, sizeof buf);
		assert_has(buf, "5-byte header");
		explain_title(tl, i, title, sizeof title);
		if (type == 23)
			assert_string_equal(title, "record: application_data (23), 123 bytes");
	}
	ev.rec_type = 23;
	ev.version = 0x0303;
	explained(tl, add(tl, &ev), buf, sizeof buf);
	assert_lacks(buf, "on the outside");

	i = (size_t)timeline_note(tl, TL_EV_NOTE, TL_CLIENT, 0, "the client offers the ticket");
	assert_string_equal(explained(tl, i, buf, sizeof buf), "the client offers the ticket.");
	explain_title(tl, i, title, sizeof title);
	assert_string_equal(title, "note");
	i = (size_t)timeline_note(tl, TL_EV_ERROR, TL_SERVER, 0, "The server gave up.");
	assert_string_equal(explained(tl, i, buf, sizeof buf), "The server gave up.");
	i = (size_t)timeline_note(tl, TL_EV_DIAGNOSIS, TL_SERVER, 0, "");
	explained(tl, i, buf, sizeof buf);
	i = (size_t)timeline_note(tl, TL_EV_NOTE, TL_SERVER, 0, NULL);
	explained(tl, i, buf, sizeof buf);
	timeline_destroy(tl);
}

/* A ClientHello whose SNI holds hostile bytes: copied raw (the caller sanitizes), cut at a NUL. */
static void raw_sni(void **state)
{
	uint8_t ch[128];
	static const char host[] = "evil\x1b[2J%s\0hidden";
	size_t hlen = sizeof host - 1, n = 0;
	struct timeline *tl = timeline_create(false);
	char buf[1024];
	size_t i;

	(void)state;
	ch[n++] = 3, ch[n++] = 3;
	memset(ch + n, 0, 32), n += 32;
	ch[n++] = 0;                                   /* session id */
	ch[n++] = 0, ch[n++] = 4;                      /* two suites */
	ch[n++] = 0x13, ch[n++] = 0x01, ch[n++] = 0x13, ch[n++] = 0x02;
	ch[n++] = 1, ch[n++] = 0;                      /* null compression */
	ch[n++] = 0, ch[n++] = (uint8_t)(hlen + 9);    /* extensions */
	ch[n++] = 0, ch[n++] = 0;                      /* server_name */
	ch[n++] = 0, ch[n++] = (uint8_t)(hlen + 5);
	ch[n++] = 0, ch[n++] = (uint8_t)(hlen + 3);
	ch[n++] = 0;
	ch[n++] = 0, ch[n++] = (uint8_t)hlen;
	memcpy(ch + n, host, hlen), n += hlen;
	i = add_hs(tl, 1, TL_CLIENT, 0, ch, n);
	explain_event(tl, i, buf, sizeof buf);
	assert_has(buf, "\"evil\x1b[2J%s");
	assert_lacks(buf, "hidden");
	assert_has(buf, "2 cipher suites");
	assert_lacks(buf, UNREADABLE);
	timeline_destroy(tl);
}

/* Real bodies cut short at every length, and garbage: no crash, generic text. */
static void malformed_bodies(void **state)
{
	static const unsigned decoded[] = { 1, 2, TL_HS_HELLO_RETRY_REQUEST, 4, 8, 11, 12, 13, 15, 16, 20, 24 };
	static const char *sources[] = { "tls13", "tls12-rsa", "tls12-ecdhe", "mtls13", "mtls12", "hrr" };
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct timeline *tl = timeline_create(false);
	char buf[1024];
	size_t i;

	(void)state;
	for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++) {
		const struct timeline *src = timeline_of(sources[s]);

		for (size_t k = 0; k < timeline_count(src); k++) {
			struct tl_event ev;
			size_t step;

			timeline_get(src, k, &ev);
			if (ev.kind != TL_EV_HANDSHAKE)
				continue;
			step = ev.body_len > 300 ? 7 : 1;
			for (size_t len = 0; len < ev.body_len; len += step) {
				i = add_hs(tl, ev.hs_type, ev.from, ev.version, ev.body, len);
				explained(tl, i, buf, sizeof buf);
			}
		}
	}
	for (size_t k = 0; k < sizeof decoded / sizeof decoded[0]; k++) {
		for (size_t len = 0; len <= sizeof junk; len++) {
			for (unsigned v = 0x0303; v <= 0x0304; v++) {
				i = add_hs(tl, decoded[k], k % 2 ? TL_CLIENT : TL_SERVER, v, junk, len);
				explained(tl, i, buf, sizeof buf);
				if (decoded[k] == 20 && len > 0)
					continue;          /* any non-empty Finished is a value */
				assert_has(buf, UNREADABLE);
			}
		}
	}
	i = add_hs(tl, 2, TL_SERVER, 0x0304, junk, 10);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "The server answers the ClientHello");
	assert_lacks(buf, "picked");
	/* a body pointer the timeline could not keep: treated as empty */
	i = add_hs(tl, 2, TL_SERVER, 0x0304, NULL, 64);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, UNREADABLE);
	timeline_destroy(tl);
}

/* Random bodies of random lengths for every message type (fixed seed): no crash, sane text. */
static void random_bodies(void **state)
{
	static const unsigned types[] = { 0, 1, 2, TL_HS_HELLO_RETRY_REQUEST, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22,
					  24, 254 };
	struct timeline *tl = timeline_create(false);
	uint8_t body[320];
	uint32_t seed = 12345;
	char buf[1024];

	(void)state;
	for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
		for (unsigned round = 0; round < 150; round++) {
			size_t len;

			for (size_t b = 0; b < sizeof body; b++) {
				seed = seed * 1103515245u + 12345u;
				body[b] = (uint8_t)(seed >> 16);
			}
			/* small length fields now and then, so parsing gets further in */
			if (round % 3 == 0)
				for (size_t b = 0; b < sizeof body; b += 5)
					body[b] = 0;
			len = (seed >> 8) % sizeof body;
			explained(tl, add_hs(tl, types[k], round % 2 ? TL_CLIENT : TL_SERVER,
					     round % 4 < 2 ? 0x0304 : 0x0303, body, len),
				  buf, sizeof buf);
		}
	}
	timeline_destroy(tl);
}

/* Runs every demo scenario once, plus a rejected client certificate. */
static int setup(void **state)
{
	struct tl_error err;
	struct demo_scenario rejected, no_ems, legacy;

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	if (session_global_init(&err) != 0)
		return -1;
	for (size_t k = 0; k < demo_count() && nruns < MAX_RUNS - 3; k++) {
		runs[nruns].name = demo_get(k)->name;
		runs[nruns].tl = run_scenario(demo_get(k));
		if (!runs[nruns].tl)
			return -1;
		nruns++;
	}
	rejected = *demo_find("mtls13");
	rejected.client_cert = "client-other-ca.pem";
	rejected.client_key = "client-other-ca.key";
	runs[nruns].name = "rejected";
	runs[nruns].tl = run_scenario(&rejected);
	if (!runs[nruns].tl)
		return -1;
	nruns++;
	legacy = *demo_find("tls12-ecdhe");
	legacy.client_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.0";
	legacy.server_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.0";
	runs[nruns].name = "tls10";
	runs[nruns].tl = run_scenario(&legacy);
	if (!runs[nruns].tl)
		return -1;
	nruns++;
	no_ems = *demo_find("tls12-rsa");
	no_ems.client_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA:%NO_SESSION_HASH";
	runs[nruns].name = "tls12-rsa-no-ems";
	runs[nruns].tl = run_scenario(&no_ems);
	if (!runs[nruns].tl)
		return -1;
	nruns++;
	return 0;
}

/* A Certificate's paragraph tells what its receiver found, in the words of
 * the stored chain verdict, and never promises a chain that links to a
 * trusted root when it did not. */
static void certificate_verdicts(void **state)
{
	char buf[1024];
	const struct timeline *tl;
	size_t i;

	(void)state;
	tl = timeline_of("server-untrusted");
	i = find_hs(tl, 0, 11, TL_SERVER, 0);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, "meant to link it to a root the client trusts.");
	assert_has(buf, " Here the client found it wanting: NOT trusted: issuer 'CN=tlsladder Demo Root CA,"
			"O=tlsladder demo (DEMO ONLY)' unknown; 2 sent, no path to a trust anchor.");
	tl = timeline_of("tls13");
	i = find_hs(tl, 0, 11, TL_SERVER, 0);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, " Here the client found it good: trusted: 2 sent, path of 3 to tlsladder Demo Root CA, "
			"name matches 'localhost'.");
	tl = timeline_of("mtls-wrong-ca");
	i = find_hs(tl, 0, 11, TL_CLIENT, 0);
	explained(tl, i, buf, sizeof buf);
	assert_has(buf, " Here the server found it wanting: NOT trusted:");
}

/* TLS 1.0: the ServerKeyExchange has no signature algorithm field; its
 * paragraph names the signature the key type fixes, and the ServerHello's
 * key exchange comes from the summary, not from the suite's name. */
static void legacy_key_exchange(void **state)
{
	char buf[1024];
	const struct timeline *tl = timeline_of("tls10");

	(void)state;
	explained(tl, find_hs(tl, 0, 12, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "using its certificate's private key (RSA over MD5 and SHA-1; TLS 1.0 and 1.1 negotiate no "
			"signature algorithm).");
	assert_lacks(buf, "could not be decoded");
	explained(tl, find_hs(tl, 0, 2, TL_SERVER, 0), buf, sizeof buf);
	assert_has(buf, "This suite uses ECDHE key exchange: the server will send signed one-time key parameters");
}

/* Frees the runs. */
static int teardown(void **state)
{
	(void)state;
	for (size_t k = 0; k < nruns; k++)
		timeline_destroy(runs[k].tl);
	nruns = 0;
	session_global_deinit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_event),
		cmocka_unit_test(tls13_server_hello),
		cmocka_unit_test(tls12_rsa_client_key_exchange),
		cmocka_unit_test(tls12_ecdhe_key_exchange),
		cmocka_unit_test(hrr_retry),
		cmocka_unit_test(ccs_roles),
		cmocka_unit_test(resumption_ticket),
		cmocka_unit_test(mutual_tls),
		cmocka_unit_test(post_handshake_request),
		cmocka_unit_test(renegotiation_hellos),
		cmocka_unit_test(real_rejection),
		cmocka_unit_test(key_not_accepted),
		cmocka_unit_test(certificate_verdicts),
		cmocka_unit_test(legacy_key_exchange),
		cmocka_unit_test(alerts),
		cmocka_unit_test(hand_made),
		cmocka_unit_test(raw_sni),
		cmocka_unit_test(malformed_bodies),
		cmocka_unit_test(random_bodies),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
