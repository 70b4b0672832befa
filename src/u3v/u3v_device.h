/* What every USB3 Vision port does the same way, whatever carries the bytes
 * (USB/IP URBs, FunctionFS endpoint files): describe a served command for
 * the log, and send one frame as leader, payload transfers and trailer at
 * the readout pace the core gives (tc_port_due_ns).
 *
 * The port supplies one function that performs a device-side bulk IN
 * transfer on the streaming endpoint; this file decides what goes into each
 * transfer and when. No sockets, no threads of its own. */
#ifndef TC_U3V_DEVICE_H
#define TC_U3V_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/device_port.h"
#include "u3v/u3v_bootstrap.h"
#include "u3v/u3v_descriptors.h"
#include "u3v/u3v_stream.h"

/* One device-side bulk IN transfer of len bytes; `host_len` is the size of
 * the transfer the host posted for it (SIRM: max leader, payload transfer
 * size, final transfer sizes, max trailer), which a port needs to know when
 * a transfer that ends on a packet boundary must be closed by a
 * zero-length packet. Returns 0, or any non-zero value to stop the frame
 * (tc_u3v_send_frame returns it unchanged). */
typedef int (*tc_u3v_transfer_fn)(void *ctx, const uint8_t *data, size_t len, size_t host_len);

/* Send frame f: leader, the payload in the transfers of `plan` (its
 * payload_size is set to f->size), trailer. A payload transfer leaves once
 * its last row has been read out (tc_port_pace). Returns 0 or the first
 * non-zero result of `xfer`. */
int tc_u3v_send_frame(const tc_port_frame *f, tc_u3v_stream_plan *plan, tc_u3v_transfer_fn xfer,
                      void *ctx);

/* One log line (without newline) for a command the control channel served,
 * or "" when there is nothing worth saying: refused writes and failed
 * commands with their status and feature name, executed feature commands,
 * and the stream being enabled (with the host's transfer plan) or
 * disabled. `stream_before` is tc_u3v_bootstrap_stream_enabled() before the
 * command; call with the bootstrap still serialised. */
void tc_u3v_describe_command(tc_u3v_bootstrap *bs, const uint8_t *req, size_t req_len,
                             const uint8_t *ack, size_t ack_len, bool stream_before,
                             char *out, size_t cap);

/* A slow command (a WRITEMEM asking for an ack, to a span the core flags
 * TC_FF_SLOW: a scene, a user set, a firmware install) must not keep the
 * host waiting without a word: a USB3 Vision host gives up on an ack after
 * its own short timeout and sends the command again, which then runs twice
 * (a file Close the second time finds the file closed). Every U3V port
 * answers such a command with a PENDING_ACK promising TC_U3V_SLOW_PENDING_MS
 * first, then runs it. Writes the request id into *request_id. */
bool tc_u3v_slow_command(const uint8_t *req, size_t len, uint16_t *request_id);
/* Longer than the slowest command (a 64 MiB firmware checked and written)
 * takes, even under emulation. */
#define TC_U3V_SLOW_PENDING_MS 30000

/* USB ids the twin enumerates with on every port (no vendor id of its own:
 * the Linux Foundation's id with a product id of the twin's choosing). */
#define TC_U3V_VENDOR_ID 0x1D6Bu
#define TC_U3V_PRODUCT_ID 0x0104u

/* Build the descriptors of the camera's identity (vendor, model, family,
 * firmware version as bcdDevice, manufacturer info, serial and the GUID
 * derived from it) for `speed`. Returns 0, or TC_EINVAL. */
int tc_u3v_descriptors_for_camera(tc_device *dev, tc_usb_speed speed, tc_u3v_descriptors *d);

#endif
