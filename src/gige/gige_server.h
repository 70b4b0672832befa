/* The GigE Vision port: serve one camera on ADDR:3956 until *stop is set
 * (from a signal handler). Returns 0, or -1 if the sockets could not be
 * set up (the reason is printed). See gige_server.c. */
#ifndef TC_GIGE_SERVER_H
#define TC_GIGE_SERVER_H

#include <signal.h>

#include "core/device_port.h"

int tc_gige_serve(tc_device *dev, const char *address, volatile sig_atomic_t *stop);

#endif
