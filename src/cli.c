/*
 * cli.c: the command line. One option table (options[] below: names,
 * argument, modes, --help section and text) feeds both getopt_long and
 * --help, so no option exists without its help line. Parsing turns argv
 * into struct cli_config: the options, the operands (demo [SCENARIO],
 * serve [PORT], HOST[:PORT]), the checks between them, and the PKCS#12
 * password. Running the chosen mode is app.c's.
 */
#include "tlsladder/cli.h"
#include "tlsladder/demo.h"
#include "tlsladder/plainproto.h"
#include "tlsladder/session.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

/* Codes getopt_long returns for the options without a short name. */
enum {
	OPT_TEXT = 256, OPT_WIRE, OPT_TIMEOUT, OPT_GRACE, OPT_CAFILE, OPT_SNI, OPT_NO_SNI, OPT_PRIORITY, OPT_CERT,
	OPT_KEY, OPT_CERTS, OPT_LIST, OPT_TLS12, OPT_TLS13, OPT_VERIFY, OPT_THEME, OPT_STEP, OPT_ASCII,
	OPT_CAPATH, OPT_P12, OPT_P12_PASS_FILE, OPT_ALPN, OPT_KEYLOG, OPT_HTTP, OPT_LISTEN, OPT_CLIENT_CA,
	OPT_REQUEST_CC, OPT_REQUIRE_CC, OPT_ONCE, OPT_WITHHOLD, OPT_MAX_CONNS, OPT_KEEP,
	OPT_PCAP, OPT_JSON, OPT_JSON_SECRETS, OPT_SUMMARY_JSON, OPT_REPLAY, OPT_CONN,
	OPT_MERMAID, OPT_MARKDOWN, OPT_SVG, OPT_HTML,
	OPT_CRL, OPT_KEY_UPDATE, OPT_NO_PHA, OPT_CERT_LATER, OPT_RESUME, OPT_EARLY_DATA, OPT_STARTTLS, OPT_XMPP_HOST,
	OPT_QUIZ, OPT_QUIZ_FILE, OPT_PLAY, OPT_SHOW_SECRETS
};

/* The priority string of --tls1.2. */
#define PRIO_TLS12_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.2"

#define ALL CLI_IN_ALL
#define DEMO CLI_IN_DEMO
#define CLIENT CLI_IN_CLIENT
#define SERVE CLI_IN_SERVE
#define OWN CLI_OWN_LINE
#define COMMA CLI_AFTER_COMMA
#define SPACE CLI_AFTER_SPACE
#define IN_TEXT CLI_IN_TEXT

/* The option table: getopt_long's options and the option lines of --help,
 * in --help's order. A "\n" in a help text starts a continuation line. */
