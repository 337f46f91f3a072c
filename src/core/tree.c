/*
 * tree.c: the field tree (see tree.h). Children form a singly linked list
 * with a tail pointer, so appending is O(1) and order is insertion order.
 */
#include "tlsladder/tree.h"
#include "tlsladder/sanitize.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* strdup that tolerates NULL; *ok false when memory ran out. */
static char *dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*ok = false;
	return d;
}

/* A detached node. */
static struct tree_node *node_new(const char *label, const char *value)
{
	struct tree_node *n = calloc(1, sizeof *n);
	bool ok = true;

	if (!n)
		return NULL;
	n->label = dup_or_null(label ? label : "", &ok);
	n->value = dup_or_null(value, &ok);
	if (!ok) {
		free(n->label);
		free(n->value);
		free(n);
		return NULL;
	}
	return n;
}

/* A new root. */
struct tree_node *tree_new(const char *label, const char *value)
{
	return node_new(label, value);
}

/* Links child as parent's last child. */
static void link_child(struct tree_node *parent, struct tree_node *child)
{
	child->parent = parent;
	child->next = NULL;
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	parent->nchildren++;
}

/* Appends a child. */
struct tree_node *tree_add(struct tree_node *parent, const char *label, const char *value)
{
	struct tree_node *n;

	if (!parent)
		return NULL;
	n = node_new(label, value);
	if (n)
		link_child(parent, n);
	return n;
}

/* Appends a child with a formatted value. */
struct tree_node *tree_addf(struct tree_node *parent, const char *label, const char *fmt, ...)
{
	va_list ap;
	char small[256], *buf = small;
	int len;
	struct tree_node *n;

	if (!parent)
		return NULL;
	va_start(ap, fmt);
	len = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	if ((size_t)len >= sizeof small) {
		buf = malloc((size_t)len + 1);
		if (!buf)
			return NULL;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	n = tree_add(parent, label, buf);
	if (buf != small)
		free(buf);
	return n;
}

/* Appends a hex dump child. */
struct tree_node *tree_add_hex(struct tree_node *parent, const char *label, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *buf;
	size_t j = 0;
	struct tree_node *node;

	if (!parent)
		return NULL;
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	buf = malloc(n * 3 + 1);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 2 == 0)
			buf[j++] = ' ';
		buf[j++] = digits[p[i] >> 4];
		buf[j++] = digits[p[i] & 15];
	}
	buf[j] = '\0';
	node = tree_add(parent, label, buf);
	free(buf);
	return tree_flag(node, TREE_HEX);
}

/* Appends an existing tree. */
void tree_adopt(struct tree_node *parent, struct tree_node *child)
{
	if (!child)
		return;
	if (!parent) {
		tree_free(child);
		return;
	}
	link_child(parent, child);
}

/* Inserts an existing tree as the first child. */
void tree_adopt_first(struct tree_node *parent, struct tree_node *child)
{
	if (!child)
		return;
	if (!parent) {
		tree_free(child);
		return;
	}
	child->parent = parent;
	child->next = parent->first;
	parent->first = child;
	if (!parent->last)
		parent->last = child;
	parent->nchildren++;
}

/* Sets a node's byte range. */
struct tree_node *tree_range(struct tree_node *node, size_t off, size_t len)
{
	if (node) {
		node->off = off;
		node->len = len;
	}
	return node;
}

/* Adds flags. */
struct tree_node *tree_flag(struct tree_node *node, unsigned flags)
{
	if (node)
		node->flags |= flags;
	return node;
}

/* Links a node to a timeline event. */
struct tree_node *tree_link_event(struct tree_node *node, size_t i)
{
	if (node)
		node->link_event = i + 1;
	return node;
}

/* Links a node to another node of its tree. */
struct tree_node *tree_link_node(struct tree_node *node, const struct tree_node *target)
{
	if (node)
		node->link_node = target;
	return node;
}

/* Frees a tree without recursion (trees from hostile input can be deep). */
void tree_free(struct tree_node *root)
{
	struct tree_node *n = root;

	/* flatten: splice each node's children in front of its siblings, then free it */
	while (n) {
		struct tree_node *next;

		if (n->first) {
			n->last->next = n->next;
			n->next = n->first;
		}
		next = n->next;
		free(n->label);
		free(n->value);
		free(n);
		n = next;
	}
}

