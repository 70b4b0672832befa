/* The FunctionFS port of the USB3 Vision camera: the device side on a Linux
 * board with a USB device controller (or dummy_hcd in a test VM).
 *
 * A FunctionFS instance must be mounted at DIR (scripts/gadget.sh creates
 * the configfs gadget, mounts it, runs `twincam gadget --ffs DIR` and binds
 * the UDC once the endpoint files exist). This port writes the function's
 * descriptors and strings to DIR/ep0, then serves:
 *   - ep0 events: ENABLE (host configured the device: host-programmed
 *     registers back to power-on), DISABLE/UNBIND (host gone: acquisition
 *     stopped, transfers in flight cancelled), SETUP (class and vendor
 *     requests: none exist in USB3 Vision, so they are stalled);
 *   - control channel: a GenCP command from ep1 (bulk OUT), its ack to ep2;
 *   - stream: leader, payload transfers as SIRM says, trailer, on ep4, at
 *     the sensor's readout pace.
 * Endpoint I/O is Linux AIO on the endpoint files, so a transfer the host
 * stops reading (stream disabled, host gone, shutdown) can be cancelled.
 *
 * Known limit (Linux 6.1): FunctionFS refuses the class-specific U3V Device
 * Info descriptor, so the device enumerates without it and hosts that find
 * U3V devices by the GUID it carries (Aravis 0.8) list the camera but cannot
 * open it; docs/usb3vision.md. */
#ifndef TC_FFS_GADGET_H
#define TC_FFS_GADGET_H

#include <signal.h>

#include "core/device_port.h"
#include "core/port_status.h"

/* Serve the device through the FunctionFS instance mounted at `dir` until
 * *stop becomes non-zero. Returns 0, or -1 with the reason printed (no
 * FunctionFS at dir, descriptors refused, ...). The device is borrowed. */
int tc_ffs_gadget_serve(tc_device *dev, const char *dir, volatile sig_atomic_t *stop);
/* The same, calling status->report every status->period_ms (from this
 * thread) with the frames and bytes sent so far (NULL: never). */
int tc_ffs_gadget_serve_with(tc_device *dev, const char *dir, volatile sig_atomic_t *stop,
                             const tc_port_status_hook *status);

#endif
