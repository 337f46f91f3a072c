/*
 * test_credcheck.c: the pre-flight checks of client credentials, table
 * by table over the demo PKI (certs/README.md), plus files made at test
 * time in a temporary directory: a CA bundle (root + intermediate),
 * PKCS#12 files without a key, with two keys and with the leaf alone, and
 * a chain whose every DN is hostile (ESC, BEL, CR, LF, DEL, U+202E).
 *
 * The clock is fixed at 2025-06-01 00:00:00 UTC, so the day counts in the
 * sentences are exact. This test builds certificates and PKCS#12 files,
 * so it includes GnuTLS itself; the code under test is called through its
 * GnuTLS-free header.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tlsladder/credcheck.h"
#include "tlsladder/errors.h"
#include "tlsladder/paths.h"
#include "tlsladder/session.h"

#define NOW ((time_t)1748736000)        /* 2025-06-01 00:00:00 UTC */
#define Y2019 ((time_t)1546300800)      /* 2019-01-01 00:00:00 UTC */
#define MAXF CREDCHECK_MAX_FINDINGS

static char certs[PATH_MAX];
static char tmpdir[] = "/tmp/tlsladder-credcheck-XXXXXX";

/* ---- files ---- */

/* "T:name" → the temporary directory, "" → NULL, else certs/<name>; into buf. */
static const char *path_of(const char *name, char *buf, size_t n)
{
	if (!name)
		return NULL;
	if (strncmp(name, "T:", 2) == 0)
		snprintf(buf, n, "%s/%s", tmpdir, name + 2);
	else if (strcmp(name, ".") == 0)
		snprintf(buf, n, "%s", certs);
	else
		snprintf(buf, n, "%s/%s", certs, name);
	return buf;
}

/* Writes p[0..n) to the temporary directory's name. */
static void write_tmp(const char *name, const void *p, size_t n)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Appends the bytes of certs/<name> to buf (malloc'd, grown). */
static void cat_cert_file(const char *name, char **buf, size_t *len)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t d;

	snprintf(path, sizeof path, "%s/%s", certs, name);
	assert_int_equal(gnutls_load_file(path, &d), 0);
	*buf = realloc(*buf, *len + d.size);
	assert_non_null(*buf);
	memcpy(*buf + *len, d.data, d.size);
	*len += d.size;
	gnutls_free(d.data);
}

/* Adds every certificate of certs/<name> to a PKCS#12 bag. */
static void bag_add_certs(gnutls_pkcs12_bag_t bag, const char *name)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t d;
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;

	snprintf(path, sizeof path, "%s/%s", certs, name);
	assert_int_equal(gnutls_load_file(path, &d), 0);
	assert_int_equal(gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0), 0);
	for (unsigned i = 0; i < n; i++) {
		assert_true(gnutls_pkcs12_bag_set_crt(bag, list[i]) >= 0);
		gnutls_x509_crt_deinit(list[i]);
	}
	gnutls_free(list);
	gnutls_free(d.data);
}

/* Adds a bag holding the key of certs/<name> (encrypted PKCS#8) to p12. */
static void p12_add_key(gnutls_pkcs12_t p12, const char *name, const char *pass)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t d;
	gnutls_x509_privkey_t key;
	gnutls_pkcs12_bag_t bag;

	snprintf(path, sizeof path, "%s/%s", certs, name);
	assert_int_equal(gnutls_load_file(path, &d), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
	assert_int_equal(gnutls_pkcs12_bag_init(&bag), 0);
	assert_true(gnutls_pkcs12_bag_set_privkey(bag, key, pass, GNUTLS_PKCS_PBES2_AES_256) >= 0);
	assert_int_equal(gnutls_pkcs12_set_bag(p12, bag), 0);
	gnutls_pkcs12_bag_deinit(bag);
	gnutls_x509_privkey_deinit(key);
	gnutls_free(d.data);
}

