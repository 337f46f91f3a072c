/*
 * test_finished.c: every Finished of every demo scenario (and a few more
 * suites, HelloRetryRequest with a client certificate, TLS 1.2
 * resumption) recomputes to the verify_data GnuTLS sent, from the
 * timeline and the keylog secrets alone; a flipped byte anywhere in the
 * transcript or in verify_data gives MISMATCH; missing secrets say so.
 * Tampering happens on copies built with timeline_observe(); the
 * captured timeline is never changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tlsladder/decode.h"
#include "tlsladder/demo.h"
#include "tlsladder/finished.h"
#include "tlsladder/paths.h"
#include "tlsladder/summary.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

#define TLS13_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define TLS12_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.2"

static char certs[PATH_MAX];

/* Scenarios beyond the catalogue: other hashes and ciphers, HRR with client auth, TLS 1.2 resumption. */
static const struct demo_scenario extra[] = {
	{ .name = "tls13-aes128", .summary = "TLS 1.3 with AES-128-GCM (SHA-256)",
	  .client_priority = TLS13_ONLY ":-CIPHER-ALL:+AES-128-GCM", .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1 },
	{ .name = "tls13-chacha", .summary = "TLS 1.3 with ChaCha20-Poly1305 (SHA-256)",
	  .client_priority = TLS13_ONLY ":-CIPHER-ALL:+CHACHA20-POLY1305", .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1 },
	{ .name = "tls12-aes128-gcm", .summary = "TLS 1.2 ECDHE with AES-128-GCM (SHA-256 PRF)",
	  .client_priority = TLS12_ONLY ":-CIPHER-ALL:+AES-128-GCM", .server_priority = "NORMAL",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-cbc", .summary = "TLS 1.2 with AES-128-CBC-SHA1 (SHA-256 PRF)",
	  .client_priority = TLS12_ONLY ":-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1", .server_priority = "NORMAL",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-no-ems", .summary = "TLS 1.2 without the extended master secret",
	  .client_priority = TLS12_ONLY ":%NO_SESSION_HASH", .server_priority = TLS12_ONLY ":%NO_SESSION_HASH",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-resumption", .summary = "TLS 1.2 full handshake, then an abbreviated one with the ticket",
	  .client_priority = TLS12_ONLY, .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 2 },
	{ .name = "mtls13-hrr", .summary = "TLS 1.3, HelloRetryRequest, then a client certificate",
	  .client_priority = TLS13_ONLY ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP384R1",
	  .server_priority = "NORMAL:-GROUP-ALL:+GROUP-SECP384R1",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key",
	  .client_cert = "client-chain.pem", .client_key = "client.key", .client_auth = TL_AUTH_REQUIRE, .connections = 1 },
};

/* Runs a scenario to completion. */
static struct timeline *run(const struct demo_scenario *sc)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true, .cancel_fd = -1 };
	struct tl_error err = { 0, "" };
	int rc;

	assert_non_null(tl);
	rc = demo_run(sc, &o, tl, &err);
	if (rc < 0 || (rc != 0 && !sc->failure))      /* failure scenarios end non-zero by design */
		fail_msg("demo %s: exit %d %s", sc->name, rc, err.msg);
	timeline_finish(tl);
	return tl;
}

/*
 * A copy of tl (non-merging, same event indices). When flip_ev is a valid
 * index, that event's body has byte flip_at (from the end when from_end)
 * flipped. Secrets are copied when with_secrets.
 */
static struct timeline *copy_timeline(const struct timeline *tl, size_t flip_ev, size_t flip_at, bool from_end,
				      bool with_secrets)
{
	struct timeline *c = timeline_create(false);

	assert_non_null(c);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		uint8_t *body = NULL;

		assert_true(timeline_get(tl, i, &ev));
		if (i == flip_ev) {
			assert_true(ev.body_len > flip_at);
			body = malloc(ev.body_len);
			assert_non_null(body);
			memcpy(body, ev.body, ev.body_len);
			body[from_end ? ev.body_len - 1 - flip_at : flip_at] ^= 0x01;
			ev.body = body;
		}
		assert_int_equal(timeline_observe(c, &ev, true), (int)i);
		free(body);
	}
	for (size_t i = 0; with_secrets && i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		assert_true(timeline_get_secret(tl, i, &s));
		timeline_add_secret(c, &s);
	}
	return c;
}

/* Prints the check of a Finished that failed, then fails. */
static void fail_with_tree(const struct timeline *tl, size_t i, const char *what)
{
	struct tree_node *t = finished_check(tl, i);

	tree_print(stderr, t, 2, true, true);
	tree_free(t);
	fail_msg("%s (event %zu)", what, i);
}

