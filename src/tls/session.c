/*
 * session.c: GnuTLS's global state, and the demo's synchronisation
 * between its in-process client and server.
 */
#include "tlsladder/session.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* Initialises GnuTLS. */
int session_global_init(struct tl_error *err)
{
	int rc = gnutls_global_init();

	if (rc < 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "the TLS library could not start: %s", gnutls_strerror(rc));
	return 0;
}

/* Releases GnuTLS. */
void session_global_deinit(void)
{
	gnutls_global_deinit();
}

/* ---- demo synchronisation ---- */

struct session_sync {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool settled;
};

/* Makes a sync object. */
struct session_sync *session_sync_new(void)
{
	struct session_sync *s = calloc(1, sizeof *s);

	if (s) {
		pthread_mutex_init(&s->m, NULL);
		pthread_cond_init(&s->c, NULL);
	}
	return s;
}

/* Frees a sync object. */
void session_sync_free(struct session_sync *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->m);
	pthread_cond_destroy(&s->c);
	free(s);
}

/* Clears the flag. */
void session_sync_reset(struct session_sync *s)
{
	pthread_mutex_lock(&s->m);
	s->settled = false;
	pthread_mutex_unlock(&s->m);
}

/* Sets the flag and wakes the waiter. */
void session_sync_settled(struct session_sync *s)
{
	pthread_mutex_lock(&s->m);
	s->settled = true;
	pthread_cond_broadcast(&s->c);
	pthread_mutex_unlock(&s->m);
}

/* Waits for the flag. */
bool session_sync_wait(struct session_sync *s, int timeout_ms)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->m);
	while (!s->settled)
		if (pthread_cond_timedwait(&s->c, &s->m, &until) == ETIMEDOUT)
			break;
	ok = s->settled;
	pthread_mutex_unlock(&s->m);
	return ok;
}
