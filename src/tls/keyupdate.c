/*
 * keyupdate.c: TLS 1.3 KeyUpdate (RFC 8446 4.6.3), after the handshake.
 * The client (--key-update) moves its sending keys to the next application
 * traffic secret and asks the peer to do the same; the peer answers with a
 * KeyUpdate of its own before its next application data. Which secret
 * generation protects each message and record is counted here per
 * direction: ours moves on once the record carrying our KeyUpdate is
 * written, the peer's once its KeyUpdate was read (the record carrying it
 * still used the old keys).
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/notes.h"
#include "tlsladder/wire.h"

#include <stdio.h>
#include <string.h>

/* Reads while waiting for the peer's answer, at most this many times. */
#define ANSWER_ROUNDS 1000

/* The hook saw a KeyUpdate in direction dir (body as hooked): the generations move on. */
void keyupdate_hooked(struct conn *c, int dir, const gnutls_datum_t *msg)
{
	if (dir == DIR_OUT) {
		c->ku_out_pending = true;      /* its record, still under the old keys, is written next */
		return;
	}
	c->key_gen[DIR_IN]++;
	c->ku_in++;
	c->ku_in_requested = msg->size == 1 && msg->data[0] == WIRE_KEY_UPDATE_REQUESTED;
}

/* The generation of the application traffic secret protecting a record in direction dir;
 * is_record: an encrypted record just written or read (our KeyUpdate's record moves ours on). */
unsigned keyupdate_record_gen(struct conn *c, int dir, enum tl_keys keys, bool is_record)
{
	unsigned gen = c->key_gen[dir];

	if (keys != TL_KEYS_APPLICATION)
		return 0;
	if (is_record && dir == DIR_OUT && c->ku_out_pending) {
		c->ku_out_pending = false;
		c->key_gen[DIR_OUT]++;
	}
	return gen;
}

/* Sends one line of application data and notes it (note: the peer cannot, or does not). Returns a GnuTLS code. */
static int send_line(struct conn *c, const char *line, bool note_it)
{
	struct tl_note fact = { .code = TL_NOTE_DATA_SENT, .count = (unsigned)strlen(line) };
	const char *who = c->self == TL_CLIENT ? "client" : "server";
	char note[96];
	int rc;

	do {
		rc = (int)gnutls_record_send(c->s, line, strlen(line));
	} while ((rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) && transport_remaining_ms(c) > 0);
	if (rc >= 0 && note_it)
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, who, note, sizeof note), &fact);
	return rc < 0 ? rc : 0;
}

/* Notes count bytes of application data from the peer. */
static void note_data_in(struct conn *c, int count)
{
	struct tl_note fact = { .code = TL_NOTE_APP_DATA, .count = (unsigned)count };
	char note[96];

	timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
}

/*
 * Reads until the peer's KeyUpdate arrived (and, when we sent data, the
 * peer's data after it), within the grace period and the deadline.
 * Returns a GnuTLS code (0 also when no answer came: that is noted).
 */
static int await_answer(struct conn *c)
{
	int64_t end = timeline_now(c->tl) + (int64_t)c->o->grace_ms * 1000;
	bool data_after = false;
	char buf[4096];
	int rc = 0;

	for (int rounds = 0; rounds < ANSWER_ROUNDS; rounds++) {
		int left = (int)((end - timeline_now(c->tl)) / 1000);

		if (c->ku_in > 0 && (data_after || !c->ep->cfg.key_update_data))
			return 0;
		if (left > transport_remaining_ms(c))
			left = transport_remaining_ms(c);
		if (left <= 0)
			break;
		gnutls_record_set_timeout(c->s, (unsigned)left);
		rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
		if (rc > 0) {
			note_data_in(c, rc);
			data_after = data_after || c->ku_in > 0;
			continue;
		}
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_TIMEDOUT)
			break;
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			hooks_note_incoming_alert(c, rc);
			continue;
		}
		if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
			hooks_note_incoming_alert(c, rc);
		return rc;
	}
	if (c->ku_in == 0) {
		struct tl_note fact = { .code = TL_NOTE_KEY_UPDATE_UNANSWERED };
		char note[320];
		timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn,
				   notes_render(&fact, c->peer == TL_SERVER ? "server" : "client", note, sizeof note), &fact);
	}
	return 0;
}

/* Client, --key-update: after the grace period, updates its keys asking the peer to update too,
 * and reads until the peer's answer arrives (or the grace period ends). Returns a GnuTLS code. */
int keyupdate_client(struct conn *c)
{
	int rc;

	if (!c->tls13) {
		struct tl_note fact = { .code = TL_NOTE_KEY_UPDATE_TLS12 };
		char note[320];
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
		return 0;
	}
	if (c->ep->cfg.key_update_data && (rc = send_line(c, "tlsladder: data before the KeyUpdate\n", true)) < 0)
		return rc;
	do {
		rc = gnutls_session_key_update(c->s, GNUTLS_KU_PEER);
	} while ((rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) && transport_remaining_ms(c) > 0);
	if (rc < 0)
		return rc;
	if (c->ep->cfg.key_update_data && (rc = send_line(c, "tlsladder: data after the KeyUpdate\n", true)) < 0)
		return rc;
	/* with --http the request follows, and the answer to it brings the peer's KeyUpdate */
	return c->ep->cfg.http ? 0 : await_answer(c);
}

/* Server (the key-update demo): after the client's KeyUpdate, data from the client is answered
 * once, so the server's own KeyUpdate (GnuTLS sends it with its next data) goes out. */
int keyupdate_server_answer(struct conn *c)
{
	if (!c->ep->cfg.key_update || c->ku_in == 0 || c->ku_answered)
		return 0;
	c->ku_answered = true;
	/* the client notes its arrival (TL_NOTE_APP_DATA) */
	return send_line(c, "tlsladder: the server's data after its KeyUpdate\n", false);
}