/* The verdict node of a check. */
static const struct tree_node *verdict_of(const struct tree_node *t)
{
	const struct tree_node *v = tree_find(t, "verdict");

	assert_non_null(v);
	assert_non_null(v->value);
	return v;
}

/* The first handshake message of a type in a connection, or SIZE_MAX. */
static size_t find_message(const struct timeline *tl, unsigned conn, unsigned type)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.conn == conn && ev.hs_type == type)
			return i;
	}
	return SIZE_MAX;
}

/* The ClientHello of the Finished's own handshake (a renegotiation's is not the connection's first). */
static size_t find_hello(const struct timeline *tl, const struct tl_event *fin)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		timeline_get(tl, i, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.conn == fin->conn && ev.hs_type == 1 && ev.handshake == fin->handshake)
			return i;
	}
	return SIZE_MAX;
}

/* The same check, field by field: the stored result and the one computed on demand agree. */
static void assert_same_result(const struct finished_result *a, const struct finished_result *b)
{
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->conn, b->conn);
	assert_int_equal(a->verdict, b->verdict);
	assert_int_equal(a->reason, b->reason);
	assert_int_equal(a->client, b->client);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->suite, b->suite);
	assert_string_equal(a->hash_name, b->hash_name);
	assert_int_equal(a->hash_len, b->hash_len);
	assert_memory_equal(a->transcript_hash, b->transcript_hash, a->hash_len);
	assert_int_equal(a->nmsgs, b->nmsgs);
	assert_memory_equal(a->msgs, b->msgs, sizeof a->msgs[0] * (a->nmsgs < FINISHED_MAX_MSGS ? a->nmsgs : FINISHED_MAX_MSGS));
	assert_int_equal(a->message_hash, b->message_hash);
	assert_string_equal(a->base_secret, b->base_secret);
	assert_int_equal(a->secret_conn, b->secret_conn);
	assert_int_equal(a->key_len, b->key_len);
	assert_memory_equal(a->key, b->key, a->key_len);
	assert_int_equal(a->recomputed_len, b->recomputed_len);
	assert_memory_equal(a->recomputed, b->recomputed, a->recomputed_len);
}

/*
 * A copy whose verify_data was flipped: settling its connection stores
 * MISMATCH, with the value recomputed from the untouched transcript (the
 * original's), and the details render that stored verdict.
 */
static void check_stored_mismatch(struct timeline *c, const struct timeline *orig, size_t i, unsigned conn)
{
	struct finished_result stored, good;
	struct tree_node *t;

	assert_false(timeline_get_finished(c, i, &stored));
	finished_settle(c, conn);
	assert_true(timeline_get_finished(c, i, &stored));
	assert_int_equal(stored.verdict, FINISHED_MISMATCH);
	assert_int_equal(stored.reason, FINISHED_REASON_NONE);
	assert_int_equal(finished_result_get(orig, i, &good), FINISHED_MATCH);
	assert_int_equal(stored.recomputed_len, good.recomputed_len);
	assert_memory_equal(stored.recomputed, good.recomputed, good.recomputed_len);
	t = finished_check(c, i);
	assert_string_equal(verdict_of(t)->value, "MISMATCH");
	tree_free(t);
}

/*
 * Settling every connection stores one result per Finished, equal to the
 * one computed on demand from a copy that has none stored; a MATCH with
 * its hash, base secret and recomputed value.
 */
static void check_stored(struct timeline *tl, unsigned conns)
{
	struct timeline *copy = copy_timeline(tl, SIZE_MAX, 0, false, true);

	for (unsigned c = 0; c < conns; c++)
		finished_settle(tl, c);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct finished_result stored, od;

		timeline_get(tl, i, &ev);
		if (ev.kind != TL_EV_HANDSHAKE || ev.hs_type != 20) {
			assert_false(timeline_get_finished(tl, i, &stored));
			continue;
		}
		assert_true(timeline_get_finished(tl, i, &stored));
		assert_false(timeline_get_finished(copy, i, &od));
		assert_int_equal(finished_result_get(copy, i, &od), FINISHED_MATCH);
		assert_same_result(&stored, &od);
		assert_int_equal(stored.verdict, FINISHED_MATCH);
		assert_int_equal(stored.recomputed_len, ev.body_len);
		assert_memory_equal(stored.recomputed, ev.body, ev.body_len);
		/* a client Finished after the client's handshake Finished ends a post-handshake authentication */
		assert_string_equal(stored.base_secret, ev.version == 0x0304 ? (ev.from == TL_CLIENT
						? (stored.post_handshake ? "CLIENT_TRAFFIC_SECRET_0"
									 : "CLIENT_HANDSHAKE_TRAFFIC_SECRET")
						: "SERVER_HANDSHAKE_TRAFFIC_SECRET")
					  : "CLIENT_RANDOM");
		assert_true(stored.hash_len == 32 || stored.hash_len == 48);
	}
	timeline_destroy(copy);
}

