/*
 * text.c: the text ladder (see text.h).
 *
 * A line:  "  step   time ms  |---- label ---->|  marker"
 * The arrow spans ARROW columns between the CLIENT and SERVER lifelines;
 * '-' for plaintext, '=' for encrypted, '.' for the application protocol's
 * own plaintext before TLS (STARTTLS, marked "plain"); the head points at
 * the receiver.
 * A message or record that did not reach the receiver (not sent, or cut
 * short) gets a shorter arrow ending in 'x', and what became of it:
 *   "|------- Finished  12 B -------x              |  not sent: ..."
 */
#include "tlsladder/text.h"
#include "tlsladder/chain.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/hexview.h"
#include "tlsladder/names.h"
#include "tlsladder/recframe.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/summary.h"
#include "tlsladder/wire.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARROW 50
#define STUB 40       /* the arrow of a message that was not delivered */

/* The label an event carries on its arrow; a renegotiation's ("[2] ClientHello ...") says which handshake. */
void text_event_label(const struct tl_event *ev, char *buf, size_t n)
{
	const char *name = timeline_event_name(ev);
	char mark[16] = "";

	if (ev->handshake > 1 && n > 16) {
		snprintf(mark, sizeof mark, "[%u] ", ev->handshake);
		snprintf(buf, n, "%s", mark);
		buf += strlen(mark);
		n -= strlen(mark);
	}

	switch (ev->kind) {
	case TL_EV_HANDSHAKE:
		/* the size on the wire, also when only part of the body was kept */
		snprintf(buf, n, "%s  %zu B", name, ev->body_total > ev->body_len ? ev->body_total : ev->body_len);
		break;
	case TL_EV_ALERT: {
		const char *lvl = names_alert_level(ev->alert_level);
		const char *d = names_alert(ev->alert_desc);
		snprintf(buf, n, "Alert %s %s (%u)", lvl ? lvl : "?", d ? d : "unknown", ev->alert_desc);
		break;
	}
	case TL_EV_RECORD:
		snprintf(buf, n, "%s(%u) %04x  %u B", name, ev->rec_type, ev->rec_version, ev->rec_length);
		break;
	case TL_EV_PLAIN:
		/* the line itself, as read from the network: sanitized */
		sanitize_str(buf, n, ev->text ? ev->text : "");
		break;
	default:
		snprintf(buf, n, "%s", name);
		break;
	}
}

/*
 * Draws the arrow of a message or record into arrow (ARROW columns): from
 * the sender to the receiver, or, when it was not delivered, a shorter one
 * that stops at an 'x' well before the receiver's lifeline.
 */
static void draw_arrow(const struct tl_event *ev, char *arrow)
{
	char label[96];
	bool cut = timeline_undelivered(ev);
	char line = ev->encrypted ? '=' : ev->kind == TL_EV_PLAIN ? '.' : '-';   /* a line inside TLS is encrypted */
	size_t span = cut ? STUB : ARROW, from = ev->from == TL_CLIENT || !cut ? 0 : ARROW - STUB;
	size_t len, left;

	text_event_label(ev, label, sizeof label);
	len = strlen(label);
	if (len > span - 6)
		len = span - 6;
	memset(arrow, ' ', ARROW);
	memset(arrow + from, line, span);
	arrow[ARROW] = '\0';
	left = from + (span - len - 2) / 2;
	arrow[left] = ' ';
	memcpy(arrow + left + 1, label, len);
	arrow[left + 1 + len] = ' ';
	if (ev->from == TL_CLIENT)
		arrow[span - 1] = cut ? 'x' : '>';
	else
		arrow[from] = cut ? 'x' : '<';
}

/* What was kept of a note's text cut at the connection's limit, after the text ("" when whole). */
static void text_kept(const struct tl_event *ev, char *buf, size_t n)
{
	size_t len = ev->text ? strlen(ev->text) : 0;
	char kept[32], total[32];

	buf[0] = '\0';
	if (ev->text_total > len)
		snprintf(buf, n, " [stored: the first %s of %s bytes; the rest was not kept]",
			 timeline_grouped(len, kept, sizeof kept), timeline_grouped(ev->text_total, total, sizeof total));
}

