/*
 * hooks.c: what GnuTLS tells us while a connection runs, recorded.
 *  - handshake messages: the handshake hook on GNUTLS_HANDSHAKE_ANY at PRE
 *    (POST can see a consumed buffer), both directions;
 *  - records, ChangeCipherSpec and plaintext alerts: the bytes the
 *    transport pushes and pulls, fed through the record parser of each
 *    direction (core/recstream.c; the hook never reports ChangeCipherSpec);
 *  - encrypted alerts: from what we asked GnuTLS to send (outgoing) and
 *    from the error codes it returns (incoming);
 *  - secrets: the keylog function;
 *  - which application traffic secret (its generation, moved on by
 *    KeyUpdate: keyupdate.c) protects each message and record.
 * An outgoing event is recorded pending; delivery.c settles it once its
 * records are written. Hooks only record; they never print.
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/names.h"
#include "tlsladder/peek.h"
#include "tlsladder/recstream.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <string.h>

struct feed_ctx {
	struct conn *c;
	int dir;
};

/* A fresh event of kind k sent by `from`. */
static void event_init(struct conn *c, struct tl_event *ev, enum tl_kind k, enum tl_side from)
{
	memset(ev, 0, sizeof *ev);
	ev->kind = k;
	ev->from = from;
	ev->conn = c->conn;
	ev->t_us = timeline_now(c->tl);
	ev->version = c->version;
	ev->handshake = c->reneg_active ? c->handshake : 0;     /* a renegotiation's messages and records */
}

/* Which keys protect a message in direction dir right now. */
static enum tl_keys keys_now(const struct conn *c, int dir, bool encrypted)
{
	if (!encrypted)
		return TL_KEYS_NONE;
	if (dir == DIR_OUT && c->early_sent && c->version == 0)
		return TL_KEYS_EARLY;            /* 0-RTT: early data, before the ServerHello */
	if (!c->tls13)
		return TL_KEYS_TLS12;
	return c->fin[dir] ? TL_KEYS_APPLICATION : TL_KEYS_HANDSHAKE;
}

/*
 * Which keys protect a record in direction dir right now. Incoming records
 * precede the hook of the message inside, so the Finished record still sees
 * fin[DIR_IN] false. Outgoing hooks fire before their flight is written, so
 * our side switches only once a later message is hooked or the handshake
 * call returned (set_app_out).
 */
static enum tl_keys record_keys(const struct conn *c, int dir, bool encrypted)
{
	if (encrypted && dir == DIR_OUT && c->eoed_pending && !c->eoed_out)
		return TL_KEYS_EARLY;            /* the record of EndOfEarlyData */
	if (!encrypted || !c->tls13 || dir == DIR_IN)
		return keys_now(c, dir, encrypted);
	return c->app_out ? TL_KEYS_APPLICATION : TL_KEYS_HANDSHAKE;
}

/* Records an alert in direction dir; returns its seq. */
static int record_alert(struct conn *c, int dir, unsigned level, unsigned desc, bool encrypted, uint64_t end)
{
	struct tl_event ev;
	int seq;

	event_init(c, &ev, TL_EV_ALERT, dir == DIR_OUT ? c->self : c->peer);
	ev.alert_level = level;
	ev.alert_desc = desc;
	ev.encrypted = encrypted;
	ev.keys = record_keys(c, dir, encrypted);
	ev.key_gen = keyupdate_record_gen(c, dir, ev.keys, false);
	if (dir == DIR_OUT)
		return delivery_observe_out(c, &ev, false, false, 0, end);
	seq = timeline_observe(c->tl, &ev, false);
	c->alert_in = true;
	if (level == WIRE_ALERT_FATAL && !c->fatal_in) {
		c->fatal_in = true;
		c->fatal_in_desc = desc;
	}
	if (desc == WIRE_ALERT_CLOSE_NOTIFY)
		c->close_in = true;
	return seq;
}

