/*
 * fuzz_sniff: libFuzzer target for the not-TLS sniffer and the HTTP
 * status-line reader (sniff.h). Beyond "no crash, no read past the buffer"
 * it checks their promises: a status is -1 or 100..599, the sniffed status
 * agrees with the reader's, and the phrase is a NUL-terminated string that
 * fits its buffer, whatever the buffer's size.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsladder/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	uint8_t *p = malloc(size ? size : 1);
	struct sniff_result r;
	char buf[400];
	int st;

	if (!p)
		return 0;
	if (size)
		memcpy(p, data, size);
	r = sniff_bytes(p, size);
	st = sniff_http_status(p, size);
	if (st != -1 && (st < 100 || st > 599))
		abort();
	if (r.kind == SNIFF_HTTP_RESPONSE && r.http_status != (st > 0 ? st : 0))
		abort();
	(void)sniff_wants_more(p, size);
	for (size_t n = 1; n <= sizeof buf; n += size % 97 + 1) {
		memset(buf, 'x', sizeof buf);
		sniff_describe(&r, "server", buf, n);
		if (memchr(buf, '\0', n) == NULL)
			abort();
	}
	free(p);
	return 0;
}
