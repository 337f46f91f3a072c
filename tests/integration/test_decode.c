/*
 * test_decode.c: the handshake decoders against real bodies captured from
 * every demo scenario (tests/fixtures/, listed in manifest.txt), plus
 * hand-made malformed input.
 *
 * Table-driven over the manifest: every fixture decodes cleanly; specific
 * values are spot-checked; every truncation and some single-byte
 * corruptions of every fixture decode without crashing, keep every node's
 * range inside the body, and (truncations) end in an error node. Fixtures
 * are read from $TLSLADDER_DATADIR/tests/fixtures. Each input is copied to
 * an exact-size allocation so a sanitizer build catches any over-read.
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
#include "tlsladder/summary.h"
#include "tlsladder/demo.h"
#include "tlsladder/paths.h"
#include "tlsladder/reader.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

struct fixture {
	char scenario[32];
	unsigned index, hs_type, version;
	enum tl_side from;
	enum decode_kx kx;
	char file[160];
	char name[48];            /* message name from the file name */
	uint8_t *body;
	size_t n;
};

static struct fixture *fixtures;
static size_t nfixtures;

/* ------------------------------------------------------------------ */
/* Loading the manifest. */

/* Reads a whole file; NULL on error. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)len ? (size_t)len : 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/* The key exchange named in the manifest. */
static enum decode_kx kx_from_word(const char *w)
{
	if (strcmp(w, "ecdhe") == 0)
		return DECODE_KX_ECDHE;
	if (strcmp(w, "dhe") == 0)
		return DECODE_KX_DHE;
	if (strcmp(w, "rsa") == 0)
		return DECODE_KX_RSA;
	if (strcmp(w, "psk") == 0)
		return DECODE_KX_PSK;
	return DECODE_KX_UNKNOWN;
}

/* Loads every fixture in the manifest. */
static int load_fixtures(void **state)
{
	const char *root = getenv("TLSLADDER_DATADIR");
	char dir[PATH_MAX], path[PATH_MAX + 200], line[512];
	FILE *m;
	size_t cap = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/tests/fixtures", root ? root : ".");
	snprintf(path, sizeof path, "%s/manifest.txt", dir);
	m = fopen(path, "r");
	if (!m) {
		fprintf(stderr, "test_decode: cannot open %s (set TLSLADDER_DATADIR to the repository)\n", path);
		return -1;
	}
	while (fgets(line, sizeof line, m)) {
		struct fixture fx;
		char from[16], kx[16];
		const char *dash;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		memset(&fx, 0, sizeof fx);
		if (sscanf(line, "%31s %u %u %15s %x %15s %159s", fx.scenario, &fx.index, &fx.hs_type, from, &fx.version,
			   kx, fx.file) != 7) {
			fprintf(stderr, "test_decode: bad manifest line: %s", line);
			fclose(m);
			return -1;
		}
		fx.from = strcmp(from, "server") == 0 ? TL_SERVER : TL_CLIENT;
		fx.kx = kx_from_word(kx);
		dash = strrchr(fx.file, '-');
		snprintf(fx.name, sizeof fx.name, "%s", dash ? dash + 1 : "");
		if (strchr(fx.name, '.'))
			*strchr(fx.name, '.') = '\0';
		snprintf(path, sizeof path, "%s/%s", dir, fx.file);
		fx.body = slurp(path, &fx.n);
		if (!fx.body) {
			fprintf(stderr, "test_decode: cannot read %s\n", path);
			fclose(m);
			return -1;
		}
		if (nfixtures == cap) {
			cap = cap ? cap * 2 : 64;
			fixtures = realloc(fixtures, cap * sizeof *fixtures);
			if (!fixtures) {
				fclose(m);
				return -1;
			}
		}
		fixtures[nfixtures++] = fx;
	}
	fclose(m);
	return nfixtures > 0 ? 0 : -1;
}

/* Frees the fixtures. */
static int free_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < nfixtures; i++)
		free(fixtures[i].body);
	free(fixtures);
	return 0;
}

/* The decoding context of a fixture. */
static struct decode_ctx ctx_of(const struct fixture *fx)
{
	struct decode_ctx c;

	c.version = fx->version;
	c.from = fx->from;
	c.kx = fx->kx;
	return c;
}

/* The first fixture of a scenario with a message name (nth match, 0-based), or fails. */
static const struct fixture *find(const char *scenario, const char *name, unsigned nth)
{
	for (size_t i = 0; i < nfixtures; i++)
		if (strcmp(fixtures[i].scenario, scenario) == 0 && strcmp(fixtures[i].name, name) == 0 && nth-- == 0)
			return &fixtures[i];
	fail_msg("no fixture %s %s", scenario, name);
	return NULL;
}

/* Decodes len bytes of a fixture from an exact-size copy (so over-reads are caught). */
static struct tree_node *decode_copy(const struct fixture *fx, const uint8_t *p, size_t len)
{
	struct decode_ctx c = ctx_of(fx);
	uint8_t *copy = malloc(len ? len : 1);
	struct tree_node *t;

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	t = decode_handshake(fx->hs_type, copy, len, &c);
	free(copy);
	return t;
}

