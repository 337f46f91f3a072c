/*
 * decode_der.c: X.500 distinguished names from DER, for the CA name lists
 * of CertificateRequest (TLS 1.2) and certificate_authorities (TLS 1.3);
 * and where an X.509 certificate's fields lie in its DER, for the byte
 * view (decode_cert_ranges: the top-level fields only, no values read).
 *
 * A minimal DER walker: only what a Name holds.
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
 * The structure has a fixed depth, so the walker is three nested loops and
 * never recurses. Every byte is read through the bounds-checked reader;
 * lengths are definite, at most 3 length bytes (a TLS vector cannot be
 * larger). The string is RFC 4514 style: the last RDN first, attributes of
 * one RDN joined by '+', special characters escaped with '\', strings of
 * unknown type as '#' + hex of their DER. Control characters stay raw: the
 * printer sanitizes values.
 */
#include "tlsladder/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DER universal tags used here. */
enum {
	DER_OID = 0x06,
	DER_UTF8 = 0x0c,
	DER_NUMERIC = 0x12,
	DER_PRINTABLE = 0x13,
	DER_T61 = 0x14,
	DER_IA5 = 0x16,
	DER_VISIBLE = 0x1a,
	DER_UNIVERSAL = 0x1c,
	DER_BMP = 0x1e,
	DER_SEQUENCE = 0x30,
	DER_SET = 0x31
};

/* A growing string; oom once an allocation failed (then it stops growing). */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

/* Appends n bytes. */
static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *ns;

		while (cap < b->len + n + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Appends a C string. */
static void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

/* Appends one character. */
static void sb_putc(struct sbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

/* Appends a code point as UTF-8 (U+FFFD for surrogates and values past U+10FFFF). */
static void sb_utf8(struct sbuf *b, unsigned long cp)
{
	char u[4];

	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		sb_putn(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 4);
	}
}

/* True for a character RFC 4514 escapes with a backslash at this position. */
static bool dn_special(unsigned long cp, bool first, bool last)
{
	return cp == ',' || cp == '+' || cp == '"' || cp == '\\' || cp == '<' || cp == '>' || cp == ';' ||
	       (first && (cp == '#' || cp == ' ')) || (last && cp == ' ');
}

/* Appends one code point of an attribute value, escaped as RFC 4514 asks. */
static void sb_dn_char(struct sbuf *b, unsigned long cp, bool first, bool last)
{
	if (cp == 0) {
		sb_puts(b, "\\00");
		return;
	}
	if (dn_special(cp, first, last))
		sb_putc(b, '\\');
	sb_utf8(b, cp);
}

/* Appends one byte of a byte-string value (UTF-8 or legacy 8-bit) as is, escaped where needed. */
static void sb_dn_byte(struct sbuf *b, unsigned c, bool first, bool last)
{
	char ch = (char)c;

	if (c == 0) {
		sb_puts(b, "\\00");
		return;
	}
	if (dn_special(c, first, last))
		sb_putc(b, '\\');
	sb_putn(b, &ch, 1);
}

/* Reads a DER tag and definite length; content becomes a sub-reader. */
static bool der_tlv(struct reader *r, unsigned *tag, struct reader *content)
{
	unsigned t, b, len = 0;

	if (!reader_u8(r, &t))
		return false;
	if ((t & 0x1f) == 0x1f) {             /* high tag number form: skip the number */
		unsigned i = 0;

		do {
			if (!reader_u8(r, &b))
				return false;
			if (++i > 4)
				return reader_fail(r, "DER tag number too long");
		} while (b & 0x80);
	}
	*tag = t;
	if (!reader_u8(r, &b))
		return false;
	if (b == 0x80)
		return reader_fail(r, "DER indefinite length (not allowed)");
	if (b & 0x80) {
		unsigned nb = b & 0x7f;

		if (nb > 3)
			return reader_fail(r, "DER length too large");
		for (unsigned i = 0; i < nb; i++) {
			if (!reader_u8(r, &b))
				return false;
			len = (len << 8) | b;
		}
	} else {
		len = b;
	}
	return reader_sub(r, len, content);
}

/* Reads a TLV that must have tag want. */
static bool der_expect(struct reader *r, unsigned want, struct reader *content, const char *why)
{
	struct reader save = *r;
	unsigned tag;

	if (!der_tlv(r, &tag, content))
		return false;
	if (tag != want) {
		*r = save;
		return reader_fail(r, why);
	}
	return true;
}

/* Short names of the attribute types RFC 4514 and common practice use; DER content of the OID. */
static const struct {
	const char *name;
	size_t len;
	uint8_t der[10];
} dn_oids[] = {
	{ "CN", 3, { 0x55, 0x04, 0x03 } },
	{ "C", 3, { 0x55, 0x04, 0x06 } },
	{ "L", 3, { 0x55, 0x04, 0x07 } },
	{ "ST", 3, { 0x55, 0x04, 0x08 } },
	{ "O", 3, { 0x55, 0x04, 0x0a } },
	{ "OU", 3, { 0x55, 0x04, 0x0b } },
	{ "emailAddress", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 } },
	{ "DC", 10, { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19 } },
};

