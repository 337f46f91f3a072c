/*
 * transport.c: GnuTLS's push and pull over the connection's socket. Each
 * byte pushed or pulled goes through the record parser (hooks.c) and the
 * delivery of outgoing events (delivery.c). Every wait is bounded by the
 * run's deadline and the cancel descriptor. After a write fails because
 * the peer closed, what the peer left in the socket is read (its alert).
 *
 * Reads try the socket first and wait only when it would block: GnuTLS
 * asks whether data is there before each record header and each body; the
 * answer is one recv of up to INBUF_SIZE bytes, read ahead into the
 * connection, and later pulls are served from it. The bytes reach the
 * record parser when GnuTLS pulls them, in the order and pieces it asks
 * for, so the ladder is the same as with one read per pull.
 *
 * The bytes that were written and read are kept in the timeline's wire
 * (for --pcap; timeline.h).
 */
#include "conn.h"
#include "tls_internal.h"
#include "tlsladder/stepgate.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Milliseconds left before the deadline (at least 0). */
int transport_remaining_ms(const struct conn *c)
{
	int64_t left = c->o->deadline_us - timeline_now(c->tl);

	if (c->o->gate)
		left += step_gate_paused_us(c->o->gate);

	if (left <= 0)
		return 0;
	return left / 1000 > 0x7fffffff ? 0x7fffffff : (int)(left / 1000);
}

/* Microseconds since the start of the run that nobody spent waiting at the
 * step gate: the peer's silence is measured in these, not while the user
 * holds its flight back. */
static int64_t active_us(const struct conn *c)
{
	return timeline_now(c->tl) - (c->o->gate ? step_gate_paused_us(c->o->gate) : 0);
}

/*
 * Waits until fd is ready for `events`, the deadline passes (returns 0),
 * or the cancel descriptor fires (returns -1, errno ECANCELED).
 * limit_ms < 0 means "until the deadline".
 */
static int wait_fd(struct conn *c, short events, int limit_ms)
{
	int64_t since = active_us(c);

	for (;;) {
		struct pollfd pf[2] = { { .fd = c->fd, .events = events }, { .fd = c->o->cancel_fd, .events = POLLIN } };
		int left = transport_remaining_ms(c);
		int t = limit_ms >= 0 && limit_ms < left ? limit_ms : left;
		int64_t silent_ms = (active_us(c) - since) / 1000;
		bool note_wait = events == POLLIN && !c->waiting_noted && c->capture && t > 1000;
		int slice = silent_ms < 1000 ? 1000 - (int)silent_ms : 1;
		int n = poll(pf, c->o->cancel_fd >= 0 ? 2 : 1, note_wait ? slice : t);

		if (n == 0 && note_wait) {
			/* say what it is doing when the peer is slow to answer (time at the gate does not count) */
			char note[96];
			if (active_us(c) - since < 1000000)
				continue;
			c->waiting_noted = true;
			snprintf(note, sizeof note, "waiting for the %s: no answer for 1 s",
				 c->self == TL_CLIENT ? "server" : "client");
			timeline_note(c->tl, TL_EV_NOTE, c->self, c->conn, note);
			continue;
		}

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (c->o->cancel_fd >= 0 && (pf[1].revents & POLLIN)) {
			c->cancelled = true;
			errno = ECANCELED;
			return -1;
		}
		if (n == 0) {
			if (t == left)
				c->timed_out = true;
			return 0;
		}
		return 1;
	}
}

/*
 * After send() or recv() failed: waits until the socket is ready for events
 * and returns 1 to try again, or records the error for GnuTLS and returns -1
 * (a real error, the deadline (reported as timeout_errno), or cancellation).
 */
static int transport_again(struct conn *c, short events, int timeout_errno)
{
	int w;

	if (errno == EINTR)
		return 1;
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		c->last_errno = errno;
		gnutls_transport_set_errno(c->s, errno);
		return -1;
	}
	w = wait_fd(c, events, -1);
	if (w <= 0) {
		gnutls_transport_set_errno(c->s, w == 0 ? timeout_errno : errno);
		return -1;
	}
	return 1;
}

