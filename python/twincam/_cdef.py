"""The C declarations the module calls, in cffi's cdef syntax: the one copy.

ABI mode (ffi.dlopen) lays structs out from these declarations alone, never
from the header, so they must match include/twincam/twincam.h field for
field. tests/test_layout.py compiles a probe against the real header and fails
when a size or an offset here differs from the compiler's.

Only what the module uses is declared (functions are resolved lazily, on
first use).
"""

CDEF = r"""
enum {
    TC_OK = 0,
    TC_ENOFEATURE = -1,
    TC_ETYPE = -2,
    TC_ERANGE = -3,
    TC_EACCESS = -4,
    TC_EBUSY = -5,
    TC_ETIMEOUT = -6,
    TC_ENOMEM = -7,
    TC_EINVAL = -8,
    TC_EIO = -9,
    TC_EADDRESS = -10,
};

typedef struct tc_camera tc_camera;

typedef struct tc_options {
    size_t struct_size;
    const char *serial;
    const char *vendor_name;
    const char *model_name;
    uint64_t noise_seed;
    bool deterministic;
    const char *state_dir;
    unsigned frame_buffers;
} tc_options;

const char *tc_version(void);
void tc_options_init(tc_options *o);
int tc_camera_open(const tc_options *o, tc_camera **out);
void tc_camera_close(tc_camera *cam);
const char *tc_camera_last_error(tc_camera *cam);

int tc_get_int(tc_camera *cam, const char *feature, int64_t *value);
int tc_set_int(tc_camera *cam, const char *feature, int64_t value);
int tc_get_float(tc_camera *cam, const char *feature, double *value);
int tc_set_float(tc_camera *cam, const char *feature, double value);
int tc_get_string(tc_camera *cam, const char *feature, char *buf, size_t len);
int tc_set_string(tc_camera *cam, const char *feature, const char *value);
int tc_execute(tc_camera *cam, const char *feature);
int tc_set_from_text(tc_camera *cam, const char *feature, const char *text);

typedef struct tc_feature_info {
    const char *name, *type, *access, *category, *unit, *description;
    char value[96];
    char range[256];
} tc_feature_info;
unsigned tc_feature_total(void);
int tc_feature_describe(tc_camera *cam, unsigned index, tc_feature_info *info);

int tc_start(tc_camera *cam);
int tc_stop(tc_camera *cam);
int tc_trigger_software(tc_camera *cam);

typedef enum tc_frame_status {
    TC_FRAME_OK = 0,
} tc_frame_status;

typedef struct tc_frame {
    uint64_t block_id;
    uint64_t timestamp_ns;
    uint32_t pixel_format;
    uint32_t width, height, offset_x, offset_y;
    const uint8_t *data;
    size_t size;
    tc_frame_status status;
    void *priv_;
} tc_frame;

int tc_wait_frame(tc_camera *cam, tc_frame *frame, int timeout_ms);
void tc_release_frame(tc_camera *cam, tc_frame *frame);

int tc_drive_line(tc_camera *cam, unsigned line, int level, uint64_t t_ns);
int tc_line_level(tc_camera *cam, unsigned line);
uint64_t tc_camera_time(tc_camera *cam);
uint64_t tc_host_time(tc_camera *cam);
uint64_t tc_frames_dropped(tc_camera *cam);
"""


# The structs tests/test_layout.py checks against the header.
CHECKED_STRUCTS = ("tc_options", "tc_frame", "tc_feature_info")
