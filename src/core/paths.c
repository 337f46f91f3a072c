/*
 * paths.c: locating the program's data directories.
 */
#include "tlsladder/paths.h"
#include "tlsladder/buildinfo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* True when dir/probe is readable; copies dir into out. */
static bool try_dir(const char *dir, const char *probe, char *out, size_t n)
{
	char file[PATH_MAX];
	int k;

	k = snprintf(file, sizeof file, "%s/%s", dir, probe);
	if (k < 0 || (size_t)k >= sizeof file || access(file, R_OK) != 0)
		return false;
	k = snprintf(out, n, "%s", dir);
	return k >= 0 && (size_t)k < n;
}

/* out = a + b + c; false when it does not fit. */
static bool join3(char *out, size_t n, const char *a, const char *b, const char *c)
{
	int k = snprintf(out, n, "%s%s%s", a, b, c);
	return k >= 0 && (size_t)k < n;
}

/* Finds a data directory. */
bool paths_data_dir(const char *sub, const char *probe, char *out, size_t n)
{
	char dir[PATH_MAX], exe[PATH_MAX];
	const char *env = getenv("TLSLADDER_DATADIR");
	ssize_t len;

	if (env && *env) {
		if (join3(dir, sizeof dir, env, "/", sub) && try_dir(dir, probe, out, n))
			return true;
	}
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (join3(dir, sizeof dir, exe, "/", sub) && try_dir(dir, probe, out, n))
				return true;
			if (join3(dir, sizeof dir, exe, "/../share/tlsladder/", sub) && try_dir(dir, probe, out, n))
				return true;
		}
	}
	return join3(dir, sizeof dir, TLSLADDER_DATADIR "/", sub, "") && try_dir(dir, probe, out, n);
}
