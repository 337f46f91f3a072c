/*
 * test_sanitize.c: hostile text comes out inert.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tlsladder/sanitize.h"

struct sanitize_case {
	const char *in;
	size_t len;
	const char *out;
};

#define C(s, o) { s, sizeof(s) - 1, o }
static const struct sanitize_case cases[] = {
	C("CN=localhost", "CN=localhost"),
	C("", ""),
	C("a\x1b[2Jb", "a\\x1B[2Jb"),                   /* ESC: clear screen */
	C("bell\x07", "bell\\x07"),
	C("over\rwrite", "over\\rwrite"),
	C("two\nlines", "two\\nlines"),
	C("tab\there", "tab\\there"),
	C("del\x7f", "del\\x7F"),
	C("back\\slash", "back\\\\slash"),
	C("nul\0inside", "nul\\x00inside"),
	C("caf\xc3\xa9", "caf\xc3\xa9"),               /* é passes */
	C("\xe2\x80\xae" "txt.exe", "\\u{202E}txt.exe"), /* RIGHT-TO-LEFT OVERRIDE */
	C("\xe2\x81\xa6x", "\\u{2066}x"),               /* LEFT-TO-RIGHT ISOLATE */
	C("zw\xe2\x80\x8bsp", "zw\\u{200B}sp"),
	C("\xd8\x9c" "1-2", "\\u{061C}1-2"),              /* ARABIC LETTER MARK, a bidi control */
	C("c1\xc2\x9b" "31m", "c1\\u{009B}31m"),        /* C1 CSI */
	C("bad\xff", "bad\\xFF"),
	C("cut\xe2\x82", "cut\\xE2\\x82"),              /* truncated sequence */
	C("over\xc0\xaf", "over\\xC0\\xAF"),            /* overlong '/' */
	C("sur\xed\xa0\x80", "sur\\xED\\xA0\\x80"),     /* UTF-16 surrogate */
	C("emoji \xf0\x9f\x94\x92", "emoji \xf0\x9f\x94\x92"),
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		size_t need = sanitize_text(out, sizeof out, cases[i].in, cases[i].len);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(need, strlen(cases[i].out));
	}
}

static void truncates_on_character_boundary(void **state)
{
	char out[8];
	size_t need;

	(void)state;
	need = sanitize_str(out, sizeof out, "ab\x1b\x1b\x1b");
	assert_int_equal(need, 2 + 3 * 4);
	assert_string_equal(out, "ab\\x1B");           /* whole escapes only */
	need = sanitize_str(out, 1, "abc");
	assert_string_equal(out, "");
	assert_int_equal(need, 3);
	assert_int_equal(sanitize_str(NULL, 0, "abc"), 3);
	sanitize_str(out, sizeof out, NULL);
	assert_string_equal(out, "");
}

