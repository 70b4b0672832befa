/* The GigE server's threads (src/gige/gige_server.c) over real UDP: while
 * the controller's slow command (TwinScene = PngFile, a large PNG) runs on
 * the GVCP worker, another peer's discovery and READREG of CCP are answered
 * at once, before the command's final ack; a request that needs the core
 * waits behind it, in order; a retry of the running command is not run
 * twice; past the worker's queue bound, requests get BUSY.
 *
 * No timing is asserted, only the order of arrival: loopback delivers a
 * datagram to the receiving socket within the sender's sendto, so what one
 * socket has not received yet was not sent yet. Waits are bounded
 * generously (deadlock detection).
 *
 * Real UDP on 127.0.0.1 only; meson runs this inside a private network
 * namespace with only loopback up (unshare -rn). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gige/gige_server.h"
#include "gige/gvcp_worker.h"
#include "image/png_io.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/clock.h"
#include "util/ready.h"
#include "util/endian.h"

#define LOCALHOST 0x7F000001u
#define WAIT_MS 20000 /* deadlock detection only */
#define R_CCP 0x0A00
#define R_WIDTH 0x10424
#define R_TWIN_SCENE 0x10C00
#define SCENE_PNG_FILE 3
/* 64 MiB of 8-bit gray, 128 MiB as the core holds it: over a second to
 * load on a fast machine, while a datagram's answer takes microseconds. */
#define SIDE 8192

static char g_png[64];
static sem_t g_ready;

typedef struct fx {
    tc_camera *cam;
    pthread_t server;
    volatile sig_atomic_t stop;
    int rc;
    int a, b; /* the controller's socket, another peer's */
    int64_t width;
} fx;

static void on_ready(const char *what)
{
    (void)what;
    sem_post(&g_ready);
}

static void *serve_main(void *arg)
{
    fx *f = arg;
    f->rc = tc_gige_serve_with(tc_camera_device(f->cam), "127.0.0.1", &f->stop, NULL);
    return NULL;
}

static int udp_client(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(LOCALHOST) };
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}


/* One command to the camera: 0x42, flags, command, length, req id, words. */
static void send_cmd(int fd, uint8_t flags, uint16_t cmd, uint16_t req_id, const uint32_t *w,
                     size_t nw)
{
    uint8_t d[8 + 4 * 8];
    assert_true(nw <= 8);
    d[0] = 0x42;
    d[1] = flags;
    tc_store_be16(d + 2, cmd);
    tc_store_be16(d + 4, (uint16_t)(4 * nw));
    tc_store_be16(d + 6, req_id);
    for (size_t i = 0; i < nw; i++)
        tc_store_be32(d + 8 + 4 * i, w[i]);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(3956),
                              .sin_addr.s_addr = htonl(LOCALHOST) };
    assert_int_equal(sendto(fd, d, 8 + 4 * nw, 0, (struct sockaddr *)&to, sizeof(to)),
                     (ssize_t)(8 + 4 * nw));
}

/* The next datagram within ms (0: only one already there); its length, or 0. */
static size_t recv_within(int fd, uint8_t *buf, size_t cap, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, ms) != 1)
        return 0;
    ssize_t n = recv(fd, buf, cap, MSG_DONTWAIT);
    return n > 0 ? (size_t)n : 0;
}

static int is_pending(const uint8_t *d, size_t n, uint16_t id)
{
    return n == 12 && tc_load_be16(d) == 0 && tc_load_be16(d + 2) == 0x0089 && tc_load_be16(d + 6) == id;
}

/* The ack of request `id` (PENDING_ACKs for it skipped): its length. */
static size_t final_ack(int fd, uint16_t id, uint8_t *buf, size_t cap)
{
    for (;;) {
        size_t n = recv_within(fd, buf, cap, WAIT_MS);
        assert_true(n >= 8);
        if (!is_pending(buf, n, id))
            return n;
    }
}

static void write_reg(int fd, uint16_t id, uint32_t a, uint32_t v)
{
    uint32_t w[2] = { a, v };
    uint8_t ack[64];
    send_cmd(fd, 0x01, 0x0082, id, w, 2);
    size_t n = final_ack(fd, id, ack, sizeof(ack));
    assert_int_equal(n, 12);
    assert_int_equal(tc_load_be16(ack + 2), 0x0083);
    assert_int_equal(tc_load_be16(ack + 6), id);
    assert_int_equal(tc_load_be16(ack), 0);
}