/* n bytes the peer sent were read: kept for the wire, then parsed. */
static void took_in(struct conn *c, const uint8_t *p, size_t n)
{
	if (c->capture)
		timeline_wire_add(c->tl, c->conn, c->peer, false, p, n);
	hooks_took_in(c, p, n);
}

/* Bytes read ahead and not handed to GnuTLS yet. */
static size_t buffered(const struct conn *c)
{
	return c->in_len - c->in_off;
}

/*
 * One read of the socket into the empty read-ahead buffer, never waiting.
 * Returns 1 when it holds bytes, or when the stream ended or failed (in_eof
 * or in_err say so, for the next pull to report); 0 when the read would
 * block (or was interrupted).
 */
static int fill(struct conn *c)
{
	ssize_t n;

	if (buffered(c) > 0 || c->in_eof || c->in_err)
		return 1;
	n = recv(c->fd, c->inbuf, sizeof c->inbuf, MSG_DONTWAIT);
	c->in_off = 0;
	c->in_len = n > 0 ? (size_t)n : 0;
	if (n > 0)
		return 1;
	if (n == 0) {
		c->in_eof = true;
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	c->in_err = errno;
	return 1;
}

/* Hands up to len read-ahead bytes to data (through the record parser when parse); returns how many. */
static size_t take(struct conn *c, uint8_t *data, size_t len, bool parse)
{
	size_t n = buffered(c) < len ? buffered(c) : len;

	memcpy(data, c->inbuf + c->in_off, n);
	c->in_off += n;
	if (parse && n > 0)
		took_in(c, data, n);
	return n;
}

/*
 * A write failed because the peer closed or reset the connection: the peer
 * usually said why first, and its alert may be waiting in the socket's
 * receive buffer (or already read ahead). Reads what is already there
 * (never waits) through the record parser, once. The handshake is over (a
 * failed push is fatal to it), so GnuTLS will not read these bytes itself.
 */
static void read_leftovers(struct conn *c)
{
	if (c->leftovers_read)
		return;
	c->leftovers_read = true;
	for (int i = 0; i < LEFTOVER_READS && transport_remaining_ms(c) > 0; i++) {
		uint8_t buf[INBUF_SIZE];

		if (!fill(c))
			break;
		if (buffered(c) > 0) {
			take(c, buf, sizeof buf, true);
			continue;
		}
		c->in_ended = true;
		hooks_record_cut(c);
		break;
	}
}

/*
 * The part of a push GnuTLS already handed over before: after a failed
 * write it pushes the unwritten bytes again, and those were parsed then (a
 * retried record stays one event). Returns how many leading bytes of data
 * were parsed before. If GnuTLS dropped them instead, they stay not sent.
 */
static size_t pushed_before(struct conn *c, const uint8_t *data, size_t len)
{
	uint64_t unsent = c->rs[DIR_OUT].pos - c->out_written;
	size_t cmp = unsent < sizeof c->out_unsent ? (size_t)unsent : sizeof c->out_unsent;
	unsigned k = 0;

	if (unsent == 0)
		return 0;
	if (cmp > len)
		cmp = len;
	if (memcmp(data, c->out_unsent, cmp) == 0)
		return unsent < len ? (size_t)unsent : len;
	for (unsigned i = 0; i < c->npend; i++)
		if (c->pend[i].end <= c->out_written)
			c->pend[k++] = c->pend[i];
	c->npend = k;
	c->out_written = c->rs[DIR_OUT].pos;
	return 0;
}

/* A write failed with err after `done` bytes of data: settles what it carried. */
static void write_failed(struct conn *c, int err, const uint8_t *data, size_t done, size_t len)
{
	size_t keep = len - done < sizeof c->out_unsent ? len - done : sizeof c->out_unsent;
	enum tl_undelivered_cause cause = delivery_write_cause(c, err);

	memcpy(c->out_unsent, data + done, keep);
	delivery_settle_failed(c, cause);
	if (cause == TL_CAUSE_PEER_CLOSED || cause == TL_CAUSE_RESET)
		read_leftovers(c);
}

/*
 * Push: parses the records GnuTLS hands over, writes them within the
 * deadline, and settles the delivery of what they carry. Returns the bytes
 * written (short when a write failed after some were), or -1.
 */
ssize_t transport_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	struct conn *c = ptr;
	const uint8_t *p = data;
	size_t done = 0, seen;

	if (c->o->gate && !c->last_hook_out && c->rs[DIR_OUT].hdr_have == 0 && len > 0 && p[0] == RECSTREAM_CCS &&
	    c->rs[DIR_OUT].pos == c->out_written) {
		/* step-gated: a ChangeCipherSpec that opens a flight (TLS 1.3 sends it on its own) */
		char what[96];
		snprintf(what, sizeof what, "the %s is about to send ChangeCipherSpec", c->self == TL_CLIENT ? "client" : "server");
		if (!step_gate_wait(c->o->gate, what)) {
			c->cancelled = true;
			gnutls_transport_set_errno(c->s, ECANCELED);
			return -1;
		}
		c->last_hook_out = true;
	}
	seen = pushed_before(c, p, len);
	if (seen < len)
		hooks_feed(c, DIR_OUT, p + seen, len - seen);
	if (c->capture)
		timeline_wire_add(c->tl, c->conn, c->self, true, p, len);   /* before it leaves (timeline.h) */
	while (done < len) {
		ssize_t n = send(c->fd, p + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		int err = errno;
		if (n >= 0) {
			done += (size_t)n;
			c->out_written += (uint64_t)n;
			delivery_settle_written(c);
		} else if (transport_again(c, POLLOUT, ETIMEDOUT) < 0) {
			if (c->capture)
				timeline_wire_unsent(c->tl, c->conn, c->self, len - done);
			write_failed(c, err, p, done, len);
			return done > 0 ? (ssize_t)done : -1;
		}
	}
	return (ssize_t)len;
}

/* Pull: hands over what was read ahead, else reads the socket (waiting within the deadline). */
ssize_t transport_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
	struct conn *c = ptr;

	for (;;) {
		if (fill(c) == 0) {
			errno = EAGAIN;
			if (transport_again(c, POLLIN, EAGAIN) < 0)
				return -1;
			continue;
		}
		if (buffered(c) > 0)
			return (ssize_t)take(c, data, len, true);
		c->in_ended = true;
		hooks_record_cut(c);
		if (c->in_eof)
			return 0;
		errno = c->in_err;      /* a real error: recorded for GnuTLS, reported once */
		c->in_err = 0;
		transport_again(c, POLLIN, EAGAIN);
		return -1;
	}
}

