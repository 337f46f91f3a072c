/*
 * connlog.c: the ring of the newest connections' timelines, and counts of
 * all (see connlog.h). Slot number % keep holds connection `number`; a
 * slot's entry is valid while its number matches, so adding, finding and
 * letting go are O(1) whatever the history.
 */
#include "tlsladder/connlog.h"
#include "tlsladder/timeline.h"
#include "tlsladder/waker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct slot {
	uint64_t number;          /* 0: empty */
	struct timeline *tl;      /* NULL: refused */
	size_t bytes;             /* its footprint once it ended (0 before) */
};

struct connlog {
	pthread_mutex_t lock;
	unsigned keep;
	struct slot *slots;
	struct connlog_tally tally;
	size_t bytes;             /* footprints of the ended connections kept */
	size_t budget;
	uint64_t oldest;          /* no kept connection is older than this number */
	uint64_t generation;
	struct waker *waker;
	char last_refusal[320];
};

/* Makes an empty log. */
struct connlog *connlog_new(unsigned keep, size_t budget)
{
	struct connlog *log = calloc(1, sizeof *log);

	if (!log)
		return NULL;
	log->keep = keep ? keep : 1;
	log->budget = budget ? budget : CONNLOG_BUDGET;
	log->oldest = 1;
	log->slots = calloc(log->keep, sizeof *log->slots);
	if (!log->slots) {
		free(log);
		return NULL;
	}
	pthread_mutex_init(&log->lock, NULL);
	return log;
}

/* Frees the log. */
void connlog_free(struct connlog *log)
{
	if (!log)
		return;
	for (unsigned i = 0; i < log->keep; i++)
		timeline_destroy(log->slots[i].tl);
	free(log->slots);
	waker_free(log->waker);
	pthread_mutex_destroy(&log->lock);
	free(log);
}

/* How many connections are kept in full. */
unsigned connlog_keep(const struct connlog *log)
{
	return log->keep;
}

/* Records a change. Lock held. */
static void changed_locked(struct connlog *log)
{
	log->generation++;
	if (log->waker)
		waker_poke(log->waker);
}

/* The log's waker. */
struct waker *connlog_waker(struct connlog *log)
{
	struct waker *w;

	pthread_mutex_lock(&log->lock);
	if (!log->waker)
		log->waker = waker_new();
	w = log->waker;
	pthread_mutex_unlock(&log->lock);
	return w;
}

/* The next number. */
uint64_t connlog_number(struct connlog *log)
{
	uint64_t n;

	pthread_mutex_lock(&log->lock);
	n = ++log->tally.numbered;
	pthread_mutex_unlock(&log->lock);
	return n;
}

/* Puts (number, tl) in its slot, letting go of what was there. Lock held;
 * returns the timeline to release outside the lock. */
static struct timeline *put_locked(struct connlog *log, uint64_t number, struct timeline *tl)
{
	struct slot *s = &log->slots[number % log->keep];
	struct timeline *old = s->tl;

	log->bytes -= s->bytes;
	s->number = number;
	s->tl = tl;
	s->bytes = 0;
	changed_locked(log);
	return old;
}

/* Keeps a connection's timeline. */
void connlog_add(struct connlog *log, uint64_t number, struct timeline *tl)
{
	struct timeline *old;

	timeline_hold(tl);
	pthread_mutex_lock(&log->lock);
	log->tally.in_flight++;
	old = put_locked(log, number, tl);
	pthread_mutex_unlock(&log->lock);
	timeline_destroy(old);
}

/* Lets go of the oldest kept connections that ended while the ended ones
 * hold more than the budget (never number itself; an older one still in
 * flight stops it until it ends). Lock held; the timelines to release go
 * to out (at most TRIM_MAX). Returns how many. */
#define TRIM_MAX 64
static size_t trim_locked(struct connlog *log, uint64_t number, struct timeline **out)
{
	size_t n = 0;

	if (log->tally.numbered > log->keep && log->oldest <= log->tally.numbered - log->keep)
		log->oldest = log->tally.numbered - log->keep + 1;
	for (; log->bytes > log->budget && log->oldest < number && n < TRIM_MAX; log->oldest++) {
		struct slot *s = &log->slots[log->oldest % log->keep];
		if (s->number == log->oldest && s->tl && !s->bytes)
			break;               /* still in flight */
		if (s->number != log->oldest || !s->tl)
			continue;            /* gone, or refused */
		log->bytes -= s->bytes;
		out[n++] = s->tl;
		s->tl = NULL;
		s->bytes = 0;
		s->number = 0;
	}
	return n;
}

