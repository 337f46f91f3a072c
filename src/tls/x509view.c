/*
 * x509view.c: certificates as field trees, and chain validation explained
 * link by link (see x509view.h).
 *
 * GnuTLS parses and verifies; this file asks it one question at a time
 * and writes each answer as a node (a certificate) or a typed field (a
 * chain: struct chain_result, rendered by core/chain.c). Values keep the
 * certificate's bytes as they are (embedded NULs shown as U+FFFD so
 * nothing hides behind them); the printers sanitize. Dates are judged here
 * against the caller's clock.
 *
 * The chain walk follows the chain from the leaf: a certificate is
 * anchored when it is itself in the trust store, linked when a certificate
 * sent (the next one first) is its issuer, anchored when the store holds
 * its issuer, and otherwise the path breaks there. Every fault found is
 * filed under a kind; the verdict names the first fault of the most
 * serious kind. When a handshake checked the chain, its GnuTLS status is
 * the verdict, and the walk explains it.
 */
#include "tls_internal.h"
#include "tlsladder/x509view.h"
#include "tlsladder/chain.h"
#include "tlsladder/sanitize.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_SECONDS 86400

/* ---- text helpers ---- */

/* A NUL-terminated copy of p[0..n), embedded NULs shown as U+FFFD (malloc; NULL if out of memory). */
static char *bytes_str(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t nul = 0, j = 0;
	char *d;

	for (size_t i = 0; i < n; i++)
		nul += s[i] == 0;
	d = malloc(n + nul * 2 + 1);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == 0) {
			memcpy(d + j, "\xef\xbf\xbd", 3);
			j += 3;
		} else {
			d[j++] = (char)s[i];
		}
	}
	d[j] = '\0';
	return d;
}

/* Appends ", piece" (or "piece" when empty) to buf, truncating safely. */
static void list_add(char *buf, size_t n, const char *piece)
{
	size_t used = strlen(buf);

	if (used + 1 < n)
		snprintf(buf + used, n - used, "%s%s", used ? ", " : "", piece);
}

/* Hex of p[0..len) into out, bytes separated by sep (0: none), upper case if upper. */
static void hex_into(char *out, size_t n, const uint8_t *p, size_t len, char sep, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t j = 0;

	for (size_t i = 0; i < len && j + 3 < n; i++) {
		if (sep && i > 0)
			out[j++] = sep;
		out[j++] = digits[p[i] >> 4];
		out[j++] = digits[p[i] & 15];
	}
	if (n)
		out[j < n ? j : n - 1] = '\0';
}

/* "2024-01-01 00:00:00 UTC", or "unknown". */
static void time_words(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (t == (time_t)-1 || !gmtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "unknown");
}

/* ---- certificate facts ---- */

/* The subject (or issuer) DN in RFC 4514 form (malloc); "(empty)" when there is none; NULL if out of memory. */
static char *crt_dn(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) : gnutls_x509_crt_get_dn3(crt, &d, 0);
	char *s;

	if (rc < 0 || d.size == 0) {
		gnutls_free(d.data);
		return strdup("(empty)");
	}
	s = bytes_str(d.data, d.size);
	gnutls_free(d.data);
	return s;
}

/* The subject's first common name (malloc), or the whole DN when it has none. */
static char *crt_name(gnutls_x509_crt_t crt)
{
	char small[256];
	size_t sz = sizeof small;
	int rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, small, &sz);

	if (rc == 0)
		return bytes_str(small, sz < sizeof small ? sz : sizeof small - 1);
	if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER && sz > 0 && sz < 65536) {
		char *big = malloc(sz + 1);
		char *s = NULL;
		size_t bsz = sz + 1;
		if (big && gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, big, &bsz) == 0)
			s = bytes_str(big, bsz <= sz ? bsz : sz);
		free(big);
		if (s)
			return s;
	}
	return crt_dn(crt, false);
}

enum when { WHEN_VALID, WHEN_EXPIRED, WHEN_NOT_YET, WHEN_UNKNOWN };

/* Where now falls in the certificate's validity; *days: left, since expiry, or until it starts. */
static enum when crt_when(gnutls_x509_crt_t crt, time_t now, long *days, time_t *nb, time_t *na)
{
	*nb = gnutls_x509_crt_get_activation_time(crt);
	*na = gnutls_x509_crt_get_expiration_time(crt);
	*days = 0;
	if (*nb == (time_t)-1 || *na == (time_t)-1)
		return WHEN_UNKNOWN;
	if (now < *nb) {
		*days = (long)((*nb - now + DAY_SECONDS - 1) / DAY_SECONDS);
		return WHEN_NOT_YET;
	}
	if (now > *na) {
		*days = (long)((now - *na) / DAY_SECONDS);
		return WHEN_EXPIRED;
	}
	*days = (long)((*na - now) / DAY_SECONDS);
	return WHEN_VALID;
}

