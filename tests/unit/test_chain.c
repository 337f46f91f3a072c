/*
 * test_chain.c: the stored chain verdict rendered as words and as a tree,
 * and kept by the timeline per connection and judging side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/chain.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

/* A chain as a server sends it (leaf + intermediate), anchored in the client's store, trusted. */
static void good_chain(struct chain_result *c)
{
	memset(c, 0, sizeof *c);
	c->judge = TL_CLIENT;
	c->verdict = CHAIN_TRUSTED;
	c->sent = c->nlinks = 2;
	c->path = 3;
	c->peer_is_server = true;
	snprintf(c->hostname, sizeof c->hostname, "localhost");
	snprintf(c->link[0].subject, sizeof c->link[0].subject, "CN=localhost");
	snprintf(c->link[0].issuer, sizeof c->link[0].issuer, "CN=Inter");
	c->link[0].issued_by = CHAIN_ISSUER_SENT;
	c->link[0].issuer_index = 2;
	c->link[0].signature = CHAIN_SIG_VALID;
	c->link[0].issuer_ca = CHAIN_CA_YES;
	c->link[0].dates_checked = true;
	c->link[0].dates.days = 10;
	c->link[0].host = CHAIN_HOST_MATCH;
	c->link[0].purpose = CHAIN_PURPOSE_FITS;
	snprintf(c->link[0].eku, sizeof c->link[0].eku, "serverAuth");
	snprintf(c->link[1].subject, sizeof c->link[1].subject, "CN=Inter");
	snprintf(c->link[1].issuer, sizeof c->link[1].issuer, "CN=Root");
	c->link[1].issued_by = CHAIN_ISSUER_ANCHOR;
	c->link[1].signature = CHAIN_SIG_VALID;
	c->link[1].issuer_ca = CHAIN_CA_YES;
	c->link[1].dates_checked = true;
	c->anchor = CHAIN_ANCHOR_STORE;
	snprintf(c->anchor_name, sizeof c->anchor_name, "Root");
	snprintf(c->store, sizeof c->store, "CA file root.pem");
	c->lib_run = c->lib_dates = true;
	snprintf(c->lib_text, sizeof c->lib_text, "The certificate is trusted.");
}

/* The words say both counts: what was sent, and the path to the anchor. */
static void words(void **state)
{
	struct chain_result c;
	char buf[512];

	(void)state;
	good_chain(&c);
	assert_true(chain_words(&c, buf, sizeof buf));
	assert_string_equal(buf, "trusted: 2 sent, path of 3 to Root, name matches 'localhost'");
	/* the leaf expired: the reason, then the same counts */
	c.verdict = CHAIN_NOT_TRUSTED;
	c.fault = CHAIN_FAULT_DATES;
	c.fault_link = 1;
	c.link[0].dates.when = CHAIN_WHEN_EXPIRED;
	c.link[0].dates.days = 1;
	assert_false(chain_words(&c, buf, sizeof buf));
	assert_string_equal(buf, "NOT trusted: certificate 1 expired 1 day ago; 2 sent, path of 3 to Root");
	/* the anchor expired */
	c.fault_link = 0;
	c.anchor_dates.when = CHAIN_WHEN_EXPIRED;
	c.anchor_dates.days = 3;
	chain_words(&c, buf, sizeof buf);
	assert_string_equal(buf, "NOT trusted: trust anchor 'Root' expired 3 days ago; 2 sent, path of 3 to Root");
	/* no path: the issuer of certificate 2 unknown */
	c.anchor = CHAIN_ANCHOR_NONE;
	c.path = 0;
	c.fault = CHAIN_FAULT_UNKNOWN_ISSUER;
	c.fault_link = 2;
	chain_words(&c, buf, sizeof buf);
	assert_string_equal(buf, "NOT trusted: issuer 'CN=Root' unknown; 2 sent, no path to a trust anchor");
	/* only GnuTLS objected */
	c.fault = CHAIN_FAULT_LIBRARY;
	snprintf(c.lib_text, sizeof c.lib_text, "The certificate is NOT trusted. The certificate chain is revoked.");
	chain_words(&c, buf, sizeof buf);
	assert_string_equal(buf, "NOT trusted according to GnuTLS: The certificate is NOT trusted. The certificate chain is "
				 "revoked; 2 sent, no path to a trust anchor");
	c.fault = CHAIN_FAULT_NO_CERTIFICATE;
	c.sent = 0;
	chain_words(&c, buf, sizeof buf);
	assert_string_equal(buf, "NOT trusted: no certificate was sent");
}

/* The tree: verdict at the root, who judged, the counts, each check flagged. */
static void tree(void **state)
{
	struct chain_result c;
	struct tree_node *t;

	(void)state;
	good_chain(&c);
	t = chain_tree(&c);
	assert_non_null(t);
	assert_string_equal(t->value, "trusted: 2 sent, path of 3 to Root, name matches 'localhost'");
	assert_true(t->flags & TREE_GOOD);
	assert_string_equal(tree_find(t, "judged by")->value,
			    "the client, with the trust store, host name and purpose (serverAuth) its handshake used");
	assert_string_equal(tree_find(t, "certificates")->value, "2 sent, path of 3 to Root");
	assert_string_equal(tree_find(t, "certificate 1 (leaf)/issued by")->value,
			    "certificate 2 (its subject is this issuer)");
	assert_string_equal(tree_find(t, "certificate 2/issued by")->value, "trust anchor 'Root' (in CA file root.pem)");
	assert_string_equal(tree_find(t, "GnuTLS verification")->value, "The certificate is trusted. (status 0x0)");
	assert_string_equal(tree_find(t, "trust store")->value, "CA file root.pem");
	assert_false(tree_any(t, TREE_BAD));
	tree_free(t);

	/* GnuTLS accepted what the walk doubts: the verdict stays GnuTLS's, the doubt is shown */
	c.walk_fault = CHAIN_FAULT_UNKNOWN_ISSUER;
	c.walk_fault_link = 2;
	t = chain_tree(&c);
	assert_true(t->flags & TREE_GOOD);
	assert_string_equal(tree_find(t, "walk above")->value,
			    "disagrees with GnuTLS, which accepted the chain: NOT trusted: issuer 'CN=Root' unknown");
	assert_true(tree_find(t, "walk above")->flags & TREE_BAD);
	tree_free(t);
}

/* The timeline keeps one verdict per connection and judging side. */
static void stored(void **state)
{
	struct timeline *tl = timeline_create(true);
	struct chain_result c, out;

	(void)state;
	good_chain(&c);
	assert_false(timeline_get_chain(tl, TL_CLIENT, 0, &out));
	timeline_set_chain(tl, TL_CLIENT, 0, &c);
	assert_true(timeline_get_chain(tl, TL_CLIENT, 0, &out));
	assert_int_equal(memcmp(&c, &out, sizeof c), 0);
	assert_false(timeline_get_chain(tl, TL_SERVER, 0, &out));
	assert_false(timeline_get_chain(tl, TL_CLIENT, 1, &out));
	c.sent = 1;
	timeline_set_chain(tl, TL_CLIENT, 0, &c);     /* a later check replaces it */
	assert_true(timeline_get_chain(tl, TL_CLIENT, 0, &out));
	assert_int_equal(out.sent, 1);
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(tree),
		cmocka_unit_test(stored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
