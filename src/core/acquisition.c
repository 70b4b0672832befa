/* Acquisition engine (see acquisition.h).
 *
 * Pacing: frame n of a freerun acquisition starts exposing at t0 + n x period
 * on the camera clock, whatever rendering cost, so the rate never drifts. The
 * frame is rendered while it "exposes" and is queued at t_start + exposure,
 * when its readout starts; ports stream it at the readout pace (line time).
 * The grid is never moved: a host that cannot render in time delivers the
 * frame late with its model timestamp, or skips a freerun frame whose
 * successor is already due (its block id left out); both count as overruns
 * (TwinOverruns). */
#include "core/acquisition.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "util/log.h"

#define TC_TRIGGER_QUEUE TC_EDGES_AHEAD /* one trigger per rising edge at most */
#define TC_WATCHERS 8
/* Rows of the mean image the model worker builds per call (about 1 ms), so it
 * notices new settings or a stop soon. */
#define TC_MODEL_SLICE_ROWS 64
#define TC_RECENT_FRAMES 4

typedef enum { ST_IDLE, ST_RUNNING, ST_STOPPING } acq_state;

/* Where a target is (tc_acq_target.state_): not the engine's, offered,
 * being rendered into, holding a frame not yet queued (readout not
 * started), holding a queued frame, holding a frame a port took. */
enum { T_FREE, T_OFFERED, T_RENDERING, T_RENDERED, T_QUEUED, T_TAKEN };

/* An input line's edges in time order: the latest one already past and up
 * to TC_EDGES_AHEAD still to come. */
typedef struct edge_list {
    int64_t t[TC_EDGES_AHEAD + 1];
    int8_t level[TC_EDGES_AHEAD + 1];
    unsigned n;
    int before; /* level before t[0] */
} edge_list;

struct tc_acq {
    pthread_mutex_t mu;
    pthread_cond_t cond;      /* state, triggers, queue and buffer changes */
    pthread_mutex_t sensor_mu; /* held while rendering */
    atomic_bool abort_render; /* AcquisitionAbort: the frame in progress is discarded at once */
    pthread_t thread;
    bool thread_valid;
    acq_state state;
    bool deterministic;
    unsigned n_buffers;       /* 3 by default: three full 16-bit frames stay under 75 MB */
    tc_sensor *sensor;
    tc_clock *clock;
    tc_acq_settings s;
    tc_thermal thermal;

    tc_acq_frame *free_list;
    tc_acq_frame *ready_head, *ready_tail;
    tc_acq_target *targets_head, *targets_tail; /* offered by ports, oldest first */
    unsigned pool_out;        /* frames in pool memory queued or held by a port */
    unsigned generation;
    size_t buffer_size;
    unsigned pool_count;      /* buffers in the current pool */

    int64_t triggers[TC_TRIGGER_QUEUE];
    int8_t trigger_line[TC_TRIGGER_QUEUE]; /* line whose edge made it, -1 software */
    int64_t trigger_edge[TC_TRIGGER_QUEUE];
    unsigned n_triggers;
    /* Threads blocked waiting for a frame (tc_acq_wait, tc_acq_wait_event).
     * On the virtual clock a debounced line trigger is taken only while one
     * waits: the edges given before the wait (a glitch that withdraws it)
     * are all known then, whatever the threads' timing. */
    unsigned app_waiting;

    /* model worker: prepares the sensor for new settings off the paced path */
    pthread_t worker;
    bool worker_valid, worker_quit;
    pthread_cond_t model_cond;
    uint64_t model_want, model_done; /* generations of settings asked for / prepared */

    /* lines */
    int raw[TC_LINES];                /* input levels as last driven (maybe ahead of now) */
    int64_t raw_t[TC_LINES];
    edge_list edges[TC_LINES];        /* each input's edges, for its level now */
    struct { int64_t t0; double exposure_ns, line_ns; unsigned rows; } recent[TC_RECENT_FRAMES];
    unsigned n_recent;
    int64_t active_since, active_until; /* AcquisitionActive window */
    struct { tc_acq_line_cb cb; void *ctx; } watchers[TC_WATCHERS];
    int static_level[TC_LINES];       /* last published level of non-frame outputs */
    int64_t pending_fall[TC_LINES];   /* end of the last announced output window, 0 none */
    int64_t next_ready_ns;    /* earliest start of the next triggered frame */

    uint64_t next_block_id;
    uint64_t runs;            /* acquisitions started so far (port waits see each) */
    uint64_t dropped, missed, overruns;
    uint64_t overruns_unlogged;
    int64_t overrun_logged_ns;
};

static void abs_timespec(int64_t ns, struct timespec *ts)
{
    ts->tv_sec = ns / 1000000000;
    ts->tv_nsec = ns % 1000000000;
}

/* One wait of at most until the deadline; any broadcast ends it early. */
static void wait_once(tc_acq *a, int64_t deadline_ns)
{
    struct timespec ts;
    abs_timespec(deadline_ns, &ts);
    pthread_cond_timedwait(&a->cond, &a->mu, &ts);
}

/* Wait for the deadline on the camera clock, or until stop is requested.
 * Called with a->mu held. Returns false if stopping. */
static bool wait_until(tc_acq *a, int64_t deadline_ns)
{
    if (a->clock->is_virtual) {
        tc_clock_sleep_until(a->clock, deadline_ns);
        return a->state == ST_RUNNING;
    }
    struct timespec ts;
    abs_timespec(deadline_ns, &ts);
    while (a->state == ST_RUNNING && tc_clock_now(a->clock) < deadline_ns) {
        int rc = pthread_cond_timedwait(&a->cond, &a->mu, &ts);
        if (rc == ETIMEDOUT)
            break;
    }
    return a->state == ST_RUNNING;
}

