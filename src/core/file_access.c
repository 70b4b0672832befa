/* SFNC File Access Control (file_access.h).
 *
 * Each file has its own open state, so a client may read DeviceLog while
 * an upload to DeviceFirmware is open. An open file holds its bytes here:
 * a snapshot taken at Open for reading (a user set's text, the log), or
 * the bytes written so far. Writes go in offset order (an offset at most
 * the bytes staged: rewriting the last chunk again is fine, a gap is not),
 * within the file's limit, so no request can make the camera allocate more
 * than that limit. Every request is checked against the open state, the
 * mode and the file's bounds, and a refused one changes nothing but the
 * status and reason a client reads afterwards. */
#include "core/file_access.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/user_set_file.h"
#include "util/log.h"

typedef struct tc_file {
    bool open;
    bool written;   /* a Write since Open: a ReadWrite user set is stored on Close */
    int mode;       /* FileOpenMode at Open */
    uint8_t *data;  /* the snapshot (Read) or the bytes staged (Write) */
    size_t len, cap;
} tc_file;

struct tc_files {
    uint8_t buffer[TC_FILE_BUFFER_LEN];
    tc_file file[TC_FILES];
    uint8_t status[TC_FILES][TC_FILE_OPS];
    int64_t result[TC_FILES][TC_FILE_OPS];
    char reason[TC_FILES][TC_FILE_OPS][TC_FILE_REASON_LEN];
    tc_firmware_sink sink;
    void *sink_ctx;
};

static const char *const file_names[TC_FILES] = {
    [TC_FILE_DEVICE_LOG] = "DeviceLog",
    [TC_FILE_DEVICE_FIRMWARE] = "DeviceFirmware",
};

static const char *name_of(unsigned file)
{
    return file < TC_FILE_DEVICE_LOG ? tc_user_set_name(file + 1) : file_names[file];
}

static bool is_user_set(unsigned file) { return file < TC_FILE_DEVICE_LOG; }

/* The largest a file may grow by Writes. */
static size_t limit_of(unsigned file)
{
    return file == TC_FILE_DEVICE_FIRMWARE ? TC_FIRMWARE_FILE_MAX : TC_USER_SET_FILE_MAX;
}

struct tc_files *tc_files_new(void) { return calloc(1, sizeof(struct tc_files)); }

static void drop(tc_file *fl)
{
    free(fl->data);
    *fl = (tc_file){ 0 };
}

void tc_files_free(struct tc_files *fs)
{
    if (!fs)
        return;
    for (unsigned i = 0; i < TC_FILES; i++)
        drop(&fs->file[i]);
    free(fs);
}

void tc_files_reset(struct tc_files *fs)
{
    for (unsigned i = 0; i < TC_FILES; i++)
        drop(&fs->file[i]);
    memset(fs->buffer, 0, sizeof(fs->buffer));
    memset(fs->status, 0, sizeof(fs->status));
    memset(fs->result, 0, sizeof(fs->result));
    memset(fs->reason, 0, sizeof(fs->reason));
}

void tc_files_set_firmware_sink(tc_device *d, tc_firmware_sink sink, void *ctx)
{
    d->files->sink = sink;
    d->files->sink_ctx = ctx;
}

/* ---- one operation's outcome ---- */

typedef struct op {
    struct tc_files *fs;
    unsigned file, code;
} op;

static int done(op *o, int64_t result)
{
    o->fs->status[o->file][o->code] = TC_FILE_SUCCESS;
    o->fs->result[o->file][o->code] = result;
    o->fs->reason[o->file][o->code][0] = 0;
    return 0;
}

/* The operation could not be done as asked: Failure, nothing moved. */
static int failed(op *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failed(op *o, const char *fmt, ...)
{
    o->fs->status[o->file][o->code] = TC_FILE_FAILURE;
    o->fs->result[o->file][o->code] = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->fs->reason[o->file][o->code], TC_FILE_REASON_LEN, fmt, ap);
    va_end(ap);
    return 0;
}

/* ---- the operations ---- */

