/*
 * inspect.c: a message's decoded tree, with certificates opened link by
 * link, the key schedule, and Finished recomputed (see inspect.h).
 */
#include "tlsladder/inspect.h"
#include "tlsladder/decode.h"
#include "tlsladder/finished.h"
#include "tlsladder/x509view.h"

#include <string.h>
#include <time.h>

#define MAX_CHAIN 16

/* Opens each certificate of a Certificate message and judges the chain. */
static void add_certificates(struct tree_node *root, const struct tl_event *ev, const struct inspect_ctx *ctx)
{
	struct tree_node *list = tree_find_mut(root, "certificates");
	const uint8_t *ders[MAX_CHAIN];
	size_t lens[MAX_CHAIN], count = 0;
	struct x509view_trust trust = { ctx ? ctx->ca_file : NULL, ctx ? ctx->system_trust : false };
	time_t now = time(NULL);

	if (!list)
		return;
	for (struct tree_node *c = list->first; c; c = c->next) {
		if (c->len == 0 || c->off > ev->body_len || c->len > ev->body_len - c->off)
			continue;
		tree_adopt(c, x509view_cert(ev->body + c->off, c->len, now));
		if (count < MAX_CHAIN) {
			ders[count] = ev->body + c->off;
			lens[count] = c->len;
			count++;
		}
	}
	if (count > 0)
		tree_adopt_first(root, x509view_chain(ders, lens, count, &trust,
						      ev->from == TL_SERVER && ctx ? ctx->hostname : NULL,
						      ev->from == TL_SERVER, now));
}

/* The tree of event i. */
struct tree_node *inspect_event(const struct timeline *tl, size_t i, const struct inspect_ctx *ctx)
{
	struct tree_node *root = decode_event(tl, i);
	struct tl_event ev;

	if (!root || !timeline_get(tl, i, &ev) || ev.kind != TL_EV_HANDSHAKE)
		return root;
	switch (ev.hs_type) {
	case 11:
		add_certificates(root, &ev, ctx);
		break;
	case 20:
		tree_adopt_first(root, finished_check(tl, i));
		break;
	case 2:
		if (ev.version == 0x0304)
			tree_adopt(root, tree_flag(finished_key_schedule(tl, ev.conn), TREE_COLLAPSED));
		break;
	case 16:
		tree_adopt(root, tree_flag(finished_key_schedule(tl, ev.conn), TREE_COLLAPSED));
		break;
	default:
		break;
	}
	return root;
}
