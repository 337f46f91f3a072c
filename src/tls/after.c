/*
 * after.c: what a side does once its handshake succeeded. The client
 * reads for the grace period until the server's verdict is known (TLS 1.3
 * servers judge a client certificate after the client's Finished), and
 * with --http sends GET /, records the first response line and reads the
 * rest (counted, not kept) until the server closes; the server
 * reads until the client closes or the deadline passes, counting the bytes
 * it reads (no count cap; the data is not kept), and says how it ended. It
 * answers a browser's request.
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/notes.h"
#include "tlsladder/sniff.h"
#include "tlsladder/wire.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* How long the peer stays quiet before its flight counts as over (ms). */
#define SETTLE_MS 2
/* serve: one read takes a whole record (16 KiB of plaintext at most) */
#define SERVE_BUF 16384
/* serve: data that came within this long before the deadline: the client was still sending (us) */
#define SERVE_QUIET_US 1000000
/* serve: reads in a row that return no data before reading gives up (each waits until the deadline) */
#define SERVE_IDLE_ROUNDS 1000
/* --http: the answer is read until the server closes, the grace period ends, or this many bytes came */
#define HTTP_DRAIN_MAX (1024u * 1024u)
/* --http: reads of the answer at most (each takes a record, or waits until the grace period ends) */
#define HTTP_DRAIN_ROUNDS 4096

/* Client: the server sent a CertificateRequest after the handshake (TLS 1.3 post-handshake
 * authentication; the hook recorded it): answers with Certificate, CertificateVerify (with a
 * certificate) and Finished, through gnutls_reauth, within the deadline. Returns a GnuTLS code. */
static int answer_reauth(struct conn *c)
{
	int rc;

	gnutls_handshake_set_timeout(c->s, transport_remaining_ms(c) > 0 ? (unsigned)transport_remaining_ms(c) : 1);
	do {
		rc = gnutls_reauth(c->s, 0);
	} while ((rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) && transport_remaining_ms(c) > 0);
	if (rc == 0)
		c->pha_answered = true;
	return rc;
}

/* What became of a read's error code that may be the server asking for something after the handshake. */
enum after_ask {
	AFTER_ASK_NONE,        /* it was not, or answering failed with *rc for the caller to read */
	AFTER_ASK_ANSWERED,    /* it was, and was answered: reading goes on */
	AFTER_ASK_FAILED       /* it was, and answering failed (recorded): *rc is the failure, reading stops */
};

/* Client: a read returned *rc; when the server asked for something after the handshake, answers it.
 * Each kind of request has its branch. */
static enum after_ask after_server_asks(struct conn *c, int *rc)
{
	switch (*rc) {
	case GNUTLS_E_REHANDSHAKE:        /* TLS 1.2: a HelloRequest */
		*rc = reneg_client_answer(c);
		return *rc == 0 ? AFTER_ASK_ANSWERED : AFTER_ASK_FAILED;
	case GNUTLS_E_REAUTH_REQUEST:     /* TLS 1.3: a CertificateRequest after the handshake */
		*rc = answer_reauth(c);
		/* a failure (an alert, a close) is read by the caller like any other read's */
		return *rc == 0 ? AFTER_ASK_ANSWERED : AFTER_ASK_NONE;
	default:
		return AFTER_ASK_NONE;
	}
}

