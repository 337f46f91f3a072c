/*
 * starttls.c: the plaintext exchange before the TLS handshake (see
 * starttls.h). The protocol's script and reply parsers are plainproto's;
 * this file does the I/O, within the deadline, and records each line or
 * message as a TL_EV_PLAIN event and its bytes on the timeline's wire.
 *
 * Reads go through one buffer; the server has no reason to send anything
 * after its go-ahead until our ClientHello, so bytes left in the buffer
 * then are reported as an unexpected reply rather than handed to TLS.
 *
 * After the handshake, SMTP and LMTP say EHLO again, over TLS (RFC 3207
 * 4.2), through the same script and buffer (starttls_after): those rows
 * are marked in_tls and encrypted, and their bytes are not put on the
 * timeline's wire (the TLS records that carried them are).
 */
#include "conn.h"
#include "tlsladder/starttls.h"
#include "tlsladder/plainproto.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define QUIT_WAIT_US 500000      /* how long the goodbye's answer is waited for */

/* A server line or message read, kept until its reply is complete. */
struct unit {
	uint8_t raw[PLAINPROTO_LINE_MAX];
	size_t rawlen;
	char text[PLAINPROTO_LINE_MAX + 1];   /* without CR, LF, or XMPP's surrounding white space */
	size_t textlen;
};

/* The exchange in progress. */
struct io {
	int fd;
	struct timeline *tl;
	unsigned conn;
	const struct starttls_opts *o;
	const struct plainproto *p;
	struct tl_error *err;
	uint8_t buf[2 * PLAINPROTO_LINE_MAX];
	size_t off, len;
	bool eof;
	struct unit *units;           /* PLAINPROTO_REPLY_LINES of them */
	unsigned nunits;
	unsigned cut_lines;           /* a reply went on past this many lines (0: none did) */
	unsigned cut_bytes;           /* a line went on past this many bytes (0: none did) */
	struct conn *tls;             /* after the handshake: reads and writes go through its TLS session */
	int tls_rc;                   /* ... and the GnuTLS code that ended reading (0: none did) */
};

/* Records one plaintext row. */
static void record(struct io *x, enum tl_side from, enum tl_plain_role role, const char *text, const uint8_t *raw,
		   size_t rawlen, bool offered, bool offers)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_PLAIN;
	ev.from = from;
	ev.conn = x->conn;
	ev.text = text;
	ev.body = raw;
	ev.body_len = rawlen;
	ev.body_total = rawlen;
	ev.note.code = TL_NOTE_PLAIN;
	ev.note.proto = x->p->proto;
	ev.note.role = role;
	ev.note.offered = offered;
	ev.note.offers = offers;
	if (x->tls) {
		ev.encrypted = true;
		ev.keys = TL_KEYS_APPLICATION;
		ev.note.in_tls = true;
	}
	if (from == TL_CLIENT)
		ev.sent_seen = true;
	else
		ev.recv_seen = true;
	timeline_observe(x->tl, &ev, from == TL_CLIENT);
}

