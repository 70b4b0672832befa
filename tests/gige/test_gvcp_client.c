/* The GVCP client (src/gige/gvcp_client.c) against a scripted fake camera
 * on 127.0.0.1: good acks, hostile ones (short, another request id, another
 * command, a length beyond the datagram, the wrong address or count), a
 * camera that answers only a retry, one that never answers, PENDING_ACK,
 * an error status, and transfers split into 536-byte pieces.
 *
 * Real UDP on 127.0.0.1 only; meson runs this inside a private network
 * namespace with only loopback up (unshare -rn). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gige/gvcp.h"
#include "gige/gvcp_client.h"

enum mode { GOOD, NOISE, ANSWER_THIRD, SILENT, PENDING, DENIED, WRONG_ADDRESS, SHORT_MEM, WRONG_COUNT };

typedef struct fake {
    int fd;
    uint16_t port;
    volatile int stop;
    enum mode mode;
    int requests;              /* datagrams received in this test */
    uint16_t ids[8];           /* their request ids */
    uint32_t mem_addr[8];      /* WRITEMEM / READMEM addresses */
    uint16_t mem_count[8];
    pthread_t thread;
} fake;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static void reply(fake *f, const struct sockaddr_in *to, const uint8_t *b, size_t n)
{
    sendto(f->fd, b, n, 0, (const struct sockaddr *)to, sizeof(*to));
}

/* The ack a camera would send to req (status 0), into out; returns its length. */
static size_t good_ack(fake *f, const uint8_t *req, uint8_t *out)
{
    uint16_t cmd = get16(req + 2), id = get16(req + 6), len = get16(req + 4);
    size_t pl = 0;
    switch (cmd) {
    case TC_GVCP_READREG_CMD: put32(out + 8, 0x12345678u); pl = 4; break;
    case TC_GVCP_WRITEREG_CMD: put16(out + 8, 0); put16(out + 10, 1); pl = 4; break;
    case TC_GVCP_READMEM_CMD: {
        uint16_t count = get16(req + 14);
        memcpy(out + 8, req + 8, 4);
        for (unsigned i = 0; i < count; i++)
            out[12 + i] = (uint8_t)(get32(req + 8) + i);
        pl = 4 + (size_t)count;
        break;
    }
    case TC_GVCP_WRITEMEM_CMD: put16(out + 8, 0); put16(out + 10, (uint16_t)(len - 4)); pl = 4; break;
    }
    put16(out, 0);
    put16(out + 2, (uint16_t)(cmd + 1));
    put16(out + 4, (uint16_t)pl);
    put16(out + 6, id);
    (void)f;
    return 8 + pl;
}

static void serve_one(fake *f, const uint8_t *req, size_t n, const struct sockaddr_in *from)
{
    if (n < 8)
        return;
    int k = f->requests++;
    uint16_t cmd = get16(req + 2), id = get16(req + 6);
    if (k < 8) {
        f->ids[k] = id;
        if (cmd == TC_GVCP_READMEM_CMD || cmd == TC_GVCP_WRITEMEM_CMD) {
            f->mem_addr[k] = get32(req + 8);
            f->mem_count[k] = cmd == TC_GVCP_READMEM_CMD ? get16(req + 14) : (uint16_t)(get16(req + 4) - 4);
        }
    }
    uint8_t ack[700], bad[700];
    size_t an = good_ack(f, req, ack);
    switch (f->mode) {
    case GOOD: break;
    case NOISE:
        reply(f, from, (const uint8_t *)"\0\0", 2);                  /* shorter than a header */
        memcpy(bad, ack, an); put16(bad + 6, (uint16_t)(id + 1));     /* another request id */
        reply(f, from, bad, an);
        memcpy(bad, ack, an); put16(bad + 2, TC_GVCP_BYE_ACK);         /* another command */
        reply(f, from, bad, an);
        memcpy(bad, ack, an); put16(bad + 4, 400);                     /* length beyond the datagram */
        reply(f, from, bad, an);
        break;
    case ANSWER_THIRD:
        if (f->requests < 3)
            return;
        break;
    case SILENT: return;
    case PENDING: {
        uint8_t p[12];
        put16(p, 0); put16(p + 2, TC_GVCP_PENDING_ACK); put16(p + 4, 4); put16(p + 6, id);
        put16(p + 8, 0); put16(p + 10, 900);
        reply(f, from, p, sizeof(p));
        /* The slow command: longer than the client's timeout, shorter than announced. */
        struct timespec t = { 0, 600 * 1000000 };
        nanosleep(&t, NULL);
        break;
    }
    case DENIED:
        put16(ack, TC_GEV_ACCESS_DENIED); put16(ack + 4, 0); an = 8;
        break;
    case WRONG_ADDRESS: if (cmd == TC_GVCP_READMEM_CMD) put32(ack + 8, get32(req + 8) + 4); break;
    case SHORT_MEM: if (cmd == TC_GVCP_READMEM_CMD) { put16(ack + 4, 8); an = 16; } break;
    case WRONG_COUNT: put16(ack + 10, (uint16_t)(get16(ack + 10) + 4)); break;
    }
    reply(f, from, ack, an);
}

