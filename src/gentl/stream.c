/* The DataStream: announced buffers, the input queue, and the thread that
 * takes the camera's frames (tc_port_wait, as every port's stream thread
 * does) into the next queued buffer and hands it over through
 * EVENT_NEW_BUFFER once its last row has been read out (tc_port_due_ns).
 * A frame finding no queued buffer waits for one (an underrun, reported
 * with EVENT_ERROR).
 *
 * No copy: while the stream runs, every queued buffer (the consumer's,
 * DSAnnounceBuffer, or the producer's, DSAllocAndAnnounceBuffer) is offered
 * to the core as a target (tc_port_offer) in queue order, and the core
 * renders frames straight into it. A frame the core made in its own buffer
 * (none was offered, or an earlier one is still waiting) is copied into the
 * next queued buffer, once. A buffer leaves the input queue (flush, stop,
 * close) only after the core gave it back (tc_port_withdraw), so it is never
 * written once the consumer has it again; one whose frame the stream thread
 * already holds is being filled, and is delivered. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gentl/gentl_int.h"
#include "util/clock.h"

/* A buffer larger than any frame the camera makes, by far: refuse it rather
 * than let a hostile size reach the allocator. */
#define MAX_ALLOC_BYTES ((size_t)1 << 30)

static void fifo_push(gt_fifo *q, gt_buffer *b, bool front)
{
    b->next = NULL;
    if (!q->head)
        q->head = q->tail = b;
    else if (front) {
        b->next = q->head;
        q->head = b;
    } else {
        q->tail->next = b;
        q->tail = b;
    }
    q->n++;
}

static gt_buffer *fifo_pop(gt_fifo *q)
{
    gt_buffer *b = q->head;
    if (b) {
        q->head = b->next;
        if (!q->head)
            q->tail = NULL;
        b->next = NULL;
        q->n--;
    }
    return b;
}

static void fifo_remove(gt_fifo *q, gt_buffer *b)
{
    gt_buffer **p = &q->head, *prev = NULL;
    while (*p && *p != b) {
        prev = *p;
        p = &(*p)->next;
    }
    if (!*p)
        return;
    *p = b->next;
    if (q->tail == b)
        q->tail = prev;
    b->next = NULL;
    q->n--;
}

/* ---- targets (lock held throughout: the core never calls into this port) ---- */

static tc_device *core_of(gt_ds *ds) { return ds->dev->twin->dev; }

/* Offer a queued buffer to the core while the stream runs. */
static void offer(gt_ds *ds, gt_buffer *b)
{
    if (ds->state == GT_DS_RUNNING && !ds->stop && !ds->done && !b->offered)
        b->offered = tc_port_offer(core_of(ds), &b->target) == 0;
}

/* Take a buffer back from the core (may wait for the frame being rendered
 * into it). false: its frame is already with the stream thread, which then
 * fills it: it is being filled. */
static bool withdraw(gt_ds *ds, gt_buffer *b)
{
    if (!b->offered)
        return true;
    if (tc_port_withdraw(core_of(ds), &b->target) != 0) {
        b->state = GT_B_FILLING;
        return false;
    }
    b->offered = false;
    return true;
}

/* The oldest queued buffer the core gave back, out of the input queue;
 * NULL if none. */
static gt_buffer *take_input(gt_ds *ds)
{
    gt_buffer *b;
    while ((b = fifo_pop(&ds->input)) && !withdraw(ds, b))
        ;
    return b;
}

/* The buffer a frame was rendered into, out of the input queue (where a
 * flush may have left it being filled): the stream thread's now. */
static gt_buffer *claim(gt_ds *ds, tc_port_target *t)
{
    gt_buffer *b = (gt_buffer *)((char *)t - offsetof(gt_buffer, target));
    if (b->state == GT_B_INPUT)
        fifo_remove(&ds->input, b);
    b->offered = false;
    b->state = GT_B_FILLING;
    return b;
}

