/*
 * crl.c: certificate revocation lists (see crl.h). Loading: a file of PEM
 * blocks or one DER CRL, into a list or into credentials. Checking: each
 * CRL's signature under its issuer (found in the chain or the CA file) and
 * its next update; then each certificate of the chain through GnuTLS's
 * own revocation check, the CRL's entry read for the date.
 *
 * Every DN, serial and path put into a finding is sanitized as a piece;
 * the sentence around it is the program's own text.
 */
#include "crl.h"
#include "tls_internal.h"
#include "x509_internal.h"
#include "tlsladder/sanitize.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRL_MAX 64          /* CRLs examined in one check (all files together) */
#define CA_MAX 64           /* certificates of the CA file used as CRL issuers */
#define PIECE 160           /* room for one sanitized name or path inside a sentence */
#define DAY_SECONDS 86400

/* ---- loading ---- */

/* Frees a list crl_load_file made. */
void crl_free_list(gnutls_x509_crl_t *crls, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crl_deinit(crls[i]);
	gnutls_free(crls);
}

/* One DER CRL from d into a new list of one. */
static int import_der(const gnutls_datum_t *d, gnutls_x509_crl_t **crls, unsigned *n)
{
	gnutls_x509_crl_t crl;
	int rc;

	if ((rc = gnutls_x509_crl_init(&crl)) < 0)
		return rc;
	if ((rc = gnutls_x509_crl_import(crl, d, GNUTLS_X509_FMT_DER)) < 0 || !(*crls = gnutls_malloc(sizeof **crls))) {
		gnutls_x509_crl_deinit(crl);
		return rc < 0 ? rc : GNUTLS_E_MEMORY_ERROR;
	}
	(*crls)[0] = crl;
	*n = 1;
	return 0;
}

/* True when tag (len bytes) occurs in d. */
static bool holds(const gnutls_datum_t *d, const char *tag, size_t len)
{
	for (size_t i = 0; i + len <= d->size; i++)
		if (d->data[i] == (unsigned char)tag[0] && memcmp(d->data + i, tag, len) == 0)
			return true;
	return false;
}