/* The next node in depth-first order within root's subtree. */
static const struct tree_node *walk_next(const struct tree_node *root, const struct tree_node *n)
{
	if (n->first)
		return n->first;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

/* Counts nodes. */
size_t tree_count(const struct tree_node *root)
{
	size_t c = 0;

	for (const struct tree_node *n = root; n; n = walk_next(root, n))
		c++;
	return c;
}

/* True when some node has all of flags. */
bool tree_any(const struct tree_node *root, unsigned flags)
{
	for (const struct tree_node *n = root; n; n = walk_next(root, n))
		if ((n->flags & flags) == flags)
			return true;
	return false;
}

/* Follows a '/'-separated label path. */
struct tree_node *tree_find_mut(struct tree_node *root, const char *path)
{
	struct tree_node *n = root;

	while (n && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		struct tree_node *c;

		for (c = n->first; c; c = c->next)
			if (strlen(c->label) == len && strncmp(c->label, path, len) == 0)
				break;
		n = c;
		path += len + (slash ? 1 : 0);
	}
	return n == root ? NULL : n;
}

const struct tree_node *tree_find(const struct tree_node *root, const char *path)
{
	/* The search writes nothing: the mutable variant serves both. */
	return tree_find_mut((struct tree_node *)(uintptr_t)root, path);
}

/* What a linked node's line ends with: " (step N)" or " (from: LABEL)"; empty without links. */
static void link_suffix(const struct tree_node *n, unsigned (*step_of)(size_t i, void *ctx), void *ctx, char *buf,
			size_t len)
{
	unsigned step = n->link_event && step_of ? step_of(n->link_event - 1, ctx) : 0;

	buf[0] = '\0';
	if (step)
		snprintf(buf, len, " (step %u)", step);
	else if (step_of && n->link_node && n->link_node->label) {
		char label[128];
		sanitize_str(label, sizeof label, n->link_node->label);
		snprintf(buf, len, " (from: %s)", label);
	}
}

/* Prints one node's line. */
static void print_node(FILE *f, const struct tree_node *n, int indent, bool with_secrets, const char *suffix)
{
	char label[256];

	sanitize_str(label, sizeof label, n->label);
	if (n->value && ((n->flags & TREE_SECRET) == 0 || with_secrets)) {
		size_t need = sanitize_str(NULL, 0, n->value) + 1;
		char *val = malloc(need);
		if (val) {
			sanitize_str(val, need, n->value);
			fprintf(f, "%*s%s: %s%s\n", indent, "", label, val, suffix);
			free(val);
		}
	} else if (n->value) {
		fprintf(f, "%*s%s: (secret; not shown)%s\n", indent, "", label, suffix);
	} else {
		fprintf(f, "%*s%s%s\n", indent, "", label, suffix);
	}
}

/* Prints the tree, iteratively. */
void tree_print(FILE *f, const struct tree_node *root, int indent, bool with_hex, bool with_secrets)
{
	tree_print_linked(f, root, indent, with_hex, with_secrets, NULL, NULL);
}

/* Prints the tree with its links, iteratively. */
void tree_print_linked(FILE *f, const struct tree_node *root, int indent, bool with_hex, bool with_secrets,
		       unsigned (*step_of)(size_t i, void *ctx), void *ctx)
{
	const struct tree_node *n = root;
	int depth = 0;
	char suffix[160];

	while (n) {
		bool skip = (n->flags & TREE_HEX) && !with_hex;

		if (!skip) {
			link_suffix(n, step_of, ctx, suffix, sizeof suffix);
			print_node(f, n, indent + 2 * depth, with_secrets, suffix);
		}
		/* descend unless skipped; else go to the next sibling or up */
		if (n->first && !skip) {
			n = n->first;
			depth++;
			continue;
		}
		while (n && n != root && !n->next) {
			n = n->parent;
			depth--;
		}
		if (!n || n == root)
			break;
		n = n->next;
	}
}
