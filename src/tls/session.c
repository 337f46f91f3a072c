/*
 * session.c: one side of a TLS connection with GnuTLS, recording everything.
 *
 * What is recorded and where it comes from:
 *  - handshake messages: the handshake hook on GNUTLS_HANDSHAKE_ANY at PRE
 *    (POST can see a consumed buffer), both directions;
 *  - records, ChangeCipherSpec and plaintext alerts: the push/pull wrappers,
 *    which feed the record stream of each direction through the record
 *    parser (core/recstream.c; the hook never reports ChangeCipherSpec);
 *  - delivery: an outgoing message is recorded by the hook before its
 *    records are written, so it starts out pending; the push wrapper settles
 *    it (delivered once all its records were written, not sent when a write
 *    failed or the connection ended first). After a write fails because the
 *    peer closed, what the peer left in the socket is read (its alert);
 *  - encrypted alerts: from what we asked GnuTLS to send (outgoing) and from
 *    the error codes it returns (incoming);
 *  - secrets: the keylog function.
 * Hooks and wrappers only record; they never print. Every wait in the
 * wrappers is bounded by the run's deadline and the cancel descriptor.
 */
#include "tlsladder/session.h"
#include "tlsladder/peek.h"
#include "tlsladder/recstream.h"
#include "tlsladder/names.h"
#include "tlsladder/chain.h"
#include "tlsladder/notes.h"
#include "tlsladder/sniff.h"
#include "tlsladder/x509view.h"
#include "tls_internal.h"

#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct endpoint {
	struct session_config cfg;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	gnutls_datum_t ticket_key;      /* server: shared by all its connections */
	gnutls_datum_t saved_session;   /* client: for resumption on the next run */
	/* client credentials, handed out by the retrieve callback */
	gnutls_pcert_st *pcerts;
	unsigned npcerts;
	gnutls_x509_crt_t *crts;        /* the same chain, for its issuer names */
	gnutls_privkey_t privkey;
};

/*
 * An outgoing event whose records are not all written yet. Messages are
 * placed into the records GnuTLS pushes, in order: plaintext handshake
 * records byte for byte; an encrypted record counts its payload as message
 * bytes (GnuTLS writes one message per encrypted record; the payload is an
 * upper bound of the plaintext). An event is delivered once it is wholly
 * placed and the stream is written up to its last record's end.
 */
struct pending {
	int seq;                        /* its timeline event */
	bool msg;                       /* a handshake message (placed by bytes) */
	bool ccs;                       /* a ChangeCipherSpec announced ahead of its record */
	size_t left;                    /* message bytes not yet placed in a record */
	uint64_t end;                   /* outgoing stream offset one past its last record (0: none yet) */
};

#define PENDING_MAX 64
#define LEFTOVER_READS 16               /* reads of what the peer left in the socket after a failed write */

/* One connection in progress. */
struct conn {
	struct endpoint *ep;
	gnutls_session_t s;
	struct timeline *tl;
	const struct run_opts *o;
	enum tl_side self, peer;
	unsigned conn;
	int fd;
	bool capture;
	bool cancelled, timed_out;
	struct recstream rs[2];         /* the record streams: [0] outgoing, [1] incoming */
	struct pending pend[PENDING_MAX];  /* outgoing events not settled yet, in stream order */
	unsigned npend;
	uint64_t out_written;           /* bytes of the outgoing stream written to the socket */
	uint8_t out_unsent[8];          /* first bytes fed to the parser but not written (GnuTLS pushes them again) */
	enum tl_undelivered_cause out_fail;   /* why the last write failed (NONE: none did) */
	bool leftovers_read;            /* what the peer left in the socket was read after a failed write */
	bool in_ended;                  /* the incoming stream ended (end of file or error) */
	bool cut_recorded;              /* the record it ended inside was recorded */
	unsigned ccs_announced[2];      /* CCS events recorded ahead of their record (TLS 1.2 outgoing) */
	bool fin[2];                    /* Finished seen in that direction (hook) */
	bool app_out;                   /* TLS 1.3: our records now use application keys */
	bool tls13;
	unsigned version;               /* negotiated, once the ServerHello was seen */
	bool pending_out_alert;
	unsigned out_alert_level, out_alert_desc;
	bool last_in_plain_alert;       /* the last incoming record was a plaintext alert (already recorded) */
	bool sent_cert;                 /* we sent a non-empty Certificate */
	bool peer_sent_cert;
	bool cert_requested;            /* a CertificateRequest arrived (client) */
	bool last_hook_out;             /* the last hooked message was ours (same flight) */
	bool nst_after_fin;             /* a NewSessionTicket arrived after our Finished */
	bool alert_in;                  /* an alert arrived (any level) */
	bool fatal_in;
	unsigned fatal_in_desc;         /* ... its description (the first fatal alert read) */
	bool close_in;                  /* close_notify arrived */
	uint8_t first_in[256];          /* the first bytes the peer sent (to recognise HTTP, SSH, ...) */
	unsigned first_in_len;
	int last_errno;                 /* the last transport error */
	int last_in_type;               /* the last handshake message received (-1: none) */
	bool waiting_noted;             /* "waiting for the server" was recorded */
	bool post_fail;                 /* the connection broke right after the handshake (TLS 1.3 verdict lost) */
	unsigned offered[8];            /* server: the versions the client offered */
	int noffered;
};

enum { DIR_OUT = 0, DIR_IN = 1 };

/* The issuer of the top certificate of the configured chain, as text (for notes). */
static void chain_issuer_text(const struct endpoint *ep, char *buf, size_t n)
{
	size_t len = n;

	gnutls_datum_t dn = { NULL, 0 };

	(void)len;
	buf[0] = '\0';
	if (ep->npcerts == 0 || gnutls_x509_crt_get_issuer_dn3(ep->crts[ep->npcerts - 1], &dn, 0) < 0) {
		snprintf(buf, n, "(unknown)");
		return;
	}
	snprintf(buf, n, "%s", (const char *)dn.data);
	gnutls_free(dn.data);
}

/* True when some certificate of the chain was issued by (or is) one of the listed CAs. */
static bool chain_matches(const struct endpoint *ep, const gnutls_datum_t *cas, int ncas)
{
	for (unsigned k = 0; k < ep->npcerts; k++) {
		gnutls_datum_t issuer = { NULL, 0 }, subject = { NULL, 0 };
		bool hit = false;

		gnutls_x509_crt_get_raw_issuer_dn(ep->crts[k], &issuer);
		gnutls_x509_crt_get_raw_dn(ep->crts[k], &subject);
		for (int j = 0; j < ncas && !hit; j++)
			hit = (issuer.size == cas[j].size && memcmp(issuer.data, cas[j].data, issuer.size) == 0) ||
			      (subject.size == cas[j].size && memcmp(subject.data, cas[j].data, subject.size) == 0);
		gnutls_free(issuer.data);
		gnutls_free(subject.data);
		if (hit)
			return true;
	}
	return false;
}

/*
 * The client's certificate callback: records what the server asked for and
 * what is sent. Unlike GnuTLS's own choice, it sends the configured chain
 * even when its issuer is not among the CAs the server listed, so that the
 * server's verdict becomes visible (unless withhold_unmatched).
 */
static int retrieve_fn(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		       const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		       unsigned int *pcert_length, gnutls_privkey_t *privkey);

/*
 * The demo's key-mismatch lesson: loads the chain and a key that does not
 * belong to it separately (GnuTLS refuses the pair), so the handshake runs
 * and the server sees a CertificateVerify that does not check out.
 */
