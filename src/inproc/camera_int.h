/* For the twin's own programs (the CLI, tests, benchmarks, fuzzers) that
 * open a camera with the public API and then reach below it: the device
 * under the camera, which is what every network port takes, and the
 * transport plumbing (raw registers, the XML in a port's byte order) that
 * applications never need. Not part of the public API: libtwincam.so does
 * not export these; link twincam_internal_dep (the module libraries). */
#ifndef TC_INPROC_CAMERA_INT_H
#define TC_INPROC_CAMERA_INT_H

#include <stddef.h>
#include <stdint.h>

struct tc_camera;
struct tc_device;

/* Borrowed: valid until tc_camera_close. NULL for NULL. */
struct tc_device *tc_camera_device(struct tc_camera *cam);

/* The GenICam XML the camera describes itself with, in the byte order of
 * the registers as a port needs it (big_endian 1: GigE Vision, 0: USB3
 * Vision). Owned by the camera; *len excludes the terminating NUL. */
const char *tc_camera_genicam_xml(struct tc_camera *cam, int big_endian, size_t *len);

/* Raw register access as a transport port does it (addresses of the feature
 * register map; see docs/features.md). 0 or a TC_E* code, the reason in
 * tc_camera_last_error like any call. */
int tc_register_read(struct tc_camera *cam, uint64_t address, uint8_t *buf, size_t len,
                     int big_endian);
int tc_register_write(struct tc_camera *cam, uint64_t address, const uint8_t *buf, size_t len,
                      int big_endian);

#endif