/* Writes T:<out>: a PKCS#12 file of the certificates of cert_file (encrypted bag) and keys[0..nkeys). */
static void make_p12(const char *out, const char *cert_file, const char *const *keys, size_t nkeys, const char *pass)
{
	gnutls_pkcs12_t p12;
	gnutls_pkcs12_bag_t bag;
	gnutls_datum_t der;

	assert_int_equal(gnutls_pkcs12_init(&p12), 0);
	assert_int_equal(gnutls_pkcs12_bag_init(&bag), 0);
	bag_add_certs(bag, cert_file);
	assert_int_equal(gnutls_pkcs12_bag_encrypt(bag, pass, GNUTLS_PKCS_PBES2_AES_256), 0);
	assert_int_equal(gnutls_pkcs12_set_bag(p12, bag), 0);
	gnutls_pkcs12_bag_deinit(bag);
	for (size_t i = 0; i < nkeys; i++)
		p12_add_key(p12, keys[i], pass);
	assert_int_equal(gnutls_pkcs12_generate_mac2(p12, GNUTLS_MAC_SHA256, pass), 0);
	assert_int_equal(gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, &der), 0);
	write_tmp(out, der.data, der.size);
	gnutls_free(der.data);
	gnutls_pkcs12_deinit(p12);
}

/* Writes T:<out>: the key of certs/<name> as encrypted PKCS#8 PEM. */
static void make_encrypted_key(const char *out, const char *name, const char *pass)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t d, pem;
	gnutls_x509_privkey_t key;

	snprintf(path, sizeof path, "%s/%s", certs, name);
	assert_int_equal(gnutls_load_file(path, &d), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
	assert_int_equal(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, pass, GNUTLS_PKCS_PBES2_AES_256, &pem), 0);
	write_tmp(out, pem.data, pem.size);
	gnutls_free(pem.data);
	gnutls_x509_privkey_deinit(key);
	gnutls_free(d.data);
}

/* ---- the table ---- */

struct row {
	const char *name;
	const char *cert, *key, *p12, *pass, *ca_file, *ca_path;
	bool system;
	time_t now;                      /* 0: NOW */
	enum credcheck_code codes[MAXF];
	size_t ncodes;
	const char *sentence;            /* the first finding's sentence exactly, or NULL */
	const char *contains;            /* a text the first finding's sentence holds, or NULL */
	const char *missing;             /* the first finding's missing_issuer, or NULL */
};

#define INTERMEDIATE_DN "CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)"
#define HOLDS_ONLY "holds only 'CN=Demo Client', not the intermediate 'CN=tlsladder Demo Intermediate CA' that issued it; " \
		   "servers that trust only the root will reject it."

