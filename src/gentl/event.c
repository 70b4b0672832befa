/* Events: a queue per registered (module, type), waited on from any thread
 * with a timeout. EVENT_NEW_BUFFER (DataStream) carries the buffer handle
 * and its user pointer; EVENT_ERROR (every module) an error code and text.
 * EventKill makes one wait, current or next, return GC_ERR_ABORT;
 * unregistering or closing the module wakes every waiter with it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gentl/gentl_int.h"

#define EVENT_SOURCES (GT_TL | GT_IF | GT_DEV | GT_DS)

gt_events *gt_events_of(void *obj, unsigned kind)
{
    switch (kind) {
    case GT_TL: return &((gt_tl *)obj)->events;
    case GT_IF: return &((gt_if *)obj)->events;
    case GT_DEV: return &((gt_dev *)obj)->events;
    case GT_DS: return &((gt_ds *)obj)->events;
    default: return NULL;
    }
}

static size_t data_size(EVENT_TYPE type)
{
    return type == EVENT_NEW_BUFFER ? sizeof(EVENT_NEW_BUFFER_DATA) : sizeof(GC_ERROR) + sizeof(((gt_event_item *)0)->text);
}

void gt_event_fire(gt_events *ev, EVENT_TYPE type, const gt_event_item *item)
{
    gt_event *e = type >= 0 && type < GT_N_EVENT_TYPES ? ev->of[type] : NULL;
    if (!e)
        return;
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        gt_event_item *items = malloc(cap * sizeof(*items));
        if (!items)
            return; /* out of memory: the event is lost, the buffer stays in the output queue */
        for (size_t i = 0; i < e->count; i++)
            items[i] = e->items[(e->head + i) % e->cap];
        free(e->items);
        e->items = items;
        e->head = 0;
        e->cap = cap;
    }
    e->items[(e->head + e->count) % e->cap] = *item;
    e->count++;
    e->fired++;
    pthread_cond_signal(&e->cv);
}

static void event_free_locked(gt_event *e)
{
    gt_handle_drop(e->handle);
    e->dead = true;
    pthread_cond_broadcast(&e->cv);
    while (e->waiters)
        pthread_cond_wait(&e->cv, &gt_g.mu);
    pthread_cond_destroy(&e->cv);
    free(e->items);
    free(e);
}

void gt_event_purge_buffers(gt_events *ev)
{
    gt_event *e = ev->of[EVENT_NEW_BUFFER];
    if (!e)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < e->count; i++) {
        gt_event_item it = e->items[(e->head + i) % e->cap];
        gt_buffer *b = gt_find(it.buffer, GT_BUF, NULL);
        if (b && b->state == GT_B_OUTPUT)
            e->items[(e->head + kept++) % e->cap] = it;
    }
    e->count = kept;
}

void gt_events_close(gt_events *ev)
{
    for (int t = 0; t < GT_N_EVENT_TYPES; t++) {
        gt_event *e = ev->of[t];
        ev->of[t] = NULL; /* first: freeing waits, with the lock dropped */
        if (e)
            event_free_locked(e);
    }
}

GC_API GCRegisterEvent(EVENTSRC_HANDLE hEventSrc, EVENT_TYPE iEventID, EVENT_HANDLE *phEvent)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    unsigned kind;
    void *obj = gt_find(hEventSrc, EVENT_SOURCES, &kind);
    if (!obj)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a module handle"));
    if (!phEvent)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phEvent is NULL"));
    if (iEventID != EVENT_ERROR && !(iEventID == EVENT_NEW_BUFFER && kind == GT_DS))
        return gt_leave(gt_err(GC_ERR_NOT_IMPLEMENTED, "event type %d is not raised by this module",
                               (int)iEventID));
    gt_events *ev = gt_events_of(obj, kind);
    if (ev->of[iEventID])
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "event type %d is already registered", (int)iEventID));
    gt_event *e = calloc(1, sizeof(*e));
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (!e || pthread_cond_init(&e->cv, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        free(e);
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory"));
    }
    pthread_condattr_destroy(&ca);
    e->type = iEventID;
    if (!(e->handle = gt_handle_new(GT_EVENT, e))) {
        pthread_cond_destroy(&e->cv);
        free(e);
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory"));
    }
    ev->of[iEventID] = e;
    *phEvent = e->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API GCUnregisterEvent(EVENTSRC_HANDLE hEventSrc, EVENT_TYPE iEventID)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    unsigned kind;
    void *obj = gt_find(hEventSrc, EVENT_SOURCES, &kind);
    if (!obj)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a module handle"));
    gt_events *ev = gt_events_of(obj, kind);
    gt_event *e = iEventID >= 0 && iEventID < GT_N_EVENT_TYPES ? ev->of[iEventID] : NULL;
    if (!e)
        return gt_leave(gt_err(GC_ERR_NOT_AVAILABLE, "event type %d is not registered", (int)iEventID));
    ev->of[iEventID] = NULL;
    event_free_locked(e);
    return gt_leave(GC_ERR_SUCCESS);
}

