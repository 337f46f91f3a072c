/*
 * test_records.c: every record of in-process demo connections decrypts,
 * here, with the keys and IVs tlsladder derived from the key log secrets
 * (finished_traffic_keys13 for TLS 1.3, the key block of finished_keys12_at
 * for TLS 1.2), with a good tag, and its plaintext is exactly the bytes
 * the hooks recorded (type || length || body, alerts); the facts
 * records_settle stored agree (opened, sequence number, inner type, what it
 * carries). A flipped IV bit fails the tag; a flipped secret bit makes
 * records_settle say "tag mismatch"; CBC suites (both MAC orders) open
 * with a matching MAC.
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

#include "tlsladder/demo.h"
#include "tlsladder/session.h"
#include "tlsladder/finished.h"
#include "tlsladder/paths.h"
#include "tlsladder/recframe.h"
#include "tlsladder/records.h"
#include "tlsladder/timeline.h"
#include "tlsladder/wire.h"

#define TLS13_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define TLS12_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.2"

static char certs[PATH_MAX];

static const struct demo_scenario extra[] = {
	{ .name = "tls13-chacha", .summary = "TLS 1.3 with ChaCha20-Poly1305",
	  .client_priority = TLS13_ONLY ":-CIPHER-ALL:+CHACHA20-POLY1305", .server_priority = "NORMAL",
	  .server_cert = "server-ecdsa-chain.pem", .server_key = "server-ecdsa.key", .connections = 1 },
	{ .name = "tls12-aes128-gcm", .summary = "TLS 1.2 ECDHE with AES-128-GCM",
	  .client_priority = TLS12_ONLY ":-CIPHER-ALL:+AES-128-GCM", .server_priority = "NORMAL",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-chacha", .summary = "TLS 1.2 ECDHE with ChaCha20-Poly1305",
	  .client_priority = TLS12_ONLY ":-CIPHER-ALL:+CHACHA20-POLY1305", .server_priority = "NORMAL",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-cbc-etm", .summary = "TLS 1.2 with AES-128-CBC-SHA1, encrypt-then-MAC",
	  .client_priority = TLS12_ONLY ":-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1", .server_priority = "NORMAL",
	  .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key", .connections = 1 },
	{ .name = "tls12-cbc-mte", .summary = "TLS 1.2 with AES-128-CBC-SHA1, MAC-then-encrypt",
	  .client_priority = TLS12_ONLY ":-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1:%NO_ETM",
	  .server_priority = "NORMAL:%NO_ETM", .server_cert = "server-rsa-chain.pem", .server_key = "server-rsa.key",
	  .connections = 1 },
};

/* Runs a scenario with the wire kept, as the program does. */
static struct timeline *run(const struct demo_scenario *sc)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true, .cancel_fd = -1 };
	struct tl_error err = { 0, "" };
	int rc;

	assert_non_null(tl);
	timeline_wire_keep(tl, TL_WIRE_LIMIT_DEFAULT);
	rc = demo_run(sc, &o, tl, &err);
	if (rc != 0)
		fail_msg("demo %s: exit %d %s", sc->name, rc, err.msg);
	timeline_finish(tl);
	return tl;
}

/* A catalogue scenario by name. */
static const struct demo_scenario *scenario(const char *name)
{
	const struct demo_scenario *sc = demo_find(name);
	assert_non_null(sc);
	return sc;
}

/* One sender's expected plaintext: its handshake messages framed, in order, and its alerts. */
struct expect {
	uint8_t hs[65536];
	size_t hs_len, hs_at;
	size_t alerts[16], nalerts, alert_at;
};