/* After a record's line: " = EncryptedExtensions", what its plaintext holds (recframe.h), when known. */
static void add_carried(const struct timeline *tl, size_t i, char *line, size_t n)
{
	char what[300];
	size_t used = strlen(line);

	if (recframe_carried(tl, i, what, sizeof what)[0] && used + 1 < n)
		snprintf(line + used, n - used, " = %s", what);
}

/* Formats one event's line. */
char *text_event_line(const struct tl_event *ev, unsigned step, int64_t t0_us, char *buf, size_t n)
{
	char arrow[ARROW + 1], safe[512], fate[160], kept[160], enc[96], secret[64];
	double ms = (double)(ev->t_us - t0_us) / 1000.0;

	if (ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR || ev->kind == TL_EV_DIAGNOSIS) {
		const char *what = ev->kind == TL_EV_NOTE ? "note" : ev->kind == TL_EV_ERROR ? "error" : "pre-flight";
		/* a pre-flight finding is "sentence\nfix": the ladder shows the sentence */
		sanitize_text(safe, sizeof safe, ev->text ? ev->text : "",
			      ev->text ? (ev->kind == TL_EV_DIAGNOSIS && strchr(ev->text, '\n') ? (size_t)(strchr(ev->text, '\n') - ev->text)
										       : strlen(ev->text))
				       : 0);
		text_kept(ev, kept, sizeof kept);
		snprintf(buf, n, "%4u %9.3f  -- %s (%s): %s%s", step, ms, what, ev->from == TL_CLIENT ? "client" : "server",
			 safe, kept);
		return buf;
	}
	draw_arrow(ev, arrow);
	timeline_delivery_text(ev, fate, sizeof fate);
	timeline_stored_text(ev, kept, sizeof kept);
	if (ev->kind == TL_EV_PLAIN) {
		snprintf(buf, n, "%4u %9.3f  |%s|  %s %zu B%s%s", step, ms, arrow, ev->encrypted ? "encrypted" : "plain",
			 ev->body_total > ev->body_len ? ev->body_total : ev->body_len, fate[0] ? "  " : "", fate);
		return buf;
	}
	/* after a KeyUpdate: which application traffic secret */
	if (ev->encrypted && ev->keys == TL_KEYS_APPLICATION && ev->key_gen > 0)
		snprintf(enc, sizeof enc, "  encrypted (%s)", timeline_secret_name(ev, secret, sizeof secret));
	else
		snprintf(enc, sizeof enc, "%s", ev->encrypted ? "  encrypted" : "");
	snprintf(buf, n, "%4u %9.3f  |%s|%s%s%s%s%s%s", step, ms, arrow, enc,
		 ev->recv_differs ? "  RECEIVED BYTES DIFFER" : "", fate[0] ? "  " : "", fate, kept[0] ? "  stored: " : "",
		 kept);
	return buf;
}

/* Name of a protocol version, or "unknown". */
static const char *version_name(unsigned v)
{
	const char *s = v ? names_version(v) : NULL;
	return s ? s : "unknown";
}

/* One "  key:  value" line of the summary, value sanitized. */
static void kv(FILE *f, const char *key, const char *value)
{
	char safe[1400];

	sanitize_str(safe, sizeof safe, value);
	fprintf(f, "  %-19s %s\n", key, safe);
}

/* The outcome of one side in words. */
static void side_outcome(const struct tl_result *r, char *buf, size_t n)
{
	if (!r->set)
		snprintf(buf, n, "no result");
	else if (r->rejected_after || !r->handshake_ok || r->error[0])
		snprintf(buf, n, "%s", r->error[0] ? r->error : "failed");
	else
		snprintf(buf, n, "handshake completed%s", r->closed_cleanly ? ", closed cleanly" : "");
}

/* A side's verdict on its peer's certificate: the chain verdict stored when it
 * checked it (the words of the details' chain line), else the side's own words. */
static void cert_verdict(const struct timeline *tl, unsigned conn, enum tl_side judge, const struct tl_result *r,
			 char *buf, size_t n)
{
	struct chain_result *c = malloc(sizeof *c);

	if (c && timeline_get_chain(tl, judge, conn, c))
		chain_words(c, buf, n);
	else
		snprintf(buf, n, "%s", r->verify);
	free(c);
}