void gt_buffer_discard(gt_buffer *b)
{
    if (b->state != GT_B_OUTPUT)
        return;
    b->state = GT_B_ANNOUNCED;
    b->ds->n_output--;
}

static void to_input(gt_ds *ds, gt_buffer *b)
{
    if (b->state == GT_B_OUTPUT)
        ds->n_output--;
    b->state = GT_B_INPUT;
    b->new_data = false;
    fifo_push(&ds->input, b, false);
    offer(ds, b);
    pthread_cond_broadcast(&ds->cv); /* a frame may be waiting for it */
}

/* A buffer being filled back at the head of the input queue, unfilled as
 * far as the consumer knows (a kill, a stop). */
static void unfill(gt_ds *ds, gt_buffer *b)
{
    b->state = GT_B_INPUT;
    fifo_push(&ds->input, b, true);
}

static void to_output(gt_ds *ds, gt_buffer *b)
{
    b->state = GT_B_OUTPUT;
    ds->n_output++;
    gt_event_item it = { .buffer = b->handle, .user = b->user };
    gt_event_fire(&ds->events, EVENT_NEW_BUFFER, &it);
}

static void fire_error(gt_ds *ds, GC_ERROR code, const char *text)
{
    gt_event_item it = { .code = code };
    snprintf(it.text, sizeof(it.text), "%s", text);
    gt_event_fire(&ds->events, EVENT_ERROR, &it);
}

/* ---- the stream thread ---- */

/* Wait (lock held) until the frame's last byte is due, or a kill. */
static void pace(gt_ds *ds, int64_t due_ns)
{
    struct timespec ts = { due_ns / 1000000000, due_ns % 1000000000 };
    while (!(ds->stop && ds->kill) && tc_mono_ns() < due_ns)
        if (pthread_cond_timedwait(&ds->cv, &gt_g.mu, &ts) == ETIMEDOUT)
            break;
}

static void *stream_main(void *arg)
{
    gt_ds *ds = arg;
    tc_device *dev = core_of(ds); /* both outlive this thread */
    pthread_setname_np(pthread_self(), "tc-gentl-ds");
    for (;;) {
        tc_port_frame f;
        int rc = tc_port_wait(dev, &ds->waiter, &f, -1);
        if (rc == TC_PORT_CANCELLED)
            break;
        if (rc != TC_PORT_FRAME)
            continue; /* acquisition started or stopped: nothing to do here */
        gt_lock();
        /* A frame rendered into a queued buffer goes to that buffer. */
        gt_buffer *b = f.target ? claim(ds, f.target) : NULL;
        if (ds->stop) {
            if (b)
                unfill(ds, b);
            gt_unlock();
            tc_port_drop(dev, &f);
            break;
        }
        ds->started++;
        /* Made in the core's buffer: the next queued buffer gets a copy. No
         * buffer queued: the frame waits for one, as a USB3 Vision camera's
         * waits for the host's next transfer; meanwhile the core decides
         * what happens to the frames behind it (real time: dropped when its
         * buffers are full, counted in TwinFramesDropped; deterministic: the
         * camera waits). */
        bool waited = false;
        while (!b && !(b = take_input(ds)) && !ds->stop) {
            if (!waited) {
                waited = true;
                ds->underrun++;
                char text[96];
                snprintf(text, sizeof(text), "frame %llu waits: no buffer queued",
                         (unsigned long long)f.block_id);
                fire_error(ds, GC_ERR_RESOURCE_EXHAUSTED, text);
            }
            pthread_cond_wait(&ds->cv, &gt_g.mu);
        }
        if (!b) {
            gt_unlock();
            tc_port_drop(dev, &f);
            break;
        }
        b->state = GT_B_FILLING;
        gt_unlock();

        size_t n = f.size < b->size ? f.size : b->size;
        if (!f.target)
            memcpy(b->base, f.data, n);

        gt_lock();
        pace(ds, tc_port_due_ns(&f, f.size));
        if (ds->stop && ds->kill) {
            /* killed mid-frame: the buffer goes back, unfilled as far as the
             * consumer knows, and the frame is not delivered */
            unfill(ds, b);
            gt_unlock();
            tc_port_drop(dev, &f);
            break;
        }
        b->new_data = true;
        b->filled = n;
        b->data_size = n;
        b->larger = f.size > b->size;
        b->incomplete = b->larger;
        b->width = f.width;
        b->height = f.height;
        b->offset_x = f.offset_x;
        b->offset_y = f.offset_y;
        b->pixel_format = f.pixel_format;
        b->frame_id = f.block_id;
        b->timestamp_ns = f.timestamp_ns;
        /* Before the consumer can queue the buffer again: the core is done
         * with it from here. */
        tc_port_release(dev, &f);
        ds->delivered++;
        to_output(ds, b);
        if (b->larger) {
            char text[128];
            snprintf(text, sizeof(text), "frame %llu of %zu bytes cut to the %zu-byte buffer",
                     (unsigned long long)b->frame_id, f.size, b->size);
            fire_error(ds, GC_ERR_BUFFER_TOO_SMALL, text);
        }
        bool done = ds->to_acquire != GENTL_INFINITE && ++ds->acquired >= ds->to_acquire;
        if (done)
            ds->done = true; /* with the last buffer's event: no longer grabbing */
        gt_unlock();
        if (done)
            break; /* iNumToAcquire reached: the stream stops by itself */
    }
    gt_lock();
    ds->done = true; /* no more offers */
    for (gt_buffer *b = ds->input.head; b; b = b->next)
        withdraw(ds, b); /* this thread held no frame: each comes back */
    gt_unlock();
    return NULL;
}

