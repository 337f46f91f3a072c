/*
 * peek.c: single facts from raw handshake bodies (see peek.h).
 * Every read goes through the bounds-checked reader.
 */
#include "tlsladder/peek.h"
#include "tlsladder/names.h"
#include "tlsladder/reader.h"
#include "tlsladder/wire.h"

#include <string.h>

static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* True for the HelloRetryRequest random. */
bool peek_is_hrr_random(const uint8_t *random32)
{
	return memcmp(random32, hrr_random, sizeof hrr_random) == 0;
}

/* Reads the fields of a ServerHello or HelloRetryRequest. */
bool peek_server_hello(const uint8_t *p, size_t n, struct peek_server_hello *out)
{
	struct reader r, sid, exts;
	const uint8_t *random;
	unsigned comp;

	memset(out, 0, sizeof *out);
	reader_init(&r, p, n);
	reader_u16(&r, &out->legacy_version);
	if (!reader_bytes(&r, 32, &random))
		return false;
	out->is_hrr = peek_is_hrr_random(random);
	reader_vec(&r, 1, &sid);
	reader_u16(&r, &out->cipher_suite);
	reader_u8(&r, &comp);
	if (r.failed || sid.n > sizeof out->session_id)
		return false;
	memcpy(out->session_id, sid.p, sid.n);
	out->session_id_len = sid.n;
	out->version = out->legacy_version;
	if (reader_left(&r) == 0)
		return true;
	if (!reader_vec(&r, 2, &exts))
		return false;
	while (reader_left(&exts) > 0) {
		unsigned type, v;
		struct reader body;

		if (!reader_u16(&exts, &type) || !reader_vec(&exts, 2, &body))
			return false;
		if (type == WIRE_EXT_SUPPORTED_VERSIONS && reader_u16(&body, &v))
			out->version = v;
		else if (type == WIRE_EXT_KEY_SHARE && reader_u16(&body, &v))   /* the group comes first */
			out->group = v;
		else if (type == WIRE_EXT_PRE_SHARED_KEY)
			out->psk = true;
		else if (type == WIRE_EXT_EXTENDED_MASTER_SECRET)
			out->ems = true;
	}
	return true;
}

/* Session id of a ClientHello. */
bool peek_client_hello_session_id(const uint8_t *p, size_t n, uint8_t *sid, size_t *sid_len)
{
	struct reader r, s;

	reader_init(&r, p, n);
	reader_skip(&r, 2 + 32);
	if (!reader_vec(&r, 1, &s) || s.n > 32)
		return false;
	memcpy(sid, s.p, s.n);
	*sid_len = s.n;
	return true;
}

/* Named group and signature scheme of an ECDHE ServerKeyExchange. */
bool peek_ske_ecdhe(const uint8_t *p, size_t n, unsigned *group, unsigned *sigscheme)
{
	struct reader r, point;
	unsigned curve_type;

	reader_init(&r, p, n);
	if (!reader_u8(&r, &curve_type) || curve_type != 3)   /* named_curve */
		return false;
	reader_u16(&r, group);
	reader_vec(&r, 1, &point);
	reader_u16(&r, sigscheme);
	return !r.failed;
}

/* Signature scheme of a CertificateVerify. */
bool peek_cert_verify(const uint8_t *p, size_t n, unsigned *sigscheme)
{
	struct reader r;

	reader_init(&r, p, n);
	return reader_u16(&r, sigscheme);
}

/* Counts the certificates in a Certificate message. */
bool peek_certificate_count(const uint8_t *p, size_t n, bool tls13, unsigned *count)
{
	struct reader r, ctx, list;

	*count = 0;
	reader_init(&r, p, n);
	if (tls13)
		reader_vec(&r, 1, &ctx);
	if (!reader_vec(&r, 3, &list))
		return false;
	while (reader_left(&list) > 0) {
		struct reader cert, exts;

		if (!reader_vec(&list, 3, &cert))
			return false;
		if (tls13 && !reader_vec(&list, 2, &exts))
			return false;
		(*count)++;
	}
	return true;
}

