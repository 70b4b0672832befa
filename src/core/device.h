/* The device core: feature values, validation, dependent values, and the
 * link to the sensor and the acquisition engine.
 *
 * Ports (in-process library, GigE Vision, USB3 Vision) come in through the
 * port interface (device_port.h), which calls tc_device_get/tc_device_set (by
 * feature) or the register map (regmap.h), always holding d->lock. A refused write returns a TC_E* code, leaves every
 * value as it was, and puts the reason in d->why. */
#ifndef TC_CORE_DEVICE_H
#define TC_CORE_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/feature.h"
#include "core/options.h"
#include "core/timing.h"
#include "sensor/sensor.h"
#include "util/clock.h"

struct tc_acq;

#define TC_USER_SETS 3 /* Default, UserSet1, UserSet2 */

typedef struct tc_user_set {
    bool valid;
    tc_value (*values)[TC_MAX_INDEX];
    char (*strings)[TC_STRING_MAX];
} tc_user_set;

typedef struct tc_device {
    pthread_mutex_t lock;          /* held by every caller of the functions below */
    tc_value (*values)[TC_MAX_INDEX]; /* [feature][selector index] */
    char (*strings)[TC_STRING_MAX];   /* [feature] for string features */
    char why[256];                 /* reason of the last refusal */
    tc_clock clock;
    int64_t ts_zero_ns;            /* clock time of timestamp 0 */
    tc_sensor *sensor;
    struct tc_acq *acq;
    tc_user_set user_sets[TC_USER_SETS]; /* [0] unused: Default is the power-on table */
    char identity[3][TC_STRING_MAX];     /* vendor, model, serial as opened (for resets) */
    int64_t power_on_seed;               /* TwinNoiseSeed at power-up (tc_device_options) */
    char state_dir[256];                 /* where user sets persist ("" = memory only) */
    /* Kept for the port interface (device_port.c): the GenICam XML per byte
     * order ([1] big-endian), made on first request, and DeviceResets so far. */
    char *xml[2];
    size_t xml_len[2];
    uint64_t resets;
} tc_device;

/* Create a device from the options (NULL: defaults). NULL on failure. */
tc_device *tc_device_new(const tc_device_options *o);
void tc_device_free(tc_device *d);

/* Typed access by feature and selector index (idx < f->n_index, or 0).
 * Getters on write-only features and setters on read-only ones are refused. */
int tc_device_get(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_device_set(tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_device_get_string(tc_device *d, const tc_feature *f, char *buf, size_t len);
int tc_device_set_string(tc_device *d, const tc_feature *f, const char *s);

/* The selector index a selected feature currently addresses (0 if none). */
unsigned tc_device_selector_index(tc_device *d, const tc_feature *f);

/* Effective bounds of a numeric feature (pmin/pmax resolved). */
int tc_device_bounds(tc_device *d, const tc_feature *f, tc_value *min, tc_value *max);

/* Record why a request is refused; returns `code` so handlers can
 * `return tc_device_refuse(d, TC_ERANGE, "...", ...)`. */
int tc_device_refuse(tc_device *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stored value shortcuts for handlers (index 0 unless given). */
tc_value *tc_device_slot(tc_device *d, const char *name, unsigned idx);
int64_t tc_device_int(tc_device *d, const char *name);
double tc_device_float(tc_device *d, const char *name);

/* What the sensor needs for the current settings, and the timing model's
 * figures for them. */
void tc_device_sensor_params(tc_device *d, tc_sensor_params *p);
void tc_device_timing(tc_device *d, tc_timing *t);

/* Bytes of one frame at the current AOI and pixel format (PayloadSize). */
size_t tc_device_payload_size(tc_device *d);

/* Camera time: ns since the last timestamp reset. */
int64_t tc_device_timestamp(tc_device *d);

/* Return every feature to its power-on value (used at open and by reset). */
void tc_device_load_defaults(tc_device *d);

/* Check every writable value against its feature's rules, as if it had just
 * been written (after a user set load). 0 or TC_E* with the reason. */
int tc_device_validate_all(tc_device *d);

/* User sets from the state directory at power-up (user_sets.c). */
void tc_user_sets_restore(tc_device *d);

/* After any accepted write: clamp dependent values and hand the new settings
 * to the acquisition engine. */
void tc_device_changed(tc_device *d);

#endif