static const struct cli_option options[] = {
	/* key, long name, argument, modes, section, join, help */
	{ OPT_TEXT, "text", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "print the text ladder instead of opening the interactive one" },
	{ OPT_WIRE, "wire", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "show TLS records (content type, version, length) instead of messages, each with\n"
	  "what it carries (= EncryptedExtensions), decrypted with keys derived from the key log" },
	{ 'v', "verbose", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "text: print each message's decoded fields under it; -vv: with hex;\n"
	  "-vvv: and its bytes in hex and ASCII, each field's bytes named" },
	{ OPT_PCAP, "pcap", "FILE", ALL, CLI_SEC_OUTPUT, OWN,
	  "write the connections to FILE as pcapng: the TLS records in\n"
	  "made-up TCP/IP, with the session secrets inside, so that\n"
	  "Wireshark decrypts it alone (created mode 0600)" },
	{ OPT_STEP, "step", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "pause before each flight until Space is pressed (interactive);\n"
	  "the --timeout deadline stops while a flight waits, the waiting\n"
	  "side's peer is not reported silent, and after Space the selection\n"
	  "is on the first message of the flight just sent" },
	{ OPT_THEME, "theme", "NAME|PATH", ALL, CLI_SEC_OUTPUT, OWN,
	  "colours: default, light, mono, classroom, or a theme file" },
	{ OPT_ASCII, "ascii", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "draw with ASCII only (no box drawing or arrows)" },
	{ OPT_JSON, "json", "FILE", ALL, CLI_SEC_OUTPUT, OWN,
	  "also save the run as JSON to FILE (- for stdout), for --replay;\n"
	  "serve writes one line per connection (docs/json-format.md)" },
	{ OPT_JSON_SECRETS, "json-secrets", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "put the session secrets in the JSON too (the file is created 0600)" },
	{ OPT_SHOW_SECRETS, "show-secrets", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "text: print the secrets derived in this run (traffic secrets, keys,\n"
	  "IVs, finished keys, PSKs) in the -v trees, and each connection's\n"
	  "key schedule with its values; never a private key" },
	{ OPT_SUMMARY_JSON, "summary-json", NULL, ALL, CLI_SEC_OUTPUT, OWN,
	  "print one JSON object instead of the ladder: outcome, diagnosis\n"
	  "codes, exit code, version, suite, chain verdicts" },
	{ OPT_MERMAID, "mermaid", "FILE", ALL, CLI_SEC_OUTPUT, OWN,
	  "also write the ladder as a Mermaid sequenceDiagram to FILE" },
	{ OPT_MARKDOWN, "markdown", "FILE", ALL, CLI_SEC_OUTPUT, OWN,
	  "also write the ladder, summary and diagnosis as Markdown to FILE" },
	{ OPT_SVG, "svg", "FILE", ALL, CLI_SEC_OUTPUT, OWN,
	  "also write the ladder as an SVG picture to FILE; for these three,\n"
	  "- is stdout (instead of the text ladder), serve writes FILE-N.EXT\n"
	  "for connection N, and the interactive ladder does not open" },
	{ OPT_HTML, "html", "FILE", ALL, CLI_SEC_OUTPUT, OWN,
	  "also write the ladder as one self-contained HTML page (each message\n"
	  "opens to its fields and explanation; --theme's colours); serve: one\n"
	  "page per connection, its number before FILE's extension" },
	{ OPT_QUIZ, "quiz", NULL, DEMO | CLIENT, CLI_SEC_OUTPUT, OWN,
	  "interactive quiz: the ladder reveals the run one flight at a\n"
	  "time and asks \"What comes next?\" (the next message shows as ?);\n"
	  "Space (or a) reveals the answer, then the explanation; the demo\n"
	  "also asks its scenario's questions (share/tlsladder/quiz/)" },
	{ OPT_QUIZ_FILE, "quiz-file", "FILE", DEMO | CLIENT, CLI_SEC_OUTPUT, OWN,
	  "--quiz with the questions of FILE (docs/quiz/README.md); a\n"
	  "faulty file stops with FILE:LINE: why (exit 5)" },
	{ OPT_PLAY, "play", "SECONDS", DEMO | CLIENT, CLI_SEC_OUTPUT, OWN,
	  "autoplay: one step every SECONDS (0.1 to 3600, e.g. 1.5) from the\n"
	  "first; Space pauses and resumes, q quits; with --step it also lets\n"
	  "the next flight go at the last step, with --quiz it reveals" },

	{ OPT_TIMEOUT, "timeout", "SECONDS", ALL, CLI_SEC_TIMING, OWN,
	  "one deadline for the whole run (default 10); it starts after\n"
	  "local work such as a PKCS#12 key derivation" },
	{ OPT_GRACE, "grace", "MS", DEMO | CLIENT, CLI_SEC_TIMING, OWN,
	  "after the handshake, keep reading this long for late alerts and\n"
	  "session tickets; ends as soon as the outcome is known (default 300);\n"
	  "after its close_notify the client also waits this long at most for\n"
	  "the server's" },

	{ 'p', "port", "PORT", CLIENT | SERVE, CLI_SEC_CLIENT, OWN,
	  "port to connect to (default 443; with --starttls, the protocol's)" },
	{ '4', NULL, NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "use only IPv4 / only IPv6" },
	{ '6', NULL, NULL, CLIENT, CLI_SEC_CLIENT, COMMA, NULL },
	{ OPT_CAFILE, "cafile", "FILE", CLIENT, CLI_SEC_CLIENT, OWN,
	  "trust these CA certificates (PEM) instead of the system store" },
	{ OPT_CAPATH, "capath", "DIR", CLIENT, CLI_SEC_CLIENT, OWN,
	  "trust the CA certificates (PEM) in DIR instead of the system store" },
	{ OPT_SNI, "sni", "NAME", CLIENT, CLI_SEC_CLIENT, OWN,
	  "server name to send and verify (default: HOST)" },
	{ OPT_NO_SNI, "no-sni", NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "send no server name (the certificate is still checked against HOST)" },
	{ OPT_PRIORITY, "priority", "STR", CLIENT | SERVE, CLI_SEC_CLIENT, OWN,
	  "GnuTLS priority string (default NORMAL)" },
	{ OPT_TLS12, "tls1.2", NULL, CLIENT | SERVE, CLI_SEC_CLIENT, OWN,
	  "offer only this TLS version" },
	{ OPT_TLS13, "tls1.3", NULL, CLIENT | SERVE, CLI_SEC_CLIENT, COMMA, NULL },
	{ OPT_CERT, "cert", "FILE", CLIENT, CLI_SEC_CLIENT, OWN,
	  "client certificate chain and private key (PEM; or one\n"
	  "DER certificate and a DER key)" },
	{ OPT_KEY, "key", "FILE", CLIENT, CLI_SEC_CLIENT, SPACE, NULL },
	{ OPT_P12, "p12", "FILE", CLIENT, CLI_SEC_CLIENT, OWN,
	  "client certificate and key from a PKCS#12 file (.p12, .pfx); the\n"
	  "password comes from --p12-pass-file FILE (first line), else\n"
	  "$TLSLADDER_P12_PASSWORD, else a prompt on the terminal" },
	{ OPT_P12_PASS_FILE, "p12-pass-file", "FILE", CLIENT | SERVE, CLI_SEC_CLIENT, IN_TEXT, NULL },
	{ OPT_WITHHOLD, "withhold-unmatched-cert", NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "send no client certificate when its issuer is not among the\n"
	  "CAs the server lists (GnuTLS's own behaviour); by default it is\n"
	  "sent anyway, so that the server's verdict shows" },
	{ OPT_ALPN, "alpn", "LIST", CLIENT, CLI_SEC_CLIENT, OWN,
	  "offer these application protocols, comma-separated (h2,http/1.1)" },
	{ OPT_HTTP, "http", NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "after the handshake send GET / and show the first response line\n"
	  "(many mutual-TLS servers reveal a rejected certificate only there);\n"
	  "the rest is read (counted) until the server closes or the grace period ends" },
	{ OPT_KEY_UPDATE, "key-update", NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "TLS 1.3: after the grace period send a KeyUpdate asking the server\n"
	  "to update too, and read until its KeyUpdate arrives (with --http the\n"
	  "request follows it); over TLS 1.2 a note says there is none, and\n"
	  "--key-update with --tls1.2 is a usage error" },
	{ OPT_NO_PHA, "no-post-handshake-auth", NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "TLS 1.3: do not offer post-handshake authentication (offered by\n"
	  "default: a server may then ask for the client certificate after\n"
	  "the handshake, and gets it, or an empty answer without --cert)" },
	{ OPT_KEYLOG, "keylog", "FILE", ALL, CLI_SEC_CLIENT, OWN,
	  "append the session secrets to FILE (NSS key log format, for\n"
	  "Wireshark; created mode 0600); also $SSLKEYLOGFILE. With\n"
	  "--replay CAPTURE it is read instead: the secrets to decrypt with" },
	{ OPT_RESUME, "resume", NULL, CLIENT, CLI_SEC_CLIENT, OWN,
	  "connect twice: the second connection offers the session of the\n"
	  "first (TLS 1.3 ticket, TLS 1.2 session ticket or session ID), and\n"
	  "the summary says whether the server resumed it, and if not, why" },
	{ OPT_EARLY_DATA, "early-data", "STRING|@FILE", CLIENT, CLI_SEC_CLIENT, OWN,
	  "with --resume: send STRING (or FILE's bytes, at most 16 KiB) as\n"
	  "TLS 1.3 early data (0-RTT) in the second connection" },
	{ OPT_VERIFY, "verify", "MODE", ALL, CLI_SEC_CLIENT, OWN,
	  "report (default): finish the handshake and report the verdict;\n"
	  "strict: abort on a bad server certificate, as browsers do, and\n"
	  "fail (exit 14) on a legacy protocol (TLS 1.0/1.1, CBC with SHA-1)" },
	{ OPT_CRL, "crl", "FILE", CLIENT, CLI_SEC_CLIENT, OWN,
	  "certificate revocation lists (PEM, several per file, or DER;\n"
	  "repeatable): before connecting, check that no certificate of the\n"
	  "client's chain is revoked (the CRLs' signatures and dates too);\n"
	  "the server's chain is checked against them as well" },
	{ OPT_STARTTLS, "starttls", "PROTO", CLIENT, CLI_SEC_CLIENT, OWN,
	  "speak PROTO in plaintext first and ask for TLS (STARTTLS): smtp,\n"
	  "lmtp, imap, pop3, ftp, xmpp, postgres, ldap, sieve; the default\n"
	  "port follows (25, 24, 143, 110, 21, 5222, 5432, 389, 4190)" },
	{ OPT_XMPP_HOST, "xmpp-host", "NAME", CLIENT, CLI_SEC_CLIENT, OWN,
	  "--starttls xmpp: the domain in the stream header's to=\n"
	  "(default: --sni, else HOST)" },

	{ OPT_LISTEN, "listen", "ADDR", SERVE, CLI_SEC_SERVE, OWN,
	  "address to listen on (default 127.0.0.1; :: for all IPv6 and IPv4)" },
	{ OPT_CERT, "cert", "FILE", SERVE, CLI_SEC_SERVE, OWN,
	  "the server's certificate chain and key; up to 8 pairs, each\n"
	  "--cert right before its --key: the client's SNI picks the pair\n"
	  "whose certificate names it (SAN DNS names, wildcards too), else\n"
	  "the first, and a note says which and why" },
	{ OPT_KEY, "key", "FILE", SERVE, CLI_SEC_SERVE, SPACE, NULL },
	{ OPT_P12, "p12", "FILE", SERVE, CLI_SEC_SERVE, COMMA, NULL },
	{ OPT_ALPN, "alpn", "LIST", SERVE, CLI_SEC_SERVE, OWN,
	  "accept these application protocols by ALPN, in this order of\n"
	  "preference (h2,http/1.1); a client offering none of them goes on\n"
	  "without ALPN, as nginx and openssl s_server do, and a note says so\n"
	  "(RFC 7301 also allows refusing with no_application_protocol)" },
	{ OPT_REQUEST_CC, "request-client-cert", NULL, SERVE, CLI_SEC_SERVE, OWN,
	  "ask clients for a certificate (they may send none)" },
	{ OPT_REQUIRE_CC, "require-client-cert", NULL, SERVE, CLI_SEC_SERVE, OWN,
	  "require one; the handshake fails without a valid one" },
	{ OPT_CERT_LATER, "request-client-cert-later", NULL, SERVE, CLI_SEC_SERVE, OWN,
	  "TLS 1.3: complete the handshake without asking; once the client's\n"
	  "first data came, require a client certificate by post-handshake\n"
	  "authentication, as Apache does (the client must have offered it)" },
	{ OPT_CLIENT_CA, "client-ca", "FILE", SERVE, CLI_SEC_SERVE, OWN,
	  "CA certificates that client certificates must chain to (PEM;\n"
	  "default: the demo root CA)" },
	{ OPT_CRL, "crl", "FILE", SERVE, CLI_SEC_SERVE, OWN,
	  "refuse client certificates these CRLs revoke (PEM or DER;\n"
	  "repeatable), with alert certificate_revoked (44)" },
	{ OPT_ONCE, "once", NULL, SERVE, CLI_SEC_SERVE, OWN,
	  "serve one connection, then exit with its result" },
	{ OPT_MAX_CONNS, "max-conns", "N", SERVE, CLI_SEC_SERVE, OWN,
	  "serve at most N connections at once (default 512); one more is\n"
	  "closed at once and the refusal is logged" },
	{ OPT_KEEP, "keep", "N", SERVE, CLI_SEC_SERVE, OWN,
	  "interactive: keep the last N connections in full for [ and ]\n"
	  "(default 1000, within 128 MiB); older ones leave only their counts" },

	{ OPT_CERTS, "certs", "DIR", DEMO, CLI_SEC_DEMO, OWN,
	  "use the demo PKI in DIR instead of the bundled one" },
	{ OPT_LIST, "list", NULL, DEMO, CLI_SEC_DEMO, OWN,
	  "list the scenarios; with --replay CAPTURE, the capture's TLS\n"
	  "connections, one line each" },

	{ OPT_REPLAY, "replay", "FILE", DEMO, CLI_SEC_REPLAY, OWN,
	  "show a run saved with --json, with no network (interactive, or\n"
	  "--text, -v, --wire); exits with the saved run's exit code. Also\n"
	  "a capture (pcapng or pcap, e.g. from dumpcap): its TLS connection\n"
	  "as a ladder, decrypted with the key log (--keylog FILE, and the\n"
	  "pcapng's own); nothing is checked that the capture cannot show" },
	{ OPT_CONN, "conn", "N", DEMO, CLI_SEC_REPLAY, OWN,
	  "with a file serve wrote, or a capture: its connection N\n"
	  "(default: the first; a capture's are numbered by --list)" },

	{ 'h', "help", NULL, ALL, CLI_SEC_OTHER, OWN,
	  "this text" },
	{ 'V', "version", NULL, ALL, CLI_SEC_OTHER, OWN,
	  "the version" },
};

