/* The GigE Vision port: sockets and threads around gige_device.c.
 *
 *  - control thread (the caller's): GVCP on ADDR:3956, plus broadcast
 *    discovery on 255.255.255.255:3956 accepted only when it arrived on the
 *    interface that owns ADDR (IP_PKTINFO); heartbeat expiry.
 *  - stream thread: blocks in the core's frame wait and sends leader,
 *    payload and trailer packets to GevSCDA:GevSCPHostPort, batched with
 *    sendmmsg, each batch once the core's readout pacing says its rows have
 *    been read; each packet a two-part iovec (header, slice of the frame) so
 *    payload is never copied and nothing is allocated per packet.
 *  - resends are sent by the control thread straight from the frames the
 *    stream thread still holds (the last TC_RESEND_FRAMES), under ring_mu.
 *  - PENDING_ACK thread (pending_ack.h): while the control thread runs a
 *    slow command, it repeats the command's PENDING_ACK every
 *    TC_PENDING_REPEAT_MS, so the host's wait never lapses; the heartbeat
 *    period of the controller counts from the command's end.
 *
 * The camera binds ADDR only; it sends only to the address a controlling
 * client wrote into GevSCDA. */
#include "gige/gige_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gige/gige_device.h"
#include "gige/gvsp.h"
#include "gige/pending_ack.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/rng.h"

#define TC_RESEND_FRAMES 4
#define TC_BATCH 64
/* Bursts stay well inside a receiver's default socket buffer (208 KiB on
 * Linux): a real link spreads packets evenly, so the twin must not dump a
 * frame's worth at once and blame the host for the loss. */
#define TC_BURST_BYTES (48 * 1024)
/* Half the 2000 ms each PENDING_ACK promises (gige_device.c). */
#define TC_PENDING_REPEAT_MS 1000

typedef struct held_frame {
    int valid;
    tc_port_frame f;
    uint32_t n_payload; /* payload packets */
    unsigned packet_size;
    int extended;
} held_frame;

typedef struct server {
    tc_device *dev;
    tc_gige *gige;
    int gvcp_fd, bcast_fd, stream_fd;
    unsigned ifindex;
    uint32_t ip;
    const char *label;
    volatile sig_atomic_t *stop;
    tc_port_waiter waiter; /* the stream thread's frame wait */

    pthread_mutex_t ring_mu; /* held frames; also serialises sends on stream_fd */
    held_frame ring[TC_RESEND_FRAMES];
    unsigned ring_next;

    /* the request being handled, for PENDING_ACK */
    struct sockaddr_in cur_peer;
    tc_pending_ack pending;
    int pending_started;

    /* per-batch scratch (stream thread or resend under ring_mu) */
    uint8_t hdr[TC_BATCH][TC_GVSP_MAX_HEADER + TC_GVSP_LEADER_BODY];
    struct iovec iov[TC_BATCH][2];
    struct mmsghdr msgs[TC_BATCH];
    unsigned n_batch;
    struct sockaddr_in dest;

    uint64_t frames_sent, frames_abandoned, packets_sent, packets_resent, packets_lost_on_purpose;
    uint64_t send_errors; /* packets the kernel refused (the host sees them lost) */
    int last_send_errno;
} server;


static void log_line(void *ctx, const char *line)
{
    server *s = ctx;
    tc_log(s->label, "%s", line);
}

/* ---- sending ---- */

