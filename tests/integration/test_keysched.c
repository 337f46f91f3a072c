/*
 * test_keysched.c: the key schedule values tlsladder computes itself.
 * RFC 8448 section 3's known answers for HKDF-Extract, HKDF-Expand-Label
 * and Derive-Secret (the early secret constant among them); on a real
 * in-process resumption the PSK binder, derived from the resumption
 * master secret found in the client's saved session, equals the binder
 * the ClientHello carries (MATCH), while one flipped byte of the PSK or of
 * the resumption master secret gives MISMATCH; with 0-RTT the client early
 * traffic secret derived here equals the key log's.
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

#include "tlsladder/demo.h"
#include "tlsladder/finished.h"
#include "tlsladder/keysched.h"
#include "tlsladder/paths.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

static char certs[PATH_MAX];

/* Hex string -> bytes; returns the count. */
static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Asserts that p[0..n) is the hex string want. */
static void assert_hex(const uint8_t *p, size_t n, const char *want)
{
	uint8_t w[128];

	assert_int_equal(unhex(want, w), n);
	assert_memory_equal(p, w, n);
}

/* RFC 8448 section 3 (Simple 1-RTT Handshake, SHA-256): the key schedule up to the server's handshake key. */
static void rfc8448_known_answers(void **state)
{
	uint8_t zeros[48] = { 0 }, early[32], derived[32], ecdhe[32], hs[32], ctx[32], s_hs[32], key[16], iv[12], out[48];

	(void)state;
	assert_true(keysched_extract("SHA-256", zeros, 32, zeros, 32, early));
	assert_hex(early, 32, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
	assert_true(keysched_derive_secret("SHA-256", early, 32, "derived", NULL, 0, derived));
	assert_hex(derived, 32, "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
	unhex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", ecdhe);
	assert_true(keysched_extract("SHA-256", derived, 32, ecdhe, 32, hs));
	assert_hex(hs, 32, "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac");
	unhex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8", ctx);    /* Hash(ClientHello..ServerHello) */
	assert_true(keysched_expand_label("SHA-256", hs, 32, "c hs traffic", ctx, 32, out, 32));
	assert_hex(out, 32, "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
	assert_true(keysched_expand_label("SHA-256", hs, 32, "s hs traffic", ctx, 32, s_hs, 32));
	assert_hex(s_hs, 32, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
	assert_true(keysched_expand_label("SHA-256", s_hs, 32, "key", NULL, 0, key, 16));
	assert_hex(key, 16, "3fce516009c21727d0f2e4e86ee403bc");
	assert_true(keysched_expand_label("SHA-256", s_hs, 32, "iv", NULL, 0, iv, 12));
	assert_hex(iv, 12, "5d313eb2671276ee13000b30");
	/* the SHA-384 early secret of a full handshake: HKDF-Extract(0, 0) with 48 zero bytes */
	assert_true(keysched_extract("SHA-384", zeros, 48, zeros, 48, out));
	assert_hex(out, 48, "7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e716971f9362f2c2fe2a76bfd78dfec4ea9b5");
	assert_false(keysched_extract("MD5", zeros, 32, zeros, 32, out));
}

/* Runs a demo scenario to completion. */
static struct timeline *run(const char *name)
{
	const struct demo_scenario *sc = demo_find(name);
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true, .cancel_fd = -1 };
	struct tl_error err = { 0, "" };

	assert_non_null(sc);
	assert_non_null(tl);
	if (demo_run(sc, &o, tl, &err) != 0)
		fail_msg("demo %s: %s", name, err.msg);
	timeline_finish(tl);
	return tl;
}

/* The ClientHello up to its binders, as the binder covers it (header with the whole message's length). */
static uint8_t *partial_hello(const struct timeline *tl, const struct keysched_binder *b)
{
	struct tl_event ev;
	uint8_t *p = malloc(b->partial_len);

	assert_non_null(p);
	assert_true(timeline_get(tl, b->ch_index, &ev));
	assert_true(b->partial_len > 4 && b->partial_len - 4 < ev.body_len);
	p[0] = 1;
	p[1] = (uint8_t)(ev.body_len >> 16);
	p[2] = (uint8_t)(ev.body_len >> 8);
	p[3] = (uint8_t)ev.body_len;
	memcpy(p + 4, ev.body, b->partial_len - 4);
	return p;
}

/* A copy of tl with its secrets; the resumption master secret of connection conn has one byte flipped. */
static struct timeline *copy_flip_rms(const struct timeline *tl, unsigned conn)
{
	struct timeline *c = timeline_create(false);
	bool flipped = false;

	assert_non_null(c);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		assert_int_equal(timeline_observe(c, &ev, true), (int)i);
	}
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		assert_true(timeline_get_secret(tl, i, &s));
		if (s.conn == conn && strcmp(s.label, KEYSCHED_RMS_LABEL) == 0) {
			s.secret[5] ^= 0x01;
			flipped = true;
		}
		timeline_add_secret(c, &s);
	}
	assert_true(flipped);
	return c;
}

/* A copy of tl without the NewSessionTickets of connection conn (events and secrets otherwise the same). */
static struct timeline *copy_without_tickets(const struct timeline *tl, unsigned conn)
{
	struct timeline *c = timeline_create(false);

	assert_non_null(c);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.conn != conn || ev.kind != TL_EV_HANDSHAKE || ev.hs_type != 4)
			assert_true(timeline_observe(c, &ev, true) >= 0);
	}
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		assert_true(timeline_get_secret(tl, i, &s));
		timeline_add_secret(c, &s);
	}
	return c;
}

