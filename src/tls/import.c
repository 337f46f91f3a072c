/*
 * import.c: a captured TLS connection into a timeline, decrypted where the
 * key log allows (see import.h).
 *
 * The two streams are walked in the order the capture saw their bytes
 * (capture chunks); each complete record becomes a TL_EV_RECORD, then what
 * it carries: ChangeCipherSpec, an alert, or handshake bytes, which gather
 * per direction into messages. Protected records are opened with the
 * direction's current AEAD key: TLS 1.3 handshake keys from the ServerHello
 * on, application keys after that direction's Finished; TLS 1.2 keys after
 * that direction's ChangeCipherSpec.
 */
#include "tlsladder/import.h"
#include "tls_internal.h"
#include "tlsladder/certverify.h"
#include "tlsladder/finished.h"
#include "tlsladder/notes.h"
#include "tlsladder/peek.h"
#include "tlsladder/reader.h"
#include "tlsladder/records.h"
#include "tlsladder/wire.h"

#include <gnutls/crypto.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 5u
#define MAX_RECORD (16384u + 2048u)
#define MAX_MESSAGE (1u << 20)
#define TAG_LEN 16u

/* The AEAD key of one direction. */
struct dkey {
	bool set;
	bool tls13;
	gnutls_aead_cipher_hd_t h;
	uint8_t iv[12];
	size_t iv_len;            /* 12; TLS 1.2 GCM: 4 (the salt; the rest is explicit) */
	uint64_t seq;
	enum tl_keys keys;
};

/* One direction: its stream, where parsing is, its handshake bytes, its key. */
struct idir {
	const struct capture_dir *d;
	size_t parsed;
	uint8_t *hs;
	size_t hs_len, hs_cap;
	bool ccs;
	bool ccs_reneg;           /* the renegotiation in progress had its ChangeCipherSpec in this direction */
	bool told;                /* a note said its records are not decrypted */
	struct dkey key;
	enum tl_side side;
	/* TLS 1.3 application keys: the traffic secret they come from and its generation (KeyUpdate) */
	uint8_t secret[64];
	size_t secret_len;
	unsigned gen;
	unsigned rec_gen;         /* the generation of the record being read */
	unsigned early_records;   /* client: TLS 1.3 early data records (before any ServerHello) */
	bool early_over;          /* ... and the record after the ServerHello that may end them was read */
};

/* The import of one connection. */
struct imp {
	struct timeline *tl;
	struct idir dir[2];
	int64_t t0, now;
	unsigned version;
	unsigned suite;
	bool tls13;
	bool have_random;
	uint8_t client_random[32];
	const char *keylog;
	size_t keylog_len;
	unsigned handshake;       /* the handshake in progress: 1, then 2, ... for each renegotiation */
	unsigned fins;            /* Finished messages seen in it */
};

/* The record's content type as the TLS 1.3 inner type, or the TLS 1.2 type. */
struct opened {
	unsigned type;
	uint8_t *p;
	size_t n;
};

/* Appends an event at the current time. */
static void emit(struct imp *im, struct tl_event *ev)
{
	ev->conn = 0;
	ev->t_us = im->now - im->t0;
	ev->sent_seen = true;
	ev->recv_seen = true;
	ev->sent_us = ev->recv_us = ev->t_us;
	if (!ev->version)
		ev->version = im->version;
	ev->handshake = im->handshake > 1 && im->fins < 2 ? im->handshake : 0;   /* while a renegotiation runs */
	timeline_append_raw(im->tl, ev);
}

/* The value of one hex digit, or -1. */
static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Reads hex text of exactly 2*n digits into out; false otherwise. */
static bool unhex(const char *s, size_t slen, uint8_t *out, size_t n)
{
	if (slen != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* One key log line "LABEL <client random> <secret>": kept when it is for this connection's random. */
static void keylog_line(struct imp *im, const char *s, size_t n)
{
	const char *sp1 = memchr(s, ' ', n), *sp2;
	struct tl_secret sec;
	size_t hexlen;

	if (!sp1 || (size_t)(sp1 - s) >= sizeof sec.label)
		return;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s));
	if (!sp2)
		return;
	memset(&sec, 0, sizeof sec);
	memcpy(sec.label, s, (size_t)(sp1 - s));
	hexlen = n - (size_t)(sp2 + 1 - s);
	while (hexlen > 0 && (sp2[hexlen] == '\r' || sp2[hexlen] == ' '))
		hexlen--;
	if (!unhex(sp1 + 1, (size_t)(sp2 - sp1 - 1), sec.client_random, 32) ||
	    memcmp(sec.client_random, im->client_random, 32) != 0 || hexlen % 2 != 0 || hexlen / 2 > sizeof sec.secret ||
	    !unhex(sp2 + 1, hexlen, sec.secret, hexlen / 2))
		return;
	sec.len = hexlen / 2;
	sec.side = TL_CLIENT;
	timeline_add_secret(im->tl, &sec);
	memset(&sec, 0, sizeof sec);
}