/* Waits until fd is ready for events, within the deadline; 0, or an exit code with err set. */
static int wait_fd(struct io *x, short events, const char *what)
{
	for (;;) {
		struct pollfd pf[2] = { { .fd = x->fd, .events = events }, { .fd = x->o->cancel_fd, .events = POLLIN } };
		int64_t left = x->o->deadline_us - timeline_now(x->tl);
		int n;

		if (left <= 0)
			return tl_error_set(x->err, TL_EXIT_TIMEOUT, "the %s server sent no %s within %d s", x->p->label,
					    what, x->o->timeout_ms / 1000), TL_EXIT_TIMEOUT;
		n = poll(pf, x->o->cancel_fd >= 0 ? 2 : 1, (int)(left / 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tl_error_set(x->err, TL_EXIT_NETWORK, "waiting for the %s server failed: %s", x->p->label,
					    strerror(errno)), TL_EXIT_NETWORK;
		if (x->o->cancel_fd >= 0 && (pf[1].revents & POLLIN))
			return tl_error_set(x->err, TL_EXIT_CANCELLED, "stopped by the user"), TL_EXIT_CANCELLED;
		if (n > 0 && pf[0].revents)
			return 0;
	}
}

/* After the handshake: sends n bytes over TLS within the deadline; 0, or an exit code with err set. */
static int send_tls(struct io *x, const uint8_t *b, size_t n)
{
	size_t done = 0;

	for (int rounds = 0; done < n && rounds < 1000; rounds++) {
		ssize_t w;

		if (transport_remaining_ms(x->tls) <= 0)
			return tl_error_set(x->err, TL_EXIT_TIMEOUT, "the %s server took no more data within %d s",
					    x->p->label, x->o->timeout_ms / 1000), TL_EXIT_TIMEOUT;
		w = gnutls_record_send(x->tls->s, b + done, n - done);
		if (w > 0)
			done += (size_t)w;
		else if (w != GNUTLS_E_AGAIN && w != GNUTLS_E_INTERRUPTED)
			return tl_error_set(x->err, TL_EXIT_HANDSHAKE, "sending to the %s server over TLS failed: %s",
					    x->p->label, gnutls_strerror((int)w)), TL_EXIT_HANDSHAKE;
	}
	return done == n ? 0 : (tl_error_set(x->err, TL_EXIT_HANDSHAKE, "sending over TLS made no progress"),
				TL_EXIT_HANDSHAKE);
}

/* After the handshake: reads more bytes over TLS into the buffer; 0, or an exit code with err set. */
static int fill_tls(struct io *x, const char *what)
{
	for (int rounds = 0; rounds < 1000; rounds++) {
		int64_t left = x->o->deadline_us - timeline_now(x->tl);
		ssize_t r;

		if (left <= 0 || transport_remaining_ms(x->tls) <= 0)
			return tl_error_set(x->err, TL_EXIT_TIMEOUT, "the %s server sent no %s within %d s", x->p->label,
					    what, x->o->timeout_ms / 1000), TL_EXIT_TIMEOUT;
		gnutls_record_set_timeout(x->tls->s, (unsigned)(left / 1000) + 1);
		r = gnutls_record_recv(x->tls->s, x->buf + x->len, sizeof x->buf - x->len);
		if (r > 0) {
			x->len += (size_t)r;
			return 0;
		}
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r == 0 || r == GNUTLS_E_FATAL_ALERT_RECEIVED || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
			hooks_note_incoming_alert(x->tls, (int)r);
		if (r == GNUTLS_E_WARNING_ALERT_RECEIVED)
			continue;
		x->eof = true;
		x->tls_rc = (int)r;
		return tl_error_set(x->err, TL_EXIT_HANDSHAKE, "the %s server ended the connection before its %s (%s)",
				    x->p->label, what, r == 0 ? "close_notify" : gnutls_strerror((int)r)), TL_EXIT_HANDSHAKE;
	}
	return tl_error_set(x->err, TL_EXIT_HANDSHAKE, "reading over TLS made no progress"), TL_EXIT_HANDSHAKE;
}

/* Sends all n bytes within the deadline; 0, or an exit code with err set. */
static int send_all(struct io *x, const uint8_t *b, size_t n)
{
	size_t done = 0;

	if (x->tls)
		return send_tls(x, b, n);
	timeline_wire_add(x->tl, x->conn, TL_CLIENT, true, b, n);
	while (done < n) {
		ssize_t w = send(x->fd, b + done, n - done, MSG_NOSIGNAL);
		int rc;

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((rc = wait_fd(x, POLLOUT, "room to write")) != 0) {
				timeline_wire_unsent(x->tl, x->conn, TL_CLIENT, n - done);
				return rc;
			}
			continue;
		}
		timeline_wire_unsent(x->tl, x->conn, TL_CLIENT, n - done);
		return tl_error_set(x->err, errno == ECONNRESET ? TL_EXIT_RESET : TL_EXIT_HANDSHAKE,
				    "the %s server closed the connection before STARTTLS completed (%s)", x->p->label,
				    strerror(errno)), x->err->code;
	}
	return 0;
}

/* Sends a text line (CRLF added; XMPP's tags go as they are) and records it. */
static int send_line(struct io *x, const char *line, enum tl_plain_role role)
{
	char out[PLAINPROTO_LINE_MAX + 3];
	bool xml = x->p->style == PLAINPROTO_XMPP;
	int n = snprintf(out, sizeof out, xml ? "%s" : "%s\r\n", line);
	int rc;

	if (n < 0 || (size_t)n >= sizeof out)
		return tl_error_set(x->err, TL_EXIT_INTERNAL, "a request too long to send"), TL_EXIT_INTERNAL;
	rc = send_all(x, (const uint8_t *)out, (size_t)n);
	if (rc == 0)
		record(x, TL_CLIENT, role, line, (const uint8_t *)out, (size_t)n, false, false);
	return rc;
}

/* Sends a binary message and records it under its name. */
static int send_msg(struct io *x, const uint8_t *b, size_t n, const char *name, enum tl_plain_role role)
{
	int rc = send_all(x, b, n);

	if (rc == 0)
		record(x, TL_CLIENT, role, name, b, n, false, false);
	return rc;
}

/* Reads more bytes into the buffer; 0, or an exit code with err set. */
static int fill(struct io *x, const char *what)
{
	ssize_t r;
	int rc;

	if (x->off > 0) {
		memmove(x->buf, x->buf + x->off, x->len - x->off);
		x->len -= x->off;
		x->off = 0;
	}
	if (x->tls)
		return fill_tls(x, what);
	for (;;) {
		if ((rc = wait_fd(x, POLLIN, what)) != 0)
			return rc;
		r = recv(x->fd, x->buf + x->len, sizeof x->buf - x->len, 0);
		if (r > 0) {
			timeline_wire_add(x->tl, x->conn, TL_SERVER, false, x->buf + x->len, (size_t)r);
			x->len += (size_t)r;
			return 0;
		}
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		x->eof = true;
		return tl_error_set(x->err, r < 0 && errno == ECONNRESET ? TL_EXIT_RESET : TL_EXIT_HANDSHAKE,
				    "the %s server closed the connection before STARTTLS completed%s%s", x->p->label,
				    r < 0 ? ": " : "", r < 0 ? strerror(errno) : ""), x->err->code;
	}
}

/*
 * Reads one unit up to and including delim ('\n', or XMPP's '>') into u.
 * Returns 0; 1 when the line is longer than PLAINPROTO_LINE_MAX (its first
 * bytes are in u); or an exit code with err set.
 */
static int read_unit(struct io *x, char delim, struct unit *u, const char *what)
{
	for (;;) {
		const uint8_t *s = x->buf + x->off, *e;
		size_t have = x->len - x->off, take;
		int rc;

		e = memchr(s, delim, have);
		if (e || have >= PLAINPROTO_LINE_MAX) {
			take = e ? (size_t)(e - s) + 1 : PLAINPROTO_LINE_MAX;
			memcpy(u->raw, s, take);
			u->rawlen = take;
			x->off += take;
			return e ? 0 : 1;
		}
		if ((rc = fill(x, what)) != 0)
			return rc;
	}
}

/* The text of a unit: CR LF cut (XMPP: surrounding white space). */
static void unit_text(struct io *x, struct unit *u)
{
	size_t a = 0, b = u->rawlen;

	if (x->p->style == PLAINPROTO_XMPP)
		while (a < b && strchr(" \t\r\n", u->raw[a]))
			a++;
	while (b > a && (u->raw[b - 1] == '\n' || u->raw[b - 1] == '\r'))
		b--;
	memcpy(u->text, u->raw + a, b - a);
	u->text[b - a] = '\0';
	u->textlen = b - a;
}

/* Records the units read of a reply, the last with role last_role (the others: role). */
static void flush(struct io *x, enum tl_plain_role role, enum tl_plain_role last_role, bool listing)
{
	bool offered = false;

	for (unsigned i = 0; listing && i < x->nunits; i++)
		offered = offered || plainproto_offers(x->p, x->units[i].text, x->units[i].textlen);
	for (unsigned i = 0; i < x->nunits; i++) {
		struct unit *u = &x->units[i];
		bool offers = listing && plainproto_offers(x->p, u->text, u->textlen);
		record(x, TL_SERVER, i + 1 == x->nunits ? last_role : role, u->text, u->raw, u->rawlen, listing && offered,
		       offers);
	}
	x->nunits = 0;
}

/* A typed STARTTLS failure on the timeline; returns its exit code. */
static int fail(struct io *x, enum tl_fail kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct io *x, enum tl_fail kind, const char *fmt, ...)
{
	struct tl_note fact;
	struct tl_result r;
	char text[PLAINPROTO_LINE_MAX + 200];
	int code = kind == TL_FAIL_STARTTLS_UNEXPECTED ? TL_EXIT_HANDSHAKE : TL_EXIT_NOT_TLS;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (x->tls) {         /* over TLS: the handshake's outcome stands; the failure is a note */
		timeline_note(x->tl, TL_EV_NOTE, TL_CLIENT, x->conn, text);
		return code;
	}
	memset(&fact, 0, sizeof fact);
	fact.code = TL_NOTE_FAILURE;
	fact.fail = kind;
	fact.proto = x->p->proto;
	fact.count = x->cut_lines;
	fact.bytes = x->cut_bytes;
	timeline_note_fact(x->tl, TL_EV_ERROR, TL_CLIENT, x->conn, text, &fact);
	/* the client's outcome: no handshake, and why (as a failed handshake reports it) */
	memset(&r, 0, sizeof r);
	r.set = true;
	r.exit_code = code;
	snprintf(r.error, sizeof r.error, "%.600s", text);
	timeline_set_result(x->tl, TL_CLIENT, x->conn, &r);
	return code;
}

/* What a reply answers, for messages. */
static const char *step_words(const struct plainproto *p, enum plainproto_step step, char *buf, size_t n)
{
	const char *cmd = step == PLAINPROTO_HELLO || step == PLAINPROTO_AFTER_TLS ? p->hello : p->starttls;

	if (step == PLAINPROTO_GREETING)
		return "greeting";
	if (!cmd)
		return step == PLAINPROTO_HELLO ? "stream header" : "STARTTLS request";
	if (p->style == PLAINPROTO_TAGGED)
		cmd += strcspn(cmd, " ") + 1;      /* without the tag */
	if (p->style == PLAINPROTO_XMPP)
		return "<starttls/>";
	snprintf(buf, n, "%.*s", (int)strcspn(cmd, " "), cmd);
	if (strcmp(buf, "AUTH") == 0)
		snprintf(buf, n, "AUTH TLS");
	return buf;
}

/*
 * Reads one reply to step, line by line, into x->units (recorded once the
 * reply is whole: the rows of a capability list then know whether it offers
 * STARTTLS). Returns 0 with *v the verdict of its last line, or an exit code
 * (a failure recorded, or err set).
 */
static int read_reply(struct io *x, enum plainproto_step step, enum tl_plain_role role, enum plainproto_verdict *v)
{
	struct plainproto_reply st;
	char what[64], w[32];
	bool listing = role == TL_PLAIN_CAPS;

	memset(&st, 0, sizeof st);
	snprintf(what, sizeof what, "answer to %s", step_words(x->p, step, w, sizeof w));
	if (step == PLAINPROTO_GREETING)
		snprintf(what, sizeof what, "greeting");
	for (;;) {
		struct unit *u = &x->units[x->nunits];
		int rc = read_unit(x, x->p->style == PLAINPROTO_XMPP ? '>' : '\n', u, what);

		if (rc > 1) {
			flush(x, role, role, false);
			return rc;
		}
		unit_text(x, u);
		x->nunits++;
		if (rc == 1) {
			flush(x, role, TL_PLAIN_UNEXPECTED, false);
			x->cut_bytes = PLAINPROTO_LINE_MAX;
			return fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "the %s server sent a line longer than %u bytes in its %s",
				    x->p->label, PLAINPROTO_LINE_MAX, what);
		}
		if (x->p->style == PLAINPROTO_XMPP && u->textlen == 0) {
			x->nunits--;          /* white space between tags */
			continue;
		}
		*v = plainproto_line(x->p, step, &st, u->text, u->textlen);
		if (*v != PLAINPROTO_MORE) {
			flush(x, role, *v == PLAINPROTO_UNEXPECTED ? TL_PLAIN_UNEXPECTED
				 : *v == PLAINPROTO_REFUSED ? TL_PLAIN_REFUSED : role, listing && *v == PLAINPROTO_OK);
			return 0;
		}
		if (x->nunits == PLAINPROTO_REPLY_LINES) {
			flush(x, role, TL_PLAIN_UNEXPECTED, false);
			x->cut_lines = PLAINPROTO_REPLY_LINES;
			return fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "the %s server's %s went on past %u lines",
				    x->p->label, what, PLAINPROTO_REPLY_LINES);
		}
	}
}

