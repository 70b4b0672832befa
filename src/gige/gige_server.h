/* The GigE Vision port: serve one camera on ADDR:3956 until *stop is set
 * (from a signal handler). Returns 0, or -1 if the sockets could not be
 * set up (the reason is printed). See gige_server.c. */
#ifndef TC_GIGE_SERVER_H
#define TC_GIGE_SERVER_H

#include <signal.h>

#include "core/device_port.h"
#include "core/port_status.h"

int tc_gige_serve(tc_device *dev, const char *address, volatile sig_atomic_t *stop);
/* The same, calling status->report from the control loop every
 * status->period_ms (status may be NULL). ADDR:3956 is bound exclusively: a
 * second camera on the same address is refused at start (-1, saying so),
 * never let to share it. */
int tc_gige_serve_with(tc_device *dev, const char *address, volatile sig_atomic_t *stop,
                       const tc_port_status_hook *status);

#endif
