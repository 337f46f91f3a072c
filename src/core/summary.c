/*
 * summary.c: what one connection negotiated, from its raw messages.
 *
 * Every body is read through the decoder's tree (decode.h), the one parser
 * of those bodies: fixed fields through peek.h's readers of that tree,
 * extensions, tickets and PSK identities by their nodes.
 */
#include "tlsladder/summary.h"
#include "tlsladder/decode.h"
#include "tlsladder/names.h"
#include "tlsladder/notes.h"
#include "tlsladder/peek.h"
#include "tlsladder/tree.h"
#include "tlsladder/wire.h"

#include <string.h>

/* What the scan of one connection's messages saw. */
struct scan {
	bool saw_ske, saw_shd, saw_cke, saw_server_fin;
	/* messages decoded: the first ones only, whatever follows (a connection holds one handshake; a
	 * built or hostile timeline may hold thousands, and reading each would make a summary cost grow) */
	unsigned ch_seen, sh_seen, ee_seen, ccert_seen, cv_seen;
	unsigned client_fins;       /* client Finished messages seen so far (a second: post-handshake auth) */
	uint8_t ch_sid[32];
	size_t ch_sid_len;
	struct peek_server_hello sh;
	const uint8_t *psk_id;      /* the first PSK identity (1.3) or session ticket (1.2) the client offered */
	size_t psk_id_len;          /* (inside the ClientHello's body, valid as long as the timeline) */
	const uint8_t *obf_age;     /* its obfuscated_ticket_age (4 bytes, TLS 1.3), or NULL */
	int64_t ch_t_us;            /* when the ClientHello was seen */
	enum tl_resume_offer ch_offer;   /* what the ClientHello offers, by its extensions */
	enum tl_resume_offer note_offer; /* what the client said it offers (TL_NOTE_RESUME_OFFER) */
	bool offer_noted, no_ticket;     /* ... that note; TL_NOTE_NO_TICKET */
	const uint8_t *fin[2];      /* the latest Finished verify_data of each side (client, server) */
	size_t fin_len[2];
	unsigned ri_hellos;         /* hellos whose renegotiation_info was read (bounded like the others) */
};

/* The decoder's tree of a handshake body (NULL when out of memory). */
static struct tree_node *decoded(const struct tl_event *ev, unsigned version)
{
	struct decode_ctx ctx = { version, ev->from, DECODE_KX_UNKNOWN };

	return decode_handshake(ev->hs_type, ev->body, ev->body_len, &ctx);
}

/* The body bytes a tree node covers; false when absent or out of the body. */
static bool node_bytes(const struct tl_event *ev, const struct tree_node *n, const uint8_t **out, size_t *len)
{
	if (!n || n->len == 0 || n->off > ev->body_len || n->len > ev->body_len - n->off)
		return false;
	*out = ev->body + n->off;
	*len = n->len;
	return true;
}

/* A finite-field (DHE) ServerKeyExchange: the prime's size and the signature scheme. */
static void scan_ske_dhe(const struct tl_event *ev, struct summary *s)
{
	struct decode_ctx ctx = { s->version, ev->from, DECODE_KX_DHE };
	struct tree_node *t = decode_handshake(ev->hs_type, ev->body, ev->body_len, &ctx);
	const uint8_t *p;
	size_t len;

	if (node_bytes(ev, tree_find(t, "dh_p/hex"), &p, &len)) {
		while (len > 0 && *p == 0)
			p++, len--;
		if (len > 0 && len <= 4096) {
			unsigned bits = (unsigned)len * 8;
			for (uint8_t top = p[0]; !(top & 0x80); top = (uint8_t)(top << 1))
				bits--;
			s->dh_bits = bits;
		}
	}
	if (node_bytes(ev, tree_find(t, "signature algorithm"), &p, &len) && len == 2)
		s->sigscheme = (unsigned)p[0] << 8 | p[1];
	tree_free(t);
}