/* The validity in words ("valid for N more days", "expired N days ago", ...). */
static enum when validity_words(gnutls_x509_crt_t crt, time_t now, char *buf, size_t n, time_t *nb, time_t *na)
{
	long days;
	enum when w = crt_when(crt, now, &days, nb, na);
	const char *s = days == 1 ? "" : "s";

	switch (w) {
	case WHEN_VALID:
		snprintf(buf, n, "valid for %ld more day%s", days, s);
		break;
	case WHEN_EXPIRED:
		snprintf(buf, n, "expired %ld day%s ago", days, s);
		break;
	case WHEN_NOT_YET:
		snprintf(buf, n, "not valid yet: starts in %ld day%s", days, s);
		break;
	default:
		snprintf(buf, n, "the validity dates cannot be read");
		break;
	}
	return w;
}

struct eku {
	bool present;            /* the extension is there */
	bool server, client, any;
	char names[512];         /* "serverAuth, clientAuth" */
};

static const struct {
	const char *oid, *name;
} eku_names[] = {
	{ "1.3.6.1.5.5.7.3.1", "serverAuth" },
	{ "1.3.6.1.5.5.7.3.2", "clientAuth" },
	{ "1.3.6.1.5.5.7.3.3", "codeSigning" },
	{ "1.3.6.1.5.5.7.3.4", "emailProtection" },
	{ "1.3.6.1.5.5.7.3.5", "ipsecEndSystem" },
	{ "1.3.6.1.5.5.7.3.6", "ipsecTunnel" },
	{ "1.3.6.1.5.5.7.3.7", "ipsecUser" },
	{ "1.3.6.1.5.5.7.3.8", "timeStamping" },
	{ "1.3.6.1.5.5.7.3.9", "OCSPSigning" },
	{ "1.3.6.1.5.5.7.3.17", "ipsecIKE" },
	{ "2.5.29.37.0", "anyExtendedKeyUsage" },
	{ "1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin" },
	{ "1.3.6.1.4.1.311.10.3.3", "msSGC" },
	{ "2.16.840.1.113730.4.1", "nsSGC" },
};

/* The name of an extended key usage OID, or the OID itself. */
static const char *eku_name(const char *oid)
{
	for (size_t i = 0; i < sizeof eku_names / sizeof eku_names[0]; i++)
		if (strcmp(eku_names[i].oid, oid) == 0)
			return eku_names[i].name;
	return oid;
}

/* Reads the extended key usage extension. */
static void eku_read(gnutls_x509_crt_t crt, struct eku *e)
{
	memset(e, 0, sizeof *e);
	for (unsigned i = 0; i < 256; i++) {
		char oid[128];
		size_t sz = sizeof oid;
		int rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &sz, NULL);

		if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			e->present = true;
			list_add(e->names, sizeof e->names, "(an over-long OID)");
			continue;
		}
		if (rc < 0)
			break;
		e->present = true;
		oid[sizeof oid - 1] = '\0';
		e->server |= strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) == 0;
		e->client |= strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0;
		e->any |= strcmp(oid, GNUTLS_KP_ANY) == 0;
		list_add(e->names, sizeof e->names, eku_name(oid));
	}
}

/* The IP address of a SAN in text ("127.0.0.1", "::1"), or hex if not 4/16 bytes. */
static void ip_words(const gnutls_datum_t *d, char *buf, size_t n)
{
	if (d->size == 4 && inet_ntop(AF_INET, d->data, buf, (socklen_t)n))
		return;
	if (d->size == 16 && inet_ntop(AF_INET6, d->data, buf, (socklen_t)n))
		return;
	hex_into(buf, n, d->data, d->size, ':', false);
}

/* Calls fn for each subject alternative name; returns the count, or -1 when the extension is malformed. */
static int san_each(gnutls_x509_crt_t crt, unsigned *critical,
		    void (*fn)(void *ctx, unsigned type, const gnutls_datum_t *san, const gnutls_datum_t *oid), void *ctx)
{
	gnutls_datum_t der = { NULL, 0 };
	gnutls_subject_alt_names_t sans = NULL;
	int count = 0;

	*critical = 0;
	if (gnutls_x509_crt_get_extension_by_oid2(crt, "2.5.29.17", 0, &der, critical) < 0)
		return 0;
	if (gnutls_subject_alt_names_init(&sans) < 0 || gnutls_x509_ext_import_subject_alt_names(&der, sans, 0) < 0) {
		count = -1;
		goto out;
	}
	for (unsigned i = 0; i < 4096; i++) {
		unsigned type;
		gnutls_datum_t san = { NULL, 0 }, oid = { NULL, 0 };
		int rc = gnutls_subject_alt_names_get(sans, i, &type, &san, &oid);

		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0) {
			count = -1;
			break;
		}
		fn(ctx, type, &san, &oid);
		count++;
	}
