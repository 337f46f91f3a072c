/*
 * records.c: every record of a settled connection opened with keys derived
 * here from the key log secrets, and what it holds matched against the
 * messages the hooks recorded (see records.h). One pass per sender: its
 * stream (the kept wire) is cut into records along its TL_EV_RECORD events;
 * the keys follow the events' key epochs; the facts of each record go into
 * the timeline once.
 */
#include "tlsladder/records.h"
#include "tls_internal.h"
#include "tlsladder/finished.h"
#include "tlsladder/names.h"
#include "tlsladder/peek.h"
#include "tlsladder/reader.h"
#include "tlsladder/recframe.h"
#include "tlsladder/wire.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 5u
#define MAX_PAYLOAD (16384u + 2048u)
#define RESYNC_LOOKAHEAD 16u

/* What the connection's hellos say. */
struct rparams {
	bool have;                 /* a ClientHello and a ServerHello */
	unsigned conn;
	uint8_t client_random[32];
	unsigned version, suite;
	bool etm;                  /* TLS 1.2: encrypt_then_mac agreed */
};

/* The keys in force for one sender, and its sequence number under them. */
struct rkeys {
	bool tried;                /* derived (or found underivable) for the current epoch */
	enum tl_rec_why why;       /* TL_REC_WHY_NONE: usable */
	enum tl_rec_protect prot;
	gnutls_cipher_algorithm_t ca;
	gnutls_mac_algorithm_t mac;
	uint8_t key[32], iv[16], mac_key[48];
	size_t key_len, iv_len, mac_len, tag_len;
	char label[48];
	uint64_t seq;
	/* the epoch: TLS 1.3 the keys and generation; TLS 1.2 the ChangeCipherSpec that started them */
	bool any;
	enum tl_keys keys;
	unsigned gen;
	size_t ccs_index;
};

/* One sender's messages, and how far its plaintext matched them. */
struct rmatch {
	size_t *hs, nhs, hs_at, hs_off;
	size_t *al, nal, al_at;
	size_t *ccs, nccs, ccs_at;
};

/* Appends v to a growing array; false when memory ran out. */
static bool push(size_t **a, size_t *n, size_t v)
{
	if (*n == 0 || (*n >= 8 && (*n & (*n - 1)) == 0)) {
		size_t *na = realloc(*a, (*n ? *n * 2 : 8) * sizeof *na);
		if (!na)
			return false;
		*a = na;
	}
	(*a)[(*n)++] = v;
	return true;
}

/* True when a ServerHello body lists extension `want` (bounds-checked walk). */
static bool sh_has_ext(const uint8_t *p, size_t n, unsigned want)
{
	struct reader r, exts, body;
	unsigned sid, type;

	reader_init(&r, p, n);
	reader_skip(&r, 2 + 32);
	reader_u8(&r, &sid);
	reader_skip(&r, sid);
	reader_skip(&r, 2 + 1);
	if (!reader_vec(&r, 2, &exts))
		return false;
	while (reader_left(&exts) >= 4) {
		if (!reader_u16(&exts, &type) || !reader_vec(&exts, 2, &body))
			return false;
		if (type == want)
			return true;
	}
	return false;
}

