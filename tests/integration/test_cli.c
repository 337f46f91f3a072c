/*
 * test_cli.c: the option table is the one source of the command line. Every
 * row is well formed; every option it holds is shown by --help where the
 * table says, is documented in the man page and in README's Options, and is
 * accepted by the parser in each mode its row describes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlsladder/cli.h"

static const struct cli_option *opts;
static size_t nopts;

/* Reads a whole file under $TLSLADDER_DATADIR (the source tree). */
static char *read_source_file(const char *rel)
{
	const char *dir = getenv("TLSLADDER_DATADIR");
	char path[PATH_MAX];
	char *buf;
	long n;
	FILE *f;

	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Cuts text to the part from the line starting with from up to the next line starting with to. */
static char *section_of(char *text, const char *from, const char *to)
{
	char *start = strstr(text, from), *end;

	if (!start)
		fail_msg("no \"%s\" in the file", from);
	end = strstr(start + strlen(from), to);
	if (end)
		*end = '\0';
	return start;
}

/* True when word occurs in text not glued to a longer name (after it: no letter, digit, '.', '-' or "\-"). */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		const char *after = p + n;
		bool glued_before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-');
		bool glued_after = isalnum((unsigned char)*after) || *after == '.' || *after == '-' ||
				   (after[0] == '\\' && after[1] == '-');
		if (!glued_before && !glued_after)
			return true;
	}
	return false;
}

/* The option as the man page's roff writes it: every '-' as "\-". */
static void roff_name(char *out, size_t size, const struct cli_option *o, bool want_short)
{
	char plain[64];
	size_t k = 0;

	if (want_short)
		snprintf(plain, sizeof plain, "-%c", o->key);
	else
		snprintf(plain, sizeof plain, "--%s", o->name);
	for (const char *p = plain; *p && k + 3 < size; p++) {
		if (*p == '-')
			out[k++] = '\\';
		out[k++] = *p;
	}
	out[k] = '\0';
}

/* Rows are well formed: a name, help on every line, joins inside a section, one name per option. */
static void rows_well_formed(void **state)
{
	(void)state;
	assert_true(nopts > 30);
	for (size_t i = 0; i < nopts; i++) {
		const struct cli_option *o = &opts[i];

		assert_true(o->key > 0);
		assert_true(o->name || o->key < 256);
		assert_true(o->modes != 0 && (o->modes & ~(unsigned)CLI_IN_ALL) == 0);
		assert_true(o->section < CLI_SEC_COUNT);
		if (o->join == CLI_OWN_LINE) {
			assert_non_null(o->help);
			assert_true(o->help[0] != '\0');
		} else {
			assert_null(o->help);
			assert_true(i > 0);
			assert_int_equal(o->section, opts[i - 1].section);
		}
		for (size_t j = 0; j < nopts; j++) {
			if (opts[j].key == o->key) {
				/* the same option in another section: the same names */
				assert_true((o->name == NULL) == (opts[j].name == NULL));
				if (o->name)
					assert_string_equal(o->name, opts[j].name);
				assert_true((o->arg == NULL) == (opts[j].arg == NULL));
				if (o->arg)
					assert_string_equal(o->arg, opts[j].arg);
			} else if (o->name && opts[j].name) {
				assert_string_not_equal(o->name, opts[j].name);
			}
		}
	}
}

