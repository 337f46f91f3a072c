/*
 * test_crlcheck.c: the pre-flight check of a client's chain against CRL
 * files (--crl), through credcheck_run's GnuTLS-free header, over the demo
 * PKI (certs/client-revoked*, certs/intermediate-ca.crl, certs/demo-crls.pem)
 * and CRLs made at test time in a temporary directory: DER, stale, forged
 * (signed by another key under the intermediate's name), and one from the
 * root that revokes the intermediate.
 *
 * The clock is fixed at 2025-06-01 00:00:00 UTC, so the day counts in the
 * sentences are exact. This test builds CRLs, so it includes GnuTLS itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tlsladder/credcheck.h"
#include "tlsladder/paths.h"

#define NOW ((time_t)1748736000)        /* 2025-06-01 00:00:00 UTC */
#define Y2024 ((time_t)1704067200)      /* 2024-01-01 00:00:00 UTC */
#define Y2025 ((time_t)1735689600)      /* 2025-01-01 00:00:00 UTC */
#define Y2049 ((time_t)2524607999)      /* 2049-12-31 23:59:59 UTC */
#define REVOKED_AT ((time_t)1717200000) /* 2024-06-01 00:00:00 UTC */
#define MAXF CREDCHECK_MAX_FINDINGS

static char certs[PATH_MAX];
static char tmpdir[] = "/tmp/tlsladder-crlcheck-XXXXXX";

#define LEAF_DN "'CN=Demo Client (revoked),O=tlsladder demo (DEMO ONLY)'"
#define LEAF_SERIAL "38:40:c3:05:d2:bc:18:87:3a:49:48:66:35:b4:2a:31:b4:08:24:6e"
#define INTER_DN "'CN=tlsladder Demo Intermediate CA,O=tlsladder demo (DEMO ONLY)'"
#define ROOT_DN "'CN=tlsladder Demo Root CA,O=tlsladder demo (DEMO ONLY)'"
#define FIX_LEAF "Ask the CA for a new client certificate (with a new key if the old one may have leaked): a revoked " \
		 "certificate stays revoked."

/* ---- files ---- */

/* certs/<name>, or "T:name" in the temporary directory, into buf. */
static const char *path_of(const char *name, char *buf, size_t n)
{
	if (strncmp(name, "T:", 2) == 0)
		snprintf(buf, n, "%s/%s", tmpdir, name + 2);
	else
		snprintf(buf, n, "%s/%s", certs, name);
	return buf;
}

/* Loads a certificate of the demo PKI. */
static gnutls_x509_crt_t load_crt(const char *name)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t d;
	gnutls_x509_crt_t crt;

	assert_int_equal(gnutls_load_file(path_of(name, path, sizeof path), &d), 0);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
	gnutls_free(d.data);
	return crt;
}

/* Loads a key of the demo PKI. */
static gnutls_x509_privkey_t load_key(const char *name)
{
	char path[PATH_MAX + 64];
	gnutls_datum_t d;
	gnutls_x509_privkey_t key;

	assert_int_equal(gnutls_load_file(path_of(name, path, sizeof path), &d), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM), 0);
	gnutls_free(d.data);
	return key;
}

/* Writes a CRL signed by (iss, key), revoking rev (or nothing), to name in the temporary directory. */
static void make_crl(const char *name, gnutls_x509_crt_t iss, gnutls_x509_privkey_t key, gnutls_x509_crt_t rev,
		     time_t next, gnutls_x509_crt_fmt_t fmt)
{
	char path[PATH_MAX + 64];
	gnutls_x509_crl_t crl;
	gnutls_datum_t out;
	FILE *f;

	assert_int_equal(gnutls_x509_crl_init(&crl), 0);
	assert_int_equal(gnutls_x509_crl_set_version(crl, 2), 0);
	assert_int_equal(gnutls_x509_crl_set_this_update(crl, Y2024), 0);
	assert_int_equal(gnutls_x509_crl_set_next_update(crl, next), 0);
	if (rev)
		assert_int_equal(gnutls_x509_crl_set_crt(crl, rev, REVOKED_AT), 0);
	assert_int_equal(gnutls_x509_crl_sign2(crl, iss, key, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crl_export2(crl, fmt, &out), 0);
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out.data, 1, out.size, f), out.size);
	fclose(f);
	gnutls_free(out.data);
	gnutls_x509_crl_deinit(crl);
}

/* A self-signed CA certificate with the intermediate's name but another key (a forger's). */
static gnutls_x509_crt_t forger(gnutls_x509_privkey_t key)
{
	gnutls_x509_crt_t crt;
	static const unsigned char serial[] = { 0x42 };

	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
						       "tlsladder demo (DEMO ONLY)", 26), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
						       "tlsladder Demo Intermediate CA", 30), 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, serial, sizeof serial), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, Y2024), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, Y2049), 0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(crt, 1, -1), 0);
	assert_int_equal(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), 0);
	return crt;
}

/* ---- running ---- */

