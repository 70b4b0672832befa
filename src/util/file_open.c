/* Opening files that may be hostile (file_open.h). */
#include "util/file_open.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int tc_file_open_read(int dirfd, const char *path, int nofollow, uint64_t max_bytes, char *why,
                      size_t cap)
{
    int fd = openat(dirfd, path,
                    O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        int e = errno;
        snprintf(why, cap, "%s", e == ELOOP && nofollow ? "is a symbolic link" : strerror(e));
        errno = e;
        return -1;
    }
    struct stat sb;
    const char *bad = NULL;
    int e = EINVAL;
    if (fstat(fd, &sb) != 0)
        bad = strerror(e = errno);
    else if (!S_ISREG(sb.st_mode))
        bad = "not a regular file", e = EINVAL;
    else if ((uint64_t)sb.st_size > max_bytes)
        bad = "too large", e = EFBIG;
    if (bad) {
        if (e == EFBIG)
            snprintf(why, cap, "%s (%lld bytes, at most %llu)", bad, (long long)sb.st_size,
                     (unsigned long long)max_bytes);
        else
            snprintf(why, cap, "%s", bad);
        close(fd);
        errno = e;
        return -1;
    }
    /* A regular file: blocking reads from here on, as stdio expects. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int tc_file_replace(int dirfd, const char *name, const void *data, size_t len, char *why,
                    size_t cap)
{
    static unsigned counter;
    char tmp[300];
    int fd = -1;
    /* A name of this process's own; O_EXCL refuses anything already there,
     * a link included, so a few tries get past a planted one. */
    for (int tries = 0; fd < 0 && tries < 8; tries++) {
        unsigned n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
        if (snprintf(tmp, sizeof(tmp), ".%s.%ld.%u.tmp", name, (long)getpid(), n) >= (int)sizeof(tmp)) {
            snprintf(why, cap, "file name too long");
            errno = ENAMETOOLONG;
            return -1;
        }
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        snprintf(why, cap, "cannot create a temporary file: %s", strerror(e));
        errno = e;
        return -1;
    }
    const char *step = NULL;
    if (write_all(fd, data, len) != 0)
        step = "write";
    else if (fsync(fd) != 0)
        step = "fsync";
    int e = errno;
    if (close(fd) != 0 && !step)
        step = "close", e = errno;
    if (!step && renameat(dirfd, tmp, dirfd, name) != 0)
        step = "rename", e = errno;
    if (step) {
        unlinkat(dirfd, tmp, 0);
        snprintf(why, cap, "%s: %s", step, strerror(e));
        errno = e;
        return -1;
    }
    fsync(dirfd); /* the rename itself survives a power cut */
    return 0;
}

int tc_file_remove(int dirfd, const char *name, char *why, size_t cap)
{
    if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
        int e = errno;
        snprintf(why, cap, "unlink: %s", strerror(e));
        errno = e;
        return -1;
    }
    fsync(dirfd); /* the removal itself survives a power cut */
    return 0;
}

/* The PID in a name tc_file_replace makes, `.NAME.PID.N.tmp`, or 0 if the
 * name is not one. */
static long temporary_pid(const char *name)
{
    size_t len = strlen(name);
    if (name[0] != '.' || len < 10 || strcmp(name + len - 4, ".tmp") != 0)
        return 0;
    const char *end = name + len - 4; /* the '.' of ".tmp" */
    const char *p = end;
    for (int field = 0; field < 2; field++) { /* N, then PID: digits after a '.' */
        const char *digits_end = p;
        while (p > name && p[-1] >= '0' && p[-1] <= '9')
            p--;
        if (p == digits_end || p - 1 <= name || p[-1] != '.' || digits_end - p > 9)
            return 0;
        if (field == 1)
            return strtol(p, NULL, 10);
        p--;
    }
    return 0;
}

/* Whether process pid could have written a file last changed at mtime: it
 * lives and had started by then. PIDs are reused: on a busy machine the
 * dead writer's number soon names an unrelated process, which started
 * after the file was written (its start from /proc/PID/stat's starttime,
 * clock ticks after boot, and /proc/stat's btime). Unknown counts as yes:
 * a live writer's file must never go. */
static int could_be_writer(long pid, time_t mtime)
{
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return 0;
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : 1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    /* Fields after the command name, which may hold spaces and ')': from
     * the last ')'; the state is field 3, starttime field 22. A zombie
     * writes nothing: its PID lives on only until its parent (or, its
     * parent killed, whoever adopted it) reaps it, which may be never. */
    char *p = strrchr(buf, ')');
    if (p && (p[1] == ' ') && (p[2] == 'Z' || p[2] == 'X'))
        return 0;
    unsigned long long start_ticks = 0;
    for (int field = 3; p && field <= 22; field++) {
        p = strchr(p + 1, ' ');
        if (p && field == 22)
            start_ticks = strtoull(p + 1, NULL, 10);
    }
    unsigned long long btime = 0;
    f = fopen("/proc/stat", "re");
    if (f) {
        char line[256];
        while (fgets(line, sizeof(line), f))
            if (sscanf(line, "btime %llu", &btime) == 1)
                break;
        fclose(f);
    }
    long hz = sysconf(_SC_CLK_TCK);
    if (!p || !start_ticks || !btime || hz <= 0)
        return 1;
    /* A second's slack: btime and mtime are whole seconds. */
    return (long long)(btime + start_ticks / (unsigned long long)hz) <= (long long)mtime + 1;
}

static int remove_temporaries(int dirfd, int any_writer)
{
    int fd = dup(dirfd);
    if (fd < 0)
        return -1;
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = temporary_pid(e->d_name);
        struct stat sb;
        if (pid <= 0 || fstatat(dirfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
            (!any_writer && could_be_writer(pid, sb.st_mtime)))
            continue; /* not one, or its writer lives */
        if (unlinkat(dirfd, e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    if (removed)
        fsync(dirfd);
    return removed;
}

int tc_file_remove_stale_temporaries(int dirfd)
{
    return remove_temporaries(dirfd, 0);
}

int tc_file_remove_temporaries(int dirfd)
{
    return remove_temporaries(dirfd, 1);
}
