/* A whole file into memory (file_read.c), opened as file_open.h opens a
 * hostile file: once, without blocking, a regular file of bounded size. */
#ifndef TC_UTIL_FILE_READ_H
#define TC_UTIL_FILE_READ_H

#include <stddef.h>
#include <stdint.h>

/* Read dirfd/path (AT_FDCWD: the working directory; `nofollow` as in
 * tc_file_open_read) of at most max_bytes into a malloc'd *data of *len
 * bytes (never NULL on success, even for an empty file). A file that grows
 * past max_bytes while read is refused too. Returns 0, or -1 with errno and
 * the reason in why. */
int tc_file_read_all(int dirfd, const char *path, int nofollow, uint64_t max_bytes, uint8_t **data,
                     size_t *len, char *why, size_t cap);

#endif
