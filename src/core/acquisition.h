/* The acquisition engine: one thread per camera that starts frames on
 * absolute deadlines of the camera clock (freerun) or on triggers, renders
 * them through the sensor, and queues them for whichever port consumes them.
 *
 * Locking: the engine has its own mutex and never takes the device lock, so
 * the device (holding its lock) may call any function here, including ones
 * that join the thread. Settings reach the engine by tc_acq_configure after
 * every accepted write. */
#ifndef TC_CORE_ACQUISITION_H
#define TC_CORE_ACQUISITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/lines.h"
#include "core/target.h"
#include "core/thermal.h"
#include "core/timing.h"
#include "core/waiter.h"
#include "sensor/sensor.h"
#include "util/clock.h"

typedef enum tc_acq_mode { TC_ACQ_CONTINUOUS = 0, TC_ACQ_SINGLE = 1, TC_ACQ_MULTI = 2 } tc_acq_mode;

typedef struct tc_acq_settings {
    tc_sensor_params sensor; /* temperature is filled in per frame by the engine */
    tc_timing timing;
    size_t payload_bytes;
    tc_acq_mode mode;
    unsigned frame_count;    /* MultiFrame */
    bool trigger_on;         /* FrameStart trigger mode */
    int trigger_source;      /* TriggerSource entry value; 0 software, 1 Line0, 3 Line2, 4 Line3 */
    int trigger_activation;  /* 0 rising edge, 1 falling edge */
    double trigger_delay_us;
    tc_line_config lines;
    double ambient_c;
    bool self_heating;       /* false: the sensor sits at ambient */
    int64_t ts_zero_ns;      /* clock time of camera timestamp 0 */
} tc_acq_settings;

/* A frame buffer handed to a consumer. */
typedef struct tc_acq_frame {
    uint8_t *data;
    size_t capacity, size;
    uint64_t block_id;
    int64_t timestamp_ns;    /* exposure start of row 0, camera time */
    uint32_t pixel_format;
    uint32_t width, height, offset_x, offset_y;
    double line_time_ns;     /* its rows' read-out pace (0: none, the virtual clock) */
    double link_Bps;         /* DeviceLinkThroughputLimit's rate (TC_LINK_MAX_BPS when off) */
    unsigned generation;     /* buffers of an older pool are freed on release */
    tc_acq_target *target;   /* rendered into a port's memory, not data (NULL: data) */
    struct tc_acq_frame *next;
} tc_acq_frame;

typedef struct tc_acq tc_acq;

/* `sensor` and `clock` are borrowed and must outlive the engine.
 * `deterministic`: never drop; wait for a free buffer instead. */
tc_acq *tc_acq_new(tc_sensor *sensor, tc_clock *clock, bool deterministic, double ambient_c,
                   unsigned buffers);
void tc_acq_free(tc_acq *a); /* stops and joins; NULL-safe */

void tc_acq_configure(tc_acq *a, const tc_acq_settings *s);

/* Start (allocates buffers for the configured payload). 0 or TC_ENOMEM. */
int tc_acq_start(tc_acq *a);
/* Stop; `abort` also discards frames queued but not taken. Joins the thread. */
void tc_acq_stop(tc_acq *a, bool abort);
bool tc_acq_running(tc_acq *a);
/* Back to the state tc_acq_new left (a power cycle, DeviceReset): stopped,
 * nothing queued, block ids from 1, counters 0, the housing in its idle
 * steady state at `ambient_c`. Line watchers stay subscribed (they are the
 * ports', not the camera's), and inputs keep the levels driven from outside. */
void tc_acq_power_cycle(tc_acq *a, double ambient_c);

/* A trigger at clock time `t_ns`. Returns 0 if it will start a frame, 1 if
 * the sensor could not take it (counted as missed), TC_EBUSY if not running. */
int tc_acq_trigger(tc_acq *a, int64_t t_ns);

/* Next frame, waiting up to timeout_ms (-1 forever). TC_ETIMEOUT, or TC_EBUSY
 * when stopped with nothing queued. */
int tc_acq_wait(tc_acq *a, tc_acq_frame **out, int timeout_ms);
void tc_acq_release(tc_acq *a, tc_acq_frame *f);

/* Lines. Edges carry times on the camera clock (host CLOCK_MONOTONIC on the
 * real clock). */
typedef void (*tc_acq_line_cb)(void *ctx, unsigned line, int level, uint64_t t_ns);
/* Edges of one input line that may be handed over ahead of their time (the
 * I/O socket's scheduled pulses): each acts at its own time. */
#define TC_EDGES_AHEAD 64
/* How far ahead of now an edge may be given (the longest I/O socket pulse
 * is 10 s): a time beyond is a client's mistake or attack, and accepted it
 * would stay the line's last edge and refuse every later one. */
