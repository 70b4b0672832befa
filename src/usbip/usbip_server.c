/* The USB/IP port (usbip_server.h): sockets and threads around the U3V core.
 *
 *  - main thread (the caller's): a poll loop that accepts TCP connections on
 *    ADDR:PORT and answers the operation phase: OP_REQ_DEVLIST (reply,
 *    close) and OP_REQ_IMPORT (reply, then hand the socket to a
 *    connection). It never blocks on a host: each one in the operation
 *    phase has a buffer and a deadline (OP_DEADLINE_MS for the whole
 *    request, however it dribbles in), at most OP_PENDING_MAX at once, so
 *    a slow or silent host delays no other.
 *  - connection reader thread: reads URBs (CMD_SUBMIT, CMD_UNLINK) and
 *    answers ep0 requests, control-channel bulk OUT (one GenCP command ->
 *    tc_u3v_cp_serve -> ack queued for the next bulk IN of endpoint 1),
 *    queues bulk IN requests of the event and stream endpoints, unlinks.
 *  - connection command thread, for a slow command only (a WRITEMEM whose
 *    span the core flags TC_FF_SLOW: a firmware installed on Close,
 *    DeviceReset, UserSetLoad, ...): the OUT transfer completes at once, a
 *    PENDING_ACK is queued, and the command runs in this thread while the
 *    reader goes on taking URBs, so the host's IN request gets the
 *    PENDING_ACK and the next one the ack. Run in the reader, such a
 *    command held the OUT transfer open longer than a host waits for it
 *    (Aravis: the device's 200 ms response time); the host sent it again
 *    and it ran twice (a second Close: "not open"). The reader waits for
 *    it before the next command, so commands still run one at a time.
 *  - connection stream thread: blocks in the core's frame wait, and fills
 *    the queued stream IN requests with leader, payload transfers (the SIRM
 *    plan the host programmed) and trailer, released at the core's readout
 *    pace, payload straight from the frame (writev, no copy).
 *
 * Locks: send_mu serialises whole replies on the socket; mu guards the
 * queues and flags (taken after send_mu when both are needed, so a request
 * leaves its queue and gets its RET_SUBMIT in one step and an unlink can
 * never overtake it); bs_mu serialises the GenCP memory (bootstrap) between
 * the reader and the stream thread.
 *
 * When the host goes away (TCP close, or a protocol error), the core's
 * host-gone clean-up runs (tc_port_host_gone), the host-programmed registers
 * are reset and the next import starts from a healthy camera. */
#include "usbip/usbip_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/device_port.h"
#include "core/feature.h"
#include "u3v/u3v_bootstrap.h"
#include "u3v/u3v_cp.h"
#include "u3v/u3v_descriptors.h"
#include "u3v/u3v_device.h"
#include "u3v/u3v_stream.h"
#include "usbip/usbip_proto.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/ready.h"
#include "util/tcp_keepalive.h"

#define EP_CONTROL (TC_U3V_EP_CONTROL_OUT & 0x0F)
#define EP_EVENT (TC_U3V_EP_EVENT_IN & 0x0F)
#define EP_STREAM (TC_U3V_EP_STREAM_IN & 0x0F)
#define QUEUE_MAX 2048 /* pending IN requests per endpoint */
#define ACKS_MAX 8     /* acks waiting for a control IN request */
#define EPIPE_ST TC_USBIP_ST_EPIPE

typedef struct pending {
    uint32_t seqnum, len;
} pending;

typedef struct queue {
    pending q[QUEUE_MAX];
    unsigned n; /* kept in arrival order; small shifts are cheap */
} queue;

typedef struct ack {
    uint8_t *buf;
    size_t len;
} ack;

struct tc_usbip_server;

typedef struct conn {
    struct tc_usbip_server *srv;
    int fd;
    char peer[64];
    pthread_t reader, streamer;
    int streamer_started;
    int finished; /* reader done: main thread joins (atomic) */
    tc_port_waiter waiter; /* the stream thread's frame wait */

    pthread_mutex_t send_mu, mu;
    pthread_cond_t cv;
    int closing;
    queue ctrl_in, event_in, stream_in;
    ack acks[ACKS_MAX];
    unsigned ack_head, ack_n;
    bool halted[16];
    uint8_t configuration;
    uint64_t stream_gen; /* bumped by halt/clear on the stream endpoint */

    uint8_t *rx;         /* OUT data of the URB being read */
    size_t rx_cap;
    uint8_t *ack_scratch;

    /* The slow command running in its own thread (control_out). */
    pthread_t slow_thread;
    int slow_started;
    uint8_t *slow_cmd;
    size_t slow_len, slow_cap;

    uint64_t urbs, unlinks, commands, frames_sent, frames_aborted, frames_dropped,
        stream_bytes;
    int64_t stream_ns; /* time from a frame's leader to its trailer, summed */
} conn;

/* Limits of the operation phase (docs/usb3vision.md): a request is 8 or 40
 * bytes, so a host that has not sent it within the deadline is dropped. */
#define OP_DEADLINE_MS 2000
#define OP_PENDING_MAX 32
#define LISTEN_BACKLOG 64
/* A host that vanishes without closing (powered off, VM killed) is noticed
 * like an unplugged cable: an idle connection is probed after 10 s, every
 * 5 s, and dropped after 3 unanswered probes; stream data left
 * unacknowledged for 30 s drops it too (docs/usb3vision.md). */
