/*
 * test_certverify.c: the signature of every CertificateVerify and
 * ServerKeyExchange of in-process demo connections verifies against the
 * key of the signer's certificate (ECDSA, RSA-PSS, RSA PKCS#1, Ed25519;
 * TLS 1.3 and 1.2; server and client; after a HelloRetryRequest, in a
 * post-handshake authentication, in a renegotiation); the signed content
 * is exactly what RFC 8446 4.4.3 says, its hash recomputed here
 * independently; one flipped byte of the signature, of the transcript or
 * of the signed parameters gives MISMATCH; a client that signs with
 * another key than its certificate's gives a real MISMATCH; a saved run
 * says the same. Tampering happens on copies built with
 * timeline_observe(); the captured timeline is never changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/certverify.h"
#include "tlsladder/demo.h"
#include "tlsladder/explain.h"
#include "tlsladder/inspect.h"
#include "tlsladder/json.h"
#include "tlsladder/jsonload.h"
#include "tlsladder/paths.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

#define TLS13_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define HS_CERTIFICATE 11
#define HS_SKE 12
#define HS_CV 15

static char certs[PATH_MAX];

/* Scenarios beyond the catalogue: an RSA server key in TLS 1.3 (RSA-PSS), an Ed25519 client key. */
static const struct demo_scenario tls13_rsa = {
	.name = "tls13-rsa", .summary = "TLS 1.3 with an RSA server certificate (RSA-PSS)",
	.client_priority = TLS13_ONLY, .server_priority = "NORMAL",
	.server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1
};
static const struct demo_scenario mtls13_ed25519 = {
	.name = "mtls13-ed25519", .summary = "TLS 1.3 with an Ed25519 client certificate",
	.client_priority = TLS13_ONLY, .server_priority = "NORMAL",
	.server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	.client_cert = "client-ed25519-chain.pem", .client_key = "client-ed25519.key",
	.client_auth = TL_AUTH_REQUIRE, .connections = 1
};

/* Runs a scenario to completion (the endpoints settle each connection: the checks are stored). */
static struct timeline *run(const struct demo_scenario *sc)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true, .cancel_fd = -1 };
	struct tl_error err = { 0, "" };
	int rc;

	assert_non_null(sc);
	assert_non_null(tl);
	rc = demo_run(sc, &o, tl, &err);
	if (rc < 0 || (rc != 0 && !sc->failure))
		fail_msg("demo %s: exit %d %s", sc->name, rc, err.msg);
	timeline_finish(tl);
	return tl;
}

/* A copy of tl (non-merging, same indices, nothing stored) with byte at of event flip_ev flipped (SIZE_MAX: none). */
static struct timeline *copy_flipped(const struct timeline *tl, size_t flip_ev, size_t at)
{
	struct timeline *c = timeline_create(false);

	assert_non_null(c);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		uint8_t *body = NULL;

		assert_true(timeline_get(tl, i, &ev));
		if (i == flip_ev) {
			assert_true(at < ev.body_len);
			body = malloc(ev.body_len);
			assert_non_null(body);
			memcpy(body, ev.body, ev.body_len);
			body[at] ^= 0x01;
			ev.body = body;
		}
		assert_int_equal(timeline_observe(c, &ev, true), (int)i);
		free(body);
	}
	return c;
}

/* Index of the nth (0-based) handshake message of type from side in conn; SIZE_MAX when absent. */
static size_t find_hs(const struct timeline *tl, unsigned conn, unsigned type, enum tl_side from, unsigned nth)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;

		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.conn == conn && ev.hs_type == type && ev.from == from &&
		    nth-- == 0)
			return i;
	}
	return SIZE_MAX;
}

/* The body length of event i. */
static size_t body_len(const struct timeline *tl, size_t i)
{
	struct tl_event ev;

	assert_true(timeline_get(tl, i, &ev));
	return ev.body_len;
}