out:
	if (sans)
		gnutls_subject_alt_names_deinit(sans);
	gnutls_free(der.data);
	return count;
}

/* Adds one SAN to a tree node (the san_each callback of the certificate view). */
static void san_to_tree(void *ctx, unsigned type, const gnutls_datum_t *san, const gnutls_datum_t *oid)
{
	struct tree_node *parent = ctx;
	char buf[128];
	char *v = NULL;

	switch (type) {
	case GNUTLS_SAN_DNSNAME:
		v = bytes_str(san->data, san->size);
		tree_add(parent, "DNS", v);
		break;
	case GNUTLS_SAN_RFC822NAME:
		v = bytes_str(san->data, san->size);
		tree_add(parent, "email", v);
		break;
	case GNUTLS_SAN_URI:
		v = bytes_str(san->data, san->size);
		tree_add(parent, "URI", v);
		break;
	case GNUTLS_SAN_IPADDRESS:
		ip_words(san, buf, sizeof buf);
		tree_add(parent, "IP", buf);
		break;
	case GNUTLS_SAN_DN: {
		gnutls_datum_t str = { NULL, 0 };
		if (gnutls_x509_rdn_get2(san, &str, 0) >= 0)
			v = bytes_str(str.data, str.size);
		gnutls_free(str.data);
		tree_add(parent, "directory name", v ? v : "(cannot be read)");
		break;
	}
	case GNUTLS_SAN_REGISTERED_ID:
		v = bytes_str(san->data, san->size);
		tree_add(parent, "registered ID", v);
		break;
	case GNUTLS_SAN_OTHERNAME: {
		char *o = bytes_str(oid->data, oid->size);
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

struct name_list {
	char buf[512];
};

/* Adds one SAN to a one-line list (DNS and IP only; the san_each callback of the host name check). */
static void san_to_list(void *ctx, unsigned type, const gnutls_datum_t *san, const gnutls_datum_t *oid)
{
	struct name_list *l = ctx;
	char piece[300];

	(void)oid;
	if (type == GNUTLS_SAN_DNSNAME) {
		char *v = bytes_str(san->data, san->size);
		snprintf(piece, sizeof piece, "%.280s", v ? v : "?");
		free(v);
	} else if (type == GNUTLS_SAN_IPADDRESS) {
		char ip[128];
		ip_words(san, ip, sizeof ip);
		snprintf(piece, sizeof piece, "%s", ip);
	} else {
		return;
	}
	list_add(l->buf, sizeof l->buf, piece);
}

/* The names a certificate is for: its DNS/IP SANs, else its CN. */
static void crt_host_names(gnutls_x509_crt_t crt, char *buf, size_t n)
{
	struct name_list l;
	unsigned critical;

	l.buf[0] = '\0';
	san_each(crt, &critical, san_to_list, &l);
	if (l.buf[0]) {
		snprintf(buf, n, "%s", l.buf);
	} else {
		char *cn = crt_name(crt);
		snprintf(buf, n, "%s", cn ? cn : "?");
		free(cn);
	}
}

/* ---- the certificate view ---- */

/* Adds the validity node with its two dates. */
static void add_validity(struct tree_node *root, gnutls_x509_crt_t crt, time_t now)
{
	char words[96], nb_s[40], na_s[40];
	time_t nb, na;
	enum when w = validity_words(crt, now, words, sizeof words, &nb, &na);
	struct tree_node *v = tree_add(root, "validity", words);

	tree_flag(v, w == WHEN_VALID ? TREE_GOOD : TREE_BAD);
	time_words(nb, nb_s, sizeof nb_s);
	time_words(na, na_s, sizeof na_s);
	tree_add(v, "not before", nb_s);
	tree_add(v, "not after", na_s);
}

/* Adds the subject alternative names. */
static void add_sans(struct tree_node *root, gnutls_x509_crt_t crt)
{
	struct tree_node *node = tree_add(root, "subject alt names", NULL);
	unsigned critical = 0;
	int count = san_each(crt, &critical, san_to_tree, node);

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
			list_add(buf, sizeof buf, names[i].name);
	tree_addf(root, "key usage", "%s%s", buf[0] ? buf : "none", critical ? " (critical)" : "");
}

/* Adds extended key usage. */
static void add_eku(struct tree_node *root, gnutls_x509_crt_t crt)
{
	struct eku e;

	eku_read(crt, &e);
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

/* The signature algorithm's name (static or into buf). */
static const char *sig_name(gnutls_x509_crt_t crt, char *buf, size_t n)
{
	int sig = gnutls_x509_crt_get_signature_algorithm(crt);
	const char *name = sig >= 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sig) : NULL;
	size_t sz = n;

	if (name)
		return name;
	if (gnutls_x509_crt_get_signature_oid(crt, buf, &sz) >= 0) {
		buf[n - 1] = '\0';
		return buf;
	}
	return "unknown";
}

/* The HPKP pin: base64 of SHA-256 of the SubjectPublicKeyInfo. False if unavailable. */
static bool spki_pin(gnutls_x509_crt_t crt, char *out, size_t n)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t spki = { NULL, 0 }, b64 = { NULL, 0 };
	uint8_t h[32];
	gnutls_datum_t hd = { h, sizeof h };
	bool ok = false;

	if (gnutls_pubkey_init(&pub) < 0)
		return false;
	if (gnutls_pubkey_import_x509(pub, crt, 0) >= 0 && gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) >= 0 &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, h) >= 0 && gnutls_base64_encode2(&hd, &b64) >= 0) {
		snprintf(out, n, "%.*s", (int)b64.size, (const char *)b64.data);
		ok = true;
	}
	gnutls_free(spki.data);
	gnutls_free(b64.data);
	gnutls_pubkey_deinit(pub);
	return ok;
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
		v = bytes_str(out.data + start + tabs, end - start - tabs);
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
	char *subject = crt_dn(crt, false), *issuer = crt_dn(crt, true);
	uint8_t serial[128], fp[64];
	size_t sz = sizeof serial;
	char hex[400], buf[128];
	int version = gnutls_x509_crt_get_version(crt);

	free(root->value);
	root->value = subject ? strdup(subject) : NULL;
	if (version > 0)
		tree_addf(root, "version", "%d", version);
	if (gnutls_x509_crt_get_serial(crt, serial, &sz) >= 0) {
		hex_into(hex, sizeof hex, serial, sz < sizeof serial ? sz : sizeof serial, ':', false);
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
	tree_add(root, "signature algorithm", sig_name(crt, buf, sizeof buf));
	sz = sizeof fp;
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &sz) >= 0 && sz <= sizeof fp) {
		hex_into(hex, sizeof hex, fp, sz, ':', true);
		tree_add(root, "SHA-256 fingerprint", hex);
	}
	if (spki_pin(crt, buf, sizeof buf))
		tree_addf(root, "SPKI pin", "pin-sha256:%s", buf);
	else
		tree_add(root, "SPKI pin", "(unavailable for this key type)");
	add_full_text(root, crt);
	free(subject);
	free(issuer);
}

