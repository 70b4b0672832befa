/* SFNC File Access Control in the device core (issue 9), driven the way
 * GenApi's FileProtocolAdapter drives it: FileSelector and
 * FileOperationSelector, FileAccessOffset and FileAccessLength, the
 * FileAccessBuffer register, FileOperationExecute, then FileOperationStatus
 * and FileOperationResult.
 * - a user set reads as its state file, byte for byte; a set written and
 *   closed is stored as UserSetSave stores one, and UserSetLoad loads it;
 *   a malformed one is refused with Failure and the old set stays;
 * - every request is bounded: operations on a file not open, in the wrong
 *   mode, at a gap or past the end, or beyond a file's limit fail and move
 *   nothing; feature bounds refuse offsets and lengths out of range;
 * - DeviceLog reads the recent log lines;
 * - DeviceFirmware hands exactly the bytes written to the firmware sink,
 *   and without a sink Close fails with a reason a client reads. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/device_port.h"
#include "core/feature.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/log.h"

#define SERIAL "TCFA1"
#define BUF_LEN 4096

static uint32_t buffer_address(void) { return tc_feature_find("FileAccessBuffer")->address; }

static tc_camera *open_dir(const char *dir)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.serial = SERIAL;
    o.state_dir = dir;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    return cam;
}

static int64_t geti(tc_camera *cam, const char *name)
{
    int64_t v = -12345;
    assert_int_equal(tc_get_int(cam, name, &v), 0);
    return v;
}

static void sets(tc_camera *cam, const char *name, const char *value)
{
    if (tc_set_string(cam, name, value) != 0)
        fail_msg("%s = %s: %s", name, value, tc_camera_last_error(cam));
}

/* One operation; returns 1 for Success, 0 for Failure. The reason of a
 * failure in `why` (if given). */
static int exec_op(tc_camera *cam, const char *file, const char *op, char *why, size_t cap)
{
    sets(cam, "FileSelector", file);
    sets(cam, "FileOperationSelector", op);
    assert_int_equal(tc_execute(cam, "FileOperationExecute"), 0);
    char st[32], reason[160];
    assert_int_equal(tc_get_string(cam, "FileOperationStatus", st, sizeof(st)), 0);
    assert_int_equal(tc_get_string(cam, "TwinFileOperationReason", reason, sizeof(reason)), 0);
    if (why)
        snprintf(why, cap, "%s", reason);
    if (!strcmp(st, "Success")) {
        assert_string_equal(reason, "");
        return 1;
    }
    assert_string_equal(st, "Failure");
    assert_true(reason[0] != 0); /* a failure always says why */
    return 0;
}

static int open_file(tc_camera *cam, const char *file, const char *mode, char *why, size_t cap)
{
    sets(cam, "FileSelector", file);
    sets(cam, "FileOpenMode", mode);
    return exec_op(cam, file, "Open", why, cap);
}

/* One Write operation of n <= BUF_LEN bytes at offset; returns the status
 * (1 Success) and checks FileOperationResult. */
static int write_at(tc_camera *cam, const char *file, int64_t offset, const void *data, size_t n,
                    char *why, size_t cap)
{
    sets(cam, "FileSelector", file);
    sets(cam, "FileOperationSelector", "Write");
    assert_int_equal(tc_set_int(cam, "FileAccessOffset", offset), 0);
    assert_int_equal(tc_set_int(cam, "FileAccessLength", (int64_t)n), 0);
    if (n)
        assert_int_equal(tc_register_write(cam, buffer_address(), data, n, 1), 0);
    int ok = exec_op(cam, file, "Write", why, cap);
    assert_int_equal(geti(cam, "FileOperationResult"), ok ? (int64_t)n : 0);
    return ok;
}

/* Write all of data as GenApi's adapter does (buffer-sized chunks in order). */
static void write_all(tc_camera *cam, const char *file, const void *data, size_t len)
{
    char why[160];
    for (size_t at = 0; at < len; at += BUF_LEN) {
        size_t n = len - at < BUF_LEN ? len - at : BUF_LEN;
        if (!write_at(cam, file, (int64_t)at, (const uint8_t *)data + at, n, why, sizeof(why)))
            fail_msg("write of %s at %zu: %s", file, at, why);
    }
}