/* Gathers what `from` sent on connection conn. */
static void expect_init(const struct timeline *tl, unsigned conn, enum tl_side from, struct expect *x)
{
	memset(x, 0, sizeof *x);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.conn != conn || ev.from != from)
			continue;
		if (ev.kind == TL_EV_HANDSHAKE) {
			unsigned type = ev.hs_type == TL_HS_HELLO_RETRY_REQUEST ? WIRE_HS_SERVER_HELLO : ev.hs_type;
			assert_true(x->hs_len + 4 + ev.body_len <= sizeof x->hs);
			x->hs[x->hs_len++] = (uint8_t)type;
			x->hs[x->hs_len++] = (uint8_t)(ev.body_len >> 16);
			x->hs[x->hs_len++] = (uint8_t)(ev.body_len >> 8);
			x->hs[x->hs_len++] = (uint8_t)ev.body_len;
			if (ev.body_len > 0)
				memcpy(x->hs + x->hs_len, ev.body, ev.body_len);
			x->hs_len += ev.body_len;
		} else if (ev.kind == TL_EV_ALERT && x->nalerts < 16) {
			x->alerts[x->nalerts++] = i;
		}
	}
}

/* The plaintext p[0..n) of content type `type` is the next thing the sender's hooks recorded. */
static void expect_plain(const struct timeline *tl, struct expect *x, unsigned type, const uint8_t *p, size_t n)
{
	if (type == WIRE_CT_HANDSHAKE) {
		assert_true(x->hs_at + n <= x->hs_len);
		assert_memory_equal(p, x->hs + x->hs_at, n);
		x->hs_at += n;
	} else if (type == WIRE_CT_ALERT) {
		struct tl_event ev;
		assert_true(x->alert_at < x->nalerts);
		assert_true(timeline_get(tl, x->alerts[x->alert_at++], &ev));
		assert_int_equal(n, 2);
		assert_int_equal(p[0], ev.alert_level);
		assert_int_equal(p[1], ev.alert_desc);
	} else {
		assert_int_equal(type, WIRE_CT_APPLICATION_DATA);
	}
}

/* HKDF-Expand-Label(secret, label, "", len) (RFC 8446 7.1), written here from the RFC. */
static void expand_label(gnutls_mac_algorithm_t mac, const uint8_t *secret, size_t slen, const char *label,
			 uint8_t *out, size_t len)
{
	uint8_t info[64];
	size_t k = 0, ll = strlen(label);
	gnutls_datum_t key = { (unsigned char *)(uintptr_t)secret, (unsigned)slen }, inf;

	info[k++] = (uint8_t)(len >> 8);
	info[k++] = (uint8_t)len;
	info[k++] = (uint8_t)(6 + ll);
	memcpy(info + k, "tls13 ", 6);
	memcpy(info + k + 6, label, ll);
	k += 6 + ll;
	info[k++] = 0;
	inf.data = info;
	inf.size = (unsigned)k;
	assert_int_equal(gnutls_hkdf_expand(mac, &key, &inf, out, len), 0);
}

/* The traffic secret of a TLS 1.3 record's keys (its generation reached with "traffic upd"). */
static void secret13(const struct timeline *tl, const struct tl_event *ev, unsigned suite, uint8_t *out, size_t *len)
{
	char label[64];
	bool found = false;

	if (ev->keys == TL_KEYS_EARLY)
		snprintf(label, sizeof label, "CLIENT_EARLY_TRAFFIC_SECRET");
	else
		snprintf(label, sizeof label, "%s_%s", ev->from == TL_CLIENT ? "CLIENT" : "SERVER",
			 ev->keys == TL_KEYS_HANDSHAKE ? "HANDSHAKE_TRAFFIC_SECRET" : "TRAFFIC_SECRET_0");
	for (size_t i = 0; i < timeline_secret_count(tl) && !found; i++) {
		struct tl_secret s;
		assert_true(timeline_get_secret(tl, i, &s));
		if (s.conn == ev->conn && strcmp(s.label, label) == 0) {
			memcpy(out, s.secret, s.len);
			*len = s.len;
			found = true;
		}
	}
	if (!found)
		fail_msg("no %s for connection %u", label, ev->conn);
	for (unsigned g = 0; ev->keys == TL_KEYS_APPLICATION && g < ev->key_gen; g++)
		expand_label(suite == WIRE_SUITE_TLS_AES_256_GCM_SHA384 ? GNUTLS_MAC_SHA384 : GNUTLS_MAC_SHA256, out, *len,
			     "traffic upd", out, *len);
}

