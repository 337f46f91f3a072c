/*
 * cli.c: option parsing, --help, exit codes, and running a mode.
 */
#include "tlsladder/cli.h"
#include "tlsladder/buildinfo.h"
#include "tlsladder/client.h"
#include "tlsladder/demo.h"
#include "tlsladder/diagnose.h"
#include "tlsladder/explain.h"
#include "tlsladder/inspect.h"
#include "tlsladder/keylog.h"
#include "tlsladder/paths.h"
#include "tlsladder/sanitize.h"
#include "tlsladder/server.h"
#include "tlsladder/text.h"
#include "tlsladder/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <termios.h>

enum {
	OPT_TEXT = 256, OPT_WIRE, OPT_TIMEOUT, OPT_GRACE, OPT_CAFILE, OPT_SNI, OPT_NO_SNI, OPT_PRIORITY, OPT_CERT,
	OPT_KEY, OPT_CERTS, OPT_LIST, OPT_TLS12, OPT_TLS13, OPT_VERIFY, OPT_THEME, OPT_STEP, OPT_ASCII,
	OPT_CAPATH, OPT_P12, OPT_P12_PASS_FILE, OPT_ALPN, OPT_KEYLOG, OPT_HTTP, OPT_LISTEN, OPT_CLIENT_CA,
	OPT_REQUEST_CC, OPT_REQUIRE_CC, OPT_ONCE, OPT_WITHHOLD
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "wire", no_argument, NULL, OPT_WIRE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "port", required_argument, NULL, 'p' },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "no-sni", no_argument, NULL, OPT_NO_SNI },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "tls1.2", no_argument, NULL, OPT_TLS12 },
	{ "tls1.3", no_argument, NULL, OPT_TLS13 },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "certs", required_argument, NULL, OPT_CERTS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "capath", required_argument, NULL, OPT_CAPATH },
	{ "p12", required_argument, NULL, OPT_P12 },
	{ "p12-pass-file", required_argument, NULL, OPT_P12_PASS_FILE },
	{ "alpn", required_argument, NULL, OPT_ALPN },
	{ "keylog", required_argument, NULL, OPT_KEYLOG },
	{ "http", no_argument, NULL, OPT_HTTP },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "client-ca", required_argument, NULL, OPT_CLIENT_CA },
	{ "request-client-cert", no_argument, NULL, OPT_REQUEST_CC },
	{ "require-client-cert", no_argument, NULL, OPT_REQUIRE_CC },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "withhold-unmatched-cert", no_argument, NULL, OPT_WITHHOLD },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "step", no_argument, NULL, OPT_STEP },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ NULL, 0, NULL, 0 },
};

