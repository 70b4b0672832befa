/* The camera's lines on Linux GPIO character devices (gpio_map.h), with
 * libgpiod's v1 API.
 *
 * Threads: the camera's line watcher (on_edge) runs on a camera thread with
 * the camera's line lock held; it only queues the edge under m->mu and writes
 * the eventfd. The map's own thread owns every GPIO line request and calls the
 * camera (tc_drive_line, tc_line_level, tc_line_is_output) never while
 * holding m->mu, so the two locks are never taken in the other order.
 *
 * Time: the camera's real clock and the times of tc_drive_line and of the
 * line watcher are CLOCK_MONOTONIC (not shifted by TimestampReset, which only
 * moves the zero of frame timestamps); so is the kernel's stamp on v1 line
 * events (gpiolib-cdev takes ktime_get_ns() since Linux 5.7). Due times of
 * output edges are therefore compared with CLOCK_MONOTONIC here.
 *
 * Input levels: with both edges requested, the v1 uAPI decides "rising" or
 * "falling" by reading the line in the kernel's IRQ thread, after the stamp
 * was taken in the hard IRQ handler; a pulse shorter than that latency comes
 * as two "falling" events (seen under QEMU: the pulse was lost). Every event
 * is a change, though, so the map takes each one as a toggle of the level it
 * knows and keeps the kernel's word only as a diagnostic (mistyped). Should
 * an edge be lost outright (two edges in one interrupt, a full event queue),
 * the pin is read again once the line has been quiet for SETTLE_NS and the
 * camera is put right (resynced). */
#include "io/gpio_map.h"

#include <errno.h>
#include <gpiod.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "io/gpio_logic.h"

#define CONSUMER "twincam"
#define MODE_CHECK_NS (100 * 1000000LL)
#define EVENTS_PER_READ 16
#define SETTLE_NS (100 * 1000000LL)

enum { DIR_NONE = -1, DIR_IN = 0, DIR_OUT = 1 };

typedef struct pin {
    bool mapped;
    unsigned cam_line;
    char desc[TC_GPIO_CHIP_MAX]; /* the chip as the spec named it */
    unsigned offset;
    struct gpiod_chip *chip;
    struct gpiod_line *line;
    atomic_int dir;      /* DIR_*; written by the map's thread (or start) only */
    int fd;              /* event descriptor while DIR_IN */
    int out_level;       /* last level set while DIR_OUT */
    int level;           /* input level as the camera was last told */
    int64_t settle_at;   /* when to compare it with the pin; 0: not due */
    bool failed;         /* given up after an error; stays unmapped */
    bool warned_resync, warned_stamp;
    tc_edge_queue q;     /* guarded by m->mu */
    atomic_uint_fast64_t edges_in, levels_out, mistyped, resynced, odd_stamps;
} pin;

struct tc_gpio_map {
    tc_camera *cam;
    pin pin[TC_GPIO_LINES];
    pthread_mutex_t mu;
    int wake_fd;
    int watch;
    atomic_int stop;
    bool check_modes;    /* Line2 or Line3 mapped: LineMode can change */
    bool mode_check_now; /* map thread only */
    bool thread_started;
    pthread_t thread;
};

static int64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *dir_name(int dir)
{
    return dir == DIR_IN ? "input" : dir == DIR_OUT ? "output" : "unmapped";
}

static void wake(tc_gpio_map *m)
{
    uint64_t one = 1;
    ssize_t w = write(m->wake_fd, &one, sizeof(one)); /* EAGAIN: a wake-up is pending anyway */
    (void)w;
}

/* Camera thread, camera's line lock held: queue and wake, nothing else. */
static void on_edge(void *ctx, unsigned line, int level, uint64_t t_ns)
{
    tc_gpio_map *m = ctx;
    if (line >= TC_GPIO_LINES || !m->pin[line].mapped)
        return;
    pthread_mutex_lock(&m->mu);
    tc_edge_queue_push(&m->pin[line].q, (int64_t)t_ns, level);
    pthread_mutex_unlock(&m->mu);
    wake(m);
}

