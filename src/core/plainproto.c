/*
 * plainproto.c: the STARTTLS scripts of the application protocols and the
 * parsers of their servers' replies (see plainproto.h). A text line is
 * (pointer, length) from the network; the binary answers (PostgreSQL's one
 * byte, LDAP's BER ExtendedResponse) are read through the reader.
 */
#include "tlsladder/plainproto.h"
#include "tlsladder/reader.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

#include <stdio.h>
#include <string.h>

/* The scripts, in enum tl_starttls_proto order (index = proto - 1). */
static const struct plainproto scripts[] = {
	{ TL_STARTTLS_SMTP, "smtp", "SMTP", "25", PLAINPROTO_CODES, true, false, "EHLO tlsladder", "STARTTLS", "QUIT",
	  "STARTTLS", 220, 250, 220 },
	{ TL_STARTTLS_LMTP, "lmtp", "LMTP", "24", PLAINPROTO_CODES, true, false, "LHLO tlsladder", "STARTTLS", "QUIT",
	  "STARTTLS", 220, 250, 220 },
	{ TL_STARTTLS_IMAP, "imap", "IMAP", "143", PLAINPROTO_TAGGED, true, false, "a1 CAPABILITY", "a2 STARTTLS",
	  "a3 LOGOUT", "STARTTLS", 0, 0, 0 },
	{ TL_STARTTLS_POP3, "pop3", "POP3", "110", PLAINPROTO_POP3, true, false, "CAPA", "STLS", "QUIT", "STLS", 0, 0, 0 },
	{ TL_STARTTLS_FTP, "ftp", "FTP", "21", PLAINPROTO_CODES, true, false, "FEAT", "AUTH TLS", "QUIT", "AUTH TLS", 220,
	  211, 234 },
	{ TL_STARTTLS_XMPP, "xmpp", "XMPP", "5222", PLAINPROTO_XMPP, false, false, NULL,
	  "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "</stream:stream>", "<starttls", 0, 0, 0 },
	{ TL_STARTTLS_POSTGRES, "postgres", "PostgreSQL", "5432", PLAINPROTO_POSTGRES, false, false, NULL, NULL, NULL,
	  NULL, 0, 0, 0 },
	{ TL_STARTTLS_LDAP, "ldap", "LDAP", "389", PLAINPROTO_LDAP, false, false, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ TL_STARTTLS_SIEVE, "sieve", "ManageSieve", "4190", PLAINPROTO_SIEVE, true, true, NULL, "STARTTLS", "LOGOUT",
	  "\"STARTTLS\"", 0, 0, 0 },
};

#define NSCRIPTS (sizeof scripts / sizeof scripts[0])

/* The script called name. */
const struct plainproto *plainproto_find(const char *name)
{
	for (size_t i = 0; name && i < NSCRIPTS; i++)
		if (strcmp(scripts[i].name, name) == 0)
			return &scripts[i];
	return NULL;
}

/* The script of proto. */
const struct plainproto *plainproto_of(enum tl_starttls_proto proto)
{
	return proto >= TL_STARTTLS_SMTP && (size_t)proto <= NSCRIPTS ? &scripts[proto - 1] : NULL;
}

/* The names, for messages. */
const char *plainproto_names(void)
{
	return "smtp, lmtp, imap, pop3, ftp, xmpp, postgres, ldap, sieve";
}

/* True when the n bytes at s begin with word (ASCII case ignored), followed by the end, a space or what `after` allows. */
static bool starts_word(const char *s, size_t n, const char *word, const char *after)
{
	size_t w = strlen(word);

	if (n < w)
		return false;
	for (size_t i = 0; i < w; i++) {
		char a = s[i], b = word[i];
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 'a' + 'A');
		if (b >= 'a' && b <= 'z')
			b = (char)(b - 'a' + 'A');
		if (a != b)
			return false;
	}
	return n == w || s[w] == ' ' || (after && strchr(after, s[w]) && s[w]);
}

