/* The IMX412 sensor model: a pipeline of small row stages.
 *
 *   scene -> exposure -> noise -> ADC -> binning/mirror -> packing
 *
 * The device core fills a tc_sensor_params from its feature values and asks
 * for one frame; it knows nothing of the stages. Each stage has its own header
 * and is tested alone (tests/sensor/). Model constants: sensor_model.h and
 * docs/sensor.md.
 *
 * Determinism: a frame is a pure function of (serial, scene, params, block
 * id, t_start). Fixed patterns (PRNU, DSNU, hot pixels) are seeded by the
 * serial number; temporal noise by params.noise_seed and the block id. */
#ifndef TC_SENSOR_H
#define TC_SENSOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_SENSOR_WIDTH 4056
#define TC_SENSOR_HEIGHT 3040

typedef enum tc_scene_kind {
    TC_SCENE_CHART = 0,  /* colour bars, grey ramp, orientation markers */
    TC_SCENE_FLAT = 1,   /* uniform white field; level set by illumination */
    TC_SCENE_MOVING = 2, /* bright bar moving across a dark field (rolling-shutter skew) */
    TC_SCENE_PNG = 3,    /* an 8- or 16-bit PNG file stretched over the sensor */
} tc_scene_kind;

typedef struct tc_sensor_params {
    /* Region of interest in output pixels (after binning), as the features say. */
    unsigned width, height, offset_x, offset_y;
    unsigned binning;          /* 1 or 2 (2x2, colour-aware) */
    bool reverse_x, reverse_y; /* mirror; the output stays Bayer GR */
    uint32_t pixel_format;     /* a tc_pixel_format code */
    double exposure_us;        /* 32 .. 1 900 000 */
    double line_time_ns;       /* effective line time: rolling-shutter row offset */
    double illumination_lux;   /* illuminance on the sensor for a white scene point */
    double temperature_c;      /* sensor temperature of this frame: drives dark current */
    double mean_temp_c;        /* temperature the cached mean image is built at. The core
                                  passes the ambient: the housing's warm-up then shifts the
                                  uniform dark signal per frame (readout offset), never
                                  rebuilding the cache. Hot pixels keep this temperature. */
    uint64_t noise_seed;       /* temporal noise seed */
    bool noise_enabled;        /* false: the noiseless mean image (tests, previews) */
} tc_sensor_params;

typedef struct tc_sensor tc_sensor;

/* A sensor unit whose fixed patterns are seeded by `serial`. The scene starts
 * as TC_SCENE_CHART. NULL on allocation failure. */
tc_sensor *tc_sensor_new(const char *serial);
void tc_sensor_free(tc_sensor *s); /* NULL-safe */

/* Select the scene. For TC_SCENE_PNG, `png_path` is read now (errors go to
 * err, and the previous scene stays). Returns 0 or -1. */
int tc_sensor_set_scene(tc_sensor *s, tc_scene_kind kind, const char *png_path, char *err,
                        size_t errlen);
tc_scene_kind tc_sensor_scene(const tc_sensor *s);

/* The same in two steps, so that the slow part (decoding a PNG) runs with no
 * lock the stream needs: load makes a scene (reads only the resampling
 * choice), install swaps it in (cheap; the cache is then stale). */
struct tc_scene;
struct tc_scene *tc_sensor_load_scene(const tc_sensor *s, tc_scene_kind kind, const char *png_path,
                                      char *err, size_t errlen);
void tc_sensor_install_scene(tc_sensor *s, struct tc_scene *sc);

/* Bytes of one frame for these params (what PayloadSize reports). */
size_t tc_sensor_payload_size(const tc_sensor_params *p);

/* Make the cached mean image current for `p` (scene, exposure, illumination,
 * mean_temp_c; the whole sensor, so AOI, binning and mirror never need a new
 * one). The expensive part of a settings change (tens of ms at full
 * resolution): the core calls it on its model worker, off the paced path.
 * Returns 0, or -1 for bad params or no memory. A moving scene has no cache
 * (nothing to do). */
int tc_sensor_prepare(tc_sensor *s, const tc_sensor_params *p);
/* The same a slice at a time: builds at most max_rows rows, returns 1 while
 * rows remain, 0 when prepared, -1 on error.
 *
 * Threads: one thread (the core's model worker) may call this while another
 * renders and installs scenes; every other function here belongs to one
 * thread at a time. The worker builds each row outside the sensor's lock into
 * buffers of its own and holds the lock only to claim and copy in a row, so
 * it never delays a frame: a frame builds the rows it needs that are not
 * there yet, and makes a row the worker holds that moment for itself (same
 * values: the cache is a pure function of its key). A frame in progress owns
 * the key: a worker asked for other settings waits for the frame's end. */
int tc_sensor_prepare_some(tc_sensor *s, const tc_sensor_params *p, unsigned max_rows);
/* Would tc_sensor_render(p) find everything prepared (no cache build)? */
bool tc_sensor_prepared(tc_sensor *s, const tc_sensor_params *p);

/* Render one frame into `out` (at least tc_sensor_payload_size bytes).
 * `t_start_ns` is the exposure start of row 0 on the camera's time line: the
 * moving scene is sampled at each row's own exposure time. Returns 0, or -1 if
 * params are out of range or out_size is too small (nothing written then).
 * Not thread-safe per sensor; distinct sensors are independent. */
int tc_sensor_render(tc_sensor *s, const tc_sensor_params *p, uint64_t block_id,
                     int64_t t_start_ns, uint8_t *out, size_t out_size);
/* tc_sensor_render that gives up between rows once *cancel is true, returning
 * TC_SENSOR_CANCELLED (the output then holds a partial frame). AcquisitionAbort
 * discards the frame in progress at once: a full frame whose mean image is
 * still to be built costs 130 ms here, and seconds under the sanitizers. */
#define TC_SENSOR_CANCELLED 1
int tc_sensor_render_cancellable(tc_sensor *s, const tc_sensor_params *p, uint64_t block_id,
                                 int64_t t_start_ns, uint8_t *out, size_t out_size,
                                 const atomic_bool *cancel);

/* Resampling used by later TC_SCENE_PNG loads: bilinear (the default) or,
 * with nearest = true, nearest neighbour (sharp pixel art, exact test images). */
void tc_sensor_set_png_nearest(tc_sensor *s, bool nearest);

/* Bytes of memory the sensor holds now (fixed patterns, noise table, cached
 * mean image, scene map, row buffers); for budgets and tests. */
size_t tc_sensor_memory_bytes(const tc_sensor *s);

#endif