static int request_error(pin *p, const char *as, char *err, size_t cap)
{
    int e = errno;
    const char *user = NULL;
    if (e == EBUSY && gpiod_line_update(p->line) == 0)
        user = gpiod_line_consumer(p->line);
    snprintf(err, cap, "gpio: Line%u: cannot request %s:%u as %s: %s%s%s%s", p->cam_line, p->desc,
             p->offset, as, strerror(e), user ? " (used by '" : "", user ? user : "", user ? "')" : "");
    return TC_EIO;
}

static void release(pin *p)
{
    if (atomic_load(&p->dir) != DIR_NONE)
        gpiod_line_release(p->line);
    p->fd = -1;
    atomic_store(&p->dir, DIR_NONE);
}

/* Request the GPIO line the way the camera line now needs it. */
static int set_direction(tc_gpio_map *m, pin *p, int dir, char *err, size_t cap)
{
    if (atomic_load(&p->dir) == dir)
        return 0;
    release(p);
    if (dir == DIR_OUT) {
        /* The level read reflects every edge up to t; those still queued
         * are forgotten, later ones apply when due. */
        int64_t t = mono_now();
        int level = tc_line_level(m->cam, p->cam_line);
        if (gpiod_line_request_output(p->line, CONSUMER, level) < 0)
            return request_error(p, "an output", err, cap);
        pthread_mutex_lock(&m->mu);
        tc_edge_queue_drop_until(&p->q, t);
        pthread_mutex_unlock(&m->mu);
        p->out_level = level;
    } else {
        if (gpiod_line_request_both_edges_events(p->line, CONSUMER) < 0)
            return request_error(p, "an input with edge events", err, cap);
        p->fd = gpiod_line_event_get_fd(p->line);
        /* Events are on from here; a change between the request and this
         * read is put right by the settle check. */
        int level = gpiod_line_get_value(p->line);
        if (p->fd < 0 || level < 0) {
            int rc = request_error(p, "an input (reading its level)", err, cap);
            gpiod_line_release(p->line);
            p->fd = -1;
            return rc;
        }
        p->level = level;
        p->settle_at = mono_now() + SETTLE_NS;
        if (tc_drive_line(m->cam, p->cam_line, level, 0) == TC_EACCESS)
            m->mode_check_now = true; /* became an output meanwhile */
    }
    atomic_store(&p->dir, dir);
    return 0;
}

static int wanted_direction(tc_gpio_map *m, unsigned line)
{
    if (line == 0)
        return DIR_IN; /* the datasheet's trigger input */
    if (line == 1)
        return DIR_OUT; /* the flash output */
    return tc_line_is_output(m->cam, line) > 0 ? DIR_OUT : DIR_IN;
}

static void give_up(pin *p, const char *why)
{
    fprintf(stderr, "twincam: gpio: Line%u (%s:%u): %s; the line is no longer mapped\n", p->cam_line,
            p->desc, p->offset, why);
    release(p);
    p->failed = true;
}

static void check_modes(tc_gpio_map *m)
{
    for (unsigned l = 2; l < TC_GPIO_LINES; l++) {
        pin *p = &m->pin[l];
        if (!p->mapped || p->failed)
            continue;
        int want = wanted_direction(m, l);
        if (want == atomic_load(&p->dir))
            continue;
        char err[256];
        if (set_direction(m, p, want, err, sizeof(err)) != 0) {
            give_up(p, err);
            continue;
        }
        fprintf(stderr, "twincam: gpio: Line%u is now an %s; %s:%u requested as %s\n", l, dir_name(want),
                p->desc, p->offset, dir_name(want));
    }
}

/* Set outputs whose edges are due; due edges of lines that are not (or not
 * yet) GPIO outputs are echoes of inputs, or precede a direction change that
 * reads the level afresh: dropped. Late edges are still set one by one, so a
 * short pulse is late but never lost. */