/* Parses DER into a certificate; returns a GnuTLS code. */
static int crt_from_der(const uint8_t *der, size_t n, gnutls_x509_crt_t *out)
{
	gnutls_datum_t d = { tls_datum_bytes(der), (unsigned)n };
	int rc;

	*out = NULL;
	if (!der || n == 0 || n > UINT_MAX)
		return GNUTLS_E_ASN1_DER_ERROR;
	if ((rc = gnutls_x509_crt_init(out)) < 0)
		return rc;
	if ((rc = gnutls_x509_crt_import(*out, &d, GNUTLS_X509_FMT_DER)) < 0) {
		gnutls_x509_crt_deinit(*out);
		*out = NULL;
	}
	return rc;
}

/* One certificate as a tree. */
struct tree_node *x509view_cert(const uint8_t *der, size_t n, time_t now)
{
	struct tree_node *root = tree_new("certificate", NULL);
	gnutls_x509_crt_t crt;
	int rc;

	if (!root)
		return NULL;
	rc = crt_from_der(der, n, &crt);
	if (rc < 0) {
		root->value = strdup("cannot be read");
		tree_flag(root, TREE_ERROR);
		tree_flag(tree_addf(root, "error", "malformed certificate (%zu bytes of DER): %s", n, gnutls_strerror(rc)),
			  TREE_ERROR);
		return root;
	}
	cert_fields(root, crt, now);
	gnutls_x509_crt_deinit(crt);
	return root;
}

/* ---- the chain: judged once, into a struct chain_result ---- */

/* Kinds of fault, most serious first; the verdict names the first fault of the first kind found. */
enum fault_kind { K_MALFORMED, K_SIGNATURE, K_PATH, K_DATES, K_NAME, K_PURPOSE, K_COUNT };

struct faults {
	bool set[K_COUNT];
	enum chain_fault f[K_COUNT];
	unsigned link[K_COUNT];
};

/* The kind a fault belongs to. */
static enum fault_kind fault_kind(enum chain_fault f)
{
	switch (f) {
	case CHAIN_FAULT_INTERNAL:
	case CHAIN_FAULT_MALFORMED:
		return K_MALFORMED;
	case CHAIN_FAULT_SIGNATURE:
	case CHAIN_FAULT_SIGNATURE_ERROR:
	case CHAIN_FAULT_INSECURE_ALGORITHM:
	case CHAIN_FAULT_ISSUER_NOT_CA:
	case CHAIN_FAULT_CONSTRAINTS:
		return K_SIGNATURE;
	case CHAIN_FAULT_DATES:
		return K_DATES;
	case CHAIN_FAULT_NAME:
		return K_NAME;
	case CHAIN_FAULT_PURPOSE:
		return K_PURPOSE;
	default:
		return K_PATH;
	}
}