#define PEER_IDLE_S 10
#define PEER_INTVL_S 5
#define PEER_PROBES 3
#define PEER_UNACKED_MS 30000

/* A host in the operation phase: its request so far. */
typedef struct op_host {
    int fd; /* -1: free slot */
    char peer[64];
    uint8_t req[TC_USBIP_OP_HEADER_LEN + TC_USBIP_BUSID_LEN];
    size_t len;
    int64_t deadline_ms;
} op_host;

struct tc_usbip_server {
    tc_device *dev;
    int listen_fd;
    op_host ops[OP_PENDING_MAX];
    tc_log_limit op_log; /* operation-phase lines: any host can repeat them */
    uint16_t port;
    char label[64];
    pthread_mutex_t bs_mu;
    tc_u3v_bootstrap bs;
    tc_u3v_cp_target target;
    tc_u3v_descriptors desc;
    conn *active;
    uint64_t done_frames, done_bytes; /* of the connections that ended */
    int trace; /* TWINCAM_USBIP_TRACE=1: one line per bulk URB, for debugging */
};

/* ---- logging ---- */

#define logf_(s, ...) tc_log((s)->label, __VA_ARGS__)
/* The identity as the descriptors carry it. */
#define SERIAL(s) ((s)->desc.strings[TC_U3V_STR_SERIAL])
#define GUID(s) ((s)->desc.strings[TC_U3V_STR_GUID])


/* ---- socket helpers ---- */

static int recv_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int send_iov(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
        ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

/* ---- queues (under c->mu) ---- */

static int q_push(queue *q, uint32_t seqnum, uint32_t len)
{
    if (q->n == QUEUE_MAX)
        return -1;
    q->q[q->n++] = (pending){ seqnum, len };
    return 0;
}

static pending q_pop(queue *q)
{
    pending p = q->q[0];
    memmove(q->q, q->q + 1, (q->n - 1) * sizeof(pending));
    q->n--;
    return p;
}

static int q_remove(queue *q, uint32_t seqnum)
{
    for (unsigned i = 0; i < q->n; i++)
        if (q->q[i].seqnum == seqnum) {
            memmove(q->q + i, q->q + i + 1, (q->n - i - 1) * sizeof(pending));
            q->n--;
            return 1;
        }
    return 0;
}

/* ---- replies (caller holds send_mu) ---- */

static int reply_locked(conn *c, uint32_t seqnum, uint32_t req_len, int32_t status,
                        const uint8_t *data, uint32_t len)
{
    tc_usbip_cmd req = { .command = TC_USBIP_CMD_SUBMIT, .seqnum = seqnum,
                         .transfer_buffer_length = req_len };
    uint8_t hdr[TC_USBIP_HEADER_LEN];
    uint32_t actual = len;
    tc_usbip_build_ret_submit(hdr, sizeof(hdr), &req, status, &actual);
    struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)data, actual } };
    return send_iov(c->fd, iov, data && actual ? 2 : 1);
}

/* Reply to a request just parsed by the reader (IN data or none). */
static int reply(conn *c, const tc_usbip_cmd *req, int32_t status, const uint8_t *data,
                 uint32_t len)
{
    uint8_t hdr[TC_USBIP_HEADER_LEN];
    uint32_t actual = len;
    tc_usbip_build_ret_submit(hdr, sizeof(hdr), req, status, &actual);
    struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)data, actual } };
    pthread_mutex_lock(&c->send_mu);
    int rc = send_iov(c->fd, iov, req->direction == TC_USBIP_DIR_IN && data && actual ? 2 : 1);
    pthread_mutex_unlock(&c->send_mu);
    return rc;
}

/* ---- ep0: standard requests ---- */

