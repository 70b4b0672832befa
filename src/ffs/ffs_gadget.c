/* The FunctionFS port (ffs_gadget.h): endpoint files and threads around the
 * U3V core.
 *
 *  - main thread (the caller's): writes descriptors and strings to ep0 and
 *    reads ep0 events until *stop;
 *  - control thread: one GenCP command per bulk OUT transfer on ep1,
 *    tc_u3v_cp_serve, the ack as one bulk IN transfer on ep2;
 *  - stream thread: blocks in the core's frame wait; frames to ep4
 *    (tc_u3v_send_frame, at the core's readout pace).
 *
 * Endpoint I/O goes through Linux AIO (io_submit on the endpoint file, a
 * completion eventfd per thread) rather than read()/write(): a blocking
 * write() waits until the host reads, and a host that stops reading would
 * hold the thread forever. With AIO each thread polls its completion
 * eventfd and an abort eventfd, and cancels what is in flight when the
 * abort fires (stream disabled, host gone, shutdown); FunctionFS dequeues
 * the USB request. Endpoint files are opened O_NONBLOCK, so a transfer on
 * an endpoint the host has not enabled fails with EAGAIN instead of
 * blocking in io_submit; the threads wait for ENABLE on a condition.
 *
 * Locks: mu guards enabled/stopping (cv signals their changes); bs_mu
 * serialises the GenCP memory between the control and stream threads. */
#include "ffs/ffs_gadget.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ffs/ffs_descriptors.h"
#include "u3v/u3v_bootstrap.h"
#include "u3v/u3v_cp.h"
#include "u3v/u3v_device.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/ready.h"

/* FunctionFS copies each request into a kernel buffer of its size; 256 KiB
 * pieces keep those allocations modest while four of them in flight keep a
 * 1 MiB host transfer fed. A piece is a multiple of every bulk packet size,
 * so splitting never ends the host's transfer early. */
#define CHUNK (256u * 1024u)
#define MAX_INFLIGHT 16u

typedef struct aio_chan {
    aio_context_t ctx;
    int done_fd;  /* eventfd: a count per completed request */
    int abort_fd; /* eventfd: written to cancel what is in flight */
    uint64_t seq; /* tags requests, so a late completion of an abandoned one is ignored */
} aio_chan;

typedef struct gadget {
    tc_device *dev;
    char label[128];
    int ep0, ctrl_out, ctrl_in, stream_in;
    volatile sig_atomic_t *stop;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool enabled, stopping;

    pthread_mutex_t bs_mu;
    tc_u3v_bootstrap bs;
    tc_u3v_cp_target target;

    tc_port_waiter waiter;      /* the stream thread's frame wait */
    aio_chan ctrl, stream;
    uint8_t *cmd_buf, *ack_buf;
    size_t cmd_cap;
    uint64_t commands, frames_sent, frames_aborted, frames_dropped, stream_bytes;
    int64_t stream_ns;
} gadget;

/* ---- logging ---- */

#define logf_(g, ...) tc_log((g)->label, __VA_ARGS__)


/* ---- AIO on endpoint files ---- */

static long sys_io_setup(unsigned n, aio_context_t *ctx) { return syscall(SYS_io_setup, n, ctx); }
static long sys_io_destroy(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long sys_io_submit(aio_context_t ctx, long n, struct iocb **cbs)
{
    return syscall(SYS_io_submit, ctx, n, cbs);
}
static long sys_io_getevents(aio_context_t ctx, long min, long max, struct io_event *ev,
                             struct timespec *t)
{
    return syscall(SYS_io_getevents, ctx, min, max, ev, t);
}
static long sys_io_cancel(aio_context_t ctx, struct iocb *cb, struct io_event *ev)
{
    return syscall(SYS_io_cancel, ctx, cb, ev);
}

static int chan_open(aio_chan *ch)
{
    memset(ch, 0, sizeof(*ch));
    ch->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ch->abort_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ch->done_fd < 0 || ch->abort_fd < 0 || sys_io_setup(MAX_INFLIGHT, &ch->ctx) != 0)
        return -1;
    return 0;
}

static void chan_close(aio_chan *ch)
{
    if (ch->ctx)
        sys_io_destroy(ch->ctx);
    if (ch->done_fd >= 0)
        close(ch->done_fd);
    if (ch->abort_fd >= 0)
        close(ch->abort_fd);
}