/* Decodes a fixture whole. */
static struct tree_node *decode_fx(const struct fixture *fx)
{
	struct tree_node *t = decode_copy(fx, fx->body, fx->n);

	assert_non_null(t);
	return t;
}

/* The node at path, or fails naming the fixture. */
static const struct tree_node *node_at(const struct tree_node *t, const char *path, const struct fixture *fx)
{
	const struct tree_node *n = tree_find(t, path);

	if (!n)
		fail_msg("%s: no node %s", fx->file, path);
	return n;
}

/* The tree's structural promises: ranges inside the body; error nodes are the root's last child. */
static void check_shape(const struct tree_node *root, size_t n, const char *what)
{
	const struct tree_node *node = root;

	while (node) {
		if (node->off > n || node->len > n - node->off)
			fail_msg("%s: node \"%s\" range %zu+%zu outside %zu bytes", what, node->label, node->off, node->len,
				 n);
		if ((node->flags & TREE_ERROR) && node != root->last)
			fail_msg("%s: error node \"%s\" is not the root's last child", what, node->label);
		if (node->first) {
			node = node->first;
			continue;
		}
		while (node && node != root && !node->next)
			node = node->parent;
		node = node && node != root ? node->next : NULL;
	}
}

/* Every node below the root covers some bytes of the body. */
static void check_ranges_set(const struct tree_node *root, const char *what)
{
	const struct tree_node *node = root->first;

	while (node) {
		if (node->len == 0)
			fail_msg("%s: node \"%s\" has no byte range", what, node->label);
		if (node->first) {
			node = node->first;
			continue;
		}
		while (node && node != root && !node->next)
			node = node->parent;
		node = node && node != root ? node->next : NULL;
	}
}

/* Prints a tree to a memory buffer (exercises the printer) and returns its length. */
static size_t print_len(const struct tree_node *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	tree_print(f, t, 0, true, true);
	fclose(f);
	free(buf);
	return len;
}

/* ------------------------------------------------------------------ */
/* Every fixture. */

/* Every fixture decodes with no error node, named as its file says, ranges in bounds. */
static void all_fixtures_clean(void **state)
{
	(void)state;
	for (size_t i = 0; i < nfixtures; i++) {
		const struct fixture *fx = &fixtures[i];
		struct tree_node *t = decode_fx(fx);

		if (tree_any(t, TREE_ERROR)) {
			tree_print(stderr, t, 0, false, false);
			fail_msg("%s: decoded with an error node", fx->file);
		}
		assert_string_equal(t->label, fx->name);
		assert_non_null(strstr(t->value, fx->from == TL_SERVER ? "server -> client" : "client -> server"));
		check_shape(t, fx->n, fx->file);
		check_ranges_set(t, fx->file);
		assert_int_equal(t->off, 0);
		assert_int_equal(t->len, fx->n);
		assert_true(print_len(t) > 0);
		tree_free(t);
	}
}

/* True when a truncation at len may legitimately decode cleanly. */
static bool clean_truncation_ok(const struct fixture *fx, const struct tree_node *full, size_t len)
{
	const struct tree_node *ext = tree_find(full, "extensions");

	/* TLS 1.2 hellos may end before their extensions */
	if ((fx->hs_type == 1 || fx->hs_type == 2) && fx->version == 0x0303 && ext && ext->parent == full &&
	    len == ext->off)
		return true;
	/* a TLS 1.3 Finished of 48 bytes cut to 32 looks like a SHA-256 one */
	if (fx->hs_type == 20 && fx->version == 0x0304 && len == 32)
		return true;
	return false;
}

/* Every truncation of every fixture: no crash, ranges in bounds, and an error node last. */
static void truncations(void **state)
{
	size_t runs = 0;

	(void)state;
	for (size_t i = 0; i < nfixtures; i++) {
		const struct fixture *fx = &fixtures[i];
		struct tree_node *full = decode_fx(fx);

		for (size_t len = 0; len < fx->n; len++) {
			struct tree_node *t = decode_copy(fx, fx->body, len);
			char what[256];

			assert_non_null(t);
			snprintf(what, sizeof what, "%s cut to %zu", fx->file, len);
			check_shape(t, len, what);
			if (!t->last || !(t->last->flags & TREE_ERROR)) {
				if (!clean_truncation_ok(fx, full, len)) {
					tree_print(stderr, t, 0, false, false);
					fail_msg("%s: no error node at the end", what);
				}
			} else {
				assert_true(strcmp(t->last->label, "malformed") == 0 ||
					    strcmp(t->last->label, "trailing data") == 0);
			}
			print_len(t);
			tree_free(t);
			runs++;
		}
		tree_free(full);
	}
	assert_true(runs > 10000);
}

