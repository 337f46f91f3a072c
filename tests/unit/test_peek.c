/*
 * test_peek.c: the single facts peek.h reads from handshake bodies
 * (src/core/peek.c), from the decoder's tree, on bodies captured from real
 * demo handshakes (tests/fixtures). The expected values are those the
 * earlier, separate byte parser gave on the same files, so moving peek
 * onto the decoder's output changed no answer. Truncated bodies are
 * refused, never read past.
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
#include "tlsladder/peek.h"
#include "tlsladder/wire.h"

static uint8_t body[65536];

/* Reads tests/fixtures/<rel> into body; its length (the test fails when unreadable). */
static size_t fixture(const char *rel)
{
	const char *top = getenv("TLSLADDER_DATADIR");
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/tests/fixtures/%s", top ? top : ".", rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(body, 1, sizeof body, f);
	fclose(f);
	assert_true(n > 0);
	return n;
}

/* The ServerHello of a fixture, read through peek. */
static void server_hello(const char *rel, bool hrr, unsigned version, unsigned suite, unsigned group, bool ems)
{
	size_t n = fixture(rel);
	struct peek_server_hello sh;

	assert_true(peek_server_hello(body, n, &sh));
	assert_int_equal(sh.is_hrr, hrr);
	assert_int_equal(sh.legacy_version, WIRE_TLS12);
	assert_int_equal(sh.version, version);
	assert_int_equal(sh.cipher_suite, suite);
	assert_int_equal(sh.group, group);
	assert_false(sh.psk);
	assert_int_equal(sh.ems, ems);
	assert_int_equal(sh.session_id_len, 32);
	assert_memory_equal(sh.session_id, body + 35, 32);     /* version 2, random 32, length 1 */
	/* every shorter body is malformed: refused */
	for (size_t k = 0; k < 39; k++)
		assert_false(peek_server_hello(body, k, &sh));
}

/* ServerHello and HelloRetryRequest: version, suite, group, extended master secret. */
static void test_server_hello(void **state)
{
	(void)state;
	server_hello("tls13/01-server-ServerHello.bin", false, WIRE_TLS13, 0x1302, 0x001d, false);
	server_hello("tls12-ecdhe/01-server-ServerHello.bin", false, WIRE_TLS12, 0xc030, 0, true);
	server_hello("mtls12/01-server-ServerHello.bin", false, WIRE_TLS12, 0xc02c, 0, true);
	server_hello("hrr/01-server-HelloRetryRequest.bin", true, WIRE_TLS13, 0x1302, 0x0018, false);
	server_hello("hrr/03-server-ServerHello.bin", false, WIRE_TLS13, 0x1302, 0x0018, false);
}

/* The same reading from a tree the caller decoded gives the same answer. */
static void test_server_hello_tree(void **state)
{
	size_t n = fixture("tls13/01-server-ServerHello.bin");
	struct tree_node *t = decode_handshake(WIRE_HS_SERVER_HELLO, body, n, NULL);
	struct peek_server_hello a, b;

	(void)state;
	assert_true(peek_server_hello(body, n, &a));
	assert_true(peek_server_hello_tree(t, body, n, &b));
	assert_int_equal(a.version, b.version);
	assert_int_equal(a.cipher_suite, b.cipher_suite);
	assert_int_equal(a.group, b.group);
	assert_memory_equal(a.session_id, b.session_id, 32);
	tree_free(t);
	assert_false(peek_server_hello_tree(NULL, body, n, &b));
}

/* ClientHello: offered versions and session id. */
static void test_client_hello(void **state)
{
	unsigned v[8];
	uint8_t sid[32];
	size_t n, sid_len = 99;

	(void)state;
	n = fixture("tls13/00-client-ClientHello.bin");
	assert_int_equal(peek_client_hello_versions(body, n, v, 8), 1);
	assert_int_equal(v[0], WIRE_TLS13);
	assert_true(peek_client_hello_session_id(body, n, sid, &sid_len));
	assert_int_equal(sid_len, 32);
	assert_memory_equal(sid, body + 35, 32);
	n = fixture("tls12-ecdhe/00-client-ClientHello.bin");
	assert_int_equal(peek_client_hello_versions(body, n, v, 8), 1);
	assert_int_equal(v[0], WIRE_TLS12);
	assert_true(peek_client_hello_session_id(body, n, sid, &sid_len));
	assert_int_equal(sid_len, 0);
	assert_false(peek_client_hello_session_id(body, 30, sid, &sid_len));
	assert_int_equal(peek_client_hello_versions(body, 1, v, 8), 0);
}

