/*
 * tls_internal.h: helpers shared inside src/tls/ only.
 */
#ifndef TLSLADDER_TLS_INTERNAL_H
#define TLSLADDER_TLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* A GnuTLS error code in plain words (static text). */
const char *tls_error_words(int rc);
/* The same for an error reading or writing a record (decryption failures are about records there). */
const char *tls_record_error_words(int rc);
/* An alert description in plain words: "unknown_ca (48): the server could not ..." (static buffer per thread). */
const char *tls_alert_words(int desc);
/* Sets err for a certificate/key file pair GnuTLS refused. */
void tls_files_error(int rc, const char *cert_file, const char *key_file, struct tl_error *err);

/* GnuTLS's datum holds a non-const pointer even where the library only reads
 * it: this gives read-only bytes to such a datum. */
static inline unsigned char *tls_datum_bytes(const void *p)
{
	return (unsigned char *)(uintptr_t)p;
}

#endif