/* The key log's secrets for the ClientHello's random into the timeline. */
static void keylog_take(struct imp *im)
{
	size_t at = 0;

	while (im->keylog && at < im->keylog_len) {
		const char *nl = memchr(im->keylog + at, '\n', im->keylog_len - at);
		size_t len = nl ? (size_t)(nl - (im->keylog + at)) : im->keylog_len - at;
		if (len > 0 && im->keylog[at] != '#')
			keylog_line(im, im->keylog + at, len);
		at += len + 1;
	}
}

/* The secret of a label for this connection, or false. */
static bool secret_get(const struct imp *im, const char *label, struct tl_secret *out)
{
	size_t n = timeline_secret_count(im->tl);

	for (size_t i = 0; i < n; i++)
		if (timeline_get_secret(im->tl, i, out) && !out->withheld && strcmp(out->label, label) == 0)
			return true;
	return false;
}

/* Forgets a direction's key. */
static void key_drop(struct dkey *k)
{
	if (k->set)
		gnutls_aead_cipher_deinit(k->h);
	memset(k, 0, sizeof *k);
}

/* The AEAD cipher and hash of a TLS 1.3 suite; false when not known here. */
static bool suite13(unsigned suite, gnutls_cipher_algorithm_t *ca, gnutls_mac_algorithm_t *mac, size_t *klen)
{
	switch (suite) {
	case 0x1301:
		return *ca = GNUTLS_CIPHER_AES_128_GCM, *mac = GNUTLS_MAC_SHA256, *klen = 16, true;
	case 0x1302:
		return *ca = GNUTLS_CIPHER_AES_256_GCM, *mac = GNUTLS_MAC_SHA384, *klen = 32, true;
	case 0x1303:
		return *ca = GNUTLS_CIPHER_CHACHA20_POLY1305, *mac = GNUTLS_MAC_SHA256, *klen = 32, true;
	case 0x1304:
		return *ca = GNUTLS_CIPHER_AES_128_CCM, *mac = GNUTLS_MAC_SHA256, *klen = 16, true;
	default:
		return false;
	}
}

/* Sets a direction's key from its key and IV bytes. */
static void key_set(struct dkey *k, gnutls_cipher_algorithm_t ca, const uint8_t *key, size_t klen, const uint8_t *iv,
		    size_t ivlen, bool tls13, enum tl_keys keys)
{
	gnutls_datum_t kd = { (unsigned char *)(uintptr_t)key, (unsigned)klen };

	key_drop(k);
	if (gnutls_aead_cipher_init(&k->h, ca, &kd) < 0)
		return;
	k->set = true;
	k->tls13 = tls13;
	memcpy(k->iv, iv, ivlen);
	k->iv_len = ivlen;
	k->keys = keys;
}

/* TLS 1.3: a direction's key from a traffic secret (kept for a KeyUpdate when it is an application one). */
static void key13_from(struct imp *im, struct idir *dr, const uint8_t *secret, size_t len, enum tl_keys keys)
{
	gnutls_cipher_algorithm_t ca;
	gnutls_mac_algorithm_t mac;
	size_t klen;
	struct finished_keys13 k;

	key_drop(&dr->key);
	dr->key.keys = keys;
	if (!suite13(im->suite, &ca, &mac, &klen) || len > sizeof dr->secret)
		return;
	if (keys == TL_KEYS_APPLICATION && secret != dr->secret) {
		memcpy(dr->secret, secret, len);
		dr->secret_len = len;
	}
	if (finished_traffic_keys13(im->suite, secret, len, &k))
		key_set(&dr->key, ca, k.key, k.key_len, k.iv, k.iv_len, true, keys);
	memset(&k, 0, sizeof k);
}

