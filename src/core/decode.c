/*
 * decode.c: handshake messages, alerts, ChangeCipherSpec and records into
 * field trees (see decode.h), and the shared building blocks.
 *
 * decode_handshake() makes the root ("ServerHello", "server -> client, 122
 * bytes"), runs the message's decoder over one reader spanning the body,
 * then closes the tree: a failed reader adds the "malformed" node (its
 * absolute offset and reason), bytes left over add the "trailing data"
 * node. Decoders append nodes as they read, so a fault leaves the tree
 * decoded so far. Each decoder follows the message's struct in RFC 8446
 * (TLS 1.3) or RFC 5246 / 4492 / 8422 (TLS 1.2) field by field; where the
 * two versions differ and ctx->version is unknown, the shape of the bytes
 * decides. Extensions are in decode_ext.c, distinguished names in
 * decode_der.c.
 */
#include "tlsladder/decode.h"
#include "tlsladder/plainproto.h"
#include "tlsladder/names.h"
#include "tlsladder/peek.h"
#include "tlsladder/recframe.h"
#include "tlsladder/summary.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wire handshake types. */
enum {
	HS_HELLO_REQUEST = 0,
	HS_CLIENT_HELLO = 1,
	HS_SERVER_HELLO = 2,
	HS_NEW_SESSION_TICKET = 4,
	HS_END_OF_EARLY_DATA = 5,
	HS_ENCRYPTED_EXTENSIONS = 8,
	HS_CERTIFICATE = 11,
	HS_SERVER_KEY_EXCHANGE = 12,
	HS_CERTIFICATE_REQUEST = 13,
	HS_SERVER_HELLO_DONE = 14,
	HS_CERTIFICATE_VERIFY = 15,
	HS_CLIENT_KEY_EXCHANGE = 16,
	HS_FINISHED = 20,
	HS_CERTIFICATE_STATUS = 22,
	HS_KEY_UPDATE = 24,
	HS_COMPRESSED_CERTIFICATE = 25,
	HS_MESSAGE_HASH = 254
};

typedef bool (*msg_fn)(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Building blocks (declared in decode.h). */

/* Marks r failed with sub's failure. */
bool decode_fail_from(struct reader *r, const struct reader *sub)
{
	if (!r->failed && sub->failed) {
		r->failed = true;
		r->fail_off = sub->fail_off;
		r->why = sub->why;
		r->past_end = sub->past_end;
	} else if (!r->failed) {
		reader_fail(r, "malformed content");
	}
	return false;
}

/* Takes all bytes left in r. */
bool decode_take_rest(struct reader *r, const uint8_t **p, size_t *n, size_t *off)
{
	*n = reader_left(r);
	*off = reader_pos(r);
	*p = NULL;
	if (*n == 0)
		return !r->failed;
	return reader_bytes(r, *n, p);
}

/* Reads a big-endian 32-bit value (fails at its first byte when short). */
bool decode_u32(struct reader *r, unsigned long *v)
{
	unsigned hi, lo;

	if (reader_left(r) < 4)
		return reader_fail(r, "length runs past the end of the data");
	reader_u16(r, &hi);
	reader_u16(r, &lo);
	*v = ((unsigned long)hi << 16) | lo;
	return true;
}

/* Replaces a node's value. */
void decode_set_value(struct tree_node *node, const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int len;

	if (!node)
		return;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	buf = malloc((size_t)len + 1);
	if (!buf)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)len + 1, fmt, ap);
	va_end(ap);
	free(node->value);
	node->value = buf;
}

/* A child valued "<name> (0xNNNN)". */
struct tree_node *decode_add_code(struct tree_node *parent, const char *label, const char *name, unsigned id,
				  size_t off, size_t len)
{
	return tree_range(tree_addf(parent, label, "%s (0x%04x)", name ? name : "unknown", id), off, len);
}

/* A "N bytes" child with a hex child. */
struct tree_node *decode_add_bytes(struct tree_node *parent, const char *label, const uint8_t *p, size_t n,
				   size_t off)
{
	struct tree_node *node;

	if (n == 0)
		return tree_range(tree_add(parent, label, "empty"), off, 0);
	node = tree_range(tree_addf(parent, label, "%zu byte%s", n, n == 1 ? "" : "s"), off, n);
	tree_range(tree_add_hex(node, "hex", p, n), off, n);
	return node;
}

/* The 2-byte codes filling list as children of node. */
bool decode_code_list(struct tree_node *node, struct reader *list, const char *(*names)(unsigned),
		      const char *what)
{
	unsigned count = 0;

	if (reader_left(list) % 2)
		return reader_fail(list, "odd length for a list of 2-byte values");
	while (reader_left(list) > 0) {
		unsigned id;
		size_t at = reader_pos(list);
		const char *name;
		char lbl[96];

		reader_u16(list, &id);
		name = names(id);
		snprintf(lbl, sizeof lbl, "%s (0x%04x)", name ? name : "unknown", id);
		tree_range(tree_add(node, lbl, NULL), at, 2);
		count++;
	}
	decode_set_value(node, "%u %s%s", count, what, count == 1 ? "" : "s");
	return !list->failed;
}

