/*
 * inspect: everything a message opens into. The decoded field tree
 * (core/decode), plus what needs the TLS library: each certificate's X.509
 * view and the chain verdict, the key schedule, and Finished recomputed
 * from the transcript and the secrets.
 */
#ifndef TLSLADDER_INSPECT_H
#define TLSLADDER_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

struct inspect_ctx {
	const char *ca_file;       /* trust anchors the run used (PEM), or NULL */
	bool system_trust;         /* ... or the system store */
	const char *hostname;      /* the name the server's certificate must match, or NULL */
};

/* The full tree of timeline event i. NULL only when out of memory. */
struct tree_node *inspect_event(const struct timeline *tl, size_t i, const struct inspect_ctx *ctx);

#endif