/* TLS 1.3: a direction's key from the traffic secret of a label. */
static void key13(struct imp *im, struct idir *dr, const char *label, enum tl_keys keys)
{
	struct tl_secret s;

	if (!secret_get(im, label, &s)) {
		key_drop(&dr->key);
		dr->key.keys = keys;
		return;
	}
	key13_from(im, dr, s.secret, s.len, keys);
	memset(&s, 0, sizeof s);
}

/* TLS 1.3 KeyUpdate from this direction: its next application traffic secret (RFC 8446 7.2),
 * HKDF-Expand-Label(secret, "traffic upd", "", Hash.length), and the keys from it. */
static void key_update13(struct imp *im, struct idir *dr)
{
	gnutls_cipher_algorithm_t ca;
	gnutls_mac_algorithm_t mac;
	size_t klen;
	uint8_t next[64];

	dr->gen++;
	if (dr->secret_len == 0 || !suite13(im->suite, &ca, &mac, &klen) ||
	    !finished_hkdf_expand_label(mac, dr->secret, dr->secret_len, "traffic upd", NULL, 0, next, dr->secret_len)) {
		key_drop(&dr->key);
		dr->key.keys = TL_KEYS_APPLICATION;
		return;
	}
	memcpy(dr->secret, next, dr->secret_len);
	memset(next, 0, sizeof next);
	key13_from(im, dr, dr->secret, dr->secret_len, TL_KEYS_APPLICATION);
}

/* TLS 1.2: a direction's key from the master secret's key block (AEAD suites only). */
static void key12(struct imp *im, struct idir *dr)
{
	struct finished_keys12 k;
	bool client = dr->side == TL_CLIENT;
	gnutls_cipher_algorithm_t ca;

	size_t n = timeline_count(im->tl);

	key_drop(&dr->key);
	dr->key.keys = TL_KEYS_TLS12;
	/* the keys of the handshake in progress (a renegotiation's from its own master secret) */
	if (n == 0 || !finished_keys12_at(im->tl, n - 1, &k) || k.mac_len != 0)
		return;
	if (k.iv_len == 4)
		ca = k.key_len == 32 ? GNUTLS_CIPHER_AES_256_GCM : GNUTLS_CIPHER_AES_128_GCM;
	else if (k.iv_len == 12 && k.key_len == 32)
		ca = GNUTLS_CIPHER_CHACHA20_POLY1305;
	else
		return;
	key_set(&dr->key, ca, client ? k.client_key : k.server_key, k.key_len, client ? k.client_iv : k.server_iv,
		k.iv_len, false, TL_KEYS_TLS12);
	memset(&k, 0, sizeof k);
}

