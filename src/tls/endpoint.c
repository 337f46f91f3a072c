/*
 * endpoint.c: one side of a TLS connection with GnuTLS, recording
 * everything. An endpoint holds what outlives a connection (credentials,
 * priorities, the server's ticket key, the client's saved session);
 * endpoint_run performs one connection: the session set-up, the
 * handshake, what follows it (after.c), close_notify, and the result.
 * See conn.h for the files that share the work.
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/certverify.h"
#include "tlsladder/finished.h"
#include "tlsladder/notes.h"
#include "tlsladder/wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads the credentials and priorities of one side. */
struct endpoint *endpoint_new(const struct session_config *cfg, struct tl_error *err)
{
	struct endpoint *ep = calloc(1, sizeof *ep);
	const char *errpos = NULL;
	int rc;

	if (!ep) {
		tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
		return NULL;
	}
	ep->cfg = *cfg;
	if ((rc = gnutls_certificate_allocate_credentials(&ep->cred)) < 0) {
		tl_error_set(err, TL_EXIT_INTERNAL, "the TLS library could not allocate credentials: %s", gnutls_strerror(rc));
		goto fail;
	}
	if (creds_load(ep, err) < 0)
		goto fail;
	rc = gnutls_priority_init(&ep->prio, cfg->priority ? cfg->priority : "NORMAL", &errpos);
	if (rc < 0) {
		tl_error_set(err, TL_EXIT_USAGE, "the priority string is not valid near \"%.40s\"", errpos ? errpos : "");
		goto fail;
	}
	if (cfg->side == TL_CLIENT && (cfg->cert_file || cfg->p12_file) && ep->npcerts == 0 && creds_client_chain(ep, err) < 0)
		goto fail;
	if (cfg->side == TL_SERVER && vhost_load(ep, err) < 0)
		goto fail;
	if (cfg->side == TL_SERVER && cfg->tickets &&
	    (rc = gnutls_session_ticket_key_generate(&ep->ticket_key)) < 0) {
		tl_error_set(err, TL_EXIT_INTERNAL, "could not make a session ticket key: %s", gnutls_strerror(rc));
		goto fail;
	}
	if (resume_endpoint_init(ep, err) < 0)
		goto fail;
	return ep;
fail:
	endpoint_free(ep);
	return NULL;
}

/* Frees an endpoint. */
void endpoint_free(struct endpoint *ep)
{
	if (!ep)
		return;
	vhost_free(ep);
	if (ep->cred)
		gnutls_certificate_free_credentials(ep->cred);
	if (ep->prio)
		gnutls_priority_deinit(ep->prio);
	if (ep->ticket_key.data) {
		gnutls_memset(ep->ticket_key.data, 0, ep->ticket_key.size);
		gnutls_free(ep->ticket_key.data);
	}
	if (ep->saved_session.data)
		gnutls_free(ep->saved_session.data);
	resume_endpoint_free(ep);
	for (unsigned i = 0; i < ep->npcerts; i++) {
		gnutls_pcert_deinit(&ep->pcerts[i]);
		gnutls_x509_crt_deinit(ep->crts[i]);
	}
	gnutls_free(ep->crts);
	free(ep->pcerts);
	if (ep->privkey)
		gnutls_privkey_deinit(ep->privkey);
	free(ep);
}

/* Offers (client) or accepts (server, flags GNUTLS_ALPN_SERVER_PRECEDENCE) the comma-separated
 * protocols in list by ALPN; with s NULL only checks the list. 0, or -1 for a list that is not valid. */
int endpoint_set_alpn(gnutls_session_t s, const char *list, unsigned flags)
{
	gnutls_datum_t protos[16];
	unsigned n = 0;
	const char *p = list;

	while (*p && n < 16) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len > 255)
			return -1;
		protos[n].data = tls_datum_bytes(p);
		protos[n].size = (unsigned)len;
		n++;
		p += len + (p[len] == ',');
	}
	if (n == 0 || *p)
		return -1;
	if (!s)
		return 0;
	return gnutls_alpn_set_protocols(s, protos, n, flags) < 0 ? -1 : 0;
}