/* The AEAD of a suite. */
static gnutls_cipher_algorithm_t aead_of(unsigned suite, size_t key_len, bool tls13)
{
	if (tls13)
		return suite == WIRE_SUITE_TLS_CHACHA20_POLY1305_SHA256 ? GNUTLS_CIPHER_CHACHA20_POLY1305
		       : key_len == 32 ? GNUTLS_CIPHER_AES_256_GCM : GNUTLS_CIPHER_AES_128_GCM;
	return suite >= 0xcca8 && suite <= 0xccae ? GNUTLS_CIPHER_CHACHA20_POLY1305
	       : key_len == 32 ? GNUTLS_CIPHER_AES_256_GCM : GNUTLS_CIPHER_AES_128_GCM;
}

/* Decrypts with key/nonce/aad; returns the plaintext length, or -1 when the tag does not match. */
static long aead(gnutls_cipher_algorithm_t ca, const uint8_t *key, size_t klen, const uint8_t *nonce, const uint8_t *aad,
		 size_t aadlen, const uint8_t *c, size_t n, uint8_t *out)
{
	gnutls_aead_cipher_hd_t h;
	gnutls_datum_t k = { (unsigned char *)(uintptr_t)key, (unsigned)klen };
	size_t outlen = n;
	int rc;

	assert_int_equal(gnutls_aead_cipher_init(&h, ca, &k), 0);
	rc = gnutls_aead_cipher_decrypt(h, nonce, 12, aad, aadlen, 16, c, n, out, &outlen);
	gnutls_aead_cipher_deinit(h);
	return rc < 0 ? -1 : (long)outlen;
}

/* What the decryption of one record needs to know across records of its sender. */
struct sender {
	struct expect x;
	uint64_t seq;
	enum tl_keys keys;
	unsigned gen;
	bool tls12_on;
};

/* Opens a TLS 1.3 record here; returns the inner content type and its content length in *n. */
static unsigned open13(const struct timeline *tl, const struct tl_event *ev, unsigned suite, const uint8_t *rec,
		       uint64_t seq, bool flip_iv, uint8_t *out, size_t *n)
{
	uint8_t secret[64], nonce[12];
	size_t slen = 0;
	struct finished_keys13 k;
	long m;

	secret13(tl, ev, suite, secret, &slen);
	assert_true(finished_traffic_keys13(suite, secret, slen, &k));
	if (flip_iv)
		k.iv[0] ^= 0x01;
	memcpy(nonce, k.iv, 12);
	for (unsigned b = 0; b < 8; b++)
		nonce[11 - b] ^= (uint8_t)(seq >> (8 * b));
	m = aead(aead_of(suite, k.key_len, true), k.key, k.key_len, nonce, rec, 5, rec + 5, ev->rec_length, out);
	if (m < 0)
		return 0;
	while (m > 0 && out[m - 1] == 0)
		m--;
	assert_true(m > 0);
	*n = (size_t)m - 1;
	return out[m - 1];
}

/* Opens a TLS 1.2 AEAD record here with the key block; returns its length, or -1 on a bad tag. */
static long open12(const struct timeline *tl, size_t i, const struct tl_event *ev, unsigned suite, const uint8_t *rec,
		   uint64_t seq, uint8_t *out)
{
	struct finished_keys12 kb;
	bool client = ev->from == TL_CLIENT;
	uint8_t nonce[12], aad[13];
	size_t expl;

	assert_true(finished_keys12_at(tl, i, &kb));
	assert_int_equal(kb.mac_len, 0);
	expl = kb.iv_len == 4 ? 8 : 0;
	memcpy(nonce, client ? kb.client_iv : kb.server_iv, kb.iv_len);
	if (expl) {
		memcpy(nonce + 4, rec + 5, 8);
	} else {
		for (unsigned b = 0; b < 8; b++)
			nonce[11 - b] ^= (uint8_t)(seq >> (8 * b));
	}
	for (unsigned b = 0; b < 8; b++)
		aad[7 - b] = (uint8_t)(seq >> (8 * b));
	memcpy(aad + 8, rec, 3);
	aad[11] = (uint8_t)((ev->rec_length - expl - 16) >> 8);
	aad[12] = (uint8_t)(ev->rec_length - expl - 16);
	return aead(aead_of(suite, kb.key_len, false), client ? kb.client_key : kb.server_key, kb.key_len, nonce, aad, 13,
		    rec + 5 + expl, ev->rec_length - expl, out);
}

