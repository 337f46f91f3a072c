/*
 * delivery.c: whether an outgoing event reached the wire. An outgoing
 * message is recorded by the hook before its records are written, so it
 * starts out pending (struct pending in conn.h); the push wrapper places
 * the records it writes into the pending events and settles them:
 * delivered once all their records were written, not sent when a write
 * failed or the connection ended first.
 */
#include "conn.h"
#include "tls_internal.h"

#include <errno.h>
#include <string.h>

/* Tracks outgoing event seq until its records are written; false when it cannot be tracked. */
static bool pending_add(struct conn *c, int seq, bool msg, bool ccs, size_t left, uint64_t end)
{
	struct pending *p;

	if (seq < 0 || c->npend == PENDING_MAX)
		return false;
	p = &c->pend[c->npend++];
	p->seq = seq;
	p->msg = msg;
	p->ccs = ccs;
	p->left = left;
	p->end = end;
	return true;
}

/* Records an outgoing event as pending (its records are not written yet); returns its seq. */
int delivery_observe_out(struct conn *c, struct tl_event *ev, bool msg, bool ccs, size_t left, uint64_t end)
{
	int seq;

	ev->delivery = c->npend < PENDING_MAX ? TL_DELIVERY_PENDING : TL_DELIVERED;
	seq = timeline_observe(c->tl, ev, true);
	if (ev->delivery == TL_DELIVERY_PENDING)
		pending_add(c, seq, msg, ccs, left, end);
	return seq;
}

/* Places n bytes of handshake payload, in a record ending at end, into the waiting messages. */
void delivery_place_bytes(struct conn *c, size_t n, uint64_t end, bool one_message)
{
	for (unsigned i = 0; i < c->npend && n > 0; i++) {
		struct pending *p = &c->pend[i];
		size_t take;
		if (!p->msg || p->left == 0)
			continue;
		take = n < p->left ? n : p->left;
		p->left -= take;
		p->end = end;
		n -= take;
		if (one_message)
			break;
	}
}

/* Places a ChangeCipherSpec record ending at end into the CCS announced ahead of it; false if none was. */
bool delivery_place_ccs(struct conn *c, uint64_t end)
{
	for (unsigned i = 0; i < c->npend; i++)
		if (c->pend[i].ccs && c->pend[i].end == 0) {
			c->pend[i].end = end;
			return true;
		}
	return false;
}

/* The stream is written up to out_written: settles what is wholly written. */
void delivery_settle_written(struct conn *c)
{
	unsigned k = 0;

	for (unsigned i = 0; i < c->npend; i++) {
		struct pending *p = &c->pend[i];
		if (p->left == 0 && p->end > 0 && p->end <= c->out_written)
			timeline_set_delivery(c->tl, (size_t)p->seq, TL_DELIVERED, TL_CAUSE_NONE);
		else
			c->pend[k++] = *p;
	}
	c->npend = k;
}

/* A write failed: what was attempted and not written is not sent (unless a retry succeeds). */
void delivery_settle_failed(struct conn *c, enum tl_undelivered_cause cause)
{
	c->out_fail = cause;
	for (unsigned i = 0; i < c->npend; i++)
		if (c->pend[i].end > c->out_written)
			timeline_set_delivery(c->tl, (size_t)c->pend[i].seq, TL_NOT_SENT, cause);
}

/* The cause of a failed write, from errno (or the connection's state). */
enum tl_undelivered_cause delivery_write_cause(const struct conn *c, int err)
{
	if (c->cancelled || err == ECANCELED)
		return TL_CAUSE_CANCELLED;
	if (c->timed_out || err == ETIMEDOUT)
		return TL_CAUSE_TIMEOUT;
	if (err == EPIPE)
		return TL_CAUSE_PEER_CLOSED;
	if (err == ECONNRESET)
		return TL_CAUSE_RESET;
	return TL_CAUSE_WRITE_FAILED;
}

/* The connection is over: whatever is still pending was not sent; a record cut short is incomplete. */
void delivery_settle_remaining(struct conn *c)
{
	enum tl_undelivered_cause cause = c->out_fail != TL_CAUSE_NONE ? c->out_fail : delivery_write_cause(c, 0);

	if (cause == TL_CAUSE_WRITE_FAILED)
		cause = TL_CAUSE_STOPPED;
	for (unsigned i = 0; i < c->npend; i++)
		timeline_set_delivery(c->tl, (size_t)c->pend[i].seq, TL_NOT_SENT, cause);
	c->npend = 0;
	hooks_record_cut(c);
}