/* What a resumed connection's summary says about authentication, from the connection it resumes. */
struct resumed_words {
	char sig[200], resumed[200], server_cert[800], client_cert[800];
};

/* Fills w for the resumed connection s: nothing was authenticated here; say what its origin established. */
static void resumed_words(const struct timeline *tl, const struct summary *s, struct resumed_words *w)
{
	struct summary o;
	const char *name;

	if (!summary_origin(tl, s, &o)) {
		snprintf(w->sig, sizeof w->sig, "none (resumed: no certificate and no signature in this connection)");
		snprintf(w->resumed, sizeof w->resumed, "yes, a session from a connection not shown here; no certificate "
			 "was exchanged in this connection");
		snprintf(w->server_cert, sizeof w->server_cert, "not sent in this connection (resumed)");
		snprintf(w->client_cert, sizeof w->client_cert, "not sent in this connection (resumed)");
		return;
	}
	name = o.sigscheme ? names_sigscheme(o.sigscheme) : NULL;
	if (o.sigscheme)
		snprintf(w->sig, sizeof w->sig, "none in this connection; in connection %u the server signed with %s",
			 o.conn + 1, name ? name : "an unknown scheme");
	else if (o.kx == SUMMARY_KX_RSA)
		snprintf(w->sig, sizeof w->sig, "none in this connection; in connection %u the server proved its key "
			 "by decrypting the premaster secret", o.conn + 1);
	else
		snprintf(w->sig, sizeof w->sig, "none in this connection, nor in connection %u", o.conn + 1);
	snprintf(w->resumed, sizeof w->resumed, "yes, the session of connection %u; no certificate was exchanged in "
		 "this connection", o.conn + 1);
	if (o.client.set && o.client.verify_done) {
		char v[600];
		cert_verdict(tl, o.conn, TL_CLIENT, &o.client, v, sizeof v);
		snprintf(w->server_cert, sizeof w->server_cert, "not sent in this connection; in connection %u: %s",
			 o.conn + 1, v);
	}
	else
		snprintf(w->server_cert, sizeof w->server_cert, "not sent in this connection; connection %u did not "
			 "check it either", o.conn + 1);
	if (!o.cert_requested)
		snprintf(w->client_cert, sizeof w->client_cert, "not requested, here or in connection %u", o.conn + 1);
	else if (o.client_cert_msg && o.client_certs > 0) {
		char v[600] = "";
		if (o.server.set && o.server.verify[0])
			cert_verdict(tl, o.conn, TL_SERVER, &o.server, v, sizeof v);
		snprintf(w->client_cert, sizeof w->client_cert, "not sent in this connection; in connection %u the "
			 "client sent a chain of %u certificate%s%s%s", o.conn + 1, o.client_certs,
			 o.client_certs == 1 ? "" : "s", v[0] ? ": " : "", v);
	}
	else
		snprintf(w->client_cert, sizeof w->client_cert, "not sent in this connection; in connection %u it was "
			 "requested, and none was sent", o.conn + 1);
}

/* The negotiated parameters: version, cipher suite, key exchange. */
static void summary_params(FILE *f, const struct summary *s)
{
	char buf[200];
	const char *name = s->cipher_suite ? names_cipher_suite(s->cipher_suite) : NULL;

	kv(f, "version:", version_name(s->version));
	if (name == NULL && s->cipher_suite)
		snprintf(buf, sizeof buf, "unknown (0x%04x)", s->cipher_suite);
	else
		snprintf(buf, sizeof buf, "%s", name ? name : "none");
	kv(f, "cipher suite:", buf);
	if (!summary_kx_name(s->kx))
		return;
	name = s->group ? names_group(s->group) : NULL;
	if (s->group)
		snprintf(buf, sizeof buf, "%s, group %s", summary_kx_name(s->kx), name ? name : "unknown");
	else if (s->dh_bits)
		snprintf(buf, sizeof buf, "%s, a %u-bit prime the server chose", summary_kx_name(s->kx), s->dh_bits);
	else if (s->kx == SUMMARY_KX_RSA)
		snprintf(buf, sizeof buf, "RSA (the client encrypts the premaster secret to the server's key)");
	else
		snprintf(buf, sizeof buf, "%s", summary_kx_name(s->kx));
	kv(f, "key exchange:", buf);
}