static int file_open(tc_device *d, op *o, tc_file *fl, int mode)
{
    unsigned file = o->file;
    if (fl->open)
        return failed(o, "%s is open already: close it first", name_of(file));
    if (file == TC_FILE_DEVICE_LOG && mode != TC_FILE_MODE_READ)
        return failed(o, "DeviceLog is read-only: open it with FileOpenMode Read");
    if (file == TC_FILE_DEVICE_FIRMWARE && mode != TC_FILE_MODE_WRITE)
        return failed(o, "DeviceFirmware is write-only: open it with FileOpenMode Write");
    char *text = NULL;
    size_t len = 0;
    if (file == TC_FILE_DEVICE_LOG) {
        text = tc_log_recent(&len);
        if (!text)
            return failed(o, "no memory for the log");
    } else if (is_user_set(file) && mode != TC_FILE_MODE_WRITE) {
        text = tc_user_set_text(d, file + 1, &len);
        /* ReadWrite on a set never saved starts from nothing, as Write does */
        if (!text && (mode == TC_FILE_MODE_READ || d->user_sets[file + 1].valid))
            return failed(o, "%s", d->why);
    }
    *fl = (tc_file){ .open = true, .mode = mode, .data = (uint8_t *)text, .len = len, .cap = len };
    return done(o, 0);
}

static int file_read(struct tc_files *fs, op *o, tc_file *fl, int64_t offset, int64_t length)
{
    if (!fl->open)
        return failed(o, "%s is not open", name_of(o->file));
    if (fl->mode == TC_FILE_MODE_WRITE)
        return failed(o, "%s is open for Write, not Read", name_of(o->file));
    if ((uint64_t)offset > fl->len)
        return failed(o, "offset %lld is beyond the end of %s (%zu bytes)", (long long)offset,
                      name_of(o->file), fl->len);
    if ((uint64_t)offset == fl->len && length > 0)
        return failed(o, "end of file"); /* GenApi's adapter stops reading on this */
    size_t n = fl->len - (size_t)offset;
    if (n > (uint64_t)length)
        n = (size_t)length;
    if (n)
        memcpy(fs->buffer, fl->data + offset, n);
    return done(o, (int64_t)n);
}

static int file_write(struct tc_files *fs, op *o, tc_file *fl, int64_t offset, int64_t length)
{
    if (!fl->open)
        return failed(o, "%s is not open", name_of(o->file));
    if (fl->mode == TC_FILE_MODE_READ)
        return failed(o, "%s is open for Read, not Write", name_of(o->file));
    if ((uint64_t)offset > fl->len)
        return failed(o, "offset %lld leaves a gap after the %zu bytes written: write in offset order",
                      (long long)offset, fl->len);
    size_t end = (size_t)offset + (size_t)length, limit = limit_of(o->file);
    if (end > limit)
        return failed(o, "%s takes at most %zu bytes", name_of(o->file), limit);
    if (end > fl->cap) {
        size_t cap = fl->cap ? fl->cap : TC_FILE_BUFFER_LEN;
        while (cap < end)
            cap *= 2;
        if (cap > limit)
            cap = limit;
        uint8_t *p = realloc(fl->data, cap);
        if (!p)
            return failed(o, "no memory for %zu bytes of %s", cap, name_of(o->file));
        fl->data = p;
        fl->cap = cap;
    }
    if (length)
        memcpy(fl->data + offset, fs->buffer, (size_t)length);
    if (end > fl->len)
        fl->len = end;
    fl->written = true;
    return done(o, length);
}

/* A written user set is stored (checked, then all or nothing); a firmware
 * goes to the sink. Either way the file is closed and its bytes dropped. */
static int file_close(tc_device *d, op *o, tc_file *fl)
{
    struct tc_files *fs = o->fs;
    unsigned file = o->file;
    if (!fl->open)
        return failed(o, "%s is not open", name_of(file));
    tc_file f = *fl;
    *fl = (tc_file){ 0 };
    int rc = 0;
    if (is_user_set(file) && (f.mode == TC_FILE_MODE_WRITE || f.written)) {
        if (tc_user_set_store(d, file + 1, (const char *)f.data, f.len) != 0) {
            failed(o, "%s not stored: %s", name_of(file), d->why);
            tc_log("core", "file access: %s", fs->reason[file][TC_FILE_CLOSE]);
            rc = -1;
        } else {
            tc_log("core", "file access: %s written (%zu bytes)", name_of(file), f.len);
        }
    } else if (file == TC_FILE_DEVICE_FIRMWARE) {
        char why[TC_FILE_REASON_LEN] = "";
        if (f.len == 0)
            snprintf(why, sizeof(why), "no bytes were written");
        else if (!fs->sink)
            snprintf(why, sizeof(why), "this camera has no firmware installer; upload discarded");
        else if (fs->sink(fs->sink_ctx, f.data, f.len, why, sizeof(why)) == 0)
            why[0] = 0;
        else if (!why[0])
            snprintf(why, sizeof(why), "firmware refused");
        why[sizeof(why) - 1] = 0;
        if (why[0]) {
            failed(o, "DeviceFirmware (%zu bytes) not installed: %s", f.len, why);
            rc = -1;
        }
        tc_log("core", "file access: DeviceFirmware, %zu bytes: %s", f.len,
               why[0] ? fs->reason[file][TC_FILE_CLOSE] : "installed");
    }
    free(f.data);
    return rc == 0 ? done(o, 0) : 0;
}

