/* The blobs a FunctionFS function writes to its ep0 before it can be bound
 * (include/uapi/linux/usb/functionfs.h): the descriptors (v2 format, full,
 * high and SuperSpeed lists) and the strings table, both derived from the
 * USB3 Vision descriptors of u3v_descriptors.h so the two ports cannot
 * describe different devices.
 *
 * What FunctionFS takes is the function's part of the configuration only:
 * IAD, interfaces, endpoints (+ SuperSpeed companions). The device
 * descriptor, the configuration descriptor, BOS and the manufacturer/
 * product/serial strings belong to the gadget (configfs, scripts/gadget.sh).
 * String indices in the function's descriptors are FunctionFS's own (1..4,
 * see below); the kernel renumbers them and the interfaces and endpoints
 * when it binds.
 *
 * The U3V Device Info descriptor (class-specific, type 0x24) is included
 * only on request: Linux 6.1's FunctionFS refuses class-specific
 * descriptors outside HID and CCID interfaces with EINVAL, so the port tries
 * with it and falls back without (docs/usb3vision.md). */
#ifndef TC_FFS_DESCRIPTORS_H
#define TC_FFS_DESCRIPTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "u3v/u3v_descriptors.h"

/* FunctionFS string ids of the function's descriptors. */
enum {
    TC_FFS_STR_FUNCTION = 1, /* IAD iFunction: the product name */
    TC_FFS_STR_IF_CONTROL = 2,
    TC_FFS_STR_IF_EVENT = 3,
    TC_FFS_STR_IF_STREAM = 4,
    TC_FFS_STR_COUNT = 4,
};

/* Endpoint files in the order the descriptors declare the endpoints
 * (FunctionFS names them ep1..ep4 that way). */
enum {
    TC_FFS_EP_CONTROL_OUT = 1,
    TC_FFS_EP_CONTROL_IN = 2,
    TC_FFS_EP_EVENT_IN = 3,
    TC_FFS_EP_STREAM_IN = 4,
};

/* Descriptors blob from the SuperSpeed and high-speed U3V descriptors (the
 * full-speed list is the high-speed one with 64-byte bulk packets). Returns
 * its length, or 0 when cap is too small or a descriptor list is
 * malformed. */
size_t tc_ffs_build_descriptors(uint8_t *out, size_t cap, const tc_u3v_descriptors *ss,
                                const tc_u3v_descriptors *hs, bool with_device_info);

/* Strings blob (one language, 0x0409) for the ids above. Returns its
 * length, or 0 when cap is too small. */
size_t tc_ffs_build_strings(uint8_t *out, size_t cap, const tc_u3v_descriptors *d);

#endif