/* Client after the handshake: reads for the grace period until the outcome is known. */
int after_client_grace(struct conn *c, enum tl_grace_end *why)
{
	int64_t end = timeline_now(c->tl) + (int64_t)c->o->grace_ms * 1000;
	bool waited_peer = false, awaited = false;
	char buf[4096];

	*why = TL_GRACE_EXPIRED;
	for (int rounds = 0; rounds < 1000; rounds++) {
		int64_t now = timeline_now(c->tl);
		int left;
		/* TLS 1.3 with a certificate request: the server judges our
		 * Certificate (even an empty one) only after our Finished */
		bool awaiting_verdict = (c->tls13 && (c->sent_cert || c->cert_requested) && !c->nst_after_fin) ||
					c->pha_answered;
		bool awaiting_ticket = c->o->await_ticket && c->tls13 && c->tickets_in == 0;
		int rc;
		enum after_ask asked;

		if (awaiting_ticket)
			end = now + (int64_t)transport_remaining_ms(c) * 1000;   /* --resume: a ticket, or the deadline */
		left = (int)((end - now) / 1000);

		awaited = awaited || awaiting_verdict || awaiting_ticket;

		if (c->alert_in) {
			*why = TL_GRACE_ALERT;
			break;
		}
		if (left <= 0 || transport_remaining_ms(c) <= 0)
			break;
		if (!awaiting_verdict && !awaiting_ticket) {
			/* drain what is already in flight, then stop */
			if (c->o->sync && !waited_peer) {
				session_sync_wait(c->o->sync, left);
				waited_peer = true;
			}
			if (gnutls_record_check_pending(c->s) == 0) {
				/* the verdict (a first ticket) came after a wait for it: more
				 * of that flight may still be arriving (servers write each
				 * ticket on its own), and a short quiet spell marks its end;
				 * in the demo the server has settled already */
				int idle_ms = c->o->sync || !awaited ? 0 : left < SETTLE_MS ? left : SETTLE_MS;
				if (!transport_in_ready(c, idle_ms)) {
					*why = c->tls13 && (c->sent_cert || c->cert_requested) ? TL_GRACE_ACCEPTED
											      : TL_GRACE_DRAINED;
					break;
				}
			}
		}
		gnutls_record_set_timeout(c->s, (unsigned)(left < transport_remaining_ms(c) ? left : transport_remaining_ms(c)));
		rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
		if (rc < 0 && (asked = after_server_asks(c, &rc)) != AFTER_ASK_NONE) {
			if (asked == AFTER_ASK_ANSWERED)
				continue;
			*why = TL_GRACE_ERROR;
			return rc;
		}
		if (rc > 0) {
			char note[96];
			struct tl_note fact = { .code = TL_NOTE_APP_DATA, .count = (unsigned)rc };
			timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
			if (c->ep->cfg.starttls && (size_t)rc <= sizeof c->app_in - c->app_in_len) {
				memcpy(c->app_in + c->app_in_len, buf, (size_t)rc);    /* read by starttls_after */
				c->app_in_len += (size_t)rc;
			}
			c->nst_after_fin = true;     /* data after our Finished: the server accepted us */
			c->pha_answered = false;     /* ... and our answer to its late request */
			continue;
		}
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_TIMEDOUT)
			break;
		if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			hooks_note_incoming_alert(c, rc);
			if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == 0) {
				*why = TL_GRACE_ALERT;
				return rc;
			}
			continue;
		}
		*why = TL_GRACE_ERROR;
		return rc;
	}
	return GNUTLS_E_SUCCESS;
}

/* Client, --http: sends GET / (noted before the write: a server answers the request at once, and a
 * post-handshake CertificateRequest may arrive before the write call returns). Returns a GnuTLS code. */
static int http_send_request(struct conn *c)
{
	char req[512], note[96];
	const char *host = c->ep->cfg.server_name ? c->ep->cfg.server_name : "localhost";
	struct tl_note sent = { .code = TL_NOTE_HTTP_SENT };
	int rc;

	snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: tlsladder\r\nConnection: close\r\n\r\n",
		 strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "");
	timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&sent, NULL, note, sizeof note), &sent);
	do {
		rc = (int)gnutls_record_send(c->s, req, strlen(req));
	} while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
	return rc < 0 ? rc : 0;
}

/*
 * Client, --http, once the status line is in: reads the rest of the answer
 * (counted, not kept) until the server closes (close_notify, an alert, EOF),
 * the grace period ends or HTTP_DRAIN_MAX bytes came, so that what the
 * server sends last (its close_notify; late tickets, a KeyUpdate; a
 * HelloRequest or CertificateRequest, answered as during the status line)
 * is on the ladder as it is on the wire. bytes: those the status line's
 * reads took; the whole answer's count becomes a note. Returns a fatal
 * alert or a failed answer's code, else 0.
 */
