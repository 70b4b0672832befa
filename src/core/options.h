/* How to build a device: the core's own options. The public tc_options
 * belongs to the in-process port, which copies it into these, so the core
 * needs nothing from above it. */
#ifndef TC_CORE_OPTIONS_H
#define TC_CORE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

/* All zero/NULL: defaults. */
typedef struct tc_device_options {
    const char *serial;      /* DeviceSerialNumber, seeds the fixed pattern; NULL: "TC000001" */
    const char *vendor_name; /* NULL: "twincam" */
    const char *model_name;  /* NULL: the twin's model name */
    uint64_t noise_seed;     /* TwinNoiseSeed at power-up */
    bool deterministic;      /* virtual clock */
    const char *state_dir;   /* where user sets persist; NULL: memory only */
    unsigned frame_buffers;  /* 0: the engine's default */
} tc_device_options;


#endif