/* Tampered copies: a flipped verify_data and a flipped transcript byte give MISMATCH; no secrets: cannot. */
static void check_tampering(const struct timeline *tl, size_t i, const struct tl_event *fin)
{
	struct timeline *c;
	struct tree_node *t;
	size_t ch = find_hello(tl, fin);
	size_t prev = SIZE_MAX;

	/* verify_data itself */
	c = copy_timeline(tl, i, 0, false, true);
	assert_false(finished_matches(c, i));
	t = finished_check(c, i);
	assert_string_equal(verdict_of(t)->value, "MISMATCH");
	assert_true(verdict_of(t)->flags & TREE_BAD);
	tree_free(t);
	check_stored_mismatch(c, tl, i, fin->conn);
	timeline_destroy(c);

	/* a renegotiation's transcript starts at its own ClientHello: the first handshake's does not count */
	if (fin->handshake > 1) {
		size_t first_ch = find_message(tl, fin->conn, 1);
		assert_true(first_ch < ch);
		c = copy_timeline(tl, first_ch, 0, true, true);
		assert_true(finished_matches(c, i));
		timeline_destroy(c);
	}

	/* the last byte of the ClientHello (never the random, which indexes the key log) */
	assert_true(ch != SIZE_MAX && ch < i);
	c = copy_timeline(tl, ch, 0, true, true);
	assert_false(finished_matches(c, i));
	t = finished_check(c, i);
	assert_string_equal(verdict_of(t)->value, "MISMATCH");
	tree_free(t);
	timeline_destroy(c);

	/* the message right before this Finished in the same connection (the middle of the transcript) */
	for (size_t j = i; j-- > 0;) {
		struct tl_event ev;
		timeline_get(tl, j, &ev);
		if (ev.kind == TL_EV_HANDSHAKE && ev.conn == fin->conn && ev.body_len > 0 &&
		    !(fin->version == 0x0304 && ev.hs_type == 4) && ev.hs_type != 1 && ev.hs_type != 2) {
			prev = j;
			break;
		}
	}
	if (prev != SIZE_MAX) {
		c = copy_timeline(tl, prev, 0, true, true);
		assert_false(finished_matches(c, i));
		timeline_destroy(c);
	}

	/* the same timeline without its secrets */
	c = copy_timeline(tl, SIZE_MAX, 0, false, false);
	assert_false(finished_matches(c, i));
	t = finished_check(c, i);
	assert_true(strncmp(verdict_of(t)->value, "cannot recompute: ", 18) == 0);
	assert_false(verdict_of(t)->flags & (TREE_GOOD | TREE_BAD));
	tree_free(t);
	timeline_destroy(c);
}

/* Every Finished of a scenario matches; each connection has one from each side. */
static void check_scenario(const struct demo_scenario *sc, unsigned conns)
{
	struct timeline *tl = run(sc);
	unsigned seen[4][2] = { { 0 } };

	assert_int_equal(timeline_conn_count(tl), conns);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct tree_node *t;

		timeline_get(tl, i, &ev);
		if (ev.kind != TL_EV_HANDSHAKE || ev.hs_type != 20)
			continue;
		assert_true(ev.conn < 4);
		seen[ev.conn][ev.from]++;
		if (!finished_matches(tl, i))
			fail_with_tree(tl, i, sc->name);
		t = finished_check(tl, i);
		assert_string_equal(verdict_of(t)->value, "MATCH");
		assert_true(verdict_of(t)->flags & TREE_GOOD);
		assert_string_equal(t->value, "MATCH");
		assert_non_null(tree_find(t, "transcript hash"));
		assert_true(tree_find(t, "transcript hash")->nchildren >= 3);
		assert_non_null(tree_find(t, "recomputed"));
		if (ev.version == 0x0304 || ev.body_len != 12)
			assert_true(tree_find(t, "finished key")->flags & TREE_SECRET);
		else
			assert_true(tree_find(t, "master secret")->flags & TREE_SECRET);
		tree_free(t);
		check_tampering(tl, i, &ev);
	}
	check_stored(tl, timeline_conn_count(tl));
	if (sc->failure) {
		/* a failure scenario: every Finished that was sent matched; the handshake stopped somewhere */
		timeline_destroy(tl);
		return;
	}
	for (unsigned c = 0; c < conns; c++) {
		struct tree_node *ks = finished_key_schedule(tl, c);
		struct summary s;

		struct summary rs;
		/* one Finished per side in each handshake (a renegotiation adds a handshake); post-handshake
		 * authentication: the client's answer ends with one more Finished */
		unsigned hs = summary_build(tl, c, &rs) ? rs.reneg.handshakes : 1;

		if (seen[c][TL_CLIENT] != hs + (sc->cert_later ? 1u : 0u) || seen[c][TL_SERVER] != hs)
			fail_msg("%s conn %u: %u client and %u server Finished", sc->name, c, seen[c][TL_CLIENT],
				 seen[c][TL_SERVER]);
		assert_true(summary_build(tl, c, &s));
		assert_non_null(ks);
		assert_non_null(tree_find(ks, "client random"));
		if (s.version == 0x0304) {
			const struct tree_node *n = tree_find(ks, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
			assert_non_null(n);
			assert_true(n->flags & TREE_SECRET);
			assert_true(tree_find(n, "finished key")->flags & TREE_SECRET);
			assert_non_null(tree_find(n, "record key"));
			assert_non_null(tree_find(n, "context hash"));
			assert_true(tree_find(ks, "SERVER_TRAFFIC_SECRET_0")->flags & TREE_SECRET);
		} else {
			assert_non_null(tree_find(ks, "server random"));
			assert_true(tree_find(ks, "master secret")->flags & TREE_SECRET);
		}
		tree_free(ks);
	}
	timeline_destroy(tl);
}

