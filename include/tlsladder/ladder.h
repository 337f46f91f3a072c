/*
 * ladder: the rows of the ladder diagram, as a model without any drawing.
 *
 * Two views of one timeline: messages (handshake messages, ChangeCipherSpec,
 * alerts, notes, errors) or the wire (TLS records, notes, errors). Rows are
 * indexes into the timeline, kept incrementally: ladder_update() looks only
 * at events appended since the last call, so following a live handshake
 * costs nothing per frame.
 *
 * In the wire view each record row also knows which messages it carries.
 * Plaintext handshake records are matched byte for byte (a message may span
 * records, a record may hold several); an encrypted record is matched with
 * the sender's next encrypted message or alert, in order, as GnuTLS writes
 * one message per record.
 */
#ifndef TLSLADDER_LADDER_H
#define TLSLADDER_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/timeline.h"

#define LADDER_CARRY_MAX 6

struct ladder_row {
	size_t ev;                        /* timeline index */
	unsigned ncarry;                  /* wire view: messages in this record */
	size_t carry[LADDER_CARRY_MAX];   /* their timeline indexes */
	bool carry_more;                  /* more than LADDER_CARRY_MAX */
	bool partial;                     /* carries part of a message that continues */
	size_t cap;                       /* matcher: bytes (plaintext) or items (encrypted) left */
};

struct ladder_queue {                     /* per sender: items waiting for a record, records waiting for items */
	size_t *items, nitems, itemcap, item_head;
	size_t item_left;                 /* bytes of the head item not yet placed */
	size_t *recs, nrecs, reccap, rec_head;   /* row numbers */
};

struct ladder {
	const struct timeline *tl;
	bool wire;
	long conn;                        /* show only this connection; -1: all */
	size_t scanned;
	struct ladder_row *rows;
	size_t nrows, cap;
	struct ladder_queue q[2][8];      /* [sender][connection % 8] */
};

void ladder_init(struct ladder *l, const struct timeline *tl, bool wire);
/* Shows only connection conn (-1: all); rows are rebuilt on the next update. */
void ladder_set_conn(struct ladder *l, long conn);
void ladder_free(struct ladder *l);
/* Takes in events appended since the last call; true when rows changed. */
bool ladder_update(struct ladder *l);
/* True when event ev is shown in this view. */
bool ladder_shows(const struct ladder *l, const struct tl_event *ev);
/* The row showing timeline index ev, or the nearest row before it (0 if none). */
size_t ladder_row_of(const struct ladder *l, size_t ev);

#endif
