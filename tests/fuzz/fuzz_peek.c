/*
 * fuzz_peek: libFuzzer target for the quick lookups of src/core/peek.c,
 * which the capture layer runs on every handshake body as it arrives.
 *
 * Input: one flag byte (bit 0: read the TLS 1.3 forms), then the body.
 * Every peek function reads the body (one input exercises them all), and
 * the spans they return must lie inside it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tlsladder/peek.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SPANS 8

/* Aborts when a span leaves the body [p, p + n). */
static void inside(const struct peek_span *s, const uint8_t *p, size_t n, const char *what)
{
	if (s->p < p || s->p > p + n || s->n > (size_t)(p + n - s->p)) {
		fprintf(stderr, "fuzz_peek: %s span outside the body\n", what);
		abort();
	}
}

/* The certificate lookups: spans of certificates and of their names. */
static void certificates(const uint8_t *p, size_t n, bool tls13)
{
	struct peek_span certs[MAX_SPANS], names[MAX_SPANS], issuer, subject;
	unsigned count;
	int k;

	(void)peek_certificate_count(p, n, tls13, &count);
	k = peek_certificates(p, n, tls13, certs, MAX_SPANS);
	for (int i = 0; i < k; i++) {
		inside(&certs[i], p, n, "certificate");
		if (peek_cert_names(certs[i].p, certs[i].n, &issuer, &subject)) {
			inside(&issuer, certs[i].p, certs[i].n, "issuer");
			inside(&subject, certs[i].p, certs[i].n, "subject");
		}
	}
	k = peek_cr_ca_names(p, n, tls13, names, MAX_SPANS);
	for (int i = 0; i < k; i++)
		inside(&names[i], p, n, "CA name");
	{
		unsigned schemes[MAX_SPANS];
		int m = peek_cr_sigschemes(p, n, tls13, schemes, MAX_SPANS);
		if (m > MAX_SPANS || m < -1)
			abort();
		for (int i = 0; i < m; i++)
			if (schemes[i] > 0xffff)
				abort();
	}
	if (peek_cert_names(p, n, &issuer, &subject)) {
		inside(&issuer, p, n, "issuer");
		inside(&subject, p, n, "subject");
	}
}

/* One input: every peek function over the body. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peek_server_hello sh;
	uint8_t sid[32];
	size_t sid_len = 0;
	unsigned versions[4], group, scheme;
	const uint8_t *p;
	size_t n;
	bool tls13;
	int k;

	if (size < 1)
		return 0;
	tls13 = data[0] & 1;
	p = data + 1;
	n = size - 1;
	if (peek_server_hello(p, n, &sh) && sh.session_id_len > sizeof sh.session_id)
		abort();
	if (peek_client_hello_session_id(p, n, sid, &sid_len) && sid_len > sizeof sid)
		abort();
	k = peek_client_hello_versions(p, n, versions, 4);
	if (k < 0 || k > 4)
		abort();
	(void)peek_ske_ecdhe(p, n, &group, &scheme);
	(void)peek_cert_verify(p, n, &scheme);
	if (n >= 32)
		(void)peek_is_hrr_random(p);
	certificates(p, n, tls13);
	return 0;
}
