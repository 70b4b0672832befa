/* twincam: the in-process C library of the camera twin.
 *
 * Open a camera, read and write any GenICam feature by its SFNC name, start
 * and stop acquisition, trigger it, and wait for frames. This is the same
 * device core the GigE Vision and USB3 Vision ports serve, so a feature value
 * set here behaves exactly as one written by Aravis over the wire. The
 * features, their types, ranges and meaning: docs/features.md (or
 * `twincam features`).
 *
 * Build: `cc app.c $(pkg-config --cflags --libs twincam)`; the library is
 * libtwincam.so.0. TWINCAM_VERSION_* and TWINCAM_CHECK_VERSION (version.h,
 * included here) give the headers' version, tc_version() the library's.
 *
 * Errors: functions returning int give 0 (TC_OK) on success or a negative
 * TC_E* code. The reason, as text for people, is in
 * tc_camera_last_error(cam): the calling thread's last failure on that
 * camera. A refused write changes nothing.
 *
 * Threads: one camera may be used from several threads at once; calls are
 * serialised inside (each takes the camera's lock), except that
 * tc_camera_close must be the last call on a camera, made when no other
 * thread is still in a call on it. Frames are produced by the camera's own
 * acquisition thread; line callbacks run on a camera thread. Different
 * cameras are independent.
 *
 * Ownership: strings passed in are copied before the call returns; strings
 * and frames handed out say how long they stay valid. Every function taking
 * a camera accepts NULL and then does nothing (returning TC_EINVAL, 0 or NULL
 * as its return type allows) rather than crash. */
#ifndef TWINCAM_H
#define TWINCAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <twincam/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions libtwincam.so exports. The library is built with
 * hidden visibility and src/libtwincam.map, so everything else in it stays
 * internal; tests/api/check_exports.sh fails the build's tests if the
 * exported set and the TC_API declarations here ever differ. */
#ifndef TC_API
#if defined(__GNUC__) || defined(__clang__)
#define TC_API __attribute__((visibility("default")))
#else
#define TC_API
#endif
#endif

/* (The twin's own sources may have these from the device core's
 * src/core/errors.h already: same names, same values.) */
#ifndef TC_CORE_SHORT_NAMES
enum {
    TC_OK = 0,
    TC_ENOFEATURE = -1,  /* no feature of that name */
    TC_ETYPE = -2,       /* the feature has another type */
    TC_ERANGE = -3,      /* value out of range, off the increment, or breaks an AOI rule */
    TC_EACCESS = -4,     /* read-only, write-only, or locked (a feature that sizes the
                            payload while TLParamsLocked is 1 or acquisition runs) */
    TC_EBUSY = -5,       /* not possible in the current state (e.g. TriggerSoftware
                            while stopped, UserSetLoad while acquiring) */
    TC_ETIMEOUT = -6,    /* no frame within the timeout */
    TC_ENOMEM = -7,
    TC_EINVAL = -8,      /* bad argument (NULL, unknown enum entry, bad text) */
    TC_EIO = -9,         /* file error (scene, user set) */
    TC_EADDRESS = -10,   /* register access outside the register map */
};
#endif

/* An open camera: one twin with its own features, clock and frames. Opaque. */
typedef struct tc_camera tc_camera;

/* Options of tc_camera_open. Always fill them with tc_options_init first
 * (it zeroes every byte, padding too, and sets struct_size), then set the
 * fields wanted. The layout only grows: fields are never reordered or
 * removed, new ones are added at the end only, so an application built
 * against older headers (a smaller struct_size) keeps working with a newer
 * library, the fields it does not know taking their defaults. Strings are
 * copied by tc_camera_open. */
typedef struct tc_options {
    size_t struct_size;       /* sizeof(tc_options) the application was built with; set by
                                 tc_options_init. Must stay the first field. */
    const char *serial;       /* DeviceSerialNumber; seeds the fixed-pattern noise. NULL: "TC000001" */
    const char *vendor_name;  /* NULL: the twin's honest default */
    const char *model_name;   /* NULL: default */
    uint64_t noise_seed;      /* temporal noise seed (TwinNoiseSeed); 0 is a valid seed */
    bool deterministic;       /* virtual clock: frames as fast as asked, identical per seed */
    const char *state_dir;    /* where user sets persist; NULL: in memory only */
    unsigned frame_buffers;   /* frames the camera can hold (0: 3); a network port that
                                 keeps sent frames for resends wants more */
    /* New fields go here, at the end, and only here. */
} tc_options;

