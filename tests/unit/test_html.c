/*
 * test_html.c: the HTML page's one escaping function, and a page built from
 * a timeline holding hostile strings (a certificate subject that closes the
 * element and opens a script, quotes that would break out of an attribute,
 * terminal control bytes): all of them reach the page sanitized and
 * escaped, and the page's only script is its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/html.h"

#define HOSTILE_SUBJECT "</details><script>alert(1)</script>"
#define HOSTILE_QUOTES "x\" onmouseover=\"alert(2)\" y='z' a=&b"

static void escapes_the_five_characters(void **state)
{
	char buf[256];
	size_t need;

	(void)state;
	need = html_escape(buf, sizeof buf, HOSTILE_SUBJECT, strlen(HOSTILE_SUBJECT));
	assert_string_equal(buf, "&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_int_equal(need, strlen(buf));
	html_escape(buf, sizeof buf, HOSTILE_QUOTES, strlen(HOSTILE_QUOTES));
	assert_string_equal(buf, "x&quot; onmouseover=&quot;alert(2)&quot; y=&#39;z&#39; a=&amp;b");
	html_escape(buf, sizeof buf, "plain text, 1 < 2", 7);
	assert_string_equal(buf, "plain t");
}

static void never_cuts_an_entity(void **state)
{
	char buf[8];
	size_t need;

	(void)state;
	need = html_escape(buf, sizeof buf, "ab<cd", 5);
	assert_int_equal(need, 8);                  /* "ab&lt;cd" */
	assert_string_equal(buf, "ab&lt;c");
	need = html_escape(buf, 5, "ab<cd", 5);
	assert_int_equal(need, 8);
	assert_string_equal(buf, "ab");             /* "&lt;" does not fit: nothing after it either */
	assert_int_equal(html_escape(NULL, 0, "\"'", 2), 11);
}

/* html_put of s, as a string. */
static char *put(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	html_put(m, s);
	fclose(m);
	return buf;
}

static void put_sanitizes_then_escapes(void **state)
{
	char *s;

	(void)state;
	s = put("\x1b[31m<b>red</b>\a\xe2\x80\xae");
	assert_string_equal(s, "\\x1B[31m&lt;b&gt;red&lt;/b&gt;\\x07\\u{202E}");
	free(s);
}

/* A field tree holding a hostile certificate subject, as a decoder would build it. */
static struct tree_node *hostile_tree(const struct timeline *tl, size_t i, void *arg)
{
	struct tree_node *root = tree_new("message", NULL);
	struct tree_node *cert = tree_add(root, "certificate 1", NULL);

	(void)tl;
	(void)i;
	(void)arg;
	tree_add(cert, "subject", "CN=" HOSTILE_SUBJECT);
	tree_add(cert, HOSTILE_QUOTES, HOSTILE_QUOTES);
	return root;
}

/* Occurrences of needle in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void page_of_hostile_timeline(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct tl_event ev;
	struct html_opts o = { .title = "tlsladder " HOSTILE_SUBJECT, .only_conn = -1, .tree = hostile_tree };
	char *page = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	assert_non_null(tl);
	memset(&ev, 0, sizeof ev);
	ev.kind = TL_EV_HANDSHAKE;
	ev.hs_type = 11;
	ev.from = TL_SERVER;
	assert_true(timeline_append_raw(tl, &ev) >= 0);
	assert_true(timeline_note(tl, TL_EV_ERROR, TL_CLIENT, 0, "peer said " HOSTILE_SUBJECT HOSTILE_QUOTES) >= 0);
	timeline_finish(tl);
	m = open_memstream(&page, &len);
	assert_non_null(m);
	html_write(m, tl, &o);
	fclose(m);
	assert_int_equal(count(page, "<script>"), 1);            /* its own, in <head> */
	assert_int_equal(count(page, "</script>"), 1);
	assert_null(strstr(page, "<script>alert"));
	assert_null(strstr(page, "alert(1)</"));
	assert_null(strstr(page, "\" onmouseover"));
	/* the tree builder gave both rows the same tree */
	assert_int_equal(count(page, "CN=&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), 2);
	assert_int_equal(count(page, "<span class=\"r-tree-key\">x&quot; onmouseover=&quot;alert(2)&quot; y=&#39;z&#39; "
				     "a=&amp;b</span>"), 2);
	/* the row, and the text ladder below */
	assert_int_equal(count(page, "error (client): peer said &lt;/details&gt;"), 2);
	/* the page may load nothing */
	assert_non_null(strstr(page, "content=\"default-src 'none';"));
	assert_null(strstr(page, "src=\"http"));
	assert_null(strstr(page, "href=\"http"));
	assert_null(strstr(page, "url("));
	free(page);
	timeline_destroy(tl);
}

static void serve_pages_are_numbered(void **state)
{
	char buf[128];

	(void)state;
	html_conn_path("ladder.html", 3, buf, sizeof buf);
	assert_string_equal(buf, "ladder-3.html");
	html_conn_path("out/page", 12, buf, sizeof buf);
	assert_string_equal(buf, "out/page-12");
	html_conn_path("my.dir/page", 1, buf, sizeof buf);
	assert_string_equal(buf, "my.dir/page-1");
	html_conn_path("dir/.hidden", 2, buf, sizeof buf);
	assert_string_equal(buf, "dir/.hidden-2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_the_five_characters),
		cmocka_unit_test(never_cuts_an_entity),
		cmocka_unit_test(put_sanitizes_then_escapes),
		cmocka_unit_test(page_of_hostile_timeline),
		cmocka_unit_test(serve_pages_are_numbered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