/* Writes the --help text. */
void cli_usage(FILE *f)
{
	static const char *const sections[] = {
		"Usage: tlsladder [OPTIONS]                    the offline demo (scenario tls13)\n"
	      "       tlsladder [OPTIONS] demo [SCENARIO]    one demo scenario\n"
	      "       tlsladder demo --list                  the demo scenarios\n"
	      "       tlsladder [OPTIONS] HOST[:PORT]        a real handshake with a server (port 443)\n"
	      "       tlsladder serve [OPTIONS] [PORT]       a TLS server showing each client's handshake\n"
	      "\n"
	      "Performs a real TLS handshake with GnuTLS and shows it as a client/server\n"
	      "ladder, one line per message, then what was negotiated and verified.\n"
	      "HOST may be a name, an IPv4 address, or [IPv6]:PORT.\n"
	      "\n"
	      "On a terminal tlsladder opens the interactive ladder (press ? for its keys);\n"
	      "otherwise, or with --text, it prints the text ladder.\n"
	      "\n"
	      "Output:\n"
	      "      --text            print the text ladder instead of opening the interactive one\n"
	      "      --wire            show TLS records (content type, version, length) instead of messages\n"
	      "  -v, --verbose         text: print each message's decoded fields under it; -vv: with hex\n"
	      "      --step            pause before each flight until Space is pressed (interactive)\n"
	      "      --theme NAME|PATH colours: default, light, mono, classroom, or a theme file\n"
	      "      --ascii           draw with ASCII only (no box drawing or arrows)\n"
	      "\n"
	      "Timing:\n"
	      "      --timeout SECONDS one deadline for the whole run (default 10)\n"
	      "      --grace MS        after the handshake, keep reading this long for late alerts and\n"
	      "                        session tickets; ends as soon as the outcome is known (default 300)\n"
	      "\n",
	      "Client mode:\n"
	      "  -p, --port PORT       port to connect to (default 443)\n"
	      "  -4, -6                use only IPv4 / only IPv6\n"
	      "      --cafile FILE     trust these CA certificates (PEM) instead of the system store\n"
	      "      --capath DIR      trust the CA certificates (PEM) in DIR instead of the system store\n"
	      "      --sni NAME        server name to send and verify (default: HOST)\n"
	      "      --no-sni          send no server name (the certificate is still checked against HOST)\n"
	      "      --priority STR    GnuTLS priority string (default NORMAL)\n"
	      "      --tls1.2, --tls1.3  offer only this TLS version\n"
	      "      --cert FILE --key FILE  client certificate chain and private key (PEM; or one\n"
	      "                        DER certificate and a DER key)\n"
	      "      --p12 FILE        client certificate and key from a PKCS#12 file (.p12, .pfx); the\n"
	      "                        password comes from --p12-pass-file FILE (first line), else\n"
	      "                        $TLSLADDER_P12_PASSWORD, else a prompt on the terminal\n"
	      "      --withhold-unmatched-cert  send no client certificate when its issuer is not among the\n"
	      "                        CAs the server lists (GnuTLS's own behaviour); by default it is\n"
	      "                        sent anyway, so that the server's verdict shows\n"
	      "      --alpn LIST       offer these application protocols, comma-separated (h2,http/1.1)\n"
	      "      --http            after the handshake send GET / and show the first response line\n"
	      "                        (many mutual-TLS servers reveal a rejected certificate only there)\n"
	      "      --keylog FILE     append the session secrets to FILE (NSS key log format, for\n"
	      "                        Wireshark; created mode 0600); also $SSLKEYLOGFILE\n"
	      "      --verify MODE     report (default): finish the handshake and report the verdict;\n"
	      "                        strict: abort on a bad server certificate, as browsers do, and\n"
	      "                        fail (exit 14) on a legacy protocol (TLS 1.0/1.1, CBC with SHA-1)\n"
	      "\n",
	      "Server mode (tlsladder serve; default: the demo certificate on 127.0.0.1 port 4433):\n"
	      "      --listen ADDR     address to listen on (default 127.0.0.1; :: for all IPv6 and IPv4)\n"
	      "      --cert FILE --key FILE, --p12 FILE  the server's certificate chain and key\n"
	      "      --request-client-cert  ask clients for a certificate (they may send none)\n"
	      "      --require-client-cert  require one; the handshake fails without a valid one\n"
	      "      --client-ca FILE  CA certificates that client certificates must chain to (PEM;\n"
	      "                        default: the demo root CA)\n"
	      "      --once            serve one connection, then exit with its result\n"
	      "\n",
	      "Demo:\n"
	      "      --certs DIR       use the demo PKI in DIR instead of the bundled one\n"
	      "      --list            list the scenarios\n"
	      "\n"
	      "  -h, --help            this text\n"
	      "  -V, --version         the version\n"
	      "\n",
	      "Exit codes:\n"
	      "  0  handshake completed and everything verified (also with a legacy-protocol warning)\n"
	      "  1  the handshake failed: the peer closed the connection or broke the protocol\n"
	      "  2  bad command line\n"
	      "  3  a certificate did not verify (report: after the handshake; strict: it was aborted)\n"
	      "  4  the peer rejected the connection with an alert (also after a TLS 1.3 handshake)\n"
	      "  5  a certificate, key or data file could not be used\n"
	      "  6  the connection could not be made (refused, unreachable)\n"
	      "  7  the deadline passed: the peer never answered, or stopped answering\n"
	      "  8  stopped by the user\n"
	      "  9  internal error (out of memory)\n"
	      " 10  the host name does not resolve\n"
	      " 11  no TLS version or cipher suite in common\n"
	      " 12  the peer does not speak TLS (plain HTTP, SSH, a mail or FTP greeting, ...)\n"
	      " 13  the peer reset the connection\n"
	      " 14  --verify strict: a legacy protocol version or suite (TLS 1.0/1.1, CBC with SHA-1)\n",
	};

	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		fputs(sections[i], f);
}

/* Parses a non-negative integer option. */
static int parse_num(const char *s, long max, long *out, const char *what, struct tl_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return tl_error_set(err, TL_EXIT_USAGE, "%s must be a whole number from 0 to %ld, not \"%s\"", what, max, s);
	*out = v;
	return 0;
}