/* The check's tree: root and verdict both say want, flagged flag. */
static void assert_tree(const struct timeline *tl, size_t i, const char *want, unsigned flag)
{
	struct tree_node *t = certverify_check(tl, i);
	const struct tree_node *v;

	assert_non_null(t);
	v = tree_find(t, "verdict");
	if (!v || strcmp(v->value, want) != 0) {
		tree_print(stderr, t, 2, true, true);
		fail_msg("event %zu: verdict not \"%s\"", i, want);
	}
	assert_string_equal(t->label, "signature check");
	assert_string_equal(t->value, want);
	assert_int_equal(v->flags & (TREE_GOOD | TREE_BAD), flag);
	assert_int_equal(t->flags & (TREE_GOOD | TREE_BAD), flag);
	assert_non_null(tree_find(t, "signed content"));
	tree_free(t);
}

/* The signature at i verifies: the stored result and the tree say MATCH; returns the result. */
static struct certverify_result match(const struct timeline *tl, size_t i, enum certverify_kind kind, bool client)
{
	struct certverify_result r, stored;

	assert_int_not_equal(i, SIZE_MAX);
	assert_true(timeline_get_certverify(tl, i, &stored));    /* stored when the connection settled */
	if (certverify_result_get(tl, i, &r) != CERTVERIFY_MATCH) {
		char why[300];
		fail_msg("event %zu: verdict %d: %s", i, (int)r.verdict, certverify_reason_text(&r, why, sizeof why));
	}
	assert_int_equal(r.reason, CERTVERIFY_REASON_NONE);
	assert_int_equal(r.kind, kind);
	assert_int_equal(r.client, client);
	assert_true(r.sig_len > 0);
	assert_true(r.content_len > 0);
	assert_int_not_equal(r.cert_index, CERTVERIFY_NO_INDEX);
	assert_int_equal(r.lib_error, 0);
	assert_tree(tl, i, "MATCH", TREE_GOOD);
	return r;
}

/* The check of i in timeline c (a tampered copy): MISMATCH, on demand and once settled. */
static void assert_mismatch(struct timeline *c, size_t i, const char *what)
{
	struct certverify_result r;
	struct tl_event ev;

	if (certverify_result_get(c, i, &r) != CERTVERIFY_MISMATCH) {
		char why[300];
		fail_msg("%s: event %zu: verdict %d (%s), not MISMATCH", what, i, (int)r.verdict,
			 certverify_reason_text(&r, why, sizeof why));
	}
	assert_tree(c, i, "MISMATCH", TREE_BAD);
	assert_true(timeline_get(c, i, &ev));
	assert_false(timeline_get_certverify(c, i, &r));
	certverify_settle(c, ev.conn);
	assert_true(timeline_get_certverify(c, i, &r));
	assert_int_equal(r.verdict, CERTVERIFY_MISMATCH);
}

/*
 * One flipped byte gives MISMATCH: the signature's last byte; the last
 * byte of the ClientHello (in the transcript: CertificateVerify; the
 * client random: ServerKeyExchange); and for a ServerKeyExchange the last
 * byte of its parameters (the public key). The untouched copy matches.
 */
static void tamper(const struct timeline *tl, size_t i)
{
	struct certverify_result r;
	struct timeline *c;
	size_t ch;

	assert_int_equal(certverify_result_get(tl, i, &r), CERTVERIFY_MATCH);
	ch = find_hs(tl, r.conn, 1, TL_CLIENT, 0);
	assert_true(ch < i);

	c = copy_flipped(tl, SIZE_MAX, 0);
	assert_int_equal(certverify_result_get(c, i, &r), CERTVERIFY_MATCH);
	timeline_destroy(c);

	c = copy_flipped(tl, i, body_len(tl, i) - 1);
	assert_mismatch(c, i, "signature");
	timeline_destroy(c);

	c = r.kind == CERTVERIFY_TLS12_SKE ? copy_flipped(tl, ch, 2) : copy_flipped(tl, ch, body_len(tl, ch) - 1);
	assert_mismatch(c, i, "transcript");
	timeline_destroy(c);

	if (r.kind == CERTVERIFY_TLS12_SKE) {
		assert_true(r.params_len > 0);
		c = copy_flipped(tl, i, r.params_len - 1);
		assert_mismatch(c, i, "parameters");
		timeline_destroy(c);
	}
}