/* The item as EventGetData hands it over. */
static size_t encode(const gt_event *e, const gt_event_item *it, uint8_t *out)
{
    if (e->type == EVENT_NEW_BUFFER) {
        EVENT_NEW_BUFFER_DATA d = { it->buffer, it->user };
        memcpy(out, &d, sizeof(d));
        return sizeof(d);
    }
    memcpy(out, &it->code, sizeof(it->code));
    memcpy(out + sizeof(it->code), it->text, sizeof(it->text));
    return sizeof(it->code) + sizeof(it->text);
}

GC_API EventGetData(EVENT_HANDLE hEvent, void *pBuffer, size_t *piSize, uint64_t iTimeout)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    gt_event *e = gt_find(hEvent, GT_EVENT, NULL);
    if (!e)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not an event handle"));
    /* No size query here (EVENT_SIZE_MAX gives it): an event taken into no
     * buffer would hand a buffer over that the consumer never hears of. */
    if (!piSize || !pBuffer)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "pBuffer and piSize are needed"));
    /* Check the buffer before waiting, so a short one never loses an event. */
    if (*piSize < data_size(e->type)) {
        size_t had = *piSize;
        *piSize = data_size(e->type);
        return gt_leave(gt_err(GC_ERR_BUFFER_TOO_SMALL, "%zu bytes needed, %zu given", *piSize, had));
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (iTimeout != GENTL_INFINITE) {
        uint64_t s = iTimeout / 1000, ns = (iTimeout % 1000) * 1000000u + (uint64_t)deadline.tv_nsec;
        deadline.tv_sec += (time_t)(s > (uint64_t)86400 * 365 * 100 ? (uint64_t)86400 * 365 * 100 : s) +
                           (time_t)(ns / 1000000000u);
        deadline.tv_nsec = (long)(ns % 1000000000u);
    }
    e->waiters++;
    for (;;) {
        if (e->dead) {
            rc = gt_err(GC_ERR_ABORT, "the event was unregistered or its module closed");
            break;
        }
        if (e->kills) {
            e->kills--;
            rc = gt_err(GC_ERR_ABORT, "EventKill");
            break;
        }
        if (e->count) {
            gt_event_item it = e->items[e->head];
            e->head = (e->head + 1) % e->cap;
            e->count--;
            if (e->type == EVENT_NEW_BUFFER) {
                /* taking the event hands the buffer to the consumer */
                gt_buffer *b = gt_find(it.buffer, GT_BUF, NULL);
                if (b && b->state == GT_B_OUTPUT) {
                    b->state = GT_B_ANNOUNCED;
                    b->ds->n_output--;
                }
            }
            uint8_t out[sizeof(GC_ERROR) + sizeof(it.text)];
            size_t n = encode(e, &it, out);
            memcpy(pBuffer, out, n);
            *piSize = n;
            rc = GC_ERR_SUCCESS;
            break;
        }
        int w = iTimeout == GENTL_INFINITE ? pthread_cond_wait(&e->cv, &gt_g.mu)
                                           : pthread_cond_timedwait(&e->cv, &gt_g.mu, &deadline);
        if (w == ETIMEDOUT && !e->count && !e->kills && !e->dead) {
            rc = gt_err(GC_ERR_TIMEOUT, "no event within %llu ms", (unsigned long long)iTimeout);
            break;
        }
    }
    if (--e->waiters == 0 && e->dead)
        pthread_cond_broadcast(&e->cv); /* the one freeing it waits for this */
    return gt_leave(rc);
}

