/*
 * creds.c: the credentials of an endpoint. The trust anchors (CA file, CA
 * directory, system store) and the own chain and key (PEM files or a
 * PKCS#12 file) are loaded into the endpoint's GnuTLS credentials; a
 * client's chain and key are also kept for the certificate callback
 * (certcb.c), and the demo's key-mismatch lesson loads a key that does not
 * belong to its chain.
 */
#include "conn.h"
#include "tls_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The demo's key-mismatch lesson: loads the chain and a key that does not
 * belong to it separately (GnuTLS refuses the pair), so the handshake runs
 * and the server sees a CertificateVerify that does not check out.
 */
static int load_mismatched(struct endpoint *ep, struct tl_error *err)
{
	gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 };
	unsigned n = 16;
	int rc;

	ep->pcerts = calloc(n, sizeof *ep->pcerts);
	if (!ep->pcerts)
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	if ((rc = gnutls_load_file(ep->cfg.cert_file, &cert)) < 0 || (rc = gnutls_load_file(ep->cfg.key_file, &key)) < 0 ||
	    (rc = gnutls_pcert_list_import_x509_raw(ep->pcerts, &n, &cert, GNUTLS_X509_FMT_PEM, 0)) < 0 ||
	    (rc = gnutls_x509_crt_list_import2(&ep->crts, &n, &cert, GNUTLS_X509_FMT_PEM, 0)) < 0 ||
	    (rc = gnutls_privkey_init(&ep->privkey)) < 0 ||
	    (rc = gnutls_privkey_import_x509_raw(ep->privkey, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		gnutls_free(cert.data);
		gnutls_free(key.data);
		return tl_error_set(err, TL_EXIT_FILES, "%s / %s: %s", ep->cfg.cert_file, ep->cfg.key_file, tls_error_words(rc));
	}
	gnutls_free(cert.data);
	gnutls_free(key.data);
	ep->npcerts = n;
	gnutls_certificate_set_retrieve_function2(ep->cred, certcb_retrieve);
	return 0;
}

/* Loads the client's chain and key for the retrieve callback (after the credentials loaded them). */
int creds_client_chain(struct endpoint *ep, struct tl_error *err)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	gnutls_x509_privkey_t key = NULL;
	int rc;

	if ((rc = gnutls_certificate_get_x509_crt(ep->cred, 0, &crts, &n)) < 0 || n == 0 ||
	    (rc = gnutls_certificate_get_x509_key(ep->cred, 0, &key)) < 0)
		return tl_error_set(err, TL_EXIT_FILES, "the client certificate could not be prepared: %s", tls_error_words(rc));
	ep->crts = crts;
	ep->pcerts = calloc(n, sizeof *ep->pcerts);
	if (!ep->pcerts || gnutls_privkey_init(&ep->privkey) < 0 ||
	    gnutls_privkey_import_x509(ep->privkey, key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0) {
		gnutls_x509_privkey_deinit(key);
		for (unsigned i = 0; i < n; i++)
			gnutls_x509_crt_deinit(crts[i]);
		gnutls_free(crts);
		ep->crts = NULL;
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	}
	for (unsigned i = 0; i < n; i++) {
		if (gnutls_pcert_import_x509(&ep->pcerts[i], crts[i], 0) < 0) {
			for (unsigned k = 0; k < i; k++)
				gnutls_pcert_deinit(&ep->pcerts[k]);
			for (unsigned k = 0; k < n; k++)
				gnutls_x509_crt_deinit(crts[k]);
			gnutls_free(crts);
			ep->crts = NULL;
			return tl_error_set(err, TL_EXIT_FILES, "the client certificate could not be prepared");
		}
	}
	ep->npcerts = n;
	gnutls_certificate_set_retrieve_function2(ep->cred, certcb_retrieve);
	return 0;
}

/* Loads the trust anchors: the CA file, the CA directory, the system store. */
static int load_trust(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;
	int rc;

	if (cfg->ca_file && (rc = gnutls_certificate_set_x509_trust_file(ep->cred, cfg->ca_file, GNUTLS_X509_FMT_PEM)) <= 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: no CA certificate could be read from this file%s%s", cfg->ca_file,
				    rc < 0 ? ": " : "", rc < 0 ? tls_error_words(rc) : "");
	if (cfg->ca_path && (rc = gnutls_certificate_set_x509_trust_dir(ep->cred, cfg->ca_path, GNUTLS_X509_FMT_PEM)) <= 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: no CA certificate could be read from this directory", cfg->ca_path);
	if (cfg->system_trust && (rc = gnutls_certificate_set_x509_system_trust(ep->cred)) < 0)
		return tl_error_set(err, TL_EXIT_FILES, "the system's trusted CA certificates could not be loaded: %s",
				    tls_error_words(rc));
	return 0;
}

/* Loads the own chain and key from a PKCS#12 file (DER, else PEM). */
static int load_p12_file(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;
	int rc = gnutls_certificate_set_x509_simple_pkcs12_file(ep->cred, cfg->p12_file, GNUTLS_X509_FMT_DER,
								cfg->p12_password ? cfg->p12_password : "");

	if (rc == GNUTLS_E_BASE64_DECODING_ERROR || rc == GNUTLS_E_ASN1_DER_ERROR || rc == GNUTLS_E_ASN1_TAG_ERROR)
		rc = gnutls_certificate_set_x509_simple_pkcs12_file(ep->cred, cfg->p12_file, GNUTLS_X509_FMT_PEM,
								    cfg->p12_password ? cfg->p12_password : "");
	if (rc >= 0)
		return 0;
	if (rc == GNUTLS_E_MAC_VERIFY_FAILED || rc == GNUTLS_E_DECRYPTION_FAILED)
		return tl_error_set(err, TL_EXIT_FILES, "%s: wrong password for this PKCS#12 file", cfg->p12_file);
	if (rc == GNUTLS_E_FILE_ERROR)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the file could not be read", cfg->p12_file);
	return tl_error_set(err, TL_EXIT_FILES, "%s: not a PKCS#12 file (.p12/.pfx) that can be used", cfg->p12_file);
}

/* Loads the own chain and key from PEM files (the demo may load a key that does not belong). */
static int load_pem_files(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;
	int rc;

	if (!cfg->cert_file || !cfg->key_file)
		return tl_error_set(err, TL_EXIT_USAGE, "a certificate needs its private key and a key needs its certificate");
	rc = gnutls_certificate_set_x509_key_file(ep->cred, cfg->cert_file, cfg->key_file, GNUTLS_X509_FMT_PEM);
	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH && cfg->allow_key_mismatch && cfg->side == TL_CLIENT)
		return load_mismatched(ep, err) < 0 ? -1 : 0;
	if (rc < 0) {
		tls_files_error(rc, cfg->cert_file, cfg->key_file, err);
		return -1;
	}
	return 0;
}

/* Loads the trust anchors and the own credentials of the endpoint's configuration. */
int creds_load(struct endpoint *ep, struct tl_error *err)
{
	const struct session_config *cfg = &ep->cfg;

	if (load_trust(ep, err) < 0)
		return -1;
	if (cfg->p12_file)
		return load_p12_file(ep, err);
	if (cfg->cert_file || cfg->key_file)
		return load_pem_files(ep, err);
	if (cfg->side == TL_SERVER)
		return tl_error_set(err, TL_EXIT_USAGE, "a server needs a certificate and a private key");
	return 0;
}