/* Ends politely after a failure: the goodbye, and its answer if it comes soon. */
static void goodbye(struct io *x)
{
	struct tl_error ignored, *saved_err = x->err;
	struct starttls_opts shorter = *x->o;
	const struct starttls_opts *saved = x->o;
	struct plainproto_reply st;
	struct unit *u = &x->units[0];

	if (x->eof)
		return;
	if (x->p->style == PLAINPROTO_LDAP) {
		send_msg(x, plainproto_ldap_unbind, sizeof plainproto_ldap_unbind, "UnbindRequest", TL_PLAIN_QUIT);
		return;
	}
	if (!x->p->quit || send_line(x, x->p->quit, TL_PLAIN_QUIT) != 0)
		return;
	if (x->p->style == PLAINPROTO_XMPP)
		return;
	if (shorter.deadline_us > timeline_now(x->tl) + QUIT_WAIT_US)
		shorter.deadline_us = timeline_now(x->tl) + QUIT_WAIT_US;
	x->o = &shorter;
	x->err = &ignored;
	memset(&st, 0, sizeof st);
	for (unsigned i = 0; i < 4 && read_unit(x, '\n', u, "answer") == 0; i++) {
		unit_text(x, u);
		record(x, TL_SERVER, TL_PLAIN_OTHER, u->text, u->raw, u->rawlen, false, false);
		if (plainproto_line(x->p, PLAINPROTO_GREETING, &st, u->text, u->textlen) != PLAINPROTO_MORE)
			break;
	}
	x->o = saved;
	x->err = saved_err;
}