static int file_delete(tc_device *d, op *o, tc_file *fl)
{
    if (!is_user_set(o->file))
        return failed(o, "%s cannot be deleted", name_of(o->file));
    if (fl->open)
        return failed(o, "%s is open: close it first", name_of(o->file));
    if (tc_user_set_delete(d, o->file + 1) != 0)
        return failed(o, "%s", d->why);
    tc_log("core", "file access: %s deleted", name_of(o->file));
    return done(o, 0);
}

/* Runs as its own write (a command is written alone) and always completes:
 * the outcome is FileOperationStatus, so nothing here is rolled back. */
int tc_cmd_file_operation_execute(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    struct tc_files *fs = d->files;
    op o = { fs, (unsigned)tc_device_int(d, "FileSelector"),
             (unsigned)tc_device_int(d, "FileOperationSelector") };
    if (o.file >= TC_FILES || o.code >= TC_FILE_OPS) /* the table's entries are these */
        return tc_device_refuse(d, TC_ERANGE, "no such file or operation");
    tc_file *fl = &fs->file[o.file];
    int64_t offset = tc_device_int(d, "FileAccessOffset");
    int64_t length = tc_device_int(d, "FileAccessLength");
    switch (o.code) {
    case TC_FILE_OPEN: return file_open(d, &o, fl, (int)tc_device_int(d, "FileOpenMode"));
    case TC_FILE_CLOSE: return file_close(d, &o, fl);
    case TC_FILE_READ: return file_read(fs, &o, fl, offset, length);
    case TC_FILE_WRITE: return file_write(fs, &o, fl, offset, length);
    default: return file_delete(d, &o, fl);
    }
}

/* ---- reads ---- */

static void selected(tc_device *d, unsigned *file, unsigned *code)
{
    *file = (unsigned)tc_device_int(d, "FileSelector");
    *code = (unsigned)tc_device_int(d, "FileOperationSelector");
    if (*file >= TC_FILES)
        *file = 0;
    if (*code >= TC_FILE_OPS)
        *code = 0;
}

int tc_get_file_operation_status(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    unsigned file, code;
    selected(d, &file, &code);
    v->i = d->files->status[file][code];
    return 0;
}

int tc_get_file_operation_result(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    unsigned file, code;
    selected(d, &file, &code);
    v->i = d->files->result[file][code];
    return 0;
}

int tc_get_file_operation_reason(tc_device *d, const tc_feature *f, char *buf, size_t len)
{
    (void)f;
    unsigned file, code;
    selected(d, &file, &code);
    snprintf(buf, len, "%s", d->files->reason[file][code]);
    return 0;
}

/* An open file's size is its snapshot or what was written so far; a closed
 * one's what opening it for reading would give now. */
int tc_get_file_size(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    unsigned file, code;
    selected(d, &file, &code);
    tc_file *fl = &d->files->file[file];
    size_t len = 0;
    if (fl->open) {
        len = fl->len;
    } else if (file == TC_FILE_DEVICE_LOG) {
        free(tc_log_recent(&len));
    } else if (is_user_set(file) && d->user_sets[file + 1].valid) {
        char why[sizeof(d->why)];
        memcpy(why, d->why, sizeof(why)); /* a read gives no reason */
        free(tc_user_set_text(d, file + 1, &len));
        memcpy(d->why, why, sizeof(why));
    }
    v->i = (int64_t)len;
    return 0;
}

uint8_t *tc_file_access_buffer(tc_device *d, const tc_feature *f)
{
    (void)f;
    return d->files->buffer;
}
