/* What one port thread's frame wait keeps in the acquisition engine: whether
 * it last saw acquisition running, and a cancel request pending for it.
 * Shared by the engine (acquisition.h) and the port interface
 * (device_port.h: tc_port_waiter), which hands it through unchanged. Zero it
 * before the first wait; its fields belong to the engine's lock. */
#ifndef TC_CORE_WAITER_H
#define TC_CORE_WAITER_H

#include <stdbool.h>

#include <stdint.h>

typedef struct tc_acq_waiter {
    bool running;  /* it last saw acquisition running ... */
    uint64_t run;  /* ... in this run (a stop and start between waits is seen) */
    bool cancel;
} tc_acq_waiter;

#endif