static int load_mismatched(struct endpoint *ep, struct tl_error *err)
{
	gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 };
	unsigned n = 16;
	int rc;

	ep->pcerts = calloc(n, sizeof *ep->pcerts);
	if (!ep->pcerts)
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	if ((rc = gnutls_load_file(ep->cfg.cert_file, &cert)) < 0 || (rc = gnutls_load_file(ep->cfg.key_file, &key)) < 0 ||
	    (rc = gnutls_pcert_list_import_x509_raw(ep->pcerts, &n, &cert, GNUTLS_X509_FMT_PEM, 0)) < 0 ||
	    (rc = gnutls_x509_crt_list_import2(&ep->crts, &n, &cert, GNUTLS_X509_FMT_PEM, 0)) < 0 ||
	    (rc = gnutls_privkey_init(&ep->privkey)) < 0 ||
	    (rc = gnutls_privkey_import_x509_raw(ep->privkey, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		gnutls_free(cert.data);
		gnutls_free(key.data);
		return tl_error_set(err, TL_EXIT_FILES, "%s / %s: %s", ep->cfg.cert_file, ep->cfg.key_file, tls_error_words(rc));
	}
	gnutls_free(cert.data);
	gnutls_free(key.data);
	ep->npcerts = n;
	gnutls_certificate_set_retrieve_function2(ep->cred, retrieve_fn);
	return 0;
}

/* Loads the client's chain and key for the retrieve callback (after the credentials loaded them). */
static int load_client_chain(struct endpoint *ep, struct tl_error *err)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	gnutls_x509_privkey_t key = NULL;
	int rc;

	if ((rc = gnutls_certificate_get_x509_crt(ep->cred, 0, &crts, &n)) < 0 || n == 0 ||
	    (rc = gnutls_certificate_get_x509_key(ep->cred, 0, &key)) < 0)
		return tl_error_set(err, TL_EXIT_FILES, "the client certificate could not be prepared: %s", tls_error_words(rc));
	ep->crts = crts;
	ep->pcerts = calloc(n, sizeof *ep->pcerts);
	if (!ep->pcerts || gnutls_privkey_init(&ep->privkey) < 0 ||
	    gnutls_privkey_import_x509(ep->privkey, key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0) {
		gnutls_x509_privkey_deinit(key);
		for (unsigned i = 0; i < n; i++)
			gnutls_x509_crt_deinit(crts[i]);
		gnutls_free(crts);
		ep->crts = NULL;
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	}
	for (unsigned i = 0; i < n; i++) {
		if (gnutls_pcert_import_x509(&ep->pcerts[i], crts[i], 0) < 0) {
			for (unsigned k = 0; k < i; k++)
				gnutls_pcert_deinit(&ep->pcerts[k]);
			for (unsigned k = 0; k < n; k++)
				gnutls_x509_crt_deinit(crts[k]);
			gnutls_free(crts);
			ep->crts = NULL;
			return tl_error_set(err, TL_EXIT_FILES, "the client certificate could not be prepared");
		}
	}
	ep->npcerts = n;
	gnutls_certificate_set_retrieve_function2(ep->cred, retrieve_fn);
	return 0;
}


/* ---- global ---- */

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

/* ---- recording ---- */

/* Milliseconds left before the deadline (at least 0). */
static int remaining_ms(const struct conn *c)
{
	int64_t left = c->o->deadline_us - timeline_now(c->tl);

	if (c->o->gate)
		left += step_gate_paused_us(c->o->gate);

	if (left <= 0)
		return 0;
	return left / 1000 > 0x7fffffff ? 0x7fffffff : (int)(left / 1000);
}

/* A fresh event of kind k sent by `from`. */
static void event_init(struct conn *c, struct tl_event *ev, enum tl_kind k, enum tl_side from)
{
	memset(ev, 0, sizeof *ev);
	ev->kind = k;
	ev->from = from;
	ev->conn = c->conn;
	ev->t_us = timeline_now(c->tl);
	ev->version = c->version;
}

/* Which keys protect a message in direction dir right now. */
static enum tl_keys keys_now(const struct conn *c, int dir, bool encrypted)
{
	if (!encrypted)
		return TL_KEYS_NONE;
	if (!c->tls13)
		return TL_KEYS_TLS12;
	return c->fin[dir] ? TL_KEYS_APPLICATION : TL_KEYS_HANDSHAKE;
}

/*
 * Which keys protect a record in direction dir right now. Incoming records
 * precede the hook of the message inside, so the Finished record still sees
 * fin[DIR_IN] false. Outgoing hooks fire before their flight is written, so
 * our side switches only once a later message is hooked or the handshake
 * call returned (set_app_out).
 */
static enum tl_keys record_keys(const struct conn *c, int dir, bool encrypted)
{
	if (!encrypted || !c->tls13 || dir == DIR_IN)
		return keys_now(c, dir, encrypted);
	return c->app_out ? TL_KEYS_APPLICATION : TL_KEYS_HANDSHAKE;
}

/* ---- delivery of outgoing events ---- */

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
static int observe_out(struct conn *c, struct tl_event *ev, bool msg, bool ccs, size_t left, uint64_t end)
{
	int seq;

	ev->delivery = c->npend < PENDING_MAX ? TL_DELIVERY_PENDING : TL_DELIVERED;
	seq = timeline_observe(c->tl, ev, true);
	if (ev->delivery == TL_DELIVERY_PENDING)
		pending_add(c, seq, msg, ccs, left, end);
	return seq;
}

/* Places n bytes of handshake payload, in a record ending at end, into the waiting messages. */
static void place_bytes(struct conn *c, size_t n, uint64_t end, bool one_message)
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
static bool place_ccs(struct conn *c, uint64_t end)
{
	for (unsigned i = 0; i < c->npend; i++)
		if (c->pend[i].ccs && c->pend[i].end == 0) {
			c->pend[i].end = end;
			return true;
		}
	return false;
}

/* The stream is written up to out_written: settles what is wholly written. */
static void settle_written(struct conn *c)
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
static void settle_failed(struct conn *c, enum tl_undelivered_cause cause)
{
	c->out_fail = cause;
	for (unsigned i = 0; i < c->npend; i++)
		if (c->pend[i].end > c->out_written)
			timeline_set_delivery(c->tl, (size_t)c->pend[i].seq, TL_NOT_SENT, cause);
}

/* The cause of a failed write, from errno (or the connection's state). */
static enum tl_undelivered_cause write_cause(const struct conn *c, int err)
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

/* ---- records ---- */

/* Records an alert in direction dir; returns its seq. */
static int record_alert(struct conn *c, int dir, unsigned level, unsigned desc, bool encrypted, uint64_t end)
{
	struct tl_event ev;
	int seq;

	event_init(c, &ev, TL_EV_ALERT, dir == DIR_OUT ? c->self : c->peer);
	ev.alert_level = level;
	ev.alert_desc = desc;
	ev.encrypted = encrypted;
	ev.keys = record_keys(c, dir, encrypted);
	if (dir == DIR_OUT)
		return observe_out(c, &ev, false, false, 0, end);
	seq = timeline_observe(c->tl, &ev, false);
	c->alert_in = true;
	if (level == 2 && !c->fatal_in) {
		c->fatal_in = true;
		c->fatal_in_desc = desc;
	}
	if (desc == 0)
		c->close_in = true;
	return seq;
}

/* An outgoing record was handed to the transport: record it and place what it carries. */
static void record_out(struct conn *c, const struct recstream_record *r)
{
	struct tl_event ev;

	if (r->ccs) {
		if (c->ccs_announced[DIR_OUT] > 0 && place_ccs(c, r->end)) {
			c->ccs_announced[DIR_OUT]--;
		} else {
			event_init(c, &ev, TL_EV_CCS, c->self);
			observe_out(c, &ev, false, false, 0, r->end);
		}
	} else if (r->alert) {
		c->pending_out_alert = false;
		record_alert(c, DIR_OUT, r->alert_level, r->alert_desc, false, r->end);
	} else if (c->pending_out_alert && (r->type == RECSTREAM_ALERT || r->type == RECSTREAM_APPLICATION_DATA)) {
		c->pending_out_alert = false;
		record_alert(c, DIR_OUT, c->out_alert_level, c->out_alert_desc, true, r->end);
	} else if (r->type == RECSTREAM_HANDSHAKE || (r->encrypted && r->type == RECSTREAM_APPLICATION_DATA)) {
		place_bytes(c, r->length, r->end, r->encrypted);
	}
}

/* An incoming record was read whole. */
static void record_in(struct conn *c, const struct recstream_record *r)
{
	struct tl_event ev;

	c->last_in_plain_alert = false;
	if (r->ccs) {
		event_init(c, &ev, TL_EV_CCS, c->peer);
		timeline_observe(c->tl, &ev, false);
	} else if (r->alert) {
		record_alert(c, DIR_IN, r->alert_level, r->alert_desc, false, 0);
		c->last_in_plain_alert = true;
	}
}

struct feed_ctx {
	struct conn *c;
	int dir;
};

/* The record parser's callback: one whole record went by in one direction. */
static void record_done(void *arg, const struct recstream_record *r)
{
	struct feed_ctx *fc = arg;
	struct conn *c = fc->c;
	struct tl_event ev;

	if (r->oversize)
		return;            /* not TLS: the not-TLS check says what it was */
	event_init(c, &ev, TL_EV_RECORD, fc->dir == DIR_OUT ? c->self : c->peer);
	ev.rec_type = r->type;
	ev.rec_version = r->version;
	ev.rec_length = r->length;
	ev.encrypted = r->encrypted;
	ev.keys = record_keys(c, fc->dir, r->encrypted);
	if (fc->dir == DIR_OUT) {
		observe_out(c, &ev, false, false, 0, r->end);
		record_out(c, r);
	} else {
		timeline_observe(c->tl, &ev, false);
		record_in(c, r);
	}
}

/* Feeds bytes of direction dir through the record parser. */
static void records_feed(struct conn *c, int dir, const uint8_t *p, size_t n)
{
	struct feed_ctx fc = { c, dir };

	recstream_feed(&c->rs[dir], p, n, record_done, &fc);
}

/* Bytes the peer sent arrived: keep the first ones (to recognise HTTP, SSH, ...) and parse them. */
static void took_in(struct conn *c, const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n && c->first_in_len < sizeof c->first_in; k++)
		c->first_in[c->first_in_len++] = p[k];
	records_feed(c, DIR_IN, p, n);
}

