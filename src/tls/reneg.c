/*
 * reneg.c: TLS 1.2 renegotiation (RFC 5246 7.4.1.1, RFC 5746). After the
 * handshake a server may send a HelloRequest; the client answers with a new
 * ClientHello and a whole second handshake runs inside the encrypted
 * connection (its messages travel under the first handshake's keys until its
 * own ChangeCipherSpec). Each message of it carries its handshake number
 * (conn.handshake, stamped by hooks.c), and a note opens it on the ladder.
 * The client side answers a HelloRequest; the server side asks for one,
 * optionally requesting a client certificate (as Apache does for a
 * directory that requires one).
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/notes.h"
#include "tlsladder/wire.h"

#include <stdio.h>

/* A renegotiation begins: counts it and puts its header row on the ladder. */
static void reneg_begin(struct conn *c)
{
	struct tl_note fact = { .code = TL_NOTE_RENEGOTIATION };
	char text[96];

	c->handshake++;
	c->reneg_active = true;
	c->reneg_ccs_out = false;
	c->last_hook_out = false;
	fact.count = c->handshake;
	/* the demo records both sides on one ladder: the server, which starts it, heads the flight */
	if (c->capture && !(c->o->sync && c->self == TL_CLIENT))
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, NULL, text, sizeof text), &fact);
}

/* Runs the handshake again within the deadline; returns GnuTLS's last code. */
static int reneg_handshake(struct conn *c)
{
	int rc = GNUTLS_E_TIMEDOUT;

	for (int rounds = 0; rounds < 1000 && transport_remaining_ms(c) > 0; rounds++) {
		gnutls_handshake_set_timeout(c->s, c->o->gate ? GNUTLS_INDEFINITE_TIMEOUT
							     : (unsigned)transport_remaining_ms(c));
		rc = gnutls_handshake(c->s);
		if (rc >= 0 || gnutls_error_is_fatal(rc) || rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
			break;
	}
	return rc;       /* the caller ends the renegotiation (reneg_failed, or reneg_active cleared) */
}

/* The renegotiation failed with rc: tells the peer (GnuTLS sends no alert by itself) and records why. */
static void reneg_failed(struct conn *c, int rc)
{
	struct tl_note fact = { .code = TL_NOTE_RENEG_FAILED, .fail = TL_FAIL_OTHER };
	char text[320];
	int level = 0, desc;

	fact.count = c->handshake;
	c->reneg_fail = rc;
	hooks_note_incoming_alert(c, rc);
	if (rc == GNUTLS_E_SAFE_RENEGOTIATION_FAILED || rc == GNUTLS_E_UNSAFE_RENEGOTIATION_DENIED)
		fact.fail = TL_FAIL_UNSAFE_RENEGOTIATION;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
		fact.alert = (unsigned)gnutls_alert_get(c->s);
	else if (c->fatal_in)
		fact.alert = c->fatal_in_desc;
	if (rc != GNUTLS_E_FATAL_ALERT_RECEIVED && rc != GNUTLS_E_PUSH_ERROR && rc != GNUTLS_E_PULL_ERROR &&
	    rc != GNUTLS_E_PREMATURE_TERMINATION && rc != GNUTLS_E_TIMEDOUT && !c->cancelled &&
	    (desc = gnutls_error_to_alert(rc, &level)) >= 0) {
		hooks_expect_out_alert(c, (unsigned)level, (unsigned)desc);
		gnutls_alert_send_appropriate(c->s, rc);
		c->pending_out_alert = false;
	}
	if (!c->capture)
		return;
	notes_render(&fact, fact.alert ? tls_alert_words((int)fact.alert) : tls_record_error_words(rc), text, sizeof text);
	timeline_note_fact(c->tl, TL_EV_ERROR, c->self, c->conn, text, &fact);
}

/*
 * Client, before a renegotiation: no TLS 1.2 session ticket is offered in
 * it. GnuTLS 3.7.9 keeps the first handshake's "the server will send a
 * ticket" state, so after a server (OpenSSL's, Apache's) that issued a
 * ticket in the first handshake and none in the renegotiation, it waits
 * for a NewSessionTicket, meets the ChangeCipherSpec and fails with
 * "unexpected TLS packet" (gnutls-cli fails so too). %NO_TICKETS makes it
 * neither offer nor wait for one; the first handshake's ticket is kept.
 */
static void reneg_no_tickets(struct conn *c)
{
	char prio[1024];
	int n = snprintf(prio, sizeof prio, "%s:%%NO_TICKETS", c->ep->cfg.priority ? c->ep->cfg.priority : "NORMAL");

	if (n > 0 && (size_t)n < sizeof prio)
		gnutls_priority_set_direct(c->s, prio, NULL);
}

/* Client: the server sent a HelloRequest (GnuTLS hooks none on this side); records it and runs the next handshake. */
int reneg_client_answer(struct conn *c)
{
	int rc;

	reneg_begin(c);
	hooks_hello_request(c);
	c->cert_requested = false;
	c->sent_cert = false;
	reneg_no_tickets(c);
	rc = reneg_handshake(c);
	if (rc < 0)
		reneg_failed(c, rc);
	c->reneg_active = false;
	return rc;
}

/*
 * Server: asks the client to renegotiate (HelloRequest) and runs that
 * handshake, requesting a client certificate as auth says; a required one
 * is verified as in the first handshake's set-up. TLS 1.2 only (TLS 1.3
 * has no renegotiation: it asks for a certificate by post-handshake
 * authentication instead). Returns the handshake's GnuTLS code.
 */
int reneg_server_request(struct conn *c, enum tl_auth auth)
{
	int rc;

	if (c->tls13)
		return GNUTLS_E_INVALID_REQUEST;
	if (auth != TL_AUTH_NONE)
		gnutls_certificate_server_set_request(c->s, auth == TL_AUTH_REQUIRE ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_REQUEST);
	if (auth == TL_AUTH_REQUIRE) {
		static gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT,
							 0 };
		gnutls_session_set_verify_cert2(c->s, &purpose, 1, 0);
	}
	reneg_begin(c);
	reneg_no_tickets(c);     /* GnuTLS would send one unasked, as the first handshake's ticket state stays */
	do {        /* the handshake hook records the HelloRequest going out (GnuTLS hooks it on this side) */
		rc = gnutls_rehandshake(c->s);
	} while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
	if (rc == 0)
		rc = reneg_handshake(c);
	if (rc < 0)
		reneg_failed(c, rc);
	c->reneg_active = false;
	return rc;
}

/* Client: a renegotiation failed: the connection was refused after the handshake (never ok); says so in r. */
void reneg_result(struct conn *c, struct tl_result *r)
{
	int rc = c->reneg_fail;

	if (rc == 0)
		return;
	r->rejected_after = true;
	r->code = rc;
	if (rc == GNUTLS_E_SAFE_RENEGOTIATION_FAILED || rc == GNUTLS_E_UNSAFE_RENEGOTIATION_DENIED)
		snprintf(r->error, sizeof r->error, "the client refused the renegotiation the server asked for: the server "
						    "does not support secure renegotiation (RFC 5746)");
	else if (c->fatal_in)
		snprintf(r->error, sizeof r->error, "the renegotiation the server asked for failed: %s",
			 tls_alert_words((int)c->fatal_in_desc));
	else
		snprintf(r->error, sizeof r->error, "the renegotiation the server asked for failed: %s",
			 tls_record_error_words(rc));
}
