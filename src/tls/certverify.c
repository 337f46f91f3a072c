/*
 * certverify.c: the signature checks of CertificateVerify and
 * ServerKeyExchange (see certverify.h).
 *
 * Everything is read from the timeline: the message gives the scheme and
 * the signature (through the decoder's tree, the one parser of every
 * message), the signer's Certificate message gives the key (its first
 * certificate), and finished.c's transcript machinery gives what was
 * signed (finished_transcript_get). GnuTLS verifies: the key through
 * gnutls_pubkey_import_x509, the signature through
 * gnutls_pubkey_verify_data2 with the sign algorithm the scheme names.
 * One function (compute) makes every result; certverify_settle stores it,
 * certverify_result_get returns the stored one or computes it on demand,
 * and certverify_check only renders it.
 */
#include "tls_internal.h"
#include "x509_internal.h"
#include "tlsladder/certverify.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"
#include "tlsladder/wire.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAD_LEN 64               /* RFC 8446 4.4.3: 64 bytes of 0x20 */
#define RANDOM_LEN 32

/* The two context strings of RFC 8446 4.4.3. */
static const char CONTEXT_SERVER[] = "TLS 1.3, server CertificateVerify";
static const char CONTEXT_CLIENT[] = "TLS 1.3, client CertificateVerify";

/* A wire SignatureScheme and the GnuTLS sign algorithm that verifies it. */
struct scheme_algo {
	unsigned scheme;
	gnutls_sign_algorithm_t tls13, tls12;   /* GNUTLS_SIGN_UNKNOWN: not allowed in that version */
	bool sha1;                              /* a SHA-1 scheme (verified only when asked to allow it) */
};

/* TLS 1.3 binds an ECDSA scheme to its curve; TLS 1.2 lets any curve sign with any hash (RFC 8446 4.2.3). */
static const struct scheme_algo schemes[] = {
	{ 0x0201, GNUTLS_SIGN_UNKNOWN, GNUTLS_SIGN_RSA_SHA1, true },
	{ 0x0203, GNUTLS_SIGN_UNKNOWN, GNUTLS_SIGN_ECDSA_SHA1, true },
	{ 0x0401, GNUTLS_SIGN_UNKNOWN, GNUTLS_SIGN_RSA_SHA256, false },
	{ 0x0501, GNUTLS_SIGN_UNKNOWN, GNUTLS_SIGN_RSA_SHA384, false },
	{ 0x0601, GNUTLS_SIGN_UNKNOWN, GNUTLS_SIGN_RSA_SHA512, false },
	{ 0x0403, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, GNUTLS_SIGN_ECDSA_SHA256, false },
	{ 0x0503, GNUTLS_SIGN_ECDSA_SECP384R1_SHA384, GNUTLS_SIGN_ECDSA_SHA384, false },
	{ 0x0603, GNUTLS_SIGN_ECDSA_SECP521R1_SHA512, GNUTLS_SIGN_ECDSA_SHA512, false },
	{ 0x0804, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, false },
	{ 0x0805, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, false },
	{ 0x0806, GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, false },
	{ 0x0807, GNUTLS_SIGN_EDDSA_ED25519, GNUTLS_SIGN_EDDSA_ED25519, false },
	{ 0x0808, GNUTLS_SIGN_EDDSA_ED448, GNUTLS_SIGN_EDDSA_ED448, false },
	{ 0x0809, GNUTLS_SIGN_RSA_PSS_SHA256, GNUTLS_SIGN_RSA_PSS_SHA256, false },
	{ 0x080a, GNUTLS_SIGN_RSA_PSS_SHA384, GNUTLS_SIGN_RSA_PSS_SHA384, false },
	{ 0x080b, GNUTLS_SIGN_RSA_PSS_SHA512, GNUTLS_SIGN_RSA_PSS_SHA512, false },
};