/* Reads the connection's first ClientHello and ServerHello into p. */
static void params_read(const struct timeline *tl, unsigned conn, size_t first, size_t end, struct rparams *p)
{
	bool ch = false, sh = false;

	memset(p, 0, sizeof *p);
	p->conn = conn;
	for (size_t i = first; i < end && !(ch && sh); i++) {
		struct tl_event ev;
		struct peek_server_hello h;

		if (!timeline_get(tl, i, &ev) || ev.conn != conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (!ch && ev.hs_type == WIRE_HS_CLIENT_HELLO && ev.body_len >= 34) {
			memcpy(p->client_random, ev.body + 2, 32);
			ch = true;
		} else if (!sh && ev.hs_type == WIRE_HS_SERVER_HELLO && peek_server_hello(ev.body, ev.body_len, &h) &&
			   !h.is_hrr) {
			p->version = h.version;
			p->suite = h.cipher_suite;
			p->etm = h.version == WIRE_TLS12 && sh_has_ext(ev.body, ev.body_len, WIRE_EXT_ENCRYPT_THEN_MAC);
			sh = true;
		}
	}
	p->have = ch && sh;
}

/* The connection's secret by label (matched by connection and client random); false when the key log has none. */
static bool secret_find(const struct timeline *tl, const struct rparams *p, const char *label, struct tl_secret *out)
{
	size_t n = timeline_secret_count(tl);

	for (size_t i = 0; i < n; i++)
		if (timeline_get_secret(tl, i, out) && !out->withheld && out->conn == p->conn &&
		    strcmp(out->label, label) == 0 && memcmp(out->client_random, p->client_random, 32) == 0)
			return true;
	memset(out, 0, sizeof *out);
	return false;
}

/* The AEAD cipher and tag length of a TLS 1.3 suite; false when not known. */
static bool cipher13(unsigned suite, gnutls_cipher_algorithm_t *ca, size_t *tag)
{
	*tag = 16;
	switch (suite) {
	case WIRE_SUITE_TLS_AES_128_GCM_SHA256: *ca = GNUTLS_CIPHER_AES_128_GCM; return true;
	case WIRE_SUITE_TLS_AES_256_GCM_SHA384: *ca = GNUTLS_CIPHER_AES_256_GCM; return true;
	case WIRE_SUITE_TLS_CHACHA20_POLY1305_SHA256: *ca = GNUTLS_CIPHER_CHACHA20_POLY1305; return true;
	case WIRE_SUITE_TLS_AES_128_CCM_SHA256: *ca = GNUTLS_CIPHER_AES_128_CCM; return true;
	case WIRE_SUITE_TLS_AES_128_CCM_8_SHA256: *ca = GNUTLS_CIPHER_AES_128_CCM_8; *tag = 8; return true;
	default: return false;
	}
}

/* TLS 1.3: the keys of a sender's traffic secret (application generation gen: gen times "traffic upd"). */
static void keys13(const struct timeline *tl, const struct rparams *p, enum tl_side from, struct rkeys *k)
{
	const char *side = from == TL_CLIENT ? "CLIENT" : "SERVER";
	gnutls_mac_algorithm_t mac = p->suite == WIRE_SUITE_TLS_AES_256_GCM_SHA384 ? GNUTLS_MAC_SHA384 : GNUTLS_MAC_SHA256;
	struct finished_keys13 fk;
	struct tl_secret s;

	if (k->keys == TL_KEYS_EARLY)
		snprintf(k->label, sizeof k->label, "CLIENT_EARLY_TRAFFIC_SECRET");
	else
		snprintf(k->label, sizeof k->label, k->keys == TL_KEYS_HANDSHAKE ? "%s_HANDSHAKE_TRAFFIC_SECRET"
										: "%s_TRAFFIC_SECRET_0", side);
	if (!cipher13(p->suite, &k->ca, &k->tag_len)) {
		k->why = TL_REC_UNSUPPORTED;
		return;
	}
	if (!secret_find(tl, p, k->label, &s)) {
		k->why = TL_REC_NO_SECRET;
		return;
	}
	for (unsigned g = 0; k->keys == TL_KEYS_APPLICATION && g < k->gen && k->why == TL_REC_WHY_NONE; g++) {
		uint8_t next[64];
		if (!finished_hkdf_expand_label(mac, s.secret, s.len, "traffic upd", NULL, 0, next, s.len))
			k->why = TL_REC_LIBRARY;
		memcpy(s.secret, next, s.len);
		memset(next, 0, sizeof next);
	}
	if (k->why == TL_REC_WHY_NONE && !finished_traffic_keys13(p->suite, s.secret, s.len, &fk))
		k->why = TL_REC_LIBRARY;
	if (k->why == TL_REC_WHY_NONE) {
		memcpy(k->key, fk.key, fk.key_len);
		memcpy(k->iv, fk.iv, fk.iv_len);
		k->key_len = fk.key_len;
		k->iv_len = fk.iv_len;
		k->prot = TL_PROT_AEAD13;
	}
	memset(&fk, 0, sizeof fk);
	memset(&s, 0, sizeof s);
}

/* The cipher of a TLS 1.2 suite by its IANA name and key block layout; false when not supported here. */
static bool cipher12(const char *name, const struct finished_keys12 *kb, struct rkeys *k)
{
	bool ccm = name && strstr(name, "_CCM"), ccm8 = name && strstr(name, "_CCM_8");
	bool aes = name && strstr(name, "_AES_"), cam = name && strstr(name, "_CAMELLIA_");

	k->tag_len = ccm8 ? 8 : 16;
	if (kb->iv_len == 4 && aes) {
		k->prot = TL_PROT_AEAD12_EXPLICIT;
		k->ca = ccm8 ? (kb->key_len == 32 ? GNUTLS_CIPHER_AES_256_CCM_8 : GNUTLS_CIPHER_AES_128_CCM_8)
		      : ccm ? (kb->key_len == 32 ? GNUTLS_CIPHER_AES_256_CCM : GNUTLS_CIPHER_AES_128_CCM)
			    : (kb->key_len == 32 ? GNUTLS_CIPHER_AES_256_GCM : GNUTLS_CIPHER_AES_128_GCM);
		return true;
	}
	if (kb->iv_len == 12 && kb->key_len == 32) {
		k->prot = TL_PROT_AEAD12_XOR;
		k->ca = GNUTLS_CIPHER_CHACHA20_POLY1305;
		return true;
	}
	if (kb->mac_len == 0 || !name || !strstr(name, "_CBC_"))
		return false;
	k->prot = TL_PROT_CBC;
	k->mac = kb->mac_len == 20 ? GNUTLS_MAC_SHA1 : kb->mac_len == 32 ? GNUTLS_MAC_SHA256 : GNUTLS_MAC_SHA384;
	k->tag_len = kb->mac_len;
	if (aes)
		k->ca = kb->key_len == 32 ? GNUTLS_CIPHER_AES_256_CBC : GNUTLS_CIPHER_AES_128_CBC;
	else if (cam)
		k->ca = kb->key_len == 32 ? GNUTLS_CIPHER_CAMELLIA_256_CBC : GNUTLS_CIPHER_CAMELLIA_128_CBC;
	else if (strstr(name, "_3DES_"))
		k->ca = GNUTLS_CIPHER_3DES_CBC;
	else
		return false;
	return true;
}

/* TLS 1.2: a sender's keys from the key block of the handshake its ChangeCipherSpec belongs to. */
static void keys12(const struct timeline *tl, const struct rparams *p, enum tl_side from, struct rkeys *k)
{
	struct finished_keys12 kb;
	bool client = from == TL_CLIENT;

	snprintf(k->label, sizeof k->label, "CLIENT_RANDOM");
	if (!finished_keys12_at(tl, k->ccs_index, &kb)) {
		struct tl_secret s;
		k->why = secret_find(tl, p, "CLIENT_RANDOM", &s) ? TL_REC_UNSUPPORTED : TL_REC_NO_SECRET;
		memset(&s, 0, sizeof s);
		return;
	}
	if (!cipher12(names_cipher_suite(p->suite), &kb, k)) {
		k->why = TL_REC_UNSUPPORTED;
		memset(&kb, 0, sizeof kb);
		return;
	}
	if (k->prot == TL_PROT_CBC && p->etm)
		k->prot = TL_PROT_CBC_ETM;
	k->key_len = kb.key_len;
	memcpy(k->key, client ? kb.client_key : kb.server_key, kb.key_len);
	k->iv_len = kb.iv_len;
	memcpy(k->iv, client ? kb.client_iv : kb.server_iv, kb.iv_len);
	k->mac_len = kb.mac_len;
	memcpy(k->mac_key, client ? kb.client_mac : kb.server_mac, kb.mac_len);
	memset(&kb, 0, sizeof kb);
}

/* Moves a sender's keys to the record's epoch when it changed (the sequence number starts over). */
static void keys_for(const struct timeline *tl, const struct rparams *p, const struct tl_event *ev, size_t i,
		     struct rkeys *k)
{
	bool tls13 = p->version == WIRE_TLS13;

	if (tls13 && (!k->any || k->keys != ev->keys || k->gen != ev->key_gen)) {
		memset(k, 0, sizeof *k);
		k->any = true;
		k->keys = ev->keys;
		k->gen = ev->key_gen;
	} else if (!tls13 && !k->any) {
		memset(k, 0, sizeof *k);
		k->any = true;
		k->ccs_index = i;          /* protected with no ChangeCipherSpec seen: this handshake's keys */
	}
	if (k->tried)
		return;
	k->tried = true;
	if (!p->have)
		k->why = TL_REC_NO_HELLO;
	else if (tls13)
		keys13(tl, p, ev->from, k);
	else if (p->version == WIRE_TLS12)
		keys12(tl, p, ev->from, k);
	else
		k->why = TL_REC_UNSUPPORTED;
}

/* The nonce IV XOR seq (the sequence number in the last 8 bytes of 12). */
static void nonce_xor(const struct rkeys *k, uint8_t nonce[12])
{
	memcpy(nonce, k->iv, 12);
	for (unsigned b = 0; b < 8; b++)
		nonce[11 - b] ^= (uint8_t)(k->seq >> (8 * b));
}

/* seq || type || version || length (the TLS 1.2 additional data and MAC header) into out[13]. */
static void header12(uint64_t seq, const uint8_t *hdr, size_t len, uint8_t out[13])
{
	for (unsigned b = 0; b < 8; b++)
		out[7 - b] = (uint8_t)(seq >> (8 * b));
	memcpy(out + 8, hdr, 3);
	out[11] = (uint8_t)(len >> 8);
	out[12] = (uint8_t)len;
}

/* Decrypts with an AEAD: true when the tag matched; *outlen the plaintext length. */
static bool aead_open(const struct rkeys *k, const uint8_t *nonce, const uint8_t *aad, size_t aadlen,
		      const uint8_t *c, size_t n, uint8_t *out, size_t *outlen)
{
	gnutls_aead_cipher_hd_t h;
	gnutls_datum_t key = { tls_datum_bytes(k->key), (unsigned)k->key_len };
	int rc;

	*outlen = n;
	if (gnutls_aead_cipher_init(&h, k->ca, &key) < 0)
		return false;
	rc = gnutls_aead_cipher_decrypt(h, nonce, 12, aad, aadlen, k->tag_len, c, n, out, outlen);
	gnutls_aead_cipher_deinit(h);
	return rc >= 0;
}

/* Opens a TLS 1.3 record into out; fills the verdict and framing facts. */
static void open13(const struct rkeys *k, const uint8_t *rec, size_t len, uint8_t *out, struct tl_record_facts *f)
{
	size_t m;

	if (len < k->tag_len + 1) {
		f->verdict = TL_REC_CANNOT, f->why = TL_REC_TOO_SHORT;
		return;
	}
	nonce_xor(k, f->nonce);
	f->nonce_full_len = 12;
	memcpy(f->aad, rec, HDR);
	f->aad_len = HDR;
	f->tag_len = (unsigned)k->tag_len;
	if (!aead_open(k, f->nonce, rec, HDR, rec + HDR, len, out, &m)) {
		f->verdict = TL_REC_TAG_MISMATCH;
		return;
	}
	f->verdict = TL_REC_OPENED;
	while (m > 0 && out[m - 1] == 0)
		m--, f->pad_len++;
	f->inner_type = m > 0 ? out[m - 1] : 0;
	f->plain_len = m > 0 ? (unsigned)(m - 1) : 0;
}

/* Opens a TLS 1.2 AEAD record into out. */
static void open12_aead(const struct rkeys *k, const uint8_t *rec, size_t len, uint8_t *out, struct tl_record_facts *f)
{
	size_t expl = k->prot == TL_PROT_AEAD12_EXPLICIT ? 8 : 0, m;

	if (len < expl + k->tag_len) {
		f->verdict = TL_REC_CANNOT, f->why = TL_REC_TOO_SHORT;
		return;
	}
	if (expl) {
		memcpy(f->nonce, k->iv, 4);
		memcpy(f->nonce + 4, rec + HDR, 8);
	} else {
		nonce_xor(k, f->nonce);
	}
	f->nonce_full_len = 12;
	f->nonce_len = (unsigned)expl;
	f->tag_len = (unsigned)k->tag_len;
	header12(k->seq, rec, len - expl - k->tag_len, f->aad);
	f->aad_len = 13;
	if (!aead_open(k, f->nonce, f->aad, 13, rec + HDR + expl, len - expl, out, &m)) {
		f->verdict = TL_REC_TAG_MISMATCH;
		return;
	}
	f->verdict = TL_REC_OPENED;
	f->inner_type = rec[0];
	f->plain_len = (unsigned)m;
}

/* HMAC(mac key, head || body) into digest; false when the library refused. */
static bool mac12(const struct rkeys *k, const uint8_t head[13], const uint8_t *body, size_t n, uint8_t *digest)
{
	gnutls_hmac_hd_t h;

	if (gnutls_hmac_init(&h, k->mac, k->mac_key, k->mac_len) < 0)
		return false;
	if (gnutls_hmac(h, head, 13) < 0 || gnutls_hmac(h, body, n) < 0) {
		gnutls_hmac_deinit(h, NULL);
		return false;
	}
	gnutls_hmac_deinit(h, digest);
	return true;
}

/* CBC-decrypts c[0..n) (after its explicit IV iv[0..bs)) into out; false when the library refused. */
static bool cbc_decrypt(const struct rkeys *k, const uint8_t *iv, size_t bs, const uint8_t *c, size_t n, uint8_t *out)
{
	gnutls_cipher_hd_t h;
	gnutls_datum_t key = { tls_datum_bytes(k->key), (unsigned)k->key_len };
	gnutls_datum_t ivd = { tls_datum_bytes(iv), (unsigned)bs };
	int rc;

	if (gnutls_cipher_init(&h, k->ca, &key, &ivd) < 0)
		return false;
	rc = gnutls_cipher_decrypt2(h, c, n, out, n);
	gnutls_cipher_deinit(h);
	return rc >= 0;
}

/* The CBC padding at the end of out[0..m): its length (bytes + length byte), or 0 when malformed. */
static size_t cbc_padding(const uint8_t *out, size_t m)
{
	size_t pad = m > 0 ? (size_t)out[m - 1] + 1 : 0;

	if (pad == 0 || pad > m)
		return 0;
	for (size_t b = m - pad; b < m; b++)
		if (out[b] != out[m - 1])
			return 0;
	return pad;
}

/* Opens a TLS 1.2 CBC record into out: MAC-then-encrypt, or encrypt-then-MAC (RFC 7366). */
static void open12_cbc(const struct rkeys *k, const uint8_t *rec, size_t len, uint8_t *out, struct tl_record_facts *f)
{
	size_t bs = (size_t)gnutls_cipher_get_block_size(k->ca), mac = k->mac_len;
	bool etm = k->prot == TL_PROT_CBC_ETM;
	size_t enc = etm ? len - (len >= mac ? mac : len) : len;   /* IV || ciphertext */
	uint8_t digest[64], head[13];
	size_t pad, content;
	bool good;

	if (bs == 0 || bs > sizeof f->nonce || enc < 2 * bs || (enc - bs) % bs != 0 || (!etm && enc < bs + mac + 1)) {
		f->verdict = TL_REC_CANNOT, f->why = TL_REC_TOO_SHORT;
		return;
	}
	f->nonce_len = (unsigned)bs;
	f->nonce_full_len = bs;
	memcpy(f->nonce, rec + HDR, bs);
	f->tag_len = (unsigned)mac;
	if (!cbc_decrypt(k, rec + HDR, bs, rec + HDR + bs, enc - bs, out)) {
		f->verdict = TL_REC_CANNOT, f->why = TL_REC_LIBRARY;
		return;
	}
	pad = cbc_padding(out, enc - bs);
	if (etm) {
		header12(k->seq, rec, enc, head);
		good = mac12(k, head, rec + HDR, enc, digest) && memcmp(digest, rec + HDR + enc, mac) == 0 && pad > 0;
		content = enc - bs - pad;
	} else {
		content = pad > 0 && enc - bs >= pad + mac ? enc - bs - pad - mac : 0;
		header12(k->seq, rec, content, head);
		good = pad > 0 && enc - bs >= pad + mac && mac12(k, head, out, content, digest) &&
		       memcmp(digest, out + content, mac) == 0;
	}
	memcpy(f->aad, head, 13);
	f->aad_len = 13;
	f->pad_len = (unsigned)pad;
	f->verdict = good ? TL_REC_OPENED : TL_REC_TAG_MISMATCH;
	f->inner_type = rec[0];
	f->plain_len = good ? (unsigned)content : 0;
	memset(digest, 0, sizeof digest);
}

/* Byte `at` of message ev framed as type || length || body; -1 when not kept (a body cut at the limits). */
static int framed_byte(const struct tl_event *ev, size_t at)
{
	size_t total = ev->body_total > ev->body_len ? ev->body_total : ev->body_len;
	unsigned type = ev->hs_type == TL_HS_HELLO_RETRY_REQUEST ? WIRE_HS_SERVER_HELLO : ev->hs_type;

	switch (at) {
	case 0: return (int)(type & 0xff);
	case 1: return (int)((total >> 16) & 0xff);
	case 2: return (int)((total >> 8) & 0xff);
	case 3: return (int)(total & 0xff);
	default: return at - 4 < ev->body_len ? ev->body[at - 4] : -1;
	}
}

/* True when p[0..n) equals message ev's framed bytes from `off` (bytes not kept agree with anything). */
static bool framed_equal(const struct tl_event *ev, size_t off, const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		int b = framed_byte(ev, off + k);
		if (b >= 0 && b != p[k])
			return false;
	}
	return true;
}