static const struct row rows[] = {
	{ .name = "good chain", .cert = "client-chain.pem", .key = "client.key", .ca_file = "root-ca.pem" },
	{ .name = "leaf alone, intermediate in the CA file", .cert = "client.pem", .key = "client.key",
	  .ca_file = "T:bundle.pem", .codes = { CREDCHECK_CHAIN_INCOMPLETE }, .ncodes = 1,
	  .sentence = "The certificate file " HOLDS_ONLY, .missing = INTERMEDIATE_DN },
	/* the intermediate is found nowhere locally: nothing can be said (the server may hold it) */
	{ .name = "leaf alone, root only", .cert = "client.pem", .key = "client.key", .ca_file = "root-ca.pem" },
	{ .name = "leaf alone, intermediate in the CA directory", .cert = "client.pem", .key = "client.key", .ca_path = ".",
	  .codes = { CREDCHECK_CHAIN_INCOMPLETE }, .ncodes = 1, .sentence = "The certificate file " HOLDS_ONLY,
	  .missing = INTERMEDIATE_DN },
	/* the demo intermediate is in no system store */
	{ .name = "leaf alone, system store", .cert = "client.pem", .key = "client.key", .system = true },
	/* a leaf issued by a root directly: nothing is missing */
	{ .name = "leaf of a root", .cert = "client-other-ca.pem", .key = "client-other-ca.key", .ca_file = "other-ca.pem" },
	{ .name = "expired", .cert = "client-expired-chain.pem", .key = "client-expired.key", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_EXPIRED }, .ncodes = 1,
	  .sentence = "The client certificate 'CN=Demo Client (expired)' expired on 2021-01-01, 1612 days ago." },
	{ .name = "not yet valid", .cert = "client-chain.pem", .key = "client.key", .ca_file = "root-ca.pem", .now = Y2019,
	  .codes = { CREDCHECK_NOT_YET_VALID }, .ncodes = 1,
	  .sentence = "The client certificate 'CN=Demo Client' is not valid until 2024-01-01, 1826 days from now." },
	{ .name = "no clientAuth", .cert = "client-no-clientauth-chain.pem", .key = "client-no-clientauth.key",
	  .codes = { CREDCHECK_WRONG_USAGE }, .ncodes = 1,
	  .sentence = "The client certificate 'CN=Demo Client (no clientAuth)' is not meant for TLS clients: its extended "
		      "key usage lists serverAuth but not clientAuth." },
	/* an intermediate as the client certificate: no EKU (any purpose), key usage without digitalSignature */
	{ .name = "a CA as client", .cert = "intermediate-ca.pem", .key = "intermediate-ca.key", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_WRONG_USAGE }, .ncodes = 1,
	  .contains = "its key usage (keyCertSign, cRLSign) lacks digitalSignature" },
	{ .name = "key mismatch", .cert = "client-chain.pem", .key = "server-ecdsa.key", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_KEY_MISMATCH }, .ncodes = 1, .contains = "does not belong to the client certificate "
								      "'CN=Demo Client': their public keys differ." },
	{ .name = "p12", .p12 = "client.p12", .pass = "demo", .ca_file = "root-ca.pem" },
	{ .name = "p12 wrong password", .p12 = "client.p12", .pass = "nope", .codes = { CREDCHECK_UNREADABLE }, .ncodes = 1,
	  .contains = "does not open with the password given." },
	{ .name = "p12 without key", .p12 = "T:nokey.p12", .pass = "demo", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_P12_NO_KEY }, .ncodes = 1, .contains = "holds the certificate 'CN=Demo Client' but no "
								      "private key" },
	{ .name = "p12 with two keys", .p12 = "T:twokeys.p12", .pass = "demo", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_P12_SEVERAL_KEYS }, .ncodes = 1, .contains = "holds 2 private keys" },
	{ .name = "p12 with the wrong key first", .p12 = "T:wrongkey.p12", .pass = "demo", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_P12_SEVERAL_KEYS, CREDCHECK_KEY_MISMATCH }, .ncodes = 2 },
	{ .name = "p12 leaf alone", .p12 = "T:leafonly.p12", .pass = "demo", .ca_file = "T:bundle.pem",
	  .codes = { CREDCHECK_CHAIN_INCOMPLETE }, .ncodes = 1, .sentence = "The PKCS#12 file " HOLDS_ONLY,
	  .missing = INTERMEDIATE_DN },
	{ .name = "no such certificate file", .cert = "T:absent.pem", .key = "client.key", .codes = { CREDCHECK_UNREADABLE },
	  .ncodes = 1, .contains = "cannot be read: No such file or directory." },
	{ .name = "not a certificate", .cert = "README.md", .key = "client.key", .codes = { CREDCHECK_UNREADABLE },
	  .ncodes = 1, .contains = "cannot be used: it holds no certificate, neither PEM nor DER." },
	/* the key cannot be read, the certificate is still checked */
	{ .name = "not a key", .cert = "client-expired-chain.pem", .key = "client.pem",
	  .codes = { CREDCHECK_UNREADABLE, CREDCHECK_EXPIRED }, .ncodes = 2, .contains = "cannot be used: it holds no private key." },
	{ .name = "encrypted key", .cert = "client-chain.pem", .key = "T:encrypted.key", .codes = { CREDCHECK_UNREADABLE },
	  .ncodes = 1, .contains = "cannot be used: the key is encrypted, and an unencrypted key is needed." },
	{ .name = "RSA 1024", .cert = "client-weak-key-chain.pem", .key = "client-weak-key.key", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_WEAK_KEY }, .ncodes = 1,
	  .sentence = "The client certificate 'CN=Demo Client (RSA 1024)' has a 1024-bit RSA key. OpenSSL's default "
		      "security level 2, used by Debian, Ubuntu and RHEL, refuses RSA and DSA keys under 2048 bits, so "
		      "servers there reject it ('EE certificate key too weak' in their log)." },
	{ .name = "SHA-1 signature", .cert = "client-sha1-chain.pem", .key = "client-sha1.key", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_WEAK_SIGNATURE }, .ncodes = 1,
	  .sentence = "The client certificate 'CN=Demo Client (SHA-1 signature)' is signed with SHA-1 (ECDSA-SHA1) by "
		      "'" INTERMEDIATE_DN "'. OpenSSL's default security level 2, used by Debian, Ubuntu and RHEL, "
		      "refuses SHA-1 and MD5 signatures on every certificate but the trust anchor, so servers there "
		      "reject it ('CA signature digest algorithm too weak' in their log)." },
	{ .name = "Ed25519", .cert = "client-ed25519-chain.pem", .key = "client-ed25519.key", .ca_file = "root-ca.pem",
	  .codes = { CREDCHECK_KEY_TYPE_RARE }, .ncodes = 1,
	  .sentence = "Warning: the client certificate 'CN=Demo Client (Ed25519)' has an Ed25519 key. Many servers do "
		      "not accept Ed25519 or Ed448 client keys: their CertificateRequest lists only RSA and ECDSA "
		      "signature schemes." },
	{ .name = "not a p12", .p12 = "client.pem", .pass = "demo", .codes = { CREDCHECK_UNREADABLE }, .ncodes = 1,
	  .contains = "is not a PKCS#12 file GnuTLS can read: it is neither DER nor PEM PKCS#12 data." },
};

