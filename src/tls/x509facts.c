/*
 * x509facts.c: the fields of one certificate, asked of GnuTLS one at a
 * time (see x509_internal.h): its DNs and common name, where now falls in
 * its validity, its extended key usage, its subject alternative names and
 * the host names it is for, its signature algorithm and SPKI pin, and the
 * parse from DER. The certificate view (x509view.c) and the chain walk
 * (x509chain.c) both read certificates through these.
 *
 * Values keep the certificate's bytes as they are (embedded NULs shown as
 * U+FFFD so nothing hides behind them); the printers sanitize. Dates are
 * judged against the caller's clock.
 */
#include "x509_internal.h"
#include "tlsladder/sanitize.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_SECONDS 86400

/* A NUL-terminated copy of p[0..n), embedded NULs shown as U+FFFD (malloc; NULL if out of memory). */
char *x509facts_str(const void *p, size_t n)
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
void x509facts_list_add(char *buf, size_t n, const char *piece)
{
	size_t used = strlen(buf);

	if (used + 1 < n)
		snprintf(buf + used, n - used, "%s%s", used ? ", " : "", piece);
}

/* Hex of p[0..len) into out, bytes separated by sep (0: none), upper case if upper. */
void x509facts_hex(char *out, size_t n, const uint8_t *p, size_t len, char sep, bool upper)
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
void x509facts_time_words(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (t == (time_t)-1 || !gmtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "unknown");
}

/* The subject (or issuer) DN in RFC 4514 form (malloc); "(empty)" when there is none; NULL if out of memory. */
char *x509facts_dn(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) : gnutls_x509_crt_get_dn3(crt, &d, 0);
	char *s;

	if (rc < 0 || d.size == 0) {
		gnutls_free(d.data);
		return strdup("(empty)");
	}
	s = x509facts_str(d.data, d.size);
	gnutls_free(d.data);
	return s;
}

/* The subject's first common name (malloc), or the whole DN when it has none. */
char *x509facts_name(gnutls_x509_crt_t crt)
{
	char small[256];
	size_t sz = sizeof small;
	int rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, small, &sz);

	if (rc == 0)
		return x509facts_str(small, sz < sizeof small ? sz : sizeof small - 1);
	if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER && sz > 0 && sz < 65536) {
		char *big = malloc(sz + 1);
		char *s = NULL;
		size_t bsz = sz + 1;
		if (big && gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, big, &bsz) == 0)
			s = x509facts_str(big, bsz <= sz ? bsz : sz);
		free(big);
		if (s)
			return s;
	}
	return x509facts_dn(crt, false);
}

/* Where now falls in the certificate's validity; *days: left, since expiry, or until it starts. */
enum x509facts_when x509facts_dates(gnutls_x509_crt_t crt, time_t now, long *days, time_t *nb,
				     time_t *na)
{
	*nb = gnutls_x509_crt_get_activation_time(crt);
	*na = gnutls_x509_crt_get_expiration_time(crt);
	*days = 0;
	if (*nb == (time_t)-1 || *na == (time_t)-1)
		return X509FACTS_UNKNOWN;
	if (now < *nb) {
		*days = (long)((*nb - now + DAY_SECONDS - 1) / DAY_SECONDS);
		return X509FACTS_NOT_YET;
	}
	if (now > *na) {
		*days = (long)((now - *na) / DAY_SECONDS);
		return X509FACTS_EXPIRED;
	}
	*days = (long)((*na - now) / DAY_SECONDS);
	return X509FACTS_VALID;
}

/* The validity in words ("valid for N more days", "expired N days ago", ...). */
enum x509facts_when x509facts_validity_words(gnutls_x509_crt_t crt, time_t now, char *buf, size_t n,
					      time_t *nb, time_t *na)
{
	long days;
	enum x509facts_when w = x509facts_dates(crt, now, &days, nb, na);
	const char *s = days == 1 ? "" : "s";

	switch (w) {
	case X509FACTS_VALID:
		snprintf(buf, n, "valid for %ld more day%s", days, s);
		break;
	case X509FACTS_EXPIRED:
		snprintf(buf, n, "expired %ld day%s ago", days, s);
		break;
	case X509FACTS_NOT_YET:
		snprintf(buf, n, "not valid yet: starts in %ld day%s", days, s);
		break;
	default:
		snprintf(buf, n, "the validity dates cannot be read");
		break;
	}
	return w;
}

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
void x509facts_eku_read(gnutls_x509_crt_t crt, struct x509facts_eku *e)
{
	memset(e, 0, sizeof *e);
	for (unsigned i = 0; i < 256; i++) {
		char oid[128];
		size_t sz = sizeof oid;
		int rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &sz, NULL);

		if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			e->present = true;
			x509facts_list_add(e->names, sizeof e->names, "(an over-long OID)");
			continue;
		}
		if (rc < 0)
			break;
		e->present = true;
		oid[sizeof oid - 1] = '\0';
		e->server |= strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) == 0;
		e->client |= strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0;
		e->any |= strcmp(oid, GNUTLS_KP_ANY) == 0;
		x509facts_list_add(e->names, sizeof e->names, eku_name(oid));
	}
}

