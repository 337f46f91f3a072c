/*
 * quiz.c: the quiz file parser and the matching of its questions to the
 * ladder's messages (see quiz.h). The parser reads line by line, with one
 * state: what the question being read has had so far (at:, q:, a:).
 */
#include "tlsladder/quiz.h"
#include "tlsladder/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const quiz_message_names[] = {
	"ClientHello", "HelloRetryRequest", "ServerHello", "EncryptedExtensions", "Certificate",
	"CertificateRequest", "CertificateVerify", "ServerKeyExchange", "ServerHelloDone", "ClientKeyExchange",
	"ChangeCipherSpec", "Finished", "NewSessionTicket", "KeyUpdate", "EndOfEarlyData", "HelloRequest",
	"Alert", "ApplicationData", NULL
};

/* Where the parser is in the question being read. */
enum part { P_NONE, P_AT, P_Q, P_A };

struct parser {
	const char *file;
	unsigned line;
	unsigned part_line;             /* the line of the last at: or q: */
	enum part part;
	struct quiz *q;
	struct tl_error *err;
};

/* Sets the error "FILE:LINE: why" for the given line; returns -1. */
static int bad_at(struct parser *p, unsigned line, const char *why)
{
	return tl_error_set(p->err, TL_EXIT_FILES, "%.300s:%u: %s", p->file, line, why);
}

/* Sets the error "FILE:LINE: why" for the line being read; returns -1. */
static int bad(struct parser *p, const char *why)
{
	return bad_at(p, p->line, why);
}

/* Length of the valid UTF-8 sequence at s (n bytes left) that is no control character; 0 if none. */
static size_t text_char(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c;

	if (s[0] == '\t' || (s[0] >= 0x20 && s[0] < 0x7f))
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff) ||
	    (c >= 0x80 && c < 0xa0))
		return 0;
	return len;
}

