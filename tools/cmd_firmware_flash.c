/* twincam firmware flash --camera ADDR FILE: update a running camera over
 * GigE Vision through GenICam file access, as any GenICam client would
 * (docs/firmware.md "Flashing a camera"):
 *
 *   check FILE here (form, hash, signature) and refuse early;
 *   take control (CCP), DeviceFirmware Open(Write), Write in buffer-sized
 *   pieces (WRITEMEM into FileAccessBuffer, then offset, length, execute),
 *   Close: the camera verifies and installs it, or says why not;
 *   DeviceReset, then wait for the camera to answer as a new boot and read
 *   the version it runs.
 *
 * The register addresses are the feature table's (the same table the
 * camera serves), so this tool and the camera cannot disagree. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_progress.h"
#include "core/feature.h"
#include "core/file_access.h"
#include "firmware/keys.h"
#include "firmware/package.h"
#include "gige/gvcp.h"
#include "gige/gvcp_client.h"
#include "util/file_read.h"

#define FLASH_WHO "twincam firmware flash"
#define FLASH_BACK_S 40 /* the camera must answer again within this after DeviceReset */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t addr_of(const char *name)
{
    const tc_feature *f = tc_feature_find(name);
    return f ? f->address : 0;
}

static uint32_t enum_of(const char *feature, const char *entry)
{
    const tc_feature *f = tc_feature_find(feature);
    const tc_enum_entry *e = f ? tc_enum_by_name(f, entry) : NULL;
    return e ? (uint32_t)e->value : 0;
}

/* A string register, NUL-terminated whatever the camera sent. */
static int read_string(tc_gvcp_client *c, const char *name, char *out, size_t cap)
{
    const tc_feature *f = tc_feature_find(name);
    size_t n = f->length < cap - 1 ? f->length : cap - 1;
    int rc = tc_gvcp_client_read(c, f->address, out, n);
    out[rc == 0 ? n : 0] = 0;
    /* Only printable text goes to the terminal. */
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    return rc;
}

/* Select op on DeviceFirmware, execute it; 0 Success, 1 Failure (reason
 * read into why), -1 no answer (why too). */
static int file_op(tc_gvcp_client *c, const char *op, char *why, size_t cap)
{
    uint32_t status;
    if (tc_gvcp_client_writereg(c, addr_of("FileOperationSelector"), enum_of("FileOperationSelector", op)) ||
        tc_gvcp_client_writereg(c, addr_of("FileOperationExecute"), 1) ||
        tc_gvcp_client_readreg(c, addr_of("FileOperationStatus"), &status)) {
        snprintf(why, cap, "%s: %s", op, c->why);
        return -1;
    }
    if (status == enum_of("FileOperationStatus", "Success"))
        return 0;
    char reason[TC_FILE_REASON_LEN + 1];
    if (read_string(c, "TwinFileOperationReason", reason, sizeof(reason)) != 0 || !reason[0])
        snprintf(reason, sizeof(reason), "no reason given");
    snprintf(why, cap, "%s", reason);
    return 1;
}

/* Progress: a bar on a terminal, a line every 10 % otherwise. */
static void progress(tc_cli_progress *p, size_t done, size_t total, int *last_pct)
{
    int pct = (int)(done * 100 / total);
    if (p->tty) {
        tc_cli_progress_part(p, "uploading", (unsigned)(done >> 10), (unsigned)(total >> 10) + 1);
    } else if (pct / 10 != *last_pct / 10 || (done == total && *last_pct != 100)) {
        fprintf(stderr, FLASH_WHO ": uploading %3d %%\n", pct);
        *last_pct = pct;
    }
}

