/* The device as a port sees it: the one interface between the device core
 * and every port (GigE Vision, USB3 Vision over USB/IP and FunctionFS, the
 * in-process C library).
 *
 * In the spirit of TinyUSB's usbd/dcd split: a port turns its protocol's
 * bytes into these calls and back, and decides no policy. What a camera does
 * when a host starts, stops, vanishes or resets it, which writes are slow,
 * and when a frame's bytes may leave, is decided here, once, for all ports.
 *
 *   operations  registers in the port's byte order, the GenICam XML, identity,
 *               payload size, timestamps, acquisition start/stop/abort, "host
 *               gone", features by table row (the in-process port), lines
 *   events      tc_port_wait: a frame is ready, acquisition started or
 *               stopped, or the port cancelled its own wait; tc_port_resets:
 *               a DeviceReset happened (through any port)
 *   pacing      tc_port_due_ns: when a byte of a frame may leave, from the
 *               timing model (one row per line time from readout start)
 *   targets     tc_port_offer: the port's own memory, which frames are
 *               rendered into instead of the core's buffers (no copy)
 *
 * Threads: every function takes the device lock itself; a port holds none of
 * the core's locks when calling. Errors are 0 or a negative TC_E* code
 * (core/errors.h); the reason of this thread's last refusal is tc_port_why().
 * No function here blocks for longer than a frame's readout, except the
 * waits, which say so. */
#ifndef TC_CORE_DEVICE_PORT_H
#define TC_CORE_DEVICE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/feature.h"
#include "core/firmware_sink.h"
#include "core/options.h"
#include "core/target.h"
#include "core/waiter.h"

typedef struct tc_device tc_device;

/* A device (NULL options: defaults), for whoever owns the camera (the
 * in-process port); NULL when out of memory. Close is NULL-safe. */
tc_device *tc_port_open(const tc_device_options *o);
void tc_port_close(tc_device *d);

/* Why the last call from this thread was refused ("" if it was not). */
const char *tc_port_why(void);

/* ---- registers (the feature register map, docs/features.md) ---- */

/* Read or write the feature registers in the port's byte order (1: GigE
 * Vision big-endian, 0: USB3 Vision little-endian). A refused write changes
 * nothing. */
int tc_port_read(tc_device *d, uint64_t address, uint8_t *buf, size_t len, int big_endian);
int tc_port_write(tc_device *d, uint64_t address, const uint8_t *buf, size_t len, int big_endian);

/* What a port needs to know about one register, for its own status codes
 * and logs. */
typedef struct tc_port_reg {
    uint64_t address;
    uint32_t length;
    const char *name;   /* the feature's SFNC name */
    tc_access access;
    tc_ftype type;
    unsigned flags;     /* TC_FF_* of the feature */
} tc_port_reg;

/* The register containing `address`: 0, or TC_EADDRESS if none. */
int tc_port_register(uint64_t address, tc_port_reg *out);
/* TC_FF_* flags of every register [address, address + len) touches, or-ed:
 * TC_FF_SLOW says to announce a delay (PENDING_ACK) before the write. */
unsigned tc_port_span_flags(uint64_t address, size_t len);

/* The GenICam XML in the port's byte order; owned by the device, made on
 * first request. NULL if out of memory. *len excludes the NUL. */
const char *tc_port_xml(tc_device *d, int big_endian, size_t *len);

/* ---- firmware ---- */

/* Register who installs an uploaded firmware (core/firmware_sink.h): the
 * process that owns the camera (the boot loader of `twincam serve`) does,
 * once, before serving. NULL removes it: an upload is then refused on
 * Close ("this camera has no firmware installer"). */
void tc_port_set_firmware_sink(tc_device *d, tc_firmware_sink sink, void *ctx);

/* ---- identity, payload, time ---- */

typedef struct tc_port_identity {
    char vendor[TC_STRING_MAX], model[TC_STRING_MAX], family[TC_STRING_MAX],
        version[TC_STRING_MAX], manufacturer_info[TC_STRING_MAX], serial[TC_STRING_MAX],
        user_name[TC_STRING_MAX];
} tc_port_identity;

void tc_port_identity_get(tc_device *d, tc_port_identity *id);
/* DeviceUserID, as a bootstrap user-name register writes it. */
int tc_port_set_user_name(tc_device *d, const char *name);

/* PayloadSize now: the bytes of one frame at the current settings. */
size_t tc_port_payload_size(tc_device *d);

/* Camera time now (ns since the last timestamp reset). */
int64_t tc_port_timestamp(tc_device *d);
/* TimestampLatch, and the value it latched last (TimestampLatchValue). */
void tc_port_timestamp_latch(tc_device *d);
int64_t tc_port_timestamp_latched(tc_device *d);
/* TimestampReset. */
void tc_port_timestamp_reset(tc_device *d);

/* ---- the acquisition lifecycle every port shares ---- */