/* Every scenario of the catalogue. */
static void catalogue(void **state)
{
	(void)state;
	assert_true(demo_count() >= 7);
	for (size_t i = 0; i < demo_count(); i++)
		check_scenario(demo_get(i), demo_get(i)->connections);
}

/* The extra scenarios. */
static void extras(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		check_scenario(&extra[i], extra[i].connections);
}

/* HelloRetryRequest: ClientHello1 shows as message_hash; the hash follows the suite. */
static void hrr_details(void **state)
{
	struct timeline *tl = run(demo_find("hrr"));
	size_t fin = find_message(tl, 0, 20);
	struct tree_node *t;
	const struct tree_node *mh;

	(void)state;
	assert_int_not_equal(fin, SIZE_MAX);
	t = finished_check(tl, fin);
	mh = tree_find(t, "transcript hash/message_hash");
	assert_non_null(mh);
	assert_non_null(strstr(mh->value, "Hash(ClientHello1)"));
	assert_non_null(strstr(mh->value, "first ClientHello"));
	assert_non_null(tree_find(t, "transcript hash/HelloRetryRequest"));
	tree_free(t);
	timeline_destroy(tl);
}

/* Resumption (1.2 and 1.3) is recognised in the key schedule; the tls13 suite's SHA-384 is used. */
static void schedule_details(void **state)
{
	struct timeline *tl = run(&extra[5]);     /* tls12-resumption */
	struct tree_node *ks;
	struct summary s;

	(void)state;
	assert_true(summary_build(tl, 1, &s));
	assert_true(s.resumed);
	ks = finished_key_schedule(tl, 1);
	assert_non_null(strstr(tree_find(ks, "premaster secret")->value, "resumes"));
	tree_free(ks);
	ks = finished_key_schedule(tl, 0);
	assert_non_null(tree_find(ks, "master secret derivation/session hash"));    /* EMS by default */
	tree_free(ks);
	timeline_destroy(tl);

	tl = run(&extra[4]);                       /* tls12-no-ems */
	ks = finished_check(tl, find_message(tl, 0, 20));
	assert_string_equal(tree_find(ks, "base secret")->value, "the master secret (its key log label is CLIENT_RANDOM)");
	tree_free(ks);
	ks = finished_key_schedule(tl, 0);
	assert_non_null(strstr(tree_find(ks, "master secret derivation")->value, "\"master secret\""));
	tree_free(ks);
	timeline_destroy(tl);

	tl = run(demo_find("resumption"));
	ks = finished_key_schedule(tl, 1);
	assert_non_null(strstr(tree_find(ks, "early secret/formula")->value, "PSK"));
	assert_non_null(strstr(ks->value, "SHA-384"));    /* NORMAL picks TLS_AES_256_GCM_SHA384 */
	tree_free(ks);
	timeline_destroy(tl);
}

/* True when some node of the tree has this exact value. */
static bool has_value(const struct tree_node *t, const char *value)
{
	if (!t)
		return false;
	if (t->value && strcmp(t->value, value) == 0)
		return true;
	for (const struct tree_node *c = t->first; c; c = c->next)
		if (has_value(c, value))
			return true;
	return false;
}

/* True when the key log holds a secret with this label for connection conn. */
static bool logged(const struct timeline *tl, unsigned conn, const char *label)
{
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		if (timeline_get_secret(tl, i, &s) && s.conn == conn && strcmp(s.label, label) == 0)
			return true;
	}
	return false;
}

/*
 * The key schedule lists the secrets the handshake has, and only those: no
 * early traffic secret without early data (although GnuTLS logs one for
 * every PSK it offers), no "not captured" line for secrets a full
 * handshake never has.
 */
