/*
 * fuzz_cert.c: libFuzzer target for the certificate path. The input is
 * taken as one DER certificate: it goes through x509view_cert(), then as a
 * one-certificate chain through x509view_chain() and x509view_verdict()
 * (no trust store), and every tree is printed into memory and freed.
 * Built with clang -fsanitize=fuzzer,address,undefined (fuzz_cert), or
 * linked with replay.c to run a corpus under any compiler (fuzz_cert_replay).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlsladder/tree.h"
#include "tlsladder/x509view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed clock, so a crash replays the same way: 2026-01-01 00:00:00 UTC. */
#define FUZZ_NOW ((time_t)1767225600)

/* Prints a tree into memory and frees both. */
static void print_and_free(struct tree_node *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		tree_print(f, t, 0, true, true);
		fclose(f);
	}
	free(buf);
	tree_free(t);
}

/* One input: the certificate view, the chain view and the verdict. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ders[1] = { data };
	size_t lens[1] = { size };
	char verdict[256];
	bool server = size % 2 == 0;

	print_and_free(x509view_cert(data, size, FUZZ_NOW));
	print_and_free(x509view_chain(ders, lens, 1, NULL, "localhost", server, FUZZ_NOW));
	x509view_verdict(ders, lens, 1, NULL, server ? "localhost" : NULL, server, FUZZ_NOW, verdict, sizeof verdict);
	if (memchr(verdict, '\0', sizeof verdict) == NULL)
		abort();           /* the verdict is always terminated */
	return 0;
}
