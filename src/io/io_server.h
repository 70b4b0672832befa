/* The I/O port: the camera's electrical lines over a local socket, so
 * something outside the camera can drive inputs and watch every edge.
 *
 * A Unix stream socket at a path; any number of clients; one command per
 * line (at most 255 bytes), answered by one line:
 *   drive LINE LEVEL [T_NS]      -> ok | error REASON    (LINE: Line0..Line3 or 0..3)
 *   pulse LINE WIDTH_US [T_NS]   -> ok | error REASON    (high at T, low WIDTH_US later)
 *   status                       -> status L0 L1 L2 L3 T_NS
 *   time                         -> time T_NS
 *   watch                        -> ok, then one line per edge on any line:
 *                                   edge LINE LEVEL T_NS
 * Times are camera time in ns: host CLOCK_MONOTONIC on the real clock, so
 * cameras on one host agree; T_NS omitted or 0 means now. Levels are
 * electrical (after LineInverter). A client that cannot keep up with its
 * edges is disconnected rather than slowing the camera. See docs/io.md. */
#ifndef TC_IO_SERVER_H
#define TC_IO_SERVER_H

#include "twincam/twincam.h"

typedef struct tc_io_server tc_io_server;

/* Listen on `path` (an existing file there is replaced) and serve on a thread
 * of its own. NULL with a message on stderr on failure. */
tc_io_server *tc_io_server_start(tc_camera *cam, const char *path);
void tc_io_server_stop(tc_io_server *s); /* NULL-safe; removes the socket file */

/* Parse one command line and act on the camera; writes the reply line
 * (without newline) into reply. Returns 1 if the client asked to watch.
 * Socket-free, for tests and fuzzing. */
int tc_io_command(tc_camera *cam, const char *line, char *reply, size_t cap);

#endif