static void schedule_existing_secrets(void **state)
{
	struct timeline *tl = run(demo_find("resumption"));
	struct tree_node *ks;
	struct summary s;

	(void)state;
	assert_true(summary_build(tl, 0, &s));
	assert_int_equal(s.secrets, SUMMARY_SECRET_CLIENT_HS | SUMMARY_SECRET_SERVER_HS | SUMMARY_SECRET_CLIENT_AP |
					    SUMMARY_SECRET_SERVER_AP | SUMMARY_SECRET_EXPORTER);
	ks = finished_key_schedule(tl, 0);
	assert_null(tree_find(ks, "CLIENT_EARLY_TRAFFIC_SECRET"));
	assert_null(tree_find(ks, "EARLY_EXPORTER_SECRET"));
	assert_null(tree_find(ks, "early data"));
	assert_false(has_value(ks, "not captured"));
	assert_true(tree_find(ks, "CLIENT_TRAFFIC_SECRET_0")->flags & TREE_SECRET);
	tree_free(ks);

	assert_true(logged(tl, 1, "CLIENT_EARLY_TRAFFIC_SECRET"));   /* the library logs it all the same */
	assert_true(summary_build(tl, 1, &s));
	assert_false(s.early_data_offered);
	assert_int_equal(s.secrets & (SUMMARY_SECRET_CLIENT_EARLY | SUMMARY_SECRET_EARLY_EXPORTER), 0);
	ks = finished_key_schedule(tl, 1);
	assert_null(tree_find(ks, "CLIENT_EARLY_TRAFFIC_SECRET"));
	assert_null(tree_find(ks, "EARLY_EXPORTER_SECRET"));
	assert_string_equal(tree_find(ks, "early data")->value,
			    "not offered: no early traffic secret is used in this handshake");
	assert_false(has_value(ks, "not captured"));
	tree_free(ks);
	timeline_destroy(tl);
}

/* A resumption whose ClientHello offers early_data (an empty extension retyped to 42 in a copy):
 * the early traffic secret is listed, with its record key and IV, and the server's refusal is said. */
static void schedule_early_data_offered(void **state)
{
	struct timeline *tl = run(demo_find("resumption")), *c = timeline_create(false);
	size_t ch = find_message(tl, 1, 1);
	struct tree_node *ks, *t;
	const struct tree_node *etm, *early;
	struct summary s;

	(void)state;
	assert_non_null(c);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		uint8_t *body = NULL;

		assert_true(timeline_get(tl, i, &ev));
		if (i == ch) {
			t = decode_handshake(1, ev.body, ev.body_len, NULL);
			etm = tree_find(t, "extensions/encrypt_then_mac");
			assert_non_null(etm);
			body = malloc(ev.body_len);
			assert_non_null(body);
			memcpy(body, ev.body, ev.body_len);
			body[etm->off] = 0x00;
			body[etm->off + 1] = 42;         /* early_data */
			ev.body = body;
			tree_free(t);
		}
		assert_int_equal(timeline_observe(c, &ev, true), (int)i);
		free(body);
	}
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret sec;
		assert_true(timeline_get_secret(tl, i, &sec));
		timeline_add_secret(c, &sec);
	}
	assert_true(summary_build(c, 1, &s));
	assert_true(s.early_data_offered);
	assert_false(s.early_data_accepted);
	assert_true(s.secrets & SUMMARY_SECRET_CLIENT_EARLY);
	ks = finished_key_schedule(c, 1);
	early = tree_find(ks, "CLIENT_EARLY_TRAFFIC_SECRET");
	assert_non_null(early);
	assert_true(early->flags & TREE_SECRET);
	assert_string_equal(tree_find(early, "derived as")->value,
			    "Derive-Secret(early secret, \"c e traffic\", ClientHello)");
	assert_non_null(tree_find(early, "record key"));
	assert_non_null(tree_find(early, "record IV"));
	assert_non_null(tree_find(ks, "EARLY_EXPORTER_SECRET"));
	assert_string_equal(tree_find(ks, "early data")->value,
			    "offered, not accepted: the server discarded the 0-RTT data protected with the early "
			    "traffic secret");
	tree_free(ks);
	timeline_destroy(c);
	timeline_destroy(tl);
}

/* ---- TLS 1.2 key block against GnuTLS's own record keys ---- */

/* The client's handshake hook: each message into the timeline (sender's view), as the capture does. */
static int kb_hook(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming, const gnutls_datum_t *msg)
{
	struct timeline *tl = gnutls_session_get_ptr(s);
	struct tl_event ev;

	if (when != GNUTLS_HOOK_PRE || htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC)
		return 0;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.from = incoming ? TL_SERVER : TL_CLIENT;
	ev.hs_type = htype;
	ev.body = msg->data;
	ev.body_len = msg->size;
	timeline_observe(tl, &ev, !incoming);
	return 0;
}