/* The decoder's key exchange for a connection's summary. */
enum decode_kx decode_kx_of(const struct summary *s)
{
	switch (s->kx) {
	case SUMMARY_KX_ECDHE: return DECODE_KX_ECDHE;
	case SUMMARY_KX_DHE: return DECODE_KX_DHE;
	case SUMMARY_KX_RSA: return DECODE_KX_RSA;
	case SUMMARY_KX_PSK:
	case SUMMARY_KX_PSK_ECDHE:
	case SUMMARY_KX_PSK_DHE: return DECODE_KX_PSK;
	case SUMMARY_KX_RESUMED:
	case SUMMARY_KX_UNKNOWN: break;
	}
	return DECODE_KX_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* Small helpers for the message decoders. */

/* "TLS 1.2 (0x0303)"-valued child for a version field. */
static bool add_version(struct tree_node *parent, const char *label, struct reader *r)
{
	size_t at = reader_pos(r);
	unsigned v;

	if (!reader_u16(r, &v))
		return false;
	decode_add_code(parent, label, names_version(v), v, at, 2);
	return true;
}

/* A vector with a lenbytes-byte length as a "N bytes" child (range covers the length prefix too). */
static bool add_vec(struct tree_node *parent, const char *label, struct reader *r, unsigned lenbytes,
		    struct tree_node **out)
{
	size_t at = reader_pos(r), n, off;
	struct reader v;
	const uint8_t *p;
	struct tree_node *node;

