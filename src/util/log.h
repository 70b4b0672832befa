/* One log line for a port's client events: "HH:MM:SS.mmm twincam LABEL: text"
 * on stderr, UTC wall-clock time (so lines from several cameras and the
 * host's own logs line up), also kept in a ring of recent lines. */
#ifndef TC_UTIL_LOG_H
#define TC_UTIL_LOG_H

#include <stddef.h>

void tc_log(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Lines for events a peer can repeat at will (a connection refused, a
 * garbage request) go through a limiter: at most TC_LOG_BURST lines per
 * TC_LOG_WINDOW_S seconds; the first line after a quiet spell says how many
 * were left out. One limiter per kind of event, used by one thread (a
 * server's loop); zero-initialised. */
#define TC_LOG_BURST 5
#define TC_LOG_WINDOW_S 10
typedef struct tc_log_limit {
    long long window_start_s;
    unsigned in_window, suppressed;
} tc_log_limit;
void tc_log_limited(tc_log_limit *l, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The limiter alone, for lines that go out another way (a port's log
 * hook): -1 if this line is to be left out (and counted), otherwise how
 * many were left out before it. */
long tc_log_limit_take(tc_log_limit *l);

/* The last TC_LOG_RECENT_LINES lines logged by this process, oldest first,
 * each as on stderr and ending in a newline (a long line is cut at 447
 * bytes): the camera's DeviceLog file (core/file_access.c). A malloc'd,
 * NUL-terminated copy of *len bytes, or NULL without memory. Every camera
 * of a process logs into the one ring (`twincam serve` runs one). */
#define TC_LOG_RECENT_LINES 256
char *tc_log_recent(size_t *len);

#endif
