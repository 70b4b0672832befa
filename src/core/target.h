/* Memory a port offers the acquisition engine to render a frame into
 * (device_port.h: tc_port_offer), so the frame reaches the port's memory with
 * no copy. Shared by the engine (acquisition.h) and the port interface
 * (device_port.h: tc_port_target), which hands it through unchanged.
 *
 * The port sets data and size and keeps the struct (and the memory) alive
 * until the engine has let go of it: tc_port_withdraw returned 0, or the
 * frame rendered into it was released or dropped. The other fields belong
 * to the engine's lock. */
#ifndef TC_CORE_TARGET_H
#define TC_CORE_TARGET_H

#include <stddef.h>
#include <stdint.h>

struct tc_acq_frame;

typedef struct tc_acq_target {
    uint8_t *data;
    size_t size;
    int state_;                  /* the engine's: offered, rendering, ... */
    struct tc_acq_target *next_; /* in the engine's queue of offered targets */
    struct tc_acq_frame *frame_; /* the frame rendered into it */
} tc_acq_target;

#endif