/* Read the whole open file as GenApi's adapter does: buffer-sized reads
 * until one fails (the end of the file). Returns a malloc'd copy, NUL-ended. */
static char *read_all(tc_camera *cam, const char *file, size_t *len)
{
    size_t cap = 1 << 20, at = 0;
    char *out = malloc(cap + 1);
    assert_non_null(out);
    sets(cam, "FileSelector", file);
    sets(cam, "FileOperationSelector", "Read");
    for (;;) {
        assert_int_equal(tc_set_int(cam, "FileAccessOffset", (int64_t)at), 0);
        assert_int_equal(tc_set_int(cam, "FileAccessLength", BUF_LEN), 0);
        char why[160];
        int ok = exec_op(cam, file, "Read", why, sizeof(why));
        int64_t got = geti(cam, "FileOperationResult");
        if (!ok) {
            assert_int_equal(got, 0);
            assert_string_equal(why, "end of file");
            break;
        }
        assert_true(got > 0 && got <= BUF_LEN && at + (size_t)got <= cap);
        assert_int_equal(tc_register_read(cam, buffer_address(), (uint8_t *)out + at, (size_t)got, 1), 0);
        at += (size_t)got;
    }
    out[at] = 0;
    *len = at;
    return out;
}

static char *make_dir(void)
{
    char tmpl[] = "/tmp/tc_file_access_XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void remove_dir(char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = calloc(1, 1 << 17);
    size_t n = fread(buf, 1, (1 << 17) - 1, fp);
    fclose(fp);
    if (len)
        *len = n;
    return buf;
}

static void state_path(char *out, size_t cap, const char *dir, const char *what)
{
    snprintf(out, cap, "%s/" SERIAL ".%s", dir, what);
}

/* ---------------- user sets ---------------- */

static void user_set_reads_as_its_state_file(void **state)
{
    (void)state;
    char *dir = make_dir();
    tc_camera *cam = open_dir(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 4321.5), 0);
    sets(cam, "UserSetSelector", "UserSet1");
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);

    sets(cam, "FileSelector", "UserSet1");
    size_t file_len;
    char path[512];
    state_path(path, sizeof(path), dir, "UserSet1");
    char *on_disk = slurp(path, &file_len);
    assert_non_null(on_disk);
    assert_int_equal(geti(cam, "FileSize"), (int64_t)file_len); /* closed: its contents now */

    assert_true(open_file(cam, "UserSet1", "Read", NULL, 0));
    assert_int_equal(geti(cam, "FileSize"), (int64_t)file_len);
    size_t len;
    char *text = read_all(cam, "UserSet1", &len);
    assert_int_equal(len, file_len);
    assert_memory_equal(text, on_disk, len);
    assert_non_null(strstr(text, "Width[0]=1200\n"));
    assert_true(exec_op(cam, "UserSet1", "Close", NULL, 0));

    /* a set never saved cannot be opened for reading */
    char why[160];
    assert_false(open_file(cam, "UserSet2", "Read", why, sizeof(why)));
    assert_non_null(strstr(why, "never saved"));
    free(text);
    free(on_disk);
    tc_camera_close(cam);
    remove_dir(dir);
}