/* Splits HOST[:PORT] / [V6]:PORT / bare IPv6 into cfg->host and cfg->port. */
static int parse_target(const char *t, struct cli_config *cfg, struct tl_error *err)
{
	const char *colon;
	size_t hl;

	if (t[0] == '[') {
		const char *close = strchr(t, ']');
		if (!close)
			return tl_error_set(err, TL_EXIT_USAGE, "\"%s\": missing ']' after the IPv6 address", t);
		hl = (size_t)(close - t - 1);
		if (hl == 0 || hl >= sizeof cfg->host)
			return tl_error_set(err, TL_EXIT_USAGE, "\"%s\" is not a valid address", t);
		memcpy(cfg->host, t + 1, hl);
		cfg->host[hl] = '\0';
		if (close[1] == ':' && close[2])
			snprintf(cfg->port, sizeof cfg->port, "%s", close + 2);
		else if (close[1])
			return tl_error_set(err, TL_EXIT_USAGE, "\"%s\": expected :PORT after ']'", t);
		return 0;
	}
	colon = strchr(t, ':');
	if (colon && strchr(colon + 1, ':'))
		colon = NULL;          /* a bare IPv6 address */
	hl = colon ? (size_t)(colon - t) : strlen(t);
	if (hl == 0 || hl >= sizeof cfg->host)
		return tl_error_set(err, TL_EXIT_USAGE, "\"%s\" is not a valid host", t);
	memcpy(cfg->host, t, hl);
	cfg->host[hl] = '\0';
	if (colon) {
		if (!colon[1] || strlen(colon + 1) >= sizeof cfg->port)
			return tl_error_set(err, TL_EXIT_USAGE, "\"%s\": the port after ':' is missing or too long", t);
		snprintf(cfg->port, sizeof cfg->port, "%s", colon + 1);
	}
	return 0;
}

static int read_p12_password(struct cli_config *cfg, struct tl_error *err);

