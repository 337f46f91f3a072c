/*
 * fuzz_creds: libFuzzer target for the credential loaders and checks of
 * src/tls/credcheck.c (PEM certificate chains, PEM/DER private keys,
 * PKCS#12 in DER or PEM), through credcheck_run() with fuzzed file
 * contents in in-memory files (/proc/self/fd/N).
 *
 * Input layout:
 *   mode(1)    bit 0: PKCS#12 (else PEM chain + key), bit 1: give the key
 *              file (PEM mode), bit 2: give the CA file (where a missing
 *              intermediate is looked for)
 *   alen(2)    A bytes[alen]   the certificate file, or the PKCS#12 file
 *   blen(2)    B bytes[blen]   the key file, or the PKCS#12 password (cut at a NUL)
 *   the rest   the CA file
 *
 * The clock is fixed (2026-01-01 UTC); the system store is never read.
 * Checks: at most max findings, each with a known code, terminated and
 * sanitized sentences (they are shown as they are: no control byte).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tlsladder/credcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW ((time_t)1767225600)

enum { FILE_A, FILE_B, FILE_CA, NFILES };

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_creds: %s\n", what);
	abort();
}

/* Writes bytes into in-memory file k; its path into path (false when it cannot). */
static bool mem_file(int k, const uint8_t *p, size_t n, char *path, size_t pn)
{
	static int fd[NFILES] = { -1, -1, -1 };

	if (fd[k] < 0)
		fd[k] = memfd_create("fuzz-creds", 0);
	if (fd[k] < 0 || ftruncate(fd[k], 0) != 0 || (n && pwrite(fd[k], p, n, 0) != (ssize_t)n))
		return false;
	snprintf(path, pn, "/proc/self/fd/%d", fd[k]);
	return true;
}

/* Aborts unless s is terminated within n bytes and free of control bytes. */
static void clean(const char *s, size_t n)
{
	if (!memchr(s, '\0', n))
		fail("finding text unterminated");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			fail("control byte in a finding");
}

/* Reads a len(2)-prefixed piece; false when the input ends first. */
static bool piece(const uint8_t *data, size_t size, size_t *off, const uint8_t **p, size_t *n)
{
	if (size - *off < 2)
		return false;
	*n = (size_t)data[*off] << 8 | data[*off + 1];
	*off += 2;
	if (*n > size - *off)
		return false;
	*p = data + *off;
	*off += *n;
	return true;
}

/* One input: write the files, run every check. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct credcheck_finding f[CREDCHECK_MAX_FINDINGS];
	struct credcheck_input in;
	char pa[64], pb[64], pc[64], pass[256];
	const uint8_t *a, *b;
	size_t off = 1, an, bn, n, k = 0;

	if (size < 1 || !piece(data, size, &off, &a, &an) || !piece(data, size, &off, &b, &bn))
		return 0;
	memset(&in, 0, sizeof in);
	in.now = FUZZ_NOW;
	if (!mem_file(FILE_A, a, an, pa, sizeof pa))
		return 0;
	if (data[0] & 1) {
		for (; k < bn && k + 1 < sizeof pass && b[k]; k++)
			pass[k] = (char)b[k];
		pass[k] = '\0';
		in.p12_file = pa;
		in.p12_password = pass;
	} else {
		in.cert_file = pa;
		if ((data[0] & 2) && mem_file(FILE_B, b, bn, pb, sizeof pb))
			in.key_file = pb;
	}
	if ((data[0] & 4) && mem_file(FILE_CA, data + off, size - off, pc, sizeof pc))
		in.ca_file = pc;

	n = credcheck_run(&in, f, CREDCHECK_MAX_FINDINGS);
	if (n > CREDCHECK_MAX_FINDINGS)
		fail("more findings than room");
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)f[i].code > CREDCHECK_UNREADABLE || strcmp(credcheck_code_name(f[i].code), "unknown") == 0)
			fail("unknown finding code");
		clean(f[i].sentence, sizeof f[i].sentence);
		clean(f[i].fix, sizeof f[i].fix);
		clean(f[i].missing_issuer, sizeof f[i].missing_issuer);
	}
	(void)credcheck_run(&in, f, 1);
	return 0;
}
