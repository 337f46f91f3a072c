/*
 * test_hexview.c: the annotated byte view (hexview.h) and the byte ranges
 * it relies on, over handshake bodies captured from the demo scenarios
 * (tests/fixtures, read from $TLSLADDER_DATADIR): every field with a value
 * covers bytes inside its message; known fields cover exactly the bytes an
 * independent walk of the message finds; the layout, the marks of a
 * highlighted range, and the mapping from a byte to its field.
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
#include "tlsladder/hexview.h"
#include "tlsladder/reader.h"
#include "tlsladder/tree.h"
#include "tlsladder/wire.h"

/* Reads tests/fixtures/<name>; fails the test when missing. */
static uint8_t *fixture(const char *name, size_t *n)
{
	const char *root = getenv("TLSLADDER_DATADIR");
	char path[PATH_MAX];
	uint8_t *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof path, "%s/tests/fixtures/%s", root ? root : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set TLSLADDER_DATADIR to the repository)", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	assert_non_null(buf);
	*n = fread(buf, 1, (size_t)len, f);
	fclose(f);
	return buf;
}

/* The decoded tree of a fixture. */
static struct tree_node *decoded(const char *name, unsigned type, unsigned version, enum tl_side from, uint8_t **body,
				 size_t *n)
{
	struct decode_ctx ctx = { version, from, DECODE_KX_ECDHE };
	struct tree_node *t;

	*body = fixture(name, n);
	t = decode_handshake(type, *body, *n, &ctx);
	assert_non_null(t);
	return t;
}

/* Every node with a value covers bytes inside n (the root: all of them). */
static void check_all_ranged(const struct tree_node *root, size_t n, const char *what)
{
	const struct tree_node *node = root;

	assert_int_equal(root->off, 0);
	assert_int_equal(root->len, n);
	while (node) {
		if (node->value && node->len == 0 && node != root)
			fail_msg("%s: field \"%s\" (%s) has no byte range", what, node->label, node->value);
		if (node->off > n || node->len > n - node->off)
			fail_msg("%s: field \"%s\" range %zu+%zu outside %zu bytes", what, node->label, node->off,
				 node->len, n);
		if (node->first) {
			node = node->first;
			continue;
		}
		while (node && node != root && !node->next)
			node = node->parent;
		node = node && node != root ? node->next : NULL;
	}
}

/* Every field of every message of the demo captures has its bytes. */
static void every_field_has_bytes(void **state)
{
	static const struct {
		const char *file;
		unsigned type, version;
		enum tl_side from;
	} msgs[] = {
		{ "tls13/00-client-ClientHello.bin", 1, 0x0304, TL_CLIENT },
		{ "tls13/01-server-ServerHello.bin", 2, 0x0304, TL_SERVER },
		{ "tls13/02-server-EncryptedExtensions.bin", 8, 0x0304, TL_SERVER },
		{ "tls13/03-server-Certificate.bin", 11, 0x0304, TL_SERVER },
		{ "tls13/04-server-CertificateVerify.bin", 15, 0x0304, TL_SERVER },
		{ "tls13/05-server-Finished.bin", 20, 0x0304, TL_SERVER },
		{ "tls13/06-server-NewSessionTicket.bin", 4, 0x0304, TL_SERVER },
		{ "tls12-ecdhe/01-server-ServerHello.bin", 2, 0x0303, TL_SERVER },
		{ "tls12-ecdhe/03-server-ServerKeyExchange.bin", 12, 0x0303, TL_SERVER },
		{ "tls12-ecdhe/04-server-ServerHelloDone.bin", 14, 0x0303, TL_SERVER },
		{ "tls12-ecdhe/05-client-ClientKeyExchange.bin", 16, 0x0303, TL_CLIENT },
		{ "tls12-ecdhe/07-server-NewSessionTicket.bin", 4, 0x0303, TL_SERVER },
		{ "tls12-rsa/04-client-ClientKeyExchange.bin", 16, 0x0303, TL_CLIENT },
		{ "mtls13/03-server-CertificateRequest.bin", 13, 0x0304, TL_SERVER },
		{ "mtls12/04-server-CertificateRequest.bin", 13, 0x0303, TL_SERVER },
	};
	(void)state;
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		uint8_t *body;
		size_t n;
		struct tree_node *t = decoded(msgs[i].file, msgs[i].type, msgs[i].version, msgs[i].from, &body, &n);
		check_all_ranged(t, n, msgs[i].file);
		tree_free(t);
		free(body);
	}
}