static int http_drain(struct conn *c, uint64_t bytes)
{
	char buf[4096], note[96];
	int64_t end = timeline_now(c->tl) + (int64_t)c->o->grace_ms * 1000;
	int rc = GNUTLS_E_TIMEDOUT;
	enum after_ask asked = AFTER_ASK_NONE;
	struct tl_note fact = { .code = TL_NOTE_APP_DATA };

	for (int rounds = 0; rounds < HTTP_DRAIN_ROUNDS && bytes < HTTP_DRAIN_MAX; rounds++) {
		int left = (int)((end - timeline_now(c->tl)) / 1000);

		if (left > transport_remaining_ms(c))
			left = transport_remaining_ms(c);
		if (left <= 0) {
			rc = GNUTLS_E_TIMEDOUT;
			break;
		}
		gnutls_record_set_timeout(c->s, (unsigned)left);
		rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
		if (rc > 0) {
			bytes += (uint64_t)rc;
			continue;
		}
		if (rc < 0 && (asked = after_server_asks(c, &rc)) != AFTER_ASK_NONE) {
			if (asked == AFTER_ASK_ANSWERED)
				continue;
			break;
		}
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			hooks_note_incoming_alert(c, rc);
			continue;
		}
		break;
	}
	fact.count = bytes > UINT_MAX ? UINT_MAX : (unsigned)bytes;
	timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
	if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		hooks_note_incoming_alert(c, rc);
	return rc == GNUTLS_E_FATAL_ALERT_RECEIVED || asked == AFTER_ASK_FAILED ? rc : 0;
}

/* Client: a minimal HTTP request; the first response line becomes a note (mTLS
 * servers often reveal a rejected certificate only here), then the rest of the
 * answer is read until the server closes (http_drain). Returns a GnuTLS code. */
int after_client_http(struct conn *c)
{
	char buf[4096], line[256];
	size_t have = 0;
	bool ended = false;
	int rc;
	enum after_ask asked;

	if ((rc = http_send_request(c)) < 0)
		return rc;
	for (int rounds = 0; rounds < 1000 && have < sizeof buf - 1; rounds++) {
		if (transport_remaining_ms(c) <= 0)
			return GNUTLS_E_TIMEDOUT;
		gnutls_record_set_timeout(c->s, (unsigned)transport_remaining_ms(c));
		rc = (int)gnutls_record_recv(c->s, buf + have, sizeof buf - 1 - have);
		if (rc < 0 && (asked = after_server_asks(c, &rc)) != AFTER_ASK_NONE) {
			if (asked == AFTER_ASK_ANSWERED)
				continue;
			return rc;
		}
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			hooks_note_incoming_alert(c, rc);
			continue;
		}
		if (rc <= 0) {
			if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
				hooks_note_incoming_alert(c, rc);
			if (have == 0)
				return rc;
			ended = true;
			break;
		}
		have += (size_t)rc;
		buf[have] = '\0';
		if (strchr(buf, '\n') != NULL)
			break;
	}
	{
		size_t total = have;
		int status;
		struct tl_note answer = { .code = TL_NOTE_HTTP_ANSWER };

		buf[have < sizeof buf ? have : sizeof buf - 1] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		status = sniff_http_status((const uint8_t *)buf, strlen(buf));
		answer.status = status > 0 ? status : 0;
		timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn,
				   notes_render(&answer, have ? buf : NULL, line, sizeof line), &answer);
		return ended ? 0 : http_drain(c, total);
	}
}

/* Server: application data arrived while it waited for the client's answer to its late request: takes it
 * (counted, not kept), noting whether it began with an HTTP request (answered once the question is settled). */
static int take_data_meanwhile(struct conn *c, bool *http_req, uint64_t *bytes)
{
	char buf[SERVE_BUF];
	int rc;

	gnutls_record_set_timeout(c->s, (unsigned)transport_remaining_ms(c));
	rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
	if (rc > 0) {
		if (*bytes == 0 && sniff_bytes((const uint8_t *)buf, (size_t)rc).kind == SNIFF_HTTP_REQUEST)
			*http_req = true;
		*bytes += (uint64_t)rc;
		return 0;
	}
	return rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED ? 0 : rc;
}