static int group_setup(void **state)
{
    (void)state;
    sem_init(&g_ready, 0, 0);
    tc_ready_set_hook(on_ready);
    snprintf(g_png, sizeof(g_png), "/tmp/twincam-server-scene-XXXXXX.png");
    int fd = mkstemps(g_png, 4);
    if (fd < 0)
        return -1;
    close(fd);
    uint8_t *px = calloc((size_t)SIDE * SIDE, 1);
    if (!px)
        return -1;
    for (size_t i = 0; i < (size_t)SIDE * SIDE; i += 4099)
        px[i] = (uint8_t)i;
    char err[200];
    int rc = tc_png_write8(g_png, px, SIDE, SIDE, 1, err, sizeof(err));
    free(px);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(g_png);
    tc_ready_set_hook(NULL);
    sem_destroy(&g_ready);
    return 0;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    tc_options o;
    tc_options_init(&o);
    assert_int_equal(tc_camera_open(&o, &f->cam), 0);
    assert_int_equal(tc_set_string(f->cam, "TwinScenePath", g_png), 0);
    assert_int_equal(tc_get_int(f->cam, "Width", &f->width), 0);
    assert_int_equal(pthread_create(&f->server, NULL, serve_main, f), 0);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_MS / 1000;
    assert_int_equal(sem_timedwait(&g_ready, &until), 0);
    f->a = udp_client();
    f->b = udp_client();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    f->stop = 1;
    pthread_join(f->server, NULL);
    close(f->a);
    close(f->b);
    assert_int_equal(f->rc, 0);
    tc_camera_close(f->cam);
    free(f);
    return 0;
}

/* The controller starts the slow command; returns once its first
 * PENDING_ACK has arrived (so the worker runs it now). */
static void start_slow_scene(fx *f, uint16_t id)
{
    write_reg(f->a, 1, R_CCP, 2);
    uint32_t w[2] = { R_TWIN_SCENE, SCENE_PNG_FILE };
    send_cmd(f->a, 0x01, 0x0082, id, w, 2);
    uint8_t d[64];
    size_t n = recv_within(f->a, d, sizeof(d), WAIT_MS);
    if (!is_pending(d, n, id))
        fail_msg("the slow write's first answer was not its PENDING_ACK");
}