/* True when line[0..n) is UTF-8 text without control characters (tabs allowed). */
static bool is_text(const char *line, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = text_char((const unsigned char *)line + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* The last question, being read. */
static struct quiz_item *cur(struct parser *p)
{
	return &p->q->items[p->q->n - 1];
}

/* Appends text (n bytes, trimmed) to *dst, joined with a space. */
static int join(struct parser *p, char **dst, const char *text, size_t n, const char *what)
{
	size_t have = *dst ? strlen(*dst) : 0;
	char *s;

	while (n && (*text == ' ' || *text == '\t'))
		text++, n--;
	if (n == 0)
		return bad(p, what[0] == 'q' ? "an empty q: line" : "an empty a: line");
	if (have + 1 + n > QUIZ_MAX_TEXT)
		return bad(p, what[0] == 'q' ? "the question is longer than 1500 bytes" : "the answer is longer than 1500 bytes");
	s = realloc(*dst, have + n + 2);
	if (!s)
		return tl_error_set(p->err, TL_EXIT_INTERNAL, "out of memory");
	if (have)
		s[have++] = ' ';
	memcpy(s + have, text, n);
	s[have + n] = '\0';
	*dst = s;
	return 0;
}

/* True when name is one of quiz_message_names. */
static bool known_name(const char *name)
{
	for (size_t i = 0; quiz_message_names[i]; i++)
		if (strcmp(quiz_message_names[i], name) == 0)
			return true;
	return false;
}

/* The words of an at: line (up to its comment) into it. */
static int parse_at(struct parser *p, struct quiz_item *it, const char *text, size_t n)
{
	char buf[128], *w[4], *save = NULL, *end;
	const char *hash = memchr(text, '#', n);
	size_t nw = 0;
	unsigned long nth = 1;

	if (hash)
		n = (size_t)(hash - text);
	if (n >= sizeof buf)
		return bad(p, "at: takes SIDE NAME [N] or end");
	memcpy(buf, text, n);
	buf[n] = '\0';
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		if (nw < 4)
			w[nw++] = t;
		else
			return bad(p, "at: takes SIDE NAME [N] or end");
	if (nw == 1 && strcmp(w[0], "end") == 0) {
		it->at_end = true;
		return 0;
	}
	if (nw < 2 || nw > 3)
		return bad(p, "at: takes SIDE NAME [N] or end");
	if (strcmp(w[0], "client") != 0 && strcmp(w[0], "server") != 0)
		return bad(p, "at: the side must be client or server");
	if (!known_name(w[1]) || strlen(w[1]) >= QUIZ_NAME_MAX)
		return bad(p, "at: unknown message name (see docs/quiz/README.md for the names)");
	if (nw == 3) {
		errno = 0;
		nth = strtoul(w[2], &end, 10);
		if (errno || *end || w[2][0] < '1' || w[2][0] > '9' || nth > 999)
			return bad(p, "at: N must be a whole number from 1 to 999");
	}
	it->side = w[0][0] == 'c' ? TL_CLIENT : TL_SERVER;
	snprintf(it->name, sizeof it->name, "%s", w[1]);
	it->nth = (unsigned)nth;
	return 0;
}

/* An at: line: a new question starts. */
static int line_at(struct parser *p, const char *text, size_t n)
{
	struct quiz_item *items;

	if (p->part == P_AT)
		return bad_at(p, p->part_line, "at: without q:");
	if (p->part == P_Q)
		return bad_at(p, p->part_line, "q: without a:");
	if (p->q->n >= QUIZ_MAX_ITEMS)
		return bad(p, "more than 200 questions");
	items = realloc(p->q->items, (p->q->n + 1) * sizeof *items);
	if (!items)
		return tl_error_set(p->err, TL_EXIT_INTERNAL, "out of memory");
	p->q->items = items;
	memset(&items[p->q->n], 0, sizeof items[0]);
	items[p->q->n++].line = p->line;
	p->part = P_AT;
	p->part_line = p->line;
	return parse_at(p, cur(p), text, n);
}

/* The end of a question (a blank line or the end of the file). */
static int end_question(struct parser *p)
{
	if (p->part == P_AT)
		return bad_at(p, p->part_line, "at: without q:");
	if (p->part == P_Q)
		return bad_at(p, p->part_line, "q: without a:");
	p->part = P_NONE;
	return 0;
}

/* One line (without its newline). */
static int parse_line(struct parser *p, const char *line, size_t n)
{
	size_t lead = 0;

	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	if (!is_text(line, n))
		return bad(p, "not UTF-8 text (or a control character)");
	while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
		lead++;
	if (lead == n)
		return end_question(p);
	if (line[lead] == '#')
		return 0;
	line += lead;
	n -= lead;
	if (n >= 3 && memcmp(line, "at:", 3) == 0)
		return line_at(p, line + 3, n - 3);
	if (n >= 2 && memcmp(line, "q:", 2) == 0) {
		if (p->part == P_NONE)
			return bad(p, "q: without at: before it");
		if (p->part == P_A)
			return bad(p, "q: after a: (a blank line starts the next question)");
		if (p->part != P_Q)
			p->part_line = p->line;
		p->part = P_Q;
		return join(p, &cur(p)->q, line + 2, n - 2, "q");
	}
	if (n >= 2 && memcmp(line, "a:", 2) == 0) {
		if (p->part != P_Q && p->part != P_A)
			return bad(p, "a: without q: before it");
		p->part = P_A;
		return join(p, &cur(p)->a, line + 2, n - 2, "a");
	}
	return bad(p, "unknown directive (a line is at:, q:, a:, a # comment, or blank)");
}

/* Parses a quiz file's text. */
int quiz_parse(const char *text, size_t len, const char *file, struct quiz *q, struct tl_error *err)
{
	struct parser p = { file, 0, 0, P_NONE, q, err };
	size_t off = 0;
	int rc = 0;

	memset(q, 0, sizeof *q);
	if (len > QUIZ_MAX_BYTES)
		return tl_error_set(err, TL_EXIT_FILES, "%.300s: larger than 64 KiB: not a quiz file", file);
	if (memchr(text, '\0', len))
		return tl_error_set(err, TL_EXIT_FILES, "%.300s: binary data: not a quiz file", file);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;      /* a byte-order mark */
	while (rc == 0 && off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		p.line++;
		rc = parse_line(&p, text + off, n);
		off += n + 1;
	}
	if (rc == 0)
		rc = end_question(&p);
	if (rc < 0)
		quiz_free(q);
	return rc;
}

/* Reads and parses a quiz file. */
int quiz_load(const char *path, struct quiz *q, struct tl_error *err)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t got;
	int rc;

	memset(q, 0, sizeof *q);
	if (!f)
		return tl_error_set(err, TL_EXIT_FILES, "%.300s: %s", path, strerror(errno));
	text = malloc(QUIZ_MAX_BYTES + 2);
	if (!text) {
		fclose(f);
		return tl_error_set(err, TL_EXIT_INTERNAL, "out of memory");
	}
	got = fread(text, 1, QUIZ_MAX_BYTES + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(text);
		return tl_error_set(err, TL_EXIT_FILES, "%.300s: cannot be read", path);
	}
	fclose(f);
	rc = quiz_parse(text, got, path, q, err);
	free(text);
	return rc;
}

/* Finds a scenario's shipped quiz file. */
bool quiz_find(const char *scenario, char *path, size_t n)
{
	char probe[96], dir[PATH_MAX];
	int k;

	if (!scenario || strchr(scenario, '/') || snprintf(probe, sizeof probe, "%s.quiz", scenario) >= (int)sizeof probe)
		return false;
	if (!paths_data_dir("quiz", probe, dir, sizeof dir) && !paths_data_dir("docs/quiz", probe, dir, sizeof dir))
		return false;
	k = snprintf(path, n, "%s/%s", dir, probe);
	return k > 0 && (size_t)k < n;
}

/* Frees the questions. */
void quiz_free(struct quiz *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++) {
		free(q->items[i].q);
		free(q->items[i].a);
	}
	free(q->items);
	memset(q, 0, sizeof *q);
}

/* The name an at: line gives an event by. */
const char *quiz_event_name(const struct tl_event *ev)
{
	switch (ev->kind) {
	case TL_EV_HANDSHAKE:
	case TL_EV_CCS:
	case TL_EV_ALERT:
		return timeline_event_name(ev);
	case TL_EV_PLAIN:
		return ev->note.in_tls ? "ApplicationData" : NULL;
	default:
		return NULL;
	}
}

/* True when it is asked before ev, the nth of its name from its sender. */
bool quiz_item_at(const struct quiz_item *it, const struct tl_event *ev, unsigned nth)
{
	const char *name = quiz_event_name(ev);

	return !it->at_end && name && ev->from == it->side && it->nth == nth && strcmp(name, it->name) == 0;
}
