/* The port interface's frames (device_port.h): the wait every port thread
 * blocks on, giving frames back, the targets frames are rendered into, and
 * the readout pacing every port sends by. */
#include "core/device_port.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/timing.h"

#define SAME(ev) ((int)TC_PORT_##ev == (int)TC_ACQ_EV_##ev)
_Static_assert(SAME(FRAME) && SAME(STARTED) && SAME(STOPPED) && SAME(CANCELLED),
               "the port's event codes are the engine's");

/* Fill the port's view of an engine frame, with its pacing. */
static void describe(tc_acq_frame *a, tc_port_frame *f)
{
    f->target = a->target; /* a taken frame's target no longer changes */
    f->data = a->target ? a->target->data : a->data;
    f->size = a->size;
    f->block_id = a->block_id;
    f->timestamp_ns = (uint64_t)a->timestamp_ns;
    f->pixel_format = a->pixel_format;
    f->width = a->width;
    f->height = a->height;
    f->offset_x = a->offset_x;
    f->offset_y = a->offset_y;
    f->priv_ = a;
    /* The engine queues a frame when its readout starts, so a port that was
     * waiting takes it at that instant; one that was busy starts late, as a
     * camera whose link was still carrying the previous frame would. */
    f->readout_ns = tc_mono_ns();
    /* The frame's own pace, latched at its start: no lock a slow command may
     * hold, and settings changed since do not apply to it. */
    f->line_time_ns = a->line_time_ns;
    f->link_Bps = a->link_Bps;
}

int tc_port_wait(tc_device *d, tc_port_waiter *w, tc_port_frame *f, int timeout_ms)
{
    tc_acq_frame *a = NULL;
    int rc = tc_acq_wait_event(d->acq, w, &a, timeout_ms);
    if (rc == TC_ACQ_EV_FRAME)
        describe(a, f);
    return rc;
}

void tc_port_cancel(tc_device *d, tc_port_waiter *w) { tc_acq_cancel_wait(d->acq, w); }

int tc_port_take(tc_device *d, tc_port_frame *f, int timeout_ms)
{
    tc_acq_frame *a = NULL;
    int rc = tc_acq_wait(d->acq, &a, timeout_ms);
    if (rc == 0)
        describe(a, f);
    return rc;
}

void tc_port_release(tc_device *d, tc_port_frame *f)
{
    if (!f->priv_)
        return;
    tc_acq_release(d->acq, f->priv_);
    f->priv_ = NULL;
    f->data = NULL;
    f->target = NULL;
}

void tc_port_drop(tc_device *d, tc_port_frame *f)
{
    if (!f->priv_)
        return;
    tc_acq_count_dropped(d->acq);
    tc_port_release(d, f);
}

uint64_t tc_port_frames_dropped(tc_device *d) { return tc_acq_dropped(d->acq); }

unsigned tc_port_frame_buffers(tc_device *d) { return tc_acq_pool_buffers(d->acq); }

int tc_port_offer(tc_device *d, tc_port_target *t) { return tc_acq_offer(d->acq, t); }
int tc_port_withdraw(tc_device *d, tc_port_target *t) { return tc_acq_withdraw(d->acq, t); }

int64_t tc_port_due_ns(const tc_port_frame *f, size_t end)
{
    size_t row_bytes = f->height ? f->size / f->height : f->size;
    if (f->line_time_ns <= 0 || row_bytes == 0)
        return f->readout_ns;
    size_t rows = (end + row_bytes - 1) / row_bytes;
    return f->readout_ns + (int64_t)((double)rows * f->line_time_ns);
}

void tc_port_pace(const tc_port_frame *f, size_t end)
{
    int64_t t = tc_port_due_ns(f, end);
    struct timespec ts = { t / 1000000000, t % 1000000000 };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

double tc_port_pace_Bps(const tc_port_frame *f)
{
    if (f->line_time_ns <= 0 || f->height == 0)
        return TC_LINK_MAX_BPS;
    const double rows_Bps = (double)f->size / f->height * 1e9 / f->line_time_ns;
    return rows_Bps < TC_LINK_MAX_BPS ? rows_Bps : TC_LINK_MAX_BPS;
}

double tc_port_link_max_Bps(void) { return TC_LINK_MAX_BPS; }

int64_t tc_port_link_slot(tc_port_link *l, int64_t due_ns, int64_t now_ns, size_t bytes, double Bps)
{
    int64_t start = due_ns;
    if (start < now_ns)
        start = now_ns;
    if (start < l->free_ns)
        start = l->free_ns;
    l->free_ns = start + (Bps > 0 ? (int64_t)((double)bytes * 1e9 / Bps) : 0);
    return start;
}
