/* Where an uploaded firmware goes: the one hook between the device core's
 * file access (the DeviceFirmware file, file_access.c) and whoever installs
 * firmware (the boot loader of `twincam serve`, the firmware package code).
 *
 * The core only stages the bytes a client writes; it knows nothing of
 * packages, signatures or slots. When the client closes DeviceFirmware the
 * core calls the sink registered for the device with every byte written, in
 * offset order, and reports the sink's verdict to the client through
 * FileOperationStatus (Success or Failure) and TwinFileOperationReason.
 *
 * Contract for a sink:
 * - data/len: the staged file, exactly as the client wrote it (len >= 0,
 *   at most TC_FIRMWARE_FILE_MAX bytes). Borrowed for the call only: the
 *   core frees it afterwards.
 * - Returns 0 when the firmware is accepted (verified and stored where the
 *   next DeviceReset starts it), anything else when refused; then it
 *   writes a one-line reason (NUL-terminated, at most reason_len bytes) a
 *   client can read, e.g. "signature does not verify".
 * - Runs on the thread of the port that executed the Close, holding the
 *   device's lock: it must not call the port interface of this device, and
 *   it should finish within seconds (GigE Vision keeps the client waiting
 *   with PENDING_ACKs meanwhile; FileOperationExecute is a slow command).
 * - A refused firmware must leave what runs and what is installed as it
 *   was: the core keeps nothing of a refused upload either. */
#ifndef TC_CORE_FIRMWARE_SINK_H
#define TC_CORE_FIRMWARE_SINK_H

#include <stddef.h>
#include <stdint.h>

typedef int (*tc_firmware_sink)(void *ctx, const uint8_t *data, size_t len, char *reason,
                                size_t reason_len);

/* The largest DeviceFirmware upload the core stages: a package with the
 * largest program the firmware code accepts (64 MiB, src/firmware/package.h)
 * and its header, manifest and signature (264 bytes), rounded up to 4 KiB;
 * a client writing more is refused before the camera's memory is. A test
 * checks this holds TC_FW_PACKAGE_MAX. */
#define TC_FIRMWARE_FILE_MAX (64u * 1024u * 1024u + 4096u)

#endif
