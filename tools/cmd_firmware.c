/* twincam firmware: make, inspect and install firmware packages, flash a
 * camera (docs/firmware.md).
 *
 *   twincam firmware pack -o FILE [--version V] [--min-version V]
 *                         [--program PATH] [--key KEYFILE] [--model NAME]
 *   twincam firmware info FILE
 *   twincam firmware keygen PREFIX
 *   twincam firmware install --state-dir DIR FILE   (offline, as a factory tool)
 *   twincam firmware status --state-dir DIR
 *   twincam firmware flash --camera ADDR FILE       (cmd_firmware_flash.c)
 * and the glue of `twincam serve --state-dir` to the boot loader.
 *
 * Exit status: 0 success, 1 refused or failed (the reason on stderr),
 * 2 bad command line. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/build_version.h"
#include "core/firmware_version.h"
#include "firmware/keys.h"
#include "firmware/package.h"
#include "firmware/semver.h"
#include "firmware/slots.h"
#include "util/file_open.h"
#include "util/file_read.h"

/* The repository's TEST secret key, where this build's source tree has it
 * (meson passes the path). */
#ifndef TC_TEST_SECRET_KEY
#define TC_TEST_SECRET_KEY "keys/test-firmware-key.sec"
#endif

static void usage(FILE *to)
{
    fprintf(to,
            "usage: twincam firmware pack -o FILE [--version V] [--min-version V]\n"
            "                             [--program PATH] [--key KEYFILE] [--model NAME]\n"
            "       twincam firmware info FILE\n"
            "       twincam firmware keygen PREFIX\n"
            "       twincam firmware install --state-dir DIR FILE [--model NAME]\n"
            "       twincam firmware status --state-dir DIR\n"
            "       twincam firmware flash --camera ADDR FILE\n"
            "\n"
            "pack defaults: --program /proc/self/exe (this twincam), --version %s,\n"
            "  --min-version %s, --model %s, --key the public TEST key\n"
            "  (%s)\n"
            "info: the manifest and whether hash and signature hold; exit 0 only if they do\n"
            "keygen: a new key pair PREFIX.pub and PREFIX.sec (build with\n"
            "  -Dfirmware_public_key=PREFIX.pub, pack with --key PREFIX.sec)\n"
            "install: verify FILE as the camera would and put it in the slot that boots\n"
            "  next from DIR (twincam serve --state-dir DIR boots it)\n"
            "status: the boot state and both slots of DIR\n"
            "flash: upload FILE to the GigE Vision camera at ADDR, reset it, wait for it\n"
            "  and say which firmware it runs (exit 0 only if it runs FILE's version)\n",
            TC_FIRMWARE_VERSION, TC_FIRMWARE_FLOOR, TC_TWIN_MODEL_NAME, TC_TEST_SECRET_KEY);
}

/* A package file into memory (at most the largest package), or the reason
 * on stderr as "WHO: PATH: why". 0 or -1. */
int tc_cli_read_package(const char *who, const char *path, uint8_t **bytes, size_t *len)
{
    char why[512];
    *bytes = NULL;
    *len = 0;
    if (tc_file_read_all(AT_FDCWD, path, 0, TC_FW_PACKAGE_MAX, bytes, len, why, sizeof(why)) != 0) {
        fprintf(stderr, "%s: %s: %s\n", who, path, why);
        return -1;
    }
    return 0;
}

static int check_version(const char *opt, const char *v)
{
    tc_semver s;
    if (tc_semver_parse(v, &s))
        return 0;
    fprintf(stderr, "twincam: %s wants MAJOR.MINOR.PATCH (e.g. 3.21.0), not '%s'\n", opt, v);
    return 2;
}

/* Write the package next to FILE, then rename it over FILE: a failed pack
 * leaves no half package behind. */
static int write_package(const char *path, const uint8_t *b, size_t len)
{
    char why[512];
    const char *slash = strrchr(path, '/');
    char dir[4096];
    const char *name = path;
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof(dir)) {
            fprintf(stderr, "twincam: %s: path too long\n", path);
            return 1;
        }
        memcpy(dir, path, n);
        dir[n ? n : 1] = 0;
        if (!n)
            dir[0] = '/';
        name = slash + 1;
    } else {
        snprintf(dir, sizeof(dir), ".");
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || tc_file_replace(dfd, name, b, len, why, sizeof(why)) != 0) {
        fprintf(stderr, "twincam: cannot write %s: %s\n", path, dfd < 0 ? "no such directory" : why);
        if (dfd >= 0)
            close(dfd);
        return 1;
    }
    close(dfd);
    return 0;
}