/* An alert's level and description are its two bytes; a ChangeCipherSpec's type its one byte. */
static void alert_and_ccs_bytes(void **state)
{
	struct tree_node *a = decode_alert(2, 42), *c = decode_ccs(DECODE_CCS_TLS12, TL_CLIENT);

	(void)state;
	assert_int_equal(a->len, 2);
	assert_int_equal(tree_find(a, "level")->off, 0);
	assert_int_equal(tree_find(a, "level")->len, 1);
	assert_int_equal(tree_find(a, "description")->off, 1);
	assert_int_equal(tree_find(a, "description")->len, 1);
	assert_int_equal(tree_find(a, "meaning")->len, 0);       /* derived: no bytes of its own */
	assert_int_equal(c->len, 1);
	assert_int_equal(tree_find(c, "type")->off, 0);
	assert_int_equal(tree_find(c, "type")->len, 1);
	tree_free(a);
	tree_free(c);
}

/* The offset of the key_exchange of group in a ClientHello, walked by hand; 0 when absent. */
static size_t key_exchange_by_hand(const uint8_t *p, size_t n, unsigned group, size_t *len)
{
	size_t at = 2 + 32;

	at += 1 + p[at];                                   /* session id */
	at += 2 + ((size_t)p[at] << 8 | p[at + 1]);        /* cipher suites */
	at += 1 + p[at];                                   /* compression methods */
	at += 2;                                           /* extensions length */
	while (at + 4 <= n) {
		unsigned type = (unsigned)p[at] << 8 | p[at + 1];
		size_t elen = (size_t)p[at + 2] << 8 | p[at + 3], e = at + 4;
		if (type == WIRE_EXT_KEY_SHARE) {
			for (size_t k = e + 2; k + 4 <= e + elen;) {
				size_t klen = (size_t)p[k + 2] << 8 | p[k + 3];
				if (((unsigned)p[k] << 8 | p[k + 1]) == group) {
					*len = klen;
					return k + 4;
				}
				k += 4 + klen;
			}
		}
		at = e + elen;
	}
	return 0;
}

/* Known fields cover exactly their bytes: random, session id, the x25519 key_exchange. */
static void exact_ranges(void **state)
{
	uint8_t *body;
	size_t n, klen = 0, koff;
	struct tree_node *t = decoded("tls13/00-client-ClientHello.bin", 1, 0x0304, TL_CLIENT, &body, &n);
	const struct tree_node *r = tree_find(t, "random"), *sid = tree_find(t, "session id"),
			       *kx = tree_find(t, "extensions/key_share/x25519 (0x001d)/key_exchange");

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->off, 2);
	assert_int_equal(r->len, 32);
	assert_non_null(sid);
	assert_int_equal(sid->off, 34);                   /* its length byte, then the id */
	assert_int_equal(sid->len, 1 + body[34]);
	assert_int_equal(tree_find(t, "session id/hex")->off, 35);
	assert_int_equal(tree_find(t, "session id/hex")->len, body[34]);
	koff = key_exchange_by_hand(body, n, 0x001d, &klen);
	assert_int_not_equal(koff, 0);
	assert_non_null(kx);
	assert_int_equal(kx->off, koff);
	assert_int_equal(kx->len, klen);
	assert_int_equal(klen, 32);
	tree_free(t);
	free(body);
}

/* The DN in a range of der (a Name's whole TLV), as a string. */
static char *dn_at(const uint8_t *der, struct decode_range r)
{
	struct reader rd;

	assert_true(r.len > 2);
	assert_int_equal(der[r.off], 0x30);
	reader_init(&rd, der + r.off, r.len);
	return decode_dn_string(&rd);
}