/* A small deterministic generator for the corruptions. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* Three single-byte corruptions of every fixture (plus a few fixed ones): no crash, shape kept. */
static void corruptions(void **state)
{
	uint32_t seed = 20240501u;

	(void)state;
	for (size_t i = 0; i < nfixtures; i++) {
		const struct fixture *fx = &fixtures[i];
		uint8_t *copy;

		if (fx->n == 0)
			continue;
		copy = malloc(fx->n);
		assert_non_null(copy);
		for (unsigned k = 0; k < 3 + 4; k++) {
			struct tree_node *t;
			size_t at;
			char what[256];

			memcpy(copy, fx->body, fx->n);
			if (k < 3) {
				at = lcg(&seed) % fx->n;
				copy[at] ^= (uint8_t)(1 + lcg(&seed) % 255);
			} else {
				/* the length bytes near the start are the interesting ones */
				at = k - 3 < fx->n ? k - 3 : 0;
				copy[at] = (uint8_t)(k & 1 ? 0xff : 0x00);
			}
			t = decode_copy(fx, copy, fx->n);
			assert_non_null(t);
			snprintf(what, sizeof what, "%s corrupted at %zu", fx->file, at);
			check_shape(t, fx->n, what);
			print_len(t);
			tree_free(t);
		}
		free(copy);
	}
}

/* The same fixtures decoded without knowing the version or key exchange: no crash, mostly clean. */
static void unknown_context(void **state)
{
	(void)state;
	for (size_t i = 0; i < nfixtures; i++) {
		const struct fixture *fx = &fixtures[i];
		struct decode_ctx c = { 0, fx->from, DECODE_KX_UNKNOWN };
		struct tree_node *t = decode_handshake(fx->hs_type, fx->body, fx->n, &c);

		assert_non_null(t);
		check_shape(t, fx->n, fx->file);
		check_ranges_set(t, fx->file);
		/* the shape of the bytes decides the form: every real message still decodes */
		if (tree_any(t, TREE_ERROR)) {
			tree_print(stderr, t, 0, false, false);
			fail_msg("%s: error without a context", fx->file);
		}
		tree_free(t);
	}
}

/* ------------------------------------------------------------------ */
/* Spot checks on real messages. */

/* ClientHello (TLS 1.3): offered versions, suites by name, SNI, key shares, field ranges. */
static void client_hello_tls13(void **state)
{
	const struct fixture *fx = find("tls13", "ClientHello", 0);
	struct tree_node *t = decode_fx(fx);
	const struct tree_node *sv = node_at(t, "extensions/supported_versions", fx);

	(void)state;
	assert_non_null(strstr(sv->value, "TLS 1.3"));
	assert_non_null(tree_find(sv, "TLS 1.3 (0x0304)"));
	assert_non_null(strstr(node_at(t, "cipher suites", fx)->value, "suites"));
	assert_non_null(tree_find(t, "cipher suites/TLS_AES_128_GCM_SHA256 (0x1301)"));
	assert_string_equal(node_at(t, "extensions/server_name", fx)->value, "localhost");
	assert_non_null(tree_find(t, "extensions/key_share/x25519 (0x001d)/key_exchange"));
	assert_string_equal(node_at(t, "legacy_version", fx)->value, "TLS 1.2 (0x0303)");
	assert_int_equal(node_at(t, "random", fx)->len, 32);
	assert_int_equal(node_at(t, "random", fx)->off, 2);
	tree_free(t);
}

/* ServerHello (TLS 1.3): the x25519 key share and the chosen version. */
static void server_hello_tls13(void **state)
{
	const struct fixture *fx = find("tls13", "ServerHello", 0);
	struct tree_node *t = decode_fx(fx);
	const struct tree_node *ks = node_at(t, "extensions/key_share", fx);

	(void)state;
	assert_non_null(strstr(node_at(t, "extensions/key_share/group", fx)->value, "x25519"));
	assert_string_equal(ks->value, "x25519, 32 bytes");
	assert_string_equal(node_at(t, "extensions/supported_versions", fx)->value, "TLS 1.3 (0x0304)");
	assert_non_null(strstr(node_at(t, "cipher suite", fx)->value, "TLS_AES_"));
	tree_free(t);
}

/* HelloRetryRequest: the selected group only; recognised by its random as type 2 too. */
static void hello_retry_request(void **state)
{
	const struct fixture *fx = find("hrr", "HelloRetryRequest", 0);
	struct tree_node *t = decode_fx(fx);
	struct decode_ctx c = ctx_of(fx);

	(void)state;
	assert_string_equal(t->label, "HelloRetryRequest");
	assert_non_null(strstr(node_at(t, "extensions/key_share/selected_group", fx)->value, "secp384r1"));
	assert_null(tree_find(t, "extensions/key_share/key_exchange"));
	tree_free(t);
	/* the same body as wire type 2 is recognised by its random */
	t = decode_handshake(2, fx->body, fx->n, &c);
	assert_string_equal(t->label, "HelloRetryRequest");
	assert_false(tree_any(t, TREE_ERROR));
	tree_free(t);
	/* the second ClientHello answers with a secp384r1 share only */
	fx = find("hrr", "ClientHello", 1);
	t = decode_fx(fx);
	assert_non_null(tree_find(t, "extensions/key_share/secp384r1 (0x0018)"));
	assert_null(tree_find(t, "extensions/key_share/x25519 (0x001d)"));
	tree_free(t);
}