	if (!reader_vec(r, lenbytes, &v))
		return false;
	decode_take_rest(&v, &p, &n, &off);
	node = tree_range(decode_add_bytes(parent, label, p, n, off), at, reader_pos(r) - at);
	if (out)
		*out = node;
	return true;
}

/* A fixed-size field as a hex child. */
static bool add_fixed_hex(struct tree_node *parent, const char *label, struct reader *r, size_t len,
			  const uint8_t **out)
{
	size_t at = reader_pos(r);
	const uint8_t *p;

	if (!reader_bytes(r, len, &p))
		return false;
	tree_range(tree_add_hex(parent, label, p, len), at, len);
	if (out)
		*out = p;
	return true;
}

/* A 4-byte lifetime in seconds, with a readable duration. */
static bool add_lifetime(struct tree_node *parent, const char *label, struct reader *r)
{
	size_t at = reader_pos(r);
	unsigned long s;

	if (!decode_u32(r, &s))
		return false;
	if (s == 0)
		tree_range(tree_add(parent, label, "0 (unspecified)"), at, 4);
	else if (s % 86400 == 0)
		tree_range(tree_addf(parent, label, "%lu seconds (%lu day%s)", s, s / 86400, s == 86400 ? "" : "s"),
			   at, 4);
	else if (s % 3600 == 0)
		tree_range(tree_addf(parent, label, "%lu seconds (%lu hour%s)", s, s / 3600, s == 3600 ? "" : "s"),
			   at, 4);
	else
		tree_range(tree_addf(parent, label, "%lu seconds", s), at, 4);
	return true;
}

/* A SignatureScheme field. */
static bool add_sigscheme(struct tree_node *parent, struct reader *r)
{
	size_t at = reader_pos(r);
	unsigned s;

	if (!reader_u16(r, &s))
		return false;
	decode_add_code(parent, "signature algorithm", names_sigscheme(s), s, at, 2);
	return true;
}

/* A digitally-signed struct (TLS 1.2) or CertificateVerify body: scheme, then signature<2>.
 * TLS 1.0/1.1 (version 0x0301/0x0302) have no scheme field: the key type fixes it. */
static bool add_signature(struct tree_node *parent, struct reader *r, unsigned version)
{
	if (version >= 0x0300 && version < 0x0303) {
		tree_add(parent, "signature algorithm",
			 "none on the wire in TLS 1.0/1.1: RSA signs MD5+SHA-1, DSA and ECDSA sign SHA-1");
		return add_vec(parent, "signature", r, 2, NULL);
	}
	return add_sigscheme(parent, r) && add_vec(parent, "signature", r, 2, NULL);
}

/* True when the message's TLS 1.3 form applies (version known, or guessed by guess13). */
static bool use13(const struct decode_ctx *ctx, bool guess13)
{
	if (ctx->version == 0x0304)
		return true;
	if (ctx->version != 0)
		return false;
	return guess13;
}

/* Fails r with a reason (for the TLS 1.3 requirement of extensions). */
static bool need_extensions(struct reader *r, const struct decode_ctx *ctx, bool hrr)
{
	if (reader_left(r) > 0)
		return true;
	if (hrr || ctx->version == 0x0304)
		return reader_fail(r, "TLS 1.3 requires extensions here (supported_versions)");
	return true;
}

/* ------------------------------------------------------------------ */
/* Messages. */

/* ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2). */
static bool msg_client_hello(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	struct reader list;
	size_t at;
	struct tree_node *node;
	char methods[128] = "";
	size_t used = 0;

	if (!add_version(root, "legacy_version", r) || !add_fixed_hex(root, "random", r, 32, NULL) ||
	    !add_vec(root, "session id", r, 1, NULL))
		return false;
	at = reader_pos(r);
	if (!reader_vec(r, 2, &list))
		return false;
	node = tree_range(tree_add(root, "cipher suites", NULL), at, reader_pos(r) - at);
	if (!decode_code_list(node, &list, names_cipher_suite, "suite"))
		return decode_fail_from(r, &list);
	at = reader_pos(r);
	if (!reader_vec(r, 1, &list))
		return false;
	node = tree_range(tree_add(root, "compression methods", NULL), at, reader_pos(r) - at);
	while (reader_left(&list) > 0) {
		unsigned m;
		size_t mat = reader_pos(&list);
		char lbl[32];

		reader_u8(&list, &m);
		snprintf(lbl, sizeof lbl, "%s (%u)", m == 0 ? "null" : m == 1 ? "DEFLATE" : "unknown", m);
		tree_range(tree_add(node, lbl, NULL), mat, 1);
		if (used < sizeof methods) {
			int k = snprintf(methods + used, sizeof methods - used, "%s%s", used ? ", " : "", lbl);
			if (k > 0)
				used += (size_t)k;
		}
	}
	decode_set_value(node, "%s", used ? methods : "empty list");
	if (reader_left(r) == 0)
		return need_extensions(r, ctx, false);
	return decode_extensions(root, r, HS_CLIENT_HELLO, ctx);
}

/* ServerHello and HelloRetryRequest (RFC 8446 4.1.3-4.1.4, RFC 5246 7.4.1.3). */
static bool server_hello(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx, bool hrr)
{
	static const uint8_t downgrade[7] = { 'D', 'O', 'W', 'N', 'G', 'R', 'D' };
	const uint8_t *random;
	size_t at;
	unsigned v;

	if (!add_version(root, "legacy_version", r) || !add_fixed_hex(root, "random", r, 32, &random))
		return false;
	if (peek_is_hrr_random(random))
		tree_range(tree_add(root, "random means", "HelloRetryRequest (the fixed SHA-256 of \"HelloRetryRequest\")"),
			   reader_pos(r) - 32, 32);
	else if (memcmp(random + 24, downgrade, sizeof downgrade) == 0 && (random[31] == 0 || random[31] == 1))
		tree_range(tree_add(root, "random means",
				    random[31] ? "downgrade marker: a TLS 1.3 server negotiated TLS 1.2"
					       : "downgrade marker: the server negotiated TLS 1.1 or older"),
			   reader_pos(r) - 8, 8);
	if (!add_vec(root, "session id", r, 1, NULL))
		return false;
	at = reader_pos(r);
	if (!reader_u16(r, &v))
		return false;
	decode_add_code(root, "cipher suite", names_cipher_suite(v), v, at, 2);
	at = reader_pos(r);
	if (!reader_u8(r, &v))
		return false;
	tree_range(tree_addf(root, "compression method", "%s (%u)", v == 0 ? "null" : v == 1 ? "DEFLATE" : "unknown", v),
		   at, 1);
	if (reader_left(r) == 0)
		return need_extensions(r, ctx, hrr);
	return decode_extensions(root, r, hrr ? TL_HS_HELLO_RETRY_REQUEST : HS_SERVER_HELLO, ctx);
}

/* ServerHello. */
static bool msg_server_hello(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	return server_hello(root, r, ctx, false);
}

/* HelloRetryRequest. */
static bool msg_hrr(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	return server_hello(root, r, ctx, true);
}

/* EncryptedExtensions (RFC 8446 4.3.1). */
static bool msg_encrypted_extensions(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	return decode_extensions(root, r, HS_ENCRYPTED_EXTENSIONS, ctx);
}

/* Looks like a TLS 1.3 body that starts with context<1> then a vector with lenbytes filling the rest. */
static bool shaped_13(struct reader r, unsigned lenbytes)
{
	struct reader ctx, rest;

	return reader_vec(&r, 1, &ctx) && reader_vec(&r, lenbytes, &rest) && reader_left(&r) == 0;
}

/* TLS 1.2 ClientCertificateType names (RFC 5246 7.4.4, RFC 8422 5.5). */
static const char *cert_type_name(unsigned t)
{
	switch (t) {
	case 1: return "rsa_sign";
	case 2: return "dss_sign";
	case 3: return "rsa_fixed_dh";
	case 4: return "dss_fixed_dh";
	case 5: return "rsa_ephemeral_dh";
	case 6: return "dss_ephemeral_dh";
	case 20: return "fortezza_dms";
	case 64: return "ecdsa_sign";
	case 65: return "rsa_fixed_ecdh";
	case 66: return "ecdsa_fixed_ecdh";
	case 67: return "gost_sign256";
	case 68: return "gost_sign512";
	default: return "unknown";
	}
}

/* CertificateRequest (RFC 8446 4.3.2; RFC 5246 7.4.4). */
static bool msg_certificate_request(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	struct reader list;
	struct tree_node *node;
	size_t at;
	char joined[160] = "";
	size_t used = 0;

	if (use13(ctx, shaped_13(*r, 2))) {
		return add_vec(root, "certificate_request_context", r, 1, NULL) &&
		       decode_extensions(root, r, HS_CERTIFICATE_REQUEST, ctx);
	}
	at = reader_pos(r);
	if (!reader_vec(r, 1, &list))
		return false;
	node = tree_range(tree_add(root, "certificate types", NULL), at, reader_pos(r) - at);
	while (reader_left(&list) > 0) {
		unsigned t;
		size_t tat = reader_pos(&list);
		char lbl[48];

		reader_u8(&list, &t);
		snprintf(lbl, sizeof lbl, "%s (%u)", cert_type_name(t), t);
		tree_range(tree_add(node, lbl, NULL), tat, 1);
		if (used < sizeof joined) {
			int k = snprintf(joined + used, sizeof joined - used, "%s%s", used ? ", " : "", cert_type_name(t));
			if (k > 0)
				used += (size_t)k;
		}
	}
	decode_set_value(node, "%s", used ? joined : "empty list");
	at = reader_pos(r);
	if (!reader_vec(r, 2, &list))
		return false;
	node = tree_range(tree_add(root, "signature algorithms", NULL), at, reader_pos(r) - at);
	if (!decode_code_list(node, &list, names_sigscheme, "scheme"))
		return decode_fail_from(r, &list);
	at = reader_pos(r);
	node = tree_add(root, "certificate authorities", NULL);
	if (!decode_ca_names(node, r))
		return false;
	tree_range(node, at, reader_pos(r) - at);
	return true;
}

/* Certificate (RFC 8446 4.4.2; RFC 5246 7.4.2): the "certificates" contract in decode.h. */
static bool msg_certificate(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	bool tls13 = use13(ctx, shaped_13(*r, 3));
	struct reader list;
	struct tree_node *certs;
	unsigned count = 0;
	size_t at;

	if (tls13 && !add_vec(root, "certificate_request_context", r, 1, NULL))
		return false;
	at = reader_pos(r);
	if (!reader_vec(r, 3, &list))
		return false;
	certs = tree_range(tree_add(root, "certificates", NULL), at, reader_pos(r) - at);
	while (reader_left(&list) > 0) {
		struct reader der, peek;
		struct tree_node *cert;
		unsigned extlen = 0;
		char lbl[32];

		if (!reader_vec(&list, 3, &der))
			return decode_fail_from(r, &list);
		snprintf(lbl, sizeof lbl, "certificate %u", ++count);
		cert = tree_range(tree_addf(certs, lbl, "%zu bytes DER", reader_left(&der)), reader_pos(&der),
				  reader_left(&der));
		if (!tls13)
			continue;
		peek = list;
		if (!reader_u16(&peek, &extlen))
			return decode_fail_from(r, &peek);
		if (extlen == 0) {
			reader_skip(&list, 2);
			continue;
		}
		if (!decode_extensions(cert, &list, HS_CERTIFICATE, ctx))
			return decode_fail_from(r, &list);
	}
	if (count == 0)
		decode_set_value(certs, "empty: no certificate sent");
	else
		decode_set_value(certs, "%u certificate%s", count, count == 1 ? "" : "s");
	return true;
}

/* Server Diffie-Hellman or ECDH parameters (RFC 5246 7.4.3, RFC 8422 5.4). */
static bool kx_params(struct tree_node *root, struct reader *r, bool ecdhe)
{
	size_t at = reader_pos(r);
	unsigned v;

	if (!ecdhe)
		return add_vec(root, "dh_p", r, 2, NULL) && add_vec(root, "dh_g", r, 2, NULL) &&
		       add_vec(root, "dh_Ys (public key)", r, 2, NULL);
	if (!reader_u8(r, &v))
		return false;
	tree_range(tree_addf(root, "curve_type", "%s (%u)",
			     v == 3 ? "named_curve" : v == 1 ? "explicit_prime" : v == 2 ? "explicit_char2" : "unknown", v),
		   at, 1);
	if (v != 3) {
		return reader_fail(r, "only named_curve (3) is used by TLS 1.2 today");
	}
	at = reader_pos(r);
	if (!reader_u16(r, &v))
		return false;
	decode_add_code(root, "named_group", names_group(v), v, at, 2);
	return add_vec(root, "public key", r, 1, NULL);
}

/* True when the bytes start like ECDHE parameters (curve_type named_curve). */
static bool looks_ecdhe(struct reader r)
{
	unsigned t;

	return reader_u8(&r, &t) && t == 3;
}

/* ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4, RFC 4279 2). */
static bool msg_server_key_exchange(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	enum decode_kx kx = ctx->kx;
	struct tree_node *params;
	size_t at;
	bool ok;

	if (kx == DECODE_KX_PSK) {
		if (!add_vec(root, "psk_identity_hint", r, 2, NULL))
			return false;
		if (reader_left(r) == 0)
			return true;
		kx = looks_ecdhe(*r) ? DECODE_KX_ECDHE : DECODE_KX_DHE;
		at = reader_pos(r);
		params = tree_add(root, kx == DECODE_KX_ECDHE ? "ECDHE parameters" : "DHE parameters", NULL);
		ok = kx_params(params, r, kx == DECODE_KX_ECDHE);
		tree_range(params, at, reader_pos(r) - at);
		return ok;
	}
	if (kx != DECODE_KX_ECDHE && kx != DECODE_KX_DHE)
		kx = looks_ecdhe(*r) ? DECODE_KX_ECDHE : DECODE_KX_DHE;
	if (!kx_params(root, r, kx == DECODE_KX_ECDHE))
		return false;
	return add_signature(root, r, ctx->version);
}

/* ClientKeyExchange (RFC 5246 7.4.7, RFC 8422 5.7, RFC 4279 2). */
static bool msg_client_key_exchange(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	enum decode_kx kx = ctx->kx;

	if (kx == DECODE_KX_PSK) {
		size_t at = reader_pos(r);
		struct reader id;
		const uint8_t *p;
		size_t n, off;

		if (!reader_vec(r, 2, &id))
			return false;
		decode_take_rest(&id, &p, &n, &off);
		tree_range(decode_add_bytes(root, "psk_identity", p, n, off), at, reader_pos(r) - at);
		if (reader_left(r) == 0)
			return true;
		kx = DECODE_KX_UNKNOWN;
	}
	if (kx == DECODE_KX_UNKNOWN) {
		struct reader t = *r;
		unsigned len;

		if (reader_u8(&t, &len) && len == reader_left(&t) && len > 0)
			kx = DECODE_KX_ECDHE;
		else
			return add_vec(root, "encrypted premaster secret or DH public value", r, 2, NULL);
	}
	switch (kx) {
	case DECODE_KX_RSA:
		return add_vec(root, "encrypted premaster secret", r, 2, NULL);
	case DECODE_KX_DHE:
		return add_vec(root, "dh_Yc (public key)", r, 2, NULL);
	default:
		return add_vec(root, "public key", r, 1, NULL);
	}
}

/* CertificateVerify (RFC 8446 4.4.3, RFC 5246 7.4.8). */
static bool msg_certificate_verify(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	return add_signature(root, r, ctx->version);
}

/* Finished (RFC 8446 4.4.4, RFC 5246 7.4.9): 12 bytes in TLS 1.2, the hash length in TLS 1.3. */
static bool msg_finished(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	size_t n = reader_left(r), len = n, at = reader_pos(r);
	const uint8_t *p;

	if (ctx->version == 0x0304)
		len = n >= 48 ? 48 : 32;       /* SHA-384 suites, else SHA-256 (and SM3) */
	else if (ctx->version != 0)
		len = 12;
	if (!reader_bytes(r, len, &p))
		return false;
	decode_add_bytes(root, "verify_data", p, len, at);
	return true;
}

/* NewSessionTicket (RFC 8446 4.6.1; RFC 5077 3.3). */
static bool msg_new_session_ticket(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	struct reader t = *r;
	unsigned long skip;
	unsigned len = 0;
	bool shaped12 = decode_u32(&t, &skip) && reader_u16(&t, &len) && len == reader_left(&t);
	size_t at;
	unsigned long v;

	if (!use13(ctx, !shaped12))
		return add_lifetime(root, "ticket_lifetime_hint", r) && add_vec(root, "ticket", r, 2, NULL);
	if (!add_lifetime(root, "ticket_lifetime", r))
		return false;
	at = reader_pos(r);
	if (!decode_u32(r, &v))
		return false;
	tree_range(tree_addf(root, "ticket_age_add", "0x%08lx", v), at, 4);
	return add_vec(root, "ticket_nonce", r, 1, NULL) && add_vec(root, "ticket", r, 2, NULL) &&
	       decode_extensions(root, r, HS_NEW_SESSION_TICKET, ctx);
}

/* KeyUpdate (RFC 8446 4.6.3). */
static bool msg_key_update(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	size_t at = reader_pos(r);
	unsigned v;

	(void)ctx;
	if (!reader_u8(r, &v))
		return false;
	if (v > 1) {
		tree_range(tree_addf(root, "request_update", "invalid (%u)", v), at, 1);
		return reader_fail(r, "request_update must be 0 or 1");
	}
	tree_range(tree_addf(root, "request_update", "%s (%u)",
			     v ? "update_requested: the peer updates its keys too" : "update_not_requested", v),
		   at, 1);
	return true;
}

/* Messages with an empty body: EndOfEarlyData, ServerHelloDone, HelloRequest. */
static bool msg_empty(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	(void)root;
	(void)r;
	(void)ctx;
	return true;
}

/* CertificateStatus (RFC 6066 8). */
static bool msg_certificate_status(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	size_t at = reader_pos(r);
	unsigned t;

	(void)ctx;
	if (!reader_u8(r, &t))
		return false;
	tree_range(tree_addf(root, "status_type", "%s (%u)", t == 1 ? "ocsp" : "unknown", t), at, 1);
	return add_vec(root, "OCSP response", r, 3, NULL);
}

/* CompressedCertificate (RFC 8879 4). */
static bool msg_compressed_certificate(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	size_t at = reader_pos(r);
	unsigned alg, len;

	(void)ctx;
	if (!reader_u16(r, &alg))
		return false;
	decode_add_code(root, "algorithm", alg == 1 ? "zlib" : alg == 2 ? "brotli" : alg == 3 ? "zstd" : NULL, alg, at,
			2);
	at = reader_pos(r);
	if (!reader_u24(r, &len))
		return false;
	tree_range(tree_addf(root, "uncompressed_length", "%u bytes", len), at, 3);
	return add_vec(root, "compressed_certificate_message", r, 3, NULL);
}

/* message_hash (RFC 8446 4.4.1) and unknown messages: the bytes. */
static bool msg_opaque(struct tree_node *root, struct reader *r, const struct decode_ctx *ctx)
{
	const uint8_t *p;
	size_t n, off;

	(void)ctx;
	decode_take_rest(r, &p, &n, &off);
	decode_add_bytes(root, "body", p, n, off);
	return true;
}

static const struct {
	unsigned type;
	msg_fn fn;
} msg_table[] = {
	{ HS_HELLO_REQUEST, msg_empty },
	{ HS_CLIENT_HELLO, msg_client_hello },
	{ HS_SERVER_HELLO, msg_server_hello },
	{ HS_NEW_SESSION_TICKET, msg_new_session_ticket },
	{ HS_END_OF_EARLY_DATA, msg_empty },
	{ HS_ENCRYPTED_EXTENSIONS, msg_encrypted_extensions },
	{ HS_CERTIFICATE, msg_certificate },
	{ HS_SERVER_KEY_EXCHANGE, msg_server_key_exchange },
	{ HS_CERTIFICATE_REQUEST, msg_certificate_request },
	{ HS_SERVER_HELLO_DONE, msg_empty },
	{ HS_CERTIFICATE_VERIFY, msg_certificate_verify },
	{ HS_CLIENT_KEY_EXCHANGE, msg_client_key_exchange },
	{ HS_FINISHED, msg_finished },
	{ HS_CERTIFICATE_STATUS, msg_certificate_status },
	{ HS_KEY_UPDATE, msg_key_update },
	{ HS_COMPRESSED_CERTIFICATE, msg_compressed_certificate },
	{ HS_MESSAGE_HASH, msg_opaque },
	{ TL_HS_HELLO_RETRY_REQUEST, msg_hrr },
};

/* "client -> server" or "server -> client". */
static const char *direction(enum tl_side from)
{
	return from == TL_SERVER ? "server -> client" : "client -> server";
}

/* True when a type 2 body carries the HelloRetryRequest random. */
static bool body_is_hrr(const uint8_t *p, size_t n)
{
	struct reader r;
	const uint8_t *random;

	reader_init(&r, p, n);
	return reader_skip(&r, 2) && reader_bytes(&r, 32, &random) && peek_is_hrr_random(random);
}

/* Decodes a handshake body. */
struct tree_node *decode_handshake(unsigned hs_type, const uint8_t *p, size_t n, const struct decode_ctx *ctx)
{
	return decode_handshake_stored(hs_type, p, n, n, ctx);
}

/* Closes a decoded tree: what was kept of a cut body, where decoding stopped, a fault, bytes left over. */
static void close_tree(struct tree_node *root, const struct reader *r, size_t n, size_t total)
{
	struct tree_node *stored = NULL;

	if (total > n) {
		struct tl_event ev;
		char words[160];
		memset(&ev, 0, sizeof ev);
		ev.body_len = n;
		ev.body_total = total;
		stored = tree_new("stored", timeline_stored_text(&ev, words, sizeof words));
		tree_adopt_first(root, stored);
	}
	if (r->failed && stored && r->past_end) {
		tree_addf(stored, "decoded", "up to offset %zu: the fields from there on lie in the bytes not kept",
			  r->fail_off);
	} else if (r->failed) {
		tree_range(tree_flag(tree_addf(root, "malformed", "at offset %zu: %s", r->fail_off,
					       r->why ? r->why : "malformed"),
				     TREE_ERROR),
			   r->fail_off, r->fail_off < n ? n - r->fail_off : 0);
	} else if (reader_left(r) > 0) {
		size_t left = reader_left(r), at = reader_pos(r);
		tree_range(tree_flag(tree_addf(root, "trailing data", "%zu unexpected byte%s at offset %zu", left,
					       left == 1 ? "" : "s", at),
				     TREE_ERROR),
			   at, left);
	}
}

/* A handshake body of which the first n of total bytes were kept. */
struct tree_node *decode_handshake_stored(unsigned hs_type, const uint8_t *p, size_t n, size_t total,
					  const struct decode_ctx *ctx)
{
	static const struct decode_ctx none = { 0, TL_CLIENT, DECODE_KX_UNKNOWN };
	static const uint8_t no_bytes[1] = { 0 };
	const struct decode_ctx *c = ctx ? ctx : &none;
	struct tree_node *root;
	struct reader r;
	msg_fn fn = msg_opaque;
	const char *name;
	char label[64];

	if (hs_type == HS_SERVER_HELLO && body_is_hrr(p, n))
		hs_type = TL_HS_HELLO_RETRY_REQUEST;
	name = hs_type == TL_HS_HELLO_RETRY_REQUEST ? "HelloRetryRequest" : names_handshake(hs_type);
	if (!name)
		snprintf(label, sizeof label, "unknown handshake message (type %u)", hs_type);
	for (size_t i = 0; i < sizeof msg_table / sizeof msg_table[0]; i++)
		if (msg_table[i].type == hs_type)
			fn = msg_table[i].fn;
	if (!p) {
		p = no_bytes;            /* never do arithmetic on a null pointer */
		n = 0;
	}
	root = tree_new(name ? name : label, NULL);
	if (!root)
		return NULL;
	if (total < n)
		total = n;
	if (ctx)
		decode_set_value(root, "%s, %zu byte%s", direction(c->from), total, total == 1 ? "" : "s");
	else
		decode_set_value(root, "%zu byte%s", total, total == 1 ? "" : "s");
	tree_range(root, 0, n);
	reader_init(&r, p, n);
	if (!fn(root, &r, c) && !r.failed)
		reader_fail(&r, "malformed content");
	close_tree(root, &r, n, total);
	return root;
}

/* ------------------------------------------------------------------ */
/* Alerts, ChangeCipherSpec, records, timeline events. */

/* An alert. */
struct tree_node *decode_alert(unsigned level, unsigned desc)
{
	const char *lname = names_alert_level(level), *dname = names_alert(desc), *meaning = names_alert_meaning(desc);
	struct tree_node *root = tree_new("Alert", NULL);

