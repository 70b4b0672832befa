/* "This process serves now" (ready.c): a port calls tc_ready_announce once
 * its sockets or endpoints are set up and it enters its loop; whoever needs
 * to know (the program under the firmware boot loader, which reports
 * healthy then) sets the one hook. Without a hook it does nothing. */
#ifndef TC_UTIL_READY_H
#define TC_UTIL_READY_H

typedef void (*tc_ready_hook)(const char *what);

/* Set (or clear, with NULL) the hook; process-wide. */
void tc_ready_set_hook(tc_ready_hook hook);

/* Call the hook, if any, with what serves ("GigE Vision on 127.0.0.1"). */
void tc_ready_announce(const char *what);

#endif
