/* Firmware slots, the boot state and installing a package (slots.h). */
#include "firmware/slots.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "core/firmware_version.h"
#include "firmware/keys.h"
#include "util/file_open.h"
#include "util/file_read.h"

#define BOOT_FILE "firmware.boot"
#define BOOT_MAGIC "twincam firmware boot state 1\n"
/* A boot file the camera wrote is about 150 bytes. */
#define BOOT_FILE_MAX 1024u

static const char *const slot_names[] = { "factory", "a", "b" };
static const char *const slot_files[] = { NULL, "firmware.slot-a", "firmware.slot-b" };

const char *tc_fw_slot_name(tc_fw_slot s)
{
    return (unsigned)s < 3 ? slot_names[s] : "?";
}

static int slot_from_name(const char *n, tc_fw_slot *s)
{
    for (unsigned i = 0; i < 3; i++)
        if (!strcmp(n, slot_names[i])) {
            *s = (tc_fw_slot)i;
            return 0;
        }
    return -1;
}

static int open_dir(const char *state_dir, char *why, size_t cap)
{
    if (!state_dir || !state_dir[0]) {
        snprintf(why, cap, "no state directory (serve --state-dir)");
        errno = ENOENT;
        return -1;
    }
    int fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        snprintf(why, cap, "state directory %s: %s", state_dir, strerror(errno));
    return fd;
}

/* The checksum line's value: SHA-256 of the text before it, in hex. */
static void checksum(const char *text, size_t len, char hex[65])
{
    uint8_t sha[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sha, (const uint8_t *)text, len);
    sodium_bin2hex(hex, 65, sha, sizeof(sha));
}

static void factory_state(tc_fw_boot_state *s)
{
    *s = (tc_fw_boot_state){ TC_FW_FACTORY, TC_FW_FACTORY, 0, true };
}

/* Parse the boot file's text (hostile: it may be anything). */
static int parse_boot(char *text, size_t len, tc_fw_boot_state *s, char *why, size_t cap)
{
    if (len < strlen(BOOT_MAGIC) || memcmp(text, BOOT_MAGIC, strlen(BOOT_MAGIC)) != 0) {
        snprintf(why, cap, "not a boot state file");
        return -1;
    }
    if (memchr(text, 0, len)) {
        snprintf(why, cap, "holds a NUL byte");
        return -1;
    }
    char *sum = NULL;
    for (char *p = text; p < text + len; p = strchr(p, '\n') + 1) {
        if (!strchr(p, '\n')) {
            snprintf(why, cap, "truncated (its last line has no end)");
            return -1;
        }
        if (!strncmp(p, "sha256=", 7)) {
            sum = p;
            break;
        }
    }
    char hex[65];
    if (!sum || strlen(sum) != 7 + 64 + 1 || sum[7 + 64] != '\n') {
        snprintf(why, cap, "no checksum line at its end");
        return -1;
    }
    checksum(text, (size_t)(sum - text), hex);
    if (memcmp(sum + 7, hex, 64) != 0) {
        snprintf(why, cap, "checksum does not match its contents");
        return -1;
    }
    *sum = 0;
    tc_fw_boot_state r;
    int have = 0;
    char *save = NULL;
    for (char *line = strtok_r(text + strlen(BOOT_MAGIC), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        char *end = NULL;
        if (!eq) {
            snprintf(why, cap, "line '%.40s' is not key=value", line);
            return -1;
        }
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(line, "active") && slot_from_name(v, &r.active) == 0)
            have |= 1;
        else if (!strcmp(line, "previous") && slot_from_name(v, &r.previous) == 0)
            have |= 2;
        else if (!strcmp(line, "tries") && v[0] >= '0' && v[0] <= '9' && strlen(v) < 6 &&
                 (r.tries = (unsigned)strtoul(v, &end, 10), !*end))
            have |= 4;
        else if (!strcmp(line, "confirmed") && (!strcmp(v, "0") || !strcmp(v, "1")))
            r.confirmed = v[0] == '1', have |= 8;
        else {
            snprintf(why, cap, "bad line '%.20s=%.20s'", line, v);
            return -1;
        }
    }
    if (have != 15) {
        snprintf(why, cap, "a field is missing");
        return -1;
    }
    *s = r;
    return 0;
}