static void set_dont_fragment(server *s, int df)
{
    int v = df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
    setsockopt(s->stream_fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
}

static void flush_batch(server *s)
{
    unsigned off = 0, failed = 0;
    while (off < s->n_batch) {
        int n = sendmmsg(s->stream_fd, s->msgs + off, s->n_batch - off, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* unreachable destination, DF too big, no buffer space: the
             * host sees this packet lost; the rest of the batch still goes */
            s->last_send_errno = errno;
            failed++;
            off++;
            continue;
        }
        off += (unsigned)n;
    }
    s->packets_sent += off - failed;
    s->send_errors += failed;
    s->n_batch = 0;
}

/* Queue one packet: header bytes already in s->hdr[s->n_batch]. */
static void queue_packet(server *s, size_t hdr_len, const uint8_t *data, size_t data_len)
{
    unsigned i = s->n_batch;
    s->iov[i][0].iov_base = s->hdr[i];
    s->iov[i][0].iov_len = hdr_len;
    s->iov[i][1].iov_base = (void *)data;
    s->iov[i][1].iov_len = data_len;
    memset(&s->msgs[i], 0, sizeof(s->msgs[i]));
    s->msgs[i].msg_hdr.msg_name = &s->dest;
    s->msgs[i].msg_hdr.msg_namelen = sizeof(s->dest);
    s->msgs[i].msg_hdr.msg_iov = s->iov[i];
    s->msgs[i].msg_hdr.msg_iovlen = data_len ? 2 : 1;
    if (++s->n_batch == TC_BATCH)
        flush_batch(s);
}

/* Packet `pid` of a held frame: 0 leader, 1..N payload, N+1 trailer. */
static void queue_frame_packet(server *s, const held_frame *h, uint32_t pid)
{
    uint8_t *hb = s->hdr[s->n_batch];
    uint64_t block = h->f.block_id;
    if (!h->extended)
        block = (block - 1) % 0xFFFF + 1; /* 16-bit ids skip 0 */
    if (pid == 0) {
        tc_gvsp_image img = { h->f.timestamp_ns, h->f.pixel_format, h->f.width, h->f.height,
                              h->f.offset_x, h->f.offset_y };
        queue_packet(s, tc_gvsp_leader(hb, h->extended, block, &img), NULL, 0);
    } else if (pid <= h->n_payload) {
        size_t bs = tc_gvsp_block_size(h->packet_size, h->extended);
        size_t off = (size_t)(pid - 1) * bs;
        size_t len = h->f.size - off < bs ? h->f.size - off : bs;
        size_t hl = tc_gvsp_header(hb, h->extended, TC_GVSP_STATUS_OK, block, TC_GVSP_PAYLOAD, pid);
        queue_packet(s, hl, h->f.data + off, len);
    } else {
        queue_packet(s, tc_gvsp_trailer(hb, h->extended, block, pid, h->f.height), NULL, 0);
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

static void sleep_until_ns(int64_t t)
{
    struct timespec ts = { t / 1000000000, t % 1000000000 };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static void send_frame(server *s, held_frame *h, const tc_gige_stream_cfg *cfg)
{
    s->dest.sin_family = AF_INET;
    s->dest.sin_addr.s_addr = htonl(cfg->dest_ip);
    s->dest.sin_port = htons(cfg->dest_port);
    set_dont_fragment(s, cfg->dont_fragment);
    tc_rng rng = tc_rng_keyed(0x6c6f7373, h->f.block_id, 0);
    uint64_t loss_threshold = (uint64_t)(cfg->loss_percent / 100.0 * 18446744073709551615.0);
    int64_t scpd = 0; /* GevSCPD so far: the host's delay between packets, on top */
    size_t batch_bytes = 0;
    uint32_t last = h->n_payload + 1;
    /* A batch's packets are chosen first and queued only once it is due, all
     * under ring_mu with the flush: the resend hook, which queues and flushes
     * under the same lock, can never push a stream packet out early. */
    uint32_t batch[TC_BATCH - 1];
    unsigned n = 0;
    const uint64_t resets = tc_port_resets(s->dev);
    for (uint32_t pid = 0; pid <= last; pid++) {
        /* Deliberate loss hits payload packets only, and only their first
         * transmission: the resend path must recover every one. */
        if (loss_threshold && pid >= 1 && pid <= h->n_payload && tc_rng_next(&rng) < loss_threshold) {
            s->packets_lost_on_purpose++; /* (the trailer, pid == last, is never lost) */
            continue;
        }
        batch[n++] = pid;
        batch_bytes += h->packet_size;
        /* A batch leaves once the rows it carries have been read out (the
         * core's pacing), in bursts a receiver's socket buffer takes. */
        /* The leader goes alone, at readout start: it tells the host a frame
         * began (trigger latency) and waits for no row. */
        if (pid == 0 || cfg->delay_ns || batch_bytes >= TC_BURST_BYTES || n == TC_BATCH - 1 ||
            pid == last) {
            scpd += (int64_t)cfg->delay_ns;
            batch_bytes = 0;
            sleep_until_ns(tc_port_due_ns(&h->f, bytes_through(h, pid)) + scpd);
            /* A frame of a channel since closed or moved, or from before a
             * DeviceReset, is abandoned: its packets would reach the new
             * stream's socket as a stale block (Aravis then gave up on the
             * new acquisition's first frame). */
            tc_gige_stream_cfg now;
            if (!tc_gige_stream(s->gige, &now) || now.dest_ip != cfg->dest_ip ||
                now.dest_port != cfg->dest_port || tc_port_resets(s->dev) != resets) {
                s->frames_abandoned++;
                return;
            }
            pthread_mutex_lock(&s->ring_mu);
            for (unsigned i = 0; i < n; i++)
                queue_frame_packet(s, h, batch[i]);
            flush_batch(s);
            pthread_mutex_unlock(&s->ring_mu);
            n = 0;
        }
    }
    s->frames_sent++;
}

/* Hook: PACKETRESEND, from the control thread. */
static void on_resend(void *ctx, const tc_gvcp_resend *r)
{
    server *s = ctx;
    pthread_mutex_lock(&s->ring_mu);
    held_frame *h = NULL;
    for (unsigned i = 0; i < TC_RESEND_FRAMES; i++) {
        held_frame *c = &s->ring[i];
        if (!c->valid || c->extended != r->extended)
            continue;
        uint64_t id = c->extended ? c->f.block_id : (c->f.block_id - 1) % 0xFFFF + 1;
        if (id == r->block_id)
            h = c;
    }
    if (!h) {
        /* Gone from memory: say so, so the host stops asking. */
        uint8_t *hb = s->hdr[s->n_batch];
        size_t hl = tc_gvsp_header(hb, r->extended, TC_GEV_PACKET_UNAVAILABLE, r->block_id,
                                   TC_GVSP_PAYLOAD, r->first_packet);
        queue_packet(s, hl, NULL, 0);
    } else {
        uint32_t last = r->last_packet > h->n_payload + 1 ? h->n_payload + 1 : r->last_packet;
        for (uint32_t pid = r->first_packet; pid <= last; pid++) {
            queue_frame_packet(s, h, pid);
            s->packets_resent++;
        }
    }
    flush_batch(s);
    pthread_mutex_unlock(&s->ring_mu);
}

/* Hook: GevSCPSFireTestPacket. The test packet's UDP payload is exactly
 * packet_size - 28 bytes, which is what the host checks. */
static void on_fire_test(void *ctx, const tc_gige_stream_cfg *cfg)
{
    server *s = ctx;
    static uint8_t zeros[65536];
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(cfg->dest_port),
                              .sin_addr.s_addr = htonl(cfg->dest_ip) };
    pthread_mutex_lock(&s->ring_mu);
    set_dont_fragment(s, cfg->dont_fragment);
    sendto(s->stream_fd, zeros, cfg->packet_size - TC_GVSP_IP_UDP, 0, (struct sockaddr *)&to, sizeof(to));
    pthread_mutex_unlock(&s->ring_mu);
}

static void send_to_requester(void *ctx, const uint8_t *data, size_t n)
{
    server *s = ctx;
    sendto(s->gvcp_fd, data, n, 0, (struct sockaddr *)&s->cur_peer, sizeof(s->cur_peer));
}

/* The PENDING_ACK of a slow command: now, and again until its ack. */
static void on_send_now(void *ctx, const uint8_t *data, size_t n)
{
    server *s = ctx;
    if (s->pending_started)
        tc_pending_ack_arm(&s->pending, data, n);
    else
        send_to_requester(s, data, n);
}

/* ---- stream thread ---- */

static void hold(server *s, const tc_port_frame *f, const tc_gige_stream_cfg *cfg, held_frame **out)
{
    pthread_mutex_lock(&s->ring_mu);
    held_frame *h = &s->ring[s->ring_next];
    s->ring_next = (s->ring_next + 1) % TC_RESEND_FRAMES;
    if (h->valid)
        tc_port_release(s->dev, &h->f); /* oldest frame leaves the resend window */
    h->valid = 1;
    h->f = *f;
    h->packet_size = cfg->packet_size;
    h->extended = cfg->extended_ids;
    h->n_payload = tc_gvsp_payload_packets(f->size, cfg->packet_size, cfg->extended_ids);
    *out = h;
    pthread_mutex_unlock(&s->ring_mu);
}

static void release_all(server *s)
{
    pthread_mutex_lock(&s->ring_mu);
    for (unsigned i = 0; i < TC_RESEND_FRAMES; i++)
        if (s->ring[i].valid) {
            tc_port_release(s->dev, &s->ring[i].f);
            s->ring[i].valid = 0;
        }
    pthread_mutex_unlock(&s->ring_mu);
}

static void *stream_main(void *arg)
{
    server *s = arg;
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
        held_frame *h;
        hold(s, &f, &cfg, &h);
        send_frame(s, h, &cfg);
    }
    release_all(s);
    return NULL;
}

/* ---- sockets ---- */

static int udp_socket(uint32_t ip, uint16_t port, int reuse)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    if (reuse)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip) };
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static unsigned interface_of(uint32_t ip)
{
    struct ifaddrs *ifs, *i;
    unsigned idx = 0;
    if (getifaddrs(&ifs) != 0)
        return 0;
    for (i = ifs; i; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
            ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr) == ip) {
            idx = if_nametoindex(i->ifa_name);
            break;
        }
    /* 127.0.0.2 and friends are not listed but live on the loopback device. */
    if (!idx && (ip >> 24) == 127)
        idx = if_nametoindex("lo");
    freeifaddrs(ifs);
    return idx;
}