/* CertificateRequest: the demo root CA among the acceptable names, in both versions. */
static void certificate_request(void **state)
{
	const struct fixture *fx = find("mtls12", "CertificateRequest", 0);
	struct tree_node *t = decode_fx(fx);
	const struct tree_node *ca = node_at(t, "certificate authorities/CA name 1", fx);

	(void)state;
	assert_non_null(strstr(ca->value, "tlsladder Demo Root CA"));
	assert_true(strncmp(ca->value, "CN=", 3) == 0);
	assert_non_null(strstr(node_at(t, "certificate types", fx)->value, "ecdsa_sign"));
	assert_non_null(node_at(t, "signature algorithms/ecdsa_secp256r1_sha256 (0x0403)", fx));
	tree_free(t);

	fx = find("mtls13", "CertificateRequest", 0);
	t = decode_fx(fx);
	ca = node_at(t, "extensions/certificate_authorities/CA name 1", fx);
	assert_non_null(strstr(ca->value, "tlsladder Demo Root CA"));
	assert_non_null(node_at(t, "certificate_request_context", fx));
	assert_non_null(node_at(t, "extensions/signature_algorithms", fx));
	tree_free(t);
}

/* "certificates/certificate N" ranges: the DER inside the body (SEQUENCE with a 2-byte length). */
static void certificates_contract(void **state)
{
	unsigned seen = 0;

	(void)state;
	for (size_t i = 0; i < nfixtures; i++) {
		const struct fixture *fx = &fixtures[i];
		struct tree_node *t;
		const struct tree_node *certs, *c;
		unsigned k = 0;

		if (fx->hs_type != 11)
			continue;
		t = decode_fx(fx);
		certs = node_at(t, "certificates", fx);
		assert_non_null(node_at(t, "certificates/certificate 1", fx));
		for (c = certs->first; c; c = c->next) {
			char want[32], val[48];

			snprintf(want, sizeof want, "certificate %u", ++k);
			assert_string_equal(c->label, want);
			assert_true(c->off + c->len <= fx->n);
			assert_int_equal(fx->body[c->off], 0x30);
			assert_int_equal(fx->body[c->off + 1], 0x82);
			assert_int_equal(((size_t)fx->body[c->off + 2] << 8 | fx->body[c->off + 3]) + 4, c->len);
			snprintf(val, sizeof val, "%zu bytes DER", c->len);
			assert_string_equal(c->value, val);
		}
		assert_true(k >= 2);      /* leaf and intermediate */
		seen++;
		tree_free(t);
	}
	assert_true(seen >= 7);
}

/* Empty Certificate messages (a client with nothing to send), both versions. */
static void certificate_empty(void **state)
{
	static const uint8_t tls13[] = { 0x00, 0x00, 0x00, 0x00 }, tls12[] = { 0x00, 0x00, 0x00 };
	struct decode_ctx c13 = { 0x0304, TL_CLIENT, DECODE_KX_UNKNOWN }, c12 = { 0x0303, TL_CLIENT, DECODE_KX_ECDHE };
	struct tree_node *t;

	(void)state;
	t = decode_handshake(11, tls13, sizeof tls13, &c13);
	assert_string_equal(tree_find(t, "certificates")->value, "empty: no certificate sent");
	assert_false(tree_any(t, TREE_ERROR));
	tree_free(t);
	t = decode_handshake(11, tls12, sizeof tls12, &c12);
	assert_string_equal(tree_find(t, "certificates")->value, "empty: no certificate sent");
	assert_false(tree_any(t, TREE_ERROR));
	tree_free(t);
	c13.version = 0;       /* guessed from the shape */
	t = decode_handshake(11, tls13, sizeof tls13, &c13);
	assert_string_equal(tree_find(t, "certificates")->value, "empty: no certificate sent");
	assert_false(tree_any(t, TREE_ERROR));
	tree_free(t);
}

/* Key exchange messages: RSA-encrypted premaster, ECDHE public values and the signed parameters. */
static void key_exchanges(void **state)
{
	const struct fixture *fx = find("tls12-rsa", "ClientKeyExchange", 0);
	struct tree_node *t = decode_fx(fx);

	(void)state;
	assert_string_equal(node_at(t, "encrypted premaster secret", fx)->value, "256 bytes");
	assert_int_equal(node_at(t, "encrypted premaster secret/hex", fx)->len, 256);
	tree_free(t);

	fx = find("tls12-ecdhe", "ClientKeyExchange", 0);
	t = decode_fx(fx);
	assert_non_null(node_at(t, "public key", fx));
	tree_free(t);

	fx = find("tls12-ecdhe", "ServerKeyExchange", 0);
	t = decode_fx(fx);
	assert_string_equal(node_at(t, "curve_type", fx)->value, "named_curve (3)");
	assert_non_null(node_at(t, "named_group", fx));
	assert_non_null(node_at(t, "public key/hex", fx));
	assert_non_null(strstr(node_at(t, "signature algorithm", fx)->value, "rsa"));
	assert_non_null(node_at(t, "signature", fx));
	tree_free(t);
}