static void port_only_requests_overtake_a_slow_command(void **state)
{
    fx *f = *state;
    int64_t t0 = tc_mono_ns();
    start_slow_scene(f, 2);
    int64_t t_pending = tc_mono_ns();
    /* The controller repeats its command (its wait lapsed): not run twice. */
    uint32_t scene[2] = { R_TWIN_SCENE, SCENE_PNG_FILE };
    send_cmd(f->a, 0x01, 0x0082, 2, scene, 2);

    /* Another peer: discovery and READREG CCP, answered meanwhile. */
    send_cmd(f->b, 0x11, 0x0002, 0x10, NULL, 0);
    uint32_t ccp = R_CCP;
    send_cmd(f->b, 0x01, 0x0080, 0x11, &ccp, 1);
    int got_disc = 0, got_ccp = 0;
    for (int i = 0; i < 2; i++) {
        uint8_t d[600];
        size_t n = recv_within(f->b, d, sizeof(d), WAIT_MS);
        assert_true(n >= 8);
        assert_int_equal(tc_load_be16(d), 0);
        if (tc_load_be16(d + 2) == 0x0003) {
            assert_int_equal(n, 8 + 248);
            assert_int_equal(tc_load_be16(d + 6), 0x10);
            assert_int_equal(tc_load_be32(d + 8 + 0x24), LOCALHOST);
            got_disc++;
        } else {
            assert_int_equal(tc_load_be16(d + 2), 0x0081);
            assert_int_equal(tc_load_be16(d + 6), 0x11);
            assert_int_equal(n, 12);
            assert_int_equal(tc_load_be32(d + 8), 2); /* A holds control */
            got_ccp++;
        }
    }
    assert_int_equal(got_disc, 1);
    assert_int_equal(got_ccp, 1);
    int64_t t_b = tc_mono_ns();
    /* ... and the slow write's ack has not been sent yet. */
    for (;;) {
        uint8_t d[64];
        size_t n = recv_within(f->a, d, sizeof(d), 0);
        if (!n)
            break;
        if (!is_pending(d, n, 2))
            fail_msg("the slow write ended before another peer's discovery was answered");
    }

    /* A request that needs the core waits behind the slow one. */
    uint32_t width = R_WIDTH;
    send_cmd(f->b, 0x01, 0x0080, 0x12, &width, 1);
    uint8_t d[64];
    size_t n = recv_within(f->b, d, sizeof(d), WAIT_MS);
    assert_int_equal(n, 12);
    assert_int_equal(tc_load_be16(d), 0);
    assert_int_equal(tc_load_be16(d + 2), 0x0081);
    assert_int_equal(tc_load_be16(d + 6), 0x12);
    assert_int_equal(tc_load_be32(d + 8), (uint32_t)f->width);
    int64_t t_width = tc_mono_ns();
    /* by then the slow write's ack had arrived: served in order */
    int final_seen = 0;
    while ((n = recv_within(f->a, d, sizeof(d), 0)) > 0) {
        if (is_pending(d, n, 2))
            continue;
        assert_false(final_seen); /* one ack, though the command came twice */
        assert_int_equal(n, 12);
        assert_int_equal(tc_load_be16(d), 0);
        assert_int_equal(tc_load_be16(d + 2), 0x0083);
        assert_int_equal(tc_load_be16(d + 6), 2);
        assert_int_equal(tc_load_be16(d + 10), 1);
        final_seen = 1;
    }
    if (!final_seen)
        fail_msg("a queued core request was answered before the slow write it queued behind");
    /* The controller's next request gets its own answer (no second
     * WRITEREG ack for the retry ahead of it), and it kept control. */
    send_cmd(f->a, 0x01, 0x0080, 3, &ccp, 1);
    n = recv_within(f->a, d, sizeof(d), WAIT_MS);
    assert_int_equal(n, 12);
    assert_int_equal(tc_load_be16(d + 2), 0x0081);
    assert_int_equal(tc_load_be16(d + 6), 3);
    assert_int_equal(tc_load_be32(d + 8), 2);
    int64_t now_scene = 0;
    assert_int_equal(tc_get_int(f->cam, "TwinScene", &now_scene), 0);
    assert_int_equal(now_scene, SCENE_PNG_FILE);
    print_message("first PENDING_ACK %.1f ms, other peer answered %.1f ms, queued read "
                  "answered %.1f ms after the slow write was sent (figures, not asserted)\n",
                  (t_pending - t0) / 1e6, (t_b - t0) / 1e6, (t_width - t0) / 1e6);
}

static void a_full_queue_answers_busy(void **state)
{
    fx *f = *state;
    start_slow_scene(f, 2);
    enum { N = TC_GVCP_QUEUE_MAX + 8 };
    uint32_t width = R_WIDTH;
    for (uint16_t i = 0; i < N; i++)
        send_cmd(f->b, 0x01, 0x0080, (uint16_t)(0x100 + i), &width, 1);
    int ok = 0, busy = 0;
    for (int i = 0; i < N; i++) {
        uint8_t d[64];
        size_t n = recv_within(f->b, d, sizeof(d), WAIT_MS);
        assert_true(n >= 8);
        assert_int_equal(tc_load_be16(d + 2), 0x0081);
        uint16_t id = tc_load_be16(d + 6);
        assert_true(id >= 0x100 && id < 0x100 + N);
        if (tc_load_be16(d) == 0x8007) {
            assert_int_equal(n, 8);
            assert_true(id >= 0x100 + TC_GVCP_QUEUE_MAX); /* the last ones */
            busy++;
        } else {
            assert_int_equal(tc_load_be16(d), 0);
            assert_int_equal(n, 12);
            assert_int_equal(tc_load_be32(d + 8), (uint32_t)f->width);
            ok++;
        }
    }
    assert_int_equal(ok, TC_GVCP_QUEUE_MAX);
    assert_int_equal(busy, N - TC_GVCP_QUEUE_MAX);
    uint8_t d[64];
    size_t n = final_ack(f->a, 2, d, sizeof(d));
    assert_int_equal(n, 12);
    assert_int_equal(tc_load_be16(d), 0);
    assert_int_equal(tc_load_be16(d + 2), 0x0083);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(port_only_requests_overtake_a_slow_command, setup, teardown),
        cmocka_unit_test_setup_teardown(a_full_queue_answers_busy, setup, teardown),
    };
    return cmocka_run_group_tests_name("gige-server", tests, group_setup, group_teardown);
}