/* A connection ended. */
void connlog_finish(struct connlog *log, uint64_t number, int rc)
{
	struct slot *s;
	struct timeline *gone[TRIM_MAX];
	size_t ngone = 0;

	pthread_mutex_lock(&log->lock);
	if (log->tally.in_flight)
		log->tally.in_flight--;
	if (rc == 0)
		log->tally.ok++;
	else
		log->tally.failed++;
	s = &log->slots[number % log->keep];
	if (s->number == number && s->tl && !s->bytes) {
		s->bytes = timeline_footprint(s->tl);
		log->bytes += s->bytes;
		ngone = trim_locked(log, number, gone);
	}
	changed_locked(log);
	pthread_mutex_unlock(&log->lock);
	for (size_t i = 0; i < ngone; i++)
		timeline_destroy(gone[i]);
}

/* Bytes the ended connections kept hold. */
size_t connlog_bytes(struct connlog *log)
{
	size_t n;

	pthread_mutex_lock(&log->lock);
	n = log->bytes;
	pthread_mutex_unlock(&log->lock);
	return n;
}

/* A connection was refused. */
void connlog_refuse(struct connlog *log, uint64_t number, const char *why)
{
	struct timeline *old;

	pthread_mutex_lock(&log->lock);
	log->tally.refused++;
	snprintf(log->last_refusal, sizeof log->last_refusal, "%s", why ? why : "");
	if (log->slots[number % log->keep].number == number && log->slots[number % log->keep].tl &&
	    log->tally.in_flight)
		log->tally.in_flight--;          /* it was added before it was refused */
	old = put_locked(log, number, NULL);
	pthread_mutex_unlock(&log->lock);
	timeline_destroy(old);
}

/* The slot of number if it still holds it with a timeline. Lock held. */
static struct timeline *find_locked(const struct connlog *log, uint64_t number)
{
	const struct slot *s = &log->slots[number % log->keep];

	return number && s->number == number ? s->tl : NULL;
}

/* Connection number's timeline, held for the caller. */
struct timeline *connlog_get(struct connlog *log, uint64_t number)
{
	struct timeline *tl;

	pthread_mutex_lock(&log->lock);
	tl = timeline_hold(find_locked(log, number));
	pthread_mutex_unlock(&log->lock);
	return tl;
}

/* Newest kept at or below number: at most keep slots are looked at. */
uint64_t connlog_kept_at_or_below(struct connlog *log, uint64_t number)
{
	uint64_t found = 0;

	pthread_mutex_lock(&log->lock);
	if (number > log->tally.numbered)
		number = log->tally.numbered;
	for (unsigned k = 0; k < log->keep && number > 0 && !found; k++, number--)
		if (find_locked(log, number))
			found = number;
	pthread_mutex_unlock(&log->lock);
	return found;
}

/* Oldest kept at or above number: at most keep slots are looked at. */
uint64_t connlog_kept_at_or_above(struct connlog *log, uint64_t number)
{
	uint64_t found = 0;

	pthread_mutex_lock(&log->lock);
	if (number == 0)
		number = 1;
	if (log->tally.numbered > log->keep && number <= log->tally.numbered - log->keep)
		number = log->tally.numbered - log->keep + 1;
	for (unsigned k = 0; k < log->keep && number <= log->tally.numbered && !found; k++, number++)
		if (find_locked(log, number))
			found = number;
	pthread_mutex_unlock(&log->lock);
	return found;
}

/* The latest refusal's words. */
char *connlog_last_refusal(struct connlog *log, char *buf, size_t n)
{
	pthread_mutex_lock(&log->lock);
	snprintf(buf, n, "%s", log->last_refusal);
	pthread_mutex_unlock(&log->lock);
	return buf;
}

/* The counts. */
void connlog_tally(struct connlog *log, struct connlog_tally *out)
{
	pthread_mutex_lock(&log->lock);
	*out = log->tally;
	pthread_mutex_unlock(&log->lock);
}

/* Changes so far. */
uint64_t connlog_generation(struct connlog *log)
{
	uint64_t g;

	pthread_mutex_lock(&log->lock);
	g = log->generation;
	pthread_mutex_unlock(&log->lock);
	return g;
}