/* The client's key log function: the master secret into the timeline. */
static int kb_keylog(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
	struct timeline *tl = gnutls_session_get_ptr(s);
	gnutls_datum_t cr, sr;
	struct tl_secret sec;

	memset(&sec, 0, sizeof sec);
	gnutls_session_get_random(s, &cr, &sr);
	sec.side = TL_CLIENT;
	snprintf(sec.label, sizeof sec.label, "%s", label);
	memcpy(sec.client_random, cr.data, 32);
	sec.len = secret->size < sizeof sec.secret ? secret->size : sizeof sec.secret;
	memcpy(sec.secret, secret->data, sec.len);
	timeline_add_secret(tl, &sec);
	return 0;
}

/* A non-blocking session on fd. */
static gnutls_session_t kb_session(unsigned flags, int fd, gnutls_certificate_credentials_t cred, const char *prio)
{
	gnutls_session_t s;

	assert_int_equal(gnutls_init(&s, flags | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL), 0);
	assert_int_equal(gnutls_priority_set_direct(s, prio, NULL), 0);
	assert_int_equal(gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred), 0);
	gnutls_transport_set_int(s, fd);
	return s;
}

/* One TLS 1.2 handshake in this process with client priority prio; the client's view goes into tl. */
static void kb_handshake(const char *prio, const char *cert, const char *key, struct timeline *tl,
			 gnutls_session_t *client, gnutls_session_t *server, gnutls_certificate_credentials_t cred[2])
{
	int sv[2], rc[2] = { GNUTLS_E_AGAIN, GNUTLS_E_AGAIN };
	char cp[PATH_MAX + 64], kp[PATH_MAX + 64];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(fcntl(sv[k], F_SETFL, O_NONBLOCK), 0);
	snprintf(cp, sizeof cp, "%s/%s", certs, cert);
	snprintf(kp, sizeof kp, "%s/%s", certs, key);
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred[0]), 0);
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred[1]), 0);
	assert_int_equal(gnutls_certificate_set_x509_key_file(cred[1], cp, kp, GNUTLS_X509_FMT_PEM), 0);
	*client = kb_session(GNUTLS_CLIENT, sv[0], cred[0], prio);
	*server = kb_session(GNUTLS_SERVER, sv[1], cred[1], prio);
	gnutls_session_set_ptr(*client, tl);
	gnutls_handshake_set_hook_function(*client, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, kb_hook);
	gnutls_session_set_keylog_function(*client, kb_keylog);
	for (int round = 0; round < 10000 && (rc[0] == GNUTLS_E_AGAIN || rc[1] == GNUTLS_E_AGAIN); round++) {
		if (rc[0] == GNUTLS_E_AGAIN)
			rc[0] = gnutls_handshake(*client);
		if (rc[1] == GNUTLS_E_AGAIN)
			rc[1] = gnutls_handshake(*server);
	}
	if (rc[0] != 0 || rc[1] != 0)
		fail_msg("%s: handshake %d / %d", prio, rc[0], rc[1]);
	assert_int_equal(gnutls_protocol_get_version(*client), GNUTLS_TLS1_2);
}

/* Compares n bytes with a datum of GnuTLS's record state. */
static void same_bytes(const char *what, const uint8_t *mine, size_t n, const gnutls_datum_t *theirs)
{
	if (theirs->size != n || (n && memcmp(mine, theirs->data, n) != 0))
		fail_msg("%s: %zu bytes here, %u in GnuTLS's record state, or different bytes", what, n, theirs->size);
}