/* The capability list's names, for the failure's text ("PIPELINING, SIZE 10240000, 8BITMIME"). */
static void offered_list(struct io *x, size_t from, char *buf, size_t n)
{
	size_t used = 0, end = timeline_count(x->tl);
	bool first = true;

	buf[0] = '\0';
	for (size_t i = from; i < end && used + 1 < n; i++) {
		struct tl_event ev;
		char cap[PLAINPROTO_LINE_MAX + 1];

		if (!timeline_get(x->tl, i, &ev) || ev.kind != TL_EV_PLAIN || ev.conn != x->conn ||
		    ev.note.role != TL_PLAIN_CAPS || !ev.text)
			continue;
		plainproto_cap_name(x->p, ev.text, strlen(ev.text), first, cap, sizeof cap);
		first = false;
		if (cap[0])
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", cap);
	}
	if (!buf[0])
		snprintf(buf, n, "nothing");
}

/* The last server row's text (the reply a failure quotes), into buf. */
static void last_reply(struct io *x, char *buf, size_t n)
{
	for (size_t i = timeline_count(x->tl); i > 0; i--) {
		struct tl_event ev;
		if (timeline_get(x->tl, i - 1, &ev) && ev.kind == TL_EV_PLAIN && ev.from == TL_SERVER && ev.conn == x->conn) {
			snprintf(buf, n, "%s", ev.text ? ev.text : "");
			return;
		}
	}
	snprintf(buf, n, "nothing");
}

