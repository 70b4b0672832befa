/* One log line for a port's client events: "HH:MM:SS.mmm twincam LABEL: text"
 * on stderr, UTC wall-clock time (so lines from several cameras and the
 * host's own logs line up). */
#ifndef TC_UTIL_LOG_H
#define TC_UTIL_LOG_H

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

#endif