static int pack(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },  { "version", required_argument, NULL, 'v' },
        { "min-version", required_argument, NULL, 'm' }, { "program", required_argument, NULL, 'p' },
        { "key", required_argument, NULL, 'k' },     { "model", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *version = TC_FIRMWARE_VERSION, *min = TC_FIRMWARE_FLOOR,
               *program = "/proc/self/exe", *key = TC_TEST_SECRET_KEY, *model = TC_TWIN_MODEL_NAME;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'v': version = optarg; break;
        case 'm': min = optarg; break;
        case 'p': program = optarg; break;
        case 'k': key = optarg; break;
        case 'M': model = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "twincam: firmware pack: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!out) {
        fprintf(stderr, "twincam: firmware pack wants -o FILE\n");
        return 2;
    }
    if (check_version("--version", version) || check_version("--min-version", min))
        return 2;
    tc_fw_manifest m = { 0 };
    if (strlen(model) >= sizeof(m.model) || strlen(version) >= sizeof(m.version) ||
        strlen(min) >= sizeof(m.min_version)) {
        fprintf(stderr, "twincam: --model is at most %zu characters\n", sizeof(m.model) - 1);
        return 2;
    }
    snprintf(m.model, sizeof(m.model), "%s", model);
    snprintf(m.version, sizeof(m.version), "%s", version);
    snprintf(m.min_version, sizeof(m.min_version), "%s", min);

    char why[512];
    uint8_t sk[TC_FW_SECRET_KEY_LEN];
    if (tc_fw_key_read(key, sk, sizeof(sk), why, sizeof(why)) != 0) {
        fprintf(stderr, "twincam: %s\n", why);
        return 1;
    }
    uint8_t *prog = NULL;
    size_t prog_len = 0;
    if (tc_file_read_all(AT_FDCWD, program, 0, TC_FW_PROGRAM_MAX, &prog, &prog_len, why,
                         sizeof(why)) != 0) {
        fprintf(stderr, "twincam: program %s: %s\n", program, why);
        return 1;
    }
    uint8_t *pkg = NULL;
    size_t len = 0;
    tc_fw_reason r;
    int rc = tc_fw_build(&m, prog, prog_len, sk, &pkg, &len, &r);
    memset(sk, 0, sizeof(sk));
    free(prog);
    if (rc != 0) {
        fprintf(stderr, "twincam: cannot pack (%s): %s\n", tc_fw_refusal_name(r.code), r.text);
        return 1;
    }
    rc = write_package(out, pkg, len);
    free(pkg);
    if (rc == 0)
        printf("%s: %s %s (replaces %s and later), program %s of %zu bytes, %zu bytes\n", out,
               m.model, m.version, m.min_version, program, prog_len, len);
    return rc;
}

static int info(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "usage: twincam firmware info FILE\n");
        return 2;
    }
    const char *path = argv[1];
    uint8_t *b;
    size_t len;
    if (tc_cli_read_package("twincam", path, &b, &len) != 0)
        return 1;
    tc_fw_package p;
    tc_fw_reason r;
    if (tc_fw_parse(b, len, &p, &r) != 0) {
        fprintf(stderr, "twincam: %s: refused (%s): %s\n", path, tc_fw_refusal_name(r.code), r.text);
        free(b);
        return 1;
    }
    const tc_fw_manifest *m = &p.manifest;
    char sha[2 * TC_FW_SHA256_LEN + 1];
    for (unsigned i = 0; i < TC_FW_SHA256_LEN; i++)
        snprintf(sha + 2 * i, 3, "%02x", m->sha256[i]);
    printf("package:         %s, %zu bytes, format %u\n", path, len, TC_FW_FORMAT_VERSION);
    printf("model:           %s\n", m->model);
    printf("version:         %s\n", m->version);
    printf("minimum version: %s (the oldest running firmware it replaces)\n", m->min_version);
    printf("program:         %zu bytes, sha256 %s\n", p.program_len, sha);
    printf("built-in key:    %s%s\n", tc_fw_builtin_key_source,
           tc_fw_builtin_key_is_test ? " (the public TEST key: packages from anyone pass)" : "");
    int rc = tc_fw_check_integrity(&p, tc_fw_builtin_public_key, &r);
    if (rc != 0) {
        printf("signature:       DOES NOT HOLD (%s)\n", tc_fw_refusal_name(r.code));
        fprintf(stderr, "twincam: %s: refused (%s): %s\n", path, tc_fw_refusal_name(r.code), r.text);
        free(b);
        return 1;
    }
    printf("signature:       holds (hash and ed25519 signature)\n");
    /* What a factory camera of this build would say. */
    tc_fw_target t = { TC_TWIN_MODEL_NAME, TC_FIRMWARE_VERSION, TC_FIRMWARE_FLOOR };
    if (tc_fw_check_target(m, &t, &r) == 0)
        printf("this camera:     would install it (factory %s, %s)\n", TC_TWIN_MODEL_NAME,
               TC_FIRMWARE_VERSION);
    else
        printf("this camera:     would refuse it (%s): %s\n", tc_fw_refusal_name(r.code), r.text);
    free(b);
    return 0;
}