static void apply_due(tc_gpio_map *m, int64_t now)
{
    for (unsigned l = 0; l < TC_GPIO_LINES; l++) {
        pin *p = &m->pin[l];
        if (!p->mapped)
            continue;
        tc_edge due[TC_EDGE_QUEUE_CAP];
        unsigned n = 0;
        pthread_mutex_lock(&m->mu);
        while (n < TC_EDGE_QUEUE_CAP && tc_edge_queue_pop_due(&p->q, now, &due[n]))
            n++;
        pthread_mutex_unlock(&m->mu);
        if (atomic_load(&p->dir) != DIR_OUT)
            continue;
        for (unsigned i = 0; i < n; i++) {
            if (due[i].level == p->out_level)
                continue;
            if (gpiod_line_set_value(p->line, due[i].level) < 0) {
                char why[160];
                snprintf(why, sizeof(why), "setting the output failed: %s", strerror(errno));
                give_up(p, why);
                break;
            }
            p->out_level = due[i].level;
            atomic_fetch_add(&p->levels_out, 1);
        }
    }
}

static void read_events(tc_gpio_map *m, pin *p)
{
    struct gpiod_line_event ev[EVENTS_PER_READ];
    int n = gpiod_line_event_read_fd_multiple(p->fd, ev, EVENTS_PER_READ);
    if (n < 0) {
        char why[160];
        snprintf(why, sizeof(why), "reading events failed: %s", strerror(errno));
        give_up(p, why);
        return;
    }
    int64_t now = mono_now();
    p->settle_at = now + SETTLE_NS;
    for (int i = 0; i < n; i++) {
        int level = !p->level; /* an event is a change (see the top) */
        if ((ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE) != level)
            atomic_fetch_add(&p->mistyped, 1);
        bool plausible;
        int64_t t = tc_gpio_event_time((int64_t)ev[i].ts.tv_sec, (int64_t)ev[i].ts.tv_nsec, now, &plausible);
        if (!plausible) {
            atomic_fetch_add(&p->odd_stamps, 1);
            if (!p->warned_stamp)
                fprintf(stderr, "twincam: gpio: Line%u: event stamp %lld.%09ld s is not CLOCK_MONOTONIC now "
                                "(%lld ns); using the time it was read\n",
                        p->cam_line, (long long)ev[i].ts.tv_sec, (long)ev[i].ts.tv_nsec, (long long)now);
            p->warned_stamp = true;
        }
        p->level = level;
        if (tc_drive_line(m->cam, p->cam_line, level, (uint64_t)t) == TC_EACCESS) {
            m->mode_check_now = true; /* the camera made it an output */
            return;
        }
        atomic_fetch_add(&p->edges_in, 1);
    }
}

/* The line has been quiet for SETTLE_NS: does the pin agree with the level
 * the camera has? Not if an edge was lost; then the camera takes the pin's
 * level now. Events already waiting are read first. */
static void settle(tc_gpio_map *m, pin *p)
{
    p->settle_at = 0;
    struct pollfd pf = { p->fd, POLLIN, 0 };
    if (poll(&pf, 1, 0) > 0)
        return; /* read them; the check is due again after them */
    int level = gpiod_line_get_value(p->line);
    if (level < 0 || level == p->level)
        return;
    atomic_fetch_add(&p->resynced, 1);
    if (!p->warned_resync)
        fprintf(stderr, "twincam: gpio: Line%u: the pin is at %d, its events said %d: an edge was lost "
                        "(shorter than the kernel's interrupt latency?); the camera takes %d now\n",
                p->cam_line, level, p->level, level);
    p->warned_resync = true;
    p->level = level;
    if (tc_drive_line(m->cam, p->cam_line, level, 0) == TC_EACCESS)
        m->mode_check_now = true;
}

