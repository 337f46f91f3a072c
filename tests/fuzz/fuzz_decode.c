/*
 * fuzz_decode: libFuzzer target for every handshake decoder (decode.h).
 *
 * Input layout in fuzz_decode_types.h: a type byte, a context byte, the
 * body. Each input is decoded, printed (the printer walks every node and
 * sanitizes every value) and freed. Beyond "no crash, no leak, no read
 * past the buffer" (ASan, UBSan) it checks the tree's promises: every
 * node's range lies inside the body, and an error node, if any, is the
 * root's last child. The body is decoded again as the first part of a
 * longer one (decode_handshake_stored): its tree starts with "stored".
 * The byte view (hexview) lays each decoded body out and maps its bytes
 * back to fields; the body is walked as a certificate's DER too.
 * Alerts and records take bytes of the input too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/decode.h"
#include "tlsladder/hexview.h"
#include "tlsladder/reader.h"
#include "tlsladder/tree.h"

#include "fuzz_decode_types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The printer's output goes here. */
static FILE *sink(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

/* Aborts when a node's range leaves the body or an error node is not last. */
static void check_tree(const struct tree_node *root, size_t n)
{
	const struct tree_node *node = root;

	while (node) {
		if (node->off > n || node->len > n - node->off) {
			fprintf(stderr, "range %zu+%zu outside a %zu-byte body at \"%s\"\n", node->off, node->len, n,
				node->label);
			abort();
		}
		if ((node->flags & TREE_ERROR) && node->parent == root && node->next) {
			fprintf(stderr, "error node \"%s\" is not the last child\n", node->label);
			abort();
		}
		/* depth-first walk without recursion */
		if (node->first) {
			node = node->first;
			continue;
		}
		while (node && node != root && !node->next)
			node = node->parent;
		node = node && node != root ? node->next : NULL;
	}
}

/* The byte view of a decoded body: its dump, and every byte of its first 512 mapped to a field or the header. */
static void check_bytes(const struct tree_node *t, unsigned type, const uint8_t *body, size_t n)
{
	struct hexview hv;
	struct hexview_hit hit;
	struct decode_cert_ranges cr;
	char cap[256];

	if (!hexview_init_handshake(&hv, t, type, body, n, n))
		return;
	if (sink())
		hexview_write(sink(), &hv, 16, 2);
	for (size_t b = 0; b < hv.n && b < 512; b++) {
		if (!hexview_at(&hv, b, &hit) || hit.off > hv.n || hit.len > hv.n - hit.off) {
			fprintf(stderr, "byte %zu of the byte view maps to no field inside it\n", b);
			abort();
		}
		hexview_caption(&hv, NULL, &hit, cap, sizeof cap);
	}
	hexview_free(&hv);
	/* the same bytes as a certificate's DER: its fields' ranges stay inside */
	decode_cert_ranges(body, n, &cr);
	if (cr.signature.off + cr.signature.len > n || cr.extensions.off + cr.extensions.len > n ||
	    cr.subject_alt_names.off + cr.subject_alt_names.len > n)
		abort();
}

/* One input: decode, check, print, free. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_ctx ctx;
	struct tree_node *t;
	const uint8_t *body;
	size_t n;
	unsigned type;

	if (size < 2)
		return 0;
	type = fuzz_decode_types[data[0] % FUZZ_DECODE_NTYPES];
	ctx = fuzz_decode_ctx(data[1]);
	body = data + 2;
	n = size - 2;

	t = decode_handshake(type, body, n, &ctx);
	if (t) {
		check_tree(t, n);
		if (sink())
			tree_print(sink(), t, 0, true, true);
		check_bytes(t, type, body, n);
		tree_free(t);
	}
	/* the same bytes as the first part of a body kept only in part (tl_event.body_total) */
	t = decode_handshake_stored(type, body, n, n + 1 + (n >> 1), &ctx);
	if (t) {
		check_tree(t, n);
		if (!t->first || strcmp(t->first->label, "stored") != 0) {
			fprintf(stderr, "a body kept in part has no \"stored\" node first\n");
			abort();
		}
		if (sink())
			tree_print(sink(), t, 0, true, true);
		tree_free(t);
	}
	if (data[1] & 0x40) {
		struct reader r;
		char *dn;

		reader_init(&r, body, n);
		dn = decode_dn_string(&r);
		if (dn && r.failed)
			abort();
		free(dn);
	}
	if (n >= 2) {
		t = decode_alert(body[0], body[1]);
		if (sink())
			tree_print(sink(), t, 0, true, true);
		tree_free(t);
	}
	return 0;
}
