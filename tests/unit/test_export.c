/*
 * test_export.c: the Mermaid, Markdown and SVG exports of a timeline built
 * here (exact output), and each format's escaping of hostile text: a
 * certificate subject holding markup, separators, newlines and the other
 * formats' syntax, and random bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/export.h"
#include "tlsladder/markdown.h"
#include "tlsladder/mermaid.h"
#include "tlsladder/svg.h"

/* A certificate subject as a hostile peer could write it. */
static const char hostile[] = "CN=</svg><script>alert(\"x\")</script>|a\nb %%{init}%% -->> ;#: & 'q' `c` $m$ \\ [l](u)";

/* Appends a message of kind k from `from` at t_us, its body n zero bytes. */
static void message(struct timeline *tl, enum tl_kind k, unsigned hs_type, enum tl_side from, int64_t t_us, size_t n,
		    enum tl_keys keys)
{
	static const uint8_t zeros[64];
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.hs_type = hs_type;
	ev.from = from;
	ev.t_us = t_us;
	ev.version = 0x0304;
	ev.body = zeros;
	ev.body_len = ev.body_total = n;
	ev.encrypted = keys != TL_KEYS_NONE;
	ev.keys = keys;
	timeline_append_raw(tl, &ev);
}

/* Appends a note or error about side at t_us. */
static void note(struct timeline *tl, enum tl_kind k, enum tl_side side, int64_t t_us, const char *text, int code)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.from = side;
	ev.t_us = t_us;
	ev.text = text;
	ev.text_total = strlen(text);
	ev.code = code;
	timeline_append_raw(tl, &ev);
}

/* A short TLS 1.3 run: the client's Finished never left, a hostile note, the client's error. */
static struct timeline *fixture(void)
{
	struct timeline *tl = timeline_create(false);
	struct tl_result r;
	char text[300];

	message(tl, TL_EV_HANDSHAKE, 1, TL_CLIENT, 0, 40, TL_KEYS_NONE);
	message(tl, TL_EV_HANDSHAKE, 2, TL_SERVER, 1500, 30, TL_KEYS_NONE);
	message(tl, TL_EV_HANDSHAKE, 11, TL_SERVER, 2000, 60, TL_KEYS_HANDSHAKE);
	snprintf(text, sizeof text, "the server's certificate: %s", hostile);
	note(tl, TL_EV_NOTE, TL_CLIENT, 2500, text, 0);
	message(tl, TL_EV_HANDSHAKE, 20, TL_CLIENT, 3000, 48, TL_KEYS_HANDSHAKE);
	timeline_set_delivery(tl, 4, TL_NOT_SENT, TL_CAUSE_PEER_CLOSED);
	note(tl, TL_EV_ERROR, TL_CLIENT, 3500, "the server closed the connection", 1);
	memset(&r, 0, sizeof r);
	r.set = true;
	r.exit_code = 1;
	snprintf(r.error, sizeof r.error, "the server closed the connection");
	timeline_set_result(tl, TL_CLIENT, 0, &r);
	timeline_finish(tl);
	return tl;
}

/* What a writer wrote, as a string (free it). */
static char *written(void (*fn)(FILE *, const struct timeline *, const struct text_opts *), const struct timeline *tl,
		     const struct text_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, tl, o);
	fclose(f);
	return buf;
}

/* The options of a client run titled "tlsladder test: a hostile note". */
static const struct text_opts opts = { .title = "tlsladder test: a hostile note", .client_only = true, .only_conn = -1 };

static void mermaid_diagram_is_exact(void **state)
{
	struct timeline *tl = fixture();
	char *m = written(mermaid_write, tl, &opts);

	(void)state;
	assert_string_equal(m,
		"%% tlsladder test#58; a hostile note\n"
		"sequenceDiagram\n"
		"    participant C as Client\n"
		"    participant S as Server\n"
		"    C->>S: 1. ClientHello  40 B\n"
		"    S->>C: 2. ServerHello  30 B\n"
		"    S-->>C: 3. Certificate  60 B [encrypted, handshake keys]\n"
		"    Note left of C: 4. note (client)#58; the server's certificate#58; CN=#60;/svg#62;#60;script#62;alert(#34;x#34;)"
		"#60;/script#62;|a#92;nb<br>#37;#37;{init}#37;#37; --#62;#62; #59;#35;#58; #38; 'q' #96;c#96; #36;m#36; #92;#92; [l](u)\n"
		"    C--xS: 5. Finished  48 B [encrypted, handshake keys] [not sent#58; the server had closed the connection (EPIPE)]\n"
		"    Note left of C: 6. error (client)#58; the server closed the connection\n"
		"    Note over C,S: diagnosis#58; connection-closed#58; The server closed the connection.\n"
		"    Note over C,S: fix#58; Check the server's log#58; it ended the connection without saying why.\n");
	free(m);
	timeline_destroy(tl);
}

