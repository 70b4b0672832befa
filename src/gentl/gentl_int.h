/* The GenTL producer's own state: the modules a consumer opens (System,
 * Interface, Device, DataStream, Buffer, Event), the handle registry that
 * stands between a consumer's handle and them, and the helpers every entry
 * point shares (last error, info copies). Camera policy lives in the device
 * core (core/device_port.h); nothing here decides what a camera does.
 *
 * Locking: one mutex (gt_lock) guards every module and the registry. An
 * entry point finds its module by handle under it, and drops it only around
 * calls into the core, after which it touches only the twin (which lives
 * until the System closes, and whose closing waits for such calls: see
 * gt_call_begin) and its own locals; the stream thread is the one exception,
 * and its DataStream is not freed before the thread is joined. */
#ifndef TC_GENTL_INT_H
#define TC_GENTL_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/device_port.h"
#include "gentl/gentl_abi.h"

#ifndef TC_VERSION
#define TC_VERSION "0"
#endif

#define GT_TL_ID "twincam"
#define GT_IF_ID "twincam-inproc"
#define GT_STREAM_ID "Stream0"
#define GT_TLTYPE "Custom"
#define GT_MAX_CAMERAS 16

/* Where a module's GenICam XML sits in its port's address space (the remote
 * device's, as the GigE port places it, above every feature register). */
#define GT_XML_ADDRESS 0x00100000u

/* One camera as configured (gentl/config.c). */
typedef struct gt_cam_cfg {
    char serial[TC_STRING_MAX];
    uint64_t seed;
    bool deterministic;
    char state_dir[512];  /* "": memory only */
} gt_cam_cfg;

/* ---- handles ---- */
enum gt_kind {
    GT_TL = 1u << 0,
    GT_IF = 1u << 1,
    GT_DEV = 1u << 2,
    GT_RPORT = 1u << 3, /* the remote device port of a Device */
    GT_DS = 1u << 4,
    GT_BUF = 1u << 5,
    GT_EVENT = 1u << 6,
};

/* ---- events ---- */
typedef struct gt_event_item {
    GC_ERROR code;     /* EVENT_ERROR */
    char text[192];    /* EVENT_ERROR */
    void *buffer;      /* EVENT_NEW_BUFFER: the buffer handle */
    void *user;        /* EVENT_NEW_BUFFER: its user pointer */
} gt_event_item;

typedef struct gt_event {
    void *handle;
    EVENT_TYPE type;
    gt_event_item *items; /* ring */
    size_t head, count, cap;
    uint64_t fired;
    unsigned kills;       /* EventKill calls not yet consumed by a wait */
    unsigned waiters;     /* threads in EventGetData */
    bool dead;            /* unregistered or its module closed */
    pthread_cond_t cv;
} gt_event;

/* The event types a module raises: EVENT_ERROR everywhere, EVENT_NEW_BUFFER
 * on a DataStream. Indexed by EVENT_TYPE. */
#define GT_N_EVENT_TYPES 2
typedef struct gt_events {
    gt_event *of[GT_N_EVENT_TYPES];
} gt_events;

/* ---- modules ---- */
typedef struct gt_twin {
    tc_device *dev;
    gt_cam_cfg cfg;
    tc_port_identity id;
    struct gt_dev *open_as; /* the Device module on it, if open */
} gt_twin;

typedef struct gt_buffer gt_buffer;
typedef struct gt_ds gt_ds;

typedef struct gt_dev {
    void *handle, *port_handle;
    gt_twin *twin;
    struct gt_if *iface;
    gt_ds *ds;          /* its one DataStream, if open */
    bool read_only;     /* DEVICE_ACCESS_READONLY: the remote port refuses writes */
    gt_events events;
    uint32_t stream_selector;
    char *xml;          /* the module nodemap */
    size_t xml_len;
} gt_dev;

typedef struct gt_if {
    void *handle;
    bool listed;        /* IFUpdateDeviceList ran */
    uint32_t device_selector;
    gt_events events;
    char *xml;
    size_t xml_len;
} gt_if;

typedef struct gt_tl {
    void *handle;
    gt_if *iface;       /* the one Interface, if open */
    uint32_t interface_selector;
    bool closing;
    gt_events events;
    char *xml;
    size_t xml_len;
} gt_tl;

/* Where a buffer is: with the consumer (announced, or delivered by its
 * event), in the input queue, being filled, or in the output queue (which
 * is the EVENT_NEW_BUFFER queue: taking its event hands it over). */
enum gt_buf_state { GT_B_ANNOUNCED, GT_B_INPUT, GT_B_FILLING, GT_B_OUTPUT };

struct gt_buffer {
    void *handle;
    gt_ds *ds;
    uint8_t *base;
    size_t size;
    void *user;
    bool owned;           /* DSAllocAndAnnounceBuffer */
    tc_port_target target; /* base and size, as the core renders frames into them */
    bool offered;         /* target is offered to the core (tc_port_offer) */
    enum gt_buf_state state;
    gt_buffer *next;      /* in the input FIFO */
    /* the last frame written, as BUFFER_INFO reports it */
    bool new_data, incomplete, larger;
    size_t filled, data_size;
    uint32_t width, height, offset_x, offset_y, pixel_format;
    uint64_t frame_id, timestamp_ns;
};