/* The nonce for sequence number seq: the IV with seq XORed into its last 8 bytes. */
static void nonce_xor(const struct dkey *k, uint8_t nonce[12])
{
	memcpy(nonce, k->iv, 12);
	for (unsigned i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(k->seq >> (8 * i));
}

/* Opens a TLS 1.3 record (hdr: its 5 header bytes) into o; false when it does not open. */
static bool open13(struct dkey *k, const uint8_t *hdr, const uint8_t *p, size_t n, struct opened *o)
{
	uint8_t nonce[12];
	size_t out = n;

	if (n < TAG_LEN + 1)
		return false;
	nonce_xor(k, nonce);
	if (gnutls_aead_cipher_decrypt(k->h, nonce, 12, hdr, HEADER_LEN, TAG_LEN, p, n, o->p, &out) < 0)
		return false;
	while (out > 0 && o->p[out - 1] == 0)
		out--;
	if (out == 0)
		return false;
	o->type = o->p[out - 1];
	o->n = out - 1;
	k->seq++;
	return true;
}

/* Opens a TLS 1.2 AEAD record into o; false when it does not open. */
static bool open12(struct dkey *k, const uint8_t *hdr, const uint8_t *p, size_t n, struct opened *o)
{
	uint8_t nonce[12], aad[13];
	size_t explicit_len = k->iv_len == 4 ? 8 : 0, out = n, plain;

	if (n < explicit_len + TAG_LEN)
		return false;
	if (explicit_len) {
		memcpy(nonce, k->iv, 4);
		memcpy(nonce + 4, p, 8);
	} else {
		nonce_xor(k, nonce);
	}
	plain = n - explicit_len - TAG_LEN;
	for (unsigned i = 0; i < 8; i++)
		aad[7 - i] = (uint8_t)(k->seq >> (8 * i));
	memcpy(aad + 8, hdr, 3);
	aad[11] = (uint8_t)(plain >> 8);
	aad[12] = (uint8_t)plain;
	if (gnutls_aead_cipher_decrypt(k->h, nonce, 12, aad, sizeof aad, TAG_LEN, p + explicit_len, n - explicit_len,
				       o->p, &out) < 0)
		return false;
	o->type = hdr[0];
	o->n = out;
	k->seq++;
	return true;
}

/* The handshake type a message is shown as (a HelloRetryRequest told by its random). */
static unsigned shown_type(unsigned type, const uint8_t *body, size_t n)
{
	if (type == WIRE_HS_SERVER_HELLO && n >= 34 && peek_is_hrr_random(body + 2))
		return TL_HS_HELLO_RETRY_REQUEST;
	return type;
}

/* What a message changes: the randoms and secrets, the version and suite, the keys. */
static void after_message(struct imp *im, struct idir *dr, unsigned type, const uint8_t *body, size_t n)
{
	struct peek_server_hello sh;

	if (type == WIRE_HS_CLIENT_HELLO && n >= 34 && (!im->have_random || im->handshake > 1)) {
		im->have_random = true;      /* a renegotiation's ClientHello brings a new random and master secret */
		memcpy(im->client_random, body + 2, 32);
		keylog_take(im);
	} else if (type == WIRE_HS_SERVER_HELLO && peek_server_hello(body, n, &sh)) {
		im->version = sh.version;
		im->suite = sh.cipher_suite;
		im->tls13 = sh.version == WIRE_TLS13;
		if (im->tls13) {
			key13(im, &im->dir[0], im->dir[0].side == TL_CLIENT ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
									  : "SERVER_HANDSHAKE_TRAFFIC_SECRET", TL_KEYS_HANDSHAKE);
			key13(im, &im->dir[1], im->dir[1].side == TL_CLIENT ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
									  : "SERVER_HANDSHAKE_TRAFFIC_SECRET", TL_KEYS_HANDSHAKE);
		}
	} else if (type == WIRE_HS_FINISHED && im->tls13 && dr->key.keys != TL_KEYS_APPLICATION) {
		/* the direction's handshake Finished; a later one (post-handshake authentication) keeps the
		 * application keys and their sequence number */
		key13(im, dr, dr->side == TL_CLIENT ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0",
		      TL_KEYS_APPLICATION);
	} else if (type == WIRE_HS_KEY_UPDATE && im->tls13 && dr->key.keys == TL_KEYS_APPLICATION) {
		key_update13(im, dr);
	}
}

/* TLS 1.2: a HelloRequest, or a ClientHello after a completed handshake, opens a renegotiation: counts it
 * and heads it with the note a live run records. */
static void reneg_begins(struct imp *im, struct idir *dr, unsigned type)
{
	struct tl_event ev;
	char text[96];

	if (im->tls13 || im->fins < 2 || (type != WIRE_HS_HELLO_REQUEST && type != WIRE_HS_CLIENT_HELLO))
		return;
	im->handshake = (im->handshake > 1 ? im->handshake : 1) + 1;
	im->fins = 0;
	im->dir[0].ccs_reneg = im->dir[1].ccs_reneg = false;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_NOTE;
	ev.from = dr->side;
	ev.note.code = TL_NOTE_RENEGOTIATION;
	ev.note.count = im->handshake;
	ev.text = notes_render(&ev.note, NULL, text, sizeof text);
	ev.text_total = strlen(text);
	emit(im, &ev);
}

/* Takes the whole messages gathered in a direction's handshake bytes. */
static void messages(struct imp *im, struct idir *dr, bool encrypted, enum tl_keys keys)
{
	size_t at = 0;

	while (dr->hs_len - at >= 4) {
		const uint8_t *h = dr->hs + at;
		size_t len = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
		struct tl_event ev;
		if (dr->hs_len - at - 4 < len)
			break;
		memset(&ev, 0, sizeof ev);
		ev.kind = TL_EV_HANDSHAKE;
		ev.from = dr->side;
		ev.hs_type = shown_type(h[0], h + 4, len);
		ev.encrypted = encrypted;
		ev.keys = keys;
		ev.key_gen = keys == TL_KEYS_APPLICATION ? dr->rec_gen : 0;
		ev.body = h + 4;
		ev.body_len = ev.body_total = len;
		if (h[0] != WIRE_HS_SERVER_HELLO && h[0] != WIRE_HS_CLIENT_HELLO)
			ev.version = im->version;
		reneg_begins(im, dr, h[0]);
		emit(im, &ev);
		im->fins += h[0] == WIRE_HS_FINISHED;
		after_message(im, dr, h[0], h + 4, len);
		at += 4 + len;
	}
	memmove(dr->hs, dr->hs + at, dr->hs_len - at);
	dr->hs_len -= at;
}

/* Adds handshake bytes to a direction (bounded: a message beyond MAX_MESSAGE is dropped); false when none were added. */
static bool hs_add(struct idir *dr, const uint8_t *p, size_t n)
{
	if (n == 0)
		return false;      /* nothing new to take */
	if (dr->hs_len + n > MAX_MESSAGE + 4) {
		dr->hs_len = 0;
		return false;
	}
	if (dr->hs_len + n > dr->hs_cap) {
		size_t cap = dr->hs_cap ? dr->hs_cap : 4096;
		uint8_t *np;
		while (cap < dr->hs_len + n)
			cap *= 2;
		np = realloc(dr->hs, cap);
		if (!np)
			return false;
		dr->hs = np;
		dr->hs_cap = cap;
	}
	memcpy(dr->hs + dr->hs_len, p, n);
	dr->hs_len += n;
	return true;
}

/* What a record carries, in the clear (or opened): CCS, alert, handshake bytes. */
static void content(struct imp *im, struct idir *dr, unsigned type, const uint8_t *p, size_t n, bool encrypted,
		    enum tl_keys keys)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.from = dr->side;
	ev.encrypted = encrypted;
	ev.keys = keys;
	ev.key_gen = keys == TL_KEYS_APPLICATION ? dr->rec_gen : 0;
	if (type == WIRE_CT_CHANGE_CIPHER_SPEC) {
		ev.kind = TL_EV_CCS;      /* a renegotiation's travels under the keys in force */
		emit(im, &ev);
		if (!im->tls13 && (!dr->ccs || (im->handshake > 1 && !dr->ccs_reneg))) {
			dr->ccs_reneg = dr->ccs;
			dr->ccs = true;
			key12(im, dr);
		}
	} else if (type == WIRE_CT_ALERT && n >= 2) {
		ev.kind = TL_EV_ALERT;
		ev.alert_level = p[0];
		ev.alert_desc = p[1];
		emit(im, &ev);
	} else if (type == WIRE_CT_HANDSHAKE && hs_add(dr, p, n)) {
		messages(im, dr, encrypted, keys);
	}
}

