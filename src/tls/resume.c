/*
 * resume.c: session resumption and TLS 1.3 early data (0-RTT) for one
 * connection. The client saves its session when it closes and notes what
 * it can resume with (a TLS 1.3 ticket, a TLS 1.2 session ticket or a
 * session ID); the next connection offers it, and with early data sends
 * that data with the ClientHello (gnutls_record_send_early_data). A server
 * that accepts early data (the demo's) reads it after the handshake
 * (gnutls_record_recv_early_data) and records how much came.
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/decode.h"
#include "tlsladder/notes.h"
#include "tlsladder/tree.h"
#include "tlsladder/wire.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* server: early data read in one call (a record holds at most 16 KiB) */
#define EARLY_BUF 16384
/* server: calls to gnutls_record_recv_early_data at most (each returns one record's data) */
#define EARLY_READS 64

/* anti-replay: ClientHellos remembered at most (then early data is refused), and a key's size at most */
#define REPLAY_SLOTS 256
#define REPLAY_KEY_MAX 128

/*
 * What GnuTLS's anti-replay asks a server to remember: a key made of the
 * time window and the ClientHello's binder, for each ClientHello whose
 * early data it accepted. A key seen again is a replay. Bounded: when full,
 * early data is refused (GnuTLS then falls back to a 1-RTT handshake).
 */
struct replay_store {
	pthread_mutex_t m;
	unsigned n;
	size_t len[REPLAY_SLOTS];
	unsigned char key[REPLAY_SLOTS][REPLAY_KEY_MAX];
};

/* GnuTLS's anti-replay database: adds key, or says it was there. */
static int replay_add(void *ptr, time_t exp, const gnutls_datum_t *key, const gnutls_datum_t *data)
{
	struct replay_store *st = ptr;
	int rc = 0;

	(void)exp;
	(void)data;
	if (key->size > REPLAY_KEY_MAX)
		return GNUTLS_E_DB_ERROR;
	pthread_mutex_lock(&st->m);
	for (unsigned i = 0; i < st->n && rc == 0; i++)
		if (st->len[i] == key->size && memcmp(st->key[i], key->data, key->size) == 0)
			rc = GNUTLS_E_DB_ENTRY_EXISTS;
	if (rc == 0 && st->n == REPLAY_SLOTS)
		rc = GNUTLS_E_DB_ERROR;
	if (rc == 0) {
		memcpy(st->key[st->n], key->data, key->size);
		st->len[st->n++] = key->size;
	}
	pthread_mutex_unlock(&st->m);
	return rc;
}

/* Server accepting early data: the anti-replay state. 0, or -1 with err. */
int resume_endpoint_init(struct endpoint *ep, struct tl_error *err)
{
	if (ep->cfg.side != TL_SERVER || !ep->cfg.early_data_max)
		return 0;
	ep->replays = calloc(1, sizeof *ep->replays);
	if (!ep->replays || gnutls_anti_replay_init(&ep->anti_replay) < 0) {
		free(ep->replays);
		ep->replays = NULL;
		return tl_error_set(err, TL_EXIT_INTERNAL, "could not set up the early data anti-replay");
	}
	pthread_mutex_init(&ep->replays->m, NULL);
	gnutls_anti_replay_set_add_function(ep->anti_replay, replay_add);
	gnutls_anti_replay_set_ptr(ep->anti_replay, ep->replays);
	return 0;
}

/* Frees what resume_endpoint_init made. */
void resume_endpoint_free(struct endpoint *ep)
{
	if (ep->anti_replay)
		gnutls_anti_replay_deinit(ep->anti_replay);
	if (ep->replays) {
		pthread_mutex_destroy(&ep->replays->m);
		free(ep->replays);
	}
	ep->anti_replay = NULL;
	ep->replays = NULL;
}

/* gnutls_init flags for resumption and early data. */
unsigned resume_init_flags(const struct conn *c)
{
	if (c->self == TL_CLIENT)
		return c->o->early_data && c->ep->saved_session.data && c->ep->ticket_early_max ? GNUTLS_ENABLE_EARLY_DATA
											 : 0;
	return c->ep->cfg.early_data_max ? GNUTLS_ENABLE_EARLY_DATA : 0;
}

/* Records a typed note of this side. */
static void note(struct conn *c, enum tl_side from, const struct tl_note *fact)
{
	char text[400];

	if (c->capture)
		timeline_note_fact(c->tl, TL_EV_NOTE, from, c->conn, notes_render(fact, NULL, text, sizeof text), fact);
}

/* Client: queues the early data, as much of it as the ticket allows. */
static int send_early(struct conn *c, struct tl_error *err)
{
	/* the ticket's own allowance: GnuTLS would otherwise fall back to its default */
	size_t max = c->ep->ticket_early_max < gnutls_record_get_max_early_data_size(c->s)
			     ? c->ep->ticket_early_max : gnutls_record_get_max_early_data_size(c->s);
	size_t len = c->o->early_len < max ? c->o->early_len : max;
	struct tl_note fact = { .code = TL_NOTE_EARLY_DATA_SENT, .count = (unsigned)c->o->early_len,
				.early_max = (unsigned)max };
	ssize_t rc;

	if (len == 0) {
		note(c, TL_CLIENT, &fact);      /* the ticket allows none: nothing is sent */
		c->early_noted = true;
		return 0;
	}
	rc = gnutls_record_send_early_data(c->s, c->o->early_data, len);
	if (rc < 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "the early data could not be queued: %s", gnutls_strerror((int)rc));
	c->early_sent = len;              /* queued whole (GnuTLS returns 0 or the count) */
	return 0;
}