static double streaming_power(const tc_acq_settings *s)
{
    double full = (double)TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT * TC_FULL_FRAME_FPS;
    double rate = (double)s->sensor.width * s->sensor.height * s->sensor.binning * s->sensor.binning *
                  s->timing.fps;
    double frac = rate / full;
    if (frac > 1)
        frac = 1;
    return TC_POWER_IDLE_W + (TC_POWER_MAX_W - TC_POWER_IDLE_W) * frac;
}

static tc_acq_frame *take_free(tc_acq *a)
{
    tc_acq_frame *f = a->free_list;
    if (f)
        a->free_list = f->next;
    return f;
}

static void enqueue_ready(tc_acq *a, tc_acq_frame *f)
{
    if (f->target)
        f->target->state_ = T_QUEUED;
    else
        a->pool_out++;
    f->next = NULL;
    if (a->ready_tail)
        a->ready_tail->next = f;
    else
        a->ready_head = f;
    a->ready_tail = f;
}

/* The oldest queued frame, taken by a port. a->mu held. */
static tc_acq_frame *take_ready(tc_acq *a)
{
    tc_acq_frame *f = a->ready_head;
    a->ready_head = f->next;
    if (!a->ready_head)
        a->ready_tail = NULL;
    f->next = NULL;
    if (f->target)
        f->target->state_ = T_TAKEN;
    return f;
}

/* Targets offered again at the head of the queue, in their order: the
 * frames rendered into them were lost (abort, a refused render) or given
 * back untaken, and their memory is the port's next to fill. a->mu held. */
static void reoffer_targets(tc_acq *a, tc_acq_target *first, tc_acq_target *last)
{
    if (!first)
        return;
    last->next_ = a->targets_head;
    a->targets_head = first;
    if (!a->targets_tail)
        a->targets_tail = last;
}

/* A frame back to the free list, neither delivered nor queued (the caller
 * gives its target back). a->mu held. */
static void unqueue_to_free(tc_acq *a, tc_acq_frame *f)
{
    if (f->target) {
        f->target->frame_ = NULL;
        f->target = NULL;
    }
    f->next = a->free_list;
    a->free_list = f;
}

/* Every queued frame back to the free list, their targets offered again.
 * Returns how many. a->mu held. */
static unsigned unqueue_all(tc_acq *a)
{
    unsigned n = 0;
    tc_acq_target *first = NULL, *last = NULL;
    while (a->ready_head) {
        tc_acq_frame *f = a->ready_head;
        a->ready_head = f->next;
        tc_acq_target *t = f->target;
        if (t) {
            t->state_ = T_OFFERED;
            t->next_ = NULL;
            if (last)
                last->next_ = t;
            else
                first = t;
            last = t;
        } else {
            a->pool_out--;
        }
        unqueue_to_free(a, f);
        n++;
    }
    a->ready_tail = NULL;
    reoffer_targets(a, first, last);
    return n;
}

/* The target a frame of `payload` bytes is rendered into, if any (see
 * tc_acq_offer). a->mu held. */
static tc_acq_target *take_target(tc_acq *a, size_t payload)
{
    tc_acq_target *t = a->targets_head;
    if (!t || a->pool_out || t->size < payload)
        return NULL;
    a->targets_head = t->next_;
    if (!a->targets_head)
        a->targets_tail = NULL;
    t->next_ = NULL;
    t->state_ = T_RENDERING;
    return t;
}

/* ---- lines (all with a->mu held) ---- */

/* Watchers run under a->mu: they must be short and must not call back. */
static void publish(tc_acq *a, unsigned line, int level, int64_t t)
{
    for (unsigned i = 0; i < TC_WATCHERS; i++)
        if (a->watchers[i].cb)
            a->watchers[i].cb(a->watchers[i].ctx, line, level, (uint64_t)t);
}

static int static_source_level(const tc_acq *a, int src)
{
    if (src == TC_SRC_ACQUISITION_ACTIVE)
        return a->state == ST_RUNNING;
    if (src >= TC_SRC_USER_OUTPUT0 && src < TC_SRC_USER_OUTPUT0 + TC_USER_OUTPUTS)
        return a->s.lines.user[src - TC_SRC_USER_OUTPUT0];
    return 0;
}

/* Publish level changes of outputs that do not follow frames (user outputs,
 * AcquisitionActive, Off, inverter changes). */
static void refresh_static_outputs(tc_acq *a, int64_t now)
{
    for (unsigned l = 0; l < TC_LINES; l++) {
        if (!a->s.lines.output[l] || tc_line_frame_source(a->s.lines.source[l]))
            continue;
        int lv = static_source_level(a, a->s.lines.source[l]) ^ a->s.lines.inverter[l];
        if (lv != a->static_level[l]) {
            a->static_level[l] = lv;
            publish(a, l, lv, now);
        }
    }
}

/* Announce the pending end of frame-following output windows. */
static void flush_output_falls(tc_acq *a)
{
    for (unsigned l = 0; l < TC_LINES; l++)
        if (a->pending_fall[l]) {
            publish(a, l, a->s.lines.inverter[l], a->pending_fall[l]);
            a->pending_fall[l] = 0;
        }
}

/* A frame is scheduled at t0: record it and announce its output edges.
 * Overlapping windows (rolling shutter: the next frame's first row starts
 * before this frame's last row ends) merge into one pulse, so the fall of a
 * window is held back until the next window is known. */
