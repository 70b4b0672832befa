/* The feature table's types: one row per GenICam feature.
 *
 * A row says everything a client can learn about a feature (SFNC name, type,
 * register address and length, bounds, increment, access, unit, selector,
 * description) and names the handler that gives it behaviour. The register
 * map, the GenICam XML and docs/features.md are all generated from the rows,
 * so they cannot disagree. The rows themselves are in feature_table.c. */
#ifndef TC_CORE_FEATURE_H
#define TC_CORE_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tc_ftype {
    TC_FT_INTEGER,
    TC_FT_FLOAT,
    TC_FT_ENUM,
    TC_FT_BOOL,
    TC_FT_COMMAND,
    TC_FT_STRING,
    TC_FT_REGISTER, /* raw bytes (GenApi Register): the file access buffer */
} tc_ftype;

typedef enum tc_access { TC_RO, TC_RW, TC_WO } tc_access;

typedef enum tc_visibility { TC_VIS_BEGINNER, TC_VIS_EXPERT, TC_VIS_GURU, TC_VIS_INVISIBLE } tc_visibility;

/* Categories of the feature tree (Root lists them in this order). */
typedef enum tc_category {
    TC_CAT_DEVICE,
    TC_CAT_IMAGE_FORMAT,
    TC_CAT_ACQUISITION,
    TC_CAT_DIGITAL_IO,
    TC_CAT_USER_SET,
    TC_CAT_TRANSPORT,
    TC_CAT_FILE_ACCESS,
    TC_CAT_TWIN,
    TC_CAT_HIDDEN, /* helper nodes (dynamic bounds): in the XML, in no category */
    TC_CAT_COUNT,
} tc_category;

typedef struct tc_category_info {
    const char *name;
    const char *display_name;
    const char *description;
} tc_category_info;

extern const tc_category_info tc_categories[TC_CAT_COUNT];

/* Flags */
enum {
    TC_FF_LOCKED_ACQ = 1 << 0, /* refused while acquisition is active (sizes the payload) */
    TC_FF_VOLATILE = 1 << 1,   /* value changes by itself (temperature, counters) */
    TC_FF_PERSIST = 1 << 2,    /* saved in and loaded from user sets */
    TC_FF_CONST = 1 << 3,      /* never changes while the camera runs */
    TC_FF_GIGE = 1 << 4,       /* GigE Vision transport register: served by the GigE port,
                                  only in the GigE XML, not in the core's register map */
    TC_FF_SLOW = 1 << 5,       /* a write may take longer than a host waits for an ack
                                  (scene decoding, user set load, reset, buffer allocation):
                                  ports announce it first (GVCP PENDING_ACK) */
    TC_FF_RESET = 1 << 6,      /* executing it returns the device to power-on: ports reset
                                  their own transport state too (tc_port_resets) */
    TC_FF_QUIET = 1 << 7,      /* executed thousands of times in a row (a file transfer's
                                  FileOperationExecute): ports log no line per execution */
    TC_FF_NOT_ACQ = 1 << 8,    /* the acquisition engine never reads it (file access): a
                                  write of only such features does not reconfigure it */
};

typedef struct tc_enum_entry {
    const char *name;
    int64_t value;
    const char *description;
} tc_enum_entry;

/* A feature value as the core stores it. */
typedef union tc_value {
    int64_t i; /* integers, enums (entry value), booleans (0/1) */
    double f;
} tc_value;

struct tc_device;
struct tc_feature;

/* Computed read: fills *v for selector position idx. Returns 0 or TC_E*. */
typedef int (*tc_get_fn)(struct tc_device *d, const struct tc_feature *f, unsigned idx, tc_value *v);
/* Computed string read (buf of len bytes, len >= 1). Returns 0 or TC_E*. */
typedef int (*tc_get_string_fn)(struct tc_device *d, const struct tc_feature *f, char *buf, size_t len);
/* The bytes of a TC_FT_REGISTER feature: f->length bytes the register map
 * reads and writes in place (no byte order: a byte array). */
typedef uint8_t *(*tc_bytes_fn)(struct tc_device *d, const struct tc_feature *f);
/* Write after the generic checks (type, access, bounds, increment, entry)
 * passed: validates what only this feature knows, applies side effects and
 * stores. Returns 0 or TC_E* with the reason set via tc_device_refuse().
 * For commands: executes. NULL means "store the value". */
typedef int (*tc_set_fn)(struct tc_device *d, const struct tc_feature *f, unsigned idx, tc_value v);

#define TC_STRING_MAX 64

typedef struct tc_feature {
    const char *name;         /* SFNC name, or Twin* for the twin's own controls */
    const char *display_name;
    const char *description;
    tc_ftype type;
    tc_category category;
    tc_access access;
    tc_visibility visibility;
    uint32_t address;         /* register address in the device's feature space */
    uint16_t length;          /* register bytes: 4 or 8; strings: capacity; registers: size */
    uint16_t flags;
    const char *selector;     /* the selector feature choosing among this feature's registers */
    const char *selector2;    /* a second selector whose value changes what this feature
                                 means (XML pSelected only: the register is shared) */
    uint8_t n_index;          /* registers address + i*length, i < n_index (1 when not indexed) */
    int64_t imin, imax, inc;  /* integer bounds and increment (inc 0 means 1) */
    double fmin, fmax;        /* float bounds */
    const char *pmin, *pmax;  /* a feature whose value is the bound (overrides imin/imax/fmin/fmax) */
    const char *unit;
    const tc_enum_entry *entries; /* enumerations */
    uint8_t n_entries;
    int64_t idefault;         /* power-on value (integers, enums, booleans) */
    double fdefault;          /* power-on value (floats) */
    const char *sdefault;     /* power-on value (strings; identity strings come from tc_options) */
    uint8_t bit_pos, bit_width; /* a bit field of a 4-byte register (bit 0 = LSB); width 0 = whole */
    tc_get_fn get;            /* NULL: the stored value */
    tc_set_fn set;            /* NULL: store after generic checks */
    tc_get_string_fn get_string; /* strings: NULL means the stored string */
    tc_bytes_fn bytes;        /* registers (TC_FT_REGISTER): their storage */
} tc_feature;

extern const tc_feature tc_features[];
extern const unsigned tc_feature_count;

/* Lookups; NULL / -1 when unknown. */
const tc_feature *tc_feature_find(const char *name);
static inline unsigned tc_feature_index(const tc_feature *f) { return (unsigned)(f - tc_features); }
const tc_enum_entry *tc_enum_by_name(const tc_feature *f, const char *name);
const tc_enum_entry *tc_enum_by_value(const tc_feature *f, int64_t value);

/* Highest n_index of any feature: sizes the value store. */
#define TC_MAX_INDEX 4

#endif
