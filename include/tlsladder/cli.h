/*
 * cli: the command line (argv -> struct cli_config) and --help. Running
 * the chosen mode is app's (app.h).
 */
#ifndef TLSLADDER_CLI_H
#define TLSLADDER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tlsladder/errors.h"

/* How many --crl FILE options one command line may give. */
#define CLI_MAX_CRL 16

enum cli_mode { CLI_DEMO, CLI_DEMO_LIST, CLI_CLIENT, CLI_SERVE, CLI_HELP, CLI_VERSION };

/* serve: --cert/--key pairs after the first (session.h's SESSION_MAX_CERT_PAIRS - 1) */
#define CLI_MAX_MORE_PAIRS 7

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
	const char *more_cert[CLI_MAX_MORE_PAIRS], *more_key[CLI_MAX_MORE_PAIRS];   /* serve: the pairs after the first */
	unsigned nmore_cert, nmore_key;
	const char *capath;
	const char *p12, *p12_pass_file;
	char p12_password[256];
	bool have_p12_password;
	const char *alpn;
	bool http;
	bool withhold;              /* --withhold-unmatched-cert */
	bool key_update;            /* --key-update */
	bool no_pha;                /* --no-post-handshake-auth */
	bool cert_later;            /* serve --request-client-cert-later */
	/* serve */
	const char *listen;         /* --listen ADDR (default 127.0.0.1) */
	const char *client_ca;      /* --client-ca FILE */
	int client_auth;            /* enum tl_auth */
	bool once;
	unsigned max_conns;         /* --max-conns N (0: the default) */
	unsigned keep;              /* --keep N (0: the default) */
	const char *keylog;         /* --keylog FILE, else $SSLKEYLOGFILE */
	const char *pcap;           /* --pcap FILE */
	bool verify_strict;
	bool text, wire;
	int timeout_ms;
	int grace_ms;
	const char *certs_dir;      /* demo: overrides the bundled certs */
	const char *theme;          /* UI theme name or path */
	const char *html;           /* --html FILE */
	bool step;                  /* pause before each flight */
	bool ascii;                 /* UI without box drawing */
	int verbose;                /* text: -v trees, -vv trees with hex */
	/* saved runs */
	const char *json;           /* --json FILE ("-": stdout) */
	bool json_secrets;          /* --json-secrets */
	bool show_secrets;          /* --show-secrets: secret values in the text trees and key schedules */
	bool summary_json;          /* --summary-json */
	const char *replay;         /* --replay FILE: a saved run instead of a capture */
	unsigned long replay_conn;  /* --conn N: serve's connection N of the file (0: the first document) */
	const char *mermaid, *markdown, *svg;   /* exports (export.h): FILE, "-": stdout */
	const char *crl[CLI_MAX_CRL];           /* --crl FILE, in order (client and serve) */
	unsigned ncrl;
	bool resume;                /* --resume: a second connection resumes the first */
	const char *early_data;     /* --early-data STRING|@FILE (with --resume) */
	int starttls;               /* --starttls PROTO: an enum tl_starttls_proto (0: none) */
	const char *xmpp_host;      /* --xmpp-host NAME */
	bool quiz;                  /* --quiz (also set by --quiz-file) */
	const char *quiz_file;      /* --quiz-file FILE */
	int play_ms;                /* --play SECONDS, in milliseconds (0: off) */
};

/* The modes an option has an effect in (struct cli_option.modes). */
enum { CLI_IN_DEMO = 1, CLI_IN_CLIENT = 2, CLI_IN_SERVE = 4, CLI_IN_ALL = 7 };

/* The sections of --help that list options, in their order. */
enum cli_section { CLI_SEC_OUTPUT, CLI_SEC_TIMING, CLI_SEC_CLIENT, CLI_SEC_SERVE, CLI_SEC_DEMO, CLI_SEC_REPLAY, CLI_SEC_OTHER, CLI_SEC_COUNT };

/* Where a row's name goes in --help: a line of its own; after the previous
 * row's name on its line, with ", " ("-4, -6") or " " ("--cert FILE --key
 * FILE"); or only in the previous row's help text (--p12-pass-file). */
enum cli_join { CLI_OWN_LINE, CLI_AFTER_COMMA, CLI_AFTER_SPACE, CLI_IN_TEXT };

/* One row of the option table, which feeds both getopt_long and --help. An
 * option listed in two sections (--cert for the client and for serve) has a
 * row in each; getopt_long gets it once. */
struct cli_option {
	int key;                    /* the short name, or a code above 255 for a long-only option */
	const char *name;           /* the long name without "--", or NULL */
	const char *arg;            /* the argument's name in --help, or NULL: it takes none */
	unsigned modes;             /* CLI_IN_*: the modes this row describes */
	enum cli_section section;
	enum cli_join join;
	const char *help;           /* "\n" starts a continuation line; NULL on a joined row */
};

/* The option table, in --help order; *n is its number of rows. */
const struct cli_option *cli_options(size_t *n);
/* Parses argv. Returns 0, or -1 with err (TL_EXIT_USAGE). */
int cli_parse(int argc, char **argv, struct cli_config *cfg, struct tl_error *err);
/* Writes the --help text. */
void cli_usage(FILE *f);

#endif