/* Appends a note about a side (text only: no typed fact behind it). */
static void note(struct imp *im, enum tl_side side, const char *text)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_NOTE;
	ev.from = side;
	ev.text = text;
	ev.text_total = strlen(text);
	emit(im, &ev);
}

/* A protected record that could not be opened: says so once per direction, and
 * for each TLS 1.2 handshake record (its messages stay unread). */
static void unread(struct imp *im, struct idir *dr, unsigned type, size_t n)
{
	char text[300];
	const char *who = dr->side == TL_CLIENT ? "client" : "server";
	const char *why = !im->have_random ? "no ClientHello was seen"
			  : timeline_secret_count(im->tl) == 0 ? "the key log has no secret for this connection (--keylog FILE)"
			  : dr->key.set ? "the record did not open with the key derived from the key log"
			  : "the key log lacks this direction's secret, or the cipher suite is not one read here";

	if (!im->tls13 && type == WIRE_CT_HANDSHAKE) {
		snprintf(text, sizeof text, "the %s's encrypted handshake message (%zu bytes on the wire; TLS 1.2 sends its "
			 "Finished first after ChangeCipherSpec) is not decrypted: %s", who, n, why);
		note(im, dr->side, text);
	} else if (!dr->told) {
		snprintf(text, sizeof text, "the %s's encrypted records are not decrypted: %s", who, why);
		note(im, dr->side, text);
	}
	dr->told = true;
}

