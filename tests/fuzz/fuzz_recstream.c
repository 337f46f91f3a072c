/*
 * fuzz_recstream: libFuzzer target for the record-stream parser (recstream.h).
 *
 * Input: byte 0 holds options (bit 0: TLS 1.3 rule from the start; bits 1-7
 * seed the split), the rest is the byte stream. The stream is fed twice: in
 * one piece, and in pieces of pseudo-random sizes from the seed. Beyond "no
 * crash, no read past the buffer" it checks the parser's promises: records
 * are reported in order and back to back ([start, end) with end = start + 5
 * + length, never past the bytes fed), nothing follows an oversize header,
 * both splits report the very same records, and a record in progress is
 * shorter than it declared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsladder/recstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEEP 512

struct log {
	struct recstream_record r[KEEP];
	size_t n;                     /* records seen (only the first KEEP are kept) */
	uint64_t next;                /* where the next record must start */
	uint64_t fed;                 /* bytes fed so far */
	bool stopped;                 /* an oversize header was reported */
};

/* Checks one record against the promises and keeps it. */
static void check(void *arg, const struct recstream_record *r)
{
	struct log *l = arg;

	if (l->stopped || r->start != l->next || r->end != r->start + RECSTREAM_HEADER_LEN + r->length ||
	    (!r->oversize && r->end > l->fed) || (r->alert && (r->encrypted || r->type != RECSTREAM_ALERT)) ||
	    r->ccs != (r->type == RECSTREAM_CCS && !r->oversize) || r->oversize != (r->length > RECSTREAM_MAX_LENGTH)) {
		fprintf(stderr, "record %zu breaks a promise: start %llu (expected %llu) end %llu length %u\n", l->n,
			(unsigned long long)r->start, (unsigned long long)l->next, (unsigned long long)r->end, r->length);
		abort();
	}
	l->stopped = r->oversize;
	l->next = r->end;
	if (l->n < KEEP)
		l->r[l->n] = *r;
	l->n++;
}

/* Feeds data in pieces whose sizes come from seed (one piece when seed is 0). */
static void run(struct log *l, const uint8_t *p, size_t n, bool tls13, unsigned seed)
{
	struct recstream rs;
	struct recstream_record part;
	size_t have;

	memset(l, 0, sizeof *l);
	recstream_init(&rs);
	recstream_set_tls13(&rs, tls13);
	while (n > 0) {
		size_t take = n;
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			take = 1 + (seed >> 16) % 37;
			if (take > n)
				take = n;
		}
		l->fed += take;
		recstream_feed(&rs, p, take, check, l);
		p += take;
		n -= take;
	}
	if (recstream_partial(&rs, &part, &have) &&
	    (l->stopped || part.start != l->next || have == 0 || have >= RECSTREAM_HEADER_LEN + (size_t)part.length + 1 ||
	     part.start + have != l->fed)) {
		fprintf(stderr, "partial record breaks a promise: start %llu have %zu\n", (unsigned long long)part.start,
			have);
		abort();
	}
}

/* True when two reports describe the same record. */
static bool same(const struct recstream_record *a, const struct recstream_record *b)
{
	return a->type == b->type && a->version == b->version && a->length == b->length && a->encrypted == b->encrypted &&
	       a->ccs == b->ccs && a->alert == b->alert && a->alert_level == b->alert_level &&
	       a->alert_desc == b->alert_desc && a->oversize == b->oversize && a->start == b->start && a->end == b->end;
}

/* Runs the stream in one piece and in pieces; both must agree. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log whole, split;
	bool agree;

	if (size < 1)
		return 0;
	run(&whole, data + 1, size - 1, data[0] & 1, 0);
	run(&split, data + 1, size - 1, data[0] & 1, (unsigned)(data[0] >> 1) | 1u);
	agree = whole.n == split.n;
	for (size_t i = 0; agree && i < whole.n && i < KEEP; i++)
		agree = same(&whole.r[i], &split.r[i]);
	if (!agree) {
		fprintf(stderr, "splitting the stream changed the records (%zu vs %zu)\n", whole.n, split.n);
		abort();
	}
	return 0;
}