/* How the server proved its key in this handshake (rw: a resumption's words, or NULL). */
static void summary_signature(FILE *f, const struct summary *s, const struct resumed_words *rw)
{
	const char *name;

	if (rw) {
		kv(f, "server signature:", rw->sig);
	} else if (s->sigscheme) {
		name = names_sigscheme(s->sigscheme);
		kv(f, "server signature:", name ? name : "unknown");
	} else if (s->legacy_sig != NAMES_AUTH_NONE) {
		kv(f, "server signature:", s->legacy_sig == NAMES_AUTH_RSA     ? "RSA over MD5+SHA-1 (fixed in TLS 1.0/1.1: no algorithm is negotiated)"
				   : s->legacy_sig == NAMES_AUTH_DSA   ? "DSA over SHA-1 (fixed in TLS 1.0/1.1: no algorithm is negotiated)"
								       : "ECDSA over SHA-1 (fixed in TLS 1.0/1.1: no algorithm is negotiated)");
	} else if (s->rsa_kx) {
		kv(f, "server signature:", "none (the server proves its key by decrypting the premaster secret)");
	}
}

/* The client certificate line when the server asked for it after the handshake (TLS 1.3 post-handshake
 * auth): what the client answered, the server's verdict on the chain (verdict, "" unknown), and how the
 * server took it (its HTTP answer, or an alert). */
static void late_request_line(const struct summary *s, const char *verdict, char *buf, size_t n)
{
	size_t k = (size_t)snprintf(buf, n, "requested after the handshake (post-handshake auth); ");
	const struct tl_result *c = &s->client;

	if (k >= n)
		return;
	if (!s->late_answered)
		k += (size_t)snprintf(buf + k, n - k, "left unanswered");
	else if (s->client_cert_msg && s->client_certs > 0)
		k += (size_t)snprintf(buf + k, n - k, "sent a chain of %u certificate%s", s->client_certs,
				      s->client_certs == 1 ? "" : "s");
	else
		k += (size_t)snprintf(buf + k, n - k, "answered with an empty Certificate (none configured)");
	if (k < n && verdict[0])
		k += (size_t)snprintf(buf + k, n - k, "; %s", verdict);
	if (k >= n)
		return;
	if (s->http_status >= 400)
		snprintf(buf + k, n - k, "; refused (HTTP %d)", s->http_status);
	else if (s->http_status >= 200)
		snprintf(buf + k, n - k, "; accepted (HTTP %d)", s->http_status);
	else if (c->set && c->rejected_after)
		snprintf(buf + k, n - k, "; refused with an alert");
}

/* The two certificate lines: each side's verdict on its peer's chain (rw: a resumption's words, or NULL). */
static void summary_certificates(FILE *f, const struct timeline *tl, const struct summary *s,
				 const struct resumed_words *rw, const struct text_opts *o)
{
	char buf[700];

	if (o->server_only)
		;                          /* the server's own certificate: nothing to judge */
	else if (rw)
		kv(f, "server certificate:", rw->server_cert);
	else if (s->client.set && s->client.verify_done) {
		cert_verdict(tl, s->conn, TL_CLIENT, &s->client, buf, sizeof buf);
		kv(f, "server certificate:", buf);
	} else if (s->client.set && !s->resumed && s->client.handshake_ok)
		kv(f, "server certificate:", "not checked");
	if (rw) {
		kv(f, "client certificate:", rw->client_cert);
	} else if (s->cert_requested_late) {
		char verdict[600] = "";
		if (!o->client_only && s->server.set && s->server.verify[0])
			cert_verdict(tl, s->conn, TL_SERVER, &s->server, verdict, sizeof verdict);
		late_request_line(s, verdict, buf, sizeof buf);
		kv(f, "client certificate:", buf);
	} else if (!o->client_only && s->server.set && s->server.verify[0]) {
		cert_verdict(tl, s->conn, TL_SERVER, &s->server, buf, sizeof buf);
		kv(f, "client certificate:", buf);
	} else if (!s->cert_requested && s->reneg.cert_requested) {
		snprintf(buf, sizeof buf, "not requested in the first handshake; requested in the renegotiation "
					  "(handshake %u): %s", s->reneg.handshakes,
			 s->reneg.client_certs > 0 ? "sent"
			 : s->reneg.client_cert_msg ? "none sent (empty Certificate message)"
						    : "no Certificate message was sent");
		kv(f, "client certificate:", buf);
	} else if (!s->cert_requested) {
		kv(f, "client certificate:", "not requested");
	} else if (s->client_cert_msg && s->client_certs > 0) {
		snprintf(buf, sizeof buf, "requested; sent a chain of %u certificate%s", s->client_certs,
			 s->client_certs == 1 ? "" : "s");
		kv(f, "client certificate:", buf);
	} else {
		kv(f, "client certificate:", "requested, but none was sent (empty Certificate message)");
	}
}