/* An outgoing record was handed to the transport: record it and place what it carries. */
static void record_out(struct conn *c, const struct recstream_record *r)
{
	struct tl_event ev;

	if (r->ccs) {
		if (c->ccs_announced[DIR_OUT] > 0 && delivery_place_ccs(c, r->end)) {
			c->ccs_announced[DIR_OUT]--;
		} else {
			event_init(c, &ev, TL_EV_CCS, c->self);
			ev.encrypted = r->encrypted;
			ev.keys = record_keys(c, DIR_OUT, r->encrypted);
			delivery_observe_out(c, &ev, false, false, 0, r->end);
		}
	} else if (r->alert) {
		c->pending_out_alert = false;
		record_alert(c, DIR_OUT, r->alert_level, r->alert_desc, false, r->end);
	} else if (c->pending_out_alert && (r->type == RECSTREAM_ALERT || r->type == RECSTREAM_APPLICATION_DATA)) {
		c->pending_out_alert = false;
		record_alert(c, DIR_OUT, c->out_alert_level, c->out_alert_desc, true, r->end);
	} else if (r->type == RECSTREAM_HANDSHAKE || (r->encrypted && r->type == RECSTREAM_APPLICATION_DATA)) {
		delivery_place_bytes(c, r->length, r->end, r->encrypted);
	}
}

/* An incoming record was read whole. */
static void record_in(struct conn *c, const struct recstream_record *r)
{
	struct tl_event ev;

	c->last_in_plain_alert = false;
	if (r->ccs) {
		event_init(c, &ev, TL_EV_CCS, c->peer);
		ev.encrypted = r->encrypted;      /* a renegotiation's, under the keys in force */
		ev.keys = record_keys(c, DIR_IN, r->encrypted);
		timeline_observe(c->tl, &ev, false);
	} else if (r->alert) {
		record_alert(c, DIR_IN, r->alert_level, r->alert_desc, false, 0);
		c->last_in_plain_alert = true;
	}
}

/* The record parser's callback: one whole record went by in one direction. */
static void record_done(void *arg, const struct recstream_record *r)
{
	struct feed_ctx *fc = arg;
	struct conn *c = fc->c;
	struct tl_event ev;

	if (r->oversize)
		return;            /* not TLS: the not-TLS check says what it was */
	event_init(c, &ev, TL_EV_RECORD, fc->dir == DIR_OUT ? c->self : c->peer);
	ev.rec_type = r->type;
	ev.rec_version = r->version;
	ev.rec_length = r->length;
	ev.encrypted = r->encrypted;
	ev.keys = record_keys(c, fc->dir, r->encrypted);
	ev.key_gen = keyupdate_record_gen(c, fc->dir, ev.keys, r->encrypted && r->type == RECSTREAM_APPLICATION_DATA);
	if (ev.keys == TL_KEYS_EARLY && c->eoed_pending)
		c->eoed_out = true;              /* EndOfEarlyData's record: the early keys end here */
	if (fc->dir == DIR_OUT) {
		delivery_observe_out(c, &ev, false, false, 0, r->end);
		record_out(c, r);
		if (ev.keys == TL_KEYS_EARLY && !c->eoed_out)
			resume_note_early_sent(c);   /* the 0-RTT data is on its way, right behind the ClientHello */
	} else {
		timeline_observe(c->tl, &ev, false);
		record_in(c, r);
	}
}

/* Feeds bytes of direction dir through the record parser. */
void hooks_feed(struct conn *c, int dir, const uint8_t *p, size_t n)
{
	struct feed_ctx fc = { c, dir };

	recstream_feed(&c->rs[dir], p, n, record_done, &fc);
}

/* Bytes the peer sent arrived: keep the first ones (to recognise HTTP, SSH, ...) and parse them. */
void hooks_took_in(struct conn *c, const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n && c->first_in_len < sizeof c->first_in; k++)
		c->first_in[c->first_in_len++] = p[k];
	hooks_feed(c, DIR_IN, p, n);
}