/* The key block of one suite equals GnuTLS's key expansion and its record state, part by part. */
static void check_key_block(const char *prio, const char *cert, const char *key, size_t mac, size_t klen, size_t iv,
			    const char *iv_label)
{
	struct timeline *tl = timeline_create(false);
	gnutls_session_t c, sv;
	gnutls_certificate_credentials_t cred[2];
	struct finished_keys12 k;
	gnutls_datum_t mk, ivd, ck, cr, sr;
	uint8_t seq[8], seed[64], block[200];
	struct tree_node *ks;
	const struct tree_node *kx;

	assert_non_null(tl);
	kb_handshake(prio, cert, key, tl, &c, &sv, cred);
	assert_true(finished_keys12(tl, 0, &k));
	assert_int_equal(k.mac_len, mac);
	assert_int_equal(k.key_len, klen);
	assert_int_equal(k.iv_len, iv);

	/* the key block as GnuTLS's PRF gives it (RFC 5246 6.3 order) */
	gnutls_session_get_random(c, &cr, &sr);
	memcpy(seed, sr.data, 32);
	memcpy(seed + 32, cr.data, 32);
	assert_int_equal(gnutls_prf_raw(c, 13, "key expansion", sizeof seed, (const char *)seed,
					2 * (mac + klen + iv), (char *)block), 0);
	assert_memory_equal(k.client_mac, block, mac);
	assert_memory_equal(k.server_mac, block + mac, mac);
	assert_memory_equal(k.client_key, block + 2 * mac, klen);
	assert_memory_equal(k.server_key, block + 2 * mac + klen, klen);
	assert_memory_equal(k.client_iv, block + 2 * (mac + klen), iv);
	assert_memory_equal(k.server_iv, block + 2 * (mac + klen) + iv, iv);

	/* the keys the client's record layer really uses: write state = client keys, read state = server keys */
	assert_int_equal(gnutls_record_get_state(c, 0, &mk, &ivd, &ck, seq), 0);
	same_bytes("client write MAC key", k.client_mac, mac, &mk);
	same_bytes("client write key", k.client_key, klen, &ck);
	if (iv)
		same_bytes("client write IV", k.client_iv, iv, &ivd);
	assert_int_equal(gnutls_record_get_state(c, 1, &mk, &ivd, &ck, seq), 0);
	same_bytes("server write MAC key", k.server_mac, mac, &mk);
	same_bytes("server write key", k.server_key, klen, &ck);
	if (iv)
		same_bytes("server write IV", k.server_iv, iv, &ivd);

	/* the key schedule lists exactly the parts the suite has */
	ks = finished_key_schedule(tl, 0);
	kx = tree_find(ks, "key expansion");
	assert_non_null(kx);
	assert_int_equal(tree_find(kx, "client write MAC key") != NULL, mac > 0);
	assert_int_equal(tree_find(kx, "server write MAC key") != NULL, mac > 0);
	assert_true(tree_find(kx, "client write key")->flags & TREE_SECRET);
	if (iv_label) {
		char path[80];
		snprintf(path, sizeof path, "client write %s", iv_label);
		assert_true(tree_find(kx, path)->flags & TREE_SECRET);
	}
	assert_int_equal(kx->nchildren, 2 + 2 * ((mac > 0) + 1 + (iv > 0)));    /* layout, key block, the parts */
	tree_free(ks);

	gnutls_deinit(c);
	gnutls_deinit(sv);
	gnutls_certificate_free_credentials(cred[0]);
	gnutls_certificate_free_credentials(cred[1]);
	timeline_destroy(tl);
}

/* TLS 1.2 key expansion: AEAD suites have no MAC keys (GCM: a 4-byte salt, ChaCha20: a 12-byte IV), CBC suites
 * have MAC keys and no IV; every byte equals GnuTLS's. */
static void tls12_key_block(void **state)
{
	(void)state;
	check_key_block(TLS12_ONLY ":-CIPHER-ALL:+AES-128-GCM", "server-ecdsa-chain.pem", "server-ecdsa.key", 0, 16, 4,
			"implicit nonce (salt)");
	check_key_block(TLS12_ONLY ":-CIPHER-ALL:+AES-256-GCM", "server-rsa-chain.pem", "server-rsa.key", 0, 32, 4,
			"implicit nonce (salt)");
	check_key_block(TLS12_ONLY ":-CIPHER-ALL:+CHACHA20-POLY1305", "server-ecdsa-chain.pem", "server-ecdsa.key", 0,
			32, 12, "IV");
	check_key_block(TLS12_ONLY ":-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1", "server-rsa-chain.pem", "server-rsa.key",
			20, 16, 0, NULL);
	check_key_block(TLS12_ONLY ":-CIPHER-ALL:+AES-256-CBC:-MAC-ALL:+SHA384", "server-ecdsa-chain.pem",
			"server-ecdsa.key", 48, 32, 0, NULL);
	check_key_block(TLS12_ONLY ":-CIPHER-ALL:+AES-128-CCM", "server-ecdsa-chain.pem", "server-ecdsa.key", 0, 16, 4,
			"implicit nonce (salt)");
}

/* Not a Finished, or out of range: "cannot recompute", never a crash. */
static void not_finished(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct tree_node *t;

	(void)state;
	t = finished_check(tl, 0);
	assert_true(strncmp(verdict_of(t)->value, "cannot recompute", 16) == 0);
	tree_free(t);
	assert_false(finished_matches(tl, 42));
	t = finished_key_schedule(tl, 0);
	assert_non_null(t);
	assert_non_null(strstr(t->value, "cannot be shown"));
	tree_free(t);
	timeline_destroy(tl);
}

/*
 * One connection holding the same handshake twice (a built timeline, like
 * the benchmark's): each Finished's transcript is that of its own
 * handshake, so the second copy's Finished messages match too, and cover
 * as many messages as the first's.
 */
