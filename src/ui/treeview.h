/*
 * treeview.h: the expandable field tree of the details pane, as a widget
 * (private to src/ui/; after tmux's mode-tree). It owns the tree it shows
 * and its own view state: which nodes are collapsed, the cursor and the
 * scroll. The model's tree is never written: TREE_COLLAPSED on a node only
 * says how it starts; what the user opened or closed is kept here, by the
 * node's path (labels from the root, with a sibling count for repeated
 * labels: "certificates/certificate#1/validity#0"), so a tree rebuilt for
 * the same subject (a verdict arrived) keeps the user's state and place.
 *
 * Coordinates: nodes are numbered in preorder (the root excluded); lines
 * are what the pane shows, one per visible node plus one per continuation
 * of a wrapped value. cur and top are line numbers.
 */
#ifndef TLSLADDER_UI_TREEVIEW_H
#define TLSLADDER_UI_TREEVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "paint.h"
#include "tlsladder/tree.h"

/* A request's result bit besides the UI_* flags: the cursor left the tree. */
#define TREEVIEW_LEAVE (1 << 8)

struct treeview_node {
	struct tree_node *node;
	size_t end;             /* the preorder number after its subtree */
	size_t parent;          /* its parent's number; (size_t)-1: a child of the root */
	int depth;
	bool collapsed;
	char *path;
};

struct treeview_line {
	size_t node;            /* preorder number */
	size_t seg;             /* which wrapped piece of the value (0: the first) */
};

struct treeview_choice {    /* a node the user opened or closed */
	char *path;
	bool collapsed;
};

struct treeview {
	struct tree_node *root;             /* owned; NULL: no tree */
	struct treeview_node *nodes;
	size_t nnodes, capnodes;
	struct treeview_line *lines;
	size_t nlines, caplines;
	struct treeview_choice *choices;
	size_t nchoices, capchoices;
	size_t cur, top;
	char *want;                         /* after a rebuild: the path the cursor was on */
	int laid_w;                         /* the layout's width (0: to be laid out) */
	bool laid_secrets;
};

void treeview_init(struct treeview *tv);
void treeview_free(struct treeview *tv);
/* Shows a new tree (owned from now on; NULL: none). keep: the same subject
 * rebuilt, the user's choices, cursor and scroll stay; else they start over. */
void treeview_set(struct treeview *tv, struct tree_node *root, bool keep);
/* Lays out the lines for a pane `width` wide (values wrap); only when the
 * width, the secrets shown or the tree's state changed. */
void treeview_layout(struct treeview *tv, int width, bool show_secrets);
/* Draws rows lines from (y, x), w wide; the cursor's line highlighted when focused. */
void treeview_draw(struct treeview *tv, const struct paint *p, int y, int x, int w, int rows, bool focused,
		   bool show_secrets);
/* Handles a tree action (page: lines in a page); returns UI_* flags, with
 * TREEVIEW_LEAVE when Left at the top hands the focus back. */
int treeview_request(struct treeview *tv, enum ui_action a, int page);
/* The node under the cursor, or NULL. */
const struct tree_node *treeview_current(const struct treeview *tv);
/* Puts the cursor on node target (a node of the tree shown), opening the nodes above it; false when absent. */
bool treeview_goto(struct treeview *tv, const struct tree_node *target);
/* Puts the cursor on line l when it exists; true then. */
bool treeview_click(struct treeview *tv, size_t l);
/* The node under the cursor (NULL: none; laid out at the last width). */
const struct tree_node *treeview_selected(const struct treeview *tv);
/* Puts the cursor on node (of the tree shown), opening the nodes above it; true when found. */
bool treeview_select(struct treeview *tv, const struct tree_node *node);

#endif