static void fd_signal(int fd)
{
    uint64_t one = 1;
    if (write(fd, &one, sizeof(one)) < 0) {
        /* the counter is saturated: it is signalled already */
    }
}

static void fd_drain(int fd)
{
    uint64_t v;
    while (read(fd, &v, sizeof(v)) > 0)
        ;
}

/* Reap finished requests of batch `tag` without waiting; returns how many,
 * adding their bytes to *total and keeping the first error in *err. */
static unsigned reap(aio_chan *ch, uint64_t tag, unsigned pending, ssize_t *total, long *err)
{
    struct io_event ev[MAX_INFLIGHT];
    struct timespec zero = { 0, 0 };
    long got = sys_io_getevents(ch->ctx, 0, pending, ev, &zero);
    unsigned mine = 0;
    for (long i = 0; i < got; i++) {
        if (ev[i].data != tag)
            continue; /* a request abandoned by an earlier batch */
        mine++;
        if (ev[i].res < 0) {
            if (!*err)
                *err = (long)ev[i].res;
        } else {
            *total += (ssize_t)ev[i].res;
        }
    }
    return mine;
}

/* One transfer of len bytes (0: a zero-length packet) to or from an
 * endpoint file, in CHUNK pieces, at most MAX_INFLIGHT at a time. Returns
 * the bytes moved, -ECANCELED when the channel's abort fired, or another
 * negative errno (EAGAIN: endpoint not enabled; ESHUTDOWN: host gone). */
static ssize_t chan_io(aio_chan *ch, int fd, bool write_dir, uint8_t *buf, size_t len)
{
    ssize_t total = 0;
    size_t off = 0;
    do {
        struct iocb cbs[MAX_INFLIGHT], *ptrs[MAX_INFLIGHT];
        uint64_t tag = ++ch->seq;
        unsigned n = 0;
        do {
            size_t piece = len - off < CHUNK ? len - off : CHUNK;
            memset(&cbs[n], 0, sizeof(cbs[n]));
            cbs[n].aio_fildes = (uint32_t)fd;
            cbs[n].aio_lio_opcode = write_dir ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
            cbs[n].aio_buf = (uint64_t)(uintptr_t)(buf + off);
            cbs[n].aio_nbytes = piece;
            cbs[n].aio_flags = IOCB_FLAG_RESFD;
            cbs[n].aio_resfd = (uint32_t)ch->done_fd;
            cbs[n].aio_data = tag;
            ptrs[n] = &cbs[n];
            off += piece;
            n++;
        } while (off < len && n < MAX_INFLIGHT);
        long submitted = sys_io_submit(ch->ctx, n, ptrs);
        if (submitted <= 0)
            return submitted < 0 ? -errno : -EIO;
        long err = (unsigned long)submitted < n ? -EIO : 0;
        unsigned pending = (unsigned)submitted;
        bool aborted = false;
        int64_t give_up = 0;
        while (pending) {
            struct pollfd p[2] = { { ch->done_fd, POLLIN, 0 }, { ch->abort_fd, POLLIN, 0 } };
            int pr = poll(p, aborted ? 1 : 2, aborted ? 100 : -1);
            if (pr < 0 && errno != EINTR)
                return -errno;
            if (!aborted && pr > 0 && (p[1].revents & POLLIN)) {
                aborted = true;
                give_up = tc_mono_ns() + 2000000000; /* cancelled requests complete at once */
                for (unsigned i = 0; i < (unsigned)submitted; i++) {
                    struct io_event ev;
                    sys_io_cancel(ch->ctx, &cbs[i], &ev); /* EINPROGRESS, or done already */
                }
            }
            if (p[0].revents & POLLIN)
                fd_drain(ch->done_fd);
            pending -= reap(ch, tag, pending, &total, &err);
            if (aborted && pending && tc_mono_ns() > give_up)
                return -ECANCELED; /* the seq tag keeps stragglers out of later batches */
        }
        if (aborted)
            return -ECANCELED;
        if (err)
            return err;
    } while (off < len);
    return total;
}

/* A transfer of len bytes that fills whole packets but is shorter than the
 * host's request needs a zero-length packet to end it on the host side. */