static int keygen(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: twincam firmware keygen PREFIX   (writes PREFIX.pub, PREFIX.sec)\n");
        return 2;
    }
    char why[512];
    if (tc_fw_keygen(argv[1], why, sizeof(why)) != 0) {
        fprintf(stderr, "twincam: keygen: %s\n", why);
        return 1;
    }
    printf("%s.pub (build with -Dfirmware_public_key=%s.pub), %s.sec (keep it secret)\n", argv[1],
           argv[1], argv[1]);
    return 0;
}

/* --state-dir DIR and one FILE (or none), for install and status. */
static int state_args(int argc, char **argv, const char **dir, const char **file, const char **model)
{
    static const struct option opts[] = {
        { "state-dir", required_argument, NULL, 'd' },
        { "model", required_argument, NULL, 'M' },
        { NULL, 0, NULL, 0 },
    };
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'd')
            *dir = optarg;
        else if (ch == 'M' && model)
            *model = optarg;
        else
            return 2;
    }
    if (!*dir || (file && optind != argc - 1) || (!file && optind != argc))
        return 2;
    if (file)
        *file = argv[optind];
    return 0;
}

/* The version a slot's package carries, or the factory program's. */
static void slot_version(const char *dir, tc_fw_slot slot, char *out, size_t cap, char *state,
                         size_t scap)
{
    if (slot == TC_FW_FACTORY) {
        snprintf(out, cap, "%s", TC_FIRMWARE_VERSION);
        snprintf(state, scap, "the factory program");
        return;
    }
    uint8_t *b;
    size_t n;
    tc_fw_package p;
    tc_fw_reason r;
    if (tc_fw_slot_load(dir, slot, &b, &n, &p, &r) != 0) {
        snprintf(out, cap, "%s", "");
        snprintf(state, scap, "%s", r.text);
        return;
    }
    snprintf(out, cap, "%s", p.manifest.version);
    snprintf(state, scap, "%s %s (replaces %s and later), program %zu bytes", p.manifest.model,
             p.manifest.version, p.manifest.min_version, p.program_len);
    free(b);
}

static int install(int argc, char **argv)
{
    const char *dir = NULL, *file = NULL, *model = TC_TWIN_MODEL_NAME;
    if (state_args(argc, argv, &dir, &file, &model) != 0) {
        fprintf(stderr, "usage: twincam firmware install --state-dir DIR FILE [--model NAME]\n");
        return 2;
    }
    char why[512];
    uint8_t *b;
    size_t len;
    if (tc_cli_read_package("twincam", file, &b, &len) != 0)
        return 1;
    /* The firmware running (or that would boot) from DIR now. */
    tc_fw_boot_state s;
    tc_fw_boot_read(dir, &s, why, sizeof(why));
    char running[TC_FW_VERSION_FIELD], state[300];
    slot_version(dir, s.active, running, sizeof(running), state, sizeof(state));
    if (!running[0])
        snprintf(running, sizeof(running), "%s", TC_FIRMWARE_VERSION);
    tc_fw_reason r;
    int rc = tc_firmware_install(dir, b, len, model, running, &r);
    free(b);
    if (rc != 0) {
        fprintf(stderr, "twincam: %s: refused (%s): %s\n", file, tc_fw_refusal_name(r.code), r.text);
        return 1;
    }
    printf("%s\n", r.text);
    return 0;
}

static int status(int argc, char **argv)
{
    const char *dir = NULL;
    if (state_args(argc, argv, &dir, NULL, NULL) != 0) {
        fprintf(stderr, "usage: twincam firmware status --state-dir DIR\n");
        return 2;
    }
    char why[600], v[TC_FW_VERSION_FIELD], text[300];
    tc_fw_boot_state s;
    int rc = tc_fw_boot_read(dir, &s, why, sizeof(why));
    if (rc != 0)
        printf("boot state: %s; the factory program boots\n", why);
    printf("active:   %s\nprevious: %s\ntries:    %u\nconfirmed: %s\n", tc_fw_slot_name(s.active),
           tc_fw_slot_name(s.previous), s.tries, s.confirmed ? "yes" : "no");
    for (tc_fw_slot k = TC_FW_FACTORY; k <= TC_FW_SLOT_B; k++) {
        slot_version(dir, k, v, sizeof(v), text, sizeof(text));
        printf("slot %-8s %s\n", tc_fw_slot_name(k), text);
    }
    return rc == 0 ? 0 : 1;
}

