/*
 * keysched.c: the TLS 1.3 key schedule values computed here (see
 * keysched.h): the early secret, the resumption master secret found in
 * the client's packed session, each ticket's PSK, and the PSK binder of a
 * resumed connection checked against its ClientHello. The key schedule
 * tree (finished.c) renders these through keysched_render13 and
 * keysched_render_tickets.
 */
#include "tls_internal.h"
#include "tlsladder/decode.h"
#include "tlsladder/keysched.h"
#include "tlsladder/names.h"
#include "tlsladder/peek.h"
#include "tlsladder/wire.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_INDEX ((size_t)-1)

/* The MAC of a hash name ("SHA-256", "SHA-384"); GNUTLS_MAC_UNKNOWN when unknown. */
static gnutls_mac_algorithm_t mac_of(const char *hash)
{
	if (hash && strcmp(hash, "SHA-256") == 0)
		return GNUTLS_MAC_SHA256;
	if (hash && strcmp(hash, "SHA-384") == 0)
		return GNUTLS_MAC_SHA384;
	return GNUTLS_MAC_UNKNOWN;
}

/* The hash of a TLS 1.3 cipher suite (RFC 8446 B.4), or NULL. */
static const char *suite13_hash(unsigned suite)
{
	switch (suite) {
	case 0x1301: case 0x1303: case 0x1304: case 0x1305: return "SHA-256";
	case 0x1302: return "SHA-384";
	default: return NULL;
	}
}

/* HKDF-Extract(salt, ikm) (RFC 5869), HashLen bytes into out. */
bool keysched_extract(const char *hash, const uint8_t *salt, size_t slen, const uint8_t *ikm, size_t ilen, uint8_t *out)
{
	gnutls_mac_algorithm_t mac = mac_of(hash);
	gnutls_datum_t key = { tls_datum_bytes(ikm), (unsigned)ilen };
	gnutls_datum_t s = { tls_datum_bytes(salt), (unsigned)slen };

	return mac != GNUTLS_MAC_UNKNOWN && gnutls_hkdf_extract(mac, &key, &s, out) >= 0;
}

/* HKDF-Expand-Label (RFC 8446 7.1). */
bool keysched_expand_label(const char *hash, const uint8_t *secret, size_t slen, const char *label, const uint8_t *ctx,
			   size_t clen, uint8_t *out, size_t len)
{
	gnutls_mac_algorithm_t mac = mac_of(hash);

	return mac != GNUTLS_MAC_UNKNOWN && finished_hkdf_expand_label(mac, secret, slen, label, ctx, clen, out, len);
}

/* Derive-Secret(secret, label, messages) (RFC 8446 7.1). */
bool keysched_derive_secret(const char *hash, const uint8_t *secret, size_t slen, const char *label,
			    const uint8_t *msgs, size_t mlen, uint8_t *out)
{
	gnutls_mac_algorithm_t mac = mac_of(hash);
	uint8_t h[KEYSCHED_MAX_HASH];
	size_t hlen = mac == GNUTLS_MAC_UNKNOWN ? 0 : gnutls_hmac_get_len(mac);

	if (hlen == 0 || gnutls_hash_fast((gnutls_digest_algorithm_t)mac, msgs, mlen, h) < 0)
		return false;
	return finished_hkdf_expand_label(mac, secret, slen, label, h, hlen, out, hlen);
}

/* HMAC(HKDF-Expand-Label(binder key, "finished", "", HashLen), Hash(partial)) into out; the finished key into fk. */
static bool binder_from_key(const char *hash, const uint8_t *binder_key, size_t hlen, const uint8_t *partial, size_t n,
			    uint8_t *fk, uint8_t *partial_hash, uint8_t *out)
{
	gnutls_mac_algorithm_t mac = mac_of(hash);

	return mac != GNUTLS_MAC_UNKNOWN &&
	       finished_hkdf_expand_label(mac, binder_key, hlen, "finished", NULL, 0, fk, hlen) &&
	       gnutls_hash_fast((gnutls_digest_algorithm_t)mac, partial, n, partial_hash) >= 0 &&
	       gnutls_hmac_fast(mac, fk, hlen, partial_hash, hlen, out) >= 0;
}