/* Fails if s holds a terminal control byte or a raw U+202E. */
static void assert_inert(const char *s, const char *what)
{
	for (size_t i = 0; s[i]; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b < 0x20 || b == 0x7f)
			fail_msg("%s: raw byte 0x%02x at offset %zu in \"%s\"", what, b, i, s);
		if (b == 0xe2 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0xae)
			fail_msg("%s: raw U+202E at offset %zu", what, i);
	}
}

/* Runs one row and compares. */
static void run_row(const struct row *r)
{
	char cert[PATH_MAX + 64], key[PATH_MAX + 64], p12[PATH_MAX + 64], ca[PATH_MAX + 64], dir[PATH_MAX + 64];
	struct credcheck_input in = {
		.cert_file = path_of(r->cert, cert, sizeof cert),
		.key_file = path_of(r->key, key, sizeof key),
		.p12_file = path_of(r->p12, p12, sizeof p12),
		.p12_password = r->pass,
		.ca_file = path_of(r->ca_file, ca, sizeof ca),
		.ca_path = path_of(r->ca_path, dir, sizeof dir),
		.system_trust = r->system,
		.now = r->now ? r->now : NOW,
	};
	struct credcheck_finding f[MAXF];
	size_t n = credcheck_run(&in, f, MAXF);

	for (size_t i = 0; i < n; i++) {
		print_message("  %s: %s: %s | %s%s%s\n", r->name, credcheck_code_name(f[i].code), f[i].sentence, f[i].fix,
			      f[i].missing_issuer[0] ? " | missing: " : "", f[i].missing_issuer);
		assert_inert(f[i].sentence, r->name);
		assert_inert(f[i].fix, r->name);
		assert_inert(f[i].missing_issuer, r->name);
		assert_true(f[i].fix[0] != '\0');
		assert_true(f[i].code == CREDCHECK_CHAIN_INCOMPLETE ? f[i].missing_issuer[0] != '\0'
								    : f[i].missing_issuer[0] == '\0');
	}
	if (n != r->ncodes)
		fail_msg("%s: %zu findings, expected %zu", r->name, n, r->ncodes);
	for (size_t i = 0; i < n; i++)
		if (f[i].code != r->codes[i])
			fail_msg("%s: finding %zu is %s, expected %s", r->name, i, credcheck_code_name(f[i].code),
				 credcheck_code_name(r->codes[i]));
	if (r->sentence)
		assert_string_equal(f[0].sentence, r->sentence);
	if (r->contains && !strstr(f[0].sentence, r->contains))
		fail_msg("%s: \"%s\" does not hold \"%s\"", r->name, f[0].sentence, r->contains);
	if (r->missing)
		assert_string_equal(f[0].missing_issuer, r->missing);
}

