/* The reasons behind failed calls of the public API, kept per thread and per
 * camera: tc_camera_last_error(cam) in one thread never shows another
 * thread's failure, nor one on another camera, so a thread waiting for
 * frames cannot wipe the reason of a refused write in the thread that made
 * it. Cameras are told apart by an id that is never reused (a closed
 * camera's address may be). Not part of the public API. */
#ifndef TC_INPROC_LAST_ERROR_H
#define TC_INPROC_LAST_ERROR_H

#include <stdint.h>

/* Id 0 stands for "no camera": failed opens and calls given a NULL camera. */
#define TC_NO_CAMERA 0u

/* A fresh id for a camera being opened (1, 2, ...; thread-safe). */
uint64_t tc_last_error_new_id(void);

/* This thread's reason for camera `id`: set (printf-style) or cleared. */
void tc_last_error_set(uint64_t id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tc_last_error_clear(uint64_t id);

/* This thread's reason for camera `id` ("" if its last call there did not
 * fail), copied into a thread-local buffer that stays valid until this
 * thread's next tc_last_error_get. */
const char *tc_last_error_get(uint64_t id);

#endif