typedef struct gt_fifo {
    gt_buffer *head, *tail;
    size_t n;
} gt_fifo;

enum gt_ds_state { GT_DS_IDLE, GT_DS_RUNNING, GT_DS_STOPPING };

struct gt_ds {
    void *handle;
    gt_dev *dev;
    gt_buffer **bufs;     /* announced, in announcement order */
    size_t n_bufs, cap;
    gt_fifo input;
    size_t n_output;
    enum gt_ds_state state;
    bool kill;            /* ACQ_STOP_FLAGS_KILL: abandon the buffer being filled */
    bool stop;            /* the thread is to leave */
    bool done;            /* the thread left by itself (iNumToAcquire reached) */
    pthread_t thread;
    pthread_cond_t cv;    /* the thread's pacing wait; a stop wakes it */
    tc_port_waiter waiter;
    uint64_t to_acquire, acquired;
    uint64_t delivered, underrun, started;
    gt_events events;
    char *xml;            /* the module nodemap */
    size_t xml_len;
};

/* ---- the library ---- */
typedef struct gt_lib {
    pthread_mutex_t mu;
    pthread_cond_t idle;     /* in_core reached 0, or a DataStream stopped */
    bool initialised;
    gt_tl *tl;
    gt_twin *twins;
    size_t n_twins;
    unsigned in_core;        /* entry points inside the core without the lock */
    struct gt_reg { uintptr_t id; unsigned kind; void *obj; } *reg;
    size_t n_reg, reg_cap;
    uintptr_t next_id;
} gt_lib;

extern gt_lib gt_g;

void gt_lock(void);
void gt_unlock(void);

/* Registry: a handle is an id handed out once, never an address, so a
 * stale or forged handle finds nothing (or, for a live id of another kind,
 * is refused by its kind). */
void *gt_handle_new(unsigned kind, void *obj);  /* NULL if out of memory */
void *gt_find(const void *handle, unsigned kinds, unsigned *kind_out);
void gt_handle_drop(void *handle);

/* Calls into the core with the lock dropped: counted, so closing the System
 * waits for them before freeing a twin. Caller holds the lock. */
void gt_call_begin(void);
void gt_call_end(void);

/* The calling thread's last error (GCGetLastError); returns code. */
GC_ERROR gt_err(GC_ERROR code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Entry: lock and check GCInitLib ran; GC_ERR_SUCCESS with the lock held, or
 * GC_ERR_NOT_INITIALIZED without it. */
GC_ERROR gt_enter(void);
/* Unlock and pass rc through. */
GC_ERROR gt_leave(GC_ERROR rc);

/* The info queries' rule: with pBuffer NULL, *piSize gets the size needed;
 * otherwise the value is copied if *piSize holds it (GC_ERR_BUFFER_TOO_SMALL
 * if not) and *piSize gets the size copied. */
GC_ERROR gt_info(INFO_DATATYPE type, const void *value, size_t size, INFO_DATATYPE *piType,
                 void *pBuffer, size_t *piSize);
GC_ERROR gt_info_str(const char *s, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_info_u64(uint64_t v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_info_i32(int32_t v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_info_u32(uint32_t v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_info_sizet(size_t v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_info_bool(bool v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_info_ptr(const void *v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);

/* A core status as a GenTL code, with the core's reason as the error text. */
GC_ERROR gt_core_err(int rc, const char *what);

/* ---- across the files ---- */
/* gentl/config.c: the cameras (TWINCAM_GENTL_CAMERAS, or the XDG config
 * file, or one default camera); the count, at most max. */
size_t gt_config_cameras(gt_cam_cfg *out, size_t max);

/* gentl/system.c */
void gt_device_info_of(const gt_twin *t, char *id, size_t len);
GC_ERROR gt_twin_info(gt_twin *t, DEVICE_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer,
                      size_t *piSize);
void gt_tl_close_locked(gt_tl *tl);

/* gentl/nodemap.c: the module nodemaps of System, Interface, Device and
 * DataStream. */
char *gt_module_xml(unsigned kind, size_t *len);
GC_ERROR gt_module_read(unsigned kind, void *obj, uint64_t address, uint8_t *buf, size_t len);
GC_ERROR gt_module_write(unsigned kind, void *obj, uint64_t address, const uint8_t *buf, size_t len);

/* gentl/stream.c */
/* A buffer in the output queue back with the consumer, unfilled as far as
 * it knows (flushed). */
void gt_buffer_discard(gt_buffer *b);
GC_ERROR gt_ds_open(gt_dev *dev, gt_ds **out);
/* Close a DataStream: stop its thread, revoke its buffers, kill its events.
 * Called with the lock held; drops it while joining. */
void gt_ds_close_locked(gt_ds *ds);

/* gentl/event.c */
gt_events *gt_events_of(void *obj, unsigned kind);
/* Queue an event on a module if the consumer registered one of that type. */
void gt_event_fire(gt_events *ev, EVENT_TYPE type, const gt_event_item *item);
/* Drop NEW_BUFFER items whose buffer left the output queue (flushed). */
void gt_event_purge_buffers(gt_events *ev);
/* Unregister all of a module's events (waiters return GC_ERR_ABORT). */
void gt_events_close(gt_events *ev);

#endif
