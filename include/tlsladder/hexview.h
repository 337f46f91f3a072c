/*
 * hexview: the annotated byte view. Lays a message's bytes out as lines of
 * hex and ASCII ("0000  0200 005a 0303 2fce ...  ...Z../."), says which
 * columns of a line belong to a highlighted range, and maps a byte back to
 * the deepest field of the message's tree (tree.h) that covers it, or a
 * field to its bytes. The UI's byte view (x) and the text ladder's -vvv
 * dump both draw through it. Pure: no curses, no GnuTLS.
 *
 * Offsets: a view shows bytes p[0..n). A tree's ranges are offsets into
 * the bytes its decoder read; base says where those bytes start among the
 * bytes shown (4 for a handshake message framed with its 4-byte header, 0
 * otherwise), so a node's first byte on screen is base + node->off. Framing
 * the tree does not hold (the handshake header) comes as spans of its own.
 *
 * Generic: hexview_init() takes any (tree, bytes, length) whose ranges
 * index those bytes (a record's framing tree over the record's bytes).
 */
#ifndef TLSLADDER_HEXVIEW_H
#define TLSLADDER_HEXVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

#define HEXVIEW_MAX_SPANS 4

/* A labelled range of the bytes shown that no tree node covers (trusted label). */
struct hexview_span {
	const char *label;         /* "handshake header/length": its parts after '/' */
	size_t off, len;
	int depth;                 /* 0: top level; 1: a part of the span before it */
};

struct hexview {
	const uint8_t *p;          /* the bytes shown */
	size_t n;
	const struct tree_node *tree;   /* not owned; NULL: no fields */
	size_t base;
	struct hexview_span span[HEXVIEW_MAX_SPANS];
	size_t nspan;
	uint8_t *own;              /* the framed copy, when the view made one */
};

/* What covers a byte, or what a field covers: a tree node or a span, and its range among the bytes shown. */
struct hexview_hit {
	const struct tree_node *node;   /* NULL: a span (or nothing) */
	const struct hexview_span *span;
	size_t off, len;
};

/* A view of p[0..n) whose tree's ranges index p (base 0). Nothing is copied. */
void hexview_init(struct hexview *hv, const struct tree_node *tree, const uint8_t *p, size_t n);
/*
 * A handshake message as framed on the wire: the 4-byte header (msg_type,
 * 24-bit length = total) then body[0..n); the tree's ranges index the body
 * (base 4). hs_type TL_HS_HELLO_RETRY_REQUEST is framed as a ServerHello (2).
 * false when memory ran out (hv then shows nothing).
 */
bool hexview_init_handshake(struct hexview *hv, const struct tree_node *tree, unsigned hs_type, const uint8_t *body,
			    size_t n, size_t total);
/*
 * The bytes of timeline event ev, with its decoded tree: a handshake
 * message framed with its header, an alert's two bytes (level,
 * description), a ChangeCipherSpec's one byte. false when the event has no
 * bytes here (notes, a record whose bytes were not kept: see hexview_no_bytes()) or
 * memory ran out. A record (event i of tl) shows its header and payload as
 * they travelled, its tree being the framing tree (recframe.h).
 */
bool hexview_init_event(struct hexview *hv, const struct tree_node *tree, const struct timeline *tl, size_t i,
			const struct tl_event *ev);
/* Why event ev has no bytes to show (one line, static text). */
const char *hexview_no_bytes(const struct tl_event *ev);
void hexview_free(struct hexview *hv);

/* Bytes per line that fit in width columns: 32, 16 or 8 (8 when nothing fits). */
unsigned hexview_per_line(const struct hexview *hv, int width);
/* Columns a line of per bytes takes. */
int hexview_line_width(const struct hexview *hv, unsigned per);
/* Lines of per bytes. */
size_t hexview_lines(const struct hexview *hv, unsigned per);
/* Line l: the offset, the hex in 2-byte groups, two spaces, the ASCII ('.' for
 * anything not printable ASCII). Returns buf (n >= hexview_line_width() + 1). */
char *hexview_line(const struct hexview *hv, size_t l, unsigned per, char *buf, size_t n);
/* The columns of byte k of a line (k < per): its first hex digit and its ASCII character. */
void hexview_columns(const struct hexview *hv, unsigned per, unsigned k, int *hex_col, int *ascii_col);
/*
 * The marks of line l for the range [off, off + len) of the bytes shown: a
 * string as wide as the line, '^' under the hex digits and the ASCII
 * character of every byte in the range (and the space between two such
 * bytes), ' ' elsewhere. Returns mask (n >= hexview_line_width() + 1).
 */
char *hexview_marks(const struct hexview *hv, size_t l, unsigned per, size_t off, size_t len, char *mask, size_t n);

/* The deepest field covering byte off of the bytes shown (a span first). A node
 * whose range equals its parent's gives way to the parent (the root excepted). */
bool hexview_at(const struct hexview *hv, size_t off, struct hexview_hit *hit);
/* The bytes of node (of hv's tree): its own range, else its nearest ancestor's
 * below the root (hit->node says which); false when it has none (derived). */
bool hexview_range_of(const struct hexview *hv, const struct tree_node *node, struct hexview_hit *hit);
/*
 * The caption naming a field and its bytes: "random: bytes 6..37 (32 B)",
 * "handshake header/length: bytes 1..3 (3 B)". selected: the field the user
 * chose (NULL: hit's own); when hit is an ancestor's range: "subject: no
 * bytes of its own, inside certificates/certificate 1: bytes ..."; hit
 * NULL: "<field>: derived, not bytes of the message". Returns buf.
 */
char *hexview_caption(const struct hexview *hv, const struct tree_node *selected, const struct hexview_hit *hit,
		      char *buf, size_t n);
/* The path of labels of node below the root ("extensions/key_share"); returns buf. */
char *hexview_path(const struct tree_node *node, char *buf, size_t n);

/*
 * The dump for the text ladder (-vvv): the top-level fields (spans and the
 * root's children) with their bytes, one a line, two spaces further in;
 * then every line of bytes, each followed by the top-level fields it holds,
 * "..." when a field goes on from an earlier line; `indent` spaces in.
 */
void hexview_write(FILE *f, const struct hexview *hv, unsigned per, int indent);

#endif
