/* For the twin's own programs (the CLI, tests, benchmarks) that open a
 * camera with the public API and then serve it through a network port: the
 * device under the camera, which is what every port takes. Not part of the
 * public API. */
#ifndef TC_INPROC_CAMERA_INT_H
#define TC_INPROC_CAMERA_INT_H

struct tc_camera;
struct tc_device;

/* Borrowed: valid until tc_camera_close. NULL for NULL. */
struct tc_device *tc_camera_device(struct tc_camera *cam);

#endif
