/*
 * cli: the command line (argv -> struct cli_config) and --help. Running
 * the chosen mode is app's (app.h).
 */
#ifndef TLSLADDER_CLI_H
#define TLSLADDER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "tlsladder/errors.h"

enum cli_mode { CLI_DEMO, CLI_DEMO_LIST, CLI_CLIENT, CLI_SERVE, CLI_HELP, CLI_VERSION };

struct cli_config {
	enum cli_mode mode;
	const char *scenario;       /* demo; NULL: the default */
	char host[256];             /* client */
	char port[16];
	int family;                 /* AF_UNSPEC, AF_INET, AF_INET6 */
	const char *cafile;
	const char *sni;
	bool no_sni;
	const char *priority;
	const char *cert, *key;
	const char *capath;
	const char *p12, *p12_pass_file;
	char p12_password[256];
	bool have_p12_password;
	const char *alpn;
	bool http;
	bool withhold;              /* --withhold-unmatched-cert */
	/* serve */
	const char *listen;         /* --listen ADDR (default 127.0.0.1) */
	const char *client_ca;      /* --client-ca FILE */
	int client_auth;            /* enum tl_auth */
	bool once;
	const char *keylog;         /* --keylog FILE, else $SSLKEYLOGFILE */
	bool verify_strict;
	bool text, wire;
	int timeout_ms;
	int grace_ms;
	const char *certs_dir;      /* demo: overrides the bundled certs */
	const char *theme;          /* UI theme name or path */
	bool step;                  /* pause before each flight */
	bool ascii;                 /* UI without box drawing */
	int verbose;                /* text: -v trees, -vv trees with hex */
};

/* Parses argv. Returns 0, or -1 with err (TL_EXIT_USAGE). */
int cli_parse(int argc, char **argv, struct cli_config *cfg, struct tl_error *err);
/* Writes the --help text. */
void cli_usage(FILE *f);

#endif