/* The binder of a resumption PSK over a partial ClientHello (RFC 8446 4.2.11.2). */
bool keysched_binder_of(const char *hash, const uint8_t *psk, size_t plen, const uint8_t *partial, size_t n,
			uint8_t *out)
{
	uint8_t zeros[KEYSCHED_MAX_HASH] = { 0 }, early[KEYSCHED_MAX_HASH], bk[KEYSCHED_MAX_HASH];
	uint8_t fk[KEYSCHED_MAX_HASH], ph[KEYSCHED_MAX_HASH];
	gnutls_mac_algorithm_t mac = mac_of(hash);
	size_t hlen = mac == GNUTLS_MAC_UNKNOWN ? 0 : gnutls_hmac_get_len(mac);
	bool ok = hlen > 0 && keysched_extract(hash, zeros, hlen, psk, plen, early) &&
		  keysched_derive_secret(hash, early, hlen, "res binder", NULL, 0, bk) &&
		  binder_from_key(hash, bk, hlen, partial, n, fk, ph, out);

	memset(early, 0, sizeof early);
	memset(bk, 0, sizeof bk);
	memset(fk, 0, sizeof fk);
	return ok;
}

/* ---- the resumption master secret, from the client's packed session ---- */

/* The 4-byte big-endian value at p. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The bytes of a decoded field: the "hex" child of a vector node, or the node itself; false when absent. */
static bool field_bytes(const struct tree_node *t, const char *path, const uint8_t *body, size_t n,
			const uint8_t **p, size_t *len)
{
	const struct tree_node *node = tree_find(t, path);
	const struct tree_node *hex = node ? tree_find(node, "hex") : NULL;

	if (hex)
		node = hex;
	if (!node || node->off > n || node->len > n - node->off)
		return false;
	*p = body + node->off;
	*len = node->len;
	return true;
}

/* A TLS 1.3 NewSessionTicket's nonce and ticket, read through the decoder; false when malformed. */
struct nst_fields {
	const uint8_t *nonce, *ticket;
	size_t nonce_len, ticket_len;
	size_t nonce_off;                 /* where the nonce's length byte is: lifetime and age_add come before it */
};

/* Reads the NewSessionTicket body p[0..n) into f. */
static bool nst_read(const uint8_t *p, size_t n, struct nst_fields *f)
{
	struct decode_ctx ctx = { WIRE_TLS13, TL_SERVER, DECODE_KX_UNKNOWN };
	struct tree_node *t = decode_handshake(WIRE_HS_NEW_SESSION_TICKET, p, n, &ctx);
	const struct tree_node *nn = tree_find(t, "ticket_nonce");
	bool ok = nn && field_bytes(t, "ticket", p, n, &f->ticket, &f->ticket_len) && f->ticket_len > 0 &&
		  !tree_any(t, TREE_ERROR);

	f->nonce_len = 0;
	f->nonce = NULL;
	if (ok) {
		f->nonce_off = nn->off;
		if (nn->len > 1)
			ok = field_bytes(t, "ticket_nonce", p, n, &f->nonce, &f->nonce_len);
	}
	tree_free(t);
	return ok;
}

/*
 * Finds, in GnuTLS 3.7.9's packed session, the resumption master secret
 * that follows this NewSessionTicket's own fields (lib/session_pack.c,
 * tls13_pack_security_parameters): lifetime(4) age_add(4) nonce(len 1)
 * ticket(len 4) rms(len 1), the rms HashLen long. Its length into *len.
 */
static const uint8_t *rms_in_packed(const uint8_t *nst, size_t nst_len, const uint8_t *packed, size_t plen,
				    size_t hlen, size_t *len)
{
	struct nst_fields f;
	size_t head, need;

	if (!nst_read(nst, nst_len, &f) || f.nonce_off != 8)
		return NULL;
	head = 9 + f.nonce_len;                       /* lifetime, age_add and nonce, as in the message */
	need = head + 4 + f.ticket_len + 1 + hlen;
	for (size_t at = 0; plen >= need && at <= plen - need; at++) {
		const uint8_t *q = packed + at;
		if (memcmp(q, nst, head) != 0 || be32(q + head) != f.ticket_len ||
		    memcmp(q + head + 4, f.ticket, f.ticket_len) != 0 || q[head + 4 + f.ticket_len] != hlen)
			continue;
		*len = hlen;
		return q + head + 4 + f.ticket_len + 1;
	}
	return NULL;
}