/* A real resumption: the binder recomputes (MATCH); a flipped PSK or resumption master secret does not. */
static void resumption_binder(void **state)
{
	struct timeline *tl = run("resumption"), *bad;
	struct keysched_binder b, full;
	uint8_t *partial, out[KEYSCHED_MAX_HASH], psk[KEYSCHED_MAX_HASH];
	struct tree_node *ks;
	const struct tree_node *n;

	(void)state;
	assert_int_equal(keysched_binder_get(tl, 1, &b), KEYSCHED_MATCH);
	assert_int_equal(b.reason, KEYSCHED_REASON_NONE);
	assert_true(timeline_get_keysched(tl, 1, &b));         /* stored when the connection settled */
	assert_int_equal(b.verdict, KEYSCHED_MATCH);
	assert_int_equal(b.ticket_conn, 0);
	assert_string_equal(b.hash_name, "SHA-384");
	assert_int_equal(b.received_len, 48);
	assert_memory_equal(b.computed, b.received, 48);
	assert_int_equal(keysched_binder_get(tl, 0, &full), KEYSCHED_CANNOT_CHECK);
	assert_int_equal(full.reason, KEYSCHED_NOT_OFFERED);

	/* the binder again through the public derivation, then with one byte of the PSK flipped */
	partial = partial_hello(tl, &b);
	assert_true(keysched_binder_of(b.hash_name, b.psk, b.hash_len, partial, b.partial_len, out));
	assert_memory_equal(out, b.received, 48);
	memcpy(psk, b.psk, b.hash_len);
	psk[0] ^= 0x80;
	assert_true(keysched_binder_of(b.hash_name, psk, b.hash_len, partial, b.partial_len, out));
	assert_memory_not_equal(out, b.received, 48);
	free(partial);

	/* a flipped resumption master secret: the same check says MISMATCH */
	bad = copy_flip_rms(tl, 0);
	assert_int_equal(keysched_binder_get(bad, 1, &b), KEYSCHED_MISMATCH);
	ks = finished_key_schedule(bad, 1);
	assert_string_equal(tree_find(ks, "early secret")->value,
			    "not shown: the PSK derived here does not give the ClientHello's binder, so it is not the one "
			    "this handshake used");
	assert_string_equal(tree_find(ks, "early secret/binder key/binder check")->value, "MISMATCH");
	tree_free(ks);
	ks = finished_key_schedule(bad, 0);
	assert_non_null(strstr(tree_find(ks, "resumption master secret")->value, "not shown"));
	tree_free(ks);
	timeline_destroy(bad);

	/* a connection with no ticket has no use for its resumption master secret */
	bad = copy_without_tickets(tl, 1);
	ks = finished_key_schedule(bad, 1);
	assert_string_equal(tree_find(ks, "resumption master secret")->value,
			    "not used: no NewSessionTicket came in this connection");
	tree_free(ks);
	timeline_destroy(bad);

	/* the key schedules: the binder check, and connection 1's resumption master secret, checked by it */
	ks = finished_key_schedule(tl, 1);
	n = tree_find(ks, "early secret/binder key/binder check");
	assert_non_null(n);
	assert_string_equal(n->value, "MATCH: the PSK, the early secret and the binder key above are right");
	assert_true(n->flags & TREE_GOOD);
	assert_true(tree_find(ks, "early secret")->flags & TREE_SECRET);
	assert_int_equal(strlen(tree_find(ks, "early secret/PSK")->value), 96);
	n = tree_find(ks, "early secret/PSK from ticket");
	assert_non_null(n);
	assert_int_equal(n->link_event - 1, b.nst_index);
	tree_free(ks);
	ks = finished_key_schedule(tl, 0);
	n = tree_find(ks, "resumption master secret");
	assert_int_equal(strlen(n->value), 96);
	assert_true(n->flags & TREE_SECRET);
	assert_string_equal(tree_find(n, "checked")->value, "connection 2's PSK binder, derived from it, matches");
	assert_int_equal(strlen(tree_find(ks, "ticket 1 PSK")->value), 96);
	assert_ptr_equal(tree_find(ks, "ticket 1 PSK")->link_node, n);
	tree_free(ks);
	timeline_destroy(tl);
}