/*
 * The incoming stream ended (or this side stopped reading) inside a record:
 * records what arrived of it, once. A peer that does not speak TLS is the
 * not-TLS check's business, not a cut record.
 */
void hooks_record_cut(struct conn *c)
{
	struct recstream_record r;
	size_t have;
	struct tl_event ev;

	if (c->cut_recorded || !recstream_partial(&c->rs[DIR_IN], &r, &have) || r.type < RECSTREAM_CCS ||
	    r.type > RECSTREAM_HEARTBEAT)
		return;
	c->cut_recorded = true;
	event_init(c, &ev, TL_EV_RECORD, c->peer);
	ev.rec_type = r.type;
	ev.rec_version = r.version;
	ev.rec_length = r.length;
	ev.encrypted = r.encrypted;
	ev.keys = record_keys(c, DIR_IN, r.encrypted);
	ev.key_gen = keyupdate_record_gen(c, DIR_IN, ev.keys, false);
	ev.delivery = TL_INCOMPLETE;
	ev.cause = c->in_ended ? TL_CAUSE_CLOSED_INSIDE : TL_CAUSE_NOT_READ;
	ev.deliv_bytes = (unsigned)have;
	timeline_observe(c->tl, &ev, false);
}

/* TLS 1.2 resumption: GnuTLS logs CLIENT_RANDOM only when a master secret is made; log the resumed one. */
static void keylog_resumed_master(gnutls_session_t s)
{
	gnutls_datum_t ms = { NULL, 0 };

	gnutls_session_get_master_secret(s, &ms);
	if (ms.size > 0)
		hooks_keylog(s, "CLIENT_RANDOM", &ms);
}

/*
 * TLS 1.2, our Finished is hooked: the hooks of a flight fire before its
 * records are written, so the ChangeCipherSpec record that precedes this
 * Finished on the wire has not been pushed yet. Records it now, in wire
 * order, pending until its record is written; the record parser will not
 * record it twice.
 */
static void announce_ccs(struct conn *c)
{
	struct tl_event ev;

	/* in a renegotiation the first handshake's ChangeCipherSpec went by long ago */
	if ((c->handshake > 1 ? c->reneg_ccs_out : recstream_ccs_seen(&c->rs[DIR_OUT])) || c->ccs_announced[DIR_OUT] > 0)
		return;
	c->reneg_ccs_out = c->handshake > 1;
	event_init(c, &ev, TL_EV_CCS, c->self);
	ev.encrypted = c->handshake > 1;          /* a renegotiation's goes under the keys in force */
	ev.keys = keys_now(c, DIR_OUT, ev.encrypted);
	delivery_observe_out(c, &ev, false, true, 0, 0);
	c->ccs_announced[DIR_OUT]++;
}

/* The message type the hook reports, a HelloRetryRequest told apart from a ServerHello by its random. */
static unsigned hooked_type(unsigned htype, const gnutls_datum_t *msg)
{
	if (htype == GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST ||
	    (htype == WIRE_HS_SERVER_HELLO && msg->size >= 34 && peek_is_hrr_random(msg->data + 2)))
		return TL_HS_HELLO_RETRY_REQUEST;
	return htype;
}

/* The hellos: the versions a client offered (server side), the version a server chose. */
static void note_hello(struct conn *c, unsigned type, bool incoming, const gnutls_datum_t *msg)
{
	struct peek_server_hello sh;

	if (type == WIRE_HS_CLIENT_HELLO && incoming)
		c->noffered = peek_client_hello_versions(msg->data, msg->size, c->offered, 8);
	if ((type == WIRE_HS_SERVER_HELLO || type == TL_HS_HELLO_RETRY_REQUEST) &&
	    peek_server_hello(msg->data, msg->size, &sh)) {
		c->version = sh.version;
		c->tls13 = sh.version == WIRE_TLS13;
		recstream_set_tls13(&c->rs[DIR_OUT], c->tls13);
		recstream_set_tls13(&c->rs[DIR_IN], c->tls13);
	}
}

