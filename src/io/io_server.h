/* The I/O port: the camera's electrical lines over a local socket, so
 * something outside the camera can drive inputs and watch every edge.
 *
 * A Unix stream socket at a path; up to 16 clients (tc_io_limits); one command per
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
 * edges is disconnected rather than slowing the camera; one that is not
 * watching and stays idle is closed, and makes room for a new client when
 * every slot is taken (tc_io_limits). See docs/io.md. */
#ifndef TC_IO_SERVER_H
#define TC_IO_SERVER_H

#include "twincam/twincam.h"

typedef struct tc_io_server tc_io_server;

/* Listen on `path` and serve on a thread of its own. A stale socket there
 * (nothing answers a connection) is replaced; a live one (another camera)
 * and any other file are refused and kept. NULL with a message on stderr
 * on failure. */
tc_io_server *tc_io_server_start(tc_camera *cam, const char *path);

/* The server's limits (docs/io.md); 0 in a field means its default. */
typedef struct tc_io_limits {
    unsigned max_clients; /* clients served at once (default 16) */
    unsigned idle_ms;     /* a client that is not watching and sends no
                             command for this long is closed (default 30 s) */
} tc_io_limits;
tc_io_server *tc_io_server_start_with(tc_camera *cam, const char *path, const tc_io_limits *lim);
/* NULL-safe; removes the socket file if it is still the one start bound. */
void tc_io_server_stop(tc_io_server *s);

/* Parse one command line and act on the camera; writes the reply line
 * (without newline) into reply. Returns 1 if the client asked to watch.
 * Socket-free, for tests and fuzzing. */
int tc_io_command(tc_camera *cam, const char *line, char *reply, size_t cap);

#endif
