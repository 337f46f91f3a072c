/*
 * connlog: what serve keeps of its connections. Each connection has its
 * own timeline; the log holds the newest `keep` of them in full (a ring:
 * adding connection N lets go of N - keep) and, for every connection ever
 * numbered, only counts. Memory is therefore bounded by keep timelines,
 * each bounded by the timeline's own caps, however long serve runs; and
 * the ended connections kept hold at most CONNLOG_BUDGET bytes in all
 * (timeline_footprint): beyond it the oldest are let go first, so a
 * stream of maximal connections keeps fewer than keep.
 *
 * Connection numbers start at 1, are 64-bit and never wrap in practice.
 * A refused connection has a number too (it was a connection), but no
 * timeline.
 *
 * Thread-safe: the accepting thread adds, workers finish, the interactive
 * ladder reads. Every change pokes the log's waker, when one was made.
 */
#ifndef TLSLADDER_CONNLOG_H
#define TLSLADDER_CONNLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timeline;
struct waker;
struct connlog;

/* Bytes the ended connections kept may hold in all. */
#define CONNLOG_BUDGET (128u << 20)

/* What happened to every connection numbered so far (kept or not). */
struct connlog_tally {
	uint64_t numbered;        /* the highest number given (accepted + refused) */
	uint64_t in_flight;       /* accepted, not finished */
	uint64_t ok;              /* finished with exit code 0 */
	uint64_t failed;          /* finished with another exit code */
	uint64_t refused;         /* turned away (too many in flight) */
};

/* A log keeping the newest keep connections (at least 1) within budget
 * bytes (0: CONNLOG_BUDGET); NULL when out of memory. */
struct connlog *connlog_new(unsigned keep, size_t budget);
/* Frees the log and lets go of the timelines it holds. */
void connlog_free(struct connlog *log);
unsigned connlog_keep(const struct connlog *log);

/* The waker poked on every change of the log or of a kept timeline
 * (attach it to each timeline added); made on first call, NULL when no
 * descriptor was left. */
struct waker *connlog_waker(struct connlog *log);

/* Gives the next connection number. */
uint64_t connlog_number(struct connlog *log);
/* Keeps connection number's timeline (held: the log takes its own hold),
 * counting it in flight; lets go of the connection `keep` numbers older. */
void connlog_add(struct connlog *log, uint64_t number, struct timeline *tl);
/* Connection number ended with exit code rc: its footprint counts
 * against the budget from now on, and the oldest kept go while over it. */
void connlog_finish(struct connlog *log, uint64_t number, int rc);
/* Bytes the ended connections kept hold now (against CONNLOG_BUDGET). */
size_t connlog_bytes(struct connlog *log);
/* Connection number was refused (added before, it no longer counts in
 * flight); why is kept as the latest refusal's words (one, not a list). */
void connlog_refuse(struct connlog *log, uint64_t number, const char *why);
/* The latest refusal's words ("" when none); returns buf. */
char *connlog_last_refusal(struct connlog *log, char *buf, size_t n);

/* The timeline of connection number, held for the caller (release it with
 * timeline_destroy); NULL when it is no longer kept, was refused or never was. */
struct timeline *connlog_get(struct connlog *log, uint64_t number);
/* The newest kept connection with a timeline at or below number (0: none). */
uint64_t connlog_kept_at_or_below(struct connlog *log, uint64_t number);
/* The oldest kept connection with a timeline at or above number (0: none). */
uint64_t connlog_kept_at_or_above(struct connlog *log, uint64_t number);
void connlog_tally(struct connlog *log, struct connlog_tally *out);
/* Changes so far (compare to see whether anything changed). */
uint64_t connlog_generation(struct connlog *log);

#endif