static void *gpio_main(void *arg)
{
    tc_gpio_map *m = arg;
    pthread_setname_np(pthread_self(), "tc-gpio");
    int64_t next_check = m->check_modes ? mono_now() + MODE_CHECK_NS : INT64_MAX;
    while (!atomic_load(&m->stop)) {
        int64_t now = mono_now();
        if (m->check_modes && (m->mode_check_now || now >= next_check)) {
            check_modes(m);
            next_check = now + MODE_CHECK_NS;
        }
        m->mode_check_now = false;
        apply_due(m, now);
        int64_t next = next_check;
        for (unsigned l = 0; l < TC_GPIO_LINES; l++) {
            pin *p = &m->pin[l];
            if (atomic_load(&p->dir) != DIR_IN || !p->settle_at)
                continue;
            if (now >= p->settle_at)
                settle(m, p);
            if (p->settle_at && p->settle_at < next)
                next = p->settle_at;
        }
        pthread_mutex_lock(&m->mu);
        for (unsigned l = 0; l < TC_GPIO_LINES; l++)
            if (m->pin[l].mapped && tc_edge_queue_next(&m->pin[l].q) < next)
                next = tc_edge_queue_next(&m->pin[l].q);
        pthread_mutex_unlock(&m->mu);

        struct pollfd pfd[1 + TC_GPIO_LINES];
        pin *who[1 + TC_GPIO_LINES];
        nfds_t n = 0;
        pfd[n++] = (struct pollfd){ m->wake_fd, POLLIN, 0 };
        for (unsigned l = 0; l < TC_GPIO_LINES; l++)
            if (atomic_load(&m->pin[l].dir) == DIR_IN) {
                who[n] = &m->pin[l];
                pfd[n++] = (struct pollfd){ m->pin[l].fd, POLLIN, 0 };
            }
        struct timespec ts, *tsp = NULL;
        if (next != INT64_MAX) {
            int64_t d = next - mono_now();
            if (d < 0)
                d = 0;
            ts.tv_sec = (time_t)(d / 1000000000LL);
            ts.tv_nsec = (long)(d % 1000000000LL);
            tsp = &ts;
        }
        int r = ppoll(pfd, n, tsp, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "twincam: gpio: poll failed: %s; GPIO mapping stopped\n", strerror(errno));
            break;
        }
        if (pfd[0].revents & POLLIN) {
            uint64_t v;
            ssize_t rd = read(m->wake_fd, &v, sizeof(v));
            (void)rd;
        }
        for (nfds_t k = 1; k < n; k++) {
            if (pfd[k].revents & POLLIN)
                read_events(m, who[k]);
            else if (pfd[k].revents & (POLLERR | POLLHUP | POLLNVAL))
                give_up(who[k], "the GPIO line went away");
        }
    }
    return NULL;
}