/* The framed length of message ev (4 + body). */
static size_t framed_len(const struct tl_event *ev)
{
	return 4 + (ev->body_total > ev->body_len ? ev->body_total : ev->body_len);
}

/* Notes that the record carries message j. */
static void carry(struct tl_record_facts *f, size_t j)
{
	if (f->ncarry > 0 && f->ncarry <= TL_REC_MAX_CARRY && f->carries[f->ncarry - 1] == j)
		return;
	if (f->ncarry < TL_REC_MAX_CARRY)
		f->carries[f->ncarry] = j;
	f->ncarry++;
}

/* When a record's handshake bytes do not begin the next message, a later one they begin (messages the
 * plaintext skipped were not on the wire as recorded). */
static void hs_resync(const struct timeline *tl, struct rmatch *m, const uint8_t *p, size_t n)
{
	for (size_t a = m->hs_at; a < m->nhs && a < m->hs_at + RESYNC_LOOKAHEAD; a++) {
		struct tl_event ev;
		size_t take;
		if (!timeline_get(tl, m->hs[a], &ev))
			continue;
		take = n < framed_len(&ev) ? n : framed_len(&ev);
		if (framed_equal(&ev, 0, p, take)) {
			m->hs_at = a;
			return;
		}
	}
}

/* Matches a record's handshake plaintext with the sender's messages, from where the last record left off. */
static void match_hs(const struct timeline *tl, struct rmatch *m, const uint8_t *p, size_t n, struct tl_record_facts *f)
{
	size_t at = 0;

	if (m->hs_off > 0)
		f->carries_part = true;
	else
		hs_resync(tl, m, p, n);
	while (at < n && m->hs_at < m->nhs) {
		struct tl_event ev;
		size_t total, take;
		if (!timeline_get(tl, m->hs[m->hs_at], &ev))
			break;
		total = framed_len(&ev);
		take = n - at < total - m->hs_off ? n - at : total - m->hs_off;
		if (!framed_equal(&ev, m->hs_off, p + at, take))
			break;
		carry(f, m->hs[m->hs_at]);
		at += take;
		m->hs_off += take;
		if (m->hs_off == total) {
			m->hs_at++;
			m->hs_off = 0;
		} else {
			f->carries_part = true;
		}
	}
	if (at < n) {
		f->unmatched = true;
		m->hs_off = 0;        /* lost: the next record looks for a message it begins */
	}
}