/* Stop the thread (lock held; dropped while joining). */
static void stop_locked(gt_ds *ds, bool kill)
{
    while (ds->state == GT_DS_STOPPING) /* another thread is stopping it */
        pthread_cond_wait(&gt_g.idle, &gt_g.mu);
    if (ds->state != GT_DS_RUNNING)
        return;
    ds->state = GT_DS_STOPPING;
    ds->stop = true;
    ds->kill = kill;
    tc_port_cancel(ds->dev->twin->dev, &ds->waiter);
    pthread_cond_broadcast(&ds->cv);
    gt_unlock();
    pthread_join(ds->thread, NULL);
    gt_lock();
    ds->state = GT_DS_IDLE;
    pthread_cond_broadcast(&gt_g.idle);
}

/* ---- open and close ---- */

GC_ERROR gt_ds_open(gt_dev *dev, gt_ds **out)
{
    gt_ds *ds = calloc(1, sizeof(*ds));
    if (!ds)
        return gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory");
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int crc = pthread_cond_init(&ds->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (crc != 0 || !(ds->xml = gt_module_xml(GT_DS, &ds->xml_len)) ||
        !(ds->handle = gt_handle_new(GT_DS, ds))) {
        if (crc == 0)
            pthread_cond_destroy(&ds->cv);
        free(ds->xml);
        free(ds);
        return gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory");
    }
    ds->dev = dev;
    dev->ds = ds;
    *out = ds;
    return GC_ERR_SUCCESS;
}

static void buffer_free(gt_ds *ds, gt_buffer *b)
{
    withdraw(ds, b); /* none is offered once the thread is gone */
    gt_handle_drop(b->handle);
    if (b->owned)
        free(b->base);
    free(b);
}

void gt_ds_close_locked(gt_ds *ds)
{
    gt_handle_drop(ds->handle);
    ds->dev->ds = NULL;
    stop_locked(ds, true);
    gt_events_close(&ds->events);
    for (size_t i = 0; i < ds->n_bufs; i++)
        buffer_free(ds, ds->bufs[i]);
    free(ds->bufs);
    free(ds->xml);
    pthread_cond_destroy(&ds->cv);
    free(ds);
}

#define ENTER_DS(ds, h) \
    GC_ERROR rc_ = gt_enter(); \
    if (rc_) \
        return rc_; \
    gt_ds *ds = gt_find(h, GT_DS, NULL); \
    if (!ds) \
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a data stream handle"))

/* A buffer handle of this stream. */
static gt_buffer *buffer_of(gt_ds *ds, BUFFER_HANDLE h)
{
    gt_buffer *b = gt_find(h, GT_BUF, NULL);
    return b && b->ds == ds ? b : NULL;
}

GC_API DSClose(DS_HANDLE hDataStream)
{
    ENTER_DS(ds, hDataStream);
    gt_ds_close_locked(ds);
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DSGetParentDev(DS_HANDLE hDataStream, DEV_HANDLE *phDevice)
{
    ENTER_DS(ds, hDataStream);
    if (!phDevice)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phDevice is NULL"));
    *phDevice = ds->dev->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

/* ---- buffers ---- */

static GC_ERROR announce(gt_ds *ds, uint8_t *base, size_t size, bool owned, void *user, BUFFER_HANDLE *out)
{
    if (ds->n_bufs == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 16;
        gt_buffer **bufs = realloc(ds->bufs, cap * sizeof(*bufs));
        if (!bufs)
            return gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory");
        ds->bufs = bufs;
        ds->cap = cap;
    }
    gt_buffer *b = calloc(1, sizeof(*b));
    if (!b || !(b->handle = gt_handle_new(GT_BUF, b))) {
        free(b);
        return gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory");
    }
    b->ds = ds;
    b->base = base;
    b->size = size;
    b->target.data = base;
    b->target.size = size;
    b->owned = owned;
    b->user = user;
    ds->bufs[ds->n_bufs++] = b;
    *out = b->handle;
    return GC_ERR_SUCCESS;
}

GC_API DSAnnounceBuffer(DS_HANDLE hDataStream, void *pBuffer, size_t iSize, void *pPrivate,
                        BUFFER_HANDLE *phBuffer)
{
    ENTER_DS(ds, hDataStream);
    if (!pBuffer || !iSize || !phBuffer)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "a buffer, its size and phBuffer are needed"));
    return gt_leave(announce(ds, pBuffer, iSize, false, pPrivate, phBuffer));
}

GC_API DSAllocAndAnnounceBuffer(DS_HANDLE hDataStream, size_t iSize, void *pPrivate, BUFFER_HANDLE *phBuffer)
{
    ENTER_DS(ds, hDataStream);
    if (!iSize || !phBuffer)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "a size and phBuffer are needed"));
    if (iSize > MAX_ALLOC_BYTES)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "%zu bytes: more than 1 GiB", iSize));
    void *mem = NULL;
    if (posix_memalign(&mem, 64, iSize) != 0)
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "cannot allocate %zu bytes", iSize));
    GC_ERROR rc = announce(ds, mem, iSize, true, pPrivate, phBuffer);
    if (rc)
        free(mem);
    return gt_leave(rc);
}