/* demo tls13: the server's ECDSA P-256 signature in TLS 1.3. */
static void tls13_ecdsa(void **state)
{
	struct timeline *tl = run(demo_find("tls13"));
	size_t i = find_hs(tl, 0, HS_CV, TL_SERVER, 0);
	struct certverify_result r = match(tl, i, CERTVERIFY_TLS13, false);

	(void)state;
	assert_int_equal(r.scheme, 0x0403);
	assert_int_equal(r.key, TL_KEY_EC_P256);
	assert_int_equal(r.key_bits, 256);
	assert_non_null(strstr(r.subject, "CN=localhost"));
	assert_int_equal(r.cert_index, find_hs(tl, 0, HS_CERTIFICATE, TL_SERVER, 0));
	assert_int_equal(r.content_len, 64 + 33 + 1 + 48);
	assert_string_equal(r.hash_name, "SHA-384");
	assert_int_equal(r.nmsgs, 4);         /* ClientHello, ServerHello, EncryptedExtensions, Certificate */
	tamper(tl, i);
	timeline_destroy(tl);
}

/* The signed content's exact bytes: 64 spaces, the context string, 0, and the transcript hash recomputed here. */
static void check_content13(const struct timeline *tl, size_t i, const char *context)
{
	uint8_t *c, want[64], *t = NULL;
	size_t len, tlen = 0, ctx = strlen(context);
	struct certverify_result r;

	assert_int_equal(certverify_result_get(tl, i, &r), CERTVERIFY_MATCH);
	/* the transcript: every handshake message of the connection before i, except NewSessionTicket */
	for (size_t j = 0; j < i; j++) {
		struct tl_event ev;
		timeline_get(tl, j, &ev);
		if (ev.kind != TL_EV_HANDSHAKE || ev.conn != r.conn || ev.hs_type == 4)
			continue;
		t = realloc(t, tlen + 4 + ev.body_len);
		assert_non_null(t);
		t[tlen] = (uint8_t)ev.hs_type;
		t[tlen + 1] = (uint8_t)(ev.body_len >> 16);
		t[tlen + 2] = (uint8_t)(ev.body_len >> 8);
		t[tlen + 3] = (uint8_t)ev.body_len;
		memcpy(t + tlen + 4, ev.body, ev.body_len);
		tlen += 4 + ev.body_len;
	}
	assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA384, t, tlen, want), 0);
	free(t);
	assert_true(certverify_signed_content(tl, i, &c, &len));
	assert_int_equal(len, 64 + ctx + 1 + 48);
	for (size_t k = 0; k < 64; k++)
		assert_int_equal(c[k], 0x20);
	assert_memory_equal(c + 64, context, ctx);
	assert_int_equal(c[64 + ctx], 0);
	assert_memory_equal(c + 64 + ctx + 1, want, 48);
	assert_memory_equal(r.transcript_hash, want, 48);
	free(c);
}

/* The exact signed content, server and client, with the tree's four parts. */
static void content_bytes(void **state)
{
	struct timeline *tl = run(demo_find("mtls13"));
	size_t s = find_hs(tl, 0, HS_CV, TL_SERVER, 0), c = find_hs(tl, 0, HS_CV, TL_CLIENT, 0);
	struct tree_node *t;

	(void)state;
	check_content13(tl, s, "TLS 1.3, server CertificateVerify");
	check_content13(tl, c, "TLS 1.3, client CertificateVerify");
	t = certverify_check(tl, c);
	assert_string_equal(tree_find(t, "signed content/padding")->value, "64 bytes of 0x20 (spaces)");
	assert_string_equal(tree_find(t, "signed content/context string")->value,
			    "\"TLS 1.3, client CertificateVerify\" (33 bytes)");
	assert_string_equal(tree_find(t, "signed content/separator")->value, "one 0 byte");
	assert_int_equal(strlen(tree_find(t, "signed content/transcript hash")->value), 96);
	assert_non_null(tree_find(t, "signed content/transcript hash/Certificate"));
	assert_non_null(tree_find(t, "signed content/transcript hash/CertificateRequest"));
	assert_int_equal(tree_find(t, "signed content")->nchildren, 4);
	assert_non_null(strstr(tree_find(t, "key")->value, "CN=Demo Client"));
	assert_int_equal(tree_find(t, "signature scheme")->off, 0);
	assert_int_equal(tree_find(t, "signature")->off, 4);
	assert_int_equal(4 + tree_find(t, "signature")->len, body_len(tl, c));
	tree_free(t);
	timeline_destroy(tl);
}