static void *fake_main(void *arg)
{
    fake *f = arg;
    while (!f->stop) {
        struct pollfd p = { .fd = f->fd, .events = POLLIN };
        if (poll(&p, 1, 50) <= 0)
            continue;
        uint8_t b[700];
        struct sockaddr_in from;
        socklen_t fl = sizeof(from);
        ssize_t n = recvfrom(f->fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
        if (n > 0)
            serve_one(f, b, (size_t)n, &from);
    }
    return NULL;
}

static fake g_fake;
static tc_gvcp_client g_c;

static int setup(void **state)
{
    fake *f = &g_fake;
    memset(f, 0, sizeof(*f));
    f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7F000001u) };
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        return -1;
    socklen_t l = sizeof(a);
    getsockname(f->fd, (struct sockaddr *)&a, &l);
    f->port = ntohs(a.sin_port);
    if (pthread_create(&f->thread, NULL, fake_main, f) != 0)
        return -1;
    if (tc_gvcp_client_open(&g_c, "127.0.0.1", f->port) != 0)
        return -1;
    g_c.timeout_ms = 300;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fake *f = *state;
    f->stop = 1;
    pthread_join(f->thread, NULL);
    close(f->fd);
    tc_gvcp_client_close(&g_c);
    return 0;
}

static void good_acks(void **state)
{
    fake *f = *state;
    uint32_t v = 0;
    assert_int_equal(tc_gvcp_client_readreg(&g_c, 0x10F18, &v), 0);
    assert_int_equal(v, 0x12345678u);
    assert_int_equal(tc_gvcp_client_writereg(&g_c, 0x0A00, 2), 0);
    uint8_t m[8];
    assert_int_equal(tc_gvcp_client_readmem(&g_c, 0x100C0, m, 8), 0);
    assert_int_equal(m[0], 0xC0);
    assert_int_equal(m[7], 0xC7);
    assert_int_equal(f->requests, 3);
    assert_int_not_equal(f->ids[0], 0);
    assert_int_not_equal(f->ids[0], f->ids[1]); /* every command an id of its own */
}

static void hostile_acks_are_dropped(void **state)
{
    fake *f = *state;
    f->mode = NOISE;
    uint32_t v = 0;
    assert_int_equal(tc_gvcp_client_readreg(&g_c, 0x10F18, &v), 0);
    assert_int_equal(v, 0x12345678u);
    assert_int_equal(f->requests, 1); /* the good ack after the noise, no retry */
}

static void a_retry_is_answered(void **state)
{
    fake *f = *state;
    f->mode = ANSWER_THIRD;
    assert_int_equal(tc_gvcp_client_writereg(&g_c, 0x10F08, 1), 0);
    assert_int_equal(f->requests, 3);
    assert_int_equal(f->ids[0], f->ids[2]); /* a retry is the same command */
}

static void silence_ends_after_the_retries(void **state)
{
    fake *f = *state;
    f->mode = SILENT;
    uint32_t v;
    assert_int_equal(tc_gvcp_client_readreg(&g_c, 0x10F18, &v), -1);
    assert_int_equal(f->requests, 4); /* the first and 3 retries */
    assert_non_null(strstr(g_c.why, "no answer"));
}

static void pending_ack_extends_the_wait(void **state)
{
    fake *f = *state;
    f->mode = PENDING;
    assert_int_equal(tc_gvcp_client_writereg(&g_c, 0x10F08, 1), 0);
    assert_int_equal(f->requests, 1); /* answered after 600 ms > 300 ms timeout, never resent */
}

static void an_error_status_is_returned(void **state)
{
    fake *f = *state;
    f->mode = DENIED;
    assert_int_equal(tc_gvcp_client_writereg(&g_c, 0x0A00, 2), TC_GEV_ACCESS_DENIED);
    assert_non_null(strstr(g_c.why, "access denied"));
}

static void wrong_memory_acks_fail(void **state)
{
    fake *f = *state;
    uint8_t m[64];
    f->mode = WRONG_ADDRESS;
    assert_int_equal(tc_gvcp_client_readmem(&g_c, 0x11000, m, 64), -1);
    f->mode = SHORT_MEM;
    assert_int_equal(tc_gvcp_client_readmem(&g_c, 0x11000, m, 64), -1);
    f->mode = WRONG_COUNT;
    assert_int_equal(tc_gvcp_client_writemem(&g_c, 0x11000, m, 64), -1);
    assert_int_equal(tc_gvcp_client_writereg(&g_c, 0x10F08, 1), -1);
    /* requests the client refuses to make */
    assert_int_equal(tc_gvcp_client_readmem(&g_c, 0x11000, m, 6), -1);
    assert_int_equal(tc_gvcp_client_writemem(&g_c, 0x11000, m, 0), -1);
}

static void blocks_go_in_pieces(void **state)
{
    fake *f = *state;
    uint8_t data[1000];
    memset(data, 0x5A, sizeof(data));
    assert_int_equal(tc_gvcp_client_write(&g_c, 0x11000, data, 1000), 0);
    assert_int_equal(f->requests, 2);
    assert_int_equal(f->mem_addr[0], 0x11000);
    assert_int_equal(f->mem_count[0], 536);
    assert_int_equal(f->mem_addr[1], 0x11000 + 536);
    assert_int_equal(f->mem_count[1], 464);
    uint8_t out[541];
    assert_int_equal(tc_gvcp_client_read(&g_c, 0x100C0, out, 541), 0);
    assert_int_equal(f->mem_count[3], 8); /* 5 bytes read as a whole word pair, cut */
    assert_int_equal(out[540], (uint8_t)(0x100C0 + 540));
    assert_int_equal(tc_gvcp_client_open(&(tc_gvcp_client){ 0 }, "camera", 3956), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(good_acks, setup, teardown),
        cmocka_unit_test_setup_teardown(hostile_acks_are_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(a_retry_is_answered, setup, teardown),
        cmocka_unit_test_setup_teardown(silence_ends_after_the_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(pending_ack_extends_the_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(an_error_status_is_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_memory_acks_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(blocks_go_in_pieces, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