static void repeated_handshake(void **state)
{
	const char *names[] = { "tls13", "tls12-ecdhe", "hrr" };

	(void)state;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		struct timeline *tl = run(demo_find(names[k]));
		struct timeline *c = timeline_create(false);
		size_t n = timeline_count(tl), fins = 0;

		for (int copy = 0; copy < 2; copy++) {
			for (size_t i = 0; i < n; i++) {
				struct tl_event ev;
				assert_true(timeline_get(tl, i, &ev));
				ev.conn = 0;
				assert_true(timeline_observe(c, &ev, true) >= 0);
			}
		}
		for (size_t i = 0; i < timeline_secret_count(tl); i++) {
			struct tl_secret sec;
			assert_true(timeline_get_secret(tl, i, &sec));
			timeline_add_secret(c, &sec);
		}
		for (size_t i = n; i < 2 * n; i++) {
			struct tl_event ev;
			struct finished_result first, second;
			timeline_get(c, i, &ev);
			if (ev.kind != TL_EV_HANDSHAKE || ev.hs_type != 20)
				continue;
			fins++;
			if (finished_result_get(c, i, &second) != FINISHED_MATCH)
				fail_with_tree(c, i, names[k]);
			assert_int_equal(finished_result_get(c, i - n, &first), FINISHED_MATCH);
			assert_int_equal(second.nmsgs, first.nmsgs);
			assert_int_equal(second.msgs[0], first.msgs[0] + n);
			assert_memory_equal(second.transcript_hash, first.transcript_hash, first.hash_len);
		}
		assert_int_equal(fins, 2);
		timeline_destroy(c);
		timeline_destroy(tl);
	}
}

/* The details render the stored result: a result stored for a Finished is what its check says. */
static void renders_stored(void **state)
{
	struct timeline *tl = run(demo_find("tls13"));
	size_t fin = find_message(tl, 0, 20);
	struct finished_result r;
	struct tree_node *t;

	(void)state;
	assert_int_equal(finished_result_get(tl, fin, &r), FINISHED_MATCH);
	r.verdict = FINISHED_MISMATCH;
	r.reason = FINISHED_LENGTH_DIFFERS;
	r.recomputed_len = 8;
	r.received_len = 40;
	timeline_set_finished(tl, &r);
	t = finished_check(tl, fin);
	assert_string_equal(t->value, "MISMATCH: verify_data is 40 bytes, 8 expected");
	assert_true(verdict_of(t)->flags & TREE_BAD);
	tree_free(t);
	assert_false(finished_matches(tl, fin));
	r.verdict = FINISHED_CANNOT_CHECK;
	r.reason = FINISHED_NO_SECRET;
	timeline_set_finished(tl, &r);
	t = finished_check(tl, fin);
	assert_string_equal(t->value,
			    "cannot recompute: the key log has no SERVER_HANDSHAKE_TRAFFIC_SECRET for this connection");
	tree_free(t);
	timeline_destroy(tl);
}

/*
 * A ClientHello kept only in part (timeline.h's limits; here its last 10
 * bytes) leaves the Finished unchecked, with the reason: its transcript
 * cannot be rebuilt, so neither MATCH nor MISMATCH is true.
 */
static void body_kept_in_part(void **state)
{
	struct timeline *tl = run(demo_find("tls13")), *c = timeline_create(false);
	size_t ch = find_message(tl, 0, 1), fin = find_message(tl, 0, 20);
	struct tree_node *t;
	char want[200];

	(void)state;
	assert_true(finished_matches(tl, fin));
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		if (i == ch) {
			ev.body_total = ev.body_len;
			ev.body_len -= 10;
		}
		assert_int_equal(timeline_append_raw(c, &ev), (int)i);
	}
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		assert_true(timeline_get_secret(tl, i, &s));
		timeline_add_secret(c, &s);
	}
	t = finished_check(c, fin);
	snprintf(want, sizeof want, "cannot recompute: message %zu was not kept whole (the limits of what a connection "
		 "stores), so the transcript cannot be rebuilt", ch);
	assert_string_equal(t->value, want);
	tree_free(t);
	assert_false(finished_matches(c, fin));
	timeline_destroy(c);
	timeline_destroy(tl);
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
		cmocka_unit_test(catalogue),      cmocka_unit_test(extras),       cmocka_unit_test(hrr_details),
		cmocka_unit_test(schedule_details), cmocka_unit_test(not_finished),
		cmocka_unit_test(schedule_existing_secrets), cmocka_unit_test(schedule_early_data_offered),
		cmocka_unit_test(tls12_key_block),  cmocka_unit_test(repeated_handshake),
		cmocka_unit_test(body_kept_in_part),
		cmocka_unit_test(renders_stored),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
