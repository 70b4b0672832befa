/* The GigE Vision port: sockets and threads around gige_device.c.
 *
 *  - control thread (the caller's): GVCP on ADDR:3956, plus broadcast
 *    discovery on 255.255.255.255:3956 accepted only when it arrived on the
 *    interface that owns ADDR (IP_PKTINFO); heartbeat expiry. It routes
 *    each request (tc_gige_request_route): a port-only one (discovery, a
 *    bootstrap or XML read, PACKETRESEND, which it only queues for the
 *    sender) it answers at once, always; a slow one goes to the worker;
 *    one that needs the core it answers itself while the worker is idle,
 *    else queues it behind the worker's, so it never waits on the core's
 *    lock a slow command holds, and a host's requests stay in order.
 *  - GVCP worker (gvcp_worker.h): serves the queued requests in order; a
 *    full queue (TC_GVCP_QUEUE_MAX) answers BUSY.
 *  - the stream channel: gvsp_sender.c (stream and resend threads).
 *  - PENDING_ACK thread (pending_ack.h): while the worker runs a slow
 *    command, it repeats the command's PENDING_ACK to that command's peer
 *    every TC_PENDING_REPEAT_MS, so the host's wait never lapses; the
 *    heartbeat period of the controller counts from the command's end.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gige/gige_device.h"
#include "gige/gvsp.h"
#include "gige/gvcp_worker.h"
#include "gige/gvsp_sender.h"
#include "gige/pending_ack.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/ready.h"

/* Half the 2000 ms each PENDING_ACK promises (gige_device.c). */
#define TC_PENDING_REPEAT_MS 1000

typedef struct server {
    tc_device *dev;
    tc_gige *gige;
    tc_gvsp_sender *sender;
    int gvcp_fd, bcast_fd, stream_fd;
    unsigned ifindex;
    uint32_t ip;
    const char *label;
    volatile sig_atomic_t *stop;
    tc_gvcp_worker *worker;
    /* The peer of the worker's job, for its PENDING_ACKs (the repeater
     * sends while the job runs; the control thread never writes this). */
    struct sockaddr_in job_peer;
    tc_pending_ack pending;
    int pending_started;
} server;

static void log_line(void *ctx, const char *line)
{
    server *s = ctx;
    tc_log(s->label, "%s", line);
}

/* Hook: PACKETRESEND, from the control thread: queued, served by the sender. */
static void on_resend(void *ctx, const tc_gvcp_resend *r)
{
    server *s = ctx;
    if (s->sender)
        tc_gvsp_sender_resend(s->sender, r);
}

/* Hook: GevSCPSFireTestPacket. */
static void on_fire_test(void *ctx, const tc_gige_stream_cfg *cfg)
{
    server *s = ctx;
    if (s->sender)
        tc_gvsp_sender_fire_test(s->sender, cfg);
}