/* No byte value survives as a raw control character. */
static void every_byte(void **state)
{
	(void)state;
	for (int b = 0; b < 256; b++) {
		char in[3] = { 'x', (char)b, 'y' }, out[32];
		sanitize_text(out, sizeof out, in, 3);
		for (const unsigned char *p = (const unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 && *p != 0x7f);
	}
}

/* ---- property: whatever goes in, no control character comes out ---- */

/* Unicode's Bidi_Control characters (PropList.txt): ALM, LRM, RLM, the embeddings and overrides, the isolates. */
static bool bidi_control(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Strict UTF-8 decoding of one character at s[0..n); 0 when invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c;

	if (len == 0 || len > n)
		return 0;
	c = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* The property of one output: valid UTF-8 holding no C0, DEL, C1 or bidi control. */
static bool inert(const char *out, const unsigned char *in, size_t n)
{
	const unsigned char *s = (const unsigned char *)out;
	size_t len = strlen(out);

	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t k = utf8_next(s + i, len - i, &c);
		if (k == 0 || c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || bidi_control(c)) {
			fprintf(stderr, "unsafe output at byte %zu for the %zu-byte input:", i, n);
			for (size_t j = 0; j < n; j++)
				fprintf(stderr, " %02x", in[j]);
			fprintf(stderr, "\n");
			return false;
		}
		i += k;
	}
	return true;
}

/* Sanitizes in[0..n) whole and cut at every smaller size: each output inert, each cut a prefix of the whole. */
static void check_property(const unsigned char *in, size_t n, bool cuts)
{
	char full[16 * 64 + 1], cut[16 * 64 + 1];
	size_t need = sanitize_text(full, sizeof full, (const char *)in, n);

	assert_true(need < sizeof full);
	assert_int_equal(strlen(full), need);
	assert_true(inert(full, in, n));
	for (size_t sz = 1; cuts && sz <= need; sz++) {
		assert_int_equal(sanitize_text(cut, sz, (const char *)in, n), need);
		assert_true(strlen(cut) < sz);
		assert_memory_equal(cut, full, strlen(cut));
		assert_true(inert(cut, in, n));
	}
}

/* UTF-8 encoding of c (surrogates too, as a hostile encoder would write them) into out; returns its length. */
static size_t utf8_put(uint32_t c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | c >> 6);
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | c >> 12);
		out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | c >> 18);
	out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/* A deterministic pseudo-random generator (xorshift64*), so a failure replays. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Appends one hostile piece: a raw byte, a control, a C1 or bidi control, broken or valid UTF-8. */
static size_t hostile_piece(uint64_t *rng, unsigned char *out)
{
	static const uint32_t specials[] = { 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066,
					     0x2067, 0x2068, 0x2069, 0x0085, 0x009b, 0x00ad, 0x200b, 0x2028, 0xfeff,
					     0xe0001, 0x00e9, 0x1f512, '\\', 0x7f, 0x1b };
	uint64_t r = rng_next(rng);

	switch (r % 8) {
	case 0: case 1:
		out[0] = (unsigned char)(r >> 8);                         /* any byte */
		return 1;
	case 2:
		out[0] = (unsigned char)((r >> 8) % 0x20);                /* C0 */
		return 1;
	case 3:
		return utf8_put(0x80 + (uint32_t)((r >> 8) % 0x20), out); /* C1, encoded */
	case 4:
		return utf8_put(specials[(r >> 8) % (sizeof specials / sizeof specials[0])], out);
	case 5: {                                                          /* a sequence cut short */
		size_t k = utf8_put(0x80 + (uint32_t)((r >> 8) % 0x10ff80), out);
		return k > 1 ? k - 1 : k;
	}
	case 6:
		out[0] = 0xc0 | (unsigned char)((r >> 8) & 1);            /* overlong */
		out[1] = 0x80 | (unsigned char)((r >> 16) & 0x3f);
		return 2;
	default:
		return utf8_put((uint32_t)((r >> 8) % 0x110000), out);   /* any code point, surrogates included */
	}
}

/* Every byte value alone and in every pair, every code point encoded alone. */
static void property_exhaustive(void **state)
{
	unsigned char in[8];

	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		in[0] = (unsigned char)a;
		check_property(in, 1, true);
		for (unsigned b = 0; b < 256; b++) {
			in[1] = (unsigned char)b;
			check_property(in, 2, false);
		}
	}
	for (uint32_t c = 0; c < 0x110000; c++)
		check_property(in, utf8_put(c, in), false);
}

/* 20000 pseudo-random strings of hostile pieces (fixed seed), each also cut at every size. */
static void property_random(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	unsigned char in[64];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0, want = (size_t)(rng_next(&rng) % 16);

		for (size_t k = 0; k < want; k++)
			n += hostile_piece(&rng, in + n);
		check_property(in, n, true);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(truncates_on_character_boundary),
		cmocka_unit_test(every_byte),
		cmocka_unit_test(property_exhaustive),
		cmocka_unit_test(property_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