/* Parses argv into cfg. */
int cli_parse(int argc, char **argv, struct cli_config *cfg, struct tl_error *err)
{
	const char *port_opt = NULL, *version_prio = NULL;
	int c;
	long v;

	memset(cfg, 0, sizeof *cfg);
	cfg->mode = CLI_DEMO;
	cfg->family = AF_UNSPEC;
	cfg->timeout_ms = 10000;
	cfg->grace_ms = 300;
	snprintf(cfg->port, sizeof cfg->port, "443");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hVvp:46", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h': cfg->mode = CLI_HELP; return 0;
		case 'V': cfg->mode = CLI_VERSION; return 0;
		case 'v': cfg->verbose++; break;
		case 'p': port_opt = optarg; break;
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case OPT_TEXT: cfg->text = true; break;
		case OPT_WIRE: cfg->wire = true; break;
		case OPT_TIMEOUT:
			if (parse_num(optarg, 3600, &v, "--timeout", err) < 0)
				return -1;
			if (v == 0)
				return tl_error_set(err, TL_EXIT_USAGE, "--timeout must be at least 1 second");
			cfg->timeout_ms = (int)v * 1000;
			break;
		case OPT_GRACE:
			if (parse_num(optarg, 60000, &v, "--grace", err) < 0)
				return -1;
			cfg->grace_ms = (int)v;
			break;
		case OPT_CAFILE: cfg->cafile = optarg; break;
		case OPT_SNI: cfg->sni = optarg; break;
		case OPT_NO_SNI: cfg->no_sni = true; break;
		case OPT_PRIORITY: cfg->priority = optarg; break;
		case OPT_TLS12: version_prio = "NORMAL:-VERS-ALL:+VERS-TLS1.2"; break;
		case OPT_TLS13: version_prio = "NORMAL:-VERS-ALL:+VERS-TLS1.3"; break;
		case OPT_CERT: cfg->cert = optarg; break;
		case OPT_KEY: cfg->key = optarg; break;
		case OPT_VERIFY:
			if (strcmp(optarg, "strict") == 0)
				cfg->verify_strict = true;
			else if (strcmp(optarg, "report") != 0)
				return tl_error_set(err, TL_EXIT_USAGE, "--verify takes report or strict, not \"%s\"", optarg);
			break;
		case OPT_CERTS: cfg->certs_dir = optarg; break;
		case OPT_CAPATH: cfg->capath = optarg; break;
		case OPT_P12: cfg->p12 = optarg; break;
		case OPT_P12_PASS_FILE: cfg->p12_pass_file = optarg; break;
		case OPT_ALPN: cfg->alpn = optarg; break;
		case OPT_KEYLOG: cfg->keylog = optarg; break;
		case OPT_HTTP: cfg->http = true; break;
		case OPT_LISTEN: cfg->listen = optarg; break;
		case OPT_CLIENT_CA: cfg->client_ca = optarg; break;
		case OPT_REQUEST_CC: cfg->client_auth = TL_AUTH_REQUEST; break;
		case OPT_REQUIRE_CC: cfg->client_auth = TL_AUTH_REQUIRE; break;
		case OPT_ONCE: cfg->once = true; break;
		case OPT_WITHHOLD: cfg->withhold = true; break;
		case OPT_LIST: cfg->mode = CLI_DEMO_LIST; break;
		case OPT_THEME: cfg->theme = optarg; break;
		case OPT_STEP: cfg->step = true; break;
		case OPT_ASCII: cfg->ascii = true; break;
		case ':':
			return tl_error_set(err, TL_EXIT_USAGE, "option %s needs a value (see --help)", argv[optind - 1]);
		default:
			return tl_error_set(err, TL_EXIT_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
		}
	}
	if (version_prio && cfg->priority)
		return tl_error_set(err, TL_EXIT_USAGE, "--priority and --tls1.2/--tls1.3 cannot be combined");
	if (version_prio)
		cfg->priority = version_prio;
	if ((cfg->cert == NULL) != (cfg->key == NULL))
		return tl_error_set(err, TL_EXIT_USAGE, "--cert and --key go together");
	if (cfg->p12 && cfg->cert)
		return tl_error_set(err, TL_EXIT_USAGE, "use either --p12 or --cert/--key, not both");
	if (cfg->p12_pass_file && !cfg->p12)
		return tl_error_set(err, TL_EXIT_USAGE, "--p12-pass-file needs --p12");
	if (cfg->cafile && cfg->capath)
		return tl_error_set(err, TL_EXIT_USAGE, "use either --cafile or --capath, not both");
	if (!cfg->keylog && getenv("SSLKEYLOGFILE") && *getenv("SSLKEYLOGFILE"))
		cfg->keylog = getenv("SSLKEYLOGFILE");

	/* operands: demo [SCENARIO] | HOST[:PORT]; options may follow them */
	while (optind < argc) {
		const char *arg = argv[optind++];

		if (cfg->mode == CLI_DEMO_LIST && strcmp(arg, "demo") == 0)
			continue;
		if (cfg->mode == CLI_DEMO && !cfg->scenario && strcmp(arg, "serve") == 0 && !cfg->host[0]) {
			cfg->mode = CLI_SERVE;
			snprintf(cfg->port, sizeof cfg->port, "4433");
			continue;
		}
		if (cfg->mode == CLI_SERVE && !port_opt) {
			port_opt = arg;
			continue;
		}
		if (cfg->mode == CLI_DEMO && !cfg->scenario && strcmp(arg, "demo") == 0 && !cfg->host[0]) {
			cfg->scenario = "";
			continue;
		}
		if (cfg->mode == CLI_DEMO && cfg->scenario && !cfg->scenario[0]) {
			cfg->scenario = arg;
			continue;
		}
		if (cfg->mode == CLI_DEMO && !cfg->scenario && !cfg->host[0]) {
			if (parse_target(arg, cfg, err) < 0)
				return -1;
			cfg->mode = CLI_CLIENT;
			continue;
		}
		return tl_error_set(err, TL_EXIT_USAGE, "unexpected argument \"%s\" (see --help)", arg);
	}
	if (cfg->mode == CLI_DEMO && cfg->scenario && !cfg->scenario[0])
		cfg->scenario = NULL;
	if (cfg->mode == CLI_DEMO_LIST)
		return 0;
	if (port_opt) {
		if (parse_num(port_opt, 65535, &v, "--port", err) < 0 || v == 0)
			return tl_error_set(err, TL_EXIT_USAGE, "--port must be from 1 to 65535, not \"%s\"", port_opt);
		snprintf(cfg->port, sizeof cfg->port, "%ld", v);
	}
	if ((cfg->mode == CLI_CLIENT || cfg->mode == CLI_SERVE) && read_p12_password(cfg, err) < 0)
		return -1;
	if (cfg->mode != CLI_SERVE && (cfg->listen || cfg->client_ca || cfg->client_auth || cfg->once))
		return tl_error_set(err, TL_EXIT_USAGE, "--listen, --client-ca, --request-client-cert, --require-client-cert "
							"and --once are for tlsladder serve");
	if (cfg->mode == CLI_SERVE && (cfg->http || cfg->alpn || cfg->sni))
		return tl_error_set(err, TL_EXIT_USAGE, "--http, --alpn and --sni are for the client");
	if (cfg->mode == CLI_DEMO && cfg->scenario && !demo_find(cfg->scenario))
		return tl_error_set(err, TL_EXIT_USAGE, "no demo scenario called \"%s\" (tlsladder demo --list)", cfg->scenario);
	return 0;
}

/* Prints the scenario list. */
static int run_list(void)
{
	for (int failures = 0; failures < 2; failures++) {
		printf("%s", failures ? "\nFailures, each teaching one (tlsladder demo SCENARIO):\n"
				      : "Demo scenarios (tlsladder demo SCENARIO):\n");
		for (size_t i = 0; i < demo_count(); i++) {
			const struct demo_scenario *sc = demo_get(i);
			if (sc->failure != (failures == 1))
				continue;
			printf("  %-25s %s%s\n", sc->name, sc->summary, sc == demo_default() ? " (default)" : "");
		}
	}
	return TL_EXIT_OK;
}