static void announce_frame(tc_acq *a, const tc_acq_settings *s, int64_t t0)
{
    unsigned k = a->n_recent++ % TC_RECENT_FRAMES;
    a->recent[k].t0 = t0;
    a->recent[k].exposure_ns = s->sensor.exposure_us * 1e3;
    a->recent[k].line_ns = s->timing.line_time_ns;
    a->recent[k].rows = s->sensor.height;
    for (unsigned l = 0; l < TC_LINES; l++) {
        tc_window w;
        if (!s->lines.output[l] || !tc_line_window(s->lines.source[l], t0, a->recent[k].exposure_ns,
                                                   a->recent[k].line_ns, a->recent[k].rows, &w))
            continue;
        int on = 1 ^ s->lines.inverter[l];
        if (a->pending_fall[l] && w.start <= a->pending_fall[l]) {
            if (w.end > a->pending_fall[l])
                a->pending_fall[l] = w.end;
            continue;
        }
        if (a->pending_fall[l])
            publish(a, l, !on, a->pending_fall[l]);
        publish(a, l, on, w.start);
        a->pending_fall[l] = w.end;
    }
}

static int output_level(tc_acq *a, unsigned l, int64_t now)
{
    int src = a->s.lines.source[l], lv = 0;
    if (tc_line_frame_source(src)) {
        unsigned n = a->n_recent < TC_RECENT_FRAMES ? a->n_recent : TC_RECENT_FRAMES;
        for (unsigned i = 0; i < n; i++) {
            tc_window w;
            if (tc_line_window(src, a->recent[i].t0, a->recent[i].exposure_ns, a->recent[i].line_ns,
                               a->recent[i].rows, &w) && now >= w.start && now < w.end)
                lv = 1;
        }
    } else {
        lv = static_source_level(a, src);
    }
    return lv ^ a->s.lines.inverter[l];
}

/* Queue a frame start at `start` caused by `line` (-1 software) whose edge was
 * at `edge`. Returns 0 queued, 1 missed (counted). */
static int queue_trigger(tc_acq *a, int64_t start, int line, int64_t edge, bool clamp_to_ready)
{
    int64_t ready = a->next_ready_ns;
    if (a->n_triggers > 0)
        ready = a->triggers[a->n_triggers - 1] + (int64_t)a->s.timing.min_period_ns;
    if (clamp_to_ready && start < ready)
        start = ready;
    /* The sensor takes a trigger only once the previous frame's period has
     * passed; anything earlier is missed, never queued silently. */
    if (start < ready || a->n_triggers == TC_TRIGGER_QUEUE) {
        a->missed++;
        return 1;
    }
    a->triggers[a->n_triggers] = start;
    a->trigger_line[a->n_triggers] = (int8_t)line;
    a->trigger_edge[a->n_triggers] = edge;
    a->n_triggers++;
    pthread_cond_broadcast(&a->cond);
    return 0;
}

static int trigger_line_of(int source)
{
    return source == 1 ? 0 : source == 3 ? 2 : source == 4 ? 3 : -1;
}

/* Frames of a freerun grid the host machine has fallen a whole period behind:
 * the sensor made them (their block ids are used) but the host could not, so
 * they are skipped and counted, and the grid is kept. Called with a->mu held. */
static void skip_overrun(tc_acq *a, int64_t *t_start, int64_t period)
{
    if (a->clock->is_virtual || period <= 0)
        return;
    int64_t now = tc_clock_now(a->clock);
    if (now < *t_start + period)
        return;
    uint64_t n = (uint64_t)((now - *t_start) / period);
    *t_start += (int64_t)n * period; /* the same integer step as the grid's */
    a->next_block_id += n;
    a->overruns += n;
    a->overruns_unlogged += n;
}

/* One log line per second at most while the host falls behind. */
static void log_overruns(tc_acq *a)
{
    int64_t now = tc_clock_now(a->clock);
    if (a->overruns_unlogged == 0 || a->clock->is_virtual || now - a->overrun_logged_ns < 1000000000)
        return;
    tc_log("camera", "host cannot keep up: %llu frames late or skipped (TwinOverruns %llu); "
                     "timestamps stay on the camera's timeline",
           (unsigned long long)a->overruns_unlogged, (unsigned long long)a->overruns);
    a->overruns_unlogged = 0;
    a->overrun_logged_ns = now;
}

/* Render one frame (sensor_mu, never a->mu: line edges and triggers go on
 * meanwhile), into its target if it has one. Returns 0, -1, or
 * TC_SENSOR_CANCELLED when an abort came meanwhile. */
static int render(tc_acq *a, const tc_acq_settings *s, uint64_t block_id, int64_t t_start,
                  tc_acq_frame *buf)
{
    pthread_mutex_unlock(&a->mu);
    pthread_mutex_lock(&a->sensor_mu);
    uint8_t *out = buf->target ? buf->target->data : buf->data;
    size_t cap = buf->target ? buf->target->size : buf->capacity;
    int rc = tc_sensor_render_cancellable(a->sensor, &s->sensor, block_id, t_start - s->ts_zero_ns,
                                          out, cap, &a->abort_render);
    pthread_mutex_unlock(&a->sensor_mu);
    pthread_mutex_lock(&a->mu);
    if (buf->target) {
        buf->target->state_ = T_RENDERED;
        pthread_cond_broadcast(&a->cond); /* a withdraw may wait for the render */
    }
    return rc;
}

/* A frame made but not queued (lost): back to the free list, its target
 * offered again. a->mu held. */
static void lose_frame(tc_acq *a, tc_acq_frame *f)
{
    tc_acq_target *t = f->target;
    if (t)
        t->state_ = T_OFFERED;
    unqueue_to_free(a, f);
    reoffer_targets(a, t, t);
}

/* One frame: choose its start, render it, queue it. Called with a->mu held;
 * returns false when the acquisition ends. */