static void send_to_requester(void *ctx, const uint8_t *data, size_t n)
{
    server *s = ctx;
    sendto(s->gvcp_fd, data, n, 0, (struct sockaddr *)&s->job_peer, sizeof(s->job_peer));
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

/* The MTU of interface `ifindex`, 0 if unknown. */
static unsigned mtu_of(int fd, unsigned ifindex)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    if (!ifindex || !if_indextoname(ifindex, ifr.ifr_name) || ioctl(fd, SIOCGIFMTU, &ifr) != 0)
        return 0;
    return ifr.ifr_mtu > 0 ? (unsigned)ifr.ifr_mtu : 0;
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

/* Worker thread: one queued request, answered to its own peer. */
static void serve_job(void *ctx, const tc_gvcp_job *j)
{
    server *s = ctx;
    uint8_t ack[1024];
    tc_gige_peer peer = { ntohl(j->peer.sin_addr.s_addr), ntohs(j->peer.sin_port) };
    s->job_peer = j->peer;
    size_t out = tc_gige_handle(s->gige, &peer, j->bytes, j->n, ack, sizeof(ack), tc_mono_ns());
    if (s->pending_started && tc_pending_ack_disarm(&s->pending))
        tc_gige_heard(s->gige, &peer, tc_mono_ns()); /* a slow command: heard at its end */
    if (out)
        sendto(s->gvcp_fd, ack, out, 0, (const struct sockaddr *)&j->peer, sizeof(j->peer));
}

/* Worker's hook, under its lock: tc_gige_tick leaves the session alone
 * while a command may be in the core. */
static void worker_busy(void *ctx, int busy)
{
    server *s = ctx;
    tc_gige_set_worker_busy(s->gige, busy);
}

static void handle_datagram(server *s, int fd)
{
    uint8_t req[TC_GVCP_JOB_BYTES], ack[1024];
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
    tc_gige_route route = tc_gige_request_route(s->gige, req, (size_t)n);
    /* Only this thread makes an idle worker busy: idle here stays idle
     * until the push below, so the core is this thread's to call. */
    int busy = tc_gvcp_worker_busy(s->worker);
    size_t out = 0;
    if (route == TC_GIGE_ROUTE_PORT && busy) {
        out = tc_gige_handle_port(s->gige, &peer, req, (size_t)n, ack, sizeof(ack), tc_mono_ns());
    } else if (route == TC_GIGE_ROUTE_SLOW || (route == TC_GIGE_ROUTE_CORE && busy)) {
        if (tc_gvcp_worker_push(s->worker, &from, req, (size_t)n) == TC_GVCP_FULL)
            out = tc_gige_busy_ack(req, (size_t)n, ack, sizeof(ack));
    } else {
        /* Idle: as before the worker existed, with the core (a DeviceReset
         * or a user name through another port seen at once). */
        out = tc_gige_handle(s->gige, &peer, req, (size_t)n, ack, sizeof(ack), tc_mono_ns());
    }
    if (out)
        sendto(s->gvcp_fd, ack, out, 0, (struct sockaddr *)&from, sizeof(from));
}

/* The status hook's snapshot: the sender's counters and the controller. */
static void report_status(server *s, const tc_port_status_hook *hook)
{
    tc_gvsp_sender_stats st;
    tc_gvsp_sender_stats_get(s->sender, &st);
    tc_port_status ps = { .now_ns = tc_mono_ns(),
                          .frames_sent = st.frames_sent,
                          .bytes_sent = st.bytes_sent,
                          .clients = tc_gige_controllers(s->gige),
                          .resend_requests = st.resend_requests,
                          .packets_resent = st.packets_resent };
    hook->report(hook->ctx, &ps);
}

int tc_gige_serve(tc_device *dev, const char *address, volatile sig_atomic_t *stop)
{
    return tc_gige_serve_with(dev, address, stop, NULL);
}

int tc_gige_serve_with(tc_device *dev, const char *address, volatile sig_atomic_t *stop,
                       const tc_port_status_hook *status)
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

    int rc = -1;
    /* The control port without SO_REUSEADDR: with it, Linux lets a second
     * UDP socket bind the same address and port, and two cameras then
     * answer discovery while unicast reaches only the last one. Only the
     * broadcast socket is shared (cameras on 127.0.0.1 and 127.0.0.2 each
     * take the discovery broadcasts on it; each copy goes to every socket). */
    s->bcast_fd = s->stream_fd = -1;
    s->gvcp_fd = udp_socket(s->ip, TC_GVCP_PORT, 0);
    if (s->gvcp_fd < 0) {
        int e = errno;
        fprintf(stderr, "twincam: cannot serve on %s:%d: %s%s\n", address, TC_GVCP_PORT, strerror(e),
                e == EADDRINUSE ? " (another camera or program holds it)" : "");
        goto out;
    }
    s->bcast_fd = udp_socket(INADDR_BROADCAST, TC_GVCP_PORT, 1);
    s->stream_fd = udp_socket(s->ip, 0, 0);
    s->ifindex = interface_of(s->ip);
    if (s->stream_fd < 0) {
        fprintf(stderr, "twincam: cannot bind a stream port on %s: %s\n", address, strerror(errno));
        goto out;
    }
    if (s->bcast_fd < 0)
        fprintf(stderr, "twincam: no broadcast discovery (%s); unicast works\n", strerror(errno));
    int one = 1, sndbuf = 8 << 20;
    if (s->bcast_fd >= 0)
        setsockopt(s->bcast_fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
    /* A flood of small requests (PACKETRESEND from any peer) must not crowd
     * the controller's out of the control socket: as much room as the
     * system allows (net.core.rmem_max). */
    int rcvbuf = 4 << 20;
    setsockopt(s->gvcp_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    setsockopt(s->stream_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

    s->pending_started = tc_pending_ack_init(&s->pending, TC_PENDING_REPEAT_MS, send_to_requester, s) == 0;
    tc_gige_hooks hooks = { s, on_fire_test, on_resend, on_send_now, log_line };
    s->gige = tc_gige_new(dev, s->ip, &hooks);
    if (!s->gige)
        goto out;
    s->worker = tc_gvcp_worker_new(serve_job, worker_busy, s);
    if (!s->worker)
        goto out;
    struct sockaddr_in local;
    socklen_t ll = sizeof(local);
    getsockname(s->stream_fd, (struct sockaddr *)&local, &ll);
    tc_gige_set_source_port(s->gige, ntohs(local.sin_port));
    unsigned mtu = mtu_of(s->stream_fd, s->ifindex);
    tc_gige_set_link_mtu(s->gige, mtu);

    /* Hooks may run from here on: the sender exists before the first request. */
    s->sender = tc_gvsp_sender_new(dev, s->gige, s->stream_fd);
    if (!s->sender || tc_gvsp_sender_start(s->sender) != 0)
        goto out;
    tc_port_identity id;
    tc_port_identity_get(dev, &id);
    char line[160];
    snprintf(line, sizeof(line), "serving GigE Vision camera %s on %s:%d (link MTU %u)", id.serial, address,
             TC_GVCP_PORT, mtu);
    log_line(s, line);
    tc_ready_announce(line);

    int64_t status_due = status && status->period_ms ? tc_mono_ns() + (int64_t)status->period_ms * 1000000
                                                     : INT64_MAX;
    while (!*stop) {
        if (tc_mono_ns() >= status_due) {
            report_status(s, status);
            status_due += (int64_t)status->period_ms * 1000000;
        }
        int64_t next = tc_gige_tick(s->gige, tc_mono_ns());
        if (status_due < next)
            next = status_due;
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
    tc_gvcp_worker_free(s->worker); /* its running command ends first */
    s->worker = NULL;
    tc_port_stop(dev);
    tc_gvsp_sender_stop(s->sender);
    tc_gvsp_sender_stats st;
    tc_gvsp_sender_stats_get(s->sender, &st);
    char stats[512];
    snprintf(stats, sizeof(stats),
             "stopping: %llu frames (%llu abandoned for a closed or moved channel), %llu packets "
             "sent (%llu batches over 1 ms late), %llu resend requests, %llu packets resent, %llu "
             "refused over budget, %llu with the queue full, %llu unavailable, %llu for a moved "
             "channel, %llu dropped on purpose, %llu refused by the kernel%s%s",
             (unsigned long long)st.frames_sent, (unsigned long long)st.frames_abandoned,
             (unsigned long long)st.packets_sent, (unsigned long long)st.batches_late,
             (unsigned long long)st.resend_requests, (unsigned long long)st.packets_resent,
             (unsigned long long)st.resends_refused, (unsigned long long)st.resends_queue_full,
             (unsigned long long)st.packets_unavailable,
             (unsigned long long)st.resends_stale, (unsigned long long)st.packets_lost_on_purpose,
             (unsigned long long)st.send_errors,
             st.send_errors ? ", last: " : "", st.send_errors ? strerror(st.last_send_errno) : "");
    log_line(s, stats);
    rc = 0;
out:
    tc_gvcp_worker_free(s->worker);
    if (s->pending_started)
        tc_pending_ack_destroy(&s->pending);
    tc_gvsp_sender_free(s->sender);
    tc_gige_free(s->gige);
    if (s->gvcp_fd >= 0)
        close(s->gvcp_fd);
    if (s->bcast_fd >= 0)
        close(s->bcast_fd);
    if (s->stream_fd >= 0)
        close(s->stream_fd);
    free(s);
    return rc;
}
