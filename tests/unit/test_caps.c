/*
 * test_caps.c: what a connection stores is bounded (timeline.h), and every
 * view says what was cut: a body longer than TL_MAX_BODY_STORED keeps its
 * first part with its whole length recorded, the decoder's tree and the
 * text ladder say so (not "malformed"), a connection's byte budget and
 * event limits hold, and what was not stored is counted per kind and
 * reported once per connection with exact numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/decode.h"
#include "tlsladder/explain.h"
#include "tlsladder/text.h"
#include "tlsladder/timeline.h"

#define BIG 129041u     /* a ClientHello body: 32,000 cipher suites and a 64,996-byte extension */

/* The ClientHello body tests/integration/bighello.py sends (malloc'd, BIG bytes). */
static uint8_t *big_client_hello(void)
{
	uint8_t *b = calloc(1, BIG), *p = b;

	assert_non_null(b);
	*p++ = 3;
	*p++ = 3;
	memset(p, 0x11, 32);
	p += 32;
	*p++ = 0;                                  /* session id */
	*p++ = 64000 >> 8;
	*p++ = 64000 & 0xff;
	for (int i = 0; i < 32000; i++) {
		*p++ = 0x13;
		*p++ = 0x01;
	}
	*p++ = 1;
	*p++ = 0;                                  /* compression: null */
	*p++ = 65000 >> 8;
	*p++ = 65000 & 0xff;
	*p++ = 0xab;
	*p++ = 0xcd;
	*p++ = 64996 >> 8;
	*p++ = 64996 & 0xff;
	assert_int_equal((size_t)(p - b) + 64996, BIG);
	return b;
}

/* An event of kind k in connection conn. */
static struct tl_event event(enum tl_kind k, unsigned conn)
{
	struct tl_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.conn = conn;
	ev.from = TL_CLIENT;
	return ev;
}

/* True when some node of t is flagged TREE_ERROR. */
static bool any_error(const struct tree_node *t)
{
	if (t->flags & TREE_ERROR)
		return true;
	for (const struct tree_node *c = t->first; c; c = c->next)
		if (any_error(c))
			return true;
	return false;
}

/* The text ladder of tl at -v, with the decoder's tree, into a malloc'd string. */
static struct tree_node *tree_of(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return decode_event(tl, i);
}

static char *text_of(const struct timeline *tl)
{
	struct text_opts o = { .verbose = 1, .tree = tree_of, .only_conn = -1, .server_only = true };
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	assert_non_null(f);
	text_write(f, tl, &o);
	fclose(f);
	return out;
}

static void big_body_keeps_its_first_part(void **state)
{
	struct timeline *tl = timeline_create(false);
	uint8_t *body = big_client_hello();
	struct tl_event ev = event(TL_EV_HANDSHAKE, 0), got;
	struct tree_node *t;
	char buf[600];
	struct tl_result r = { .set = true };

	(void)state;
	ev.hs_type = 1;
	ev.body = body;
	ev.body_len = BIG;
	assert_int_equal(timeline_observe(tl, &ev, false), 0);
	assert_true(timeline_get(tl, 0, &got));
	assert_int_equal(got.body_len, 65536);
	assert_int_equal(got.body_total, BIG);
	assert_memory_equal(got.body, body, 65536);
	assert_true(timeline_body_cut(&got));
	assert_string_equal(timeline_stored_text(&got, buf, sizeof buf),
			    "the first 65,536 of 129,041 bytes; the rest was not kept");
	/* the tree: the whole size, what was kept, the fields in it; no fault */
	t = decode_event(tl, 0);
	assert_string_equal(t->value, "client -> server, 129041 bytes");
	assert_string_equal(t->first->label, "stored");
	assert_string_equal(t->first->value, "the first 65,536 of 129,041 bytes; the rest was not kept");
	assert_non_null(t->first->first);
	assert_string_equal(t->first->first->label, "decoded");
	assert_string_equal(t->first->first->value,
			    "up to offset 64041: the fields from there on lie in the bytes not kept");
	assert_non_null(tree_find(t, "cipher suites"));
	assert_string_equal(tree_find(t, "cipher suites")->value, "32000 suites");
	assert_false(any_error(t));
	tree_free(t);
	/* the text ladder's line */
	assert_string_equal(text_event_line(&got, 1, 0, buf, sizeof buf) + 16,
			    "|------------- ClientHello  129041 B ------------->|  stored: the first 65,536 of 129,041 "
			    "bytes; the rest was not kept");
	/* the explanation says it before what it reads from the kept bytes */
	assert_true(explain_event(tl, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "Only part of this message was stored (the first 65,536 of 129,041 bytes; the "
				    "rest was not kept): what follows is read from the bytes kept. "));
	timeline_set_result(tl, TL_SERVER, 0, &r);
	{
		char *text = text_of(tl);
		assert_non_null(strstr(text, "\n                stored: the first 65,536 of 129,041 bytes; the rest was not "
					     "kept\n"));
		assert_null(strstr(text, "malformed"));
		assert_non_null(strstr(text, "\nnote (connection 1): 1 event kept only the first part of its body or text "
					     "(limits 65,536 bytes per message, 262,144 per connection)\n"));
		free(text);
	}
	free(body);
	timeline_destroy(tl);
}