/* Matches an alert's or ChangeCipherSpec's plaintext with the sender's next such event. */
static void match_other(const struct timeline *tl, struct rmatch *m, unsigned type, const uint8_t *p, size_t n,
			struct tl_record_facts *f)
{
	size_t *q = type == WIRE_CT_ALERT ? m->al : m->ccs, nq = type == WIRE_CT_ALERT ? m->nal : m->nccs;
	size_t *at = type == WIRE_CT_ALERT ? &m->al_at : &m->ccs_at;

	for (size_t a = *at; a < nq && a < *at + RESYNC_LOOKAHEAD; a++) {
		struct tl_event ev;
		if (!timeline_get(tl, q[a], &ev))
			continue;
		if (type == WIRE_CT_CHANGE_CIPHER_SPEC || (n >= 2 && ev.alert_level == p[0] && ev.alert_desc == p[1])) {
			carry(f, q[a]);
			*at = a + 1;
			return;
		}
	}
}

/* What the record's plaintext holds, matched against the sender's messages. */
static void match_plain(const struct timeline *tl, struct rmatch *m, const uint8_t *p, size_t n,
			struct tl_record_facts *f)
{
	if (f->inner_type == WIRE_CT_HANDSHAKE)
		match_hs(tl, m, p, n, f);
	else if (f->inner_type == WIRE_CT_ALERT || f->inner_type == WIRE_CT_CHANGE_CIPHER_SPEC)
		match_other(tl, m, f->inner_type, p, n, f);
}