/* ---- Library and cameras ---- */

/* The version of the library running, e.g. "0.1.0": may be newer than the
 * headers' TWINCAM_VERSION_STRING the application was compiled with.
 * Returns static storage; any thread, no camera needed. */
TC_API const char *tc_version(void);

/* Fill `o` with the defaults (every field zero/NULL) and set o->struct_size
 * to sizeof(tc_options). Call it before setting any field. NULL: nothing. */
TC_API void tc_options_init(tc_options *o);

/* Open a camera: power it up with its defaults and any user set marked as
 * the default in o->state_dir. Acquisition is stopped.
 *   o    options filled with tc_options_init (only the fields within
 *        o->struct_size are read), or NULL for all defaults
 *   out  receives the camera, or NULL on failure
 * Returns TC_OK; TC_EINVAL for out NULL, o->struct_size 0, smaller than the
 * size field or implausibly large, or a field set that this library does
 * not know (an application built against newer headers); TC_ENOMEM. The
 * reason of a failure is tc_camera_last_error(NULL) in the calling thread.
 * Any thread; cameras opened side by side are independent. */
TC_API int tc_camera_open(const tc_options *o, tc_camera **out);

/* Stop acquisition, wait for the camera's threads and free the camera.
 * Release or drop every frame taken before: a frame's data is freed with
 * the camera. Must be the last call on `cam`, with no other thread in a
 * call on it. NULL: nothing. */
TC_API void tc_camera_close(tc_camera *cam);

/* Why this thread's last call on `cam` failed ("" if it did not). Kept per
 * camera and per thread: a failure on another camera, or in another thread
 * on this one, never changes it. For cam NULL: why this thread's last
 * tc_camera_open failed (or a call given a NULL camera). The text is the
 * calling thread's own copy, valid until its next tc_camera_last_error
 * call. A thread keeps the reasons of the 8 cameras it called most recently;
 * beyond that the oldest is forgotten (""). Never NULL. `cam` must be open
 * (or NULL). */
TC_API const char *tc_camera_last_error(tc_camera *cam);

/* ---- Features by name ----
 * `feature` is a GenICam name as in docs/features.md (case-sensitive).
 * Enumerations are integers (their entry values) with tc_get_int and
 * tc_set_int, or entry names with tc_get_string and tc_set_string. Booleans
 * are integers 0/1. Selected features (LineMode, UserSetDefault, ...) act on
 * the current value of their selector (LineSelector, ...). Every write is
 * checked against the live range, increment, access mode and locks, and
 * either applied whole or refused with nothing changed.
 *
 * Return codes common to all of them: TC_OK; TC_EINVAL for cam NULL or a
 * bad argument; TC_ENOFEATURE for an unknown name; TC_ETYPE for a feature of
 * another type; TC_EACCESS for reading a write-only or writing a read-only
 * or locked feature (TLParamsLocked, acquisition running); TC_ERANGE for a
 * value out of range, off the increment or breaking an AOI rule; TC_EBUSY
 * for a command not possible now; TC_EIO for a user-set or scene file
 * error. */

/* Read an Integer, Enumeration (entry value) or Boolean feature into
 * *value (value may be NULL to test readability only). */
TC_API int tc_get_int(tc_camera *cam, const char *feature, int64_t *value);
/* Write an Integer, Enumeration (entry value: TC_ERANGE if no entry has it)
 * or Boolean (0/1) feature. */
TC_API int tc_set_int(tc_camera *cam, const char *feature, int64_t value);
/* Read a Float feature, or an Integer one converted, into *value (may be
 * NULL). */
TC_API int tc_get_float(tc_camera *cam, const char *feature, double *value);
/* Write a Float feature (Integer features take tc_set_int). */
TC_API int tc_set_float(tc_camera *cam, const char *feature, double value);
/* Read a String feature, or an Enumeration's current entry name, into buf
 * (len bytes, NUL-terminated; a longer value is cut to len - 1 characters;
 * 96 bytes hold any). TC_EINVAL for buf NULL or len 0. */
