/* Real and virtual clocks (see clock.h). */
#include "util/clock.h"

#include <errno.h>
#include <time.h>

void tc_clock_init(tc_clock *c, bool is_virtual)
{
    c->is_virtual = is_virtual;
    c->virtual_ns = 0;
}

int64_t tc_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t tc_clock_now(tc_clock *c)
{
    if (c->is_virtual)
        return __atomic_load_n(&c->virtual_ns, __ATOMIC_ACQUIRE);
    return tc_mono_ns();
}

void tc_clock_sleep_until(tc_clock *c, int64_t deadline_ns)
{
    if (c->is_virtual) {
        int64_t now = __atomic_load_n(&c->virtual_ns, __ATOMIC_ACQUIRE);
        if (deadline_ns > now)
            __atomic_store_n(&c->virtual_ns, deadline_ns, __ATOMIC_RELEASE);
        return;
    }
    struct timespec ts = { .tv_sec = deadline_ns / 1000000000, .tv_nsec = deadline_ns % 1000000000 };
    /* Absolute deadline: an interrupted sleep resumes towards the same instant. */
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

void tc_cond_wait_ms(pthread_cond_t *cond, pthread_mutex_t *mu, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(cond, mu, &ts);
}
