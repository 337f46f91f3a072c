/*
 * fuzz_plainproto: libFuzzer target for the STARTTLS reply parsers
 * (plainproto.h). The first byte picks the protocol and the step; the rest
 * is split into lines at '\n', each classified in turn (and checked for a
 * STARTTLS offer and its capability name), and is also read whole as an
 * LDAP message and as PostgreSQL's answer. Beyond "no crash, no read past
 * the buffer": a verdict is one of the enum's, the words are a
 * NUL-terminated string that fits its buffer, and a BER length is within
 * what was allowed.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsladder/plainproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Classifies the lines of p[0..n). */
static void lines(const struct plainproto *pp, enum plainproto_step step, const uint8_t *p, size_t n)
{
	struct plainproto_reply st;
	size_t start = 0;
	bool first = true;

	memset(&st, 0, sizeof st);
	for (size_t i = 0; i <= n; i++) {
		char cap[64];
		const char *line = (const char *)p + start;
		size_t len;
		enum plainproto_verdict v;

		if (i < n && p[i] != '\n')
			continue;
		len = i - start;
		/* a copy of exactly len bytes, so ASan sees any read past the line */
		char *copy = malloc(len ? len : 1);
		if (!copy)
			return;
		memcpy(copy, line, len);
		v = plainproto_line(pp, step, &st, copy, len);
		if (v != PLAINPROTO_MORE && v != PLAINPROTO_OK && v != PLAINPROTO_REFUSED && v != PLAINPROTO_UNEXPECTED)
			abort();
		(void)plainproto_offers(pp, copy, len);
		memset(cap, 'x', sizeof cap);
		plainproto_cap_name(pp, copy, len, first, cap, sizeof cap);
		if (!memchr(cap, '\0', sizeof cap))
			abort();
		first = false;
		free(copy);
		start = i + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct plainproto *pp;
	uint8_t *p;
	char words[PLAINPROTO_LINE_MAX] = "";
	long len;

	if (size < 1)
		return 0;
	pp = plainproto_of((enum tl_starttls_proto)(1 + data[0] % 9));
	if (!pp)
		abort();
	p = malloc(size - 1 ? size - 1 : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, size - 1);
	lines(pp, (enum plainproto_step)((data[0] / 9) % 4), p, size - 1);     /* the four steps */
	len = plainproto_ber_length(p, size - 1, PLAINPROTO_LINE_MAX);
	if (len > (long)PLAINPROTO_LINE_MAX)
		abort();
	if (len > 0 && (size_t)len <= size - 1) {
		memset(words, 'x', sizeof words);
		(void)plainproto_ldap_words(p, (size_t)len, words, sizeof words);
		if (!memchr(words, '\0', sizeof words))
			abort();
	}
	if (size > 1)
		(void)plainproto_pg_answer(p[0], words, 8);
	if (!memchr(words, '\0', sizeof words))
		abort();
	free(p);
	return 0;
}
