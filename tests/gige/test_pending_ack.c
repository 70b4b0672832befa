/* The PENDING_ACK keeper (src/gige/pending_ack.h): armed, it sends the
 * PENDING_ACK at once and again every period while the command runs;
 * disarmed, it sends nothing more, so the command's ack is the last word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gige/pending_ack.h"

typedef struct sink {
    pthread_mutex_t mu;
    unsigned count;
    uint8_t last[16];
} sink;

static void on_send(void *ctx, const uint8_t *data, size_t n)
{
    sink *s = ctx;
    pthread_mutex_lock(&s->mu);
    s->count++;
    memcpy(s->last, data, n < sizeof(s->last) ? n : sizeof(s->last));
    pthread_mutex_unlock(&s->mu);
}

static unsigned count(sink *s)
{
    pthread_mutex_lock(&s->mu);
    unsigned n = s->count;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll (not sleep) until the sink has at least n sends, within ms. */
static int reaches(sink *s, unsigned n, int ms)
{
    int64_t end = now_ms() + ms;
    while (count(s) < n && now_ms() < end) {
        struct timespec t = { 0, 2000000 };
        nanosleep(&t, NULL);
    }
    return count(s) >= n;
}

static void repeats_while_armed_and_stops_when_disarmed(void **state)
{
    (void)state;
    sink s = { PTHREAD_MUTEX_INITIALIZER, 0, { 0 } };
    tc_pending_ack k;
    assert_int_equal(tc_pending_ack_init(&k, 20, on_send, &s), 0);
    assert_int_equal(count(&s), 0); /* nothing before a command */
    static const uint8_t pending[12] = { 0, 0, 0, 0x89, 0, 4, 0, 7, 0, 0, 0x07, 0xD0 };
    tc_pending_ack_arm(&k, pending, sizeof(pending));
    assert_int_equal(count(&s), 1); /* the first one at once */
    assert_true(reaches(&s, 4, 5000)); /* then again, period after period */
    assert_memory_equal(s.last, pending, sizeof(pending));
    tc_pending_ack_disarm(&k);
    unsigned after = count(&s);
    /* Nothing once disarmed: five periods pass without a send. */
    assert_false(reaches(&s, after + 1, 100));
    assert_true(k.repeats >= 3);
    /* and it arms again for the next slow command */
    tc_pending_ack_arm(&k, pending, sizeof(pending));
    assert_true(reaches(&s, after + 2, 5000));
    tc_pending_ack_disarm(&k);
    tc_pending_ack_destroy(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repeats_while_armed_and_stops_when_disarmed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
