/* Each thread keeps its last reason for each of the few cameras it used most
 * recently, in thread-local slots: no lock, no allocation, nothing to free
 * when a camera closes (its id is never reused, so its slots just age out).
 * A thread alternating between more cameras than there are slots forgets
 * the reason of the one it called longest ago (tc_camera_last_error then
 * says ""); the public header documents the limit. */
#include "inproc/last_error.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

enum { SLOTS = 8, TEXT = 256 };

typedef struct {
    uint64_t id;
    uint64_t used; /* 0: free; else this thread's tick of its last use */
    char text[TEXT];
} slot;

static _Thread_local slot t_slots[SLOTS];
static _Thread_local uint64_t t_tick;
static _Thread_local char t_copy[TEXT];

static atomic_uint_fast64_t next_id = 1;

uint64_t tc_last_error_new_id(void) { return (uint64_t)atomic_fetch_add(&next_id, 1); }

static slot *find(uint64_t id)
{
    for (unsigned i = 0; i < SLOTS; i++)
        if (t_slots[i].used && t_slots[i].id == id)
            return &t_slots[i];
    return NULL;
}

/* The camera's slot, else a free one (used 0), else the least recently used. */
static slot *take(uint64_t id)
{
    slot *s = find(id);
    if (!s) {
        s = &t_slots[0];
        for (unsigned i = 1; i < SLOTS && s->used; i++)
            if (t_slots[i].used < s->used)
                s = &t_slots[i];
        s->id = id;
    }
    s->used = ++t_tick;
    return s;
}

void tc_last_error_set(uint64_t id, const char *fmt, ...)
{
    slot *s = take(id);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->text, sizeof(s->text), fmt, ap);
    va_end(ap);
}

void tc_last_error_clear(uint64_t id)
{
    /* A success takes no slot: a camera without one reads "" anyway. */
    slot *s = find(id);
    if (s) {
        s->text[0] = 0;
        s->used = ++t_tick;
    }
}

const char *tc_last_error_get(uint64_t id)
{
    const slot *s = find(id);
    snprintf(t_copy, sizeof(t_copy), "%s", s ? s->text : "");
    return t_copy;
}