/* The three-digit code a line starts with, or 0. */
static unsigned line_code(const char *s, size_t n)
{
	if (n < 3 || s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return 0;
	if (n > 3 && s[3] != ' ' && s[3] != '-')
		return 0;
	return (unsigned)((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
}

/* SMTP, LMTP, FTP: "NNN-" goes on (FTP's list lines may have no code), "NNN " ends. */
static enum plainproto_verdict codes_line(const struct plainproto *p, enum plainproto_step step,
					  struct plainproto_reply *st, const char *s, size_t n)
{
	unsigned code = line_code(s, n), want = step == PLAINPROTO_GREETING ? p->greet_code
					      : step == PLAINPROTO_HELLO || step == PLAINPROTO_AFTER_TLS ? p->hello_code
					      : p->starttls_code;

	if (st->lines > 1) {
		if (!code)
			return PLAINPROTO_MORE;          /* an entry of FTP's FEAT list (" AUTH TLS") */
		if (code != st->code)
			return PLAINPROTO_UNEXPECTED;
	} else {
		if (!code)
			return PLAINPROTO_UNEXPECTED;
		st->code = code;
	}
	if (n > 3 && s[3] == '-')
		return PLAINPROTO_MORE;
	if (code == want)
		return PLAINPROTO_OK;
	/* a 4xx or 5xx answer to the STARTTLS request is its refusal; over TLS, the refusal of the client */
	return (step == PLAINPROTO_STARTTLS || step == PLAINPROTO_AFTER_TLS) && code >= 400 ? PLAINPROTO_REFUSED
											     : PLAINPROTO_UNEXPECTED;
}

/* IMAP: "* ..." goes on, "TAG OK" ends well, "TAG NO|BAD" ends badly. */
static enum plainproto_verdict tagged_line(const struct plainproto *p, enum plainproto_step step, const char *s,
					   size_t n)
{
	const char *cmd = step == PLAINPROTO_HELLO ? p->hello : p->starttls;
	size_t tl = strcspn(cmd, " ");

	if (step == PLAINPROTO_GREETING)
		return starts_word(s, n, "* OK", NULL) ? PLAINPROTO_OK : PLAINPROTO_UNEXPECTED;
	if (n >= 2 && s[0] == '*' && s[1] == ' ')
		return PLAINPROTO_MORE;
	if (n <= tl || memcmp(s, cmd, tl) != 0 || s[tl] != ' ')
		return PLAINPROTO_UNEXPECTED;
	s += tl + 1;
	n -= tl + 1;
	if (starts_word(s, n, "OK", NULL))
		return PLAINPROTO_OK;
	if (step == PLAINPROTO_STARTTLS && (starts_word(s, n, "NO", NULL) || starts_word(s, n, "BAD", NULL)))
		return PLAINPROTO_REFUSED;
	return PLAINPROTO_UNEXPECTED;
}

/* POP3: "+OK" or "-ERR"; CAPA's "+OK" opens a list that a "." line ends. */
static enum plainproto_verdict pop3_line(enum plainproto_step step, struct plainproto_reply *st, const char *s,
					 size_t n)
{
	if (st->listing)
		return n == 1 && s[0] == '.' ? PLAINPROTO_OK : PLAINPROTO_MORE;
	if (starts_word(s, n, "+OK", NULL)) {
		st->listing = step == PLAINPROTO_HELLO;
		return st->listing ? PLAINPROTO_MORE : PLAINPROTO_OK;
	}
	if (starts_word(s, n, "-ERR", NULL))
		/* a server without CAPA lists nothing: the script goes on, finding no STLS */
		return step == PLAINPROTO_HELLO ? PLAINPROTO_OK : step == PLAINPROTO_STARTTLS ? PLAINPROTO_REFUSED
											  : PLAINPROTO_UNEXPECTED;
	return PLAINPROTO_UNEXPECTED;
}

/* ManageSieve: quoted capability lines go on; OK ends well, NO or BYE badly. */
static enum plainproto_verdict sieve_line(enum plainproto_step step, const char *s, size_t n)
{
	if (n > 0 && s[0] == '"' && step != PLAINPROTO_STARTTLS)
		return PLAINPROTO_MORE;
	if (starts_word(s, n, "OK", NULL))
		return PLAINPROTO_OK;
	if (step == PLAINPROTO_STARTTLS && (starts_word(s, n, "NO", NULL) || starts_word(s, n, "BYE", NULL)))
		return PLAINPROTO_REFUSED;
	return PLAINPROTO_UNEXPECTED;
}

/* XMPP: each tag is a "line"; the features end with </stream:features>; <proceed/> or <failure/> answers. */
static enum plainproto_verdict xmpp_line(enum plainproto_step step, const char *s, size_t n)
{
	if (n == 0 || s[0] != '<')      /* text inside an element ("PLAIN</mechanism>") */
		return step == PLAINPROTO_STARTTLS ? PLAINPROTO_UNEXPECTED : PLAINPROTO_MORE;
	if (starts_word(s, n, "<stream:error", ">"))
		return step == PLAINPROTO_STARTTLS ? PLAINPROTO_REFUSED : PLAINPROTO_UNEXPECTED;
	if (step == PLAINPROTO_STARTTLS) {
		if (starts_word(s, n, "<proceed", "/>"))
			return PLAINPROTO_OK;
		return starts_word(s, n, "<failure", "/>") ? PLAINPROTO_REFUSED : PLAINPROTO_UNEXPECTED;
	}
	return starts_word(s, n, "</stream:features", ">") ? PLAINPROTO_OK : PLAINPROTO_MORE;
}

/* Classifies one line of a reply. */
enum plainproto_verdict plainproto_line(const struct plainproto *p, enum plainproto_step step,
					struct plainproto_reply *st, const char *line, size_t n)
{
	st->lines++;
	if (n > 0 && memchr(line, '\0', n))
		return PLAINPROTO_UNEXPECTED;     /* text protocols carry no NUL */
	switch (p->style) {
	case PLAINPROTO_CODES: return codes_line(p, step, st, line, n);
	case PLAINPROTO_TAGGED: return tagged_line(p, step, line, n);
	case PLAINPROTO_POP3: return pop3_line(step, st, line, n);
	case PLAINPROTO_SIEVE: return sieve_line(step, line, n);
	case PLAINPROTO_XMPP: return xmpp_line(step, line, n);
	default: return PLAINPROTO_UNEXPECTED;
	}
}

/* True when the rest of an FTP "AUTH" feature line lists TLS ("AUTH SSL;TLS", "AUTH TLS-C;TLS"). */
static bool lists_tls(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] == ' ' || s[i] == ';') && starts_word(s + i + 1, n - i - 1, "TLS", ";"))
			return true;
	return false;
}