#undef ALL
#undef DEMO
#undef CLIENT
#undef SERVE
#undef OWN
#undef COMMA
#undef SPACE
#undef IN_TEXT

#define OPTION_COUNT (sizeof options / sizeof options[0])

/* The titles of --help's option sections (NULL: no title, after a blank line). */
static const char *const section_titles[CLI_SEC_COUNT] = {
	[CLI_SEC_OUTPUT] = "Output:",
	[CLI_SEC_TIMING] = "Timing:",
	[CLI_SEC_CLIENT] = "Client mode:",
	[CLI_SEC_SERVE] = "Server mode (tlsladder serve; default: the demo certificate on 127.0.0.1 port 4433):",
	[CLI_SEC_DEMO] = "Demo:",
	[CLI_SEC_REPLAY] = "Replay (tlsladder --replay FILE [--text]):",
	[CLI_SEC_OTHER] = NULL,
};

/* What --help says before the options. */
static const char usage_head[] =
	"Usage: tlsladder [OPTIONS]                    the offline demo (scenario tls13)\n"
	"       tlsladder [OPTIONS] demo [SCENARIO]    one demo scenario\n"
	"       tlsladder demo --list                  the demo scenarios\n"
	"       tlsladder [OPTIONS] HOST[:PORT]        a real handshake with a server (port 443)\n"
	"       tlsladder serve [OPTIONS] [PORT]       a TLS server showing each client's handshake\n"
	"       tlsladder --replay FILE [OPTIONS]      a run saved with --json, with no network\n"
	"       tlsladder --replay CAPTURE [--keylog FILE] [--list | --conn N]\n"
	"                                              a pcapng or pcap capture as a ladder\n"
	"\n"
	"Performs a real TLS handshake with GnuTLS and shows it as a client/server\n"
	"ladder, one line per message, then what was negotiated and verified.\n"
	"HOST may be a name, an IPv4 address, or [IPv6]:PORT.\n"
	"\n"
	"On a terminal tlsladder opens the interactive ladder (press ? for its keys);\n"
	"otherwise, or with --text, it prints the text ladder.\n"
	"\n";