static bool produce_one(tc_acq *a, int64_t *t_next)
{
    int64_t t_start;
    if (a->s.trigger_on) {
        flush_output_falls(a); /* no next frame is known: its window cannot merge */
        for (;;) {
            if (a->state != ST_RUNNING)
                return false;
            if (a->n_triggers == 0) {
                pthread_cond_wait(&a->cond, &a->mu);
                continue;
            }
            t_start = a->triggers[0];
            int tl = a->trigger_line[0];
            if (a->clock->is_virtual && tl >= 0 && a->s.lines.debounce_ns[tl] > 0 && !a->app_waiting) {
                pthread_cond_wait(&a->cond, &a->mu); /* a consumer's wait broadcasts */
                continue;
            }
            if (tc_clock_now(a->clock) >= t_start || a->clock->is_virtual)
                break;
            wait_once(a, t_start); /* woken early if the queue changes */
        }
        memmove(a->triggers, a->triggers + 1, (a->n_triggers - 1) * sizeof(a->triggers[0]));
        memmove(a->trigger_line, a->trigger_line + 1, (a->n_triggers - 1) * sizeof(a->trigger_line[0]));
        memmove(a->trigger_edge, a->trigger_edge + 1, (a->n_triggers - 1) * sizeof(a->trigger_edge[0]));
        a->n_triggers--;
        /* The sensor is busy from now: triggers arriving while this frame is
         * made must see it, not the state before it was taken. The fastest
         * the sensor can take triggers is the timing model's rate; the
         * freerun cap (AcquisitionFrameRate) does not apply. */
        a->next_ready_ns = t_start + (int64_t)a->s.timing.min_period_ns;
    } else {
        t_start = *t_next;
        skip_overrun(a, &t_start, (int64_t)a->s.timing.period_ns);
    }
    if (!wait_until(a, t_start))
        return false;

    tc_acq_frame *buf = take_free(a);
    while (!buf && a->deterministic && a->state == ST_RUNNING) {
        pthread_cond_wait(&a->cond, &a->mu);
        buf = take_free(a);
    }
    if (a->state != ST_RUNNING) {
        if (buf) {
            buf->next = a->free_list;
            a->free_list = buf;
        }
        return false;
    }

    tc_acq_settings s = a->s; /* settings latch at frame start */
    announce_frame(a, &s, t_start);
    s.sensor.temperature_c = s.self_heating ? tc_thermal_read(&a->thermal, t_start) : s.ambient_c;
    uint64_t block_id = a->next_block_id++;
    /* Handed over when readout starts: a port streams it at the readout pace,
     * so its last byte leaves when the real camera's would. */
    int64_t t_done = t_start + (int64_t)(s.sensor.exposure_us * 1e3);
    *t_next = t_start + (int64_t)s.timing.period_ns;

    if (buf) {
        buf->target = take_target(a, s.payload_bytes);
        if (buf->target)
            buf->target->frame_ = buf;
        const int rc = render(a, &s, block_id, t_start, buf);
        if (rc == TC_SENSOR_CANCELLED) { /* aborted: discarded, as the command says */
            lose_frame(a, buf);
            return false;
        }
        if (rc != 0) { /* settings the sensor refuses: a bug */
            lose_frame(a, buf);
            a->dropped++;
        } else {
            buf->size = s.payload_bytes;
            buf->block_id = block_id;
            buf->timestamp_ns = t_start - s.ts_zero_ns;
            buf->pixel_format = s.sensor.pixel_format;
            buf->width = s.sensor.width;
            buf->height = s.sensor.height;
            buf->offset_x = s.sensor.offset_x;
            buf->offset_y = s.sensor.offset_y;
            /* The pace its rows are read at; none on the virtual clock. */
            buf->line_time_ns = a->clock->is_virtual ? 0 : s.timing.line_time_ns;
            buf->link_Bps = s.timing.link_Bps;
            /* Abort may come while waiting for readout: the frame is then lost.
             * (A withdraw meanwhile may have moved it into its pool buffer.) */
            if (!wait_until(a, t_done) && a->state != ST_STOPPING) {
                lose_frame(a, buf);
                return false;
            }
            /* Made after its readout window ended: late. It keeps its model
             * timestamp; the host is reported, not the model bent. */
            if (!a->clock->is_virtual &&
                tc_clock_now(a->clock) > t_done + (int64_t)s.timing.readout_ns) {
                a->overruns++;
                a->overruns_unlogged++;
            }
            enqueue_ready(a, buf);
            pthread_cond_broadcast(&a->cond);
        }
    } else {
        a->dropped++; /* every buffer is held by the host: the frame is lost, and counted */
    }
    a->next_ready_ns = s.trigger_on ? t_start + (int64_t)s.timing.min_period_ns : *t_next;
    log_overruns(a);
    return true;
}

static void *producer(void *arg)
{
    tc_acq *a = arg;
    pthread_setname_np(pthread_self(), "tc-acquire");
    pthread_mutex_lock(&a->mu);
    int64_t t_next = tc_clock_now(a->clock);
    unsigned produced = 0;
    while (a->state == ST_RUNNING) {
        if (!produce_one(a, &t_next))
            break;
        produced++;
        if ((a->s.mode == TC_ACQ_SINGLE && produced >= 1) ||
            (a->s.mode == TC_ACQ_MULTI && produced >= a->s.frame_count))
            break;
    }
    a->state = ST_IDLE;
    int64_t now = tc_clock_now(a->clock);
    tc_thermal_set(&a->thermal, now, a->s.ambient_c, TC_POWER_IDLE_W);
    flush_output_falls(a);
    refresh_static_outputs(a, now); /* AcquisitionActive falls */
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* The model worker: when settings or the scene change, it builds what the
 * sensor needs for them (the mean image), so the producer does that work
 * inside a frame period only for rows a frame needs before the worker got to
 * them. It takes no lock the producer waits on while it computes (the sensor
 * builds each row outside its lock, sensor.h), so it cannot hold a frame up;
 * it runs at normal priority because a lower one would make the microseconds
 * it does hold the sensor's lock a priority inversion (a producer waiting for
 * a starved thread), and the producer and the senders, which sleep between
 * frames, preempt it when they wake. */