	decode_set_value(root, "%s: %s (%u)", lname ? lname : "unknown level", dname ? dname : "unknown", desc);
	/* the alert's two bytes: level, then description (meaning and effect are no bytes of their own) */
	tree_range(root, 0, 2);
	tree_range(tree_addf(root, "level", "%s (%u)", lname ? lname : "unknown", level), 0, 1);
	tree_range(tree_addf(root, "description", "%s (%u)", dname ? dname : "unknown", desc), 1, 1);
	tree_add(root, "meaning", meaning ? meaning : "not a registered alert");
	if (level == 2)
		tree_add(root, "effect", "fatal: the connection ends here");
	else if (level == 1 && desc != 0)
		tree_add(root, "effect", "warning: the connection may go on");
	return root;
}

/* The sentence saying what a ChangeCipherSpec of this role does. */
const char *decode_ccs_meaning(enum decode_ccs_role role, enum tl_side from)
{
	bool client = from == TL_CLIENT;

	switch (role) {
	case DECODE_CCS_TLS13_AFTER_HRR:
		return client ? "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that expect "
				"TLS 1.2 let the connection through (RFC 8446, appendix D.4), and the server ignores it. "
				"The client sends it after the HelloRetryRequest, before its second ClientHello: nothing "
				"is encrypted yet; encryption starts after the ServerHello."
			      : "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that expect "
				"TLS 1.2 let the connection through (RFC 8446, appendix D.4), and the client ignores it. "
				"The server sends it right after its HelloRetryRequest: nothing is encrypted yet, the "
				"second ClientHello and the ServerHello still travel in the clear; encryption starts after "
				"the ServerHello.";
	case DECODE_CCS_TLS13_BEFORE_SH:
		return "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that expect TLS 1.2 "
		       "let the connection through (RFC 8446, appendix D.4), and the peer ignores it. It comes before "
		       "any ServerHello: nothing is encrypted yet (only early data would be).";
	case DECODE_CCS_TLS13_AFTER_SH:
		return client ? "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that expect "
				"TLS 1.2 let the connection through (RFC 8446, appendix D.4), and the server ignores it. "
				"The keys did not switch here: the client's next messages are protected with its "
				"handshake traffic keys, in use since the ServerHello with no signal needed."
			      : "In TLS 1.3 this message does nothing: it is sent only so that middleboxes that expect "
				"TLS 1.2 let the connection through (RFC 8446, appendix D.4), and the client ignores it. "
				"Encryption already started after the ServerHello, with no signal needed: the server's "
				"next messages are protected with its handshake traffic keys.";
	case DECODE_CCS_TLS12:
		break;
	}
	return "From the next record on, the sender protects everything with the keys just negotiated; the first "
	       "protected message is its Finished.";
}

/* ChangeCipherSpec. */
struct tree_node *decode_ccs(enum decode_ccs_role role, enum tl_side from)
{
	struct tree_node *root = tree_new("ChangeCipherSpec",
					  role == DECODE_CCS_TLS12 ? "1 byte" : "compatibility only (TLS 1.3)");