/* True when a capability row recorded from index first on says STARTTLS is offered. */
static bool caps_offered(struct io *x, size_t first)
{
	size_t end = timeline_count(x->tl);

	for (size_t i = first; i < end; i++) {
		struct tl_event ev;
		if (timeline_get(x->tl, i, &ev) && ev.kind == TL_EV_PLAIN && ev.conn == x->conn &&
		    ev.note.role == TL_PLAIN_CAPS && ev.note.offered)
			return true;
	}
	return false;
}

/* A reply whose verdict is not what the script waits for: the failure it is. */
static int reply_failed(struct io *x, enum plainproto_step step, enum plainproto_verdict v)
{
	char reply[PLAINPROTO_LINE_MAX + 1];

	last_reply(x, reply, sizeof reply);
	if (v == PLAINPROTO_REFUSED) {
		fail(x, TL_FAIL_STARTTLS_REFUSED, "the %s server refused STARTTLS: %s", x->p->label, reply);
		goodbye(x);
		return TL_EXIT_NOT_TLS;
	}
	return fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "unexpected %s from the %s server: %s",
		    step == PLAINPROTO_GREETING ? "greeting" : step == PLAINPROTO_HELLO ? "capability reply" : "answer to STARTTLS",
		    x->p->label, reply);
}