/* The suite of connection conn's ServerHello (bytes 35.. after the session id). */
static unsigned suite_of(const struct timeline *tl, unsigned conn, unsigned *version)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.conn == conn && ev.kind == TL_EV_HANDSHAKE && ev.hs_type == WIRE_HS_SERVER_HELLO) {
			size_t at = 2 + 32 + 1 + ev.body[34];
			*version = ev.version;
			return (unsigned)ev.body[at] << 8 | ev.body[at + 1];
		}
	}
	fail_msg("no ServerHello");
	return 0;
}

/* Checks one encrypted record: opened here, plaintext as hooked, facts agreeing. */
static void check_encrypted(const struct timeline *tl, size_t i, const struct tl_event *ev, const uint8_t *rec,
			    struct sender *s, unsigned suite, bool tls13, const struct tl_record_facts *f)
{
	static uint8_t out[20000];
	unsigned type;
	size_t n = 0;

	if (tls13 && (ev->keys != s->keys || ev->key_gen != s->gen)) {
		s->seq = 0;
		s->keys = ev->keys;
		s->gen = ev->key_gen;
	}
	if (tls13) {
		type = open13(tl, ev, suite, rec, s->seq, false, out, &n);
		if (type == 0)
			fail_msg("record %zu: the tag does not match with the derived key and IV (seq %llu)", i,
				 (unsigned long long)s->seq);
	} else {
		long m = open12(tl, i, ev, suite, rec, s->seq, out);
		if (m < 0)
			fail_msg("record %zu: the tag does not match with the key block (seq %llu)", i,
				 (unsigned long long)s->seq);
		type = ev->rec_type;
		n = (size_t)m;
	}
	expect_plain(tl, &s->x, type, out, n);
	assert_int_equal(f->verdict, TL_REC_OPENED);
	assert_int_equal(f->seq, s->seq);
	assert_int_equal(f->inner_type, type);
	assert_int_equal(f->plain_len, n);
	s->seq++;
}

/* Every record of connection conn of tl: opened here and as records_settle says; returns how many encrypted. */
static unsigned check_conn(const struct timeline *tl, unsigned conn)
{
	struct sender *s = calloc(2, sizeof *s);
	unsigned version, suite = suite_of(tl, conn, &version), encrypted = 0;

	assert_non_null(s);
	expect_init(tl, conn, TL_CLIENT, &s[0].x);
	expect_init(tl, conn, TL_SERVER, &s[1].x);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct tl_record_facts f;
		uint8_t *rec;
		size_t n;
		char what[300];

		assert_true(timeline_get(tl, i, &ev));
		if (ev.conn != conn || ev.kind != TL_EV_RECORD)
			continue;
		if (!timeline_get_record(tl, i, &f) || !recframe_bytes(tl, i, &rec, &n))
			fail_msg("record %zu has no facts or bytes", i);
		assert_int_equal(n, 5 + ev.rec_length);
		assert_int_equal(rec[0], ev.rec_type);
		if (!ev.encrypted) {
			assert_int_equal(f.verdict, TL_REC_PLAIN);
			expect_plain(tl, &s[ev.from].x, ev.rec_type == WIRE_CT_CHANGE_CIPHER_SPEC ? WIRE_CT_APPLICATION_DATA
												  : ev.rec_type,
				     rec + 5, ev.rec_length);
			if (ev.rec_type == WIRE_CT_CHANGE_CIPHER_SPEC)
				s[ev.from].seq = 0;   /* TLS 1.2: the keys start here */
		} else {
			check_encrypted(tl, i, &ev, rec, &s[ev.from], suite, version == WIRE_TLS13, &f);
			encrypted++;
		}
		assert_true(recframe_carried(tl, i, what, sizeof what)[0] != '\0');
		free(rec);
	}
	/* every handshake byte each side's hooks recorded was found, in order, in its records */
	assert_int_equal(s[0].x.hs_at, s[0].x.hs_len);
	assert_int_equal(s[1].x.hs_at, s[1].x.hs_len);
	free(s);
	return encrypted;
}