/* Runs the checks on cert/key with the CRL files crl (NULL-terminated) and ca (NULL: none). */
static size_t run(const char *cert, const char *key, const char *const *crl, const char *ca,
		  struct credcheck_finding *out)
{
	char cp[PATH_MAX + 64], kp[PATH_MAX + 64], ap[PATH_MAX + 64], fp[4][PATH_MAX + 64];
	const char *files[4];
	struct credcheck_input in;
	size_t n = 0;

	memset(&in, 0, sizeof in);
	in.cert_file = path_of(cert, cp, sizeof cp);
	in.key_file = path_of(key, kp, sizeof kp);
	in.ca_file = ca ? path_of(ca, ap, sizeof ap) : NULL;
	in.now = NOW;
	while (crl && crl[n] && n < 4) {
		files[n] = path_of(crl[n], fp[n], sizeof fp[n]);
		n++;
	}
	in.crl_files = files;
	in.ncrl = n;
	return credcheck_run(&in, out, MAXF);
}

/* The sentence of the leaf revoked by the intermediate, its CRL in file (a name as for path_of). */
static void leaf_sentence(char *buf, size_t n, const char *file, const char *tail)
{
	char p[PATH_MAX + 64];

	snprintf(buf, n, "The client certificate " LEAF_DN " (serial " LEAF_SERIAL ") was revoked on 2024-06-01: the CRL "
		 "of " INTER_DN " (%s, issued 2024-01-01) lists it%s.", path_of(file, p, sizeof p), tail);
}

/* ---- tests ---- */

/* The demo's revoked client, the intermediate's CRL: one finding, the certificate named. */
static void revoked_leaf(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "intermediate-ca.crl", NULL };
	char want[PATH_MAX + 600];

	(void)state;
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", crl, "root-ca.pem", f), 1);
	assert_int_equal(f[0].code, CREDCHECK_REVOKED);
	assert_string_equal(credcheck_code_name(f[0].code), "client-cert-revoked");
	leaf_sentence(want, sizeof want, "intermediate-ca.crl", "");
	assert_string_equal(f[0].sentence, want);
	assert_string_equal(f[0].fix, FIX_LEAF);
}

/* A good certificate against both CRLs: nothing. No CRL at all: nothing. */
static void good_leaf(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "intermediate-ca.crl", "demo-crls.pem", NULL };

	(void)state;
	assert_int_equal(run("client-chain.pem", "client.key", crl, "root-ca.pem", f), 0);
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", NULL, "root-ca.pem", f), 0);
}

/* Two CRLs in one PEM file (nginx's ssl_crl file): the one that lists it is found. */
static void several_in_one_file(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "demo-crls.pem", NULL };
	char want[PATH_MAX + 600];

	(void)state;
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", crl, "root-ca.pem", f), 1);
	leaf_sentence(want, sizeof want, "demo-crls.pem", "");
	assert_string_equal(f[0].sentence, want);
}

/* A DER CRL. */
static void der_file(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "T:inter.der", NULL };
	gnutls_x509_crt_t iss = load_crt("intermediate-ca.pem"), rev = load_crt("client-revoked.pem");
	gnutls_x509_privkey_t key = load_key("intermediate-ca.key");
	char want[PATH_MAX + 600];

	(void)state;
	make_crl("inter.der", iss, key, rev, Y2049, GNUTLS_X509_FMT_DER);
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", crl, "root-ca.pem", f), 1);
	leaf_sentence(want, sizeof want, "T:inter.der", "");
	assert_string_equal(f[0].sentence, want);
	gnutls_x509_crt_deinit(iss);
	gnutls_x509_crt_deinit(rev);
	gnutls_x509_privkey_deinit(key);
}

/* A stale CRL still counts, and is named stale first. */
static void stale_crl(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "T:stale.crl", NULL };
	gnutls_x509_crt_t iss = load_crt("intermediate-ca.pem"), rev = load_crt("client-revoked.pem");
	gnutls_x509_privkey_t key = load_key("intermediate-ca.key");
	char want[PATH_MAX + 600], p[PATH_MAX + 64];

	(void)state;
	make_crl("stale.crl", iss, key, rev, Y2025, GNUTLS_X509_FMT_PEM);
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", crl, "root-ca.pem", f), 2);
	assert_int_equal(f[0].code, CREDCHECK_CRL_STALE);
	assert_string_equal(credcheck_code_name(f[0].code), "crl-stale");
	snprintf(want, sizeof want, "The CRL of " INTER_DN " in %s is stale: its next update was due on 2025-01-01, 151 "
		 "days ago.", path_of("T:stale.crl", p, sizeof p));
	assert_string_equal(f[0].sentence, want);
	assert_string_equal(f[0].fix, "Fetch the CA's current CRL: servers check against a newer one, which may say otherwise.");
	assert_int_equal(f[1].code, CREDCHECK_REVOKED);
	gnutls_x509_crt_deinit(iss);
	gnutls_x509_crt_deinit(rev);
	gnutls_x509_privkey_deinit(key);
}

