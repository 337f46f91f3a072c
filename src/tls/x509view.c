/*
 * x509view.c: certificates as field trees, and the chain view (see
 * x509view.h).
 *
 * x509view_cert() writes one node per field of a certificate, read
 * through x509facts.c; the chain views render a judgement of
 * x509chain.c with chain_tree() and chain_words() (core/chain.c). Tree
 * values hold the certificate's bytes raw; tree_print() and the UI
 * sanitize them.
 */
#include "x509_internal.h"
#include "tlsladder/x509view.h"
#include "tlsladder/chain.h"
#include "tlsladder/decode.h"
#include "tlsladder/sanitize.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds one SAN to a tree node (the san_each callback of the certificate view). */
static void san_to_tree(void *ctx, unsigned type, const gnutls_datum_t *san, const gnutls_datum_t *oid)
{
	struct tree_node *parent = ctx;
	char buf[128];
	char *v = NULL;

	switch (type) {
	case GNUTLS_SAN_DNSNAME:
		v = x509facts_str(san->data, san->size);
		tree_add(parent, "DNS", v);
		break;
	case GNUTLS_SAN_RFC822NAME:
		v = x509facts_str(san->data, san->size);
		tree_add(parent, "email", v);
		break;
	case GNUTLS_SAN_URI:
		v = x509facts_str(san->data, san->size);
		tree_add(parent, "URI", v);
		break;
	case GNUTLS_SAN_IPADDRESS:
		x509facts_ip_words(san, buf, sizeof buf);
		tree_add(parent, "IP", buf);
		break;
	case GNUTLS_SAN_DN: {
		gnutls_datum_t str = { NULL, 0 };
		if (gnutls_x509_rdn_get2(san, &str, 0) >= 0)
			v = x509facts_str(str.data, str.size);
		gnutls_free(str.data);
		tree_add(parent, "directory name", v ? v : "(cannot be read)");
		break;
	}
	case GNUTLS_SAN_REGISTERED_ID:
		v = x509facts_str(san->data, san->size);
		tree_add(parent, "registered ID", v);
		break;
	case GNUTLS_SAN_OTHERNAME: {
		char *o = x509facts_str(oid->data, oid->size);
		tree_addf(parent, "other name", "%s (%u bytes)", o ? o : "?", san->size);
		free(o);
		break;
	}
	default:
		tree_addf(parent, "name", "type %u, %u bytes", type, san->size);
		break;
	}
	free(v);
}

/* Adds the validity node with its two dates. */
static void add_validity(struct tree_node *root, gnutls_x509_crt_t crt, time_t now)
{
	char words[96], nb_s[40], na_s[40];
	time_t nb, na;
	enum x509facts_when w = x509facts_validity_words(crt, now, words, sizeof words, &nb, &na);
	struct tree_node *v = tree_add(root, "validity", words);

	tree_flag(v, w == X509FACTS_VALID ? TREE_GOOD : TREE_BAD);
	x509facts_time_words(nb, nb_s, sizeof nb_s);
	x509facts_time_words(na, na_s, sizeof na_s);
	tree_add(v, "not before", nb_s);
	tree_add(v, "not after", na_s);
}

/* Adds the subject alternative names. */
static void add_sans(struct tree_node *root, gnutls_x509_crt_t crt)
{
	struct tree_node *node = tree_add(root, "subject alt names", NULL);
	unsigned critical = 0;
	int count = x509facts_san_each(crt, &critical, san_to_tree, node);

	if (!node)
		return;
	if (count < 0)
		tree_flag(tree_add(node, "error", "the extension is malformed"), TREE_ERROR);
	if (count == 0 && node->nchildren == 0) {
		node->value = strdup("none");
		return;
	}
	{
		char v[64];
		snprintf(v, sizeof v, "%d name%s%s", count < 0 ? (int)node->nchildren : count, count == 1 ? "" : "s",
			 critical ? " (critical)" : "");
		node->value = strdup(v);
	}
}

/* Adds the public key: algorithm and size or curve. */
static void add_key(struct tree_node *root, gnutls_x509_crt_t crt)
{
	unsigned bits = 0;
	int algo = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	const char *name = algo >= 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)algo) : NULL;
	const char *curve_name = NULL;
	struct tree_node *node;

	if (algo == GNUTLS_PK_ECDSA || algo == GNUTLS_PK_EDDSA_ED25519 || algo == GNUTLS_PK_EDDSA_ED448 ||
	    algo == GNUTLS_PK_ECDH_X25519 || algo == GNUTLS_PK_ECDH_X448) {
		gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
		gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y) >= 0)
			curve_name = gnutls_ecc_curve_get_name(curve);
		gnutls_free(x.data);
		gnutls_free(y.data);
	}
	if (!name)
		name = "unknown";
	if (curve_name)
		node = tree_addf(root, "public key", "%s, curve %s (%u bits)", name, curve_name, bits);
	else
		node = tree_addf(root, "public key", "%s, %u bits", name, bits);
	tree_add(node, "algorithm", name);
	if (curve_name)
		tree_add(node, "curve", curve_name);
	tree_addf(node, "bits", "%u", bits);
}

