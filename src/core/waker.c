/*
 * waker.c: the coalescing wake-up pipe (see waker.h).
 *
 * The flag `pending` is true from a poke that wrote its byte until the
 * reader drains: pokes in between write nothing. The reader clears the flag
 * before it empties the pipe, so a poke that lands after the clear writes
 * a new byte and is not lost.
 */
#include "tlsladder/waker.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct waker {
	int fd[2];
	atomic_bool pending;
	atomic_ulong writes;
};

/* Makes the pipe. */
struct waker *waker_new(void)
{
	struct waker *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	if (pipe(w->fd) != 0) {
		free(w);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(w->fd[i], F_SETFL, fcntl(w->fd[i], F_GETFL) | O_NONBLOCK);
		fcntl(w->fd[i], F_SETFD, FD_CLOEXEC);
	}
	atomic_init(&w->pending, false);
	atomic_init(&w->writes, 0);
	return w;
}

/* Closes the pipe. */
void waker_free(struct waker *w)
{
	if (!w)
		return;
	close(w->fd[0]);
	close(w->fd[1]);
	free(w);
}

/* The read end. */
int waker_fd(const struct waker *w)
{
	return w->fd[0];
}

/* Writes one byte unless one is already waiting to be drained. */
void waker_poke(struct waker *w)
{
	char b = 1;

	if (atomic_exchange(&w->pending, true))
		return;
	if (write(w->fd[1], &b, 1) == 1)
		atomic_fetch_add(&w->writes, 1);
}

/* Clears the flag, then empties the pipe. */
void waker_drain(struct waker *w)
{
	char buf[64];

	atomic_store(&w->pending, false);
	while (read(w->fd[0], buf, sizeof buf) > 0)
		;
}

/* Bytes written so far. */
unsigned long waker_writes(const struct waker *w)
{
	return atomic_load(&w->writes);
}