/* The CA names of a CertificateRequest. */
int peek_cr_ca_names(const uint8_t *p, size_t n, bool tls13, struct peek_span *out, int max)
{
	struct reader r, list, skip;
	int count = 0;

	reader_init(&r, p, n);
	if (tls13) {
		struct reader exts;
		reader_vec(&r, 1, &skip);                  /* certificate_request_context */
		if (!reader_vec(&r, 2, &exts))
			return -1;
		reader_init(&list, NULL, 0);
		while (reader_left(&exts) > 0) {
			unsigned type;
			struct reader body;
			if (!reader_u16(&exts, &type) || !reader_vec(&exts, 2, &body))
				return -1;
			if (type == 47 && !reader_vec(&body, 2, &list))
				return -1;
		}
	} else {
		reader_vec(&r, 1, &skip);                  /* certificate_types */
		reader_vec(&r, 2, &skip);                  /* supported_signature_algorithms */
		if (!reader_vec(&r, 2, &list))
			return -1;
	}
	while (reader_left(&list) > 0) {
		struct reader dn;
		if (!reader_vec(&list, 2, &dn))
			return -1;
		if (count < max)
			out[count] = (struct peek_span){ dn.p, dn.n };
		count++;
	}
	return count < max ? count : max;
}

/* The certificates of a Certificate message. */
int peek_certificates(const uint8_t *p, size_t n, bool tls13, struct peek_span *out, int max)
{
	struct reader r, ctx, list;
	int count = 0;

	reader_init(&r, p, n);
	if (tls13)
		reader_vec(&r, 1, &ctx);
	if (!reader_vec(&r, 3, &list))
		return -1;
	while (reader_left(&list) > 0) {
		struct reader cert, exts;
		if (!reader_vec(&list, 3, &cert))
			return -1;
		if (tls13 && !reader_vec(&list, 2, &exts))
			return -1;
		if (count < max)
			out[count] = (struct peek_span){ cert.p, cert.n };
		count++;
	}
	return count < max ? count : max;
}

/* Reads a DER tag and length (short or long form, up to 4 length bytes); false when malformed. */
static bool der_tl(struct reader *r, unsigned *tag, size_t *len)
{
	unsigned b, k;

	if (!reader_u8(r, tag) || !reader_u8(r, &b))
		return false;
	if (b < 0x80) {
		*len = b;
		return true;
	}
	k = b & 0x7f;
	if (k == 0 || k > 4)
		return reader_fail(r, "unsupported DER length");
	*len = 0;
	for (unsigned i = 0; i < k; i++) {
		if (!reader_u8(r, &b))
			return false;
		*len = (*len << 8) | b;
	}
	return true;
}

/* The issuer and subject of a certificate. */
bool peek_cert_names(const uint8_t *der, size_t n, struct peek_span *issuer, struct peek_span *subject)
{
	struct reader r, cert, tbs;
	unsigned tag;
	size_t len, start;

	reader_init(&r, der, n);
	if (!der_tl(&r, &tag, &len) || tag != 0x30 || !reader_sub(&r, len, &cert))
		return false;
	if (!der_tl(&cert, &tag, &len) || tag != 0x30 || !reader_sub(&cert, len, &tbs))
		return false;
	/* [0] version (optional), serialNumber, signature */
	for (int field = 0; field < 3; field++) {
		if (!der_tl(&tbs, &tag, &len) || !reader_skip(&tbs, len))
			return false;
		if (field == 0 && tag != 0xa0)
			field++;                 /* no version: that was the serial number */
	}
	start = tbs.off;
	if (!der_tl(&tbs, &tag, &len) || tag != 0x30 || !reader_skip(&tbs, len))
		return false;
	*issuer = (struct peek_span){ tbs.p + start, tbs.off - start };
	if (!der_tl(&tbs, &tag, &len) || !reader_skip(&tbs, len))      /* validity */
		return false;
	start = tbs.off;
	if (!der_tl(&tbs, &tag, &len) || tag != 0x30 || !reader_skip(&tbs, len))
		return false;
	*subject = (struct peek_span){ tbs.p + start, tbs.off - start };
	return true;
}

/* The versions a ClientHello offers. */
int peek_client_hello_versions(const uint8_t *p, size_t n, unsigned *out, int max)
{
	struct reader r, skip, exts;
	unsigned legacy;
	int count = 0;

	reader_init(&r, p, n);
	if (!reader_u16(&r, &legacy) || max <= 0)
		return 0;
	reader_skip(&r, 32);
	reader_vec(&r, 1, &skip);               /* session id */
	reader_vec(&r, 2, &skip);               /* cipher suites */
	reader_vec(&r, 1, &skip);               /* compression methods */
	if (reader_left(&r) > 0 && reader_vec(&r, 2, &exts)) {
		while (reader_left(&exts) > 0) {
			unsigned type, v;
			struct reader body, list;
			if (!reader_u16(&exts, &type) || !reader_vec(&exts, 2, &body))
				break;
			if (type != 43 || !reader_vec(&body, 1, &list))
				continue;
			while (reader_u16(&list, &v))
				if (count < max && !names_is_grease(v))
					out[count++] = v;
			return count;
		}
	}
	out[0] = legacy;
	return 1;
}