/* A certificate's fields lie where its DER has them: the leaf of the tls13 demo. */
static void certificate_ranges(void **state)
{
	uint8_t *body;
	size_t n;
	struct tree_node *t = decoded("tls13/03-server-Certificate.bin", 11, 0x0304, TL_SERVER, &body, &n);
	const struct tree_node *c = tree_find(t, "certificates/certificate 1");
	const uint8_t *der;
	struct decode_cert_ranges cr;
	char *s;

	(void)state;
	assert_non_null(c);
	der = body + c->off;
	assert_true(decode_cert_ranges(der, c->len, &cr));
	assert_int_equal(der[cr.version.off], 0xa0);
	assert_int_equal(cr.version.len, 5);                       /* [0] { INTEGER 2 } */
	assert_int_equal(der[cr.version.off + 4], 2);
	assert_int_equal(der[cr.serial.off], 0x02);
	assert_int_equal(cr.serial.off, cr.version.off + cr.version.len);
	s = dn_at(der, cr.subject);
	assert_string_equal(s, "CN=localhost,O=tlsladder demo (DEMO ONLY)");
	free(s);
	s = dn_at(der, cr.issuer);
	assert_string_equal(s, "CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)");
	free(s);
	assert_int_equal(cr.not_before.off, cr.validity.off + 2);
	assert_int_equal(cr.not_after.off, cr.not_before.off + cr.not_before.len);
	assert_int_equal(cr.validity.off + cr.validity.len, cr.not_after.off + cr.not_after.len);
	assert_memory_equal(der + cr.not_before.off + 2, "240101000000Z", 13);
	assert_int_equal(cr.subject.off + cr.subject.len, cr.public_key.off);
	assert_true(cr.subject_alt_names.len > 0 && cr.key_usage.len > 0 && cr.ext_key_usage.len > 0 &&
		    cr.basic_constraints.len > 0);
	assert_true(cr.subject_alt_names.off > cr.extensions.off);
	assert_true(cr.subject_alt_names.off + cr.subject_alt_names.len <= cr.extensions.off + cr.extensions.len);
	assert_int_equal(cr.signature.off + cr.signature.len, c->len);    /* the signature ends the certificate */
	/* every truncation: no read past the end, and never a range beyond it */
	for (size_t k = 0; k < c->len; k++) {
		decode_cert_ranges(der, k, &cr);
		assert_true(cr.signature.off + cr.signature.len <= k && cr.extensions.off + cr.extensions.len <= k &&
			    cr.subject.off + cr.subject.len <= k);
	}
	tree_free(t);
	free(body);
}

/* The ServerHello framed with its header: lines, offsets, the hex in 2-byte groups, the ASCII. */
static void layout(void **state)
{
	uint8_t *body;
	size_t n;
	struct tree_node *t = decoded("tls13/01-server-ServerHello.bin", 2, 0x0304, TL_SERVER, &body, &n);
	struct hexview hv;
	char line[200];

	(void)state;
	assert_true(hexview_init_handshake(&hv, t, 2, body, n, n));
	assert_int_equal(hv.n, n + 4);
	assert_int_equal(hv.base, 4);
	assert_int_equal(hexview_per_line(&hv, 80), 16);
	assert_int_equal(hexview_per_line(&hv, 120), 32);
	assert_int_equal(hexview_per_line(&hv, 62), 8);
	assert_int_equal(hexview_line_width(&hv, 16), 63);
	assert_int_equal(hexview_lines(&hv, 16), 8);
	assert_string_equal(hexview_line(&hv, 0, 16, line, sizeof line),
			    "0000  0200 0076 0303 423d 12ef f78d 1897 cc12  ...v..B=........");
	assert_string_equal(hexview_line(&hv, 7, 16, line, sizeof line),
			    "0070  d325 f52d 002b 0002 0304                 .%.-.+....");
	hexview_free(&hv);
	tree_free(t);
	free(body);
}

/* The marks of the random (bytes 6..37 of the framed ServerHello): exactly its cells. */
static void marks(void **state)
{
	uint8_t *body;
	size_t n;
	struct tree_node *t = decoded("tls13/01-server-ServerHello.bin", 2, 0x0304, TL_SERVER, &body, &n);
	struct hexview hv;
	struct hexview_hit hit;
	char m[200];

	(void)state;
	assert_true(hexview_init_handshake(&hv, t, 2, body, n, n));
	assert_true(hexview_range_of(&hv, tree_find(t, "random"), &hit));
	assert_int_equal(hit.off, 6);
	assert_int_equal(hit.len, 32);
	/*                                   0000  0200 0076 0303 423d 12ef f78d 1897 cc12  ...v..B=........ */
	assert_string_equal(hexview_marks(&hv, 0, 16, hit.off, hit.len, m, sizeof m),
			    "                     ^^^^^^^^^^^^^^^^^^^^^^^^        ^^^^^^^^^^");
	assert_string_equal(hexview_marks(&hv, 1, 16, hit.off, hit.len, m, sizeof m),
			    "      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^  ^^^^^^^^^^^^^^^^");
	assert_string_equal(hexview_marks(&hv, 2, 16, hit.off, hit.len, m, sizeof m),
			    "      ^^^^^^^^^^^^^^                           ^^^^^^");
	assert_string_equal(hexview_marks(&hv, 3, 16, hit.off, hit.len, m, sizeof m), "");
	/* a range of one byte in the middle of a group: only its two digits */
	assert_string_equal(hexview_marks(&hv, 0, 16, 3, 1, m, sizeof m), "             ^^                                   ^");
	hexview_free(&hv);
	tree_free(t);
	free(body);
}