	/* its one byte, 1 */
	tree_range(root, 0, 1);
	tree_range(tree_add(root, "type", "change_cipher_spec (1)"), 0, 1);
	tree_add(root, "meaning", decode_ccs_meaning(role, from));
	return root;
}

/* The role of the ChangeCipherSpec at index i. */
enum decode_ccs_role decode_ccs_role(const struct timeline *tl, size_t i)
{
	struct tl_event ev, e;
	size_t first, end;
	bool hrr = false, sh = false, tls13, after_ch = false;
	struct summary s;

	if (!timeline_get(tl, i, &ev) || !timeline_conn_range(tl, ev.conn, &first, &end))
		return DECODE_CCS_TLS12;
	/* back to the ClientHello that began this handshake (the first one, when an HRR followed it) */
	for (size_t k = i; k-- > first;) {
		bool is_hrr;
		if (!timeline_get(tl, k, &e) || e.conn != ev.conn || e.kind != TL_EV_HANDSHAKE)
			continue;
		is_hrr = e.hs_type == TL_HS_HELLO_RETRY_REQUEST ||
			 (e.hs_type == HS_SERVER_HELLO && body_is_hrr(e.body, e.body_len));
		if (after_ch && !is_hrr)
			break;
		hrr |= is_hrr;
		sh |= e.hs_type == HS_SERVER_HELLO && !is_hrr;
		after_ch = e.hs_type == HS_CLIENT_HELLO;
	}
	summary_build(tl, ev.conn, &s);
	tls13 = s.version == 0x0304 || ev.version == 0x0304 || hrr;
	if (!tls13)
		return DECODE_CCS_TLS12;
	if (sh)
		return DECODE_CCS_TLS13_AFTER_SH;
	return hrr ? DECODE_CCS_TLS13_AFTER_HRR : DECODE_CCS_TLS13_BEFORE_SH;
}

/* Which keys protected a record, in words (TLS 1.3: the traffic secret they come from). */
static const char *keys_words(const struct tl_event *ev, char *buf, size_t n)
{
	char name[64];

	if (!ev->encrypted)
		return "no (plaintext)";
	switch (ev->keys) {
	case TL_KEYS_HANDSHAKE: return "yes, with the TLS 1.3 handshake traffic keys";
	case TL_KEYS_APPLICATION:
		snprintf(buf, n, "yes, with the TLS 1.3 application traffic keys of %s",
			 timeline_secret_name(ev, name, sizeof name));
		return buf;
	case TL_KEYS_TLS12: return "yes, with the TLS 1.2 keys from the master secret";
	case TL_KEYS_EARLY: return "yes, with the TLS 1.3 early data keys (client_early_traffic_secret)";
	default: return "yes";
	}
}

/* A record on the wire. */
struct tree_node *decode_record(const struct tl_event *ev)
{
	const char *ct = names_content_type(ev->rec_type), *ver = names_version(ev->rec_version);
	struct tree_node *root = tree_new("TLS record", NULL);
	char words[128];