GC_API DSRevokeBuffer(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, void **pBuffer, void **pPrivate)
{
    ENTER_DS(ds, hDataStream);
    gt_buffer *b = buffer_of(ds, hBuffer);
    if (!b)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a buffer of this stream"));
    if (b->state != GT_B_ANNOUNCED)
        return gt_leave(gt_err(GC_ERR_BUSY, "the buffer is queued or being filled: flush the queues first"));
    if (pBuffer)
        *pBuffer = b->owned ? NULL : b->base;
    if (pPrivate)
        *pPrivate = b->user;
    size_t i = 0;
    while (ds->bufs[i] != b)
        i++;
    memmove(&ds->bufs[i], &ds->bufs[i + 1], (ds->n_bufs - i - 1) * sizeof(ds->bufs[0]));
    ds->n_bufs--;
    buffer_free(ds, b);
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DSQueueBuffer(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer)
{
    ENTER_DS(ds, hDataStream);
    gt_buffer *b = buffer_of(ds, hBuffer);
    if (!b)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a buffer of this stream"));
    if (b->state != GT_B_ANNOUNCED)
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "the buffer is already queued"));
    to_input(ds, b);
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DSGetBufferID(DS_HANDLE hDataStream, uint32_t iIndex, BUFFER_HANDLE *phBuffer)
{
    ENTER_DS(ds, hDataStream);
    if (!phBuffer)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phBuffer is NULL"));
    if (iIndex >= ds->n_bufs)
        return gt_leave(gt_err(GC_ERR_INVALID_INDEX, "buffer index %u of %zu", iIndex, ds->n_bufs));
    *phBuffer = ds->bufs[iIndex]->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DSFlushQueue(DS_HANDLE hDataStream, ACQ_QUEUE_TYPE iOperation)
{
    ENTER_DS(ds, hDataStream);
    gt_buffer *b;
    switch (iOperation) {
    case ACQ_QUEUE_INPUT_TO_OUTPUT:
        while ((b = take_input(ds)))
            to_output(ds, b); /* new_data stays false: nothing was written */
        break;
    case ACQ_QUEUE_OUTPUT_DISCARD:
        for (size_t i = 0; i < ds->n_bufs; i++)
            gt_buffer_discard(ds->bufs[i]);
        break;
    case ACQ_QUEUE_ALL_TO_INPUT:
        for (size_t i = 0; i < ds->n_bufs; i++)
            if (ds->bufs[i]->state == GT_B_ANNOUNCED || ds->bufs[i]->state == GT_B_OUTPUT)
                to_input(ds, ds->bufs[i]);
        break;
    case ACQ_QUEUE_UNQUEUED_TO_INPUT:
        for (size_t i = 0; i < ds->n_bufs; i++)
            if (ds->bufs[i]->state == GT_B_ANNOUNCED)
                to_input(ds, ds->bufs[i]);
        break;
    case ACQ_QUEUE_ALL_DISCARD:
        while ((b = take_input(ds)))
            b->state = GT_B_ANNOUNCED;
        for (size_t i = 0; i < ds->n_bufs; i++)
            gt_buffer_discard(ds->bufs[i]);
        break;
    default:
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "no queue operation %d", (int)iOperation));
    }
    gt_event_purge_buffers(&ds->events);
    return gt_leave(GC_ERR_SUCCESS);
}

