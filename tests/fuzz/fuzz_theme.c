/*
 * fuzz_theme: libFuzzer target for theme files (src/core/theme.c). The
 * input is a theme file: it goes through theme_parse() as text and through
 * theme_load() as a file (an in-memory file, /proc/self/fd/N), which adds
 * the size and binary-data checks.
 *
 * Checks the header's promises: on failure the theme is the built-in
 * default and the error names the file; on success every colour is
 * default or 0-255, every attribute a known bit, and both paths agree.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tlsladder/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALL_ATTRS (THEME_BOLD | THEME_DIM | THEME_UNDERLINE | THEME_REVERSE | THEME_STANDOUT | THEME_BLINK | THEME_ITALIC)

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_theme: %s\n", what);
	abort();
}

/* The result of one parse or load: the promises of theme.h. */
static void check(bool ok, const struct theme *t, const char *err)
{
	struct theme def;

	theme_builtin(&def);
	if (!ok) {
		if (err[0] == '\0')
			fail("failure without a reason");
		if (memcmp(t->role, def.role, sizeof def.role) != 0)
			fail("failure left a theme other than the default");
		return;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &t->role[r];
		if (s->fg < THEME_DEFAULT_COLOR || s->fg > 255 || s->bg < THEME_DEFAULT_COLOR || s->bg > 255)
			fail("colour out of range");
		if (s->attrs & ~(unsigned)ALL_ATTRS)
			fail("unknown attribute bit");
	}
	if (!memchr(t->name, '\0', sizeof t->name))
		fail("name unterminated");
}

/* Loads the bytes as a file; returns theme_load's answer. */
static bool load_file(const uint8_t *data, size_t size, struct theme *t, char *err, size_t errn)
{
	static int fd = -1;
	char path[64];

	if (fd < 0)
		fd = memfd_create("fuzz.theme", 0);
	if (fd < 0 || ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		return false;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return theme_load(path, t, err, errn);
}

/* One input: parse as text, load as a file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char err[300] = "";
	struct theme t1, t2;
	bool ok1, ok2;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	theme_builtin(&t1);
	ok1 = theme_parse(text, "fuzz.theme", &t1, err, sizeof err);
	check(ok1, &t1, err);

	err[0] = '\0';
	memset(&t2, 0x55, sizeof t2);
	ok2 = load_file(data, size, &t2, err, sizeof err);
	if (err[0] || ok2) {
		check(ok2, &t2, err);
		/* a file without NUL bytes parses as its text does */
		if (!memchr(data, '\0', size) && size <= 65536 && (ok1 != ok2 ||
		    (ok1 && memcmp(t1.role, t2.role, sizeof t1.role) != 0)))
			fail("theme_load and theme_parse disagree");
	}
	free(text);
	return 0;
}
