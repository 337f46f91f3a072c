/*
 * hexview.c: the annotated byte view (see hexview.h): framing a message's
 * bytes, laying them out as hex and ASCII lines, marking a range, and
 * mapping between bytes and the fields of the message's tree.
 */
#include "tlsladder/hexview.h"
#include "tlsladder/recframe.h"
#include "tlsladder/wire.h"

#include <stdlib.h>
#include <string.h>

/* A view of p[0..n) whose tree's ranges index p. */
void hexview_init(struct hexview *hv, const struct tree_node *tree, const uint8_t *p, size_t n)
{
	memset(hv, 0, sizeof *hv);
	hv->tree = tree;
	hv->p = p;
	hv->n = p ? n : 0;
}

/* Adds a span. */
static void add_span(struct hexview *hv, const char *label, size_t off, size_t len, int depth)
{
	if (hv->nspan < HEXVIEW_MAX_SPANS)
		hv->span[hv->nspan++] = (struct hexview_span){ label, off, len, depth };
}

/* A copy of head[0..nh) then body[0..n), owned by hv; false when memory ran out. */
static bool own_copy(struct hexview *hv, const uint8_t *head, size_t nh, const uint8_t *body, size_t n)
{
	hv->own = malloc(nh + n ? nh + n : 1);
	if (!hv->own)
		return false;
	memcpy(hv->own, head, nh);
	if (n)
		memcpy(hv->own + nh, body, n);
	hv->p = hv->own;
	hv->n = nh + n;
	return true;
}

/* A handshake message framed with its 4-byte header. */
bool hexview_init_handshake(struct hexview *hv, const struct tree_node *tree, unsigned hs_type, const uint8_t *body,
			    size_t n, size_t total)
{
	uint8_t head[4];

	hexview_init(hv, tree, NULL, 0);
	if (!body)
		n = 0;
	if (total < n)
		total = n;
	head[0] = (uint8_t)(hs_type == TL_HS_HELLO_RETRY_REQUEST ? WIRE_HS_SERVER_HELLO : hs_type);
	head[1] = (uint8_t)(total >> 16);
	head[2] = (uint8_t)(total >> 8);
	head[3] = (uint8_t)total;
	if (!own_copy(hv, head, sizeof head, body, n))
		return false;
	hv->base = sizeof head;
	add_span(hv, "handshake header", 0, 4, 0);
	add_span(hv, "handshake header/msg_type", 0, 1, 1);
	add_span(hv, "handshake header/length", 1, 3, 1);
	return true;
}

/* The bytes of a timeline event. */
bool hexview_init_event(struct hexview *hv, const struct tree_node *tree, const struct timeline *tl, size_t i,
			const struct tl_event *ev)
{
	uint8_t b[2];
	uint8_t *rec;
	size_t n;

	hexview_init(hv, tree, NULL, 0);
	switch (ev->kind) {
	case TL_EV_HANDSHAKE:
		return hexview_init_handshake(hv, tree, ev->hs_type, ev->body, ev->body_len, ev->body_total);
	case TL_EV_ALERT:
		b[0] = (uint8_t)ev->alert_level;
		b[1] = (uint8_t)ev->alert_desc;
		return own_copy(hv, b, 2, NULL, 0);
	case TL_EV_CCS:
		b[0] = 1;
		return own_copy(hv, b, 1, NULL, 0);
	case TL_EV_RECORD:
		/* the record as it travelled, header first; the framing tree's ranges are offsets into it */
		if (!tl || !recframe_bytes(tl, i, &rec, &n))
			return false;
		hexview_init(hv, tree, rec, n);
		hv->own = rec;
		return true;
	default:
		return false;
	}
}

/* Why an event has no bytes to show. */
const char *hexview_no_bytes(const struct tl_event *ev)
{
	switch (ev->kind) {
	case TL_EV_RECORD: return "no bytes: this record's bytes were not kept, only its header's facts";
	case TL_EV_PLAIN: return "no bytes: a line of the plaintext protocol, shown as text";
	case TL_EV_NOTE:
	case TL_EV_ERROR:
	case TL_EV_DIAGNOSIS: return "no bytes: this row is tlsladder's own note, not a message";
	default: return "no bytes: none were kept for this message";
	}
}

/* Frees the copy the view made. */
void hexview_free(struct hexview *hv)
{
	free(hv->own);
	memset(hv, 0, sizeof *hv);
}

/* Digits of the offset column: 4, or more for a longer message. */
static int offset_digits(const struct hexview *hv)
{
	int d = 4;

	for (size_t top = hv->n > 0 ? hv->n - 1 : 0; d < 16 && (top >> (4 * d)) != 0;)
		d++;
	return d;
}

/* Columns a line of per bytes takes: offset, 2, hex groups, 2, ASCII. */
int hexview_line_width(const struct hexview *hv, unsigned per)
{
	return offset_digits(hv) + 2 + (int)(per * 2 + per / 2 - 1) + 2 + (int)per;
}

/* Bytes per line that fit. */
unsigned hexview_per_line(const struct hexview *hv, int width)
{
	static const unsigned choices[] = { 32, 16, 8 };

	for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++)
		if (hexview_line_width(hv, choices[i]) <= width)
			return choices[i];
	return 8;
}