/* Finished: 12 bytes in TLS 1.2, the suite's hash length in TLS 1.3. */
static void finished_lengths(void **state)
{
	(void)state;
	for (size_t i = 0; i < nfixtures; i++) {
		const struct fixture *fx = &fixtures[i];
		struct tree_node *t;
		char want[32];

		if (fx->hs_type != 20)
			continue;
		t = decode_fx(fx);
		if (fx->version == 0x0303)
			assert_int_equal(fx->n, 12);
		else if (strcmp(fx->scenario, "tls13") == 0)
			assert_int_equal(fx->n, 48);      /* TLS_AES_256_GCM_SHA384 */
		else
			assert_true(fx->n == 32 || fx->n == 48);
		snprintf(want, sizeof want, "%zu bytes", fx->n);
		assert_string_equal(node_at(t, "verify_data", fx)->value, want);
		tree_free(t);
	}
}

/* Resumption: offered PSK identities and binders, the accepted identity, both ticket forms. */
static void resumption_psk(void **state)
{
	const struct fixture *fx = find("resumption", "ClientHello", 1);
	struct tree_node *t = decode_fx(fx);

	(void)state;
	assert_non_null(node_at(t, "extensions/pre_shared_key/identities/identity 1/obfuscated_ticket_age", fx));
	assert_non_null(node_at(t, "extensions/pre_shared_key/binders/binder 1", fx));
	assert_non_null(node_at(t, "extensions/psk_key_exchange_modes/psk_dhe_ke (1)", fx));
	tree_free(t);
	fx = find("resumption", "ServerHello", 1);
	t = decode_fx(fx);
	assert_string_equal(node_at(t, "extensions/pre_shared_key/selected_identity", fx)->value, "0");
	tree_free(t);
	fx = find("tls13", "NewSessionTicket", 0);
	t = decode_fx(fx);
	assert_non_null(node_at(t, "ticket_lifetime", fx));
	assert_non_null(node_at(t, "ticket_age_add", fx));
	assert_non_null(node_at(t, "ticket_nonce", fx));
	tree_free(t);
	fx = find("tls12-ecdhe", "NewSessionTicket", 0);
	t = decode_fx(fx);
	assert_non_null(node_at(t, "ticket_lifetime_hint", fx));
	assert_null(tree_find(t, "ticket_age_add"));
	tree_free(t);
}

/* ------------------------------------------------------------------ */
/* Hand-made input. */

/* Decodes a body with a TLS 1.3 server context. */
static struct tree_node *dec13(unsigned type, const uint8_t *p, size_t n)
{
	struct decode_ctx c = { 0x0304, TL_SERVER, DECODE_KX_UNKNOWN };

	return decode_handshake(type, p, n, &c);
}

/* Extensions the demo never sends: GREASE, unknown, ALPN, empty answers, sizes. */
static void extensions_by_name(void **state)
{
	static const uint8_t ee[] = {
		0x00, 0x2d,
		0x3a, 0x3a, 0x00, 0x00,                               /* GREASE */
		0x12, 0x34, 0x00, 0x02, 0xab, 0xcd,                   /* unknown */
		0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h', '2',   /* ALPN h2 */
		0x00, 0x00, 0x00, 0x00,                               /* server_name ack */
		0x00, 0x2a, 0x00, 0x00,                               /* early_data */
		0x00, 0x01, 0x00, 0x01, 0x02,                         /* max_fragment_length 1024 */
		0x00, 0x1c, 0x00, 0x02, 0x40, 0x01,                   /* record_size_limit */
		0x00, 0x15, 0x00, 0x03, 0x00, 0x00, 0x00,             /* padding */
	};
	struct tree_node *t = dec13(8, ee, sizeof ee);

	(void)state;
	assert_false(tree_any(t, TREE_ERROR));
	check_ranges_set(t, "EncryptedExtensions");
	assert_string_equal(tree_find(t, "extensions")->value, "8");
	assert_string_equal(tree_find(t, "extensions/GREASE (0x3a3a)")->value, "empty");
	assert_string_equal(tree_find(t, "extensions/unknown (0x1234)")->value, "2 bytes");
	assert_string_equal(tree_find(t, "extensions/unknown (0x1234)/data")->value, "abcd");
	assert_string_equal(tree_find(t, "extensions/application_layer_protocol_negotiation")->value, "h2");
	assert_non_null(strstr(tree_find(t, "extensions/server_name")->value, "acknowledged"));
	assert_non_null(strstr(tree_find(t, "extensions/early_data")->value, "accepted"));
	assert_string_equal(tree_find(t, "extensions/max_fragment_length")->value, "1024 bytes (2)");
	assert_string_equal(tree_find(t, "extensions/record_size_limit")->value, "16385 bytes");
	assert_string_equal(tree_find(t, "extensions/padding")->value, "3 bytes of zeros");
	/* every extension's range covers its type, length and content */
	assert_int_equal(tree_find(t, "extensions/unknown (0x1234)")->off, 6);
	assert_int_equal(tree_find(t, "extensions/unknown (0x1234)")->len, 6);
	tree_free(t);
}