static void *model_worker(void *arg)
{
    tc_acq *a = arg;
    pthread_setname_np(pthread_self(), "tc-model");
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->worker_quit && a->model_want == a->model_done)
            pthread_cond_wait(&a->model_cond, &a->mu);
        if (a->worker_quit)
            break;
        const uint64_t gen = a->model_want;
        tc_sensor_params p = a->s.sensor;
        int more = 1;
        while (more > 0 && !a->worker_quit && a->model_want == gen) {
            pthread_mutex_unlock(&a->mu);
            more = tc_sensor_prepare_some(a->sensor, &p, TC_MODEL_SLICE_ROWS);
            pthread_mutex_lock(&a->mu);
        }
        if (more <= 0 && a->model_want == gen)
            a->model_done = gen; /* an error is the producer's to report (render fails) */
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* New settings or a new scene: the worker prepares them. a->mu held. */
static void model_kick(tc_acq *a)
{
    a->model_want++;
    pthread_cond_signal(&a->model_cond);
}

tc_acq *tc_acq_new(tc_sensor *sensor, tc_clock *clock, bool deterministic, double ambient_c,
                   unsigned buffers)
{
    tc_acq *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&a->model_cond, NULL);
    pthread_mutex_init(&a->mu, NULL);
    pthread_mutex_init(&a->sensor_mu, NULL);
    a->sensor = sensor;
    a->clock = clock;
    a->deterministic = deterministic;
    a->n_buffers = buffers < 2 ? 3 : buffers > 16 ? 16 : buffers;
    a->next_block_id = 1;
    a->s.ambient_c = ambient_c;
    a->s.self_heating = true;
    tc_thermal_init(&a->thermal, ambient_c, tc_clock_now(clock));
    if (pthread_create(&a->worker, NULL, model_worker, a) != 0) {
        tc_acq_free(a);
        return NULL;
    }
    a->worker_valid = true;
    return a;
}

static void join_thread(tc_acq *a)
{
    if (a->thread_valid) {
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->thread, NULL);
        pthread_mutex_lock(&a->mu);
        a->thread_valid = false;
    }
}

static void free_list(tc_acq_frame *f)
{
    while (f) {
        tc_acq_frame *n = f->next;
        free(f->data);
        free(f);
        f = n;
    }
}

void tc_acq_free(tc_acq *a)
{
    if (!a)
        return;
    tc_acq_stop(a, true);
    if (a->worker_valid) {
        pthread_mutex_lock(&a->mu);
        a->worker_quit = true;
        pthread_cond_signal(&a->model_cond);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->worker, NULL);
    }
    free_list(a->free_list);
    free_list(a->ready_head);
    /* Buffers still held by a consumer are the consumer's bug; they leak
     * rather than being freed under its feet. */
    pthread_mutex_destroy(&a->mu);
    pthread_mutex_destroy(&a->sensor_mu);
    pthread_cond_destroy(&a->cond);
    pthread_cond_destroy(&a->model_cond);
    free(a);
}

void tc_acq_configure(tc_acq *a, const tc_acq_settings *s)
{
    pthread_mutex_lock(&a->mu);
    int64_t now = tc_clock_now(a->clock);
    if (s->ambient_c != a->s.ambient_c)
        tc_thermal_set(&a->thermal, now, s->ambient_c, a->thermal.power_w);
    a->s = *s;
    model_kick(a);
    if (a->state == ST_RUNNING)
        tc_thermal_set(&a->thermal, now, s->ambient_c, streaming_power(s));
    refresh_static_outputs(a, now);
    pthread_mutex_unlock(&a->mu);
}

/* Frames queued but never taken go back to the pool. Called with a->mu held. */
static void flush_ready(tc_acq *a) { unqueue_all(a); }

/* A pool of n buffers of `size` bytes, every page touched. On a virtual
 * machine a first touch costs tens of microseconds a page (80 ms for one
 * 12 MB frame here): paid now, before acquisition starts, and not by the
 * frames' renders on the paced path. No lock held. */
static tc_acq_frame *make_pool(unsigned n, size_t size)
{
    tc_acq_frame *pool = NULL;
    for (unsigned i = 0; i < n; i++) {
        tc_acq_frame *f = calloc(1, sizeof(*f));
        uint8_t *data = f ? malloc(size) : NULL;
        if (!data) {
            free(f);
            free_list(pool);
            return NULL;
        }
        /* A write to every page (not memset 0: a compiler may fold malloc +
         * memset 0 into calloc, which touches nothing). */
        for (size_t off = 0; off < size; off += 4096)
            ((volatile uint8_t *)data)[off] = 0;
        f->data = data;
        f->capacity = size;
        f->next = pool;
        pool = f;
    }
    return pool;
}