/* The upload, Open to Close. 0 installed; 1 refused (why); -1 failed (why). */
static int upload(tc_gvcp_client *c, const uint8_t *b, size_t len, char *why, size_t cap,
                  double *seconds)
{
    const tc_feature *buf = tc_feature_find("FileAccessBuffer");
    if (tc_gvcp_client_writereg(c, addr_of("FileSelector"), enum_of("FileSelector", "DeviceFirmware")) ||
        tc_gvcp_client_writereg(c, addr_of("FileOpenMode"), enum_of("FileOpenMode", "Write"))) {
        snprintf(why, cap, "select DeviceFirmware: %s", c->why);
        return -1;
    }
    int rc = file_op(c, "Open", why, cap);
    if (rc)
        return rc;
    if (tc_gvcp_client_writereg(c, addr_of("FileOperationSelector"), enum_of("FileOperationSelector", "Write"))) {
        snprintf(why, cap, "Write: %s", c->why);
        return -1;
    }
    tc_cli_progress pr;
    tc_cli_progress_start(&pr, FLASH_WHO);
    int last_pct = -1;
    double t0 = now_s();
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < buf->length ? len - done : buf->length;
        uint32_t moved, status;
        if (tc_gvcp_client_write(c, buf->address, b + done, n) ||
            tc_gvcp_client_writereg(c, addr_of("FileAccessOffset"), (uint32_t)done) ||
            tc_gvcp_client_writereg(c, addr_of("FileAccessLength"), (uint32_t)n) ||
            tc_gvcp_client_writereg(c, addr_of("FileOperationExecute"), 1) ||
            tc_gvcp_client_readreg(c, addr_of("FileOperationStatus"), &status) ||
            tc_gvcp_client_readreg(c, addr_of("FileOperationResult"), &moved)) {
            tc_cli_progress_end(&pr);
            snprintf(why, cap, "Write at %zu: %s", done, c->why);
            return -1;
        }
        if (status != enum_of("FileOperationStatus", "Success") || moved != n) {
            tc_cli_progress_end(&pr);
            char reason[TC_FILE_REASON_LEN + 1] = "";
            read_string(c, "TwinFileOperationReason", reason, sizeof(reason));
            snprintf(why, cap, "Write at %zu: %u of %zu bytes taken: %s", done, moved, n,
                     reason[0] ? reason : "no reason given");
            return 1;
        }
        done += n;
        progress(&pr, done, len, &last_pct);
    }
    *seconds = now_s() - t0;
    tc_cli_progress_end(&pr);
    return file_op(c, "Close", why, cap);
}

/* After DeviceReset: poll until a new boot answers (the control privilege
 * this client held is gone: CCP reads 0 to us), then its version. The old
 * program may answer for a moment before it exits: its CCP is still ours. */
static int wait_back(tc_gvcp_client *c, char *version, size_t cap)
{
    unsigned timeout = c->timeout_ms, retries = c->retries;
    c->timeout_ms = 250;
    c->retries = 0;
    double deadline = now_s() + FLASH_BACK_S;
    int rc = -1;
    while (now_s() < deadline) {
        uint32_t ccp, head;
        if (tc_gvcp_client_readreg(c, TC_GVCP_CCP_ADDRESS, &ccp) == 0 && ccp == 0 &&
            tc_gvcp_client_readreg(c, addr_of("DeviceFirmwareVersion"), &head) == 0) {
            c->timeout_ms = timeout;
            c->retries = retries;
            rc = read_string(c, "DeviceFirmwareVersion", version, cap);
            if (rc == 0)
                break;
        }
        struct timespec pause = { 0, 100 * 1000000 }; /* between polls; a timeout already waited */
        nanosleep(&pause, NULL);
    }
    c->timeout_ms = timeout;
    c->retries = retries;
    return rc;
}

