/*
 * timeline.c: the append-only, thread-safe event store (see timeline.h).
 *
 * Events live in individually allocated blocks referenced from a growable
 * array of pointers, so a block never moves once appended and the body/text
 * pointers handed out in copies stay valid until timeline_destroy().
 *
 * What a connection stores is bounded (the limits in timeline.h): a body
 * is kept up to TL_MAX_BODY_STORED bytes and what is left of the
 * connection's byte budget, events past the event limits are counted per
 * kind in its struct conn_info and not stored; the first message refused
 * leaves one note (TL_NOTE_NOT_STORED) at the place it happened.
 */
#include "tlsladder/timeline.h"
#include "tlsladder/chain.h"
#include "tlsladder/certverify.h"
#include "tlsladder/finished.h"
#include "tlsladder/keysched.h"
#include "tlsladder/names.h"
#include "tlsladder/waker.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RECORD_HEADER 5u               /* bytes of a TLS record header */
#define TL_MAX_CONN 65536          /* connections one timeline keeps results and ranges for */

/* What the timeline knows per connection. */
struct conn_info {
	struct tl_result res[2];
	struct chain_result *chain[2];   /* the chain verdict each side reached on its peer's; NULL: none */
	struct finished_result *fin;     /* the checks of its Finished messages, in the order stored */
	size_t nfin, capfin;
	struct certverify_result *cv;    /* the checks of its signatures (CertificateVerify, ServerKeyExchange) */
	size_t ncv, capcv;
	struct keysched_binder *binder;  /* the PSK binder check of its ClientHello; NULL: none stored */
	struct tl_record_facts *rec;     /* the facts of its records, by increasing index */
	size_t nrec, caprec;
	size_t first, end;               /* events of this connection lie in [first, end) */
	bool any;
	size_t nmsgs, nnotes;            /* events stored: messages, records, alerts, CCS; notes, errors, diagnoses */
	size_t stored;                   /* bytes of bodies and texts stored */
	struct tl_unstored un;           /* what it did not store */
};

/* The lock lives outside the struct so that readers holding a const
 * timeline can take it. */
struct tl_sync {
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

struct timeline {
	struct tl_sync *sync;
	bool merge;
	struct timespec start;
	struct tl_event **ev;
	size_t count, cap;
	unsigned dropped;
	unsigned generation;         /* bumped on every change */
	uint64_t id;                 /* unique among the timelines of this process */
	struct tl_secret *secrets;
	size_t nsecrets, capsecrets;
	struct conn_info *conns;
	size_t conncap;
	unsigned nconn;
	bool finished;
	struct waker *waker;         /* poked on every change; NULL: nobody watches (see waker.h) */
	bool own_waker;              /* ... made by timeline_wake_fd, freed with the timeline */
	atomic_int refs;             /* holders (timeline_hold); the last timeline_destroy frees */
	timeline_note_hook note_hook;
	void *note_arg;
	struct tl_wire *wire;        /* the bytes on the wire and the addresses; NULL: none (see the end of this file) */
	int64_t wall_start_us;       /* the wall clock at creation */
};

static void wire_free(struct tl_wire *w);

/* Timeline ids: a memo keyed by (id, generation) never mistakes one timeline for another. */
static atomic_uint_fast64_t next_id = 1;

/* Frees memory the timeline owns but hands out as const. */
static void free_const(const void *p)
{
	free((void *)(uintptr_t)p);
}

/* Makes an empty timeline whose clock starts now. */
struct timeline *timeline_create(bool merge)
{
	struct timeline *tl = calloc(1, sizeof *tl);

	if (!tl)
		return NULL;
	tl->sync = calloc(1, sizeof *tl->sync);
	if (!tl->sync) {
		free(tl);
		return NULL;
	}
	atomic_init(&tl->refs, 1);
	pthread_mutex_init(&tl->sync->lock, NULL);
	pthread_cond_init(&tl->sync->changed, NULL);
	tl->merge = merge;
	tl->id = atomic_fetch_add(&next_id, 1);
	clock_gettime(CLOCK_MONOTONIC, &tl->start);
	{
		struct timespec wall;
		clock_gettime(CLOCK_REALTIME, &wall);
		tl->wall_start_us = (int64_t)wall.tv_sec * 1000000 + wall.tv_nsec / 1000;
	}
	return tl;
}

/* One more holder: the timeline lives until each has called timeline_destroy. */
struct timeline *timeline_hold(struct timeline *tl)
{
	if (tl)
		atomic_fetch_add(&tl->refs, 1);
	return tl;
}

/* Lets go of the timeline; the last holder frees it and everything in it. */
void timeline_destroy(struct timeline *tl)
{
	if (!tl || atomic_fetch_sub(&tl->refs, 1) > 1)
		return;
	for (size_t i = 0; i < tl->count; i++) {
		free_const(tl->ev[i]->body);
		free_const(tl->ev[i]->text);
		free(tl->ev[i]);
	}
	free(tl->ev);
	for (size_t i = 0; i < tl->conncap; i++) {
		free(tl->conns[i].chain[0]);
		free(tl->conns[i].chain[1]);
		if (tl->conns[i].fin)
			memset(tl->conns[i].fin, 0, tl->conns[i].capfin * sizeof *tl->conns[i].fin);
		free(tl->conns[i].fin);
		free(tl->conns[i].cv);
		if (tl->conns[i].binder)
			memset(tl->conns[i].binder, 0, sizeof *tl->conns[i].binder);
		free(tl->conns[i].binder);
		if (tl->conns[i].rec)
			memset(tl->conns[i].rec, 0, tl->conns[i].caprec * sizeof *tl->conns[i].rec);
		free(tl->conns[i].rec);
	}
	free(tl->conns);
	if (tl->secrets)
		memset(tl->secrets, 0, tl->capsecrets * sizeof *tl->secrets);
	free(tl->secrets);
	if (tl->own_waker)
		waker_free(tl->waker);
	wire_free(tl->wire);
	pthread_mutex_destroy(&tl->sync->lock);
	pthread_cond_destroy(&tl->sync->changed);
	free(tl->sync);
	free(tl);
}

/* Microseconds since creation. */
int64_t timeline_now(const struct timeline *tl)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - tl->start.tv_sec) * 1000000 +
	       (now.tv_nsec - tl->start.tv_nsec) / 1000;
}