static void user_set_written_is_stored_and_loads(void **state)
{
    (void)state;
    char *dir = make_dir();
    tc_camera *cam = open_dir(dir);
    const char *text = "# written by a client\n"
                       "Width[0]=2400\n"
                       "Height[0]=1600\r\n" /* CRLF is fine */
                       "OffsetX[0]=100\n"
                       "ExposureTime[0]=5000\n"
                       "PixelFormat[0]=17432662\n" /* BayerGR10p */
                       "\n"
                       "DeviceLinkThroughputLimit[0]=300000000\n";
    assert_true(open_file(cam, "UserSet2", "Write", NULL, 0));
    write_all(cam, "UserSet2", text, strlen(text));
    assert_int_equal(geti(cam, "FileSize"), (int64_t)strlen(text)); /* staged so far */
    char why[160];
    if (!exec_op(cam, "UserSet2", "Close", why, sizeof(why)))
        fail_msg("close: %s", why);

    /* stored in the camera's own format, every value of the set in it */
    char path[512];
    state_path(path, sizeof(path), dir, "UserSet2");
    size_t file_len;
    char *on_disk = slurp(path, &file_len);
    assert_non_null(on_disk);
    assert_non_null(strstr(on_disk, "# twincam user set\n"));
    assert_non_null(strstr(on_disk, "Width[0]=2400\n"));
    assert_non_null(strstr(on_disk, "OffsetX[0]=100\n"));
    assert_non_null(strstr(on_disk, "TriggerMode[0]=0\n")); /* left out: the factory's */

    /* UserSetLoad loads it */
    assert_int_equal(geti(cam, "Width"), 4056);
    sets(cam, "UserSetSelector", "UserSet2");
    if (tc_execute(cam, "UserSetLoad") != 0)
        fail_msg("load: %s", tc_camera_last_error(cam));
    assert_int_equal(geti(cam, "Width"), 2400);
    assert_int_equal(geti(cam, "Height"), 1600);
    assert_int_equal(geti(cam, "OffsetX"), 100);
    assert_int_equal(geti(cam, "PixelFormat"), 17432662);
    assert_int_equal(geti(cam, "DeviceLinkThroughputLimit"), 300000000);

    /* and it survives a restart (read back from the state directory) */
    free(on_disk);
    tc_camera_close(cam);
    cam = open_dir(dir);
    sets(cam, "UserSetSelector", "UserSet2");
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 2400);
    tc_camera_close(cam);
    remove_dir(dir);
}

static void malformed_user_set_is_refused_and_the_old_one_stays(void **state)
{
    (void)state;
    char *dir = make_dir();
    tc_camera *cam = open_dir(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    sets(cam, "UserSetSelector", "UserSet1");
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);
    char path[512];
    state_path(path, sizeof(path), dir, "UserSet1");
    size_t before_len;
    char *before = slurp(path, &before_len);
    assert_non_null(before);

    static const struct { const char *text; size_t len; const char *says; } bad[] = {
        { "Width[0]=abc\n", 0, "line 1" },
        { "Width[0]=1200\nNoSuchFeature[0]=1\n", 0, "line 2" },
        { "Width[0]=5000\n", 0, "outside" },
        { "Width[0]=1201\n", 0, "multiple" },
        { "Width[3]=1200\n", 0, "index" },
        { "PayloadSize[0]=5\n", 0, "user sets hold" }, /* not a persistent feature */
        { "PixelFormat[0]=7\n", 0, "no entry" },
        { "ReverseX[0]=2\n", 0, "0 or 1" },
        { "ExposureTime[0]=nan\n", 0, "not a number" },
        { "Width 1200\n", 0, "Feature[index]=value" },
        { "Width[0]=1200\0\n", 15, "NUL" },
        { "# only a comment\n", 0, "no values" },
        { "", 0, "no values" },
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        size_t len = bad[k].len ? bad[k].len : strlen(bad[k].text);
        assert_true(open_file(cam, "UserSet1", "Write", NULL, 0));
        if (len)
            write_all(cam, "UserSet1", bad[k].text, len);
        char why[160];
        assert_false(exec_op(cam, "UserSet1", "Close", why, sizeof(why)));
        if (!strstr(why, bad[k].says))
            fail_msg("case %zu: reason '%s' lacks '%s'", k, why, bad[k].says);
        /* the file is closed all the same, and the old set is intact */
        assert_false(exec_op(cam, "UserSet1", "Close", NULL, 0));
        size_t after_len;
        char *after = slurp(path, &after_len);
        assert_int_equal(after_len, before_len);
        assert_memory_equal(after, before, before_len);
        free(after);
    }
    /* more than a user set may hold: refused at the Write that crosses 64 KiB */
    assert_true(open_file(cam, "UserSet1", "Write", NULL, 0));
    uint8_t chunk[BUF_LEN];
    memset(chunk, '#', sizeof(chunk));
    int64_t at = 0;
    char why[160];
    while (write_at(cam, "UserSet1", at, chunk, sizeof(chunk), why, sizeof(why)))
        at += BUF_LEN;
    assert_int_equal(at, 64 * 1024);
    assert_non_null(strstr(why, "at most 65536 bytes"));
    assert_int_equal(geti(cam, "FileSize"), 64 * 1024);
    assert_false(exec_op(cam, "UserSet1", "Close", NULL, 0));

    sets(cam, "UserSetSelector", "UserSet1");
    assert_int_equal(tc_set_int(cam, "Width", 4056), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 1200);
    free(before);
    tc_camera_close(cam);
    remove_dir(dir);
}

