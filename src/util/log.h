/* One log line for a port's client events: "HH:MM:SS.mmm twincam LABEL: text"
 * on stderr, UTC wall-clock time (so lines from several cameras and the
 * host's own logs line up). */
#ifndef TC_UTIL_LOG_H
#define TC_UTIL_LOG_H

void tc_log(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