/* TLS 1.3 with an RSA key: RSA-PSS (rsaEncryption key). */
static void tls13_rsa_pss(void **state)
{
	struct timeline *tl = run(&tls13_rsa);
	size_t i = find_hs(tl, 0, HS_CV, TL_SERVER, 0);
	struct certverify_result r = match(tl, i, CERTVERIFY_TLS13, false);

	(void)state;
	assert_true(r.scheme >= 0x0804 && r.scheme <= 0x0806);
	assert_int_equal(r.key, TL_KEY_RSA);
	assert_int_equal(r.key_bits, 2048);
	tamper(tl, i);
	timeline_destroy(tl);
}

/* Mutual TLS 1.3: the client's CertificateVerify too, ECDSA and Ed25519. */
static void mtls13(void **state)
{
	struct timeline *tl = run(demo_find("mtls13"));
	size_t c = find_hs(tl, 0, HS_CV, TL_CLIENT, 0);
	struct certverify_result r;

	(void)state;
	match(tl, find_hs(tl, 0, HS_CV, TL_SERVER, 0), CERTVERIFY_TLS13, false);
	r = match(tl, c, CERTVERIFY_TLS13, true);
	assert_int_equal(r.cert_index, find_hs(tl, 0, HS_CERTIFICATE, TL_CLIENT, 0));
	tamper(tl, c);
	timeline_destroy(tl);

	tl = run(&mtls13_ed25519);
	c = find_hs(tl, 0, HS_CV, TL_CLIENT, 0);
	r = match(tl, c, CERTVERIFY_TLS13, true);
	assert_int_equal(r.scheme, 0x0807);
	assert_int_equal(r.key, TL_KEY_ED25519);
	tamper(tl, c);
	timeline_destroy(tl);
}

/* TLS 1.2 ECDHE: the ServerKeyExchange signs both randoms and the parameters (RSA PKCS#1). */
static void tls12_ske(void **state)
{
	struct timeline *tl = run(demo_find("tls12-ecdhe"));
	size_t i = find_hs(tl, 0, HS_SKE, TL_SERVER, 0);
	struct certverify_result r = match(tl, i, CERTVERIFY_TLS12_SKE, false);
	struct tl_event ch, sh;
	struct tree_node *t;
	uint8_t *c;
	size_t len;

	(void)state;
	assert_int_equal(r.key, TL_KEY_RSA);
	assert_int_equal(r.params_len, 1 + 2 + 1 + 65);     /* named_curve, secp256r1, an uncompressed point */
	assert_int_equal(r.content_len, 32 + 32 + r.params_len);
	timeline_get(tl, find_hs(tl, 0, 1, TL_CLIENT, 0), &ch);
	timeline_get(tl, find_hs(tl, 0, 2, TL_SERVER, 0), &sh);
	assert_true(certverify_signed_content(tl, i, &c, &len));
	assert_int_equal(len, r.content_len);
	assert_memory_equal(c, ch.body + 2, 32);
	assert_memory_equal(c + 32, sh.body + 2, 32);
	timeline_get(tl, i, &ch);
	assert_memory_equal(c + 64, ch.body, r.params_len);
	free(c);
	/* the nodes that stand for bytes of this message cover them */
	t = certverify_check(tl, i);
	assert_int_equal(tree_find(t, "signed content/server parameters")->off, 0);
	assert_int_equal(tree_find(t, "signed content/server parameters")->len, r.params_len);
	assert_int_equal(tree_find(t, "signature scheme")->off, r.params_len);
	assert_int_equal(ch.body[r.params_len] << 8 | ch.body[r.params_len + 1], r.scheme);
	assert_int_equal(tree_find(t, "signature")->off + tree_find(t, "signature")->len, ch.body_len);
	tree_free(t);
	tamper(tl, i);
	timeline_destroy(tl);
}