TC_API int tc_get_string(tc_camera *cam, const char *feature, char *buf, size_t len);
/* Write a String feature (printable, at most its length - 1 characters,
 * else TC_ERANGE) or select an Enumeration entry by name (TC_EINVAL for a
 * name that is not an entry). */
TC_API int tc_set_string(tc_camera *cam, const char *feature, const char *value);
/* Execute a Command feature (AcquisitionStart, TriggerSoftware,
 * UserSetSave, DeviceReset, ...). */
TC_API int tc_execute(tc_camera *cam, const char *feature);

/* Any feature as text, as the CLI shows it: integers in decimal, floats
 * (%.10g), enumeration entry names, true/false, strings, "(command)" for a
 * command. buf/len as tc_get_string. */
TC_API int tc_get_as_text(tc_camera *cam, const char *feature, char *buf, size_t len);
/* Write any feature from text, as the CLI's --set Feature=Value takes it:
 * integers in decimal or 0x hex, floats, enumeration entry names,
 * true/false/1/0/on/off; a command is executed whatever the text.
 * TC_EINVAL for text that does not parse as the feature's type. */
TC_API int tc_set_from_text(tc_camera *cam, const char *feature, const char *text);

/* One feature described, with its live value and range (dynamic bounds such
 * as Width's maximum for the current OffsetX resolved). The const char *
 * strings are static storage, valid while the library is loaded. */
typedef struct tc_feature_info {
    const char *name, *type, *access, *category, *unit, *description;
    char value[96];  /* current value as text ("" for commands and write-only) */
    char range[256]; /* "24..4056 step 12", "BayerGR8, BayerGR10, ...", "" */
} tc_feature_info;

/* How many features there are (the same for every camera): indexes of
 * tc_feature_describe are 0 .. tc_feature_total() - 1. Any thread. */
TC_API unsigned tc_feature_total(void);
/* Describe feature `index` of `cam` into *info (filled by the caller's
 * storage; see tc_feature_info). TC_EINVAL for cam or info NULL or an index
 * beyond the last. A value that cannot be read now is left "". */
TC_API int tc_feature_describe(tc_camera *cam, unsigned index, tc_feature_info *info);

/* ---- Acquisition and frames ---- */

/* Shorthands for tc_execute of AcquisitionStart, AcquisitionStop and
 * TriggerSoftware (TC_EBUSY unless TriggerMode is On, TriggerSource is
 * Software and acquisition runs). */
TC_API int tc_start(tc_camera *cam);
TC_API int tc_stop(tc_camera *cam);
TC_API int tc_trigger_software(tc_camera *cam);

typedef enum tc_frame_status {
    TC_FRAME_OK = 0,
} tc_frame_status;

/* A frame taken with tc_wait_frame: its description and the camera's buffer
 * holding its payload (the bytes a GigE Vision or USB3 Vision client
 * receives, in pixel_format). */
typedef struct tc_frame {
    uint64_t block_id;      /* 1, 2, ... from camera open, on across acquisitions (GigE/U3V block id);
                               the temporal noise is keyed on it */
    uint64_t timestamp_ns;  /* exposure start of the first row, camera time line */
    uint32_t pixel_format;  /* PFNC (or IDS) code */
    uint32_t width, height, offset_x, offset_y;
    const uint8_t *data;    /* payload; valid until tc_release_frame */
    size_t size;            /* payload bytes (PayloadSize) */
    tc_frame_status status;
    void *priv_;            /* the library's; do not touch */
} tc_frame;

/* Take the next frame, oldest first, waiting up to timeout_ms (0: do not
 * wait, -1: forever). Fills *frame; its data belongs to the camera and must
 * be given back with tc_release_frame (or tc_drop_frame), from any thread:
 * while the application holds every buffer (tc_options.frame_buffers) new
 * frames are counted in tc_frames_dropped instead of queued. Several
 * threads may wait at once; each frame goes to one of them.
 * Returns TC_OK; TC_ETIMEOUT if none came in time; TC_EBUSY if acquisition
 * is not running (or stops while waiting) and no frame is queued; TC_EINVAL
 * for cam or frame NULL. */
