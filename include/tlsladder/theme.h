/*
 * theme: semantic colour roles and the theme files that map them.
 *
 * A theme file has lines `color <role> <fg> <bg> [attrs...]` and comments
 * starting with '#'. Colours: default, black, red, green, yellow, blue,
 * magenta, cyan, white, bright-<name>, or colorN (0-255). Attributes: bold,
 * dim, underline, reverse, standout, blink, italic, normal. Parsing is pure
 * (no curses); the UI turns a theme into colour pairs.
 */
#ifndef TLSLADDER_THEME_H
#define TLSLADDER_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* X(id, name in theme files) */
#define THEME_ROLES(X) \
	X(HEADER, "header") \
	X(LIFELINE, "lifeline") \
	X(ARROW, "arrow") \
	X(ARROW_ENCRYPTED, "arrow-encrypted") \
	X(ALERT, "alert") \
	X(NOTE, "note") \
	X(ERROR, "error") \
	X(SELECTED, "selected") \
	X(STATUS, "status") \
	X(STATUS_KEY, "status-key") \
	X(TREE_KEY, "tree-key") \
	X(TREE_VALUE, "tree-value") \
	X(HEX, "hex") \
	X(EXPLANATION, "explanation") \
	X(GOOD, "good") \
	X(BAD, "bad") \
	X(BORDER, "border") \
	X(TITLE, "title") \
	X(DIM, "dim") \
	X(ARROW_CLEARTEXT, "arrow-cleartext") \
	X(BACKGROUND, "background")

enum theme_role {
#define THEME_ENUM(id, name) ROLE_##id,
	THEME_ROLES(THEME_ENUM)
#undef THEME_ENUM
	ROLE_COUNT
};

/* Attribute bits of a role (mapped to curses attributes by the UI). */
enum theme_attr {
	THEME_BOLD = 1, THEME_DIM = 2, THEME_UNDERLINE = 4, THEME_REVERSE = 8,
	THEME_STANDOUT = 16, THEME_BLINK = 32, THEME_ITALIC = 64
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
	int fg, bg;          /* 0-255 or THEME_DEFAULT_COLOR */
	unsigned attrs;
};

struct theme {
	char name[64];
	struct theme_style role[ROLE_COUNT];
};

/* The built-in default theme (the same as themes/default.theme). */
void theme_builtin(struct theme *t);
/* The role called name, or -1. */
int theme_role_by_name(const char *name);
const char *theme_role_name(int role);
/*
 * Parses theme text over the built-in default (roles it does not name keep
 * the default). On the first bad line returns false with "FILE:LINE: message"
 * in err, and t holds the built-in default.
 */
bool theme_parse(const char *text, const char *file, struct theme *t, char *err, size_t errn);
/*
 * Loads NAME (from the themes directory) or a PATH (contains '/' or ends in
 * ".theme"). On failure t holds the default and err says why.
 */
bool theme_load(const char *name_or_path, struct theme *t, char *err, size_t errn);
/* The names of the shipped themes, in cycling order; NULL-terminated. */
extern const char *const theme_shipped[];

#endif
