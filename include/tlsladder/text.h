/*
 * text: the text ladder, one line per event then a summary per connection.
 * Readable in a ticket or on a classroom handout; deterministic apart from
 * timings and random bytes. Every string from the timeline passes through
 * the sanitizer.
 */
#ifndef TLSLADDER_TEXT_H
#define TLSLADDER_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

struct text_opts {
	const char *title;     /* first line, e.g. "demo tls13: TLS 1.3 ..." (trusted text) */
	bool wire;             /* records instead of messages */
	bool client_only;      /* client mode: the server's side is inferred */
	int verbose;           /* 1: the field tree under each event; 2: with hex; 3: and its bytes (hexview.h) */
	/* builds the field tree of event i (for verbose) */
	struct tree_node *(*tree)(const struct timeline *tl, size_t i, void *arg);
	void *tree_arg;
	long only_conn;        /* >= 0: only this connection (server mode); -1: all */
	uint64_t conn_number;  /* only_conn: the number it is called by (serve's count); 0: only_conn + 1 */
	bool server_only;      /* server mode: the client's side is inferred */
	bool show_secrets;     /* --show-secrets: secret values in the -v trees (never private keys), and
				* without -v each connection's key schedule after its ladder */
	struct tree_node *(*schedule)(const struct timeline *tl, unsigned conn, void *arg);   /* (tree_arg) */
};

/* Writes the ladder and the summaries. */
void text_write(FILE *f, const struct timeline *tl, const struct text_opts *o);
/* The label a message, alert or record carries on its arrow ("ServerHello  90 B"; the
 * arrow may show it cut); untrusted parts are names from tables, never peer bytes. */
void text_event_label(const struct tl_event *ev, char *buf, size_t n);
/* Formats one event's ladder line (no newline) into buf, its time relative
 * to t0_us; returns buf. */
char *text_event_line(const struct tl_event *ev, unsigned step, int64_t t0_us, char *buf, size_t n);

#endif