	decode_set_value(root, "%s, %s (%u), %u byte%s", direction(ev->from), ct ? ct : "unknown", ev->rec_type,
			 ev->rec_length, ev->rec_length == 1 ? "" : "s");
	/* ranges: the record's own bytes, its 5-byte header first (recframe.h) */
	tree_range(tree_addf(root, "content type", "%s (%u)", ct ? ct : "unknown", ev->rec_type), 0, 1);
	if (ev->encrypted && ev->keys != TL_KEYS_TLS12 && ev->rec_type == 23)
		tree_add(root, "real type", "hidden: TLS 1.3 puts the real content type inside the encryption");
	tree_range(tree_addf(root, "version", "%s (0x%04x)", ver ? ver : "unknown", ev->rec_version), 1, 2);
	if (ev->rec_version == 0x0301 || (ev->rec_version == 0x0303 && ev->version == 0x0304))
		tree_add(root, "version note", "legacy field: TLS 1.3 negotiates the version in supported_versions");
	tree_range(tree_addf(root, "length", "%u byte%s", ev->rec_length, ev->rec_length == 1 ? "" : "s"), 3, 2);
	tree_add(root, "encrypted", keys_words(ev, words, sizeof words));
	if (ev->keys == TL_KEYS_APPLICATION && ev->key_gen > 0)
		tree_addf(root, "key generation", "%u: %u KeyUpdate%s from this side moved its keys on since the handshake",
			  ev->key_gen, ev->key_gen, ev->key_gen == 1 ? "" : "s");
	return root;
}

/* Prefixes a root's value with the direction ("server -> client, "). */
static void prefix_direction(struct tree_node *root, enum tl_side from)
{
	if (root && root->value) {
		char *old = root->value;
		root->value = NULL;
		decode_set_value(root, "%s, %s", direction(from), old);
		if (!root->value)
			root->value = old;
		else
			free(old);
	}
}

/* What connection conn did not store so far, under the note that marks where it began. */
static void add_unstored(struct tree_node *t, const struct timeline *tl, unsigned conn)
{
	struct tl_unstored u;
	char line[400];

	if (timeline_conn_unstored(tl, conn, &u) && timeline_unstored_text(&u, line, sizeof line)[0])
		tree_add(t, "so far", line);
}

/* A KeyUpdate's secrets: the one protecting it, and the next one its sender moves to. */
static void add_key_update_secrets(struct tree_node *t, const struct tl_event *ev)
{
	const char *side = ev->from == TL_CLIENT ? "client" : "server";
	char name[64];

	tree_add(t, "protected with", timeline_secret_name(ev, name, sizeof name));
	tree_addf(t, "sender's next secret",
		  "%s_application_traffic_secret_%u = HKDF-Expand-Label(%s, \"traffic upd\", \"\", Hash.length)", side,
		  ev->key_gen + 1, name);
}

/* What opening a record found (stored when its connection settled, recframe.h): its real type, what it
 * carries, and its framing. */
static void add_record_facts(struct tree_node *t, const struct timeline *tl, size_t i)
{
	struct tl_record_facts f;
	struct tree_node *real = tree_find_mut(t, "real type");
	char what[300];

	if (!t || !timeline_get_record(tl, i, &f))
		return;
	if (real && f.verdict == TL_REC_OPENED) {
		const char *ct = names_content_type(f.inner_type);
		free(real->value);
		real->value = NULL;
		decode_set_value(real, "%s (%u), inside the encryption (decrypted with the keys derived from the key log)",
				 ct ? ct : "unknown", f.inner_type);
	}
	if (recframe_carried(tl, i, what, sizeof what)[0])
		tree_add(t, "carries", what);
	tree_adopt(t, recframe_tree(tl, i));
}

/* The tree for timeline event i. */
struct tree_node *decode_event(const struct timeline *tl, size_t i)
{
	struct tl_event ev;
	struct summary s;
	struct decode_ctx ctx;
	struct tree_node *t;