/*
 * The incoming stream ended (or this side stopped reading) inside a record:
 * records what arrived of it, once. A peer that does not speak TLS is the
 * not-TLS check's business, not a cut record.
 */
static void record_cut(struct conn *c)
{
	struct recstream_record r;
	size_t have;
	struct tl_event ev;

	if (c->cut_recorded || !recstream_partial(&c->rs[DIR_IN], &r, &have) || r.type < RECSTREAM_CCS ||
	    r.type > RECSTREAM_HEARTBEAT)
		return;
	c->cut_recorded = true;
	event_init(c, &ev, TL_EV_RECORD, c->peer);
	ev.rec_type = r.type;
	ev.rec_version = r.version;
	ev.rec_length = r.length;
	ev.encrypted = r.encrypted;
	ev.keys = record_keys(c, DIR_IN, r.encrypted);
	ev.delivery = TL_INCOMPLETE;
	ev.cause = c->in_ended ? TL_CAUSE_CLOSED_INSIDE : TL_CAUSE_NOT_READ;
	ev.deliv_bytes = (unsigned)have;
	timeline_observe(c->tl, &ev, false);
}

/*
 * A write failed because the peer closed or reset the connection: the peer
 * usually said why first, and its alert may be waiting in the socket's
 * receive buffer. Reads what is already there (never waits) through the
 * record parser, once. The handshake is over (a failed push is fatal to
 * it), so GnuTLS will not read these bytes itself.
 */
static void read_leftovers(struct conn *c)
{
	uint8_t buf[4096];

	if (c->leftovers_read)
		return;
	c->leftovers_read = true;
	for (int i = 0; i < LEFTOVER_READS && remaining_ms(c) > 0; i++) {
		ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			took_in(c, buf, (size_t)n);
			continue;
		}
		if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
			c->in_ended = true;
			record_cut(c);
		}
		if (n == 0 || errno != EINTR)
			break;
	}
}

/* The connection is over: whatever is still pending was not sent; a record cut short is incomplete. */
static void settle_remaining(struct conn *c)
{
	enum tl_undelivered_cause cause = c->out_fail != TL_CAUSE_NONE ? c->out_fail : write_cause(c, 0);

	if (cause == TL_CAUSE_WRITE_FAILED)
		cause = TL_CAUSE_STOPPED;
	for (unsigned i = 0; i < c->npend; i++)
		timeline_set_delivery(c->tl, (size_t)c->pend[i].seq, TL_NOT_SENT, cause);
	c->npend = 0;
	record_cut(c);
}

static int keylog_fn(gnutls_session_t s, const char *label, const gnutls_datum_t *secret);

/* TLS 1.2 resumption: GnuTLS logs CLIENT_RANDOM only when a master secret is made; log the resumed one. */
static void keylog_resumed_master(gnutls_session_t s)
{
	gnutls_datum_t ms = { NULL, 0 };

	gnutls_session_get_master_secret(s, &ms);
	if (ms.size > 0)
		keylog_fn(s, "CLIENT_RANDOM", &ms);
}

/*
 * TLS 1.2, our Finished is hooked: the hooks of a flight fire before its
 * records are written, so the ChangeCipherSpec record that precedes this
 * Finished on the wire has not been pushed yet. Records it now, in wire
 * order, pending until its record is written; the record parser will not
 * record it twice.
 */
static void announce_ccs(struct conn *c)
{
	struct tl_event ev;

	if (recstream_ccs_seen(&c->rs[DIR_OUT]) || c->ccs_announced[DIR_OUT] > 0)
		return;
	event_init(c, &ev, TL_EV_CCS, c->self);
	observe_out(c, &ev, false, true, 0, 0);
	c->ccs_announced[DIR_OUT]++;
}

/* The handshake hook: records each message at PRE, both directions. */
static int hook_fn(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming, const gnutls_datum_t *msg)
{
	struct conn *c = gnutls_session_get_ptr(s);
	int dir = incoming ? DIR_IN : DIR_OUT;
	unsigned type = htype;
	struct tl_event ev;

	if (when != GNUTLS_HOOK_PRE || htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC)
		return 0;
	if (type == GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST ||
	    (type == 2 && msg->size >= 34 && peek_is_hrr_random(msg->data + 2)))
		type = TL_HS_HELLO_RETRY_REQUEST;
	if (type == 1 && incoming)
		c->noffered = peek_client_hello_versions(msg->data, msg->size, c->offered, 8);
	if (type == 2 || type == TL_HS_HELLO_RETRY_REQUEST) {
		struct peek_server_hello sh;
		if (peek_server_hello(msg->data, msg->size, &sh)) {
			c->version = sh.version;
			c->tls13 = sh.version == 0x0304;
			recstream_set_tls13(&c->rs[DIR_OUT], c->tls13);
			recstream_set_tls13(&c->rs[DIR_IN], c->tls13);
		}
	}
	if (!incoming && c->o->gate && !c->last_hook_out) {
		/* step-gated: a new flight; wait until the user lets it go */
		char what[128];
		const char *name = type == TL_HS_HELLO_RETRY_REQUEST ? "HelloRetryRequest" : names_handshake(type);
		snprintf(what, sizeof what, "the %s is about to send %s", c->self == TL_CLIENT ? "client" : "server",
			 name ? name : "a message");
		if (!step_gate_wait(c->o->gate, what)) {
			c->cancelled = true;
			return GNUTLS_E_INTERNAL_ERROR;
		}
	}
	c->last_hook_out = !incoming;
	if (incoming)
		c->last_in_type = (int)type;
	if (!incoming && c->fin[DIR_OUT])
		c->app_out = true;     /* a message after our Finished: that flight is out */
	if (type == 20 && !c->tls13 && !incoming)
		announce_ccs(c);
	event_init(c, &ev, TL_EV_HANDSHAKE, incoming ? c->peer : c->self);
	ev.hs_type = type;
	ev.body = msg->data;
	ev.body_len = msg->size;
	if (c->tls13)
		ev.encrypted = type != 1 && type != 2 && type != TL_HS_HELLO_RETRY_REQUEST;
	else
		ev.encrypted = recstream_ccs_seen(&c->rs[dir]) || c->ccs_announced[dir] > 0 || type == 20;
	ev.keys = keys_now(c, dir, ev.encrypted);
	if (incoming)
		timeline_observe(c->tl, &ev, false);   /* read whole: GnuTLS hooks a message once all of it arrived */
	else
		observe_out(c, &ev, true, false, 4 + (size_t)msg->size, 0);   /* its records come later */

	if (type == 11) {
		unsigned count = 0;
		peek_certificate_count(msg->data, msg->size, c->tls13, &count);
		if (incoming)
			c->peer_sent_cert = count > 0;
		else
			c->sent_cert = count > 0;
	} else if (type == 13 && incoming) {
		c->cert_requested = true;
	} else if (type == 20) {
		c->fin[dir] = true;
		if (!c->tls13 && gnutls_session_is_resumed(s))
			keylog_resumed_master(s);
	} else if (type == 4 && incoming && c->fin[DIR_OUT]) {
		c->nst_after_fin = true;
	}
	return 0;
}

/* The client's certificate callback (declared above). */
static int retrieve_fn(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		       const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		       unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
	struct conn *c = gnutls_session_get_ptr(s);
	struct endpoint *ep = c->ep;
	char issuer[512], note[900];

	(void)pk_algos;
	(void)pk_algos_length;
	*pcert_length = 0;
	*pcert = NULL;
	*privkey = NULL;
	if (ep->npcerts == 0)
		return 0;
	if (nreqs > 0 && !chain_matches(ep, req_ca_rdn, nreqs)) {
		struct tl_note fact = { .code = ep->cfg.withhold_unmatched ? TL_NOTE_CERT_WITHHELD : TL_NOTE_CERT_SENT_UNLISTED,
					.count = (unsigned)nreqs };
		chain_issuer_text(ep, issuer, sizeof issuer);
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, issuer, note, sizeof note), &fact);
		if (ep->cfg.withhold_unmatched)
			return 0;
	}
	*pcert = ep->pcerts;
	*pcert_length = ep->npcerts;
	*privkey = ep->privkey;
	return 0;
}