/* Greeting, capabilities and STARTTLS of a text protocol (SMTP, LMTP, IMAP, POP3, FTP, ManageSieve, XMPP). */
static int run_text(struct io *x)
{
	enum plainproto_verdict v = PLAINPROTO_OK;
	size_t caps_first;
	int rc;

	caps_first = timeline_count(x->tl);      /* ManageSieve: the greeting is the list */
	if (x->p->greeting) {
		rc = read_reply(x, PLAINPROTO_GREETING, x->p->greeting_lists ? TL_PLAIN_CAPS : TL_PLAIN_GREETING, &v);
		if (rc != 0 || v != PLAINPROTO_OK)
			return rc ? rc : reply_failed(x, PLAINPROTO_GREETING, v);
	}
	if (!x->p->greeting_lists) {
		if (x->p->style == PLAINPROTO_XMPP) {
			char header[PLAINPROTO_LINE_MAX];
			snprintf(header, sizeof header, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
				 "xmlns:stream='http://etherx.jabber.org/streams' to='%.200s' version='1.0'>", x->o->xmpp_host);
			rc = send_line(x, header, TL_PLAIN_HELLO);
		} else {
			rc = send_line(x, x->p->hello, TL_PLAIN_HELLO);
		}
		caps_first = timeline_count(x->tl);
		if (rc == 0)
			rc = read_reply(x, PLAINPROTO_HELLO, TL_PLAIN_CAPS, &v);
		if (rc != 0 || v != PLAINPROTO_OK)
			return rc ? rc : reply_failed(x, PLAINPROTO_HELLO, v);
	}
	if (!caps_offered(x, caps_first)) {
		char list[1200];
		offered_list(x, caps_first, list, sizeof list);
		fail(x, TL_FAIL_STARTTLS_NOT_OFFERED, "the %s server did not offer STARTTLS; it offered %s", x->p->label, list);
		goodbye(x);
		return TL_EXIT_NOT_TLS;
	}
	if ((rc = send_line(x, x->p->starttls, TL_PLAIN_STARTTLS)) != 0 ||
	    (rc = read_reply(x, PLAINPROTO_STARTTLS, TL_PLAIN_READY, &v)) != 0)
		return rc;
	return v == PLAINPROTO_OK ? 0 : reply_failed(x, PLAINPROTO_STARTTLS, v);
}