/* Runs a scenario and checks every record of every connection. */
static void check_scenario(const struct demo_scenario *sc, unsigned min_encrypted)
{
	struct timeline *tl = run(sc);
	unsigned encrypted = 0;

	for (unsigned c = 0; c < sc->connections; c++)
		encrypted += check_conn(tl, c);
	assert_true(encrypted >= min_encrypted);
	timeline_destroy(tl);
}

static void tls13_every_record(void **state)
{
	(void)state;
	check_scenario(scenario("tls13"), 8);
}

static void tls13_chacha_every_record(void **state)
{
	(void)state;
	check_scenario(&extra[0], 8);
}

static void key_update_every_record(void **state)
{
	(void)state;
	check_scenario(scenario("key-update"), 10);
}

static void resumption_early_data_every_record(void **state)
{
	(void)state;
	check_scenario(scenario("early-data"), 10);
}

static void tls12_every_record(void **state)
{
	(void)state;
	check_scenario(scenario("tls12-ecdhe"), 2);
	check_scenario(&extra[1], 2);
	check_scenario(&extra[2], 2);
	check_scenario(scenario("mtls12"), 2);
}

/* The demo tls13 sentence of the issue: EncryptedExtensions, 8 B, in 29 B. */
static void framing_sentence(void **state)
{
	struct timeline *tl = run(scenario("tls13"));
	char line[400], what[300];
	bool seen = false;

	(void)state;
	for (size_t i = 0; i < timeline_count(tl) && !seen; i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.kind != TL_EV_RECORD || !ev.encrypted)
			continue;
		seen = true;
		assert_string_equal(recframe_carried(tl, i, what, sizeof what), "EncryptedExtensions");
		recframe_sum(tl, i, line, sizeof line);
		assert_string_equal(line, "EncryptedExtensions 8 B travels in 29 B = 8 + 4 handshake header + 1 inner type + 16 tag");
	}
	assert_true(seen);
	timeline_destroy(tl);
}

/* One flipped bit of the derived IV: the tag no longer matches. */
static void flipped_iv_fails_the_tag(void **state)
{
	struct timeline *tl = run(scenario("tls13"));
	unsigned version, suite = suite_of(tl, 0, &version);
	static uint8_t out[20000];
	unsigned tried = 0;

	(void)state;
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		uint8_t *rec;
		size_t n, m;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.kind != TL_EV_RECORD || !ev.encrypted || ev.keys != TL_KEYS_HANDSHAKE || ev.from != TL_SERVER)
			continue;
		assert_true(recframe_bytes(tl, i, &rec, &n));
		assert_int_not_equal(open13(tl, &ev, suite, rec, tried, false, out, &m), 0);
		assert_int_equal(open13(tl, &ev, suite, rec, tried, true, out, &m), 0);
		free(rec);
		tried++;
	}
	assert_true(tried >= 3);
	timeline_destroy(tl);
}

/* A copy of tl with its wire; the secret by label has one bit flipped. */
static struct timeline *copy_flipped(const struct timeline *tl, const char *label)
{
	struct timeline *c = timeline_create(false);

	assert_non_null(c);
	timeline_wire_keep(c, TL_WIRE_LIMIT_DEFAULT);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		assert_true(timeline_get(tl, i, &ev));
		assert_int_equal(timeline_append_raw(c, &ev), (int)i);
	}
	for (size_t i = 0; i < timeline_wire_count(tl); i++) {
		struct tl_wire_chunk ch;
		assert_true(timeline_wire_get(tl, i, &ch));
		timeline_wire_add(c, ch.conn, ch.from, true, ch.bytes, ch.len);
	}
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		assert_true(timeline_get_secret(tl, i, &s));
		if (strcmp(s.label, label) == 0)
			s.secret[0] ^= 0x01;
		timeline_add_secret(c, &s);
	}
	return c;
}

