/* Opening files that may be hostile (file_open.c): a path the camera reads
 * or writes may be a link, a FIFO, a device, huge, or change between a check
 * and its use. So a file is opened once, without blocking, and the opened
 * descriptor is what gets checked and used; nothing is checked by name. */
#ifndef TC_UTIL_FILE_OPEN_H
#define TC_UTIL_FILE_OPEN_H

#include <stddef.h>
#include <stdint.h>

/* Open `path` (relative to dirfd; AT_FDCWD for the working directory) for
 * reading. O_NONBLOCK, so a FIFO or a device never blocks the open;
 * O_NOFOLLOW when `nofollow`, so a link planted in a directory the camera
 * owns is not followed. The opened file must be a regular file of at most
 * max_bytes. Returns a descriptor (close-on-exec, blocking again), or -1
 * with errno set (ENOENT for "no such file") and the reason in why. */
int tc_file_open_read(int dirfd, const char *path, int nofollow, uint64_t max_bytes, char *why,
                      size_t cap);

/* Replace dirfd/name with `len` bytes, all or nothing: a new file of its
 * own (O_CREAT|O_EXCL|O_NOFOLLOW, a name no one else chose), written,
 * fsync'ed, renamed over name (which replaces a link rather than following
 * it), then the directory fsync'ed. On any failure the temporary file is
 * removed and name is untouched. Returns 0, or -1 with errno and why. */
int tc_file_replace(int dirfd, const char *name, const void *data, size_t len, char *why,
                    size_t cap);

/* Remove dirfd/name (a link is removed, not followed; a missing file is no
 * error), then fsync the directory. Returns 0, or -1 with errno and why. */
int tc_file_remove(int dirfd, const char *name, char *why, size_t cap);

/* Remove the temporary files tc_file_replace left in dirfd when its process
 * died between creating one and renaming it (a power cut, SIGKILL): names
 * `.NAME.PID.N.tmp` whose PID is no live process (a zombie is none), or one
 * that started after the file was last written (the number reused). A live writer's are in
 * use, and stay; so does every other name. Each one left would
 * hold its bytes (a whole firmware package) until someone removed it by
 * hand. Returns how many were removed, or -1 with errno. */
int tc_file_remove_stale_temporaries(int dirfd);
/* The same for every such name, whoever wrote it: for a caller that knows
 * no writer may be at work (the boot loader before its first program, the
 * directory locked against an installer). */
int tc_file_remove_temporaries(int dirfd);

#endif