/* Emits the record event of a record from dr with header hdr and n payload bytes. */
static void record_event(struct imp *im, const struct idir *dr, const uint8_t *hdr, size_t n, bool encrypted,
			 enum tl_keys keys, unsigned key_gen)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_RECORD;
	ev.from = dr->side;
	ev.rec_type = hdr[0];
	ev.rec_version = (unsigned)hdr[1] << 8 | hdr[2];
	ev.rec_length = (unsigned)n;
	ev.encrypted = encrypted;
	ev.keys = keys;
	ev.key_gen = key_gen;
	emit(im, &ev);
}

/* A client record of application data before any ServerHello: TLS 1.3 early data (0-RTT),
 * under the client_early_traffic_secret. Shown as such, not decrypted (its suite is not known yet). */
static void early_record(struct imp *im, struct idir *dr, const uint8_t *hdr, size_t n)
{
	record_event(im, dr, hdr, n, true, TL_KEYS_EARLY, 0);
	dr->early_records++;
}

/* After early data, the client's first encrypted record after the ServerHello: EndOfEarlyData under
 * the early keys when the server accepted it (then true, the record taken), else the handshake keys. */
static bool end_of_early(struct imp *im, struct idir *dr, const uint8_t *hdr, const uint8_t *p, size_t n)
{
	uint8_t buf[MAX_RECORD];
	struct opened o = { 0, buf, 0 };
	bool ok;

	dr->early_over = true;
	key13(im, dr, "CLIENT_EARLY_TRAFFIC_SECRET", TL_KEYS_EARLY);
	dr->key.seq = dr->early_records;          /* the early data records used the first numbers */
	ok = dr->key.set && n <= sizeof buf && open13(&dr->key, hdr, p, n, &o);
	if (ok) {
		record_event(im, dr, hdr, n, true, TL_KEYS_EARLY, 0);
		content(im, dr, o.type, o.p, o.n, true, TL_KEYS_EARLY);
	}
	key13(im, dr, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", TL_KEYS_HANDSHAKE);
	memset(buf, 0, sizeof buf);
	return ok;
}

/* One whole record of a direction. */
static void record(struct imp *im, struct idir *dr, const uint8_t *hdr, const uint8_t *p, size_t n)
{
	bool encrypted = (im->tls13 && hdr[0] == WIRE_CT_APPLICATION_DATA) || (!im->tls13 && dr->ccs);
	enum tl_keys keys = encrypted ? (im->tls13 ? dr->key.keys : TL_KEYS_TLS12) : TL_KEYS_NONE;
	uint8_t buf[MAX_RECORD];
	struct opened o = { 0, buf, 0 };

	if (dr->side == TL_CLIENT && !im->version && im->have_random && hdr[0] == WIRE_CT_APPLICATION_DATA) {
		early_record(im, dr, hdr, n);
		return;
	}
	if (encrypted && im->tls13 && dr->early_records && !dr->early_over && end_of_early(im, dr, hdr, p, n))
		return;
	if (encrypted && keys == TL_KEYS_NONE)
		keys = TL_KEYS_HANDSHAKE;
	dr->rec_gen = dr->gen;
	record_event(im, dr, hdr, n, encrypted, keys, keys == TL_KEYS_APPLICATION ? dr->rec_gen : 0);
	if (!encrypted) {
		content(im, dr, hdr[0], p, n, false, TL_KEYS_NONE);
		return;
	}
	if (dr->key.set && n <= sizeof buf &&
	    (dr->key.tls13 ? open13(&dr->key, hdr, p, n, &o) : open12(&dr->key, hdr, p, n, &o)))
		content(im, dr, o.type, o.p, o.n, true, keys);
	else
		unread(im, dr, hdr[0], n);
	memset(buf, 0, sizeof buf);
}

/* Parses the records a direction now holds whole, up to end. */
static void feed(struct imp *im, struct idir *dr, size_t end)
{
	while (end - dr->parsed >= HEADER_LEN) {
		const uint8_t *h = dr->d->data + dr->parsed;
		size_t len = (size_t)h[3] << 8 | h[4];
		if (len > MAX_RECORD || h[0] < WIRE_CT_CHANGE_CIPHER_SPEC || h[0] > WIRE_CT_APPLICATION_DATA + 1) {
			dr->parsed = end = dr->d->len;   /* not TLS framing: the rest is not parsed */
			break;
		}
		if (end - dr->parsed - HEADER_LEN < len)
			break;
		record(im, dr, h, h + HEADER_LEN, len);
		dr->parsed += HEADER_LEN + len;
	}
}

/* True when a stream begins with a record holding a ClientHello. */
static bool starts_hello(const struct capture_dir *d)
{
	return d->len >= 6 && d->data[0] == WIRE_CT_HANDSHAKE && d->data[1] == 3 && d->data[5] == WIRE_HS_CLIENT_HELLO;
}

/* The TLS connections of a capture. */
size_t import_find(const struct capture *c, struct import_conn *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nconns && n < max; i++) {
		for (unsigned k = 0; k < 2; k++) {
			if (starts_hello(&c->conns[i].dir[k])) {
				out[n].index = i;
				out[n].client = k;
				n++;
				break;
			}
		}
	}
	return n;
}