static void read_write_mode_edits_a_set_in_place(void **state)
{
    (void)state;
    tc_camera *cam = open_dir(NULL); /* no state directory: sets live in memory */
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    sets(cam, "UserSetSelector", "UserSet1");
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);

    assert_true(open_file(cam, "UserSet1", "ReadWrite", NULL, 0));
    size_t len;
    char *text = read_all(cam, "UserSet1", &len);
    char *w = strstr(text, "Width[0]=1200\n");
    assert_non_null(w);
    memcpy(w, "Width[0]=2400\n", 14); /* same length: overwrite in place */
    size_t at = (size_t)(w - text) / BUF_LEN * BUF_LEN;
    size_t n = len - at < BUF_LEN ? len - at : BUF_LEN;
    assert_true(write_at(cam, "UserSet1", (int64_t)at, text + at, n, NULL, 0));
    assert_true(exec_op(cam, "UserSet1", "Close", NULL, 0));
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 2400);
    free(text);
    tc_camera_close(cam);
}

static void delete_forgets_a_set(void **state)
{
    (void)state;
    char *dir = make_dir();
    tc_camera *cam = open_dir(dir);
    sets(cam, "UserSetSelector", "UserSet2");
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);
    char path[512];
    state_path(path, sizeof(path), dir, "UserSet2");
    assert_int_equal(access(path, F_OK), 0);
    char why[160];

    /* not while it is the power-up set, not while open, never Default's files */
    sets(cam, "UserSetDefault", "UserSet2");
    assert_false(exec_op(cam, "UserSet2", "Delete", why, sizeof(why)));
    assert_non_null(strstr(why, "UserSetDefault"));
    sets(cam, "UserSetDefault", "Default");
    assert_true(open_file(cam, "UserSet2", "Read", NULL, 0));
    assert_false(exec_op(cam, "UserSet2", "Delete", why, sizeof(why)));
    assert_non_null(strstr(why, "close it first"));
    assert_true(exec_op(cam, "UserSet2", "Close", NULL, 0));
    assert_false(exec_op(cam, "DeviceLog", "Delete", NULL, 0));
    assert_false(exec_op(cam, "DeviceFirmware", "Delete", NULL, 0));

    assert_true(exec_op(cam, "UserSet2", "Delete", NULL, 0));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_EBUSY); /* never saved now */
    sets(cam, "FileSelector", "UserSet2");
    assert_int_equal(geti(cam, "FileSize"), 0);
    tc_camera_close(cam);
    remove_dir(dir);
}

/* ---------------- bounds and states ---------------- */

static void operations_need_an_open_file_in_the_right_mode(void **state)
{
    (void)state;
    tc_camera *cam = open_dir(NULL);
    char why[160];
    static const char *const files[] = { "UserSet1", "UserSet2", "DeviceLog", "DeviceFirmware" };
    for (size_t k = 0; k < 4; k++) {
        assert_false(exec_op(cam, files[k], "Read", why, sizeof(why)));
        assert_non_null(strstr(why, "not open"));
        assert_false(exec_op(cam, files[k], "Write", why, sizeof(why)));
        assert_non_null(strstr(why, "not open"));
        assert_false(exec_op(cam, files[k], "Close", why, sizeof(why)));
        assert_non_null(strstr(why, "not open"));
    }
    /* DeviceLog is read-only, DeviceFirmware write-only */
    assert_false(open_file(cam, "DeviceLog", "Write", why, sizeof(why)));
    assert_non_null(strstr(why, "read-only"));
    assert_false(open_file(cam, "DeviceLog", "ReadWrite", NULL, 0));
    assert_false(open_file(cam, "DeviceFirmware", "Read", why, sizeof(why)));
    assert_non_null(strstr(why, "write-only"));

    /* read from a file open for Write, write to one open for Read */
    assert_true(open_file(cam, "DeviceFirmware", "Write", NULL, 0));
    assert_false(exec_op(cam, "DeviceFirmware", "Read", why, sizeof(why)));
    assert_non_null(strstr(why, "open for Write"));
    assert_true(open_file(cam, "DeviceLog", "Read", NULL, 0)); /* several files open at once */
    uint8_t b[16] = { 0 };
    assert_false(write_at(cam, "DeviceLog", 0, b, sizeof(b), why, sizeof(why)));
    assert_non_null(strstr(why, "open for Read"));
    /* a second Open of an open file fails and leaves it open */
    assert_false(open_file(cam, "DeviceLog", "Read", why, sizeof(why)));
    assert_non_null(strstr(why, "open already"));
    assert_true(exec_op(cam, "DeviceLog", "Close", NULL, 0));

    /* status, result and reason are per file and operation */
    assert_false(exec_op(cam, "DeviceFirmware", "Read", NULL, 0));
    sets(cam, "FileOperationSelector", "Open");
    char st[32];
    assert_int_equal(tc_get_string(cam, "FileOperationStatus", st, sizeof(st)), 0);
    assert_string_equal(st, "Success");
    tc_camera_close(cam);
}

