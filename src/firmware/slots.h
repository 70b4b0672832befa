/* Firmware slots, the boot state and installing a package (slots.c,
 * docs/firmware.md "Slots and rollback").
 *
 * The state directory holds, besides the user sets:
 *   firmware.slot-a, firmware.slot-b   a whole package each (checked again,
 *                                      hash and signature, at every boot)
 *   firmware.boot                      which slot boots, which one ran
 *                                      before it, the boot counter, whether
 *                                      the active slot ever reported healthy;
 *                                      text with a SHA-256 checksum line
 * Every file is written all or nothing (temporary file, fsync, rename, fsync
 * of the directory: util/file_open.h), so a power cut at any point leaves
 * the old or the new state, never a mix. The factory program (the twincam
 * that runs as the boot loader) is the third choice, always there.
 *
 * Writers: tc_firmware_install (the running camera, from GenICam file
 * access) and the boot loader (boot_loader.c). One camera per state
 * directory. */
#ifndef TC_FIRMWARE_SLOTS_H
#define TC_FIRMWARE_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware/package.h"

typedef enum tc_fw_slot { TC_FW_FACTORY = 0, TC_FW_SLOT_A = 1, TC_FW_SLOT_B = 2 } tc_fw_slot;

/* "factory", "a", "b" */
const char *tc_fw_slot_name(tc_fw_slot s);

typedef struct tc_fw_boot_state {
    tc_fw_slot active;   /* what boots next */
    tc_fw_slot previous; /* what to go back to if it fails */
    unsigned tries;      /* boots of `active` that did not report healthy */
    bool confirmed;      /* `active` reported healthy at least once */
} tc_fw_boot_state;

/* The boot state of `state_dir`. A missing file is the factory state
 * (returns 0); a corrupt, truncated, foreign or unreadable one is the
 * factory state too, with the reason in why and -1 (the caller logs it in
 * one line and boots the factory program). */
int tc_fw_boot_read(const char *state_dir, tc_fw_boot_state *s, char *why, size_t cap);

/* Write the boot state, all or nothing. Returns 0, or -1 with why. */
int tc_fw_boot_write(const char *state_dir, const tc_fw_boot_state *s, char *why, size_t cap);

/* The boot loader's "slot `slot` reported healthy": the boot state is read
 * again and marked confirmed (tries 0) only if it still names `slot` as
 * the active one. The program that reported is serving by then, and a
 * client may already have installed a package over it (tc_firmware_install
 * in that process): its boot state is kept, not overwritten with the one
 * the loader read before the boot. Read and write hold the same lock on
 * the state directory as an install (flock), so neither loses the other's
 * write. Returns 0 when confirmed, 1 when the state names another slot now
 * (left as it is), -1 with why. */
int tc_fw_boot_confirm(const char *state_dir, tc_fw_slot slot, char *why, size_t cap);

/* The package in a slot, read and checked (parse, hash, signature with the
 * built-in key; not the install rules): malloc'd into *bytes, parsed into
 * *p. Returns 0, or -1 with *reason. */
int tc_fw_slot_load(const char *state_dir, tc_fw_slot slot, uint8_t **bytes, size_t *len,
                    tc_fw_package *p, tc_fw_reason *reason);

/* Install a package on the running camera: verified in full (structure,
 * hash, signature with the built-in key, `model`, version >= 3.20.0, >=
 * the running firmware's minimum (the active slot's manifest; 3.20.0 for
 * the factory program), `running_version` >= the package's minimum), then
 * written to the slot that is not running and marked to boot next, the
 * running one as the slot to go back to. It runs at the next boot
 * (DeviceReset: the program exits with TC_FW_EXIT_RESTART and the boot
 * loader starts it); until it reports healthy the boot loader may roll
 * back to the running one.
 * A refusal leaves the running firmware, both slots and the boot state as
 * they were: returns -1 with reason->code and a sentence a client can be
 * shown (TC_FW_EIO when the state directory could not be written). Safe to
 * call from any thread; calls are serialised per process. */
int tc_firmware_install(const char *state_dir, const uint8_t *bytes, size_t len,
                        const char *model, const char *running_version, tc_fw_reason *reason);

/* ---- the boot loader and the program it supervises (boot_loader.c) ---- */

/* Exit status of a supervised program that asks to be restarted into the
 * slot the boot state names (DeviceReset). */
#define TC_FW_EXIT_RESTART 75
/* A program must report healthy within this many seconds of its start, or
 * it is stopped (SIGKILL) and the previous slot boots. */
#define TC_FW_HEALTH_BOUND_S 10
/* Environment the boot loader gives its child: the pipe to report health
 * on, and which firmware it is running. */
#define TC_FW_ENV_HEALTH_FD "TWINCAM_HEALTH_FD"
#define TC_FW_ENV_VERSION "TWINCAM_FIRMWARE_VERSION"
#define TC_FW_ENV_SLOT "TWINCAM_FIRMWARE_SLOT"

/* True in a program the boot loader started (TWINCAM_HEALTH_FD is set). */
bool tc_fw_supervised(void);

/* In a supervised program: tell the boot loader it serves and its self-test
 * passed ("healthy\n" on the pipe, which is then closed). Once; 0 or -1. */
int tc_fw_report_healthy(void);

#endif
