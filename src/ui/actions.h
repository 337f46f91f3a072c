/*
 * actions.h: the one table of user actions. It feeds the key dispatcher,
 * the help overlay and the status-bar hints, so they cannot disagree.
 *
 * X(id, scope, keys shown in help, help text, status hint or NULL, key1..key4)
 * scope: ANY (everywhere), LADDER (the ladder has focus), TREE (the details
 * have focus). Keys: curses key codes; 0 ends the list early.
 */
#ifndef TLSLADDER_UI_ACTIONS_H
#define TLSLADDER_UI_ACTIONS_H

#define KEY_CTRL(c) ((c) & 0x1f)

#define UI_ACTIONS(X) \
	X(STEP_GO, ANY, "Space", "next step; --step: send the waiting flight; --quiz: reveal; --play: pause", "Space send", ' ', 0, 0, 0) \
	X(NEXT, ANY, "n", "next step", "n next", 'n', 0, 0, 0) \
	X(PREV, ANY, "p", "previous step", "p prev", 'p', 0, 0, 0) \
	X(DOWN, LADDER, "j Down", "next step", NULL, 'j', KEY_DOWN, 0, 0) \
	X(UP, LADDER, "k Up", "previous step", NULL, 'k', KEY_UP, 0, 0) \
	X(FIRST, ANY, "g Home", "first step", NULL, 'g', KEY_HOME, 0, 0) \
	X(LAST, ANY, "G End", "last step (and follow new ones)", NULL, 'G', KEY_END, 0, 0) \
	X(PAGE_UP, ANY, "PgUp", "a page up", NULL, KEY_PPAGE, 0, 0, 0) \
	X(PAGE_DOWN, ANY, "PgDn", "a page down", NULL, KEY_NPAGE, 0, 0, 0) \
	X(OPEN, LADDER, "Enter Right", "open the selected message's fields", "Enter open", '\n', '\r', KEY_ENTER, KEY_RIGHT) \
	X(TREE_DOWN, TREE, "j Down", "next field", NULL, 'j', KEY_DOWN, 0, 0) \
	X(TREE_UP, TREE, "k Up", "previous field", NULL, 'k', KEY_UP, 0, 0) \
	X(TREE_TOGGLE, TREE, "Enter Right", "expand or collapse the field", NULL, '\n', '\r', KEY_ENTER, KEY_RIGHT) \
	X(TREE_CLOSE, TREE, "Left", "collapse the field; at the top, back to the ladder", NULL, KEY_LEFT, 0, 0, 0) \
	X(SWITCH, ANY, "Tab", "switch between ladder and details", NULL, '\t', 0, 0, 0) \
	X(PREV_CONN, ANY, "[", "server mode: the previous connection", "[ ] conn", '[', 0, 0, 0) \
	X(NEXT_CONN, ANY, "]", "server mode: the next connection (the newest one follows new ones)", NULL, ']', 0, 0, 0) \
	X(WIRE, ANY, "w", "wire view: TLS records instead of messages", "w wire", 'w', 0, 0, 0) \
	X(SEARCH, ANY, "/", "find a message by name", "/ find", '/', 0, 0, 0) \
	X(DIAGNOSIS, ANY, "d", "diagnosis: the cause, the fix, and a jump to the evidence (marked !)", "d diagnosis", 'd', 0, 0, 0) \
	X(THEME, ANY, "t", "next theme", "t theme", 't', 0, 0, 0) \
	X(SECRETS, ANY, "s", "key schedule with the secrets' values (s again hides; never private keys)", NULL, 's', 0, 0, 0) \
	X(HELP, ANY, "?", "this help", "? help", '?', KEY_F(1), 0, 0) \
	X(REDRAW, ANY, "Ctrl-L", "redraw the screen", NULL, KEY_CTRL('l'), 0, 0, 0) \
	X(QUIT, ANY, "q", "quit (also during the handshake)", "q quit", 'q', 'Q', 0, 0) \
	X(BYTES, ANY, "x", "byte view: the selected message's bytes, the selected field highlighted", NULL, 'x', 0, 0, 0) \
	X(REVEAL, ANY, "a", "--quiz: reveal the answer (the hidden message, its explanation); go on", NULL, 'a', 0, 0, 0) \
	X(EXPLAIN_DOWN, ANY, "J", "scroll the explanation down (its title says when there is more)", NULL, 'J', 0, 0, 0) \
	X(EXPLAIN_UP, ANY, "K", "scroll the explanation back up", NULL, 'K', 0, 0, 0)

enum ui_action {
	ACT_NONE = 0,
#define ACT_ENUM(id, scope, keys, help, hint, k1, k2, k3, k4) ACT_##id,
	UI_ACTIONS(ACT_ENUM)
#undef ACT_ENUM
	ACT_COUNT
};

enum ui_scope { SCOPE_ANY, SCOPE_LADDER, SCOPE_TREE };

#endif