/* ClientHello: session id, early_data, the ticket or PSK identity it offers. */
static void scan_client_hello(const struct tl_event *ev, struct summary *s, struct scan *sc)
{
	struct tree_node *t;

	if (++sc->ch_seen > 2)
		return;                  /* a ClientHello, then one after a HelloRetryRequest */
	t = decoded(ev, 0);
	peek_client_hello_session_id_tree(t, ev->body, ev->body_len, sc->ch_sid, &sc->ch_sid_len);
	if (tree_find(t, "extensions/early_data"))
		s->early_data_offered = true;
	if (tree_find(t, "extensions/post_handshake_auth"))
		s->pha_offered = true;
	sc->ch_t_us = ev->t_us;
	sc->ch_offer = TL_OFFER_NONE;
	if (node_bytes(ev, tree_find(t, "extensions/pre_shared_key/identities/identity 1/identity"), &sc->psk_id,
		       &sc->psk_id_len)) {
		size_t n;
		sc->ch_offer = TL_OFFER_TICKET13;
		if (!node_bytes(ev, tree_find(t, "extensions/pre_shared_key/identities/identity 1/obfuscated_ticket_age"),
				&sc->obf_age, &n) || n != 4)
			sc->obf_age = NULL;
	} else if (node_bytes(ev, tree_find(t, "extensions/session_ticket/ticket/hex"), &sc->psk_id, &sc->psk_id_len)) {
		sc->ch_offer = TL_OFFER_TICKET12;
	} else {
		sc->psk_id_len = 0;
	}
	tree_free(t);
}

/* ServerHello: version, suite, group, PSK, extended master secret. */
static void scan_server_hello(const struct tl_event *ev, struct summary *s, struct scan *sc)
{
	struct peek_server_hello sh;
	struct tree_node *t;
	bool ok;

	if (++sc->sh_seen > 2)
		return;                  /* a HelloRetryRequest, then the ServerHello */
	t = decoded(ev, 0);
	ok = peek_server_hello_tree(t, ev->body, ev->body_len, &sh);
	tree_free(t);
	if (!ok)
		return;
	if (sh.is_hrr) {
		s->hrr = true;
		return;
	}
	sc->sh = sh;
	s->have_server_hello = true;
	s->version = sh.version;
	s->cipher_suite = sh.cipher_suite;
	s->psk = sh.psk;
	if (sh.group)
		s->group = sh.group;
	s->ems = s->version == WIRE_TLS12 && sh.ems;
}