/* Receive one datagram; for the broadcast socket also its arrival interface. */
static ssize_t receive(int fd, uint8_t *buf, size_t cap, struct sockaddr_in *from, unsigned *ifindex)
{
    struct iovec iov = { buf, cap };
    char ctrl[CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct msghdr m = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov,
                        .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
    ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
    *ifindex = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); n >= 0 && c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
            *ifindex = (unsigned)((struct in_pktinfo *)CMSG_DATA(c))->ipi_ifindex;
    return n;
}

static void handle_datagram(server *s, int fd)
{
    uint8_t req[2048], ack[1024];
    struct sockaddr_in from;
    unsigned ifindex;
    ssize_t n = receive(fd, req, sizeof(req), &from, &ifindex);
    if (n <= 0)
        return;
    if (fd == s->bcast_fd) {
        /* Broadcasts count only on our own interface, and only for discovery. */
        if (ifindex != s->ifindex || n < 4 || req[2] != 0 || req[3] != TC_GVCP_DISCOVERY_CMD)
            return;
    }
    tc_gige_peer peer = { ntohl(from.sin_addr.s_addr), ntohs(from.sin_port) };
    s->cur_peer = from;
    size_t out = tc_gige_handle(s->gige, &peer, req, (size_t)n, ack, sizeof(ack), tc_mono_ns());
    if (s->pending_started && tc_pending_ack_disarm(&s->pending))
        tc_gige_heard(s->gige, &peer, tc_mono_ns()); /* a slow command: heard at its end */
    if (out)
        sendto(s->gvcp_fd, ack, out, 0, (struct sockaddr *)&from, sizeof(from));
}