/* Records a change: bumps the generation, signals waiters, pokes the waker if anyone watches. Lock held. */
static void changed_locked(struct timeline *tl)
{
	tl->generation++;
	pthread_cond_broadcast(&tl->sync->changed);
	if (tl->waker)
		waker_poke(tl->waker);
}

/* Duplicates n bytes (NULL for none); *ok false when memory ran out. */
static void *dup_bytes(const void *p, size_t n, bool *ok)
{
	void *q;

	if (!p || n == 0)
		return NULL;
	q = malloc(n);
	if (!q) {
		*ok = false;
		return NULL;
	}
	memcpy(q, p, n);
	return q;
}

/* The record of connection conn, growing the table; NULL when out of range or memory. Lock held. */
static struct conn_info *conn_locked(struct timeline *tl, unsigned conn)
{
	if (conn >= TL_MAX_CONN)
		return NULL;
	if (conn >= tl->conncap) {
		size_t ncap = tl->conncap ? tl->conncap : 8;
		struct conn_info *n;
		while (ncap <= conn)
			ncap *= 2;
		n = realloc(tl->conns, ncap * sizeof *n);
		if (!n)
			return NULL;
		memset(n + tl->conncap, 0, (ncap - tl->conncap) * sizeof *n);
		tl->conns = n;
		tl->conncap = ncap;
	}
	return &tl->conns[conn];
}

/* True for the kinds that carry a text (they have their own limit). */
static bool text_kind(enum tl_kind k)
{
	return k == TL_EV_NOTE || k == TL_EV_ERROR || k == TL_EV_DIAGNOSIS;
}

