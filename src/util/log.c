/* Port log lines (log.h), and the ring of recent ones. */
#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The recent lines, oldest at `first`: a fixed array, so logging never
 * allocates and a flood of lines costs the same memory as a quiet day. */
#define RING_LINE 448
static char ring[TC_LOG_RECENT_LINES][RING_LINE];
static unsigned ring_first, ring_count;
static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;

static void remember(const char *text)
{
    pthread_mutex_lock(&ring_mu);
    unsigned slot = (ring_first + ring_count) % TC_LOG_RECENT_LINES;
    if (ring_count == TC_LOG_RECENT_LINES)
        ring_first = (ring_first + 1) % TC_LOG_RECENT_LINES; /* the oldest goes */
    else
        ring_count++;
    snprintf(ring[slot], RING_LINE, "%s", text);
    pthread_mutex_unlock(&ring_mu);
}

char *tc_log_recent(size_t *len)
{
    pthread_mutex_lock(&ring_mu);
    size_t n = 0;
    for (unsigned i = 0; i < ring_count; i++)
        n += strlen(ring[(ring_first + i) % TC_LOG_RECENT_LINES]) + 1;
    char *out = malloc(n + 1);
    if (out) {
        size_t at = 0;
        for (unsigned i = 0; i < ring_count; i++) {
            const char *line = ring[(ring_first + i) % TC_LOG_RECENT_LINES];
            size_t l = strlen(line);
            memcpy(out + at, line, l);
            out[at + l] = '\n';
            at += l + 1;
        }
        out[at] = 0;
        *len = at;
    }
    pthread_mutex_unlock(&ring_mu);
    return out;
}

static void log_line(const char *label, const char *line)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char text[RING_LINE];
    snprintf(text, sizeof(text), "%02d:%02d:%02d.%03ld twincam %s: %s", tm.tm_hour, tm.tm_min,
             tm.tm_sec, ts.tv_nsec / 1000000, label, line);
    /* one fprintf: lines from several threads never interleave */
    fprintf(stderr, "%s\n", text);
    remember(text);
}

void tc_log(const char *label, const char *fmt, ...)
{
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_line(label, line);
}

long tc_log_limit_take(tc_log_limit *l)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - l->window_start_s >= TC_LOG_WINDOW_S) {
        l->window_start_s = now.tv_sec;
        l->in_window = 0;
    }
    if (l->in_window >= TC_LOG_BURST) {
        l->suppressed++;
        return -1;
    }
    l->in_window++;
    long left_out = (long)l->suppressed;
    l->suppressed = 0;
    return left_out;
}

void tc_log_limited(tc_log_limit *l, const char *label, const char *fmt, ...)
{
    long left_out = tc_log_limit_take(l);
    if (left_out < 0)
        return;
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (left_out) {
        char more[400];
        snprintf(more, sizeof(more), "%s (and %ld more like it, not logged)", line, left_out);
        log_line(label, more);
    } else {
        log_line(label, line);
    }
}