/* Sets up the GnuTLS session of a connection. */
static int conn_setup(struct conn *c, struct tl_error *err)
{
	struct endpoint *ep = c->ep;
	unsigned flags = (c->self == TL_CLIENT ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NO_SIGNAL | resume_init_flags(c);
	int rc;

	/* TLS 1.3 post-handshake authentication: the client offers it (unless told not to), so a server
	 * that wants a certificate only later can ask (and it answers, an empty Certificate if it has
	 * none); serve --request-client-cert-later asks */
	if (c->self == TL_CLIENT ? !ep->cfg.no_post_handshake_auth : ep->cfg.request_cert_later)
		flags |= GNUTLS_POST_HANDSHAKE_AUTH;
	if ((rc = gnutls_init(&c->s, flags)) < 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "the TLS library could not start a session: %s", gnutls_strerror(rc));
	gnutls_session_set_ptr(c->s, c);
	if ((rc = gnutls_priority_set(c->s, ep->prio)) < 0 ||
	    (rc = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, ep->cred)) < 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "the TLS session could not be configured: %s", gnutls_strerror(rc));
	if (c->self == TL_CLIENT) {
		const char *name = ep->cfg.server_name;
		if (name && ep->cfg.send_sni && gnutls_server_name_set(c->s, GNUTLS_NAME_DNS, name, strlen(name)) < 0)
			return tl_error_set(err, TL_EXIT_USAGE, "the server name \"%s\" cannot be sent", name);
		if (ep->cfg.verify_strict)
			gnutls_session_set_verify_cert(c->s, name, 0);
		if (ep->cfg.alpn && endpoint_set_alpn(c->s, ep->cfg.alpn, 0) < 0)
			return tl_error_set(err, TL_EXIT_USAGE, "the ALPN list \"%s\" is not valid", ep->cfg.alpn);
	} else {
		if (ep->cfg.client_auth != TL_AUTH_NONE) {
			gnutls_certificate_server_set_request(c->s, ep->cfg.client_auth == TL_AUTH_REQUIRE ? GNUTLS_CERT_REQUIRE
													    : GNUTLS_CERT_REQUEST);
		}
		if (ep->cfg.client_auth == TL_AUTH_REQUIRE || ep->cfg.request_cert_later) {
			/* verify the client's chain, including that it is meant for TLS clients */
			static gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID,
								 (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0 };
			gnutls_session_set_verify_cert2(c->s, &purpose, 1, 0);
		}
		if (ep->ticket_key.data)
			gnutls_session_ticket_enable_server(c->s, &ep->ticket_key);
		if (vhost_setup(c, err) < 0)
			return -1;
	}
	if (c->capture) {
		gnutls_handshake_set_hook_function(c->s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, hooks_handshake);
		gnutls_session_set_keylog_function(c->s, hooks_keylog);
		gnutls_transport_set_ptr(c->s, c);
		gnutls_transport_set_push_function(c->s, transport_push);
		gnutls_transport_set_pull_function(c->s, transport_pull);
		gnutls_transport_set_pull_timeout_function(c->s, transport_pull_timeout);
	} else {
		gnutls_transport_set_int(c->s, c->fd);
	}
	return resume_setup(c, err);
}

/* After a failed handshake: tell the peer why, as GnuTLS does not by itself. */
static void send_failure_alert(struct conn *c, int rc)
{
	int level = 0;
	int desc;

	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_PUSH_ERROR || rc == GNUTLS_E_PULL_ERROR ||
	    rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_TIMEDOUT || c->cancelled || c->timed_out)
		return;
	desc = gnutls_error_to_alert(rc, &level);
	if (desc < 0)
		return;
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
	    (gnutls_session_get_verify_cert_status(c->s) & GNUTLS_CERT_REVOKED)) {
		/* GnuTLS would say bad_certificate (42); RFC 8446 and 5246 name this one */
		hooks_expect_out_alert(c, GNUTLS_AL_FATAL, GNUTLS_A_CERTIFICATE_REVOKED);
		gnutls_alert_send(c->s, GNUTLS_AL_FATAL, GNUTLS_A_CERTIFICATE_REVOKED);
		c->pending_out_alert = false;
		return;
	}
	hooks_expect_out_alert(c, (unsigned)level, (unsigned)desc);
	gnutls_alert_send_appropriate(c->s, rc);
	c->pending_out_alert = false;
}

/* A fresh connection of ep over fd, number conn in tl. */
static void conn_init(struct conn *c, struct endpoint *ep, int fd, struct timeline *tl, unsigned conn,
		      const struct run_opts *o)
{
	memset(c, 0, sizeof *c);
	c->ep = ep;
	c->tl = tl;
	c->o = o;
	c->self = ep->cfg.side;
	c->peer = c->self == TL_CLIENT ? TL_SERVER : TL_CLIENT;
	c->conn = conn;
	c->fd = fd;
	c->capture = o->capture;
	c->last_in_type = -1;
	c->handshake = 1;
	recstream_init(&c->rs[DIR_OUT]);
	recstream_init(&c->rs[DIR_IN]);
}