/* The first ServerHello (not an HRR) of connection conn: its parsed form and index; false when none. */
static bool server_hello_of(const struct timeline *tl, unsigned conn, struct peek_server_hello *sh, size_t *index)
{
	size_t first, end;

	if (!timeline_conn_range(tl, conn, &first, &end))
		return false;
	for (size_t j = first; j < end; j++) {
		struct tl_event ev;
		if (timeline_get(tl, j, &ev) && ev.conn == conn && ev.kind == TL_EV_HANDSHAKE &&
		    ev.hs_type == WIRE_HS_SERVER_HELLO && peek_server_hello(ev.body, ev.body_len, sh) && !sh->is_hrr) {
			if (index)
				*index = j;
			return true;
		}
	}
	return false;
}

/*
 * Client, saving its session: finds the resumption master secret of
 * connection conn in the packed session, by the connection's
 * NewSessionTickets, and stores it as a secret (KEYSCHED_RMS_LABEL).
 */
void keysched_note_rms(struct timeline *tl, unsigned conn, gnutls_session_t s, const gnutls_datum_t *packed)
{
	struct peek_server_hello sh;
	const char *hash;
	size_t first, end, hlen, len = 0;
	const uint8_t *rms = NULL;
	gnutls_datum_t cr, sr;
	struct tl_secret sec;

	if (!packed || !packed->data || !server_hello_of(tl, conn, &sh, NULL) || sh.version != WIRE_TLS13 ||
	    (hash = suite13_hash(sh.cipher_suite)) == NULL || !timeline_conn_range(tl, conn, &first, &end))
		return;
	hlen = gnutls_hmac_get_len(mac_of(hash));
	for (size_t j = end; j-- > first && !rms;) {
		struct tl_event ev;
		if (timeline_get(tl, j, &ev) && ev.conn == conn && ev.kind == TL_EV_HANDSHAKE &&
		    ev.hs_type == WIRE_HS_NEW_SESSION_TICKET && !timeline_body_cut(&ev))
			rms = rms_in_packed(ev.body, ev.body_len, packed->data, packed->size, hlen, &len);
	}
	if (!rms)
		return;
	memset(&sec, 0, sizeof sec);
	sec.side = TL_CLIENT;
	sec.conn = conn;
	snprintf(sec.label, sizeof sec.label, "%s", KEYSCHED_RMS_LABEL);
	gnutls_session_get_random(s, &cr, &sr);
	if (cr.size == sizeof sec.client_random)
		memcpy(sec.client_random, cr.data, cr.size);
	sec.len = len;
	memcpy(sec.secret, rms, len);
	timeline_add_secret(tl, &sec);
	memset(&sec, 0, sizeof sec);
}

/* ---- the PSK binder of a resumed connection ---- */

/* The resumption master secret of connection conn; *withheld when the run holds it without its value. */
static bool rms_find(const struct timeline *tl, unsigned conn, struct tl_secret *out, bool *withheld)
{
	size_t n = timeline_secret_count(tl);

	*withheld = false;
	for (size_t i = 0; i < n; i++) {
		if (!timeline_get_secret(tl, i, out) || out->conn != conn || strcmp(out->label, KEYSCHED_RMS_LABEL) != 0)
			continue;
		if (!out->withheld)
			return true;
		*withheld = true;
	}
	memset(out, 0, sizeof *out);
	return false;
}

/* The NewSessionTicket before index upto whose ticket is identity p[0..n): its index, or NO_INDEX. */
static size_t ticket_find(const struct timeline *tl, size_t upto, const uint8_t *p, size_t n, struct nst_fields *f)
{
	for (size_t j = upto; j-- > 0;) {
		struct tl_event ev;
		if (timeline_get(tl, j, &ev) && ev.kind == TL_EV_HANDSHAKE && ev.hs_type == WIRE_HS_NEW_SESSION_TICKET &&
		    !timeline_body_cut(&ev) && nst_read(ev.body, ev.body_len, f) && f->ticket_len == n &&
		    memcmp(f->ticket, p, n) == 0)
			return j;
	}
	return NO_INDEX;
}