/* Lines of per bytes. */
size_t hexview_lines(const struct hexview *hv, unsigned per)
{
	return per ? (hv->n + per - 1) / per : 0;
}

/* The columns of byte k of a line. */
void hexview_columns(const struct hexview *hv, unsigned per, unsigned k, int *hex_col, int *ascii_col)
{
	int start = offset_digits(hv) + 2;

	*hex_col = start + (int)(k * 2 + k / 2);
	*ascii_col = start + (int)(per * 2 + per / 2 - 1) + 2 + (int)k;
}

/* Formats line l. */
char *hexview_line(const struct hexview *hv, size_t l, unsigned per, char *buf, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	int w = hexview_line_width(hv, per), d = offset_digits(hv);
	size_t first = l * per;

	if (n < (size_t)w + 1 || per == 0) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	memset(buf, ' ', (size_t)w);
	for (int i = 0; i < d; i++)
		buf[i] = digits[(first >> (4 * (d - 1 - i))) & 15];
	for (unsigned k = 0; k < per && first + k < hv->n; k++) {
		uint8_t b = hv->p[first + k];
		int hc, ac;
		hexview_columns(hv, per, k, &hc, &ac);
		buf[hc] = digits[b >> 4];
		buf[hc + 1] = digits[b & 15];
		buf[ac] = b >= 0x20 && b < 0x7f ? (char)b : '.';
	}
	/* no trailing blanks on a short last line */
	while (w > 0 && buf[w - 1] == ' ')
		w--;
	buf[w] = '\0';
	return buf;
}

/* True when byte at is in [off, off + len). */
static bool inside(size_t at, size_t off, size_t len)
{
	return at >= off && at - off < len;
}

/* The marks of line l for a range. */
char *hexview_marks(const struct hexview *hv, size_t l, unsigned per, size_t off, size_t len, char *mask, size_t n)
{
	int w = hexview_line_width(hv, per);
	size_t first = l * per;

	if (n < (size_t)w + 1 || per == 0) {
		if (n)
			mask[0] = '\0';
		return mask;
	}
	memset(mask, ' ', (size_t)w);
	for (unsigned k = 0; k < per && first + k < hv->n; k++) {
		int hc, ac;
		if (!inside(first + k, off, len))
			continue;
		hexview_columns(hv, per, k, &hc, &ac);
		mask[hc] = mask[hc + 1] = mask[ac] = '^';
		if (k > 0 && k % 2 == 0 && inside(first + k - 1, off, len))
			mask[hc - 1] = '^';
	}
	while (w > 0 && mask[w - 1] == ' ')
		w--;
	mask[w] = '\0';
	return mask;
}

/* The next node of a preorder walk below root, or NULL; *depth follows it. */
static const struct tree_node *walk_next(const struct tree_node *root, const struct tree_node *node, int *depth)
{
	if (node->first) {
		(*depth)++;
		return node->first;
	}
	while (node && node != root && !node->next) {
		node = node->parent;
		(*depth)--;
	}
	return node && node != root ? node->next : NULL;
}

/* The deepest tree node covering byte at of the bytes shown (a node equal to its parent gives way). */
static const struct tree_node *deepest(const struct hexview *hv, size_t at)
{
	const struct tree_node *best = NULL, *root = hv->tree;
	int depth = 0, best_depth = -1;

	if (!root || at < hv->base)
		return NULL;
	for (const struct tree_node *n = root; n; n = walk_next(root, n, &depth))
		if (n->len > 0 && depth > best_depth && inside(at - hv->base, n->off, n->len)) {
			best = n;
			best_depth = depth;
		}
	while (best && best->parent && best->parent != root && best->parent->off == best->off &&
	       best->parent->len == best->len)
		best = best->parent;
	return best;
}

/* What covers byte off. */
bool hexview_at(const struct hexview *hv, size_t off, struct hexview_hit *hit)
{
	const struct hexview_span *sp = NULL;
	const struct tree_node *n;

	memset(hit, 0, sizeof *hit);
	if (off >= hv->n)
		return false;
	for (size_t i = 0; i < hv->nspan; i++)
		if (inside(off, hv->span[i].off, hv->span[i].len) && (!sp || hv->span[i].depth > sp->depth))
			sp = &hv->span[i];
	if (sp) {
		hit->span = sp;
		hit->off = sp->off;
		hit->len = sp->len;
		return true;
	}
	n = deepest(hv, off);
	if (!n)
		return false;
	hit->node = n;
	hit->off = hv->base + n->off;
	hit->len = n->len;
	return true;
}

/* The bytes of a node, or of its nearest ancestor below the root. */
bool hexview_range_of(const struct hexview *hv, const struct tree_node *node, struct hexview_hit *hit)
{
	memset(hit, 0, sizeof *hit);
	for (const struct tree_node *n = node; n; n = n->parent) {
		if (n == hv->tree && n != node)
			return false;
		if (n->len > 0) {
			hit->node = n;
			hit->off = hv->base + n->off;
			hit->len = n->len;
			return hit->off < hv->n;
		}
	}
	return false;
}