static bool needs_zlp(int fd, size_t len, size_t host_len)
{
    if (!len || len >= host_len)
        return false;
    struct usb_endpoint_descriptor d;
    unsigned mps = 1024;
    if (ioctl(fd, FUNCTIONFS_ENDPOINT_DESC, &d) == 0 && d.wMaxPacketSize)
        mps = d.wMaxPacketSize & 0x7FF; /* little-endian on the hosts we run on */
    return len % mps == 0;
}

static ssize_t chan_send(aio_chan *ch, int fd, const uint8_t *data, size_t len, size_t host_len)
{
    ssize_t n = chan_io(ch, fd, true, (uint8_t *)data, len);
    if (n >= 0 && needs_zlp(fd, len, host_len)) {
        ssize_t z = chan_io(ch, fd, true, (uint8_t *)data, 0);
        if (z < 0)
            return z;
    }
    return n;
}

/* ---- state ---- */

static bool wait_enabled(gadget *g)
{
    pthread_mutex_lock(&g->mu);
    while (!g->enabled && !g->stopping)
        tc_cond_wait_ms(&g->cv, &g->mu, 200);
    bool go = !g->stopping;
    pthread_mutex_unlock(&g->mu);
    return go;
}

/* After a failed transfer: let the ep0 thread catch up with what the host
 * did (disable, re-enable) instead of retrying in a tight loop. */
static void pause_after_error(gadget *g)
{
    pthread_mutex_lock(&g->mu);
    if (!g->stopping)
        tc_cond_wait_ms(&g->cv, &g->mu, 50);
    pthread_mutex_unlock(&g->mu);
}

static bool stopping(gadget *g)
{
    pthread_mutex_lock(&g->mu);
    bool s = g->stopping;
    pthread_mutex_unlock(&g->mu);
    return s;
}

/* ---- control channel ---- */

static void *control_main(void *arg)
{
    gadget *g = arg;
    pthread_setname_np(pthread_self(), "tc-ffs-ctrl");
    while (wait_enabled(g)) {
        fd_drain(g->ctrl.abort_fd);
        ssize_t n = chan_io(&g->ctrl, g->ctrl_out, false, g->cmd_buf, g->cmd_cap);
        if (n < 0) {
            pause_after_error(g);
            continue;
        }
        /* A slow command: the host hears first that the ack will be late
         * (tc_u3v_slow_command), then waits for it. */
        uint16_t request_id;
        if (tc_u3v_slow_command(g->cmd_buf, (size_t)n, &request_id)) {
            uint8_t pend[TC_U3V_CP_HEADER_LEN + TC_U3V_PENDING_ACK_SCD_LEN];
            size_t pn = tc_u3v_cp_build_pending_ack(pend, sizeof(pend), request_id,
                                                    TC_U3V_SLOW_PENDING_MS);
            if (pn && chan_send(&g->ctrl, g->ctrl_in, pend, pn, g->target.max_ack_transfer) < 0) {
                pause_after_error(g);
                continue;
            }
        }
        pthread_mutex_lock(&g->bs_mu);
        bool before = tc_u3v_bootstrap_stream_enabled(&g->bs);
        size_t a = tc_u3v_cp_serve(&g->target, g->cmd_buf, (size_t)n, g->ack_buf,
                                   g->target.max_ack_transfer);
        char line[200];
        tc_u3v_describe_command(&g->bs, g->cmd_buf, (size_t)n, g->ack_buf, a, before, line,
                                sizeof(line));
        bool after = tc_u3v_bootstrap_stream_enabled(&g->bs);
        pthread_mutex_unlock(&g->bs_mu);
        g->commands++;
        if (line[0])
            logf_(g, "%s", line);
        if (before && !after)
            fd_signal(g->stream.abort_fd); /* the host will not read the frame in flight */
        pthread_cond_broadcast(&g->cv);
        if (a && chan_send(&g->ctrl, g->ctrl_in, g->ack_buf, a, g->target.max_ack_transfer) < 0)
            pause_after_error(g);
    }
    return NULL;
}

/* ---- stream ---- */

static int stream_transfer(void *ctx, const uint8_t *data, size_t len, size_t host_len)
{
    gadget *g = ctx;
    ssize_t n = chan_send(&g->stream, g->stream_in, data, len, host_len);
    if (n < 0)
        return (int)n;
    /* relaxed atomics: the main thread's status line reads them */
    __atomic_fetch_add(&g->stream_bytes, (uint64_t)n, __ATOMIC_RELAXED);
    return 0;
}