/* The session could not be set up: records the error as the side's result; returns its exit code. */
static int setup_failed(struct conn *c, struct tl_result *r, const struct tl_error *err)
{
	snprintf(r->error, sizeof r->error, "%s", err->msg);
	r->code = -1;
	timeline_note_code(c->tl, TL_EV_ERROR, c->self, c->conn, err->msg, err->code);
	r->exit_code = err->code;
	timeline_set_result(c->tl, c->self, c->conn, r);
	if (c->s)
		gnutls_deinit(c->s);
	if (c->o->sync && c->self == TL_SERVER)
		session_sync_settled(c->o->sync);
	return err->code;
}

/* Runs the handshake within the deadline; returns GnuTLS's last code. */
static int run_handshake(struct conn *c)
{
	int rc;

	/* our own deadline (in the transport) is the real limit; in step mode it moves with the pauses */
	gnutls_handshake_set_timeout(c->s, c->o->gate ? GNUTLS_INDEFINITE_TIMEOUT
						     : transport_remaining_ms(c) > 0 ? (unsigned)transport_remaining_ms(c) : 1);
	do {
		rc = gnutls_handshake(c->s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc) && rc != GNUTLS_E_WARNING_ALERT_RECEIVED &&
		 transport_remaining_ms(c) > 0);
	return rc;
}

/* The handshake failed with rc: tell the peer, and record why. */
static void handshake_failed(struct conn *c, struct tl_result *r, int rc)
{
	struct tl_note fact;

	hooks_note_incoming_alert(c, rc);
	send_failure_alert(c, rc);
	if (c->o->sync && c->self == TL_SERVER)
		session_sync_settled(c->o->sync);
	outcome_sniff_more(c);
	outcome_classify(c, rc, r->error, sizeof r->error, &fact);
	if (c->capture)
		timeline_note_fact(c->tl, TL_EV_ERROR, c->self, c->conn, r->error, &fact);
}

/* The server sent a fatal alert after the handshake (code rc): the client's result says so. */
static void rejected_after(struct conn *c, struct tl_result *r, int rc)
{
	r->rejected_after = true;
	r->code = rc;
	snprintf(r->error, sizeof r->error, "the server rejected the connection after the handshake completed: %s",
		 tls_alert_words(gnutls_alert_get(c->s)));
	timeline_note(c->tl, TL_EV_ERROR, c->self, c->conn, r->error);
}

/* Client, --key-update: the KeyUpdate exchange (keyupdate.c); a failure there is the client's error. */
static void key_update_step(struct conn *c, struct tl_result *r)
{
	int rc = keyupdate_client(c);

	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		rejected_after(c, r, rc);
	} else if (rc < 0) {
		r->code = rc;
		snprintf(r->error, sizeof r->error, "the KeyUpdate exchange failed: %s", tls_record_error_words(rc));
		timeline_note(c->tl, TL_EV_ERROR, c->self, c->conn, r->error);
	}
}

/* Client: waits for the server's verdict (grace period), with --key-update updates the keys,
 * and with --http asks for a page. */
static void client_outcome(struct conn *c, struct tl_result *r)
{
	int64_t t = timeline_now(c->tl);
	int rc = after_client_grace(c, &r->grace_end);

	r->grace_us = timeline_now(c->tl) - t;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED && !c->reneg_fail) {
		rejected_after(c, r, rc);
	} else if (rc < 0 && rc != GNUTLS_E_TIMEDOUT && c->tls13 && (c->sent_cert || c->cert_requested)) {
		/* TLS 1.3: the server closed or reset while we waited for its verdict on our
		 * certificate; its alert (if any) was lost */
		r->code = rc;
		c->post_fail = true;
		snprintf(r->error, sizeof r->error,
			 "the server %s the connection right after the handshake, while the client waited for its "
			 "verdict on the client certificate; no alert could be read",
			 c->last_errno == ECONNRESET ? "reset" : "closed");
		timeline_note(c->tl, TL_EV_ERROR, c->self, c->conn, r->error);
	}
	if (c->ep->cfg.key_update && !c->alert_in && !c->cancelled && !c->post_fail)
		key_update_step(c, r);
	if (c->ep->cfg.http && !c->alert_in && !c->cancelled && !c->post_fail && !c->reneg_fail) {
		int hr = after_client_http(c);
		if (hr == GNUTLS_E_FATAL_ALERT_RECEIVED && !c->reneg_fail)
			rejected_after(c, r, hr);
	}
	if (c->ep->cfg.starttls && !c->alert_in && !c->cancelled && !c->post_fail && !c->reneg_fail &&
	    starttls_after(c) == GNUTLS_E_FATAL_ALERT_RECEIVED)
		rejected_after(c, r, GNUTLS_E_FATAL_ALERT_RECEIVED);
	reneg_result(c, r);
}

