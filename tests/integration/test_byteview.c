/*
 * test_byteview.c: the byte ranges the byte view (x, -vvv) relies on, in
 * real demo handshakes run in process: every field the decoders give a
 * value covers bytes inside its message (the fields that are derived, not
 * read, are named here); a certificate's fields, opened by the X.509 view,
 * cover the bytes of the message their values come from; and every byte of
 * every message maps to a field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/decode.h"
#include "tlsladder/demo.h"
#include "tlsladder/hexview.h"
#include "tlsladder/inspect.h"
#include "tlsladder/paths.h"
#include "tlsladder/reader.h"
#include "tlsladder/session.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

static char certs[PATH_MAX];

/* Runs a scenario into a new timeline. */
static struct timeline *run(const char *name)
{
	struct timeline *tl = timeline_create(true);
	struct demo_opts o = { certs, 300, 20000, true, -1, NULL };
	struct tl_error err = { 0, "" };

	assert_non_null(tl);
	if (demo_run(demo_find(name), &o, tl, &err) < 0)
		fail_msg("demo %s did not start: %s", name, err.msg);
	timeline_finish(tl);
	return tl;
}

/* The next node of a preorder walk below root. */
static const struct tree_node *next_node(const struct tree_node *root, const struct tree_node *node)
{
	if (node->first)
		return node->first;
	while (node && node != root && !node->next)
		node = node->parent;
	return node && node != root ? node->next : NULL;
}

/* Fields that are derived from the message, not bytes of it: they have no range. */
static bool derived(const struct tree_node *n)
{
	static const char *const labels[] = { "meaning", "effect", "encrypted", "protected with",
					      "sender's next secret" };

	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(n->label, labels[i]) == 0 && n->parent && !n->parent->parent)
			return true;
	return false;
}

/* Every decoded field with a value has bytes inside the message's n bytes; every byte maps to a field. */
static void check_event(const struct timeline *tl, size_t i, const char *scenario)
{
	struct tl_event ev;
	struct tree_node *t = decode_event(tl, i);
	struct hexview hv;
	struct hexview_hit hit;
	size_t n;

	assert_true(timeline_get(tl, i, &ev));
	assert_non_null(t);
	assert_true(hexview_init_event(&hv, t, tl, i, &ev));
	n = hv.n - hv.base;
	for (const struct tree_node *k = t->first; k; k = next_node(t, k)) {
		if (k->value && k->len == 0 && !derived(k))
			fail_msg("%s: %s: field \"%s\" (%s) has no bytes", scenario, timeline_event_name(&ev), k->label,
				 k->value);
		if (k->off > n || k->len > n - k->off)
			fail_msg("%s: %s: field \"%s\" outside the message", scenario, timeline_event_name(&ev), k->label);
	}
	for (size_t b = 0; b < hv.n; b++)
		if (!hexview_at(&hv, b, &hit) || (hit.node == t && n > 0))
			fail_msg("%s: %s: byte %zu belongs to no field", scenario, timeline_event_name(&ev), b);
	hexview_free(&hv);
	tree_free(t);
}

/* The decoded messages, alerts and ChangeCipherSpecs of several scenarios. */
static void every_field_has_bytes(void **state)
{
	static const char *const scenarios[] = { "tls13", "tls12-ecdhe", "tls12-rsa", "mtls13", "mtls12", "hrr",
						 "resumption", "key-update", "early-data", "post-handshake-auth",
						 "renegotiation", "mtls-wrong-ca", "no-shared-cipher" };

	(void)state;
	for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
		struct timeline *tl;
		size_t checked = 0;

		if (!demo_find(scenarios[s]))
			fail_msg("no demo scenario %s", scenarios[s]);
		tl = run(scenarios[s]);
		for (size_t i = 0; i < timeline_count(tl); i++) {
			struct tl_event ev;
			timeline_get(tl, i, &ev);
			if (ev.kind != TL_EV_HANDSHAKE && ev.kind != TL_EV_ALERT && ev.kind != TL_EV_CCS)
				continue;
			check_event(tl, i, scenarios[s]);
			checked++;
		}
		assert_true(checked >= 2);
		timeline_destroy(tl);
	}
}

/* The value of a DN field equals the Name at its bytes. */
static void dn_matches(const struct tl_event *ev, const struct tree_node *field)
{
	struct reader r;
	char *s;

	assert_non_null(field);
	assert_true(field->len > 2 && field->off + field->len <= ev->body_len);
	assert_int_equal(ev->body[field->off], 0x30);
	reader_init(&r, ev->body + field->off, field->len);
	s = decode_dn_string(&r);
	assert_non_null(s);
	assert_string_equal(s, field->value);
	free(s);
}

/* A certificate's fields (the X.509 view) cover the bytes of the Certificate message they come from. */
static void certificate_fields(void **state)
{
	struct timeline *tl = run("tls13");
	bool seen = false;

	(void)state;
	for (size_t i = 0; i < timeline_count(tl); i++) {
		struct tl_event ev;
		struct tree_node *t;
		const struct tree_node *c, *x;

		timeline_get(tl, i, &ev);
		if (ev.kind != TL_EV_HANDSHAKE || ev.hs_type != 11)
			continue;
		t = inspect_event(tl, i);
		c = tree_find(t, "certificates/certificate 1");
		x = tree_find(t, "certificates/certificate 1/certificate");
		assert_non_null(c);
		assert_non_null(x);
		assert_int_equal(x->off, c->off);
		assert_int_equal(x->len, c->len);
		dn_matches(&ev, tree_find(t, "certificates/certificate 1/certificate/subject"));
		dn_matches(&ev, tree_find(t, "certificates/certificate 1/certificate/issuer"));
		dn_matches(&ev, tree_find(t, "certificates/certificate 2/certificate/subject"));
		x = tree_find(t, "certificates/certificate 1/certificate/validity/not before");
		assert_non_null(x);
		assert_int_equal(x->len, 15);                  /* UTCTime, 13 characters */
		assert_memory_equal(ev.body + x->off, "\x17\x0d" "240101000000Z", 15);
		x = tree_find(t, "certificates/certificate 1/certificate/public key");
		assert_non_null(x);
		assert_true(x->off > c->off && x->off + x->len < c->off + c->len);
		tree_free(t);
		seen = true;
	}
	assert_true(seen);
	timeline_destroy(tl);
}

static int setup(void **state)
{
	struct tl_error err = { 0, "" };

	(void)state;
	if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs))
		return -1;
	return session_global_init(&err);
}

static int teardown(void **state)
{
	(void)state;
	session_global_deinit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_has_bytes),
		cmocka_unit_test(certificate_fields),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
