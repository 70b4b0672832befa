/* Files are hostile (issue 11): the state directory's user-set files, as a
 * full disk, another local user or a confused admin leave them.
 * - a UserSetSave that cannot be written is refused and leaves memory and
 *   disk as they were (the set keeps what was saved before, the file its
 *   bytes, no temporary file is left);
 * - a save never follows a link planted where it writes;
 * - at open, a set file that is a FIFO, a link, a device or too large is
 *   not read (and never blocks), and the camera comes up;
 * - a PNG scene that is a FIFO, a directory or declares more pixels than the
 *   memory budget is refused with a reason, before it is decoded.
 * Every test that could block sets an alarm: blocking kills the test. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "image/png_io.h"
#include "util/file_open.h"
#include "twincam/twincam.h"

#define SERIAL "TCF01"

static tc_camera *open_dir(const char *dir)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.serial = SERIAL;
    o.state_dir = dir;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    assert_non_null(cam);
    return cam;
}

static int64_t geti(tc_camera *cam, const char *name)
{
    int64_t v = -12345;
    assert_int_equal(tc_get_int(cam, name, &v), 0);
    return v;
}

static void path_of(char *out, size_t cap, const char *dir, const char *what)
{
    snprintf(out, cap, "%s/" SERIAL ".%s", dir, what);
}

/* The whole file, NUL-terminated (malloc'd), or NULL if it cannot be read. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = calloc(1, 1 << 17);
    size_t n = fread(buf, 1, (1 << 17) - 1, fp);
    buf[n] = 0;
    fclose(fp);
    return buf;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void save_set1(tc_camera *cam, int expect)
{
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetSave"), expect);
}

static void rm_rf(const char *dir)
{
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- a failed save changes nothing ---- */

/* A full disk (here: a file-size limit, which fails write() the same way,
 * EFBIG instead of ENOSPC) during the second save of UserSet1. */
static void failed_save_leaves_memory_and_disk(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-files-XXXXXX";
    assert_non_null(mkdtemp(dir));
    tc_camera *cam = open_dir(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    save_set1(cam, 0);
    char path[300];
    path_of(path, sizeof(path), dir, "UserSet1");
    char *before = slurp(path);
    assert_non_null(before);
    int entries = count_entries(dir);

    struct rlimit old, tiny = { 64, 0 };
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    tiny.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
    assert_int_equal(tc_set_int(cam, "Width", 600), 0);
    save_set1(cam, TC_EIO);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_true(strlen(tc_camera_last_error(cam)) > 0);

    char *after = slurp(path);
    assert_non_null(after);
    assert_string_equal(after, before);          /* disk: the old bytes */
    assert_int_equal(count_entries(dir), entries); /* no temporary left */
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 1200); /* memory: what was saved */
    tc_camera_close(cam);
    free(before);
    free(after);
    rm_rf(dir);
}

/* Another local user plants links where a save writes: the temporary file
 * name of the old code, and the set file itself. The save writes neither
 * victim and leaves a regular file of its own. */
static void save_follows_no_link(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-files-XXXXXX", victim[] = "/tmp/twincam-victim-XXXXXX";
    assert_non_null(mkdtemp(dir));
    int vfd = mkstemp(victim);
    assert_true(vfd >= 0);
    assert_int_equal(write(vfd, "precious\n", 9), 9);
    close(vfd);
    char path[300], tmp[320];
    path_of(path, sizeof(path), dir, "UserSet1");
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    assert_int_equal(symlink(victim, tmp), 0);
    assert_int_equal(symlink(victim, path), 0);

    tc_camera *cam = open_dir(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    save_set1(cam, 0);
    char *v = slurp(victim);
    assert_string_equal(v, "precious\n");
    free(v);
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    tc_camera_close(cam);
    cam = open_dir(dir); /* and the saved set is the one read back */
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 1200);
    tc_camera_close(cam);
    unlink(victim);
    rm_rf(dir);
}

/* ---- at open: special files are not read, the camera comes up ---- */

static void opens_with_hostile_state_files(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-files-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[300];
    path_of(path, sizeof(path), dir, "UserSet1");
    assert_int_equal(mkfifo(path, 0600), 0); /* opening it for reading blocks */
    path_of(path, sizeof(path), dir, "startup");
    assert_int_equal(mkfifo(path, 0600), 0);
    path_of(path, sizeof(path), dir, "UserSet2");
    assert_int_equal(symlink("/dev/zero", path), 0); /* endless */
    alarm(20);
    tc_camera *cam = open_dir(dir);
    alarm(0);
    assert_int_equal(geti(cam, "Width"), 4056);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_EBUSY); /* never saved */
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet2"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_EBUSY);
    tc_camera_close(cam);
    rm_rf(dir);
}

