/*
 * theme.c: parsing theme files (see theme.h). No curses here.
 */
#include "tlsladder/theme.h"
#include "tlsladder/paths.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const theme_shipped[] = { "default", "light", "mono", "classroom", NULL };

static const char *const role_names[ROLE_COUNT] = {
#define THEME_NAME(id, name) name,
	THEME_ROLES(THEME_NAME)
#undef THEME_NAME
};

static const char *const color_names[8] = { "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white" };

/* The role called name, or -1. */
int theme_role_by_name(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role_names[i], name) == 0)
			return i;
	return -1;
}

/* The name of a role. */
const char *theme_role_name(int role)
{
	return role >= 0 && role < ROLE_COUNT ? role_names[role] : "?";
}

/* Sets one role. */
static void set(struct theme *t, int role, int fg, int bg, unsigned attrs)
{
	t->role[role].fg = fg;
	t->role[role].bg = bg;
	t->role[role].attrs = attrs;
}

/* The built-in default theme. */
void theme_builtin(struct theme *t)
{
	const int D = THEME_DEFAULT_COLOR;

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "default");
	set(t, ROLE_HEADER, 0, 6, THEME_BOLD);
	set(t, ROLE_LIFELINE, 4, D, 0);
	set(t, ROLE_ARROW, D, D, 0);
	set(t, ROLE_ARROW_ENCRYPTED, 2, D, THEME_BOLD);
	set(t, ROLE_ALERT, 1, D, THEME_BOLD);
	set(t, ROLE_NOTE, 3, D, 0);
	set(t, ROLE_ERROR, 1, D, THEME_BOLD);
	set(t, ROLE_SELECTED, 0, 3, 0);
	set(t, ROLE_STATUS, 0, 7, 0);
	set(t, ROLE_STATUS_KEY, 4, 7, THEME_BOLD);
	set(t, ROLE_TREE_KEY, 6, D, 0);
	set(t, ROLE_TREE_VALUE, D, D, 0);
	set(t, ROLE_HEX, 5, D, 0);
	set(t, ROLE_EXPLANATION, D, D, 0);
	set(t, ROLE_GOOD, 2, D, THEME_BOLD);
	set(t, ROLE_BAD, 1, D, THEME_BOLD);
	set(t, ROLE_BORDER, 4, D, 0);
	set(t, ROLE_TITLE, D, D, THEME_BOLD);
	set(t, ROLE_DIM, D, D, THEME_DIM);
	set(t, ROLE_ARROW_CLEARTEXT, 6, D, 0);
	set(t, ROLE_BACKGROUND, D, D, 0);
}

/* Parses a colour word; false if unknown. */
static bool parse_color(const char *w, int *out)
{
	char *end;
	long v;

	if (strcmp(w, "default") == 0) {
		*out = THEME_DEFAULT_COLOR;
		return true;
	}
	for (int i = 0; i < 8; i++) {
		if (strcmp(w, color_names[i]) == 0) {
			*out = i;
			return true;
		}
		if (strncmp(w, "bright-", 7) == 0 && strcmp(w + 7, color_names[i]) == 0) {
			*out = i + 8;
			return true;
		}
	}
	if (strncmp(w, "color", 5) == 0 && isdigit((unsigned char)w[5])) {
		errno = 0;
		v = strtol(w + 5, &end, 10);
		if (!errno && !*end && v >= 0 && v <= 255) {
			*out = (int)v;
			return true;
		}
	}
	return false;
}

