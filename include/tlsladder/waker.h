/*
 * waker: a coalescing wake-up signal for a select() loop (the interactive
 * ladder). Any thread may poke it; however many pokes arrive before the
 * reader drains it, the pipe holds at most one byte, so a poke costs one
 * atomic exchange and, at most once per drain, one write(). Whoever reads
 * nothing never creates one: timelines poke a waker only when one was
 * attached (timeline_set_waker) or asked for (timeline_wake_fd).
 */
#ifndef TLSLADDER_WAKER_H
#define TLSLADDER_WAKER_H

struct waker;

/* A new waker (its pipe is non-blocking and close-on-exec); NULL when out of descriptors or memory. */
struct waker *waker_new(void);
void waker_free(struct waker *w);
/* The descriptor a select() loop watches: readable after a poke. */
int waker_fd(const struct waker *w);
/* Says "something changed" (from any thread; async-signal-safe). */
void waker_poke(struct waker *w);
/* Empties the pipe; call when select() said it was readable, before looking at what changed. */
void waker_drain(struct waker *w);
/* Pokes written to the pipe so far (each drain allows one more). */
unsigned long waker_writes(const struct waker *w);

#endif