/* One handshake message of the connection. */
static void scan_message(const struct tl_event *ev, struct summary *s, struct scan *sc)
{
	switch (ev->hs_type) {
	case WIRE_HS_CLIENT_HELLO: scan_client_hello(ev, s, sc); break;
	case TL_HS_HELLO_RETRY_REQUEST: s->hrr = true; break;
	case WIRE_HS_SERVER_HELLO: scan_server_hello(ev, s, sc); break;
	case WIRE_HS_ENCRYPTED_EXTENSIONS: {
		struct tree_node *t = sc->ee_seen++ ? NULL : decoded(ev, WIRE_TLS13);
		if (!t)
			break;
		s->early_data_accepted = tree_find(t, "extensions/early_data") != NULL;
		tree_free(t);
		break;
	}
	case WIRE_HS_CERTIFICATE:
		if (ev->from == TL_SERVER) {
			s->server_cert_msg = true;
		} else {
			s->late_answered |= s->cert_requested_late;   /* the answer to a late request */
			if (sc->ccert_seen++ == 0) {
				s->client_cert_msg = true;
				peek_certificate_count(ev->body, ev->body_len, s->version == WIRE_TLS13, &s->client_certs);
			}
		}
		break;
	case WIRE_HS_SERVER_KEY_EXCHANGE: {
		unsigned g = 0, sig = 0;
		if (sc->saw_ske)
			break;
		sc->saw_ske = true;
		if (peek_ske_ecdhe(ev->body, ev->body_len, &g, &sig)) {
			s->group = g;
			s->sigscheme = sig;
		} else {
			scan_ske_dhe(ev, s);
		}
		if (s->version && s->version < WIRE_TLS12) {
			/* TLS 1.0/1.1: no algorithm field, the suite's key type fixes the signature */
			s->sigscheme = 0;
			s->legacy_sig = names_suite_auth(s->cipher_suite);
		}
		break;
	}
	case WIRE_HS_CERTIFICATE_REQUEST:
		s->cert_requested = true;
		/* TLS 1.3: after the client's Finished, a request by post-handshake authentication */
		s->cert_requested_late |= s->version == WIRE_TLS13 && sc->client_fins > 0;
		break;
	case WIRE_HS_SERVER_HELLO_DONE: sc->saw_shd = true; break;
	case WIRE_HS_CERTIFICATE_VERIFY:
		if (ev->from == TL_SERVER && sc->cv_seen++ == 0)
			peek_cert_verify(ev->body, ev->body_len, &s->sigscheme);
		break;
	case WIRE_HS_CLIENT_KEY_EXCHANGE: sc->saw_cke = true; break;
	case WIRE_HS_FINISHED:
		sc->saw_server_fin |= ev->from == TL_SERVER;
		if (ev->from == TL_CLIENT && sc->client_fins++ > 0 && s->cert_requested_late)
			s->late_answered = true;
		break;
	case WIRE_HS_END_OF_EARLY_DATA: s->early_data_eoed |= ev->from == TL_CLIENT; break;
	default: break;
	}
}

/* RFC 5746 in a hello: absent, empty (or the SCSV), or whether it repeats the previous Finished verify_data. */
static enum summary_ri hello_ri(const struct tl_event *ev, const struct scan *sc)
{
	struct tree_node *t = decoded(ev, 0);
	const struct tree_node *ri = tree_find(t, "extensions/renegotiation_info");
	const uint8_t *p;
	size_t n;
	enum summary_ri v = SUMMARY_RI_ABSENT;

	if (ri && node_bytes(ev, tree_find(t, "extensions/renegotiation_info/renegotiated_connection"), &p, &n)) {
		bool server = ev->hs_type == WIRE_HS_SERVER_HELLO;
		size_t want = sc->fin_len[0] + (server ? sc->fin_len[1] : 0);
		v = sc->fin[0] && (!server || sc->fin[1]) && n == want && memcmp(p, sc->fin[0], sc->fin_len[0]) == 0 &&
			    (!server || memcmp(p + sc->fin_len[0], sc->fin[1], sc->fin_len[1]) == 0)
			? SUMMARY_RI_MATCH
			: SUMMARY_RI_MISMATCH;
	} else if (ri) {
		v = SUMMARY_RI_EMPTY;
	} else if (ev->hs_type == WIRE_HS_CLIENT_HELLO && tree_find(t, "cipher suites/TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff)")) {
		v = SUMMARY_RI_SCSV;
	}
	tree_free(t);
	return v;
}