/* The ticket line: which NewSessionTicket the identity offered came from, and its age. */
static void summary_ticket(FILE *f, const struct summary *s)
{
	char buf[600], age[200] = "";
	int k;

	if (s->issuer_conn < 0 || !s->issuer_ticket) {
		if (s->resume_offer == TL_OFFER_TICKET13 || s->resume_offer == TL_OFFER_TICKET12)
			kv(f, "ticket:", "offered; the NewSessionTicket it came from is not in this run");
		return;
	}
	if (s->ticket_age_known)
		snprintf(age, sizeof age, "; ticket age %" PRIu32 " ms (obfuscated_ticket_age - ticket_age_add, mod 2^32), "
			 "%.1f ms on this timeline since that ticket arrived", s->ticket_age_ms,
			 (double)s->ticket_elapsed_us / 1000.0);
	k = snprintf(buf, sizeof buf, "the %s offered is the ticket of NewSessionTicket %u of connection %d (lifetime%s "
		     "%" PRIu32 " s", s->resume_offer == TL_OFFER_TICKET12 ? "SessionTicket" : "PSK identity",
		     s->issuer_ticket, s->issuer_conn + 1, s->issuer_version == WIRE_TLS13 ? "" : " hint",
		     s->ticket_lifetime_s);
	if (k > 0 && (size_t)k < sizeof buf && s->ticket_early)
		k += snprintf(buf + k, sizeof buf - (size_t)k, ", early data up to %" PRIu32 " bytes", s->ticket_max_early);
	if (k > 0 && (size_t)k < sizeof buf)
		snprintf(buf + k, sizeof buf - (size_t)k, ")%s", age);
	kv(f, "ticket:", buf);
}

/* The early data (0-RTT) line: offered, sent, accepted or rejected, read. */
static void summary_early(FILE *f, const struct summary *s)
{
	char buf[400], sent[80] = "", read[80] = "";

	if (!s->early_data_offered)
		return;
	if (s->early_sent_known)
		snprintf(sent, sizeof sent, " (%" PRIu64 " bytes sent)", s->early_sent);
	if (s->early_read_known)
		snprintf(read, sizeof read, "; the server read %" PRIu64 " bytes", s->early_read);
	if (s->early_data_accepted)
		snprintf(buf, sizeof buf, "offered%s and accepted (early_data in EncryptedExtensions)%s%s", sent, read,
			 s->early_data_eoed ? "; the client ended it with EndOfEarlyData" : "");
	else if (s->have_server_hello)
		snprintf(buf, sizeof buf, "offered%s and rejected: no early_data in EncryptedExtensions; the server "
			 "skipped it unread", sent);
	else
		snprintf(buf, sizeof buf, "offered%s; no answer from the server", sent);
	kv(f, "early data:", buf);
}

/* The resumption lines: whether the server resumed what was offered, and if not, why. */
static void summary_resumption(FILE *f, const struct summary *s, const struct resumed_words *rw)
{
	char buf[400];

	if (s->resume == SUMMARY_RESUME_NO_TICKET) {
		snprintf(buf, sizeof buf, "nothing to resume: the server sent no session ticket%s; no second connection",
			 s->version == WIRE_TLS13 ? "" : " and no session ID");
		kv(f, "resumption:", buf);
	} else if (rw) {
		kv(f, "resumed:", rw->resumed);
	} else if (s->resumed) {
		kv(f, "resumed:", "yes (no certificate: the keys come from the earlier session)");
	} else if (s->resume != SUMMARY_RESUME_NONE) {
		snprintf(buf, sizeof buf, "no: %s", summary_resume_words(s->resume));
		kv(f, "resumed:", buf);
	}
	if (s->resume_offer == TL_OFFER_SESSION_ID && s->issuer_conn >= 0) {
		snprintf(buf, sizeof buf, "the ClientHello offered the session ID of connection %d's ServerHello; the "
			 "server %s", s->issuer_conn + 1, s->resumed ? "echoed it" : "answered with another");
		kv(f, "session ID:", buf);
	}
	if (s->resume != SUMMARY_RESUME_NONE && s->resume != SUMMARY_RESUME_NO_TICKET)
		summary_ticket(f, s);
	summary_early(f, s);
}