/* Gathers one sender's messages, alerts and ChangeCipherSpecs of the connection, in order. */
static void match_init(const struct timeline *tl, unsigned conn, enum tl_side from, size_t first, size_t end,
		       struct rmatch *m)
{
	memset(m, 0, sizeof *m);
	for (size_t i = first; i < end; i++) {
		struct tl_event ev;
		if (!timeline_get(tl, i, &ev) || ev.conn != conn || ev.from != from)
			continue;
		if (ev.kind == TL_EV_HANDSHAKE)
			push(&m->hs, &m->nhs, i);
		else if (ev.kind == TL_EV_ALERT)
			push(&m->al, &m->nal, i);
		else if (ev.kind == TL_EV_CCS)
			push(&m->ccs, &m->nccs, i);
	}
}

/* One sender's stream and where its next record starts. */
struct rstream {
	uint8_t *p;
	size_t n, pos;
	bool lost;                 /* the stream and the events disagreed: no more bytes are placed */
};

/* Places the record event ev in the stream: its bytes when the header agrees. */
static const uint8_t *place(struct rstream *s, const struct tl_event *ev, struct tl_record_facts *f)
{
	const uint8_t *h;

	if (s->lost || !s->p || ev->delivery == TL_NOT_SENT || ev->delivery == TL_INCOMPLETE)
		return NULL;            /* a record not written, or cut, is not (whole) in the stream */
	h = s->p + s->pos;
	if (s->n - s->pos < HDR || h[0] != ev->rec_type || (unsigned)(h[1] << 8 | h[2]) != ev->rec_version ||
	    (unsigned)(h[3] << 8 | h[4]) != ev->rec_length || s->n - s->pos - HDR < ev->rec_length) {
		s->lost = true;
		return NULL;
	}
	f->have_bytes = true;
	f->offset = s->pos;
	s->pos += HDR + ev->rec_length;
	return h;
}