/* What --help says after the options. */
static const char usage_tail[] =
	"Exit codes:\n"
	"  0  handshake completed and everything verified (also with a legacy-protocol warning)\n"
	"  1  the handshake failed: the peer closed the connection or broke the protocol\n"
	"     (--starttls: an unexpected reply)\n"
	"  2  bad command line\n"
	"  3  a certificate did not verify (report: after the handshake; strict: it was aborted)\n"
	"  4  the peer rejected the connection: an alert (also after a TLS 1.3 handshake), a refused\n"
	"     post-handshake certificate request, or an HTTP 4xx/5xx answer to --http; the diagnosis\n"
	"     names the cause:\n"
	"     client-cert-missing, client-cert-untrusted-issuer, client-cert-chain-incomplete,\n"
	"     client-cert-expired, client-cert-not-yet-valid, client-cert-wrong-usage,\n"
	"     client-cert-weak-key (RSA/DSA under 2048 bits, EC under 224: refused by OpenSSL's\n"
	"     default security level 2, as on Debian, Ubuntu and RHEL), client-cert-weak-signature\n"
	"     (SHA-1 or MD5), client-cert-key-not-accepted (the key fits none of the server's\n"
	"     signature schemes, so the certificate was not sent), client-cert-revoked,\n"
	"     client-cert-missing-after-handshake, post-handshake-auth-not-offered,\n"
	"     post-handshake-auth-unanswered, http-refused, client-cert-rejected, peer-alert,\n"
	"     starttls-refused-after-handshake (--starttls smtp/lmtp: a 4xx/5xx reply over TLS)\n"
	"  5  a certificate, key or data file could not be used\n"
	"  6  the connection could not be made (refused, unreachable)\n"
	"  7  the deadline passed: the peer never answered, or stopped answering (serve: or was still\n"
	"     sending data when it passed)\n"
	"  8  stopped by the user\n"
	"  9  internal error (out of memory)\n"
	" 10  the host name does not resolve\n"
	" 11  no TLS version or cipher suite in common\n"
	" 12  the peer does not speak TLS (plain HTTP, SSH, a mail or FTP greeting, ...;\n"
	"     --starttls: STARTTLS not offered, or refused)\n"
	" 13  the peer reset the connection\n"
	" 14  --verify strict: a legacy protocol version or suite (TLS 1.0/1.1, CBC with SHA-1)\n";

/* The column where help texts start. */
#define HELP_COLUMN 24