/* Files a fault about certificate link (0: the trust anchor); the first of each kind is kept. */
static void fault(struct faults *fs, enum chain_fault f, unsigned link)
{
	enum fault_kind k = fault_kind(f);

	if (fs->set[k])
		return;
	fs->set[k] = true;
	fs->f[k] = f;
	fs->link[k] = link;
}

/* Copies a DN (or a name) into a fixed field. */
static void put(char *dst, size_t n, char *s)
{
	snprintf(dst, n, "%s", s ? s : "?");
	free(s);
}

/* The certificate's dates against now. */
static void dates_of(gnutls_x509_crt_t crt, time_t now, struct chain_dates *d)
{
	time_t nb, na;
	enum when w = crt_when(crt, now, &d->days, &nb, &na);

	d->when = w == WHEN_VALID ? CHAIN_WHEN_VALID : w == WHEN_EXPIRED ? CHAIN_WHEN_EXPIRED
		  : w == WHEN_NOT_YET ? CHAIN_WHEN_NOT_YET : CHAIN_WHEN_UNKNOWN;
	d->not_before = nb == (time_t)-1 ? -1 : (int64_t)nb;
	d->not_after = na == (time_t)-1 ? -1 : (int64_t)na;
}

/* True when crt itself is a trust anchor of list. */
static bool store_has(gnutls_x509_trust_list_t list, gnutls_x509_crt_t crt)
{
	gnutls_datum_t dn = { NULL, 0 };
	gnutls_x509_crt_t a = NULL;
	bool found = false;

	if (!list || gnutls_x509_crt_get_raw_dn(crt, &dn) < 0)
		return false;
	if (gnutls_x509_trust_list_get_issuer_by_dn(list, &dn, &a, 0) >= 0 && a) {
		found = gnutls_x509_crt_equals(a, crt);
		gnutls_x509_crt_deinit(a);
	}
	gnutls_free(dn.data);
	return found;
}

/* A trust anchor of list that issued crt (a copy to deinit), or NULL. */
static gnutls_x509_crt_t store_issuer(gnutls_x509_trust_list_t list, gnutls_x509_crt_t crt)
{
	gnutls_x509_crt_t iss = NULL;

	if (list && gnutls_x509_trust_list_get_issuer(list, crt, &iss, GNUTLS_TL_GET_COPY) >= 0 && iss)
		return iss;
	return NULL;
}

/* True when crt names itself as issuer and its own key verifies its signature. */
static bool crt_self_signed(gnutls_x509_crt_t crt)
{
	unsigned status = 0;

	if (!gnutls_x509_crt_check_issuer(crt, crt))
		return false;
	/* DO_NOT_ALLOW_SAME: really check the signature instead of trusting the certificate as itself */
	if (gnutls_x509_crt_verify(crt, &crt, 1,
				   GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_CA_SIGN |
					   GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
				   &status) < 0)
		return false;
	return !(status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND));
}

/* Checks link i's signature under issuer's key and that the issuer may sign (i: 1-based). */
static void check_signature(struct chain_link *l, gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer, unsigned i,
			    struct faults *fs)
{
	unsigned status = 0;
	char sb[128];
	int rc = gnutls_x509_crt_verify(crt, &issuer, 1,
					GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
						GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
					&status);

	snprintf(l->sig_alg, sizeof l->sig_alg, "%s", sig_name(crt, sb, sizeof sb));
	if (rc < 0) {
		l->signature = CHAIN_SIG_ERROR;
		fault(fs, CHAIN_FAULT_SIGNATURE_ERROR, i);
		return;
	}
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE) {
		l->signature = CHAIN_SIG_INVALID;
		fault(fs, CHAIN_FAULT_SIGNATURE, i);
	} else if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
		l->signature = CHAIN_SIG_INSECURE;
		fault(fs, CHAIN_FAULT_INSECURE_ALGORITHM, i);
	} else if (!(status & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		l->signature = CHAIN_SIG_VALID;
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_CA) {
		l->issuer_ca = CHAIN_CA_NOT_CA;
		fault(fs, CHAIN_FAULT_ISSUER_NOT_CA, i);
	} else if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) {
		l->issuer_ca = CHAIN_CA_CONSTRAINTS;
		fault(fs, CHAIN_FAULT_CONSTRAINTS, i);
	} else if (!(status & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		l->issuer_ca = CHAIN_CA_YES;
	}
}