static void markdown_document_is_exact(void **state)
{
	struct timeline *tl = fixture();
	char *md = written(markdown_write, tl, &opts);

	(void)state;
	assert_string_equal(md,
		"# tlsladder test\\: a hostile note\n\n"
		"The TLS handshake as tlsladder saw it: one line per message, then the summary and diagnosis.\n\n"
		"```text\n"
		"step   time ms  CLIENT                                        SERVER\n"
		"   1     0.000  |--------------- ClientHello  40 B --------------->|\n"
		"   2     1.500  |<-------------- ServerHello  30 B ----------------|\n"
		"   3     2.000  |<============== Certificate  60 B ================|  encrypted\n"
		"   4     2.500  -- note (client): the server's certificate: CN=</svg><script>alert(\"x\")</script>|a\\nb %%{init}%% "
		"-->> ;#: & 'q' `c` $m$ \\\\ [l](u)\n"
		"   5     3.000  |============ Finished  48 B ===========x          |  encrypted  not sent: the server had closed "
		"the connection (EPIPE)\n"
		"   6     3.500  -- error (client): the server closed the connection\n"
		"\n"
		"Summary\n"
		"  version:            unknown\n"
		"  cipher suite:       none\n"
		"  client certificate: not requested\n"
		"  outcome:            the server closed the connection\n"
		"diagnosis: connection-closed: The server closed the connection. (evidence: step 6)\n"
		"fix: Check the server's log: it ended the connection without saying why.\n"
		"```\n"
		"\n"
		"## Diagnosis\n"
		"\n"
		"| diagnosis | finding | fix |\n"
		"| --- | --- | --- |\n"
		"| `connection-closed` | The server closed the connection. | Check the server's log\\: it ended the connection "
		"without saying why. |\n");
	free(md);
	timeline_destroy(tl);
}

/* The text of every <text class="label"> in svg, one per line. */
static void svg_labels(const char *svg, char *out, size_t n)
{
	const char *p = svg;
	size_t used = 0;

	out[0] = '\0';
	while ((p = strstr(p, "<text class=\"label\"")) != NULL) {
		const char *start = strchr(p, '>') + 1, *end = strstr(start, "</text>");
		used += (size_t)snprintf(out + used, n - used, "%.*s\n", (int)(end - start), start);
		p = end;
	}
}

static void svg_picture_has_each_message_once(void **state)
{
	struct timeline *tl = fixture();
	char *svg = written(svg_write, tl, &opts), labels[400];

	(void)state;
	svg_labels(svg, labels, sizeof labels);
	assert_string_equal(labels, "ClientHello  40 B\nServerHello  30 B\nCertificate  60 B\nFinished  48 B\n");
	/* encrypted in the theme's arrow-encrypted colour (green, bold), with its keys */
	assert_non_null(strstr(svg, "<g class=\"message encrypted\" data-step=\"3\">"));
	assert_non_null(strstr(svg, "stroke=\"#00cd00\" stroke-width=\"3\""));
	assert_non_null(strstr(svg, ">encrypted, handshake keys</text>"));
	assert_non_null(strstr(svg, "<g class=\"message encrypted undelivered\" data-step=\"5\">"));
	assert_non_null(strstr(svg, ">not sent: the server had closed the connection (EPIPE)</text>"));
	/* the hostile note: no markup of its own */
	assert_non_null(strstr(svg, "CN=&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|a\\nb"));
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "</svg><"));
	assert_non_null(strstr(svg, "diagnosis: connection-closed: The server closed the connection.</text>"));
	assert_null(strstr(svg, "href"));
	free(svg);
	timeline_destroy(tl);
}

