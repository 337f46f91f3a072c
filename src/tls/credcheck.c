/*
 * credcheck.c: pre-flight checks of a client's credentials (see credcheck.h).
 *
 * The credentials are read by the loader the endpoint shares (creds.c) the
 * way the client will use them: a PEM chain whose first certificate is the
 * leaf, or a PKCS#12 file whose leaf is the certificate of the first
 * private key (as gnutls_pkcs12_simple_parse chooses). From the leaf, the
 * chain is walked through the certificates the file holds, each link
 * checked by name and signature. What the loader cannot use is a finding
 * here, in this module's words. Where the walk
 * stops short of a self-signed root, the issuer is looked for in the CA
 * file, the CA directory and the system store: an intermediate found
 * there is one the client should have sent.
 *
 * Every name, DN, path and OID put into a finding is sanitized as a piece,
 * once; the sentence around it is the program's own text.
 */
#include "tlsladder/credcheck.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"
#include "tlsladder/sanitize.h"

#include "creds.h"
#include "crl.h"
#include "tls_internal.h"
#include "x509_internal.h"

#include <dirent.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_SECONDS 86400
#define PIECE 160        /* room for one sanitized name or path inside a sentence */

/* Where findings go. */
struct sink {
	struct credcheck_finding *out;
	size_t max, n;
};

/* ---- findings and text ---- */

/* The next finding to fill (zeroed, code set), or NULL when out is full. */
static struct credcheck_finding *finding(struct sink *s, enum credcheck_code code)
{
	struct credcheck_finding *f;

	if (!s->out || s->n >= s->max)
		return NULL;
	f = &s->out[s->n++];
	memset(f, 0, sizeof *f);
	f->code = code;
	return f;
}

/* Formats into dst (always terminated). */
static void say(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

/* Adds a finding with a formatted sentence and a fixed fix; returns it (NULL when full). */
static struct credcheck_finding *report(struct sink *s, enum credcheck_code code, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct credcheck_finding *report(struct sink *s, enum credcheck_code code, const char *fix, const char *fmt, ...)
{
	struct credcheck_finding *f = finding(s, code);
	va_list ap;

	if (!f)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(f->sentence, sizeof f->sentence, fmt, ap);
	va_end(ap);
	snprintf(f->fix, sizeof f->fix, "%s", fix);
	return f;
}

/* A path, sanitized, for a sentence. */
static void safe_path(char *dst, size_t n, const char *path)
{
	x509facts_safe_piece(dst, n, path ? path : "", path ? strlen(path) : 0);
}

/* The certificate's name for a sentence, sanitized: "CN=<first common name>", else its DN. */
static void crt_label(gnutls_x509_crt_t crt, char *out, size_t n)
{
	char small[256];
	size_t sz = sizeof small;
	int rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, small, &sz);

	if (rc == 0) {
		memcpy(out, "CN=", 4);
		x509facts_safe_piece(out + 3, n - 3, small, sz < sizeof small ? sz : sizeof small - 1);
		return;
	}
	if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER && sz > 0 && sz < CREDS_MAX_FILE) {
		char *big = malloc(sz + 1);
		size_t bsz = sz + 1;
		if (big && gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, big, &bsz) == 0) {
			memcpy(out, "CN=", 4);
			x509facts_safe_piece(out + 3, n - 3, big, bsz <= sz ? bsz : sz);
			free(big);
			return;
		}
		free(big);
	}
	x509facts_dn_safe(crt, out, n);
}

/* "2021-01-01" (UTC), or "an unknown date". */
static void date_words(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, n, "an unknown date");
}

/* Words without a final period (GnuTLS's own texts have one), into buf. */
static const char *trimmed(const char *w, char *buf, size_t n)
{
	size_t len;

	snprintf(buf, n, "%s", w ? w : "unknown error");
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '.' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return buf;
}