/* Parses an attribute word; false if unknown. */
static bool parse_attr(const char *w, unsigned *attrs)
{
	static const struct { const char *name; unsigned bit; } a[] = {
		{ "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "underline", THEME_UNDERLINE },
		{ "reverse", THEME_REVERSE }, { "standout", THEME_STANDOUT }, { "blink", THEME_BLINK },
		{ "italic", THEME_ITALIC }, { "normal", 0 },
	};

	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
		if (strcmp(w, a[i].name) == 0) {
			*attrs |= a[i].bit;
			return true;
		}
	return false;
}

/* Parses theme text. */
bool theme_parse(const char *text, const char *file, struct theme *t, char *err, size_t errn)
{
	struct theme tmp;
	unsigned lineno = 0;
	const char *p = text;

	theme_builtin(&tmp);
	while (*p) {
		char line[512], *words[16], *save = NULL, *w;
		size_t len = strcspn(p, "\n");
		int nw = 0, role, fg, bg;
		unsigned attrs = 0;

		lineno++;
		if (len >= sizeof line) {
			snprintf(err, errn, "%s:%u: line too long", file, lineno);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (p[len] == '\n');
		if ((w = strchr(line, '#')))
			*w = '\0';
		for (w = strtok_r(line, " \t\r", &save); w && nw < 16; w = strtok_r(NULL, " \t\r", &save))
			words[nw++] = w;
		if (nw == 0)
			continue;
		if (strcmp(words[0], "color") != 0) {
			snprintf(err, errn, "%s:%u: unknown command \"%.40s\" (expected: color ROLE FG BG [ATTRS])", file,
				 lineno, words[0]);
			goto fail;
		}
		if (nw < 4) {
			snprintf(err, errn, "%s:%u: expected: color ROLE FG BG [ATTRS]", file, lineno);
			goto fail;
		}
		if ((role = theme_role_by_name(words[1])) < 0) {
			snprintf(err, errn, "%s:%u: unknown role \"%.40s\"", file, lineno, words[1]);
			goto fail;
		}
		if (!parse_color(words[2], &fg) || !parse_color(words[3], &bg)) {
			snprintf(err, errn, "%s:%u: unknown colour \"%.40s\"", file, lineno,
				 parse_color(words[2], &fg) ? words[3] : words[2]);
			goto fail;
		}
		for (int i = 4; i < nw; i++)
			if (!parse_attr(words[i], &attrs)) {
				snprintf(err, errn, "%s:%u: unknown attribute \"%.40s\"", file, lineno, words[i]);
				goto fail;
			}
		set(&tmp, role, fg, bg, attrs);
	}
	snprintf(tmp.name, sizeof tmp.name, "%s", t->name[0] ? t->name : "custom");
	*t = tmp;
	return true;
fail:
	theme_builtin(t);
	return false;
}

/* Loads a theme by name or path. */
bool theme_load(const char *name_or_path, struct theme *t, char *err, size_t errn)
{
	char path[PATH_MAX], dir[PATH_MAX], probe[128], *text;
	const char *base;
	FILE *f;
	long size;
	size_t got;
	bool ok;
	size_t nl = strlen(name_or_path);

	theme_builtin(t);
	if (strchr(name_or_path, '/') || (nl > 6 && strcmp(name_or_path + nl - 6, ".theme") == 0)) {
		snprintf(path, sizeof path, "%s", name_or_path);
	} else {
		snprintf(probe, sizeof probe, "%s.theme", name_or_path);
		if (!paths_data_dir("themes", probe, dir, sizeof dir)) {
			snprintf(err, errn, "no theme called \"%.60s\" (shipped: default, light, mono, classroom)", name_or_path);
			return false;
		}
		if (snprintf(path, sizeof path, "%s/%s", dir, probe) >= (int)sizeof path) {
			snprintf(err, errn, "theme path too long");
			return false;
		}
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errn, "%.200s: %s", path, strerror(errno));
		return false;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > 65536 || fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errn, "%.200s: not a theme file (too large or unreadable)", path);
		fclose(f);
		return false;
	}
	text = malloc((size_t)size + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errn, "out of memory");
		return false;
	}
	got = fread(text, 1, (size_t)size, f);
	text[got] = '\0';
	fclose(f);
	if (memchr(text, '\0', got)) {
		free(text);
		snprintf(err, errn, "%.200s: not a theme file (binary data)", path);
		return false;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(t->name, sizeof t->name, "%.*s", (int)(strcspn(base, ".")), base);
	ok = theme_parse(text, path, t, err, errn);
	if (!ok)
		snprintf(t->name, sizeof t->name, "default");
	free(text);
	return ok;
}