/* The typed facts of the strength findings: which certificate, which key, which hash. */
static void strength_facts(void **state)
{
	char cert[PATH_MAX + 64], key[PATH_MAX + 64];
	struct credcheck_input in = { .now = NOW };
	struct credcheck_finding f[MAXF];

	(void)state;
	in.cert_file = path_of("client-weak-key-chain.pem", cert, sizeof cert);
	in.key_file = path_of("client-weak-key.key", key, sizeof key);
	assert_int_equal(credcheck_run(&in, f, MAXF), 1);
	assert_int_equal(f[0].depth, 0);
	assert_int_equal(f[0].key, TL_KEY_RSA);
	assert_int_equal(f[0].key_bits, 1024);
	assert_string_equal(credcheck_code_name(f[0].code), "client-cert-weak-key");
	in.cert_file = path_of("client-sha1-chain.pem", cert, sizeof cert);
	in.key_file = path_of("client-sha1.key", key, sizeof key);
	assert_int_equal(credcheck_run(&in, f, MAXF), 1);
	assert_int_equal(f[0].depth, 0);
	assert_true(f[0].sha1);
	assert_string_equal(credcheck_code_name(f[0].code), "client-cert-weak-signature");
	in.cert_file = path_of("client-ed25519-chain.pem", cert, sizeof cert);
	in.key_file = path_of("client-ed25519.key", key, sizeof key);
	assert_int_equal(credcheck_run(&in, f, MAXF), 1);
	assert_int_equal(f[0].key, TL_KEY_ED25519);
	assert_string_equal(credcheck_code_name(f[0].code), "client-key-type-warning");
}

/* Every row of the table. */
static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		run_row(&rows[i]);
}

/* The stable code names; max bounds the findings; nothing configured: nothing found. */
static void names_and_limits(void **state)
{
	static const char *const names[] = {
		"client-key-mismatch",          "client-cert-expired", "client-cert-not-yet-valid", "client-cert-wrong-usage",
		"client-cert-chain-incomplete", "client-p12-no-key",   "client-p12-several-keys",   "client-cert-unreadable",
	};
	char cert[PATH_MAX + 64], key[PATH_MAX + 64];
	struct credcheck_input in = { 0 };
	struct credcheck_finding f[1];

	(void)state;
	for (int c = CREDCHECK_KEY_MISMATCH; c <= CREDCHECK_UNREADABLE; c++)
		assert_string_equal(credcheck_code_name((enum credcheck_code)c), names[c]);
	assert_int_equal(credcheck_run(NULL, f, 1), 0);
	assert_int_equal(credcheck_run(&in, f, 1), 0);
	/* "not a key": two findings, room for one */
	in.cert_file = path_of("client-expired-chain.pem", cert, sizeof cert);
	in.key_file = path_of("client.pem", key, sizeof key);
	in.now = NOW;
	assert_int_equal(credcheck_run(&in, f, 1), 1);
	assert_int_equal(f[0].code, CREDCHECK_UNREADABLE);
	assert_int_equal(credcheck_run(&in, NULL, 0), 0);
	/* no key file: the key check is skipped */
	in.cert_file = path_of("client-chain.pem", cert, sizeof cert);
	in.key_file = NULL;
	assert_int_equal(credcheck_run(&in, f, 1), 0);
}