/* Prints an error line. */
static void complain(const char *msg)
{
	char safe[1024];

	sanitize_str(safe, sizeof safe, msg);
	fprintf(stderr, "tlsladder: %s\n", safe);
}

/* The exit code follows the primary cause the diagnosis names (usage, file and
 * internal failures, and the user's stop, keep their own codes); under
 * --verify strict a warning (legacy-protocol) fails too. */
static int exit_from_diagnosis(const struct timeline *tl, enum tl_side side, unsigned conn, int rc, bool strict)
{
	struct diag_finding d;

	if (rc == TL_EXIT_USAGE || rc == TL_EXIT_INTERNAL || rc == TL_EXIT_CANCELLED || rc == TL_EXIT_FILES || rc < 0)
		return rc;
	if (diagnose(tl, conn, side, &d, 1) == 0)
		return rc;
	return diag_exit_code_policy(d.code, strict);
}

/* Writes the key log when the user asked for one; false on failure (reported). */
static bool write_keylog(const struct cli_config *cfg, const struct timeline *tl)
{
	struct tl_error err = { 0, "" };

	if (!cfg->keylog)
		return true;
	if (keylog_write(tl, cfg->keylog, &err) < 0) {
		complain(err.msg);
		return false;
	}
	return true;
}

/* Reads the PKCS#12 password: --p12-pass-file, $TLSLADDER_P12_PASSWORD, or a no-echo prompt. */
static int read_p12_password(struct cli_config *cfg, struct tl_error *err)
{
	const char *env = getenv("TLSLADDER_P12_PASSWORD");
	char *nl;

	if (!cfg->p12 || cfg->have_p12_password)
		return 0;
	if (cfg->p12_pass_file) {
		FILE *f = fopen(cfg->p12_pass_file, "r");
		if (!f)
			return tl_error_set(err, TL_EXIT_FILES, "%s: the password file cannot be read: %s", cfg->p12_pass_file,
					    strerror(errno));
		if (!fgets(cfg->p12_password, sizeof cfg->p12_password, f))
			cfg->p12_password[0] = '\0';
		fclose(f);
	} else if (env) {
		snprintf(cfg->p12_password, sizeof cfg->p12_password, "%s", env);
	} else if (isatty(STDIN_FILENO)) {
		struct termios old, quiet;
		int tty_ok = tcgetattr(STDIN_FILENO, &old) == 0;
		fprintf(stderr, "Password for %s: ", cfg->p12);
		fflush(stderr);
		if (tty_ok) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
		if (!fgets(cfg->p12_password, sizeof cfg->p12_password, stdin))
			cfg->p12_password[0] = '\0';
		if (tty_ok)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	} else {
		return tl_error_set(err, TL_EXIT_USAGE,
				    "%s needs a password: use --p12-pass-file FILE or TLSLADDER_P12_PASSWORD", cfg->p12);
	}
	if ((nl = strpbrk(cfg->p12_password, "\r\n")))
		*nl = '\0';
	cfg->have_p12_password = true;
	return 0;
}

/* The tree builder handed to the UI and the text ladder. */
static struct tree_node *tree_of(const struct timeline *tl, size_t i, void *arg)
{
	(void)arg;
	return inspect_event(tl, i);
}

/* A capture running on its own thread while the UI shows it. */
struct runner {
	const struct cli_config *cfg;
	const struct serve_opts *serve;
	const struct demo_scenario *sc;
	const char *certs;
	struct timeline *tl;
	int cancel[2];
	struct step_gate *gate;
	int rc;
	struct tl_error err;
};

/* True when host is an IPv4 or IPv6 address rather than a name. */
static bool ip_literal(const char *host)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* Fills client options from the command line. */
static void client_opts_from(const struct cli_config *cfg, struct client_opts *o)
{
	memset(o, 0, sizeof *o);
	o->host = cfg->host;
	o->port = cfg->port;
	o->family = cfg->family;
	o->grace_ms = cfg->grace_ms;
	o->timeout_ms = cfg->timeout_ms;
	o->cancel_fd = -1;
	o->tls.side = TL_CLIENT;
	o->tls.priority = cfg->priority;
	o->tls.cert_file = cfg->cert;
	o->tls.key_file = cfg->key;
	o->tls.ca_file = cfg->cafile;
	o->tls.ca_path = cfg->capath;
	o->tls.system_trust = cfg->cafile == NULL && cfg->capath == NULL;
	o->tls.p12_file = cfg->p12;
	o->tls.p12_password = cfg->have_p12_password ? cfg->p12_password : NULL;
	o->tls.alpn = cfg->alpn;
	o->tls.http = cfg->http;
	o->tls.withhold_unmatched = cfg->withhold;
	o->tls.server_name = cfg->sni ? cfg->sni : cfg->host;
	o->tls.send_sni = !cfg->no_sni && (cfg->sni || !ip_literal(cfg->host));   /* RFC 6066: no addresses in SNI */
	o->tls.verify_strict = cfg->verify_strict;
}