/* PostgreSQL: SSLRequest, and the one byte that answers it. */
static int run_postgres(struct io *x)
{
	char words[96];
	enum plainproto_verdict v;
	int rc;

	if ((rc = send_msg(x, plainproto_pg_sslrequest, sizeof plainproto_pg_sslrequest,
			   "SSLRequest (length 8, code 80877103)", TL_PLAIN_STARTTLS)) != 0)
		return rc;
	if (x->len == x->off && (rc = fill(x, "answer to SSLRequest")) != 0)
		return rc;
	v = plainproto_pg_answer(x->buf[x->off], words, sizeof words);
	record(x, TL_SERVER, v == PLAINPROTO_OK ? TL_PLAIN_READY : v == PLAINPROTO_REFUSED ? TL_PLAIN_REFUSED
											: TL_PLAIN_UNEXPECTED,
	       words, x->buf + x->off, 1, false, false);
	x->off++;
	if (v == PLAINPROTO_OK)
		return 0;
	if (v == PLAINPROTO_REFUSED)
		return fail(x, TL_FAIL_STARTTLS_REFUSED, "the PostgreSQL server refused SSLRequest: %s", words);
	return fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "unexpected answer to SSLRequest from the PostgreSQL server: %s", words);
}

/* LDAP: the StartTLS ExtendedRequest, and the ExtendedResponse (a BER element, at most a line's size). */
static int run_ldap(struct io *x)
{
	char words[PLAINPROTO_LINE_MAX];
	enum plainproto_verdict v;
	long need;
	int rc;

	if ((rc = send_msg(x, plainproto_ldap_starttls, sizeof plainproto_ldap_starttls,
			   "ExtendedRequest StartTLS (1.3.6.1.4.1.1466.20037)", TL_PLAIN_STARTTLS)) != 0)
		return rc;
	while ((need = plainproto_ber_length(x->buf + x->off, x->len - x->off, PLAINPROTO_LINE_MAX)) == 0 ||
	       (need > 0 && x->len - x->off < (size_t)need))
		if ((rc = fill(x, "answer to the StartTLS request")) != 0)
			return rc;
	if (need < 0) {
		size_t n = x->len - x->off;
		snprintf(words, sizeof words, "%zu bytes that are not an LDAP message (first byte 0x%02x)", n,
			 x->buf[x->off]);
		record(x, TL_SERVER, TL_PLAIN_UNEXPECTED, words, x->buf + x->off, n, false, false);
		x->off = x->len;
		return fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "unexpected answer from the LDAP server: %s", words);
	}
	v = plainproto_ldap_words(x->buf + x->off, (size_t)need, words, sizeof words);
	record(x, TL_SERVER, v == PLAINPROTO_OK ? TL_PLAIN_READY : v == PLAINPROTO_REFUSED ? TL_PLAIN_REFUSED
											: TL_PLAIN_UNEXPECTED,
	       words, x->buf + x->off, (size_t)need, false, false);
	x->off += (size_t)need;
	if (v == PLAINPROTO_OK)
		return 0;
	if (v == PLAINPROTO_REFUSED) {
		fail(x, TL_FAIL_STARTTLS_REFUSED, "the LDAP server refused StartTLS: %s", words);
		goodbye(x);
		return TL_EXIT_NOT_TLS;
	}
	return fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "unexpected answer from the LDAP server: %s", words);
}