/* Each format's escaping of the hostile subject, exactly. */
static void hostile_text_is_escaped(void **state)
{
	char buf[1024];

	(void)state;
	assert_string_equal(mermaid_text(buf, sizeof buf, hostile),
			    "CN=#60;/svg#62;#60;script#62;alert(#34;x#34;)#60;/script#62;|a#92;nb #37;#37;{init}#37;#37; "
			    "--#62;#62; #59;#35;#58; #38; 'q' #96;c#96; #36;m#36; #92;#92; [l](u)");
	assert_string_equal(markdown_text(buf, sizeof buf, hostile),
			    "CN=\\</svg\\>\\<script\\>alert\\(\"x\"\\)\\</script\\>\\|a\\\\nb %%\\{init\\}%% --\\>\\> ;\\#\\: \\& "
			    "'q' \\`c\\` \\$m\\$ \\\\\\\\ \\[l\\]\\(u\\)");
	assert_string_equal(svg_text(buf, sizeof buf, hostile),
			    "CN=&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|a\\nb %%{init}%% --&gt;&gt; ;#: "
			    "&amp; &#39;q&#39; `c` $m$ \\\\ [l](u)");
	/* ESC, bidi override, invalid UTF-8 and U+FFFE: the sanitizer's forms, then the format's */
	assert_string_equal(svg_text(buf, sizeof buf, "a\x1b[31m\xe2\x80\xae\xff\xef\xbf\xbe"),
			    "a\\x1B[31m\\u{202E}\\xFF\\u{FFFE}");
	/* cut on a whole entity or escape, never inside one */
	assert_string_equal(mermaid_text(buf, 8, "a;b"), "a#59;b");
	assert_string_equal(mermaid_text(buf, 6, "a;b"), "a#59;");
	assert_string_equal(mermaid_text(buf, 5, "a;b"), "a");
	assert_string_equal(markdown_text(buf, 3, "a|b"), "a");
	assert_string_equal(svg_text(buf, 5, "a&b"), "a");
	assert_string_equal(markdown_fence(buf, sizeof buf, "x ```` y ` z"), "`````");
	assert_string_equal(markdown_fence(buf, sizeof buf, "plain"), "```");
}

/* True when s holds only what a Mermaid text may: letters, digits, UTF-8, the plain marks, "#N;" entities. */
static bool mermaid_safe(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '#') {
			char *end;
			strtoul(p + 1, &end, 10);
			if (end == p + 1 || *end != ';')
				return false;
			p = end;
		} else if (!((unsigned char)*p >= 0x80 || strchr(" .,()[]_+-*'/=!?@^~|{}", *p) ||
			     (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			return false;
		}
	}
	return true;
}

/* True when s has no Markdown syntax character unescaped and no line break. */
static bool markdown_safe(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\\' && p[1] && strchr("\\`*_{}[]<>()#+!|~&$:", p[1]))
			p++;
		else if (strchr("\\`*_{}[]<>()#+!|~&$:\n\r", *p))
			return false;
	}
	return true;
}

/* True when s has no raw markup character, every & starts an entity, and no control character. */
static bool svg_safe(const char *s)
{
	static const char *const entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };

	for (const char *p = s; *p; p++) {
		if (*p == '&') {
			bool known = false;
			for (size_t k = 0; k < 5; k++)
				known = known || strncmp(p, entities[k], strlen(entities[k])) == 0;
			if (!known)
				return false;
		} else if (*p == '<' || *p == '>' || *p == '"' || *p == '\'' || ((unsigned char)*p < 0x20)) {
			return false;
		}
	}
	return true;
}

/* Random bytes (and random bytes from the formats' syntax) through each escaper. */
static void random_text_stays_safe(void **state)
{
	static const char syntax[] = "<>&\"';#:%|\\`*_[](){}$!~+-\n\r\t";
	char src[200], buf[2048];

	(void)state;
	srand(11);
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand() % (int)(sizeof src - 1));
		for (size_t i = 0; i < len; i++)
			src[i] = round % 2 ? syntax[rand() % (int)(sizeof syntax - 1)] : (char)(1 + rand() % 255);
		src[len] = '\0';
		assert_true(mermaid_safe(mermaid_text(buf, (size_t)(1 + rand() % (int)sizeof buf), src)));
		assert_true(markdown_safe(markdown_text(buf, (size_t)(1 + rand() % (int)sizeof buf), src)));
		assert_true(svg_safe(svg_text(buf, (size_t)(1 + rand() % (int)sizeof buf), src)));
	}
}

static void serve_files_carry_the_connection_number(void **state)
{
	char buf[200];

	(void)state;
	export_file_name("run.svg", 0, buf, sizeof buf);
	assert_string_equal(buf, "run.svg");
	export_file_name("out/run.svg", 3, buf, sizeof buf);
	assert_string_equal(buf, "out/run-3.svg");
	export_file_name("out.d/ladder", 12, buf, sizeof buf);
	assert_string_equal(buf, "out.d/ladder-12");
	export_file_name(".hidden", 2, buf, sizeof buf);
	assert_string_equal(buf, ".hidden-2");
	export_file_name("-", 5, buf, sizeof buf);
	assert_string_equal(buf, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mermaid_diagram_is_exact),
		cmocka_unit_test(markdown_document_is_exact),
		cmocka_unit_test(svg_picture_has_each_message_once),
		cmocka_unit_test(hostile_text_is_escaped),
		cmocka_unit_test(random_text_stays_safe),
		cmocka_unit_test(serve_files_carry_the_connection_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