/* Stores each secret the library derives. */
static int keylog_fn(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
	struct conn *c = gnutls_session_get_ptr(s);
	struct tl_secret sec;
	gnutls_datum_t cr, sr;

	memset(&sec, 0, sizeof sec);
	sec.side = c->self;
	sec.conn = c->conn;
	snprintf(sec.label, sizeof sec.label, "%s", label);
	gnutls_session_get_random(s, &cr, &sr);
	if (cr.size == sizeof sec.client_random)
		memcpy(sec.client_random, cr.data, cr.size);
	sec.len = secret->size < sizeof sec.secret ? secret->size : sizeof sec.secret;
	memcpy(sec.secret, secret->data, sec.len);
	timeline_add_secret(c->tl, &sec);
	memset(&sec, 0, sizeof sec);
	return 0;
}

/* ---- transport ---- */

/*
 * Waits until fd is ready for `events`, the deadline passes (returns 0),
 * or the cancel descriptor fires (returns -1, errno ECANCELED).
 * limit_ms < 0 means "until the deadline".
 */
static int wait_fd(struct conn *c, short events, int limit_ms)
{
	for (;;) {
		struct pollfd pf[2] = { { .fd = c->fd, .events = events }, { .fd = c->o->cancel_fd, .events = POLLIN } };
		int left = remaining_ms(c);
		int t = limit_ms >= 0 && limit_ms < left ? limit_ms : left;
		bool note_wait = events == POLLIN && !c->waiting_noted && c->capture && t > 1000;
		int n = poll(pf, c->o->cancel_fd >= 0 ? 2 : 1, note_wait ? 1000 : t);

		if (n == 0 && note_wait) {
			/* say what it is doing when the peer is slow to answer */
			char note[96];
			c->waiting_noted = true;
			snprintf(note, sizeof note, "waiting for the %s: no answer for 1 s",
				 c->self == TL_CLIENT ? "server" : "client");
			timeline_note(c->tl, TL_EV_NOTE, c->self, c->conn, note);
			continue;
		}

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (c->o->cancel_fd >= 0 && (pf[1].revents & POLLIN)) {
			c->cancelled = true;
			errno = ECANCELED;
			return -1;
		}
		if (n == 0) {
			if (t == left)
				c->timed_out = true;
			return 0;
		}
		return 1;
	}
}

/*
 * After send() or recv() failed: waits until the socket is ready for events
 * and returns 1 to try again, or records the error for GnuTLS and returns -1
 * (a real error, the deadline (reported as timeout_errno), or cancellation).
 */
static int transport_again(struct conn *c, short events, int timeout_errno)
{
	int w;

	if (errno == EINTR)
		return 1;
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		c->last_errno = errno;
		gnutls_transport_set_errno(c->s, errno);
		return -1;
	}
	w = wait_fd(c, events, -1);
	if (w <= 0) {
		gnutls_transport_set_errno(c->s, w == 0 ? timeout_errno : errno);
		return -1;
	}
	return 1;
}

/*
 * The part of a push GnuTLS already handed over before: after a failed
 * write it pushes the unwritten bytes again, and those were parsed then (a
 * retried record stays one event). Returns how many leading bytes of data
 * were parsed before. If GnuTLS dropped them instead, they stay not sent.
 */
static size_t pushed_before(struct conn *c, const uint8_t *data, size_t len)
{
	uint64_t unsent = c->rs[DIR_OUT].pos - c->out_written;
	size_t cmp = unsent < sizeof c->out_unsent ? (size_t)unsent : sizeof c->out_unsent;
	unsigned k = 0;

	if (unsent == 0)
		return 0;
	if (cmp > len)
		cmp = len;
	if (memcmp(data, c->out_unsent, cmp) == 0)
		return unsent < len ? (size_t)unsent : len;
	for (unsigned i = 0; i < c->npend; i++)
		if (c->pend[i].end <= c->out_written)
			c->pend[k++] = c->pend[i];
	c->npend = k;
	c->out_written = c->rs[DIR_OUT].pos;
	return 0;
}

/* A write failed with err after `done` bytes of data: settles what it carried. */
static void write_failed(struct conn *c, int err, const uint8_t *data, size_t done, size_t len)
{
	size_t keep = len - done < sizeof c->out_unsent ? len - done : sizeof c->out_unsent;
	enum tl_undelivered_cause cause = write_cause(c, err);

	memcpy(c->out_unsent, data + done, keep);
	settle_failed(c, cause);
	if (cause == TL_CAUSE_PEER_CLOSED || cause == TL_CAUSE_RESET)
		read_leftovers(c);
}

/*
 * Push: parses the records GnuTLS hands over, writes them within the
 * deadline, and settles the delivery of what they carry. Returns the bytes
 * written (short when a write failed after some were), or -1.
 */
static ssize_t push_fn(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	struct conn *c = ptr;
	const uint8_t *p = data;
	size_t done = 0, seen;

	if (c->o->gate && !c->last_hook_out && c->rs[DIR_OUT].hdr_have == 0 && len > 0 && p[0] == RECSTREAM_CCS &&
	    c->rs[DIR_OUT].pos == c->out_written) {
		/* step-gated: a ChangeCipherSpec that opens a flight (TLS 1.3 sends it on its own) */
		char what[96];
		snprintf(what, sizeof what, "the %s is about to send ChangeCipherSpec", c->self == TL_CLIENT ? "client" : "server");
		if (!step_gate_wait(c->o->gate, what)) {
			c->cancelled = true;
			gnutls_transport_set_errno(c->s, ECANCELED);
			return -1;
		}
		c->last_hook_out = true;
	}
	seen = pushed_before(c, p, len);
	if (seen < len)
		records_feed(c, DIR_OUT, p + seen, len - seen);
	while (done < len) {
		ssize_t n = send(c->fd, p + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		int err = errno;
		if (n >= 0) {
			done += (size_t)n;
			c->out_written += (uint64_t)n;
			settle_written(c);
		} else if (transport_again(c, POLLOUT, ETIMEDOUT) < 0) {
			write_failed(c, err, p, done, len);
			return done > 0 ? (ssize_t)done : -1;
		}
	}
	return (ssize_t)len;
}

/* Pull: reads what is there and records the incoming records. */
static ssize_t pull_fn(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
	struct conn *c = ptr;

	for (;;) {
		ssize_t n = recv(c->fd, data, len, MSG_DONTWAIT);
		if (n > 0) {
			took_in(c, data, (size_t)n);
			return n;
		}
		if (n == 0) {
			c->in_ended = true;
			record_cut(c);
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			c->in_ended = true;
			record_cut(c);
		}
		if (transport_again(c, POLLIN, EAGAIN) < 0)
			return -1;
	}
}

/* Pull timeout: data ready (>0), timed out (0), or error (-1). */
static int pull_timeout_fn(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct conn *c = ptr;

	return wait_fd(c, POLLIN, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)(ms > 0x7fffffffu ? 0x7fffffffu : ms));
}

/* ---- endpoints ---- */

/* Loads the credentials and priorities of one side. */
struct endpoint *endpoint_new(const struct session_config *cfg, struct tl_error *err)
{
	struct endpoint *ep = calloc(1, sizeof *ep);
	const char *errpos = NULL;
	int rc;

