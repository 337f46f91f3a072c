/*
 * cli.c: the command line. argv -> struct cli_config (options, operands,
 * the checks between them, the PKCS#12 password), and the --help text.
 * Running the chosen mode is app.c's.
 */
#include "tlsladder/cli.h"
#include "tlsladder/demo.h"
#include "tlsladder/session.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

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
	      "      --cert FILE --key FILE  client certificate chain and private key (PEM)\n"
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