static void offsets_and_lengths_are_bounded(void **state)
{
    (void)state;
    tc_camera *cam = open_dir(NULL);
    char why[160];
    /* the features' own bounds */
    assert_int_equal(tc_set_int(cam, "FileAccessLength", BUF_LEN + 1), TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "FileAccessLength", -1), TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "FileAccessOffset", 64 * 1024 * 1024 + 4096 + 1), TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "FileAccessOffset", -4), TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "FileSize", 3), TC_EACCESS);
    assert_int_equal(tc_set_int(cam, "FileOperationResult", 3), TC_EACCESS);

    /* writes in offset order: a gap fails, rewriting the last chunk is fine */
    uint8_t a[100], b[100];
    memset(a, 'a', sizeof(a));
    memset(b, 'b', sizeof(b));
    assert_true(open_file(cam, "UserSet1", "Write", NULL, 0));
    assert_false(write_at(cam, "UserSet1", 1, a, sizeof(a), why, sizeof(why)));
    assert_non_null(strstr(why, "gap"));
    assert_true(write_at(cam, "UserSet1", 0, a, sizeof(a), NULL, 0));
    assert_true(write_at(cam, "UserSet1", 0, b, sizeof(b), NULL, 0));
    assert_true(write_at(cam, "UserSet1", 50, a, sizeof(a), NULL, 0));
    assert_int_equal(geti(cam, "FileSize"), 150);
    assert_false(write_at(cam, "UserSet1", 151, a, sizeof(a), why, sizeof(why)));
    assert_int_equal(geti(cam, "FileSize"), 150);
    assert_true(write_at(cam, "UserSet1", 150, a, 0, NULL, 0)); /* nothing, at the end */
    assert_false(exec_op(cam, "UserSet1", "Close", NULL, 0));  /* "bbb..." is no user set */

    /* reads: past the end fails, at the end is the end of the file, short
     * reads give what there is */
    sets(cam, "UserSetSelector", "UserSet1");
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);
    assert_true(open_file(cam, "UserSet1", "Read", NULL, 0));
    int64_t size = geti(cam, "FileSize");
    sets(cam, "FileOperationSelector", "Read");
    assert_int_equal(tc_set_int(cam, "FileAccessOffset", size + 1), 0);
    assert_int_equal(tc_set_int(cam, "FileAccessLength", 10), 0);
    assert_false(exec_op(cam, "UserSet1", "Read", why, sizeof(why)));
    assert_non_null(strstr(why, "beyond the end"));
    assert_int_equal(tc_set_int(cam, "FileAccessOffset", size), 0);
    assert_false(exec_op(cam, "UserSet1", "Read", why, sizeof(why)));
    assert_string_equal(why, "end of file");
    assert_int_equal(geti(cam, "FileOperationResult"), 0);
    assert_int_equal(tc_set_int(cam, "FileAccessOffset", size - 3), 0);
    assert_true(exec_op(cam, "UserSet1", "Read", NULL, 0));
    assert_int_equal(geti(cam, "FileOperationResult"), 3);
    uint8_t tail[3];
    assert_int_equal(tc_register_read(cam, buffer_address(), tail, 3, 0), 0);
    assert_int_equal(tail[2], '\n');
    assert_true(exec_op(cam, "UserSet1", "Close", NULL, 0));
    tc_camera_close(cam);
}

