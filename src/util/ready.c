/* "This process serves now" (ready.h). */
#include "util/ready.h"

#include <stddef.h>

static tc_ready_hook the_hook;

void tc_ready_set_hook(tc_ready_hook hook) { __atomic_store_n(&the_hook, hook, __ATOMIC_RELEASE); }

void tc_ready_announce(const char *what)
{
    tc_ready_hook h = __atomic_load_n(&the_hook, __ATOMIC_ACQUIRE);
    if (h)
        h(what);
}