/* A byte maps to the deepest field covering it; the header to its spans; the caption names it. */
static void byte_to_field(void **state)
{
	uint8_t *body;
	size_t n;
	struct tree_node *t = decoded("tls13/01-server-ServerHello.bin", 2, 0x0304, TL_SERVER, &body, &n);
	struct hexview hv;
	struct hexview_hit hit;
	char cap[256];

	(void)state;
	assert_true(hexview_init_handshake(&hv, t, 2, body, n, n));
	assert_true(hexview_at(&hv, 0, &hit));
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap), "handshake header/msg_type: byte 0 (1 B)");
	assert_true(hexview_at(&hv, 3, &hit));
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap), "handshake header/length: bytes 1..3 (3 B)");
	assert_true(hexview_at(&hv, 4, &hit));
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap), "legacy_version: bytes 4..5 (2 B)");
	for (size_t b = 6; b <= 37; b++) {
		assert_true(hexview_at(&hv, b, &hit));
		assert_ptr_equal(hit.node, tree_find(t, "random"));
	}
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap), "random: bytes 6..37 (32 B)");
	/* the id's own bytes: the hex child repeats them, so the session id field itself */
	assert_true(hexview_at(&hv, 38, &hit));
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap), "session id: bytes 38..70 (33 B)");
	assert_true(hexview_at(&hv, 39, &hit));
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap), "session id/hex: bytes 39..70 (32 B)");
	/* the key share's public value, deep in the extensions */
	assert_true(hexview_at(&hv, 4 + 0x50, &hit));
	assert_string_equal(hexview_caption(&hv, NULL, &hit, cap, sizeof cap),
			    "extensions/key_share/key_exchange: bytes 84..115 (32 B)");
	assert_false(hexview_at(&hv, hv.n, &hit));
	hexview_free(&hv);
	/* a HelloRetryRequest travels as a ServerHello (type 2) */
	assert_true(hexview_init_handshake(&hv, t, TL_HS_HELLO_RETRY_REQUEST, body, n, n));
	assert_int_equal(hv.p[0], 2);
	hexview_free(&hv);
	/* a body kept in part: the header gives the whole length */
	assert_true(hexview_init_handshake(&hv, t, 2, body, 10, 0x012345));
	assert_int_equal(hv.n, 14);
	assert_memory_equal(hv.p, "\x02\x01\x23\x45", 4);
	hexview_free(&hv);
	tree_free(t);
	free(body);
}

/* A field with no bytes of its own is shown by its nearest ancestor's, or said to be derived. */
static void field_without_bytes(void **state)
{
	struct tree_node *a = decode_alert(2, 42);
	uint8_t b[2] = { 2, 42 };
	struct hexview hv;
	struct hexview_hit hit;
	struct tree_node *inner;
	char cap[256];

	(void)state;
	hexview_init(&hv, a, b, 2);
	assert_false(hexview_range_of(&hv, tree_find(a, "meaning"), &hit));
	assert_string_equal(hexview_caption(&hv, tree_find(a, "meaning"), NULL, cap, sizeof cap),
			    "meaning: derived, not bytes of the message");
	inner = tree_add(tree_find_mut(a, "description"), "note", "x");
	assert_true(hexview_range_of(&hv, inner, &hit));
	assert_string_equal(hexview_caption(&hv, inner, &hit, cap, sizeof cap),
			    "description/note: no bytes of its own, inside description: byte 1 (1 B)");
	tree_free(a);
}

/* The -vvv dump: each line with the top-level fields it holds. */
static void dump(void **state)
{
	uint8_t *body;
	size_t n, len = 0;
	struct tree_node *t = decoded("tls13/05-server-Finished.bin", 20, 0x0304, TL_SERVER, &body, &n);
	struct hexview hv;
	char *out = NULL;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_true(hexview_init_handshake(&hv, t, 20, body, n, n));
	hexview_write(f, &hv, 16, 2);
	fclose(f);
	assert_string_equal(out, "    handshake header: bytes 0..3 (4 B)\n"
				 "    verify_data: bytes 4..51 (48 B)\n"
				 "  0000  1400 0030 3c21 54da 736f 3f73 d0dd f0b0  ...0<!T.so?s....  handshake header, verify_data\n"
				 "  0010  11b1 5476 4775 7777 8cf4 f169 1e9e 774f  ..TvGuww...i..wO  ...verify_data\n"
				 "  0020  208a dd48 6597 38f7 2a8e b573 0dcb 8d26   ..He.8.*..s...&  ...verify_data\n"
				 "  0030  21b9 736f                                !.so              ...verify_data\n");
	free(out);
	hexview_free(&hv);
	tree_free(t);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_has_bytes),
		cmocka_unit_test(alert_and_ccs_bytes),
		cmocka_unit_test(exact_ranges),
		cmocka_unit_test(certificate_ranges),
		cmocka_unit_test(layout),
		cmocka_unit_test(marks),
		cmocka_unit_test(byte_to_field),
		cmocka_unit_test(field_without_bytes),
		cmocka_unit_test(dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
