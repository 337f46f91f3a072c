/*
 * fuzz_chain: libFuzzer target for chains of several certificates judged
 * against trust anchors (x509view_chain(), x509view_verdict() in
 * src/tls/x509view.c).
 *
 * Input layout:
 *   flags(1)   bit 0: the peer is the server (serverAuth), bit 1: check a
 *              host name, bit 2: use the trust file
 *   count(1)   certificates, % (FUZZ_CHAIN_MAX + 1)
 *   count x    len(2, big-endian) DER bytes[len]
 *   hlen(1)    host name bytes[hlen] (cut at a NUL)
 *   the rest   the trust file (PEM), written to an in-memory file
 *
 * The clock is fixed (2026-01-01 UTC). Checks: the verdict is terminated
 * and holds no control byte (it is shown as it is), and x509view_verdict()
 * says trusted exactly when the chain view's root is flagged good.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tlsladder/tree.h"
#include "tlsladder/x509view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW ((time_t)1767225600)
#define FUZZ_CHAIN_MAX 8

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_chain: %s\n", what);
	abort();
}

/* Writes the trust file; its path into path (false when it cannot). */
static bool trust_file(const uint8_t *p, size_t n, char *path, size_t pn)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzz-trust.pem", 0);
	if (fd < 0 || ftruncate(fd, 0) != 0 || (n && pwrite(fd, p, n, 0) != (ssize_t)n))
		return false;
	snprintf(path, pn, "/proc/self/fd/%d", fd);
	return true;
}

/* Prints a tree into memory, returns whether its root is good, frees both. */
static bool print_and_free(struct tree_node *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool good = t && (t->flags & TREE_GOOD);

	if (f) {
		tree_print(f, t, 0, true, true);
		fclose(f);
	}
	free(buf);
	tree_free(t);
	return good;
}

/* One input: the chain view and the verdict. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ders[FUZZ_CHAIN_MAX];
	size_t lens[FUZZ_CHAIN_MAX], off = 2, count, k = 0;
	char host[256], path[64], verdict[512];
	struct x509view_trust trust = { NULL, false };
	bool server, good, trusted;

	if (size < 2)
		return 0;
	server = data[0] & 1;
	count = data[1] % (FUZZ_CHAIN_MAX + 1);
	for (size_t i = 0; i < count; i++) {
		size_t len;
		if (size - off < 2)
			return 0;
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			return 0;
		ders[i] = data + off;
		lens[i] = len;
		off += len;
	}
	if (off < size) {
		size_t hl = data[off++];
		if (hl > size - off)
			hl = size - off;
		for (; k < hl && data[off + k]; k++)
			host[k] = (char)data[off + k];
		off += hl;
	}
	host[k] = '\0';
	if ((data[0] & 4) && trust_file(data + off, size - off, path, sizeof path))
		trust.ca_file = path;

	good = print_and_free(x509view_chain(ders, lens, count, &trust, (data[0] & 2) ? host : NULL, server, FUZZ_NOW));
	memset(verdict, 'x', sizeof verdict);
	trusted = x509view_verdict(ders, lens, count, &trust, (data[0] & 2) ? host : NULL, server, FUZZ_NOW, verdict,
				   sizeof verdict);
	if (!memchr(verdict, '\0', sizeof verdict))
		fail("verdict unterminated");
	for (const unsigned char *c = (const unsigned char *)verdict; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			fail("control byte in the verdict");
	if (good != trusted)
		fail("the chain view and the verdict disagree");
	return 0;
}