/* Server: waits for the client's first application data (within the deadline); true when some came. */
static bool first_data(struct conn *c, bool *http_req, uint64_t *bytes, int *rc)
{
	*rc = 0;
	for (int rounds = 0; rounds < SERVE_IDLE_ROUNDS && *bytes == 0 && *rc == 0; rounds++) {
		if (transport_remaining_ms(c) <= 0)
			return false;
		*rc = take_data_meanwhile(c, http_req, bytes);
	}
	return *bytes > 0;
}

/*
 * serve --request-client-cert-later (TLS 1.3), as Apache does for a
 * location with SSLVerifyClient require: the handshake asks for nothing;
 * once the client's first application data (its request) arrived, the
 * server requires the client's certificate by post-handshake
 * authentication (CertificateRequest; the client answers with
 * Certificate, CertificateVerify and Finished), verified against
 * --client-ca. A client that did not offer post_handshake_auth cannot be
 * asked: that is noted (typed), and the server refuses it with
 * certificate_required (c->pha_not_offered). *http_req: the data was an
 * HTTP request (answered once the certificate is in). Returns 0 when the
 * certificate was obtained, 1 when nothing was asked (TLS 1.2, or no data
 * came), or the GnuTLS error that ended the exchange.
 */
int after_server_ask_cert(struct conn *c, bool *http_req)
{
	uint64_t bytes = 0;
	int rc = 0;

	*http_req = false;
	if (!c->tls13)
		return 1;            /* TLS 1.2 has no post-handshake authentication */
	if (!first_data(c, http_req, &bytes, &rc))
		return 1;            /* how reading ended is after_server_serve's to say */
	if (!(gnutls_session_get_flags(c->s) & GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH)) {
		struct tl_note fact = { .code = TL_NOTE_PHA_NOT_OFFERED };
		char note[160];
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
		hooks_expect_out_alert(c, WIRE_ALERT_FATAL, WIRE_ALERT_CERTIFICATE_REQUIRED);
		gnutls_alert_send(c->s, GNUTLS_AL_FATAL, GNUTLS_A_CERTIFICATE_REQUIRED);
		c->pending_out_alert = false;
		c->pha_not_offered = true;
		return GNUTLS_E_CERTIFICATE_REQUIRED;
	}
	gnutls_certificate_server_set_request(c->s, GNUTLS_CERT_REQUIRE);
	gnutls_handshake_set_timeout(c->s, transport_remaining_ms(c) > 0 ? (unsigned)transport_remaining_ms(c) : 1);
	rc = GNUTLS_E_AGAIN;
	for (int rounds = 0; rounds < SERVE_IDLE_ROUNDS && transport_remaining_ms(c) > 0; rounds++) {
		rc = gnutls_reauth(c->s, 0);
		if (rc == GNUTLS_E_GOT_APPLICATION_DATA && (rc = take_data_meanwhile(c, http_req, &bytes)) == 0)
			rc = GNUTLS_E_AGAIN;
		if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED)
			break;
	}
	return rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED ? GNUTLS_E_TIMEDOUT : rc;
}

/* Server: answers a browser's or curl's HTTP request, so it does not wait for the deadline. */
int after_serve_http(struct conn *c)
{
	static const char body[] = "tlsladder: the TLS handshake is complete; tlsladder recorded it.\n";
	char resp[256], note[96];
	struct tl_note fact = { .code = TL_NOTE_HTTP_SERVED };
	int len = snprintf(resp, sizeof resp,
			   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			   "Connection: close\r\n\r\n%s", sizeof body - 1, body);
	int rc;

	timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
	do {
		rc = (int)gnutls_record_send(c->s, resp, (size_t)len);
	} while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
	return rc < 0 ? rc : 0;
}

/* Server, at the deadline: the client was still sending if bytes were waiting
 * (in GnuTLS, in a record begun, or in the socket) or some arrived within the
 * last second. */