/* The sign algorithm of a scheme in this version, or NULL when the check does not know it. */
static const struct scheme_algo *scheme_find(unsigned scheme, bool tls13, gnutls_sign_algorithm_t *algo)
{
	for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++) {
		if (schemes[k].scheme != scheme)
			continue;
		*algo = tls13 ? schemes[k].tls13 : schemes[k].tls12;
		return *algo == GNUTLS_SIGN_UNKNOWN ? NULL : &schemes[k];
	}
	return NULL;
}

/* The message's signature: scheme and bytes (from the decoder's tree); ServerKeyExchange: where its parameters end. */
static enum certverify_reason sig_fields(const struct timeline *tl, size_t i, const struct tl_event *ev,
					 struct certverify_result *r, const uint8_t **sig)
{
	struct tree_node *t = decode_event(tl, i);
	const struct tree_node *sa, *sn;
	enum certverify_reason why = CERTVERIFY_REASON_NONE;

	if (!t)
		return CERTVERIFY_OUT_OF_MEMORY;
	sa = tree_find(t, "signature algorithm");
	sn = tree_find(t, "signature");
	if (tree_find(t, "malformed") || tree_find(t, "trailing data"))
		why = CERTVERIFY_MALFORMED;
	else if (!sa || !sn)
		why = r->kind == CERTVERIFY_TLS12_SKE ? CERTVERIFY_NO_SIGNATURE : CERTVERIFY_MALFORMED;
	else if (sa->len != 2 || sn->len < 2 || sa->off + 2 > ev->body_len || sn->off + sn->len > ev->body_len)
		why = CERTVERIFY_MALFORMED;
	if (why == CERTVERIFY_REASON_NONE) {
		r->scheme = (unsigned)ev->body[sa->off] << 8 | ev->body[sa->off + 1];
		*sig = ev->body + sn->off + 2;
		r->sig_len = sn->len - 2;
		r->params_len = sa->off;
	}
	tree_free(t);
	return why;
}