/* ServerKeyExchange and CertificateVerify: group and signature schemes. */
static void test_signatures(void **state)
{
	unsigned g = 0, s = 0;
	size_t n;

	(void)state;
	n = fixture("tls12-ecdhe/03-server-ServerKeyExchange.bin");
	assert_true(peek_ske_ecdhe(body, n, &g, &s));
	assert_int_equal(g, 0x0017);
	assert_int_equal(s, 0x0401);
	assert_false(peek_ske_ecdhe(body, 3, &g, &s));
	n = fixture("tls13/04-server-CertificateVerify.bin");
	assert_true(peek_cert_verify(body, n, &s));
	assert_int_equal(s, 0x0403);
	assert_false(peek_cert_verify(body, 1, &s));
}

/* Certificate (both forms) and CertificateRequest: the DER ranges inside the body. */
static void test_certificates(void **state)
{
	struct peek_span sp[4];
	unsigned c = 0;
	size_t n;

	(void)state;
	n = fixture("tls13/03-server-Certificate.bin");
	assert_true(peek_certificate_count(body, n, true, &c));
	assert_int_equal(c, 2);
	assert_int_equal(peek_certificates(body, n, true, sp, 4), 2);
	assert_ptr_equal(sp[0].p, body + 7);
	assert_int_equal(sp[0].n, 563);
	assert_int_equal(peek_certificates(body, n, true, sp, 1), 1);
	assert_false(peek_certificate_count(body, n - 1, true, &c));
	assert_int_equal(peek_certificates(body, n - 1, true, sp, 4), -1);
	n = fixture("mtls12/06-client-Certificate.bin");
	assert_true(peek_certificate_count(body, n, false, &c));
	assert_int_equal(c, 2);
	assert_int_equal(peek_certificates(body, n, false, sp, 4), 2);
	assert_ptr_equal(sp[0].p, body + 6);
	assert_int_equal(sp[0].n, 515);
	n = fixture("mtls12/04-server-CertificateRequest.bin");
	assert_int_equal(peek_cr_ca_names(body, n, false, sp, 4), 1);
	assert_ptr_equal(sp[0].p, body + 41);
	assert_int_equal(sp[0].n, 72);
	assert_int_equal(peek_cr_ca_names(body, n - 1, false, sp, 4), -1);
}

/* The signature schemes of a CertificateRequest: TLS 1.2 field, TLS 1.3 extension. */
static void test_cr_sigschemes(void **state)
{
	static const unsigned want[] = { 0x0401, 0x0809, 0x0804, 0x0403, 0x0807, 0x0501, 0x080a, 0x0805,
					 0x0503, 0x0808, 0x0601, 0x080b, 0x0806, 0x0603, 0x0201, 0x0203 };
	unsigned v[32];
	size_t n;

	(void)state;
	n = fixture("mtls12/04-server-CertificateRequest.bin");
	assert_int_equal(peek_cr_sigschemes(body, n, false, v, 32), 16);
	assert_memory_equal(v, want, sizeof want);
	assert_int_equal(peek_cr_sigschemes(body, n, false, v, 3), 3);
	assert_int_equal(peek_cr_sigschemes(body, n - 1, false, v, 32), -1);
	n = fixture("mtls13/03-server-CertificateRequest.bin");
	assert_int_equal(peek_cr_sigschemes(body, n, true, v, 32), 16);
	assert_memory_equal(v, want, sizeof want);
	assert_int_equal(peek_cr_sigschemes(body, n - 1, true, v, 32), -1);
	/* a TLS 1.3 CertificateRequest without signature_algorithms lists none */
	assert_int_equal(peek_cr_sigschemes((const uint8_t *)"\0\0\0", 3, true, v, 32), 0);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_hello), cmocka_unit_test(test_server_hello_tree),
		cmocka_unit_test(test_client_hello), cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_certificates), cmocka_unit_test(test_cr_sigschemes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
