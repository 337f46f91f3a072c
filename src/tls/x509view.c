/*
 * x509view.c: certificates as field trees, and chain validation explained
 * link by link (see x509view.h).
 *
 * GnuTLS parses and verifies; this file asks it one question at a time
 * and writes each answer as a node. Values keep the certificate's bytes
 * as they are (embedded NULs shown as U+FFFD so nothing hides behind
 * them); the printers sanitize. Dates are judged here against the
 * caller's clock, so GnuTLS's own time checks are switched off.
 *
 * The chain walk follows the chain as sent, leaf first: a certificate is
 * anchored when it is itself in the trust store, linked when the next
 * certificate sent is its issuer, anchored when a store holds its issuer,
 * and otherwise the path breaks there. Every fault found is filed under
 * a category; the verdict names the first fault of the most serious one.
 */
#include "tls_internal.h"
#include "tlsladder/x509view.h"
#include "tlsladder/sanitize.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdarg.h>
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

/* A malloc'd printf result, or NULL. */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	int len;
	char *buf;

	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (len < 0)
		return NULL;
	buf = malloc((size_t)len + 1);
	if (buf)
		vsnprintf(buf, (size_t)len + 1, fmt, ap);
	return buf;
}

/* A check node: a formatted value flagged TREE_GOOD or TREE_BAD. */
static struct tree_node *check(struct tree_node *parent, const char *label, bool good, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct tree_node *check(struct tree_node *parent, const char *label, bool good, const char *fmt, ...)
{
	va_list ap;
	char *v;
	struct tree_node *n;

	if (!parent)
		return NULL;
	va_start(ap, fmt);
	v = vformat(fmt, ap);
	va_end(ap);
	n = tree_add(parent, label, v);
	free(v);
	return tree_flag(n, good ? TREE_GOOD : TREE_BAD);
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

/* ---- the chain view ---- */

/* Kinds of fault, most serious first; the verdict names the first fault of the first kind found. */
enum fault { F_MALFORMED, F_SIGNATURE, F_PATH, F_DATES, F_NAME, F_PURPOSE, F_LIBRARY, F_COUNT };

struct verdict {
	bool set[F_COUNT];
	char text[F_COUNT][1024];
};

/* Files a fault (the first of each kind is kept). */
static void fault(struct verdict *v, enum fault f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fault(struct verdict *v, enum fault f, const char *fmt, ...)
{
	va_list ap;

	if (v->set[f])
		return;
	v->set[f] = true;
	va_start(ap, fmt);
	vsnprintf(v->text[f], sizeof v->text[f], fmt, ap);
	va_end(ap);
}

struct store {
	gnutls_x509_trust_list_t file, sys;   /* NULL when not used or empty */
	const char *file_name;
};

/* Loads the trust anchors; describes what was loaded under node. */
static void store_load(struct store *st, const struct x509view_trust *trust, struct tree_node *node)
{
	int rc;

	memset(st, 0, sizeof *st);
	if (!trust || (!trust->ca_file && !trust->system_trust)) {
		tree_add(node, "anchors", "none given: nothing can be trusted");
		return;
	}
	if (trust->ca_file) {
		st->file_name = trust->ca_file;
		if (gnutls_x509_trust_list_init(&st->file, 0) < 0) {
			st->file = NULL;
		} else if ((rc = gnutls_x509_trust_list_add_trust_file(st->file, trust->ca_file, NULL, GNUTLS_X509_FMT_PEM,
									  0, 0)) <= 0) {
			tree_flag(tree_addf(node, "CA file", "%s: no CA certificate could be read%s%s", trust->ca_file,
					    rc < 0 ? ": " : "", rc < 0 ? gnutls_strerror(rc) : ""),
				  TREE_ERROR);
			gnutls_x509_trust_list_deinit(st->file, 1);
			st->file = NULL;
		} else {
			tree_addf(node, "CA file", "%s (%d certificate%s)", trust->ca_file, rc, rc == 1 ? "" : "s");
		}
	}
	if (trust->system_trust) {
		if (gnutls_x509_trust_list_init(&st->sys, 0) < 0) {
			st->sys = NULL;
		} else if ((rc = gnutls_x509_trust_list_add_system_trust(st->sys, 0, 0)) < 0) {
			tree_flag(tree_addf(node, "system", "the system trust store could not be loaded: %s", gnutls_strerror(rc)),
				  TREE_ERROR);
			gnutls_x509_trust_list_deinit(st->sys, 1);
			st->sys = NULL;
		} else {
			tree_addf(node, "system", "the system trust store (%d certificates)", rc);
		}
	}
}

/* Frees the trust lists. */
static void store_free(struct store *st)
{
	if (st->file)
		gnutls_x509_trust_list_deinit(st->file, 1);
	if (st->sys)
		gnutls_x509_trust_list_deinit(st->sys, 1);
}

/* Which store a list is, in words. */
static void store_words(const struct store *st, gnutls_x509_trust_list_t l, char *buf, size_t n)
{
	if (l == st->file)
		snprintf(buf, n, "CA file %s", st->file_name);
	else
		snprintf(buf, n, "the system trust store");
}

/* True when crt itself is a trust anchor; *from: the list holding it. */
static bool store_has(const struct store *st, gnutls_x509_crt_t crt, gnutls_x509_trust_list_t *from)
{
	gnutls_datum_t dn = { NULL, 0 };
	gnutls_x509_trust_list_t lists[2] = { st->file, st->sys };
	bool found = false;

	if (gnutls_x509_crt_get_raw_dn(crt, &dn) < 0)
		return false;
	for (int i = 0; i < 2 && !found; i++) {
		gnutls_x509_crt_t a = NULL;
		if (!lists[i] || gnutls_x509_trust_list_get_issuer_by_dn(lists[i], &dn, &a, 0) < 0 || !a)
			continue;
		if (gnutls_x509_crt_equals(a, crt)) {
			found = true;
			*from = lists[i];
		}
		gnutls_x509_crt_deinit(a);
	}
	gnutls_free(dn.data);
	return found;
}

/* A trust anchor that issued crt (a copy to deinit), or NULL; *from: its list. */
static gnutls_x509_crt_t store_issuer(const struct store *st, gnutls_x509_crt_t crt, gnutls_x509_trust_list_t *from)
{
	gnutls_x509_trust_list_t lists[2] = { st->file, st->sys };

	for (int i = 0; i < 2; i++) {
		gnutls_x509_crt_t iss = NULL;
		if (lists[i] && gnutls_x509_trust_list_get_issuer(lists[i], crt, &iss, GNUTLS_TL_GET_COPY) >= 0 && iss) {
			*from = lists[i];
			return iss;
		}
	}
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

/*
 * Checks crt's signature under issuer's key and that the issuer may sign;
 * adds the "signature" and "issuer may sign" nodes. whose: "certificate 2"
 * or "the trust anchor". idx: crt's number (1-based).
 */
static void check_signature(struct tree_node *link, gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer, const char *whose,
			    size_t idx, struct verdict *v)
{
	unsigned status = 0;
	char sb[128];
	const char *sig = sig_name(crt, sb, sizeof sb);
	int rc = gnutls_x509_crt_verify(crt, &issuer, 1,
					GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
						GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
					&status);

	if (rc < 0) {
		check(link, "signature", false, "could not be checked: %s", gnutls_strerror(rc));
		fault(v, F_SIGNATURE, "NOT trusted: the signature on certificate %zu could not be checked", idx);
		return;
	}
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE) {
		check(link, "signature", false, "INVALID under %s's key (%s)", whose, sig);
		fault(v, F_SIGNATURE, "NOT trusted: the signature on certificate %zu does not verify under %s's key", idx,
		      whose);
	} else if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
		check(link, "signature", false, "made with an algorithm GnuTLS considers insecure (%s)", sig);
		fault(v, F_SIGNATURE, "NOT trusted: certificate %zu is signed with an insecure algorithm (%s)", idx, sig);
	} else if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		check(link, "signature", false, "not checked: %s is not its issuer", whose);
	} else {
		check(link, "signature", true, "valid under %s's key (%s)", whose, sig);
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_CA) {
		check(link, "issuer may sign", false, "no: %s is not a CA (basic constraints / key usage)", whose);
		fault(v, F_SIGNATURE, "NOT trusted: %s, which issued certificate %zu, is not a CA", whose, idx);
	} else if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) {
		check(link, "issuer may sign", false, "no: %s's constraints forbid it", whose);
		fault(v, F_SIGNATURE, "NOT trusted: %s's constraints forbid certificate %zu", whose, idx);
	} else if (!(status & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		check(link, "issuer may sign", true, "yes: %s is a CA", whose);
	}
}

/* Adds the dates check of a certificate; files a fault when now is outside them. what: "certificate 2". */
static void check_dates(struct tree_node *link, gnutls_x509_crt_t crt, time_t now, const char *what, struct verdict *v)
{
	char words[96], nb_s[40], na_s[40];
	time_t nb, na;
	enum when w = validity_words(crt, now, words, sizeof words, &nb, &na);

	time_words(nb, nb_s, sizeof nb_s);
	time_words(na, na_s, sizeof na_s);
	check(link, "dates", w == WHEN_VALID, "%s (%s to %s)", words, nb_s, na_s);
	if (w != WHEN_VALID)
		fault(v, F_DATES, "NOT trusted: %s %s", what, words);
}

/* Adds the host name check of the leaf. */
static void check_host(struct tree_node *link, gnutls_x509_crt_t crt, const char *hostname, struct verdict *v)
{
	char names[512];

	crt_host_names(crt, names, sizeof names);
	if (gnutls_x509_crt_check_hostname2(crt, hostname, 0)) {
		check(link, "host name", true, "matches '%s'", hostname);
		return;
	}
	check(link, "host name", false, "does not match '%s'; the certificate is for %s", hostname, names);
	fault(v, F_NAME, "NOT trusted: name mismatch: certificate 1 is for %s, not '%s'", names, hostname);
}

/* Adds the extended key usage check of the leaf for its role. */
static void check_purpose(struct tree_node *link, gnutls_x509_crt_t crt, bool peer_is_server, struct verdict *v)
{
	struct eku e;
	const char *need = peer_is_server ? "serverAuth" : "clientAuth";
	const char *role = peer_is_server ? "a server" : "a client";

	eku_read(crt, &e);
	if (!e.present) {
		check(link, "purpose", true, "no extended key usage: any purpose, so %s too", role);
	} else if (peer_is_server ? e.server : e.client) {
		check(link, "purpose", true, "%s present: fits %s (extended key usage: %s)", need, role, e.names);
	} else if (e.any) {
		check(link, "purpose", true, "anyExtendedKeyUsage: fits %s", role);
	} else {
		check(link, "purpose", false, "%s missing: does not fit %s (extended key usage: %s)", need, role, e.names);
		fault(v, F_PURPOSE, "NOT trusted: extended key usage does not fit: certificate 1 is not for %s (%s missing; it has %s)",
		      peer_is_server ? "a TLS server" : "a TLS client", need, e.names);
	}
}

/* GnuTLS's verdict on the whole chain (dates excluded: they are judged against `now` here). */
static void check_library(struct tree_node *root, gnutls_x509_crt_t *crts, size_t count, gnutls_x509_trust_list_t list,
			  const char *hostname, bool peer_is_server, struct verdict *v)
{
	gnutls_typed_vdata_st data[2];
	unsigned ndata = 0, status = 0;
	gnutls_datum_t out = { NULL, 0 };
	int rc;

	if (!list) {
		tree_add(root, "GnuTLS verification", "not run: no trust anchors");
		return;
	}
	if (hostname) {
		data[ndata].type = GNUTLS_DT_DNS_HOSTNAME;
		data[ndata].data = tls_datum_bytes(hostname);
		data[ndata].size = 0;
		ndata++;
	}
	data[ndata].type = GNUTLS_DT_KEY_PURPOSE_OID;
	data[ndata].data = (unsigned char *)(peer_is_server ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT);
	data[ndata].size = 0;
	ndata++;
	rc = gnutls_x509_trust_list_verify_crt2(list, crts, (unsigned)count, data, ndata,
						GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
						&status, NULL);
	if (rc < 0) {
		check(root, "GnuTLS verification", false, "failed to run: %s", gnutls_strerror(rc));
		fault(v, F_LIBRARY, "NOT trusted: GnuTLS could not verify the chain: %s", gnutls_strerror(rc));
		return;
	}
	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) >= 0 && out.data) {
		char *text = bytes_str(out.data, out.size);
		size_t len = text ? strlen(text) : 0;
		while (len > 0 && text[len - 1] == ' ')
			text[--len] = '\0';
		check(root, "GnuTLS verification", status == 0, "%s (status 0x%x; dates not included)", text ? text : "?",
		      status);
		if (status != 0)
			fault(v, F_LIBRARY, "NOT trusted according to GnuTLS: %s", text ? text : "?");
		free(text);
		gnutls_free(out.data);
	} else {
		check(root, "GnuTLS verification", status == 0, "status 0x%x", status);
		if (status != 0)
			fault(v, F_LIBRARY, "NOT trusted according to GnuTLS (status 0x%x)", status);
	}
}

