/*
 * replay.c: runs LLVMFuzzerTestOneInput over files and directories given
 * on the command line, for compilers without libFuzzer (ctest runs it over
 * the seed corpus). Exits 0 when every input ran, 1 when one could not be
 * read, 2 on usage.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds one file to the target; false when it cannot be read. */
static bool run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return false;
	}
	for (;;) {
		size_t got;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 4096);
			if (!nb) {
				free(buf);
				fclose(f);
				return false;
			}
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return true;
}

/* Runs a file, or every regular file of a directory; counts inputs. */
static bool run_path(const char *path, unsigned *count)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	bool ok = true;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: cannot stat %s\n", path);
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	if (!(d = opendir(path)))
		return false;
	while ((e = readdir(d))) {
		char child[4096];
		struct stat cs;
		if (e->d_name[0] == '.')
			continue;
		snprintf(child, sizeof child, "%s/%s", path, e->d_name);
		if (stat(child, &cs) == 0 && S_ISREG(cs.st_mode)) {
			(*count)++;
			ok = run_file(child) && ok;
		}
	}
	closedir(d);
	return ok;
}

/* Replays every argument. */
int main(int argc, char **argv)
{
	unsigned count = 0;
	bool ok = true;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		ok = run_path(argv[i], &count) && ok;
	printf("replayed %u input%s\n", count, count == 1 ? "" : "s");
	return ok && count > 0 ? 0 : 1;
}