	if (!ep) {
		tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
		return NULL;
	}
	ep->cfg = *cfg;
	if ((rc = gnutls_certificate_allocate_credentials(&ep->cred)) < 0) {
		tl_error_set(err, TL_EXIT_INTERNAL, "the TLS library could not allocate credentials: %s", gnutls_strerror(rc));
		goto fail;
	}
	if (cfg->ca_file && (rc = gnutls_certificate_set_x509_trust_file(ep->cred, cfg->ca_file, GNUTLS_X509_FMT_PEM)) <= 0) {
		tl_error_set(err, TL_EXIT_FILES, "%s: no CA certificate could be read from this file%s%s", cfg->ca_file,
			     rc < 0 ? ": " : "", rc < 0 ? tls_error_words(rc) : "");
		goto fail;
	}
	if (cfg->ca_path && (rc = gnutls_certificate_set_x509_trust_dir(ep->cred, cfg->ca_path, GNUTLS_X509_FMT_PEM)) <= 0) {
		tl_error_set(err, TL_EXIT_FILES, "%s: no CA certificate could be read from this directory", cfg->ca_path);
		goto fail;
	}
	if (cfg->system_trust && (rc = gnutls_certificate_set_x509_system_trust(ep->cred)) < 0) {
		tl_error_set(err, TL_EXIT_FILES, "the system's trusted CA certificates could not be loaded: %s", tls_error_words(rc));
		goto fail;
	}
	if (cfg->p12_file) {
		rc = gnutls_certificate_set_x509_simple_pkcs12_file(ep->cred, cfg->p12_file, GNUTLS_X509_FMT_DER,
								    cfg->p12_password ? cfg->p12_password : "");
		if (rc == GNUTLS_E_BASE64_DECODING_ERROR || rc == GNUTLS_E_ASN1_DER_ERROR || rc == GNUTLS_E_ASN1_TAG_ERROR)
			rc = gnutls_certificate_set_x509_simple_pkcs12_file(ep->cred, cfg->p12_file, GNUTLS_X509_FMT_PEM,
									    cfg->p12_password ? cfg->p12_password : "");
		if (rc < 0) {
			if (rc == GNUTLS_E_MAC_VERIFY_FAILED || rc == GNUTLS_E_DECRYPTION_FAILED)
				tl_error_set(err, TL_EXIT_FILES, "%s: wrong password for this PKCS#12 file", cfg->p12_file);
			else if (rc == GNUTLS_E_FILE_ERROR)
				tl_error_set(err, TL_EXIT_FILES, "%s: the file could not be read", cfg->p12_file);
			else
				tl_error_set(err, TL_EXIT_FILES, "%s: not a PKCS#12 file (.p12/.pfx) that can be used", cfg->p12_file);
			goto fail;
		}
	} else if (cfg->cert_file || cfg->key_file) {
		if (!cfg->cert_file || !cfg->key_file) {
			tl_error_set(err, TL_EXIT_USAGE, "a certificate needs its private key and a key needs its certificate");
			goto fail;
		}
		rc = gnutls_certificate_set_x509_key_file(ep->cred, cfg->cert_file, cfg->key_file, GNUTLS_X509_FMT_PEM);
		if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH && cfg->allow_key_mismatch && cfg->side == TL_CLIENT) {
			if (load_mismatched(ep, err) < 0)
				goto fail;
			rc = 0;
		} else if (rc < 0) {
			tls_files_error(rc, cfg->cert_file, cfg->key_file, err);
			goto fail;
		}
	} else if (cfg->side == TL_SERVER) {
		tl_error_set(err, TL_EXIT_USAGE, "a server needs a certificate and a private key");
		goto fail;
	}
	rc = gnutls_priority_init(&ep->prio, cfg->priority ? cfg->priority : "NORMAL", &errpos);
	if (rc < 0) {
		tl_error_set(err, TL_EXIT_USAGE, "the priority string is not valid near \"%.40s\"", errpos ? errpos : "");
		goto fail;
	}
	if (cfg->side == TL_CLIENT && (cfg->cert_file || cfg->p12_file) && ep->npcerts == 0 && load_client_chain(ep, err) < 0)
		goto fail;
	if (cfg->side == TL_SERVER && cfg->tickets &&
	    (rc = gnutls_session_ticket_key_generate(&ep->ticket_key)) < 0) {
		tl_error_set(err, TL_EXIT_INTERNAL, "could not make a session ticket key: %s", gnutls_strerror(rc));
		goto fail;
	}
	return ep;
fail:
	endpoint_free(ep);
	return NULL;
}

/* Frees an endpoint. */
void endpoint_free(struct endpoint *ep)
{
	if (!ep)
		return;
	if (ep->cred)
		gnutls_certificate_free_credentials(ep->cred);
	if (ep->prio)
		gnutls_priority_deinit(ep->prio);
	if (ep->ticket_key.data) {
		gnutls_memset(ep->ticket_key.data, 0, ep->ticket_key.size);
		gnutls_free(ep->ticket_key.data);
	}
	if (ep->saved_session.data)
		gnutls_free(ep->saved_session.data);
	for (unsigned i = 0; i < ep->npcerts; i++) {
		gnutls_pcert_deinit(&ep->pcerts[i]);
		gnutls_x509_crt_deinit(ep->crts[i]);
	}
	gnutls_free(ep->crts);
	free(ep->pcerts);
	if (ep->privkey)
		gnutls_privkey_deinit(ep->privkey);
	free(ep);
}

/* Offers the comma-separated protocols in list by ALPN. */
static int set_alpn(gnutls_session_t s, const char *list)
{
	gnutls_datum_t protos[16];
	unsigned n = 0;
	const char *p = list;

	while (*p && n < 16) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len > 255)
			return -1;
		protos[n].data = tls_datum_bytes(p);
		protos[n].size = (unsigned)len;
		n++;
		p += len + (p[len] == ',');
	}
	if (n == 0 || *p)
		return -1;
	return gnutls_alpn_set_protocols(s, protos, n, 0) < 0 ? -1 : 0;
}

/* Sets up the GnuTLS session of a connection. */
static int conn_setup(struct conn *c, struct tl_error *err)
{
	struct endpoint *ep = c->ep;
	unsigned flags = (c->self == TL_CLIENT ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NO_SIGNAL;
	int rc;

	if ((rc = gnutls_init(&c->s, flags)) < 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "the TLS library could not start a session: %s", gnutls_strerror(rc));
	gnutls_session_set_ptr(c->s, c);
	if ((rc = gnutls_priority_set(c->s, ep->prio)) < 0 ||
	    (rc = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, ep->cred)) < 0)
		return tl_error_set(err, TL_EXIT_INTERNAL, "the TLS session could not be configured: %s", gnutls_strerror(rc));
	if (c->self == TL_CLIENT) {
		const char *name = ep->cfg.server_name;
		if (name && ep->cfg.send_sni && gnutls_server_name_set(c->s, GNUTLS_NAME_DNS, name, strlen(name)) < 0)
			return tl_error_set(err, TL_EXIT_USAGE, "the server name \"%s\" cannot be sent", name);
		if (ep->cfg.verify_strict)
			gnutls_session_set_verify_cert(c->s, name, 0);
		if (ep->cfg.alpn && set_alpn(c->s, ep->cfg.alpn) < 0)
			return tl_error_set(err, TL_EXIT_USAGE, "the ALPN list \"%s\" is not valid", ep->cfg.alpn);
		if (ep->saved_session.data)
			gnutls_session_set_data(c->s, ep->saved_session.data, ep->saved_session.size);
	} else {
		if (ep->cfg.client_auth != TL_AUTH_NONE) {
			gnutls_certificate_server_set_request(c->s, ep->cfg.client_auth == TL_AUTH_REQUIRE ? GNUTLS_CERT_REQUIRE
													    : GNUTLS_CERT_REQUEST);
		}
		if (ep->cfg.client_auth == TL_AUTH_REQUIRE) {
			/* verify the client's chain, including that it is meant for TLS clients */
			static gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID,
								 (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0 };
			gnutls_session_set_verify_cert2(c->s, &purpose, 1, 0);
		}
		if (ep->ticket_key.data)
			gnutls_session_ticket_enable_server(c->s, &ep->ticket_key);
	}
	if (c->capture) {
		gnutls_handshake_set_hook_function(c->s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, hook_fn);
		gnutls_session_set_keylog_function(c->s, keylog_fn);
		gnutls_transport_set_ptr(c->s, c);
		gnutls_transport_set_push_function(c->s, push_fn);
		gnutls_transport_set_pull_function(c->s, pull_fn);
		gnutls_transport_set_pull_timeout_function(c->s, pull_timeout_fn);
	} else {
		gnutls_transport_set_int(c->s, c->fd);
	}
	return 0;
}

/* Records an alert we are about to send, so the push wrapper can name it. */
static void expect_out_alert(struct conn *c, unsigned level, unsigned desc)
{
	c->pending_out_alert = true;
	c->out_alert_level = level;
	c->out_alert_desc = desc;
}

/* An API call returned rc: record an incoming alert it reports, if the record layer could not. */
static void note_incoming_alert(struct conn *c, int rc)
{
	if (!c->capture)
		return;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_WARNING_ALERT_RECEIVED || rc == 0) {
		if (c->last_in_plain_alert) {
			c->last_in_plain_alert = false;
			return;
		}
		unsigned level = rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? 2 : 1;
		unsigned desc = rc == 0 ? 0 : (unsigned)gnutls_alert_get(c->s);
		record_alert(c, DIR_IN, level, desc, true, 0);
	} else if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED && !c->fatal_in) {
		c->fatal_in = true;
		c->fatal_in_desc = (unsigned)gnutls_alert_get(c->s);
	}
}

/* After a failed handshake: tell the peer why, as GnuTLS does not by itself. */
static void send_failure_alert(struct conn *c, int rc)
{
	int level = 0;
	int desc;

	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_PUSH_ERROR || rc == GNUTLS_E_PULL_ERROR ||
	    rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_TIMEDOUT || c->cancelled || c->timed_out)
		return;
	desc = gnutls_error_to_alert(rc, &level);
	if (desc < 0)
		return;
	expect_out_alert(c, (unsigned)level, (unsigned)desc);
	gnutls_alert_send_appropriate(c->s, rc);
	c->pending_out_alert = false;
}