int tc_port_start(tc_device *d);   /* AcquisitionStart */
int tc_port_stop(tc_device *d);    /* AcquisitionStop */
int tc_port_abort(tc_device *d);   /* AcquisitionAbort */
/* Whether the host has locked the transport parameters (TLParamsLocked). */
bool tc_port_tl_locked(tc_device *d);

/* The host is gone or closed its stream (GigE: control released or its
 * heartbeat expired; USB: connection closed, device deconfigured). One
 * clean-up for every port: acquisition stops, TLParamsLocked returns to 0,
 * and frames queued for the old host are given back as not delivered
 * (counted in TwinFramesDropped), so the next host finds the camera idle and
 * unlocked. Returns the frames dropped. */
unsigned tc_port_host_gone(tc_device *d);

/* Events: how many DeviceResets have happened, through any port. A port
 * that keeps transport state (stream channel, host-programmed registers)
 * compares it with the count it last saw and returns that state to power-on
 * when it moved. */
uint64_t tc_port_resets(tc_device *d);

/* Firmware (src/firmware/, docs/firmware.md). The version the boot loader
 * booted, reported as DeviceFirmwareVersion from now on and after every
 * DeviceReset. */
void tc_port_set_firmware_version(tc_device *d, const char *version);
/* `fn(arg)` after every DeviceReset that committed, through any port, with
 * the device lock held: it may only note the fact (the program under the
 * boot loader then exits to restart into the slot that boots next). */
void tc_port_on_reset(tc_device *d, void (*fn)(void *arg), void *arg);

/* ---- frames ---- */

/* Memory of the port's that frames may be rendered into (tc_port_offer). */
typedef tc_acq_target tc_port_target;

typedef struct tc_port_frame {
    const uint8_t *data;
    size_t size;
    uint64_t block_id;
    uint64_t timestamp_ns;   /* exposure start of row 0, camera time */
    uint32_t pixel_format, width, height, offset_x, offset_y;
    /* pacing (tc_port_due_ns): readout started at readout_ns on the host
     * monotonic clock; one row of size / height bytes per line_time_ns */
    int64_t readout_ns;
    double line_time_ns;     /* 0: unpaced (virtual clock) */
    double link_Bps;         /* DeviceLinkThroughputLimit's rate: what resends may share */
    tc_port_target *target;  /* rendered into this offered memory (data is its
                              * data), or NULL: the core's own buffer */
    void *priv_;             /* the engine's buffer */
} tc_port_frame;

/* One port thread's waiting state (core/waiter.h); zero it before the
 * first wait. */
typedef tc_acq_waiter tc_port_waiter;

enum {
    TC_PORT_FRAME = 0,       /* *f holds a frame: give it back with release or drop */
    TC_PORT_STARTED = 1,     /* acquisition started since this waiter last looked */
    TC_PORT_STOPPED = 2,     /* acquisition stopped (after every queued frame was taken) */
    TC_PORT_CANCELLED = 3,   /* tc_port_cancel was called for this waiter */
};

/* Block until one of the events above, or TC_ETIMEOUT after timeout_ms (-1:
 * no timeout). Nothing is polled: a stream thread sits here while the camera
 * is idle. */
int tc_port_wait(tc_device *d, tc_port_waiter *w, tc_port_frame *f, int timeout_ms);
/* Make w's current or next wait return TC_PORT_CANCELLED (once). */
void tc_port_cancel(tc_device *d, tc_port_waiter *w);

/* The in-process API's frame wait: like tc_port_wait for a frame, but
 * TC_EBUSY at once when acquisition is not running and nothing is queued. */
int tc_port_take(tc_device *d, tc_port_frame *f, int timeout_ms);

/* Frames a port keeps after sending them (GigE resends) stay within this
 * many bytes beside the one it is sending, and leave the camera at least
 * TC_PORT_HOLD_SPARE of its frame buffers (tc_port_frame_buffers; at most
 * 142 MiB) to fill: a resend window never makes the camera drop frames.
 * 48 MiB: two 16-bit full frames, four BayerGR8 ones (five cost the camera
 * 15 % more CPU per frame, probably its buffers coming back colder). */
#define TC_PORT_HOLD_BYTES ((size_t)48 << 20)
#define TC_PORT_HOLD_SPARE 3u
/* The camera's frame buffers for the current acquisition (its pool). */
unsigned tc_port_frame_buffers(tc_device *d);

/* A frame delivered, or one the port could not deliver (no stream channel,
 * link gone, host disabled the stream): counted in TwinFramesDropped. */
void tc_port_release(tc_device *d, tc_port_frame *f);
void tc_port_drop(tc_device *d, tc_port_frame *f);
uint64_t tc_port_frames_dropped(tc_device *d);