int tc_gige_serve(tc_device *dev, const char *address, volatile sig_atomic_t *stop)
{
    server *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    struct in_addr in;
    if (inet_pton(AF_INET, address, &in) != 1) {
        fprintf(stderr, "twincam: '%s' is not an IPv4 address\n", address);
        free(s);
        return -1;
    }
    s->dev = dev;
    s->ip = ntohl(in.s_addr);
    s->label = address;
    s->stop = stop;
    pthread_mutex_init(&s->ring_mu, NULL);

    int rc = -1;
    s->gvcp_fd = udp_socket(s->ip, TC_GVCP_PORT, 1);
    s->bcast_fd = udp_socket(INADDR_BROADCAST, TC_GVCP_PORT, 1);
    s->stream_fd = udp_socket(s->ip, 0, 0);
    s->ifindex = interface_of(s->ip);
    if (s->gvcp_fd < 0 || s->stream_fd < 0) {
        fprintf(stderr, "twincam: cannot bind %s:%d: %s\n", address, TC_GVCP_PORT, strerror(errno));
        goto out;
    }
    if (s->bcast_fd < 0)
        fprintf(stderr, "twincam: no broadcast discovery (%s); unicast works\n", strerror(errno));
    int one = 1, sndbuf = 8 << 20;
    if (s->bcast_fd >= 0)
        setsockopt(s->bcast_fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
    setsockopt(s->stream_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

    s->pending_started = tc_pending_ack_init(&s->pending, TC_PENDING_REPEAT_MS, send_to_requester, s) == 0;
    tc_gige_hooks hooks = { s, on_fire_test, on_resend, on_send_now, log_line };
    s->gige = tc_gige_new(dev, s->ip, &hooks);
    if (!s->gige)
        goto out;
    struct sockaddr_in local;
    socklen_t ll = sizeof(local);
    getsockname(s->stream_fd, (struct sockaddr *)&local, &ll);
    tc_gige_set_source_port(s->gige, ntohs(local.sin_port));

    pthread_t stream_thread;
    if (pthread_create(&stream_thread, NULL, stream_main, s) != 0)
        goto out;
    tc_port_identity id;
    tc_port_identity_get(dev, &id);
    char line[160];
    snprintf(line, sizeof(line), "serving GigE Vision camera %s on %s:%d", id.serial, address, TC_GVCP_PORT);
    log_line(s, line);

    while (!*stop) {
        int64_t next = tc_gige_tick(s->gige, tc_mono_ns());
        int timeout = 200;
        if (next != INT64_MAX) {
            int64_t ms = (next - tc_mono_ns()) / 1000000 + 1;
            if (ms < timeout)
                timeout = ms < 0 ? 0 : (int)ms;
        }
        struct pollfd p[2] = { { s->gvcp_fd, POLLIN, 0 }, { s->bcast_fd, POLLIN, 0 } };
        int n = poll(p, s->bcast_fd >= 0 ? 2 : 1, timeout);
        if (n <= 0)
            continue;
        for (int i = 0; i < 2; i++)
            if (p[i].revents & POLLIN)
                handle_datagram(s, p[i].fd);
    }
    snprintf(line, sizeof(line),
             "stopping: %llu frames (%llu abandoned for a closed or moved channel), %llu packets "
             "sent, %llu resent, %llu dropped on purpose, %llu refused by the kernel%s%s",
             (unsigned long long)s->frames_sent, (unsigned long long)s->frames_abandoned,
             (unsigned long long)s->packets_sent,
             (unsigned long long)s->packets_resent, (unsigned long long)s->packets_lost_on_purpose,
             (unsigned long long)s->send_errors, s->send_errors ? ", last: " : "",
             s->send_errors ? strerror(s->last_send_errno) : "");
    log_line(s, line);
    tc_port_stop(dev);
    tc_port_cancel(dev, &s->waiter);
    pthread_join(stream_thread, NULL);
    rc = 0;
out:
    if (s->pending_started)
        tc_pending_ack_destroy(&s->pending);
    tc_gige_free(s->gige);
    if (s->gvcp_fd >= 0)
        close(s->gvcp_fd);
    if (s->bcast_fd >= 0)
        close(s->bcast_fd);
    if (s->stream_fd >= 0)
        close(s->stream_fd);
    pthread_mutex_destroy(&s->ring_mu);
    free(s);
    return rc;
}
