/* GVSP sender: the stream and resend threads of the GigE Vision port
 * (gvsp_sender.h).
 *
 * Network safety: this file starts no client (the Aravis mentioned below is
 * the host at the other end). It sends only on the server's stream socket,
 * bound to the serving interface (127.0.0.1 unless told otherwise,
 * gige_server.c), and only to the stream channel's destination. Its test
 * (tests/gige/test_gvsp_sender.c) and every script that serves a camera run
 * inside a private network namespace with only loopback (`unshare -rn`,
 * tests/gige/meson.build). */
#include "gige/gvsp_sender.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "gige/gvsp.h"
#include "util/clock.h"
#include "util/rng.h"

#define TC_BATCH 64
/* A burst (one sleep, one sendmmsg) stays within five eighths of a
 * receiver's default socket buffer (212992 bytes on Linux), counted as the
 * kernel counts it (rx_cost): a real link spreads packets evenly, so the
 * twin must not dump more than the host can take between two of its reads.
 * Up to that, larger bursts are cheaper: each sleep and wake-up of the
 * sender costs more CPU than the packets it sends (128 KiB bursts instead
 * of 48 KiB took a third less of the camera's CPU here, and lost fewer
 * frames). */
#define TC_BURST_COST 133120
/* Requests waiting for the resend thread (overlapping ones merged): room
 * for every range a host that lost bursts of several frames asks for. */
#define TC_RESEND_QUEUE 256
/* Resends may use this share of the link, with a bucket of 250 ms of it:
 * a host that lost a burst of packets while it was descheduled gets them
 * back at once (50 ms, 5 MB, was refused part of such a burst beside a CPU
 * hog), while a flood still gets only the share. */
#define TC_RESEND_SHARE 0.25
#define TC_RESEND_BUCKET_S 0.25
/* A batch this far behind its readout time counts as late. */
#define TC_LATE_NS 1000000

typedef struct held_frame {
    int valid;
    tc_port_frame f;
    uint32_t n_payload; /* payload packets */
    unsigned packet_size;
    int extended;
    uint32_t sent_through; /* packets 0..sent_through-1 have left (stream thread) */
    /* where it went, and the DeviceReset count then: resends go there only */
    uint32_t dest_ip;
    uint16_t dest_port;
    uint64_t resets;
} held_frame;

/* Packets queued for one sendmmsg: used under ring_mu only. */
typedef struct batch {
    uint8_t hdr[TC_BATCH][TC_GVSP_MAX_HEADER + TC_GVSP_LEADER_BODY];
    struct iovec iov[TC_BATCH][2];
    struct mmsghdr msgs[TC_BATCH];
    unsigned n;
    size_t bytes;
    struct sockaddr_in dest;
} batch;

struct tc_gvsp_sender {
    tc_device *dev;
    tc_gige *gige;
    int fd;
    tc_port_waiter waiter;
    pthread_t stream_thread, resend_thread;
    int started;

    pthread_mutex_t ring_mu; /* held frames, the batch, sends on fd */
    held_frame ring[TC_GVSP_HELD_FRAMES];
    unsigned ring_next;
    batch b;

    pthread_mutex_t link_mu; /* the link, shared by stream and resends */
    tc_port_link link;
    double link_Bps;         /* the latest frame's, for resends */

    pthread_mutex_t q_mu;    /* resend queue, budget, quit */
    pthread_cond_t q_cv;
    tc_gvcp_resend q[TC_RESEND_QUEUE];
    unsigned q_n;
    double budget;           /* resend bytes the bucket holds */
    int64_t budget_ns;       /* when it was last filled */
    int quit;

    int dont_fragment;       /* the socket's DF setting (-1: not set yet); ring_mu */

    tc_gvsp_sender_stats st; /* counters: each written by one thread */
};

/* What a datagram of packet_size bytes costs a Linux receiver's socket
 * buffer (skb truesize): a small one is one kmalloc'ed block rounded up to
 * a power of two, a large one (paged) about its size; plus the sk_buff. */
static size_t rx_cost(unsigned packet_size)
{
    if (packet_size >= 16384)
        return (size_t)packet_size + 1024;
    size_t block = 512;
    while (block < (size_t)packet_size + 512)
        block *= 2;
    return block + 768;
}