/* The option table, in --help order. */
const struct cli_option *cli_options(size_t *n)
{
	*n = OPTION_COUNT;
	return options;
}

/* Appends a row's name as --help shows it ("-4", "--port PORT", "-p, --port PORT") to label. */
static void label_add(char *label, size_t size, const struct cli_option *o)
{
	size_t len = strlen(label);
	bool has_short = o->key < 256;

	if (has_short && o->name)
		snprintf(label + len, size - len, "-%c, --%s", o->key, o->name);
	else if (has_short)
		snprintf(label + len, size - len, "-%c", o->key);
	else
		snprintf(label + len, size - len, "--%s", o->name);
	len = strlen(label);
	if (o->arg)
		snprintf(label + len, size - len, " %s", o->arg);
}

/* Writes one option line: the label, then the help text from HELP_COLUMN on. */
static void usage_line(FILE *f, const char *label, const char *help)
{
	size_t len = strlen(label);

	fputs(label, f);
	fprintf(f, "%*s", len < HELP_COLUMN ? (int)(HELP_COLUMN - len) : 2, "");
	for (const char *p = help; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", HELP_COLUMN, "");
	}
	fputc('\n', f);
}

/* Writes one section of options: its title, a line per option (joined rows share it), a blank line. */
static void usage_section(FILE *f, enum cli_section sec)
{
	char label[128] = "";
	const char *help = NULL;

	if (section_titles[sec])
		fprintf(f, "%s\n", section_titles[sec]);
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct cli_option *o = &options[i];

		if (o->section != sec || o->join == CLI_IN_TEXT)
			continue;
		if (o->join == CLI_OWN_LINE) {
			if (help)
				usage_line(f, label, help);
			snprintf(label, sizeof label, "%s", o->key < 256 ? "  " : "      ");
			help = o->help;
		} else {
			size_t len = strlen(label);
			snprintf(label + len, sizeof label - len, "%s", o->join == CLI_AFTER_COMMA ? ", " : " ");
		}
		label_add(label, sizeof label, o);
	}
	if (help)
		usage_line(f, label, help);
	fputc('\n', f);
}

/* Writes the --help text. */
void cli_usage(FILE *f)
{
	fputs(usage_head, f);
	for (int sec = 0; sec < CLI_SEC_COUNT; sec++)
		usage_section(f, (enum cli_section)sec);
	fputs(usage_tail, f);
}

/* True when an earlier row of the table is the same option (listed in two sections). */
static bool listed_before(size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (options[j].key == options[i].key)
			return true;
	return false;
}

/* Builds getopt_long's tables from the option table: longs (ends with a zero
 * row) and shorts (starts with ':', so that a missing value is told apart). */
static void getopt_tables(struct option *longs, char *shorts)
{
	size_t nl = 0, ns = 0;

	shorts[ns++] = ':';
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct cli_option *o = &options[i];

		if (listed_before(i))
			continue;
		if (o->name)
			longs[nl++] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->key };
		if (o->key < 256) {
			shorts[ns++] = (char)o->key;
			if (o->arg)
				shorts[ns++] = ':';
		}
	}
	longs[nl] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
}

