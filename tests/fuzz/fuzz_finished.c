/*
 * fuzz_finished: libFuzzer target for the Finished transcript builder and
 * the key schedule (src/tls/finished.c), through their public entry
 * points: the input is a timeline (fuzz_timeline_input.h: handshake
 * bodies, versions, results with cipher suite names, key log secrets), and
 * every event goes through finished_check() and finished_matches(), every
 * connection through finished_key_schedule(); each tree is printed with
 * hex and secrets into memory and freed. The signature checks
 * (src/tls/certverify.c, which rebuilds its transcripts with finished.c)
 * run over every event too.
 *
 * It checks that the two entry points agree: finished_matches() is true
 * exactly when finished_check()'s verdict node is flagged good.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tlsladder/certverify.h"
#include "tlsladder/finished.h"
#include "tlsladder/tree.h"

#include "fuzz_timeline_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

/* One input: every Finished check and every key schedule. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeline *tl = fuzz_timeline_build(data, size);

	if (!tl)
		return 0;
	for (size_t i = 0; i <= timeline_count(tl); i++) {
		struct tree_node *t = finished_check(tl, i);
		const struct tree_node *v = t ? tree_find(t, "verdict") : NULL;
		bool good = v && (v->flags & TREE_GOOD);

		if (t && finished_matches(tl, i) != good) {
			fprintf(stderr, "fuzz_finished: finished_matches and finished_check disagree at %zu\n", i);
			abort();
		}
		print_and_free(t);
	}
	for (unsigned conn = 0; conn < FUZZ_TL_CONNS; conn++)
		print_and_free(finished_key_schedule(tl, conn));
	for (size_t i = 0; i <= timeline_count(tl); i++)
		print_and_free(certverify_check(tl, i));
	timeline_destroy(tl);
	return 0;
}