/* RFC 5746 in words: what the renegotiation's hellos carried. */
static const char *reneg_ri_words(const struct summary_reneg *r)
{
	if (r->first_server == SUMMARY_RI_ABSENT)
		return "not supported by the server (no renegotiation_info in its ServerHello): renegotiation without "
		       "RFC 5746 is open to the 2009 prefix-injection attack (CVE-2009-3555)";
	if (r->handshakes < 2 || r->server_ri == SUMMARY_RI_ABSENT)
		return "supported by both (renegotiation_info in the first handshake's hellos)";
	if (r->client_ri == SUMMARY_RI_MATCH && r->server_ri == SUMMARY_RI_MATCH)
		return "renegotiation_info in both hellos of the renegotiation carries the first handshake's Finished "
		       "verify_data: MATCH";
	return "renegotiation_info in the renegotiation does not repeat the first handshake's Finished verify_data: "
	       "MISMATCH";
}

/* TLS 1.2 renegotiation: who asked, with or without a client certificate, and how it ended. */
static void summary_reneg(FILE *f, const struct summary *s)
{
	const struct summary_reneg *r = &s->reneg;
	char buf[400];
	const char *cert = !r->cert_requested ? "without a client certificate (none asked)"
			   : r->client_certs > 0 ? "with a client certificate"
			   : r->client_cert_msg  ? "without a client certificate (the server asked for one; the Certificate "
						   "message is empty)"
						 : "in which the server asked for a client certificate (the client sent no "
						   "Certificate message)";
	bool done = r->client_fin && r->server_fin && !s->client.rejected_after;

	if (r->handshakes < 2)
		return;
	snprintf(buf, sizeof buf, "%s; a %s handshake %s: %s",
		 r->hello_request ? "the server asked (HelloRequest) after the handshake" : "the client renegotiated",
		 r->handshakes == 2 ? "second" : "further", cert,
		 done ? "accepted"
		 : r->client_refused_unsafe ? "refused by the client (the server does not support RFC 5746)"
		 : s->client.rejected_after || s->server.rejected_after ? "refused"
		 : "not completed");
	kv(f, "renegotiation:", buf);
	kv(f, "RFC 5746:", reneg_ri_words(r));
}

/* Writes the summary of one connection. */
static void write_summary(FILE *f, const struct timeline *tl, unsigned conn, const struct text_opts *o)
{
	struct summary s;
	struct resumed_words rw;
	const struct resumed_words *res = NULL;
	char buf[700];

	if (!summary_build(tl, conn, &s))
		return;
	/* a resumption authenticates nobody: its lines come from the connection it resumes */
	if (s.resumed && !s.cert_requested && !s.server_cert_msg) {
		resumed_words(tl, &s, &rw);
		res = &rw;
	}
	if (o->only_conn >= 0)
		fprintf(f, "\nSummary of connection %" PRIu64 "%s\n", o->conn_number ? o->conn_number : (uint64_t)conn + 1,
			s.resumed ? " (resumed)" : "");
	else if (timeline_conn_count(tl) > 1)
		fprintf(f, "\nSummary of connection %u%s\n", conn + 1, s.resumed ? " (resumed)" : "");
	else
		fprintf(f, "\nSummary\n");
	summary_params(f, &s);
	summary_signature(f, &s, res);
	if (s.client.alpn[0] || s.server.alpn[0])     /* serve has only the server's side */
		kv(f, "application:", s.client.alpn[0] ? s.client.alpn : s.server.alpn);
	if (s.hrr)
		kv(f, "retry:", "HelloRetryRequest (the server asked for another key share)");
	summary_resumption(f, &s, res);
	summary_certificates(f, tl, &s, res, o);
	summary_reneg(f, &s);
	if (!o->server_only) {
		side_outcome(&s.client, buf, sizeof buf);
		kv(f, o->client_only ? "outcome:" : "client outcome:", buf);
	}
	if (!o->client_only) {
		side_outcome(&s.server, buf, sizeof buf);
		kv(f, o->server_only ? "outcome:" : "server outcome:", buf);
	}
}