/* A GnuTLS error met while parsing a certificate file, in plain words. */
static const char *cert_parse_words(int rc)
{
	switch (rc) {
	case GNUTLS_E_NO_CERTIFICATE_FOUND:
	case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
	case GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
		return "it holds no certificate, neither PEM nor DER";
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_ASN1_TAG_ERROR:
	case GNUTLS_E_ASN1_DER_OVERFLOW:
		return "a certificate in it is damaged (neither valid PEM nor DER)";
	default:
		return tls_error_words(rc);
	}
}

/* A GnuTLS error met while parsing a key file, in plain words. */
static const char *key_parse_words(int rc)
{
	switch (rc) {
	case GNUTLS_E_DECRYPTION_FAILED:
		return "the key is encrypted, and an unencrypted key is needed";
	case GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
	case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
		return "it holds no private key";
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_ASN1_TAG_ERROR:
	case GNUTLS_E_ASN1_DER_OVERFLOW:
		return "the key in it is damaged, or of a kind GnuTLS cannot read";
	default:
		return tls_error_words(rc);
	}
}

/* A GnuTLS error met while parsing a PKCS#12 file, in plain words. */
static const char *p12_parse_words(int rc)
{
	switch (rc) {
	case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_ASN1_TAG_ERROR:
	case GNUTLS_E_ASN1_DER_OVERFLOW:
	case GNUTLS_E_ASN1_ELEMENT_NOT_FOUND:
		return "it is neither DER nor PEM PKCS#12 data";
	default:
		return tls_error_words(rc);
	}
}

/* Reports a file that cannot be opened; what: "certificate file", "key file", "PKCS#12 file". */
static void report_unopenable(struct sink *s, const char *what, const char *path, int err)
{
	char p[PIECE];

	safe_path(p, sizeof p, path);
	report(s, CREDCHECK_UNREADABLE, "Check the path, and that this user may read the file.",
	       "The %s '%s' cannot be read: %s.", what, p, strerror(err));
}

/* Reports a PKCS#12 file that does not open with the password given. */
static void report_p12_password(struct sink *s, const char *path)
{
	char p[PIECE];

	safe_path(p, sizeof p, path);
	report(s, CREDCHECK_UNREADABLE,
	       "Give the password the file was exported with (--p12-pass-file FILE or $TLSLADDER_P12_PASSWORD).",
	       "The PKCS#12 file '%s' does not open with the password given.", p);
}

/* Reports a PKCS#12 file that cannot be used (anything but an unopenable file). */
static void report_p12(struct sink *s, const char *path, const struct creds_status *st)
{
	char p[PIECE], words[160];

	safe_path(p, sizeof p, path);
	if (st->fail == CREDS_UNPARSABLE)
		report(s, CREDCHECK_UNREADABLE, "Give a PKCS#12 file (.p12, .pfx), or the certificate and key as PEM files.",
		       "The file '%s' is not a PKCS#12 file GnuTLS can read: %s.", p,
		       trimmed(p12_parse_words(st->rc), words, sizeof words));
	else if (st->fail == CREDS_P12_PASSWORD)
		report_p12_password(s, path);
	else if (st->fail == CREDS_P12_TOO_COSTLY)
		report(s, CREDCHECK_UNREADABLE, "Export the PKCS#12 file again with fewer key-derivation iterations (e.g. "
		       "openssl pkcs12 -export -iter 600000 -maciter).",
		       "The PKCS#12 file '%s' asks for more than %lu key-derivation rounds in all (%lu counted); it was not "
		       "opened.", p, CREDS_P12_MAX_ROUNDS, st->rounds);
	else if (st->fail == CREDS_P12_DAMAGED)
		report(s, CREDCHECK_UNREADABLE, "Export the PKCS#12 file again from the certificate chain and its key.",
		       "The PKCS#12 file '%s' is damaged: %s.", p, trimmed(tls_error_words(st->rc), words, sizeof words));
	else
		report(s, CREDCHECK_UNREADABLE, "Export the PKCS#12 file again with the client certificate, its intermediates "
		       "and its key.", "The PKCS#12 file '%s' holds no certificate.", p);
}

/* The kinds of file the credentials come from. */
enum file_kind { FILE_CERT, FILE_KEY, FILE_P12 };

