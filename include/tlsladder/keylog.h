/*
 * keylog: writes the secrets of a run in the NSS key log format that
 * Wireshark reads ("LABEL <client random hex> <secret hex>"), only when
 * the user asks (--keylog FILE or SSLKEYLOGFILE). A new file is created
 * with mode 0600; an existing one is appended to when it is a regular file
 * that only its owner may read or write. A symbolic link is never followed.
 */
#ifndef TLSLADDER_KEYLOG_H
#define TLSLADDER_KEYLOG_H

#include "tlsladder/errors.h"
#include "tlsladder/timeline.h"

/* Checks, before any network work, that path can be the key log (it is
 * created, empty, if missing). 0, or -1 with err (TL_EXIT_FILES). */
int keylog_check(const char *path, struct tl_error *err);
/* One secret as a key log line ("LABEL random secret\n") into buf (at
 * least KEYLOG_LINE_MAX bytes); returns its length, 0 for a secret that has no
 * key log label (the resumption master secret, tlsladder/keysched.h). */
#define KEYLOG_LINE_MAX (48 + 1 + 64 + 1 + 128 + 2)
size_t keylog_line(const struct tl_secret *s, char *buf);
/* Appends every secret of the timeline to path. Returns the number of lines, or -1 with err. */
int keylog_write(const struct timeline *tl, const char *path, struct tl_error *err);

#endif