/* Appends an OID's short name, or its dotted form, reading all of oid. */
static bool dn_oid(struct sbuf *b, struct reader *oid)
{
	struct reader save = *oid;
	const uint8_t *raw;
	size_t n = reader_left(oid);
	uint64_t arc = 0;
	bool first = true;
	char num[48];

	if (n == 0)
		return reader_fail(oid, "empty OID");
	if (!reader_bytes(&save, n, &raw))
		return decode_fail_from(oid, &save);
	for (size_t i = 0; i < sizeof dn_oids / sizeof dn_oids[0]; i++)
		if (dn_oids[i].len == n && memcmp(dn_oids[i].der, raw, n) == 0) {
			sb_puts(b, dn_oids[i].name);
			return reader_skip(oid, n);
		}
	while (reader_left(oid) > 0) {
		unsigned byte;

		reader_u8(oid, &byte);
		if (arc > (UINT64_MAX >> 7))
			return reader_fail(oid, "OID arc too large");
		arc = (arc << 7) | (byte & 0x7f);
		if (byte & 0x80) {
			if (reader_left(oid) == 0)
				return reader_fail(oid, "OID ends inside an arc");
			continue;
		}
		if (first) {
			unsigned top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
			snprintf(num, sizeof num, "%u.%llu", top, (unsigned long long)(arc - 40u * top));
			first = false;
		} else {
			snprintf(num, sizeof num, ".%llu", (unsigned long long)arc);
		}
		sb_puts(b, num);
		arc = 0;
	}
	return true;
}

/* Appends an attribute value: strings decoded and escaped, other types as '#' + hex of the DER. */
static bool dn_value(struct sbuf *b, struct reader *r)
{
	static const char digits[] = "0123456789abcdef";
	struct reader save = *r, v;
	unsigned tag;
	size_t start = reader_pos(r), total;
	const uint8_t *raw;

	if (!der_tlv(r, &tag, &v))
		return false;
	switch (tag) {
	case DER_UTF8: case DER_NUMERIC: case DER_PRINTABLE: case DER_T61: case DER_IA5: case DER_VISIBLE: {
		size_t n = reader_left(&v);
		for (size_t i = 0; i < n; i++) {
			unsigned c;
			reader_u8(&v, &c);
			sb_dn_byte(b, c, i == 0, i + 1 == n);
		}
		return true;
	}
	case DER_BMP: case DER_UNIVERSAL: {
		unsigned w = tag == DER_BMP ? 2 : 4;
		size_t n = reader_left(&v);

		if (n % w)
			return reader_fail(r, tag == DER_BMP ? "BMPString of odd length" : "UniversalString length not a multiple of 4");
		for (size_t i = 0; i < n; i += w) {
			unsigned hi = 0, lo = 0;
			if (w == 4)
				reader_u16(&v, &hi);
			reader_u16(&v, &lo);
			sb_dn_char(b, ((unsigned long)hi << 16) | lo, i == 0, i + w == n);
		}
		return true;
	}
	default:
		total = reader_pos(r) - start;
		if (!reader_bytes(&save, total, &raw))
			return decode_fail_from(r, &save);
		sb_putc(b, '#');
		for (size_t i = 0; i < total; i++) {
			sb_putc(b, digits[raw[i] >> 4]);
			sb_putc(b, digits[raw[i] & 15]);
		}
		return true;
	}
}