/* Client: saves the session for a later resumption, then says goodbye. */
static void client_close(struct conn *c)
{
	const struct run_opts *o = c->o;
	/* after its close_notify the client reads until the server's (within the grace period), unless it
	 * came already (--http reads until it): what the server still sends (a late ticket, its own
	 * close_notify) is on the ladder as on the wire, and the socket is not closed with unread data,
	 * which would reset the connection under the server */
	bool wait_peer = !c->close_in;

	resume_save(c);
	hooks_expect_out_alert(c, WIRE_ALERT_WARNING, WIRE_ALERT_CLOSE_NOTIFY);
	gnutls_record_set_timeout(c->s, (unsigned)(o->grace_ms < transport_remaining_ms(c) ? o->grace_ms
											     : transport_remaining_ms(c)));
	/* GnuTLS ends the wait with 0 on the server's close_notify and on a bare close (nginx closes without
	 * one): only a close_notify read before any end of the stream is drawn */
	if (gnutls_bye(c->s, wait_peer ? GNUTLS_SHUT_RDWR : GNUTLS_SHUT_WR) == 0 && wait_peer && !c->in_ended)
		hooks_note_incoming_alert(c, 0);
	c->pending_out_alert = false;
}

/* serve --request-client-cert-later: asks for the client's certificate once its first data came (after.c),
 * then serves as usual (an HTTP request that came first is answered now). A failure is recorded as the
 * connection's error (the client was told by an alert). Returns as after_server_serve does (0: close). */
static int server_asks_later(struct conn *c, struct tl_result *r)
{
	bool http_req = false;
	int rc = after_server_ask_cert(c, &http_req);

	if (rc == 0 && http_req)
		return after_serve_http(c);
	if (rc >= 0)
		return after_server_serve(c, r);
	hooks_note_incoming_alert(c, rc);
	if (!c->pha_not_offered && !c->alert_in && !c->in_ended)
		send_failure_alert(c, rc);
	c->pha_failed = true;
	r->code = rc;
	snprintf(r->error, sizeof r->error, "the client certificate asked for after the handshake was not obtained: %s",
		 c->pha_not_offered ? "the client did not offer post_handshake_auth"
		 : rc == GNUTLS_E_CERTIFICATE_REQUIRED && !c->peer_sent_cert ? "the client sent none"
									       : gnutls_strerror(rc));
	timeline_note(c->tl, TL_EV_ERROR, c->self, c->conn, r->error);
	return rc;
}

/* The handshake succeeded: what each side does until the connection ends. */
static void handshake_done(struct conn *c, struct tl_result *r)
{
	if (c->o->sync && c->self == TL_SERVER)
		session_sync_settled(c->o->sync);
	if (c->self == TL_CLIENT) {
		client_outcome(c, r);
		/* the server's close_notify (read with --http) is answered with the client's own */
		if ((!c->alert_in || (c->close_in && !c->fatal_in)) && !c->cancelled && !c->post_fail && !c->reneg_fail)
			client_close(c);
	} else {
		vhost_after_handshake(c);
		resume_read_early(c);
		if ((c->ep->cfg.request_cert_later ? server_asks_later(c, r) : after_server_serve(c, r)) == 0) {
			hooks_expect_out_alert(c, WIRE_ALERT_WARNING, WIRE_ALERT_CLOSE_NOTIFY);
			gnutls_bye(c->s, GNUTLS_SHUT_WR);
			c->pending_out_alert = false;
		}
	}
	r->closed_cleanly = c->close_in;
}

/* Runs one connection. */
int endpoint_run(struct endpoint *ep, int fd, struct timeline *tl, unsigned conn, const struct run_opts *o)
{
	struct conn c;
	struct tl_result r;
	struct tl_error err;
	int rc, ret;

	conn_init(&c, ep, fd, tl, conn, o);
	memset(&r, 0, sizeof r);
	if (conn_setup(&c, &err) < 0)
		return setup_failed(&c, &r, &err);
	rc = run_handshake(&c);
	if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
		hooks_note_incoming_alert(&c, rc);
	r.code = rc;
	r.handshake_ok = rc == 0;
	c.app_out = c.app_out || rc == 0;
	if (rc < 0)
		handshake_failed(&c, &r, rc);
	else
		handshake_done(&c, &r);
	if (c.capture)
		delivery_settle_remaining(&c);
	peercheck_run(&c, &r);
	if (c.capture)
		finished_settle(tl, conn);       /* the Finished check, once, now that the handshake's messages are in */
	if (c.capture)
		certverify_settle(tl, conn);     /* the signature checks, likewise */
	outcome_describe(&c, &r);
	ret = outcome_exit(&c, &r);
	r.exit_code = ret;
	timeline_set_result(tl, c.self, conn, &r);
	gnutls_deinit(c.s);
	return ret;
}