/* Targets: a port that delivers into memory of its own (GenTL's buffers)
 * offers it, and frames are rendered straight into it instead of being
 * copied there. The engine renders a frame into the oldest offered target
 * when it holds the payload and no frame rendered into the core's buffers is
 * queued or held by a port (so target frames never overtake the others: a
 * port fills its memory in the order it offered it); otherwise into its own
 * buffer, as without targets. Timing and bytes are the same either way. Such
 * a frame comes from tc_port_wait/take with f->target set and f->data =
 * target->data; from its release or drop on, the core no longer touches the
 * target. The port sets data and size and keeps target and memory alive
 * while the core has them (core/target.h).
 * Offer: 0, or TC_EBUSY if already offered or its frame not yet released. */
int tc_port_offer(tc_device *d, tc_port_target *t);
/* Take an offered target back: 0 once the core will never write it again
 * (unused; or its frame, waited for while being rendered, is copied into
 * the core's buffer and still delivered from there); TC_EBUSY if its frame
 * was already taken by a port (the port's release or drop ends it). May
 * wait for one frame's render. */
int tc_port_withdraw(tc_device *d, tc_port_target *t);

/* Readout pacing, the same for every port: byte `end` of the frame (the
 * first `end` bytes) has left the sensor once its last row has been read:
 * readout_ns + ceil(end / row bytes) x line time. So a port that sends each
 * piece at this time sends the last byte at exposure start + exposure +
 * readout, as the camera would. */
int64_t tc_port_due_ns(const tc_port_frame *f, size_t end);
/* Sleep (host monotonic clock) until tc_port_due_ns(f, end). */
void tc_port_pace(const tc_port_frame *f, size_t end);

/* The camera's link, for a port whose sends may fall behind the readout
 * (its thread woke late, resends took the link): a real link never carries
 * more than its rate, so a port catches up at that rate instead of handing
 * the host a burst its socket buffer cannot take. One per stream channel;
 * zero it to start. Not thread-safe: the port serialises its calls. */
typedef struct tc_port_link {
    int64_t free_ns; /* the link carries what was reserved until then */
} tc_port_link;

/* Reserve the link for `bytes` that may leave no earlier than due_ns (host
 * monotonic; a frame piece's tc_port_due_ns, or now for a resend) at
 * `Bps` bytes/s (tc_port_pace_Bps, or link_Bps for a resend; <= 0:
 * unlimited): returns when they may start, which is the latest of due_ns,
 * now_ns and the end of what was reserved before. Starting from now_ns, not from a past free_ns, is what
 * keeps a late port from bursting. */
int64_t tc_port_link_slot(tc_port_link *l, int64_t due_ns, int64_t now_ns, size_t bytes, double Bps);

/* The fastest a port may send the frame, in bytes/s: its readout pace, so a
 * port that fell behind never hands the host a frame faster than the sensor
 * reads it (the frame's vertical blanking is its slack to catch up in), and
 * never above the physical link (TC_LINK_MAX_BPS; also for an unpaced frame).
 * DeviceLinkThroughputLimit bounds the average through the line time (the
 * camera pauses after each line), not each line's bytes: a 16-bit full frame
 * at 400 MB/s reads its rows at 466 MB/s and so leaves in 89 % of its period,
 * where paced at the limit it needed all of it and every late wake-up or
 * resend cost the stream that time for good. */
double tc_port_pace_Bps(const tc_port_frame *f);
/* The physical link's rate in bytes/s (TC_LINK_MAX_BPS): what a port shares
 * out before it has a frame's link_Bps to go by. */
double tc_port_link_max_Bps(void);

/* ---- features by table row (the in-process port) ---- */

/* Get or set at the feature's current selector position. */
int tc_port_get(tc_device *d, const tc_feature *f, tc_value *v);
int tc_port_set(tc_device *d, const tc_feature *f, tc_value v);
int tc_port_get_string(tc_device *d, const tc_feature *f, char *buf, size_t len);
int tc_port_set_string(tc_device *d, const tc_feature *f, const char *s);
/* Live bounds of a numeric feature (dynamic bounds resolved). */
void tc_port_bounds(tc_device *d, const tc_feature *f, tc_value *lo, tc_value *hi);

/* ---- lines (Line0..Line3) ---- */

typedef void (*tc_port_line_cb)(void *ctx, unsigned line, int level, uint64_t t_ns);

/* Host time now: the time base of line edges (the device clock). */
int64_t tc_port_host_time(tc_device *d);
/* 1 if LineMode makes the line an output, 0 if an input; TC_EINVAL beyond Line3. */
int tc_port_line_is_output(tc_device *d, unsigned line);
/* Drive an input to level at t_ns (0: now). TC_EINVAL, TC_EACCESS (output). */
int tc_port_drive_line(tc_device *d, unsigned line, int level, int64_t t_ns);
/* Electrical level now, after the inverter. */
int tc_port_line_level(tc_device *d, unsigned line);
/* Watch every edge; a handle >= 0, or TC_EBUSY when the watchers are full. */
int tc_port_watch_lines(tc_device *d, tc_port_line_cb cb, void *ctx);
void tc_port_unwatch_lines(tc_device *d, int handle);

#endif
