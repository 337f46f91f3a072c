/*
 * test_x509view.c: the certificate view and the chain verdicts, on the demo
 * PKI (certs/README.md) and on hostile certificates made at test time.
 *
 * The hostile certificates carry ESC, BEL, CR, LF, DEL and U+202E in their
 * subject; nothing printed from them (tree_print, the verdict line, the text
 * ladder of a real handshake that served one) may contain those bytes raw.
 * This test builds certificates, so it includes GnuTLS itself; the code
 * under test sees only DER bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tlsladder/demo.h"
#include "tlsladder/inspect.h"
#include "tlsladder/paths.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/text.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"
#include "tlsladder/x509view.h"

#define MAXCHAIN 8

static char certs[PATH_MAX];
static char root_ca[PATH_MAX + 32];
static time_t now;

/* The certificates of a PEM file as DER. */
struct chain {
	size_t count;
	uint8_t *der[MAXCHAIN];
	size_t len[MAXCHAIN];
};

/* Loads certs/<name> into c. */
static void load(const char *name, struct chain *c)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t pem = { NULL, 0 };
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;

	snprintf(path, sizeof path, "%s/%s", certs, name);
	memset(c, 0, sizeof *c);
	assert_int_equal(gnutls_load_file(path, &pem), 0);
	assert_int_equal(gnutls_x509_crt_list_import2(&list, &n, &pem, GNUTLS_X509_FMT_PEM, 0), 0);
	assert_true(n > 0 && n <= MAXCHAIN);
	for (unsigned i = 0; i < n; i++) {
		gnutls_datum_t d;
		assert_int_equal(gnutls_x509_crt_export2(list[i], GNUTLS_X509_FMT_DER, &d), 0);
		c->der[i] = malloc(d.size);
		assert_non_null(c->der[i]);
		memcpy(c->der[i], d.data, d.size);
		c->len[i] = d.size;
		gnutls_free(d.data);
		gnutls_x509_crt_deinit(list[i]);
	}
	c->count = n;
	gnutls_free(list);
	gnutls_free(pem.data);
}

/* Frees a loaded chain. */
static void unload(struct chain *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->der[i]);
	memset(c, 0, sizeof *c);
}

/* True when a node below t (not t itself) has the flags. */
static bool below(const struct tree_node *t, unsigned flags)
{
	for (const struct tree_node *c = t->first; c; c = c->next)
		if (tree_any(c, flags))
			return true;
	return false;
}

/* The verdict of a chain file against a CA file; the tree's root must say the same. */
static bool verdict_for(const char *file, const char *ca, const char *host, bool server, time_t when, char *buf, size_t n)
{
	struct chain c;
	struct x509view_trust tr = { ca, false };
	struct tree_node *t;
	char safe[1024];
	bool ok;

	load(file, &c);
	ok = x509view_verdict((const uint8_t *const *)c.der, c.len, c.count, &tr, host, server, when, buf, n);
	t = x509view_chain((const uint8_t *const *)c.der, c.len, c.count, &tr, host, server, when);
	assert_non_null(t);
	sanitize_str(safe, sizeof safe, t->value);
	assert_string_equal(safe, buf);
	assert_true(t->flags & (ok ? TREE_GOOD : TREE_BAD));
	assert_false(t->flags & (ok ? TREE_BAD : TREE_GOOD));
	/* a failing verdict always shows a failing check; a passing one none */
	assert_int_equal(below(t, TREE_BAD) || below(t, TREE_ERROR), !ok);
	tree_free(t);
	unload(&c);
	return ok;
}

/* Days between now and a certificate's notAfter (as the view counts them). */
static long days_since_expiry(const char *file)
{
	struct chain c;
	gnutls_x509_crt_t crt;
	gnutls_datum_t d;
	time_t na;

	load(file, &c);
	d.data = c.der[0];
	d.size = (unsigned)c.len[0];
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER), 0);
	na = gnutls_x509_crt_get_expiration_time(crt);
	gnutls_x509_crt_deinit(crt);
	unload(&c);
	return (long)((now - na) / 86400);
}