/* Client after the handshake: reads for the grace period until the outcome is known. */
static int client_grace(struct conn *c, enum tl_grace_end *why)
{
	int64_t end = timeline_now(c->tl) + (int64_t)c->o->grace_ms * 1000;
	bool waited_peer = false;
	char buf[4096];

	*why = TL_GRACE_EXPIRED;
	for (int rounds = 0; rounds < 1000; rounds++) {
		int64_t now = timeline_now(c->tl);
		int left = (int)((end - now) / 1000);
		/* TLS 1.3 with a certificate request: the server judges our
		 * Certificate (even an empty one) only after our Finished */
		bool awaiting_verdict = c->tls13 && (c->sent_cert || c->cert_requested) && !c->nst_after_fin;
		int rc;

		if (c->alert_in) {
			*why = TL_GRACE_ALERT;
			break;
		}
		if (left <= 0 || remaining_ms(c) <= 0)
			break;
		if (!awaiting_verdict) {
			/* drain what is already in flight, then stop */
			if (c->o->sync && !waited_peer) {
				session_sync_wait(c->o->sync, left);
				waited_peer = true;
			}
			if (gnutls_record_check_pending(c->s) == 0) {
				struct pollfd pf = { .fd = c->fd, .events = POLLIN };
				if (poll(&pf, 1, 0) <= 0) {
					*why = c->tls13 && (c->sent_cert || c->cert_requested) ? TL_GRACE_ACCEPTED
											      : TL_GRACE_DRAINED;
					break;
				}
			}
		}
		gnutls_record_set_timeout(c->s, (unsigned)(left < remaining_ms(c) ? left : remaining_ms(c)));
		rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
		if (rc > 0) {
			char note[96];
			struct tl_note fact = { .code = TL_NOTE_APP_DATA, .count = (unsigned)rc };
			timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
			c->nst_after_fin = true;     /* data after our Finished: the server accepted us */
			continue;
		}
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_TIMEDOUT)
			break;
		if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			note_incoming_alert(c, rc);
			if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == 0) {
				*why = TL_GRACE_ALERT;
				return rc;
			}
			continue;
		}
		*why = TL_GRACE_ERROR;
		return rc;
	}
	return GNUTLS_E_SUCCESS;
}

/* Client: a minimal HTTP request; the first response line becomes a note (mTLS
 * servers often reveal a rejected certificate only here). Returns a GnuTLS code. */
static int client_http(struct conn *c)
{
	char req[512], buf[4096], line[256];
	size_t have = 0;
	const char *host = c->ep->cfg.server_name ? c->ep->cfg.server_name : "localhost";
	int rc;

	snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: tlsladder\r\nConnection: close\r\n\r\n",
		 strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "");
	do {
		rc = (int)gnutls_record_send(c->s, req, strlen(req));
	} while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
	if (rc < 0)
		return rc;
	{
		struct tl_note sent = { .code = TL_NOTE_HTTP_SENT };
		timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&sent, NULL, line, sizeof line), &sent);
	}
	for (int rounds = 0; rounds < 1000 && have < sizeof buf - 1; rounds++) {
		char *eol;

		if (remaining_ms(c) <= 0)
			return GNUTLS_E_TIMEDOUT;
		gnutls_record_set_timeout(c->s, (unsigned)remaining_ms(c));
		rc = (int)gnutls_record_recv(c->s, buf + have, sizeof buf - 1 - have);
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			note_incoming_alert(c, rc);
			continue;
		}
		if (rc <= 0) {
			if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
				note_incoming_alert(c, rc);
			if (have == 0)
				return rc;
			break;
		}
		have += (size_t)rc;
		buf[have] = '\0';
		if ((eol = strstr(buf, "\r\n")) != NULL || (eol = strchr(buf, '\n')) != NULL) {
			*eol = '\0';
			break;
		}
	}
	buf[have < sizeof buf ? have : sizeof buf - 1] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	{
		int status = sniff_http_status((const uint8_t *)buf, strlen(buf));
		struct tl_note answer = { .code = TL_NOTE_HTTP_ANSWER, .status = status > 0 ? status : 0 };
		timeline_note_fact(c->tl, TL_EV_NOTE, c->peer, c->conn,
				   notes_render(&answer, have ? buf : NULL, line, sizeof line), &answer);
	}
	return 0;
}

/* Server after the handshake: reads until the client closes or the deadline. */
static int server_serve(struct conn *c)
{
	char buf[4096];
	bool answered = false;

	for (int rounds = 0; rounds < 10000; rounds++) {
		int rc;

		if (remaining_ms(c) <= 0)
			return GNUTLS_E_TIMEDOUT;
		gnutls_record_set_timeout(c->s, (unsigned)remaining_ms(c));
		rc = (int)gnutls_record_recv(c->s, buf, sizeof buf);
		if (rc > 0 && !answered && sniff_bytes((const uint8_t *)buf, (size_t)rc).kind == SNIFF_HTTP_REQUEST) {
			/* a browser or curl: answer, so it does not wait for the deadline */
			static const char body[] = "tlsladder: the TLS handshake is complete; tlsladder recorded it.\n";
			char resp[256], note[96];
			struct tl_note fact = { .code = TL_NOTE_HTTP_SERVED };
			int len = snprintf(resp, sizeof resp,
					   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
					   "Connection: close\r\n\r\n%s", sizeof body - 1, body);
			answered = true;
			timeline_note_fact(c->tl, TL_EV_NOTE, c->self, c->conn, notes_render(&fact, NULL, note, sizeof note), &fact);
			do {
				rc = (int)gnutls_record_send(c->s, resp, (size_t)len);
			} while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
			return rc < 0 ? rc : 0;
		}
		if (rc > 0 || rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			note_incoming_alert(c, rc);
			continue;
		}
		if (rc == 0 || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
			note_incoming_alert(c, rc);
		return rc;
	}
	return GNUTLS_E_SUCCESS;
}

/* The trust store of an endpoint in words: where its credentials' anchors came from. */
static void store_words(const struct endpoint *ep, char *buf, size_t n)
{
	size_t used;

	buf[0] = '\0';
	if (ep->cfg.ca_file)
		snprintf(buf, n, "CA file %s", ep->cfg.ca_file);
	used = strlen(buf);
	if (ep->cfg.ca_path && used + 1 < n)
		snprintf(buf + used, n - used, "%sCA directory %s", used ? " and " : "", ep->cfg.ca_path);
	used = strlen(buf);
	if (ep->cfg.system_trust && used + 1 < n)
		snprintf(buf + used, n - used, "%sthe system trust store", used ? " and " : "");
}

/*
 * Judges the peer's chain link by link with the trust list, host name and
 * purpose the handshake's check used, its GnuTLS result being the verdict;
 * stores it in the timeline and writes its verdict line into r->verify.
 */
static void judge_chain(struct conn *c, int rc, unsigned status, struct tl_result *r)
{
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->s, &n);
	struct chain_result *ch = malloc(sizeof *ch);
	struct x509view_lib lib = { rc, status };
	struct x509view_judge_in in;
	char store[512];

	if (!ch) {
		snprintf(r->verify, sizeof r->verify, "NOT verified: out of memory");
		return;
	}
	memset(&in, 0, sizeof in);
	gnutls_certificate_get_trust_list(c->ep->cred, &in.list);     /* the list the handshake's check used */
	store_words(c->ep, store, sizeof store);
	in.store = store;
	in.judge = c->self;
	in.hostname = c->self == TL_CLIENT ? c->ep->cfg.server_name : NULL;
	in.peer_is_server = c->self == TL_CLIENT;
	in.now = time(NULL);
	in.lib = &lib;
	x509view_judge(ch, peers, peers ? n : 0, &in);
	r->verified = ch->verdict == CHAIN_TRUSTED;
	chain_words(ch, r->verify, sizeof r->verify);
	timeline_set_chain(c->tl, c->self, c->conn, ch);
	free(ch);
}