/* True when the IMAP line "* CAPABILITY a b c" lists word among its tokens. */
static bool imap_lists(const char *s, size_t n, const char *word)
{
	size_t i;

	if (!starts_word(s, n, "* CAPABILITY", NULL))
		return false;
	for (i = 12; i < n;) {
		while (i < n && s[i] == ' ')
			i++;
		if (starts_word(s + i, n - i, word, NULL))
			return true;
		while (i < n && s[i] != ' ')
			i++;
	}
	return false;
}

/* True when a capability line offers STARTTLS. */
bool plainproto_offers(const struct plainproto *p, const char *line, size_t n)
{
	if (!p->offer)
		return false;
	switch (p->style) {
	case PLAINPROTO_CODES:
		/* "250-STARTTLS" (SMTP), " AUTH TLS" (FTP's FEAT list) */
		if (line_code(line, n))
			return n > 4 && starts_word(line + 4, n - 4, p->offer, NULL);
		while (n > 0 && *line == ' ') {
			line++;
			n--;
		}
		return starts_word(line, n, p->offer, NULL) ||
		       (p->proto == TL_STARTTLS_FTP && starts_word(line, n, "AUTH", NULL) && lists_tls(line + 4, n - 4));
	case PLAINPROTO_TAGGED:
		return imap_lists(line, n, p->offer);
	case PLAINPROTO_XMPP:
		return starts_word(line, n, p->offer, ">/");
	default:
		return starts_word(line, n, p->offer, NULL);
	}
}

/* The capability a line names. */
void plainproto_cap_name(const struct plainproto *p, const char *line, size_t n, bool first, char *buf, size_t len)
{
	size_t skip = 0, end = n;

	buf[0] = '\0';
	switch (p->style) {
	case PLAINPROTO_CODES:
		if (line_code(line, n)) {
			if (first || p->proto == TL_STARTTLS_FTP)
				return;           /* SMTP: the server's name; FTP: "211-Features:", "211 End" */
			skip = n > 4 ? 4 : n;
		}
		break;
	case PLAINPROTO_TAGGED:
		if (!starts_word(line, n, "* CAPABILITY", NULL))
			return;
		skip = n > 13 ? 13 : n;
		break;
	case PLAINPROTO_POP3:
		if (starts_word(line, n, "+OK", NULL) || (n == 1 && line[0] == '.'))
			return;
		break;
	case PLAINPROTO_SIEVE:
		if (n == 0 || line[0] != '"')
			return;
		break;
	case PLAINPROTO_XMPP:
		/* an opening tag's name (not a prefixed one such as the stream's own tags) */
		end = 0;
		while (end < n && line[end] != ' ' && line[end] != '/' && line[end] != '>')
			end++;
		if (n < 2 || line[0] != '<' || line[1] == '/' || line[1] == '?' || memchr(line, ':', end) != NULL)
			return;
		skip = 1;
		break;
	default:
		return;
	}
	while (skip < end && line[skip] == ' ')
		skip++;
	snprintf(buf, len, "%.*s", (int)(end - skip), line + skip);
}