/* The signer's Certificate message in the handshake before index i (scanning back to its ClientHello). */
static size_t signer_certificate(const struct timeline *tl, size_t i, unsigned conn, enum tl_side signer)
{
	for (size_t j = i; j-- > 0;) {
		struct tl_event ev;

		if (!timeline_get(tl, j, &ev) || ev.conn != conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (ev.hs_type == WIRE_HS_CERTIFICATE && ev.from == signer)
			return j;
		if (ev.hs_type == WIRE_HS_CLIENT_HELLO)
			break;
	}
	return CERTVERIFY_NO_INDEX;
}

/* The DER of the first certificate of the signer's Certificate message (the decoder's "certificate 1"). */
static enum certverify_reason signer_der(const struct timeline *tl, size_t i, struct certverify_result *r,
					 const uint8_t **der, size_t *len)
{
	struct tl_event ev;
	struct tree_node *t;
	const struct tree_node *c;
	enum certverify_reason why = CERTVERIFY_REASON_NONE;

	r->cert_index = signer_certificate(tl, i, r->conn, r->client ? TL_CLIENT : TL_SERVER);
	if (r->cert_index == CERTVERIFY_NO_INDEX || !timeline_get(tl, r->cert_index, &ev))
		return CERTVERIFY_NO_CERTIFICATE;
	t = decode_event(tl, r->cert_index);
	if (!t)
		return CERTVERIFY_OUT_OF_MEMORY;
	c = tree_find(t, "certificates/certificate 1");
	if (timeline_body_cut(&ev))
		why = CERTVERIFY_BODY_CUT;
	else if (!c && tree_find(t, "certificates") && !tree_find(t, "malformed"))
		why = CERTVERIFY_EMPTY_CERTIFICATE;
	else if (!c || c->len == 0 || c->off + c->len > ev.body_len)
		why = CERTVERIFY_BAD_CERTIFICATE;
	else {
		*der = ev.body + c->off;
		*len = c->len;
	}
	tree_free(t);
	return why;
}

/* The public key of the certificate in der, with its kind, size and subject noted in r. */
static enum certverify_reason key_load(const uint8_t *der, size_t len, struct certverify_result *r,
				       gnutls_pubkey_t *pub)
{
	gnutls_x509_crt_t crt;
	int rc = x509facts_from_der(der, len, &crt);

	*pub = NULL;
	if (rc >= 0) {
		r->key = x509facts_key_kind(crt, &r->key_bits);
		x509facts_dn_safe(crt, r->subject, sizeof r->subject);
		if ((rc = gnutls_pubkey_init(pub)) >= 0 && (rc = gnutls_pubkey_import_x509(*pub, crt, 0)) < 0) {
			gnutls_pubkey_deinit(*pub);
			*pub = NULL;
		}
		gnutls_x509_crt_deinit(crt);
	}
	if (rc >= 0)
		return CERTVERIFY_REASON_NONE;
	r->lib_error = rc;
	snprintf(r->lib_words, sizeof r->lib_words, "%s", gnutls_strerror(rc));
	return CERTVERIFY_BAD_CERTIFICATE;
}

/* Appends n bytes at *pos of buf (sized beforehand). */
static void put(uint8_t *buf, size_t *pos, const void *p, size_t n)
{
	memcpy(buf + *pos, p, n);
	*pos += n;
}

/* The signed content of r's kind into a new buffer (*out, *len), from the transcript t and the message body. */
static enum certverify_reason content_make(const struct certverify_result *r, const struct finished_transcript *t,
					   const uint8_t *body, uint8_t **out, size_t *len)
{
	const char *ctx = r->client ? CONTEXT_CLIENT : CONTEXT_SERVER;
	size_t n = 0, at = 0;
	uint8_t *buf;

	if (r->kind == CERTVERIFY_TLS13)
		n = PAD_LEN + strlen(ctx) + 1 + t->hash_len;
	else if (r->kind == CERTVERIFY_TLS12_CV)
		n = t->len;
	else
		n = 2 * RANDOM_LEN + r->params_len;
	buf = malloc(n ? n : 1);
	if (!buf)
		return CERTVERIFY_OUT_OF_MEMORY;
	if (r->kind == CERTVERIFY_TLS13) {
		memset(buf, 0x20, PAD_LEN);
		at = PAD_LEN;
		put(buf, &at, ctx, strlen(ctx) + 1);      /* the string and its 0 separator */
		put(buf, &at, t->hash, t->hash_len);
	} else if (r->kind == CERTVERIFY_TLS12_CV) {
		put(buf, &at, t->bytes, t->len);
	} else {
		put(buf, &at, t->client_random, RANDOM_LEN);
		put(buf, &at, t->server_random, RANDOM_LEN);
		put(buf, &at, body, r->params_len);
	}
	*out = buf;
	*len = n;
	return CERTVERIFY_REASON_NONE;
}

/* Notes what the transcript says in r; the reason when it does not serve this kind of signature. */
static enum certverify_reason transcript_take(struct certverify_result *r, const struct finished_transcript *t)
{
	r->version = t->version;
	if (t->reason == FINISHED_LEGACY_PRF || (t->version != 0 && t->version != WIRE_TLS12 && t->version != WIRE_TLS13))
		return CERTVERIFY_LEGACY_VERSION;
	if (r->kind != CERTVERIFY_TLS12_SKE)
		r->kind = t->version == WIRE_TLS13 ? CERTVERIFY_TLS13 : CERTVERIFY_TLS12_CV;
	memcpy(r->client_random, t->client_random, RANDOM_LEN);
	memcpy(r->server_random, t->server_random, RANDOM_LEN);
	if (r->kind == CERTVERIFY_TLS12_SKE && t->have_randoms && t->version == WIRE_TLS12)
		return CERTVERIFY_REASON_NONE;       /* the randoms are all it needs */
	r->transcript_reason = t->reason;
	r->bad_index = t->bad_index;
	if (t->reason != FINISHED_REASON_NONE)
		return CERTVERIFY_TRANSCRIPT;
	r->hash_name = t->hash_name;
	r->hash_len = t->hash_len;
	memcpy(r->transcript_hash, t->hash, sizeof r->transcript_hash);
	memcpy(r->msgs, t->msgs, sizeof r->msgs);
	r->nmsgs = t->nmsgs;
	r->message_hash = t->message_hash;
	r->post_handshake = t->post_handshake;
	r->have_transcript = true;
	return CERTVERIFY_REASON_NONE;
}

/* Verifies sig over content with pub; the verdict in r. */
static void verify(struct certverify_result *r, gnutls_pubkey_t pub, gnutls_sign_algorithm_t algo, bool sha1,
		   const uint8_t *content, size_t clen, const uint8_t *sig)
{
	gnutls_datum_t data = { tls_datum_bytes(content), (unsigned)clen };
	gnutls_datum_t s = { tls_datum_bytes(sig), (unsigned)r->sig_len };
	int rc = gnutls_pubkey_verify_data2(pub, algo, sha1 ? GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 : 0, &data, &s);

	r->verdict = rc >= 0 ? CERTVERIFY_MATCH : CERTVERIFY_MISMATCH;
	if (rc < 0 && rc != GNUTLS_E_PK_SIG_VERIFY_FAILED) {
		r->lib_error = rc;
		snprintf(r->lib_words, sizeof r->lib_words, "%s", gnutls_strerror(rc));
	}
}

/* What kind of signature event i holds (CERTVERIFY_KIND_NONE: none); sets who signed it. */
static enum certverify_kind kind_of(const struct tl_event *ev, bool *client)
{
	*client = ev->from == TL_CLIENT;
	if (ev->kind != TL_EV_HANDSHAKE)
		return CERTVERIFY_KIND_NONE;
	if (ev->hs_type == WIRE_HS_CERTIFICATE_VERIFY)
		return CERTVERIFY_TLS12_CV;          /* or TLS 1.3: the transcript tells */
	if (ev->hs_type == WIRE_HS_SERVER_KEY_EXCHANGE) {
		*client = false;
		return CERTVERIFY_TLS12_SKE;
	}
	return CERTVERIFY_KIND_NONE;
}

/* The parts of a check that need the message and its handshake: the signed content and the key. */
struct parts {
	struct finished_transcript t;
	const uint8_t *sig;
	const uint8_t *der;
	size_t der_len;
	gnutls_pubkey_t pub;
};

/* Reads the message, its handshake and the signer's key into p; the reason when one is missing. */
static enum certverify_reason parts_read(const struct timeline *tl, size_t i, const struct tl_event *ev,
					 struct certverify_result *r, struct parts *p)
{
	enum certverify_reason why;

	if (timeline_body_cut(ev))
		return CERTVERIFY_BODY_CUT;
	finished_transcript_get(tl, i, r->client, &p->t);
	if ((why = transcript_take(r, &p->t)) != CERTVERIFY_REASON_NONE)
		return why;
	if ((why = sig_fields(tl, i, ev, r, &p->sig)) != CERTVERIFY_REASON_NONE)
		return why;
	if ((why = signer_der(tl, i, r, &p->der, &p->der_len)) != CERTVERIFY_REASON_NONE)
		return why;
	return key_load(p->der, p->der_len, r, &p->pub);
}

/* Checks the signature at index i into r (the one function every result comes from); the signed content
 * into *content when asked (content may be NULL). */
static void compute(const struct timeline *tl, size_t i, struct certverify_result *r, uint8_t **content, size_t *clen)
{
	struct tl_event ev;
	struct parts p;
	gnutls_sign_algorithm_t algo = GNUTLS_SIGN_UNKNOWN;
	const struct scheme_algo *sa = NULL;
	uint8_t *c = NULL;

	memset(r, 0, sizeof *r);
	memset(&p, 0, sizeof p);
	r->index = i;
	r->cert_index = CERTVERIFY_NO_INDEX;
	if (!timeline_get(tl, i, &ev) || (r->kind = kind_of(&ev, &r->client)) == CERTVERIFY_KIND_NONE) {
		r->reason = CERTVERIFY_NOT_SIGNED;
		return;
	}
	r->conn = ev.conn;
	r->reason = parts_read(tl, i, &ev, r, &p);
	if (r->reason == CERTVERIFY_REASON_NONE &&
	    !(sa = scheme_find(r->scheme, r->kind == CERTVERIFY_TLS13, &algo)))
		r->reason = CERTVERIFY_UNKNOWN_SCHEME;
	if (r->reason == CERTVERIFY_REASON_NONE)
		r->reason = content_make(r, &p.t, ev.body, &c, &r->content_len);
	if (r->reason == CERTVERIFY_REASON_NONE)
		verify(r, p.pub, algo, sa->sha1, c, r->content_len, p.sig);
	if (p.pub)
		gnutls_pubkey_deinit(p.pub);
	finished_transcript_free(&p.t);
	if (content && c) {
		*content = c;
		*clen = r->content_len;
	} else {
		free(c);
	}
}

/* The stored check of the signature at i, else the one computed on demand (kept per timeline stamp). */
enum certverify_verdict certverify_result_get(const struct timeline *tl, size_t i, struct certverify_result *out)
{
	enum { SLOTS = 4 };
	static _Thread_local struct {
		bool valid;
		uint64_t id;
		unsigned generation;
		struct certverify_result r;
	} memo[SLOTS];
	static _Thread_local unsigned next;
	uint64_t id;
	unsigned gen;

	if (timeline_get_certverify(tl, i, out))
		return out->verdict;
	timeline_stamp(tl, &id, &gen);
	for (unsigned k = 0; k < SLOTS; k++) {
		if (memo[k].valid && memo[k].id == id && memo[k].generation == gen && memo[k].r.index == i) {
			*out = memo[k].r;
			return out->verdict;
		}
	}
	compute(tl, i, out, NULL, NULL);
	memo[next].r = *out;
	memo[next].id = id;
	memo[next].generation = gen;
	memo[next].valid = true;
	next = (next + 1) % SLOTS;
	return out->verdict;
}

/* Checks every signature of a connection and stores the results. */
void certverify_settle(struct timeline *tl, unsigned conn)
{
	size_t first, end;

	if (!timeline_conn_range(tl, conn, &first, &end))
		return;
	for (size_t i = first; i < end; i++) {
		struct tl_event ev;
		struct certverify_result r;
		bool client;

		if (!timeline_get(tl, i, &ev) || ev.conn != conn || kind_of(&ev, &client) == CERTVERIFY_KIND_NONE)
			continue;
		compute(tl, i, &r, NULL, NULL);
		timeline_set_certverify(tl, &r);
	}
}

/* The exact signed content of the signature at i. */
bool certverify_signed_content(const struct timeline *tl, size_t i, uint8_t **out, size_t *len)
{
	struct certverify_result r;

	*out = NULL;
	*len = 0;
	compute(tl, i, &r, out, len);
	return *out != NULL;
}

/* Why a signature could not be checked, or why the library refused it. */
char *certverify_reason_text(const struct certverify_result *r, char *buf, size_t n)
{
	char why[160];
	const char *signer = r->client ? "client" : "server";

	switch (r->reason) {
	case CERTVERIFY_REASON_NONE:
		snprintf(buf, n, "%s", r->verdict == CERTVERIFY_MISMATCH ? r->lib_words : "");
		break;
	case CERTVERIFY_NOT_SIGNED:
		snprintf(buf, n, "event %zu is neither a CertificateVerify nor a ServerKeyExchange", r->index);
		break;
	case CERTVERIFY_NO_SIGNATURE: snprintf(buf, n, "this ServerKeyExchange carries no signature"); break;
	case CERTVERIFY_MALFORMED: snprintf(buf, n, "the message does not decode"); break;
	case CERTVERIFY_BODY_CUT:
		snprintf(buf, n, "a message was not kept whole (the limits of what a connection stores)");
		break;
	case CERTVERIFY_LEGACY_VERSION:
		snprintf(buf, n, "TLS 1.0 and 1.1 sign MD5+SHA-1 hashes with no scheme on the wire; not checked here");
		break;
	case CERTVERIFY_TRANSCRIPT: {
		struct finished_result fr;
		memset(&fr, 0, sizeof fr);
		fr.reason = r->transcript_reason;
		fr.conn = r->conn;
		fr.version = r->version;
		fr.bad_index = r->bad_index;
		snprintf(buf, n, "the handshake before it cannot be rebuilt: %s", finished_reason_text(&fr, why, sizeof why));
		break;
	}
	case CERTVERIFY_NO_CERTIFICATE: snprintf(buf, n, "no Certificate from the %s before it", signer); break;
	case CERTVERIFY_EMPTY_CERTIFICATE: snprintf(buf, n, "the %s's Certificate message is empty", signer); break;
	case CERTVERIFY_BAD_CERTIFICATE:
		snprintf(buf, n, "the key of the %s's certificate cannot be read%s%s", signer, r->lib_words[0] ? ": " : "",
			 r->lib_words);
		break;
	case CERTVERIFY_UNKNOWN_SCHEME:
		snprintf(buf, n, "signature scheme 0x%04x (%s) is not one this check knows for %s", r->scheme,
			 names_sigscheme(r->scheme) ? names_sigscheme(r->scheme) : "unknown",
			 r->kind == CERTVERIFY_TLS13 ? "TLS 1.3" : "TLS 1.2");
		break;
	case CERTVERIFY_OUT_OF_MEMORY: snprintf(buf, n, "out of memory"); break;
	}
	return buf;
}

/* A node valued with the hex of p[0..len). */
static struct tree_node *add_hex(struct tree_node *parent, const char *label, const uint8_t *p, size_t len)
{
	char hex[2 * FINISHED_MAX_HASH + 1];

	x509facts_hex(hex, sizeof hex, p, len, 0, false);
	return tree_add(parent, label, hex);
}

/* The messages a transcript covers, as children of node. */
static void render_messages(struct tree_node *node, const struct timeline *tl, const struct certverify_result *r)
{
	unsigned shown = r->nmsgs < FINISHED_MAX_MSGS ? r->nmsgs : FINISHED_MAX_MSGS;

	for (unsigned k = 0; k < shown; k++) {
		struct tl_event ev;
		if (!timeline_get(tl, r->msgs[k], &ev))
			continue;
		if (k == 0 && r->message_hash)
			tree_add(node, "message_hash", "the first ClientHello, replaced by 254 00 00 HashLen || "
						       "Hash(ClientHello1)");
		else
			tree_addf(node, timeline_event_name(&ev), "from the %s, 4 + %zu bytes",
				  ev.from == TL_CLIENT ? "client" : "server", ev.body_len);
	}
	if (r->nmsgs > shown)
		tree_addf(node, "more", "%u more messages", r->nmsgs - shown);
}

/* TLS 1.3: the four parts of the signed content (RFC 8446 4.4.3). */
static void render_content13(struct tree_node *sc, const struct timeline *tl, const struct certverify_result *r)
{
	const char *ctx = r->client ? CONTEXT_CLIENT : CONTEXT_SERVER;
	struct tree_node *th;

	tree_add(sc, "padding", "64 bytes of 0x20 (spaces)");
	tree_addf(sc, "context string", "\"%s\" (%zu bytes)", ctx, strlen(ctx));
	tree_add(sc, "separator", "one 0 byte");
	if (!r->have_transcript)
		return;
	th = add_hex(sc, "transcript hash", r->transcript_hash, r->hash_len);
	if (r->post_handshake)
		tree_addf(th, "covers", "%s of the handshake through the client's Finished, then this exchange's "
					"CertificateRequest and Certificate (post-handshake authentication, RFC 8446 4.4)",
			  r->hash_name);
	else
		tree_addf(th, "covers", "%s of every handshake message before this CertificateVerify, up to and "
					"including the Certificate, each as type || length || body",
			  r->hash_name);
	render_messages(th, tl, r);
}

/* The signed content with its parts. */
static void render_content(struct tree_node *root, const struct timeline *tl, const struct certverify_result *r)
{
	struct tree_node *sc;

	if (r->kind == CERTVERIFY_TLS13) {
		sc = tree_add(root, "signed content", "64 spaces, the context string, a 0 byte and the transcript hash "
						      "(RFC 8446 4.4.3)");
		render_content13(sc, tl, r);
	} else if (r->kind == CERTVERIFY_TLS12_CV) {
		sc = tree_add(root, "signed content", "every handshake message before this CertificateVerify, each as "
						      "type || length || body, concatenated (RFC 5246 7.4.8); the "
						      "scheme's hash is part of the signature");
		if (r->have_transcript)
			render_messages(sc, tl, r);
	} else {
		sc = tree_add(root, "signed content", "client random + server random + the server's key exchange "
						      "parameters (RFC 5246 7.4.3)");
		add_hex(sc, "client random", r->client_random, RANDOM_LEN);
		add_hex(sc, "server random", r->server_random, RANDOM_LEN);
		if (r->sig_len)
			tree_range(tree_addf(sc, "server parameters", "the first %zu bytes of this message", r->params_len),
				   0, r->params_len);
	}
	if (sc && r->content_len)
		decode_set_value(sc, "%zu bytes: %s", r->content_len, sc->value);
}

/* The key the signature is checked with. */
static void render_key(struct tree_node *root, const struct certverify_result *r)
{
	struct tree_node *k;

	if (r->cert_index == CERTVERIFY_NO_INDEX || !r->subject[0])
		return;
	k = tree_addf(root, "key", "%s, %u bits, from the certificate of %s", notes_key_kind(r->key), r->key_bits,
		      r->subject);
	tree_addf(k, "certificate", "the first one in the %s's Certificate message", r->client ? "client" : "server");
}

/* The check of the signature at index i as a tree, rendered from its result. */
struct tree_node *certverify_check(const struct timeline *tl, size_t i)
{
	struct tree_node *root = tree_new("signature check", NULL);
	struct certverify_result r;
	char why[300], verdict[340];
	unsigned flag;

	if (!root)
		return NULL;
	certverify_result_get(tl, i, &r);
	certverify_reason_text(&r, why, sizeof why);
	if (r.reason != CERTVERIFY_NOT_SIGNED) {
		tree_add(root, "signed by", r.client ? "the client" : "the server");
		render_content(root, tl, &r);
	}
	if (r.scheme)       /* at the start of a CertificateVerify, after a ServerKeyExchange's parameters */
		tree_range(tree_addf(root, "signature scheme", "%s (0x%04x)",
				     names_sigscheme(r.scheme) ? names_sigscheme(r.scheme) : "unknown", r.scheme),
			   r.params_len, 2);
	if (r.sig_len)
		tree_range(tree_addf(root, "signature", "%zu bytes", r.sig_len), r.params_len + 4, r.sig_len);
	render_key(root, &r);
	if (r.verdict == CERTVERIFY_MATCH)
		snprintf(verdict, sizeof verdict, "MATCH");
	else if (r.verdict == CERTVERIFY_MISMATCH)
		snprintf(verdict, sizeof verdict, "MISMATCH%s%s", why[0] ? ": " : "", why);
	else
		snprintf(verdict, sizeof verdict, "cannot check: %s", why);
	flag = r.verdict == CERTVERIFY_MATCH ? TREE_GOOD : r.verdict == CERTVERIFY_MISMATCH ? TREE_BAD : 0;
	free(root->value);
	root->value = strdup(verdict);
	tree_flag(root, flag);
	tree_flag(tree_add(root, "verdict", verdict), flag);
	return root;
}