/* Step-gated: our message opens a new flight; waits until the user lets it go. False: stopped. */
static bool gate_flight(struct conn *c, unsigned type)
{
	char what[128];
	const char *name = type == TL_HS_HELLO_RETRY_REQUEST ? "HelloRetryRequest" : names_handshake(type);

	snprintf(what, sizeof what, "the %s is about to send %s", c->self == TL_CLIENT ? "client" : "server",
		 name ? name : "a message");
	if (step_gate_wait(c->o->gate, what))
		return true;
	c->cancelled = true;
	return false;
}

/* Records the hooked message of the given type in direction dir. */
static void record_message(struct conn *c, unsigned type, int dir, const gnutls_datum_t *msg)
{
	struct tl_event ev;

	event_init(c, &ev, TL_EV_HANDSHAKE, dir == DIR_IN ? c->peer : c->self);
	ev.hs_type = type;
	ev.body = msg->data;
	ev.body_len = msg->size;
	if (c->tls13)
		ev.encrypted = type != WIRE_HS_CLIENT_HELLO && type != WIRE_HS_SERVER_HELLO && type != TL_HS_HELLO_RETRY_REQUEST;
	else if (type == WIRE_HS_END_OF_EARLY_DATA)
		ev.encrypted = true;
	else
		ev.encrypted = recstream_ccs_seen(&c->rs[dir]) || c->ccs_announced[dir] > 0 || type == WIRE_HS_FINISHED;
	ev.keys = type == WIRE_HS_END_OF_EARLY_DATA && dir == DIR_OUT ? TL_KEYS_EARLY : keys_now(c, dir, ev.encrypted);
	ev.key_gen = keyupdate_record_gen(c, dir, ev.keys, false);
	if (dir == DIR_IN)
		timeline_observe(c->tl, &ev, false);   /* read whole: GnuTLS hooks a message once all of it arrived */
	else
		delivery_observe_out(c, &ev, true, false, 4 + (size_t)msg->size, 0);   /* its records come later */
}

/* What a recorded message tells about the connection: certificates sent, requested, Finished, tickets. */
static void note_message(struct conn *c, gnutls_session_t s, unsigned type, int dir, const gnutls_datum_t *msg)
{
	bool incoming = dir == DIR_IN;

	if (type == WIRE_HS_CERTIFICATE) {
		unsigned count = 0;
		peek_certificate_count(msg->data, msg->size, c->tls13, &count);
		if (incoming)
			c->peer_sent_cert = count > 0;
		else
			c->sent_cert = count > 0;
	} else if (type == WIRE_HS_CERTIFICATE_REQUEST && incoming) {
		c->cert_requested = true;
	} else if (type == WIRE_HS_FINISHED) {
		c->fin[dir] = true;
		if (!c->tls13 && gnutls_session_is_resumed(s))
			keylog_resumed_master(s);
	} else if (type == WIRE_HS_END_OF_EARLY_DATA && !incoming) {
		c->eoed_pending = true;        /* its record (the next one written) still uses the early keys */
	} else if (type == WIRE_HS_NEW_SESSION_TICKET && incoming) {
		resume_ticket_in(c, msg->data, msg->size);
		c->nst_after_fin = c->nst_after_fin || c->fin[DIR_OUT];
	}
}