static int control_request(conn *c, const tc_usbip_cmd *cmd)
{
    tc_usbip_server *s = c->srv;
    uint8_t rt = cmd->setup[0], req = cmd->setup[1];
    uint16_t value = (uint16_t)(cmd->setup[2] | cmd->setup[3] << 8);
    uint16_t index = (uint16_t)(cmd->setup[4] | cmd->setup[5] << 8);
    uint16_t wlen = (uint16_t)(cmd->setup[6] | cmd->setup[7] << 8);
    uint32_t cap = wlen < cmd->transfer_buffer_length ? wlen : cmd->transfer_buffer_length;
    uint8_t buf[256];
    int in_len = -1; /* bytes for an IN data stage; -1: none */
    bool ok = false;

    if ((rt & 0x60) == 0) { /* standard */
        switch (req) {
        case 0x06: /* GET_DESCRIPTOR */
            if (rt == 0x80)
                in_len = tc_u3v_desc_get(&s->desc, value, buf, cap < sizeof(buf) ? cap : sizeof(buf));
            break;
        case 0x00: /* GET_STATUS */
            if (rt == 0x80 || rt == 0x81 || rt == 0x82) {
                buf[0] = rt == 0x82 && c->halted[index & 0x0F] ? 1 : 0;
                buf[1] = 0;
                in_len = 2;
            }
            break;
        case 0x08: /* GET_CONFIGURATION */
            if (rt == 0x80) {
                buf[0] = c->configuration;
                in_len = 1;
            }
            break;
        case 0x0A: /* GET_INTERFACE */
            if (rt == 0x81 && index < 3) {
                buf[0] = 0;
                in_len = 1;
            }
            break;
        case 0x09: /* SET_CONFIGURATION */
            if (rt == 0x00 && value <= 1) {
                ok = true;
                if (c->configuration != value)
                    logf_(s, "%s: configuration %u", c->peer, value);
                c->configuration = (uint8_t)value;
            }
            break;
        case 0x0B: /* SET_INTERFACE: alternate setting 0 only */
            ok = rt == 0x01 && value == 0 && index < 3;
            break;
        case 0x01: /* CLEAR_FEATURE */
        case 0x03: /* SET_FEATURE */
            if (rt == 0x02 && value == 0) { /* ENDPOINT_HALT */
                unsigned ep = index & 0x0F;
                if (ep == EP_CONTROL || ep == EP_EVENT || ep == EP_STREAM) {
                    ok = true;
                    pthread_mutex_lock(&c->mu);
                    c->halted[ep] = req == 0x03;
                    if (ep == EP_STREAM)
                        c->stream_gen++; /* a frame in progress is abandoned */
                    pthread_cond_broadcast(&c->cv);
                    pthread_mutex_unlock(&c->mu);
                    logf_(s, "%s: %s endpoint 0x%02x", c->peer,
                          req == 0x03 ? "halt" : "clear halt on", index & 0xFF);
                }
            } else if (rt == 0x00 || rt == 0x01) {
                ok = true; /* U1/U2 enable, function suspend: nothing to do */
            }
            break;
        case 0x30: /* SET_SEL */
        case 0x31: /* SET_ISOCH_DELAY */
            ok = rt == 0x00;
            break;
        default:
            break;
        }
    }
    if (in_len >= 0 && cmd->direction == TC_USBIP_DIR_IN)
        return reply(c, cmd, 0, buf, (uint32_t)in_len);
    if (ok)
        return reply(c, cmd, 0, NULL, cmd->direction == TC_USBIP_DIR_OUT ? (uint32_t)cmd->data_len : 0);
    logf_(s, "%s: ep0 request %02x/%02x value 0x%04x index 0x%04x stalled", c->peer, rt, req,
          value, index);
    return reply(c, cmd, EPIPE_ST, NULL, 0);
}

/* ---- control channel (GenCP over bulk, endpoint 1) ---- */

/* Send queued acks into pending control IN requests (caller holds send_mu). */
static int pump_acks_locked(conn *c)
{
    for (;;) {
        pthread_mutex_lock(&c->mu);
        if (!c->ack_n || !c->ctrl_in.n) {
            pthread_mutex_unlock(&c->mu);
            return 0;
        }
        pending p = q_pop(&c->ctrl_in);
        ack *a = &c->acks[c->ack_head];
        c->ack_head = (c->ack_head + 1) % ACKS_MAX;
        c->ack_n--;
        pthread_mutex_unlock(&c->mu);
        if (reply_locked(c, p.seqnum, p.len, 0, a->buf, (uint32_t)a->len) != 0)
            return -1;
    }
}

static void log_command(conn *c, const uint8_t *req, size_t len, const uint8_t *ackb, size_t ack_len,
                        bool stream_before)
{
    char line[200];
    tc_u3v_describe_command(&c->srv->bs, req, len, ackb, ack_len, stream_before, line, sizeof(line));
    if (line[0])
        logf_(c->srv, "%s: %s", c->peer, line);
}

/* Queue an ack for the next control IN request and send what can be sent
 * (caller holds send_mu). */
static int queue_ack_locked(conn *c, const uint8_t *buf, size_t n)
{
    pthread_mutex_lock(&c->mu);
    if (c->ack_n == ACKS_MAX) { /* host never reads: forget the oldest */
        c->ack_head = (c->ack_head + 1) % ACKS_MAX;
        c->ack_n--;
    }
    ack *a = &c->acks[(c->ack_head + c->ack_n) % ACKS_MAX];
    memcpy(a->buf, buf, n);
    a->len = n;
    c->ack_n++;
    pthread_mutex_unlock(&c->mu);
    return pump_acks_locked(c);
}

/* Run one command, log it; its ack (length, 0 for none) is in ack_scratch. */
static size_t run_command(conn *c, const uint8_t *req, size_t len)
{
    tc_usbip_server *s = c->srv;
    pthread_mutex_lock(&s->bs_mu);
    bool before = tc_u3v_bootstrap_stream_enabled(&s->bs);
    size_t n = tc_u3v_cp_serve(&s->target, req, len, c->ack_scratch, s->target.max_ack_transfer);
    log_command(c, req, len, c->ack_scratch, n, before);
    pthread_mutex_unlock(&s->bs_mu);
    c->commands++;
    pthread_cond_broadcast(&c->cv); /* stream enable may have changed */
    return n;
}

static void *slow_main(void *arg)
{
    conn *c = arg;
    pthread_setname_np(pthread_self(), "tc-usbip-cmd");
    size_t n = run_command(c, c->slow_cmd, c->slow_len);
    pthread_mutex_lock(&c->send_mu);
    int rc = n ? queue_ack_locked(c, c->ack_scratch, n) : 0;
    pthread_mutex_unlock(&c->send_mu);
    if (rc != 0)
        shutdown(c->fd, SHUT_RDWR); /* the reader sees it and ends the connection */
    return NULL;
}

/* Wait for the slow command in flight, if any. */
static void join_slow(conn *c)
{
    if (c->slow_started)
        pthread_join(c->slow_thread, NULL);
    c->slow_started = 0;
}