/* renegotiation_info (RFC 5746): the client's 12 bytes of verify_data, the server's 24 split in two,
 * and the SCSV a client may send instead of the empty extension (read by the summary). */
static void renegotiation_info(void **state)
{
	uint8_t ch[2 + 32 + 1 + 6 + 2 + 2 + 17], sh[2 + 32 + 1 + 2 + 1 + 2 + 29];
	struct decode_ctx cc = { 0x0303, TL_CLIENT, DECODE_KX_UNKNOWN }, sc = { 0x0303, TL_SERVER, DECODE_KX_UNKNOWN };
	struct tree_node *t;
	const struct tree_node *n;
	struct timeline *tl;
	struct tl_event ev;
	struct summary s;
	size_t k = 0;

	(void)state;
	memset(ch, 0x42, sizeof ch);
	ch[k++] = 3, ch[k++] = 3, k += 32;
	ch[k++] = 0;                                            /* session id */
	ch[k++] = 0, ch[k++] = 4, ch[k++] = 0xc0, ch[k++] = 0x2c, ch[k++] = 0x00, ch[k++] = 0xff;   /* + the SCSV */
	ch[k++] = 1, ch[k++] = 0;                               /* compression */
	ch[k++] = 0, ch[k++] = 17;
	ch[k++] = 0xff, ch[k++] = 0x01, ch[k++] = 0, ch[k++] = 13, ch[k++] = 12;
	memset(ch + k, 0x11, 12);
	t = decode_handshake(1, ch, sizeof ch, &cc);
	assert_false(tree_any(t, TREE_ERROR));
	n = tree_find(t, "extensions/renegotiation_info");
	assert_string_equal(n->value, "renegotiation: the client's previous Finished verify_data, 12 bytes");
	assert_int_equal(tree_find(t, "extensions/renegotiation_info/client_verify_data")->len, 12);
	assert_int_equal(tree_find(t, "extensions/renegotiation_info/client_verify_data")->off, k);
	assert_null(tree_find(t, "extensions/renegotiation_info/server_verify_data"));
	tree_free(t);

	k = 0;
	memset(sh, 0x42, sizeof sh);
	sh[k++] = 3, sh[k++] = 3, k += 32;
	sh[k++] = 0, sh[k++] = 0xc0, sh[k++] = 0x2c, sh[k++] = 0;
	sh[k++] = 0, sh[k++] = 29;
	sh[k++] = 0xff, sh[k++] = 0x01, sh[k++] = 0, sh[k++] = 25, sh[k++] = 24;
	memset(sh + k, 0x11, 12);
	memset(sh + k + 12, 0x22, 12);
	t = decode_handshake(2, sh, sizeof sh, &sc);
	assert_false(tree_any(t, TREE_ERROR));
	assert_string_equal(tree_find(t, "extensions/renegotiation_info")->value,
			    "renegotiation: the previous handshake's Finished verify_data of both sides, 24 bytes");
	assert_int_equal(tree_find(t, "extensions/renegotiation_info/client_verify_data")->off, k);
	assert_int_equal(tree_find(t, "extensions/renegotiation_info/server_verify_data")->off, k + 12);
	assert_int_equal(tree_find(t, "extensions/renegotiation_info/server_verify_data")->len, 12);
	tree_free(t);

	/* a first ClientHello with the SCSV and no extension: the summary reads the signal */
	tl = timeline_create(false);
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = 1;
	ev.body = ch;
	ev.body_len = ev.body_total = sizeof ch - 2 - 17;      /* up to the compression methods: no extensions */
	timeline_append_raw(tl, &ev);
	assert_true(summary_build(tl, 0, &s));
	assert_int_equal(s.reneg.first_client, SUMMARY_RI_SCSV);
	timeline_destroy(tl);
}

/* Malformed and trailing bytes: the error node, its offset and reason. */
static void malformed_and_trailing(void **state)
{
	/* supported_groups whose list length says 4 but holds 3 bytes */
	static const uint8_t bad[] = { 0x00, 0x07, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x04, 0x00 };
	/* a KeyUpdate with two bytes */
	static const uint8_t ku[] = { 0x01, 0x00 };
	static const uint8_t ku_bad[] = { 0x07 };
	struct tree_node *t;

	(void)state;
	t = dec13(8, bad, sizeof bad);
	assert_string_equal(t->last->label, "malformed");
	assert_true(t->last->flags & TREE_ERROR);
	assert_string_equal(t->last->value, "at offset 8: length runs past the end of the data");
	tree_free(t);
	t = dec13(24, ku, sizeof ku);
	assert_string_equal(tree_find(t, "request_update")->value,
			    "update_requested: the peer updates its keys too (1)");
	assert_string_equal(t->last->label, "trailing data");
	assert_string_equal(t->last->value, "1 unexpected byte at offset 1");
	assert_int_equal(t->last->off, 1);
	assert_true(t->last->flags & TREE_ERROR);
	tree_free(t);
	t = dec13(24, ku_bad, sizeof ku_bad);
	assert_true(t->last->flags & TREE_ERROR);
	tree_free(t);
	/* nothing at all, no pointer: an empty ServerHelloDone is fine, an empty ClientHello is not */
	t = dec13(14, NULL, 0);
	assert_false(tree_any(t, TREE_ERROR));
	tree_free(t);
	t = dec13(1, NULL, 0);
	assert_string_equal(t->last->value, "at offset 0: length runs past the end of the data");
	tree_free(t);
	/* unknown type: the bytes, no error; NULL ctx works */
	t = decode_handshake(99, ku, sizeof ku, NULL);
	assert_string_equal(t->label, "unknown handshake message (type 99)");
	assert_string_equal(t->value, "2 bytes");
	assert_false(tree_any(t, TREE_ERROR));
	tree_free(t);
}