TC_API int tc_wait_frame(tc_camera *cam, tc_frame *frame, int timeout_ms);
/* Give a frame's buffer back to the camera; frame->data becomes NULL.
 * A frame given back already, or NULL: nothing. */
TC_API void tc_release_frame(tc_camera *cam, tc_frame *frame);
/* Give a frame back as not delivered (no stream channel, link could not
 * carry it): counted in TwinFramesDropped and tc_frames_dropped, never lost
 * silently. Otherwise as tc_release_frame. */
TC_API void tc_drop_frame(tc_camera *cam, tc_frame *frame);

/* Frames the camera could not deliver (every buffer held by the
 * application, or given back with tc_drop_frame): TwinFramesDropped.
 * 0 for NULL. */
TC_API uint64_t tc_frames_dropped(tc_camera *cam);

/* ---- I/O lines and time ----
 * The lines' electrical side (Line0 trigger input, Line1 flash output,
 * Line2/Line3 GPIO). Edge times are host time in ns (tc_host_time): host
 * CLOCK_MONOTONIC on the real clock, so several cameras on one host and
 * kernel GPIO event stamps compare directly, the virtual clock in
 * deterministic mode. TimestampReset does not move them; it moves only the
 * camera's timestamps (tc_camera_time, frame timestamps). */

/* Drive an input line to `level` at t_ns (0: now). A rising or falling edge
 * on the TriggerSource line triggers as TriggerActivation, LineInverter and
 * LineDebouncerTime say. TC_EINVAL for a line beyond Line3 or a level other
 * than 0/1, TC_EACCESS if the line is an output (LineMode). Edges may be
 * given ahead of their time (each acts at its own time), in time order:
 * TC_EINVAL for an edge earlier than the line's last one, TC_EBUSY when 64
 * edges of the line are still ahead of now, TC_ERANGE for an edge more than
 * 60 s ahead of now. */
TC_API int tc_drive_line(tc_camera *cam, unsigned line, int level, uint64_t t_ns);

/* Called for a line edge: `line` 0..3, `level` 0/1 after the inverter,
 * t_ns its host time. */
typedef void (*tc_line_callback)(void *ctx, unsigned line, int level, uint64_t t_ns);

/* Watch every line edge: inputs as driven, outputs as the camera drives them
 * (ExposureActive, FrameActive, FlashWindow, AcquisitionActive, UserOutputN;
 * after inverters). Frame-following edges are reported with their exact
 * times, which may be a little in the future or past of the call. `cb` runs
 * on a camera thread with `ctx` and must return quickly without calling the
 * camera (its lock may be held). Returns a handle >= 0 for
 * tc_unwatch_lines, TC_EBUSY when 8 watchers exist already, TC_EINVAL for
 * cam or cb NULL. */
TC_API int tc_watch_lines(tc_camera *cam, tc_line_callback cb, void *ctx);
/* Stop a watcher: after the call returns its callback is not called again.
 * An unknown handle: nothing. */
TC_API void tc_unwatch_lines(tc_camera *cam, int handle);

/* Electrical level (0/1, after the inverter) of a line now; 0 for a line
 * beyond Line3 or cam NULL. */
TC_API int tc_line_level(tc_camera *cam, unsigned line);

/* Direction of a line now, as LineMode says: 1 output (the camera drives it),
 * 0 input; TC_EINVAL for a line beyond Line3 or cam NULL. Reads no
 * selector, so it never disturbs a client's LineSelector. */
TC_API int tc_line_is_output(tc_camera *cam, unsigned line);

/* Camera time now (ns): the timestamp counter frame timestamps are read
 * from, which TimestampReset sets to zero. 0 for NULL. */
TC_API uint64_t tc_camera_time(tc_camera *cam);
/* Host time now (ns): the time base of line edges (tc_drive_line, line
 * watchers, the I/O socket). Equals tc_camera_time until a TimestampReset;
 * after it, host time - camera time is the time of the reset. 0 for NULL. */
TC_API uint64_t tc_host_time(tc_camera *cam);

#ifdef __cplusplus
}
#endif

#endif
