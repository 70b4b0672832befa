/* twincam: the in-process C library of the camera twin.
 *
 * Open a camera, read and write any GenICam feature by its SFNC name, start
 * and stop acquisition, trigger it, and wait for frames. This is the same
 * device core the GigE Vision and USB3 Vision ports serve, so a feature value
 * set here behaves exactly as one written by Aravis over the wire.
 *
 * Errors: functions return 0 on success or a negative TC_E* code; the reason
 * for the calling thread's last failure on a camera is in
 * tc_camera_last_error(cam). A refused write changes nothing.
 *
 * Threads: one camera may be used from several threads; calls are serialised
 * inside. Frames are produced by the camera's own acquisition thread. */
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

typedef struct tc_camera tc_camera;

/* Options of tc_camera_open. Always fill them with tc_options_init first
 * (it zeroes every byte, padding too, and sets struct_size), then set the
 * fields wanted. The layout only grows: fields are never reordered or
 * removed, new ones are added at the end only, so an application built
 * against older headers (a smaller struct_size) keeps working with a newer
 * library, the fields it does not know taking their defaults. */
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

/* The version of the library running ("0.1.0"), which may be newer than the
 * headers' TWINCAM_VERSION_STRING. Static storage. */
TC_API const char *tc_version(void);

/* Fill `o` with defaults. */
TC_API void tc_options_init(tc_options *o);

/* Open a camera (options may be NULL for defaults). *out is NULL on failure. */
TC_API int tc_camera_open(const tc_options *o, tc_camera **out);
/* Stop acquisition and free everything. NULL-safe. */
TC_API void tc_camera_close(tc_camera *cam);

/* Why this thread's last call on `cam` failed ("" if it did not). Kept per
 * camera and per thread: a failure on another camera, or in another thread
 * on this one, never changes it. For cam NULL: why this thread's last
 * tc_camera_open failed (or a call given a NULL camera). The text is the
 * calling thread's own copy, valid until its next tc_camera_last_error
 * call. A thread keeps the reasons of the 8 cameras it called most recently;
 * beyond that the oldest is forgotten (""). */
TC_API const char *tc_camera_last_error(tc_camera *cam);

/* Typed feature access. Enumerations are integers (their entry values) with
 * tc_get_int/tc_set_int, or symbolic names with tc_get_string/tc_set_string.
 * Booleans are integers 0/1. Selected features (LineMode, ...) act on the
 * current value of their selector. */
TC_API int tc_get_int(tc_camera *cam, const char *feature, int64_t *value);
TC_API int tc_set_int(tc_camera *cam, const char *feature, int64_t value);
TC_API int tc_get_float(tc_camera *cam, const char *feature, double *value);
TC_API int tc_set_float(tc_camera *cam, const char *feature, double value);
TC_API int tc_get_string(tc_camera *cam, const char *feature, char *buf, size_t len);
TC_API int tc_set_string(tc_camera *cam, const char *feature, const char *value);
TC_API int tc_execute(tc_camera *cam, const char *feature);

/* Any feature as text, the way the CLI's --set Feature=Value takes it:
 * integers in decimal or 0x hex, floats, enum entry names, true/false. */
TC_API int tc_get_as_text(tc_camera *cam, const char *feature, char *buf, size_t len);
TC_API int tc_set_from_text(tc_camera *cam, const char *feature, const char *text);

/* Enumerate features: index 0 .. tc_feature_total()-1. `info` strings point
 * into the camera or static storage and stay valid until the next call. The
 * range is the live one (dynamic bounds resolved), as text. */
typedef struct tc_feature_info {
    const char *name, *type, *access, *category, *unit, *description;
    char value[96];  /* current value as text ("" for commands and write-only) */
    char range[256]; /* "24..4056 step 12", "BayerGR8, BayerGR10, ...", "" */
} tc_feature_info;
TC_API unsigned tc_feature_total(void);
TC_API int tc_feature_describe(tc_camera *cam, unsigned index, tc_feature_info *info);

