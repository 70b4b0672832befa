/* What a network port can tell about its delivery while it serves, for a
 * periodic status line (`twincam serve`): a port that takes a hook calls it
 * from its own loop every period_ms with its counters since it started. The
 * camera's own counters (TwinOverruns, TwinFramesDropped) are features; the
 * hook's owner reads them itself. */
#ifndef TC_CORE_PORT_STATUS_H
#define TC_CORE_PORT_STATUS_H

#include <stdint.h>

typedef struct tc_port_status {
    int64_t now_ns;           /* host monotonic time of the snapshot */
    uint64_t frames_sent;     /* frames delivered whole to a host */
    uint64_t bytes_sent;      /* their payload bytes */
    unsigned clients;         /* hosts in control (GigE: 0 or 1) */
    uint64_t resend_requests; /* packets hosts asked for again */
    uint64_t packets_resent;
} tc_port_status;

typedef struct tc_port_status_hook {
    void (*report)(void *ctx, const tc_port_status *st);
    void *ctx;
    unsigned period_ms; /* 0: never called */
} tc_port_status_hook;

#endif
