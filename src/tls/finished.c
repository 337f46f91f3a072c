/*
 * finished.c: Finished recomputation and the key schedule (see finished.h).
 *
 * Everything is read from the timeline, within the handshake a message
 * belongs to (from its first ClientHello to the next one, or to both
 * Finished messages): the hellos give the randoms, the version and the
 * cipher suite (hence the hash); the handshake bodies give the transcript;
 * the keylog secrets, matched by connection, label and client random, give
 * the keys. One function (finished_compute) checks a Finished into a typed
 * result; finished_settle stores it in the timeline when the connection
 * settles, finished_result_get returns the stored one or computes it on
 * demand (kept per timeline stamp), and finished_check() and
 * finished_matches() only render that result, so they cannot disagree.
 */
#include "tls_internal.h"
#include "tlsladder/finished.h"
#include "tlsladder/keysched.h"
#include "tlsladder/names.h"
#include "tlsladder/peek.h"
#include "tlsladder/summary.h"
#include "tlsladder/wire.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HASH 64
#define NO_INDEX ((size_t)-1)

/* A growing byte buffer. */
struct bytes {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

/* Appends n bytes. */
static void bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		uint8_t *q;
		while (cap < b->len + n)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Appends a handshake message: type(1) || length(3) || body. */
static void bytes_add_message(struct bytes *b, unsigned type, const uint8_t *body, size_t n)
{
	uint8_t hdr[4] = { (uint8_t)type, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };

	bytes_add(b, hdr, sizeof hdr);
	bytes_add(b, body, n);
}

/* Frees the buffer (wiping it: transcripts are not secret, but cheap to clear). */
static void bytes_free(struct bytes *b)
{
	if (b->p)
		memset(b->p, 0, b->cap);
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Lower-case hex of p[0..n) (malloc), or NULL. */
static char *hex_str(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(n * 2 + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[n * 2] = '\0';
	return s;
}

/* Adds a node whose value is the plain hex of p[0..n) (visible at every level, unlike TREE_HEX; the UI groups it). */
struct tree_node *finished_hexline(struct tree_node *parent, const char *label, const uint8_t *p, size_t n, unsigned flags)
{
	char *s;
	struct tree_node *node;

	if (!parent)
		return NULL;
	s = hex_str(p, n);
	node = tree_flag(tree_add(parent, label, s), flags | TREE_BYTES);
	if (s)
		memset(s, 0, n * 2);
	free(s);
	return node;
}

/* True when the ServerHello body offers extension type ext (bounds-checked walk). */

/* What recomputing needs to know about one handshake of a connection. */
struct conn_params {
	unsigned conn;
	size_t start;                   /* timeline index where the handshake begins (its first ClientHello) */
	bool have_ch;
	uint8_t client_random[32], server_random[32];
	unsigned version, suite, group;
	bool psk;                       /* TLS 1.3: the server accepted a PSK */
	bool ems;                       /* TLS 1.2: extended_master_secret negotiated */
	bool resumed12;                 /* TLS 1.2: abbreviated handshake (no Certificate, no ClientKeyExchange) */
	bool rsa_kx;                    /* TLS 1.2: RSA key exchange (a server Certificate, no ServerKeyExchange) */
	const char *suite_name;         /* IANA name, or NULL */
	gnutls_digest_algorithm_t dig;
	gnutls_mac_algorithm_t mac;
	size_t hlen;
	const char *hash_name;
	size_t sh_index;                /* timeline index of the ServerHello */
	size_t cke_index;               /* ClientKeyExchange (TLS 1.2), or NO_INDEX */
	size_t server_fin_index;        /* the server's Finished, or NO_INDEX */
	/* TLS 1.3 post-handshake authentication: the transcript leaves out [skip_from, skip_to) (what
	 * came between the client's handshake Finished and this exchange's CertificateRequest) */
	size_t skip_from, skip_to;
};

/* The handshake type an event counts as in the transcript (an HRR is a ServerHello on the wire). */
static unsigned wire_type(const struct tl_event *ev)
{
	return ev->hs_type == TL_HS_HELLO_RETRY_REQUEST ? WIRE_HS_SERVER_HELLO : ev->hs_type;
}

/* True for a HelloRetryRequest, whether recorded as its own kind or as a ServerHello with the HRR random. */
static bool is_hrr(const struct tl_event *ev)
{
	return ev->hs_type == TL_HS_HELLO_RETRY_REQUEST ||
	       (ev->hs_type == WIRE_HS_SERVER_HELLO && ev->body_len >= 34 && peek_is_hrr_random(ev->body + 2));
}

/*
 * Where the handshake that the events of connection conn before index upto
 * belong to begins: its ClientHello, or the first one when a
 * HelloRetryRequest followed it. Scans back from upto and stops there, so
 * the cost is that of one handshake whatever the connection's length.
 */
static size_t handshake_start(const struct timeline *tl, unsigned conn, size_t upto)
{
	size_t first, end, start = NO_INDEX;
	bool after_ch = false;

	if (!timeline_conn_range(tl, conn, &first, &end))
		return 0;
	for (size_t j = upto < end ? upto : end; j-- > first;) {
		struct tl_event ev;

		if (!timeline_get(tl, j, &ev) || ev.conn != conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (after_ch && !is_hrr(&ev))
			break;                        /* the message before this handshake's ClientHello */
		after_ch = false;
		if (ev.hs_type == WIRE_HS_CLIENT_HELLO) {
			start = j;
			after_ch = true;
		}
	}
	return start == NO_INDEX ? first : start;
}

/* Chooses the transcript/PRF hash from the version and suite; the reason when unsupported. */
static enum finished_reason params_hash(struct conn_params *p)
{
	size_t len;

	if (p->version != WIRE_TLS13 && p->version != WIRE_TLS12)
		return FINISHED_LEGACY_PRF;
	if (!p->suite_name)
		return FINISHED_UNKNOWN_SUITE;
	len = strlen(p->suite_name);
	if (len >= 6 && strcmp(p->suite_name + len - 6, "SHA384") == 0) {
		p->dig = GNUTLS_DIG_SHA384;
		p->mac = GNUTLS_MAC_SHA384;
		p->hash_name = "SHA-384";
	} else {
		p->dig = GNUTLS_DIG_SHA256;
		p->mac = GNUTLS_MAC_SHA256;
		p->hash_name = "SHA-256";
	}
	p->hlen = gnutls_hash_get_len(p->dig);
	return p->hlen > 0 && p->hlen <= MAX_HASH ? FINISHED_REASON_NONE : FINISHED_HASH_FAILED;
}

/* Takes one handshake message of the handshake into p. */
static void params_take(struct conn_params *p, const struct tl_event *ev, size_t j, bool *have_sh, bool *server_cert,
			bool *ske)
{
	struct peek_server_hello sh;

	if (ev->hs_type == WIRE_HS_CLIENT_HELLO && !p->have_ch && ev->body_len >= 34) {
		memcpy(p->client_random, ev->body + 2, 32);
		p->have_ch = true;
	} else if (ev->hs_type == WIRE_HS_SERVER_HELLO && !*have_sh && peek_server_hello(ev->body, ev->body_len, &sh) &&
		   !sh.is_hrr) {
		*have_sh = true;
		memcpy(p->server_random, ev->body + 2, 32);
		p->version = sh.version;
		p->suite = sh.cipher_suite;
		p->group = sh.group;
		p->psk = sh.psk;
		p->sh_index = j;
		p->ems = sh.version == WIRE_TLS12 && sh.ems;
	} else if (ev->hs_type == WIRE_HS_CLIENT_KEY_EXCHANGE && p->cke_index == NO_INDEX) {
		p->cke_index = j;
	} else if (ev->hs_type == WIRE_HS_FINISHED && ev->from == TL_SERVER && p->server_fin_index == NO_INDEX) {
		p->server_fin_index = j;
	} else if (ev->hs_type == WIRE_HS_CERTIFICATE && ev->from == TL_SERVER) {
		*server_cert = true;
	} else if (ev->hs_type == WIRE_HS_SERVER_KEY_EXCHANGE) {
		*ske = true;
	}
}

/*
 * Reads the handshake of connection conn that begins at index start, up to
 * index stop (exclusive) and no further than its end: the next ClientHello
 * that starts another handshake, or both Finished messages. The reason
 * when recomputing is impossible.
 */
static enum finished_reason params_get(const struct timeline *tl, unsigned conn, size_t start, size_t stop,
				       struct conn_params *p)
{
	size_t first, end;
	bool have_sh = false, server_cert = false, ske = false, after_hrr = false;
	unsigned fins = 0;

	memset(p, 0, sizeof *p);
	p->conn = conn;
	p->start = start;
	p->skip_from = p->skip_to = NO_INDEX;
	p->sh_index = p->cke_index = p->server_fin_index = NO_INDEX;
	timeline_conn_range(tl, conn, &first, &end);
	for (size_t j = start > first ? start : first; j < end && j < stop && fins < 2; j++) {
		struct tl_event ev;

		if (!timeline_get(tl, j, &ev) || ev.conn != conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (ev.hs_type == WIRE_HS_CLIENT_HELLO && p->have_ch && !after_hrr)
			break;                        /* another handshake begins */
		after_hrr = is_hrr(&ev);
		fins += ev.hs_type == WIRE_HS_FINISHED;
		params_take(p, &ev, j, &have_sh, &server_cert, &ske);
	}
	p->rsa_kx = p->version == WIRE_TLS12 && server_cert && !ske;
	p->resumed12 = p->version == WIRE_TLS12 && !server_cert && p->cke_index == NO_INDEX;
	if (!p->have_ch)
		return FINISHED_NO_CLIENT_HELLO;
	if (!have_sh)
		return FINISHED_NO_SERVER_HELLO;
	p->suite_name = names_cipher_suite(p->suite);
	return params_hash(p);
}

/* The reason in words, for the key schedule's own use of the parameters. */
static void params_why(const struct conn_params *p, enum finished_reason reason, char *why, size_t wn)
{
	struct finished_result r;

	memset(&r, 0, sizeof r);
	r.reason = reason;
	r.conn = p->conn;
	r.version = p->version;
	r.suite = p->suite;
	finished_reason_text(&r, why, wn);
}

/* Notes message j in the result's list of the messages the transcript covers. */
static void covered_add(struct finished_result *r, size_t j)
{
	if (r && r->nmsgs < FINISHED_MAX_MSGS)
		r->msgs[r->nmsgs] = j;
	if (r)
		r->nmsgs++;
}

/* Replaces the transcript so far (ClientHello1) by message_hash (RFC 8446 4.4.1). */
static enum finished_reason transcript_message_hash(const struct conn_params *p, struct bytes *t,
						    struct finished_result *r)
{
	uint8_t h[MAX_HASH];

	if (t->oom || gnutls_hash_fast(p->dig, t->p, t->len, h) < 0)
		return FINISHED_HASH_FAILED;
	t->len = 0;
	bytes_add_message(t, WIRE_HS_MESSAGE_HASH, h, p->hlen);
	if (r && r->nmsgs == 1)
		r->message_hash = true;
	return FINISHED_REASON_NONE;
}

/*
 * Builds the transcript of the handshake p from its start to timeline
 * index upto (exclusive); notes each message in r (may be NULL). The
 * reason when it cannot be built (r->bad_index names the message).
 */
static enum finished_reason transcript_build(const struct timeline *tl, const struct conn_params *p, size_t upto,
					     struct bytes *t, struct finished_result *r)
{
	bool tls13 = p->version == WIRE_TLS13;

	for (size_t j = p->start; j < upto; j++) {
		struct tl_event ev;
		unsigned type;

		if (!timeline_get(tl, j, &ev) || ev.conn != p->conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (p->skip_from != NO_INDEX && j >= p->skip_from && j < p->skip_to)
			continue;                     /* before this post-handshake exchange */
		type = wire_type(&ev);
		if (type == WIRE_HS_HELLO_REQUEST)
			continue;                     /* HelloRequest is never part of it */
		if (tls13 && (type == WIRE_HS_NEW_SESSION_TICKET || type == WIRE_HS_KEY_UPDATE))
			continue;                     /* post-handshake in 1.3 */
		if (type > 255 || ev.body_len > 0xffffff) {
			if (r)
				r->bad_index = j;
			return FINISHED_UNFRAMEABLE;
		}
		if (timeline_body_cut(&ev)) {
			if (r)
				r->bad_index = j;
			return FINISHED_BODY_CUT;     /* its bytes are not all here: no verdict either way */
		}
		if (ev.hs_type == TL_HS_HELLO_RETRY_REQUEST && tls13) {
			enum finished_reason why = transcript_message_hash(p, t, r);
			if (why != FINISHED_REASON_NONE)
				return why;
		}
		bytes_add_message(t, type, ev.body, ev.body_len);
		covered_add(r, j);
	}
	return t->oom ? FINISHED_OUT_OF_MEMORY : FINISHED_REASON_NONE;
}

/* Hash of the transcript before timeline index upto into h; the reason when it fails. */
static enum finished_reason transcript_hash(const struct timeline *tl, const struct conn_params *p, size_t upto,
					    uint8_t *h, struct finished_result *r)
{
	struct bytes t = { NULL, 0, 0, false };
	enum finished_reason why = transcript_build(tl, p, upto, &t, r);

	if (why == FINISHED_REASON_NONE && gnutls_hash_fast(p->dig, t.p, t.len, h) < 0)
		why = FINISHED_HASH_FAILED;
	bytes_free(&t);
	return why;
}

/* The secret by label for the connection, with its value (a withheld one is not found: see secret_withheld). */
static bool secret_find(const struct timeline *tl, const struct conn_params *p, const char *label, struct tl_secret *out)
{
	size_t n = timeline_secret_count(tl);

	for (size_t i = 0; i < n; i++) {
		if (!timeline_get_secret(tl, i, out) || out->withheld)
			continue;
		if (out->conn == p->conn && strcmp(out->label, label) == 0 &&
		    memcmp(out->client_random, p->client_random, sizeof out->client_random) == 0)
			return true;
	}
	memset(out, 0, sizeof *out);
	return false;
}

/* What the key schedule says of a secret that exists but whose value the timeline does not hold. */
#define SECRET_WITHHELD "captured, but not in this saved run (it was saved without --json-secrets)"

/* True when the connection's secret by label is known to exist, its value withheld (tl_secret.withheld). */
static bool secret_withheld(const struct timeline *tl, const struct conn_params *p, const char *label)
{
	size_t n = timeline_secret_count(tl);
	bool found = false;

	for (size_t i = 0; i < n && !found; i++) {
		struct tl_secret s;
		found = timeline_get_secret(tl, i, &s) && s.withheld && s.conn == p->conn && strcmp(s.label, label) == 0 &&
			memcmp(s.client_random, p->client_random, sizeof s.client_random) == 0;
	memset(&s, 0, sizeof s);
	}
	return found;
}

/*
 * The TLS 1.2 master secret of the connection. GnuTLS's key log reports it
 * only when it is made, so a resumed connection has none of its own: then
 * the one of the latest earlier connection is taken (the session it
 * resumes, in every run this program makes); *from says which.
 */
static bool master_find(const struct timeline *tl, const struct conn_params *p, struct tl_secret *out, unsigned *from)
{
	size_t n = timeline_secret_count(tl);
	bool found = false;

	*from = p->conn;
	if (secret_find(tl, p, "CLIENT_RANDOM", out))
		return true;
	for (size_t i = 0; p->resumed12 && i < n; i++) {
		struct tl_secret s;
		if (timeline_get_secret(tl, i, &s) && !s.withheld && strcmp(s.label, "CLIENT_RANDOM") == 0 && s.conn < p->conn &&
		    (!found || s.conn >= *from)) {
			*out = s;
			*from = s.conn;
			found = true;
		}
		memset(&s, 0, sizeof s);
	}
	return found;
}

/* HKDF-Expand-Label(secret, label, context, len) (RFC 8446 7.1) into out. */
bool finished_hkdf_expand_label(gnutls_mac_algorithm_t mac, const uint8_t *secret, size_t slen, const char *label,
			      const uint8_t *ctx, size_t clen, uint8_t *out, size_t len)
{
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t ll = 6 + strlen(label), k = 0;
	gnutls_datum_t key = { tls_datum_bytes(secret), (unsigned)slen };
	gnutls_datum_t inf;

	if (ll > 255 || clen > 255 || len > 0xffff)
		return false;
	info[k++] = (uint8_t)(len >> 8);
	info[k++] = (uint8_t)len;
	info[k++] = (uint8_t)ll;
	memcpy(info + k, "tls13 ", 6);
	memcpy(info + k + 6, label, ll - 6);
	k += ll;
	info[k++] = (uint8_t)clen;
	if (clen)
		memcpy(info + k, ctx, clen);
	k += clen;
	inf.data = info;
	inf.size = (unsigned)k;
	return gnutls_hkdf_expand(mac, &key, &inf, out, len) >= 0;
}

/* The TLS 1.2 PRF: P_hash(secret, label || seed), n bytes into out (RFC 5246 5). */
bool finished_prf12(gnutls_mac_algorithm_t mac, size_t hlen, const uint8_t *secret, size_t slen, const char *label,
		  const uint8_t *seed, size_t seedlen, uint8_t *out, size_t n)
{
	uint8_t ls[64 + 2 * MAX_HASH], a[MAX_HASH], block[MAX_HASH], in[MAX_HASH + sizeof ls];
	size_t lslen = strlen(label) + seedlen, done = 0;
	bool ok = true;

	if (lslen > sizeof ls || hlen > MAX_HASH)
		return false;
	memcpy(ls, label, strlen(label));
	memcpy(ls + strlen(label), seed, seedlen);
	/* A(1) = HMAC(secret, label || seed) */
	if (gnutls_hmac_fast(mac, secret, slen, ls, lslen, a) < 0)
		return false;
	while (done < n) {
		size_t take;
		memcpy(in, a, hlen);
		memcpy(in + hlen, ls, lslen);
		if (gnutls_hmac_fast(mac, secret, slen, in, hlen + lslen, block) < 0 ||
		    gnutls_hmac_fast(mac, secret, slen, a, hlen, a) < 0) {
			ok = false;
			break;
		}
		take = n - done < hlen ? n - done : hlen;
		memcpy(out + done, block, take);
		done += take;
	}
	memset(block, 0, sizeof block);
	memset(a, 0, sizeof a);
	return ok;
}


/* TLS 1.3: verify_data = HMAC(finished key, transcript hash), the finished key from the handshake traffic secret. */
static enum finished_reason finished13(const struct timeline *tl, const struct conn_params *p, struct finished_result *r)
{
	struct tl_secret s;
	bool ok;

	if (!r->post_handshake)
		r->base_secret = r->client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET";
	if (!secret_find(tl, p, r->base_secret, &s))
		return FINISHED_NO_SECRET;
	if (s.len != p->hlen) {
		r->secret_len = s.len;
		memset(&s, 0, sizeof s);
		return FINISHED_SECRET_LENGTH;
	}
	ok = finished_hkdf_expand_label(p->mac, s.secret, s.len, "finished", NULL, 0, r->key, p->hlen) &&
	     gnutls_hmac_fast(p->mac, r->key, p->hlen, r->transcript_hash, p->hlen, r->recomputed) >= 0;
	memset(&s, 0, sizeof s);
	if (!ok) {
		memset(r->key, 0, sizeof r->key);
		return FINISHED_DERIVATION_REFUSED;
	}
	r->key_len = p->hlen;
	r->recomputed_len = p->hlen;
	return FINISHED_REASON_NONE;
}

/* TLS 1.2: verify_data = PRF(master secret, "client finished" / "server finished", transcript hash)[0..12). */
static enum finished_reason finished12(const struct timeline *tl, const struct conn_params *p, struct finished_result *r)
{
	struct tl_secret s;
	unsigned from;
	bool ok;

	r->base_secret = "CLIENT_RANDOM";
	if (!master_find(tl, p, &s, &from))
		return FINISHED_NO_SECRET;
	r->secret_conn = from;
	if (s.len != 48) {
		r->secret_len = s.len;
		memset(&s, 0, sizeof s);
		return FINISHED_SECRET_LENGTH;
	}
	memcpy(r->key, s.secret, s.len);
	r->key_len = s.len;
	ok = finished_prf12(p->mac, p->hlen, s.secret, s.len, r->client ? "client finished" : "server finished",
		   r->transcript_hash, p->hlen, r->recomputed, 12);
	memset(&s, 0, sizeof s);
	if (!ok)
		return FINISHED_DERIVATION_REFUSED;
	r->recomputed_len = 12;
	return FINISHED_REASON_NONE;
}

/*
 * TLS 1.3: a client Finished after the client's handshake Finished ends a
 * post-handshake authentication (RFC 8446 4.4): its transcript is the
 * handshake through the client's Finished, then this exchange's
 * CertificateRequest, Certificate and CertificateVerify; its base secret
 * is the client's application traffic secret in force,
 * CLIENT_TRAFFIC_SECRET_0 unless the client updated its keys since (then
 * CLIENT_TRAFFIC_SECRET_N, which the key log does not hold). Sets the
 * skipped range in p; false for a handshake Finished.
 */
static bool post_handshake_auth(const struct timeline *tl, struct conn_params *p, size_t i, struct finished_result *r)
{
	size_t cfin = NO_INDEX, cr = NO_INDEX;
	bool updated = false;

	if (p->version != WIRE_TLS13 || !r->client)
		return false;
	for (size_t j = p->start; j < i; j++) {
		struct tl_event ev;
		if (!timeline_get(tl, j, &ev) || ev.conn != p->conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (ev.hs_type == WIRE_HS_FINISHED && ev.from == TL_CLIENT && cfin == NO_INDEX)
			cfin = j;
		else if (cfin != NO_INDEX && ev.hs_type == WIRE_HS_CERTIFICATE_REQUEST)
			cr = j;
		else if (cfin != NO_INDEX && ev.hs_type == WIRE_HS_KEY_UPDATE && ev.from == TL_CLIENT)
			updated = true;
	}
	if (cfin == NO_INDEX)
		return false;
	r->post_handshake = true;
	r->base_secret = updated ? "CLIENT_TRAFFIC_SECRET_N" : "CLIENT_TRAFFIC_SECRET_0";
	p->skip_from = cfin + 1;
	p->skip_to = cr != NO_INDEX ? cr : i;
	return true;
}

/* Recomputes the Finished at index i into r (the one function every result comes from). */
static void finished_compute(const struct timeline *tl, size_t i, struct finished_result *r)
{
	struct tl_event ev;
	struct conn_params p;

	memset(r, 0, sizeof *r);
	r->index = i;
	r->verdict = FINISHED_CANNOT_CHECK;
	if (!timeline_get(tl, i, &ev) || ev.kind != TL_EV_HANDSHAKE || ev.hs_type != WIRE_HS_FINISHED) {
		r->reason = FINISHED_NOT_FINISHED;
		return;
	}
	r->client = ev.from == TL_CLIENT;
	r->conn = ev.conn;
	r->received_len = ev.body_len;
	r->reason = params_get(tl, ev.conn, handshake_start(tl, ev.conn, i), i, &p);
	r->version = p.version;
	r->suite = p.suite;
	if (r->reason != FINISHED_REASON_NONE)
		return;
	r->hash_name = p.hash_name;
	r->hash_len = p.hlen;
	post_handshake_auth(tl, &p, i, r);
	r->reason = transcript_hash(tl, &p, i, r->transcript_hash, r);
	if (r->reason != FINISHED_REASON_NONE)
		return;
	r->have_transcript = true;
	r->reason = p.version == WIRE_TLS13 ? finished13(tl, &p, r) : finished12(tl, &p, r);
	if (r->reason != FINISHED_REASON_NONE)
		return;
	if (ev.body_len == r->recomputed_len && memcmp(ev.body, r->recomputed, r->recomputed_len) == 0) {
		r->verdict = FINISHED_MATCH;
		return;
	}
	r->verdict = FINISHED_MISMATCH;
	if (ev.body_len != r->recomputed_len)
		r->reason = FINISHED_LENGTH_DIFFERS;
}

/* The stored check of the Finished at i, else the one computed on demand (kept per timeline stamp). */
enum finished_verdict finished_result_get(const struct timeline *tl, size_t i, struct finished_result *out)
{
	enum { SLOTS = 4 };
	static _Thread_local struct {
		bool valid;
		uint64_t id;
		unsigned generation;
		struct finished_result r;
	} memo[SLOTS];
	static _Thread_local unsigned next;
	uint64_t id;
	unsigned gen;

	if (timeline_get_finished(tl, i, out))
		return out->verdict;
	timeline_stamp(tl, &id, &gen);
	for (unsigned k = 0; k < SLOTS; k++) {
		if (memo[k].valid && memo[k].id == id && memo[k].generation == gen && memo[k].r.index == i) {
			*out = memo[k].r;
			return out->verdict;
		}
	}
	finished_compute(tl, i, out);
	memo[next].r = *out;
	memo[next].id = id;
	memo[next].generation = gen;
	memo[next].valid = true;
	next = (next + 1) % SLOTS;
	return out->verdict;
}

/* Checks every Finished of a connection and stores the results. */
void finished_settle(struct timeline *tl, unsigned conn)
{
	size_t first, end;

	if (!timeline_conn_range(tl, conn, &first, &end))
		return;
	for (size_t i = first; i < end; i++) {
		struct tl_event ev;
		struct finished_result r;

		if (!timeline_get(tl, i, &ev) || ev.conn != conn || ev.kind != TL_EV_HANDSHAKE ||
		    ev.hs_type != WIRE_HS_FINISHED)
			continue;
		finished_compute(tl, i, &r);
		timeline_set_finished(tl, &r);
		memset(&r, 0, sizeof r);
	}
	keysched_settle(tl, conn);           /* the PSK binder check (keysched.h) */
}

/* Why a Finished could not be checked, or how it differs. */
char *finished_reason_text(const struct finished_result *r, char *buf, size_t n)
{
	const char *v = names_version(r->version);
	bool tls13 = r->version == WIRE_TLS13;

	switch (r->reason) {
	case FINISHED_REASON_NONE: snprintf(buf, n, "%s", ""); break;
	case FINISHED_NOT_FINISHED: snprintf(buf, n, "event %zu is not a Finished message", r->index); break;
	case FINISHED_NO_CLIENT_HELLO: snprintf(buf, n, "no ClientHello in connection %u", r->conn); break;
	case FINISHED_NO_SERVER_HELLO: snprintf(buf, n, "no ServerHello in connection %u", r->conn); break;
	case FINISHED_LEGACY_PRF:
		snprintf(buf, n, "%s uses the MD5/SHA-1 PRF, which is not supported here", v ? v : "this version");
		break;
	case FINISHED_UNKNOWN_SUITE:
		snprintf(buf, n, "unknown cipher suite 0x%04x: its hash is not known", r->suite);
		break;
	case FINISHED_UNFRAMEABLE:
		snprintf(buf, n, "message %zu cannot be framed as a handshake message", r->bad_index);
		break;
	case FINISHED_HASH_FAILED: snprintf(buf, n, "hashing failed"); break;
	case FINISHED_NO_SECRET:
		if (tls13)
			snprintf(buf, n, "the key log has no %s for this connection", r->base_secret);
		else
			snprintf(buf, n, "the key log has no master secret (label CLIENT_RANDOM) for this connection");
		break;
	case FINISHED_SECRET_LENGTH:
		if (tls13)
			snprintf(buf, n, "%s is %zu bytes; %s needs %zu", r->base_secret, r->secret_len, r->hash_name,
				 r->hash_len);
		else
			snprintf(buf, n, "the master secret is %zu bytes, not 48", r->secret_len);
		break;
	case FINISHED_DERIVATION_REFUSED: snprintf(buf, n, "the library refused the key derivation"); break;
	case FINISHED_OUT_OF_MEMORY: snprintf(buf, n, "out of memory"); break;
	case FINISHED_LENGTH_DIFFERS:
		snprintf(buf, n, "verify_data is %zu bytes, %zu expected", r->received_len, r->recomputed_len);
		break;
	case FINISHED_BODY_CUT:
		snprintf(buf, n, "message %zu was not kept whole (the limits of what a connection stores), so the "
			 "transcript cannot be rebuilt", r->bad_index);
		break;
	}
	return buf;
}

/* The transcript hash node: its value, what it covers, and the messages it covered. */
static void render_transcript(struct tree_node *root, const struct timeline *tl, const struct finished_result *r)
{
	struct tree_node *list = tree_add(root, "transcript hash", NULL);
	unsigned shown = r->nmsgs < FINISHED_MAX_MSGS ? r->nmsgs : FINISHED_MAX_MSGS;

	if (!list)
		return;
	if (r->have_transcript) {
		list->value = hex_str(r->transcript_hash, r->hash_len);
		tree_flag(list, TREE_BYTES);
	}
	if (r->post_handshake)
		tree_add(list, "covers", "post-handshake authentication (RFC 8446 4.4): the handshake through the "
					 "client's Finished, then this exchange's CertificateRequest, Certificate and "
					 "CertificateVerify (NewSessionTicket and KeyUpdate left out), each as type || "
					 "length || body");
	else
		tree_add(list, "covers", r->version == WIRE_TLS13 ? "every handshake message before this Finished "
								    "except NewSessionTicket and KeyUpdate, each as type "
								    "|| length || body"
								  : "every handshake message before this Finished (a "
								    "NewSessionTicket included), each as type || length || body");
	for (unsigned k = 0; k < shown; k++) {
		struct tl_event ev;
		if (!timeline_get(tl, r->msgs[k], &ev))
			continue;
		if (k == 0 && r->message_hash)
			tree_add(list, "message_hash",
				 "the first ClientHello, replaced by 254 00 00 HashLen || Hash(ClientHello1)");
		else
			tree_link_event(tree_addf(list, timeline_event_name(&ev), "from the %s, 4 + %zu bytes%s",
						  ev.from == TL_CLIENT ? "client" : "server", ev.body_len,
						  ev.recv_differs ? " (the receiver saw different bytes; the sender's are "
								    "used)" : ""),
					r->msgs[k]);
	}
	if (r->nmsgs > shown)
		tree_addf(list, "more", "%u more messages", r->nmsgs - shown);
}

/* The derivation nodes: base secret, its key, how verify_data comes from it. */
static void render_derivation(struct tree_node *root, const struct finished_result *r)
{
	if (r->version == WIRE_TLS13) {
		tree_add(root, "base secret", r->base_secret);
		if (r->reason == FINISHED_NO_SECRET || r->reason == FINISHED_SECRET_LENGTH)
			return;
		tree_add(root, "finished key derivation", "HKDF-Expand-Label(base secret, \"finished\", \"\", HashLen)");
		if (r->key_len == 0)
			return;
		finished_hexline(root, "finished key", r->key, r->key_len, TREE_SECRET);
		tree_add(root, "verify_data derivation", "HMAC(finished key, transcript hash)");
		return;
	}
	tree_add(root, "base secret", "the master secret (its key log label is CLIENT_RANDOM)");
	if (r->reason == FINISHED_NO_SECRET)
		return;
	if (r->secret_conn != r->conn)
		tree_addf(root, "master secret source",
			  "connection %u: this connection resumes a session, and the key log reports a master secret "
			  "only when one is made",
			  r->secret_conn);
	if (r->key_len == 0)
		return;
	finished_hexline(root, "master secret", r->key, r->key_len, TREE_SECRET);
	tree_addf(root, "verify_data derivation", "PRF(master secret, \"%s finished\", transcript hash), first 12 bytes",
		  r->client ? "client" : "server");
}

/* The check of the Finished at index i as a tree, rendered from its result. */
struct tree_node *finished_check(const struct timeline *tl, size_t i)
{
	struct tree_node *root = tree_new("Finished check", NULL);
	struct finished_result r;
	struct tl_event ev;
	char why[256], verdict[300];
	unsigned flag;

	if (!root)
		return NULL;
	finished_result_get(tl, i, &r);
	finished_reason_text(&r, why, sizeof why);
	if (r.reason != FINISHED_NOT_FINISHED && timeline_get(tl, i, &ev)) {
		finished_hexline(root, "verify_data", ev.body, ev.body_len, 0);
		tree_add(root, "sent by", r.client ? "the client" : "the server");
	}
	if (r.hash_name) {
		tree_addf(root, "protocol", "%s, %s, hash %s", names_version(r.version), names_cipher_suite(r.suite),
			  r.hash_name);
		render_transcript(root, tl, &r);
	}
	if (r.have_transcript)
		render_derivation(root, &r);
	if (r.recomputed_len)
		finished_hexline(root, "recomputed", r.recomputed, r.recomputed_len, 0);
	if (r.verdict == FINISHED_MATCH)
		snprintf(verdict, sizeof verdict, "MATCH");
	else if (r.verdict == FINISHED_MISMATCH)
		snprintf(verdict, sizeof verdict, "MISMATCH%s%s", why[0] ? ": " : "", why);
	else
		snprintf(verdict, sizeof verdict, "cannot recompute: %s", why);
	flag = r.verdict == FINISHED_MATCH ? TREE_GOOD : r.verdict == FINISHED_MISMATCH ? TREE_BAD : 0;
	memset(&r, 0, sizeof r);
	root->value = strdup(verdict);
	tree_flag(tree_add(root, "verdict", verdict), flag);
	return root;
}

/* True when the Finished at index i recomputes to its verify_data. */
bool finished_matches(const struct timeline *tl, size_t i)
{
	struct finished_result r;
	bool match = finished_result_get(tl, i, &r) == FINISHED_MATCH;

	memset(&r, 0, sizeof r);
	return match;
}

/* The transcript before event i, for the signatures over it (certverify.c): the same build as a Finished's. */
enum finished_reason finished_transcript_get(const struct timeline *tl, size_t i, bool client, struct finished_transcript *t)
{
	struct tl_event ev;
	struct conn_params p;
	struct finished_result r;
	struct bytes b = { NULL, 0, 0, false };

	memset(t, 0, sizeof *t);
	memset(&r, 0, sizeof r);
	if (!timeline_get(tl, i, &ev))
		return t->reason = FINISHED_NOT_FINISHED;
	t->conn = ev.conn;
	t->reason = params_get(tl, ev.conn, handshake_start(tl, ev.conn, i), i, &p);
	t->version = p.version;
	t->suite = p.suite;
	t->have_randoms = p.have_ch && p.sh_index != NO_INDEX;
	memcpy(t->client_random, p.client_random, sizeof t->client_random);
	memcpy(t->server_random, p.server_random, sizeof t->server_random);
	if (t->reason != FINISHED_REASON_NONE)
		return t->reason;
	t->hash_name = p.hash_name;
	t->hash_len = p.hlen;
	r.client = client;
	t->post_handshake = post_handshake_auth(tl, &p, i, &r);
	t->reason = transcript_build(tl, &p, i, &b, &r);
	if (t->reason == FINISHED_REASON_NONE && gnutls_hash_fast(p.dig, b.p, b.len, t->hash) < 0)
		t->reason = FINISHED_HASH_FAILED;
	memcpy(t->msgs, r.msgs, sizeof t->msgs);
	t->nmsgs = r.nmsgs;
	t->message_hash = r.message_hash;
	t->bad_index = r.bad_index;
	if (t->reason == FINISHED_REASON_NONE) {
		t->bytes = b.p;
		t->len = b.len;
	} else {
		bytes_free(&b);
	}
	return t->reason;
}

/* Frees the bytes of a transcript. */
void finished_transcript_free(struct finished_transcript *t)
{
	free(t->bytes);
	t->bytes = NULL;
	t->len = 0;
}

/* ---- key schedule ---- */

static enum finished_reason conn_params(const struct timeline *tl, unsigned conn, size_t at, struct conn_params *p);

/* TLS 1.3 record key length for a suite (RFC 8446 B.4). */
static size_t tls13_key_len(unsigned suite)
{
	return suite == WIRE_SUITE_TLS_AES_256_GCM_SHA384 || suite == WIRE_SUITE_TLS_CHACHA20_POLY1305_SHA256 ? 32 : 16;
}

/* The record key and IV of a TLS 1.3 traffic secret (RFC 8446 7.3). */
bool finished_traffic_keys13(unsigned suite, const uint8_t *secret, size_t slen, struct finished_keys13 *k)
{
	gnutls_mac_algorithm_t mac;

	memset(k, 0, sizeof *k);
	if (suite < WIRE_SUITE_TLS_AES_128_GCM_SHA256 || suite > WIRE_SUITE_TLS_AES_128_CCM_8_SHA256)
		return false;
	mac = suite == WIRE_SUITE_TLS_AES_256_GCM_SHA384 ? GNUTLS_MAC_SHA384 : GNUTLS_MAC_SHA256;
	if (slen != gnutls_hmac_get_len(mac))
		return false;
	k->key_len = tls13_key_len(suite);
	k->iv_len = sizeof k->iv;
	if (finished_hkdf_expand_label(mac, secret, slen, "key", NULL, 0, k->key, k->key_len) &&
	    finished_hkdf_expand_label(mac, secret, slen, "iv", NULL, 0, k->iv, k->iv_len))
		return true;
	memset(k, 0, sizeof *k);
	return false;
}

/* Adds a TLS 1.3 secret by label with what it derives (finished key, record key and IV). */
static void add_tls13_secret(struct tree_node *root, const struct timeline *tl, const struct conn_params *p,
			     const char *label, const char *how, size_t ctx_upto, const char *ctx_name)
{
	struct tl_secret s;
	struct tree_node *node;
	uint8_t out[MAX_HASH];
	struct finished_keys13 k;

	memset(&k, 0, sizeof k);
	if (secret_find(tl, p, label, &s))
		node = finished_hexline(root, label, s.secret, s.len, TREE_SECRET);
	else if (secret_withheld(tl, p, label))
		node = tree_add(root, label, SECRET_WITHHELD);     /* how it is derived still holds; s.len is 0 */
	else {
		tree_add(root, label, "not captured");
		return;
	}
	tree_add(node, "derived as", how);
	if (ctx_upto != NO_INDEX) {
		uint8_t h[MAX_HASH];
		if (transcript_hash(tl, p, ctx_upto, h, NULL) == FINISHED_REASON_NONE) {
			struct tree_node *c = finished_hexline(node, "context hash", h, p->hlen, 0);
			tree_addf(c, "covers", "%s", ctx_name);
		}
	}
	if (s.len == p->hlen && strstr(label, "TRAFFIC_SECRET")) {
		if (strstr(label, "HANDSHAKE") && finished_hkdf_expand_label(p->mac, s.secret, s.len, "finished", NULL, 0, out, p->hlen))
			finished_hexline(node, "finished key", out, p->hlen, TREE_SECRET);
		if (finished_traffic_keys13(p->suite, s.secret, s.len, &k)) {
			finished_hexline(node, "record key", k.key, k.key_len, TREE_SECRET);
			finished_hexline(node, "record IV", k.iv, k.iv_len, TREE_SECRET);
		}
	}
	memset(out, 0, sizeof out);
	memset(&k, 0, sizeof k);
	memset(&s, 0, sizeof s);
}

/* The TLS 1.3 secrets by label: which summary bit says the handshake has it, and how it is derived. */
static const struct {
	unsigned bit;
	const char *label, *how;
	bool hs_ctx;              /* context ClientHello...ServerHello (else ...server Finished, or none) */
	bool no_ctx;              /* derived from the ClientHello alone */
} secrets13[] = {
	{ SUMMARY_SECRET_CLIENT_EARLY, "CLIENT_EARLY_TRAFFIC_SECRET", "Derive-Secret(early secret, \"c e traffic\", ClientHello)",
	  false, true },
	{ SUMMARY_SECRET_EARLY_EXPORTER, "EARLY_EXPORTER_SECRET", "Derive-Secret(early secret, \"e exp master\", ClientHello)",
	  false, true },
	{ SUMMARY_SECRET_CLIENT_HS, "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
	  "Derive-Secret(handshake secret, \"c hs traffic\", ClientHello...ServerHello)", true, false },
	{ SUMMARY_SECRET_SERVER_HS, "SERVER_HANDSHAKE_TRAFFIC_SECRET",
	  "Derive-Secret(handshake secret, \"s hs traffic\", ClientHello...ServerHello)", true, false },
	{ SUMMARY_SECRET_CLIENT_AP, "CLIENT_TRAFFIC_SECRET_0",
	  "Derive-Secret(master secret, \"c ap traffic\", ClientHello...server Finished)", false, false },
	{ SUMMARY_SECRET_SERVER_AP, "SERVER_TRAFFIC_SECRET_0",
	  "Derive-Secret(master secret, \"s ap traffic\", ClientHello...server Finished)", false, false },
	{ SUMMARY_SECRET_EXPORTER, "EXPORTER_SECRET",
	  "Derive-Secret(master secret, \"exp master\", ClientHello...server Finished)", false, false },
};

/* A link to the step of timeline event i, as a child of node ("first message: ClientHello from the client"). */
static void link_step(struct tree_node *node, const char *label, const struct timeline *tl, size_t i)
{
	struct tl_event ev;

	if (node && i != NO_INDEX && timeline_get(tl, i, &ev))
		tree_link_event(tree_addf(node, label, "%s from the %s", timeline_event_name(&ev),
					  ev.from == TL_CLIENT ? "client" : "server"), i);
}

/* Links the secret just added (root's last child) to what it comes from: the secret it is derived from,
 * and the first and last messages of its context (the transcript up to index upto, exclusive). */
static void link_secret(struct tree_node *root, const struct timeline *tl, const struct conn_params *p,
			const char *base, size_t upto)
{
	struct tree_node *added = root->last;
	struct tree_node *ctx = tree_find_mut(added, "context hash");

	tree_link_node(tree_find_mut(added, "derived as"), tree_find(root, base));
	if (ctx) {
		link_step(ctx, "first message", tl, p->start);
		link_step(ctx, "last message", tl, upto - 1);
	} else if (upto == p->start + 1) {
		link_step(added, "context", tl, p->start);       /* derived from the ClientHello alone */
	}
}

/* What the key schedule says about early data (0-RTT). */
static void schedule_early_data(struct tree_node *root, const struct summary *s)
{
	if (s->early_data_offered)
		tree_add(root, "early data", s->early_data_accepted
				 ? "offered and accepted: the client's 0-RTT data is protected with the early traffic secret"
				 : "offered, not accepted: the server discarded the 0-RTT data protected with the early "
				   "traffic secret");
	else if (s->psk)
		tree_add(root, "early data", "not offered: no early traffic secret is used in this handshake");
}

/* The TLS 1.3 part of the key schedule: the secrets this handshake has (summary.secrets), and no others. */
static void schedule_tls13(struct tree_node *root, const struct timeline *tl, const struct conn_params *p)
{
	size_t hs_upto = p->sh_index + 1;
	size_t ap_upto = p->server_fin_index == NO_INDEX ? NO_INDEX : p->server_fin_index + 1;
	size_t n = timeline_secret_count(tl);
	const char *group = p->group ? names_group(p->group) : NULL;
	struct summary s;

	struct keysched_in in = { p->conn, p->psk, p->group ? (group ? group : "(EC)DHE") : NULL, p->hash_name, p->hlen };

	summary_build(tl, p->conn, &s);
	keysched_render13(root, tl, &in);
	schedule_early_data(root, &s);
	tree_add(root, "traffic secrets", "reported by the library's key log as it derives them; the finished keys, "
					  "record keys and IVs under them are derived here");
	for (size_t k = 0; k < sizeof secrets13 / sizeof secrets13[0]; k++) {
		if (!(s.secrets & secrets13[k].bit))
			continue;
		add_tls13_secret(root, tl, p, secrets13[k].label, secrets13[k].how,
				 secrets13[k].no_ctx ? NO_INDEX : secrets13[k].hs_ctx ? hs_upto : ap_upto,
				 secrets13[k].hs_ctx ? "ClientHello...ServerHello" : "ClientHello...server Finished");
		link_secret(root, tl, p, secrets13[k].no_ctx ? "early secret" : secrets13[k].hs_ctx ? "handshake secret"
													: "master secret",
			    secrets13[k].no_ctx ? p->start + 1 : secrets13[k].hs_ctx ? hs_upto : ap_upto);
	}
	/* anything else the key log reported for this connection, apart from secrets this handshake does not use */
	for (size_t i = 0; i < n; i++) {
		struct tl_secret sec;
		bool listed = false;
		if (!timeline_get_secret(tl, i, &sec) || sec.conn != p->conn ||
		    memcmp(sec.client_random, p->client_random, sizeof sec.client_random) != 0)
			continue;
		for (size_t k = 0; k < sizeof secrets13 / sizeof secrets13[0]; k++)
			listed |= strcmp(sec.label, secrets13[k].label) == 0;
		listed |= strcmp(sec.label, KEYSCHED_RMS_LABEL) == 0;     /* shown by keysched_render_tickets */
		if (!listed && sec.withheld)
			tree_add(root, sec.label, SECRET_WITHHELD);
		else if (!listed)
			finished_hexline(root, sec.label, sec.secret, sec.len, TREE_SECRET);
		memset(&sec, 0, sizeof sec);
	}
	keysched_render_tickets(root, tl, &in);
}

/* What TLS 1.2 record protection a suite uses (RFC 5246 6.3; RFC 5288 GCM, RFC 6655 CCM, RFC 7905 ChaCha20). */
struct suite12 {
	size_t mac_len, key_len, iv_len;
	const char *layout;        /* the key block's layout in words */
};

/* Bulk key length from the cipher part of an IANA suite name; 0 when unknown. */
static size_t cipher_key_len(const char *with)
{
	static const struct { const char *cipher; size_t len; } ciphers[] = {
		{ "AES_128_", 16 }, { "AES_256_", 32 }, { "CAMELLIA_128_", 16 }, { "CAMELLIA_256_", 32 },
		{ "ARIA_128_", 16 }, { "ARIA_256_", 32 }, { "3DES_EDE_", 24 }, { "SEED_", 16 },
		{ "CHACHA20_POLY1305_", 32 },
	};

	for (size_t k = 0; k < sizeof ciphers / sizeof ciphers[0]; k++)
		if (strncmp(with, ciphers[k].cipher, strlen(ciphers[k].cipher)) == 0)
			return ciphers[k].len;
	return 0;
}

/* HMAC key length from the MAC part of a suite name ("_SHA", "_SHA256", "_SHA384"); 0 when unknown. */
static size_t mac_key_len(const char *name)
{
	size_t n = strlen(name);

	if (n > 7 && strcmp(name + n - 7, "_SHA384") == 0)
		return 48;
	if (n > 7 && strcmp(name + n - 7, "_SHA256") == 0)
		return 32;
	if (n > 4 && strcmp(name + n - 4, "_SHA") == 0)
		return 20;
	return 0;
}

/* The key block layout of a TLS 1.2 suite; false when the suite is not one this knows. */
static bool suite12_get(const char *name, struct suite12 *s)
{
	const char *with = name ? strstr(name, "_WITH_") : NULL;

	memset(s, 0, sizeof *s);
	if (!with)
		return false;
	with += 6;
	s->key_len = cipher_key_len(with);
	if (s->key_len == 0)
		return false;
	if (strstr(with, "_GCM_")) {
		s->iv_len = 4;
		s->layout = "GCM (RFC 5288): no MAC keys; a write key and a 4-byte implicit nonce (salt) per direction; "
			    "the other 8 bytes of each nonce travel in every record";
	} else if (strstr(with, "_CCM")) {
		s->iv_len = 4;
		s->layout = "CCM (RFC 6655): no MAC keys; a write key and a 4-byte implicit nonce (salt) per direction; "
			    "the other 8 bytes of each nonce travel in every record";
	} else if (strstr(with, "CHACHA20_POLY1305")) {
		s->iv_len = 12;
		s->layout = "AEAD (RFC 7905): no MAC keys; a write key and a 12-byte IV per direction, combined with "
			    "the record sequence number into each nonce";
	} else if (strstr(with, "_CBC_")) {
		s->mac_len = mac_key_len(with);
		if (s->mac_len == 0)
			return false;
		s->layout = "CBC with HMAC: a MAC key and a write key per direction; no IV from the key block, since "
			    "TLS 1.2 sends an explicit IV in every record (RFC 5246 6.3)";
	} else {
		return false;
	}
	return true;
}

/* Computes the TLS 1.2 key block of handshake p; false with why. */
static bool keys12_eval(const struct timeline *tl, const struct conn_params *pp, struct finished_keys12 *k, char *why,
			size_t wn)
{
	const struct conn_params p = *pp;
	struct suite12 su;
	struct tl_secret s;
	uint8_t seed[64], block[2 * (48 + 32 + 12)];
	size_t len, at = 0;
	unsigned from;
	bool ok;

	memset(k, 0, sizeof *k);
	if (p.version != WIRE_TLS12) {
		snprintf(why, wn, "not TLS 1.2");
		return false;
	}
	if (!suite12_get(p.suite_name, &su)) {
		snprintf(why, wn, "the record protection of %s is not known here", p.suite_name);
		return false;
	}
	if (!master_find(tl, &p, &s, &from) || s.len != 48) {
		snprintf(why, wn, "%s", secret_withheld(tl, &p, "CLIENT_RANDOM") ? "the master secret is " SECRET_WITHHELD
			 : "the key log has no master secret (label CLIENT_RANDOM) for this connection");
		memset(&s, 0, sizeof s);
		return false;
	}
	memcpy(seed, p.server_random, 32);
	memcpy(seed + 32, p.client_random, 32);
	len = 2 * (su.mac_len + su.key_len + su.iv_len);
	ok = finished_prf12(p.mac, p.hlen, s.secret, s.len, "key expansion", seed, sizeof seed, block, len);
	memset(&s, 0, sizeof s);
	if (!ok) {
		snprintf(why, wn, "the library refused the key derivation");
		return false;
	}
	k->mac_len = su.mac_len;
	k->key_len = su.key_len;
	k->iv_len = su.iv_len;
	k->layout = su.layout;
	memcpy(k->client_mac, block + at, su.mac_len), at += su.mac_len;
	memcpy(k->server_mac, block + at, su.mac_len), at += su.mac_len;
	memcpy(k->client_key, block + at, su.key_len), at += su.key_len;
	memcpy(k->server_key, block + at, su.key_len), at += su.key_len;
	memcpy(k->client_iv, block + at, su.iv_len), at += su.iv_len;
	memcpy(k->server_iv, block + at, su.iv_len);
	memset(block, 0, sizeof block);
	return true;
}

/* The TLS 1.2 key block of connection conn, split for its cipher suite. */
bool finished_keys12(const struct timeline *tl, unsigned conn, struct finished_keys12 *out)
{
	struct conn_params p;
	char why[200];

	if (conn_params(tl, conn, NO_INDEX, &p) != FINISHED_REASON_NONE) {
		memset(out, 0, sizeof *out);
		return false;
	}
	return keys12_eval(tl, &p, out, why, sizeof why);
}

/* The TLS 1.2 key block of the handshake that timeline event i belongs to. */
bool finished_keys12_at(const struct timeline *tl, size_t i, struct finished_keys12 *out)
{
	struct conn_params p;
	struct tl_event ev;
	char why[200];

	if (!timeline_get(tl, i, &ev) || conn_params(tl, ev.conn, i, &p) != FINISHED_REASON_NONE) {
		memset(out, 0, sizeof *out);
		return false;
	}
	return keys12_eval(tl, &p, out, why, sizeof why);
}

/* The key expansion node: the key block's parts, each a secret. */
static void schedule_key_block(struct tree_node *root, const struct timeline *tl, const struct conn_params *p)
{
	struct finished_keys12 k;
	char why[200];
	struct tree_node *node = tree_add(root, "key expansion",
					  "PRF(master secret, \"key expansion\", server random + client random), cut into "
					  "the keys below");

	if (!keys12_eval(tl, p, &k, why, sizeof why)) {
		tree_addf(node, "keys", "not shown: %s", why);
		return;
	}
	tree_link_node(node, tree_find(root, "master secret"));
	tree_add(node, "layout", k.layout);
	tree_addf(node, "key block", "%zu bytes = 2 x (%zu-byte MAC key + %zu-byte write key + %zu-byte %s)",
		  2 * (k.mac_len + k.key_len + k.iv_len), k.mac_len, k.key_len, k.iv_len,
		  k.iv_len == 4 ? "implicit nonce" : "IV");
	if (k.mac_len) {
		finished_hexline(node, "client write MAC key", k.client_mac, k.mac_len, TREE_SECRET);
		finished_hexline(node, "server write MAC key", k.server_mac, k.mac_len, TREE_SECRET);
	}
	finished_hexline(node, "client write key", k.client_key, k.key_len, TREE_SECRET);
	finished_hexline(node, "server write key", k.server_key, k.key_len, TREE_SECRET);
	if (k.iv_len) {
		const char *what = k.iv_len == 4 ? "implicit nonce (salt)" : "IV";
		char lbl[64];
		snprintf(lbl, sizeof lbl, "client write %s", what);
		finished_hexline(node, lbl, k.client_iv, k.iv_len, TREE_SECRET);
		snprintf(lbl, sizeof lbl, "server write %s", what);
		finished_hexline(node, lbl, k.server_iv, k.iv_len, TREE_SECRET);
	}
	memset(&k, 0, sizeof k);
}

/* The TLS 1.2 part of the key schedule. */
static void schedule_tls12(struct tree_node *root, const struct timeline *tl, const struct conn_params *p)
{
	struct tl_secret s;
	unsigned from;

	finished_hexline(root, "server random", p->server_random, 32, 0);
	if (p->resumed12) {
		tree_add(root, "premaster secret", "none in this connection: it resumes an earlier session");
		tree_add(root, "master secret derivation", "carried over from the original session (ticket or session cache)");
	} else {
		struct tree_node *pm = tree_add(root, "premaster secret",
			 p->rsa_kx ? "chosen by the client and sent in ClientKeyExchange, encrypted to the server's RSA key; "
				      "not captured (the key log gives the master secret)"
				    : "the (EC)DHE shared secret; not captured (the key log gives the master secret)");
		if (p->cke_index != NO_INDEX)
			tree_link_event(pm, p->cke_index);
		if (p->ems) {
			struct tree_node *d = tree_add(root, "master secret derivation",
						       "PRF(premaster secret, \"extended master secret\", session hash), 48 bytes");
			uint8_t h[MAX_HASH];
			if (p->cke_index != NO_INDEX &&
			    transcript_hash(tl, p, p->cke_index + 1, h, NULL) == FINISHED_REASON_NONE) {
				struct tree_node *c = finished_hexline(d, "session hash", h, p->hlen, 0);
				tree_add(c, "covers", "ClientHello...ClientKeyExchange");
				link_step(c, "first message", tl, p->start);
				link_step(c, "last message", tl, p->cke_index);
			}
		} else {
			tree_add(root, "master secret derivation",
				 "PRF(premaster secret, \"master secret\", client random + server random), 48 bytes");
		}
	}
	if (master_find(tl, p, &s, &from)) {
		struct tree_node *m = finished_hexline(root, "master secret", s.secret, s.len, TREE_SECRET);
		tree_link_node(m, tree_find(root, "master secret derivation"));
		tree_add(m, "key log label", "CLIENT_RANDOM");
		if (from != p->conn)
			tree_addf(m, "source", "connection %u, whose session this one resumes", from);
	} else
		tree_add(root, "master secret", secret_withheld(tl, p, "CLIENT_RANDOM") ? SECRET_WITHHELD : "not captured");
	memset(&s, 0, sizeof s);
	schedule_key_block(root, tl, p);
	tree_add(root, "Finished", "PRF(master secret, \"client finished\" / \"server finished\", transcript hash), 12 bytes");
}

/*
 * The parameters of a handshake of connection conn: the one event at
 * (a timeline index) belongs to, or the connection's first when at is
 * NO_INDEX.
 */
static enum finished_reason conn_params(const struct timeline *tl, unsigned conn, size_t at, struct conn_params *p)
{
	size_t first, end, start;

	if (!timeline_conn_range(tl, conn, &first, &end))
		first = end = 0;
	start = handshake_start(tl, conn, at == NO_INDEX ? first + 1 : at + 1);
	/* the first handshake: the first ClientHello on */
	for (size_t j = start; at == NO_INDEX && j < end; j++) {
		struct tl_event ev;
		if (timeline_get(tl, j, &ev) && ev.conn == conn && ev.kind == TL_EV_HANDSHAKE &&
		    ev.hs_type == WIRE_HS_CLIENT_HELLO) {
			start = j;
			break;
		}
	}
	return params_get(tl, conn, start, NO_INDEX, p);
}

/* The key schedule of the handshake p (or why it cannot be shown). */
static struct tree_node *schedule_tree(const struct timeline *tl, struct conn_params *p, enum finished_reason reason)
{
	struct tree_node *root = tree_new("key schedule", NULL);
	char why[256] = "";
	char head[160];

	if (!root)
		return NULL;
	if (reason != FINISHED_REASON_NONE) {
		char v[300];
		params_why(p, reason, why, sizeof why);
		snprintf(v, sizeof v, "cannot be shown: %s", why);
		root->value = strdup(v);
		return root;
	}
	snprintf(head, sizeof head, "%s, %s, hash %s", names_version(p->version), p->suite_name, p->hash_name);
	root->value = strdup(head);
	finished_hexline(root, "client random", p->client_random, 32, 0);
	if (p->version == WIRE_TLS13)
		schedule_tls13(root, tl, p);
	else
		schedule_tls12(root, tl, p);
	return root;
}

/* The key schedule of a connection (its first handshake). */
struct tree_node *finished_key_schedule(const struct timeline *tl, unsigned conn)
{
	struct conn_params p;
	enum finished_reason reason = conn_params(tl, conn, NO_INDEX, &p);

	return schedule_tree(tl, &p, reason);
}

/* The key schedule of the handshake event i belongs to. */
struct tree_node *finished_key_schedule_at(const struct timeline *tl, size_t i)
{
	struct tl_event ev;
	struct conn_params p;
	enum finished_reason reason;

	if (!timeline_get(tl, i, &ev))
		return tree_new("key schedule", "cannot be shown: no such event");
	reason = conn_params(tl, ev.conn, i, &p);
	return schedule_tree(tl, &p, reason);
}