/* A CRL under the intermediate's name, signed by another key: named, and not used. */
static void forged_crl(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "T:forged.crl", NULL };
	gnutls_x509_privkey_t key = load_key("other-ca.key");
	gnutls_x509_crt_t iss = forger(key), rev = load_crt("client-revoked.pem");
	char want[PATH_MAX + 600], p[PATH_MAX + 64];

	(void)state;
	make_crl("forged.crl", iss, key, rev, Y2049, GNUTLS_X509_FMT_PEM);
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", crl, "root-ca.pem", f), 1);
	assert_int_equal(f[0].code, CREDCHECK_CRL_INVALID);
	assert_string_equal(credcheck_code_name(f[0].code), "crl-invalid");
	snprintf(want, sizeof want, "The CRL of " INTER_DN " in %s does not verify under that CA's key, so it was not "
		 "used.", path_of("T:forged.crl", p, sizeof p));
	assert_string_equal(f[0].sentence, want);
	gnutls_x509_crt_deinit(iss);
	gnutls_x509_crt_deinit(rev);
	gnutls_x509_privkey_deinit(key);
}

/* The leaf alone and no CA file: the CRL's issuer is not at hand, so its signature was not checked; it says so. */
static void unchecked_signature(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "intermediate-ca.crl", NULL };
	char want[PATH_MAX + 600];

	(void)state;
	assert_int_equal(run("client-revoked.pem", "client-revoked.key", crl, NULL, f), 1);
	leaf_sentence(want, sizeof want, "intermediate-ca.crl",
		      "; the CRL's signature was not checked (its CA is in neither the chain nor the CA file)");
	assert_string_equal(f[0].sentence, want);
}

/* The root's CRL revokes the intermediate: the intermediate is named. */
static void revoked_intermediate(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "T:root.crl", "intermediate-ca.crl", NULL };
	gnutls_x509_crt_t iss = load_crt("root-ca.pem"), rev = load_crt("intermediate-ca.pem");
	gnutls_x509_privkey_t key = load_key("root-ca.key");
	unsigned char serial[64];
	size_t slen = sizeof serial;
	char want[PATH_MAX + 800], p[PATH_MAX + 64], ser[200] = "";

	(void)state;
	make_crl("root.crl", iss, key, rev, Y2049, GNUTLS_X509_FMT_PEM);
	assert_int_equal(gnutls_x509_crt_get_serial(rev, serial, &slen), 0);
	for (size_t i = 0; i < slen; i++)
		snprintf(ser + strlen(ser), sizeof ser - strlen(ser), "%s%02x", i ? ":" : "", serial[i]);
	assert_int_equal(run("client-chain.pem", "client.key", crl, "root-ca.pem", f), 1);
	assert_int_equal(f[0].code, CREDCHECK_REVOKED);
	snprintf(want, sizeof want, "The intermediate CA certificate " INTER_DN " (serial %s) in the client's chain was "
		 "revoked on 2024-06-01: the CRL of " ROOT_DN " (%s, issued 2024-01-01) lists it, so servers that check "
		 "revocation refuse what it issued.", ser, path_of("T:root.crl", p, sizeof p));
	assert_string_equal(f[0].sentence, want);
	assert_string_equal(f[0].fix, "Ask the CA for a client certificate issued under a CA certificate that is not "
				      "revoked, and send that chain.");
	gnutls_x509_crt_deinit(iss);
	gnutls_x509_crt_deinit(rev);
	gnutls_x509_privkey_deinit(key);
}

/* A CRL file that cannot be read is skipped here (the endpoint refuses it, exit 5); the others still count. */
static void unreadable_skipped(void **state)
{
	struct credcheck_finding f[MAXF];
	const char *crl[] = { "T:none.crl", "root-ca.pem", "intermediate-ca.crl", NULL };

	(void)state;
	assert_int_equal(run("client-revoked-chain.pem", "client-revoked.key", crl, "root-ca.pem", f), 1);
	assert_int_equal(f[0].code, CREDCHECK_REVOKED);
}

/* Finds the demo certificates and makes the temporary directory. */
static int setup(void **state)
{
	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs) || !mkdtemp(tmpdir))
		return -1;
	return gnutls_global_init() < 0 ? -1 : 0;
}

/* Removes the temporary directory. */
static int teardown(void **state)
{
	static const char *const names[] = { "inter.der", "stale.crl", "forged.crl", "root.crl" };
	char p[PATH_MAX + 64];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
	gnutls_global_deinit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(revoked_leaf),        cmocka_unit_test(good_leaf),
		cmocka_unit_test(several_in_one_file), cmocka_unit_test(der_file),
		cmocka_unit_test(stale_crl),           cmocka_unit_test(forged_crl),
		cmocka_unit_test(unchecked_signature), cmocka_unit_test(revoked_intermediate),
		cmocka_unit_test(unreadable_skipped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