/* ---- hostile names ---- */

/* ESC (with a CSI and an OSC), BEL, CR, LF, DEL and U+202E. */
static const char hostile_cn[] = "evil\x1b[2J\x1b]0;pwned\x07" "A\rB\nC\x7f" "D\xe2\x80\xae" "gnp.exe";
static const char hostile_o[] = "Org\x1b[31mRED\x07\r\n\x7f\xe2\x80\xae" "end";

struct made {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
};

/* Makes a certificate with the hostile subject, signed by issuer (NULL: self-signed); a leaf is expired and for servers only. */
static void make_cert(struct made *m, const struct made *issuer, bool ca, unsigned char serial_byte)
{
	uint8_t serial[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, serial_byte };

	assert_int_equal(gnutls_x509_privkey_init(&m->key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(m->key, GNUTLS_PK_ECDSA,
						      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&m->crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(m->crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(m->crt, serial, sizeof serial), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(m->crt, NOW - 400 * 86400), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(m->crt, ca ? NOW + 400 * 86400 : NOW - 30 * 86400), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(m->crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, hostile_o,
						       sizeof hostile_o - 1), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(m->crt, GNUTLS_OID_X520_COMMON_NAME, 0, hostile_cn,
						       sizeof hostile_cn - 1), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(m->crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
						       ca ? (issuer ? "intermediate" : "root") : "leaf",
						       ca ? (issuer ? 12 : 4) : 4), 0);
	assert_int_equal(gnutls_x509_crt_set_key(m->crt, m->key), 0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(m->crt, ca, -1), 0);
	assert_int_equal(gnutls_x509_crt_set_key_usage(m->crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE), 0);
	if (!ca)
		assert_int_equal(gnutls_x509_crt_set_key_purpose_oid(m->crt, GNUTLS_KP_TLS_WWW_SERVER, 0), 0);
	assert_int_equal(gnutls_x509_crt_sign2(m->crt, issuer ? issuer->crt : m->crt, issuer ? issuer->key : m->key,
					       GNUTLS_DIG_SHA256, 0), 0);
}

/* Writes a made certificate (PEM) to T:name. */
static void write_made(const struct made *m, const char *name)
{
	gnutls_datum_t pem;

	assert_int_equal(gnutls_x509_crt_export2(m->crt, GNUTLS_X509_FMT_PEM, &pem), 0);
	write_tmp(name, pem.data, pem.size);
	gnutls_free(pem.data);
}

/* Frees a made certificate. */
static void unmake(struct made *m)
{
	gnutls_x509_crt_deinit(m->crt);
	gnutls_x509_privkey_deinit(m->key);
}

/* A hostile chain: every sentence names the certificates, escaped; nothing raw comes through. */
static void hostile(void **state)
{
	struct made root, mid, leaf;
	char cert[PATH_MAX + 64], key[PATH_MAX + 64], ca[PATH_MAX + 64], bad[PATH_MAX + 64];
	struct credcheck_finding f[MAXF];
	struct credcheck_input in = { 0 };
	size_t n;
	static const enum credcheck_code want[] = { CREDCHECK_KEY_MISMATCH, CREDCHECK_EXPIRED, CREDCHECK_WRONG_USAGE,
						     CREDCHECK_CHAIN_INCOMPLETE };

	(void)state;
	make_cert(&root, NULL, true, 1);
	make_cert(&mid, &root, true, 2);
	make_cert(&leaf, &mid, false, 3);
	write_made(&leaf, "hostile-leaf.pem");
	write_made(&mid, "hostile-mid.pem");
	in.cert_file = path_of("T:hostile-leaf.pem", cert, sizeof cert);
	in.key_file = path_of("server-ecdsa.key", key, sizeof key);        /* not the leaf's key */
	in.ca_file = path_of("T:hostile-mid.pem", ca, sizeof ca);
	in.now = NOW;
	n = credcheck_run(&in, f, MAXF);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		print_message("  hostile: %s: %s | %s | %s\n", credcheck_code_name(f[i].code), f[i].sentence, f[i].fix,
			      f[i].missing_issuer);
		assert_int_equal(f[i].code, want[i]);
		assert_inert(f[i].sentence, "hostile sentence");
		assert_inert(f[i].fix, "hostile fix");
		assert_inert(f[i].missing_issuer, "hostile missing issuer");
		/* the name is there, escaped (GnuTLS writes the ';' as "\\;", RFC 4514) */
		assert_non_null(strstr(f[i].sentence, "'CN=evil\\x1B[2J\\x1B]0\\\\;pwned\\x07A\\rB\\nC\\x7FD\\u{202E}gnp.exe'"));
	}
	assert_non_null(strstr(f[1].sentence, "expired on 2025-05-02, 30 days ago."));
	assert_non_null(strstr(f[3].missing_issuer, "\\x1B[31mRED\\x07\\r\\n\\x7F\\u{202E}end"));
	assert_non_null(strstr(f[3].missing_issuer, "OU=intermediate"));

	/* a hostile path */
	snprintf(bad, sizeof bad, "%s/no\x1b[2Jsuch\r\n.pem", tmpdir);
	in.cert_file = bad;
	n = credcheck_run(&in, f, MAXF);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].code, CREDCHECK_UNREADABLE);
	assert_inert(f[0].sentence, "hostile path");
	assert_non_null(strstr(f[0].sentence, "no\\x1B[2Jsuch\\r\\n.pem"));
	unmake(&leaf);
	unmake(&mid);
	unmake(&root);
}

