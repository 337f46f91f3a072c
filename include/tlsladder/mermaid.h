/*
 * mermaid: the ladder as a Mermaid sequenceDiagram (--mermaid FILE), for
 * slides and documentation. Participants C (Client) and S (Server); one
 * arrow per message in ladder order, labelled with its step and size as
 * the text ladder shows them: ->> plaintext, -->> encrypted (and which
 * keys), -x / --x a message that did not reach the other side; notes and
 * errors as notes beside their side; the diagnosis as the last note. Notes
 * are broken into lines of about 72 characters with <br>, which tlsladder
 * alone writes (a < from the text is always an entity code).
 */
#ifndef TLSLADDER_MERMAID_H
#define TLSLADDER_MERMAID_H

#include <stddef.h>
#include <stdio.h>

#include "tlsladder/text.h"
#include "tlsladder/timeline.h"

/*
 * The safe form of untrusted text for Mermaid message and note text:
 * sanitized (sanitize.h), then every character outside letters, digits,
 * space, UTF-8 and .,()[]_+-*'/=!?@^~|{} written as an entity code "#NN;"
 * (so no ; # : % < > " & $ backslash or newline is left to Mermaid).
 * Always NUL-terminated; cut on a whole entity. Returns dst.
 */
char *mermaid_text(char *dst, size_t n, const char *src);
/* Writes the diagram of the timeline (o: as for the text ladder). */
void mermaid_write(FILE *f, const struct timeline *tl, const struct text_opts *o);

#endif