/* Shorthands for AcquisitionStart / AcquisitionStop / TriggerSoftware. */
TC_API int tc_start(tc_camera *cam);
TC_API int tc_stop(tc_camera *cam);
TC_API int tc_trigger_software(tc_camera *cam);

typedef enum tc_frame_status {
    TC_FRAME_OK = 0,
} tc_frame_status;

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

/* Wait up to timeout_ms (-1: forever) for the next frame. Every frame taken
 * must be given back with tc_release_frame. TC_ETIMEOUT if none came, TC_EBUSY
 * if acquisition is not running and no frame is queued. */
TC_API int tc_wait_frame(tc_camera *cam, tc_frame *frame, int timeout_ms);
TC_API void tc_release_frame(tc_camera *cam, tc_frame *frame);
/* Give a frame back as not delivered (no stream channel, link could not
 * carry it): counted in TwinFramesDropped, never lost silently. */
TC_API void tc_drop_frame(tc_camera *cam, tc_frame *frame);

/* The I/O lines' electrical side (Line0 trigger input, Line1 flash output,
 * Line2/Line3 GPIO). Edge times are host time in ns (tc_host_time): host
 * CLOCK_MONOTONIC on the real clock, so several cameras on one host and
 * kernel GPIO event stamps compare directly, the virtual clock in
 * deterministic mode. TimestampReset does not move them; it moves only the
 * camera's timestamps (tc_camera_time, frame timestamps).
 *
 * Drive an input line to `level` at t_ns (0: now). A rising or falling edge
 * on the TriggerSource line triggers as TriggerActivation, LineInverter and
 * LineDebouncerTime say. TC_EINVAL for a line beyond Line3 or a level other
 * than 0/1, TC_EACCESS if the line is an output (LineMode). Edges may be
 * given ahead of their time (each acts at its own time), in time order:
 * TC_EINVAL for an edge earlier than the line's last one, TC_EBUSY when 64
 * edges of the line are still ahead of now, TC_ERANGE for an edge more than
 * 60 s ahead of now. */
TC_API int tc_drive_line(tc_camera *cam, unsigned line, int level, uint64_t t_ns);

/* Watch every line edge: inputs as driven, outputs as the camera drives them
 * (ExposureActive, FrameActive, FlashWindow, AcquisitionActive, UserOutputN;
 * after inverters). Frame-following edges are reported with their exact times,
 * which may be a little in the future or past of the call. The callback runs
 * on a camera thread and must return quickly without calling the camera.
 * Returns a handle >= 0 or TC_EBUSY when 8 watchers exist already. */
typedef void (*tc_line_callback)(void *ctx, unsigned line, int level, uint64_t t_ns);
TC_API int tc_watch_lines(tc_camera *cam, tc_line_callback cb, void *ctx);
TC_API void tc_unwatch_lines(tc_camera *cam, int handle);

/* Electrical level (0/1, after the inverter) of a line now. */
TC_API int tc_line_level(tc_camera *cam, unsigned line);

/* Direction of a line now, as LineMode says: 1 output (the camera drives it),
 * 0 input; TC_EINVAL for a line beyond Line3. Reads no selector, so it never
 * disturbs a client's LineSelector. */
TC_API int tc_line_is_output(tc_camera *cam, unsigned line);

/* Camera time now (ns): the timestamp counter frame timestamps are read
 * from, which TimestampReset sets to zero. */
TC_API uint64_t tc_camera_time(tc_camera *cam);
/* Host time now (ns): the time base of line edges (tc_drive_line, line
 * watchers, the I/O socket). Equals tc_camera_time until a TimestampReset;
 * after it, host time - camera time is the time of the reset. */
TC_API uint64_t tc_host_time(tc_camera *cam);

/* Counters of frames the camera could not deliver because every buffer was
 * still held by the application (never dropped silently). */
TC_API uint64_t tc_frames_dropped(tc_camera *cam);

#ifdef __cplusplus
}
#endif

#endif
