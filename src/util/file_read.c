/* A whole file into memory (file_read.h). */
#include "util/file_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_open.h"

int tc_file_read_all(int dirfd, const char *path, int nofollow, uint64_t max_bytes, uint8_t **data,
                     size_t *len, char *why, size_t cap)
{
    *data = NULL;
    *len = 0;
    int fd = tc_file_open_read(dirfd, path, nofollow, max_bytes, why, cap);
    if (fd < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        snprintf(why, cap, "%s", strerror(e));
        close(fd);
        errno = e;
        return -1;
    }
    /* The size at open is a hint (files in /proc say 0): read to the end,
     * growing the buffer, never past max_bytes. */
    size_t have = 0, room = (size_t)sb.st_size + 1;
    if (room > max_bytes + 1)
        room = (size_t)max_bytes + 1;
    uint8_t *buf = malloc(room);
    int e = 0;
    const char *bad = NULL;
    while (buf) {
        if (have == room) {
            size_t more = room * 2 > max_bytes + 1 ? (size_t)max_bytes + 1 : room * 2;
            if (more == room) {
                bad = "grew past its bound while read", e = EFBIG;
                break;
            }
            uint8_t *nb = realloc(buf, more);
            if (!nb) {
                bad = "no memory", e = ENOMEM;
                break;
            }
            buf = nb, room = more;
        }
        ssize_t n = read(fd, buf + have, room - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno, bad = strerror(e);
            break;
        }
        if (n == 0)
            break;
        have += (size_t)n;
    }
    if (!buf)
        bad = "no memory", e = ENOMEM;
    else if (!bad && have > max_bytes)
        bad = "grew past its bound while read", e = EFBIG;
    close(fd);
    if (bad) {
        snprintf(why, cap, "%s", bad);
        free(buf);
        errno = e;
        return -1;
    }
    *data = buf;
    *len = have;
    return 0;
}