/* Reports a file the loader could not use. */
static void report_load(struct sink *s, enum file_kind kind, const char *path, const struct creds_status *st)
{
	static const char *const what[] = { "certificate file", "key file", "PKCS#12 file" };
	char p[PIECE], words[160];

	if (st->fail == CREDS_UNOPENABLE) {
		report_unopenable(s, what[kind], path, st->sys_err);
		return;
	}
	if (kind == FILE_P12) {
		report_p12(s, path, st);
		return;
	}
	safe_path(p, sizeof p, path);
	if (kind == FILE_KEY)
		report(s, CREDCHECK_UNREADABLE,
		       "Give the client certificate's private key as an unencrypted PEM file ('-----BEGIN ... PRIVATE "
		       "KEY-----').",
		       "The key file '%s' cannot be used: %s.", p, trimmed(key_parse_words(st->rc), words, sizeof words));
	else
		report(s, CREDCHECK_UNREADABLE,
		       "Give a PEM file that starts with the client certificate ('-----BEGIN CERTIFICATE-----'), followed "
		       "by its intermediates.",
		       "The certificate file '%s' cannot be used: %s.", p,
		       trimmed(cert_parse_words(st->rc), words, sizeof words));
}

/* Loads the credentials the input names into c, reporting what cannot be used; false when no certificate is usable. */
static bool load_input(struct creds *c, const struct credcheck_input *in, struct sink *s)
{
	struct creds_status st = { CREDS_OK, 0, 0, 0 };

	if (in->p12_file) {
		if (creds_load_p12(c, in->p12_file, in->p12_password, &st))
			return true;
		report_load(s, FILE_P12, in->p12_file, &st);
		return false;
	}
	if (!creds_load_certs(c, in->cert_file, &st)) {
		report_load(s, FILE_CERT, in->cert_file, &st);
		return false;
	}
	if (in->key_file && !creds_load_key(c, in->key_file, &st))
		report_load(s, FILE_KEY, in->key_file, &st);
	return true;
}

/* ---- the checks ---- */

/* Key mismatch: the key against the leaf. */
static void check_key(const struct creds *c, const char *key_file, struct sink *s)
{
	gnutls_x509_crt_t leaf = c->certs[c->chain[0]];
	char name[PIECE], p[PIECE];

	if (!c->key || creds_key_matches(c->key, leaf) != 0)
		return;
	crt_label(leaf, name, sizeof name);
	if (c->p12) {
		safe_path(p, sizeof p, c->file);
		report(s, CREDCHECK_KEY_MISMATCH,
		       "Export the PKCS#12 file again from the client certificate and the key that was made with it.",
		       "The private key in the PKCS#12 file '%s' does not belong to its certificate '%s', nor to any other "
		       "certificate in it.", p, name);
	} else {
		safe_path(p, sizeof p, key_file);
		report(s, CREDCHECK_KEY_MISMATCH,
		       "Configure the private key that was made together with this certificate, or the certificate issued "
		       "for this key.",
		       "The key in '%s' does not belong to the client certificate '%s': their public keys differ.", p, name);
	}
}

/* PKCS#12 key count: none, or more than one. */
static void check_p12_keys(const struct creds *c, struct sink *s)
{
	char name[PIECE], p[PIECE];

	if (!c->p12 || c->nkeys == 1)
		return;
	safe_path(p, sizeof p, c->file);
	if (c->nkeys == 0) {
		crt_label(c->certs[c->chain[0]], name, sizeof name);
		report(s, CREDCHECK_P12_NO_KEY,
		       "Export the PKCS#12 file again with the private key (openssl pkcs12 -export -inkey KEY, or certtool "
		       "--to-p12 --load-privkey KEY).",
		       "The PKCS#12 file '%s' holds the certificate '%s' but no private key, so the client cannot prove it "
		       "owns the certificate.", p, name);
	} else {
		report(s, CREDCHECK_P12_SEVERAL_KEYS,
		       "Export the PKCS#12 file again with only the client certificate's key and its chain.",
		       "The PKCS#12 file '%s' holds %zu private keys; GnuTLS uses only the first one it finds.", p, c->nkeys);
	}
}