/* Runs decode_dn_string over DER bytes; returns the string (caller frees) or NULL. */
static char *dn(const uint8_t *p, size_t n, bool *failed)
{
	struct reader r;
	char *s;

	reader_init(&r, p, n);
	s = decode_dn_string(&r);
	*failed = r.failed;
	return s;
}

/* The DER Name walker: order, escaping, string types, dotted OIDs, hostile lengths. */
static void distinguished_names(void **state)
{
	/* C=US, O=A+B (two attributes in one RDN... here as two RDNs), CN=x\,y; then reversed */
	static const uint8_t name[] = {
		0x30, 0x2c,
		0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 'U', 'S',
		0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 'x', ',', 'y',
		0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x1e, 0x06, 0x00, 'h', 0x00, 'i', 0x20, 0xac,
	};
	static const uint8_t multi[] = {
		0x30, 0x18, 0x31, 0x16,
		0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x02, 'O', '1',
		0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x0b, 0x02, 0x02, 0x01, 0x02,
	};
	static const uint8_t indefinite[] = { 0x30, 0x80, 0x00, 0x00 };
	static const uint8_t long_len[] = { 0x30, 0x84, 0x00, 0x00, 0x00, 0x01, 0x00 };
	static const uint8_t huge_arc[] = {
		0x30, 0x13, 0x31, 0x11, 0x30, 0x0f, 0x06, 0x0b, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0x7f, 0x0c, 0x00,
	};
	static const uint8_t empty[] = { 0x30, 0x00 };
	bool failed;
	char *s;

	(void)state;
	s = dn(name, sizeof name, &failed);
	assert_false(failed);
	assert_string_equal(s, "1.2.3.4=hi\xe2\x82\xac,CN=x\\,y,C=US");
	free(s);
	s = dn(multi, sizeof multi, &failed);
	assert_false(failed);
	assert_string_equal(s, "O=O1+OU=#02020102");
	free(s);
	s = dn(empty, sizeof empty, &failed);
	assert_false(failed);
	assert_string_equal(s, "");
	free(s);
	assert_null(dn(indefinite, sizeof indefinite, &failed));
	assert_true(failed);
	assert_null(dn(long_len, sizeof long_len, &failed));
	assert_true(failed);
	assert_null(dn(huge_arc, sizeof huge_arc, &failed));
	assert_true(failed);
	/* every truncation fails cleanly */
	for (size_t len = 0; len < sizeof name; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		memcpy(copy, name, len);
		assert_null(dn(copy, len, &failed));
		assert_true(failed);
		free(copy);
	}
}

/* Alerts, ChangeCipherSpec and records. */
static void alerts_ccs_records(void **state)
{
	struct tree_node *t = decode_alert(2, 42);
	struct tl_event ev;

	(void)state;
	assert_string_equal(t->label, "Alert");
	assert_string_equal(t->value, "fatal: bad_certificate (42)");
	assert_string_equal(tree_find(t, "level")->value, "fatal (2)");
	assert_string_equal(tree_find(t, "description")->value, "bad_certificate (42)");
	assert_non_null(strstr(tree_find(t, "meaning")->value, "certificate"));
	tree_free(t);
	t = decode_alert(7, 250);
	assert_string_equal(tree_find(t, "description")->value, "unknown (250)");
	tree_free(t);
	t = decode_ccs(DECODE_CCS_TLS13_AFTER_SH, TL_SERVER);
	assert_non_null(strstr(tree_find(t, "meaning")->value, "middlebox"));
	tree_free(t);
	t = decode_ccs(DECODE_CCS_TLS12, TL_CLIENT);
	assert_non_null(strstr(tree_find(t, "meaning")->value, "Finished"));
	tree_free(t);
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.from = TL_SERVER;
	ev.rec_type = 23;
	ev.rec_version = 0x0303;
	ev.rec_length = 19;
	ev.version = 0x0304;
	ev.encrypted = true;
	ev.keys = TL_KEYS_APPLICATION;
	t = decode_record(&ev);
	assert_string_equal(t->value, "server -> client, application_data (23), 19 bytes");
	assert_string_equal(tree_find(t, "version")->value, "TLS 1.2 (0x0303)");
	assert_non_null(strstr(tree_find(t, "encrypted")->value, "application traffic"));
	tree_free(t);
}