/* Parses a non-negative integer option. */
static int parse_num(const char *s, long min, long max, long *out, const char *what, struct tl_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return tl_error_set(err, TL_EXIT_USAGE, "%s must be a whole number from %ld to %ld, not \"%s\"", what, min,
				    max, s);
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

/* What parsing keeps besides cfg until the operands are read. */
struct parse_state {
	const char *port_opt;       /* -p, or serve's PORT operand */
	const char *version_prio;   /* --tls1.2 / --tls1.3 */
	bool stop;                  /* --help or --version: nothing else matters */
};

/* Sets cfg to the defaults. */
static void parse_defaults(struct cli_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mode = CLI_DEMO;
	cfg->family = AF_UNSPEC;
	cfg->timeout_ms = 10000;
	cfg->grace_ms = 300;
	snprintf(cfg->port, sizeof cfg->port, "443");
}

/* --play SECONDS: a decimal number of seconds (1, 1.5, .5) from 0.1 to 3600. */
static int parse_play(const char *arg, struct cli_config *cfg, struct tl_error *err)
{
	size_t digits = strspn(arg, "0123456789"), frac = 0;
	double v = 0;

	if (arg[digits] == '.')
		frac = strspn(arg + digits + 1, "0123456789") + 1;
	if (digits + frac > 0 && !arg[digits + frac] && digits + frac < 16 && (digits || frac > 1)) {
		/* by hand, not strtod: the decimal point is '.' whatever the locale */
		double scale = 1;
		for (size_t i = 0; i < digits + frac; i++) {
			if (arg[i] == '.')
				continue;
			if (i > digits)
				v += (scale /= 10) * (arg[i] - '0');
			else
				v = v * 10 + (arg[i] - '0');
		}
	}
	if (v < 0.1 || v > 3600)
		return tl_error_set(err, TL_EXIT_USAGE, "--play must be a number of seconds from 0.1 to 3600 (such as 1.5), "
				    "not \"%s\"", arg);
	cfg->play_ms = (int)(v * 1000 + 0.5);
	return 0;
}

/* Applies the options that take a number or a choice. */
static int apply_valued(int c, const char *arg, struct cli_config *cfg, struct tl_error *err)
{
	long v;

	switch (c) {
	case OPT_TIMEOUT:
		if (parse_num(arg, 0, 3600, &v, "--timeout", err) < 0)
			return -1;
		if (v == 0)
			return tl_error_set(err, TL_EXIT_USAGE, "--timeout must be at least 1 second");
		cfg->timeout_ms = (int)v * 1000;
		return 0;
	case OPT_GRACE:
		if (parse_num(arg, 0, 60000, &v, "--grace", err) < 0)
			return -1;
		cfg->grace_ms = (int)v;
		return 0;
	case OPT_CONN:
		if (parse_num(arg, 1, 1000000000L, &v, "--conn", err) < 0)
			return -1;
		cfg->replay_conn = (unsigned long)v;
		return 0;
	case OPT_MAX_CONNS:
	case OPT_KEEP:
		if (parse_num(arg, 1, 100000, &v, c == OPT_KEEP ? "--keep" : "--max-conns", err) < 0)
			return -1;
		*(c == OPT_KEEP ? &cfg->keep : &cfg->max_conns) = (unsigned)v;
		return 0;
	case OPT_STARTTLS: {
		const struct plainproto *p = plainproto_find(arg);
		if (!p)
			return tl_error_set(err, TL_EXIT_USAGE, "--starttls takes %s, not \"%s\"", plainproto_names(), arg);
		cfg->starttls = (int)p->proto;
		return 0;
	}
	case OPT_PLAY:
		return parse_play(arg, cfg, err);
	case OPT_VERIFY:
		if (strcmp(arg, "strict") == 0)
			cfg->verify_strict = true;
		else if (strcmp(arg, "report") != 0)
			return tl_error_set(err, TL_EXIT_USAGE, "--verify takes report or strict, not \"%s\"", arg);
		return 0;
	default:
		return tl_error_set(err, TL_EXIT_INTERNAL, "option %d has no handler", c);
	}
}

/* A --cert or --key: the first one, or (serve: several pairs) one more after it. */
static int add_pair_file(const char **first, const char **more, unsigned *nmore, const char *arg, const char *what,
			 struct tl_error *err)
{
	if (!*first) {
		*first = arg;
		return 0;
	}
	if (*nmore >= CLI_MAX_MORE_PAIRS)
		return tl_error_set(err, TL_EXIT_USAGE, "at most %d %s files", CLI_MAX_MORE_PAIRS + 1, what);
	more[(*nmore)++] = arg;
	return 0;
}

/* Applies one option getopt_long returned (with its value, if any) to cfg. */
static int apply_option(int c, const char *arg, struct parse_state *st, struct cli_config *cfg, struct tl_error *err)
{
	switch (c) {
	case 'h': cfg->mode = CLI_HELP; st->stop = true; break;
	case 'V': cfg->mode = CLI_VERSION; st->stop = true; break;
	case 'v': cfg->verbose++; break;
	case 'p': st->port_opt = arg; break;
	case '4': cfg->family = AF_INET; break;
	case '6': cfg->family = AF_INET6; break;
	case OPT_TEXT: cfg->text = true; break;
	case OPT_WIRE: cfg->wire = true; break;
	case OPT_CAFILE: cfg->cafile = arg; break;
	case OPT_SNI: cfg->sni = arg; break;
	case OPT_NO_SNI: cfg->no_sni = true; break;
	case OPT_PRIORITY: cfg->priority = arg; break;
	case OPT_TLS12: st->version_prio = PRIO_TLS12_ONLY; break;
	case OPT_TLS13: st->version_prio = "NORMAL:-VERS-ALL:+VERS-TLS1.3"; break;
	case OPT_CERT: return add_pair_file(&cfg->cert, cfg->more_cert, &cfg->nmore_cert, arg, "--cert", err);
	case OPT_KEY: return add_pair_file(&cfg->key, cfg->more_key, &cfg->nmore_key, arg, "--key", err);
	case OPT_CERTS: cfg->certs_dir = arg; break;
	case OPT_CAPATH: cfg->capath = arg; break;
	case OPT_P12: cfg->p12 = arg; break;
	case OPT_P12_PASS_FILE: cfg->p12_pass_file = arg; break;
	case OPT_ALPN: cfg->alpn = arg; break;
	case OPT_KEYLOG: cfg->keylog = arg; break;
	case OPT_PCAP: cfg->pcap = arg; break;
	case OPT_HTTP: cfg->http = true; break;
	case OPT_KEY_UPDATE: cfg->key_update = true; break;
	case OPT_LISTEN: cfg->listen = arg; break;
	case OPT_CLIENT_CA: cfg->client_ca = arg; break;
	case OPT_REQUEST_CC: cfg->client_auth = TL_AUTH_REQUEST; break;
	case OPT_REQUIRE_CC: cfg->client_auth = TL_AUTH_REQUIRE; break;
	case OPT_ONCE: cfg->once = true; break;
	case OPT_WITHHOLD: cfg->withhold = true; break;
	case OPT_NO_PHA: cfg->no_pha = true; break;
	case OPT_CERT_LATER: cfg->cert_later = true; break;
	case OPT_LIST: cfg->mode = CLI_DEMO_LIST; break;
	case OPT_THEME: cfg->theme = arg; break;
	case OPT_HTML: cfg->html = arg; break;
	case OPT_STEP: cfg->step = true; break;
	case OPT_ASCII: cfg->ascii = true; break;
	case OPT_JSON: cfg->json = arg; break;
	case OPT_JSON_SECRETS: cfg->json_secrets = true; break;
	case OPT_SHOW_SECRETS: cfg->show_secrets = true; break;
	case OPT_SUMMARY_JSON: cfg->summary_json = true; break;
	case OPT_REPLAY: cfg->replay = arg; break;
	case OPT_MERMAID: cfg->mermaid = arg; break;
	case OPT_MARKDOWN: cfg->markdown = arg; break;
	case OPT_SVG: cfg->svg = arg; break;
	case OPT_CRL:
		if (cfg->ncrl >= CLI_MAX_CRL)
			return tl_error_set(err, TL_EXIT_USAGE, "--crl can be given at most %d times", CLI_MAX_CRL);
		cfg->crl[cfg->ncrl++] = arg;
		break;
	case OPT_RESUME: cfg->resume = true; break;
	case OPT_EARLY_DATA: cfg->early_data = arg; break;
	case OPT_XMPP_HOST: cfg->xmpp_host = arg; break;
	case OPT_QUIZ: cfg->quiz = true; break;
	case OPT_QUIZ_FILE: cfg->quiz_file = arg; cfg->quiz = true; break;
	default: return apply_valued(c, arg, cfg, err);
	}
	return 0;
}

/* Reads the options (getopt_long moves the operands to the end of argv). */
static int parse_options(int argc, char **argv, struct parse_state *st, struct cli_config *cfg, struct tl_error *err)
{
	struct option longs[OPTION_COUNT + 1];
	char shorts[2 * OPTION_COUNT + 2];
	int c;

	getopt_tables(longs, shorts);
	optind = 0;                 /* not 1: glibc then resets all its state, so argv may be parsed again */
	opterr = 0;
	while (!st->stop && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == ':')
			return tl_error_set(err, TL_EXIT_USAGE, "option %s needs a value (see --help)", argv[optind - 1]);
		if (c == '?' && optopt && strncmp(argv[optind - 1], "--", 2) == 0 && strchr(argv[optind - 1], '='))
			return tl_error_set(err, TL_EXIT_USAGE, "option %.*s takes no value (see --help)",
					    (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
		if (c == '?')
			return tl_error_set(err, TL_EXIT_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
		if (apply_option(c, optarg, st, cfg, err) < 0)
			return -1;
	}
	return 0;
}

/* The checks between options, and $SSLKEYLOGFILE. */
static int check_options(const struct parse_state *st, struct cli_config *cfg, struct tl_error *err)
{
	if (st->version_prio && cfg->priority)
		return tl_error_set(err, TL_EXIT_USAGE, "--priority and --tls1.2/--tls1.3 cannot be combined");
	if (st->version_prio)
		cfg->priority = st->version_prio;
	if ((cfg->cert == NULL) != (cfg->key == NULL) || cfg->nmore_cert != cfg->nmore_key)
		return tl_error_set(err, TL_EXIT_USAGE, "--cert and --key go together");
	if (cfg->p12 && cfg->nmore_cert)
		return tl_error_set(err, TL_EXIT_USAGE, "several --cert/--key pairs cannot be combined with --p12");
	if (cfg->p12 && cfg->cert)
		return tl_error_set(err, TL_EXIT_USAGE, "use either --p12 or --cert/--key, not both");
	if (cfg->p12_pass_file && !cfg->p12)
		return tl_error_set(err, TL_EXIT_USAGE, "--p12-pass-file needs --p12");
	if (cfg->cafile && cfg->capath)
		return tl_error_set(err, TL_EXIT_USAGE, "use either --cafile or --capath, not both");
	if (cfg->json_secrets && !cfg->json)
		return tl_error_set(err, TL_EXIT_USAGE, "--json-secrets goes with --json FILE");
	if (cfg->summary_json && cfg->json && strcmp(cfg->json, "-") == 0)
		return tl_error_set(err, TL_EXIT_USAGE, "--summary-json and --json - cannot both write to standard output");
	if (cfg->replay && cfg->json && strcmp(cfg->replay, cfg->json) == 0)
		return tl_error_set(err, TL_EXIT_USAGE, "--json would overwrite the file --replay reads");
	if (cfg->replay_conn && !cfg->replay)
		return tl_error_set(err, TL_EXIT_USAGE, "--conn goes with --replay FILE");
	if ((cfg->mermaid && strcmp(cfg->mermaid, "-") == 0) + (cfg->markdown && strcmp(cfg->markdown, "-") == 0) +
	    (cfg->svg && strcmp(cfg->svg, "-") == 0) > 1)
		return tl_error_set(err, TL_EXIT_USAGE, "only one of --mermaid, --markdown and --svg can write to standard output (-)");
	if (((cfg->mermaid && strcmp(cfg->mermaid, "-") == 0) || (cfg->markdown && strcmp(cfg->markdown, "-") == 0) ||
	     (cfg->svg && strcmp(cfg->svg, "-") == 0)) &&
	    ((cfg->json && strcmp(cfg->json, "-") == 0) || cfg->summary_json))
		return tl_error_set(err, TL_EXIT_USAGE, "--json - and --summary-json write to standard output, and so does "
							"an export to -: give the export a file");
	if (!cfg->keylog && getenv("SSLKEYLOGFILE") && *getenv("SSLKEYLOGFILE"))
		cfg->keylog = getenv("SSLKEYLOGFILE");
	return 0;
}

/* Reads the operands: demo [SCENARIO] | serve [PORT] | HOST[:PORT]; options may follow them. */
static int parse_operands(int argc, char **argv, struct parse_state *st, struct cli_config *cfg, struct tl_error *err)
{
	while (optind < argc) {
		const char *arg = argv[optind++];

		if (cfg->mode == CLI_DEMO_LIST && strcmp(arg, "demo") == 0)
			continue;
		if (cfg->mode == CLI_DEMO && !cfg->scenario && strcmp(arg, "serve") == 0 && !cfg->host[0]) {
			cfg->mode = CLI_SERVE;
			snprintf(cfg->port, sizeof cfg->port, "4433");
			continue;
		}
		if (cfg->mode == CLI_SERVE && !st->port_opt) {
			st->port_opt = arg;
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
			cfg->port[0] = '\0';          /* none yet: the default comes in check_mode */
			if (parse_target(arg, cfg, err) < 0)
				return -1;
			cfg->mode = CLI_CLIENT;
			continue;
		}
		return tl_error_set(err, TL_EXIT_USAGE, "unexpected argument \"%s\" (see --help)", arg);
	}
	if (cfg->mode == CLI_DEMO && cfg->scenario && !cfg->scenario[0])
		cfg->scenario = NULL;
	return 0;
}

/* The checks once the mode is known: the port, the PKCS#12 password, the options that belong to one mode. */
static int check_mode(const struct parse_state *st, struct cli_config *cfg, struct tl_error *err)
{
	long v;

	if (st->port_opt) {
		if (parse_num(st->port_opt, 1, 65535, &v, "--port", err) < 0 || v == 0)
			return tl_error_set(err, TL_EXIT_USAGE, "--port must be from 1 to 65535, not \"%s\"", st->port_opt);
		snprintf(cfg->port, sizeof cfg->port, "%ld", v);
	}
	if (!cfg->port[0])                /* HOST without :PORT: the protocol's port */
		snprintf(cfg->port, sizeof cfg->port, "%s", cfg->starttls ? plainproto_of(cfg->starttls)->port : "443");
	if (cfg->mode != CLI_CLIENT && (cfg->starttls || cfg->xmpp_host))
		return tl_error_set(err, TL_EXIT_USAGE, "--starttls and --xmpp-host are for the client (HOST[:PORT])");
	if (cfg->xmpp_host && cfg->starttls != TL_STARTTLS_XMPP)
		return tl_error_set(err, TL_EXIT_USAGE, "--xmpp-host goes with --starttls xmpp");
	if ((cfg->mode == CLI_CLIENT || cfg->mode == CLI_SERVE) && read_p12_password(cfg, err) < 0)
		return -1;
	if (cfg->mode != CLI_SERVE &&
	    (cfg->listen || cfg->client_ca || cfg->client_auth || cfg->once || cfg->max_conns || cfg->keep))
		return tl_error_set(err, TL_EXIT_USAGE, "--listen, --client-ca, --request-client-cert, --require-client-cert, "
							"--once, --max-conns and --keep are for tlsladder serve");
	if (cfg->ncrl && cfg->mode != CLI_CLIENT && cfg->mode != CLI_SERVE)
		return tl_error_set(err, TL_EXIT_USAGE, "--crl is for the client (HOST) and for tlsladder serve");
	if (cfg->mode == CLI_SERVE && (cfg->http || cfg->sni))
		return tl_error_set(err, TL_EXIT_USAGE, "--http and --sni are for the client");
	if (cfg->mode != CLI_SERVE && cfg->nmore_cert)
		return tl_error_set(err, TL_EXIT_USAGE, "several --cert/--key pairs are for tlsladder serve (a certificate "
							"per server name)");
	if (cfg->key_update && cfg->mode != CLI_CLIENT)
		return tl_error_set(err, TL_EXIT_USAGE, "--key-update is for the client (the demo has the scenario key-update)");
	if (cfg->key_update && st->version_prio && strcmp(st->version_prio, PRIO_TLS12_ONLY) == 0)
		return tl_error_set(err, TL_EXIT_USAGE, "--key-update needs TLS 1.3: TLS 1.2 has no KeyUpdate (drop --tls1.2)");
	if (cfg->cert_later && (cfg->mode != CLI_SERVE || cfg->client_auth))
		return tl_error_set(err, TL_EXIT_USAGE, "--request-client-cert-later is for tlsladder serve, without "
							"--request-client-cert or --require-client-cert");
	if (cfg->no_pha && cfg->mode != CLI_CLIENT)
		return tl_error_set(err, TL_EXIT_USAGE, "--no-post-handshake-auth is for the client");
	if (cfg->mode != CLI_CLIENT && (cfg->resume || cfg->early_data))
		return tl_error_set(err, TL_EXIT_USAGE, "--resume and --early-data are for the client (HOST[:PORT])");
	if (cfg->early_data && !cfg->resume)
		return tl_error_set(err, TL_EXIT_USAGE, "--early-data needs --resume: early data rides on a resumed session");
	if (cfg->early_data && !cfg->early_data[0])
		return tl_error_set(err, TL_EXIT_USAGE, "--early-data needs some data (a STRING, or @FILE)");
	if (cfg->mode == CLI_SERVE && (cfg->quiz || cfg->play_ms))
		return tl_error_set(err, TL_EXIT_USAGE, "--quiz, --quiz-file and --play are for the demo, the client and --replay");
	if (cfg->replay && (cfg->mode != CLI_DEMO || cfg->scenario))
		return tl_error_set(err, TL_EXIT_USAGE, "--replay shows a saved run: it takes no demo scenario, host or serve");
	if (cfg->mode == CLI_DEMO && cfg->scenario && !demo_find(cfg->scenario))
		return tl_error_set(err, TL_EXIT_USAGE, "no demo scenario called \"%s\" (tlsladder demo --list)", cfg->scenario);
	return 0;
}

/* Parses argv into cfg. */
int cli_parse(int argc, char **argv, struct cli_config *cfg, struct tl_error *err)
{
	struct parse_state st = { NULL, NULL, false };

	parse_defaults(cfg);
	if (parse_options(argc, argv, &st, cfg, err) < 0)
		return -1;
	if (st.stop)
		return 0;
	if (check_options(&st, cfg, err) < 0 || parse_operands(argc, argv, &st, cfg, err) < 0)
		return -1;
	if (cfg->mode == CLI_DEMO_LIST)
		return 0;
	return check_mode(&st, cfg, err);
}
