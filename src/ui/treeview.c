/*
 * treeview.c: the field-tree widget (see treeview.h). The tree is indexed
 * once per tree (preorder, with each node's path and subtree end); the
 * lines are laid out again only when the width, the secrets shown or a
 * node's state changed. Values are sanitized before they are measured or
 * drawn; a secret's value is neither laid out nor drawn unless asked.
 */
#include "treeview.h"
#include "tlsladder/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows an array of `size`-byte items to hold one more; false when memory ran out. */
static bool grow(void **arr, size_t *cap, size_t used, size_t size)
{
	size_t ncap;
	void *p;

	if (used < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, ncap * size);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

/* Sets up an empty widget. */
void treeview_init(struct treeview *tv)
{
	memset(tv, 0, sizeof *tv);
}

/* Forgets the node index (not the choices). */
static void drop_nodes(struct treeview *tv)
{
	for (size_t i = 0; i < tv->nnodes; i++)
		free(tv->nodes[i].path);
	tv->nnodes = 0;
	tv->nlines = 0;
}

/* Forgets what the user opened and closed. */
static void drop_choices(struct treeview *tv)
{
	for (size_t i = 0; i < tv->nchoices; i++)
		free(tv->choices[i].path);
	tv->nchoices = 0;
}

/* Frees the tree and the widget's state. */
void treeview_free(struct treeview *tv)
{
	drop_nodes(tv);
	drop_choices(tv);
	tree_free(tv->root);
	free(tv->nodes);
	free(tv->lines);
	free(tv->choices);
	free(tv->want);
	memset(tv, 0, sizeof *tv);
}

/* The user's choice for a path, or NULL. */
static struct treeview_choice *choice_for(const struct treeview *tv, const char *path)
{
	for (size_t i = 0; i < tv->nchoices; i++)
		if (strcmp(tv->choices[i].path, path) == 0)
			return &tv->choices[i];
	return NULL;
}

/* Remembers that the user left the node at path collapsed or open. */
static void remember(struct treeview *tv, const char *path, bool collapsed)
{
	struct treeview_choice *c = choice_for(tv, path);

	if (c) {
		c->collapsed = collapsed;
		return;
	}
	if (!grow((void **)&tv->choices, &tv->capchoices, tv->nchoices, sizeof *tv->choices))
		return;
	c = &tv->choices[tv->nchoices];
	c->path = strdup(path);
	c->collapsed = collapsed;
	if (c->path)
		tv->nchoices++;
}

/* The path of child n of a node at parent_path: its label and how many earlier siblings share it. */
static char *child_path(const char *parent_path, const struct tree_node *n)
{
	unsigned occ = 0;
	const char *label = n->label ? n->label : "";
	size_t len;
	char *p;

	for (const struct tree_node *s = n->parent ? n->parent->first : NULL; s && s != n; s = s->next)
		if (strcmp(s->label ? s->label : "", label) == 0)
			occ++;
	len = strlen(parent_path) + strlen(label) + 16;
	p = malloc(len);
	if (p)
		snprintf(p, len, "%s%s%s#%u", parent_path, parent_path[0] ? "/" : "", label, occ);
	return p;
}

/* Indexes the subtree of n (preorder) below parent; false when memory ran out. */
static bool index_node(struct treeview *tv, struct tree_node *n, size_t parent, int depth)
{
	size_t me = tv->nnodes;
	struct treeview_choice *c;
	char *path;

	if (!grow((void **)&tv->nodes, &tv->capnodes, tv->nnodes, sizeof *tv->nodes))
		return false;
	path = child_path(parent == (size_t)-1 ? "" : tv->nodes[parent].path, n);
	if (!path)
		return false;
	c = choice_for(tv, path);
	tv->nodes[me] = (struct treeview_node){ n, me + 1, parent, depth,
						c ? c->collapsed : (n->flags & TREE_COLLAPSED) != 0, path };
	tv->nnodes++;
	for (struct tree_node *k = n->first; k; k = k->next)
		if (!index_node(tv, k, me, depth + 1))
			return false;
	tv->nodes[me].end = tv->nnodes;
	return true;
}

/* Shows a new tree; keep: the user's choices and place stay. */
void treeview_set(struct treeview *tv, struct tree_node *root, bool keep)
{
	free(tv->want);
	tv->want = NULL;
	if (keep && tv->cur < tv->nlines)
		tv->want = strdup(tv->nodes[tv->lines[tv->cur].node].path);
	if (!keep) {
		drop_choices(tv);
		tv->cur = tv->top = 0;
	}
	drop_nodes(tv);
	tree_free(tv->root);
	tv->root = root;
	tv->laid_w = 0;
	for (struct tree_node *n = root ? root->first : NULL; n; n = n->next)
		if (!index_node(tv, n, (size_t)-1, 0))
			break;
}

/* Adds a line. */
static void add_line(struct treeview *tv, size_t node, size_t seg)
{
	if (grow((void **)&tv->lines, &tv->caplines, tv->nlines, sizeof *tv->lines))
		tv->lines[tv->nlines++] = (struct treeview_line){ node, seg };
}

/* True when the value of node n is drawn (a secret only when asked). */
static bool value_shown(const struct tree_node *n, bool show_secrets)
{
	return n->value && (!(n->flags & TREE_SECRET) || show_secrets);
}

/* The value of node n as drawn, in buf: sanitized, and bytes in unbroken
 * hex (TREE_BYTES) in groups of 2 bytes, "2fce 8759", like the hex dumps,
 * so that it wraps between groups. */
static char *value_text(const struct tree_node *n, char *buf, size_t size)
{
	char safe[4096];
	size_t j = 0;

	if (!(n->flags & TREE_BYTES)) {
		paint_safe(buf, size, n->value);
		return buf;
	}
	paint_safe(safe, sizeof safe, n->value);
	for (size_t i = 0; safe[i] && j + 2 < size; i++) {
		if (i > 0 && i % 4 == 0)
			buf[j++] = ' ';
		buf[j++] = safe[i];
	}
	buf[j] = '\0';
	return buf;
}

/* Where the wrapped piece of v after the one at off (cols wide) starts: the spaces between pieces are skipped. */
static size_t next_piece(const char *v, size_t off, int cols)
{
	off += paint_wrap(v + off, cols);
	while (v[off] == ' ')
		off++;
	return off;
}

/* Adds the continuation lines of node i's value, which wraps in `width` columns. */
static void add_wrapped(struct treeview *tv, size_t i, int width)
{
	const struct treeview_node *tn = &tv->nodes[i];
	char val[5120], lab[256];
	int indent = 2 * tn->depth + 2;
	int first = width - indent - paint_width(paint_safe(lab, sizeof lab, tn->node->label)) - 2;
	int rest = width - indent - 2;
	const char *v = value_text(tn->node, val, sizeof val);
	size_t off = next_piece(v, 0, first > 8 ? first : 8);

	for (size_t seg = 1; v[off] && rest > 8 && seg < 64; seg++) {
		add_line(tv, i, seg);
		off = next_piece(v, off, rest);
	}
}

/* Puts the cursor back on the node it was on before a rebuild. */
static void find_wanted(struct treeview *tv)
{
	for (size_t l = 0; tv->want && l < tv->nlines; l++)
		if (tv->lines[l].seg == 0 && strcmp(tv->nodes[tv->lines[l].node].path, tv->want) == 0)
			tv->cur = l;
	free(tv->want);
	tv->want = NULL;
}

/* Lays out the visible lines for a pane `width` wide. */
void treeview_layout(struct treeview *tv, int width, bool show_secrets)
{
	if (tv->laid_w == width && tv->laid_secrets == show_secrets)
		return;
	tv->nlines = 0;
	for (size_t i = 0; i < tv->nnodes;) {
		const struct treeview_node *tn = &tv->nodes[i];
		add_line(tv, i, 0);
		if (value_shown(tn->node, show_secrets))
			add_wrapped(tv, i, width);
		i = tn->node->first && tn->collapsed ? tn->end : i + 1;
	}
	tv->laid_w = width;
	tv->laid_secrets = show_secrets;
	find_wanted(tv);
}

/* The node under the cursor, or NULL. */
const struct tree_node *treeview_current(const struct treeview *tv)
{
	return tv->cur < tv->nlines ? tv->nodes[tv->lines[tv->cur].node].node : NULL;
}

/* Puts the cursor on node target, opening the nodes above it; false when it is not in the tree. */
bool treeview_goto(struct treeview *tv, const struct tree_node *target)
{
	for (size_t i = 0; target && i < tv->nnodes; i++) {
		if (tv->nodes[i].node != target)
			continue;
		for (size_t a = tv->nodes[i].parent; a != (size_t)-1; a = tv->nodes[a].parent) {
			if (tv->nodes[a].collapsed)
				remember(tv, tv->nodes[a].path, false);
			tv->nodes[a].collapsed = false;
		}
		free(tv->want);
		tv->want = strdup(tv->nodes[i].path);
		tv->laid_w = 0;                  /* laid out again; the cursor lands on it */
		return true;
	}
	return false;
}

/* The theme role of a node's value. */
static int value_role(unsigned flags)
{
	return flags & TREE_BAD ? ROLE_BAD
	       : flags & TREE_GOOD ? ROLE_GOOD
	       : flags & TREE_ERROR ? ROLE_ERROR
	       : flags & TREE_HEX ? ROLE_HEX
				  : ROLE_TREE_VALUE;
}

/* The first line of a node: the open/closed mark, the label and the start of the value. */
static void draw_first(const struct treeview_node *tn, const struct paint *p, int y, int x, int w, bool selected,
		       bool show_secrets, char *val)
{
	const struct tree_node *n = tn->node;
	struct glyphs g = paint_glyphs(p);
	attr_t sel = paint_attr(p, ROLE_SELECTED);
	int indent = 2 * tn->depth, col = x + indent;
	char lab[256];

	attrset(selected ? sel : paint_attr(p, ROLE_TREE_KEY));
	if (n->first)
		paint_put(y, col, tn->collapsed ? g.closed : g.open, 1);
	col += 2;
	col += paint_put(y, col, paint_safe(lab, sizeof lab, n->label), x + w - col);
	if (value_shown(n, show_secrets)) {
		int first = w - indent - paint_width(lab) - 2 - 2;
		size_t b = paint_wrap(val, first > 8 ? first : 8);
		col += paint_put(y, col, ": ", x + w - col);
		attrset(selected ? sel : paint_attr(p, value_role(n->flags)));
		val[b] = '\0';
		paint_put(y, col, val, x + w - col);
	} else if (n->value) {
		col += paint_put(y, col, ": ", x + w - col);
		attrset(selected ? sel : paint_attr(p, ROLE_DIM));
		paint_put(y, col, "(secret; not shown)", x + w - col);
	}
}

/* One line of the tree at row y from x, w wide. */
static void draw_line(const struct treeview *tv, const struct paint *p, int y, int x, int w, size_t li,
		      bool selected, bool show_secrets)
{
	const struct treeview_line *t = &tv->lines[li];
	const struct treeview_node *tn = &tv->nodes[t->node];
	const struct tree_node *n = tn->node;
	char lab[256], val[5120];
	int indent = 2 * tn->depth;
	attr_t sel = paint_attr(p, ROLE_SELECTED);

	attrset(selected ? sel : A_NORMAL);
	paint_blank(y, x, w);
	value_text(n, val, sizeof val);
	if (t->seg == 0) {
		draw_first(tn, p, y, x, w, selected, show_secrets, val);
	} else if (value_shown(n, show_secrets)) {
		/* continuation of a wrapped value */
		int first = w - indent - paint_width(paint_safe(lab, sizeof lab, n->label)) - 4;
		int rest = w - indent - 4;
		size_t off = next_piece(val, 0, first > 8 ? first : 8);
		for (size_t s = 1; s < t->seg && val[off]; s++)
			off = next_piece(val, off, rest);
		attrset(selected ? sel : paint_attr(p, value_role(n->flags)));
		val[off + paint_wrap(val + off, rest)] = '\0';
		paint_put(y, x + indent + 4, val + off, rest);
	}
	attrset(A_NORMAL);
}

/* Draws rows lines from (y, x), w wide, lines one column in; keeps the cursor visible. */
void treeview_draw(struct treeview *tv, const struct paint *p, int y, int x, int w, int rows, bool focused,
		   bool show_secrets)
{
	treeview_layout(tv, w - 1, show_secrets);
	if (tv->cur >= tv->nlines)
		tv->cur = tv->nlines ? tv->nlines - 1 : 0;
	if (tv->cur < tv->top)
		tv->top = tv->cur;
	if (rows > 0 && tv->cur >= tv->top + (size_t)rows)
		tv->top = tv->cur - (size_t)rows + 1;
	for (int i = 0; i < rows; i++) {
		size_t li = tv->top + (size_t)i;
		if (li < tv->nlines)
			draw_line(tv, p, y + i, x + 1, w - 1, li, focused && li == tv->cur, show_secrets);
		else
			paint_blank(y + i, x, w);
	}
}

/* The line of the first segment of the node on line l. */
static size_t line_start(const struct treeview *tv, size_t l)
{
	while (l > 0 && tv->lines[l].seg > 0)
		l--;
	return l;
}

/* Left: collapses the node, else goes to its parent, else leaves the tree. */
static int close_or_up(struct treeview *tv)
{
	struct treeview_node *tn;

	if (tv->cur >= tv->nlines)
		return UI_HANDLED | UI_REDRAW | TREEVIEW_LEAVE;
	tn = &tv->nodes[tv->lines[tv->cur].node];
	if (tn->node->first && !tn->collapsed) {
		tn->collapsed = true;
		remember(tv, tn->path, true);
		tv->laid_w = 0;
	} else if (tn->parent != (size_t)-1) {
		for (size_t l = 0; l < tv->nlines; l++)
			if (tv->lines[l].node == tn->parent && tv->lines[l].seg == 0)
				tv->cur = l;
	} else {
		return UI_HANDLED | UI_REDRAW | TREEVIEW_LEAVE;
	}
	return UI_HANDLED | UI_REDRAW;
}

/* Enter/Right: opens or closes the node under the cursor. */
static int toggle(struct treeview *tv)
{
	struct treeview_node *tn;

	if (tv->cur >= tv->nlines)
		return UI_HANDLED;
	tn = &tv->nodes[tv->lines[tv->cur].node];
	if (!tn->node->first)
		return UI_HANDLED;
	tn->collapsed = !tn->collapsed;
	remember(tv, tn->path, tn->collapsed);
	tv->laid_w = 0;
	return UI_HANDLED | UI_REDRAW;
}

/* Opening a message from the ladder shows its tree as built, from the top:
 * what the user closed before (Left on the Finished check, to go back to
 * the ladder) is open again. */
static int open_fresh(struct treeview *tv)
{
	drop_choices(tv);
	for (size_t i = 0; i < tv->nnodes; i++)
		tv->nodes[i].collapsed = (tv->nodes[i].node->flags & TREE_COLLAPSED) != 0;
	tv->laid_w = 0;
	tv->cur = tv->top = 0;
	return UI_HANDLED | UI_REDRAW;
}

/* Handles a tree action. */
int treeview_request(struct treeview *tv, enum ui_action a, int page)
{
	size_t t;

	switch (a) {
	case ACT_OPEN:
		return open_fresh(tv);
	case ACT_PAGE_UP:
		tv->cur = tv->cur > (size_t)page ? tv->cur - (size_t)page : 0;
		return UI_HANDLED | UI_REDRAW;
	case ACT_PAGE_DOWN:
		tv->cur = tv->nlines ? (tv->cur + (size_t)page < tv->nlines ? tv->cur + (size_t)page : tv->nlines - 1) : 0;
		return UI_HANDLED | UI_REDRAW;
	case ACT_TREE_DOWN:
		for (t = tv->cur + 1; t < tv->nlines && tv->lines[t].seg > 0; t++)
			;
		if (t < tv->nlines)
			tv->cur = t;
		return UI_HANDLED | UI_REDRAW;
	case ACT_TREE_UP:
		if (tv->cur > 0)
			tv->cur = line_start(tv, tv->cur - 1);
		return UI_HANDLED | UI_REDRAW;
	case ACT_TREE_TOGGLE:
		return toggle(tv);
	case ACT_TREE_CLOSE:
		return close_or_up(tv);
	default:
		return 0;
	}
}

/* Puts the cursor on line l. */
bool treeview_click(struct treeview *tv, size_t l)
{
	if (l >= tv->nlines)
		return false;
	tv->cur = l;
	return true;
}

/* The node under the cursor. */
const struct tree_node *treeview_selected(const struct treeview *tv)
{
	return tv->cur < tv->nlines ? tv->nodes[tv->lines[tv->cur].node].node : NULL;
}

/* Puts the cursor on node, opening its ancestors. */
bool treeview_select(struct treeview *tv, const struct tree_node *node)
{
	int w = tv->laid_w;
	size_t i = 0;

	while (i < tv->nnodes && tv->nodes[i].node != node)
		i++;
	if (i == tv->nnodes)
		return false;
	for (size_t p = tv->nodes[i].parent; p != (size_t)-1; p = tv->nodes[p].parent)
		if (tv->nodes[p].collapsed) {
			tv->nodes[p].collapsed = false;
			remember(tv, tv->nodes[p].path, false);
		}
	free(tv->want);
	tv->want = strdup(tv->nodes[i].path);
	tv->laid_w = 0;
	if (w > 0)
		treeview_layout(tv, w, tv->laid_secrets);
	return true;
}