/* Writes the diagnosis of one connection: "diagnosis: CODE: sentence (steps ...)" and "fix: ..." lines. */
static void write_diagnosis(FILE *f, const struct timeline *tl, unsigned conn, const struct text_opts *o,
			    const unsigned *steps)
{
	struct diag_finding d[8];
	size_t n = diagnose(tl, conn, o->server_only ? TL_SERVER : TL_CLIENT, d, 8);
	char safe[8192];           /* a sentence quoting names, sanitized (escapes grow it) */

	for (size_t i = 0; i < n; i++) {
		char ev[96] = "";
		unsigned list[DIAG_MAX_EVIDENCE], nl = 0;
		size_t used;
		for (unsigned k = 0; k < d[i].nevidence; k++)
			if (steps && steps[d[i].evidence[k]])
				list[nl++] = steps[d[i].evidence[k]];
		if (nl) {
			used = (size_t)snprintf(ev, sizeof ev, " (evidence: step%s", nl > 1 ? "s" : "");
			for (unsigned k = 0; k < nl && used + 12 < sizeof ev; k++)
				used += (size_t)snprintf(ev + used, sizeof ev - used, "%s%u", k ? ", " : " ", list[k]);
			snprintf(ev + used, sizeof ev - used, ")");
		}
		sanitize_str(safe, sizeof safe, d[i].sentence);
		fprintf(f, "diagnosis: %s: %s%s\n", diag_code_name(d[i].code), safe, ev);
		if (d[i].fix[0]) {
			sanitize_str(safe, sizeof safe, d[i].fix);
			fprintf(f, "fix: %s\n", safe);
		}
	}
}

/* Says what connection conn did not store, past the limits (timeline.h); nothing when it stored everything. */
static void write_unstored(FILE *f, const struct timeline *tl, unsigned conn)
{
	struct tl_unstored u;
	char line[400], num[32], per[32], all[32];

	if (!timeline_conn_unstored(tl, conn, &u))
		return;
	timeline_unstored_text(&u, line, sizeof line);
	if (line[0])
		fprintf(f, "note (connection %u): %s\n", conn + 1, line);
	if (u.cut)
		fprintf(f, "note (connection %u): %s event%s kept only the first part of %s body or text (limits %s "
			   "bytes per message, %s per connection)\n", conn + 1, timeline_grouped(u.cut, num, sizeof num),
			u.cut == 1 ? "" : "s", u.cut == 1 ? "its" : "their",
			timeline_grouped(TL_MAX_BODY_STORED, per, sizeof per),
			timeline_grouped(TL_CONN_MAX_STORED, all, sizeof all));
}

/* -vvv: the event's bytes in hex and ASCII, each line with the top-level fields it holds. */
static void write_bytes(FILE *f, const struct timeline *tl, size_t i, const struct tl_event *ev,
			const struct tree_node *t)
{
	struct hexview hv;

	if (ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR || ev->kind == TL_EV_DIAGNOSIS || ev->kind == TL_EV_PLAIN)
		return;
	if (!hexview_init_event(&hv, t, tl, i, ev)) {
		fprintf(f, "%16s%s\n", "", hexview_no_bytes(ev));
		hexview_free(&hv);
		return;
	}
	if (hv.base > 0)
		fprintf(f, "%16sbytes: %zu B = %zu header + %zu body\n", "", hv.n, hv.base, hv.n - hv.base);
	else
		fprintf(f, "%16sbytes: %zu B\n", "", hv.n);
	hexview_write(f, &hv, 16, 16);
	hexview_free(&hv);
}

/* True when event ev has a line of its own in the ladder o asks for. */
static bool event_shown(const struct tl_event *ev, const struct text_opts *o)
{
	if (o->only_conn >= 0 && ev->conn != (unsigned long)o->only_conn)
		return false;
	return (ev->kind == TL_EV_RECORD) == o->wire || ev->kind == TL_EV_NOTE || ev->kind == TL_EV_ERROR ||
	       ev->kind == TL_EV_DIAGNOSIS || ev->kind == TL_EV_PLAIN;
}