/* Session set-up: the saved session and early data (client), the early data limit (server). */
int resume_setup(struct conn *c, struct tl_error *err)
{
	struct endpoint *ep = c->ep;

	if (c->self == TL_SERVER) {
		if (ep->cfg.early_data_max) {
			gnutls_record_set_max_early_data_size(c->s, ep->cfg.early_data_max);
			gnutls_anti_replay_enable(c->s, ep->anti_replay);
		}
		return 0;
	}
	if (!ep->saved_session.data)
		return 0;
	gnutls_session_set_data(c->s, ep->saved_session.data, ep->saved_session.size);
	if (c->o->early_data && ep->resume_offer == TL_OFFER_TICKET13)
		return send_early(c, err);       /* (or says that the ticket allows none) */
	return 0;
}

/* Client: the early data went out with the ClientHello; records it once (before the server's first answer). */
void resume_note_early_sent(struct conn *c)
{
	struct tl_note fact = { .code = TL_NOTE_EARLY_DATA_SENT, .bytes = c->early_sent,
				.count = (unsigned)c->o->early_len, .early_max = c->ep->ticket_early_max };

	if (c->early_sent == 0 || c->early_noted)
		return;
	c->early_noted = true;
	note(c, TL_CLIENT, &fact);
}

/* Client: a NewSessionTicket arrived; the last one is what GnuTLS keeps to resume with, and
 * its early_data extension (RFC 8446 4.6.1) says how much early data it allows (0: none). */
void resume_ticket_in(struct conn *c, const uint8_t *body, size_t n)
{
	struct decode_ctx ctx = { c->tls13 ? WIRE_TLS13 : c->version, TL_SERVER, DECODE_KX_UNKNOWN };
	struct tree_node *t;
	const struct tree_node *m;

	c->tickets_in++;
	if (!c->tls13)
		return;
	t = decode_handshake(WIRE_HS_NEW_SESSION_TICKET, body, n, &ctx);
	m = tree_find(t, "extensions/early_data/max_early_data_size");
	c->ticket_early_max = 0;
	if (m && m->len == 4 && m->off <= n && n - m->off >= 4)
		c->ticket_early_max = (uint32_t)body[m->off] << 24 | (uint32_t)body[m->off + 1] << 16 |
				      (uint32_t)body[m->off + 2] << 8 | body[m->off + 3];
	tree_free(t);
}

/* What the closing connection can be resumed with. */
static enum tl_resume_offer offer_of(struct conn *c)
{
	bool ticket = c->tickets_in > 0 || (gnutls_session_get_flags(c->s) & GNUTLS_SFLAGS_SESSION_TICKET);
	gnutls_datum_t id = { NULL, 0 };

	if (c->tls13)
		return ticket ? TL_OFFER_TICKET13 : TL_OFFER_NONE;
	if (ticket)
		return TL_OFFER_TICKET12;
	if (gnutls_session_get_id2(c->s, &id) == 0 && id.size > 0)
		return TL_OFFER_SESSION_ID;
	return TL_OFFER_NONE;
}

/* Client, closing: saves the session and what it can be resumed with. */
void resume_save(struct conn *c)
{
	struct endpoint *ep = c->ep;

	if (ep->saved_session.data) {
		gnutls_free(ep->saved_session.data);
		ep->saved_session.data = NULL;
		ep->saved_session.size = 0;
	}
	ep->resume_offer = offer_of(c);
	ep->ticket_early_max = c->ticket_early_max;
	if (ep->resume_offer == TL_OFFER_NONE)
		return;                          /* nothing a server could resume */
	if (gnutls_session_get_data2(c->s, &ep->saved_session) < 0) {
		ep->saved_session.data = NULL;
		ep->saved_session.size = 0;
		ep->resume_offer = TL_OFFER_NONE;
	} else if (c->capture && c->tls13) {
		keysched_note_rms(c->tl, c->conn, c->s, &ep->saved_session);
	}
}

/* What the client could offer to resume with after a connection (enum tl_resume_offer). */
int endpoint_resume_offer(const struct endpoint *ep)
{
	return ep->saved_session.data ? ep->resume_offer : TL_OFFER_NONE;
}

/* Server: reads the early data the client sent, and records how much (once: at the client's
 * EndOfEarlyData, else once the handshake is done). */
void resume_read_early(struct conn *c)
{
	char buf[EARLY_BUF];
	struct tl_note fact = { .code = TL_NOTE_EARLY_DATA_READ };

	if (!c->ep->cfg.early_data_max || c->early_noted || !(gnutls_session_get_flags(c->s) & GNUTLS_SFLAGS_EARLY_DATA))
		return;
	c->early_noted = true;
	for (int i = 0; i < EARLY_READS; i++) {
		ssize_t n = gnutls_record_recv_early_data(c->s, buf, sizeof buf);
		if (n <= 0)
			break;
		fact.bytes += (uint64_t)n;
	}
	note(c, TL_SERVER, &fact);
}