/* Adds key usage. */
static void add_key_usage(struct tree_node *root, gnutls_x509_crt_t crt)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature" }, { GNUTLS_KEY_NON_REPUDIATION, "nonRepudiation" },
		{ GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment" },   { GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement" },         { GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign" },
		{ GNUTLS_KEY_CRL_SIGN, "cRLSign" },                   { GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly" },
		{ GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly" },
	};
	unsigned usage = 0, critical = 0;
	char buf[256] = "";
	int rc = gnutls_x509_crt_get_key_usage(crt, &usage, &critical);

	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
		tree_add(root, "key usage", "not present (any use)");
		return;
	}
	if (rc < 0) {
		tree_flag(tree_add(root, "key usage", "malformed"), TREE_ERROR);
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (usage & names[i].bit)
			x509facts_list_add(buf, sizeof buf, names[i].name);
	tree_addf(root, "key usage", "%s%s", buf[0] ? buf : "none", critical ? " (critical)" : "");
}

/* Adds extended key usage. */
static void add_eku(struct tree_node *root, gnutls_x509_crt_t crt)
{
	struct x509facts_eku e;

	x509facts_eku_read(crt, &e);
	if (!e.present)
		tree_add(root, "extended key usage", "not present (any purpose)");
	else
		tree_add(root, "extended key usage", e.names);
}

/* Adds basic constraints. */
static void add_basic_constraints(struct tree_node *root, gnutls_x509_crt_t crt)
{
	unsigned critical = 0, ca = 0;
	int pathlen = -1;
	int rc = gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca, &pathlen);
	struct tree_node *node;

	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
		tree_add(root, "basic constraints", "not present (not a CA)");
		return;
	}
	if (rc < 0) {
		tree_flag(tree_add(root, "basic constraints", "malformed"), TREE_ERROR);
		return;
	}
	if (ca && pathlen >= 0)
		node = tree_addf(root, "basic constraints", "CA, path length %d%s", pathlen, critical ? " (critical)" : "");
	else
		node = tree_addf(root, "basic constraints", "%s%s", ca ? "CA" : "not a CA", critical ? " (critical)" : "");
	tree_add(node, "CA", ca ? "TRUE" : "FALSE");
	if (ca && pathlen >= 0)
		tree_addf(node, "path length", "%d", pathlen);
	else if (ca)
		tree_add(node, "path length", "unlimited");
}

/* Adds the collapsed "full text" node: GnuTLS's full print, one child per line. */
static void add_full_text(struct tree_node *root, gnutls_x509_crt_t crt)
{
	gnutls_datum_t out = { NULL, 0 };
	struct tree_node *node;
	size_t start = 0;
	unsigned line = 0;

	if (gnutls_x509_crt_print(crt, GNUTLS_CRT_PRINT_FULL, &out) < 0) {
		tree_flag(tree_add(root, "full text", "GnuTLS could not print this certificate"), TREE_ERROR);
		return;
	}
	node = tree_flag(tree_add(root, "full text", NULL), TREE_COLLAPSED);
	while (node && start < out.size) {
		size_t end = start, tabs = 0;
		char label[16], *v, *ind;

		while (end < out.size && out.data[end] != '\n')
			end++;
		while (start + tabs < end && out.data[start + tabs] == '\t')
			tabs++;
		/* leading tabs become two spaces each, later ones one space */
		v = x509facts_str(out.data + start + tabs, end - start - tabs);
		for (char *t = v; t && *t; t++)
			if (*t == '\t')
				*t = ' ';
		ind = v ? malloc(tabs * 2 + strlen(v) + 1) : NULL;
		if (ind) {
			memset(ind, ' ', tabs * 2);
			strcpy(ind + tabs * 2, v);
			snprintf(label, sizeof label, "%u", ++line);
			tree_add(node, label, ind);
		}
		free(ind);
		free(v);
		start = end + 1;
	}
	if (node) {
		char v[32];
		snprintf(v, sizeof v, "%u lines", line);
		node->value = strdup(v);
	}
	gnutls_free(out.data);
}

