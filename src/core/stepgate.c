/*
 * stepgate.c: the gate of step-gated mode (see stepgate.h).
 */
#include "tlsladder/stepgate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>


struct step_gate {
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned releases;
	bool cancelled;
	unsigned waiting;
	char what[128];
	struct timespec since;
	int64_t paused_us;
};

/* Makes a gate. */
struct step_gate *step_gate_new(void)
{
	struct step_gate *g = calloc(1, sizeof *g);

	if (g) {
		pthread_mutex_init(&g->m, NULL);
		pthread_cond_init(&g->c, NULL);
	}
	return g;
}

/* Frees a gate (nobody may wait on it). */
void step_gate_free(struct step_gate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->m);
	pthread_cond_destroy(&g->c);
	free(g);
}

/* Lets the waiters go. */
void step_gate_release(struct step_gate *g)
{
	pthread_mutex_lock(&g->m);
	g->releases++;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

/* Unblocks everyone for good. */
void step_gate_cancel(struct step_gate *g)
{
	pthread_mutex_lock(&g->m);
	g->cancelled = true;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

/* Describes the current waiter. */
bool step_gate_waiting(struct step_gate *g, char *buf, size_t n)
{
	bool w;

	pthread_mutex_lock(&g->m);
	w = g->waiting > 0;
	if (w)
		snprintf(buf, n, "%s", g->what);
	pthread_mutex_unlock(&g->m);
	return w;
}

/* Total paused time. */
int64_t step_gate_paused_us(struct step_gate *g)
{
	int64_t us;

	pthread_mutex_lock(&g->m);
	us = g->paused_us;
	if (g->waiting) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		us += (int64_t)(now.tv_sec - g->since.tv_sec) * 1000000 + (now.tv_nsec - g->since.tv_nsec) / 1000;
	}
	pthread_mutex_unlock(&g->m);
	return us;
}

/* Waits at the gate; false when cancelled. */
bool step_gate_wait(struct step_gate *g, const char *what)
{
	unsigned ticket;
	bool ok;
	struct timespec now;

	pthread_mutex_lock(&g->m);
	ticket = g->releases;
	if (g->waiting++ == 0)
		clock_gettime(CLOCK_MONOTONIC, &g->since);
	snprintf(g->what, sizeof g->what, "%s", what);
	while (!g->cancelled && g->releases == ticket)
		pthread_cond_wait(&g->c, &g->m);
	if (--g->waiting == 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		g->paused_us += (int64_t)(now.tv_sec - g->since.tv_sec) * 1000000 + (now.tv_nsec - g->since.tv_nsec) / 1000;
	}
	ok = !g->cancelled;
	pthread_mutex_unlock(&g->m);
	return ok;
}