/* Length of the first at most n bytes of text, not ending inside a UTF-8 sequence. */
static size_t text_cut_at(const char *text, size_t n)
{
	size_t len = strlen(text);

	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * What connection ci may keep of ev (its body and text of body_len and
 * text_len bytes): false when the event is not stored at all (it is counted
 * when count is set); else *body_keep and *text_keep bytes. Lock held.
 */
static bool fit_locked(struct conn_info *ci, const struct tl_event *ev, size_t body_len, size_t text_len, bool count,
		       size_t *body_keep, size_t *text_keep)
{
	const size_t body_budget = TL_CONN_MAX_STORED - TL_CONN_TEXT_RESERVE;
	size_t room;

	*body_keep = body_len < TL_MAX_BODY_STORED ? body_len : TL_MAX_BODY_STORED;
	*text_keep = text_len;
	if (!ci)
		return true;
	if (text_kind(ev->kind) ? ci->nnotes >= TL_CONN_MAX_NOTES : ci->nmsgs >= TL_CONN_MAX_EVENTS) {
		if (count && (unsigned)ev->kind < TL_KIND_COUNT) {
			ci->un.events[ev->kind]++;
			ci->un.body_bytes += body_len + text_len;
		}
		return false;
	}
	room = ci->stored < body_budget ? body_budget - ci->stored : 0;
	if (*body_keep > room)
		*body_keep = room;
	room = ci->stored + *body_keep < TL_CONN_MAX_STORED ? TL_CONN_MAX_STORED - ci->stored - *body_keep : 0;
	if (*text_keep > room)
		*text_keep = room;
	if (*body_keep < body_len || *text_keep < text_len) {
		ci->un.cut++;
		ci->un.body_bytes += (body_len - *body_keep) + (text_len - *text_keep);
	}
	return true;
}

/* Takes what connection ci stores of stored event e into its counts. Lock held. */
static void conn_took_locked(struct conn_info *ci, const struct tl_event *e)
{
	if (!ci)
		return;
	if (!ci->any)
		ci->first = e->seq;
	ci->any = true;
	ci->end = e->seq + 1;
	if (text_kind(e->kind))
		ci->nnotes++;
	else
		ci->nmsgs++;
	ci->stored += e->body_len + (e->text ? strlen(e->text) : 0);
}

static int append_locked(struct timeline *tl, const struct tl_event *ev, bool count);

/* Marks the place where connection ci first refused a message: one note. Lock held. */
static void mark_unstored_locked(struct timeline *tl, const struct conn_info *ci, const struct tl_event *ev)
{
	struct tl_event m;
	unsigned long refused = 0;
	char lim[16], text[160];

	for (int k = 0; k < TL_KIND_COUNT; k++)
		if (!text_kind((enum tl_kind)k))
			refused += ci->un.events[k];
	if (text_kind(ev->kind) || refused != 1)
		return;
	memset(&m, 0, sizeof m);
	m.kind = TL_EV_NOTE;
	m.from = ev->from;
	m.conn = ev->conn;
	m.t_us = ev->t_us;
	m.note.code = TL_NOTE_NOT_STORED;
	snprintf(text, sizeof text, "from here on, this connection's further messages and records are not stored "
		 "(limit %s events per connection)", timeline_grouped(TL_CONN_MAX_EVENTS, lim, sizeof lim));
	m.text = text;
	append_locked(tl, &m, true);
}

/* Appends a copy of ev within its connection's limits (count: count what is not stored).
 * Lock held. Returns seq, or -1 when it was not stored. */
static int append_locked(struct timeline *tl, const struct tl_event *ev, bool count)
{
	struct conn_info *ci = conn_locked(tl, ev->conn);
	size_t body_len = ev->body ? ev->body_len : 0, text_len = ev->text ? strlen(ev->text) : 0;
	size_t body_keep, text_keep;
	struct tl_event *e;
	bool ok = true;
	char *text;

	if (!fit_locked(ci, ev, body_len, text_len, count, &body_keep, &text_keep)) {
		tl->generation++;
		if (count)
			mark_unstored_locked(tl, ci, ev);
		return -1;
	}

	if (tl->count == tl->cap) {
		size_t ncap = tl->cap ? tl->cap * 2 : 64;
		struct tl_event **nev = realloc(tl->ev, ncap * sizeof *nev);
		if (!nev)
			goto fail;
		tl->ev = nev;
		tl->cap = ncap;
	}
	e = malloc(sizeof *e);
	if (!e)
		goto fail;
	*e = *ev;
	e->body = dup_bytes(ev->body, body_keep, &ok);
	e->body_len = e->body ? body_keep : 0;
	e->body_total = ev->body_total > body_len ? ev->body_total : body_len;
	text = ev->text ? malloc(text_cut_at(ev->text, text_keep) + 1) : NULL;
	if (text) {
		memcpy(text, ev->text, text_cut_at(ev->text, text_keep));
		text[text_cut_at(ev->text, text_keep)] = '\0';
	}
	ok = ok && (text || !ev->text);
	e->text = text;
	e->text_total = ev->text_total > text_len ? ev->text_total : text_len;
	if (!ok) {
		free_const(e->body);
		free_const(e->text);
		free(e);
		goto fail;
	}
	e->seq = (unsigned)tl->count;
	tl->ev[tl->count++] = e;
	conn_took_locked(ci, e);
	changed_locked(tl);
	return (int)e->seq;
fail:
	tl->dropped++;
	changed_locked(tl);
	return -1;
}

/* True when a received observation r is the same message as sent event e. */
static bool same_message(const struct tl_event *e, const struct tl_event *r)
{
	if (e->kind != r->kind || e->from != r->from || e->conn != r->conn || e->recv_seen || !e->sent_seen)
		return false;
	switch (e->kind) {
	case TL_EV_HANDSHAKE:
		return e->hs_type == r->hs_type;
	case TL_EV_ALERT:
		return e->alert_desc == r->alert_desc;
	case TL_EV_RECORD:
		return e->rec_type == r->rec_type && e->rec_length == r->rec_length;
	case TL_EV_CCS:
		return true;
	default:
		return false;
	}
}

/* Records one side's observation of a message. */
int timeline_observe(struct timeline *tl, const struct tl_event *ev, bool outgoing)
{
	struct tl_event copy = *ev;
	int seq;

	pthread_mutex_lock(&tl->sync->lock);
	/* stamped under the lock, so times never go backwards along the array */
	copy.t_us = timeline_now(tl);
	if (!outgoing && tl->merge && ev->delivery != TL_INCOMPLETE) {
		for (size_t i = 0; i < tl->count; i++) {
			struct tl_event *e = tl->ev[i];
			if (!same_message(e, ev))
				continue;
			e->recv_seen = true;
			e->recv_us = copy.t_us;
			if (ev->kind == TL_EV_HANDSHAKE &&
			    (e->body_total != ev->body_len || (e->body_len && (!ev->body || ev->body_len < e->body_len ||
									       memcmp(e->body, ev->body, e->body_len) != 0))))
				e->recv_differs = true;
			changed_locked(tl);
			seq = (int)e->seq;
			pthread_mutex_unlock(&tl->sync->lock);
			return seq;
		}
	}
	copy.sent_seen = outgoing;
	copy.recv_seen = !outgoing;
	copy.sent_us = outgoing ? copy.t_us : 0;
	copy.recv_us = outgoing ? 0 : copy.t_us;
	copy.recv_differs = false;
	/* in a merged run the sender's observation already counted a message not stored */
	seq = append_locked(tl, &copy, outgoing || !tl->merge);
	pthread_mutex_unlock(&tl->sync->lock);
	return seq;
}

/* Settles an event's delivery. */
bool timeline_set_delivery(struct timeline *tl, size_t seq, enum tl_delivery d, enum tl_undelivered_cause cause)
{
	bool ok;

	pthread_mutex_lock(&tl->sync->lock);
	ok = seq < tl->count;
	if (ok && (tl->ev[seq]->delivery != d || tl->ev[seq]->cause != cause)) {
		tl->ev[seq]->delivery = d;
		tl->ev[seq]->cause = d == TL_DELIVERED || d == TL_DELIVERY_PENDING ? TL_CAUSE_NONE : cause;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
	return ok;
}

/* Appends ev as given. */
int timeline_append_raw(struct timeline *tl, const struct tl_event *ev)
{
	int seq;

	pthread_mutex_lock(&tl->sync->lock);
	seq = append_locked(tl, ev, true);
	pthread_mutex_unlock(&tl->sync->lock);
	return seq;
}

static int note_append(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text,
		       int code, const struct tl_note *fact);

/* Appends a note, error or diagnosis. */
int timeline_note(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text)
{
	return timeline_note_code(tl, kind, side, conn, text, 0);
}

/* Appends a note, error or diagnosis with a code. */
int timeline_note_code(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text,
		       int code)
{
	struct tl_note none = { 0 };

	return note_append(tl, kind, side, conn, text, code, &none);
}

/* Appends a note or error with its typed fact. */
int timeline_note_fact(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text,
		       const struct tl_note *fact)
{
	return note_append(tl, kind, side, conn, text, 0, fact);
}

/* Appends a note, error or diagnosis (the two functions above). */
static int note_append(struct timeline *tl, enum tl_kind kind, enum tl_side side, unsigned conn, const char *text,
		       int code, const struct tl_note *fact)
{
	struct tl_event ev;
	int seq;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.from = side;
	ev.conn = conn;
	ev.text = text;
	ev.code = code;
	ev.note = *fact;
	pthread_mutex_lock(&tl->sync->lock);
	ev.t_us = timeline_now(tl);
	seq = append_locked(tl, &ev, true);
	pthread_mutex_unlock(&tl->sync->lock);
	if (tl->note_hook && (kind == TL_EV_NOTE || kind == TL_EV_ERROR))
		tl->note_hook(tl->note_arg, &ev);
	return seq;
}

/* Sets the note hook (before the run starts). */
void timeline_set_note_hook(struct timeline *tl, timeline_note_hook fn, void *arg)
{
	tl->note_hook = fn;
	tl->note_arg = arg;
}

/* Number of events. */
size_t timeline_count(const struct timeline *tl)
{
	const struct timeline *m = tl;
	size_t n;

	pthread_mutex_lock(&m->sync->lock);
	n = m->count;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* Copies event i. */
bool timeline_get(const struct timeline *tl, size_t i, struct tl_event *out)
{
	const struct timeline *m = tl;
	bool ok = false;

	pthread_mutex_lock(&m->sync->lock);
	if (i < m->count) {
		*out = *m->ev[i];
		ok = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	return ok;
}

/* Events lost to memory exhaustion. */
unsigned timeline_dropped(const struct timeline *tl)
{
	const struct timeline *m = tl;
	unsigned n;

	pthread_mutex_lock(&m->sync->lock);
	n = m->dropped;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* Stores a secret (duplicates from both sides are kept once). */
void timeline_add_secret(struct timeline *tl, const struct tl_secret *s)
{
	pthread_mutex_lock(&tl->sync->lock);
	for (size_t i = 0; i < tl->nsecrets; i++) {
		const struct tl_secret *o = &tl->secrets[i];
		if (o->conn == s->conn && strcmp(o->label, s->label) == 0 &&
		    memcmp(o->client_random, s->client_random, sizeof o->client_random) == 0) {
			pthread_mutex_unlock(&tl->sync->lock);
			return;
		}
	}
	if (tl->nsecrets == tl->capsecrets) {
		size_t ncap = tl->capsecrets ? tl->capsecrets * 2 : 16;
		struct tl_secret *n = calloc(ncap, sizeof *n);
		if (!n) {
			tl->dropped++;
			pthread_mutex_unlock(&tl->sync->lock);
			return;
		}
		if (tl->secrets) {
			memcpy(n, tl->secrets, tl->nsecrets * sizeof *n);
			memset(tl->secrets, 0, tl->capsecrets * sizeof *n);
			free(tl->secrets);
		}
		tl->secrets = n;
		tl->capsecrets = ncap;
	}
	tl->secrets[tl->nsecrets++] = *s;
	changed_locked(tl);
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Number of stored secrets. */
size_t timeline_secret_count(const struct timeline *tl)
{
	const struct timeline *m = tl;
	size_t n;

	pthread_mutex_lock(&m->sync->lock);
	n = m->nsecrets;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* Copies secret i. */
bool timeline_get_secret(const struct timeline *tl, size_t i, struct tl_secret *out)
{
	const struct timeline *m = tl;
	bool ok = false;

	pthread_mutex_lock(&m->sync->lock);
	if (i < m->nsecrets) {
		*out = m->secrets[i];
		ok = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	return ok;
}

/* Stores a side's result for a connection. */
void timeline_set_result(struct timeline *tl, enum tl_side side, unsigned conn, const struct tl_result *r)
{
	struct conn_info *ci;

	pthread_mutex_lock(&tl->sync->lock);
	ci = conn_locked(tl, conn);
	if (ci) {
		ci->res[side] = *r;
		ci->res[side].set = true;
		if (conn + 1 > tl->nconn)
			tl->nconn = conn + 1;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Copies a side's result for a connection. */
void timeline_get_result(const struct timeline *tl, enum tl_side side, unsigned conn, struct tl_result *r)
{
	const struct timeline *m = tl;

	memset(r, 0, sizeof *r);
	pthread_mutex_lock(&m->sync->lock);
	if (conn < m->conncap)
		*r = m->conns[conn].res[side];
	pthread_mutex_unlock(&m->sync->lock);
}

/* Stores the chain verdict a side reached in a connection (a copy; a later one replaces it). */
void timeline_set_chain(struct timeline *tl, enum tl_side judge, unsigned conn, const struct chain_result *c)
{
	struct chain_result *copy = malloc(sizeof *copy);
	struct conn_info *ci;

	if (!copy)
		return;
	*copy = *c;
	pthread_mutex_lock(&tl->sync->lock);
	ci = conn_locked(tl, conn);
	if (ci) {
		free(ci->chain[judge]);
		ci->chain[judge] = copy;
		copy = NULL;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
	free(copy);
}

/* Copies the chain verdict a side reached in a connection; false when there is none. */
bool timeline_get_chain(const struct timeline *tl, enum tl_side judge, unsigned conn, struct chain_result *out)
{
	const struct timeline *m = tl;
	bool any = false;

	pthread_mutex_lock(&m->sync->lock);
	if (conn < m->conncap && m->conns[conn].chain[judge]) {
		*out = *m->conns[conn].chain[judge];
		any = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	return any;
}

/* The stored check of the Finished at index in a connection's list, or NULL. Lock held. */
static struct finished_result *finished_locked(const struct conn_info *ci, size_t index)
{
	for (size_t k = 0; k < ci->nfin; k++)
		if (ci->fin[k].index == index)
			return &ci->fin[k];
	return NULL;
}

/* Stores the check of a Finished (a copy; a later one for the same index replaces it). */
void timeline_set_finished(struct timeline *tl, const struct finished_result *r)
{
	struct conn_info *ci = NULL;
	struct finished_result *slot;

	pthread_mutex_lock(&tl->sync->lock);
	if (r->index < tl->count)
		ci = conn_locked(tl, tl->ev[r->index]->conn);
	slot = ci ? finished_locked(ci, r->index) : NULL;
	if (ci && !slot && ci->nfin == ci->capfin) {
		size_t ncap = ci->capfin ? ci->capfin * 2 : 2;
		struct finished_result *n = realloc(ci->fin, ncap * sizeof *n);
		if (n) {
			ci->fin = n;
			ci->capfin = ncap;
		}
	}
	if (ci && !slot && ci->nfin < ci->capfin)
		slot = &ci->fin[ci->nfin++];
	if (slot) {
		*slot = *r;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Copies the stored check of the Finished at index; false when there is none. */
bool timeline_get_finished(const struct timeline *tl, size_t index, struct finished_result *out)
{
	const struct timeline *m = tl;
	const struct finished_result *r = NULL;

	pthread_mutex_lock(&m->sync->lock);
	if (index < m->count && m->ev[index]->conn < m->conncap)
		r = finished_locked(&m->conns[m->ev[index]->conn], index);
	if (r)
		*out = *r;
	pthread_mutex_unlock(&m->sync->lock);
	return r != NULL;
}

/* The stored check of the signature at index in a connection's list, or NULL. Lock held. */
static struct certverify_result *certverify_locked(const struct conn_info *ci, size_t index)
{
	for (size_t k = 0; k < ci->ncv; k++)
		if (ci->cv[k].index == index)
			return &ci->cv[k];
	return NULL;
}

/* Stores the check of a signature (a copy; a later one for the same index replaces it). */
void timeline_set_certverify(struct timeline *tl, const struct certverify_result *r)
{
	struct conn_info *ci = NULL;
	struct certverify_result *slot;

	pthread_mutex_lock(&tl->sync->lock);
	if (r->index < tl->count)
		ci = conn_locked(tl, tl->ev[r->index]->conn);
	slot = ci ? certverify_locked(ci, r->index) : NULL;
	if (ci && !slot && ci->ncv == ci->capcv) {
		size_t ncap = ci->capcv ? ci->capcv * 2 : 2;
		struct certverify_result *n = realloc(ci->cv, ncap * sizeof *n);
		if (n) {
			ci->cv = n;
			ci->capcv = ncap;
		}
	}
	if (ci && !slot && ci->ncv < ci->capcv)
		slot = &ci->cv[ci->ncv++];
	if (slot) {
		*slot = *r;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Copies the stored check of the signature at index; false when there is none. */
bool timeline_get_certverify(const struct timeline *tl, size_t index, struct certverify_result *out)
{
	const struct timeline *m = tl;
	const struct certverify_result *r = NULL;

	pthread_mutex_lock(&m->sync->lock);
	if (index < m->count && m->ev[index]->conn < m->conncap)
		r = certverify_locked(&m->conns[m->ev[index]->conn], index);
	if (r)
		*out = *r;
	pthread_mutex_unlock(&m->sync->lock);
	return r != NULL;
}

/* Stores the PSK binder check of a connection (a copy; a later one replaces it). */
void timeline_set_keysched(struct timeline *tl, unsigned conn, const struct keysched_binder *b)
{
	struct keysched_binder *copy = malloc(sizeof *copy);
	struct conn_info *ci;

	if (!copy)
		return;
	*copy = *b;
	pthread_mutex_lock(&tl->sync->lock);
	ci = conn_locked(tl, conn);
	if (ci) {
		if (ci->binder)
			memset(ci->binder, 0, sizeof *ci->binder);
		free(ci->binder);
		ci->binder = copy;
		copy = NULL;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
	free(copy);
}

/* Copies the stored PSK binder check of a connection; false when there is none. */
bool timeline_get_keysched(const struct timeline *tl, unsigned conn, struct keysched_binder *out)
{
	const struct timeline *m = tl;
	bool any = false;

	pthread_mutex_lock(&m->sync->lock);
	if (conn < m->conncap && m->conns[conn].binder) {
		*out = *m->conns[conn].binder;
		any = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	return any;
}

/* Where the facts of the record at index are, or would go, in a connection's sorted list. Lock held. */
static size_t record_slot_locked(const struct conn_info *ci, size_t index)
{
	size_t lo = 0, hi = ci->nrec;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ci->rec[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Stores the facts of a record (a copy; a later one for the same index replaces it). */
void timeline_set_record(struct timeline *tl, const struct tl_record_facts *f)
{
	struct conn_info *ci = NULL;
	size_t k;

	pthread_mutex_lock(&tl->sync->lock);
	if (f->index < tl->count && tl->ev[f->index]->kind == TL_EV_RECORD)
		ci = conn_locked(tl, tl->ev[f->index]->conn);
	k = ci ? record_slot_locked(ci, f->index) : 0;
	if (ci && (k == ci->nrec || ci->rec[k].index != f->index)) {
		if (ci->nrec == ci->caprec) {
			size_t ncap = ci->caprec ? ci->caprec * 2 : 16;
			struct tl_record_facts *n = realloc(ci->rec, ncap * sizeof *n);
			if (n) {
				ci->rec = n;
				ci->caprec = ncap;
			}
		}
		if (ci->nrec < ci->caprec) {
			memmove(ci->rec + k + 1, ci->rec + k, (ci->nrec - k) * sizeof *ci->rec);
			ci->nrec++;
		} else {
			ci = NULL;           /* out of memory: not stored */
		}
	}
	if (ci) {
		ci->rec[k] = *f;
		changed_locked(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Copies the stored facts of the record at index; false when there are none. */
bool timeline_get_record(const struct timeline *tl, size_t index, struct tl_record_facts *out)
{
	const struct timeline *m = tl;
	bool found = false;

	pthread_mutex_lock(&m->sync->lock);
	if (index < m->count && m->ev[index]->conn < m->conncap) {
		const struct conn_info *ci = &m->conns[m->ev[index]->conn];
		size_t k = record_slot_locked(ci, index);
		if (k < ci->nrec && ci->rec[k].index == index) {
			*out = ci->rec[k];
			found = true;
		}
	}
	pthread_mutex_unlock(&m->sync->lock);
	return found;
}

/* The events of a connection lie in [first, end). */
bool timeline_conn_range(const struct timeline *tl, unsigned conn, size_t *first, size_t *end)
{
	const struct timeline *m = tl;
	bool any = false;

	pthread_mutex_lock(&m->sync->lock);
	if (conn < m->conncap && m->conns[conn].any) {
		*first = m->conns[conn].first;
		*end = m->conns[conn].end;
		any = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	if (!any)
		*first = *end = 0;
	return any;
}

/* Connections with a result. */
unsigned timeline_conn_count(const struct timeline *tl)
{
	const struct timeline *m = tl;
	unsigned n;

	pthread_mutex_lock(&m->sync->lock);
	n = m->nconn;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* About how many bytes the timeline holds: its events, their bodies and texts, secrets and verdicts. */
size_t timeline_footprint(const struct timeline *tl)
{
	size_t n;

	pthread_mutex_lock(&tl->sync->lock);
	n = sizeof *tl + tl->cap * sizeof *tl->ev + tl->count * (sizeof(struct tl_event) + 16) +
	    tl->capsecrets * sizeof *tl->secrets + tl->conncap * sizeof *tl->conns;
	for (size_t i = 0; i < tl->conncap; i++) {
		n += tl->conns[i].stored + tl->conns[i].capfin * sizeof *tl->conns[i].fin +
		     tl->conns[i].capcv * sizeof *tl->conns[i].cv +
		     tl->conns[i].caprec * sizeof *tl->conns[i].rec;
		n += (tl->conns[i].chain[0] ? sizeof *tl->conns[i].chain[0] : 0) +
		     (tl->conns[i].chain[1] ? sizeof *tl->conns[i].chain[1] : 0);
		n += tl->conns[i].binder ? sizeof *tl->conns[i].binder : 0;
	}
	pthread_mutex_unlock(&tl->sync->lock);
	return n;
}

/* Marks the run finished. */
void timeline_finish(struct timeline *tl)
{
	pthread_mutex_lock(&tl->sync->lock);
	tl->finished = true;
	changed_locked(tl);
	pthread_mutex_unlock(&tl->sync->lock);
}

/* True once timeline_finish() was called. */
bool timeline_finished(const struct timeline *tl)
{
	const struct timeline *m = tl;
	bool f;

	pthread_mutex_lock(&m->sync->lock);
	f = m->finished;
	pthread_mutex_unlock(&m->sync->lock);
	return f;
}

/* The wake pipe's read end, made on first use (-1 when out of descriptors). */
int timeline_wake_fd(const struct timeline *tl)
{
	struct timeline *m = (struct timeline *)(uintptr_t)tl;
	int fd = -1;

	pthread_mutex_lock(&m->sync->lock);
	if (!m->waker && (m->waker = waker_new()) != NULL)
		m->own_waker = true;
	if (m->waker)
		fd = waker_fd(m->waker);
	pthread_mutex_unlock(&m->sync->lock);
	return fd;
}

/* Empties the wake pipe. */
void timeline_drain_wake(const struct timeline *tl)
{
	struct waker *w;

	pthread_mutex_lock(&tl->sync->lock);
	w = tl->waker;
	pthread_mutex_unlock(&tl->sync->lock);
	if (w)
		waker_drain(w);
}

/* Pokes w on every later change (and once now); w must outlive the timeline. */
void timeline_set_waker(struct timeline *tl, struct waker *w)
{
	pthread_mutex_lock(&tl->sync->lock);
	if (tl->own_waker)
		waker_free(tl->waker);
	tl->own_waker = false;
	tl->waker = w;
	if (w)
		waker_poke(w);
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Waits for more events, the end of the run, or the timeout. */
size_t timeline_wait(const struct timeline *tl, size_t seen, int timeout_ms)
{
	const struct timeline *m = tl;
	struct timespec until;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout_ms >= 0) {
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&m->sync->lock);
	while (m->count <= seen && !m->finished) {
		int rc = timeout_ms >= 0 ? pthread_cond_timedwait(&m->sync->changed, &m->sync->lock, &until)
					 : pthread_cond_wait(&m->sync->changed, &m->sync->lock);
		if (rc == ETIMEDOUT)
			break;
	}
	n = m->count;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* Human name of an event. */
const char *timeline_event_name(const struct tl_event *ev)
{
	const char *n;

	switch (ev->kind) {
	case TL_EV_HANDSHAKE:
		if (ev->hs_type == TL_HS_HELLO_RETRY_REQUEST)
			return "HelloRetryRequest";
		n = names_handshake(ev->hs_type);
		return n ? n : "unknown handshake message";
	case TL_EV_CCS:
		return "ChangeCipherSpec";
	case TL_EV_ALERT:
		return "Alert";
	case TL_EV_RECORD:
		n = names_content_type(ev->rec_type);
		return n ? n : "unknown record type";
	case TL_EV_NOTE:
		return "note";
	case TL_EV_ERROR:
		return "error";
	case TL_EV_DIAGNOSIS:
		return "diagnosis";
	case TL_EV_PLAIN:
		return ev->note.in_tls ? "application data" : "plaintext";
	}
	return "?";
}

/* Identifies the timeline's current content (see timeline.h). */
void timeline_stamp(const struct timeline *tl, uint64_t *id, unsigned *generation)
{
	pthread_mutex_lock(&tl->sync->lock);
	*id = tl->id;
	*generation = tl->generation;
	pthread_mutex_unlock(&tl->sync->lock);
}

/* True when the event did not (wholly) reach the other side. */
bool timeline_undelivered(const struct tl_event *ev)
{
	return ev->delivery == TL_NOT_SENT || ev->delivery == TL_INCOMPLETE;
}

/* Why an outgoing event was not sent, after "not sent: ". */
static void not_sent_words(enum tl_undelivered_cause cause, const char *peer, char *buf, size_t n)
{
	switch (cause) {
	case TL_CAUSE_PEER_CLOSED:
		snprintf(buf, n, "the %s had closed the connection (EPIPE)", peer);
		break;
	case TL_CAUSE_RESET:
		snprintf(buf, n, "the %s had reset the connection (ECONNRESET)", peer);
		break;
	case TL_CAUSE_TIMEOUT:
		snprintf(buf, n, "the time limit ran out before it could be written");
		break;
	case TL_CAUSE_CANCELLED:
		snprintf(buf, n, "the run was stopped");
		break;
	case TL_CAUSE_WRITE_FAILED:
		snprintf(buf, n, "writing it to the connection failed");
		break;
	default:
		snprintf(buf, n, "the handshake stopped before it was written");
		break;
	}
}

/* What became of an undelivered event, in words. */
char *timeline_delivery_text(const struct tl_event *ev, char *buf, size_t n)
{
	const char *peer = ev->from == TL_CLIENT ? "server" : "client";
	unsigned whole = RECORD_HEADER + ev->rec_length;
	char why[96];

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (ev->delivery == TL_NOT_SENT) {
		not_sent_words(ev->cause, peer, why, sizeof why);
		snprintf(buf, n, "not sent: %s", why);
	} else if (ev->delivery == TL_INCOMPLETE && ev->deliv_bytes < RECORD_HEADER) {
		snprintf(buf, n, "incomplete: %s inside its header (%u of %u bytes)",
			 ev->cause == TL_CAUSE_NOT_READ ? "reading stopped" : "the connection ended", ev->deliv_bytes,
			 RECORD_HEADER);
	} else if (ev->delivery == TL_INCOMPLETE) {
		snprintf(buf, n, "incomplete: %s after %u of its %u bytes",
			 ev->cause == TL_CAUSE_NOT_READ ? "reading stopped" : "the connection ended", ev->deliv_bytes, whole);
	}
	return buf;
}

/* What a connection did not store. */
bool timeline_conn_unstored(const struct timeline *tl, unsigned conn, struct tl_unstored *out)
{
	const struct timeline *m = tl;
	bool any = false;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&m->sync->lock);
	if (conn < m->conncap)
		*out = m->conns[conn].un;
	pthread_mutex_unlock(&m->sync->lock);
	for (int k = 0; k < TL_KIND_COUNT; k++)
		any |= out->events[k] > 0;
	return any || out->cut > 0;
}

/* n with commas between thousands. */
char *timeline_grouped(unsigned long long n, char *buf, size_t len)
{
	char digits[32];
	size_t nd = (size_t)snprintf(digits, sizeof digits, "%llu", n), o = 0;

	for (size_t i = 0; i < nd && o + 1 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (len > 0)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}

/* The plural and singular names of the events of a kind that were not stored. */
static const char *const unstored_names[TL_KIND_COUNT][2] = {
	[TL_EV_HANDSHAKE] = { "handshake messages", "handshake message" },
	[TL_EV_CCS] = { "ChangeCipherSpec messages", "ChangeCipherSpec message" },
	[TL_EV_ALERT] = { "alerts", "alert" },
	[TL_EV_RECORD] = { "records", "record" },
	[TL_EV_NOTE] = { "notes", "note" },
	[TL_EV_ERROR] = { "errors", "error" },
	[TL_EV_DIAGNOSIS] = { "diagnoses", "diagnosis" },
	[TL_EV_PLAIN] = { "plaintext lines", "plaintext line" },
};

/* The first kind with events not stored. */
static int first_kind(const struct tl_unstored *u)
{
	int k = 0;

	while (k < TL_KIND_COUNT - 1 && !u->events[k])
		k++;
	return k;
}

/* The events a connection did not store, in words. */
char *timeline_unstored_text(const struct tl_unstored *u, char *buf, size_t n)
{
	size_t used = 0, kinds = 0, done = 0;
	bool msgs = false, notes = false;
	char num[32];

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int k = 0; k < TL_KIND_COUNT; k++)
		if (u->events[k]) {
			kinds++;
			if (text_kind((enum tl_kind)k))
				notes = true;
			else
				msgs = true;
		}
	for (int k = 0; k < TL_KIND_COUNT && kinds; k++) {
		if (!u->events[k])
			continue;
		done++;
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s further %s",
					 done == 1 ? "" : done == kinds ? " and " : ", ",
					 timeline_grouped(u->events[k], num, sizeof num), unstored_names[k][u->events[k] == 1]);
	}
	if (kinds) {
		char lim_ev[16], lim_notes[16], lim[64];
		timeline_grouped(TL_CONN_MAX_EVENTS, lim_ev, sizeof lim_ev);
		timeline_grouped(TL_CONN_MAX_NOTES, lim_notes, sizeof lim_notes);
		if (msgs && notes)
			snprintf(lim, sizeof lim, "limits %s events and %s notes", lim_ev, lim_notes);
		else
			snprintf(lim, sizeof lim, "limit %s %s", msgs ? lim_ev : lim_notes, msgs ? "events" : "notes");
		snprintf(buf + (used < n ? used : n - 1), used < n ? n - used : 1, " %s not stored (%s per connection)",
			 kinds == 1 && u->events[first_kind(u)] == 1 ? "was" : "were", lim);
	}
	return buf;
}

/* True when only the first part of the body was kept. */
bool timeline_body_cut(const struct tl_event *ev)
{
	return ev->body_total > ev->body_len;
}

/* What was kept of a cut body, in words. */
char *timeline_stored_text(const struct tl_event *ev, char *buf, size_t n)
{
	char kept[32], total[32];

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (!timeline_body_cut(ev))
		return buf;
	timeline_grouped(ev->body_len, kept, sizeof kept);
	timeline_grouped(ev->body_total, total, sizeof total);
	if (ev->body_len == 0)
		snprintf(buf, n, "none of its %s bytes; the connection's limit of stored bytes was reached", total);
	else
		snprintf(buf, n, "the first %s of %s bytes; the rest was not kept", kept, total);
	return buf;
}


/* ---------------------------------------------------------------- the wire (timeline.h) */

/* Bookkeeping each kept read or write counts against the limit. */
#define WIRE_PIECE_COST 64u

/* One kept read or write, its bytes after it. */
struct wire_piece {
	struct tl_wire_chunk c;
	uint8_t bytes[];
};

/* A connection's wire, and what of the limit it used. */
struct wire_conn {
	struct tl_conn_wire w;
	uint64_t used;
	bool any;
};

/* The wire of a timeline. */
struct tl_wire {
	bool keep;                  /* timeline_wire_keep was called (and not released) */
	size_t limit;               /* per connection */
	struct wire_piece **pieces;
	size_t count, cap;
	struct wire_conn *conns;
	size_t nconns;
	unsigned nknown;            /* highest connection with anything known + 1 */
};

/* Frees the kept pieces. */
static void wire_free_pieces(struct tl_wire *w)
{
	for (size_t i = 0; i < w->count; i++)
		free(w->pieces[i]);
	free(w->pieces);
	w->pieces = NULL;
	w->count = w->cap = 0;
}

/* Frees the wire. */
static void wire_free(struct tl_wire *w)
{
	if (!w)
		return;
	wire_free_pieces(w);
	free(w->conns);
	free(w);
}

/* The wire, made on first use; NULL when out of memory. Lock held. */
static struct tl_wire *wire_locked(struct timeline *tl)
{
	if (!tl->wire)
		tl->wire = calloc(1, sizeof *tl->wire);
	return tl->wire;
}

/* Connection conn's wire, growing the table; NULL when out of range or memory. Lock held. */
static struct wire_conn *wire_conn_locked(struct tl_wire *w, unsigned conn)
{
	if (conn >= TL_MAX_CONN)
		return NULL;
	if (conn >= w->nconns) {
		size_t ncap = w->nconns ? w->nconns : 4;
		struct wire_conn *n;
		while (ncap <= conn)
			ncap *= 2;
		n = realloc(w->conns, ncap * sizeof *n);
		if (!n)
			return NULL;
		memset(n + w->nconns, 0, (ncap - w->nconns) * sizeof *n);
		for (size_t i = w->nconns; i < ncap; i++)
			n[i].w.connected_us = -1;
		w->conns = n;
		w->nconns = ncap;
	}
	if (conn + 1 > w->nknown)
		w->nknown = conn + 1;
	w->conns[conn].any = true;
	return &w->conns[conn];
}

/* Keeps the wire from now on, up to limit bytes per connection. */
void timeline_wire_keep(struct timeline *tl, size_t limit)
{
	struct tl_wire *w;

	pthread_mutex_lock(&tl->sync->lock);
	w = wire_locked(tl);
	if (w) {
		w->keep = true;
		w->limit = limit;
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Keeps one piece of conn's stream from `from` (what fits the limit), and counts the rest lost. Lock held. */
static void wire_add_locked(struct timeline *tl, struct tl_wire *w, struct wire_conn *wc, unsigned conn,
			    enum tl_side from, const uint8_t *p, size_t n)
{
	struct wire_piece *piece = NULL;
	size_t keep = 0;

	if (wc->w.lost[from] == 0 && wc->used + WIRE_PIECE_COST < w->limit) {
		keep = w->limit - wc->used - WIRE_PIECE_COST < n ? (size_t)(w->limit - wc->used - WIRE_PIECE_COST) : n;
		if (w->count == w->cap) {
			size_t ncap = w->cap ? w->cap * 2 : 64;
			struct wire_piece **np = realloc(w->pieces, ncap * sizeof *np);
			if (np) {
				w->pieces = np;
				w->cap = ncap;
			}
		}
		if (w->count < w->cap)
			piece = malloc(sizeof *piece + keep);
	}
	if (!piece)
		keep = 0;     /* a stream with a hole ends where the hole starts */
	wc->w.lost[from] += n - keep;
	if (!piece)
		return;
	piece->c.conn = conn;
	piece->c.from = from;
	piece->c.t_us = timeline_now(tl);
	piece->c.offset = wc->w.kept[from];
	piece->c.bytes = piece->bytes;
	piece->c.len = keep;
	memcpy(piece->bytes, p, keep);
	w->pieces[w->count++] = piece;
	wc->w.kept[from] += keep;
	wc->used += keep + WIRE_PIECE_COST;
}

/* A side read, or is about to write, n bytes of connection conn. */
void timeline_wire_add(struct timeline *tl, unsigned conn, enum tl_side from, bool outgoing, const uint8_t *p,
		       size_t n)
{
	struct wire_conn *wc;

	if (n == 0 || (tl->merge && !outgoing))
		return;     /* both sides in the run: the sender's writes are the stream */
	pthread_mutex_lock(&tl->sync->lock);
	if (tl->wire && tl->wire->keep && (wc = wire_conn_locked(tl->wire, conn)) != NULL)
		wire_add_locked(tl, tl->wire, wc, conn, from, p, n);
	pthread_mutex_unlock(&tl->sync->lock);
}

/* The last n bytes `from` was about to write were not written: they leave its stream. */
void timeline_wire_unsent(struct timeline *tl, unsigned conn, enum tl_side from, size_t n)
{
	struct tl_wire *w;
	struct wire_conn *wc;

	pthread_mutex_lock(&tl->sync->lock);
	w = tl->wire;
	if (w && conn < w->nconns) {
		wc = &w->conns[conn];
		uint64_t k = n < wc->w.lost[from] ? n : wc->w.lost[from];
		wc->w.lost[from] -= k;
		n -= (size_t)k;
		for (size_t i = w->count; i-- > 0 && n > 0;) {
			struct tl_wire_chunk *c = &w->pieces[i]->c;
			if (c->conn != conn || c->from != from)
				continue;
			k = n < c->len ? n : c->len;
			c->len -= (size_t)k;
			wc->w.kept[from] -= k;
			wc->used -= k;
			n -= (size_t)k;
		}
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* The bytes kept so far of a connection are plaintext before TLS. */
void timeline_wire_mark_plain(struct timeline *tl, unsigned conn)
{
	struct tl_wire *w;
	struct wire_conn *wc;

	pthread_mutex_lock(&tl->sync->lock);
	w = tl->wire;
	if (w && w->keep && (wc = wire_conn_locked(w, conn)) != NULL)
		for (int s = 0; s < 2; s++)
			wc->w.plain[s] = wc->w.kept[s];
	pthread_mutex_unlock(&tl->sync->lock);
}

/* Records the ends of a connection. */
void timeline_set_addrs(struct timeline *tl, unsigned conn, const struct tl_netaddr *client,
			const struct tl_netaddr *server)
{
	struct tl_wire *w;
	struct wire_conn *wc;

	pthread_mutex_lock(&tl->sync->lock);
	if ((w = wire_locked(tl)) != NULL && (wc = wire_conn_locked(w, conn)) != NULL) {
		wc->w.end[TL_CLIENT] = *client;
		wc->w.end[TL_SERVER] = *server;
		wc->w.connected_us = timeline_now(tl);
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* What is known of a connection's wire. */
bool timeline_wire_conn(const struct timeline *tl, unsigned conn, struct tl_conn_wire *out)
{
	const struct timeline *m = tl;
	bool any = false;

	pthread_mutex_lock(&m->sync->lock);
	if (m->wire && conn < m->wire->nconns && m->wire->conns[conn].any) {
		*out = m->wire->conns[conn].w;
		any = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	return any;
}

/* Connections the wire knows anything of. */
unsigned timeline_wire_conn_count(const struct timeline *tl)
{
	const struct timeline *m = tl;
	unsigned n;

	pthread_mutex_lock(&m->sync->lock);
	n = m->wire ? m->wire->nknown : 0;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* Number of kept pieces. */
size_t timeline_wire_count(const struct timeline *tl)
{
	const struct timeline *m = tl;
	size_t n;

	pthread_mutex_lock(&m->sync->lock);
	n = m->wire ? m->wire->count : 0;
	pthread_mutex_unlock(&m->sync->lock);
	return n;
}

/* Copies piece i. */
bool timeline_wire_get(const struct timeline *tl, size_t i, struct tl_wire_chunk *out)
{
	const struct timeline *m = tl;
	bool ok = false;

	pthread_mutex_lock(&m->sync->lock);
	if (m->wire && i < m->wire->count) {
		*out = m->wire->pieces[i]->c;
		ok = true;
	}
	pthread_mutex_unlock(&m->sync->lock);
	return ok;
}

/* Frees the kept bytes; the counts stay. */
void timeline_wire_release(struct timeline *tl)
{
	pthread_mutex_lock(&tl->sync->lock);
	if (tl->wire) {
		wire_free_pieces(tl->wire);
		tl->wire->keep = false;
	}
	pthread_mutex_unlock(&tl->sync->lock);
}

/* The wall clock at creation. */
int64_t timeline_wall_start_us(const struct timeline *tl)
{
	return tl->wall_start_us;
}

/* The TLS 1.3 traffic secret whose keys protected a message or record, as RFC 8446 names it. */
char *timeline_secret_name(const struct tl_event *ev, char *buf, size_t n)
{
	const char *side = ev->from == TL_CLIENT ? "client" : "server";

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (ev->keys == TL_KEYS_HANDSHAKE)
		snprintf(buf, n, "%s_handshake_traffic_secret", side);
	else if (ev->keys == TL_KEYS_APPLICATION)
		snprintf(buf, n, "%s_application_traffic_secret_%u", side, ev->key_gen);
	return buf;
}