/* TLS 1.2 mutual TLS: the client's CertificateVerify signs every message before it. */
static void mtls12(void **state)
{
	struct timeline *tl = run(demo_find("mtls12"));
	size_t i = find_hs(tl, 0, HS_CV, TL_CLIENT, 0);
	struct certverify_result r = match(tl, i, CERTVERIFY_TLS12_CV, true);
	size_t want = 0;

	(void)state;
	match(tl, find_hs(tl, 0, HS_SKE, TL_SERVER, 0), CERTVERIFY_TLS12_SKE, false);
	for (size_t j = 0; j < i; j++) {
		struct tl_event ev;
		timeline_get(tl, j, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.conn == 0)
			want += 4 + ev.body_len;
	}
	assert_int_equal(r.content_len, want);
	assert_int_equal(r.nmsgs, 8);
	tamper(tl, i);
	timeline_destroy(tl);
}

/* HelloRetryRequest (message_hash), post-handshake authentication, renegotiation. */
static void handshake_shapes(void **state)
{
	struct timeline *tl = run(demo_find("hrr"));
	struct certverify_result r;

	(void)state;
	r = match(tl, find_hs(tl, 0, HS_CV, TL_SERVER, 0), CERTVERIFY_TLS13, false);
	assert_true(r.message_hash);
	tamper(tl, find_hs(tl, 0, HS_CV, TL_SERVER, 0));
	timeline_destroy(tl);

	tl = run(demo_find("post-handshake-auth"));
	r = match(tl, find_hs(tl, 0, HS_CV, TL_CLIENT, 0), CERTVERIFY_TLS13, true);
	assert_true(r.post_handshake);
	timeline_destroy(tl);

	tl = run(demo_find("renegotiation"));
	match(tl, find_hs(tl, 0, HS_SKE, TL_SERVER, 0), CERTVERIFY_TLS12_SKE, false);
	match(tl, find_hs(tl, 0, HS_SKE, TL_SERVER, 1), CERTVERIFY_TLS12_SKE, false);
	r = match(tl, find_hs(tl, 0, HS_CV, TL_CLIENT, 0), CERTVERIFY_TLS12_CV, true);
	assert_true(r.msgs[0] == find_hs(tl, 0, 1, TL_CLIENT, 1));   /* from the renegotiation's own ClientHello */
	timeline_destroy(tl);
}

/* A client that signs with a key its certificate does not hold: a real MISMATCH, said in the explanation. */
static void key_mismatch(void **state)
{
	struct timeline *tl = run(demo_find("mtls-key-mismatch"));
	size_t i = find_hs(tl, 0, HS_CV, TL_CLIENT, 0);
	struct certverify_result r;
	char buf[1200];

	(void)state;
	assert_true(timeline_get_certverify(tl, i, &r));
	assert_int_equal(r.verdict, CERTVERIFY_MISMATCH);
	assert_int_equal(r.reason, CERTVERIFY_REASON_NONE);
	assert_int_equal(r.lib_error, 0);
	assert_tree(tl, i, "MISMATCH", TREE_BAD);
	explain_event(tl, i, buf, sizeof buf);
	assert_non_null(strstr(buf, " Checked here, the signature does not verify with the public key of the "
				    "client's certificate (MISMATCH): it proves nothing, and the receiver must end the "
				    "handshake (decrypt_error)."));
	assert_null(strstr(buf, "This proves"));
	match(tl, find_hs(tl, 0, HS_CV, TL_SERVER, 0), CERTVERIFY_TLS13, false);
	explain_event(tl, find_hs(tl, 0, HS_CV, TL_SERVER, 0), buf, sizeof buf);
	assert_non_null(strstr(buf, "The server signs 64 spaces, the context string \"TLS 1.3, server "
				    "CertificateVerify\", a 0 byte and the transcript hash"));
	assert_non_null(strstr(buf, " Checked here: the signature verifies with the public key of the server's "
				    "certificate (MATCH)."));
	timeline_destroy(tl);
}