/* ---- setup ---- */

/* Finds the demo certificates, starts GnuTLS, makes the temporary files. */
static int setup(void **state)
{
	struct tl_error err;
	char *bundle = NULL;
	size_t len = 0;
	static const char *const one[] = { "client.key" };
	static const char *const two[] = { "client.key", "server-ecdsa.key" };
	static const char *const wrong_first[] = { "server-ecdsa.key", "client.key" };

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	if (session_global_init(&err) < 0 || !mkdtemp(tmpdir))
		return -1;
	cat_cert_file("root-ca.pem", &bundle, &len);
	cat_cert_file("intermediate-ca.pem", &bundle, &len);
	write_tmp("bundle.pem", bundle, len);
	free(bundle);
	make_p12("nokey.p12", "client-chain.pem", NULL, 0, "demo");
	make_p12("twokeys.p12", "client-chain.pem", two, 2, "demo");
	make_p12("wrongkey.p12", "client-chain.pem", wrong_first, 2, "demo");
	make_p12("leafonly.p12", "client.pem", one, 1, "demo");
	make_encrypted_key("encrypted.key", "client.key", "demo");
	return 0;
}

/* Removes the temporary files, stops GnuTLS. */
static int teardown(void **state)
{
	static const char *const files[] = { "bundle.pem",   "nokey.p12",        "twokeys.p12",    "wrongkey.p12",
					     "leafonly.p12", "hostile-leaf.pem", "hostile-mid.pem", "encrypted.key" };
	char path[PATH_MAX + 64];

	(void)state;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
	session_global_deinit();
	return 0;
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(strength_facts),
		cmocka_unit_test(names_and_limits),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