/* Every row is in --help, under its section's title, as "-s, --name ARG". */
static void every_option_in_help(void **state)
{
	/* the untitled last section (Other) follows Replay: it is looked for from there */
	static const char *const titles[CLI_SEC_COUNT] = { "\nOutput:\n", "\nTiming:\n", "\nClient mode:\n",
							  "\nServer mode (tlsladder serve", "\nDemo:\n",
							  "\nReplay (tlsladder --replay", "\nReplay (tlsladder --replay" };
	char *help = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&help, &len);

	(void)state;
	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	for (size_t i = 0; i < nopts; i++) {
		const struct cli_option *o = &opts[i];
		const char *from = strstr(help, titles[o->section]);
		const char *to = o->section + 1 < CLI_SEC_OTHER ? titles[o->section + 1] : "\nExit codes:\n";
		char label[96], *part;

		assert_non_null(from);
		if (o->key < 256 && o->name)
			snprintf(label, sizeof label, "-%c, --%s%s%s", o->key, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else if (o->key < 256)
			snprintf(label, sizeof label, "-%c", o->key);
		else
			snprintf(label, sizeof label, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		part = strndup(from, (size_t)(strstr(from + 1, to) - from));
		if (!has_word(part, label))
			fail_msg("--help does not show \"%s\" in its section:\n%s", label, part);
		free(part);
	}
	free(help);
}

/* Every option is in the man page's OPTIONS and in README's Options. */
static void every_option_documented(void **state)
{
	char *man = read_source_file("docs/tlsladder.1");
	char *readme = read_source_file("README.md");
	const char *man_opts = section_of(man, "\n.SH OPTIONS\n", "\n.SH ");
	const char *readme_opts = section_of(readme, "\n## Options\n", "\n## ");

	(void)state;
	for (size_t i = 0; i < nopts; i++) {
		const struct cli_option *o = &opts[i];
		char roff[128], md[64];

		for (int want_short = 0; want_short < 2; want_short++) {
			if (want_short ? o->key >= 256 : !o->name)
				continue;
			roff_name(roff, sizeof roff, o, want_short);
			if (!has_word(man_opts, roff))
				fail_msg("the man page's OPTIONS do not list %s", roff);
			if (want_short)
				snprintf(md, sizeof md, "-%c", o->key);
			else
				snprintf(md, sizeof md, "--%s", o->name);
			if (!has_word(readme_opts, md))
				fail_msg("README's Options do not list %s", md);
		}
	}
	free(man);
	free(readme);
}

/* A value the option accepts, by the name --help gives its argument. */
static const char *sample_value(const struct cli_option *o, const char *pass_file)
{
	static const struct { const char *arg, *value; } samples[] = {
		{ "SECONDS", "5" }, { "MS", "100" }, { "PORT", "4443" }, { "MODE", "strict" }, { "NAME|PATH", "mono" }, { "N", "20" },
		{ "PROTO", "smtp" },
	};

	if (o->name && strcmp(o->name, "p12-pass-file") == 0)
		return pass_file;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (strcmp(o->arg, samples[i].arg) == 0)
			return samples[i].value;
	return "some-file.pem";
}

/* The mode an accepted command line ends in. */
static enum cli_mode mode_expected(const struct cli_option *o, unsigned in)
{
	if (o->key == 'h')
		return CLI_HELP;
	if (o->key == 'V')
		return CLI_VERSION;
	if (o->name && strcmp(o->name, "list") == 0)
		return CLI_DEMO_LIST;
	return in == CLI_IN_DEMO ? CLI_DEMO : in == CLI_IN_CLIENT ? CLI_CLIENT : CLI_SERVE;
}

/* Appends a copy of s to argv (getopt_long reorders argv; the strings stay). */
static void push(char **argv, char (*store)[PATH_MAX], int *argc, const char *s)
{
	snprintf(store[*argc], PATH_MAX, "%s", s);
	argv[*argc] = store[*argc];
	(*argc)++;
}

/* Parses "tlsladder OPTION [VALUE] [the options it needs] MODE" for one row and one mode. */
static void parse_one(const struct cli_option *o, unsigned in, const char *pass_file)
{
	static const char *const needs[][3] = {
		{ "cert", "--key", "k.pem" }, { "key", "--cert", "c.pem" }, { "p12-pass-file", "--p12", "c.p12" },
		{ "json-secrets", "--json", "run.json" }, { "conn", "--replay", "run.json" },
		{ "early-data", "--resume", "--resume" },
		{ "xmpp-host", "--starttls", "xmpp" },
	};
	static char store[8][PATH_MAX];
	char *argv[8], opt[64];
	int argc = 0;
	struct cli_config cfg;
	struct tl_error err = { 0, "" };

	if (o->name)
		snprintf(opt, sizeof opt, "--%s", o->name);
	else
		snprintf(opt, sizeof opt, "-%c", o->key);
	push(argv, store, &argc, "tlsladder");
	push(argv, store, &argc, opt);
	if (o->arg)
		push(argv, store, &argc, sample_value(o, pass_file));
	for (size_t i = 0; o->name && i < sizeof needs / sizeof needs[0]; i++) {
		if (strcmp(o->name, needs[i][0]) == 0) {
			push(argv, store, &argc, needs[i][1]);
			push(argv, store, &argc, needs[i][2]);
		}
	}
	push(argv, store, &argc, in == CLI_IN_DEMO ? "demo" : in == CLI_IN_CLIENT ? "localhost" : "serve");
	argv[argc] = NULL;
	if (cli_parse(argc, argv, &cfg, &err) != 0)
		fail_msg("%s is refused in %s mode: %s", opt, in == CLI_IN_DEMO ? "demo" : in == CLI_IN_CLIENT ? "client" : "serve",
			 err.msg);
	assert_int_equal(cfg.mode, mode_expected(o, in));
}

/* Every row's option is accepted, with a value of its argument, in each mode the row describes. */
static void every_option_parses(void **state)
{
	char pass_file[] = "/tmp/tlsladder-test-cli-XXXXXX";
	int fd = mkstemp(pass_file);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "demo\n", 5), 5);
	close(fd);
	setenv("TLSLADDER_P12_PASSWORD", "demo", 1);
	unsetenv("SSLKEYLOGFILE");
	for (size_t i = 0; i < nopts; i++)
		for (unsigned in = CLI_IN_DEMO; in <= CLI_IN_SERVE; in <<= 1)
			if (opts[i].modes & in)
				parse_one(&opts[i], in, pass_file);
	unlink(pass_file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_well_formed),
		cmocka_unit_test(every_option_in_help),
		cmocka_unit_test(every_option_documented),
		cmocka_unit_test(every_option_parses),
	};

	opts = cli_options(&nopts);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
