/*
 * ladder.c: rows of the ladder and, in the wire view, which messages each
 * record carries (see ladder.h).
 */
#include "tlsladder/ladder.h"
#include "tlsladder/wire.h"

#include <stdlib.h>
#include <string.h>

/* Starts an empty view of tl. */
void ladder_init(struct ladder *l, const struct timeline *tl, bool wire)
{
	memset(l, 0, sizeof *l);
	l->tl = tl;
	l->wire = wire;
	l->conn = -1;
}

/* Filters to one connection, starting the rows over. */
void ladder_set_conn(struct ladder *l, long conn)
{
	const struct timeline *tl = l->tl;
	bool wire = l->wire;

	ladder_free(l);
	ladder_init(l, tl, wire);
	l->conn = conn;
}

/* Frees the rows and queues. */
void ladder_free(struct ladder *l)
{
	for (int s = 0; s < 2; s++)
		for (int c = 0; c < 8; c++) {
			free(l->q[s][c].items);
			free(l->q[s][c].recs);
		}
	free(l->rows);
	memset(l, 0, sizeof *l);
}

/* True when ev is a row in this view. */
bool ladder_shows(const struct ladder *l, const struct tl_event *ev)
{
	if (l->conn >= 0 && ev->conn != (unsigned long)l->conn)
		return false;
	switch (ev->kind) {
	case TL_EV_NOTE:
	case TL_EV_ERROR:
	case TL_EV_DIAGNOSIS:
	case TL_EV_PLAIN:          /* the plaintext before TLS: a row in both views */
		return true;
	case TL_EV_RECORD:
		return l->wire;
	default:
		return !l->wire;
	}
}

/* Appends v to a growable size_t array. */
static bool push(size_t **arr, size_t *n, size_t *cap, size_t v)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		size_t *na = realloc(*arr, ncap * sizeof *na);
		if (!na)
			return false;
		*arr = na;
		*cap = ncap;
	}
	(*arr)[(*n)++] = v;
	return true;
}

/* What a record of this content type and protection can carry. */
static bool fits(const struct tl_event *rec, const struct tl_event *item)
{
	switch (item->kind) {
	case TL_EV_CCS:
		return rec->rec_type == WIRE_CT_CHANGE_CIPHER_SPEC;
	case TL_EV_ALERT:
		return item->encrypted ? rec->encrypted && (rec->rec_type == WIRE_CT_ALERT || rec->rec_type == WIRE_CT_APPLICATION_DATA)
				       : rec->rec_type == WIRE_CT_ALERT && !rec->encrypted;
	case TL_EV_HANDSHAKE:
		return item->encrypted ? rec->encrypted && (rec->rec_type == WIRE_CT_HANDSHAKE || rec->rec_type == WIRE_CT_APPLICATION_DATA)
				       : rec->rec_type == WIRE_CT_HANDSHAKE && !rec->encrypted;
	default:
		return false;
	}
}

/* Notes that row r carries item ev. */
static void carry(struct ladder_row *r, size_t ev)
{
	if (r->ncarry > 0 && r->carry[r->ncarry - 1] == ev)
		return;
	if (r->ncarry < LADDER_CARRY_MAX)
		r->carry[r->ncarry++] = ev;
	else
		r->carry_more = true;
}

/* Matches the heads of a sender's item and record queues as far as they go. */
static void match(struct ladder *l, struct ladder_queue *q)
{
	for (int guard = 0; guard < 100000 && q->item_head < q->nitems && q->rec_head < q->nrecs; guard++) {
		struct ladder_row *row = &l->rows[q->recs[q->rec_head]];
		struct tl_event rec, item;

		timeline_get(l->tl, row->ev, &rec);
		timeline_get(l->tl, q->items[q->item_head], &item);
		if (!fits(&rec, &item)) {
			/* a record no pending item fits (application data, say): skip it */
			q->rec_head++;
			continue;
		}
		carry(row, q->items[q->item_head]);
		if (item.kind == TL_EV_HANDSHAKE && !item.encrypted) {
			size_t need = q->item_left ? q->item_left : item.body_len + 4;
			if (need <= row->cap) {
				row->cap -= need;
				q->item_left = 0;
				q->item_head++;
				if (row->cap == 0)
					q->rec_head++;
			} else {
				q->item_left = need - row->cap;
				row->cap = 0;
				row->partial = true;
				q->rec_head++;
			}
		} else {
			q->item_head++;
			q->rec_head++;
		}
	}
}

/* Adds a row for event i. */
static bool add_row(struct ladder *l, size_t i, const struct tl_event *ev)
{
	struct ladder_row *r;

	if (l->nrows == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct ladder_row *nr = realloc(l->rows, ncap * sizeof *nr);
		if (!nr)
			return false;
		l->rows = nr;
		l->cap = ncap;
	}
	r = &l->rows[l->nrows++];
	memset(r, 0, sizeof *r);
	r->ev = i;
	r->cap = ev->kind == TL_EV_RECORD ? ev->rec_length : 0;
	return true;
}

/* Takes in new events. */
bool ladder_update(struct ladder *l)
{
	size_t n = timeline_count(l->tl);
	bool changed = false;

	for (; l->scanned < n; l->scanned++) {
		struct tl_event ev;
		struct ladder_queue *q;

		if (!timeline_get(l->tl, l->scanned, &ev))
			break;
		if (ladder_shows(l, &ev)) {
			if (!add_row(l, l->scanned, &ev))
				break;
			changed = true;
		}
		if (!l->wire || (l->conn >= 0 && ev.conn != (unsigned long)l->conn))
			continue;
		q = &l->q[ev.from][ev.conn % 8];
		if (ev.kind == TL_EV_RECORD)
			push(&q->recs, &q->nrecs, &q->reccap, l->nrows - 1);
		else if (ev.kind == TL_EV_HANDSHAKE || ev.kind == TL_EV_CCS || ev.kind == TL_EV_ALERT)
			push(&q->items, &q->nitems, &q->itemcap, l->scanned);
		else
			continue;
		match(l, q);
	}
	return changed;
}

/* The row showing ev, or the nearest before it. */
size_t ladder_row_of(const struct ladder *l, size_t ev)
{
	size_t lo = 0, hi = l->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->rows[mid].ev <= ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}