/* Checks the peer's certificate chain and describes the result. */
static void verify_peer(struct conn *c, struct tl_result *r)
{
	unsigned status = 0;
	unsigned n = 0;
	const char *host = c->self == TL_CLIENT ? c->ep->cfg.server_name : NULL;
	int rc;

	if (gnutls_session_is_resumed(c->s)) {
		snprintf(r->verify, sizeof r->verify,
			 "not sent: the session was resumed (no certificate in this connection)");
		return;
	}
	if (!gnutls_certificate_get_peers(c->s, &n) || n == 0) {
		r->peer_sent_cert = false;
		if (c->self == TL_CLIENT && !r->handshake_ok) {
			snprintf(r->verify, sizeof r->verify, "not checked: the handshake ended before the server's certificate");
		} else if (c->self == TL_CLIENT) {
			r->verify_done = true;
			snprintf(r->verify, sizeof r->verify, "NOT verified: the server sent no certificate");
		} else if (c->ep->cfg.client_auth != TL_AUTH_NONE) {
			snprintf(r->verify, sizeof r->verify, "the client sent no certificate");
		}
		return;
	}
	r->peer_sent_cert = true;
	r->verify_done = true;
	{
		/* the same checks the handshake makes: the name (client side) and the purpose of the certificate */
		gnutls_typed_vdata_st data[2];
		unsigned k = 0;
		if (host) {
			data[k].type = GNUTLS_DT_DNS_HOSTNAME;
			data[k].data = tls_datum_bytes(host);
			data[k++].size = 0;
		}
		data[k].type = GNUTLS_DT_KEY_PURPOSE_OID;
		data[k].data = (unsigned char *)(c->self == TL_CLIENT ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT);
		data[k++].size = 0;
		rc = gnutls_certificate_verify_peers(c->s, data, k, &status);
	}
	r->peer_chain_len = n;
	if (rc < 0) {
		judge_chain(c, rc, status, r);
		return;
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		r->verify_flags |= TL_VERIFY_UNKNOWN_ISSUER;
	if (status & GNUTLS_CERT_EXPIRED)
		r->verify_flags |= TL_VERIFY_EXPIRED;
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		r->verify_flags |= TL_VERIFY_NOT_ACTIVATED;
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		r->verify_flags |= TL_VERIFY_NAME_MISMATCH;
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		r->verify_flags |= TL_VERIFY_BAD_SIGNATURE;
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		r->verify_flags |= TL_VERIFY_WRONG_PURPOSE;
	if (status & GNUTLS_CERT_REVOKED)
		r->verify_flags |= TL_VERIFY_REVOKED;
	if (status && !r->verify_flags)
		r->verify_flags = TL_VERIFY_OTHER;
	if ((status & GNUTLS_CERT_SIGNER_NOT_FOUND) && n == 1) {
		const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->s, &n);
		gnutls_x509_crt_t crt;
		if (peers && gnutls_x509_crt_init(&crt) == 0) {
			if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0 &&
			    gnutls_x509_crt_check_issuer(crt, crt))
				r->verify_flags |= TL_VERIFY_SELF_SIGNED;
			gnutls_x509_crt_deinit(crt);
		}
		n = 1;
	}
	judge_chain(c, rc, status, r);
}

/* Fills in what was negotiated. */
static void describe_session(struct conn *c, struct tl_result *r)
{
	const char *s;

	r->version = c->version;
	if ((s = gnutls_ciphersuite_get(c->s)))
		snprintf(r->cipher_suite, sizeof r->cipher_suite, "%s", s);
	if ((s = gnutls_group_get_name(gnutls_group_get(c->s))))
		snprintf(r->group, sizeof r->group, "%s", s);
	if ((s = gnutls_sign_get_name(gnutls_sign_algorithm_get(c->s))))
		snprintf(r->sigscheme, sizeof r->sigscheme, "%s", s);
	r->resumed = gnutls_session_is_resumed(c->s) != 0;
	{
		gnutls_datum_t proto = { NULL, 0 };
		if (gnutls_alpn_get_selected_protocol(c->s, &proto) == 0 && proto.size < sizeof r->alpn) {
			memcpy(r->alpn, proto.data, proto.size);
			r->alpn[proto.size] = '\0';
		}
	}
}

/* The wire value of a GnuTLS protocol. */
static unsigned protocol_wire(unsigned p)
{
	switch (p) {
	case GNUTLS_TLS1_0: return 0x0301;
	case GNUTLS_TLS1_1: return 0x0302;
	case GNUTLS_TLS1_2: return 0x0303;
	case GNUTLS_TLS1_3: return 0x0304;
	default: return 0;
	}
}

/* True when a version the client offered is enabled on this side. */
static bool versions_overlap(const struct conn *c)
{
	const unsigned *list;
	int k = gnutls_priority_protocol_list(c->ep->prio, &list);

	for (int i = 0; i < k; i++)
		for (int j = 0; j < c->noffered; j++)
			if (protocol_wire(list[i]) == c->offered[j])
				return true;
	return k <= 0;      /* unknown: assume they overlap */
}

/* "TLS 1.2 and TLS 1.3" into buf. */
static void versions_text(const unsigned *v, int n, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used + 16 < size; i++) {
		const char *name = names_version(v[i]);
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ",
					 name ? name : "?");
	}
}

/* Reads the rest of a non-TLS answer's first line (bounded: 10 reads, 300 ms), for the sniffer. */
static void sniff_more(struct conn *c)
{
	int64_t end = timeline_now(c->tl) + 300000;

	if (c->fd < 0 || c->first_in_len == 0 || !sniff_wants_more(c->first_in, c->first_in_len))
		return;
	for (int rounds = 0; rounds < 10 && c->first_in_len < sizeof c->first_in; rounds++) {
		struct pollfd pf = { .fd = c->fd, .events = POLLIN };
		int left = (int)((end - timeline_now(c->tl)) / 1000);
		ssize_t n;

		if (left <= 0 || poll(&pf, 1, left) <= 0)
			return;
		n = recv(c->fd, c->first_in + c->first_in_len, sizeof c->first_in - c->first_in_len, MSG_DONTWAIT);
		if (n <= 0)
			return;
		c->first_in_len += (unsigned)n;
		if (!sniff_wants_more(c->first_in, c->first_in_len))
			return;
	}
}

/* The failure when the peer's first bytes are not TLS; false when they are TLS (or nothing came). */
static bool classify_not_tls(const struct conn *c, char *out, size_t n, struct tl_note *fact)
{
	struct sniff_result r = sniff_bytes(c->first_in, c->first_in_len);

	if (r.kind == SNIFF_NONE || r.kind == SNIFF_TLS)
		return false;
	fact->fail = TL_FAIL_NOT_TLS;
	fact->spoke = r;
	sniff_describe(&r, c->self == TL_CLIENT ? "server" : "client", out, n);
	return true;
}

/* The failure a fatal alert from the peer reports. */
static int classify_alert(const struct conn *c, int desc, const char *peer, char *out, size_t n, struct tl_note *fact)
{
	bool before_hello = c->version == 0;

	fact->alert = (unsigned)desc;
	if (desc == 70) {
		fact->fail = TL_FAIL_VERSION;
		snprintf(out, n, "the %s accepts none of the TLS versions offered (%s)", peer, tls_alert_words(desc));
		return TL_EXIT_MISMATCH;
	}
	if ((desc == 40 || desc == 71) && before_hello && c->self == TL_CLIENT) {
		fact->fail = TL_FAIL_NOTHING_IN_COMMON;
		snprintf(out, n, "the server found nothing in common with the offer, without saying what: a TLS version, "
				 "cipher suite, group or signature algorithm (%s)", tls_alert_words(desc));
		return TL_EXIT_MISMATCH;
	}
	fact->fail = TL_FAIL_OTHER;
	snprintf(out, n, "the %s ended the handshake with %s", peer, tls_alert_words(desc));
	return TL_EXIT_REJECTED;
}

/* Server: no version in common with what the client offered, in words. */
static void versions_failure(const struct conn *c, char *out, size_t n)
{
	char offered[64] = "", accepted[64] = "";
	const unsigned *list;
	int k = gnutls_priority_protocol_list(c->ep->prio, &list);
	unsigned wire[16];
	int m = 0;

	versions_text(c->offered, c->noffered, offered, sizeof offered);
	for (int i = 0; i < k && m < 16; i++)
		wire[m++] = protocol_wire(list[i]);
	versions_text(wire, m, accepted, sizeof accepted);
	snprintf(out, n, "no TLS version in common with the client: it offered %s; this side accepts %s", offered,
		 accepted);
}