/* Decodes one RDN (a SET of type=value) into b. */
static bool dn_rdn(struct sbuf *b, struct reader *set)
{
	bool first = true;

	if (reader_left(set) == 0)
		return reader_fail(set, "empty RDN");
	while (reader_left(set) > 0) {
		struct reader atv, oid;

		if (!der_expect(set, DER_SEQUENCE, &atv, "expected an attribute (SEQUENCE)"))
			return false;
		if (!first)
			sb_putc(b, '+');
		first = false;
		if (!der_expect(&atv, DER_OID, &oid, "expected an attribute type (OID)"))
			return decode_fail_from(set, &atv);
		if (!dn_oid(b, &oid))
			return decode_fail_from(set, &oid);
		sb_putc(b, '=');
		if (!dn_value(b, &atv))
			return decode_fail_from(set, &atv);
		if (reader_left(&atv) > 0) {
			reader_fail(&atv, "unexpected bytes after an attribute value");
			return decode_fail_from(set, &atv);
		}
	}
	return true;
}

/* Reads a DER Name filling all of r; returns an RFC 4514 string. */
char *decode_dn_string(struct reader *r)
{
	struct reader seq;
	struct sbuf b = { NULL, 0, 0, false }, out = { NULL, 0, 0, false };
	size_t *starts = NULL, count = 0, cap = 0;

	if (!der_expect(r, DER_SEQUENCE, &seq, "expected a Name (SEQUENCE)"))
		return NULL;
	if (reader_left(r) > 0) {
		reader_fail(r, "unexpected bytes after a Name");
		return NULL;
	}
	while (reader_left(&seq) > 0) {
		struct reader set;

		if (count == cap) {
			size_t nc = cap ? cap * 2 : 8;
			size_t *ns = realloc(starts, nc * sizeof *ns);
			if (!ns) {
				b.oom = true;
				break;
			}
			starts = ns;
			cap = nc;
		}
		starts[count++] = b.len;
		if (!der_expect(&seq, DER_SET, &set, "expected an RDN (SET)"))
			decode_fail_from(r, &seq);
		else if (!dn_rdn(&b, &set))
			decode_fail_from(r, &set);
		if (r->failed) {
			free(starts);
			free(b.s);
			return NULL;
		}
	}
	/* RFC 4514 order: the last RDN first */
	for (size_t i = count; i-- > 0;) {
		size_t end = i + 1 < count ? starts[i + 1] : b.len;
		if (i + 1 < count)
			sb_putc(&out, ',');
		if (b.s)
			sb_putn(&out, b.s + starts[i], end - starts[i]);
	}
	if (!out.s && !out.oom)
		sb_puts(&out, "");        /* an empty Name is the empty string */
	free(starts);
	free(b.s);
	if (b.oom || out.oom) {
		free(out.s);
		return NULL;
	}
	return out.s;
}

/* A DistinguishedName list as children "CA name 1", ... of node. */
bool decode_ca_names(struct tree_node *node, struct reader *r)
{
	struct reader list;
	unsigned i = 0;

	if (!reader_vec(r, 2, &list))
		return false;
	while (reader_left(&list) > 0) {
		struct reader dn;
		size_t at = reader_pos(&list);
		char lbl[32], *s;

		if (!reader_vec(&list, 2, &dn))
			return decode_fail_from(r, &list);
		snprintf(lbl, sizeof lbl, "CA name %u", ++i);
		s = decode_dn_string(&dn);
		if (!s && dn.failed)
			return decode_fail_from(r, &dn);
		tree_range(tree_add(node, lbl, s ? s : "(out of memory)"), at, reader_pos(&list) - at);
		free(s);
	}
	if (i == 0)
		decode_set_value(node, "empty: any CA");
	else
		decode_set_value(node, "%u name%s", i, i == 1 ? "" : "s");
	return true;
}

