/*
 * replay: runs a libFuzzer target's LLVMFuzzerTestOneInput over files and
 * directories (a corpus) with a plain main, so any compiler, with or
 * without sanitizers, can check that a corpus still passes.
 *
 *   replay PATH...     each PATH a file or a directory of files
 *
 * Exit 0 when every input ran (a crash ends the process), 1 when a path
 * could not be read or nothing was run.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file and runs it; false when it cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 0;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			uint8_t *nb = realloc(buf, nc);
			if (!nb) {
				fclose(f);
				free(buf);
				return 0;
			}
			buf = nb;
			cap = nc;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	/* an exact-size copy so ASan sees reads past the end of the input */
	{
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact) {
			free(buf);
			return 0;
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 1;
}

/* Runs a file, or every regular file in a directory; returns inputs run, -1 on error. */
static long run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	long count = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path) ? 1 : -1;
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= (int)sizeof sub)
			continue;
		if (stat(sub, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!run_file(sub)) {
			closedir(d);
			return -1;
		}
		count++;
	}
	closedir(d);
	return count;
}

/* Runs every path given. */
int main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: replay PATH...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		long n = run_path(argv[i]);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replay: %ld inputs ran\n", total);
	return total > 0 ? 0 : 1;
}