/* Opens one record (rec: its bytes, or NULL) into f, the plaintext into out (*plain its start). */
static void open_record(const struct timeline *tl, const struct rparams *p, const struct tl_event *ev, size_t i,
			const uint8_t *rec, struct rkeys *k, uint8_t *out, const uint8_t **plain, struct tl_record_facts *f)
{
	struct rkeys at;

	if (!ev->encrypted) {
		f->verdict = TL_REC_PLAIN;
		f->inner_type = ev->rec_type;
		f->plain_len = ev->rec_length;
		*plain = rec ? rec + HDR : NULL;
		return;
	}
	keys_for(tl, p, ev, i, k);
	f->seq = k->seq++;
	f->prot = k->prot;
	snprintf(f->secret_label, sizeof f->secret_label, "%s", k->label);
	memcpy(f->iv, k->iv, k->iv_len);
	f->iv_len = k->iv_len;
	f->verdict = TL_REC_CANNOT;
	f->why = ev->delivery == TL_INCOMPLETE ? TL_REC_CUT : k->why != TL_REC_WHY_NONE ? k->why : TL_REC_NO_BYTES;
	if (!rec || k->why != TL_REC_WHY_NONE)
		return;
	f->why = TL_REC_WHY_NONE;
	at = *k;
	at.seq = f->seq;
	if (k->prot == TL_PROT_AEAD13)
		open13(&at, rec, ev->rec_length, out, f);
	else if (k->prot == TL_PROT_CBC || k->prot == TL_PROT_CBC_ETM)
		open12_cbc(&at, rec, ev->rec_length, out, f);
	else
		open12_aead(&at, rec, ev->rec_length, out, f);
	memset(&at, 0, sizeof at);
	*plain = f->verdict == TL_REC_OPENED ? out : NULL;
}