/* Nothing to check against: an empty Certificate says so, with no verdict flag; other events are not signed. */
static void cannot_check(void **state)
{
	struct timeline *tl = run(demo_find("tls13"));
	size_t i = find_hs(tl, 0, HS_CV, TL_SERVER, 0), cert = find_hs(tl, 0, HS_CERTIFICATE, TL_SERVER, 0);
	struct timeline *c = timeline_create(false);
	static const uint8_t empty[] = { 0, 0, 0, 0 };
	struct certverify_result r;

	(void)state;
	for (size_t j = 0; j < timeline_count(tl); j++) {
		struct tl_event ev;
		timeline_get(tl, j, &ev);
		if (j == cert) {
			ev.body = empty;
			ev.body_len = ev.body_total = sizeof empty;
		}
		assert_int_equal(timeline_observe(c, &ev, true), (int)j);
	}
	assert_int_equal(certverify_result_get(c, i, &r), CERTVERIFY_CANNOT_CHECK);
	assert_int_equal(r.reason, CERTVERIFY_EMPTY_CERTIFICATE);
	assert_tree(c, i, "cannot check: the server's Certificate message is empty", 0);
	assert_int_equal(certverify_result_get(c, cert, &r), CERTVERIFY_CANNOT_CHECK);
	assert_int_equal(r.reason, CERTVERIFY_NOT_SIGNED);
	timeline_destroy(c);
	timeline_destroy(tl);
}

/* A saved run (JSON) reloads to the same results, recomputed from the saved bodies; the details show them. */
static void saved_run(void **state)
{
	struct timeline *tl = run(demo_find("mtls12")), *back;
	struct json_run jr = { .mode = JSON_MODE_DEMO, .scenario = "mtls12", .target = "demo mtls12", .title = "t" };
	struct tl_error err = { 0, "" };
	char *buf = NULL;
	size_t len = 0, checked = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(json_write(f, tl, &jr, false, &err), 0);
	fclose(f);
	back = jsonload_buffer(buf, len, 0, "saved", &jr, &err);
	assert_non_null(back);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct certverify_result a, b;
		struct tree_node *t;
		if (!timeline_get_certverify(tl, i, &a))
			continue;
		assert_int_equal(certverify_result_get(back, i, &b), CERTVERIFY_MATCH);
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.scheme, b.scheme);
		assert_int_equal(a.content_len, b.content_len);
		assert_int_equal(a.nmsgs, b.nmsgs);
		assert_string_equal(a.subject, b.subject);
		t = inspect_event(back, i);
		assert_string_equal(tree_find(t, "signature check")->value, "MATCH");
		tree_free(t);
		checked++;
	}
	assert_int_equal(checked, 2);
	timeline_destroy(back);
	timeline_destroy(tl);
	free(buf);
}

/* Finds the demo certificates and starts GnuTLS. */
static int setup(void **state)
{
	struct tl_error err;

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	return session_global_init(&err);
}

/* Stops GnuTLS. */
static int teardown(void **state)
{
	(void)state;
	session_global_deinit();
	return 0;
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tls13_ecdsa),      cmocka_unit_test(content_bytes), cmocka_unit_test(tls13_rsa_pss),
		cmocka_unit_test(mtls13),           cmocka_unit_test(tls12_ske),     cmocka_unit_test(mtls12),
		cmocka_unit_test(handshake_shapes), cmocka_unit_test(key_mismatch),  cmocka_unit_test(cannot_check),
		cmocka_unit_test(saved_run),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