/* ---- acquisition ---- */

GC_API DSStartAcquisition(DS_HANDLE hDataStream, ACQ_START_FLAGS iStartFlags, uint64_t iNumToAcquire)
{
    ENTER_DS(ds, hDataStream);
    if (iStartFlags != ACQ_START_FLAGS_DEFAULT || iNumToAcquire == 0)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "flags %d, %llu frames: not a start",
                               (int)iStartFlags, (unsigned long long)iNumToAcquire));
    if (ds->state != GT_DS_IDLE)
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "acquisition is already started"));
    ds->to_acquire = iNumToAcquire;
    ds->acquired = 0;
    ds->stop = ds->kill = ds->done = false;
    memset(&ds->waiter, 0, sizeof(ds->waiter));
    if (pthread_create(&ds->thread, NULL, stream_main, ds) != 0)
        return gt_leave(gt_err(GC_ERR_RESOURCE_EXHAUSTED, "cannot start the stream thread"));
    ds->state = GT_DS_RUNNING;
    for (gt_buffer *b = ds->input.head; b; b = b->next)
        offer(ds, b); /* in queue order */
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DSStopAcquisition(DS_HANDLE hDataStream, ACQ_STOP_FLAGS iStopFlags)
{
    ENTER_DS(ds, hDataStream);
    if (iStopFlags != ACQ_STOP_FLAGS_DEFAULT && iStopFlags != ACQ_STOP_FLAGS_KILL)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "no stop flags %d", (int)iStopFlags));
    if (ds->state == GT_DS_IDLE)
        return gt_leave(gt_err(GC_ERR_NOT_AVAILABLE, "acquisition is not started"));
    /* ds stays valid: closing it waits while it is STOPPING */
    stop_locked(ds, iStopFlags == ACQ_STOP_FLAGS_KILL);
    return gt_leave(GC_ERR_SUCCESS);
}

