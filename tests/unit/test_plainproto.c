/*
 * test_plainproto: the STARTTLS scripts and their reply parsers, table by
 * table: each line of a reply with the verdict it must get, the capability
 * lines that offer STARTTLS, the names they list, PostgreSQL's answer and
 * LDAP's BER ExtendedResponse (whole, cut at every length, and corrupted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tlsladder/plainproto.h"
#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

/* One reply: its lines (NULL-terminated) and the verdict of each. */
struct reply_case {
	const char *proto;
	enum plainproto_step step;
	const char *lines[8];
	enum plainproto_verdict want[8];
};

#define M PLAINPROTO_MORE
#define OK PLAINPROTO_OK
#define NO PLAINPROTO_REFUSED
#define BAD PLAINPROTO_UNEXPECTED
#define G PLAINPROTO_GREETING
#define H PLAINPROTO_HELLO
#define S PLAINPROTO_STARTTLS

static const struct reply_case replies[] = {
	{ "smtp", G, { "220 mail.example.test ESMTP" }, { OK } },
	{ "smtp", G, { "220-first", "220 second" }, { M, OK } },
	{ "smtp", G, { "554 5.3.2 No service here" }, { BAD } },
	{ "smtp", G, { "* OK IMAP" }, { BAD } },
	{ "smtp", H, { "250-mail", "250-PIPELINING", "250-STARTTLS", "250 8BITMIME" }, { M, M, M, OK } },
	{ "smtp", H, { "250-mail", "251 other code" }, { M, BAD } },
	{ "smtp", H, { "502 5.5.2 EHLO not implemented" }, { BAD } },
	{ "smtp", S, { "220 2.0.0 Ready to start TLS" }, { OK } },
	{ "smtp", S, { "454 4.7.0 TLS not available" }, { NO } },
	{ "smtp", S, { "501 5.5.4 Syntax error" }, { NO } },
	{ "smtp", S, { "250 what" }, { BAD } },
	{ "smtp", S, { "22" }, { BAD } },
	{ "lmtp", H, { "250-vm", "250 STARTTLS" }, { M, OK } },
	{ "ftp", G, { "220 fake FTP" }, { OK } },
	{ "ftp", H, { "211-Features:", " AUTH TLS", " PBSZ", "211 End" }, { M, M, M, OK } },
	{ "ftp", S, { "234 Proceed with negotiation." }, { OK } },
	{ "ftp", S, { "534 Request denied for policy reasons." }, { NO } },
	{ "imap", G, { "* OK [CAPABILITY IMAP4rev1] ready" }, { OK } },
	{ "imap", G, { "* BYE go away" }, { BAD } },
	{ "imap", H, { "* CAPABILITY IMAP4rev1 STARTTLS", "a1 OK done" }, { M, OK } },
	{ "imap", H, { "a1 BAD what" }, { BAD } },
	{ "imap", H, { "a9 OK other tag" }, { BAD } },
	{ "imap", S, { "a2 OK Begin TLS" }, { OK } },
	{ "imap", S, { "a2 NO not now" }, { NO } },
	{ "imap", S, { "a2 BAD no" }, { NO } },
	{ "pop3", G, { "+OK ready" }, { OK } },
	{ "pop3", G, { "-ERR go away" }, { BAD } },
	{ "pop3", H, { "+OK", "STLS", "USER", "." }, { M, M, M, OK } },
	{ "pop3", H, { "-ERR no CAPA" }, { OK } },
	{ "pop3", S, { "+OK Begin TLS" }, { OK } },
	{ "pop3", S, { "-ERR not now" }, { NO } },
	{ "sieve", G, { "\"IMPLEMENTATION\" \"Dovecot\"", "\"STARTTLS\"", "OK \"ready\"" }, { M, M, OK } },
	{ "sieve", G, { "BYE \"busy\"" }, { BAD } },
	{ "sieve", S, { "OK \"Begin TLS\"" }, { OK } },
	{ "sieve", S, { "NO \"not now\"" }, { NO } },
	{ "xmpp", H, { "<?xml version='1.0'?>", "<stream:features>", "PLAIN</mechanism>", "</stream:features>" },
	  { M, M, M, OK } },
	{ "xmpp", H, { "<stream:error>" }, { BAD } },
	{ "xmpp", S, { "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" }, { OK } },
	{ "xmpp", S, { "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" }, { NO } },
	{ "xmpp", S, { "<message/>" }, { BAD } },
};