/*
 * Whether the cancel descriptor fired, looked at once per CANCEL_LOOK_US
 * while reads never block (a wait looks at it each time): a stream that
 * never pauses is still stopped within that time.
 */
static bool cancel_due(struct conn *c)
{
	struct pollfd pf = { .fd = c->o->cancel_fd, .events = POLLIN };
	int64_t now;

	if (c->o->cancel_fd < 0)
		return false;
	now = timeline_now(c->tl);
	if (c->cancel_looked_us == 0 || now - c->cancel_looked_us < CANCEL_LOOK_US) {
		if (c->cancel_looked_us == 0)
			c->cancel_looked_us = now;
		return false;
	}
	c->cancel_looked_us = now;
	return poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN);
}

/* Pull timeout: data ready (>0), timed out (0), or error (-1). Reads first; waits only if it would block. */
int transport_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct conn *c = ptr;

	if (fill(c)) {
		if (!cancel_due(c))
			return 1;
		c->cancelled = true;
		errno = ECANCELED;
		return -1;
	}
	return wait_fd(c, POLLIN, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)(ms > 0x7fffffffu ? 0x7fffffffu : ms));
}

/* Whether something is there to read, reading the socket first, then waiting up to ms (no deadline, no cancel). */
bool transport_in_ready(struct conn *c, int ms)
{
	struct pollfd pf = { .fd = c->fd, .events = POLLIN };

	if (fill(c))
		return true;
	return ms > 0 && poll(&pf, 1, ms) > 0;
}

/* Moves up to n read-ahead bytes GnuTLS did not take into out (not parsed: for the sniffer). */
size_t transport_take_buffered(struct conn *c, uint8_t *out, size_t n)
{
	return take(c, out, n, false);
}