/* A set file larger than any the camera writes is not read at all. */
static void oversized_set_file_is_not_read(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-files-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[300];
    path_of(path, sizeof(path), dir, "UserSet1");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("Width[0]=1200\n", fp);
    for (int i = 0; i < (2 << 20) / 16; i++)
        fputs("# padding ....\n", fp);
    fclose(fp);
    path_of(path, sizeof(path), dir, "startup");
    fp = fopen(path, "w");
    fputs("UserSetDefault=1\n", fp);
    fclose(fp);
    tc_camera *cam = open_dir(dir);
    assert_int_equal(geti(cam, "Width"), 4056);
    tc_camera_close(cam);
    rm_rf(dir);
}

/* ---- PNG scenes ---- */

static void scene_refused(const char *path, const char *reason)
{
    tc_camera *cam = open_dir(NULL);
    assert_int_equal(tc_set_string(cam, "TwinScenePath", path), 0);
    alarm(20);
    assert_int_equal(tc_set_string(cam, "TwinScene", "PngFile"), TC_EIO);
    alarm(0);
    const char *why = tc_camera_last_error(cam);
    if (!strstr(why, reason))
        fail_msg("refusal '%s' does not say '%s'", why, reason);
    tc_camera_close(cam);
}

static void scene_fifo_and_directory_refused(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-files-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[300];
    snprintf(fifo, sizeof(fifo), "%s/scene.png", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* The reader itself, not only a check before it (a check by name can
     * be raced: the file swapped for a FIFO between stat and open). */
    tc_image16 img;
    char err[256] = "";
    alarm(20);
    assert_int_equal(tc_png_read(fifo, &img, err, sizeof(err)), -1);
    alarm(0);
    if (!strstr(err, "not a regular file"))
        fail_msg("refusal '%s' does not say 'not a regular file'", err);
    scene_refused(fifo, "not a regular file");
    scene_refused(dir, "not a regular file");
    scene_refused("/dev/zero", "not a regular file");
    rm_rf(dir);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void put_chunk(FILE *fp, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t hdr[8];
    put_be32(hdr, len);
    memcpy(hdr + 4, type, 4);
    fwrite(hdr, 1, 8, fp);
    uint32_t crc = (uint32_t)crc32(0, (const uint8_t *)type, 4);
    if (len) {
        fwrite(data, 1, len, fp);
        crc = (uint32_t)crc32(crc, data, len);
    }
    uint8_t c[4];
    put_be32(c, crc);
    fwrite(c, 1, 4, fp);
}

/* A 16384 x 16384 16-bit RGB PNG (1.5 GiB decoded) whose image data is a
 * deflate stream of zeros long enough to pass the compression-ratio check:
 * it must be refused by its declared size, before a byte is decoded. */
static void scene_over_memory_budget_refused(void **st)
{
    (void)st;
    char path[] = "/tmp/twincam-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    fwrite(sig, 1, 8, fp);
    uint8_t ihdr[13] = { 0 };
    put_be32(ihdr, 16384);
    put_be32(ihdr + 4, 16384);
    ihdr[8] = 16, ihdr[9] = 2;
    put_chunk(fp, "IHDR", ihdr, 13);
    /* 2 MB of IDAT: past 1032:1 for 1.5 GiB of raw rows. */
    static uint8_t junk[1 << 16];
    for (int i = 0; i < 32; i++)
        put_chunk(fp, "IDAT", junk, sizeof(junk));
    put_chunk(fp, "IEND", NULL, 0);
    fclose(fp);
    tc_image16 img;
    char err[256] = "";
    assert_int_equal(tc_png_read(path, &img, err, sizeof(err)), -1);
    if (!strstr(err, "budget"))
        fail_msg("refusal '%s' does not name the memory budget", err);
    scene_refused(path, "budget");
    unlink(path);
}

/* A tiny file whose text chunk declares 2 GB (found by fuzz_png): libpng
 * allocated and zeroed the declared size before finding the file short
 * (7.5 s, about 2 GB resident). Chunk lengths are checked against the file
 * before libpng sees it, and chunks the camera does not use are skipped
 * unread. */
static void png_chunk_lengths_are_not_trusted(void **st)
{
    (void)st;
    char path[] = "/tmp/twincam-chunk-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    fwrite(sig, 1, 8, fp);
    uint8_t ihdr[13] = { 0 };
    put_be32(ihdr, 1);
    put_be32(ihdr + 4, 1);
    ihdr[8] = 8;
    put_chunk(fp, "IHDR", ihdr, 13);
    uint8_t text[8] = { 0x7A, 0, 0, 0x0F, 't', 'E', 'X', 't' }; /* 2 GB declared */
    fwrite(text, 1, sizeof(text), fp);
    fwrite("Comment", 1, 8, fp);
    fclose(fp);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    tc_image16 img;
    char err[256] = "";
    assert_int_equal(tc_png_read(path, &img, err, sizeof(err)), -1);
    getrusage(RUSAGE_SELF, &after);
    if (!strstr(err, "tEXt") || !strstr(err, "past the end"))
        fail_msg("refusal '%s' does not name the chunk past the end of the file", err);
    long grown_mib = (after.ru_maxrss - before.ru_maxrss) / 1024;
    if (grown_mib > 64)
        fail_msg("reading a %d-byte file grew the process by %ld MiB", 8 + 25 + 16, grown_mib);
    /* A text chunk that does fit is skipped: the image still reads. */
    fp = fopen(path, "wb");
    fwrite(sig, 1, 8, fp);
    put_chunk(fp, "IHDR", ihdr, 13);
    put_chunk(fp, "tEXt", (const uint8_t *)"Comment\0hello", 13);
    static const uint8_t idat[] = { 0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81 };
    put_chunk(fp, "IDAT", idat, sizeof(idat));
    put_chunk(fp, "IEND", NULL, 0);
    fclose(fp);
    assert_int_equal(tc_png_read(path, &img, err, sizeof(err)), 0);
    assert_int_equal(img.width, 1);
    tc_image16_free(&img);
    unlink(path);
}

/* ---- temporary files a power cut left ---- */

/* A writer killed between creating its temporary file and the rename leaves
 * `.NAME.PID.N.tmp`; power_loss.py found dozens after its trials, whole
 * firmware packages among them. Those of dead writers go; a live writer's
 * and every other name stay. */
static void stale_temporaries_are_removed(void **st)
{
    (void)st;
    char dir[] = "/tmp/tc-stale-XXXXXX";
    assert_non_null(mkdtemp(dir));
    pid_t dead = fork(); /* a PID that is surely no process once reaped */
    assert_true(dead >= 0);
    if (dead == 0)
        _exit(0);
    assert_int_equal(waitpid(dead, NULL, 0), dead);
    char names[8][96];
    snprintf(names[0], sizeof(names[0]), ".firmware.slot-a.%ld.0.tmp", (long)dead);  /* goes */
    snprintf(names[1], sizeof(names[1]), "." SERIAL ".UserSet1.%ld.17.tmp", (long)dead); /* goes */
    snprintf(names[2], sizeof(names[2]), ".firmware.boot.%ld.3.tmp", (long)getpid());  /* live: stays */
    snprintf(names[3], sizeof(names[3]), "." SERIAL ".UserSet2");                      /* stays */
    snprintf(names[4], sizeof(names[4]), ".x.%ld.tmp", (long)dead);                    /* no N: stays */
    snprintf(names[5], sizeof(names[5]), "notes.%ld.1.tmp", (long)dead);               /* no dot: stays */
    /* a live PID that started after the file was written: the writer's
     * number reused by another process (it goes; power_loss.py's last
     * boot found one on a busy machine) */
    snprintf(names[6], sizeof(names[6]), "." SERIAL ".UserSet3.%ld.5.tmp", (long)getpid());
    /* a writer killed whose parent never reaps it: a zombie, no writer (it
     * goes; the CI container's PID 1 left power_loss.py's killed children
     * unreaped, and their files stayed) */
    pid_t zombie = fork();
    assert_true(zombie >= 0);
    if (zombie == 0)
        _exit(0);
    siginfo_t si;
    assert_int_equal(waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT), 0); /* dead, not reaped */
    snprintf(names[7], sizeof(names[7]), "." SERIAL ".UserSet2.%ld.9.tmp", (long)zombie);
    for (int i = 0; i < 8; i++) {
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        FILE *fp = fopen(p, "w");
        assert_non_null(fp);
        fputs("half written", fp);
        fclose(fp);
    }
    char old[1024];
    snprintf(old, sizeof(old), "%s/%s", dir, names[6]);
    struct timespec long_ago[2] = { { 1000000000, 0 }, { 1000000000, 0 } }; /* 2001 */
    assert_int_equal(utimensat(AT_FDCWD, old, long_ago, 0), 0);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(tc_file_remove_stale_temporaries(fd), 4);
    assert_int_equal(waitpid(zombie, NULL, 0), zombie);
    assert_int_equal(tc_file_remove_stale_temporaries(fd), 0);
    close(fd);
    for (int i = 0; i < 8; i++) {
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        assert_int_equal(access(p, F_OK) == 0, i >= 2 && i < 6);
    }
    assert_int_equal(count_entries(dir), 4);
    /* the boot loader's sweep, whoever the writer: the live one goes too */
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(tc_file_remove_temporaries(fd), 1);
    close(fd);
    assert_int_equal(count_entries(dir), 3);
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failed_save_leaves_memory_and_disk),
        cmocka_unit_test(save_follows_no_link),
        cmocka_unit_test(opens_with_hostile_state_files),
        cmocka_unit_test(oversized_set_file_is_not_read),
        cmocka_unit_test(scene_fifo_and_directory_refused),
        cmocka_unit_test(scene_over_memory_budget_refused),
        cmocka_unit_test(png_chunk_lengths_are_not_trusted),
        cmocka_unit_test(stale_temporaries_are_removed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