/* Adds the trust anchor node (an anchor from a store, not one of the certificates sent). */
static void add_anchor(struct tree_node *root, gnutls_x509_crt_t anchor, const char *name, const char *store, time_t now,
		       struct verdict *v)
{
	struct tree_node *node = tree_flag(tree_addf(root, "trust anchor", "%s (in %s)", name, store), TREE_GOOD);
	char *subject = crt_dn(anchor, false);
	char what[600];

	tree_add(node, "subject", subject);
	tree_add(node, "store", store);
	snprintf(what, sizeof what, "trust anchor '%.500s'", name);
	check_dates(node, anchor, now, what, v);
	free(subject);
}

/* Builds the chain view into root (which may be NULL) and the unsanitized verdict; true when trusted. */
static bool chain_run(struct tree_node *root, const uint8_t *const *ders, const size_t *lens, size_t count,
		      const struct x509view_trust *trust, const char *hostname, bool peer_is_server, time_t now,
		      char *out, size_t outn)
{
	struct verdict v;
	struct store st;
	gnutls_x509_crt_t *crts = NULL;
	gnutls_x509_crt_t anchor = NULL;
	gnutls_x509_trust_list_t anchor_list = NULL;
	char *anchor_name = NULL;
	bool anchored = false, anchor_sent = false, all_parsed = true;
	size_t end = 0;        /* certificates on the path (1-based index of the last one) */
	struct tree_node *store_node;

	memset(&v, 0, sizeof v);
	store_node = root ? tree_new("trust store", NULL) : NULL;     /* shown last, loaded first */
	store_load(&st, trust, store_node);
	if (count == 0) {
		fault(&v, F_PATH, "NOT trusted: no certificate was sent");
		goto verdict;
	}
	crts = calloc(count, sizeof *crts);
	if (!crts) {
		fault(&v, F_MALFORMED, "NOT trusted: out of memory");
		goto verdict;
	}
	for (size_t i = 0; i < count; i++) {
		int rc = crt_from_der(ders ? ders[i] : NULL, lens ? lens[i] : 0, &crts[i]);
		if (rc < 0) {
			all_parsed = false;
			fault(&v, F_MALFORMED, "NOT trusted: certificate %zu cannot be read (%s)", i + 1, gnutls_strerror(rc));
		}
	}

	for (size_t i = 0; i < count; i++) {
		gnutls_x509_crt_t c = crts[i];
		char label[48], what[48], whose[48], sw[600];
		struct tree_node *link;
		gnutls_x509_crt_t iss;
		char *subject, *issuer;
		bool linked = false;

		snprintf(label, sizeof label, "certificate %zu%s", i + 1, i == 0 ? " (leaf)" : "");
		snprintf(what, sizeof what, "certificate %zu", i + 1);
		if (!c) {
			tree_flag(tree_add(root, label, "cannot be read (malformed DER)"), TREE_ERROR | TREE_BAD);
			end = i + 1;
			break;
		}
		subject = crt_dn(c, false);
		issuer = crt_dn(c, true);
		link = tree_add(root, label, subject);
		tree_add(link, "subject", subject);
		tree_add(link, "issuer", issuer);
		end = i + 1;

		if (store_has(&st, c, &anchor_list)) {
			store_words(&st, anchor_list, sw, sizeof sw);
			check(link, "issued by", true, "itself a trust anchor (in %s)", sw);
			anchored = anchor_sent = true;
			anchor_name = crt_name(c);
		} else if (i + 1 < count && crts[i + 1] && gnutls_x509_crt_check_issuer(c, crts[i + 1])) {
			snprintf(whose, sizeof whose, "certificate %zu", i + 2);
			check(link, "issued by", true, "%s (its subject is this issuer)", whose);
			check_signature(link, c, crts[i + 1], whose, i + 1, &v);
			linked = true;
		} else if ((iss = store_issuer(&st, c, &anchor_list)) != NULL) {
			anchor = iss;
			anchored = true;
			anchor_name = crt_name(iss);
			store_words(&st, anchor_list, sw, sizeof sw);
			check(link, "issued by", true, "trust anchor '%s' (in %s)", anchor_name ? anchor_name : "?", sw);
			check_signature(link, c, anchor, "the trust anchor", i + 1, &v);
		} else if (i + 1 < count && crts[i + 1]) {
			char *next = crt_dn(crts[i + 1], false);
			check(link, "issued by", false, "unknown: certificate %zu is '%s', not this issuer, and no trust anchor is",
			      i + 2, next ? next : "?");
			fault(&v, F_PATH, "NOT trusted: issuer '%s' unknown", issuer ? issuer : "?");
			free(next);
		} else if (i + 1 < count) {
			check(link, "issued by", false, "unknown: the next certificate cannot be read");
		} else if (crt_self_signed(c)) {
			check(link, "issued by", false, "itself (self-signed), and it is not in the trust store");
			fault(&v, F_PATH, "NOT trusted: certificate %zu is self-signed and not in the trust store", i + 1);
		} else {
			check(link, "issued by", false,
			      "unknown: '%s' was not sent and is not in the trust store (an intermediate the peer left out, "
			      "or a CA this side does not trust)",
			      issuer ? issuer : "?");
			fault(&v, F_PATH, "NOT trusted: issuer '%s' unknown", issuer ? issuer : "?");
		}
		check_dates(link, c, now, what, &v);
		if (i == 0 && hostname)
			check_host(link, c, hostname, &v);
		if (i == 0)
			check_purpose(link, c, peer_is_server, &v);
		free(subject);
		free(issuer);
		if (!linked)
			break;        /* anchored, or the path broke here */
	}
	if (!anchored && !v.set[F_PATH] && !v.set[F_MALFORMED])
		fault(&v, F_PATH, "NOT trusted: the chain does not reach a trust anchor");
	for (size_t i = end; i < count; i++) {
		char label[48];
		char *subject = crts[i] ? crt_dn(crts[i], false) : NULL;
		struct tree_node *link;

		snprintf(label, sizeof label, "certificate %zu", i + 1);
		link = tree_add(root, label, subject ? subject : "cannot be read (malformed DER)");
		if (!crts[i])
			tree_flag(link, TREE_ERROR | TREE_BAD);
		tree_add(link, "on the path",
			 anchored ? "no: the path already ended at a trust anchor" : "not checked: the path broke before it");
		free(subject);
	}
	if (anchor) {
		char sw[600];
		store_words(&st, anchor_list, sw, sizeof sw);
		add_anchor(root, anchor, anchor_name ? anchor_name : "?", sw, now, &v);
	} else if (anchor_sent) {
		char sw[600];
		store_words(&st, anchor_list, sw, sizeof sw);
		tree_flag(tree_addf(root, "trust anchor", "%s (certificate %zu, in %s)", anchor_name ? anchor_name : "?", end, sw),
			  TREE_GOOD);
	} else {
		tree_flag(tree_add(root, "trust anchor", "none found"), TREE_BAD);
	}
	if (all_parsed)
		check_library(root, crts, count, anchor_list ? anchor_list : st.file ? st.file : st.sys, hostname,
			      peer_is_server, &v);
	tree_adopt(root, store_node);
	store_node = NULL;

verdict:
	tree_adopt(root, store_node);      /* when the walk was skipped (frees it if root is NULL) */
	for (int f = 0; f < F_COUNT; f++) {
		if (v.set[f]) {
			snprintf(out, outn, "%s", v.text[f]);
			break;
		}
		if (f == F_COUNT - 1)
			snprintf(out, outn, "trusted: chain of %zu to %s", end + (anchor_sent ? 0 : 1),
				 anchor_name ? anchor_name : "?");
	}
	free(anchor_name);
	if (anchor)
		gnutls_x509_crt_deinit(anchor);
	for (size_t i = 0; crts && i < count; i++)
		if (crts[i])
			gnutls_x509_crt_deinit(crts[i]);
	free(crts);
	store_free(&st);
	for (int f = 0; f < F_COUNT; f++)
		if (v.set[f])
			return false;
	return true;
}

/* The chain view. */
struct tree_node *x509view_chain(const uint8_t *const *ders, const size_t *lens, size_t count,
				 const struct x509view_trust *trust, const char *hostname, bool peer_is_server, time_t now)
{
	struct tree_node *root = tree_new("chain", NULL);
	char verdict[1024];
	bool ok;

	if (!root)
		return NULL;
	ok = chain_run(root, ders, lens, count, trust, hostname, peer_is_server, now, verdict, sizeof verdict);
	root->value = strdup(verdict);
	tree_flag(root, ok ? TREE_GOOD : TREE_BAD);
	return root;
}

/* The verdict line alone, sanitized. */
bool x509view_verdict(const uint8_t *const *ders, const size_t *lens, size_t count, const struct x509view_trust *trust,
		      const char *hostname, bool peer_is_server, time_t now, char *buf, size_t n)
{
	char raw[1024];
	bool ok = chain_run(NULL, ders, lens, count, trust, hostname, peer_is_server, now, raw, sizeof raw);

	if (buf && n)
		sanitize_str(buf, n, raw);
	return ok;
}
