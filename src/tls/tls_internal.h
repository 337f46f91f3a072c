/*
 * tls_internal.h: helpers shared inside src/tls/ only.
 */
#ifndef TLSLADDER_TLS_INTERNAL_H
#define TLSLADDER_TLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* A GnuTLS error code in plain words (static text). */
const char *tls_error_words(int rc);
/* An alert description in plain words: "unknown_ca (48): the server could not ..." (static buffer per thread). */
const char *tls_alert_words(int desc);
/* Why a handshake failed, in plain words, from the side's point of view. */
void tls_failure_words(int rc, enum tl_side self, bool cancelled, bool timed_out, char *out, size_t n);
/* Sets err for a certificate/key file pair GnuTLS refused. */
void tls_files_error(int rc, const char *cert_file, const char *key_file, struct tl_error *err);

#endif