static bool serve_still_sending(struct conn *c, int64_t last_data_us)
{
	struct recstream_record r;
	size_t have;
	char b;

	if (last_data_us >= 0 && timeline_now(c->tl) - last_data_us < SERVE_QUIET_US)
		return true;
	return gnutls_record_check_pending(c->s) > 0 || recstream_partial(&c->rs[DIR_IN], &r, &have) ||
	       recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* Server: how reading the client's data ended, from the last read's code. */
static enum tl_read_end serve_end(struct conn *c, int rc, int64_t last_data_us)
{
	if (c->cancelled)
		return TL_READ_CANCELLED;
	if (rc == 0)
		return TL_READ_CLOSED;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		return TL_READ_ALERT;
	if (c->timed_out || rc == GNUTLS_E_TIMEDOUT || transport_remaining_ms(c) <= 0)
		return serve_still_sending(c, last_data_us) ? TL_READ_DEADLINE_SENDING : TL_READ_DEADLINE_IDLE;
	if (c->in_ended && c->last_errno != ECONNRESET &&
	    (rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_UNEXPECTED_PACKET_LENGTH))
		return TL_READ_EOF;
	return TL_READ_ERROR;
}

/* Server: records how many bytes the client sent and how reading ended (a
 * client that sent none and closed cleanly gets no note); when the deadline
 * cut the client's data short, that is the connection's error. */
static void serve_report(struct conn *c, struct tl_result *r, enum tl_read_end end, uint64_t bytes, int rc)
{
	struct tl_note fact = { .code = TL_NOTE_DATA_READ, .bytes = bytes, .end = end };
	const char *why = c->last_errno == ECONNRESET ? "the client reset the connection" : tls_record_error_words(rc);
	char text[sizeof r->error];

	if (end == TL_READ_CLOSED && bytes == 0)
		return;                      /* the usual end of a handshake-only client: nothing to say */
	notes_render(&fact, end == TL_READ_ERROR ? why : NULL, text, sizeof text);
	if (end != TL_READ_DEADLINE_SENDING) {
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, text, &fact);
		return;
	}
	c->read_cut = true;
	r->code = GNUTLS_E_TIMEDOUT;
	snprintf(r->error, sizeof r->error, "%s", text);
	timeline_note_fact(c->tl, TL_EV_ERROR, c->self, c->conn, text, &fact);
}

/*
 * Server after the handshake: reads until the client closes or the deadline,
 * counting the application data (not keeping it), and records how it ended.
 * Bounded by the deadline: each round reads data or waits for it (at most
 * SERVE_IDLE_ROUNDS rounds in a row without data). An HTTP request first is
 * answered. Returns 0 when the client closed with close_notify.
 */
int after_server_serve(struct conn *c, struct tl_result *r)
{
	char buf[SERVE_BUF];
	uint64_t bytes = 0;
	int64_t last_data_us = -1;
	int rc = GNUTLS_E_AGAIN;

	for (int idle = 0; idle < SERVE_IDLE_ROUNDS; idle++) {
		if (transport_remaining_ms(c) <= 0) {
			rc = GNUTLS_E_TIMEDOUT;
			break;
		}
		gnutls_record_set_timeout(c->s, (unsigned)transport_remaining_ms(c));
		rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
		if (rc > 0) {
			if (bytes == 0 && sniff_bytes((const uint8_t *)buf, (size_t)rc).kind == SNIFF_HTTP_REQUEST) {
				if (c->ep->cfg.reneg_auth != TL_AUTH_NONE && c->handshake == 1 && !c->tls13 &&
				    (rc = reneg_server_request(c, c->ep->cfg.reneg_auth)) < 0)
					return rc;        /* recorded (reneg.c) */
				return after_serve_http(c);
			}
			bytes += (uint64_t)rc;
			if ((rc = keyupdate_server_answer(c)) < 0)
				break;
			last_data_us = timeline_now(c->tl);
			idle = -1;           /* data: the count of empty rounds starts again */
			continue;
		}
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			hooks_note_incoming_alert(c, rc);
			continue;
		}
		break;
	}
	if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		hooks_note_incoming_alert(c, rc);
	serve_report(c, r, serve_end(c, rc, last_data_us), bytes, rc);
	return rc;
}