static int control_out(conn *c, const tc_usbip_cmd *cmd)
{
    join_slow(c); /* one command at a time, in order */
    uint16_t request_id;
    if (tc_u3v_slow_command(cmd->data, cmd->data_len, &request_id)) {
        if (cmd->data_len > c->slow_cap) {
            uint8_t *p = realloc(c->slow_cmd, cmd->data_len);
            if (!p)
                return -1;
            c->slow_cmd = p;
            c->slow_cap = cmd->data_len;
        }
        memcpy(c->slow_cmd, cmd->data, cmd->data_len);
        c->slow_len = cmd->data_len;
        uint8_t pend[TC_U3V_CP_HEADER_LEN + TC_U3V_PENDING_ACK_SCD_LEN];
        size_t pn = tc_u3v_cp_build_pending_ack(pend, sizeof(pend), request_id,
                                                TC_U3V_SLOW_PENDING_MS);
        pthread_mutex_lock(&c->send_mu);
        int rc = reply_locked(c, cmd->seqnum, cmd->transfer_buffer_length, 0, NULL,
                              (uint32_t)cmd->data_len);
        if (rc == 0 && pn)
            rc = queue_ack_locked(c, pend, pn);
        pthread_mutex_unlock(&c->send_mu);
        if (rc != 0)
            return rc;
        if (pthread_create(&c->slow_thread, NULL, slow_main, c) == 0)
            c->slow_started = 1;
        else
            slow_main(c); /* no thread: run it here, the ack merely later */
        return 0;
    }
    size_t n = run_command(c, cmd->data, cmd->data_len);
    pthread_mutex_lock(&c->send_mu);
    int rc = reply_locked(c, cmd->seqnum, cmd->transfer_buffer_length, 0, NULL,
                          (uint32_t)cmd->data_len);
    if (rc == 0 && n)
        rc = queue_ack_locked(c, c->ack_scratch, n);
    pthread_mutex_unlock(&c->send_mu);
    return rc;
}

/* ---- bulk ---- */

static int bulk(conn *c, const tc_usbip_cmd *cmd)
{
    unsigned ep = cmd->ep;
    bool in = cmd->direction == TC_USBIP_DIR_IN;
    if (ep != EP_CONTROL && !(in && (ep == EP_EVENT || ep == EP_STREAM)))
        return reply(c, cmd, EPIPE_ST, NULL, 0);
    pthread_mutex_lock(&c->mu);
    bool halted = c->halted[ep];
    pthread_mutex_unlock(&c->mu);
    if (halted)
        return reply(c, cmd, EPIPE_ST, NULL, 0);
    if (!in)
        return control_out(c, cmd);
    queue *q = ep == EP_CONTROL ? &c->ctrl_in : ep == EP_EVENT ? &c->event_in : &c->stream_in;
    pthread_mutex_lock(&c->send_mu);
    pthread_mutex_lock(&c->mu);
    int full = q_push(q, cmd->seqnum, cmd->transfer_buffer_length);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    int rc = 0;
    if (full)
        rc = reply_locked(c, cmd->seqnum, cmd->transfer_buffer_length, -12 /* ENOMEM */, NULL, 0);
    else if (ep == EP_CONTROL)
        rc = pump_acks_locked(c);
    pthread_mutex_unlock(&c->send_mu);
    return rc;
}

static int unlink_urb(conn *c, const tc_usbip_cmd *cmd)
{
    uint8_t hdr[TC_USBIP_HEADER_LEN];
    pthread_mutex_lock(&c->send_mu);
    pthread_mutex_lock(&c->mu);
    int was_pending = q_remove(&c->ctrl_in, cmd->unlink_seqnum) ||
                      q_remove(&c->event_in, cmd->unlink_seqnum) ||
                      q_remove(&c->stream_in, cmd->unlink_seqnum);
    pthread_mutex_unlock(&c->mu);
    tc_usbip_build_ret_unlink(hdr, sizeof(hdr), cmd, was_pending ? TC_USBIP_ST_ECONNRESET : 0);
    struct iovec iov = { hdr, sizeof(hdr) };
    int rc = send_iov(c->fd, &iov, 1);
    pthread_mutex_unlock(&c->send_mu);
    c->unlinks++;
    return rc;
}

/* ---- stream thread ---- */

enum { XFER_OK = 0, XFER_ABORT = 1, XFER_CLOSED = -1 };

/* Why a frame in progress must stop (caller holds c->mu). */
static int stream_abort_reason(conn *c, uint64_t gen)
{
    if (c->closing)
        return XFER_CLOSED;
    if (c->stream_gen != gen || c->halted[EP_STREAM])
        return XFER_ABORT;
    return XFER_OK;
}

/* One device-side bulk transfer of len bytes on the stream endpoint: fills
 * the host's queued IN requests in order (a request shorter than what is
 * left is filled completely and the rest goes on into the next one). */
