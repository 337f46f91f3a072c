/*
 * keylog.c: the NSS key log file (see keylog.h).
 */
#include "tlsladder/keylog.h"
#include "tlsladder/keysched.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Appends the hex of p[0..n) to buf at *used. */
static void hex(char *buf, size_t *used, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		buf[(*used)++] = digits[p[i] >> 4];
		buf[(*used)++] = digits[p[i] & 15];
	}
}

/*
 * Opens the key log for appending: never through a symbolic link, created
 * 0600, and only a regular file that no one else may read or write.
 * Returns the descriptor, or -1 with err.
 */
static int keylog_open(const char *path, struct tl_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0 && errno == ELOOP)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the key log is a symbolic link; secrets are written only to "
				    "a file named directly (name the link's target, or another file)", path);
	if (fd < 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: the key log file cannot be written: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tl_error_set(err, TL_EXIT_FILES, "%s: the key log is not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return tl_error_set(err, TL_EXIT_FILES, "%s: the key log file is open to others (mode %04o), and its secrets "
				    "decrypt the connection: run chmod 600 on it, or name a new file",
				    path, (unsigned)(st.st_mode & 07777));
	}
	return fd;
}

/* One secret as a key log line; none (0) for the resumption master secret, which is no key log label. */
size_t keylog_line(const struct tl_secret *s, char *buf)
{
	size_t used = strlen(s->label) < 48 ? strlen(s->label) : 47;

	buf[0] = '\0';
	if (strcmp(s->label, KEYSCHED_RMS_LABEL) == 0)
		return 0;

	memcpy(buf, s->label, used);
	buf[used++] = ' ';
	hex(buf, &used, s->client_random, sizeof s->client_random);
	buf[used++] = ' ';
	hex(buf, &used, s->secret, s->len < sizeof s->secret ? s->len : sizeof s->secret);
	buf[used++] = '\n';
	return used;
}

/* Checks that the key log can be written, before any network work. */
int keylog_check(const char *path, struct tl_error *err)
{
	int fd = keylog_open(path, err);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Appends the timeline's secrets to path. */
int keylog_write(const struct timeline *tl, const char *path, struct tl_error *err)
{
	int fd = keylog_open(path, err);
	size_t n = timeline_secret_count(tl);
	int lines = 0;

	if (fd < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tl_secret s;
		char line[KEYLOG_LINE_MAX];
		size_t used;

		if (!timeline_get_secret(tl, i, &s) || s.withheld)
			continue;          /* a run saved without its secrets: their values are not at hand */
		used = keylog_line(&s, line);
		if (write(fd, line, used) != (ssize_t)used) {
			int e = errno;
			memset(line, 0, sizeof line);
			close(fd);
			return tl_error_set(err, TL_EXIT_FILES, "%s: writing the key log failed: %s", path, strerror(e));
		}
		memset(line, 0, sizeof line);
		memset(&s, 0, sizeof s);
		lines += used > 0;
	}
	if (close(fd) != 0)
		return tl_error_set(err, TL_EXIT_FILES, "%s: writing the key log failed: %s", path, strerror(errno));
	return lines;
}