static void the_buffer_is_a_register_of_bytes(void **state)
{
    (void)state;
    tc_camera *cam = open_dir(NULL);
    uint32_t base = buffer_address();
    uint8_t in[BUF_LEN], out[BUF_LEN];
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 7 + 3);
    /* written in 512-byte pieces at any offset (as Aravis's WRITEMEMs do);
     * byte order does not apply to bytes */
    for (uint32_t at = 0; at < BUF_LEN; at += 512)
        assert_int_equal(tc_register_write(cam, base + at, in + at, 512, at & 1024 ? 1 : 0), 0);
    assert_int_equal(tc_register_read(cam, base, out, sizeof(out), 0), 0);
    assert_memory_equal(in, out, sizeof(in));
    assert_int_equal(tc_register_read(cam, base + 1001, out, 7, 1), 0);
    assert_memory_equal(in + 1001, out, 7);
    /* never beyond its end, never in a span with other registers */
    assert_int_equal(tc_register_write(cam, base + BUF_LEN - 4, in, 8, 1), TC_EADDRESS);
    const tc_feature *fs = tc_feature_find("FileSize");
    uint8_t span[BUF_LEN + 64] = { 0 };
    assert_int_equal(tc_register_write(cam, fs->address, span, base - fs->address + 8, 1), TC_EADDRESS);
    assert_int_equal(tc_register_read(cam, base, out, 8, 1), 0);
    assert_memory_equal(in, out, 8); /* unchanged */
    /* the text API says what it is */
    assert_int_equal(tc_set_from_text(cam, "FileAccessBuffer", "00"), TC_ETYPE);
    int64_t v;
    assert_int_equal(tc_get_int(cam, "FileAccessBuffer", &v), TC_ETYPE);
    /* DeviceReset zeroes it */
    assert_int_equal(tc_execute(cam, "DeviceReset"), 0);
    assert_int_equal(tc_register_read(cam, base, out, sizeof(out), 1), 0);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0);
    tc_camera_close(cam);
}

/* ---------------- DeviceLog ---------------- */

static void device_log_reads_the_recent_lines(void **state)
{
    (void)state;
    tc_camera *cam = open_dir(NULL);
    char marker[64];
    snprintf(marker, sizeof(marker), "file-access marker %ld", (long)getpid());
    tc_log("test", "%s", marker);
    assert_true(open_file(cam, "DeviceLog", "Read", NULL, 0));
    tc_log("test", "after the open"); /* not in the snapshot */
    int64_t size = geti(cam, "FileSize");
    size_t len;
    char *text = read_all(cam, "DeviceLog", &len);
    assert_int_equal(len, (size_t)size);
    char *line = strstr(text, marker);
    assert_non_null(line);
    /* the line as on stderr: "HH:MM:SS.mmm twincam test: marker\n" */
    assert_true(line - text >= 27);
    assert_memory_equal(line - 15, " twincam test: ", 15);
    assert_int_equal(line[strlen(marker)], '\n');
    assert_null(strstr(text, "after the open"));
    assert_int_equal(text[len - 1], '\n');
    free(text);
    assert_true(exec_op(cam, "DeviceLog", "Close", NULL, 0));

    /* bounded: a flood keeps only the last lines */
    for (int i = 0; i < TC_LOG_RECENT_LINES + 50; i++)
        tc_log("test", "flood %d", i);
    assert_true(open_file(cam, "DeviceLog", "Read", NULL, 0));
    text = read_all(cam, "DeviceLog", &len);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, TC_LOG_RECENT_LINES);
    assert_null(strstr(text, marker));
    assert_null(strstr(text, "flood 49\n"));
    assert_non_null(strstr(text, "flood 50\n"));
    char last[32];
    snprintf(last, sizeof(last), "flood %d\n", TC_LOG_RECENT_LINES + 49);
    assert_non_null(strstr(text, last));
    free(text);
    assert_true(exec_op(cam, "DeviceLog", "Close", NULL, 0));
    tc_camera_close(cam);
}

/* ---------------- DeviceFirmware ---------------- */

typedef struct sink_log {
    unsigned calls;
    uint8_t *data;
    size_t len;
    int refuse;
} sink_log;