static int device_transfer(conn *c, const uint8_t *data, size_t len, uint64_t gen)
{
    tc_usbip_server *s = c->srv;
    size_t sent = 0;
    do {
        pthread_mutex_lock(&c->mu);
        for (;;) {
            int why = stream_abort_reason(c, gen);
            if (why != XFER_OK) {
                pthread_mutex_unlock(&c->mu);
                return why;
            }
            if (c->stream_in.n)
                break;
            /* Also give up when the host disables the stream. */
            pthread_mutex_unlock(&c->mu);
            pthread_mutex_lock(&s->bs_mu);
            bool enabled = tc_u3v_bootstrap_stream_enabled(&s->bs);
            pthread_mutex_unlock(&s->bs_mu);
            pthread_mutex_lock(&c->mu);
            if (!enabled) {
                pthread_mutex_unlock(&c->mu);
                return XFER_ABORT;
            }
            if (c->stream_in.n)
                break;
            tc_cond_wait_ms(&c->cv, &c->mu, 50);
        }
        pthread_mutex_unlock(&c->mu);
        /* Take the request and answer it in one step under send_mu, so an
         * unlink sees it either pending or answered. */
        pthread_mutex_lock(&c->send_mu);
        pthread_mutex_lock(&c->mu);
        if (!c->stream_in.n || stream_abort_reason(c, gen) != XFER_OK) {
            pthread_mutex_unlock(&c->mu);
            pthread_mutex_unlock(&c->send_mu);
            continue;
        }
        pending p = q_pop(&c->stream_in);
        pthread_mutex_unlock(&c->mu);
        size_t n = len - sent < p.len ? len - sent : p.len;
        int rc = reply_locked(c, p.seqnum, p.len, 0, data + sent, (uint32_t)n);
        pthread_mutex_unlock(&c->send_mu);
        if (s->trace)
            logf_(s, "%s: stream seq %u answered with %zu B", c->peer, p.seqnum, n);
        if (rc != 0)
            return XFER_CLOSED;
        sent += n;
        /* relaxed atomics: the main thread's status line reads them */
        __atomic_fetch_add(&c->stream_bytes, n, __ATOMIC_RELAXED);
    } while (sent < len);
    return XFER_OK;
}

typedef struct frame_xfer {
    conn *c;
    uint64_t gen;
} frame_xfer;

static int frame_transfer(void *ctx, const uint8_t *data, size_t len, size_t host_len)
{
    (void)host_len; /* each URB is answered on its own: no zero-length packets here */
    frame_xfer *x = ctx;
    return device_transfer(x->c, data, len, x->gen);
}

static int send_frame(conn *c, const tc_port_frame *f, tc_u3v_stream_plan *plan)
{
    frame_xfer x = { c, 0 };
    pthread_mutex_lock(&c->mu);
    x.gen = c->stream_gen;
    pthread_mutex_unlock(&c->mu);
    return tc_u3v_send_frame(f, plan, frame_transfer, &x);
}

static void *stream_main(void *arg)
{
    conn *c = arg;
    tc_usbip_server *s = c->srv;
    pthread_setname_np(pthread_self(), "tc-u3v-stream");
    for (;;) {
        tc_port_frame f;
        int rc = tc_port_wait(s->dev, &c->waiter, &f, -1);
        if (rc == TC_PORT_CANCELLED)
            break; /* the reader is closing the connection */
        if (rc != TC_PORT_FRAME)
            continue; /* acquisition started or stopped: nothing to do here */
        tc_u3v_stream_plan plan;
        pthread_mutex_lock(&s->bs_mu);
        int prc = tc_u3v_bootstrap_frame_plan(&s->bs, &f, &plan);
        pthread_mutex_unlock(&s->bs_mu);
        if (prc != 0) {
            /* stream not enabled, or a frame of an earlier acquisition */
            tc_port_drop(s->dev, &f);
            c->frames_dropped++;
            continue;
        }
        int64_t t0 = tc_mono_ns();
        rc = send_frame(c, &f, &plan);
        c->stream_ns += tc_mono_ns() - t0;
        if (rc == XFER_OK) {
            if (!c->frames_sent)
                logf_(s, "%s: first frame sent (block %llu, %zu B)", c->peer,
                      (unsigned long long)f.block_id, f.size);
            tc_port_release(s->dev, &f);
            __atomic_fetch_add(&c->frames_sent, 1, __ATOMIC_RELAXED);
        } else {
            tc_port_drop(s->dev, &f);
            c->frames_aborted++;
            if (rc == XFER_CLOSED)
                break;
        }
    }
    return NULL;
}

/* ---- connection ---- */

static int read_urb(conn *c, tc_usbip_cmd *cmd)
{
    uint8_t hdr[TC_USBIP_HEADER_LEN];
    if (recv_all(c->fd, hdr, sizeof(hdr)) != 0)
        return -1;
    if (tc_usbip_parse_cmd_header(hdr, sizeof(hdr), cmd) != (int)TC_USBIP_HEADER_LEN) {
        logf_(c->srv, "%s: malformed URB header (command %u), dropping the connection", c->peer,
              (unsigned)(hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3]));
        return -1;
    }
    if (cmd->payload_len > c->rx_cap) {
        uint8_t *p = realloc(c->rx, cmd->payload_len);
        if (!p)
            return -1;
        c->rx = p;
        c->rx_cap = cmd->payload_len;
    }
    if (cmd->payload_len && recv_all(c->fd, c->rx, cmd->payload_len) != 0)
        return -1;
    cmd->data = NULL;
    cmd->data_len = 0;
    if (cmd->command == TC_USBIP_CMD_SUBMIT && cmd->direction == TC_USBIP_DIR_OUT) {
        cmd->data = c->rx;
        cmd->data_len = cmd->transfer_buffer_length;
    }
    return 0;
}