/* The leaf's checks: host name (when one is given) and extended key usage for its role. */
static void check_leaf(struct chain_result *c, struct chain_link *l, gnutls_x509_crt_t crt, struct faults *fs)
{
	struct eku e;

	if (c->hostname[0]) {
		crt_host_names(crt, l->names, sizeof l->names);
		l->host = gnutls_x509_crt_check_hostname2(crt, c->hostname, 0) ? CHAIN_HOST_MATCH : CHAIN_HOST_MISMATCH;
		if (l->host == CHAIN_HOST_MISMATCH)
			fault(fs, CHAIN_FAULT_NAME, 1);
	}
	eku_read(crt, &e);
	snprintf(l->eku, sizeof l->eku, "%.*s", (int)sizeof l->eku - 1, e.names);
	if (!e.present) {
		l->purpose = CHAIN_PURPOSE_ANY;
	} else if (c->peer_is_server ? e.server : e.client) {
		l->purpose = CHAIN_PURPOSE_FITS;
	} else if (e.any) {
		l->purpose = CHAIN_PURPOSE_ANY_EKU;
	} else {
		l->purpose = CHAIN_PURPOSE_MISSING;
		fault(fs, CHAIN_FAULT_PURPOSE, 1);
	}
}

/* The sent certificate that issued crts[i], the next one first, not one already on the path; -1 if none. */
static int sent_issuer(gnutls_x509_crt_t *crts, unsigned count, unsigned i, const bool *on_path)
{
	if (i + 1 < count && crts[i + 1] && !on_path[i + 1] && gnutls_x509_crt_check_issuer(crts[i], crts[i + 1]))
		return (int)i + 1;
	for (unsigned j = 0; j < count; j++)
		if (j != i && crts[j] && !on_path[j] && gnutls_x509_crt_check_issuer(crts[i], crts[j]))
			return (int)j;
	return -1;
}

/* What the walk has found so far. */
struct walk {
	gnutls_x509_crt_t *crts;
	gnutls_x509_trust_list_t list;
	time_t now;
	bool on_path[CHAIN_MAX_LINKS];
	struct faults fs;
};

/* Finds who issued link i (0-based) and checks that signature; returns the next link on the path, or -1. */
static int link_issuer(struct chain_result *c, struct walk *w, unsigned i)
{
	struct chain_link *l = &c->link[i];
	gnutls_x509_crt_t crt = w->crts[i], iss;
	int next;

	if (store_has(w->list, crt)) {
		l->issued_by = CHAIN_ISSUER_IS_ANCHOR;
		c->anchor = CHAIN_ANCHOR_SENT;
		c->anchor_index = i + 1;
		put(c->anchor_name, sizeof c->anchor_name, crt_name(crt));
	} else if ((next = sent_issuer(w->crts, c->nlinks, i, w->on_path)) >= 0) {
		l->issued_by = CHAIN_ISSUER_SENT;
		l->issuer_index = (unsigned)next + 1;
		check_signature(l, crt, w->crts[next], i + 1, &w->fs);
		return next;
	} else if ((iss = store_issuer(w->list, crt)) != NULL) {
		l->issued_by = CHAIN_ISSUER_ANCHOR;
		c->anchor = CHAIN_ANCHOR_STORE;
		put(c->anchor_name, sizeof c->anchor_name, crt_name(iss));
		put(c->anchor_subject, sizeof c->anchor_subject, crt_dn(iss, false));
		dates_of(iss, w->now, &c->anchor_dates);
		if (c->anchor_dates.when != CHAIN_WHEN_VALID)
			fault(&w->fs, CHAIN_FAULT_DATES, 0);
		check_signature(l, crt, iss, i + 1, &w->fs);
		gnutls_x509_crt_deinit(iss);
	} else if (i + 1 < c->nlinks && !w->crts[i + 1]) {
		l->issued_by = CHAIN_ISSUER_NEXT_UNREADABLE;
	} else if (crt_self_signed(crt)) {
		l->issued_by = CHAIN_ISSUER_SELF_UNTRUSTED;
		fault(&w->fs, CHAIN_FAULT_SELF_SIGNED, i + 1);
	} else {
		l->issued_by = CHAIN_ISSUER_UNKNOWN;
		if (i + 1 < c->nlinks)
			put(l->other_subject, sizeof l->other_subject, crt_dn(w->crts[i + 1], false));
		fault(&w->fs, CHAIN_FAULT_UNKNOWN_ISSUER, i + 1);
	}
	return -1;
}

