/*
 * peek.c: single facts from handshake bodies (see peek.h), read from the
 * decoder's tree (decode.h): the nodes' byte ranges locate each field, so
 * there is one parser of each message body. Certificates' issuer and
 * subject are read from the DER through the bounds-checked reader.
 */
#include "tlsladder/peek.h"
#include "tlsladder/decode.h"
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

/* The bytes of the body a decoder node covers; false when the node is absent or out of the body. */
static bool node_span(const struct tree_node *node, const uint8_t *p, size_t n, struct peek_span *out)
{
	if (!node || node->off > n || node->len > n - node->off)
		return false;
	*out = (struct peek_span){ p + node->off, node->len };
	return true;
}

/* A 2-byte field the decoder found at path; false when absent. */
static bool node_u16(const struct tree_node *t, const char *path, const uint8_t *p, size_t n, unsigned *v)
{
	struct peek_span s;

	if (!node_span(tree_find(t, path), p, n, &s) || s.n != 2)
		return false;
	*v = (unsigned)s.p[0] << 8 | s.p[1];
	return true;
}

/* True when the decoder stopped at malformed bytes. */
static bool malformed(const struct tree_node *t)
{
	return !t || tree_find(t, "malformed") != NULL;
}

/* The decoder's tree of a body, decoded with a known protocol version (0: guessed from the bytes). */
static struct tree_node *decoded(unsigned hs_type, const uint8_t *p, size_t n, unsigned version)
{
	struct decode_ctx ctx = { version, TL_CLIENT, DECODE_KX_UNKNOWN };

	return decode_handshake(hs_type, p, n, &ctx);
}

/* Reads the fields of a decoded ServerHello or HelloRetryRequest. */
bool peek_server_hello_tree(const struct tree_node *t, const uint8_t *p, size_t n, struct peek_server_hello *out)
{
	struct peek_span random, sid;
	unsigned v;

	memset(out, 0, sizeof *out);
	if (malformed(t) || !node_u16(t, "legacy_version", p, n, &out->legacy_version) ||
	    !node_span(tree_find(t, "random"), p, n, &random) || random.n != 32 ||
	    !node_span(tree_find(t, "session id"), p, n, &sid) || sid.n < 1 || sid.n - 1 > sizeof out->session_id ||
	    !node_u16(t, "cipher suite", p, n, &out->cipher_suite))
		return false;
	out->is_hrr = peek_is_hrr_random(random.p);
	memcpy(out->session_id, sid.p + 1, sid.n - 1);             /* the node covers the length byte too */
	out->session_id_len = sid.n - 1;
	out->version = out->legacy_version;
	if (node_u16(t, "extensions/supported_versions/selected_version", p, n, &v))
		out->version = v;
	if (node_u16(t, "extensions/key_share/group", p, n, &v) ||
	    node_u16(t, "extensions/key_share/selected_group", p, n, &v))
		out->group = v;
	out->psk = tree_find(t, "extensions/pre_shared_key") != NULL;
	out->ems = tree_find(t, "extensions/extended_master_secret") != NULL;
	return true;
}

/* Reads the fields of a ServerHello or HelloRetryRequest. */
bool peek_server_hello(const uint8_t *p, size_t n, struct peek_server_hello *out)
{
	struct tree_node *t = decoded(WIRE_HS_SERVER_HELLO, p, n, 0);
	bool ok = peek_server_hello_tree(t, p, n, out);

	tree_free(t);
	return ok;
}

/* Session id of a decoded ClientHello. */
bool peek_client_hello_session_id_tree(const struct tree_node *t, const uint8_t *p, size_t n, uint8_t *sid,
				       size_t *sid_len)
{
	struct peek_span s;

	if (!node_span(tree_find(t, "session id"), p, n, &s) || s.n < 1 || s.n - 1 > 32)
		return false;
	memcpy(sid, s.p + 1, s.n - 1);
	*sid_len = s.n - 1;
	return true;
}

/* Session id of a ClientHello. */
bool peek_client_hello_session_id(const uint8_t *p, size_t n, uint8_t *sid, size_t *sid_len)
{
	struct tree_node *t = decoded(WIRE_HS_CLIENT_HELLO, p, n, 0);
	bool ok = peek_client_hello_session_id_tree(t, p, n, sid, sid_len);

	tree_free(t);
	return ok;
}

/* Named group and signature scheme of an ECDHE ServerKeyExchange. */
bool peek_ske_ecdhe(const uint8_t *p, size_t n, unsigned *group, unsigned *sigscheme)
{
	struct tree_node *t = decoded(WIRE_HS_SERVER_KEY_EXCHANGE, p, n, 0);
	unsigned g, sig = 0;
	bool ok = node_u16(t, "named_group", p, n, &g) && tree_find(t, "public key");

	/* TLS 1.0/1.1 sign with no algorithm field: the scheme is then 0, whatever follows the key */
	node_u16(t, "signature algorithm", p, n, &sig);
	tree_free(t);
	if (ok) {
		*group = g;
		*sigscheme = sig;
	}
	return ok;
}