static void destroy(tc_gpio_map *m)
{
    if (m->watch >= 0)
        tc_unwatch_lines(m->cam, m->watch); /* no on_edge runs after this */
    if (m->thread_started) {
        atomic_store(&m->stop, 1);
        wake(m);
        pthread_join(m->thread, NULL);
    }
    for (unsigned l = 0; l < TC_GPIO_LINES; l++) {
        pin *p = &m->pin[l];
        if (p->line)
            release(p);
        if (p->chip)
            gpiod_chip_close(p->chip);
    }
    if (m->wake_fd >= 0)
        close(m->wake_fd);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

int tc_gpio_map_start(tc_camera *cam, const char *spec, tc_gpio_map **out, char *err, size_t err_cap)
{
    char scratch[256];
    if (!err || !err_cap) {
        err = scratch;
        err_cap = sizeof(scratch);
    }
    err[0] = 0;
    if (out)
        *out = NULL;
    if (!cam || !out) {
        snprintf(err, err_cap, "gpio: NULL argument");
        return TC_EINVAL;
    }
    tc_gpio_spec sp;
    if (tc_gpio_spec_parse(spec, &sp, err, err_cap) != 0)
        return TC_EINVAL;
    tc_gpio_map *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, err_cap, "gpio: out of memory");
        return TC_ENOMEM;
    }
    m->cam = cam;
    m->wake_fd = -1;
    m->watch = -1;
    pthread_mutex_init(&m->mu, NULL);
    for (unsigned l = 0; l < TC_GPIO_LINES; l++) {
        pin *p = &m->pin[l];
        p->mapped = sp.line[l].mapped;
        p->cam_line = l;
        memcpy(p->desc, sp.line[l].chip, sizeof(p->desc));
        p->offset = sp.line[l].offset;
        p->fd = -1;
        atomic_init(&p->dir, DIR_NONE);
        m->check_modes |= p->mapped && l >= 2;
    }
    int rc = TC_EIO;
    m->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m->wake_fd < 0) {
        snprintf(err, err_cap, "gpio: eventfd: %s", strerror(errno));
        goto fail;
    }
    for (unsigned l = 0; l < TC_GPIO_LINES; l++) {
        pin *p = &m->pin[l];
        if (!p->mapped)
            continue;
        p->chip = gpiod_chip_open_lookup(p->desc);
        if (!p->chip) {
            snprintf(err, err_cap,
                     "gpio: Line%u: no GPIO chip '%s' (%s); give a name (gpiochip0), a /dev path, a label or a number",
                     l, p->desc, strerror(errno));
            goto fail;
        }
        unsigned lines = gpiod_chip_num_lines(p->chip);
        if (p->offset >= lines) {
            snprintf(err, err_cap, "gpio: Line%u: chip '%s' (%s, \"%s\") has %u lines; no offset %u", l, p->desc,
                     gpiod_chip_name(p->chip), gpiod_chip_label(p->chip), lines, p->offset);
            goto fail;
        }
        p->line = gpiod_chip_get_line(p->chip, p->offset);
        if (!p->line) {
            snprintf(err, err_cap, "gpio: Line%u: no line %u on '%s': %s", l, p->offset, p->desc, strerror(errno));
            goto fail;
        }
    }
    /* Edges count from here; the first requests read the levels after. */
    m->watch = tc_watch_lines(cam, on_edge, m);
    if (m->watch < 0) {
        snprintf(err, err_cap, "gpio: %s", tc_camera_last_error(cam));
        rc = TC_EBUSY;
        goto fail;
    }
    for (unsigned l = 0; l < TC_GPIO_LINES; l++)
        if (m->pin[l].mapped && set_direction(m, &m->pin[l], wanted_direction(m, l), err, err_cap) != 0)
            goto fail;
    if (pthread_create(&m->thread, NULL, gpio_main, m) != 0) {
        snprintf(err, err_cap, "gpio: cannot start a thread");
        rc = TC_ENOMEM;
        goto fail;
    }
    m->thread_started = true;
    *out = m;
    return 0;
fail:
    destroy(m);
    return rc;
}

void tc_gpio_map_stop(tc_gpio_map *m)
{
    if (m)
        destroy(m);
}

size_t tc_gpio_map_describe(tc_gpio_map *m, char *buf, size_t cap)
{
    if (!buf || !cap)
        return 0;
    buf[0] = 0;
    if (!m)
        return 0;
    size_t k = 0;
    for (unsigned l = 0; l < TC_GPIO_LINES && k < cap; l++) {
        pin *p = &m->pin[l];
        if (!p->mapped)
            continue;
        int dir = atomic_load(&p->dir);
        pthread_mutex_lock(&m->mu);
        unsigned long long dropped = (unsigned long long)p->q.dropped;
        pthread_mutex_unlock(&m->mu);
        int w = snprintf(buf + k, cap - k,
                         "Line%u %s %s:%u (%s): %llu edges in (%llu mistyped by the kernel), %llu resynced, "
                         "%llu odd stamps; %llu levels out, %llu output edges dropped\n",
                         l, dir == DIR_OUT ? "->" : dir == DIR_IN ? "<-" : "--", p->desc, p->offset, dir_name(dir),
                         (unsigned long long)atomic_load(&p->edges_in), (unsigned long long)atomic_load(&p->mistyped),
                         (unsigned long long)atomic_load(&p->resynced), (unsigned long long)atomic_load(&p->odd_stamps),
                         (unsigned long long)atomic_load(&p->levels_out), dropped);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    return k < cap ? k : cap - 1;
}