/* A body kept in part that is malformed in the kept part is still malformed. */
static void cut_body_malformed_before_the_cut(void **state)
{
	uint8_t *body = big_client_hello();
	struct tree_node *t;

	(void)state;
	body[35] = 63999 >> 8;                /* cipher suites: an odd length, inside the kept bytes */
	body[36] = 63999 & 0xff;
	t = decode_handshake_stored(1, body, 65536, BIG, NULL);
	assert_string_equal(t->first->label, "stored");
	assert_null(t->first->first);                 /* no "decoded": this is a fault, not the cut */
	assert_string_equal(t->last->label, "malformed");
	tree_free(t);
	body[35] = 64000 >> 8;               /* the cut inside a sub-vector reaching the end: the cut */
	body[36] = 64000 & 0xff;
	t = decode_handshake_stored(1, body, 40000, BIG, NULL);
	assert_non_null(t->first->first);
	assert_string_equal(t->first->first->value,
			    "up to offset 37: the fields from there on lie in the bytes not kept");
	assert_false(any_error(t));
	tree_free(t);
	free(body);
}

/* A length running past its own vector, not past the kept bytes, is a fault even in a body kept in part. */
static void short_inside_a_vector_is_malformed(void **state)
{
	static const uint8_t head[] = { 3, 3 };
	static const uint8_t tail[] = { 0, 0, 2, 0x13, 0x01, 1, 0, 0, 8, 0xab, 0xcd, 0, 100, 0, 0, 0, 0 };
	uint8_t body[200];
	struct tree_node *t;

	(void)state;
	memset(body, 0, sizeof body);
	memcpy(body, head, sizeof head);
	memcpy(body + 34, tail, sizeof tail);       /* an extension of 100 bytes in a block of 8 */
	t = decode_handshake_stored(1, body, sizeof body, 1000, NULL);
	assert_string_equal(t->first->label, "stored");
	assert_null(t->first->first);
	assert_string_equal(t->last->label, "malformed");
	assert_string_equal(t->last->value, "at offset 47: length runs past the end of the data");
	tree_free(t);
}

static void event_limit_counts_the_rest(void **state)
{
	struct timeline *tl = timeline_create(false);
	struct tl_event ev = event(TL_EV_RECORD, 0), got;
	struct tl_unstored u;
	struct tl_result r = { .set = true };
	char buf[400];

	(void)state;
	ev.rec_type = 23;
	ev.rec_length = 1;
	for (unsigned i = 0; i < 5000; i++)
		timeline_observe(tl, &ev, false);
	ev.kind = TL_EV_ALERT;
	ev.alert_level = 1;
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(timeline_observe(tl, &ev, false), -1);
	/* 4,096 records, then the one note marking where the rest began */
	assert_int_equal(timeline_count(tl), 4097);
	assert_true(timeline_get(tl, 4095, &got));
	assert_int_equal(got.kind, TL_EV_RECORD);
	assert_true(timeline_get(tl, 4096, &got));
	assert_int_equal(got.kind, TL_EV_NOTE);
	assert_int_equal(got.note.code, TL_NOTE_NOT_STORED);
	assert_string_equal(got.text, "from here on, this connection's further messages and records are not stored "
				      "(limit 4,096 events per connection)");
	/* notes, errors and other connections still go in */
	assert_int_equal(timeline_note(tl, TL_EV_ERROR, TL_SERVER, 0, "the peer stopped"), 4097);
	ev = event(TL_EV_RECORD, 1);
	assert_int_equal(timeline_observe(tl, &ev, false), 4098);
	assert_false(timeline_conn_unstored(tl, 1, &u));
	assert_true(timeline_conn_unstored(tl, 0, &u));
	assert_int_equal(u.events[TL_EV_RECORD], 904);
	assert_int_equal(u.events[TL_EV_ALERT], 3);
	assert_int_equal(u.events[TL_EV_NOTE], 0);
	assert_string_equal(timeline_unstored_text(&u, buf, sizeof buf),
			    "3 further alerts and 904 further records were not stored (limit 4,096 events per connection)");
	/* the marker's tree gives the counts as they are */
	{
		struct tree_node *t = decode_event(tl, 4096);
		assert_string_equal(tree_find(t, "so far")->value, buf);
		tree_free(t);
	}
	timeline_set_result(tl, TL_SERVER, 0, &r);
	{
		char *text = text_of(tl);
		assert_non_null(strstr(text, "\nnote (connection 1): 3 further alerts and 904 further records were not "
					     "stored (limit 4,096 events per connection)\n"));
		free(text);
	}
	/* notes have their own limit */
	for (unsigned i = 0; i < 300; i++)
		timeline_note(tl, TL_EV_NOTE, TL_SERVER, 2, "again");
	assert_true(timeline_conn_unstored(tl, 2, &u));
	assert_string_equal(timeline_unstored_text(&u, buf, sizeof buf),
			    "44 further notes were not stored (limit 256 notes per connection)");
	u.events[TL_EV_RECORD] = 1;
	u.events[TL_EV_NOTE] = 0;
	assert_string_equal(timeline_unstored_text(&u, buf, sizeof buf),
			    "1 further record was not stored (limit 4,096 events per connection)");
	timeline_destroy(tl);
}