int tc_cli_firmware_flash(int argc, char **argv)
{
    static const struct option opts[] = {
        { "camera", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *camera = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (ch == 'c')
            camera = optarg;
        else if (ch == 'h') {
            fputs(tc_cli_cmd_firmware.usage, stdout);
            return 0;
        } else
            camera = NULL, optind = argc + 1;
    }
    if (!camera || optind != argc - 1) {
        fprintf(stderr, "usage: twincam firmware flash --camera ADDR FILE\n");
        return 2;
    }
    const char *file = argv[optind];

    /* 1. The package, checked here: a package the camera must refuse is not sent. */
    char why[512];
    uint8_t *b;
    size_t len;
    if (tc_cli_read_package(FLASH_WHO, file, &b, &len) != 0)
        return 1;
    tc_fw_package p;
    tc_fw_reason r;
    if (tc_fw_parse(b, len, &p, &r) != 0 ||
        tc_fw_check_integrity(&p, tc_fw_builtin_public_key, &r) != 0) {
        fprintf(stderr, FLASH_WHO ": %s: refused (%s): %s\n", file, tc_fw_refusal_name(r.code), r.text);
        free(b);
        return 1;
    }
    char want[TC_FW_VERSION_FIELD];
    snprintf(want, sizeof(want), "%s", p.manifest.version);

    /* 2. The camera: its version now, and control. */
    tc_gvcp_client c;
    char before[65], after[65];
    int rc = 1;
    if (tc_gvcp_client_open(&c, camera, TC_GVCP_PORT) != 0) {
        fprintf(stderr, FLASH_WHO ": camera %s: %s\n", camera, c.why);
        free(b);
        return 1;
    }
    if (read_string(&c, "DeviceFirmwareVersion", before, sizeof(before)) != 0) {
        fprintf(stderr, FLASH_WHO ": camera %s does not answer: %s\n", camera, c.why);
        goto out;
    }
    int s = tc_gvcp_client_writereg(&c, TC_GVCP_CCP_ADDRESS, TC_GVCP_CCP_CONTROL);
    if (s != 0) {
        fprintf(stderr, FLASH_WHO ": camera %s: cannot take control%s: %s\n", camera,
                s == TC_GEV_ACCESS_DENIED ? " (another application controls it)" : "", c.why);
        goto out;
    }
    fprintf(stderr, FLASH_WHO ": camera %s runs firmware %s; sending %s (%s, %zu bytes)\n", camera,
            before, file, want, len);

    /* 3. Upload and install. Every command is the heartbeat: the camera
     * keeps this client's control while they come. */
    double secs = 0;
    int up = upload(&c, b, len, why, sizeof(why), &secs);
    if (up != 0) {
        if (up > 0)
            fprintf(stderr, FLASH_WHO ": refused by camera %s: %s\n", camera, why);
        else
            fprintf(stderr, FLASH_WHO ": camera %s: upload failed: %s\n", camera, why);
        tc_gvcp_client_writereg(&c, TC_GVCP_CCP_ADDRESS, 0); /* give control back */
        goto out;
    }
    fprintf(stderr, FLASH_WHO ": %zu bytes in %.2f s (%.2f MB/s), installed; resetting the camera\n",
            len, secs, secs > 0 ? len / secs / 1e6 : 0.0);

    /* 4. DeviceReset: the camera may go before its ack does. */
    double t_reset = now_s();
    s = tc_gvcp_client_writereg(&c, addr_of("DeviceReset"), 1);
    if (s > 0) {
        fprintf(stderr, FLASH_WHO ": camera %s refused DeviceReset: %s\n", camera, c.why);
        goto out;
    }
    if (wait_back(&c, after, sizeof(after)) != 0) {
        printf("failed: camera %s did not answer within %d s of DeviceReset\n", camera, FLASH_BACK_S);
        goto out;
    }
    if (!strcmp(after, want)) {
        printf("flashed: camera %s now runs firmware %s (was %s; back %.1f s after DeviceReset)\n",
               camera, after, before, now_s() - t_reset);
        rc = 0;
    } else if (!strcmp(after, before)) {
        printf("failed: camera %s came back with firmware %s, not %s: the new firmware did not "
               "start and the camera rolled back\n", camera, after, want);
    } else {
        printf("failed: camera %s came back with firmware %s, not %s\n", camera, after, want);
    }
out:
    tc_gvcp_client_close(&c);
    free(b);
    return rc;
}