/* Timeline index -> step shown, for the links in a tree ("(step N)"). */
struct step_map {
	const unsigned *steps;
	size_t n;
};

/* The step timeline event i is shown as (0: none). */
static unsigned step_lookup(size_t i, void *ctx)
{
	const struct step_map *m = ctx;

	return m->steps && i < m->n ? m->steps[i] : 0;
}

/* --show-secrets without -v: the connection's key schedule with its values, after the ladder. */
static void write_schedule(FILE *f, const struct timeline *tl, unsigned conn, const struct text_opts *o,
			   const unsigned *steps, size_t n)
{
	struct step_map map = { steps, n };
	struct tree_node *t;

	if (!o->show_secrets || o->verbose > 0 || !o->schedule || (t = o->schedule(tl, conn, o->tree_arg)) == NULL)
		return;
	fprintf(f, "\nconnection %u ", conn + 1);
	tree_print_linked(f, t, 0, true, true, step_lookup, &map);
	tree_free(t);
}

/* Writes the ladder and the summaries. */
void text_write(FILE *f, const struct timeline *tl, const struct text_opts *o)
{
	size_t n = timeline_count(tl);
	unsigned step = 0, conn = 0;
	int64_t t0 = 0;
	char line[768];
	struct tl_event first;

	if (o->title) {
		char safe[512];
		sanitize_str(safe, sizeof safe, o->title);
		fprintf(f, "%s\n\n", safe);
	}
	if (o->only_conn >= 0) {
		size_t a, b;
		if (timeline_conn_range(tl, (unsigned)o->only_conn, &a, &b) && timeline_get(tl, a, &first))
			t0 = first.t_us;
	} else if (timeline_get(tl, 0, &first)) {
		t0 = first.t_us;
	}
	fprintf(f, "step   time ms  %-*s%s\n", ARROW - 4, "CLIENT", "SERVER");
	unsigned *steps = calloc(n ? n : 1, sizeof *steps);      /* timeline index -> step shown (0: none) */

	for (size_t i = 0, k = 0; steps && i < n; i++) {       /* known ahead: a tree may link to a later step */
		struct tl_event ev;
		if (timeline_get(tl, i, &ev) && event_shown(&ev, o))
			steps[i] = (unsigned)++k;
	}
	for (size_t i = 0; i < n; i++) {
		struct tl_event ev;

		if (!timeline_get(tl, i, &ev) || !event_shown(&ev, o))
			continue;
		if (ev.conn != conn && o->only_conn < 0) {
			conn = ev.conn;
			fprintf(f, "%16s---- connection %u ----\n", "", conn + 1);
		}
		text_event_line(&ev, ++step, t0, line, sizeof line);
		if (ev.kind == TL_EV_RECORD)
			add_carried(tl, i, line, sizeof line);
		fprintf(f, "%s\n", line);
		if (steps)
			steps[i] = step;
		if (o->verbose > 0 && o->tree) {
			struct tree_node *t = o->tree(tl, i, o->tree_arg);
			if (t) {
				struct step_map map = { steps, n };
				for (const struct tree_node *c = t->first; c; c = c->next)
					tree_print_linked(f, c, 16, o->verbose > 1, o->show_secrets, step_lookup, &map);
				if (o->verbose > 2)
					write_bytes(f, tl, i, &ev, t);
				tree_free(t);
			}
		}
	}
	for (unsigned c = 0; c < timeline_conn_count(tl); c++)
		if (o->only_conn < 0 || c == (unsigned long)o->only_conn) {
			write_schedule(f, tl, c, o, steps, n);
			write_unstored(f, tl, c);
			write_summary(f, tl, c, o);
			write_diagnosis(f, tl, c, o, steps);
		}
	if (timeline_conn_count(tl) == 0 && timeline_finished(tl)) {
		/* nothing reached a handshake (resolve, connect): still say why */
		fputc('\n', f);
		write_diagnosis(f, tl, 0, o, steps);
	}
	free(steps);
	if (timeline_dropped(tl))
		fprintf(f, "\n(%u events were lost: out of memory)\n", timeline_dropped(tl));
}