/* Good chains: "trusted: N sent, path of M to <anchor>" (the anchor from the store is not sent). */
static void trusted_chain(void **state)
{
	char buf[512];

	(void)state;
	assert_true(verdict_for("server-ecdsa-chain.pem", root_ca, "localhost", true, now, buf, sizeof buf));
	assert_string_equal(buf, "trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'");
	assert_true(verdict_for("server-rsa-chain.pem", root_ca, "127.0.0.1", true, now, buf, sizeof buf));
	assert_string_equal(buf, "trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches '127.0.0.1'");
	assert_true(verdict_for("client-chain.pem", root_ca, NULL, false, now, buf, sizeof buf));
	assert_string_equal(buf, "trusted: 2 sent, path of 3 to tlsladder Demo Root CA");
	/* the self-signed server certificate trusted as itself */
	{
		char ss[PATH_MAX + 32];
		snprintf(ss, sizeof ss, "%s/server-selfsigned.pem", certs);
		assert_true(verdict_for("server-selfsigned.pem", ss, "localhost", true, now, buf, sizeof buf));
		assert_string_equal(buf, "trusted: 1 sent, path of 1 to localhost, name matches 'localhost'");
	}
}

/* A client certificate from a CA nobody trusts: its issuer is named. */
static void other_ca(void **state)
{
	char buf[512];

	(void)state;
	assert_false(verdict_for("client-other-ca.pem", root_ca, NULL, false, now, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: issuer 'CN=tlsladder Demo Other CA,O=tlsladder demo (DEMO ONLY)' unknown; "
				 "1 sent, no path to a trust anchor");
}

/* An expired leaf: "expired N days ago", N counted from the view's clock. */
static void expired(void **state)
{
	char buf[512], want[512];

	(void)state;
	assert_false(verdict_for("server-expired-chain.pem", root_ca, "localhost", true, now, buf, sizeof buf));
	snprintf(want, sizeof want, "NOT trusted: certificate 1 expired %ld days ago; 2 sent, path of 3 to tlsladder Demo Root CA",
		 days_since_expiry("server-expired.pem"));
	assert_string_equal(buf, want);
	assert_false(verdict_for("client-expired-chain.pem", root_ca, NULL, false, now, buf, sizeof buf));
	assert_non_null(strstr(buf, "certificate 1 expired "));
	/* the view's clock decides: the good chain in 2051, and in 2023 */
	assert_false(verdict_for("server-ecdsa-chain.pem", root_ca, "localhost", true, (time_t)2556144000, buf, sizeof buf));
	assert_non_null(strstr(buf, "NOT trusted: certificate 1 expired "));
	assert_false(verdict_for("server-ecdsa-chain.pem", root_ca, "localhost", true, (time_t)1672531200, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: certificate 1 not valid yet: starts in 365 days; 2 sent, path of 3 to tlsladder "
				 "Demo Root CA");
}

/* A server certificate for another name. */
static void wrong_name(void **state)
{
	char buf[512];

	(void)state;
	assert_false(verdict_for("server-wrong-name-chain.pem", root_ca, "localhost", true, now, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: name mismatch: certificate 1 is for wrong.example, not 'localhost'; 2 sent, path "
				 "of 3 to tlsladder Demo Root CA");
	/* without a host name to check, the same chain is fine */
	assert_true(verdict_for("server-wrong-name-chain.pem", root_ca, NULL, true, now, buf, sizeof buf));
	assert_false(verdict_for("server-ecdsa-chain.pem", root_ca, "example.com", true, now, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: name mismatch: certificate 1 is for localhost, 127.0.0.1, ::1, not "
				 "'example.com'; 2 sent, path of 3 to tlsladder Demo Root CA");
}

/* A leaf sent without its intermediate: the missing issuer is named. */
static void missing_intermediate(void **state)
{
	char buf[512];

	(void)state;
	assert_false(verdict_for("client.pem", root_ca, NULL, false, now, buf, sizeof buf));
	assert_string_equal(buf,
			    "NOT trusted: issuer 'CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)' unknown; 1 sent, "
			    "no path to a trust anchor");
}

/* Extended key usage against the role. */
static void wrong_purpose(void **state)
{
	char buf[512];

	(void)state;
	assert_false(verdict_for("client-no-clientauth-chain.pem", root_ca, NULL, false, now, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: extended key usage does not fit: certificate 1 is not for a TLS client "
				 "(clientAuth missing; it has serverAuth); 2 sent, path of 3 to tlsladder Demo Root CA");
	/* the same certificate is fine for a server */
	assert_true(verdict_for("client-no-clientauth-chain.pem", root_ca, NULL, true, now, buf, sizeof buf));
	/* and a client certificate is no server certificate */
	assert_false(verdict_for("client-chain.pem", root_ca, NULL, true, now, buf, sizeof buf));
	assert_non_null(strstr(buf, "not for a TLS server (serverAuth missing; it has clientAuth)"));
}

/* A self-signed certificate that is not a trust anchor. */
static void self_signed(void **state)
{
	char buf[512];

	(void)state;
	assert_false(verdict_for("server-selfsigned.pem", root_ca, "localhost", true, now, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: certificate 1 is self-signed and not in the trust store; 1 sent, no path to a "
				 "trust anchor");
}

/* The links of a good chain, check by check. */
static void chain_nodes(void **state)
{
	struct chain c;
	struct x509view_trust tr = { root_ca, false };
	struct tree_node *t;
	const struct tree_node *n;

	(void)state;
	load("server-ecdsa-chain.pem", &c);
	t = x509view_chain((const uint8_t *const *)c.der, c.len, c.count, &tr, "localhost", true, now);
	assert_string_equal(t->value, "trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'");
	assert_string_equal(tree_find(t, "certificates")->value, "2 sent, path of 3 to tlsladder Demo Root CA");
	n = tree_find(t, "certificate 1 (leaf)/issued by");
	assert_non_null(n);
	assert_true(n->flags & TREE_GOOD);
	assert_non_null(strstr(n->value, "certificate 2"));
	assert_true(tree_find(t, "certificate 1 (leaf)/signature")->flags & TREE_GOOD);
	assert_true(tree_find(t, "certificate 1 (leaf)/host name")->flags & TREE_GOOD);
	assert_true(tree_find(t, "certificate 1 (leaf)/purpose")->flags & TREE_GOOD);
	assert_true(tree_find(t, "certificate 1 (leaf)/dates")->flags & TREE_GOOD);
	n = tree_find(t, "certificate 2/issued by");
	assert_non_null(strstr(n->value, "trust anchor 'tlsladder Demo Root CA'"));
	assert_true(tree_find(t, "certificate 2/signature")->flags & TREE_GOOD);
	assert_true(tree_find(t, "certificate 2/issuer may sign")->flags & TREE_GOOD);
	n = tree_find(t, "trust anchor");
	assert_non_null(strstr(n->value, "root-ca.pem"));
	assert_true(tree_find(t, "GnuTLS verification")->flags & TREE_GOOD);
	assert_false(tree_any(t, TREE_BAD));
	tree_free(t);

	/* a broken link: the leaf with a certificate that did not issue it */
	{
		struct chain other;
		const uint8_t *ders[2];
		size_t lens[2];
		load("other-ca.pem", &other);
		ders[0] = c.der[0];
		lens[0] = c.len[0];
		ders[1] = other.der[0];
		lens[1] = other.len[0];
		t = x509view_chain(ders, lens, 2, &tr, "localhost", true, now);
		n = tree_find(t, "certificate 1 (leaf)/issued by");
		assert_true(n->flags & TREE_BAD);
		assert_non_null(strstr(n->value, "certificate 2 is 'CN=tlsladder Demo Other CA"));
		assert_non_null(strstr(t->value, "issuer 'CN=tlsladder Demo Intermediate CA"));
		assert_non_null(tree_find(t, "certificate 2/on the path"));
		tree_free(t);
		/* the intermediate sent after an unrelated certificate: found out of order, the stray one off the path */
		{
			const uint8_t *d3[3] = { c.der[0], other.der[0], c.der[1] };
			size_t l3[3] = { c.len[0], other.len[0], c.len[1] };
			t = x509view_chain(d3, l3, 3, &tr, "localhost", true, now);
			assert_string_equal(t->value, "trusted: 3 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'");
			assert_string_equal(tree_find(t, "certificate 1 (leaf)/issued by")->value,
					    "certificate 3 (its subject is this issuer), sent out of order");
			assert_string_equal(tree_find(t, "certificate 2/on the path")->value,
					    "no: the path reaches the trust anchor without it");
			tree_free(t);
		}
		unload(&other);
	}
	/* no trust at all, and the system store (which does not hold the demo root) */
	{
		char buf[512];
		struct x509view_trust sys = { NULL, true };
		assert_false(x509view_verdict((const uint8_t *const *)c.der, c.len, c.count, NULL, "localhost", true, now, buf,
					      sizeof buf));
		assert_non_null(strstr(buf, "unknown"));
		t = x509view_chain((const uint8_t *const *)c.der, c.len, c.count, &sys, "localhost", true, now);
		assert_true(t->flags & TREE_BAD);
		assert_non_null(strstr(tree_find(t, "trust store")->value, "the system trust store"));
		tree_free(t);
		assert_false(x509view_verdict(NULL, NULL, 0, &tr, NULL, true, now, buf, sizeof buf));
		assert_string_equal(buf, "NOT trusted: no certificate was sent");
	}
	unload(&c);
}

/* The fields of one certificate. */
static void cert_fields(void **state)
{
	struct chain c;
	struct tree_node *t;
	const struct tree_node *n, *line;
	bool pin_in_text = false;

	(void)state;
	load("server-ecdsa.pem", &c);
	t = x509view_cert(c.der[0], c.len[0], now);
	assert_false(tree_any(t, TREE_ERROR));
	assert_string_equal(tree_find(t, "subject")->value, "CN=localhost,O=tlsladder demo (DEMO ONLY)");
	assert_string_equal(tree_find(t, "issuer")->value, "CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)");
	assert_string_equal(tree_find(t, "subject alt names/DNS")->value, "localhost");
	assert_string_equal(tree_find(t, "subject alt names/IP")->value, "127.0.0.1");
	assert_string_equal(tree_find(t, "subject alt names")->value, "3 names");
	assert_non_null(strstr(tree_find(t, "public key")->value, "SECP256R1"));
	assert_string_equal(tree_find(t, "extended key usage")->value, "serverAuth");
	assert_non_null(strstr(tree_find(t, "key usage")->value, "digitalSignature"));
	assert_non_null(strstr(tree_find(t, "basic constraints")->value, "not a CA"));
	assert_string_equal(tree_find(t, "signature algorithm")->value, "ECDSA-SHA256");
	assert_int_equal(strlen(tree_find(t, "SHA-256 fingerprint")->value), 32 * 3 - 1);
	assert_true(tree_find(t, "validity")->flags & TREE_GOOD);
	assert_true(strncmp(tree_find(t, "validity")->value, "valid for ", 10) == 0);
	assert_string_equal(tree_find(t, "validity/not after")->value, "2049-12-31 23:59:59 UTC");
	assert_non_null(tree_find(t, "serial"));
	n = tree_find(t, "SPKI pin");
	assert_true(strncmp(n->value, "pin-sha256:", 11) == 0);
	assert_int_equal(strlen(n->value), 11 + 44);
	/* the same pin as GnuTLS prints it in the full text */
	line = tree_find(t, "full text");
	assert_true(line->flags & TREE_COLLAPSED);
	assert_true(line->nchildren > 30);
	for (line = line->first; line; line = line->next)
		if (line->value && strstr(line->value, n->value))
			pin_in_text = true;
	assert_true(pin_in_text);
	tree_free(t);
	unload(&c);

	load("intermediate-ca.pem", &c);
	t = x509view_cert(c.der[0], c.len[0], now);
	assert_non_null(strstr(tree_find(t, "basic constraints")->value, "CA, path length 0"));
	assert_string_equal(tree_find(t, "basic constraints/path length")->value, "0");
	assert_non_null(strstr(tree_find(t, "key usage")->value, "keyCertSign"));
	tree_free(t);
	unload(&c);

	load("server-rsa.pem", &c);
	t = x509view_cert(c.der[0], c.len[0], now);
	assert_string_equal(tree_find(t, "public key")->value, "RSA, 2048 bits");
	assert_non_null(strstr(tree_find(t, "key usage")->value, "keyEncipherment"));
	tree_free(t);
	unload(&c);

	load("server-expired.pem", &c);
	t = x509view_cert(c.der[0], c.len[0], now);
	assert_true(tree_find(t, "validity")->flags & TREE_BAD);
	assert_non_null(strstr(tree_find(t, "validity")->value, "expired "));
	assert_non_null(strstr(tree_find(t, "validity")->value, " days ago"));
	tree_free(t);
	unload(&c);
}

/* Malformed DER: an error node, never a crash. */
static void malformed(void **state)
{
	static const uint8_t junk[] = { 0x30, 0x82, 0xff, 0xff, 0x01, 0x02, 0x03 };
	struct chain c;
	struct tree_node *t;
	const uint8_t *ders[2];
	size_t lens[2];
	char buf[512];
	struct x509view_trust tr = { root_ca, false };

	(void)state;
	t = x509view_cert(junk, sizeof junk, now);
	assert_true(t->flags & TREE_ERROR);
	assert_true(below(t, TREE_ERROR));
	tree_free(t);
	t = x509view_cert(NULL, 0, now);
	assert_true(t->flags & TREE_ERROR);
	tree_free(t);

	load("server-ecdsa-chain.pem", &c);
	for (size_t cut = 0; cut < c.len[0]; cut += 97) {
		t = x509view_cert(c.der[0], cut, now);
		assert_true(t->flags & TREE_ERROR);
		tree_free(t);
	}
	ders[0] = c.der[0];
	lens[0] = c.len[0];
	ders[1] = c.der[1];
	lens[1] = c.len[1] / 2;
	assert_false(x509view_verdict(ders, lens, 2, &tr, "localhost", true, now, buf, sizeof buf));
	assert_true(strncmp(buf, "NOT trusted: certificate 2 cannot be read", 41) == 0);
	t = x509view_chain(ders, lens, 2, &tr, "localhost", true, now);
	assert_true(tree_find(t, "certificate 2")->flags & TREE_ERROR);
	tree_free(t);
	unload(&c);
}

/* ---- hostile certificates ---- */

/* ESC (with a CSI and an OSC), BEL, CR, LF, DEL and U+202E. */
static const char hostile_cn[] = "evil\x1b[2J\x1b]0;pwned\x07" "A\rB\nC\x7f" "D\xe2\x80\xae" "gnp.exe";
static const char hostile_o[] = "Org\x1b[31mRED\x07\r\n\x7f\xe2\x80\xae" "end";

struct made {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	uint8_t *der;
	size_t len;
};

/* Makes a certificate with the hostile subject, signed by issuer (NULL: self-signed). */
static void make_cert(struct made *m, const struct made *issuer, bool ca)
{
	gnutls_datum_t d;
	uint8_t serial[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (uint8_t)(ca ? 1 : 2) };
	/* SAN, DER by hand (the library refuses such names): URI and DNS name with ESC, CR, LF, U+202E */
	static const char uri[] = "https://x/\x1b[5m\r\n\xe2\x80\xae";
	static const char dns[] = "a\x1b[1m.\r\n.\xe2\x80\xae.example";
	uint8_t san[128];
	size_t k = 0;

	assert_int_equal(gnutls_x509_privkey_init(&m->key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(m->key, GNUTLS_PK_ECDSA,
						      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&m->crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(m->crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(m->crt, serial, sizeof serial), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(m->crt, now - 3600), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(m->crt, now + 30 * 86400), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(m->crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, hostile_o,
						       sizeof hostile_o - 1), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(m->crt, GNUTLS_OID_X520_COMMON_NAME, 0, hostile_cn,
						       sizeof hostile_cn - 1), 0);
	san[k++] = 0x30;
	san[k++] = (uint8_t)(2 + sizeof uri - 1 + 2 + sizeof dns - 1);
	san[k++] = 0x86;                  /* [6] uniformResourceIdentifier */
	san[k++] = (uint8_t)(sizeof uri - 1);
	memcpy(san + k, uri, sizeof uri - 1);
	k += sizeof uri - 1;
	san[k++] = 0x82;                  /* [2] dNSName */
	san[k++] = (uint8_t)(sizeof dns - 1);
	memcpy(san + k, dns, sizeof dns - 1);
	k += sizeof dns - 1;
	assert_int_equal(gnutls_x509_crt_set_extension_by_oid(m->crt, "2.5.29.17", san, k, 0), 0);
	assert_int_equal(gnutls_x509_crt_set_key(m->crt, m->key), 0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(m->crt, ca, -1), 0);
	assert_int_equal(gnutls_x509_crt_set_key_usage(m->crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE), 0);
	if (!ca)
		assert_int_equal(gnutls_x509_crt_set_key_purpose_oid(m->crt, GNUTLS_KP_TLS_WWW_SERVER, 0), 0);
	assert_int_equal(gnutls_x509_crt_sign2(m->crt, issuer ? issuer->crt : m->crt, issuer ? issuer->key : m->key,
					       GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(m->crt, GNUTLS_X509_FMT_DER, &d), 0);
	m->der = malloc(d.size);
	assert_non_null(m->der);
	memcpy(m->der, d.data, d.size);
	m->len = d.size;
	gnutls_free(d.data);
}

/* Frees a made certificate. */
static void unmake(struct made *m)
{
	gnutls_x509_crt_deinit(m->crt);
	gnutls_x509_privkey_deinit(m->key);
	free(m->der);
}

/* Fails if s[0..n) holds a terminal control byte, or a newline when newlines is false, or U+202E. */
static void assert_inert(const char *s, size_t n, bool newlines, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b == 0x1b || b == 0x07 || b == 0x0d || b == 0x7f || (b < 0x20 && b != '\n' && b != '\t') ||
		    (b == '\n' && !newlines))
			fail_msg("%s: raw byte 0x%02x at offset %zu", what, b, i);
		if (i + 2 < n && b == 0xe2 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0xae)
			fail_msg("%s: raw U+202E at offset %zu", what, i);
	}
}

/* Prints a tree into memory; each node must be exactly one line, and nothing raw. */
static void print_checked(const struct tree_node *t, const char *what, bool expect_escaped)
{
	char *buf = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	tree_print(f, t, 0, true, true);
	fclose(f);
	assert_inert(buf, len, true, what);
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, tree_count(t));     /* no LF inside a line */
	if (expect_escaped) {
		assert_non_null(strstr(buf, "\\x1B[2J"));
		assert_non_null(strstr(buf, "\\x07"));
		assert_non_null(strstr(buf, "A\\rB\\nC\\x7FD\\u{202E}gnp.exe"));
	}
	free(buf);
}

/* The hostile certificate through the certificate view, the chain view and the verdict. */
static void hostile_views(void **state)
{
	struct made ca, leaf, self;
	struct x509view_trust tr = { root_ca, false };
	struct tree_node *t;
	char buf[1024];
	const uint8_t *ders[1];
	size_t lens[1];

	(void)state;
	make_cert(&self, NULL, false);
	make_cert(&ca, NULL, true);
	make_cert(&leaf, &ca, false);

	t = x509view_cert(self.der, self.len, now);
	assert_false(tree_any(t, TREE_ERROR));
	assert_non_null(memchr(tree_find(t, "subject")->value, 0x1b, strlen(tree_find(t, "subject")->value)));  /* raw in the tree */
	print_checked(t, "x509view_cert", true);
	tree_free(t);

	/* the issuer's hostile DN lands in the verdict */
	ders[0] = leaf.der;
	lens[0] = leaf.len;
	t = x509view_chain(ders, lens, 1, &tr, "localhost", true, now);
	assert_non_null(strchr(t->value, 0x1b));
	print_checked(t, "x509view_chain", true);
	tree_free(t);
	assert_false(x509view_verdict(ders, lens, 1, &tr, "localhost", true, now, buf, sizeof buf));
	assert_inert(buf, strlen(buf), false, "verdict");
	assert_non_null(strstr(buf, "NOT trusted: issuer 'CN=evil\\x1B[2J\\x1B]0\\\\;pwned\\x07A\\rB\\nC\\x7FD\\u{202E}gnp.exe,O=Org\\x1B[31mRED\\x07\\r\\n\\x7F\\u{202E}end' unknown"));

	/* the name mismatch names the hostile DNS name (the leaf trusted through its CA) */
	{
		char dir[] = "/tmp/tlsladder-x509-XXXXXX";
		char path[64];
		gnutls_datum_t pem;
		FILE *f;
		struct x509view_trust ctr = { path, false };

		assert_non_null(mkdtemp(dir));
		snprintf(path, sizeof path, "%s/ca.pem", dir);
		assert_int_equal(gnutls_x509_crt_export2(ca.crt, GNUTLS_X509_FMT_PEM, &pem), 0);
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(pem.data, 1, pem.size, f);
		fclose(f);
		gnutls_free(pem.data);
		assert_false(x509view_verdict(ders, lens, 1, &ctr, "localhost", true, now, buf, sizeof buf));
		assert_inert(buf, strlen(buf), false, "verdict (name)");
		assert_string_equal(buf, "NOT trusted: name mismatch: certificate 1 is for a\\x1B[1m.\\r\\n.\\u{202E}.example, "
					 "not 'localhost'; 1 sent, path of 2 to evil\\x1B[2J\\x1B]0\\\\;pwned\\x07A\\rB\\nC\\x7FD"
					 "\\u{202E}gnp.exe");
		t = x509view_chain(ders, lens, 1, &ctr, "localhost", true, now);
		print_checked(t, "x509view_chain (name)", true);
		tree_free(t);
		unlink(path);
		rmdir(dir);
	}
	unmake(&leaf);
	unmake(&ca);
	unmake(&self);
}

/* Writes data to dir/name. */
static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Removes dir/name. */
static void remove_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

/* The DERs of a TLS 1.3 Certificate message body (bounds-checked here, as the input is the wire). */
static size_t tls13_cert_list(const uint8_t *p, size_t n, const uint8_t **ders, size_t *lens, size_t max)
{
	size_t off, end, count = 0;

	if (n < 1 || n < 1 + (size_t)p[0] + 3)
		return 0;
	off = 1 + p[0];
	end = off + 3 + (((size_t)p[off] << 16) | ((size_t)p[off + 1] << 8) | p[off + 2]);
	off += 3;
	if (end > n)
		return 0;
	while (off + 3 <= end && count < max) {
		size_t len = ((size_t)p[off] << 16) | ((size_t)p[off + 1] << 8) | p[off + 2];
		if (off + 3 + len + 2 > end)
			break;
		ders[count] = p + off + 3;
		lens[count++] = len;
		off += 3 + len;
		off += 2 + (((size_t)p[off] << 8) | p[off + 1]);
	}
	return count;
}

/* A real handshake serving the hostile certificate: the text ladder and the views stay inert. */
static void hostile_handshake(void **state)
{
	struct made self;
	char dir[] = "/tmp/tlsladder-hostile-XXXXXX";
	gnutls_datum_t pem, keypem, root = { NULL, 0 };
	struct demo_scenario sc = *demo_find("tls13");
	struct demo_opts o = { .certs_dir = dir, .grace_ms = 300, .timeout_ms = 20000, .capture = true, .cancel_fd = -1 };
	struct tl_error err = { 0, "" };
	struct timeline *tl;
	struct tl_result r;
	struct text_opts to = { .title = "hostile certificate", .only_conn = -1 };
	char *buf = NULL, safe[2048];
	size_t len = 0;
	FILE *f;
	int rc;
	bool saw_cert = false;

	(void)state;
	make_cert(&self, NULL, false);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(gnutls_x509_crt_export2(self.crt, GNUTLS_X509_FMT_PEM, &pem), 0);
	assert_int_equal(gnutls_x509_privkey_export2(self.key, GNUTLS_X509_FMT_PEM, &keypem), 0);
	assert_int_equal(gnutls_load_file(root_ca, &root), 0);
	write_file(dir, "hostile.pem", pem.data, pem.size);
	write_file(dir, "hostile.key", keypem.data, keypem.size);
	write_file(dir, "root-ca.pem", root.data, root.size);
	gnutls_free(pem.data);
	gnutls_memset(keypem.data, 0, keypem.size);
	gnutls_free(keypem.data);
	gnutls_free(root.data);

	sc.name = "hostile";
	sc.server_cert = "hostile.pem";
	sc.server_key = "hostile.key";
	tl = timeline_create(true);
	rc = demo_run(&sc, &o, tl, &err);
	timeline_finish(tl);
	if (rc < 0)
		fail_msg("demo did not start: %s", err.msg);
	assert_int_equal(rc, TL_EXIT_VERIFY);      /* the handshake completed; the chain did not verify */

	timeline_get_result(tl, TL_CLIENT, 0, &r);
	assert_true(r.handshake_ok);
	assert_false(r.verified);
	sanitize_str(safe, sizeof safe, r.verify);
	assert_inert(safe, strlen(safe), false, "tl_result.verify");
	sanitize_str(safe, sizeof safe, r.error);
	assert_inert(safe, strlen(safe), false, "tl_result.error");

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	text_write(f, tl, &to);
	fclose(f);
	assert_true(len > 0);
	assert_inert(buf, len, true, "text ladder");
	assert_null(strstr(buf, "\nC\x7f"));
	free(buf);

	/* the certificate as it crossed the wire, through both views */
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		const uint8_t *ders[4];
		size_t lens[4], n;
		struct x509view_trust tr = { root_ca, false };
		struct tree_node *t;
		char verdict[1024];

		timeline_get(tl, i, &ev);
		if (ev.kind != TL_EV_HANDSHAKE || ev.hs_type != 11 || ev.from != TL_SERVER)
			continue;
		n = tls13_cert_list(ev.body, ev.body_len, ders, lens, 4);
		assert_int_equal(n, 1);
		assert_int_equal(lens[0], self.len);
		assert_memory_equal(ders[0], self.der, self.len);
		saw_cert = true;
		t = x509view_cert(ders[0], lens[0], now);
		print_checked(t, "wire x509view_cert", true);
		tree_free(t);
		t = x509view_chain(ders, lens, n, &tr, "localhost", true, now);
		print_checked(t, "wire x509view_chain", false);
		tree_free(t);
		/* the verdict the client reached in its handshake, as the details show it */
		t = inspect_event(tl, i);
		print_checked(tree_find(t, "chain"), "the stored chain verdict", true);
		assert_string_equal(tree_find(t, "chain")->value, "NOT trusted: certificate 1 is self-signed and not in the "
								  "trust store; 1 sent, no path to a trust anchor");
		tree_free(t);
		assert_false(x509view_verdict(ders, lens, n, &tr, "localhost", true, now, verdict, sizeof verdict));
		assert_inert(verdict, strlen(verdict), false, "wire verdict");
		assert_string_equal(verdict, "NOT trusted: certificate 1 is self-signed and not in the trust store; 1 sent, no "
					     "path to a trust anchor");
	}
	assert_true(saw_cert);
	timeline_destroy(tl);

	remove_file(dir, "hostile.pem");
	remove_file(dir, "hostile.key");
	remove_file(dir, "root-ca.pem");
	rmdir(dir);
	unmake(&self);
}

/* Finds the demo certificates, starts GnuTLS, fixes the clock for the run. */
static int setup(void **state)
{
	struct tl_error err;

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	snprintf(root_ca, sizeof root_ca, "%s/root-ca.pem", certs);
	now = time(NULL);
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
		cmocka_unit_test(trusted_chain),   cmocka_unit_test(other_ca),        cmocka_unit_test(expired),
		cmocka_unit_test(wrong_name),      cmocka_unit_test(missing_intermediate), cmocka_unit_test(wrong_purpose),
		cmocka_unit_test(self_signed),     cmocka_unit_test(chain_nodes),     cmocka_unit_test(cert_fields),
		cmocka_unit_test(malformed),       cmocka_unit_test(hostile_views),   cmocka_unit_test(hostile_handshake),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