/* The handshake hook: records each message at PRE, both directions. */
int hooks_handshake(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming, const gnutls_datum_t *msg)
{
	struct conn *c = gnutls_session_get_ptr(s);
	int dir = incoming ? DIR_IN : DIR_OUT;
	unsigned type;

	if (when != GNUTLS_HOOK_PRE || htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC)
		return 0;
	type = hooked_type(htype, msg);
	note_hello(c, type, incoming, msg);
	if (!incoming && c->o->gate && !c->last_hook_out && !gate_flight(c, type))
		return GNUTLS_E_INTERNAL_ERROR;
	c->last_hook_out = !incoming;
	if (incoming)
		c->last_in_type = (int)type;
	if (!incoming && c->fin[DIR_OUT])
		c->app_out = true;     /* a message after our Finished: that flight is out */
	if (type == WIRE_HS_FINISHED && !c->tls13 && !incoming)
		announce_ccs(c);
	if (incoming && c->self == TL_CLIENT)
		resume_note_early_sent(c);     /* the early data left with the ClientHello, before this answer */
	if (incoming && c->self == TL_SERVER && type == WIRE_HS_END_OF_EARLY_DATA)
		resume_read_early(c);          /* all of it arrived before this marker */
	record_message(c, type, dir, msg);
	note_message(c, s, type, dir, msg);
	if (type == WIRE_HS_KEY_UPDATE)
		keyupdate_hooked(c, dir, msg);
	return 0;
}

/* Stores each secret the library derives. */
int hooks_keylog(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
	struct conn *c = gnutls_session_get_ptr(s);
	struct tl_secret sec;
	gnutls_datum_t cr, sr;

	memset(&sec, 0, sizeof sec);
	sec.side = c->self;
	sec.conn = c->conn;
	snprintf(sec.label, sizeof sec.label, "%s", label);
	gnutls_session_get_random(s, &cr, &sr);
	if (cr.size == sizeof sec.client_random)
		memcpy(sec.client_random, cr.data, cr.size);
	sec.len = secret->size < sizeof sec.secret ? secret->size : sizeof sec.secret;
	memcpy(sec.secret, secret->data, sec.len);
	timeline_add_secret(c->tl, &sec);
	memset(&sec, 0, sizeof sec);
	return 0;
}

/* Records an alert we are about to send, so the push wrapper can name it. */
void hooks_expect_out_alert(struct conn *c, unsigned level, unsigned desc)
{
	c->pending_out_alert = true;
	c->out_alert_level = level;
	c->out_alert_desc = desc;
}

/* An API call returned rc: record an incoming alert it reports, if the record layer could not. */
void hooks_note_incoming_alert(struct conn *c, int rc)
{
	if (!c->capture)
		return;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_WARNING_ALERT_RECEIVED || rc == 0) {
		if (c->last_in_plain_alert) {
			c->last_in_plain_alert = false;
			return;
		}
		unsigned level = rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? WIRE_ALERT_FATAL : WIRE_ALERT_WARNING;
		unsigned desc = rc == 0 ? WIRE_ALERT_CLOSE_NOTIFY : (unsigned)gnutls_alert_get(c->s);
		record_alert(c, DIR_IN, level, desc, true, 0);
	} else if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED && !c->fatal_in) {
		c->fatal_in = true;
		c->fatal_in_desc = (unsigned)gnutls_alert_get(c->s);
	}
}

/*
 * A HelloRequest (RFC 5246 7.4.1.1: type 0, an empty body) arrived: GnuTLS
 * hooks none on the client's side (it tells the client only by
 * GNUTLS_E_REHANDSHAKE from a read; the sender's hook does see its own). It
 * travels encrypted under the current keys and belongs to the handshake it
 * opens (c->handshake, already counted).
 */
void hooks_hello_request(struct conn *c)
{
	struct tl_event ev;

	if (!c->capture)
		return;
	event_init(c, &ev, TL_EV_HANDSHAKE, c->peer);
	ev.hs_type = WIRE_HS_HELLO_REQUEST;
	ev.encrypted = true;
	ev.keys = keys_now(c, DIR_IN, true);
	c->last_hook_out = false;
	c->last_in_type = WIRE_HS_HELLO_REQUEST;
	timeline_observe(c->tl, &ev, false);
}