int tc_fw_boot_read(const char *state_dir, tc_fw_boot_state *s, char *why, size_t cap)
{
    factory_state(s);
    if (sodium_init() < 0) {
        snprintf(why, cap, "libsodium did not initialise");
        return -1;
    }
    char err[300];
    int dir = open_dir(state_dir, err, sizeof(err));
    if (dir < 0) {
        snprintf(why, cap, "%s", err);
        return -1;
    }
    uint8_t *b = NULL;
    size_t len = 0;
    int rc = tc_file_read_all(dir, BOOT_FILE, 1, BOOT_FILE_MAX, &b, &len, err, sizeof(err));
    close(dir);
    if (rc != 0) {
        if (errno == ENOENT) /* never written: the factory program boots */
            return 0;
        snprintf(why, cap, "%s/%s: %s", state_dir, BOOT_FILE, err);
        return -1;
    }
    char *text = malloc(len + 1);
    if (!text) {
        free(b);
        snprintf(why, cap, "no memory");
        return -1;
    }
    memcpy(text, b, len);
    text[len] = 0;
    free(b);
    rc = parse_boot(text, len, s, err, sizeof(err));
    free(text);
    if (rc != 0) {
        factory_state(s);
        snprintf(why, cap, "%s/%s: %s", state_dir, BOOT_FILE, err);
    }
    return rc;
}

int tc_fw_boot_write(const char *state_dir, const tc_fw_boot_state *s, char *why, size_t cap)
{
    if (sodium_init() < 0) {
        snprintf(why, cap, "libsodium did not initialise");
        return -1;
    }
    char text[512], hex[65];
    int n = snprintf(text, sizeof(text), BOOT_MAGIC "active=%s\nprevious=%s\ntries=%u\nconfirmed=%d\n",
                     tc_fw_slot_name(s->active), tc_fw_slot_name(s->previous), s->tries % 100000u,
                     s->confirmed ? 1 : 0);
    checksum(text, (size_t)n, hex);
    n += snprintf(text + n, sizeof(text) - (size_t)n, "sha256=%s\n", hex);
    char err[300];
    int dir = open_dir(state_dir, err, sizeof(err));
    if (dir < 0) {
        snprintf(why, cap, "%s", err);
        return -1;
    }
    int rc = tc_file_replace(dir, BOOT_FILE, text, (size_t)n, err, sizeof(err));
    close(dir);
    if (rc != 0)
        snprintf(why, cap, "%s/%s: %s", state_dir, BOOT_FILE, err);
    return rc;
}

/* The state directory locked against the other process that writes the
 * boot state (the boot loader and the program it runs: an install in one
 * and a confirmation in the other would each read, then write, and the
 * later write would drop the earlier one). flock on the directory itself:
 * no lock file to leave behind, released when the holder dies. Returns the
 * locked descriptor (close it to unlock), or -1 with why. */