#define TC_EDGE_HORIZON_NS (60ll * 1000000000ll)

/* Frame buffers: at most this many bytes (and never fewer than
 * TC_ACQ_POOL_MIN buffers), whatever number was asked for. 142 MiB is the
 * least that holds six 16-bit full frames (141.1 MiB): the sensor's three
 * spare buffers, the one being sent and two for the GigE resend window
 * (with one, a host that reads its packet socket a frame behind asked for
 * packets already gone, and 5-7 % of the 16-bit frames failed); any format
 * then peaks at 181 MiB (190 MB) resident at most (docs/sensor.md). */
#define TC_ACQ_POOL_BYTES ((size_t)142 << 20)
#define TC_ACQ_POOL_MIN 3

/* An input line driven from outside to `level` at t_ns: may trigger a frame
 * (TriggerSource LineN, activation, inverter, debouncer). Edges come in time
 * order (TC_EINVAL for one earlier than the line's last edge); TC_EBUSY when
 * TC_EDGES_AHEAD edges of the line are still ahead of now. */
int tc_acq_drive_line(tc_acq *a, unsigned line, int level, int64_t t_ns);
/* Electrical level of a line at now_ns (after the inverter). */
int tc_acq_line_level(tc_acq *a, unsigned line, int64_t now_ns);
/* Subscribe to every line edge (inputs as driven, outputs as the camera drives
 * them, future ones included: a frame's output edges are announced when its
 * exposure is scheduled). Returns a handle >= 0, or -1 when full. */
int tc_acq_watch_lines(tc_acq *a, tc_acq_line_cb cb, void *ctx);
void tc_acq_unwatch_lines(tc_acq *a, int handle);

uint64_t tc_acq_dropped(tc_acq *a);
/* Frame buffers in the current pool (0 before the first start). */
unsigned tc_acq_pool_buffers(tc_acq *a);
/* Count a frame a port could not deliver. */
void tc_acq_count_dropped(tc_acq *a);
uint64_t tc_acq_missed_triggers(tc_acq *a);
/* Frames the host machine could not make on the camera's timeline (made after
 * their readout window, or skipped with their block ids): TwinOverruns. */
uint64_t tc_acq_overruns(tc_acq *a);
double tc_acq_temperature(tc_acq *a, int64_t now_ns);

/* Exclusive use of the sensor while installing a new scene (blocks for at
 * most the frame being rendered or one slice of the model worker; decode the
 * scene before, tc_sensor_load_scene). Unlock hands the new scene to the
 * model worker. */
void tc_acq_sensor_lock(tc_acq *a);
void tc_acq_sensor_unlock(tc_acq *a);

/* ---- for the port interface (device_port.c) ---- */

enum { TC_ACQ_EV_FRAME = 0, TC_ACQ_EV_STARTED = 1, TC_ACQ_EV_STOPPED = 2, TC_ACQ_EV_CANCELLED = 3 };

/* Block until something a port acts on happens, up to timeout_ms (-1
 * forever): a frame is ready (TC_ACQ_EV_FRAME, *out set; queued frames come
 * before a stop is reported), acquisition started or stopped since this
 * waiter last looked, or tc_acq_cancel_wait was called for it. TC_ETIMEOUT
 * otherwise. Never returns early just because acquisition is idle: a port
 * thread blocks here instead of polling. */
int tc_acq_wait_event(tc_acq *a, tc_acq_waiter *w, tc_acq_frame **out, int timeout_ms);
/* Wake w's wait (now, or the next one if it is not waiting): it returns
 * TC_ACQ_EV_CANCELLED once. */
void tc_acq_cancel_wait(tc_acq *a, tc_acq_waiter *w);
/* Wake every waiter to look at the state again (after a start). */
void tc_acq_wake_waiters(tc_acq *a);
/* Give every queued, untaken frame back as not delivered (counted in
 * TwinFramesDropped). Returns how many. */
unsigned tc_acq_drop_queued(tc_acq *a);

/* Targets (core/target.h): a frame is rendered into the oldest offered
 * target instead of a pool buffer when the target holds the payload and no
 * frame rendered into the pool is queued or held by a port (so target frames
 * never overtake pool frames: a port fills its buffers in order). The frame
 * still takes a pool buffer, which stays its fallback memory.
 * Offer: TC_EBUSY if t is offered or its frame not yet released. */
int tc_acq_offer(tc_acq *a, tc_acq_target *t);
/* Take t back: 0 once the engine will never touch it again (unused, or its
 * frame, waited for if being rendered, copied into its pool buffer and
 * queued from there); TC_EBUSY if its frame is with a port, whose release
 * or drop ends the engine's use. */
int tc_acq_withdraw(tc_acq *a, tc_acq_target *t);

#endif
