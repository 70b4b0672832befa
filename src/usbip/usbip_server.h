/* The USB/IP port of the USB3 Vision camera: a user-space USB/IP server
 * (TCP, default port 3240) exporting one SuperSpeed device, busid "1-1",
 * that a Linux host attaches with `usbip attach -r ADDR -b 1-1` (vhci_hcd).
 *
 * The device logic is the transport-free core of src/u3v (descriptors,
 * GenCP one-command server over the bootstrap memory, stream leader/trailer
 * and SIRM transfer plan) and the codec of usbip_proto.h; this file only
 * moves bytes between them and the socket (see usbip_server.c and
 * docs/usb3vision.md).
 *
 * Lifecycle: tc_usbip_server_new binds and listens (port 0 picks an
 * ephemeral one, for tests), tc_usbip_server_run serves until *stop is set,
 * tc_usbip_server_free closes everything. tc_usbip_serve is the three in a
 * row on port 3240, for `twincam serve --usbip`. */
#ifndef TC_USBIP_SERVER_H
#define TC_USBIP_SERVER_H

#include <signal.h>
#include <stdint.h>

#include "core/device_port.h"
#include "core/port_status.h"
#include "u3v/u3v_device.h"

#define TC_USBIP_PORT 3240
#define TC_USBIP_BUSID "1-1"
/* USB ids the twin enumerates with (u3v_device.h). */
#define TC_USBIP_VENDOR_ID TC_U3V_VENDOR_ID
#define TC_USBIP_PRODUCT_ID TC_U3V_PRODUCT_ID

typedef struct tc_usbip_server tc_usbip_server;

/* Bind ADDR:port (IPv4) and listen. Returns 0, or -1 with the reason
 * printed. The device is borrowed and must outlive the server. */
int tc_usbip_server_new(tc_device *dev, const char *address, uint16_t port,
                        tc_usbip_server **out);
/* The port actually bound. */
uint16_t tc_usbip_server_port(const tc_usbip_server *s);
/* Serve clients until *stop becomes non-zero (checked at least every 200
 * ms). One import at a time; DEVLIST is answered while a host is attached.
 * A host has 2 s from its connection to send its whole request, up to 32
 * hosts at once (more are closed at once), so a slow or silent host delays
 * no other. Returns 0. */
int tc_usbip_server_run(tc_usbip_server *s, volatile sig_atomic_t *stop);
/* The same, calling status->report every status->period_ms (from this
 * thread) with the frames and bytes delivered so far (NULL: never). */
int tc_usbip_server_run_with(tc_usbip_server *s, volatile sig_atomic_t *stop,
                             const tc_port_status_hook *status);
void tc_usbip_server_free(tc_usbip_server *s);

/* `twincam serve --usbip`: the camera on ADDR:3240 until *stop. */
int tc_usbip_serve(tc_device *dev, const char *address, volatile sig_atomic_t *stop);
int tc_usbip_serve_with(tc_device *dev, const char *address, volatile sig_atomic_t *stop,
                        const tc_port_status_hook *status);

#endif
