/*
 * jsonload: a saved run (json.h, docs/json-format.md) back into a
 * timeline, for --replay. The events are appended as they were recorded
 * (times included), and the typed facts stored with them (each side's
 * result, the chain verdicts, the Finished checks, the secrets when the
 * file has them) are stored again, so that every view renders the replay
 * exactly as it rendered the live run. Nothing is judged again, and no
 * network or TLS session is involved.
 *
 * Input is untrusted: a file of another format version, or one that is
 * not well formed (wrong types, values out of range, unknown names,
 * lengths that do not fit), is refused with one line saying where.
 */
#ifndef TLSLADDER_JSONLOAD_H
#define TLSLADDER_JSONLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsladder/errors.h"
#include "tlsladder/json.h"
#include "tlsladder/timeline.h"

/* Files larger than this are refused. */
#define JSONLOAD_MAX_BYTES (256u << 20)

/*
 * Loads a document from buf: the first one, or with conn_number > 0 the one
 * serve wrote for its connection conn_number (a file holds one document, or
 * one per line). Fills *run. Returns a finished timeline, or NULL with err
 * (TL_EXIT_FILES; TL_EXIT_INTERNAL when memory ran out). name is how the
 * error line calls the input.
 */
struct timeline *jsonload_buffer(const char *buf, size_t len, uint64_t conn_number, const char *name,
				 struct json_run *run, struct tl_error *err);
/* Reads the whole file at path (at most JSONLOAD_MAX_BYTES) into a new buffer *out (free it);
 * false with err (TL_EXIT_FILES; TL_EXIT_INTERNAL when memory ran out). */
bool jsonload_read(const char *path, char **out, size_t *out_len, struct tl_error *err);
/* The same from the file at path. */
struct timeline *jsonload_file(const char *path, uint64_t conn_number, struct json_run *run, struct tl_error *err);

#endif
