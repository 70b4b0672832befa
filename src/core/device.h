/* The device core: feature values, validation, dependent values, and the
 * link to the sensor and the acquisition engine.
 *
 * Ports (in-process library, GigE Vision, USB3 Vision) come in through the
 * port interface (device_port.h), which calls tc_device_get/tc_device_set (by
 * feature) or the register map (regmap.h), always holding d->lock. A refused
 * write returns a TC_E* code, leaves every value as it was (stored and
 * derived), and puts the reason in d->why.
 *
 * Writes are transactions (transaction.c): tc_device_begin keeps a copy of
 * the value store, tc_device_apply runs one feature's checks and handler,
 * and tc_device_commit does the effects outside the store (sensor scene,
 * power-up file), then hands the settings to the acquisition engine once;
 * any refusal puts the copy back. tc_device_set is one feature in one
 * transaction; a register span or a user set is several in one. */
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
struct tc_files;

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
    char firmware_version[TC_STRING_MAX]; /* the booted firmware's ("" = this build's) */
    void (*on_reset)(void *arg);          /* tc_port_on_reset */
    void *on_reset_arg;
    int64_t power_on_seed;               /* TwinNoiseSeed at power-up (tc_device_options) */
    char state_dir[256];                 /* where user sets persist ("" = memory only) */
    /* The write in progress (transaction.c). */
    bool in_write;
    tc_value (*undo_values)[TC_MAX_INDEX]; /* the store as it was at tc_device_begin */
    char (*undo_strings)[TC_STRING_MAX];
    bool scene_pending;   /* TwinScene written: load it into the sensor at commit */
    bool startup_pending; /* UserSetDefault written: persist it at commit */
    bool acq_pending;     /* a feature the engine reads was applied: tell it at commit */
    /* Kept for the port interface (device_port.c): the GenICam XML per byte
     * order ([1] big-endian), made on first request, and DeviceResets so far. */
    char *xml[2];
    size_t xml_len[2];
    uint64_t resets;
    struct tc_files *files; /* file access (file_access.h) */
} tc_device;

/* Create a device from the options (NULL: defaults). NULL on failure. */
tc_device *tc_device_new(const tc_device_options *o);
void tc_device_free(tc_device *d);

/* Typed access by feature and selector index (idx < f->n_index, or 0).
 * Getters on write-only features and setters on read-only ones are refused.
 * A set is one whole write (a transaction of its own; inside a write already
 * begun it only applies). */
int tc_device_get(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_device_set(tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_device_get_string(tc_device *d, const tc_feature *f, char *buf, size_t len);
int tc_device_set_string(tc_device *d, const tc_feature *f, const char *s);

/* Several features as one write (transaction.c). Between begin and
 * commit/rollback, apply runs the generic checks and the feature's handler
 * against the values applied so far; nothing reaches the sensor or the
 * acquisition engine. Commit returns 0, or TC_E* after rolling back (an
 * effect outside the store failed). Commands are applied alone. */
void tc_device_begin(tc_device *d);
int tc_device_apply(tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_device_apply_string(tc_device *d, const tc_feature *f, const char *s);
int tc_device_commit(tc_device *d);
void tc_device_rollback(tc_device *d);

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

/* Every feature's power-on value (the table's, the identity from the
 * options), into the given store (d->values/d->strings or a copy). */
void tc_device_defaults(tc_device *d, tc_value (*values)[TC_MAX_INDEX],
                        char (*strings)[TC_STRING_MAX]);
void tc_device_load_defaults(tc_device *d);

/* Switch the camera on (device_control.c): acquisition stopped, power-on
 * values, timestamps, counters, block ids and housing temperature as at
 * open, the UserSetDefault set loaded, the scene in the sensor. Used at open
 * and by DeviceReset, so the two cannot differ. */
void tc_device_power_up(tc_device *d);

/* User sets (user_sets.c). Restore reads the saved sets and the power-up
 * choice from the state directory (at open). Apply loads set `sel` (0 the
 * factory Default) through tc_device_apply inside the caller's write: 0, or
 * TC_E* naming the set and the feature. Write_startup persists
 * UserSetDefault. */
void tc_user_sets_restore(tc_device *d);
int tc_user_set_apply(tc_device *d, unsigned sel);
int tc_user_sets_write_startup(tc_device *d, int64_t v);

/* User sets as files, for file access (user_sets.c). Name: "UserSet1"...
 * Text: a saved set in the state-file format (user_set_file.h), malloc'd,
 * *len bytes; NULL with d->why if never saved. Store: a client's file
 * replaces set `sel` as UserSetSave would (checked strictly, read over the
 * factory values, written to the state directory, then kept): 0, or TC_E*
 * with d->why and the old set intact. Delete: forget a saved set and its
 * file; refused for the set UserSetDefault names. */
const char *tc_user_set_name(unsigned sel);
char *tc_user_set_text(tc_device *d, unsigned sel, size_t *len);
int tc_user_set_store(tc_device *d, unsigned sel, const char *text, size_t len);
int tc_user_set_delete(tc_device *d, unsigned sel);

/* The stored TwinScene/TwinScenePath into the sensor (twin_control.c):
 * 0 or TC_EIO; on failure the sensor keeps its scene. */
int tc_twin_scene_load(tc_device *d);

/* After an accepted write: hand the settings to the acquisition engine
 * (dependent values are computed when read). */
void tc_device_changed(tc_device *d);

#endif