/* Every line of every reply gets its verdict. */
static void reply_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
		const struct reply_case *c = &replies[i];
		const struct plainproto *p = plainproto_find(c->proto);
		struct plainproto_reply st;

		assert_non_null(p);
		memset(&st, 0, sizeof st);
		for (int k = 0; c->lines[k]; k++) {
			enum plainproto_verdict v = plainproto_line(p, c->step, &st, c->lines[k], strlen(c->lines[k]));
			if (v != c->want[k])
				fail_msg("%s step %d line \"%s\": verdict %d, wanted %d", c->proto, (int)c->step, c->lines[k],
					 (int)v, (int)c->want[k]);
		}
	}
}

/* A NUL inside a text line is never a valid line. */
static void nul_in_line(void **state)
{
	const struct plainproto *p = plainproto_find("smtp");
	struct plainproto_reply st;

	(void)state;
	memset(&st, 0, sizeof st);
	assert_int_equal(plainproto_line(p, PLAINPROTO_GREETING, &st, "220 a\0b", 7), PLAINPROTO_UNEXPECTED);
}

/* Which capability lines offer STARTTLS, and the name each lists. */
static void offers_and_names(void **state)
{
	static const struct {
		const char *proto, *line;
		bool first, offers;
		const char *name;
	} cases[] = {
		{ "smtp", "250-STARTTLS", false, true, "STARTTLS" },
		{ "smtp", "250 starttls", false, true, "starttls" },
		{ "smtp", "250-STARTTLSX", false, false, "STARTTLSX" },
		{ "smtp", "250-mail.example.test", true, false, "" },
		{ "smtp", "250-SIZE 10240000", false, false, "SIZE 10240000" },
		{ "ftp", " AUTH TLS", false, true, "AUTH TLS" },
		{ "ftp", " AUTH SSL;TLS", false, true, "AUTH SSL;TLS" },
		{ "ftp", " AUTH SSL", false, false, "AUTH SSL" },
		{ "ftp", "211-Features:", true, false, "" },
		{ "imap", "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN", false, true, "IMAP4rev1 STARTTLS AUTH=PLAIN" },
		{ "imap", "* CAPABILITY IMAP4rev1 LOGINDISABLED", false, false, "IMAP4rev1 LOGINDISABLED" },
		{ "imap", "a1 OK done", false, false, "" },
		{ "pop3", "STLS", false, true, "STLS" },
		{ "pop3", "+OK", true, false, "" },
		{ "pop3", ".", false, false, "" },
		{ "sieve", "\"STARTTLS\"", true, true, "\"STARTTLS\"" },
		{ "sieve", "OK \"ready\"", false, false, "" },
		{ "xmpp", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>", false, true, "starttls" },
		{ "xmpp", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", false, true, "starttls" },
		{ "xmpp", "<stream:features>", false, false, "" },
		{ "xmpp", "<mechanisms xmlns='x'>", false, false, "mechanisms" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct plainproto *p = plainproto_find(cases[i].proto);
		char name[128];

		if (plainproto_offers(p, cases[i].line, strlen(cases[i].line)) != cases[i].offers)
			fail_msg("%s \"%s\": offers should be %d", cases[i].proto, cases[i].line, cases[i].offers);
		plainproto_cap_name(p, cases[i].line, strlen(cases[i].line), cases[i].first, name, sizeof name);
		assert_string_equal(name, cases[i].name);
	}
}

/* The scripts: names, default ports, unknown names. */
static void scripts(void **state)
{
	static const char *const names[] = { "smtp", "lmtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap", "sieve" };
	static const char *const ports[] = { "25", "24", "143", "110", "21", "5222", "5432", "389", "4190" };

	(void)state;
	for (size_t i = 0; i < 9; i++) {
		const struct plainproto *p = plainproto_find(names[i]);
		assert_non_null(p);
		assert_string_equal(p->port, ports[i]);
		assert_ptr_equal(plainproto_of(p->proto), p);
	}
	assert_null(plainproto_find("gopher"));
	assert_null(plainproto_find(NULL));
	assert_null(plainproto_of(TL_STARTTLS_NONE));
	assert_null(plainproto_of((enum tl_starttls_proto)99));
}

/* PostgreSQL's answer byte. */
static void postgres_answer(void **state)
{
	char w[64];

	(void)state;
	assert_int_equal(plainproto_pg_answer('S', w, sizeof w), PLAINPROTO_OK);
	assert_string_equal(w, "S (will speak TLS)");
	assert_int_equal(plainproto_pg_answer('N', w, sizeof w), PLAINPROTO_REFUSED);
	assert_string_equal(w, "N (will not speak TLS)");
	assert_int_equal(plainproto_pg_answer('E', w, sizeof w), PLAINPROTO_UNEXPECTED);
	assert_string_equal(w, "E (an ErrorResponse, not an answer to SSLRequest)");
	assert_int_equal(plainproto_pg_answer(0x16, w, sizeof w), PLAINPROTO_UNEXPECTED);
	assert_string_equal(w, "0x16 (not an answer to SSLRequest)");
	assert_int_equal(plainproto_pg_sslrequest[3], 8);
}

static const uint8_t ldap_ok[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
static const uint8_t ldap_busy[] = { 0x30, 0x15, 0x02, 0x01, 0x01, 0x78, 0x10, 0x0a, 0x01, 0x34, 0x04, 0x00,
				     0x04, 0x09, 'n', 'o', ' ', 'T', 'L', 'S', ' ', 'h', 'i' };

/* LDAP: the ExtendedResponse, its length, and every cut and corrupted copy of it. */
static void ldap_response(void **state)
{
	char w[PLAINPROTO_LINE_MAX];
	uint8_t bad[sizeof ldap_busy];

	(void)state;
	assert_int_equal(plainproto_ber_length(ldap_ok, sizeof ldap_ok, 512), (long)sizeof ldap_ok);
	assert_int_equal(plainproto_ber_length(ldap_ok, 1, 512), 0);
	assert_int_equal(plainproto_ber_length((const uint8_t *)"\x31\x00", 2, 512), -1);
	assert_int_equal(plainproto_ber_length((const uint8_t *)"\x30\x84\xff\xff\xff\xff", 6, 512), -1);
	assert_int_equal(plainproto_ber_length((const uint8_t *)"\x30\x82\x10\x00", 4, 512), -1);
	assert_int_equal(plainproto_ldap_words(ldap_ok, sizeof ldap_ok, w, sizeof w), PLAINPROTO_OK);
	assert_string_equal(w, "ExtendedResponse: success (0)");
	assert_int_equal(plainproto_ldap_words(ldap_busy, sizeof ldap_busy, w, sizeof w), PLAINPROTO_REFUSED);
	assert_string_equal(w, "ExtendedResponse: unavailable (52): no TLS hi");
	for (size_t n = 0; n < sizeof ldap_busy; n++) {
		/* cut short: malformed, never a success */
		assert_int_not_equal(plainproto_ldap_words(ldap_busy, n, w, sizeof w), PLAINPROTO_OK);
		assert_non_null(memchr(w, '\0', sizeof w));
	}
	for (size_t i = 0; i < sizeof ldap_busy; i++) {
		memcpy(bad, ldap_busy, sizeof bad);
		bad[i] ^= 0xff;
		(void)plainproto_ldap_words(bad, sizeof bad, w, sizeof w);
		assert_non_null(memchr(w, '\0', sizeof w));
	}
	/* another operation than an ExtendedResponse */
	memcpy(bad, ldap_ok, sizeof ldap_ok);
	bad[5] = 0x61;
	assert_int_equal(plainproto_ldap_words(bad, sizeof ldap_ok, w, sizeof w), PLAINPROTO_UNEXPECTED);
	assert_string_equal(w, "LDAP message 1, operation 0x61 (not an ExtendedResponse)");
	assert_int_equal(plainproto_ldap_starttls[1] + 2, (int)sizeof plainproto_ldap_starttls);
}

/* The tree of a plain row names its role and whether the list offered STARTTLS. */
static void row_tree(void **state)
{
	struct tl_event ev;
	struct tree_node *t;
	const struct tree_node *c;
	bool seen = false;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_PLAIN;
	ev.from = TL_SERVER;
	ev.text = "250-PIPELINING";
	ev.body = (const uint8_t *)"250-PIPELINING\r\n";
	ev.body_len = 16;
	ev.note.code = TL_NOTE_PLAIN;
	ev.note.proto = TL_STARTTLS_SMTP;
	ev.note.role = TL_PLAIN_CAPS;
	ev.note.offered = true;
	t = plainproto_tree(&ev);
	assert_non_null(t);
	for (c = t->first; c; c = c->next)
		if (strcmp(c->label, "STARTTLS offered") == 0) {
			assert_string_equal(c->value, "yes (on another line)");
			seen = true;
		}
	assert_true(seen);
	tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_lines),   cmocka_unit_test(nul_in_line),   cmocka_unit_test(offers_and_names),
		cmocka_unit_test(scripts),       cmocka_unit_test(postgres_answer), cmocka_unit_test(ldap_response),
		cmocka_unit_test(row_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
