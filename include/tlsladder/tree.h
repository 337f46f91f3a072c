/*
 * tree: the field tree a message opens into. Every decoder, the X.509
 * view, the key schedule and the Finished check build these; the UI's
 * detail pane and the text ladder's -v output draw them.
 *
 * A node is (label, value, children). Labels are trusted text written by
 * the program; values may hold bytes from the network or a certificate and
 * must pass through the sanitizer before they are shown. off/len give the
 * bytes of the message body a node covers (absolute offsets), len 0: none.
 *
 * Out of memory never crashes: tree_add() returns NULL, and every function
 * accepts a NULL node and does nothing.
 */
#ifndef TLSLADDER_TREE_H
#define TLSLADDER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tree_flags {
	TREE_ERROR = 1u << 0,      /* "malformed at offset N: ..." and other failures */
	TREE_HEX = 1u << 1,        /* value is a hex dump (shown at -vv, wrapped in the UI) */
	TREE_COLLAPSED = 1u << 2,  /* starts collapsed in the UI (long lists, certificate details) */
	TREE_GOOD = 1u << 3,       /* a passing verdict: MATCH, trusted, valid */
	TREE_BAD = 1u << 4,        /* a failing verdict: MISMATCH, NOT trusted, expired */
	TREE_SECRET = 1u << 5,     /* a secret: shown only when the user asks */
	TREE_BYTES = 1u << 6       /* value is bytes as unbroken hex, shown at every level (the UI groups it) */
};

struct tree_node {
	char *label;
	char *value;               /* NULL: none */
	unsigned flags;
	size_t off, len;
	struct tree_node *parent, *first, *last, *next;
	unsigned nchildren;
	/* links (tree_link_event, tree_link_node): where a value came from; Enter follows one in the UI */
	size_t link_event;                 /* timeline event index + 1 (a step of the ladder); 0: none */
	const struct tree_node *link_node; /* another node of the same tree; NULL: none */
};

/* A new root. */
struct tree_node *tree_new(const char *label, const char *value);
/* Appends a child; value may be NULL. Returns it (NULL if parent is NULL or memory ran out). */
struct tree_node *tree_add(struct tree_node *parent, const char *label, const char *value);
/* Appends a child with a printf-formatted value. */
struct tree_node *tree_addf(struct tree_node *parent, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends a child whose value is the hex of p[0..n) ("0a1b2c ..."), flagged TREE_HEX. */
struct tree_node *tree_add_hex(struct tree_node *parent, const char *label, const uint8_t *p, size_t n);
/* Appends an existing tree as the last child of parent (takes ownership; frees it if parent is NULL). */
void tree_adopt(struct tree_node *parent, struct tree_node *child);
/* Inserts an existing tree as the first child of parent (takes ownership). */
void tree_adopt_first(struct tree_node *parent, struct tree_node *child);
/* Sets the byte range a node covers; returns the node. */
struct tree_node *tree_range(struct tree_node *node, size_t off, size_t len);
/* Adds flags; returns the node. */
struct tree_node *tree_flag(struct tree_node *node, unsigned flags);
/* Links a node to timeline event index i (text shows "(step N)"); returns the node. */
struct tree_node *tree_link_event(struct tree_node *node, size_t i);
/* Links a node to another node of the same tree (the value it is derived from); returns the node. */
struct tree_node *tree_link_node(struct tree_node *node, const struct tree_node *target);
/* Frees a node and everything below it (detach it from a parent first, or free the root). */
void tree_free(struct tree_node *root);
/* Nodes in the tree, root included. */
size_t tree_count(const struct tree_node *root);
/* The first node along a path of labels separated by '/', below root ("extensions/key_share"). */
struct tree_node *tree_find_mut(struct tree_node *root, const char *path);
const struct tree_node *tree_find(const struct tree_node *root, const char *path);
/* True when some node in the tree has all of flags. */
bool tree_any(const struct tree_node *root, unsigned flags);

/*
 * Prints the tree as indented "label: value" lines, values sanitized,
 * starting at depth (two spaces each) after `indent` spaces. Hex values
 * are printed only when with_hex; secrets only when with_secrets.
 */
void tree_print(FILE *f, const struct tree_node *root, int indent, bool with_hex, bool with_secrets);
/*
 * The same, with links: a node linked to event i ends with " (step N)",
 * N = step_of(i, ctx) (0: the event has no step, nothing is added); a node
 * linked to another ends with " (from: LABEL)".
 */
void tree_print_linked(FILE *f, const struct tree_node *root, int indent, bool with_hex, bool with_secrets,
		       unsigned (*step_of)(size_t i, void *ctx), void *ctx);

#endif