/* decode_event over whole demo timelines: every event decodes; handshake messages cleanly. */
static void whole_timelines(void **state)
{
	char certs[PATH_MAX];
	struct tl_error err;

	(void)state;
	assert_true(paths_data_dir("certs", "root-ca.pem", certs, sizeof certs));
	assert_int_equal(session_global_init(&err), 0);
	for (size_t k = 0; k < demo_count(); k++) {
		const struct demo_scenario *sc = demo_get(k);
		struct timeline *tl = timeline_create(true);
		struct demo_opts o;
		unsigned hs = 0;
		struct tree_node *t;

		memset(&o, 0, sizeof o);
		o.certs_dir = certs;
		o.grace_ms = 300;
		o.timeout_ms = 20000;
		o.capture = true;
		o.cancel_fd = -1;
		assert_non_null(tl);
		/* failure scenarios end non-zero by design; their timelines must decode all the same */
		if (demo_run(sc, &o, tl, &err) != 0 && !sc->failure)
			fail_msg("demo %s failed: %s", sc->name, err.msg);
		timeline_finish(tl);
		for (size_t i = 0; i < timeline_count(tl); i++) {
			struct tl_event ev;

			assert_true(timeline_get(tl, i, &ev));
			t = decode_event(tl, i);
			assert_non_null(t);
			assert_true(print_len(t) > 0);
			if (ev.kind == TL_EV_HANDSHAKE) {
				hs++;
				assert_string_equal(t->label, timeline_event_name(&ev));
				if (tree_any(t, TREE_ERROR))
					fail_msg("%s event %zu (%s) decoded with an error", sc->name, i, t->label);
			}
			if (ev.kind == TL_EV_ALERT)
				assert_non_null(strstr(t->value, ev.from == TL_SERVER ? "server -> client" : "client -> server"));
			if (ev.kind == TL_EV_CCS)
				assert_string_equal(t->label, "ChangeCipherSpec");
			if (ev.kind == TL_EV_RECORD)
				assert_string_equal(t->label, "TLS record");
			tree_free(t);
		}
		assert_true(sc->failure || hs >= 8);
		t = decode_event(tl, timeline_count(tl));
		assert_true(t->flags & TREE_ERROR);
		tree_free(t);
		timeline_destroy(tl);
	}
	session_global_deinit();
}

/* Runs the suite with the fixtures loaded. */
/* Appends a fixture of the hrr scenario to connection 0, or a ChangeCipherSpec from the server when name is NULL. */
static void append_hrr(struct timeline *tl, const char *name, unsigned nth)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.conn = 0;
	if (!name) {
		ev.kind = TL_EV_CCS;
		ev.from = TL_SERVER;
	} else {
		const struct fixture *fx = find("hrr", name, nth);
		ev.kind = TL_EV_HANDSHAKE;
		ev.hs_type = fx->hs_type;
		ev.from = fx->from;
		ev.version = fx->version;
		ev.body = fx->body;
		ev.body_len = fx->n;
	}
	assert_true(timeline_append_raw(tl, &ev) >= 0);
}

/* A connection holding the hrr handshake twice: each ChangeCipherSpec's role comes from its own handshake
 * (the second one's server CCS still follows a HelloRetryRequest, not the first handshake's ServerHello). */
static void ccs_role_own_handshake(void **state)
{
	struct timeline *tl = timeline_create(false);
	size_t ccs[2];

	(void)state;
	for (int copy = 0; copy < 2; copy++) {
		append_hrr(tl, "ClientHello", 0);
		append_hrr(tl, "HelloRetryRequest", 0);
		ccs[copy] = timeline_count(tl);
		append_hrr(tl, NULL, 0);
		append_hrr(tl, "ClientHello", 1);
		append_hrr(tl, "ServerHello", 0);
		append_hrr(tl, "EncryptedExtensions", 0);
		append_hrr(tl, "Finished", 0);
	}
	assert_int_equal(decode_ccs_role(tl, ccs[0]), DECODE_CCS_TLS13_AFTER_HRR);
	assert_int_equal(decode_ccs_role(tl, ccs[1]), DECODE_CCS_TLS13_AFTER_HRR);
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_fixtures_clean),
		cmocka_unit_test(truncations),
		cmocka_unit_test(corruptions),
		cmocka_unit_test(unknown_context),
		cmocka_unit_test(client_hello_tls13),
		cmocka_unit_test(server_hello_tls13),
		cmocka_unit_test(hello_retry_request),
		cmocka_unit_test(certificate_request),
		cmocka_unit_test(certificates_contract),
		cmocka_unit_test(certificate_empty),
		cmocka_unit_test(key_exchanges),
		cmocka_unit_test(finished_lengths),
		cmocka_unit_test(resumption_psk),
		cmocka_unit_test(extensions_by_name),
		cmocka_unit_test(renegotiation_info),
		cmocka_unit_test(malformed_and_trailing),
		cmocka_unit_test(distinguished_names),
		cmocka_unit_test(alerts_ccs_records),
		cmocka_unit_test(whole_timelines),
		cmocka_unit_test(ccs_role_own_handshake),
	};
	return cmocka_run_group_tests(tests, load_fixtures, free_fixtures);
}