/* Signature scheme of a CertificateVerify. */
bool peek_cert_verify(const uint8_t *p, size_t n, unsigned *sigscheme)
{
	struct tree_node *t = decoded(WIRE_HS_CERTIFICATE_VERIFY, p, n, 0);
	bool ok = node_u16(t, "signature algorithm", p, n, sigscheme);

	tree_free(t);
	return ok;
}

/* The certificates of a decoded Certificate message into out (up to max); the count, -1 when malformed. */
static int certificates_of(const struct tree_node *t, const uint8_t *p, size_t n, struct peek_span *out, int max)
{
	const struct tree_node *list = tree_find(t, "certificates");
	int count = 0;

	if (malformed(t) || !list)
		return -1;
	for (const struct tree_node *c = list->first; c; c = c->next) {
		struct peek_span s;
		if (!node_span(c, p, n, &s))
			return -1;
		if (count < max)
			out[count] = s;
		count++;
	}
	return count;
}

/* Counts the certificates in a Certificate message. */
bool peek_certificate_count(const uint8_t *p, size_t n, bool tls13, unsigned *count)
{
	struct tree_node *t = decoded(WIRE_HS_CERTIFICATE, p, n, tls13 ? WIRE_TLS13 : WIRE_TLS12);
	int k = certificates_of(t, p, n, NULL, 0);

	tree_free(t);
	*count = k > 0 ? (unsigned)k : 0;
	return k >= 0;
}

/* The CA names of a CertificateRequest. */
int peek_cr_ca_names(const uint8_t *p, size_t n, bool tls13, struct peek_span *out, int max)
{
	struct tree_node *t = decoded(WIRE_HS_CERTIFICATE_REQUEST, p, n, tls13 ? WIRE_TLS13 : WIRE_TLS12);
	const struct tree_node *list = tree_find(t, tls13 ? "extensions/certificate_authorities"
							  : "certificate authorities");
	int count = 0;

	if (malformed(t)) {
		tree_free(t);
		return -1;
	}
	for (const struct tree_node *c = list ? list->first : NULL; c; c = c->next) {
		struct peek_span s;
		if (!node_span(c, p, n, &s) || s.n < 2) {
			count = -1;
			break;
		}
		if (count < max)
			out[count] = (struct peek_span){ s.p + 2, s.n - 2 };   /* the node covers the length too */
		count++;
	}
	tree_free(t);
	return count < max ? count : max;
}

/* The signature schemes a CertificateRequest accepts. */
int peek_cr_sigschemes(const uint8_t *p, size_t n, bool tls13, unsigned *out, int max)
{
	struct tree_node *t = decoded(WIRE_HS_CERTIFICATE_REQUEST, p, n, tls13 ? WIRE_TLS13 : WIRE_TLS12);
	const struct tree_node *list = tree_find(t, tls13 ? "extensions/signature_algorithms" : "signature algorithms");
	int count = 0;

	if (malformed(t)) {
		tree_free(t);
		return -1;
	}
	for (const struct tree_node *c = list ? list->first : NULL; c; c = c->next) {
		struct peek_span s;
		if (!node_span(c, p, n, &s) || s.n != 2) {
			count = -1;
			break;
		}
		if (count < max)
			out[count] = (unsigned)s.p[0] << 8 | s.p[1];
		count++;
	}
	tree_free(t);
	return count < max ? count : max;
}

/* The certificates of a Certificate message. */
int peek_certificates(const uint8_t *p, size_t n, bool tls13, struct peek_span *out, int max)
{
	struct tree_node *t = decoded(WIRE_HS_CERTIFICATE, p, n, tls13 ? WIRE_TLS13 : WIRE_TLS12);
	int count = certificates_of(t, p, n, out, max);

	tree_free(t);
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

/* The versions a decoded ClientHello offers. */
int peek_client_hello_versions_tree(const struct tree_node *t, const uint8_t *p, size_t n, unsigned *out, int max)
{
	const struct tree_node *sv = tree_find(t, "extensions/supported_versions");
	int count = 0;
	unsigned legacy;

	if (max <= 0 || !node_u16(t, "legacy_version", p, n, &legacy))
		return 0;
	if (sv) {
		for (const struct tree_node *c = sv->first; c; c = c->next) {
			struct peek_span s;
			unsigned v;
			if (!node_span(c, p, n, &s) || s.n != 2)
				continue;
			v = (unsigned)s.p[0] << 8 | s.p[1];
			if (count < max && !names_is_grease(v))
				out[count++] = v;
		}
		return count;
	}
	out[0] = legacy;
	return 1;
}

/* The versions a ClientHello offers. */
int peek_client_hello_versions(const uint8_t *p, size_t n, unsigned *out, int max)
{
	struct tree_node *t = decoded(WIRE_HS_CLIENT_HELLO, p, n, 0);
	int count = peek_client_hello_versions_tree(t, p, n, out, max);

	tree_free(t);
	return count;
}