/* Walks the path from the leaf: each link's issuer, signature, dates, and the leaf's own checks. */
static void walk_path(struct chain_result *c, struct walk *w)
{
	int i = 0, steps = 0;

	while (i >= 0 && steps < CHAIN_MAX_LINKS) {
		struct chain_link *l = &c->link[i];
		gnutls_x509_crt_t crt = w->crts[i];
		int next;

		w->on_path[i] = true;
		steps++;
		if (!crt)
			break;        /* unreadable: its fault is filed already */
		next = link_issuer(c, w, (unsigned)i);
		l->dates_checked = true;
		dates_of(crt, w->now, &l->dates);
		if (l->dates.when != CHAIN_WHEN_VALID)
			fault(&w->fs, CHAIN_FAULT_DATES, (unsigned)i + 1);
		if (i == 0)
			check_leaf(c, l, crt, &w->fs);
		i = next;
	}
	if (c->anchor != CHAIN_ANCHOR_NONE)
		c->path = (unsigned)steps + (c->anchor == CHAIN_ANCHOR_STORE);
	else if (!w->fs.set[K_PATH] && !w->fs.set[K_MALFORMED])
		fault(&w->fs, CHAIN_FAULT_NO_ANCHOR, (unsigned)steps);
	for (unsigned k = 0; k < c->nlinks; k++)
		if (!w->on_path[k] && w->crts[k])
			c->link[k].issued_by = CHAIN_ISSUER_OFF_PATH;
}

/* Parses the certificates sent; the unreadable ones are filed as faults. */
static void parse_links(struct chain_result *c, struct walk *w, const gnutls_datum_t *peers)
{
	for (unsigned i = 0; i < c->nlinks; i++) {
		struct chain_link *l = &c->link[i];
		int rc = crt_from_der(peers[i].data, peers[i].size, &w->crts[i]);

		if (rc < 0) {
			l->issued_by = CHAIN_ISSUER_UNREADABLE;
			snprintf(l->parse_error, sizeof l->parse_error, "%s", gnutls_strerror(rc));
			fault(&w->fs, CHAIN_FAULT_MALFORMED, i + 1);
			continue;
		}
		put(l->subject, sizeof l->subject, crt_dn(w->crts[i], false));
		put(l->issuer, sizeof l->issuer, crt_dn(w->crts[i], true));
	}
}

/* GnuTLS's status in words. */
static void lib_words(unsigned status, char *buf, size_t n)
{
	gnutls_datum_t out = { NULL, 0 };

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) >= 0 && out.data) {
		size_t len = out.size;
		while (len > 0 && out.data[len - 1] == ' ')
			len--;
		snprintf(buf, n, "%.*s", (int)len, (const char *)out.data);
	} else {
		snprintf(buf, n, "status 0x%x", status);
	}
	gnutls_free(out.data);
}

/* GnuTLS's verification of the chain with list, dates excluded (when no handshake made it). */
static void lib_verify(struct chain_result *c, const struct walk *w)
{
	gnutls_typed_vdata_st data[2];
	unsigned ndata = 0;

	if (!w->list)
		return;
	for (unsigned i = 0; i < c->nlinks; i++)
		if (!w->crts[i])
			return;
	if (c->hostname[0]) {
		data[ndata].type = GNUTLS_DT_DNS_HOSTNAME;
		data[ndata].data = tls_datum_bytes(c->hostname);
		data[ndata++].size = 0;
	}
	data[ndata].type = GNUTLS_DT_KEY_PURPOSE_OID;
	data[ndata].data = tls_datum_bytes(c->peer_is_server ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT);
	data[ndata++].size = 0;
	c->lib_run = true;
	c->lib_dates = false;
	c->lib_rc = gnutls_x509_trust_list_verify_crt2(w->list, w->crts, c->nlinks, data, ndata,
						       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
							       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
						       &c->lib_status, NULL);
}

/* The verdict: GnuTLS's when it judged the dates too (the handshake's check), else every fault found. */
static void decide(struct chain_result *c, const struct faults *fs)
{
	bool lib_ok = c->lib_run && c->lib_rc >= 0 && c->lib_status == 0;
	bool walk_ok = true, trusted;

	c->walk_fault = CHAIN_FAULT_NONE;
	for (int k = 0; k < K_COUNT; k++) {
		if (fs->set[k]) {
			c->walk_fault = fs->f[k];
			c->walk_fault_link = fs->link[k];
			walk_ok = false;
			break;
		}
	}
	if (c->lib_run && c->lib_rc < 0)
		snprintf(c->lib_text, sizeof c->lib_text, "%s", gnutls_strerror(c->lib_rc));
	else if (c->lib_run)
		lib_words(c->lib_status, c->lib_text, sizeof c->lib_text);
	if (c->lib_run && c->lib_dates)
		trusted = lib_ok;     /* the handshake's own check: its verdict stands (the tree shows any doubt of the walk) */
	else
		trusted = walk_ok && (!c->lib_run || lib_ok);
	c->verdict = trusted ? CHAIN_TRUSTED : CHAIN_NOT_TRUSTED;
	if (c->verdict == CHAIN_TRUSTED) {
		c->fault = CHAIN_FAULT_NONE;
	} else if (!walk_ok) {
		c->fault = c->walk_fault;
		c->fault_link = c->walk_fault_link;
	} else {
		c->fault = c->lib_rc < 0 ? CHAIN_FAULT_LIBRARY_ERROR : CHAIN_FAULT_LIBRARY;
	}
}

