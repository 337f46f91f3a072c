/*
 * fuzz_capture: libFuzzer target for the capture reader (capture.h) and the
 * import of each TLS connection found in it (import.h), decryption
 * included: the input's pcapng Decryption Secrets Block is its key log.
 * Beyond "no crash, no read past the buffer" it checks the reader's
 * promises: a refused input has a one-line reason, a stream never exceeds
 * its limit, every chunk points into a connection and a stream it holds,
 * and an imported timeline is finished.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsladder/capture.h"
#include "tlsladder/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reader's promises about what it returned. */
static void check(const struct capture *c)
{
	if (c->nconns > CAPTURE_MAX_CONNS || c->nchunks > CAPTURE_MAX_CHUNKS + 256)
		abort();
	for (size_t i = 0; i < c->nconns; i++)
		for (unsigned k = 0; k < 2; k++)
			if (c->conns[i].dir[k].len > CAPTURE_MAX_STREAM || c->conns[i].dir[k].nwait > CAPTURE_MAX_WAITING)
				abort();
	for (size_t i = 0; i < c->nchunks; i++)
		if (c->chunks[i].conn >= c->nconns || c->chunks[i].dir > 1 ||
		    c->chunks[i].end > c->conns[c->chunks[i].conn].dir[c->chunks[i].dir].len)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	uint8_t *p = malloc(size ? size : 1);
	struct import_conn ics[8];
	struct capture *c;
	char why[300];
	bool oom;
	size_t n;

	if (!p)
		return 0;
	if (size)
		memcpy(p, data, size);
	c = capture_parse(p, size, why, sizeof why, &oom);
	if (!c) {
		if (!why[0] || memchr(why, '\n', strlen(why)))
			abort();
		free(p);
		return 0;
	}
	check(c);
	n = import_find(c, ics, 8);
	for (size_t i = 0; i < n && i < 3; i++) {
		struct timeline *tl = import_timeline(c, &ics[i], c->keylog, c->keylog_len);
		if (tl && !timeline_finished(tl))
			abort();
		if (tl)
			timeline_destroy(tl);
	}
	capture_free(c);
	free(p);
	return 0;
}