static void *stream_main(void *arg)
{
    gadget *g = arg;
    pthread_setname_np(pthread_self(), "tc-ffs-stream");
    while (!stopping(g)) {
        tc_port_frame f;
        int rc = tc_port_wait(g->dev, &g->waiter, &f, -1);
        if (rc != TC_PORT_FRAME)
            continue; /* started, stopped, or cancelled by the shutdown */
        /* Clear the abort before looking at the stream state: a disable
         * after the look then cancels the frame's transfers. */
        fd_drain(g->stream.abort_fd);
        pthread_mutex_lock(&g->mu);
        bool enabled = g->enabled;
        pthread_mutex_unlock(&g->mu);
        tc_u3v_stream_plan plan;
        pthread_mutex_lock(&g->bs_mu);
        int prc = enabled ? tc_u3v_bootstrap_frame_plan(&g->bs, &f, &plan) : -1;
        pthread_mutex_unlock(&g->bs_mu);
        if (prc != 0) {
            /* stream not enabled, or a frame of an earlier acquisition */
            tc_port_drop(g->dev, &f);
            g->frames_dropped++;
            continue;
        }
        int64_t t0 = tc_mono_ns();
        rc = tc_u3v_send_frame(&f, &plan, stream_transfer, g);
        g->stream_ns += tc_mono_ns() - t0;
        if (rc == 0) {
            if (!g->frames_sent)
                logf_(g, "first frame sent (block %llu, %zu B)", (unsigned long long)f.block_id,
                      f.size);
            tc_port_release(g->dev, &f);
            __atomic_fetch_add(&g->frames_sent, 1, __ATOMIC_RELAXED);
        } else {
            logf_(g, "frame %llu abandoned: %s", (unsigned long long)f.block_id, strerror(-rc));
            /* A short transfer (the leader) may already sit in the
             * controller's FIFO: flush it where the UDC can (dummy_hcd
             * cannot; hosts then skip the stale leader, as Aravis does). */
            if (ioctl(g->stream_in, FUNCTIONFS_FIFO_FLUSH) < 0) {
                /* endpoint disabled meanwhile: nothing to flush */
            }
            tc_port_drop(g->dev, &f);
            g->frames_aborted++;
        }
    }
    return NULL;
}

/* ---- ep0 ---- */

static void host_gone(gadget *g, const char *why)
{
    pthread_mutex_lock(&g->mu);
    bool was = g->enabled;
    g->enabled = false;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    fd_signal(g->ctrl.abort_fd);
    fd_signal(g->stream.abort_fd);
    if (!was)
        return;
    unsigned dropped = tc_port_host_gone(g->dev);
    g->frames_dropped += dropped;
    pthread_mutex_lock(&g->bs_mu);
    tc_u3v_bootstrap_reset(&g->bs);
    pthread_mutex_unlock(&g->bs_mu);
    logf_(g, "host %s: acquisition stopped, stream closed, %u queued frames dropped", why, dropped);
}

static void on_event(gadget *g, const struct usb_functionfs_event *ev)
{
    switch (ev->type) {
    case FUNCTIONFS_BIND:
        logf_(g, "bound to a USB device controller");
        break;
    case FUNCTIONFS_ENABLE: {
        pthread_mutex_lock(&g->bs_mu);
        tc_u3v_bootstrap_reset(&g->bs); /* a newly configured host starts from power-on values */
        pthread_mutex_unlock(&g->bs_mu);
        struct usb_endpoint_descriptor d = { 0 };
        unsigned mps = ioctl(g->stream_in, FUNCTIONFS_ENDPOINT_DESC, &d) == 0 ? d.wMaxPacketSize : 0;
        unsigned addr = d.bEndpointAddress;
        pthread_mutex_lock(&g->mu);
        g->enabled = true;
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
        logf_(g, "host configured the device (stream endpoint 0x%02x, %u-byte packets)", addr, mps);
        break;
    }
    case FUNCTIONFS_DISABLE: host_gone(g, "deconfigured the device"); break;
    case FUNCTIONFS_UNBIND: host_gone(g, "unbound the function"); break;
    case FUNCTIONFS_SETUP:
        /* USB3 Vision has no class or vendor requests on ep0: stall by
         * answering in the direction opposite to the request's. */
        if (ev->u.setup.bRequestType & USB_DIR_IN) {
            if (read(g->ep0, NULL, 0) < 0) {
                /* EL2HLT: the stall was sent */
            }
        } else if (write(g->ep0, NULL, 0) < 0) {
            /* likewise */
        }
        logf_(g, "ep0 request 0x%02x/0x%02x stalled", ev->u.setup.bRequestType,
              ev->u.setup.bRequest);
        break;
    default: break; /* SUSPEND, RESUME: nothing to do */
    }
}