static void sleep_until_ns(int64_t t)
{
    struct timespec ts = { t / 1000000000, t % 1000000000 };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

/* ---- packets (ring_mu held) ---- */

static void flush_batch(tc_gvsp_sender *s, uint64_t *sent_counter)
{
    batch *b = &s->b;
    unsigned off = 0, failed = 0;
    while (off < b->n) {
        int n = sendmmsg(s->fd, b->msgs + off, b->n - off, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* unreachable destination, DF too big, no buffer space: the
             * host sees this packet lost; the rest of the batch still goes */
            s->st.last_send_errno = errno;
            failed++;
            off++;
            continue;
        }
        off += (unsigned)n;
    }
    *sent_counter += off - failed;
    s->st.send_errors += failed;
    b->n = 0;
    b->bytes = 0;
}

/* Queue one packet whose header is in b->hdr[b->n]. */
static void queue_packet(tc_gvsp_sender *s, size_t hdr_len, const uint8_t *data, size_t data_len,
                         uint64_t *sent_counter)
{
    batch *b = &s->b;
    unsigned i = b->n;
    b->iov[i][0].iov_base = b->hdr[i];
    b->iov[i][0].iov_len = hdr_len;
    b->iov[i][1].iov_base = (void *)data;
    b->iov[i][1].iov_len = data_len;
    memset(&b->msgs[i], 0, sizeof(b->msgs[i]));
    b->msgs[i].msg_hdr.msg_name = &b->dest;
    b->msgs[i].msg_hdr.msg_namelen = sizeof(b->dest);
    b->msgs[i].msg_hdr.msg_iov = b->iov[i];
    b->msgs[i].msg_hdr.msg_iovlen = data_len ? 2 : 1;
    b->bytes += hdr_len + data_len;
    if (++b->n == TC_BATCH)
        flush_batch(s, sent_counter);
}

static uint64_t wire_block_id(const held_frame *h)
{
    return h->extended ? h->f.block_id : (h->f.block_id - 1) % 0xFFFF + 1; /* 16-bit ids skip 0 */
}

/* Packet `pid` of a held frame: 0 leader, 1..N payload, N+1 trailer. */
static void queue_frame_packet(tc_gvsp_sender *s, const held_frame *h, uint32_t pid, uint64_t *sent_counter)
{
    uint8_t *hb = s->b.hdr[s->b.n];
    uint64_t block = wire_block_id(h);
    if (pid == 0) {
        tc_gvsp_image img = { h->f.timestamp_ns, h->f.pixel_format, h->f.width, h->f.height,
                              h->f.offset_x, h->f.offset_y };
        queue_packet(s, tc_gvsp_leader(hb, h->extended, block, &img), NULL, 0, sent_counter);
    } else if (pid <= h->n_payload) {
        size_t bs = tc_gvsp_block_size(h->packet_size, h->extended);
        size_t off = (size_t)(pid - 1) * bs;
        size_t len = h->f.size - off < bs ? h->f.size - off : bs;
        size_t hl = tc_gvsp_header(hb, h->extended, TC_GVSP_STATUS_OK, block, TC_GVSP_PAYLOAD, pid);
        queue_packet(s, hl, h->f.data + off, len, sent_counter);
    } else {
        queue_packet(s, tc_gvsp_trailer(hb, h->extended, block, pid, h->f.height), NULL, 0, sent_counter);
    }
}

/* Payload bytes the packets up to `pid` carry: where the frame's readout
 * must have got to before they leave. */
static size_t bytes_through(const held_frame *h, uint32_t pid)
{
    if (pid == 0)
        return 0; /* the leader leaves at readout start */
    if (pid > h->n_payload)
        return h->f.size;
    size_t end = (size_t)pid * tc_gvsp_block_size(h->packet_size, h->extended);
    return end < h->f.size ? end : h->f.size;
}

/* GevSCPSDoNotFragment on the socket (ring_mu held): a system call only when
 * it changes, not one per batch. */
static void set_dont_fragment(tc_gvsp_sender *s, int df)
{
    if (s->dont_fragment == df)
        return;
    int v = df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
    setsockopt(s->fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
    s->dont_fragment = df;
}

static void set_destination(tc_gvsp_sender *s, const tc_gige_stream_cfg *cfg)
{
    s->b.dest.sin_family = AF_INET;
    s->b.dest.sin_addr.s_addr = htonl(cfg->dest_ip);
    s->b.dest.sin_port = htons(cfg->dest_port);
    set_dont_fragment(s, cfg->dont_fragment != 0);
}

/* Wait for the link to carry `bytes` that may leave from due_ns on. */
static void take_link(tc_gvsp_sender *s, int64_t due_ns, size_t bytes, double Bps)
{
    pthread_mutex_lock(&s->link_mu);
    int64_t slot = tc_port_link_slot(&s->link, due_ns, tc_mono_ns(), bytes, Bps);
    pthread_mutex_unlock(&s->link_mu);
    sleep_until_ns(slot);
}

/* ---- stream thread ---- */

static void send_frame(tc_gvsp_sender *s, held_frame *h, const tc_gige_stream_cfg *cfg)
{
    tc_rng rng = tc_rng_keyed(0x6c6f7373, h->f.block_id, 0);
    uint64_t loss_threshold = (uint64_t)(cfg->loss_percent / 100.0 * 18446744073709551615.0);
    int64_t scpd = 0; /* GevSCPD so far: the host's delay between packets, on top */
    size_t batch_bytes = 0, batch_cost = 0;
    const size_t cost = rx_cost(h->packet_size);
    uint32_t last = h->n_payload + 1;
    /* A batch's packets are chosen first and queued only once it is due and
     * the link is free, all under ring_mu with the flush: the resend thread,
     * which queues and flushes under the same lock, never mixes into it. */
    uint32_t pids[TC_BATCH - 1];
    unsigned n = 0;
    const uint64_t resets = tc_port_resets(s->dev);
    /* Behind its readout times, the stream keeps to the frame's pace (the
     * core's: rows as read, never above the link) and catches up in the
     * frame's vertical blanking; faster would hand the host a burst. */
    const double pace_Bps = tc_port_pace_Bps(&h->f);
    for (uint32_t pid = 0; pid <= last; pid++) {
        /* Deliberate loss hits payload packets only, and only their first
         * transmission: the resend path must recover every one. */
        if (loss_threshold && pid >= 1 && pid <= h->n_payload && tc_rng_next(&rng) < loss_threshold) {
            s->st.packets_lost_on_purpose++; /* (the trailer, pid == last, is never lost) */
            continue;
        }
        pids[n++] = pid;
        /* leader and trailer are a header each, not a packet's worth */
        int whole = pid >= 1 && pid <= h->n_payload;
        batch_bytes += whole ? h->packet_size : TC_GVSP_IP_UDP + TC_GVSP_MAX_HEADER + TC_GVSP_LEADER_BODY;
        batch_cost += whole ? cost : rx_cost(TC_GVSP_IP_UDP + TC_GVSP_MAX_HEADER + TC_GVSP_LEADER_BODY);
        /* A batch leaves once the rows it carries have been read out (the
         * core's pacing), in bursts a receiver's socket buffer takes. The
         * leader goes alone, at readout start: it tells the host a frame
         * began (trigger latency) and waits for no row. */
        if (pid == 0 || cfg->delay_ns || batch_cost + cost > TC_BURST_COST || n == TC_BATCH - 1 ||
            pid == last) {
            scpd += (int64_t)cfg->delay_ns;
            int64_t due = tc_port_due_ns(&h->f, bytes_through(h, pid)) + scpd;
            /* Sleep to the readout time first, then take the link: a slot
             * reserved in advance would hold resends off for nothing. */
            sleep_until_ns(due);
            take_link(s, due, batch_bytes, pace_Bps);
            if (tc_mono_ns() > due + TC_LATE_NS)
                s->st.batches_late++;
            batch_bytes = batch_cost = 0;
            /* A frame of a channel since closed or moved, or from before a
             * DeviceReset, is abandoned: its packets would reach the new
             * stream's socket as a stale block (Aravis then gave up on the
             * new acquisition's first frame). */
            tc_gige_stream_cfg now;
            if (!tc_gige_stream(s->gige, &now) || now.dest_ip != cfg->dest_ip ||
                now.dest_port != cfg->dest_port || tc_port_resets(s->dev) != resets) {
                s->st.frames_abandoned++;
                return;
            }
            pthread_mutex_lock(&s->ring_mu);
            set_destination(s, cfg);
            for (unsigned i = 0; i < n; i++)
                queue_frame_packet(s, h, pids[i], &s->st.packets_sent);
            flush_batch(s, &s->st.packets_sent);
            h->sent_through = pid + 1;
            pthread_mutex_unlock(&s->ring_mu);
            n = 0;
        }
    }
    s->st.frames_sent++;
    s->st.bytes_sent += h->f.size;
}

static held_frame *hold(tc_gvsp_sender *s, const tc_port_frame *f, const tc_gige_stream_cfg *cfg)
{
    const unsigned pool = tc_port_frame_buffers(s->dev);
    const uint64_t resets = tc_port_resets(s->dev); /* (the device's lock: not under ring_mu) */
    pthread_mutex_lock(&s->ring_mu);
    held_frame *h = &s->ring[s->ring_next];
    s->ring_next = (s->ring_next + 1) % TC_GVSP_HELD_FRAMES;
    if (h->valid)
        tc_port_release(s->dev, &h->f); /* oldest frame leaves the resend window */
    h->valid = 0;
    /* Older frames leave it too while those kept pass the port's byte
     * budget (two 16-bit full frames are 49 MB), or leave the camera fewer
     * than TC_PORT_HOLD_SPARE buffers to fill: the resend window is as long
     * as memory allows (a host that was descheduled asks for packets of
     * frames several periods old; Aravis waits for them up to its frame
     * retention), but never makes the camera drop a frame. */
    const unsigned max_older = pool > TC_PORT_HOLD_SPARE + 1 ? pool - TC_PORT_HOLD_SPARE - 1 : 0;
    size_t kept = 0;
    unsigned older = 0;
    for (unsigned k = 1; k < TC_GVSP_HELD_FRAMES; k++) {
        held_frame *o = &s->ring[(s->ring_next + TC_GVSP_HELD_FRAMES - 1 - k) % TC_GVSP_HELD_FRAMES];
        if (!o->valid)
            continue;
        if (kept + o->f.size > TC_PORT_HOLD_BYTES || older == max_older) {
            tc_port_release(s->dev, &o->f);
            o->valid = 0;
        } else {
            kept += o->f.size;
            older++;
        }
    }
    h->valid = 1;
    h->f = *f;
    h->packet_size = cfg->packet_size;
    h->extended = cfg->extended_ids;
    h->n_payload = tc_gvsp_payload_packets(f->size, cfg->packet_size, cfg->extended_ids);
    h->sent_through = 0;
    h->dest_ip = cfg->dest_ip;
    h->dest_port = cfg->dest_port;
    h->resets = resets;
    pthread_mutex_unlock(&s->ring_mu);
    pthread_mutex_lock(&s->link_mu);
    s->link_Bps = f->link_Bps;
    pthread_mutex_unlock(&s->link_mu);
    return h;
}

static void release_all(tc_gvsp_sender *s)
{
    pthread_mutex_lock(&s->ring_mu);
    for (unsigned i = 0; i < TC_GVSP_HELD_FRAMES; i++)
        if (s->ring[i].valid) {
            tc_port_release(s->dev, &s->ring[i].f);
            s->ring[i].valid = 0;
        }
    pthread_mutex_unlock(&s->ring_mu);
}

static void *stream_main(void *arg)
{
    tc_gvsp_sender *s = arg;
    pthread_setname_np(pthread_self(), "tc-gvsp");
    for (;;) {
        tc_port_frame f;
        int rc = tc_port_wait(s->dev, &s->waiter, &f, -1);
        if (rc == TC_PORT_CANCELLED)
            break; /* the server is stopping */
        /* The resend window outlives an acquisition (a SingleFrame one ends
         * the moment its frame is handed over, before the host can ask for a
         * lost packet) and ends when the next one starts. */
        if (rc == TC_PORT_STARTED)
            release_all(s);
        if (rc != TC_PORT_FRAME)
            continue;
        tc_gige_stream_cfg cfg;
        if (!tc_gige_stream(s->gige, &cfg)) {
            tc_port_drop(s->dev, &f); /* no stream channel: the frame cannot be carried */
            continue;
        }
        send_frame(s, hold(s, &f, &cfg), &cfg);
    }
    release_all(s);
    return NULL;
}

/* ---- resends ---- */

void tc_gvsp_sender_resend(tc_gvsp_sender *s, const tc_gvcp_resend *r)
{
    if (r->last_packet < r->first_packet)
        return;
    pthread_mutex_lock(&s->q_mu);
    s->st.resend_requests++;
    /* Hosts ask again for what is still missing: a request overlapping or
     * touching one already queued for the same block widens it. */
    for (unsigned i = 0; i < s->q_n; i++) {
        tc_gvcp_resend *q = &s->q[i];
        if (q->block_id == r->block_id && q->extended == r->extended &&
            r->first_packet <= (uint64_t)q->last_packet + 1 && q->first_packet <= (uint64_t)r->last_packet + 1) {
            if (r->first_packet < q->first_packet)
                q->first_packet = r->first_packet;
            if (r->last_packet > q->last_packet)
                q->last_packet = r->last_packet;
            pthread_mutex_unlock(&s->q_mu);
            return;
        }
    }
    if (s->q_n == TC_RESEND_QUEUE)
        s->st.resends_queue_full++;
    else {
        s->q[s->q_n++] = *r;
        pthread_cond_signal(&s->q_cv);
    }
    pthread_mutex_unlock(&s->q_mu);
}

/* Take `bytes` from the resend budget (q_mu held): a quarter of the link's
 * rate (the physical link's before the first frame), filled continuously,
 * holding at most 250 ms of it. */
static int spend_budget(tc_gvsp_sender *s, size_t bytes, double link_Bps)
{
    double rate = (link_Bps > 0 ? link_Bps : tc_port_link_max_Bps()) * TC_RESEND_SHARE;
    int64_t now = tc_mono_ns();
    s->budget += (double)(now - s->budget_ns) * 1e-9 * rate;
    s->budget_ns = now;
    if (s->budget > rate * TC_RESEND_BUCKET_S)
        s->budget = rate * TC_RESEND_BUCKET_S;
    if (s->budget < (double)bytes)
        return 0;
    s->budget -= (double)bytes;
    return 1;
}

static held_frame *find_held(tc_gvsp_sender *s, const tc_gvcp_resend *r)
{
    for (unsigned i = 0; i < TC_GVSP_HELD_FRAMES; i++) {
        held_frame *c = &s->ring[i];
        if (c->valid && c->extended == r->extended && wire_block_id(c) == r->block_id)
            return c;
    }
    return NULL;
}

/* Serve one request, in bursts that each wait for the link. */
static void serve_resend(tc_gvsp_sender *s, tc_gvcp_resend r)
{
    tc_gige_stream_cfg cfg;
    if (!tc_gige_stream(s->gige, &cfg))
        return; /* no channel: nowhere to send */
    pthread_mutex_lock(&s->link_mu);
    double Bps = s->link_Bps;
    pthread_mutex_unlock(&s->link_mu);
    uint32_t pid = r.first_packet;
    const uint64_t resets = tc_port_resets(s->dev);
    for (;;) {
        pthread_mutex_lock(&s->ring_mu);
        held_frame *h = find_held(s, &r);
        /* A frame sent to a stream channel since closed or moved, or from
         * before a DeviceReset, is not resent: its packets would reach the
         * new stream's socket as a stale block, as the stream thread's
         * abandoned frames would (a request served late, beside a CPU hog,
         * after arv-test had moved on to its next stream). */
        if (h && (h->dest_ip != cfg.dest_ip || h->dest_port != cfg.dest_port ||
                  h->resets != resets)) {
            s->st.resends_stale++;
            pthread_mutex_unlock(&s->ring_mu);
            return;
        }
        unsigned size = h ? h->packet_size : 64;
        uint32_t through = h ? h->sent_through : 0, last = r.last_packet;
        pthread_mutex_unlock(&s->ring_mu);
        /* A host that waited too long asks for packets the stream has not
         * sent yet (it is behind): they are on their way, not lost. */
        if (h && last >= through)
            last = through - 1; /* (through 0: nothing sent, nothing to resend) */
        if (pid > last || (h && through == 0))
            return;
        uint32_t n = h ? (uint32_t)(TC_BURST_COST / rx_cost(size)) : 1;
        if (n == 0)
            n = 1;
        if (n > TC_BATCH - 1)
            n = TC_BATCH - 1;
        if ((uint64_t)n > (uint64_t)last - pid + 1)
            n = (uint32_t)((uint64_t)last - pid + 1);
        size_t bytes = (size_t)n * size;
        pthread_mutex_lock(&s->q_mu);
        int ok = spend_budget(s, bytes, Bps);
        if (!ok)
            s->st.resends_refused++;
        pthread_mutex_unlock(&s->q_mu);
        if (!ok)
            return; /* over budget: the host asks again or gives the frame up */
        take_link(s, tc_mono_ns(), bytes, Bps);
        pthread_mutex_lock(&s->ring_mu);
        h = find_held(s, &r); /* the stream thread may have let it go meanwhile */
        if (h && (h->dest_ip != cfg.dest_ip || h->dest_port != cfg.dest_port)) {
            s->st.resends_stale++; /* (or replaced it by a frame for another channel) */
            pthread_mutex_unlock(&s->ring_mu);
            return;
        }
        set_destination(s, &cfg);
        if (!h) {
            /* Gone from memory: say so, so the host stops asking. */
            uint8_t *hb = s->b.hdr[s->b.n];
            size_t hl = tc_gvsp_header(hb, r.extended, TC_GEV_PACKET_UNAVAILABLE, r.block_id,
                                       TC_GVSP_PAYLOAD, pid);
            queue_packet(s, hl, NULL, 0, &s->st.packets_unavailable);
            flush_batch(s, &s->st.packets_unavailable);
            pthread_mutex_unlock(&s->ring_mu);
            return;
        }
        for (uint32_t k = 0; k < n; k++)
            queue_frame_packet(s, h, pid + k, &s->st.packets_resent);
        flush_batch(s, &s->st.packets_resent);
        pthread_mutex_unlock(&s->ring_mu);
        pid += n;
    }
}

static void *resend_main(void *arg)
{
    tc_gvsp_sender *s = arg;
    pthread_setname_np(pthread_self(), "tc-gvsp-resend");
    pthread_mutex_lock(&s->q_mu);
    for (;;) {
        while (!s->quit && s->q_n == 0)
            pthread_cond_wait(&s->q_cv, &s->q_mu);
        if (s->quit)
            break;
        tc_gvcp_resend r = s->q[0];
        memmove(s->q, s->q + 1, (s->q_n - 1) * sizeof(s->q[0]));
        s->q_n--;
        pthread_mutex_unlock(&s->q_mu);
        serve_resend(s, r);
        pthread_mutex_lock(&s->q_mu);
    }
    pthread_mutex_unlock(&s->q_mu);
    return NULL;
}

/* ---- life cycle ---- */

tc_gvsp_sender *tc_gvsp_sender_new(tc_device *dev, tc_gige *gige, int fd)
{
    tc_gvsp_sender *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->dev = dev;
    s->gige = gige;
    s->fd = fd;
    pthread_mutex_init(&s->ring_mu, NULL);
    pthread_mutex_init(&s->link_mu, NULL);
    pthread_mutex_init(&s->q_mu, NULL);
    pthread_cond_init(&s->q_cv, NULL);
    s->budget_ns = tc_mono_ns();
    s->dont_fragment = -1;
    return s;
}

int tc_gvsp_sender_start(tc_gvsp_sender *s)
{
    if (pthread_create(&s->stream_thread, NULL, stream_main, s) != 0)
        return -1;
    if (pthread_create(&s->resend_thread, NULL, resend_main, s) != 0) {
        tc_port_cancel(s->dev, &s->waiter);
        pthread_join(s->stream_thread, NULL);
        return -1;
    }
    s->started = 1;
    return 0;
}

void tc_gvsp_sender_stop(tc_gvsp_sender *s)
{
    if (s && s->started) {
        tc_port_cancel(s->dev, &s->waiter);
        pthread_join(s->stream_thread, NULL);
        pthread_mutex_lock(&s->q_mu);
        s->quit = 1;
        pthread_cond_signal(&s->q_cv);
        pthread_mutex_unlock(&s->q_mu);
        pthread_join(s->resend_thread, NULL);
        s->started = 0;
    }
}

void tc_gvsp_sender_free(tc_gvsp_sender *s)
{
    if (!s)
        return;
    tc_gvsp_sender_stop(s);
    release_all(s);
    pthread_cond_destroy(&s->q_cv);
    pthread_mutex_destroy(&s->q_mu);
    pthread_mutex_destroy(&s->link_mu);
    pthread_mutex_destroy(&s->ring_mu);
    free(s);
}

void tc_gvsp_sender_fire_test(tc_gvsp_sender *s, const tc_gige_stream_cfg *cfg)
{
    /* The test packet's UDP payload is exactly packet_size - 28 bytes, which
     * is what the host checks. */
    static const uint8_t zeros[65536];
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(cfg->dest_port),
                              .sin_addr.s_addr = htonl(cfg->dest_ip) };
    pthread_mutex_lock(&s->ring_mu);
    set_dont_fragment(s, cfg->dont_fragment != 0);
    sendto(s->fd, zeros, cfg->packet_size - TC_GVSP_IP_UDP, 0, (struct sockaddr *)&to, sizeof(to));
    pthread_mutex_unlock(&s->ring_mu);
}

void tc_gvsp_sender_stats_get(tc_gvsp_sender *s, tc_gvsp_sender_stats *out)
{
    pthread_mutex_lock(&s->q_mu);
    pthread_mutex_lock(&s->ring_mu);
    *out = s->st;
    pthread_mutex_unlock(&s->ring_mu);
    pthread_mutex_unlock(&s->q_mu);
}