	if (!tl || !timeline_get(tl, i, &ev)) {
		t = tree_new("error", NULL);
		decode_set_value(t, "no event %zu", i);
		return tree_flag(t, TREE_ERROR);
	}
	switch (ev.kind) {
	case TL_EV_HANDSHAKE:
		summary_build(tl, ev.conn, &s);
		ctx.version = s.version;
		ctx.from = ev.from;
		ctx.kx = decode_kx_of(&s);
		t = decode_handshake_stored(ev.hs_type, ev.body, ev.body_len, ev.body_total, &ctx);
		if (t && ev.hs_type == HS_KEY_UPDATE && ev.keys == TL_KEYS_APPLICATION)
			add_key_update_secrets(t, &ev);
		return t;
	case TL_EV_CCS:
		t = decode_ccs(decode_ccs_role(tl, i), ev.from);
		prefix_direction(t, ev.from);
		return t;
	case TL_EV_ALERT:
		t = decode_alert(ev.alert_level, ev.alert_desc);
		prefix_direction(t, ev.from);
		if (t && ev.encrypted)
			tree_add(t, "encrypted", "yes: only the two ends can read it");
		return t;
	case TL_EV_RECORD:
		t = decode_record(&ev);
		add_record_facts(t, tl, i);
		return t;
	case TL_EV_PLAIN:
		return plainproto_tree(&ev);
	case TL_EV_NOTE:
	case TL_EV_ERROR:
	case TL_EV_DIAGNOSIS:
		t = tree_new(timeline_event_name(&ev), ev.text ? ev.text : "");
		if (ev.kind == TL_EV_ERROR)
			tree_flag(t, TREE_ERROR);
		if (ev.note.code == TL_NOTE_NOT_STORED)
			add_unstored(t, tl, ev.conn);
		if (ev.text && ev.text_total > strlen(ev.text)) {
			char kept[32], total[32];
			tree_addf(t, "stored", "the first %s of %s bytes; the rest was not kept",
				  timeline_grouped(strlen(ev.text), kept, sizeof kept),
				  timeline_grouped(ev.text_total, total, sizeof total));
		}
		return t;
	}
	t = tree_new("unknown event", NULL);
	return t;
}