static int firmware_main(int argc, char **argv)
{
    argc--, argv++; /* argv[0] is "firmware": from here on the action */
    if (argc < 1) {
        fprintf(stderr, "twincam firmware: which action?\n");
        return tc_cli_usage_error(&tc_cli_cmd_firmware);
    }
    if (!strcmp(argv[0], "pack"))
        return pack(argc, argv);
    if (!strcmp(argv[0], "info"))
        return info(argc, argv);
    if (!strcmp(argv[0], "keygen"))
        return keygen(argc, argv);
    if (!strcmp(argv[0], "install"))
        return install(argc, argv);
    if (!strcmp(argv[0], "status"))
        return status(argc, argv);
    if (!strcmp(argv[0], "flash"))
        return tc_cli_firmware_flash(argc, argv);
    if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
        fputs(tc_cli_cmd_firmware.usage, stdout);
        return 0;
    }
    if (!strcmp(argv[0], "--version"))
        return tc_cli_version(); /* as every command; `info` names firmware versions */
    fprintf(stderr, "twincam firmware: unknown action '%s'\n", argv[0]);
    return tc_cli_usage_error(&tc_cli_cmd_firmware);
}

const tc_cli_command tc_cli_cmd_firmware = {
    .name = "firmware",
    .summary = "make, check and install signed firmware packages; flash cameras",
    .usage = "twincam firmware - make, check and install signed firmware packages; flash cameras\n"
             "Usage: twincam firmware pack -o FILE [--version V] [--min-version V]\n"
             "                             [--program PATH] [--key KEYFILE] [--model NAME]\n"
             "  or:  twincam firmware info FILE\n"
             "  or:  twincam firmware keygen PREFIX\n"
             "  or:  twincam firmware install --state-dir DIR FILE [--model NAME]\n"
             "  or:  twincam firmware status --state-dir DIR\n"
             "  or:  twincam firmware flash --camera ADDR FILE\n"
             "\n"
             "A firmware package (docs/firmware.md) carries a program with a manifest\n"
             "(model, version, the oldest firmware it may replace, length, SHA-256) and an\n"
             "ed25519 signature over all of it.\n"
             "  pack     make one. Defaults: the program is this twincam (/proc/self/exe),\n"
             "           version " TC_FIRMWARE_VERSION ", minimum version " TC_FIRMWARE_FLOOR ", model " TC_TWIN_MODEL_NAME ",\n"
             "           the key the public TEST key of the source tree it was built from\n"
             "  info     print a package's manifest and whether its hash and signature hold\n"
             "           with the built-in public key (exit 0 only if they do), and whether\n"
             "           a factory camera of this build would install it\n"
             "  keygen   a new key pair PREFIX.pub, PREFIX.sec (0600); build with\n"
             "           -Dfirmware_public_key=PREFIX.pub, pack with --key PREFIX.sec\n"
             "  install  verify FILE as the camera would and put it in the slot of DIR that\n"
             "           boots next (twincam serve --state-dir DIR boots it)\n"
             "  status   the boot state of DIR and what each slot holds\n"
             "  flash    upload FILE to the GigE Vision camera at ADDR through GenICam file\n"
             "           access (checked here first), reset the camera, wait for it (40 s)\n"
             "           and print the firmware it runs; exit 0 only if it runs FILE's\n"
             "           version (refused, rolled back or silent: 1, the reason on stderr)\n"
             "\n"
             "Options of pack:\n"
             "  -o, --output=FILE        the package to write (all or nothing)\n"
             "      --version=V          its version, MAJOR.MINOR.PATCH\n"
             "      --min-version=V      the oldest running firmware it may replace\n"
             "      --program=PATH       the program it carries\n"
             "      --key=KEYFILE        the secret key to sign with\n"
             "      --model=NAME         the DeviceModelName it is for\n"
             "  -h, --help               print this help and exit\n"
             "      --version            (as the action) print the version and exit\n"
             "\n"
             "Options of flash:\n"
             "      --camera=ADDR        the camera's IPv4 address (GigE Vision, UDP 3956)\n"
             "\n"
             "Exit status: 0 success, 1 refused or failed (the reason on stderr), 2 bad\n"
             "command line.\n",
    .main = firmware_main,
};