/* Why a handshake failed, in plain words, the exit code that goes with it, and the typed fact (fact->fail). */
static int classify_failure(const struct conn *c, int rc, char *out, size_t n, struct tl_note *fact)
{
	const char *peer = c->self == TL_CLIENT ? "server" : "client";
	const char *last = c->last_in_type == TL_HS_HELLO_RETRY_REQUEST ? "HelloRetryRequest"
			   : c->last_in_type >= 0 ? names_handshake((unsigned)c->last_in_type) : NULL;
	bool nothing = c->first_in_len == 0;

	memset(fact, 0, sizeof *fact);
	fact->code = TL_NOTE_FAILURE;
	fact->fail = TL_FAIL_OTHER;
	if (c->cancelled) {
		snprintf(out, n, "stopped by the user");
		return TL_EXIT_CANCELLED;
	}
	if (classify_not_tls(c, out, n, fact))
		return TL_EXIT_NOT_TLS;
	if (c->timed_out || rc == GNUTLS_E_TIMEDOUT) {
		if (nothing)
			snprintf(out, n, "the %s accepted the connection but never answered", peer);
		else
			snprintf(out, n, "the %s stopped answering%s%s", peer, last ? " after its " : "", last ? last : "");
		return TL_EXIT_TIMEOUT;
	}
	if (c->fatal_in && rc != GNUTLS_E_FATAL_ALERT_RECEIVED)
		/* GnuTLS failed on its write, but the peer's alert, sent before it
		 * closed, was read from the socket: that is the peer's word */
		return classify_alert(c, (int)c->fatal_in_desc, peer, out, n, fact);
	if (c->last_errno == ECONNRESET || c->last_errno == EPIPE) {
		snprintf(out, n, "the %s reset the connection%s%s", peer, last ? " after its " : nothing ? " without answering" : "",
			 last ? last : "");
		return TL_EXIT_RESET;
	}
	if (rc == GNUTLS_E_PREMATURE_TERMINATION || (rc == GNUTLS_E_PULL_ERROR && c->last_errno == 0)) {
		if (nothing)
			snprintf(out, n, "the %s closed the connection without answering", peer);
		else
			snprintf(out, n, "the %s closed the connection in the middle of the handshake%s%s", peer,
				 last ? ", after its " : "", last ? last : "");
		return TL_EXIT_HANDSHAKE;
	}
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		return classify_alert(c, (int)gnutls_alert_get(c->s), peer, out, n, fact);
	if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET || (c->self == TL_SERVER && c->noffered > 0 && !versions_overlap(c))) {
		fact->fail = TL_FAIL_VERSION;
		if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET)
			snprintf(out, n, "no TLS version in common with the %s", peer);
		else
			versions_failure(c, out, n);
		return TL_EXIT_MISMATCH;
	}
	if (rc == GNUTLS_E_NO_CIPHER_SUITES || rc == GNUTLS_E_UNKNOWN_CIPHER_SUITE || rc == GNUTLS_E_NO_COMMON_KEY_SHARE ||
	    rc == GNUTLS_E_INSUFFICIENT_CREDENTIALS || rc == GNUTLS_E_UNKNOWN_PK_ALGORITHM) {
		fact->fail = TL_FAIL_CIPHER;
		snprintf(out, n, "no cipher suite or key exchange in common with the %s (%s)", peer, tls_error_words(rc));
		return TL_EXIT_MISMATCH;
	}
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR || rc == GNUTLS_E_CERTIFICATE_ERROR) {
		snprintf(out, n, "the %s's certificate did not verify, so the handshake was aborted", peer);
		return TL_EXIT_VERIFY;
	}
	if (rc == GNUTLS_E_DECRYPTION_FAILED)
		fact->fail = TL_FAIL_RECORD_INTEGRITY;
	snprintf(out, n, "handshake failed: %s", tls_record_error_words(rc));
	return TL_EXIT_HANDSHAKE;
}

/* The exit code for a finished side. */
static int side_exit(const struct conn *c, const struct tl_result *r)
{
	if (c->cancelled)
		return TL_EXIT_CANCELLED;
	if (!r->handshake_ok) {
		char ignored[8];
		struct tl_note fact;
		return classify_failure(c, r->code, ignored, sizeof ignored, &fact);
	}
	if (r->rejected_after)
		return TL_EXIT_REJECTED;
	if (c->post_fail)
		return c->last_errno == ECONNRESET ? TL_EXIT_RESET : TL_EXIT_HANDSHAKE;
	if (r->verify_done && !r->verified)
		return TL_EXIT_VERIFY;
	return TL_EXIT_OK;
}

/* Runs one connection. */
int endpoint_run(struct endpoint *ep, int fd, struct timeline *tl, unsigned conn, const struct run_opts *o)
{
	struct conn c;
	struct tl_result r;
	struct tl_error err;
	int rc, ret;

	memset(&c, 0, sizeof c);
	memset(&r, 0, sizeof r);
	c.ep = ep;
	c.tl = tl;
	c.o = o;
	c.self = ep->cfg.side;
	c.peer = c.self == TL_CLIENT ? TL_SERVER : TL_CLIENT;
	c.conn = conn;
	c.fd = fd;
	c.capture = o->capture;
	c.last_in_type = -1;
	recstream_init(&c.rs[DIR_OUT]);
	recstream_init(&c.rs[DIR_IN]);

	if (conn_setup(&c, &err) < 0) {
		snprintf(r.error, sizeof r.error, "%s", err.msg);
		r.code = -1;
		timeline_note_code(tl, TL_EV_ERROR, c.self, conn, err.msg, err.code);
		r.exit_code = err.code;
		timeline_set_result(tl, c.self, conn, &r);
		if (c.s)
			gnutls_deinit(c.s);
		if (o->sync && c.self == TL_SERVER)
			session_sync_settled(o->sync);
		return err.code;
	}
	/* our own deadline (in the transport) is the real limit; in step mode it moves with the pauses */
	gnutls_handshake_set_timeout(c.s, o->gate ? GNUTLS_INDEFINITE_TIMEOUT
						  : remaining_ms(&c) > 0 ? (unsigned)remaining_ms(&c) : 1);

	do {
		rc = gnutls_handshake(c.s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc) && rc != GNUTLS_E_WARNING_ALERT_RECEIVED && remaining_ms(&c) > 0);
	if (rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
		note_incoming_alert(&c, rc);
	r.code = rc;
	r.handshake_ok = rc == 0;
	c.app_out = c.app_out || rc == 0;

	if (rc < 0) {
		note_incoming_alert(&c, rc);
		send_failure_alert(&c, rc);
		if (o->sync && c.self == TL_SERVER)
			session_sync_settled(o->sync);
		struct tl_note fact;
		sniff_more(&c);
		classify_failure(&c, rc, r.error, sizeof r.error, &fact);
		if (c.capture)
			timeline_note_fact(tl, TL_EV_ERROR, c.self, conn, r.error, &fact);
	} else {
		if (o->sync && c.self == TL_SERVER)
			session_sync_settled(o->sync);
		if (c.self == TL_CLIENT) {
			int64_t t = timeline_now(tl);
			rc = client_grace(&c, &r.grace_end);
			r.grace_us = timeline_now(tl) - t;
			if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
				r.rejected_after = true;
				r.code = rc;
				snprintf(r.error, sizeof r.error, "the server rejected the connection after the handshake completed: %s",
					 tls_alert_words(gnutls_alert_get(c.s)));
				timeline_note(tl, TL_EV_ERROR, c.self, conn, r.error);
			} else if (rc < 0 && rc != GNUTLS_E_TIMEDOUT && c.tls13 && (c.sent_cert || c.cert_requested)) {
				/* TLS 1.3: the server closed or reset while we waited for its verdict on our
				 * certificate; its alert (if any) was lost */
				r.code = rc;
				c.post_fail = true;
				snprintf(r.error, sizeof r.error,
					 "the server %s the connection right after the handshake, while the client waited for its "
					 "verdict on the client certificate; no alert could be read",
					 c.last_errno == ECONNRESET ? "reset" : "closed");
				timeline_note(tl, TL_EV_ERROR, c.self, conn, r.error);
			}
			if (ep->cfg.http && !c.alert_in && !c.cancelled && !c.post_fail) {
				int hr = client_http(&c);
				if (hr == GNUTLS_E_FATAL_ALERT_RECEIVED) {
					r.rejected_after = true;
					r.code = hr;
					snprintf(r.error, sizeof r.error, "the server rejected the connection after the handshake completed: %s",
						 tls_alert_words(gnutls_alert_get(c.s)));
					timeline_note(tl, TL_EV_ERROR, c.self, conn, r.error);
				}
			}
			if (!c.alert_in && !c.cancelled && !c.post_fail) {
				/* save the session for a later resumption, then say goodbye */
				if (ep->saved_session.data) {
					gnutls_free(ep->saved_session.data);
					ep->saved_session.data = NULL;
				}
				gnutls_session_get_data2(c.s, &ep->saved_session);
				expect_out_alert(&c, 1, 0);
				gnutls_record_set_timeout(c.s, (unsigned)(o->grace_ms < remaining_ms(&c) ? o->grace_ms : remaining_ms(&c)));
				if (gnutls_bye(c.s, o->sync ? GNUTLS_SHUT_RDWR : GNUTLS_SHUT_WR) == 0 && o->sync)
					note_incoming_alert(&c, 0);
				c.pending_out_alert = false;
			}
		} else {
			rc = server_serve(&c);
			if (rc == 0) {
				expect_out_alert(&c, 1, 0);
				gnutls_bye(c.s, GNUTLS_SHUT_WR);
				c.pending_out_alert = false;
			}
		}
		r.closed_cleanly = c.close_in;
	}
	if (c.capture)
		settle_remaining(&c);
	verify_peer(&c, &r);
	describe_session(&c, &r);
	ret = side_exit(&c, &r);
	r.exit_code = ret;
	timeline_set_result(tl, c.self, conn, &r);
	gnutls_deinit(c.s);
	return ret;
}
