/*
 * paths: where the program finds its data (certs/, themes/), both from the
 * build tree and installed.
 */
#ifndef TLSLADDER_PATHS_H
#define TLSLADDER_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds the directory `sub` ("certs", "themes") that contains the file
 * `probe`, looking in order at: $TLSLADDER_DATADIR/sub, the directory of the
 * running executable (build tree), ../share/tlsladder/sub relative to it
 * (installed prefix), then the compiled-in data directory. Writes the path
 * into out and returns true when found.
 */
bool paths_data_dir(const char *sub, const char *probe, char *out, size_t n);

#endif
