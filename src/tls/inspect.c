/*
 * inspect.c: a message's decoded tree, with certificates opened link by
 * link, the key schedule, Finished recomputed, and the signatures of
 * CertificateVerify and ServerKeyExchange checked (see inspect.h).
 */
#include "tlsladder/inspect.h"
#include "tlsladder/certverify.h"
#include "tlsladder/chain.h"
#include "tlsladder/decode.h"
#include "tlsladder/finished.h"
#include "tlsladder/wire.h"
#include "tlsladder/x509view.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The chain node of a Certificate message: the verdict its receiver reached, as the timeline stored it. */
static struct tree_node *chain_node(const struct timeline *tl, const struct tl_event *ev)
{
	enum tl_side judge = ev->from == TL_SERVER ? TL_CLIENT : TL_SERVER;
	const char *who = judge == TL_CLIENT ? "client" : "server";
	struct chain_result *c = malloc(sizeof *c);
	struct tree_node *node;
	char line[96];

	if (c && timeline_get_chain(tl, judge, ev->conn, c)) {
		node = chain_tree(c);
		free(c);
		return node;
	}
	free(c);
	if (!ev->recv_seen) {
		node = tree_new("chain", "not judged here");
		tree_addf(node, "why", "the %s judges it with its own trust store; tlsladder does not see its verdict", who);
		return node;
	}
	if (!timeline_finished(tl))
		snprintf(line, sizeof line, "not judged yet: the %s checks it when the connection settles", who);
	else
		snprintf(line, sizeof line, "not judged: the %s did not check it", who);
	return tree_new("chain", line);
}

/*
 * The moment a Certificate message's dates are judged at: the one its
 * receiver's chain verdict used, else the moment the message was recorded.
 * Never the moment of rendering, so every view (and a replay) says the same
 * day counts as the verdict.
 */
static time_t judged_at(const struct timeline *tl, const struct tl_event *ev)
{
	enum tl_side judge = ev->from == TL_SERVER ? TL_CLIENT : TL_SERVER;
	struct chain_result *c = malloc(sizeof *c);
	time_t when = (time_t)((timeline_wall_start_us(tl) + ev->t_us) / 1000000);

	if (c && timeline_get_chain(tl, judge, ev->conn, c) && c->now > 0)
		when = (time_t)c->now;
	free(c);
	return when;
}

/* Moves the byte ranges of a tree by delta (a certificate's fields: from its DER into the message body). */
static void shift_ranges(struct tree_node *root, size_t delta)
{
	struct tree_node *node = root;

	while (node) {
		if (node->len > 0)
			node->off += delta;
		if (node->first) {
			node = node->first;
			continue;
		}
		while (node && node != root && !node->next)
			node = node->parent;
		node = node && node != root ? node->next : NULL;
	}
}

/* Opens each certificate of a Certificate message, and adds the chain verdict its receiver reached. */
static void add_certificates(const struct timeline *tl, struct tree_node *root, const struct tl_event *ev)
{
	struct tree_node *list = tree_find_mut(root, "certificates");
	size_t count = 0;
	time_t now = judged_at(tl, ev);

	if (!list)
		return;
	for (struct tree_node *c = list->first; c; c = c->next) {
		if (c->len == 0 || c->off > ev->body_len || c->len > ev->body_len - c->off)
			continue;
		struct tree_node *x = x509view_cert(ev->body + c->off, c->len, now);
		shift_ranges(x, c->off);
		tree_adopt(c, x);
		count++;
	}
	if (count > 0)
		tree_adopt_first(root, chain_node(tl, ev));
}

/* The tree of event i. */
struct tree_node *inspect_event(const struct timeline *tl, size_t i)
{
	struct tree_node *root = decode_event(tl, i);
	struct tl_event ev;

	if (!root || !timeline_get(tl, i, &ev) || ev.kind != TL_EV_HANDSHAKE)
		return root;
	switch (ev.hs_type) {
	case WIRE_HS_CERTIFICATE:
		add_certificates(tl, root, &ev);
		break;
	case WIRE_HS_FINISHED:
		tree_adopt_first(root, finished_check(tl, i));
		break;
	case WIRE_HS_CERTIFICATE_VERIFY:
	case WIRE_HS_SERVER_KEY_EXCHANGE:
		tree_adopt_first(root, certverify_check(tl, i));
		break;
	case WIRE_HS_SERVER_HELLO:
		if (ev.version == WIRE_TLS13)
			tree_adopt(root, tree_flag(finished_key_schedule_at(tl, i), TREE_COLLAPSED));
		break;
	case WIRE_HS_CLIENT_KEY_EXCHANGE:
		tree_adopt(root, tree_flag(finished_key_schedule_at(tl, i), TREE_COLLAPSED));
		break;
	default:
		break;
	}
	return root;
}