/* Runs the exchange. */
int starttls_run(int fd, struct timeline *tl, unsigned conn, const struct starttls_opts *o, struct tl_error *err)
{
	struct io *x = calloc(1, sizeof *x);
	int rc;

	if (x)
		x->units = calloc(PLAINPROTO_REPLY_LINES, sizeof *x->units);
	if (!x || !x->units) {
		free(x);
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory"), TL_EXIT_INTERNAL;
	}
	x->fd = fd;
	x->tl = tl;
	x->conn = conn;
	x->o = o;
	x->err = err;
	x->p = plainproto_of(o->proto);
	rc = TL_EXIT_INTERNAL;
	if (!x->p)
		tl_error_set(err, TL_EXIT_INTERNAL, "no STARTTLS script for protocol %d", (int)o->proto);
	else if (x->p->style == PLAINPROTO_POSTGRES)
		rc = run_postgres(x);
	else if (x->p->style == PLAINPROTO_LDAP)
		rc = run_ldap(x);
	else
		rc = run_text(x);
	if (rc == 0 && x->len > x->off) {
		char words[96];
		struct unit *u = &x->units[0];
		size_t n = x->len - x->off < sizeof u->raw ? x->len - x->off : sizeof u->raw;
		snprintf(words, sizeof words, "%zu more bytes before the TLS handshake", x->len - x->off);
		record(x, TL_SERVER, TL_PLAIN_UNEXPECTED, words, x->buf + x->off, n, false, false);
		rc = fail(x, TL_FAIL_STARTTLS_UNEXPECTED, "the %s server sent %zu more bytes after its go-ahead, before "
			  "the TLS handshake began", x->p->label, x->len - x->off);
	}
	if (rc == 0)
		timeline_wire_mark_plain(tl, conn);     /* the TLS records start here, both ways */
	free(x->units);
	free(x);
	return rc;
}

/* The reply to EHLO over TLS, and QUIT; 0, or an exit code (err set: a note says why reading stopped). */
static int after_script(struct io *x)
{
	enum plainproto_verdict v = PLAINPROTO_OK;
	int rc = 0;

	/* the server may speak first over TLS (Postfix refuses a missing client certificate at once) */
	if (x->len > 0) {
		rc = read_reply(x, PLAINPROTO_AFTER_TLS, TL_PLAIN_OTHER, &v);
		if (rc == 0 && v == PLAINPROTO_REFUSED) {
			goodbye(x);
			return 0;
		}
	}
	if (rc == 0)
		rc = send_line(x, x->p->hello, TL_PLAIN_HELLO);
	if (rc == 0)
		rc = read_reply(x, PLAINPROTO_AFTER_TLS, TL_PLAIN_CAPS, &v);
	if (rc == 0)
		goodbye(x);
	return rc;
}

/* SMTP and LMTP after the handshake: EHLO again over TLS (RFC 3207 4.2), its reply, then QUIT. A 4xx or
 * 5xx reply is recorded as a TL_PLAIN_REFUSED row (diagnose.c judges it). Returns a GnuTLS code: the
 * fatal alert that ended reading, else 0. */
int starttls_after(struct conn *c)
{
	struct starttls_opts o;
	struct tl_error err;
	struct io *x;
	int rc;

	if (c->ep->cfg.starttls != TL_STARTTLS_SMTP && c->ep->cfg.starttls != TL_STARTTLS_LMTP)
		return 0;
	x = calloc(1, sizeof *x);
	if (x)
		x->units = calloc(PLAINPROTO_REPLY_LINES, sizeof *x->units);
	if (!x || !x->units) {
		free(x);
		return 0;
	}
	memset(&o, 0, sizeof o);
	memset(&err, 0, sizeof err);
	o.proto = (enum tl_starttls_proto)c->ep->cfg.starttls;
	o.deadline_us = timeline_now(c->tl) + (int64_t)transport_remaining_ms(c) * 1000;
	o.timeout_ms = transport_remaining_ms(c);
	o.cancel_fd = -1;
	x->fd = -1;
	x->tl = c->tl;
	x->conn = c->conn;
	x->o = &o;
	x->err = &err;
	x->p = plainproto_of(o.proto);
	x->tls = c;
	memcpy(x->buf, c->app_in, c->app_in_len < sizeof x->buf ? c->app_in_len : sizeof x->buf);
	x->len = c->app_in_len < sizeof x->buf ? c->app_in_len : sizeof x->buf;
	if (after_script(x) != 0 && err.msg[0])
		timeline_note(c->tl, TL_EV_NOTE, c->self, c->conn, err.msg);
	rc = x->tls_rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? x->tls_rc : 0;
	free(x->units);
	free(x);
	return rc;
}