int tc_acq_start(tc_acq *a)
{
    pthread_mutex_lock(&a->mu);
    if (a->state == ST_RUNNING) {
        pthread_mutex_unlock(&a->mu);
        return 0; /* already running: AcquisitionStart is idempotent */
    }
    join_thread(a); /* a SingleFrame/MultiFrame run that ended by itself */
    flush_ready(a);
    /* n_buffers buffers big enough for the payload. A pool is kept while it
     * fits (a smaller payload reuses it: no new pages to touch), including
     * buffers a port still holds from the last acquisition (a GigE resend
     * window outlives its acquisition), which come back when released; the
     * buffers of a replaced pool are freed when released. The device lock,
     * held by the caller, keeps the settings. */
    const size_t need = a->s.payload_bytes ? a->s.payload_bytes : 1;
    /* The pool's bytes are bounded too (TC_ACQ_POOL_BYTES): asked for 8
     * buffers, a 16-bit full frame gets 6, and the camera stays under 200 MB
     * resident serving any format. */
    unsigned count = a->n_buffers;
    if ((size_t)count * need > TC_ACQ_POOL_BYTES) {
        size_t fit = TC_ACQ_POOL_BYTES / need;
        count = fit < TC_ACQ_POOL_MIN ? TC_ACQ_POOL_MIN : (unsigned)fit;
        if (count > a->n_buffers)
            count = a->n_buffers;
    }
    if (a->generation == 0 || a->buffer_size < need || a->pool_count < count) {
        pthread_mutex_unlock(&a->mu);
        tc_acq_frame *pool = make_pool(count, need);
        pthread_mutex_lock(&a->mu);
        if (!pool) {
            pthread_mutex_unlock(&a->mu);
            return TC_ENOMEM;
        }
        free_list(a->free_list);
        a->free_list = pool;
        a->generation++;
        a->buffer_size = need;
        a->pool_count = count;
        for (tc_acq_frame *f = pool; f; f = f->next)
            f->generation = a->generation;
    }
    int rc = 0;
    a->state = ST_RUNNING;
    atomic_store(&a->abort_render, false);
    a->n_triggers = 0;
    a->next_ready_ns = tc_clock_now(a->clock);
    tc_thermal_set(&a->thermal, a->next_ready_ns, a->s.ambient_c, streaming_power(&a->s));
    if (pthread_create(&a->thread, NULL, producer, a) != 0) {
        a->state = ST_IDLE;
        rc = TC_ENOMEM;
    } else {
        a->thread_valid = true;
        a->runs++;
        model_kick(a);
        refresh_static_outputs(a, a->next_ready_ns);
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void tc_acq_stop(tc_acq *a, bool abort)
{
    pthread_mutex_lock(&a->mu);
    if (a->state == ST_RUNNING)
        a->state = ST_STOPPING;
    if (abort)
        atomic_store(&a->abort_render, true); /* the frame being made is discarded, not finished */
    pthread_cond_broadcast(&a->cond);
    join_thread(a);
    a->state = ST_IDLE;
    refresh_static_outputs(a, tc_clock_now(a->clock));
    if (abort)
        flush_ready(a);
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
}

bool tc_acq_running(tc_acq *a)
{
    pthread_mutex_lock(&a->mu);
    bool r = a->state == ST_RUNNING;
    pthread_mutex_unlock(&a->mu);
    return r;
}

int tc_acq_trigger(tc_acq *a, int64_t t_ns)
{
    pthread_mutex_lock(&a->mu);
    int rc;
    if (a->state != ST_RUNNING || !a->s.trigger_on) {
        rc = TC_EBUSY;
    } else {
        int64_t start = t_ns + (int64_t)(a->s.trigger_delay_us * 1e3);
        /* On the virtual clock the host's "now" means nothing: a software
         * trigger is taken at the earliest instant the sensor accepts it. */
        rc = queue_trigger(a, start, -1, t_ns, a->clock->is_virtual);
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

int tc_acq_wait(tc_acq *a, tc_acq_frame **out, int timeout_ms)
{
    struct timespec ts;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)timeout_ms * 1000000;
        abs_timespec(ns, &ts);
    }
    pthread_mutex_lock(&a->mu);
    int rc = 0;
    while (!a->ready_head) {
        if (a->state != ST_RUNNING) {
            rc = TC_EBUSY;
            break;
        }
        if (a->app_waiting++ == 0)
            pthread_cond_broadcast(&a->cond); /* a producer holding a debounced trigger */
        int timed_out = 0;
        if (timeout_ms < 0)
            pthread_cond_wait(&a->cond, &a->mu);
        else
            timed_out = pthread_cond_timedwait(&a->cond, &a->mu, &ts) == ETIMEDOUT;
        a->app_waiting--;
        if (timed_out) {
            rc = a->ready_head ? 0 : TC_ETIMEOUT;
            break;
        }
    }
    if (a->ready_head) {
        rc = 0;
        *out = take_ready(a);
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void tc_acq_release(tc_acq *a, tc_acq_frame *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&a->mu);
    if (f->target) { /* the port's memory is the port's again */
        f->target->state_ = T_FREE;
        f->target->frame_ = NULL;
        f->target = NULL;
    } else {
        a->pool_out--;
    }
    if (f->generation != a->generation || f->capacity != a->buffer_size) {
        free(f->data);
        free(f);
    } else {
        f->next = a->free_list;
        a->free_list = f;
        pthread_cond_broadcast(&a->cond);
    }
    pthread_mutex_unlock(&a->mu);
}

/* One of the engine's counters, read under its lock. */
static uint64_t counter(tc_acq *a, const uint64_t *c)
{
    pthread_mutex_lock(&a->mu);
    uint64_t v = *c;
    pthread_mutex_unlock(&a->mu);
    return v;
}

uint64_t tc_acq_dropped(tc_acq *a) { return counter(a, &a->dropped); }

unsigned tc_acq_pool_buffers(tc_acq *a)
{
    pthread_mutex_lock(&a->mu);
    unsigned n = a->pool_count;
    pthread_mutex_unlock(&a->mu);
    return n;
}

void tc_acq_count_dropped(tc_acq *a)
{
    pthread_mutex_lock(&a->mu);
    a->dropped++;
    pthread_mutex_unlock(&a->mu);
}

uint64_t tc_acq_missed_triggers(tc_acq *a) { return counter(a, &a->missed); }

double tc_acq_temperature(tc_acq *a, int64_t now_ns)
{
    pthread_mutex_lock(&a->mu);
    double t = a->s.self_heating ? tc_thermal_read(&a->thermal, now_ns) : a->s.ambient_c;
    pthread_mutex_unlock(&a->mu);
    return t;
}

void tc_acq_sensor_lock(tc_acq *a) { pthread_mutex_lock(&a->sensor_mu); }
void tc_acq_sensor_unlock(tc_acq *a)
{
    pthread_mutex_unlock(&a->sensor_mu);
    pthread_mutex_lock(&a->mu);
    model_kick(a); /* a new scene: its mean image is to be made */
    pthread_mutex_unlock(&a->mu);
}

uint64_t tc_acq_overruns(tc_acq *a) { return counter(a, &a->overruns); }

/* Level of input `line` at `t` from its edge list. a->mu held. */
static int input_level_at(const tc_acq *a, unsigned line, int64_t t)
{
    for (unsigned i = a->edges[line].n; i-- > 0;)
        if (a->edges[line].t[i] <= t)
            return a->edges[line].level[i];
    return a->edges[line].before;
}

/* Record an edge; edges already past except the latest are forgotten. */
static void record_edge(tc_acq *a, unsigned line, int level, int64_t t, int64_t now)
{
    edge_list *e = &a->edges[line];
    while (e->n >= 2 && e->t[1] <= now) {
        e->before = e->level[0];
        memmove(e->t, e->t + 1, (e->n - 1) * sizeof(e->t[0]));
        memmove(e->level, e->level + 1, (e->n - 1) * sizeof(e->level[0]));
        e->n--;
    }
    e->t[e->n] = t;
    e->level[e->n] = (int8_t)level;
    e->n++;
}

int tc_acq_drive_line(tc_acq *a, unsigned line, int level, int64_t t_ns)
{
    if (line >= TC_LINES)
        return TC_EINVAL;
    level = level != 0;
    pthread_mutex_lock(&a->mu);
    if (a->s.lines.output[line] || level == a->raw[line]) {
        pthread_mutex_unlock(&a->mu);
        return 0;
    }
    int64_t now = tc_clock_now(a->clock);
    unsigned ahead = 0;
    for (unsigned i = 0; i < a->edges[line].n; i++)
        ahead += a->edges[line].t[i] > now;
    /* Edges are handed over in time order, and at most TC_EDGES_AHEAD ahead of
     * their time: each acts at its time, none is dropped silently. */
    if (a->edges[line].n && t_ns < a->edges[line].t[a->edges[line].n - 1]) {
        pthread_mutex_unlock(&a->mu);
        return TC_EINVAL;
    }
    if (t_ns > now && ahead >= TC_EDGES_AHEAD) {
        pthread_mutex_unlock(&a->mu);
        return TC_EBUSY;
    }
    record_edge(a, line, level, t_ns, now);
    int64_t prev_t = a->raw_t[line];
    a->raw[line] = level;
    a->raw_t[line] = t_ns;
    int eff = level ^ a->s.lines.inverter[line];
    publish(a, line, eff, t_ns);
    /* Debouncer: a level that does not last LineDebouncerTime is a glitch;
     * the trigger its first edge queued is withdrawn. */
    double deb = a->s.lines.debounce_ns[line];
    if (deb > 0 && (double)(t_ns - prev_t) < deb) {
        for (unsigned i = 0; i < a->n_triggers; i++)
            if (a->trigger_line[i] == (int)line && a->trigger_edge[i] == prev_t) {
                unsigned rest = a->n_triggers - i - 1;
                memmove(a->triggers + i, a->triggers + i + 1, rest * sizeof(a->triggers[0]));
                memmove(a->trigger_line + i, a->trigger_line + i + 1, rest * sizeof(a->trigger_line[0]));
                memmove(a->trigger_edge + i, a->trigger_edge + i + 1, rest * sizeof(a->trigger_edge[0]));
                a->n_triggers--;
                pthread_cond_broadcast(&a->cond);
                break;
            }
    }
    int wanted = a->s.trigger_activation == 0 ? 1 : 0; /* rising: the line went high */
    if (a->state == ST_RUNNING && a->s.trigger_on && trigger_line_of(a->s.trigger_source) == (int)line &&
        eff == wanted)
        queue_trigger(a, t_ns + (int64_t)(deb + a->s.trigger_delay_us * 1e3), (int)line, t_ns, false);
    pthread_mutex_unlock(&a->mu);
    return 0;
}

int tc_acq_line_level(tc_acq *a, unsigned line, int64_t now_ns)
{
    if (line >= TC_LINES)
        return 0;
    pthread_mutex_lock(&a->mu);
    int lv = a->s.lines.output[line] ? output_level(a, line, now_ns)
                                     : input_level_at(a, line, now_ns) ^ a->s.lines.inverter[line];
    pthread_mutex_unlock(&a->mu);
    return lv;
}

int tc_acq_watch_lines(tc_acq *a, tc_acq_line_cb cb, void *ctx)
{
    int h = -1;
    pthread_mutex_lock(&a->mu);
    for (int i = 0; i < TC_WATCHERS && h < 0; i++)
        if (!a->watchers[i].cb) {
            a->watchers[i].cb = cb;
            a->watchers[i].ctx = ctx;
            h = i;
        }
    pthread_mutex_unlock(&a->mu);
    return h;
}

void tc_acq_unwatch_lines(tc_acq *a, int handle)
{
    if (handle < 0 || handle >= TC_WATCHERS)
        return;
    pthread_mutex_lock(&a->mu);
    a->watchers[handle].cb = NULL;
    pthread_mutex_unlock(&a->mu);
}

void tc_acq_power_cycle(tc_acq *a, double ambient_c)
{
    tc_acq_stop(a, true);
    pthread_mutex_lock(&a->mu);
    int64_t now = tc_clock_now(a->clock);
    a->next_block_id = 1;
    a->dropped = a->missed = a->overruns = a->overruns_unlogged = 0;
    a->overrun_logged_ns = 0;
    /* Input levels are the wiring's, not the camera's: a power cycle keeps them. */
    a->n_triggers = 0;
    a->n_recent = 0;
    a->active_since = a->active_until = 0;
    a->next_ready_ns = 0;
    a->s.ambient_c = ambient_c;
    tc_thermal_init(&a->thermal, ambient_c, now);
    pthread_mutex_unlock(&a->mu);
}

/* ---- for the port interface ---- */

int tc_acq_wait_event(tc_acq *a, tc_acq_waiter *w, tc_acq_frame **out, int timeout_ms)
{
    struct timespec ts;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)timeout_ms * 1000000;
        abs_timespec(ns, &ts);
    }
    pthread_mutex_lock(&a->mu);
    int rc;
    for (;;) {
        /* A cancel first: a port closing must not wait for frames to stop. */
        if (w->cancel) {
            w->cancel = false;
            rc = TC_ACQ_EV_CANCELLED;
            break;
        }
        /* A start or stop before any frame: a port must know which
         * acquisition a frame belongs to (GigE ends its resend window at a
         * start); frames left queued by a stop still follow. */
        bool running = a->state == ST_RUNNING;
        if (w->running && (!running || a->runs != w->run)) {
            w->running = false; /* stopped, or stopped and started again meanwhile */
            rc = TC_ACQ_EV_STOPPED;
            break;
        }
        if (!w->running && running) {
            w->running = true;
            w->run = a->runs;
            rc = TC_ACQ_EV_STARTED;
            break;
        }
        if (a->ready_head) {
            *out = take_ready(a);
            rc = TC_ACQ_EV_FRAME;
            break;
        }
        /* Every change the loop looks at broadcasts a->cond: frames queued,
         * stop, the producer ending by itself, tc_acq_wake_waiters, cancel. */
        if (a->app_waiting++ == 0)
            pthread_cond_broadcast(&a->cond); /* a producer holding a debounced trigger */
        int timed_out = 0;
        if (timeout_ms < 0)
            pthread_cond_wait(&a->cond, &a->mu);
        else
            timed_out = pthread_cond_timedwait(&a->cond, &a->mu, &ts) == ETIMEDOUT;
        a->app_waiting--;
        if (timed_out && !a->ready_head && !w->cancel && (a->state == ST_RUNNING) == w->running &&
            (!w->running || a->runs == w->run)) {
            rc = TC_ETIMEOUT;
            break;
        }
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void tc_acq_cancel_wait(tc_acq *a, tc_acq_waiter *w)
{
    pthread_mutex_lock(&a->mu);
    w->cancel = true;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
}

void tc_acq_wake_waiters(tc_acq *a)
{
    pthread_mutex_lock(&a->mu);
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
}

unsigned tc_acq_drop_queued(tc_acq *a)
{
    pthread_mutex_lock(&a->mu);
    unsigned n = unqueue_all(a);
    a->dropped += n;
    if (n)
        pthread_cond_broadcast(&a->cond); /* a deterministic producer may wait for a buffer */
    pthread_mutex_unlock(&a->mu);
    return n;
}

int tc_acq_offer(tc_acq *a, tc_acq_target *t)
{
    pthread_mutex_lock(&a->mu);
    int rc = 0;
    if (t->state_ != T_FREE) {
        rc = TC_EBUSY;
    } else {
        t->state_ = T_OFFERED;
        t->frame_ = NULL;
        t->next_ = NULL;
        if (a->targets_tail)
            a->targets_tail->next_ = t;
        else
            a->targets_head = t;
        a->targets_tail = t;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

int tc_acq_withdraw(tc_acq *a, tc_acq_target *t)
{
    pthread_mutex_lock(&a->mu);
    while (t->state_ == T_RENDERING) /* at most one render: its end broadcasts */
        pthread_cond_wait(&a->cond, &a->mu);
    int rc = 0;
    switch (t->state_) {
    case T_OFFERED: { /* unused: out of the queue */
        tc_acq_target **p = &a->targets_head, *prev = NULL;
        while (*p != t) {
            prev = *p;
            p = &(*p)->next_;
        }
        *p = t->next_;
        if (a->targets_tail == t)
            a->targets_tail = prev;
        t->next_ = NULL;
        break;
    }
    case T_RENDERED:
    case T_QUEUED: {
        /* Its frame moves into its own pool buffer (a copy, on this rare
         * path only), so the frame is kept and the memory given back. */
        tc_acq_frame *f = t->frame_;
        memcpy(f->data, t->data, f->size);
        f->target = NULL;
        if (t->state_ == T_QUEUED)
            a->pool_out++; /* a pool frame now queued; a rendered one counts when queued */
        break;
    }
    case T_TAKEN: rc = TC_EBUSY; break;
    default: break;
    }
    if (rc == 0) {
        t->state_ = T_FREE;
        t->frame_ = NULL;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}