/* A message of a renegotiation (handshake 2 and later), and the renegotiation_info of every hello. */
static void scan_reneg(const struct tl_event *ev, struct summary *s, struct scan *sc)
{
	struct summary_reneg *r = &s->reneg;
	bool hello = ev->hs_type == WIRE_HS_CLIENT_HELLO || ev->hs_type == WIRE_HS_SERVER_HELLO;
	bool later = ev->handshake > 1;

	if (hello && sc->ri_hellos++ < 8) {
		enum summary_ri v = hello_ri(ev, sc);
		enum summary_ri *slot = ev->hs_type == WIRE_HS_CLIENT_HELLO ? (later ? &r->client_ri : &r->first_client)
									   : (later ? &r->server_ri : &r->first_server);
		*slot = v;
	}
	if (ev->hs_type == WIRE_HS_FINISHED) {
		int k = ev->from == TL_SERVER;
		sc->fin[k] = ev->body;
		sc->fin_len[k] = ev->body_len;
	}
	if (!later)
		return;
	if (ev->handshake > r->handshakes) {        /* a new renegotiation: its facts start over */
		r->handshakes = ev->handshake;
		r->cert_requested = r->client_cert_msg = r->client_fin = r->server_fin = false;
		r->client_certs = 0;
	}
	switch (ev->hs_type) {
	case WIRE_HS_HELLO_REQUEST: r->hello_request = true; break;
	case WIRE_HS_CERTIFICATE_REQUEST: r->cert_requested = true; break;
	case WIRE_HS_CERTIFICATE:
		if (ev->from == TL_CLIENT) {
			r->client_cert_msg = true;
			peek_certificate_count(ev->body, ev->body_len, false, &r->client_certs);
		}
		break;
	case WIRE_HS_FINISHED:
		if (ev->from == TL_CLIENT)
			r->client_fin = true;
		else
			r->server_fin = true;
		break;
	default: break;
	}
}

/* The key exchange and resumption, once every message was seen. */
static void settle_kx(struct summary *s, const struct scan *sc)
{
	if (s->version == WIRE_TLS13) {
		bool ff = s->group >= 0x0100 && s->group <= 0x01ff;      /* finite-field groups */
		s->resumed = s->psk;
		if (s->psk)
			s->kx = s->group ? (ff ? SUMMARY_KX_PSK_DHE : SUMMARY_KX_PSK_ECDHE) : SUMMARY_KX_PSK;
		else
			s->kx = ff ? SUMMARY_KX_DHE : SUMMARY_KX_ECDHE;
	} else if (s->have_server_hello) {
		s->resumed = !s->server_cert_msg && sc->sh.session_id_len > 0 && sc->sh.session_id_len == sc->ch_sid_len &&
			     memcmp(sc->sh.session_id, sc->ch_sid, sc->ch_sid_len) == 0;
		if (s->resumed)
			s->kx = SUMMARY_KX_RESUMED;
		else if (!sc->saw_ske && s->server_cert_msg && sc->saw_shd)
			s->kx = SUMMARY_KX_RSA;
		else if (s->group)
			s->kx = SUMMARY_KX_ECDHE;
		else if (sc->saw_ske)
			s->kx = SUMMARY_KX_DHE;
	}
	s->rsa_kx = s->kx == SUMMARY_KX_RSA;
}

/* Which secrets this handshake has (enum summary_secret). */
static unsigned settle_secrets(const struct summary *s, const struct scan *sc)
{
	unsigned b = 0;

	if (s->version == WIRE_TLS13) {
		if (s->early_data_offered)
			b |= SUMMARY_SECRET_CLIENT_EARLY | SUMMARY_SECRET_EARLY_EXPORTER;
		b |= SUMMARY_SECRET_CLIENT_HS | SUMMARY_SECRET_SERVER_HS;
		if (sc->saw_server_fin)
			b |= SUMMARY_SECRET_CLIENT_AP | SUMMARY_SECRET_SERVER_AP | SUMMARY_SECRET_EXPORTER;
	} else if (s->version == WIRE_TLS12 || s->version == WIRE_TLS11 || s->version == WIRE_TLS10) {
		if (sc->saw_cke || s->resumed)
			b |= SUMMARY_SECRET_MASTER;
	}
	return b;
}

