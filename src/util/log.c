/* Port log lines (log.h). */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static void log_line(const char *label, const char *line)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    /* one fprintf: lines from several threads never interleave */
    fprintf(stderr, "%02d:%02d:%02d.%03ld twincam %s: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, label, line);
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