/* ---------------------------------------------------------------- PostgreSQL */

/* Int32 length 8, Int32 code 80877103 (1234 in the high half, 5679 in the low). */
const uint8_t plainproto_pg_sslrequest[PLAINPROTO_PG_SSLREQUEST_LEN] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };

/* The server's one-byte answer. */
enum plainproto_verdict plainproto_pg_answer(uint8_t b, char *buf, size_t n)
{
	if (b == 'S') {
		snprintf(buf, n, "S (will speak TLS)");
		return PLAINPROTO_OK;
	}
	if (b == 'N') {
		snprintf(buf, n, "N (will not speak TLS)");
		return PLAINPROTO_REFUSED;
	}
	if (b == 'E')
		snprintf(buf, n, "E (an ErrorResponse, not an answer to SSLRequest)");
	else if (b >= 0x20 && b < 0x7f)
		snprintf(buf, n, "%c (0x%02x: not an answer to SSLRequest)", b, b);
	else
		snprintf(buf, n, "0x%02x (not an answer to SSLRequest)", b);
	return PLAINPROTO_UNEXPECTED;
}

/* ---------------------------------------------------------------- LDAP */

/* SEQUENCE { messageID 1, [APPLICATION 23] { [0] "1.3.6.1.4.1.1466.20037" } } */
const uint8_t plainproto_ldap_starttls[31] = { 0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, '1', '.', '3',
					      '.', '6', '.', '1', '.', '4', '.', '1', '.', '1', '4', '6', '6', '.',
					      '2', '0', '0', '3', '7' };
/* SEQUENCE { messageID 2, [APPLICATION 2] NULL } */
const uint8_t plainproto_ldap_unbind[7] = { 0x30, 0x05, 0x02, 0x01, 0x02, 0x42, 0x00 };

