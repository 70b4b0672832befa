/* The GVSP sender's resends (src/gige/gvsp_sender.c): queued by the control
 * thread in O(1), served from the held frames by the resend thread, and
 * bounded by the resend budget however hard a peer floods.
 *
 * Real UDP on 127.0.0.1 only; meson runs this inside a private network
 * namespace with only loopback up (unshare -rn). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "gige/gige_device.h"
#include "gige/gvcp.h"
#include "gige/gvsp.h"
#include "gige/gvsp_sender.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/clock.h"

#define LOCALHOST 0x7F000001u
#define PACKET 1400
#define R_CCP 0x0A00
#define R_SCP 0x0D00
#define R_SCPS 0x0D04
#define R_SCDA 0x0D18

typedef struct fx {
    tc_camera *cam;
    tc_gige *g;
    tc_gvsp_sender *s;
    int send_fd, recv_fd;
    uint16_t req_id;
} fx;

static int udp_bound(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(LOCALHOST) };
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static uint16_t local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    return ntohs(a.sin_port);
}

/* WRITEREG of one register by the controller; returns the ack status. */
static uint16_t wr(fx *f, uint32_t addr, uint32_t v)
{
    uint8_t d[16] = { 0x42, 0x01, 0x00, 0x82, 0x00, 0x08 }, ack[576];
    f->req_id++;
    d[6] = (uint8_t)(f->req_id >> 8);
    d[7] = (uint8_t)f->req_id;
    for (int i = 0; i < 4; i++) {
        d[8 + i] = (uint8_t)(addr >> (24 - 8 * i));
        d[12 + i] = (uint8_t)(v >> (24 - 8 * i));
    }
    tc_gige_peer peer = { LOCALHOST, 40000 };
    size_t n = tc_gige_handle(f->g, &peer, d, sizeof(d), ack, sizeof(ack), tc_mono_ns());
    assert_int_equal(n, 12);
    return (uint16_t)(ack[0] << 8 | ack[1]);
}