/* ------------------------------------------------------------------ */
/* Where an X.509 certificate's fields lie (for the byte view). */

/* Reads the next TLV of r into its range (tag start to end); true when it has tag want (then it is read). */
static bool cert_field(struct reader *r, unsigned want, struct reader *content, struct decode_range *out)
{
	struct reader save = *r;
	size_t at = reader_pos(r);
	unsigned tag;

	if (reader_left(r) == 0 || !der_tlv(r, &tag, content) || tag != want) {
		*r = save;
		return false;
	}
	out->off = at;
	out->len = reader_pos(r) - at;
	return true;
}

/* The extensions that have a field of their own in the certificate view. */
static void cert_extensions(struct reader *exts, struct decode_cert_ranges *out)
{
	static const uint8_t ku[] = { 0x55, 0x1d, 0x0f }, eku[] = { 0x55, 0x1d, 0x25 }, bc[] = { 0x55, 0x1d, 0x13 },
			     san[] = { 0x55, 0x1d, 0x11 };
	struct reader list, ext, oid;
	struct decode_range whole, o;

	if (!cert_field(exts, DER_SEQUENCE, &list, &whole))
		return;
	for (unsigned guard = 0; guard < 256 && cert_field(&list, DER_SEQUENCE, &ext, &whole); guard++) {
		const uint8_t *p;
		size_t n;

		if (!cert_field(&ext, DER_OID, &oid, &o))
			continue;
		n = reader_left(&oid);
		if (n != 3 || !reader_bytes(&oid, n, &p))
			continue;
		if (memcmp(p, ku, 3) == 0)
			out->key_usage = whole;
		else if (memcmp(p, eku, 3) == 0)
			out->ext_key_usage = whole;
		else if (memcmp(p, bc, 3) == 0)
			out->basic_constraints = whole;
		else if (memcmp(p, san, 3) == 0)
			out->subject_alt_names = whole;
	}
}

/* Where an X.509 certificate's fields lie in its DER. */
bool decode_cert_ranges(const uint8_t *der, size_t n, struct decode_cert_ranges *out)
{
	struct reader r, cert, tbs, val, skip;
	struct decode_range whole, alg;

	memset(out, 0, sizeof *out);
	reader_init(&r, der, n);
	if (!cert_field(&r, DER_SEQUENCE, &cert, &whole) || !cert_field(&cert, DER_SEQUENCE, &tbs, &whole))
		return false;
	cert_field(&tbs, 0xa0, &skip, &out->version);
	if (!cert_field(&tbs, 0x02, &skip, &out->serial) || !cert_field(&tbs, DER_SEQUENCE, &skip, &alg) ||
	    !cert_field(&tbs, DER_SEQUENCE, &skip, &out->issuer) ||
	    !cert_field(&tbs, DER_SEQUENCE, &val, &out->validity))
		return false;
	if (!cert_field(&val, 0x17, &skip, &out->not_before))
		cert_field(&val, 0x18, &skip, &out->not_before);
	if (!cert_field(&val, 0x17, &skip, &out->not_after))
		cert_field(&val, 0x18, &skip, &out->not_after);
	if (!cert_field(&tbs, DER_SEQUENCE, &skip, &out->subject) ||
	    !cert_field(&tbs, DER_SEQUENCE, &skip, &out->public_key))
		return false;
	cert_field(&tbs, 0x81, &skip, &whole);           /* issuerUniqueID, subjectUniqueID: no field */
	cert_field(&tbs, 0x82, &skip, &whole);
	if (cert_field(&tbs, 0xa3, &skip, &out->extensions))
		cert_extensions(&skip, out);
	cert_field(&cert, DER_SEQUENCE, &skip, &out->signature_algorithm);
	cert_field(&cert, 0x03, &skip, &out->signature);
	return true;
}