/* The timeline of one TLS connection. */
struct timeline *import_timeline(const struct capture *c, const struct import_conn *ic, const char *keylog,
				 size_t keylog_len)
{
	const struct capture_conn *cc = &c->conns[ic->index];
	struct imp im;
	bool started = false;
	size_t kept[2] = { 0, 0 };

	memset(&im, 0, sizeof im);
	im.tl = timeline_create(false);
	if (!im.tl)
		return NULL;
	timeline_wire_keep(im.tl, TL_WIRE_LIMIT_DEFAULT);   /* each record's bytes, for its framing (records.h) */
	im.keylog = keylog;
	im.keylog_len = keylog_len;
	for (unsigned k = 0; k < 2; k++) {
		im.dir[k].d = &cc->dir[k];
		im.dir[k].side = k == ic->client ? TL_CLIENT : TL_SERVER;
	}
	for (size_t i = 0; i < c->nchunks; i++) {
		const struct capture_chunk *ch = &c->chunks[i];
		if (ch->conn != ic->index)
			continue;
		if (!started)
			im.t0 = ch->t_us;
		started = true;
		im.now = ch->t_us;
		if (ch->end > kept[ch->dir]) {
			timeline_wire_add(im.tl, 0, im.dir[ch->dir].side, true, cc->dir[ch->dir].data + kept[ch->dir],
					  ch->end - kept[ch->dir]);
			kept[ch->dir] = ch->end;
		}
		feed(&im, &im.dir[ch->dir], ch->end);
	}
	timeline_set_addrs(im.tl, 0, &cc->end[ic->client], &cc->end[1 - ic->client]);
	for (unsigned k = 0; k < 2; k++) {
		key_drop(&im.dir[k].key);
		free(im.dir[k].hs);
		memset(im.dir[k].secret, 0, sizeof im.dir[k].secret);
	}
	memset(im.client_random, 0, sizeof im.client_random);
	finished_settle(im.tl, 0);
	certverify_settle(im.tl, 0);
	records_settle(im.tl, 0);
	timeline_finish(im.tl);
	return im.tl;
}

/* An address and port in words: "127.0.0.1:4433", "[::1]:4433". */
static void addr_text(const struct tl_netaddr *a, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->ip == TL_IP_V4 ? AF_INET : AF_INET6, a->addr, ip, sizeof ip))
		snprintf(ip, sizeof ip, "?");
	snprintf(buf, n, a->ip == TL_IP_V4 ? "%s:%u" : "[%s]:%u", ip, a->port);
}

/* One --list line about a TLS connection. */
void import_list_line(FILE *f, unsigned n, const struct capture *c, const struct import_conn *ic,
		      const struct timeline *tl)
{
	const struct capture_conn *cc = &c->conns[ic->index];
	char a[64], b[64];
	unsigned version = 0, count = 0;
	size_t total = tl ? timeline_count(tl) : 0;

	for (size_t i = 0; i < total; i++) {
		struct tl_event ev;
		if (!timeline_get(tl, i, &ev))
			continue;
		if (ev.kind == TL_EV_HANDSHAKE || ev.kind == TL_EV_CCS || ev.kind == TL_EV_ALERT)
			count++;
		if (ev.version > version)
			version = ev.version;
	}
	addr_text(&cc->end[ic->client], a, sizeof a);
	addr_text(&cc->end[1 - ic->client], b, sizeof b);
	fprintf(f, "%u  %s -> %s  %s  %u message%s\n", n, a, b,
		version == WIRE_TLS13 ? "TLS 1.3" : version == WIRE_TLS12 ? "TLS 1.2" : version ? "TLS (older)" : "version not known",
		count, count == 1 ? "" : "s");
}
