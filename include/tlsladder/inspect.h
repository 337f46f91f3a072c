/*
 * inspect: everything a message opens into. The decoded field tree
 * (core/decode), plus what needs the TLS library: each certificate's X.509
 * view, the key schedule, and Finished recomputed from the transcript and
 * the secrets. A Certificate message also shows the chain verdict its
 * receiver reached during the handshake, as the timeline stored it
 * (timeline_get_chain): it is rendered, never judged again here.
 */
#ifndef TLSLADDER_INSPECT_H
#define TLSLADDER_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsladder/timeline.h"
#include "tlsladder/tree.h"

/* The full tree of timeline event i. NULL only when out of memory. */
struct tree_node *inspect_event(const struct timeline *tl, size_t i);

#endif
