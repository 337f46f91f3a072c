/*
 * gen_timeline_seeds: runs every demo scenario (real in-process GnuTLS
 * handshakes) and writes its whole timeline (events, results, key log
 * secrets) in the input layout of fuzz_timeline_input.h, as the seeds of
 * fuzz_timeline and fuzz_finished.
 *
 *   gen_timeline_seeds DIR...     writes DIR/<scenario> into each DIR
 *
 * Needs the demo certificates: run with TLSLADDER_DATADIR=<repo root>.
 * Prints, per scenario, how many Finished messages recompute from the
 * written seed (the seed is read back as the targets read it).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/demo.h"
#include "tlsladder/finished.h"
#include "tlsladder/paths.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"

#include "fuzz_timeline_input.h"

/* A growing byte buffer. */
struct out {
	uint8_t *p;
	size_t n, cap;
	bool ok;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (!o->ok)
		return;
	if (o->n + n > o->cap) {
		size_t nc = (o->n + n) * 2;
		uint8_t *np = realloc(o->p, nc);
		if (!np) {
			o->ok = false;
			return;
		}
		o->p = np;
		o->cap = nc;
	}
	if (n)
		memcpy(o->p + o->n, p, n);
	o->n += n;
}

static void put8(struct out *o, unsigned v)
{
	uint8_t b = (uint8_t)v;
	put(o, &b, 1);
}

static void put16(struct out *o, unsigned v)
{
	put8(o, v >> 8);
	put8(o, v);
}

/* A len(1)-prefixed string (cut to 255 bytes). */
static void put_str(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (n > 255)
		n = 255;
	put8(o, (unsigned)n);
	put(o, s, n);
}

static void put_event(struct out *o, const struct tl_event *ev)
{
	const void *bytes = ev->text ? (const void *)ev->text : (const void *)ev->body;
	size_t len = ev->text ? strlen(ev->text) : ev->body_len;
	unsigned flags = (ev->from == TL_SERVER) | ev->encrypted << 1 | ev->sent_seen << 2 | ev->recv_seen << 3 |
			 ev->recv_differs << 4 | (unsigned)ev->keys << 5;

	if (ev->kind == TL_EV_RECORD) {
		bytes = NULL;             /* the wire view keeps no payload, only its length */
		len = ev->rec_length;
	}
	if (len > 0xffff)
		len = 0xffff;
	put8(o, FUZZ_TL_EVENT);
	put8(o, ev->kind);
	put8(o, flags);
	put8(o, ev->conn);
	put16(o, ev->kind == TL_EV_RECORD ? ev->rec_type : ev->hs_type);
	put16(o, ev->kind == TL_EV_RECORD ? ev->rec_version : ev->version);
	put8(o, ev->alert_level);
	put8(o, ev->alert_desc);
	put8(o, (unsigned)ev->code);
	put16(o, (unsigned)len);
	put(o, bytes, bytes ? len : 0);
}

static void put_result(struct out *o, enum tl_side side, unsigned conn, const struct tl_result *r)
{
	put8(o, FUZZ_TL_RESULT);
	put8(o, side);
	put8(o, conn);
	put8(o, r->handshake_ok | r->rejected_after << 1 | r->closed_cleanly << 2 | r->verify_done << 3 |
			r->verified << 4 | r->peer_sent_cert << 5 | r->resumed << 6);
	put16(o, (unsigned)(uint16_t)(int16_t)r->code);
	put16(o, r->version);
	put16(o, r->verify_flags);
	put8(o, r->peer_chain_len);
	put8(o, r->grace_end);
	put8(o, (unsigned)r->exit_code);
	put_str(o, r->error);
	put_str(o, r->verify);
	put_str(o, r->cipher_suite);
	put_str(o, r->group);
	put_str(o, r->sigscheme);
	put_str(o, r->alpn);
}

