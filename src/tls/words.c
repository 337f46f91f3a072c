/*
 * words.c: GnuTLS error codes translated into the plain words a person
 * reads. GnuTLS's own strerror texts are for developers ("An unexpected TLS
 * packet was received."); these say what happened.
 */
#include "tls_internal.h"
#include "tlsladder/names.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>

/* A GnuTLS error in plain words. */
const char *tls_error_words(int rc)
{
	switch (rc) {
	case GNUTLS_E_UNEXPECTED_PACKET:
		return "the peer answered with something that is not TLS (plain HTTP or SSH?)";
	case GNUTLS_E_PREMATURE_TERMINATION:
		return "the peer closed the connection in the middle of the handshake";
	case GNUTLS_E_PULL_ERROR:
		return "the connection was reset or broke while waiting for the peer";
	case GNUTLS_E_PUSH_ERROR:
		return "the connection was reset or broke while sending to the peer";
	case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
		return "the peer sent a cut-off or malformed TLS record";
	case GNUTLS_E_TIMEDOUT:
		return "the peer did not answer in time";
	case GNUTLS_E_NO_CIPHER_SUITES:
	case GNUTLS_E_INSUFFICIENT_CREDENTIALS:
		return "no cipher suite both sides accept (or none that fits the certificate)";
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
		return "the two sides have no TLS version in common";
	case GNUTLS_E_NO_COMMON_KEY_SHARE:
		return "the two sides have no key exchange group in common";
	case GNUTLS_E_CERTIFICATE_ERROR:
	case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
		return "the peer's certificate did not pass verification";
	case GNUTLS_E_CERTIFICATE_REQUIRED:
	case GNUTLS_E_NO_CERTIFICATE_FOUND:
		return "a certificate was required but none was sent";
	case GNUTLS_E_FILE_ERROR:
		return "the file could not be read";
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_ASN1_TAG_ERROR:
		return "the file is not in the expected PEM format";
	case GNUTLS_E_CERTIFICATE_KEY_MISMATCH:
		return "the private key does not belong to the certificate";
	case GNUTLS_E_DECRYPTION_FAILED:
		return "the key file is encrypted and could not be decrypted";
	case GNUTLS_E_MEMORY_ERROR:
		return "out of memory";
	default:
		return gnutls_strerror(rc);
	}
}

/* A GnuTLS error from the record layer (a handshake or data record) in plain words: there
 * GNUTLS_E_DECRYPTION_FAILED means a record that did not decrypt, not a key file. */
const char *tls_record_error_words(int rc)
{
	if (rc == GNUTLS_E_DECRYPTION_FAILED)
		return "a record from the peer failed decryption (its integrity check did not pass): the two sides "
		       "derived different keys, or the record was altered on the way";
	return tls_error_words(rc);
}

/* An alert description in plain words. */
const char *tls_alert_words(int desc)
{
	static _Thread_local char buf[320];
	const char *name = names_alert((unsigned)desc);
	const char *meaning = names_alert_meaning((unsigned)desc);

	snprintf(buf, sizeof buf, "alert %s (%d)%s%s", name ? name : "unknown", desc, meaning ? ": " : "",
		 meaning ? meaning : "");
	return buf;
}

/* Says which of a certificate/key pair is unusable and why. */
void tls_files_error(int rc, const char *cert_file, const char *key_file, struct tl_error *err)
{
	gnutls_datum_t data = { NULL, 0 };
	gnutls_x509_crt_t *crts = NULL;
	gnutls_x509_privkey_t key = NULL;
	unsigned n = 0;

	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
		tl_error_set(err, TL_EXIT_FILES, "%s does not belong to %s: the key and certificate do not match", key_file,
			     cert_file);
		return;
	}
	/* find out which file is at fault */
	if (gnutls_load_file(cert_file, &data) < 0) {
		tl_error_set(err, TL_EXIT_FILES, "%s: the certificate file could not be read", cert_file);
		return;
	}
	if (gnutls_x509_crt_list_import2(&crts, &n, &data, GNUTLS_X509_FMT_PEM, 0) < 0 || n == 0) {
		gnutls_free(data.data);
		tl_error_set(err, TL_EXIT_FILES, "%s: no PEM certificate in this file", cert_file);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	gnutls_free(data.data);
	data.data = NULL;
	if (gnutls_load_file(key_file, &data) < 0) {
		tl_error_set(err, TL_EXIT_FILES, "%s: the key file could not be read", key_file);
		return;
	}
	if (gnutls_x509_privkey_init(&key) == 0) {
		int k = gnutls_x509_privkey_import2(key, &data, GNUTLS_X509_FMT_PEM, NULL, 0);
		gnutls_x509_privkey_deinit(key);
		gnutls_free(data.data);
		if (k == GNUTLS_E_DECRYPTION_FAILED) {
			tl_error_set(err, TL_EXIT_FILES, "%s: the private key is encrypted with a password", key_file);
			return;
		}
		if (k < 0) {
			tl_error_set(err, TL_EXIT_FILES, "%s: no PEM private key in this file", key_file);
			return;
		}
	} else {
		gnutls_free(data.data);
	}
	tl_error_set(err, TL_EXIT_FILES, "%s / %s: %s", cert_file, key_file, tls_error_words(rc));
}