GC_API EventGetDataInfo(EVENT_HANDLE hEvent, const void *pInBuffer, size_t iInSize,
                        EVENT_DATA_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pOutBuffer,
                        size_t *piOutSize)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    gt_event *e = gt_find(hEvent, GT_EVENT, NULL);
    if (!e)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not an event handle"));
    if (!pInBuffer || iInSize < data_size(e->type))
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "event data of %zu bytes expected",
                               data_size(e->type)));
    if (e->type == EVENT_NEW_BUFFER) {
        EVENT_NEW_BUFFER_DATA d;
        memcpy(&d, pInBuffer, sizeof(d));
        switch (iInfoCmd) {
        case EVENT_DATA_ID: rc = gt_info_ptr(d.BufferHandle, piType, pOutBuffer, piOutSize); break;
        case EVENT_DATA_VALUE: rc = gt_info_ptr(d.pUserPointer, piType, pOutBuffer, piOutSize); break;
        default: rc = gt_err(GC_ERR_INVALID_PARAMETER, "no event data info %d", (int)iInfoCmd); break;
        }
    } else {
        GC_ERROR code;
        char text[sizeof(((gt_event_item *)0)->text)];
        memcpy(&code, pInBuffer, sizeof(code));
        memcpy(text, (const uint8_t *)pInBuffer + sizeof(code), sizeof(text));
        text[sizeof(text) - 1] = 0;
        switch (iInfoCmd) {
        case EVENT_DATA_ID: rc = gt_info_i32(code, piType, pOutBuffer, piOutSize); break;
        case EVENT_DATA_VALUE: rc = gt_info_str(text, piType, pOutBuffer, piOutSize); break;
        default: rc = gt_err(GC_ERR_INVALID_PARAMETER, "no event data info %d", (int)iInfoCmd); break;
        }
    }
    return gt_leave(rc);
}

GC_API EventGetInfo(EVENT_HANDLE hEvent, EVENT_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                    size_t *piSize)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    gt_event *e = gt_find(hEvent, GT_EVENT, NULL);
    if (!e)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not an event handle"));
    switch (iInfoCmd) {
    case EVENT_EVENT_TYPE: rc = gt_info_i32(e->type, piType, pBuffer, piSize); break;
    case EVENT_NUM_IN_QUEUE: rc = gt_info_sizet(e->count, piType, pBuffer, piSize); break;
    case EVENT_NUM_FIRED: rc = gt_info_u64(e->fired, piType, pBuffer, piSize); break;
    case EVENT_SIZE_MAX: rc = gt_info_sizet(data_size(e->type), piType, pBuffer, piSize); break;
    case EVENT_INFO_DATA_SIZE_MAX:
        rc = gt_info_sizet(e->type == EVENT_NEW_BUFFER ? sizeof(void *) : sizeof(((gt_event_item *)0)->text),
                           piType, pBuffer, piSize);
        break;
    default: rc = gt_err(GC_ERR_INVALID_PARAMETER, "no event info %d", (int)iInfoCmd); break;
    }
    return gt_leave(rc);
}

GC_API EventFlush(EVENT_HANDLE hEvent)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    gt_event *e = gt_find(hEvent, GT_EVENT, NULL);
    if (!e)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not an event handle"));
    if (e->type == EVENT_NEW_BUFFER)
        for (size_t i = 0; i < e->count; i++) {
            /* the output queue is this queue: its buffers are discarded */
            gt_buffer *b = gt_find(e->items[(e->head + i) % e->cap].buffer, GT_BUF, NULL);
            if (b)
                gt_buffer_discard(b);
        }
    e->head = 0;
    e->count = 0;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API EventKill(EVENT_HANDLE hEvent)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    gt_event *e = gt_find(hEvent, GT_EVENT, NULL);
    if (!e)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not an event handle"));
    e->kills++;
    pthread_cond_broadcast(&e->cv);
    return gt_leave(GC_ERR_SUCCESS);
}