static void put_secret(struct out *o, const struct tl_secret *s)
{
	unsigned label = FUZZ_TL_NLABELS;

	for (unsigned k = 0; k < FUZZ_TL_NLABELS; k++)
		if (strcmp(s->label, fuzz_tl_labels[k]) == 0)
			label = k;
	put8(o, FUZZ_TL_SECRET);
	put8(o, s->side);
	put8(o, s->conn);
	put8(o, label);
	if (label == FUZZ_TL_NLABELS)
		put_str(o, s->label);
	put(o, s->client_random, sizeof s->client_random);
	put8(o, (unsigned)s->len);
	put(o, s->secret, s->len);
}

/* The timeline in the input layout: secrets first (as the key log reports them before the Finished), then events, then results. */
static void serialize(const struct timeline *tl, struct out *o)
{
	for (size_t i = 0; i < timeline_secret_count(tl); i++) {
		struct tl_secret s;
		if (timeline_get_secret(tl, i, &s))
			put_secret(o, &s);
	}
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		if (timeline_get(tl, i, &ev))
			put_event(o, &ev);
	}
	for (unsigned conn = 0; conn < timeline_conn_count(tl) && conn < FUZZ_TL_CONNS; conn++)
		for (int side = 0; side < 2; side++) {
			struct tl_result r;
			timeline_get_result(tl, (enum tl_side)side, conn, &r);
			if (r.set)
				put_result(o, (enum tl_side)side, conn, &r);
		}
}

/* How many Finished messages of the seed, read back, recompute. */
static unsigned matches(const struct out *o, unsigned *finished)
{
	struct timeline *tl = fuzz_timeline_build(o->p, o->n);
	unsigned m = 0;

	*finished = 0;
	for (size_t i = 0; tl && i < timeline_count(tl); i++) {
		struct tl_event ev;
		if (timeline_get(tl, i, &ev) && ev.kind == TL_EV_HANDSHAKE && ev.hs_type == 20) {
			(*finished)++;
			m += finished_matches(tl, i);
		}
	}
	if (tl)
		timeline_destroy(tl);
	return m;
}

/* Runs one scenario and writes its seed into each directory; false on error. */
static bool one_scenario(const struct demo_scenario *sc, const char *certs, char **dirs, int ndirs)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts opts = { .certs_dir = certs, .grace_ms = 300, .timeout_ms = 20000, .capture = true,
				  .cancel_fd = -1 };
	struct tl_error err = { 0, "" };
	struct out o = { NULL, 0, 0, true };
	unsigned fin = 0, ok_fin;
	bool ok = true;

	if (!tl)
		return false;
	demo_run(sc, &opts, tl, &err);      /* failure scenarios fail by design: their timelines are seeds too */
	timeline_finish(tl);
	serialize(tl, &o);
	timeline_destroy(tl);
	if (!o.ok)
		return false;
	ok_fin = matches(&o, &fin);
	printf("%s: %zu bytes, %u of %u Finished recompute\n", sc->name, o.n, ok_fin, fin);
	for (int d = 0; d < ndirs && ok; d++) {
		char path[PATH_MAX];
		FILE *f;

		snprintf(path, sizeof path, "%s/%s", dirs[d], sc->name);
		f = fopen(path, "wb");
		ok = f && fwrite(o.p, 1, o.n, f) == o.n;
		ok = f && fclose(f) == 0 && ok;
		if (!ok)
			fprintf(stderr, "gen_timeline_seeds: %s: %s\n", path, strerror(errno));
	}
	free(o.p);
	return ok;
}

/* Writes the seed of every scenario. */
int main(int argc, char **argv)
{
	char certs[PATH_MAX];
	struct tl_error err;
	bool ok = true;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_timeline_seeds DIR...\n");
		return 2;
	}
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs)) {
		fprintf(stderr, "gen_timeline_seeds: demo certificates not found (set TLSLADDER_DATADIR)\n");
		return 1;
	}
	if (session_global_init(&err) != 0) {
		fprintf(stderr, "gen_timeline_seeds: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; ok && i < demo_count(); i++)
		ok = one_scenario(demo_get(i), certs, argv + 1, argc - 1);
	session_global_deinit();
	return ok ? 0 : 1;
}