/* The IP address of a SAN in text ("127.0.0.1", "::1"), or hex if not 4/16 bytes. */
void x509facts_ip_words(const gnutls_datum_t *d, char *buf, size_t n)
{
	if (d->size == 4 && inet_ntop(AF_INET, d->data, buf, (socklen_t)n))
		return;
	if (d->size == 16 && inet_ntop(AF_INET6, d->data, buf, (socklen_t)n))
		return;
	x509facts_hex(buf, n, d->data, d->size, ':', false);
}

/* Calls fn for each subject alternative name; returns the count, or -1 when the extension is malformed. */
int x509facts_san_each(gnutls_x509_crt_t crt, unsigned *critical, x509facts_san_fn fn, void *ctx)
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
		char *v = x509facts_str(san->data, san->size);
		snprintf(piece, sizeof piece, "%.280s", v ? v : "?");
		free(v);
	} else if (type == GNUTLS_SAN_IPADDRESS) {
		char ip[128];
		x509facts_ip_words(san, ip, sizeof ip);
		snprintf(piece, sizeof piece, "%s", ip);
	} else {
		return;
	}
	x509facts_list_add(l->buf, sizeof l->buf, piece);
}

/* The names a certificate is for: its DNS/IP SANs, else its CN. */
void x509facts_host_names(gnutls_x509_crt_t crt, char *buf, size_t n)
{
	struct name_list l;
	unsigned critical;

	l.buf[0] = '\0';
	x509facts_san_each(crt, &critical, san_to_list, &l);
	if (l.buf[0]) {
		snprintf(buf, n, "%s", l.buf);
	} else {
		char *cn = x509facts_name(crt);
		snprintf(buf, n, "%s", cn ? cn : "?");
		free(cn);
	}
}

/* The signature algorithm's name (static or into buf). */
const char *x509facts_sig_name(gnutls_x509_crt_t crt, char *buf, size_t n)
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
bool x509facts_spki_pin(gnutls_x509_crt_t crt, char *out, size_t n)
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

/* Parses DER into a certificate; returns a GnuTLS code. */
int x509facts_from_der(const uint8_t *der, size_t n, gnutls_x509_crt_t *out)
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

/* The kind of the certificate's public key, and its size in bits. */
enum tl_key_kind x509facts_key_kind(gnutls_x509_crt_t crt, unsigned *bits)
{
	unsigned b = 0;
	int pk = gnutls_x509_crt_get_pk_algorithm(crt, &b);
	gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;

	*bits = b;
	switch (pk) {
	case GNUTLS_PK_RSA: return TL_KEY_RSA;
	case GNUTLS_PK_RSA_PSS: return TL_KEY_RSA_PSS;
	case GNUTLS_PK_DSA: return TL_KEY_DSA;
	case GNUTLS_PK_ECDSA:
		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, NULL, NULL) < 0)
			return TL_KEY_EC_OTHER;
		return curve == GNUTLS_ECC_CURVE_SECP256R1   ? TL_KEY_EC_P256
		       : curve == GNUTLS_ECC_CURVE_SECP384R1 ? TL_KEY_EC_P384
		       : curve == GNUTLS_ECC_CURVE_SECP521R1 ? TL_KEY_EC_P521
							     : TL_KEY_EC_OTHER;
	case GNUTLS_PK_EDDSA_ED25519: return TL_KEY_ED25519;
	case GNUTLS_PK_EDDSA_ED448: return TL_KEY_ED448;
	default: return TL_KEY_UNKNOWN;
	}
}

/* The sanitized form of src[0..len) into dst (n >= 4), ending in "..." when cut. */
void x509facts_safe_piece(char *dst, size_t n, const void *src, size_t len)
{
	size_t full = sanitize_text(dst, n - 3, src, len);

	if (full >= n - 3)
		strcat(dst, "...");
}

/* The certificate's DN (RFC 4514), sanitized; "(empty)" when it has none. */
void x509facts_dn_safe(gnutls_x509_crt_t crt, char *out, size_t n)
{
	gnutls_datum_t d = { NULL, 0 };

	if (gnutls_x509_crt_get_dn3(crt, &d, 0) < 0 || d.size == 0)
		snprintf(out, n, "(empty)");
	else
		x509facts_safe_piece(out, n, d.data, d.size);
	gnutls_free(d.data);
}