static void byte_budget_per_connection(void **state)
{
	struct timeline *tl = timeline_create(false);
	uint8_t *body = calloc(1, 60000);
	struct tl_event ev = event(TL_EV_HANDSHAKE, 0), got;
	struct tl_unstored u;
	char buf[200];

	(void)state;
	ev.hs_type = 11;
	ev.body = body;
	ev.body_len = 60000;
	for (int i = 0; i < 5; i++)
		assert_int_equal(timeline_observe(tl, &ev, true), i);
	assert_true(timeline_get(tl, 2, &got));
	assert_int_equal(got.body_len, 60000);
	assert_false(timeline_body_cut(&got));
	/* bodies may fill 262,144 - 32,768 = 229,376 bytes: 3 x 60,000, then 49,376 */
	assert_true(timeline_get(tl, 3, &got));
	assert_int_equal(got.body_len, 49376);
	assert_int_equal(got.body_total, 60000);
	assert_true(timeline_get(tl, 4, &got));
	assert_int_equal(got.body_len, 0);
	assert_null(got.body);
	assert_string_equal(timeline_stored_text(&got, buf, sizeof buf),
			    "none of its 60,000 bytes; the connection's limit of stored bytes was reached");
	/* a text past the budget keeps its first part, and says so */
	{
		struct timeline *t2 = timeline_create(false);
		char *big = malloc(300000), line[768];      /* as text_write() */
		struct tree_node *t;
		memset(big, 'a', 299999);
		big[299999] = '\0';
		assert_int_equal(timeline_note(t2, TL_EV_NOTE, TL_SERVER, 0, big), 0);
		assert_true(timeline_get(t2, 0, &got));
		assert_int_equal(strlen(got.text), 262144);
		assert_int_equal(got.text_total, 299999);
		t = decode_event(t2, 0);
		assert_string_equal(tree_find(t, "stored")->value, "the first 262,144 of 299,999 bytes; the rest was not kept");
		tree_free(t);
		text_event_line(&got, 1, 0, line, sizeof line);
		assert_non_null(strstr(line, "aaa [stored: the first 262,144 of 299,999 bytes; the rest was not kept]"));
		free(big);
		timeline_destroy(t2);
	}
	/* the texts' reserve: a note is still kept whole */
	assert_int_equal(timeline_note(tl, TL_EV_ERROR, TL_SERVER, 0, "the handshake failed"), 5);
	assert_true(timeline_get(tl, 5, &got));
	assert_string_equal(got.text, "the handshake failed");
	assert_true(timeline_conn_unstored(tl, 0, &u));
	assert_int_equal(u.cut, 2);
	assert_int_equal(u.body_bytes, 10624 + 60000);
	free(body);
	timeline_destroy(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_body_keeps_its_first_part),
		cmocka_unit_test(cut_body_malformed_before_the_cut),
		cmocka_unit_test(short_inside_a_vector_is_malformed),
		cmocka_unit_test(event_limit_counts_the_rest),
		cmocka_unit_test(byte_budget_per_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