/* Dates of one certificate against now: the client certificate (leaf) or an intermediate. True if reported. */
static bool check_dates_one(gnutls_x509_crt_t crt, bool leaf, const char *where, time_t now, struct sink *s)
{
	const char *role = leaf ? "client certificate" : "intermediate certificate";
	time_t nb = gnutls_x509_crt_get_activation_time(crt);
	time_t na = gnutls_x509_crt_get_expiration_time(crt);
	char name[PIECE], date[32], ago[48];
	long days;

	if (nb == (time_t)-1 || na == (time_t)-1)
		return false;
	if (now > na) {
		days = (long)((now - na) / DAY_SECONDS);
		if (days == 0)
			snprintf(ago, sizeof ago, "less than a day ago");
		else
			snprintf(ago, sizeof ago, "%ld day%s ago", days, days == 1 ? "" : "s");
		crt_label(crt, name, sizeof name);
		date_words(na, date, sizeof date);
		report(s, CREDCHECK_EXPIRED,
		       leaf ? "Get a new client certificate from the CA that issued it, and configure it with its key."
			    : "Replace it with the CA's current intermediate certificate.",
		       "The %s '%s'%s expired on %s, %s.", role, name, where, date, ago);
		return true;
	}
	if (now < nb) {
		days = (long)((nb - now + DAY_SECONDS - 1) / DAY_SECONDS);
		crt_label(crt, name, sizeof name);
		date_words(nb, date, sizeof date);
		report(s, CREDCHECK_NOT_YET_VALID,
		       "Check this machine's clock; if it is right, wait until then or ask the CA for a certificate that is "
		       "valid now.",
		       "The %s '%s'%s is not valid until %s, %ld day%s from now.", role, name, where, date, days,
		       days == 1 ? "" : "s");
		return true;
	}
	return false;
}

/* Dates: the leaf; the intermediates in the file only when the leaf's dates are fine. */
static void check_dates(const struct creds *c, time_t now, struct sink *s)
{
	const char *where = c->p12 ? " in the PKCS#12 file" : " in the certificate file";

	if (check_dates_one(c->certs[c->chain[0]], true, "", now, s))
		return;
	for (size_t i = 1; i < c->nchain; i++) {
		gnutls_x509_crt_t crt = c->certs[c->chain[i]];
		if (!creds_self_issued(crt))
			check_dates_one(crt, false, where, now, s);
	}
}

/* A short name for an extended key usage OID (sanitized). */
static void eku_name(const char *oid, char *out, size_t n)
{
	static const struct {
		const char *oid, *name;
	} names[] = {
		{ GNUTLS_KP_TLS_WWW_SERVER, "serverAuth" },  { GNUTLS_KP_TLS_WWW_CLIENT, "clientAuth" },
		{ GNUTLS_KP_CODE_SIGNING, "codeSigning" },   { GNUTLS_KP_EMAIL_PROTECTION, "emailProtection" },
		{ GNUTLS_KP_TIME_STAMPING, "timeStamping" }, { GNUTLS_KP_OCSP_SIGNING, "OCSPSigning" },
		{ GNUTLS_KP_ANY, "anyExtendedKeyUsage" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(oid, names[i].oid) == 0) {
			snprintf(out, n, "%s", names[i].name);
			return;
		}
	}
	x509facts_safe_piece(out, n, oid, strlen(oid));
}

/* Appends ", piece" (or "piece" when empty) to buf, truncating safely. */
static void list_add(char *buf, size_t n, const char *piece)
{
	size_t used = strlen(buf);

	if (used + 1 < n)
		snprintf(buf + used, n - used, "%s%s", used ? ", " : "", piece);
}