/* ---- info ---- */

GC_API DSGetInfo(DS_HANDLE hDataStream, STREAM_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                 size_t *piSize)
{
    ENTER_DS(ds, hDataStream);
    GC_ERROR rc;
    switch (iInfoCmd) {
    case STREAM_INFO_ID: rc = gt_info_str(GT_STREAM_ID, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_DELIVERED: rc = gt_info_u64(ds->delivered, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_UNDERRUN: rc = gt_info_u64(ds->underrun, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_ANNOUNCED: rc = gt_info_sizet(ds->n_bufs, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_QUEUED: rc = gt_info_sizet(ds->input.n, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_AWAIT_DELIVERY: rc = gt_info_sizet(ds->n_output, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_STARTED: rc = gt_info_u64(ds->started, piType, pBuffer, piSize); break;
    case STREAM_INFO_PAYLOAD_SIZE:
        rc = gt_info_sizet(tc_port_payload_size(ds->dev->twin->dev), piType, pBuffer, piSize);
        break;
    case STREAM_INFO_IS_GRABBING:
        rc = gt_info_bool(ds->state == GT_DS_RUNNING && !ds->done, piType, pBuffer, piSize);
        break;
    case STREAM_INFO_DEFINES_PAYLOADSIZE: rc = gt_info_bool(false, piType, pBuffer, piSize); break;
    case STREAM_INFO_TLTYPE: rc = gt_info_str(GT_TLTYPE, piType, pBuffer, piSize); break;
    case STREAM_INFO_NUM_CHUNKS_MAX: rc = gt_info_sizet(0, piType, pBuffer, piSize); break;
    case STREAM_INFO_BUF_ANNOUNCE_MIN: rc = gt_info_sizet(1, piType, pBuffer, piSize); break;
    case STREAM_INFO_BUF_ALIGNMENT: rc = gt_info_sizet(1, piType, pBuffer, piSize); break;
    default: rc = gt_err(GC_ERR_INVALID_PARAMETER, "no stream info %d", (int)iInfoCmd); break;
    }
    return gt_leave(rc);
}

static GC_ERROR buffer_info(const gt_buffer *b, BUFFER_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer,
                            size_t *piSize)
{
    size_t row = b->height ? b->data_size / b->height : 0;
    switch (cmd) {
    case BUFFER_INFO_BASE: return gt_info_ptr(b->base, piType, pBuffer, piSize);
    case BUFFER_INFO_SIZE: return gt_info_sizet(b->size, piType, pBuffer, piSize);
    case BUFFER_INFO_USER_PTR: return gt_info_ptr(b->user, piType, pBuffer, piSize);
    case BUFFER_INFO_TIMESTAMP: /* ticks: camera time counts in ns */
    case BUFFER_INFO_TIMESTAMP_NS: return gt_info_u64(b->timestamp_ns, piType, pBuffer, piSize);
    case BUFFER_INFO_NEW_DATA: return gt_info_bool(b->new_data, piType, pBuffer, piSize);
    case BUFFER_INFO_IS_QUEUED: return gt_info_bool(b->state == GT_B_INPUT, piType, pBuffer, piSize);
    case BUFFER_INFO_IS_ACQUIRING: return gt_info_bool(b->state == GT_B_FILLING, piType, pBuffer, piSize);
    case BUFFER_INFO_IS_INCOMPLETE: return gt_info_bool(b->incomplete, piType, pBuffer, piSize);
    case BUFFER_INFO_TLTYPE: return gt_info_str(GT_TLTYPE, piType, pBuffer, piSize);
    case BUFFER_INFO_SIZE_FILLED:
    case BUFFER_INFO_DATA_SIZE: return gt_info_sizet(b->filled, piType, pBuffer, piSize);
    case BUFFER_INFO_WIDTH: return gt_info_sizet(b->width, piType, pBuffer, piSize);
    case BUFFER_INFO_HEIGHT: return gt_info_sizet(b->height, piType, pBuffer, piSize);
    case BUFFER_INFO_XOFFSET: return gt_info_sizet(b->offset_x, piType, pBuffer, piSize);
    case BUFFER_INFO_YOFFSET: return gt_info_sizet(b->offset_y, piType, pBuffer, piSize);
    case BUFFER_INFO_XPADDING:
    case BUFFER_INFO_YPADDING:
    case BUFFER_INFO_IMAGEOFFSET:
    case BUFFER_INFO_DELIVERED_CHUNKPAYLOADSIZE: return gt_info_sizet(0, piType, pBuffer, piSize);
    case BUFFER_INFO_FRAMEID: return gt_info_u64(b->frame_id, piType, pBuffer, piSize);
    case BUFFER_INFO_IMAGEPRESENT: return gt_info_bool(b->new_data, piType, pBuffer, piSize);
    case BUFFER_INFO_PAYLOADTYPE: return gt_info_sizet(PAYLOAD_TYPE_IMAGE, piType, pBuffer, piSize);
    case BUFFER_INFO_PIXELFORMAT: return gt_info_u64(b->pixel_format, piType, pBuffer, piSize);
    case BUFFER_INFO_PIXELFORMAT_NAMESPACE:
        return gt_info_u64(PIXELFORMAT_NAMESPACE_PFNC_32BIT, piType, pBuffer, piSize);
    case BUFFER_INFO_DELIVERED_IMAGEHEIGHT:
        return gt_info_sizet(row ? b->filled / row : 0, piType, pBuffer, piSize);
    case BUFFER_INFO_CHUNKLAYOUTID: return gt_info_u64(0, piType, pBuffer, piSize);
    case BUFFER_INFO_PIXEL_ENDIANNESS: return gt_info_i32(PIXELENDIANNESS_LITTLE, piType, pBuffer, piSize);
    case BUFFER_INFO_DATA_LARGER_THAN_BUFFER: return gt_info_bool(b->larger, piType, pBuffer, piSize);
    case BUFFER_INFO_CONTAINS_CHUNKDATA: return gt_info_bool(false, piType, pBuffer, piSize);
    case BUFFER_INFO_FILENAME: return gt_err(GC_ERR_NOT_AVAILABLE, "an image payload has no file name");
    default: return gt_err(GC_ERR_INVALID_PARAMETER, "no buffer info %d", (int)cmd);
    }
}

GC_API DSGetBufferInfo(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, BUFFER_INFO_CMD iInfoCmd,
                       INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    ENTER_DS(ds, hDataStream);
    gt_buffer *b = buffer_of(ds, hBuffer);
    if (!b)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a buffer of this stream"));
    return gt_leave(buffer_info(b, iInfoCmd, piType, pBuffer, piSize));
}

GC_API DSGetBufferInfoStacked(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer,
                              DS_BUFFER_INFO_STACKED *pInfoStacked, size_t iNumInfos)
{
    ENTER_DS(ds, hDataStream);
    gt_buffer *b = buffer_of(ds, hBuffer);
    if (!b)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a buffer of this stream"));
    if (!pInfoStacked && iNumInfos)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "no entries"));
    GC_ERROR rc = GC_ERR_SUCCESS;
    for (size_t i = 0; i < iNumInfos; i++) {
        DS_BUFFER_INFO_STACKED *s = &pInfoStacked[i];
        s->iResult = buffer_info(b, s->iInfoCmd, &s->iType, s->pBuffer, &s->iSize);
        if (s->iResult && !rc)
            rc = s->iResult;
    }
    return gt_leave(rc);
}
