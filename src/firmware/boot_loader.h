/* The boot loader (boot_loader.c, docs/firmware.md "Slots and rollback"):
 * `twincam serve --state-dir DIR` stays the parent process for its whole
 * life and runs the active slot's program as its child, with the same
 * arguments; the child reports healthy or is rolled back. */
#ifndef TC_FIRMWARE_BOOT_LOADER_H
#define TC_FIRMWARE_BOOT_LOADER_H

#include <signal.h>

typedef struct tc_fw_loader_options {
    const char *state_dir;
    char *const *argv;             /* the child's arguments: the loader's own */
    unsigned health_bound_ms;      /* 0: TC_FW_HEALTH_BOUND_S */
    volatile sig_atomic_t *stop;   /* set by the caller's SIGINT/SIGTERM handler
                                      (installed without SA_RESTART) */
} tc_fw_loader_options;

/* Boot, supervise, roll back, restart, until *stop: then the child is
 * asked to stop (SIGTERM; SIGKILL after the health bound) and its exit
 * status returned (0 when it stopped cleanly). Returns 1 if the factory
 * program itself cannot start or stay up. Every decision is one log line
 * ("twincam boot: ..."). */
int tc_fw_boot_loader_run(const tc_fw_loader_options *o);

#endif