/* True when an earlier connection's message issued the ticket or session this one resumes. */
static bool issued(const struct tl_event *ev, unsigned version, const struct scan *sc)
{
	struct peek_server_hello sh;
	bool yes = false;

	if (ev->hs_type == WIRE_HS_NEW_SESSION_TICKET && ev->from == TL_SERVER && sc->psk_id_len) {
		struct tree_node *t = decoded(ev, version);
		const struct tree_node *n = tree_find(t, "ticket/hex");
		yes = n && n->len == sc->psk_id_len && n->off <= ev->body_len && n->len <= ev->body_len - n->off &&
		      memcmp(ev->body + n->off, sc->psk_id, n->len) == 0;
		tree_free(t);
	} else if (ev->hs_type == WIRE_HS_SERVER_HELLO && !sc->psk_id_len && sc->ch_sid_len &&
		   (version == WIRE_TLS12 || sc->note_offer == TL_OFFER_SESSION_ID) &&
		   peek_server_hello(ev->body, ev->body_len, &sh) && sh.session_id_len == sc->ch_sid_len) {
		yes = memcmp(sh.session_id, sc->ch_sid, sh.session_id_len) == 0;   /* the session ID it offers */
	}
	return yes;
}

/*
 * The latest earlier connection that issued what connection s->conn
 * resumes; -1 when none. Looks back at most ORIGIN_LOOKBACK events, so
 * that a long-running server's history does not make each summary slower.
 */
#define ORIGIN_LOOKBACK 20000
static int find_origin(const struct timeline *tl, const struct summary *s, const struct scan *sc, struct tl_event *out,
		       size_t *at)
{
	size_t first, end, stop;

	if (!timeline_conn_range(tl, s->conn, &first, &end))
		return -1;
	stop = first > ORIGIN_LOOKBACK ? first - ORIGIN_LOOKBACK : 0;
	for (size_t i = first; i-- > stop;) {
		struct tl_event ev;
		if (timeline_get(tl, i, &ev) && ev.kind == TL_EV_HANDSHAKE && ev.conn < s->conn &&
		    issued(&ev, s->version, sc)) {
			*out = ev;
			*at = i;
			return (int)ev.conn;
		}
	}
	return -1;
}