static int test_sink(void *ctx, const uint8_t *data, size_t len, char *reason, size_t reason_len)
{
    sink_log *s = ctx;
    s->calls++;
    free(s->data);
    s->data = malloc(len ? len : 1);
    memcpy(s->data, data, len);
    s->len = len;
    if (s->refuse) {
        snprintf(reason, reason_len, "test refusal: signature does not verify");
        return -1;
    }
    return 0;
}

static void firmware_upload_reaches_the_sink_byte_for_byte(void **state)
{
    (void)state;
    tc_camera *cam = open_dir(NULL);
    sink_log s = { 0 };
    tc_port_set_firmware_sink(tc_camera_device(cam), test_sink, &s);
    size_t len = (1u << 20) + 123;
    uint8_t *fw = malloc(len);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++)
        fw[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);

    assert_true(open_file(cam, "DeviceFirmware", "Write", NULL, 0));
    write_all(cam, "DeviceFirmware", fw, len);
    /* a chunk sent again (its ack was lost) changes nothing */
    size_t last = (len - 1) / BUF_LEN * BUF_LEN;
    assert_true(write_at(cam, "DeviceFirmware", (int64_t)last, fw + last, len - last, NULL, 0));
    sets(cam, "FileSelector", "DeviceFirmware");
    assert_int_equal(geti(cam, "FileSize"), (int64_t)len);
    assert_int_equal(s.calls, 0); /* nothing installs before Close */
    assert_true(exec_op(cam, "DeviceFirmware", "Close", NULL, 0));
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.len, len);
    assert_memory_equal(s.data, fw, len);
    assert_int_equal(geti(cam, "FileSize"), 0);

    /* a refusing sink: Failure, with its reason */
    s.refuse = 1;
    assert_true(open_file(cam, "DeviceFirmware", "Write", NULL, 0));
    write_all(cam, "DeviceFirmware", fw, 5000);
    char why[160];
    assert_false(exec_op(cam, "DeviceFirmware", "Close", why, sizeof(why)));
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.len, 5000);
    assert_non_null(strstr(why, "test refusal: signature does not verify"));
    assert_non_null(strstr(why, "5000 bytes"));

    /* nothing written: refused before the sink */
    assert_true(open_file(cam, "DeviceFirmware", "Write", NULL, 0));
    assert_false(exec_op(cam, "DeviceFirmware", "Close", why, sizeof(why)));
    assert_non_null(strstr(why, "no bytes"));
    assert_int_equal(s.calls, 2);

    /* DeviceReset drops an upload in progress */
    s.refuse = 0;
    assert_true(open_file(cam, "DeviceFirmware", "Write", NULL, 0));
    write_all(cam, "DeviceFirmware", fw, 9000);
    assert_int_equal(tc_execute(cam, "DeviceReset"), 0);
    sets(cam, "FileSelector", "DeviceFirmware");
    assert_int_equal(geti(cam, "FileSize"), 0);
    assert_false(exec_op(cam, "DeviceFirmware", "Close", why, sizeof(why)));
    assert_non_null(strstr(why, "not open"));
    assert_int_equal(s.calls, 2);

    /* no sink: Close fails saying so */
    tc_port_set_firmware_sink(tc_camera_device(cam), NULL, NULL);
    assert_true(open_file(cam, "DeviceFirmware", "Write", NULL, 0));
    write_all(cam, "DeviceFirmware", fw, 4096);
    assert_false(exec_op(cam, "DeviceFirmware", "Close", why, sizeof(why)));
    assert_non_null(strstr(why, "no firmware installer"));
    assert_int_equal(s.calls, 2);
    free(fw);
    free(s.data);
    tc_camera_close(cam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_set_reads_as_its_state_file),
        cmocka_unit_test(user_set_written_is_stored_and_loads),
        cmocka_unit_test(malformed_user_set_is_refused_and_the_old_one_stays),
        cmocka_unit_test(read_write_mode_edits_a_set_in_place),
        cmocka_unit_test(delete_forgets_a_set),
        cmocka_unit_test(operations_need_an_open_file_in_the_right_mode),
        cmocka_unit_test(offsets_and_lengths_are_bounded),
        cmocka_unit_test(the_buffer_is_a_register_of_bytes),
        cmocka_unit_test(device_log_reads_the_recent_lines),
        cmocka_unit_test(firmware_upload_reaches_the_sink_byte_for_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