static void *reader_main(void *arg)
{
    conn *c = arg;
    tc_usbip_server *s = c->srv;
    pthread_setname_np(pthread_self(), "tc-usbip");
    const char *why = "connection closed";
    for (;;) {
        tc_usbip_cmd cmd;
        if (read_urb(c, &cmd) != 0)
            break;
        c->urbs++;
        if (s->trace && (cmd.ep != 0 || cmd.command == TC_USBIP_CMD_UNLINK))
            logf_(s, "%s: %s seq %u ep %u %s len %u%s%u", c->peer,
                  cmd.command == TC_USBIP_CMD_UNLINK ? "unlink" : "submit", cmd.seqnum, cmd.ep,
                  cmd.direction ? "IN" : "OUT", cmd.transfer_buffer_length,
                  cmd.command == TC_USBIP_CMD_UNLINK ? " victim " : "",
                  cmd.command == TC_USBIP_CMD_UNLINK ? cmd.unlink_seqnum : 0);
        int rc;
        if (cmd.command == TC_USBIP_CMD_UNLINK)
            rc = unlink_urb(c, &cmd);
        else if (cmd.number_of_packets != 0 && cmd.number_of_packets != 0xFFFFFFFFu)
            rc = reply(c, &cmd, EPIPE_ST, NULL, 0); /* no isochronous endpoint */
        else if (cmd.ep == 0)
            rc = control_request(c, &cmd);
        else
            rc = bulk(c, &cmd);
        if (rc != 0) {
            why = "send failed";
            break;
        }
    }
    /* The host is gone: stop streaming, then the core's clean-up (camera
     * stopped and unlocked, the old host's queued frames dropped), and forget
     * what the host programmed, so the next import finds it as at power-on. */
    pthread_mutex_lock(&c->mu);
    c->closing = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    tc_port_cancel(s->dev, &c->waiter);
    shutdown(c->fd, SHUT_RDWR);
    join_slow(c);
    if (c->streamer_started)
        pthread_join(c->streamer, NULL);
    c->streamer_started = 0;
    c->frames_dropped += tc_port_host_gone(s->dev);
    pthread_mutex_lock(&s->bs_mu);
    tc_u3v_bootstrap_reset(&s->bs);
    pthread_mutex_unlock(&s->bs_mu);
    logf_(s, "%s: detached (%s): %llu URBs, %llu unlinks, %llu commands, %llu frames sent "
             "(%.1f MB, %.1f MB/s while sending), %llu aborted, %llu not carried",
          c->peer, why, (unsigned long long)c->urbs, (unsigned long long)c->unlinks,
          (unsigned long long)c->commands, (unsigned long long)c->frames_sent,
          (double)c->stream_bytes / 1e6,
          c->stream_ns ? (double)c->stream_bytes * 1e3 / (double)c->stream_ns : 0.0,
          (unsigned long long)c->frames_aborted,
          (unsigned long long)c->frames_dropped);
    __atomic_store_n(&c->finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void conn_free(conn *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    for (unsigned i = 0; i < ACKS_MAX; i++)
        free(c->acks[i].buf);
    free(c->ack_scratch);
    free(c->slow_cmd);
    free(c->rx);
    pthread_mutex_destroy(&c->send_mu);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

static conn *conn_new(tc_usbip_server *s, int fd, const char *peer)
{
    conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->srv = s;
    c->fd = fd;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    pthread_mutex_init(&c->send_mu, NULL);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    size_t cap = s->target.max_ack_transfer;
    c->ack_scratch = malloc(cap);
    int ok = c->ack_scratch != NULL;
    for (unsigned i = 0; i < ACKS_MAX; i++)
        ok = ok && (c->acks[i].buf = malloc(cap)) != NULL;
    if (!ok) {
        c->fd = -1;
        conn_free(c);
        return NULL;
    }
    return c;
}

/* Join a connection whose reader has finished (or, at shutdown, end it). */
static void reap(tc_usbip_server *s, int force)
{
    conn *c = s->active;
    int finished = c ? __atomic_load_n(&c->finished, __ATOMIC_ACQUIRE) : 0;
    if (!c || (!finished && !force))
        return;
    if (!finished)
        shutdown(c->fd, SHUT_RDWR);
    pthread_join(c->reader, NULL);
    s->done_frames += c->frames_sent;
    s->done_bytes += c->stream_bytes;
    conn_free(c);
    s->active = NULL;
}

/* ---- operation phase ---- */

static void device_record(const tc_usbip_server *s, const char *busid, tc_usbip_device *d)
{
    static const tc_usbip_interface ifs[3] = {
        { TC_U3V_CLASS_MISC, TC_U3V_SUBCLASS, TC_U3V_PROTOCOL_CONTROL },
        { TC_U3V_CLASS_MISC, TC_U3V_SUBCLASS, TC_U3V_PROTOCOL_EVENT },
        { TC_U3V_CLASS_MISC, TC_U3V_SUBCLASS, TC_U3V_PROTOCOL_STREAM },
    };
    (void)s;
    memset(d, 0, sizeof(*d));
    d->path = "/sys/devices/platform/twincam/usb1/" TC_USBIP_BUSID;
    d->busid = busid;
    d->busnum = 1;
    d->devnum = 2;
    d->speed = TC_USBIP_SPEED_SUPER;
    d->id_vendor = TC_USBIP_VENDOR_ID;
    d->id_product = TC_USBIP_PRODUCT_ID;
    d->bcd_device = (uint16_t)(s->desc.device[12] | s->desc.device[13] << 8);
    d->device_class = 0xEF;
    d->device_subclass = 0x02;
    d->device_protocol = 0x01;
    d->configuration_value = 1;
    d->num_configurations = 1;
    d->num_interfaces = 3;
    d->interfaces = ifs;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define op_logf(s, ...) tc_log_limited(&(s)->op_log, (s)->label, __VA_ARGS__)

/* A reply of the operation phase: at most a few hundred bytes, which the
 * fresh socket's buffer always takes, so this never waits on the host. */
static void op_reply(int fd, const uint8_t *rep, size_t n)
{
    ssize_t w = send(fd, rep, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)w;
}

/* A whole request of h: answer it. Returns whether the socket went to a
 * connection (otherwise the caller closes it). */
static int answer_request(tc_usbip_server *s, op_host *h)
{
    uint8_t rep[1024];
    tc_usbip_op_req op;
    tc_usbip_device dev;
    if (tc_usbip_parse_op_req(h->req, h->len, &op) < 0) {
        op_logf(s, "%s: not a USB/IP request (code 0x%02x%02x), closed", h->peer, h->req[2], h->req[3]);
        return 0;
    }
    if (op.code == TC_USBIP_OP_REQ_DEVLIST) {
        device_record(s, TC_USBIP_BUSID, &dev);
        op_reply(h->fd, rep, tc_usbip_build_rep_devlist(rep, sizeof(rep), &dev, 1));
        op_logf(s, "%s: device list", h->peer);
        return 0;
    }
    /* OP_REQ_IMPORT */
    reap(s, 0);
    const char *refuse = strcmp(op.busid, TC_USBIP_BUSID) ? "unknown busid"
                         : s->active                       ? "already imported"
                                                           : NULL;
    if (refuse) {
        op_reply(h->fd, rep, tc_usbip_build_rep_import(rep, sizeof(rep), 1, NULL));
        op_logf(s, "%s: import of %s refused: %s", h->peer, op.busid, refuse);
        return 0;
    }
    /* The connection's threads read and write blocking, without timeouts
     * (URBs may be far apart). */
    int fl = fcntl(h->fd, F_GETFL);
    if (fl < 0 || fcntl(h->fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
        return 0;
    conn *c = conn_new(s, h->fd, h->peer);
    if (!c)
        return 0;
    device_record(s, op.busid, &dev);
    size_t n = tc_usbip_build_rep_import(rep, sizeof(rep), 0, &dev);
    struct iovec iov = { rep, n };
    pthread_mutex_lock(&s->bs_mu);
    tc_u3v_bootstrap_reset(&s->bs);
    pthread_mutex_unlock(&s->bs_mu);
    if (send_iov(h->fd, &iov, 1) != 0) {
        c->fd = -1;
        conn_free(c);
        return 0;
    }
    if (pthread_create(&c->streamer, NULL, stream_main, c) == 0)
        c->streamer_started = 1;
    if (pthread_create(&c->reader, NULL, reader_main, c) != 0) {
        c->closing = 1;
        tc_port_cancel(s->dev, &c->waiter);
        if (c->streamer_started)
            pthread_join(c->streamer, NULL);
        c->fd = -1;
        conn_free(c);
        return 0;
    }
    s->active = c;
    logf_(s, "%s: imported %s (SuperSpeed, camera %s, GUID %s)", h->peer, op.busid, SERIAL(s), GUID(s));
    return 1;
}

static void op_close(op_host *h)
{
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
}

/* Read what h has sent (never blocking); answer once the request is whole. */
static void op_read(tc_usbip_server *s, op_host *h)
{
    size_t want = TC_USBIP_OP_HEADER_LEN;
    if (h->len >= 4 && h->req[2] == 0x80 && h->req[3] == 0x03) /* OP_REQ_IMPORT: the busid follows */
        want += TC_USBIP_BUSID_LEN;
    ssize_t n = recv(h->fd, h->req + h->len, want - h->len, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        op_logf(s, "%s: closed before a whole request", h->peer);
        op_close(h);
        return;
    }
    h->len += (size_t)n;
    if (h->len == TC_USBIP_OP_HEADER_LEN && h->req[2] == 0x80 && h->req[3] == 0x03)
        return; /* the busid is still to come */
    if (h->len < want)
        return;
    if (answer_request(s, h))
        h->fd = -1; /* the connection owns it now */
    else
        op_close(h);
}

static void op_accept(tc_usbip_server *s, int64_t now)
{
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof(from);
        int fd = accept4(s->listen_fd, (struct sockaddr *)&from, &fl, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        tc_tcp_watch_peer(fd, PEER_IDLE_S, PEER_INTVL_S, PEER_PROBES, PEER_UNACKED_MS);
        char ip[INET_ADDRSTRLEN] = "?";
        inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip));
        op_host *h = NULL;
        for (unsigned i = 0; i < OP_PENDING_MAX && !h; i++)
            if (s->ops[i].fd < 0)
                h = &s->ops[i];
        if (!h) {
            op_logf(s, "%s:%u: closed: %d hosts are already sending requests", ip,
                    ntohs(from.sin_port), OP_PENDING_MAX);
            close(fd);
            continue;
        }
        h->fd = fd;
        h->len = 0;
        h->deadline_ms = now + OP_DEADLINE_MS;
        snprintf(h->peer, sizeof(h->peer), "%s:%u", ip, ntohs(from.sin_port));
    }
}

/* ---- server ---- */

int tc_usbip_server_new(tc_device *dev, const char *address, uint16_t port,
                        tc_usbip_server **out)
{
    *out = NULL;
    struct in_addr in;
    if (inet_pton(AF_INET, address, &in) != 1) {
        fprintf(stderr, "twincam: '%s' is not an IPv4 address\n", address);
        return -1;
    }
    tc_usbip_server *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    s->dev = dev;
    s->listen_fd = -1;
    for (unsigned i = 0; i < OP_PENDING_MAX; i++)
        s->ops[i].fd = -1;
    const char *trace = getenv("TWINCAM_USBIP_TRACE");
    s->trace = trace && *trace == '1';
    pthread_mutex_init(&s->bs_mu, NULL);
    if (tc_u3v_bootstrap_init(&s->bs, dev, NULL) != 0) {
        fprintf(stderr, "twincam: cannot set up the USB3 Vision memory map\n");
        goto fail;
    }
    tc_u3v_bootstrap_target(&s->bs, &s->target);

    if (tc_u3v_descriptors_for_camera(dev, TC_USB_SPEED_SUPER, &s->desc) != 0) {
        fprintf(stderr, "twincam: cannot build the USB descriptors\n");
        goto fail;
    }

    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = in };
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->listen_fd, LISTEN_BACKLOG) != 0) {
        fprintf(stderr, "twincam: cannot listen on %s:%u: %s\n", address, port, strerror(errno));
        goto fail;
    }
    socklen_t al = sizeof(a);
    getsockname(s->listen_fd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    snprintf(s->label, sizeof(s->label), "usbip %s:%u", address, s->port);
    *out = s;
    return 0;
fail:
    tc_usbip_server_free(s);
    return -1;
}

uint16_t tc_usbip_server_port(const tc_usbip_server *s)
{
    return s->port;
}

/* The status hook's snapshot (main thread, which owns s->active): frames
 * and bytes of every connection so far; USB has no resends. */
static void report_status(tc_usbip_server *s, const tc_port_status_hook *hook)
{
    conn *c = s->active;
    tc_port_status ps = {
        .now_ns = tc_mono_ns(),
        .frames_sent = s->done_frames + (c ? __atomic_load_n(&c->frames_sent, __ATOMIC_RELAXED) : 0),
        .bytes_sent = s->done_bytes + (c ? __atomic_load_n(&c->stream_bytes, __ATOMIC_RELAXED) : 0),
        .clients = c ? 1 : 0,
    };
    hook->report(hook->ctx, &ps);
}

int tc_usbip_server_run(tc_usbip_server *s, volatile sig_atomic_t *stop)
{
    return tc_usbip_server_run_with(s, stop, NULL);
}

int tc_usbip_server_run_with(tc_usbip_server *s, volatile sig_atomic_t *stop,
                             const tc_port_status_hook *status)
{
    int64_t status_due = status && status->period_ms ? mono_ms() + status->period_ms : INT64_MAX;
    logf_(s, "serving USB3 Vision camera %s as USB/IP device %s (%04x:%04x, GUID %s)", SERIAL(s),
          TC_USBIP_BUSID, TC_USBIP_VENDOR_ID, TC_USBIP_PRODUCT_ID, GUID(s));
    tc_ready_announce("USB3 Vision over USB/IP");
    while (!*stop) {
        reap(s, 0);
        struct pollfd p[1 + OP_PENDING_MAX];
        op_host *of[1 + OP_PENDING_MAX];
        nfds_t n = 0;
        p[n++] = (struct pollfd){ s->listen_fd, POLLIN, 0 };
        int64_t now = mono_ms(), wait = 200; /* *stop is checked at least this often */
        if (now >= status_due) {
            report_status(s, status);
            status_due += status->period_ms;
        }
        if (status_due - now < wait)
            wait = status_due - now > 0 ? status_due - now : 0;
        for (unsigned i = 0; i < OP_PENDING_MAX; i++) {
            op_host *h = &s->ops[i];
            if (h->fd < 0)
                continue;
            if (h->deadline_ms - now < wait)
                wait = h->deadline_ms - now > 0 ? h->deadline_ms - now : 0;
            of[n] = h;
            p[n++] = (struct pollfd){ h->fd, POLLIN, 0 };
        }
        if (poll(p, n, (int)wait) < 0)
            continue;
        now = mono_ms();
        for (nfds_t k = 1; k < n; k++)
            if (p[k].revents)
                op_read(s, of[k]);
        for (unsigned i = 0; i < OP_PENDING_MAX; i++) {
            op_host *h = &s->ops[i];
            if (h->fd >= 0 && now >= h->deadline_ms) {
                op_logf(s, "%s: no whole request within %d ms (%zu bytes), closed", h->peer,
                        OP_DEADLINE_MS, h->len);
                op_close(h);
            }
        }
        if (p[0].revents & POLLIN)
            op_accept(s, now);
    }
    for (unsigned i = 0; i < OP_PENDING_MAX; i++)
        op_close(&s->ops[i]);
    reap(s, 1);
    logf_(s, "stopping");
    return 0;
}

void tc_usbip_server_free(tc_usbip_server *s)
{
    if (!s)
        return;
    reap(s, 1);
    for (unsigned i = 0; i < OP_PENDING_MAX; i++)
        op_close(&s->ops[i]);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    pthread_mutex_destroy(&s->bs_mu);
    free(s);
}

int tc_usbip_serve(tc_device *dev, const char *address, volatile sig_atomic_t *stop)
{
    return tc_usbip_serve_with(dev, address, stop, NULL);
}

int tc_usbip_serve_with(tc_device *dev, const char *address, volatile sig_atomic_t *stop,
                        const tc_port_status_hook *status)
{
    tc_usbip_server *s;
    if (tc_usbip_server_new(dev, address, TC_USBIP_PORT, &s) != 0)
        return -1;
    int rc = tc_usbip_server_run_with(s, stop, status);
    tc_usbip_server_free(s);
    return rc;
}