/* Fills a certificate node with every field of crt. */
static void cert_fields(struct tree_node *root, gnutls_x509_crt_t crt, time_t now)
{
	char *subject = x509facts_dn(crt, false), *issuer = x509facts_dn(crt, true);
	uint8_t serial[128], fp[64];
	size_t sz = sizeof serial;
	char hex[400], buf[128];
	int version = gnutls_x509_crt_get_version(crt);

	free(root->value);
	root->value = subject ? strdup(subject) : NULL;
	if (version > 0)
		tree_addf(root, "version", "%d", version);
	if (gnutls_x509_crt_get_serial(crt, serial, &sz) >= 0) {
		x509facts_hex(hex, sizeof hex, serial, sz < sizeof serial ? sz : sizeof serial, ':', false);
		tree_add(root, "serial", hex);
	} else {
		tree_add(root, "serial", "(cannot be read)");
	}
	tree_add(root, "subject", subject);
	tree_add(root, "issuer", issuer);
	add_validity(root, crt, now);
	add_sans(root, crt);
	add_key(root, crt);
	add_key_usage(root, crt);
	add_eku(root, crt);
	add_basic_constraints(root, crt);
	tree_add(root, "signature algorithm", x509facts_sig_name(crt, buf, sizeof buf));
	sz = sizeof fp;
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &sz) >= 0 && sz <= sizeof fp) {
		x509facts_hex(hex, sizeof hex, fp, sz, ':', true);
		tree_add(root, "SHA-256 fingerprint", hex);
	}
	if (x509facts_spki_pin(crt, buf, sizeof buf))
		tree_addf(root, "SPKI pin", "pin-sha256:%s", buf);
	else
		tree_add(root, "SPKI pin", "(unavailable for this key type)");
	add_full_text(root, crt);
	free(subject);
	free(issuer);
}

/* Gives the fields this view wrote the bytes of the DER they come from (offsets from der[0]). */
static void add_ranges(struct tree_node *root, const uint8_t *der, size_t n)
{
	struct decode_cert_ranges cr;
	const struct {
		const char *path;
		const struct decode_range *range;
	} fields[] = {
		{ "version", &cr.version }, { "serial", &cr.serial }, { "subject", &cr.subject },
		{ "issuer", &cr.issuer }, { "validity", &cr.validity }, { "validity/not before", &cr.not_before },
		{ "validity/not after", &cr.not_after }, { "subject alt names", &cr.subject_alt_names },
		{ "public key", &cr.public_key }, { "key usage", &cr.key_usage },
		{ "extended key usage", &cr.ext_key_usage }, { "basic constraints", &cr.basic_constraints },
		{ "signature algorithm", &cr.signature_algorithm },
	};

	decode_cert_ranges(der, n, &cr);
	tree_range(root, 0, n);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].range->len > 0)
			tree_range(tree_find_mut(root, fields[i].path), fields[i].range->off, fields[i].range->len);
}

/* One certificate as a tree. */
struct tree_node *x509view_cert(const uint8_t *der, size_t n, time_t now)
{
	struct tree_node *root = tree_new("certificate", NULL);
	gnutls_x509_crt_t crt;
	int rc;

	if (!root)
		return NULL;
	rc = x509facts_from_der(der, n, &crt);
	if (rc < 0) {
		root->value = strdup("cannot be read");
		tree_flag(root, TREE_ERROR);
		tree_flag(tree_addf(root, "error", "malformed certificate (%zu bytes of DER): %s", n, gnutls_strerror(rc)),
			  TREE_ERROR);
		return root;
	}
	cert_fields(root, crt, now);
	gnutls_x509_crt_deinit(crt);
	add_ranges(root, der, n);
	return root;
}

/* Judges a chain into *c (see tls_internal.h): the judgement of x509chain.c, under the name session.c calls. */
void x509view_judge(struct chain_result *c, const gnutls_datum_t *peers, unsigned count,
		    const struct x509view_judge_in *in)
{
	x509chain_judge(c, peers, count, in);
}

/* The chain view. */
struct tree_node *x509view_chain(const uint8_t *const *ders, const size_t *lens, size_t count,
				 const struct x509view_trust *trust, const char *hostname, bool peer_is_server, time_t now)
{
	struct chain_result *c = malloc(sizeof *c);
	struct tree_node *t;

	if (!c)
		return NULL;
	x509chain_judge_files(c, ders, lens, count, trust, hostname, peer_is_server, now);
	t = chain_tree(c);
	free(c);
	return t;
}

/* The verdict line alone, sanitized. */
bool x509view_verdict(const uint8_t *const *ders, const size_t *lens, size_t count, const struct x509view_trust *trust,
		      const char *hostname, bool peer_is_server, time_t now, char *buf, size_t n)
{
	struct chain_result *c = malloc(sizeof *c);
	char raw[1400];
	bool ok;

	if (!c) {
		if (buf && n)
			snprintf(buf, n, "NOT trusted: out of memory");
		return false;
	}
	x509chain_judge_files(c, ders, lens, count, trust, hostname, peer_is_server, now);
	ok = chain_words(c, raw, sizeof raw);
	if (buf && n)
		sanitize_str(buf, n, raw);
	free(c);
	return ok;
}
