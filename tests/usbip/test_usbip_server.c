/* The USB/IP server on an ephemeral 127.0.0.1 port, in-process, driven with
 * hand-written USB/IP messages (Documentation/usb/usbip_protocol.rst
 * layouts, big-endian headers; U3V/GenCP payloads little-endian): DEVLIST
 * reply bytes, IMPORT echoing the busid (and refusing others), ep0
 * GET_DESCRIPTOR, GenCP READMEM/WRITEMEM through bulk OUT + bulk IN, UNLINK
 * of a pending IN (-104, never answered afterwards) and of an answered one
 * (0), a whole frame on the stream endpoint (leader, payload per the SIRM
 * plan, trailer), and a host that vanishes mid-stream leaving the camera
 * ready for the next import. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "u3v/u3v_stream.h"
#include "usbip/usbip_server.h"

typedef struct fixture {
    tc_camera *cam;
    tc_usbip_server *srv;
    pthread_t thread;
    volatile sig_atomic_t stop;
    uint16_t port;
} fixture;

static void *run(void *arg)
{
    fixture *f = arg;
    tc_usbip_server_run(f->srv, &f->stop);
    return NULL;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    tc_options o;
    tc_options_init(&o);
    o.frame_buffers = 4;
    if (!f || tc_camera_open(&o, &f->cam) != 0)
        return -1;
    if (tc_usbip_server_new(tc_camera_device(f->cam), "127.0.0.1", 0, &f->srv) != 0)
        return -1;
    f->port = tc_usbip_server_port(f->srv);
    if (pthread_create(&f->thread, NULL, run, f) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    f->stop = 1;
    pthread_join(f->thread, NULL);
    tc_usbip_server_free(f->srv);
    tc_camera_close(f->cam);
    free(f);
    return 0;
}

/* ---- client helpers ---- */