static int setup_with_buffers(void **state, unsigned buffers)
{
    fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.frame_buffers = buffers;
    assert_int_equal(tc_camera_open(&o, &f->cam), 0);
    /* a small frame: 240 x 64 BayerGR8, 15360 bytes in 12 payload packets of up to 1364 */
    assert_int_equal(tc_set_from_text(f->cam, "PixelFormat", "BayerGR8"), 0);
    assert_int_equal(tc_set_int(f->cam, "Width", 240), 0);
    assert_int_equal(tc_set_int(f->cam, "Height", 64), 0);
    assert_int_equal(tc_set_from_text(f->cam, "AcquisitionMode", "SingleFrame"), 0);
    f->g = tc_gige_new(tc_camera_device(f->cam), LOCALHOST, NULL);
    assert_non_null(f->g);
    f->send_fd = udp_bound(0);
    f->recv_fd = udp_bound(0);
    int big = 8 << 20;
    setsockopt(f->recv_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    assert_int_equal(wr(f, R_CCP, 2), 0);
    assert_int_equal(wr(f, R_SCPS, PACKET), 0);
    assert_int_equal(wr(f, R_SCDA, LOCALHOST), 0);
    assert_int_equal(wr(f, R_SCP, local_port(f->recv_fd)), 0);
    f->s = tc_gvsp_sender_new(tc_camera_device(f->cam), f->g, f->send_fd);
    assert_non_null(f->s);
    assert_int_equal(tc_gvsp_sender_start(f->s), 0);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_with_buffers(state, 0); }
/* As `twincam serve` opens the camera: 16 frame buffers. */
static int setup_16(void **state) { return setup_with_buffers(state, 16); }

static int teardown(void **state)
{
    fx *f = *state;
    tc_gvsp_sender_free(f->s);
    tc_gige_free(f->g);
    close(f->send_fd);
    close(f->recv_fd);
    tc_camera_close(f->cam);
    free(f);
    return 0;
}

/* Next datagram within `ms`; its length, or 0 on timeout. */
static size_t receive(fx *f, uint8_t *buf, size_t cap, int ms)
{
    struct pollfd p = { f->recv_fd, POLLIN, 0 };
    if (poll(&p, 1, ms) != 1)
        return 0;
    ssize_t n = recv(f->recv_fd, buf, cap, 0);
    return n > 0 ? (size_t)n : 0;
}

/* GVSP standard header: status u16, block id u16, format u8, packet id u24. */
static unsigned packet_format(const uint8_t *p) { return p[4]; }
static unsigned packet_id(const uint8_t *p) { return (unsigned)(p[5] << 16 | p[6] << 8 | p[7]); }
static unsigned packet_status(const uint8_t *p) { return (unsigned)(p[0] << 8 | p[1]); }
static unsigned packet_block(const uint8_t *p) { return (unsigned)(p[2] << 8 | p[3]); }

/* One SingleFrame acquisition, received whole: its last packet id. */
static unsigned one_frame(fx *f)
{
    assert_int_equal(tc_port_start(tc_camera_device(f->cam)), 0);
    uint8_t b[2048];
    for (;;) {
        size_t n = receive(f, b, sizeof(b), 5000);
        assert_true(n >= 8); /* the frame arrives */
        if (packet_format(b) == TC_GVSP_TRAILER)
            return packet_id(b);
    }
}

/* A resend of a held frame's packets arrives, with the frame's bytes. */
static void resend_of_held_frame_arrives(void **state)
{
    fx *f = *state;
    unsigned trailer = one_frame(f);
    assert_int_equal(trailer, 13); /* 12 payload packets */
    tc_gvcp_resend r = { 0, 1, 3, 5, 0 };
    tc_gvsp_sender_resend(f->s, &r);
    unsigned seen = 0;
    uint8_t b[2048];
    while (seen != 0x38) {
        size_t n = receive(f, b, sizeof(b), 5000);
        assert_true(n > 8);
        assert_int_equal(packet_status(b), 0);
        assert_int_equal(packet_format(b), TC_GVSP_PAYLOAD);
        assert_int_equal(n, PACKET - 28); /* UDP payload: GVSP header + data */
        seen |= 1u << packet_id(b);
    }
    /* a block no longer held: one PACKET_UNAVAILABLE status, no data */
    tc_gvcp_resend gone = { 0, 999, 1, 12, 0 };
    tc_gvsp_sender_resend(f->s, &gone);
    size_t n = receive(f, b, sizeof(b), 5000);
    assert_int_equal(n, 8);
    assert_int_equal(packet_status(b), TC_GEV_PACKET_UNAVAILABLE);
}

/* A resend asked for a frame sent before the stream channel moved goes
 * nowhere: not to the new destination, whose stream would take it for a
 * stale block (arv-test beside a CPU hog: a request of its last stream,
 * served late, failed its next test's first buffer). */
static void resend_after_the_channel_moved_is_not_sent(void **state)
{
    fx *f = *state;
    one_frame(f);
    int moved = udp_bound(0);
    assert_int_equal(wr(f, R_SCP, local_port(moved)), 0);
    tc_gvcp_resend r = { 0, 1, 1, 3, 0 };
    tc_gvsp_sender_resend(f->s, &r);
    struct pollfd p[2] = { { moved, POLLIN, 0 }, { f->recv_fd, POLLIN, 0 } };
    assert_int_equal(poll(p, 2, 300), 0);
    tc_gvsp_sender_stats st;
    tc_gvsp_sender_stats_get(f->s, &st);
    assert_int_equal(st.resends_stale, 1);
    assert_int_equal(st.packets_resent, 0);
    close(moved);
}

/* The first status a resend of packet 1 of `block` gets back (0: data). */
static unsigned resend_status(fx *f, unsigned block)
{
    tc_gvcp_resend r = { 0, block, 1, 1, 0 };
    tc_gvsp_sender_resend(f->s, &r);
    uint8_t b[2048];
    size_t n = receive(f, b, sizeof(b), 5000);
    assert_true(n >= 8);
    assert_int_equal(packet_block(b), block);
    return packet_status(b);
}

/* The resend window is as long as memory allows: with 16 frame buffers (as
 * `twincam serve` asks for) a small frame stays held for 12 frames after it
 * was sent, leaving the sensor 3 buffers besides the one being sent, so no
 * frame is dropped for it; the one before has left. (Hosts descheduled on
 * a busy machine ask for packets of frames several periods old.) */
static void window_holds_what_spare_buffers_allow(void **state)
{
    fx *f = *state;
    tc_device *d = tc_camera_device(f->cam);
    assert_int_equal(tc_set_from_text(f->cam, "AcquisitionMode", "Continuous"), 0);
    uint64_t dropped0 = tc_port_frames_dropped(d);
    assert_int_equal(tc_port_start(d), 0);
    unsigned trailers[20], n = 0;
    uint8_t b[2048];
    while (n < 20) {
        size_t len = receive(f, b, sizeof(b), 5000);
        assert_true(len >= 8);
        if (packet_format(b) == TC_GVSP_TRAILER)
            trailers[n++] = packet_block(b);
    }
    assert_int_equal(tc_port_stop(d), 0);
    while (receive(f, b, sizeof(b), 200)) /* frames sent while stopping */
        if (packet_format(b) == TC_GVSP_TRAILER)
            trailers[n - 1] = packet_block(b);
    assert_int_equal(tc_port_frame_buffers(d), 16);
    unsigned last = trailers[n - 1];
    assert_int_equal(resend_status(f, last - 12), 0);
    assert_int_equal(resend_status(f, last - 13), TC_GEV_PACKET_UNAVAILABLE);
    assert_int_equal(tc_port_frames_dropped(d), dropped0);
}

/* A peer asking for a whole held frame as fast as it can, until the budget
 * has said no (at least 300 ms; on a loaded machine the resend thread may
 * need longer to spend the bucket, so the flood goes on until it has, within
 * 20 s): the control thread's calls return at once (queued, requests for
 * what is already queued merged), and what is resent stays within the
 * budget: a quarter of the link's rate (here DeviceLinkThroughputLimit
 * 10 MB/s) plus the bucket's 250 ms of it, however many requests come. */
static void resend_flood_is_bounded(void **state)
{
    fx *f = *state;
    assert_int_equal(tc_set_int(f->cam, "DeviceLinkThroughputLimit", 10000000), 0);
    one_frame(f);
    unsigned requests = 0;
    uint8_t b[2048];
    int64_t t0 = tc_mono_ns();
    tc_gvsp_sender_stats st;
    for (;;) {
        int64_t spent = tc_mono_ns() - t0;
        if (spent >= 300000000 && (requests & 255) == 0) {
            tc_gvsp_sender_stats_get(f->s, &st);
            if (st.resends_refused > 0 || spent > 20000000000)
                break;
        }
        /* a whole frame, then single packets of blocks no longer held */
        tc_gvcp_resend r = { 0, requests % 2 ? 1 : 2 + requests % 7, 1, 12, 0 };
        tc_gvsp_sender_resend(f->s, &r);
        requests++;
        while (recv(f->recv_fd, b, sizeof(b), MSG_DONTWAIT) > 0)
            ;
    }
    while (receive(f, b, sizeof(b), 200))
        ;
    tc_gvsp_sender_stop(f->s);
    double seconds = (double)(tc_mono_ns() - t0) * 1e-9;
    tc_gvsp_sender_stats_get(f->s, &st);
    assert_int_equal(st.resend_requests, requests);
    double rate = 10e6 * 0.25;
    double allowed = rate * (seconds + 0.25);
    double sent = (double)(st.packets_resent * PACKET + st.packets_unavailable * 64);
    print_message("flood of %u requests in %.3f s: %llu packets resent, %llu unavailable, "
                  "%llu refused; %.0f bytes sent, %.0f allowed (amplification %.1f)\n",
                  requests, seconds, (unsigned long long)st.packets_resent,
                  (unsigned long long)st.packets_unavailable,
                  (unsigned long long)st.resends_refused, sent, allowed,
                  sent / (requests * 44.0));
    assert_true(sent <= allowed);
    assert_true(st.resends_refused > 0);   /* the budget said no */
    assert_true(st.packets_resent >= 12); /* the frame was resent at least once */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(resend_of_held_frame_arrives, setup, teardown),
        cmocka_unit_test_setup_teardown(resend_flood_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(window_holds_what_spare_buffers_allow, setup_16, teardown),
        cmocka_unit_test_setup_teardown(resend_after_the_channel_moved_is_not_sent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