/* A 4-byte big-endian field a tree node covers. */
static bool node_u32(const struct tl_event *ev, const struct tree_node *n, uint32_t *v)
{
	const uint8_t *p;
	size_t len;

	if (!node_bytes(ev, n, &p, &len) || len != 4)
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

/* The NewSessionTicket nst (event index at) that issued the offered ticket: which one of its
 * connection, its lifetime, early data allowance, and the ticket age the ClientHello claims. */
static void ticket_facts(const struct timeline *tl, const struct tl_event *nst, size_t at, struct summary *s,
			 const struct scan *sc)
{
	struct decode_ctx ctx = { s->issuer_version, TL_SERVER, DECODE_KX_UNKNOWN };
	struct tree_node *t = decode_handshake(nst->hs_type, nst->body, nst->body_len, &ctx);
	size_t first, end;
	uint32_t add = 0;

	if (timeline_conn_range(tl, nst->conn, &first, &end))
		for (size_t i = first; i <= at && i < end && s->issuer_ticket < 1000; i++) {
			struct tl_event ev;
			if (timeline_get(tl, i, &ev) && ev.conn == nst->conn && ev.kind == TL_EV_HANDSHAKE &&
			    ev.hs_type == WIRE_HS_NEW_SESSION_TICKET && ev.from == TL_SERVER)
				s->issuer_ticket++;
		}
	if (!node_u32(nst, tree_find(t, "ticket_lifetime"), &s->ticket_lifetime_s))
		node_u32(nst, tree_find(t, "ticket_lifetime_hint"), &s->ticket_lifetime_s);
	s->ticket_early = node_u32(nst, tree_find(t, "extensions/early_data/max_early_data_size"), &s->ticket_max_early);
	if (sc->obf_age && node_u32(nst, tree_find(t, "ticket_age_add"), &add)) {
		uint32_t obf = (uint32_t)sc->obf_age[0] << 24 | (uint32_t)sc->obf_age[1] << 16 |
			       (uint32_t)sc->obf_age[2] << 8 | sc->obf_age[3];
		s->ticket_age_known = true;
		s->ticket_age_ms = obf - add;           /* RFC 8446 4.2.11.1: mod 2^32 */
		s->ticket_elapsed_us = sc->ch_t_us - nst->t_us;
	}
	tree_free(t);
}

/* The previous connection's version (the one that issued the session). */
static unsigned version_of(const struct timeline *tl, unsigned conn)
{
	struct summary o;

	return summary_build(tl, conn, &o) ? o.version : 0;
}

/* The resumption verdict: what was offered, where it came from, whether the server took it, and if not, why. */
static void settle_resume(const struct timeline *tl, struct summary *s, const struct scan *sc)
{
	struct tl_event ev;
	size_t at = 0;

	s->resume_offer = sc->offer_noted ? sc->note_offer : sc->ch_offer;
	if (sc->no_ticket) {
		s->resume = SUMMARY_RESUME_NO_TICKET;
		return;
	}
	if (s->resume_offer == TL_OFFER_NONE && !s->resumed)
		return;
	s->issuer_conn = find_origin(tl, s, sc, &ev, &at);
	if (s->resumed)
		s->origin_conn = s->issuer_conn;
	if (s->issuer_conn >= 0) {
		s->issuer_version = version_of(tl, (unsigned)s->issuer_conn);
		if (ev.hs_type == WIRE_HS_NEW_SESSION_TICKET)
			ticket_facts(tl, &ev, at, s, sc);
	}
	if (s->resumed)
		s->resume = SUMMARY_RESUME_ACCEPTED;
	else if (s->issuer_version && s->version && s->issuer_version != s->version)
		s->resume = SUMMARY_RESUME_VERSION;
	else if (s->ticket_age_known && s->ticket_lifetime_s &&
		 (uint64_t)s->ticket_age_ms > (uint64_t)s->ticket_lifetime_s * 1000)
		s->resume = SUMMARY_RESUME_EXPIRED;
	else if (s->resume_offer == TL_OFFER_SESSION_ID && s->have_server_hello &&
		 (sc->sh.session_id_len != sc->ch_sid_len || memcmp(sc->sh.session_id, sc->ch_sid, sc->ch_sid_len) != 0))
		s->resume = SUMMARY_RESUME_SID_NOT_ECHOED;
	else if (s->have_server_hello)
		s->resume = SUMMARY_RESUME_FULL;
}

/* A note of the connection: the HTTP answer, what --resume offered, early data sent and read. */
static void scan_note(const struct tl_event *ev, struct summary *s, struct scan *sc)
{
	switch (ev->note.code) {
	case TL_NOTE_HTTP_ANSWER:
		if (!s->http_status)
			s->http_status = ev->note.status;
		break;
	case TL_NOTE_RESUME_OFFER:
		sc->offer_noted = true;
		sc->note_offer = ev->note.offer;
		break;
	case TL_NOTE_NO_TICKET: sc->no_ticket = true; break;
	case TL_NOTE_EARLY_DATA_SENT:
		s->early_sent_known = true;
		s->early_sent = ev->note.bytes;
		break;
	case TL_NOTE_EARLY_DATA_READ:
		s->early_read_known = true;
		s->early_read = ev->note.bytes;
		break;
	default: break;
	}
}

/* Reads connection conn's events into s. */
static bool summary_compute(const struct timeline *tl, unsigned conn, struct summary *s)
{
	size_t first, end;
	bool any = false;
	struct scan sc;

	memset(s, 0, sizeof *s);
	memset(&sc, 0, sizeof sc);
	s->conn = conn;
	s->origin_conn = -1;
	s->reneg.handshakes = 1;
	timeline_conn_range(tl, conn, &first, &end);
	for (size_t i = first; i < end; i++) {
		struct tl_event ev;

		if (!timeline_get(tl, i, &ev) || ev.conn != conn)
			continue;
		any = true;
		if (ev.kind == TL_EV_ERROR && ev.note.code == TL_NOTE_RENEG_FAILED &&
		    ev.note.fail == TL_FAIL_UNSAFE_RENEGOTIATION)
			s->reneg.client_refused_unsafe = true;
		if (ev.kind == TL_EV_NOTE)
			scan_note(&ev, s, &sc);
		if (ev.kind != TL_EV_HANDSHAKE)
			continue;
		if (ev.handshake <= 1)
			scan_message(&ev, s, &sc);
		if (s->version != WIRE_TLS13)
			scan_reneg(&ev, s, &sc);
	}
	timeline_get_result(tl, TL_CLIENT, conn, &s->client);
	timeline_get_result(tl, TL_SERVER, conn, &s->server);
	settle_kx(s, &sc);
	if (s->client.resumed || s->server.resumed)
		s->resumed = true;
	s->secrets = settle_secrets(s, &sc);
	s->issuer_conn = -1;
	settle_resume(tl, s, &sc);
	return any;
}

/*
 * Fills s for connection conn. Views ask for the same summary on every
 * selection change (explanations, diagnosis, the status line); reading a
 * long connection each time would make a frame cost grow with the
 * timeline. The last summary is kept per thread while the timeline has not
 * changed since (timeline_stamp), so it is computed once per change.
 */
bool summary_build(const struct timeline *tl, unsigned conn, struct summary *s)
{
	static _Thread_local struct {
		bool valid, ok;
		uint64_t id;
		unsigned generation, conn;
		struct summary s;
	} memo;
	uint64_t id;
	unsigned gen;

	timeline_stamp(tl, &id, &gen);
	if (memo.valid && memo.id == id && memo.generation == gen && memo.conn == conn) {
		*s = memo.s;
		return memo.ok;
	}
	memo.ok = summary_compute(tl, conn, s);
	memo.s = *s;
	memo.id = id;
	memo.generation = gen;
	memo.conn = conn;
	memo.valid = true;
	return memo.ok;
}

/* The full handshake a resumed connection's authentication comes from. */
bool summary_origin(const struct timeline *tl, const struct summary *s, struct summary *out)
{
	int at = s->resumed ? s->origin_conn : -1;

	/* each step goes to a lower connection number, so this ends */
	while (at >= 0 && (unsigned)at < s->conn) {
		if (!summary_build(tl, (unsigned)at, out))
			return false;
		if (!out->resumed)
			return true;
		if (out->origin_conn >= at)
			return false;
		at = out->origin_conn;
	}
	return false;
}

/* The resumption verdict in words. */
const char *summary_resume_words(enum summary_resume r)
{
	switch (r) {
	case SUMMARY_RESUME_ACCEPTED: return "the server resumed the session offered";
	case SUMMARY_RESUME_FULL: return "the server ignored the ticket and did a full handshake";
	case SUMMARY_RESUME_EXPIRED: return "the ticket was older than its lifetime: the server did a full handshake";
	case SUMMARY_RESUME_SID_NOT_ECHOED:
		return "the server did not echo the session ID (it no longer has the session): a full handshake";
	case SUMMARY_RESUME_VERSION: return "the protocol version changed since the session was made: a full handshake";
	case SUMMARY_RESUME_NO_TICKET: return "the server sent no session ticket; nothing to resume with";
	case SUMMARY_RESUME_NONE: break;
	}
	return NULL;
}

/* The key exchange in words. */
const char *summary_kx_name(enum summary_kx kx)
{
	switch (kx) {
	case SUMMARY_KX_ECDHE: return "ECDHE";
	case SUMMARY_KX_DHE: return "DHE";
	case SUMMARY_KX_RSA: return "RSA";
	case SUMMARY_KX_PSK: return "PSK";
	case SUMMARY_KX_PSK_ECDHE: return "PSK with ECDHE";
	case SUMMARY_KX_PSK_DHE: return "PSK with DHE";
	case SUMMARY_KX_RESUMED: return "resumed (abbreviated handshake)";
	case SUMMARY_KX_UNKNOWN: break;
	}
	return NULL;
}