/* records_settle with a broken secret: its records say "tag mismatch", the others still open. */
static void broken_secret_gives_tag_mismatch(void **state)
{
	struct timeline *tl = run(scenario("tls13"));
	struct timeline *c = copy_flipped(tl, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
	unsigned bad = 0, good = 0;

	(void)state;
	records_settle(c, 0);
	for (size_t i = 0; i < timeline_count(c); i++) {
		struct tl_event ev;
		struct tl_record_facts f;
		assert_true(timeline_get(c, i, &ev));
		if (ev.kind != TL_EV_RECORD || !ev.encrypted)
			continue;
		assert_true(timeline_get_record(c, i, &f));
		if (ev.keys == TL_KEYS_HANDSHAKE && ev.from == TL_SERVER) {
			assert_int_equal(f.verdict, TL_REC_TAG_MISMATCH);
			bad++;
		} else {
			assert_int_equal(f.verdict, TL_REC_OPENED);
			good++;
		}
	}
	assert_true(bad >= 3 && good >= 3);
	timeline_destroy(c);
	timeline_destroy(tl);
}

/* TLS 1.2 CBC suites: every protected record opens with a matching MAC and carries what was hooked. */
static void tls12_cbc_macs_match(void **state)
{
	(void)state;
	for (unsigned k = 3; k < 5; k++) {
		struct timeline *tl = run(&extra[k]);
		unsigned opened = 0;
		for (size_t i = 0; i < timeline_count(tl); i++) {
			struct tl_event ev;
			struct tl_record_facts f;
			char what[300];
			assert_true(timeline_get(tl, i, &ev));
			if (ev.kind != TL_EV_RECORD || !ev.encrypted)
				continue;
			assert_true(timeline_get_record(tl, i, &f));
			if (f.verdict != TL_REC_OPENED)
				fail_msg("%s: record %zu not opened (verdict %d prot %d len %u pad %u type %u)", extra[k].name, i, f.verdict, f.prot, ev.rec_length, f.pad_len, ev.rec_type);
			assert_int_equal(f.prot, k == 3 ? TL_PROT_CBC_ETM : TL_PROT_CBC);
			assert_int_equal(f.nonce_len, 16);
			assert_int_equal(f.tag_len, 20);
			assert_true(recframe_carried(tl, i, what, sizeof what)[0] != '\0');
			opened++;
		}
		assert_true(opened >= 3);
		timeline_destroy(tl);
	}
}

/* Facts that do not fit their record (a hostile saved run) are not rendered: nothing is read out of bounds. */
static void facts_that_do_not_fit_are_ignored(void **state)
{
	struct timeline *tl = run(scenario("tls13"));
	char what[300];
	uint8_t *p;
	size_t n;

	(void)state;
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct tl_record_facts f;
		struct tree_node *t;
		assert_true(timeline_get(tl, i, &ev));
		if (ev.kind != TL_EV_RECORD || !ev.encrypted)
			continue;
		assert_true(timeline_get_record(tl, i, &f));
		t = recframe_tree(tl, i);
		assert_non_null(t);
		tree_free(t);
		f.tag_len = ev.rec_length + 1000;
		timeline_set_record(tl, &f);
		assert_null(recframe_tree(tl, i));
		assert_string_equal(recframe_carried(tl, i, what, sizeof what), "");
		assert_false(recframe_bytes(tl, i, &p, &n));
		break;
	}
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tls13_every_record),
		cmocka_unit_test(tls13_chacha_every_record),
		cmocka_unit_test(key_update_every_record),
		cmocka_unit_test(resumption_early_data_every_record),
		cmocka_unit_test(tls12_every_record),
		cmocka_unit_test(framing_sentence),
		cmocka_unit_test(flipped_iv_fails_the_tag),
		cmocka_unit_test(broken_secret_gives_tag_mismatch),
		cmocka_unit_test(tls12_cbc_macs_match),
		cmocka_unit_test(facts_that_do_not_fit_are_ignored),
	};
	struct tl_error err;

	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs) || session_global_init(&err) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