/* Usage: extended key usage without clientAuth (or any), key usage without digitalSignature. */
static void check_usage(const struct creds *c, struct sink *s)
{
	static const struct {
		unsigned bit;
		const char *name;
	} kus[] = {
		{ GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature" }, { GNUTLS_KEY_NON_REPUDIATION, "nonRepudiation" },
		{ GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment" },   { GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement" },         { GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign" },
		{ GNUTLS_KEY_CRL_SIGN, "cRLSign" },                   { GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly" },
		{ GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly" },
	};
	gnutls_x509_crt_t leaf = c->certs[c->chain[0]];
	char name[PIECE], list[200] = "", piece[96];
	bool present = false, fits = false;
	unsigned usage = 0, critical = 0;

	for (unsigned i = 0; i < 64; i++) {
		char oid[128];
		size_t sz = sizeof oid;
		int rc = gnutls_x509_crt_get_key_purpose_oid(leaf, i, oid, &sz, NULL);
		if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			present = true;
			list_add(list, sizeof list, "(an over-long OID)");
			continue;
		}
		if (rc < 0)
			break;
		present = true;
		oid[sizeof oid - 1] = '\0';
		fits |= strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0 || strcmp(oid, GNUTLS_KP_ANY) == 0;
		eku_name(oid, piece, sizeof piece);
		list_add(list, sizeof list, piece);
	}
	if (present && !fits) {
		crt_label(leaf, name, sizeof name);
		report(s, CREDCHECK_WRONG_USAGE,
		       "Ask the CA for a certificate whose extended key usage includes TLS client authentication (clientAuth, "
		       "1.3.6.1.5.5.7.3.2).",
		       "The client certificate '%s' is not meant for TLS clients: its extended key usage lists %s but not "
		       "clientAuth.", name, list);
	}
	if (gnutls_x509_crt_get_key_usage(leaf, &usage, &critical) >= 0 && !(usage & GNUTLS_KEY_DIGITAL_SIGNATURE)) {
		list[0] = '\0';
		for (size_t i = 0; i < sizeof kus / sizeof kus[0]; i++)
			if (usage & kus[i].bit)
				list_add(list, sizeof list, kus[i].name);
		crt_label(leaf, name, sizeof name);
		report(s, CREDCHECK_WRONG_USAGE, "Ask the CA for a certificate whose key usage includes digitalSignature.",
		       "The client certificate '%s' may not sign: its key usage (%s) lacks digitalSignature, which a TLS "
		       "client needs to prove it holds the key.", name, list[0] ? list : "empty");
	}
}

/* An issuer of crt among the certificates of a PEM file (a certificate to deinit), or NULL. */
static gnutls_x509_crt_t issuer_in_file(const char *path, gnutls_x509_crt_t crt)
{
	gnutls_x509_crt_t list[1024], found = NULL;     /* a system bundle holds ~150 */
	gnutls_datum_t d;
	int err = 0, n;

	if (!creds_read_file(path, &d, &err))
		return NULL;
	n = creds_parse_certs(&d, list, sizeof list / sizeof list[0]);
	free(d.data);
	for (int i = 0; i < n; i++) {
		if (!found && creds_issued_by(crt, list[i]))
			found = list[i];
		else
			gnutls_x509_crt_deinit(list[i]);
	}
	return found;
}

/* True for directory entries named *.pem or *.crt. */
static int cert_file_name(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 4 && e->d_name[0] != '.' &&
	       (strcmp(e->d_name + len - 4, ".pem") == 0 || strcmp(e->d_name + len - 4, ".crt") == 0);
}

/* An issuer of crt in a directory's *.pem and *.crt files (sorted by name); *where: the file (malloc). */
static gnutls_x509_crt_t issuer_in_dir(const char *dir, gnutls_x509_crt_t crt, char **where)
{
	struct dirent **names = NULL;
	gnutls_x509_crt_t found = NULL;
	int n = scandir(dir, &names, cert_file_name, alphasort);

	for (int i = 0; i < n; i++) {
		if (!found) {
			size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
			char *path = malloc(len);
			if (path) {
				snprintf(path, len, "%s/%s", dir, names[i]->d_name);
				found = issuer_in_file(path, crt);
				if (found)
					*where = path;
				else
					free(path);
			}
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/* An issuer of crt in the system trust store (a copy to deinit), or NULL. */
static gnutls_x509_crt_t issuer_in_system(gnutls_x509_crt_t crt)
{
	gnutls_x509_trust_list_t tl;
	gnutls_x509_crt_t iss = NULL;

	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		return NULL;
	if (gnutls_x509_trust_list_add_system_trust(tl, 0, 0) > 0 &&
	    gnutls_x509_trust_list_get_issuer(tl, crt, &iss, GNUTLS_TL_GET_COPY) >= 0 && iss && !creds_issued_by(crt, iss)) {
		gnutls_x509_crt_deinit(iss);
		iss = NULL;
	}
	gnutls_x509_trust_list_deinit(tl, 1);
	return iss;
}

/* Chain: the top of the walk is not self-issued, and an intermediate (not a root) that issued it is found locally. */
static void check_chain(const struct creds *c, const struct credcheck_input *in, struct sink *s)
{
	gnutls_x509_crt_t top = c->certs[c->chain[c->nchain - 1]];
	gnutls_x509_crt_t iss = NULL;
	char *where = NULL;
	char top_name[PIECE], iss_name[PIECE], w[PIECE], fix[256];
	struct credcheck_finding *f;

	if (creds_self_issued(top))
		return;
	if (in->ca_file && (iss = issuer_in_file(in->ca_file, top)) != NULL)
		where = strdup(in->ca_file);
	if (!iss && in->ca_path)
		iss = issuer_in_dir(in->ca_path, top, &where);
	if (!iss && in->system_trust)
		iss = issuer_in_system(top);         /* where stays NULL: the system store */
	if (!iss || creds_self_issued(iss))
		goto out;      /* not found anywhere (the server may hold it), or a root: nothing is missing */

	crt_label(top, top_name, sizeof top_name);
	crt_label(iss, iss_name, sizeof iss_name);
	if (where)
		safe_path(w, sizeof w, where);
	else
		snprintf(w, sizeof w, "the system trust store");
	if (c->p12)
		say(fix, sizeof fix, "Export the PKCS#12 file again with the intermediate certificate included (found in %s).", w);
	else
		say(fix, sizeof fix, "Append the intermediate certificate (found in %s) to the certificate file, after the "
		    "client certificate.", w);
	if (c->nchain == 1)
		f = report(s, CREDCHECK_CHAIN_INCOMPLETE, fix,
			   "The %s file holds only '%s', not the intermediate '%s' that issued it; servers that trust only the "
			   "root will reject it.", c->p12 ? "PKCS#12" : "certificate", top_name, iss_name);
	else
		f = report(s, CREDCHECK_CHAIN_INCOMPLETE, fix,
			   "The chain in the %s file ends with '%s', without the intermediate '%s' that issued it; servers "
			   "that trust only the root will reject it.", c->p12 ? "PKCS#12" : "certificate", top_name, iss_name);
	if (f)
		x509facts_dn_safe(iss, f->missing_issuer, sizeof f->missing_issuer);
out:
	free(where);
	if (iss)
		gnutls_x509_crt_deinit(iss);
}

/* Revocation: the chain (as the file orders it) against the CRL files. */
static void check_revocation(const struct creds *c, const struct credcheck_input *in, struct sink *s)
{
	gnutls_x509_crt_t chain[CREDS_MAX_CERTS];
	struct crl_check_in ci = { chain, 0, in->crl_files, in->ncrl, in->ca_file, in->now ? in->now : time(NULL) };

	for (size_t i = 0; i < c->nchain && i < CREDS_MAX_CERTS; i++)
		chain[ci.nchain++] = c->certs[c->chain[i]];
	if (s->out && s->n < s->max)
		s->n += crl_check_chain(&ci, s->out + s->n, s->max - s->n);
}

/* What OpenSSL's default security level 2 asks for, in words (one sentence tail). */
#define LEVEL2 "OpenSSL's default security level 2, used by Debian, Ubuntu and RHEL,"

/* The smallest key OpenSSL's security level 2 accepts for a kind (0: no limit known here). */
static unsigned level2_bits(enum tl_key_kind k)
{
	switch (k) {
	case TL_KEY_RSA:
	case TL_KEY_RSA_PSS:
	case TL_KEY_DSA: return 2048;
	case TL_KEY_EC_P256:
	case TL_KEY_EC_P384:
	case TL_KEY_EC_P521:
	case TL_KEY_EC_OTHER: return 224;
	default: return 0;
	}
}

/* Key strength: a key of the chain under what security level 2 accepts. */
static void check_key_strength(gnutls_x509_crt_t crt, unsigned depth, const char *where, struct sink *s)
{
	unsigned bits = 0;
	enum tl_key_kind k = x509facts_key_kind(crt, &bits);
	unsigned need = level2_bits(k);
	bool ec = need == 224;
	char name[PIECE];
	struct credcheck_finding *f;

	if (!need || bits == 0 || bits >= need)
		return;
	crt_label(crt, name, sizeof name);
	f = report(s, CREDCHECK_WEAK_KEY,
		   "Make a new key (ECDSA P-256, or RSA of 2048 bits or more) and have the CA issue the certificate again "
		   "for it.",
		   "The %s '%s'%s has a %u-bit %s key. " LEVEL2 " refuses %s, so servers there reject it ('%s key too "
		   "weak' in their log).", depth ? "intermediate certificate" : "client certificate", name, where, bits,
		   notes_key_kind(k), ec ? "EC keys under 224 bits" : "RSA and DSA keys under 2048 bits",
		   depth ? "CA certificate" : "EE certificate");
	if (f) {
		f->depth = depth;
		f->key = k;
		f->key_bits = bits;
	}
}

/* Signature: a certificate (not a trust anchor) signed with SHA-1 or MD5. */
static void check_signature(gnutls_x509_crt_t crt, unsigned depth, const char *where, struct sink *s)
{
	int sign = gnutls_x509_crt_get_signature_algorithm(crt);
	gnutls_digest_algorithm_t dig = sign > 0 ? gnutls_sign_get_hash_algorithm((gnutls_sign_algorithm_t)sign)
						 : GNUTLS_DIG_UNKNOWN;
	const char *alg = sign > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sign) : NULL;
	char name[PIECE], issuer[PIECE];
	gnutls_datum_t dn = { NULL, 0 };
	struct credcheck_finding *f;

	if (creds_self_issued(crt) || (dig != GNUTLS_DIG_SHA1 && dig != GNUTLS_DIG_MD5))
		return;
	crt_label(crt, name, sizeof name);
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0 && dn.size > 0)
		x509facts_safe_piece(issuer, sizeof issuer, dn.data, dn.size);
	else
		snprintf(issuer, sizeof issuer, "(empty)");
	gnutls_free(dn.data);
	f = report(s, CREDCHECK_WEAK_SIGNATURE, "Have the CA issue the certificate again with a SHA-256 signature.",
		   "The %s '%s'%s is signed with %s (%s) by '%s'. " LEVEL2 " refuses SHA-1 and MD5 signatures on every "
		   "certificate but the trust anchor, so servers there reject it ('CA signature digest algorithm too "
		   "weak' in their log).", depth ? "intermediate certificate" : "client certificate", name, where,
		   dig == GNUTLS_DIG_SHA1 ? "SHA-1" : "MD5", alg ? alg : "?", issuer);
	if (f) {
		f->depth = depth;
		f->sha1 = dig == GNUTLS_DIG_SHA1;
	}
}

/* Strength: every key and signature of the chain the client sends (the trust anchor's signature aside). */
static void check_strength(const struct creds *c, struct sink *s)
{
	const char *where = c->p12 ? " in the PKCS#12 file" : " in the certificate file";

	for (size_t i = 0; i < c->nchain; i++)
		check_key_strength(c->certs[c->chain[i]], (unsigned)i, i ? where : "", s);
	for (size_t i = 0; i < c->nchain; i++)
		check_signature(c->certs[c->chain[i]], (unsigned)i, i ? where : "", s);
}

/* Key type: Ed25519 and Ed448 client keys, which many servers do not accept (a warning). */
static void check_key_type(const struct creds *c, struct sink *s)
{
	gnutls_x509_crt_t leaf = c->certs[c->chain[0]];
	unsigned bits = 0;
	enum tl_key_kind k = x509facts_key_kind(leaf, &bits);
	char name[PIECE];
	struct credcheck_finding *f;

	if (k != TL_KEY_ED25519 && k != TL_KEY_ED448)
		return;
	crt_label(leaf, name, sizeof name);
	f = report(s, CREDCHECK_KEY_TYPE_RARE, "Where a server refuses it, use an ECDSA P-256 or RSA key instead.",
		   "Warning: the client certificate '%s' has an %s key. Many servers do not accept Ed25519 or Ed448 client "
		   "keys: their CertificateRequest lists only RSA and ECDSA signature schemes.", name, notes_key_kind(k));
	if (f)
		f->key = k;
}

/* Runs every check. */
size_t credcheck_run(const struct credcheck_input *in, struct credcheck_finding *out, size_t max)
{
	struct sink s = { out, max, 0 };
	struct creds c;

	memset(&c, 0, sizeof c);
	if (!in || (!in->p12_file && !in->cert_file))
		return 0;
	if (!load_input(&c, in, &s)) {
		creds_free(&c);
		return s.n;
	}
	creds_order(&c);
	check_p12_keys(&c, &s);
	check_key(&c, in->key_file, &s);
	check_dates(&c, in->now ? in->now : time(NULL), &s);
	check_usage(&c, &s);
	check_chain(&c, in, &s);
	check_revocation(&c, in, &s);
	check_strength(&c, &s);
	check_key_type(&c, &s);
	creds_free(&c);
	return s.n;
}

/* The stable name of a finding's code. */
const char *credcheck_code_name(enum credcheck_code c)
{
	switch (c) {
	case CREDCHECK_KEY_MISMATCH: return "client-key-mismatch";
	case CREDCHECK_EXPIRED: return "client-cert-expired";
	case CREDCHECK_NOT_YET_VALID: return "client-cert-not-yet-valid";
	case CREDCHECK_WRONG_USAGE: return "client-cert-wrong-usage";
	case CREDCHECK_CHAIN_INCOMPLETE: return "client-cert-chain-incomplete";
	case CREDCHECK_P12_NO_KEY: return "client-p12-no-key";
	case CREDCHECK_P12_SEVERAL_KEYS: return "client-p12-several-keys";
	case CREDCHECK_UNREADABLE: return "client-cert-unreadable";
	case CREDCHECK_REVOKED: return "client-cert-revoked";
	case CREDCHECK_CRL_STALE: return "crl-stale";
	case CREDCHECK_CRL_INVALID: return "crl-invalid";
	case CREDCHECK_WEAK_KEY: return "client-cert-weak-key";
	case CREDCHECK_WEAK_SIGNATURE: return "client-cert-weak-signature";
	case CREDCHECK_KEY_TYPE_RARE: return "client-key-type-warning";
	}
	return "unknown";
}

/* Runs the checks and records the findings in the timeline. */
size_t credcheck_record(struct timeline *tl, unsigned conn, const struct session_config *cfg, const char *extra_ca_path)
{
	struct credcheck_finding f[CREDCHECK_MAX_FINDINGS];
	struct credcheck_input in;
	size_t n;

	if (!cfg->cert_file && !cfg->p12_file)
		return 0;
	memset(&in, 0, sizeof in);
	in.cert_file = cfg->cert_file;
	in.key_file = cfg->key_file;
	in.p12_file = cfg->p12_file;
	in.p12_password = cfg->p12_password;
	in.ca_file = cfg->ca_file;
	in.ca_path = cfg->ca_path ? cfg->ca_path : extra_ca_path;
	in.system_trust = cfg->system_trust;
	in.crl_files = cfg->crl_files;
	in.ncrl = cfg->ncrl;
	n = credcheck_run(&in, f, CREDCHECK_MAX_FINDINGS);
	for (size_t i = 0; i < n; i++) {
		char text[sizeof f[i].sentence + sizeof f[i].fix + 2];
		snprintf(text, sizeof text, "%s\n%s", f[i].sentence, f[i].fix);
		timeline_note_code(tl, TL_EV_DIAGNOSIS, TL_CLIENT, conn, text, (int)f[i].code + 1);
	}
	return n;
}
