/*
 * app: running what the command line chose. The modes (the offline demo,
 * the client, serve), the capture runner (the text ladder, or the
 * interactive ladder over a capture thread), and the exit policy (which
 * exit code a run ends with).
 */
#ifndef TLSLADDER_APP_H
#define TLSLADDER_APP_H

#include "tlsladder/cli.h"

/* Runs the configured mode, writes its output, returns the exit code. */
int app_run(const struct cli_config *cfg);

#endif