/* The first ClientHello of connection conn, and whether a HelloRetryRequest follows it. */
static bool client_hello_of(const struct timeline *tl, unsigned conn, struct tl_event *ch, size_t *index, bool *hrr)
{
	size_t first, end;
	bool found = false;

	*hrr = false;
	if (!timeline_conn_range(tl, conn, &first, &end))
		return false;
	for (size_t j = first; j < end; j++) {
		struct tl_event ev;
		if (!timeline_get(tl, j, &ev) || ev.conn != conn || ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (!found && ev.hs_type == WIRE_HS_CLIENT_HELLO) {
			*ch = ev;
			*index = j;
			found = true;
		} else if (found && (ev.hs_type == TL_HS_HELLO_RETRY_REQUEST ||
				     (ev.hs_type == WIRE_HS_SERVER_HELLO && ev.body_len >= 34 &&
				      peek_is_hrr_random(ev.body + 2)))) {
			*hrr = true;
		} else if (found && ev.hs_type == WIRE_HS_SERVER_HELLO) {
			break;
		}
	}
	return found;
}

/* The offered identity 1 and binder 1 of a ClientHello, and where its binders begin; false when unreadable. */
struct psk_offer {
	const uint8_t *identity, *binder;
	size_t identity_len, binder_len, binders_off;
	unsigned identities;
	bool early_data;                  /* the ClientHello offers early data (0-RTT) */
};

/* Reads the pre_shared_key extension of ClientHello body p[0..n) through the decoder. */
static enum keysched_reason offer_read(const uint8_t *p, size_t n, struct psk_offer *o)
{
	struct tree_node *t = decode_handshake(WIRE_HS_CLIENT_HELLO, p, n, NULL);
	const struct tree_node *ext = tree_find(t, "extensions/pre_shared_key");
	const struct tree_node *ids = ext ? tree_find(ext, "identities") : NULL;
	const struct tree_node *bs = ext ? tree_find(ext, "binders") : NULL;
	enum keysched_reason why = KEYSCHED_REASON_NONE;

	memset(o, 0, sizeof *o);
	if (!ext)
		why = KEYSCHED_NOT_OFFERED;
	else if (!ids || !bs || bs->off > n ||
		 !field_bytes(ext, "identities/identity 1/identity", p, n, &o->identity, &o->identity_len) ||
		 !field_bytes(ext, "binders/binder 1", p, n, &o->binder, &o->binder_len) ||
		 o->binder_len > KEYSCHED_MAX_HASH)
		why = KEYSCHED_MALFORMED;
	else {
		o->binders_off = bs->off;
		o->identities = ids->nchildren;
		o->early_data = tree_find(t, "extensions/early_data") != NULL;
	}
	tree_free(t);
	return why;
}

/* With 0-RTT: Derive-Secret(early secret, "c e traffic", ClientHello) against the key log's. */
static void early_traffic_check(const struct timeline *tl, const struct tl_event *ch, struct keysched_binder *b)
{
	size_t n = timeline_secret_count(tl), len = 4 + ch->body_len;
	uint8_t *msg;

	for (size_t i = 0; i < n; i++) {
		struct tl_secret s;
		if (!timeline_get_secret(tl, i, &s) || s.withheld || s.conn != b->conn || ch->body_len < 34 ||
		    strcmp(s.label, "CLIENT_EARLY_TRAFFIC_SECRET") != 0 || memcmp(s.client_random, ch->body + 2, 32) != 0)
			continue;
		msg = malloc(len);
		if (msg) {
			msg[0] = WIRE_HS_CLIENT_HELLO;
			msg[1] = (uint8_t)(ch->body_len >> 16);
			msg[2] = (uint8_t)(ch->body_len >> 8);
			msg[3] = (uint8_t)ch->body_len;
			memcpy(msg + 4, ch->body, ch->body_len);
			if (keysched_derive_secret(b->hash_name, b->early, b->hash_len, "c e traffic", msg, len,
						   b->early_traffic_secret))
				b->early_traffic = s.len == b->hash_len &&
							   memcmp(s.secret, b->early_traffic_secret, s.len) == 0
						   ? KEYSCHED_MATCH : KEYSCHED_MISMATCH;
			free(msg);
		}
		memset(&s, 0, sizeof s);
		return;
	}
}

/* From the PSK on: early secret, binder key, binder over the partial ClientHello; sets the verdict. */
static enum keysched_reason binder_derive(const struct tl_event *ch, const struct psk_offer *o, struct keysched_binder *b)
{
	uint8_t zeros[KEYSCHED_MAX_HASH] = { 0 };
	size_t plen = 4 + o->binders_off;
	uint8_t *partial = malloc(plen);
	bool ok;

	if (!partial)
		return KEYSCHED_DERIVATION_REFUSED;
	partial[0] = WIRE_HS_CLIENT_HELLO;           /* the lengths stay those of the whole ClientHello */
	partial[1] = (uint8_t)(ch->body_len >> 16);
	partial[2] = (uint8_t)(ch->body_len >> 8);
	partial[3] = (uint8_t)ch->body_len;
	memcpy(partial + 4, ch->body, o->binders_off);
	b->partial_len = plen;
	ok = keysched_extract(b->hash_name, zeros, b->hash_len, b->psk, b->hash_len, b->early) &&
	     keysched_derive_secret(b->hash_name, b->early, b->hash_len, "res binder", NULL, 0, b->binder_key) &&
	     binder_from_key(b->hash_name, b->binder_key, b->hash_len, partial, plen, b->finished_key, b->partial_hash,
			     b->computed);
	free(partial);
	if (!ok)
		return KEYSCHED_DERIVATION_REFUSED;
	memcpy(b->received, o->binder, o->binder_len);
	b->received_len = o->binder_len;
	b->verdict = o->binder_len == b->hash_len && memcmp(o->binder, b->computed, b->hash_len) == 0 ? KEYSCHED_MATCH
												       : KEYSCHED_MISMATCH;
	return KEYSCHED_REASON_NONE;
}

/* The ticket identity 1 came from, its connection's hash and resumption master secret, and the PSK. */
static enum keysched_reason binder_psk(const struct timeline *tl, const struct psk_offer *o, struct keysched_binder *b)
{
	struct nst_fields f;
	struct peek_server_hello sh;
	struct tl_event nst;
	struct tl_secret rms;
	bool withheld, ok;

	b->nst_index = ticket_find(tl, b->ch_index, o->identity, o->identity_len, &f);
	if (b->nst_index == NO_INDEX || !timeline_get(tl, b->nst_index, &nst))
		return KEYSCHED_NO_TICKET;
	b->ticket_conn = nst.conn;
	if (!server_hello_of(tl, nst.conn, &sh, NULL) || sh.version != WIRE_TLS13 ||
	    (b->hash_name = suite13_hash(sh.cipher_suite)) == NULL)
		return KEYSCHED_UNKNOWN_HASH;
	b->hash_len = gnutls_hmac_get_len(mac_of(b->hash_name));
	if (!rms_find(tl, nst.conn, &rms, &withheld))
		return withheld ? KEYSCHED_RMS_WITHHELD : KEYSCHED_NO_RMS;
	ok = rms.len == b->hash_len &&
	     keysched_expand_label(b->hash_name, rms.secret, rms.len, "resumption", f.nonce, f.nonce_len, b->psk,
				   b->hash_len);
	memset(&rms, 0, sizeof rms);
	return ok ? KEYSCHED_REASON_NONE : KEYSCHED_DERIVATION_REFUSED;
}

/* Checks the PSK binder of connection conn's ClientHello into b (the one function every result comes from). */
static void binder_compute(const struct timeline *tl, unsigned conn, struct keysched_binder *b)
{
	struct tl_event ch;
	struct psk_offer o;
	bool hrr;

	memset(b, 0, sizeof *b);
	b->conn = conn;
	b->ch_index = b->nst_index = NO_INDEX;
	b->verdict = KEYSCHED_CANNOT_CHECK;
	if (!client_hello_of(tl, conn, &ch, &b->ch_index, &hrr)) {
		b->reason = KEYSCHED_NOT_OFFERED;
		return;
	}
	b->reason = timeline_body_cut(&ch) ? KEYSCHED_MALFORMED : offer_read(ch.body, ch.body_len, &o);
	if (b->reason != KEYSCHED_REASON_NONE)
		return;
	b->identities = o.identities;
	if (hrr) {
		b->reason = KEYSCHED_AFTER_HRR;
		return;
	}
	b->reason = binder_psk(tl, &o, b);
	if (b->reason == KEYSCHED_REASON_NONE)
		b->reason = binder_derive(&ch, &o, b);
	if (b->reason == KEYSCHED_REASON_NONE && o.early_data)
		early_traffic_check(tl, &ch, b);
}

/* Computes and stores the binder check of a connection. */
void keysched_settle(struct timeline *tl, unsigned conn)
{
	struct keysched_binder b;

	binder_compute(tl, conn, &b);
	timeline_set_keysched(tl, conn, &b);
	memset(&b, 0, sizeof b);
}

/* The stored binder check, else one computed now. */
enum keysched_verdict keysched_binder_get(const struct timeline *tl, unsigned conn, struct keysched_binder *out)
{
	if (!timeline_get_keysched(tl, conn, out))
		binder_compute(tl, conn, out);
	return out->verdict;
}

/* Why a binder could not be checked. */
char *keysched_reason_text(enum keysched_reason reason, char *buf, size_t n)
{
	const char *t = "";

	switch (reason) {
	case KEYSCHED_REASON_NONE: break;
	case KEYSCHED_NOT_OFFERED: t = "the ClientHello offers no pre-shared key"; break;
	case KEYSCHED_AFTER_HRR:
		t = "a HelloRetryRequest came first, and the binder check here covers only a single ClientHello";
		break;
	case KEYSCHED_MALFORMED: t = "the ClientHello's pre_shared_key cannot be read whole"; break;
	case KEYSCHED_NO_TICKET: t = "no earlier NewSessionTicket of this run issued the offered identity"; break;
	case KEYSCHED_NO_RMS:
		t = "the resumption master secret of the ticket's connection is not here (the client's saved session "
		    "did not yield it)";
		break;
	case KEYSCHED_RMS_WITHHELD:
		t = "the resumption master secret was captured, but not in this saved run (it was saved without "
		    "--json-secrets)";
		break;
	case KEYSCHED_UNKNOWN_HASH: t = "the ticket's connection has no TLS 1.3 cipher suite known here"; break;
	case KEYSCHED_DERIVATION_REFUSED: t = "the library refused the key derivation"; break;
	}
	snprintf(buf, n, "%s", t);
	return buf;
}

/* ---- rendering into the key schedule tree ---- */

/* Adds a node whose value is the plain hex of p[0..n), with flags (TREE_SECRET for a secret). */
static struct tree_node *hexnode(struct tree_node *parent, const char *label, const uint8_t *p, size_t n, unsigned flags)
{
	return finished_hexline(parent, label, p, n < KEYSCHED_MAX_HASH ? n : KEYSCHED_MAX_HASH, flags);
}

/* The step of timeline event i as a link child ("NewSessionTicket", step link). */
static void link_event(struct tree_node *node, const char *label, const struct timeline *tl, size_t i)
{
	struct tl_event ev;

	if (i == NO_INDEX || !timeline_get(tl, i, &ev))
		return;
	tree_link_event(tree_addf(node, label, "%s from the %s, connection %u", timeline_event_name(&ev),
				  ev.from == TL_CLIENT ? "client" : "server", ev.conn + 1), i);
}

/* The binder check of a resumed connection under its early secret node. */
static void render_binder(struct tree_node *early, const struct timeline *tl, const struct keysched_binder *b)
{
	char why[200], v[300];
	struct tree_node *bk, *verdict;

	hexnode(early, "PSK", b->psk, b->hash_len, TREE_SECRET);
	link_event(early, "PSK from ticket", tl, b->nst_index);
	bk = hexnode(early, "binder key", b->binder_key, b->hash_len, TREE_SECRET);
	tree_add(bk, "formula", "Derive-Secret(early secret, \"res binder\", \"\")");
	hexnode(bk, "binder finished key", b->finished_key, b->hash_len, TREE_SECRET);
	tree_add(tree_find_mut(bk, "binder finished key"), "formula",
		 "HKDF-Expand-Label(binder key, \"finished\", \"\", HashLen)");
	hexnode(bk, "partial ClientHello hash", b->partial_hash, b->hash_len, 0);
	tree_addf(tree_find_mut(bk, "partial ClientHello hash"), "covers",
		  "the ClientHello up to its binders, %zu bytes with its header (the lengths stay those of the whole "
		  "message)", b->partial_len);
	link_event(tree_find_mut(bk, "partial ClientHello hash"), "message", tl, b->ch_index);
	hexnode(bk, "binder (computed)", b->computed, b->hash_len, 0);
	tree_add(tree_find_mut(bk, "binder (computed)"), "formula", "HMAC(binder finished key, partial ClientHello hash)");
	hexnode(bk, "binder (in the ClientHello)", b->received, b->received_len, 0);
	if (b->verdict == KEYSCHED_MATCH)
		snprintf(v, sizeof v, "MATCH: the PSK, the early secret and the binder key above are right");
	else if (b->verdict == KEYSCHED_MISMATCH)
		snprintf(v, sizeof v, "MISMATCH");
	else
		snprintf(v, sizeof v, "cannot check: %s", keysched_reason_text(b->reason, why, sizeof why));
	verdict = tree_add(bk, "binder check", v);
	tree_flag(verdict, b->verdict == KEYSCHED_MATCH ? TREE_GOOD : b->verdict == KEYSCHED_MISMATCH ? TREE_BAD : 0);
	if (b->early_traffic != KEYSCHED_CANNOT_CHECK) {
		struct tree_node *e = hexnode(early, "client early traffic secret (computed)", b->early_traffic_secret,
					      b->hash_len, TREE_SECRET);
		tree_add(e, "formula", "Derive-Secret(early secret, \"c e traffic\", ClientHello)");
		tree_flag(tree_add(e, "against the key log's CLIENT_EARLY_TRAFFIC_SECRET",
				   b->early_traffic == KEYSCHED_MATCH ? "MATCH" : "MISMATCH"),
			  b->early_traffic == KEYSCHED_MATCH ? TREE_GOOD : TREE_BAD);
	}
}

/* The early secret of handshake in into early (the binder check's on resumption); false when unknown. */
static bool early_of(const struct timeline *tl, const struct keysched_in *in, struct keysched_binder *b, uint8_t *early)
{
	uint8_t zeros[KEYSCHED_MAX_HASH] = { 0 };

	memset(b, 0, sizeof *b);
	if (!in->psk)
		return keysched_extract(in->hash_name, zeros, in->hlen, zeros, in->hlen, early);
	keysched_binder_get(tl, in->conn, b);
	if (b->verdict != KEYSCHED_MATCH || b->hash_len != in->hlen)
		return false;
	memcpy(early, b->early, in->hlen);
	return true;
}

/* The early secret, the secret derived from it, and what stands for the handshake and master secrets. */
void keysched_render13(struct tree_node *root, const struct timeline *tl, const struct keysched_in *in)
{
	uint8_t early[KEYSCHED_MAX_HASH], derived[KEYSCHED_MAX_HASH];
	struct keysched_binder b;
	struct tree_node *e, *d, *h, *m;
	bool have = early_of(tl, in, &b, early);
	unsigned flag = in->psk ? TREE_SECRET : 0;

	if (have)
		e = hexnode(root, "early secret", early, in->hlen, flag);
	else if (b.verdict == KEYSCHED_MISMATCH)
		e = tree_add(root, "early secret", "not shown: the PSK derived here does not give the ClientHello's "
						   "binder, so it is not the one this handshake used");
	else
		e = tree_add(root, "early secret", "not shown: the PSK this handshake used is not known here (see the "
						   "binder check below)");
	tree_add(e, "formula", in->psk ? "HKDF-Extract(0, PSK): the PSK from the session ticket (resumed)"
				       : "HKDF-Extract(0, 0): no PSK (full handshake), so the same value in every full "
					 "handshake with this hash");
	if (in->psk)
		render_binder(e, tl, &b);
	if (have && keysched_derive_secret(in->hash_name, early, in->hlen, "derived", NULL, 0, derived))
		d = hexnode(root, "derived", derived, in->hlen, flag);
	else
		d = tree_add(root, "derived", "not shown: the early secret is not known here");
	tree_add(d, "formula", "Derive-Secret(early secret, \"derived\", \"\")");
	tree_link_node(d, e);
	if (in->group_name) {
		h = tree_addf(root, "handshake secret", "not available: GnuTLS does not export the %s shared secret it "
				"is extracted from", in->group_name);
		tree_addf(h, "formula", "HKDF-Extract(derived, %s shared secret)", in->group_name);
	} else {
		h = tree_add(root, "handshake secret", "not computed here (PSK only: no (EC)DHE share)");
		tree_add(h, "formula", "HKDF-Extract(derived, 0)");
	}
	tree_link_node(h, d);
	m = tree_add(root, "master secret", "not available: it comes from the handshake secret, and GnuTLS's "
					   "gnutls_session_get_master_secret gives 48 zero bytes under TLS 1.3");
	tree_add(m, "formula", "HKDF-Extract(Derive-Secret(handshake secret, \"derived\", \"\"), 0)");
	tree_link_node(m, h);
	memset(early, 0, sizeof early);
	memset(derived, 0, sizeof derived);
	memset(&b, 0, sizeof b);
}

/* A later connection of this run whose binder, derived from connection conn's tickets, matched; 0 when none. */
static unsigned checked_by(const struct timeline *tl, unsigned conn)
{
	unsigned n = timeline_conn_count(tl);

	for (unsigned k = conn + 1; k < n; k++) {
		struct keysched_binder b;
		bool ok = keysched_binder_get(tl, k, &b) == KEYSCHED_MATCH && b.ticket_conn == conn;
		memset(&b, 0, sizeof b);
		if (ok)
			return k + 1;
	}
	return 0;
}

/* One ticket's PSK node: its value when the resumption master secret is known good, its nonce, its message. */
static void render_ticket(struct tree_node *root, const struct timeline *tl, const struct keysched_in *in, size_t j,
			  unsigned nth, const struct tl_secret *rms, bool good)
{
	struct tl_event ev;
	struct nst_fields f;
	uint8_t psk[KEYSCHED_MAX_HASH];
	char lbl[48];
	struct tree_node *t;

	if (!timeline_get(tl, j, &ev) || timeline_body_cut(&ev) || !nst_read(ev.body, ev.body_len, &f))
		return;
	snprintf(lbl, sizeof lbl, "ticket %u PSK", nth);
	if (good && keysched_expand_label(in->hash_name, rms->secret, rms->len, "resumption", f.nonce, f.nonce_len, psk,
					  in->hlen))
		t = hexnode(root, lbl, psk, in->hlen, TREE_SECRET);
	else
		t = tree_add(root, lbl, "not shown: the resumption master secret it comes from is not known good here");
	tree_addf(t, "formula", "HKDF-Expand-Label(resumption master secret, \"resumption\", ticket_nonce, %zu)", in->hlen);
	tree_link_node(t, tree_find(root, "resumption master secret"));
	if (f.nonce_len)
		hexnode(t, "ticket_nonce", f.nonce, f.nonce_len, 0);
	else
		tree_add(t, "ticket_nonce", "empty");
	link_event(t, "from", tl, j);
	memset(psk, 0, sizeof psk);
}

/* True when connection conn, whose events lie in [first, end), holds a NewSessionTicket. */
static bool any_ticket(const struct timeline *tl, unsigned conn, size_t first, size_t end)
{
	for (size_t j = first; j < end; j++) {
		struct tl_event ev;
		if (timeline_get(tl, j, &ev) && ev.conn == conn && ev.kind == TL_EV_HANDSHAKE &&
		    ev.hs_type == WIRE_HS_NEW_SESSION_TICKET)
			return true;
	}
	return false;
}

/* The resumption master secret of connection in->conn and the PSK of each ticket it received. */
void keysched_render_tickets(struct tree_node *root, const struct timeline *tl, const struct keysched_in *in)
{
	size_t first, end;
	struct tl_secret rms;
	bool withheld, have = rms_find(tl, in->conn, &rms, &withheld) && rms.len == in->hlen;
	unsigned by = have ? checked_by(tl, in->conn) : 0, nth = 0;
	struct tree_node *r;

	if (!timeline_conn_range(tl, in->conn, &first, &end))
		return;
	if (!any_ticket(tl, in->conn, first, end)) {
		memset(&rms, 0, sizeof rms);
		tree_add(root, "resumption master secret", "not used: no NewSessionTicket came in this connection");
		return;
	}
	if (by)
		r = hexnode(root, "resumption master secret", rms.secret, rms.len, TREE_SECRET);
	else if (have)
		r = tree_add(root, "resumption master secret", "not shown: found in the client's saved session, but no "
							       "later connection of this run resumed with it, so "
							       "nothing here checks it");
	else if (withheld)
		r = tree_add(root, "resumption master secret", "captured, but not in this saved run (it was saved without "
							       "--json-secrets)");
	else
		r = tree_add(root, "resumption master secret", "not available: GnuTLS keeps it only inside the client's "
							       "saved session, and none was saved here");
	tree_add(r, "formula", "Derive-Secret(master secret, \"res master\", ClientHello...client Finished)");
	if (by)
		tree_addf(r, "checked", "connection %u's PSK binder, derived from it, matches", by);
	for (size_t j = first; j < end; j++) {
		struct tl_event ev;
		if (timeline_get(tl, j, &ev) && ev.conn == in->conn && ev.kind == TL_EV_HANDSHAKE &&
		    ev.hs_type == WIRE_HS_NEW_SESSION_TICKET)
			render_ticket(root, tl, in, j, ++nth, &rms, by != 0);
	}
	memset(&rms, 0, sizeof rms);
}