/* The capture thread: runs the demo or the client, then marks the timeline finished. */
static void *runner_main(void *arg)
{
	struct runner *r = arg;

	if (r->serve) {
		struct serve_opts so = *r->serve;
		so.cancel_fd = r->cancel[0];
		so.gate = r->gate;
		r->rc = serve_run(&so, r->tl, &r->err);
	} else if (r->sc) {
		struct demo_opts o = { r->certs, r->cfg->grace_ms, r->cfg->timeout_ms, true, r->cancel[0], r->gate };
		r->rc = demo_run(r->sc, &o, r->tl, &r->err);
		if (r->rc < 0)
			r->rc = r->err.code;
	} else {
		struct client_opts o;
		client_opts_from(r->cfg, &o);
		o.cancel_fd = r->cancel[0];
		o.gate = r->gate;
		r->rc = client_run(&o, r->tl, &r->err);
	}
	if (r->err.msg[0])
		timeline_note_code(r->tl, TL_EV_ERROR, TL_CLIENT, 0, r->err.msg, r->err.code);
	timeline_finish(r->tl);
	return NULL;
}

/* Opens the interactive ladder over a capture thread; returns the exit code. */
static int run_ui(const struct cli_config *cfg, const struct demo_scenario *sc, const char *certs, const char *target,
		  const struct serve_opts *serve)
{
	struct runner r;
	struct ui_source src;
	struct ui_opts uo;
	pthread_t th;
	char nul = 0;
	bool finished;

	memset(&r, 0, sizeof r);
	r.cfg = cfg;
	r.sc = sc;
	r.serve = serve;
	r.certs = certs;
	r.tl = timeline_create(sc != NULL);
	if (!r.tl || pipe(r.cancel) != 0) {
		complain("out of memory or descriptors");
		timeline_destroy(r.tl);
		return TL_EXIT_INTERNAL;
	}
	r.gate = cfg->step ? step_gate_new() : NULL;
	if (pthread_create(&th, NULL, runner_main, &r) != 0) {
		complain("could not start the capture thread");
		timeline_destroy(r.tl);
		return TL_EXIT_INTERNAL;
	}
	memset(&src, 0, sizeof src);
	src.tl = r.tl;
	src.target = target;
	src.gate = r.gate;
	src.explain = explain_event;
	src.tree = tree_of;
	src.tree_arg = NULL;
	src.per_conn = serve != NULL;
	setlocale(LC_ALL, "");      /* the interactive ladder follows the terminal's locale (UTF-8: box drawing) */
	memset(&uo, 0, sizeof uo);
	uo.theme = cfg->theme;
	uo.ascii = cfg->ascii;
	uo.wire = cfg->wire;
	uo.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
	ui_run(&src, &uo);
	/* stop the capture (a no-op when it is done) and wait for it */
	finished = timeline_finished(r.tl);
	if (write(r.cancel[1], &nul, 1) < 0) {
		/* the thread also ends at its own deadline */
	}
	if (r.gate)
		step_gate_cancel(r.gate);
	pthread_join(th, NULL);
	if (r.err.msg[0])
		complain(r.err.msg);
	if (!write_keylog(cfg, r.tl) && r.rc == TL_EXIT_OK)
		r.rc = TL_EXIT_FILES;
	if (finished && !serve)
		r.rc = exit_from_diagnosis(r.tl, TL_CLIENT, timeline_conn_count(r.tl) ? timeline_conn_count(r.tl) - 1 : 0, r.rc,
					   cfg->verify_strict);
	else if (serve && timeline_conn_count(r.tl) > 0)
		r.rc = exit_from_diagnosis(r.tl, TL_SERVER, timeline_conn_count(r.tl) - 1, r.rc, cfg->verify_strict);
	close(r.cancel[0]);
	close(r.cancel[1]);
	step_gate_free(r.gate);
	timeline_destroy(r.tl);
	/* a server ends when the user quits: its code is the last connection's */
	return finished || serve ? r.rc : TL_EXIT_CANCELLED;
}

/* True when the interactive ladder should open. */
static bool want_ui(const struct cli_config *cfg)
{
	return !cfg->text && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
}