/* The length of the BER SEQUENCE starting at p. */
long plainproto_ber_length(const uint8_t *p, size_t n, size_t max)
{
	size_t len = 0, hdr;

	if (n < 1)
		return 0;
	if (p[0] != 0x30)
		return -1;
	if (n < 2)
		return 0;
	if (p[1] < 0x80) {
		len = p[1];
		hdr = 2;
	} else {
		unsigned k = p[1] & 0x7fu;
		if (k == 0 || k > 3)
			return -1;
		if (n < 2 + (size_t)k)
			return 0;
		for (unsigned i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		hdr = 2 + k;
	}
	return hdr + len > max ? -1 : (long)(hdr + len);
}

/* Reads a BER tag and definite length (short or long form, up to 3 bytes) into a sub-reader. */
static bool ber_tlv(struct reader *r, unsigned *tag, struct reader *sub)
{
	unsigned b, len = 0;

	if (!reader_u8(r, tag) || !reader_u8(r, &b))
		return false;
	if (b & 0x80) {
		unsigned k = b & 0x7f;
		if (k == 0 || k > 3)
			return reader_fail(r, "BER length");
		for (unsigned i = 0; i < k; i++) {
			unsigned v;
			if (!reader_u8(r, &v))
				return false;
			len = len << 8 | v;
		}
	} else {
		len = b;
	}
	return reader_sub(r, len, sub);
}

/* A small BER INTEGER or ENUMERATED of tag want. */
static bool ber_uint(struct reader *r, unsigned want, unsigned *v)
{
	struct reader sub;
	unsigned tag, b;

	if (!ber_tlv(r, &tag, &sub))
		return false;
	if (tag != want || reader_left(&sub) < 1 || reader_left(&sub) > 4)
		return reader_fail(r, "an INTEGER");
	*v = 0;
	while (reader_left(&sub) && reader_u8(&sub, &b))
		*v = *v << 8 | b;
	return true;
}

/* Decodes an LDAPMessage holding an ExtendedResponse. */
bool plainproto_ldap_response(const uint8_t *p, size_t n, struct plainproto_ldap *out, const char **why)
{
	struct reader r, msg, op, s;
	unsigned tag;
	const uint8_t *b;

	memset(out, 0, sizeof *out);
	reader_init(&r, p, n);
	if (!ber_tlv(&r, &tag, &msg) || tag != 0x30 || !ber_uint(&msg, 0x02, &out->msgid) ||
	    !ber_tlv(&msg, &out->op, &op)) {
		*why = r.failed ? r.why : msg.failed ? msg.why : "an LDAPMessage SEQUENCE";
		return false;
	}
	if (out->op != 0x78)
		return true;       /* another operation: the caller says so */
	if (!ber_uint(&op, 0x0a, &out->result) || !ber_tlv(&op, &tag, &s) || tag != 0x04 ||
	    !ber_tlv(&op, &tag, &s) || tag != 0x04) {
		*why = op.failed ? op.why : "an LDAPResult";
		return false;
	}
	if (reader_bytes(&s, reader_left(&s), &b)) {
		size_t k = 0, len = s.n < sizeof out->message - 1 ? s.n : sizeof out->message - 1;
		for (size_t i = 0; i < len; i++)
			if (b[i])
				out->message[k++] = (char)b[i];
		out->message[k] = '\0';
	}
	return true;
}

/* The names of the common resultCodes (RFC 4511 4.1.9). */
const char *plainproto_ldap_result_name(unsigned code)
{
	switch (code) {
	case 0: return "success";
	case 1: return "operationsError";
	case 2: return "protocolError";
	case 12: return "unavailableCriticalExtension";
	case 13: return "confidentialityRequired";
	case 50: return "insufficientAccessRights";
	case 51: return "busy";
	case 52: return "unavailable";
	case 53: return "unwillingToPerform";
	case 80: return "other";
	default: return NULL;
	}
}

/* An LDAP answer in words. */
enum plainproto_verdict plainproto_ldap_words(const uint8_t *p, size_t n, char *buf, size_t len)
{
	struct plainproto_ldap m;
	const char *why = "", *name;

	if (!plainproto_ldap_response(p, n, &m, &why)) {
		snprintf(buf, len, "malformed LDAP message (%zu bytes; could not read %s)", n, why ? why : "it");
		return PLAINPROTO_UNEXPECTED;
	}
	if (m.op != 0x78) {
		snprintf(buf, len, "LDAP message %u, operation 0x%02x (not an ExtendedResponse)", m.msgid, m.op);
		return PLAINPROTO_UNEXPECTED;
	}
	name = plainproto_ldap_result_name(m.result);
	snprintf(buf, len, "ExtendedResponse: %s (%u)%s%s", name ? name : "resultCode", m.result, m.message[0] ? ": " : "",
		 m.message);
	if (m.msgid != 1)
		return PLAINPROTO_UNEXPECTED;
	return m.result == 0 ? PLAINPROTO_OK : PLAINPROTO_REFUSED;
}

/* ---------------------------------------------------------------- rows */

/* A role in words. */
const char *plainproto_role_words(enum tl_plain_role role)
{
	switch (role) {
	case TL_PLAIN_GREETING: return "the server's greeting";
	case TL_PLAIN_HELLO: return "the client asks for the server's capabilities";
	case TL_PLAIN_CAPS: return "a line of the server's capability list";
	case TL_PLAIN_STARTTLS: return "the client asks to start TLS";
	case TL_PLAIN_READY: return "the server agrees: TLS starts now";
	case TL_PLAIN_REFUSED: return "the server refuses to start TLS";
	case TL_PLAIN_UNEXPECTED: return "a reply that makes no sense at this point";
	case TL_PLAIN_QUIT: return "the client ends the session";
	default: return "a line of the plaintext exchange";
	}
}

/* The tree of a plaintext row. */
struct tree_node *plainproto_tree(const struct tl_event *ev)
{
	const struct plainproto *p = plainproto_of(ev->note.proto);
	struct tree_node *t = tree_new(ev->note.in_tls ? "inside TLS" : "plaintext", ev->text ? ev->text : "");

	tree_add(t, "line", ev->text ? ev->text : "");
	tree_add(t, "direction", ev->from == TL_CLIENT ? "client -> server" : "server -> client");
	tree_add(t, "protocol", p ? p->label : "unknown");
	tree_add(t, "role", plainproto_role_words(ev->note.role));
	if (ev->note.role == TL_PLAIN_CAPS)
		tree_add(t, "STARTTLS offered", ev->note.offers ? "yes, on this line"
						: ev->note.offered ? "yes (on another line)" : "no, not in this list");
	tree_add(t, "encrypted", ev->note.in_tls ? "yes: sent inside TLS, after the handshake"
					      : "no: anyone on the path can read and change it");
	tree_addf(t, "bytes", "%zu", ev->body_total > ev->body_len ? ev->body_total : ev->body_len);
	if (ev->body && ev->body_len)
		tree_add_hex(t, "raw", ev->body, ev->body_len);
	return t;
}