/* The path of labels of node below the root. */
char *hexview_path(const struct tree_node *node, char *buf, size_t n)
{
	const struct tree_node *chain[32];
	size_t depth = 0, used = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (const struct tree_node *k = node; k && k->parent && depth < 32; k = k->parent)
		chain[depth++] = k;
	if (depth == 0 && node)
		chain[depth++] = node;       /* the root itself */
	while (depth-- > 0 && used < n) {
		int w = snprintf(buf + used, n - used, "%s%s", used ? "/" : "", chain[depth]->label);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

/* "bytes 6..37 (32 B)" or "byte 6 (1 B)". */
static void range_words(size_t off, size_t len, char *buf, size_t n)
{
	if (len == 1)
		snprintf(buf, n, "byte %zu (1 B)", off);
	else
		snprintf(buf, n, "bytes %zu..%zu (%zu B)", off, off + len - 1, len);
}

/* The caption naming a field and its bytes. */
char *hexview_caption(const struct hexview *hv, const struct tree_node *selected, const struct hexview_hit *hit,
		      char *buf, size_t n)
{
	char name[200], within[200], range[64];

	(void)hv;
	if (hit && hit->span && !selected) {
		range_words(hit->off, hit->len, range, sizeof range);
		snprintf(buf, n, "%s: %s", hit->span->label, range);
		return buf;
	}
	if (!selected && hit)
		selected = hit->node;
	hexview_path(selected, name, sizeof name);
	if (!hit || (!hit->node && !hit->span)) {
		snprintf(buf, n, "%s: derived, not bytes of the message", name);
		return buf;
	}
	range_words(hit->off, hit->len, range, sizeof range);
	if (hit->node && hit->node != selected)
		snprintf(buf, n, "%s: no bytes of its own, inside %s: %s", name,
			 hexview_path(hit->node, within, sizeof within), range);
	else
		snprintf(buf, n, "%s: %s", name, range);
	return buf;
}

/* The node whose children the dump names: the root, or below a field that covers every byte and
 * divides them further (a record's framing), that field. */
static const struct tree_node *legend_level(const struct hexview *hv)
{
	const struct tree_node *t = hv->tree;

	for (int depth = 0; t && depth < 8 && hv->base == 0; depth++) {
		const struct tree_node *all = NULL;
		for (const struct tree_node *c = t->first; c && !all; c = c->next)
			if (c->off == 0 && c->len == hv->n && c->first)
				all = c;
		if (!all)
			return t;
		t = all;
	}
	return t;
}

/* The top-level fields line l holds, ", " separated ("..." before one that began earlier). */
static void line_fields(const struct hexview *hv, size_t l, unsigned per, char *out, size_t n)
{
	size_t first = l * per, last = first + per, used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < hv->nspan; i++) {
		const struct hexview_span *s = &hv->span[i];
		if (s->depth == 0 && s->off < last && s->off + s->len > first)
			used += (size_t)snprintf(out + used, n - used, "%s%s%s", used ? ", " : "",
						 s->off < first ? "..." : "", s->label);
		if (used >= n)
			return;
	}
	for (const struct tree_node *c = hv->tree ? legend_level(hv)->first : NULL; c; c = c->next) {
		size_t a = hv->base + c->off;
		if (c->len == 0 || a >= last || a + c->len <= first)
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%s%s", used ? ", " : "", a < first ? "..." : "",
					 c->label);
		if (used >= n)
			return;
	}
}

/* The top-level fields and their bytes, one a line ("  random: bytes 6..37 (32 B)"). */
static void write_legend(FILE *f, const struct hexview *hv, int indent)
{
	char cap[300];
	struct hexview_hit hit;

	for (size_t i = 0; i < hv->nspan; i++)
		if (hv->span[i].depth == 0) {
			memset(&hit, 0, sizeof hit);
			hit.span = &hv->span[i];
			hit.off = hv->span[i].off;
			hit.len = hv->span[i].len;
			fprintf(f, "%*s  %s\n", indent, "", hexview_caption(hv, NULL, &hit, cap, sizeof cap));
		}
	for (const struct tree_node *c = hv->tree ? legend_level(hv)->first : NULL; c; c = c->next)
		if (c->len > 0 && hexview_range_of(hv, c, &hit))
			fprintf(f, "%*s  %s\n", indent, "", hexview_caption(hv, c, &hit, cap, sizeof cap));
}

/* The dump for the text ladder. */
void hexview_write(FILE *f, const struct hexview *hv, unsigned per, int indent)
{
	int w = hexview_line_width(hv, per);
	char *line = malloc((size_t)w + 1), fields[512];

	if (!line)
		return;
	write_legend(f, hv, indent);
	for (size_t l = 0; l < hexview_lines(hv, per); l++) {
		hexview_line(hv, l, per, line, (size_t)w + 1);
		line_fields(hv, l, per, fields, sizeof fields);
		fprintf(f, "%*s%-*s%s%s\n", indent, "", fields[0] ? w : 0, line, fields[0] ? "  " : "", fields);
	}
	free(line);
}