/* Judges a chain into *c (see tls_internal.h). */
void x509view_judge(struct chain_result *c, const gnutls_datum_t *peers, unsigned count,
		    const struct x509view_judge_in *in)
{
	gnutls_x509_crt_t crts[CHAIN_MAX_LINKS] = { NULL };
	struct walk w;

	memset(c, 0, sizeof *c);
	memset(&w, 0, sizeof w);
	c->judge = in->judge;
	c->sent = count;
	c->nlinks = count < CHAIN_MAX_LINKS ? count : CHAIN_MAX_LINKS;
	c->peer_is_server = in->peer_is_server;
	c->now = (int64_t)in->now;
	snprintf(c->hostname, sizeof c->hostname, "%s", in->hostname ? in->hostname : "");
	snprintf(c->store, sizeof c->store, "%s", in->store ? in->store : "");
	c->store_empty = in->list == NULL || !in->store || !in->store[0];
	w.crts = crts;
	w.list = in->list;
	w.now = in->now;
	if (count == 0) {
		fault(&w.fs, CHAIN_FAULT_NO_CERTIFICATE, 0);
	} else {
		parse_links(c, &w, peers);
		walk_path(c, &w);
	}
	if (in->lib) {
		c->lib_run = true;
		c->lib_dates = true;
		c->lib_rc = in->lib->rc;
		c->lib_status = in->lib->status;
	} else if (count > 0) {
		lib_verify(c, &w);
	}
	decide(c, &w.fs);
	for (unsigned i = 0; i < c->nlinks; i++)
		if (crts[i])
			gnutls_x509_crt_deinit(crts[i]);
}

/* ---- the standalone chain view: trust anchors from files, no handshake ---- */

/* Loads the anchors named by trust into *list (NULL when none); describes them into store. */
static void trust_load(const struct x509view_trust *trust, gnutls_x509_trust_list_t *list, char *store, size_t n)
{
	int rc = 0;

	*list = NULL;
	store[0] = '\0';
	if (!trust || (!trust->ca_file && !trust->system_trust))
		return;
	if (gnutls_x509_trust_list_init(list, 0) < 0) {
		*list = NULL;
		return;
	}
	if (trust->ca_file) {
		rc = gnutls_x509_trust_list_add_trust_file(*list, trust->ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (rc > 0)
			snprintf(store, n, "CA file %s", trust->ca_file);
		else
			snprintf(store, n, "CA file %s, where no CA certificate could be read", trust->ca_file);
	}
	if (trust->system_trust && gnutls_x509_trust_list_add_system_trust(*list, 0, 0) > 0) {
		size_t used = strlen(store);
		snprintf(store + used, n - used, "%sthe system trust store", used ? " and " : "");
		rc = 1;
	}
	if (rc <= 0) {
		gnutls_x509_trust_list_deinit(*list, 1);
		*list = NULL;
	}
}

/* Judges ders with anchors from files (dates against now; GnuTLS checks without dates). */
static void judge_files(struct chain_result *c, const uint8_t *const *ders, const size_t *lens, size_t count,
			const struct x509view_trust *trust, const char *hostname, bool peer_is_server, time_t now)
{
	gnutls_datum_t peers[CHAIN_MAX_LINKS];
	char store[512];
	struct x509view_judge_in in = { 0 };
	unsigned n = count < CHAIN_MAX_LINKS ? (unsigned)count : CHAIN_MAX_LINKS;

	for (unsigned i = 0; i < n; i++) {
		peers[i].data = tls_datum_bytes(ders ? ders[i] : NULL);
		peers[i].size = lens && lens[i] <= UINT_MAX ? (unsigned)lens[i] : 0;
	}
	trust_load(trust, &in.list, store, sizeof store);
	in.store = store;
	in.judge = peer_is_server ? TL_CLIENT : TL_SERVER;
	in.hostname = hostname;
	in.peer_is_server = peer_is_server;
	in.now = now;
	x509view_judge(c, peers, n, &in);
	c->sent = count > UINT_MAX ? UINT_MAX : (unsigned)count;
	if (in.list)
		gnutls_x509_trust_list_deinit(in.list, 1);
}

/* The chain view. */
struct tree_node *x509view_chain(const uint8_t *const *ders, const size_t *lens, size_t count,
				 const struct x509view_trust *trust, const char *hostname, bool peer_is_server, time_t now)
{
	struct chain_result *c = malloc(sizeof *c);
	struct tree_node *t;

	if (!c)
		return NULL;
	judge_files(c, ders, lens, count, trust, hostname, peer_is_server, now);
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
	judge_files(c, ders, lens, count, trust, hostname, peer_is_server, now);
	ok = chain_words(c, raw, sizeof raw);
	if (buf && n)
		sanitize_str(buf, n, raw);
	free(c);
	return ok;
}