/* A full handshake: the early secret is HKDF-Extract(0, 0), not a secret; handshake and master secrets say why not. */
static void full_handshake(void **state)
{
	struct timeline *tl = run("tls13");
	struct tree_node *ks = finished_key_schedule(tl, 0);

	(void)state;
	/* SHA-384 (TLS_AES_256_GCM_SHA384): HKDF-Extract(48 zero bytes, 48 zero bytes) */
	assert_string_equal(tree_find(ks, "early secret")->value,
			    "7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e716971f9362f2c2fe2a76bfd78dfec4ea9b5");
	assert_false(tree_find(ks, "early secret")->flags & TREE_SECRET);
	assert_string_equal(tree_find(ks, "handshake secret")->value,
			    "not available: GnuTLS does not export the x25519 shared secret it is extracted from");
	assert_string_equal(tree_find(ks, "master secret")->value,
			    "not available: it comes from the handshake secret, and GnuTLS's "
			    "gnutls_session_get_master_secret gives 48 zero bytes under TLS 1.3");
	assert_ptr_equal(tree_find(ks, "derived")->link_node, tree_find(ks, "early secret"));
	/* one connection: its resumption master secret is found, but nothing here checks it */
	assert_non_null(strstr(tree_find(ks, "resumption master secret")->value, "not shown: found in the client's"));
	tree_free(ks);
	timeline_destroy(tl);
}

/* 0-RTT: the client early traffic secret derived from the checked PSK equals the key log's. */
static void early_data(void **state)
{
	struct timeline *tl = run("early-data");
	struct keysched_binder b;
	struct tree_node *ks;

	(void)state;
	assert_int_equal(keysched_binder_get(tl, 1, &b), KEYSCHED_MATCH);
	assert_int_equal(b.early_traffic, KEYSCHED_MATCH);
	ks = finished_key_schedule(tl, 1);
	assert_string_equal(
		tree_find(ks, "early secret/client early traffic secret (computed)/against the key log's "
			      "CLIENT_EARLY_TRAFFIC_SECRET")->value, "MATCH");
	tree_free(ks);
	timeline_destroy(tl);
}

/* TLS 1.2: the key block's size and split for an AEAD and a CBC suite; the inputs link to their steps. */
static void tls12_key_block(void **state)
{
	static const struct demo_scenario cbc = {
		.name = "tls12-cbc", .summary = "TLS 1.2 with AES-128-CBC-SHA1",
		.client_priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1",
		.server_priority = "NORMAL", .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key",
		.connections = 1 };
	struct timeline *tl = run("tls12-ecdhe");
	struct tree_node *ks = finished_key_schedule(tl, 0);
	struct demo_opts o = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true, .cancel_fd = -1 };
	struct tl_error err = { 0, "" };
	const struct tree_node *n;

	(void)state;
	assert_string_equal(tree_find(ks, "key expansion/key block")->value,
			    "72 bytes = 2 x (0-byte MAC key + 32-byte write key + 4-byte implicit nonce)");
	assert_int_equal(strlen(tree_find(ks, "key expansion/client write key")->value), 64);
	assert_int_equal(strlen(tree_find(ks, "key expansion/server write implicit nonce (salt)")->value), 8);
	assert_ptr_equal(tree_find(ks, "key expansion")->link_node, tree_find(ks, "master secret"));
	n = tree_find(ks, "premaster secret");
	assert_true(n->link_event > 0);
	assert_string_equal(tree_find(ks, "master secret derivation/session hash/last message")->value,
			    "ClientKeyExchange from the client");
	assert_int_equal(tree_find(ks, "master secret derivation/session hash/last message")->link_event, n->link_event);
	tree_free(ks);
	timeline_destroy(tl);

	tl = timeline_create(true);
	assert_int_equal(demo_run(&cbc, &o, tl, &err), 0);
	timeline_finish(tl);
	ks = finished_key_schedule(tl, 0);
	assert_string_equal(tree_find(ks, "key expansion/key block")->value,
			    "72 bytes = 2 x (20-byte MAC key + 16-byte write key + 0-byte IV)");
	assert_int_equal(strlen(tree_find(ks, "key expansion/client write MAC key")->value), 40);
	assert_null(tree_find(ks, "key expansion/client write IV"));
	tree_free(ks);
	timeline_destroy(tl);
}

/* Finds the demo PKI and starts GnuTLS. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc8448_known_answers), cmocka_unit_test(resumption_binder),
		cmocka_unit_test(full_handshake), cmocka_unit_test(early_data), cmocka_unit_test(tls12_key_block),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