/* Opens every record one sender sent on the connection and stores the facts. */
static void settle_side(struct timeline *tl, const struct rparams *p, enum tl_side from, size_t first, size_t end)
{
	static const size_t outcap = MAX_PAYLOAD + 64;
	uint8_t *out = malloc(outcap);
	struct rstream s = { NULL, 0, 0, false };
	struct tl_conn_wire w;
	struct rmatch m;
	struct rkeys k;

	if (!out)
		return;
	memset(&k, 0, sizeof k);
	if (recframe_stream(tl, p->conn, from, &s.p, &s.n) && timeline_wire_conn(tl, p->conn, &w))
		s.pos = w.plain[from] <= s.n ? (size_t)w.plain[from] : s.n;
	match_init(tl, p->conn, from, first, end, &m);
	for (size_t i = first; i < end; i++) {
		struct tl_event ev;
		struct tl_record_facts f;
		const uint8_t *rec, *plain = NULL;

		if (!timeline_get(tl, i, &ev) || ev.conn != p->conn || ev.from != from || ev.kind != TL_EV_RECORD)
			continue;
		memset(&f, 0, sizeof f);
		f.index = i;
		rec = place(&s, &ev, &f);
		open_record(tl, p, &ev, i, rec, &k, out, &plain, &f);
		if (ev.rec_type == WIRE_CT_CHANGE_CIPHER_SPEC && p->version != WIRE_TLS13) {
			/* TLS 1.2: this direction's next records use new keys (a renegotiation's CCS went under the old) */
			memset(&k, 0, sizeof k);
			k.any = true;
			k.ccs_index = i;
		}
		if (plain)
			match_plain(tl, &m, plain, f.plain_len, &f);
		if (f.have_bytes || f.why == TL_REC_CUT)
			timeline_set_record(tl, &f);     /* with no bytes there is nothing to show (a run without its wire) */
		memset(&f, 0, sizeof f);
	}
	memset(&k, 0, sizeof k);
	memset(out, 0, outcap);
	free(out);
	free(s.p);
	free(m.hs);
	free(m.al);
	free(m.ccs);
}

/* Opens every record of connection conn and stores what each holds. */
void records_settle(struct timeline *tl, unsigned conn)
{
	struct rparams p;
	size_t first, end;

	if (!timeline_conn_range(tl, conn, &first, &end))
		return;
	params_read(tl, conn, first, end, &p);
	settle_side(tl, &p, TL_CLIENT, first, end);
	settle_side(tl, &p, TL_SERVER, first, end);
	memset(&p, 0, sizeof p);
}