/* ---- set-up ---- */

static int open_ep(const char *dir, unsigned n, int flags)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/ep%u", dir, n);
    return open(path, flags | O_NONBLOCK | O_CLOEXEC);
}

/* Write descriptors and strings; with the Device Info descriptor if the
 * kernel takes it. Returns 0, or -1 with the reason printed. */
static int write_descriptors(gadget *g, const char *dir)
{
    tc_u3v_descriptors ss, hs;
    if (tc_u3v_descriptors_for_camera(g->dev, TC_USB_SPEED_SUPER, &ss) != 0 ||
        tc_u3v_descriptors_for_camera(g->dev, TC_USB_SPEED_HIGH, &hs) != 0) {
        fprintf(stderr, "twincam: cannot build the USB descriptors\n");
        return -1;
    }
    uint8_t blob[1024];
    bool with_info = true;
    for (;;) {
        size_t n = tc_ffs_build_descriptors(blob, sizeof(blob), &ss, &hs, with_info);
        if (n && write(g->ep0, blob, n) == (ssize_t)n)
            break;
        int e = errno;
        if (!with_info || e != EINVAL) {
            fprintf(stderr, "twincam: %s/ep0 refused the descriptors: %s\n", dir, strerror(e));
            return -1;
        }
        /* Linux 6.1 takes class-specific descriptors only for HID and CCID:
         * the device goes without its U3V Device Info descriptor. */
        logf_(g, "the kernel refused the U3V Device Info descriptor (%s): enumerating without it, "
                 "so hosts cannot read the device GUID (docs/usb3vision.md)",
              strerror(e));
        with_info = false;
        close(g->ep0);
        char path[4096];
        snprintf(path, sizeof(path), "%s/ep0", dir);
        if ((g->ep0 = open(path, O_RDWR | O_CLOEXEC)) < 0) {
            fprintf(stderr, "twincam: cannot reopen %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    size_t n = tc_ffs_build_strings(blob, sizeof(blob), &ss);
    if (!n || write(g->ep0, blob, n) != (ssize_t)n) {
        fprintf(stderr, "twincam: %s/ep0 refused the strings: %s\n", dir, strerror(errno));
        return -1;
    }
    logf_(g, "descriptors written%s; waiting for the UDC to be bound",
          with_info ? " (with the U3V Device Info descriptor)" : "");
    return 0;
}

/* The status hook's snapshot (main thread): what the stream thread sent,
 * and whether a host has the device configured. */
static void report_status(gadget *g, const tc_port_status_hook *hook)
{
    pthread_mutex_lock(&g->mu);
    unsigned hosts = g->enabled ? 1 : 0;
    pthread_mutex_unlock(&g->mu);
    tc_port_status ps = { .now_ns = tc_mono_ns(),
                          .frames_sent = __atomic_load_n(&g->frames_sent, __ATOMIC_RELAXED),
                          .bytes_sent = __atomic_load_n(&g->stream_bytes, __ATOMIC_RELAXED),
                          .clients = hosts };
    hook->report(hook->ctx, &ps);
}

int tc_ffs_gadget_serve(tc_device *dev, const char *dir, volatile sig_atomic_t *stop)
{
    return tc_ffs_gadget_serve_with(dev, dir, stop, NULL);
}

int tc_ffs_gadget_serve_with(tc_device *dev, const char *dir, volatile sig_atomic_t *stop,
                             const tc_port_status_hook *status)
{
    gadget *g = calloc(1, sizeof(*g));
    if (!g)
        return -1;
    int rc = -1;
    bool threads = false;
    pthread_t ctrl_t, stream_t;
    g->dev = dev;
    g->stop = stop;
    g->ep0 = g->ctrl_out = g->ctrl_in = g->stream_in = -1;
    g->ctrl.done_fd = g->ctrl.abort_fd = g->stream.done_fd = g->stream.abort_fd = -1;
    snprintf(g->label, sizeof(g->label), "ffs %s", dir);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    pthread_mutex_init(&g->bs_mu, NULL);
    if (tc_u3v_bootstrap_init(&g->bs, dev, NULL) != 0) {
        fprintf(stderr, "twincam: cannot set up the USB3 Vision memory map\n");
        goto out;
    }
    tc_u3v_bootstrap_target(&g->bs, &g->target);
    /* f_fs rounds an OUT read up to whole packets: room for that. */
    g->cmd_cap = (g->target.max_cmd_transfer + 1023u) & ~1023u;
    g->cmd_buf = malloc(g->cmd_cap);
    g->ack_buf = malloc(g->target.max_ack_transfer);
    if (!g->cmd_buf || !g->ack_buf || chan_open(&g->ctrl) != 0 || chan_open(&g->stream) != 0) {
        fprintf(stderr, "twincam: cannot set up AIO: %s\n", strerror(errno));
        goto out;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/ep0", dir);
    if ((g->ep0 = open(path, O_RDWR | O_CLOEXEC)) < 0) {
        fprintf(stderr, "twincam: cannot open %s (is FunctionFS mounted there?): %s\n", path,
                strerror(errno));
        goto out;
    }
    if (write_descriptors(g, dir) != 0)
        goto out;
    g->ctrl_out = open_ep(dir, TC_FFS_EP_CONTROL_OUT, O_RDONLY);
    g->ctrl_in = open_ep(dir, TC_FFS_EP_CONTROL_IN, O_WRONLY);
    g->stream_in = open_ep(dir, TC_FFS_EP_STREAM_IN, O_WRONLY);
    if (g->ctrl_out < 0 || g->ctrl_in < 0 || g->stream_in < 0) {
        fprintf(stderr, "twincam: cannot open the endpoint files in %s: %s\n", dir, strerror(errno));
        goto out;
    }
    if (pthread_create(&ctrl_t, NULL, control_main, g) != 0)
        goto out;
    if (pthread_create(&stream_t, NULL, stream_main, g) != 0) {
        pthread_mutex_lock(&g->mu);
        g->stopping = true;
        pthread_mutex_unlock(&g->mu);
        pthread_join(ctrl_t, NULL);
        goto out;
    }
    threads = true;
    rc = 0;
    tc_ready_announce("USB3 Vision through FunctionFS");
    int64_t status_due = status && status->period_ms
                             ? tc_mono_ns() + (int64_t)status->period_ms * 1000000
                             : INT64_MAX;
    while (!*stop) {
        if (tc_mono_ns() >= status_due) {
            report_status(g, status);
            status_due += (int64_t)status->period_ms * 1000000;
        }
        struct pollfd p = { g->ep0, POLLIN, 0 };
        int pr = poll(&p, 1, 200); /* the status line may be up to 200 ms late */
        if (pr <= 0)
            continue;
        struct usb_functionfs_event ev[4];
        ssize_t n = read(g->ep0, ev, sizeof(ev));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            logf_(g, "ep0: %s", strerror(errno));
            rc = -1;
            break;
        }
        for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
            on_event(g, &ev[i]);
    }
out:
    if (threads) {
        host_gone(g, "left (shutting down)");
        pthread_mutex_lock(&g->mu);
        g->stopping = true;
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
        fd_signal(g->ctrl.abort_fd);
        fd_signal(g->stream.abort_fd);
        tc_port_cancel(g->dev, &g->waiter); /* the stream thread may sit in its frame wait */
        pthread_join(ctrl_t, NULL);
        pthread_join(stream_t, NULL);
        logf_(g, "stopping: %llu commands, %llu frames sent (%.1f MB, %.1f MB/s while sending), "
                 "%llu aborted, %llu dropped",
              (unsigned long long)g->commands, (unsigned long long)g->frames_sent,
              (double)g->stream_bytes / 1e6,
              g->stream_ns ? (double)g->stream_bytes / 1e6 / ((double)g->stream_ns / 1e9) : 0.0,
              (unsigned long long)g->frames_aborted, (unsigned long long)g->frames_dropped);
    }
    int fds[] = { g->ep0, g->ctrl_out, g->ctrl_in, g->stream_in };
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    chan_close(&g->ctrl);
    chan_close(&g->stream);
    free(g->cmd_buf);
    free(g->ack_buf);
    pthread_mutex_destroy(&g->bs_mu);
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
    return rc;
}
