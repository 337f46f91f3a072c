/*
 * crl.h: certificate revocation lists (--crl FILE), shared inside src/tls/
 * by the endpoint (creds.c: the peer's chain is verified against them) and
 * the pre-flight checks (credcheck.c: the client's own chain).
 *
 * A file holds any number of PEM "X509 CRL" blocks, or one DER CRL. The
 * revocation verdict is GnuTLS's own (gnutls_x509_crt_check_revocation);
 * the CRL's entry is then read for its date. GnuTLS 3.7 has no call that
 * reads an entry's reason code, so none is shown.
 */
#ifndef TLSLADDER_TLS_CRL_H
#define TLSLADDER_TLS_CRL_H

#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tlsladder/credcheck.h"
#include "tlsladder/errors.h"
#include "tlsladder/session.h"

/* Loads every CRL of one file into a new list (crl_free_list frees it). 0, or -1 with err (TL_EXIT_FILES). */
int crl_load_file(const char *path, gnutls_x509_crl_t **crls, unsigned *n, struct tl_error *err);
/* Frees a list crl_load_file made. */
void crl_free_list(gnutls_x509_crl_t *crls, unsigned n);
/* Adds the CRLs of cfg's files to the credentials' trust list. 0, or -1 with err (TL_EXIT_FILES). */
int crl_load_creds(gnutls_certificate_credentials_t cred, const struct session_config *cfg, struct tl_error *err);

/* What the pre-flight check of a chain against CRL files needs. */
struct crl_check_in {
	const gnutls_x509_crt_t *chain;     /* leaf first, in issuing order */
	unsigned nchain;
	const char *const *files;           /* the CRL files */
	size_t nfiles;
	const char *ca_file;                /* more CRL issuers to verify the CRLs' signatures with (or NULL) */
	time_t now;
};

/*
 * Checks each certificate of the chain against the CRLs: CREDCHECK_REVOKED
 * for a revoked one (its subject, serial, revocation date and the CRL's
 * issuer), CREDCHECK_CRL_INVALID for a CRL whose signature does not verify
 * under its issuer found in the chain or the CA file (it is then not used),
 * CREDCHECK_CRL_STALE for one past its next update. Unreadable files are
 * skipped here (the endpoint reports them). Returns the number of findings
 * written to out (at most max).
 */
size_t crl_check_chain(const struct crl_check_in *in, struct credcheck_finding *out, size_t max);

#endif