static int lock_dir(const char *state_dir, char *why, size_t cap)
{
    int dir = open_dir(state_dir, why, cap);
    if (dir < 0)
        return -1;
    while (flock(dir, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        snprintf(why, cap, "cannot lock %s: %s", state_dir, strerror(errno));
        close(dir);
        return -1;
    }
    return dir;
}

int tc_fw_boot_confirm(const char *state_dir, tc_fw_slot slot, char *why, size_t cap)
{
    int lock = lock_dir(state_dir, why, cap);
    if (lock < 0)
        return -1;
    tc_fw_boot_state s;
    int rc = tc_fw_boot_read(state_dir, &s, why, cap);
    if (rc == 0 && s.active != slot)
        rc = 1; /* an install (or rollback) since the boot: it stands */
    else if (rc == 0 && !s.confirmed) {
        s.confirmed = true;
        s.tries = 0;
        rc = tc_fw_boot_write(state_dir, &s, why, cap);
    }
    close(lock);
    return rc;
}

#define refuse tc_fw_refuse

int tc_fw_slot_load(const char *state_dir, tc_fw_slot slot, uint8_t **bytes, size_t *len,
                    tc_fw_package *p, tc_fw_reason *r)
{
    *bytes = NULL;
    *len = 0;
    if (slot != TC_FW_SLOT_A && slot != TC_FW_SLOT_B)
        return refuse(r, TC_FW_EIO, "the factory program is not a slot");
    char err[300];
    int dir = open_dir(state_dir, err, sizeof(err));
    if (dir < 0)
        return refuse(r, TC_FW_EIO, "%s", err);
    int rc = tc_file_read_all(dir, slot_files[slot], 1, TC_FW_PACKAGE_MAX, bytes, len, err,
                              sizeof(err));
    close(dir);
    if (rc != 0)
        return refuse(r, TC_FW_EIO, "slot %s (%s): %s", tc_fw_slot_name(slot), slot_files[slot], err);
    if (tc_fw_parse(*bytes, *len, p, r) != 0 ||
        tc_fw_check_integrity(p, tc_fw_builtin_public_key, r) != 0) {
        char text[sizeof(r->text)];
        snprintf(text, sizeof(text), "%s", r->text);
        snprintf(r->text, sizeof(r->text), "slot %s: %.230s", tc_fw_slot_name(slot), text);
        free(*bytes);
        *bytes = NULL;
        *len = 0;
        return -1;
    }
    return 0;
}

/* The slot this process runs: the boot loader says so in the environment;
 * without one (an install from the command line, offline), the boot
 * state's active slot. */
static tc_fw_slot running_slot(const tc_fw_boot_state *s)
{
    const char *env = getenv(TC_FW_ENV_SLOT);
    tc_fw_slot slot;
    if (env && slot_from_name(env, &slot) == 0)
        return slot;
    return s->active;
}

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

static int install_locked(const char *state_dir, const uint8_t *bytes, size_t len,
                          const char *model, const char *running_version, tc_fw_reason *r)
{
    char why[600];
    tc_fw_boot_state s;
    if (!state_dir || !state_dir[0])
        return refuse(r, TC_FW_EIO, "this camera has no state directory to keep firmware in");
    /* A corrupt boot file boots the factory program: install as over it. */
    tc_fw_boot_read(state_dir, &s, why, sizeof(why));
    tc_fw_slot running = running_slot(&s);
    /* The running firmware's own minimum: its manifest's. */
    char running_min[TC_FW_VERSION_FIELD];
    snprintf(running_min, sizeof(running_min), "%s", TC_FIRMWARE_FLOOR);
    if (running != TC_FW_FACTORY) {
        uint8_t *b;
        size_t n;
        tc_fw_package p;
        tc_fw_reason rr;
        if (tc_fw_slot_load(state_dir, running, &b, &n, &p, &rr) != 0)
            return refuse(r, TC_FW_EIO, "the running firmware's own package cannot be read: %s",
                          rr.text);
        snprintf(running_min, sizeof(running_min), "%s", p.manifest.min_version);
        free(b);
    }
    tc_fw_target t = { model, running_version, running_min };
    tc_fw_package p;
    if (tc_fw_verify(bytes, len, &t, &p, r) != 0)
        return -1;
    tc_fw_slot target = running == TC_FW_SLOT_A ? TC_FW_SLOT_B : TC_FW_SLOT_A;
    /* A slot on trial (booted, not yet confirmed healthy) has only the
     * previous slot to go back to: writing over that one would leave a
     * failing trial nothing but the factory program, or worse, a slot that
     * was never confirmed. Confirmation comes within the health bound of a
     * boot; the install is refused until then. */
    if (!s.confirmed && s.active != TC_FW_FACTORY && target == s.previous)
        return refuse(r, TC_FW_ETRIAL,
                      "slot %s is on trial (booted, not yet confirmed healthy): slot %s is what it "
                      "falls back to and is not written over; boot it until it reports healthy, "
                      "then install",
                      tc_fw_slot_name(s.active), tc_fw_slot_name(target));
    int dir = open_dir(state_dir, why, sizeof(why));
    if (dir < 0)
        return refuse(r, TC_FW_EIO, "%s", why);
    int rc = tc_file_replace(dir, slot_files[target], bytes, len, why, sizeof(why));
    close(dir);
    if (rc != 0)
        return refuse(r, TC_FW_EIO, "cannot write slot %s: %s", tc_fw_slot_name(target), why);
    tc_fw_boot_state next = { target, running, 0, false };
    if (tc_fw_boot_write(state_dir, &next, why, sizeof(why)) != 0)
        return refuse(r, TC_FW_EIO, "slot %s written, but not marked to boot: %s",
                      tc_fw_slot_name(target), why);
    r->code = TC_FW_OK;
    snprintf(r->text, sizeof(r->text), "%s %s installed in slot %s; it boots at the next reset",
             p.manifest.model, p.manifest.version, tc_fw_slot_name(target));
    return 0;
}

int tc_firmware_install(const char *state_dir, const uint8_t *bytes, size_t len,
                        const char *model, const char *running_version, tc_fw_reason *reason)
{
    char why[600];
    pthread_mutex_lock(&install_lock);
    /* No state directory: install_locked says so. */
    int lock = state_dir && state_dir[0] ? lock_dir(state_dir, why, sizeof(why)) : -2;
    int rc = lock == -1 ? refuse(reason, TC_FW_EIO, "%s", why)
                        : install_locked(state_dir, bytes, len, model, running_version, reason);
    if (lock >= 0)
        close(lock);
    pthread_mutex_unlock(&install_lock);
    return rc;
}
