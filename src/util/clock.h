/* The camera's notion of time, behind an interface so tests can fake it.
 *
 * Real clock: CLOCK_MONOTONIC; sleeping waits for absolute deadlines so frame
 * pacing never drifts. Virtual clock (deterministic mode): time stands still
 * until someone sleeps, and a sleep jumps straight to its deadline, so frames
 * come as fast as the CPU makes them while timestamps stay the model's. */
#ifndef TC_UTIL_CLOCK_H
#define TC_UTIL_CLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct tc_clock {
    bool is_virtual;
    int64_t virtual_ns; /* only for the virtual clock; guarded by its owner */
} tc_clock;

void tc_clock_init(tc_clock *c, bool is_virtual);
/* Host CLOCK_MONOTONIC in ns (what the ports pace and time their sends by). */
int64_t tc_mono_ns(void);
/* Nanoseconds on the clock's own monotonic time line. */
int64_t tc_clock_now(tc_clock *c);
/* Wait until the absolute deadline (returns at once if it has passed).
 * The virtual clock advances to the deadline instead. */
void tc_clock_sleep_until(tc_clock *c, int64_t deadline_ns);

/* pthread_cond_timedwait for at most `ms` milliseconds on a condition
 * variable with the default (CLOCK_REALTIME) clock; the caller holds mu and
 * re-checks its own predicate afterwards. */
void tc_cond_wait_ms(pthread_cond_t *cond, pthread_mutex_t *mu, int ms);

#endif
