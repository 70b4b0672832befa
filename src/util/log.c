/* Port log lines (log.h). */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void tc_log(const char *label, const char *fmt, ...)
{
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    /* one fprintf: lines from several threads never interleave */
    fprintf(stderr, "%02d:%02d:%02d.%03ld twincam %s: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, label, line);
}