/* Runs a demo scenario and prints its ladder. */
static int run_demo(const struct cli_config *cfg)
{
	const struct demo_scenario *sc = cfg->scenario ? demo_find(cfg->scenario) : demo_default();
	char certs[PATH_MAX], title[256];
	struct demo_opts o;
	struct tl_error err = { 0, "" };
	struct text_opts to = { .wire = cfg->wire, .verbose = cfg->verbose, .tree = tree_of, .only_conn = -1 };
	struct timeline *tl;
	int rc;

	if (cfg->certs_dir) {
		snprintf(certs, sizeof certs, "%s", cfg->certs_dir);
	} else if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs)) {
		complain("the bundled demo certificates were not found (set TLSLADDER_DATADIR or use --certs DIR)");
		return TL_EXIT_FILES;
	}
	snprintf(title, sizeof title, "tlsladder demo %s: %s", sc->name, sc->summary);
	if (want_ui(cfg)) {
		char target[96];
		snprintf(target, sizeof target, "demo %s", sc->name);
		return run_ui(cfg, sc, certs, target, NULL);
	}
	tl = timeline_create(true);
	if (!tl) {
		complain("out of memory");
		return TL_EXIT_INTERNAL;
	}
	memset(&o, 0, sizeof o);
	o.certs_dir = certs;
	o.grace_ms = cfg->grace_ms;
	o.timeout_ms = cfg->timeout_ms;
	o.capture = true;
	o.cancel_fd = -1;
	rc = demo_run(sc, &o, tl, &err);
	timeline_finish(tl);
	if (rc < 0) {
		complain(err.msg);
		timeline_destroy(tl);
		return err.code;
	}
	to.title = title;
	text_write(stdout, tl, &to);
	rc = exit_from_diagnosis(tl, TL_CLIENT, timeline_conn_count(tl) ? timeline_conn_count(tl) - 1 : 0, rc, cfg->verify_strict);
	if (!write_keylog(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	timeline_destroy(tl);
	return rc;
}

/* Text mode: the client's notes on stderr as they happen. */
static void print_note(void *arg, const struct tl_event *ev)
{
	(void)arg;
	if (ev->kind == TL_EV_NOTE && ev->from == TL_CLIENT && ev->text)
		complain(ev->text);
}

/* Runs the client and prints its ladder. */
static int run_client(const struct cli_config *cfg)
{
	struct tl_error err = { 0, "" };
	struct text_opts to = { .wire = cfg->wire, .client_only = true, .verbose = cfg->verbose, .tree = tree_of,
				.only_conn = -1 };
	struct timeline *tl;
	char title[300], heading[320];
	int rc;

	snprintf(title, sizeof title, "%s port %s", cfg->host, cfg->port);
	if (want_ui(cfg))
		return run_ui(cfg, NULL, NULL, title, NULL);
	tl = timeline_create(false);
	if (!tl) {
		complain("out of memory");
		return TL_EXIT_INTERNAL;
	}
	/* say on stderr what it is doing, as it happens */
	timeline_set_note_hook(tl, print_note, NULL);
	{
		struct client_opts o;
		client_opts_from(cfg, &o);
		rc = client_run(&o, tl, &err);
		if (err.msg[0])
			timeline_note_code(tl, TL_EV_ERROR, TL_CLIENT, 0, err.msg, err.code);
		timeline_finish(tl);
	}
	snprintf(heading, sizeof heading, "tlsladder %s", title);
	to.title = heading;
	if (timeline_count(tl) > 0)
		text_write(stdout, tl, &to);
	rc = exit_from_diagnosis(tl, TL_CLIENT, 0, rc, cfg->verify_strict);
	if (!write_keylog(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	if (err.msg[0])
		complain(err.msg);
	else if (rc != TL_EXIT_OK) {
		struct tl_result r;
		timeline_get_result(tl, TL_CLIENT, 0, &r);
		if (rc == TL_EXIT_LEGACY)
			complain("--verify strict: the handshake used a legacy protocol version or cipher suite (see the "
				 "diagnosis)");
		else if (r.error[0])
			complain(r.error);
		else if (r.verify_done && !r.verified) {
			char line[700];
			snprintf(line, sizeof line, "the server's certificate did not verify: %s", r.verify);
			complain(line);
		}
	}
	timeline_destroy(tl);
	return rc;
}

static int serve_cancel[2] = { -1, -1 };

/* SIGINT/SIGTERM in text serve mode: stop accepting and exit cleanly. */
static void serve_signal(int sig)
{
	char b = (char)sig;

	if (write(serve_cancel[1], &b, 1) < 0) {
		/* nothing else is safe here */
	}
}

struct serve_text {
	const struct cli_config *cfg;
	struct serve_opts *so;
	struct timeline *tl;
};

/* Text serve mode: prints each connection's ladder as soon as it is done. */
static void serve_conn_done(void *arg, unsigned conn, int rc)
{
	struct serve_text *st = arg;
	char title[64];
	struct text_opts to = { .wire = st->cfg->wire, .server_only = true, .verbose = st->cfg->verbose,
				.tree = tree_of, .only_conn = conn };

	snprintf(title, sizeof title, "tlsladder serve: connection %u (exit code %d)", conn + 1,
		 exit_from_diagnosis(st->tl, TL_SERVER, conn, rc, st->cfg->verify_strict));
	to.title = title;
	text_write(stdout, st->tl, &to);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Text serve mode: the socket is ready. */
static void serve_listening(void *arg)
{
	struct serve_text *st = arg;
	struct serve_opts *so = st->so;

	fprintf(stderr, "tlsladder: listening on %s port %s%s\n", so->listen, so->port,
		so->once ? " for one connection" : " (Ctrl-C stops)");
}

/* Runs the server. */
static int run_serve(const struct cli_config *cfg)
{
	char certs[PATH_MAX], cert[PATH_MAX + 32], key[PATH_MAX + 32], ca[PATH_MAX + 32], target[200];
	struct serve_opts so;
	struct serve_text st;
	struct tl_error err = { 0, "" };
	struct timeline *tl;
	struct sigaction sa, old_int, old_term;
	int rc;

	memset(&so, 0, sizeof so);
	so.listen = cfg->listen ? cfg->listen : "127.0.0.1";
	so.port = cfg->port;
	so.timeout_ms = cfg->timeout_ms;
	so.once = cfg->once;
	so.cancel_fd = -1;
	so.tls.side = TL_SERVER;
	so.tls.priority = cfg->priority;
	so.tls.tickets = true;
	so.tls.client_auth = (enum tl_auth)cfg->client_auth;
	so.tls.p12_file = cfg->p12;
	so.tls.p12_password = cfg->have_p12_password ? cfg->p12_password : NULL;
	if ((!cfg->cert && !cfg->p12) || (cfg->client_auth && !cfg->client_ca)) {
		if (!paths_data_dir("certs", "root-ca.pem", certs, sizeof certs)) {
			complain("the bundled demo certificates were not found (use --cert/--key and --client-ca)");
			return TL_EXIT_FILES;
		}
		snprintf(cert, sizeof cert, "%s/server-ecdsa-chain.pem", certs);
		snprintf(key, sizeof key, "%s/server-ecdsa.key", certs);
		snprintf(ca, sizeof ca, "%s/root-ca.pem", certs);
	}
	if (!cfg->p12) {
		so.tls.cert_file = cfg->cert ? cfg->cert : cert;
		so.tls.key_file = cfg->key ? cfg->key : key;
	}
	so.tls.ca_file = cfg->client_auth ? (cfg->client_ca ? cfg->client_ca : ca) : cfg->cafile;
	snprintf(target, sizeof target, "serve %s port %s", so.listen, so.port);
	if (want_ui(cfg))
		return run_ui(cfg, NULL, NULL, target, &so);

	tl = timeline_create(false);
	if (!tl || pipe(serve_cancel) != 0) {
		complain("out of memory or descriptors");
		timeline_destroy(tl);
		return TL_EXIT_INTERNAL;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = serve_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	so.cancel_fd = serve_cancel[0];
	st.cfg = cfg;
	st.so = &so;
	st.tl = tl;
	so.conn_done = serve_conn_done;
	so.arg = &st;
	so.listening = serve_listening;
	rc = serve_run(&so, tl, &err);
	if (timeline_conn_count(tl) > 0)
		rc = exit_from_diagnosis(tl, TL_SERVER, timeline_conn_count(tl) - 1, rc, cfg->verify_strict);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	close(serve_cancel[0]);
	close(serve_cancel[1]);
	if (err.msg[0])
		complain(err.msg);
	if (!write_keylog(cfg, tl) && rc == TL_EXIT_OK)
		rc = TL_EXIT_FILES;
	timeline_destroy(tl);
	return rc;
}

/* Runs the configured mode. */
int cli_run(const struct cli_config *cfg)
{
	struct tl_error err = { 0, "" };
	int rc;

	switch (cfg->mode) {
	case CLI_HELP:
		cli_usage(stdout);
		return TL_EXIT_OK;
	case CLI_VERSION:
		printf("tlsladder %s\n", TLSLADDER_VERSION);
		return TL_EXIT_OK;
	case CLI_DEMO_LIST:
		return run_list();
	default:
		break;
	}
	if (session_global_init(&err) < 0) {
		complain(err.msg);
		return err.code;
	}
	rc = cfg->mode == CLI_CLIENT ? run_client(cfg) : cfg->mode == CLI_SERVE ? run_serve(cfg) : run_demo(cfg);
	session_global_deinit();
	return rc;
}