static int dial(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void send_all(int fd, const void *b, size_t n)
{
    assert_int_equal(send(fd, b, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void recv_all(int fd, void *b, size_t n)
{
    uint8_t *p = b;
    while (n) {
        ssize_t r = recv(fd, p, n, 0);
        assert_true(r > 0);
        p += r;
        n -= (size_t)r;
    }
}

static int import(fixture *f, const char *busid)
{
    int fd = dial(f->port);
    uint8_t req[40] = { 0x01, 0x11, 0x80, 0x03, 0, 0, 0, 0 };
    strcpy((char *)req + 8, busid);
    send_all(fd, req, sizeof(req));
    uint8_t rep[8 + 312];
    recv_all(fd, rep, 8);
    assert_memory_equal(rep, ((uint8_t[]){ 0x01, 0x11, 0x00, 0x03 }), 4);
    if (get32(rep + 4) != 0) {
        close(fd);
        return -1;
    }
    recv_all(fd, rep + 8, 312);
    assert_string_equal((char *)rep + 8 + 256, busid);
    assert_int_equal(get32(rep + 8 + 288 + 8), 5); /* speed: super */
    return fd;
}

static void submit(int fd, uint32_t seqnum, uint32_t dir, uint32_t ep, uint32_t len,
                   const uint8_t setup[8], const uint8_t *out)
{
    uint8_t h[48] = { 0 };
    put32(h, 1); /* CMD_SUBMIT */
    put32(h + 4, seqnum);
    put32(h + 8, 0x00010002); /* devid: bus 1, dev 2 */
    put32(h + 12, dir);
    put32(h + 16, ep);
    put32(h + 20, dir ? 0x200 : 0);
    put32(h + 24, len);
    if (setup)
        memcpy(h + 40, setup, 8);
    send_all(fd, h, sizeof(h));
    if (!dir && len)
        send_all(fd, out, len);
}

/* Read one reply header; returns its command. */
static uint32_t ret(int fd, uint32_t *seqnum, int32_t *status, uint32_t *actual)
{
    uint8_t h[48];
    recv_all(fd, h, sizeof(h));
    *seqnum = get32(h + 4);
    *status = (int32_t)get32(h + 20);
    *actual = get32(h + 24);
    return get32(h);
}

/* A RET_SUBMIT for seqnum with IN data into buf. */
static uint32_t expect_submit(int fd, uint32_t seqnum, int32_t status, uint8_t *buf, size_t cap,
                              int in)
{
    uint32_t s, actual;
    int32_t st;
    assert_int_equal(ret(fd, &s, &st, &actual), 3);
    assert_int_equal(s, seqnum);
    assert_int_equal(st, status);
    if (in) {
        assert_true(actual <= cap);
        recv_all(fd, buf, actual);
    }
    return actual;
}

static size_t readmem_cmd(uint8_t *b, uint16_t req_id, uint64_t addr, uint16_t count)
{
    uint8_t c[24] = { 0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 12, 0 };
    c[10] = (uint8_t)req_id;
    c[11] = (uint8_t)(req_id >> 8);
    for (int i = 0; i < 8; i++)
        c[12 + i] = (uint8_t)(addr >> (8 * i));
    c[22] = (uint8_t)count;
    c[23] = (uint8_t)(count >> 8);
    memcpy(b, c, sizeof(c));
    return sizeof(c);
}

static size_t writemem_cmd(uint8_t *b, uint16_t req_id, uint64_t addr, uint32_t value)
{
    uint8_t c[24] = { 0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 12, 0 };
    c[10] = (uint8_t)req_id;
    c[11] = (uint8_t)(req_id >> 8);
    for (int i = 0; i < 8; i++)
        c[12 + i] = (uint8_t)(addr >> (8 * i));
    for (int i = 0; i < 4; i++)
        c[20 + i] = (uint8_t)(value >> (8 * i));
    memcpy(b, c, sizeof(c));
    return sizeof(c);
}

/* One GenCP command: bulk OUT on endpoint 1, ack on the next bulk IN. */
static size_t gencp(int fd, uint32_t *seq, const uint8_t *cmd, size_t len, uint8_t *ack,
                    size_t cap)
{
    submit(fd, ++*seq, 0, 1, (uint32_t)len, NULL, cmd);
    assert_int_equal(expect_submit(fd, *seq, 0, NULL, 0, 0), len);
    size_t n;
    do { /* a slow command's PENDING_ACK comes first: read on, as a host does */
        submit(fd, ++*seq, 1, 1, (uint32_t)cap, NULL, NULL);
        n = expect_submit(fd, *seq, 0, ack, cap, 1);
    } while (n >= 8 && (ack[6] | ack[7] << 8) == 0x0805);
    return n;
}

static void write_reg(int fd, uint32_t *seq, uint64_t addr, uint32_t value)
{
    uint8_t cmd[24], ack[64];
    size_t n = writemem_cmd(cmd, (uint16_t)*seq, addr, value);
    assert_int_equal(gencp(fd, seq, cmd, n, ack, sizeof(ack)), 16);
    assert_int_equal(ack[4] | ack[5] << 8, 0); /* status SUCCESS */
}

/* ---- tests ---- */

/* ---- slow and idle hosts (issue 11) ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable, at most ms; returns whether it became so. */
static int readable_within(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1;
}

/* A DEVLIST answered within a second, whatever other hosts are doing. */
static void devlist_within_a_second(fixture *f)
{
    int fd = dial(f->port);
    int64_t t0 = now_ms();
    send_all(fd, ((uint8_t[]){ 0x01, 0x11, 0x80, 0x05, 0, 0, 0, 0 }), 8);
    if (!readable_within(fd, 1000))
        fail_msg("DEVLIST not answered within 1 s (%lld ms so far)", (long long)(now_ms() - t0));
    uint8_t rep[12];
    recv_all(fd, rep, sizeof(rep));
    assert_int_equal(rep[3], 0x05);
    close(fd);
}

/* A host that sends its import request one byte at a time, far apart, and
 * twenty hosts that connect and say nothing, delay no other host; and the
 * slow one is dropped once its operation phase has lasted its deadline. */
static void slow_hosts_delay_no_other(void **state)
{
    fixture *f = *state;
    int slow = dial(f->port);
    send_all(slow, "\x01", 1);
    int silent[20];
    for (int i = 0; i < 20; i++)
        silent[i] = dial(f->port);
    send_all(slow, "\x11", 1);
    devlist_within_a_second(f);
    send_all(slow, "\x80", 1);
    devlist_within_a_second(f);
    /* The dribbler gets no more than its deadline: EOF, not a reply. */
    int64_t t0 = now_ms();
    assert_true(readable_within(slow, 10000));
    char c;
    assert_int_equal(recv(slow, &c, 1, 0), 0);
    assert_true(now_ms() - t0 < 10000);
    close(slow);
    for (int i = 0; i < 20; i++)
        close(silent[i]);
    /* and the camera still imports */
    int fd = import(f, "1-1");
    assert_true(fd >= 0);
    close(fd);
}


static void devlist(void **state)
{
    fixture *f = *state;
    int fd = dial(f->port);
    send_all(fd, ((uint8_t[]){ 0x01, 0x11, 0x80, 0x05, 0, 0, 0, 0 }), 8);
    uint8_t rep[12 + 312 + 12];
    recv_all(fd, rep, sizeof(rep));
    static const uint8_t head[12] = { 0x01, 0x11, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 1 };
    assert_memory_equal(rep, head, sizeof(head));
    const uint8_t *d = rep + 12;
    assert_string_equal((const char *)d + 256, "1-1");
    assert_int_equal(get32(d + 288), 1); /* busnum */
    assert_int_equal(get32(d + 292), 2); /* devnum */
    assert_int_equal(get32(d + 296), 5); /* speed super */
    static const uint8_t ids[6] = { 0x1D, 0x6B, 0x01, 0x04 };
    assert_memory_equal(d + 300, ids, 4);
    static const uint8_t tail[6] = { 0xEF, 0x02, 0x01, 1, 1, 3 };
    assert_memory_equal(d + 306, tail, 6);
    static const uint8_t ifs[12] = { 0xEF, 5, 0, 0, 0xEF, 5, 1, 0, 0xEF, 5, 2, 0 };
    assert_memory_equal(rep + 12 + 312, ifs, sizeof(ifs));
    char extra;
    assert_int_equal(recv(fd, &extra, 1, 0), 0); /* then the server closes */
    close(fd);
}

static void import_refuses_unknown_busid(void **state)
{
    fixture *f = *state;
    assert_int_equal(import(f, "2-1"), -1);
    int fd = import(f, "1-1");
    assert_true(fd >= 0);
    assert_int_equal(import(f, "1-1"), -1); /* one host at a time */
    close(fd);
}

/* The camera's side of an imported connection (local port = the server's,
 * ESTABLISHED) as /proc/net/tcp shows it: its timer field, 2 while the
 * keepalive timer runs. -1 if there is no such socket. */
static int camera_side_timer(uint16_t port)
{
    FILE *fp = fopen("/proc/net/tcp", "r");
    assert_non_null(fp);
    char line[512];
    int timer = -1;
    while (fgets(line, sizeof(line), fp)) {
        unsigned lport, state, tr;
        if (sscanf(line, " %*u: %*x:%x %*x:%*x %x %*x:%*x %x:", &lport, &state, &tr) == 3 &&
            lport == port && state == 0x01)
            timer = (int)tr;
    }
    fclose(fp);
    return timer;
}

/* A host that vanishes without a FIN or RST (powered off) is noticed: the
 * imported connection runs TCP's keepalive timer from the start. */
static void vanished_host_is_probed(void **state)
{
    fixture *f = *state;
    int fd = import(f, "1-1");
    assert_true(fd >= 0);
    assert_int_equal(camera_side_timer(f->port), 2);
    close(fd);
}

static void get_descriptor(void **state)
{
    fixture *f = *state;
    int fd = import(f, "1-1");
    uint8_t buf[256];
    static const uint8_t dev8[8] = { 0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x08, 0x00 };
    submit(fd, 1, 1, 0, 8, dev8, NULL);
    assert_int_equal(expect_submit(fd, 1, 0, buf, sizeof(buf), 1), 8);
    static const uint8_t want8[8] = { 0x12, 0x01, 0x00, 0x03, 0xEF, 0x02, 0x01, 0x09 };
    assert_memory_equal(buf, want8, 8);
    static const uint8_t dev18[8] = { 0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00 };
    submit(fd, 2, 1, 0, 18, dev18, NULL);
    assert_int_equal(expect_submit(fd, 2, 0, buf, sizeof(buf), 1), 18);
    assert_int_equal(buf[8] | buf[9] << 8, 0x1D6B);
    /* configuration: wLength 255, but the buffer is only 64: never more */
    static const uint8_t cfg[8] = { 0x80, 0x06, 0x00, 0x02, 0x00, 0x00, 0xFF, 0x00 };
    submit(fd, 3, 1, 0, 64, cfg, NULL);
    assert_int_equal(expect_submit(fd, 3, 0, buf, sizeof(buf), 1), 64);
    assert_int_equal(buf[2] | buf[3] << 8, 116); /* wTotalLength */
    /* an unknown descriptor stalls */
    static const uint8_t bad[8] = { 0x80, 0x06, 0x00, 0x07, 0x00, 0x00, 0x10, 0x00 };
    submit(fd, 4, 1, 0, 16, bad, NULL);
    expect_submit(fd, 4, -32, buf, sizeof(buf), 1);
    /* SET_CONFIGURATION 1, SET_ISOCH_DELAY, halt + clear halt on 0x83 */
    static const uint8_t setcfg[8] = { 0x00, 0x09, 0x01, 0x00, 0, 0, 0, 0 };
    submit(fd, 5, 0, 0, 0, setcfg, NULL);
    expect_submit(fd, 5, 0, NULL, 0, 0);
    static const uint8_t isoch[8] = { 0x00, 0x31, 0x28, 0x00, 0, 0, 0, 0 };
    submit(fd, 6, 0, 0, 0, isoch, NULL);
    expect_submit(fd, 6, 0, NULL, 0, 0);
    static const uint8_t halt[8] = { 0x02, 0x03, 0x00, 0x00, 0x83, 0x00, 0, 0 };
    submit(fd, 7, 0, 0, 0, halt, NULL);
    expect_submit(fd, 7, 0, NULL, 0, 0);
    static const uint8_t status[8] = { 0x82, 0x00, 0x00, 0x00, 0x83, 0x00, 2, 0 };
    submit(fd, 8, 1, 0, 2, status, NULL);
    assert_int_equal(expect_submit(fd, 8, 0, buf, sizeof(buf), 1), 2);
    assert_int_equal(buf[0], 1);
    submit(fd, 9, 1, 3, 1024, NULL, NULL); /* halted: stall */
    expect_submit(fd, 9, -32, buf, sizeof(buf), 1);
    static const uint8_t clear[8] = { 0x02, 0x01, 0x00, 0x00, 0x83, 0x00, 0, 0 };
    submit(fd, 10, 0, 0, 0, clear, NULL);
    expect_submit(fd, 10, 0, NULL, 0, 0);
    close(fd);
}

static void gencp_readmem(void **state)
{
    fixture *f = *state;
    int fd = import(f, "1-1");
    uint32_t seq = 0;
    uint8_t cmd[64], ack[256];
    /* ABRM GenCP version, 4 bytes at 0: 1.0 */
    size_t n = readmem_cmd(cmd, 7, 0x0, 4);
    assert_int_equal(gencp(fd, &seq, cmd, n, ack, sizeof(ack)), 16);
    static const uint8_t want[16] = { 0x55, 0x33, 0x56, 0x43, 0, 0, 0x01, 0x08, 4, 0, 7, 0,
                                      0x00, 0x00, 0x01, 0x00 };
    assert_memory_equal(ack, want, sizeof(want));
    /* IN first, then the command: the pending IN gets the ack */
    submit(fd, 100, 1, 1, sizeof(ack), NULL, NULL);
    n = readmem_cmd(cmd, 8, 0x1014, 4); /* SBRM max command transfer */
    submit(fd, 101, 0, 1, (uint32_t)n, NULL, cmd);
    assert_int_equal(expect_submit(fd, 101, 0, NULL, 0, 0), n);
    assert_int_equal(expect_submit(fd, 100, 0, ack, sizeof(ack), 1), 16);
    assert_int_equal(ack[10], 8);
    assert_int_equal(le32(ack + 12), 17408);
    /* an IN buffer shorter than the ack: actual_length stays within it */
    n = readmem_cmd(cmd, 9, 0x4, 64);
    submit(fd, 102, 0, 1, (uint32_t)n, NULL, cmd);
    expect_submit(fd, 102, 0, NULL, 0, 0);
    submit(fd, 103, 1, 1, 20, NULL, NULL);
    assert_int_equal(expect_submit(fd, 103, 0, ack, 20, 1), 20);
    close(fd);
}

/* A slow command (UserSetLoad, flagged TC_FF_SLOW): the OUT transfer
 * completes at once, the first IN gets a PENDING_ACK for its request id
 * with the time to wait, the next the WRITEMEM ack. */
static void slow_command_pending_ack(void **state)
{
    fixture *f = *state;
    int fd = import(f, "1-1");
    uint8_t cmd[24], ack[64];
    size_t n = writemem_cmd(cmd, 0x321, 0x10904, 1); /* UserSetLoad */
    submit(fd, 1, 0, 1, (uint32_t)n, NULL, cmd);
    assert_int_equal(expect_submit(fd, 1, 0, NULL, 0, 0), n);
    submit(fd, 2, 1, 1, sizeof(ack), NULL, NULL);
    assert_int_equal(expect_submit(fd, 2, 0, ack, sizeof(ack), 1), 16);
    assert_int_equal(ack[4] | ack[5] << 8, 0);          /* SUCCESS */
    assert_int_equal(ack[6] | ack[7] << 8, 0x0805);     /* PENDING_ACK */
    assert_int_equal(ack[10] | ack[11] << 8, 0x321);    /* its request id */
    assert_int_equal(ack[14] | ack[15] << 8, 30000);    /* ms to wait */
    submit(fd, 3, 1, 1, sizeof(ack), NULL, NULL);
    assert_int_equal(expect_submit(fd, 3, 0, ack, sizeof(ack), 1), 16);
    assert_int_equal(ack[4] | ack[5] << 8, 0);
    assert_int_equal(ack[6] | ack[7] << 8, 0x0803);     /* WRITEMEM_ACK */
    assert_int_equal(ack[10] | ack[11] << 8, 0x321);
    /* a fast command right after: no PENDING_ACK */
    n = writemem_cmd(cmd, 0x322, 0x10424, 240); /* Width */
    submit(fd, 4, 0, 1, (uint32_t)n, NULL, cmd);
    assert_int_equal(expect_submit(fd, 4, 0, NULL, 0, 0), n);
    submit(fd, 5, 1, 1, sizeof(ack), NULL, NULL);
    assert_int_equal(expect_submit(fd, 5, 0, ack, sizeof(ack), 1), 16);
    assert_int_equal(ack[6] | ack[7] << 8, 0x0803);
    assert_int_equal(ack[10] | ack[11] << 8, 0x322);
    close(fd);
}

static void unlink_pending_in(void **state)
{
    fixture *f = *state;
    int fd = import(f, "1-1");
    uint8_t buf[64], h[48] = { 0 };
    submit(fd, 1, 1, 1, 512, NULL, NULL); /* nothing to answer: stays pending */
    submit(fd, 2, 1, 2, 512, NULL, NULL); /* event endpoint: silent */
    put32(h, 2);                          /* CMD_UNLINK */
    put32(h + 4, 3);
    put32(h + 8, 0x00010002);
    put32(h + 20, 1);
    send_all(fd, h, sizeof(h));
    uint32_t s, actual;
    int32_t st;
    assert_int_equal(ret(fd, &s, &st, &actual), 4);
    assert_int_equal(s, 3);
    assert_int_equal(st, -104);
    put32(h + 4, 4);
    put32(h + 20, 2);
    send_all(fd, h, sizeof(h));
    assert_int_equal(ret(fd, &s, &st, &actual), 4);
    assert_int_equal(s, 4);
    assert_int_equal(st, -104);
    /* a command now: its ack must not go to the unlinked URB 1 */
    uint8_t cmd[24];
    size_t n = readmem_cmd(cmd, 5, 0x0, 4);
    submit(fd, 5, 0, 1, (uint32_t)n, NULL, cmd);
    expect_submit(fd, 5, 0, NULL, 0, 0);
    submit(fd, 6, 1, 1, sizeof(buf), NULL, NULL);
    assert_int_equal(expect_submit(fd, 6, 0, buf, sizeof(buf), 1), 16);
    /* unlinking an URB already answered: status 0 */
    put32(h + 4, 7);
    put32(h + 20, 6);
    send_all(fd, h, sizeof(h));
    assert_int_equal(ret(fd, &s, &st, &actual), 4);
    assert_int_equal(s, 7);
    assert_int_equal(st, 0);
    close(fd);
}

/* Program a small AOI, the SIRM plan as Aravis does, start, and take frames
 * off the stream endpoint; then vanish mid-frame and import again. */
static void stream_frames_and_vanish(void **state)
{
    fixture *f = *state;
    for (int round = 0; round < 2; round++) {
        int fd = import(f, "1-1");
        uint32_t seq = 0;
        write_reg(fd, &seq, 0x10424, 240); /* Width */
        write_reg(fd, &seq, 0x10428, 64);  /* Height */
        int64_t payload = 0;
        assert_int_equal(tc_get_int(f->cam, "PayloadSize", &payload), 0);
        assert_int_equal(payload, 240 * 64);
        tc_u3v_stream_plan p;
        tc_u3v_plan_like_aravis(&p, (uint64_t)payload, 1024);
        /* make it split: 4 KiB transfers */
        p.transfer_size = 4096;
        p.transfer_count = (uint32_t)(payload / 4096);
        p.final1_size = (uint32_t)((payload % 4096 + 1023) / 1024 * 1024);
        write_reg(fd, &seq, 0x2018, p.max_leader);
        write_reg(fd, &seq, 0x201C, p.transfer_size);
        write_reg(fd, &seq, 0x2020, p.transfer_count);
        write_reg(fd, &seq, 0x2024, p.final1_size);
        write_reg(fd, &seq, 0x2028, 0);
        write_reg(fd, &seq, 0x202C, p.max_trailer);
        write_reg(fd, &seq, 0x2004, 1);     /* stream enable */
        write_reg(fd, &seq, 0x10A04, 1);    /* TLParamsLocked, as a host does before starting */
        write_reg(fd, &seq, 0x10604, 1);    /* AcquisitionStart */
        int64_t locked = 0;
        assert_int_equal(tc_get_int(f->cam, "TLParamsLocked", &locked), 0);
        assert_int_equal(locked, 1);
        /* acquiring: what sizes the payload cannot change */
        assert_int_equal(tc_set_int(f->cam, "Width", 240), TC_EACCESS);
        static uint8_t buf[8192];
        for (int frame = 0; frame < 2; frame++) {
            uint32_t s0 = 1000 + (uint32_t)frame * 100;
            submit(fd, s0, 1, 3, p.max_leader, NULL, NULL);
            assert_int_equal(expect_submit(fd, s0, 0, buf, sizeof(buf), 1), 52);
            assert_int_equal(le32(buf), 0x4C563355u);
            uint64_t got = 0;
            uint32_t k;
            for (k = 0; k < p.transfer_count + 1; k++) {
                uint32_t len = k < p.transfer_count ? p.transfer_size : p.final1_size;
                submit(fd, s0 + 1 + k, 1, 3, len, NULL, NULL);
                got += expect_submit(fd, s0 + 1 + k, 0, buf, sizeof(buf), 1);
            }
            assert_int_equal(got, (uint64_t)payload);
            submit(fd, s0 + 50, 1, 3, p.max_trailer, NULL, NULL);
            assert_int_equal(expect_submit(fd, s0 + 50, 0, buf, sizeof(buf), 1), 32);
            assert_int_equal(le32(buf), 0x54563355u);
            assert_int_equal(le32(buf + 20), (uint32_t)payload); /* valid payload size */
        }
        /* leave in the middle of a frame */
        submit(fd, 5000, 1, 3, p.max_leader, NULL, NULL);
        close(fd);
        usleep(300000);
        /* The host is gone: unlocked, stopped, nothing left queued for it. */
        assert_int_equal(tc_get_int(f->cam, "TLParamsLocked", &locked), 0);
        assert_int_equal(locked, 0);
        tc_frame stale;
        assert_int_equal(tc_wait_frame(f->cam, &stale, 0), TC_EBUSY);
        assert_int_equal(tc_set_int(f->cam, "Width", 240), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(devlist, setup, teardown),
        cmocka_unit_test_setup_teardown(import_refuses_unknown_busid, setup, teardown),
        cmocka_unit_test_setup_teardown(vanished_host_is_probed, setup, teardown),
        cmocka_unit_test_setup_teardown(get_descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(gencp_readmem, setup, teardown),
        cmocka_unit_test_setup_teardown(slow_command_pending_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(unlink_pending_in, setup, teardown),
        cmocka_unit_test_setup_teardown(stream_frames_and_vanish, setup, teardown),
        cmocka_unit_test_setup_teardown(slow_hosts_delay_no_other, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