/* Loads every CRL of one file. */
int crl_load_file(const char *path, gnutls_x509_crl_t **crls, unsigned *n, struct tl_error *err)
{
	static const char pem_tag[] = "-----BEGIN X509 CRL-----";
	gnutls_datum_t d = { NULL, 0 };
	FILE *f = fopen(path, "rb");
	bool pem;
	int rc;

	*crls = NULL;
	*n = 0;
	if (!f)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the CRL file cannot be read: %s", path, strerror(errno));
	fclose(f);
	if ((rc = gnutls_load_file(path, &d)) < 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the CRL file cannot be read: %s", path, tls_error_words(rc));
	pem = holds(&d, pem_tag, sizeof pem_tag - 1);
	if (pem)
		rc = gnutls_x509_crl_list_import2(crls, n, &d, GNUTLS_X509_FMT_PEM, 0);
	else
		rc = import_der(&d, crls, n);
	gnutls_free(d.data);
	if (rc < 0 || *n == 0) {
		if (*crls)
			crl_free_list(*crls, *n);
		*crls = NULL;
		*n = 0;
		if (pem)
			return tl_error_set(err, TL_EXIT_FILES, "%s: a PEM \"X509 CRL\" block in this file cannot be read: %s",
					    path, rc < 0 ? tls_error_words(rc) : "it holds none");
		return tl_error_set(err, TL_EXIT_FILES, "%s: no CRL could be read from this file: it holds no PEM \"X509 "
				    "CRL\" block and is not one DER CRL", path);
	}
	return 0;
}

/* Adds the CRLs of cfg's files to the credentials. */
int crl_load_creds(gnutls_certificate_credentials_t cred, const struct session_config *cfg, struct tl_error *err)
{
	for (size_t i = 0; i < cfg->ncrl; i++) {
		gnutls_x509_crl_t *crls;
		unsigned n;
		int rc;

		if (crl_load_file(cfg->crl_files[i], &crls, &n, err) < 0)
			return -1;
		rc = gnutls_certificate_set_x509_crl(cred, crls, (int)n);     /* copies them */
		crl_free_list(crls, n);
		if (rc < 0)
			return tl_error_set(err, TL_EXIT_FILES, "%s: its CRLs could not be used: %s", cfg->crl_files[i],
					    tls_error_words(rc));
	}
	return 0;
}

/* ---- words ---- */

/* A CRL's issuer DN, sanitized. */
static void crl_issuer(gnutls_x509_crl_t crl, char *out, size_t n)
{
	gnutls_datum_t d = { NULL, 0 };

	if (gnutls_x509_crl_get_issuer_dn3(crl, &d, 0) < 0 || d.size == 0)
		snprintf(out, n, "(empty)");
	else
		x509facts_safe_piece(out, n, d.data, d.size);
	gnutls_free(d.data);
}

/* "2024-06-01" (UTC), or "an unknown date". */
static void date_words(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (t == (time_t)-1 || !gmtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, n, "an unknown date");
}

/* A serial number as colon-separated hex ("38:40:c3"). */
static void serial_words(const unsigned char *s, size_t len, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < len && used + 4 < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%02x", i ? ":" : "", s[i]);
}

/* Fills a finding (NULL when out is full). */
static struct credcheck_finding *report(struct credcheck_finding *out, size_t max, size_t *k, enum credcheck_code code,
					const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static struct credcheck_finding *report(struct credcheck_finding *out, size_t max, size_t *k, enum credcheck_code code,
					const char *fix, const char *fmt, ...)
{
	struct credcheck_finding *f;
	va_list ap;

	if (*k >= max)
		return NULL;
	f = &out[(*k)++];
	memset(f, 0, sizeof *f);
	f->code = code;
	va_start(ap, fmt);
	vsnprintf(f->sentence, sizeof f->sentence, fmt, ap);
	va_end(ap);
	snprintf(f->fix, sizeof f->fix, "%s", fix);
	return f;
}

/* ---- checking ---- */

/* The CRLs of every file, with where each came from and what its check found. */
struct crl_pool {
	gnutls_x509_crl_t crl[CRL_MAX];
	size_t file[CRL_MAX];          /* index into the files */
	bool usable[CRL_MAX];          /* its signature verified, or its issuer is not known here */
	bool checked[CRL_MAX];         /* its signature was verified */
	unsigned n;
	gnutls_x509_crt_t ca[CA_MAX];  /* the CA file's certificates */
	unsigned nca;
};

/* Reads the CRL files (unreadable ones skipped) and the CA file into the pool. */
static void pool_fill(struct crl_pool *p, const struct crl_check_in *in)
{
	gnutls_x509_crt_t *cas = NULL;
	unsigned nca = 0;
	gnutls_datum_t d = { NULL, 0 };

	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < in->nfiles; i++) {
		gnutls_x509_crl_t *crls;
		unsigned n;
		struct tl_error e;

		if (crl_load_file(in->files[i], &crls, &n, &e) < 0)
			continue;
		for (unsigned j = 0; j < n; j++) {
			if (p->n < CRL_MAX) {
				p->file[p->n] = i;
				p->crl[p->n++] = crls[j];
			} else {
				gnutls_x509_crl_deinit(crls[j]);
			}
		}
		gnutls_free(crls);
	}
	if (in->ca_file && gnutls_load_file(in->ca_file, &d) >= 0 &&
	    gnutls_x509_crt_list_import2(&cas, &nca, &d, GNUTLS_X509_FMT_PEM, 0) >= 0) {
		for (unsigned j = 0; j < nca; j++) {
			if (p->nca < CA_MAX)
				p->ca[p->nca++] = cas[j];
			else
				gnutls_x509_crt_deinit(cas[j]);
		}
		gnutls_free(cas);
	}
	gnutls_free(d.data);
}

/* Frees the pool. */
static void pool_free(struct crl_pool *p)
{
	for (unsigned i = 0; i < p->n; i++)
		gnutls_x509_crl_deinit(p->crl[i]);
	for (unsigned i = 0; i < p->nca; i++)
		gnutls_x509_crt_deinit(p->ca[i]);
}

/* The issuer of a CRL among the chain and the CA file, or NULL. */
static gnutls_x509_crt_t crl_signer(const struct crl_pool *p, const struct crl_check_in *in, gnutls_x509_crl_t crl)
{
	for (unsigned i = 0; i < in->nchain; i++)
		if (gnutls_x509_crl_check_issuer(crl, in->chain[i]))
			return in->chain[i];
	for (unsigned i = 0; i < p->nca; i++)
		if (gnutls_x509_crl_check_issuer(crl, p->ca[i]))
			return p->ca[i];
	return NULL;
}

/* True when the CRL's signature verifies under signer (its dates are judged apart). */
static bool crl_signature_ok(gnutls_x509_crl_t crl, gnutls_x509_crt_t signer)
{
	const unsigned dates = GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED | GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE;
	unsigned status = 0;

	if (gnutls_x509_crl_verify(crl, &signer, 1, 0, &status) < 0)
		return false;
	/* a date fault alone also sets GNUTLS_CERT_INVALID */
	if (status & dates)
		status &= ~(dates | (unsigned)GNUTLS_CERT_INVALID);
	return status == 0;
}

/* Judges each CRL: its signature (CREDCHECK_CRL_INVALID: not used) and its next update (CREDCHECK_CRL_STALE). */
static void judge_crls(struct crl_pool *p, const struct crl_check_in *in, struct credcheck_finding *out, size_t max,
		       size_t *k)
{
	for (unsigned i = 0; i < p->n; i++) {
		gnutls_x509_crt_t signer = crl_signer(p, in, p->crl[i]);
		char iss[PIECE], path[PIECE], when[32];
		time_t next = gnutls_x509_crl_get_next_update(p->crl[i]);

		crl_issuer(p->crl[i], iss, sizeof iss);
		x509facts_safe_piece(path, sizeof path, in->files[p->file[i]], strlen(in->files[p->file[i]]));
		p->usable[i] = true;
		if (signer && !crl_signature_ok(p->crl[i], signer)) {
			p->usable[i] = false;
			report(out, max, k, CREDCHECK_CRL_INVALID,
			       "Fetch the CRL again from its CA: this copy is damaged, or it is not the CA's.",
			       "The CRL of '%s' in %s does not verify under that CA's key, so it was not used.", iss, path);
			continue;
		}
		p->checked[i] = signer != NULL;
		if (next != (time_t)-1 && next < in->now) {
			date_words(next, when, sizeof when);
			report(out, max, k, CREDCHECK_CRL_STALE,
			       "Fetch the CA's current CRL: servers check against a newer one, which may say otherwise.",
			       "The CRL of '%s' in %s is stale: its next update was due on %s, %ld days ago.", iss, path, when,
			       (long)((in->now - next) / DAY_SECONDS));
		}
	}
}

/* The revocation date of crt in crl (-1 when it is not listed there). */
static time_t revoked_at(gnutls_x509_crl_t crl, gnutls_x509_crt_t crt, unsigned char *serial, size_t *slen)
{
	int count = gnutls_x509_crl_get_crt_count(crl);

	*slen = 64;
	if (gnutls_x509_crt_get_serial(crt, serial, slen) < 0)
		*slen = 0;
	for (int i = 0; i < count; i++) {
		unsigned char s[64];
		size_t sl = sizeof s;
		time_t t;
		if (gnutls_x509_crl_get_crt_serial(crl, (unsigned)i, s, &sl, &t) == 0 && sl == *slen &&
		    memcmp(s, serial, sl) == 0)
			return t;
	}
	return (time_t)-1;
}

/* Reports certificate `at` of the chain revoked by CRL ci of the pool. */
static void report_revoked(const struct crl_pool *p, const struct crl_check_in *in, unsigned at, unsigned ci,
			   struct credcheck_finding *out, size_t max, size_t *k)
{
	char subj[PIECE], iss[PIECE], path[PIECE], ser[3 * 64], when[32], issued[32];
	unsigned char serial[64];
	size_t slen;
	time_t t = revoked_at(p->crl[ci], in->chain[at], serial, &slen);

	x509facts_dn_safe(in->chain[at], subj, sizeof subj);
	crl_issuer(p->crl[ci], iss, sizeof iss);
	x509facts_safe_piece(path, sizeof path, in->files[p->file[ci]], strlen(in->files[p->file[ci]]));
	serial_words(serial, slen, ser, sizeof ser);
	date_words(t, when, sizeof when);
	date_words(gnutls_x509_crl_get_this_update(p->crl[ci]), issued, sizeof issued);
	if (at == 0)
		report(out, max, k, CREDCHECK_REVOKED,
		       "Ask the CA for a new client certificate (with a new key if the old one may have leaked): a "
		       "revoked certificate stays revoked.",
		       "The client certificate '%s' (serial %s) was revoked on %s: the CRL of '%s' (%s, issued %s) lists it%s.",
		       subj, ser, when, iss, path, issued,
		       p->checked[ci] ? "" : "; the CRL's signature was not checked (its CA is in neither the chain nor the CA file)");
	else
		report(out, max, k, CREDCHECK_REVOKED,
		       "Ask the CA for a client certificate issued under a CA certificate that is not revoked, and send "
		       "that chain.",
		       "The intermediate CA certificate '%s' (serial %s) in the client's chain was revoked on %s: the CRL of "
		       "'%s' (%s, issued %s) lists it, so servers that check revocation refuse what it issued.",
		       subj, ser, when, iss, path, issued);
}

/* Checks the chain against the CRLs. */
size_t crl_check_chain(const struct crl_check_in *in, struct credcheck_finding *out, size_t max)
{
	struct crl_pool *p;
	size_t k = 0;

	if (!in->nfiles || !in->nchain || !(p = malloc(sizeof *p)))
		return 0;
	pool_fill(p, in);
	judge_crls(p, in, out, max, &k);
	for (unsigned at = 0; at < in->nchain; at++) {
		for (unsigned ci = 0; ci < p->n; ci++) {
			/* GnuTLS's verdict, one CRL at a time, so the CRL that lists it is known */
			if (p->usable[ci] && gnutls_x509_crt_check_revocation(in->chain[at], &p->crl[ci], 1) == 1) {
				report_revoked(p, in, at, ci, out, max, &k);
				break;
			}
		}
	}
	pool_free(p);
	free(p);
	return k;
}
