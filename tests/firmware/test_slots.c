/* Firmware slots and installing a package (src/firmware/slots.c): the boot
 * state survives a round trip and any damage to its file reads as the
 * factory state with a reason; a good package lands in the slot that is not
 * running and is marked to boot; a refused one changes no file at all. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/firmware_version.h"
#include "firmware/keys.h"
#include "firmware/package.h"
#include "firmware/slots.h"

static uint8_t test_sk[TC_FW_SECRET_KEY_LEN];

static uint8_t *make(const char *version, const char *min, uint8_t fill, size_t *len)
{
    uint8_t prog[100];
    memset(prog, fill, sizeof(prog));
    tc_fw_manifest m = { 0 };
    snprintf(m.model, sizeof(m.model), "%s", TC_TWIN_MODEL_NAME);
    snprintf(m.version, sizeof(m.version), "%s", version);
    snprintf(m.min_version, sizeof(m.min_version), "%s", min);
    uint8_t *pkg;
    tc_fw_reason r;
    if (tc_fw_build(&m, prog, sizeof(prog), test_sk, &pkg, len, &r) != 0)
        fail_msg("build: %s", r.text);
    return pkg;
}

static char *tmpdir(void)
{
    char *d = strdup("/tmp/tc-fw-slots-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void rmtree(char *d)
{
    DIR *dp = opendir(d);
    assert_non_null(dp);
    struct dirent *e;
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
            unlink(p);
        }
    closedir(dp);
    rmdir(d);
    free(d);
}

/* Every file of the directory, names and bytes, as one string to compare. */
static char *snapshot(const char *d)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "cd '%s' && ls -A | sort && cat $(ls -A | sort) 2>/dev/null | sha256sum", d);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    char *out = calloc(1, 8192);
    assert_non_null(out);
    size_t n = fread(out, 1, 8191, fp);
    out[n] = 0;
    pclose(fp);
    return out;
}

static void read_file(const char *d, const char *name, char *buf, size_t cap, size_t *len)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", d, name);
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    *len = fread(buf, 1, cap, fp);
    fclose(fp);
}

static void write_file(const char *d, const char *name, const void *buf, size_t len)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", d, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    fclose(fp);
}

static void boot_state_round_trip(void **state)
{
    (void)state;
    char *d = tmpdir(), why[600];
    tc_fw_boot_state s;
    /* never written: the factory program, no complaint */
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_FACTORY);
    tc_fw_boot_state w = { TC_FW_SLOT_B, TC_FW_SLOT_A, 3, false };
    assert_int_equal(tc_fw_boot_write(d, &w, why, sizeof(why)), 0);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_B);
    assert_int_equal(s.previous, TC_FW_SLOT_A);
    assert_int_equal(s.tries, 3);
    assert_false(s.confirmed);
    /* no temporary file left */
    char *snap = snapshot(d);
    assert_non_null(strstr(snap, "firmware.boot\n"));
    assert_null(strstr(snap, ".tmp"));
    free(snap);
    rmtree(d);
}

/* Any byte of the boot file changed, any truncation, garbage: the factory
 * state with a reason, never a crash and never a half-read state. */
static void damaged_boot_file_reads_as_factory(void **state)
{
    (void)state;
    char *d = tmpdir(), why[600], good[1024];
    size_t len;
    tc_fw_boot_state w = { TC_FW_SLOT_A, TC_FW_FACTORY, 0, true }, s;
    assert_int_equal(tc_fw_boot_write(d, &w, why, sizeof(why)), 0);
    read_file(d, "firmware.boot", good, sizeof(good), &len);
    assert_true(len > 100);
    char bad[1024];
    for (size_t i = 0; i < len; i++) {
        memcpy(bad, good, len);
        bad[i] ^= 0x01;
        write_file(d, "firmware.boot", bad, len);
        why[0] = 0;
        assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), -1);
        assert_int_equal(s.active, TC_FW_FACTORY);
        assert_true(strlen(why) > 0);
    }
    for (size_t n = 0; n < len; n++) {
        write_file(d, "firmware.boot", good, n);
        assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), -1);
        assert_int_equal(s.active, TC_FW_FACTORY);
    }
    /* too large, a directory in its place, a link */
    char big[4096];
    memset(big, 'x', sizeof(big));
    write_file(d, "firmware.boot", big, sizeof(big));
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "too large"));
    char p[512], q[512];
    snprintf(p, sizeof(p), "%s/firmware.boot", d);
    unlink(p);
    write_file(d, "elsewhere", good, len);
    snprintf(q, sizeof(q), "%s/elsewhere", d);
    assert_int_equal(symlink(q, p), 0);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "symbolic link"));
    assert_int_equal(s.active, TC_FW_FACTORY);
    /* the good bytes read again */
    unlink(p);
    write_file(d, "firmware.boot", good, len);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_A);
    rmtree(d);
}

static void install_goes_to_the_other_slot(void **state)
{
    (void)state;
    if (!tc_fw_builtin_key_is_test)
        skip();
    char *d = tmpdir(), why[600];
    unsetenv(TC_FW_ENV_SLOT);
    size_t len;
    uint8_t *pkg = make("3.21.0", "3.20.0", 0xAA, &len);
    tc_fw_reason r;
    assert_int_equal(tc_firmware_install(d, pkg, len, TC_TWIN_MODEL_NAME, "3.20.0", &r), 0);
    assert_non_null(strstr(r.text, "slot a"));
    tc_fw_boot_state s;
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_A);
    assert_int_equal(s.previous, TC_FW_FACTORY);
    assert_int_equal(s.tries, 0);
    assert_false(s.confirmed);
    uint8_t *b;
    size_t n;
    tc_fw_package p;
    assert_int_equal(tc_fw_slot_load(d, TC_FW_SLOT_A, &b, &n, &p, &r), 0);
    assert_int_equal(n, len);
    assert_memory_equal(b, pkg, len);
    assert_string_equal(p.manifest.version, "3.21.0");
    free(b);
    /* running slot a (the boot loader says so): the next goes to b, a is
     * kept to go back to */
    setenv(TC_FW_ENV_SLOT, "a", 1);
    uint8_t *pkg2 = make("3.22.0", "3.21.0", 0xBB, &len);
    assert_int_equal(tc_firmware_install(d, pkg2, len, TC_TWIN_MODEL_NAME, "3.21.0", &r), 0);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_B);
    assert_int_equal(s.previous, TC_FW_SLOT_A);
    assert_int_equal(tc_fw_slot_load(d, TC_FW_SLOT_A, &b, &n, &p, &r), 0);
    assert_string_equal(p.manifest.version, "3.21.0");
    free(b);
    unsetenv(TC_FW_ENV_SLOT);
    free(pkg), free(pkg2);
    rmtree(d);
}

/* A refused package changes nothing: same files, same bytes. */
static void refused_install_changes_nothing(void **state)
{
    (void)state;
    if (!tc_fw_builtin_key_is_test)
        skip();
    char *d = tmpdir();
    size_t len;
    tc_fw_reason r;
    uint8_t *first = make("3.23.0", "3.20.0", 0x11, &len);
    assert_int_equal(tc_firmware_install(d, first, len, TC_TWIN_MODEL_NAME, "3.20.0", &r), 0);
    free(first);
    setenv(TC_FW_ENV_SLOT, "a", 1); /* running 3.23.0, min 3.20.0, from slot a */
    char *before = snapshot(d);
    struct {
        const char *version, *min, *model, *running;
        tc_fw_refusal want;
        int flip; /* byte to flip, -1 none */
    } cases[] = {
        { "3.24.0", "3.20.0", TC_TWIN_MODEL_NAME, "3.23.0", TC_FW_ESIGNATURE, 40 },
        { "3.24.0", "3.20.0", TC_TWIN_MODEL_NAME, "3.23.0", TC_FW_EHASH, 250 },
        { "3.24.0", "3.20.0", "IMX477", "3.23.0", TC_FW_EMODEL, -1 },
        { "3.19.0", "3.0.0", TC_TWIN_MODEL_NAME, "3.23.0", TC_FW_EFLOOR, -1 },
        { "3.24.0", "3.23.1", TC_TWIN_MODEL_NAME, "3.23.0", TC_FW_EREPLACE, -1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t *pkg = make(cases[i].version, cases[i].min, 0x22, &len);
        if (cases[i].flip >= 0)
            pkg[cases[i].flip] ^= 0x01;
        assert_int_equal(tc_firmware_install(d, pkg, len, cases[i].model, cases[i].running, &r), -1);
        if (r.code != cases[i].want)
            fail_msg("case %zu: %s (%s), want %s", i, tc_fw_refusal_name(r.code), r.text,
                     tc_fw_refusal_name(cases[i].want));
        free(pkg);
        assert_int_equal(tc_firmware_install(d, (const uint8_t *)"TWINCAMF", 8, TC_TWIN_MODEL_NAME,
                                             "3.23.0", &r), -1);
        assert_int_equal(r.code, TC_FW_ETRUNCATED);
        char *after = snapshot(d);
        assert_string_equal(before, after);
        free(after);
    }
    /* the running slot's own minimum: firmware that needs 3.22 refuses to
     * go back below it */
    uint8_t *needs = make("3.25.0", "3.22.0", 0x33, &len);
    assert_int_equal(tc_firmware_install(d, needs, len, TC_TWIN_MODEL_NAME, "3.23.0", &r), 0);
    free(needs);
    setenv(TC_FW_ENV_SLOT, "b", 1); /* now running 3.25.0 (min 3.22.0) from b */
    free(before);
    before = snapshot(d);
    uint8_t *old = make("3.21.0", "3.20.0", 0x44, &len);
    assert_int_equal(tc_firmware_install(d, old, len, TC_TWIN_MODEL_NAME, "3.25.0", &r), -1);
    assert_int_equal(r.code, TC_FW_EDOWNGRADE);
    char *after = snapshot(d);
    assert_string_equal(before, after);
    free(after), free(before), free(old);
    /* no state directory: refused as I/O */
    assert_int_equal(tc_firmware_install(NULL, (const uint8_t *)"x", 1, TC_TWIN_MODEL_NAME, "3.20.0", &r), -1);
    assert_int_equal(r.code, TC_FW_EIO);
    unsetenv(TC_FW_ENV_SLOT);
    rmtree(d);
}

/* 3.21.0 installed over the factory program, into slot a (not confirmed). */
static void install_first(const char *d)
{
    size_t len;
    tc_fw_reason r;
    uint8_t *pkg = make("3.21.0", "3.20.0", 0xA1, &len);
    assert_int_equal(tc_firmware_install(d, pkg, len, TC_TWIN_MODEL_NAME, "3.20.0", &r), 0);
    free(pkg);
}

/* The boot loader confirms a slot after its program reported healthy, and
 * that program serves by then: an upload a client installed through it in
 * between must stand. Before tc_fw_boot_confirm the loader wrote back the
 * state it had read before the boot, and the install was lost (found while
 * reading the code behind a failed power-loss trial, power_loss.py). */
static void confirm_keeps_an_install_made_since_the_boot(void **state)
{
    (void)state;
    if (!tc_fw_builtin_key_is_test)
        skip();
    char *d = tmpdir(), why[600];
    unsetenv(TC_FW_ENV_SLOT);
    size_t len;
    tc_fw_reason r;
    tc_fw_boot_state s;
    install_first(d);
    /* the loader boots slot a (a try counted), its program reports healthy */
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    s.tries = 1;
    assert_int_equal(tc_fw_boot_write(d, &s, why, sizeof(why)), 0);
    assert_int_equal(tc_fw_boot_confirm(d, TC_FW_SLOT_A, why, sizeof(why)), 0);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_A);
    assert_true(s.confirmed);
    assert_int_equal(s.tries, 0);
    /* slot a boots again after a crash, and before the loader confirms
     * it, a client installs 3.22.0 through it */
    s.confirmed = false, s.tries = 1;
    assert_int_equal(tc_fw_boot_write(d, &s, why, sizeof(why)), 0);
    setenv(TC_FW_ENV_SLOT, "a", 1);
    uint8_t *pkg = make("3.22.0", "3.20.0", 0xB2, &len);
    assert_int_equal(tc_firmware_install(d, pkg, len, TC_TWIN_MODEL_NAME, "3.21.0", &r), 0);
    free(pkg);
    unsetenv(TC_FW_ENV_SLOT);
    assert_int_equal(tc_fw_boot_confirm(d, TC_FW_SLOT_A, why, sizeof(why)), 1);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_B);
    assert_int_equal(s.previous, TC_FW_SLOT_A);
    assert_false(s.confirmed);
    assert_int_equal(s.tries, 0);
    /* a damaged boot state is not confirmed over */
    write_file(d, "firmware.boot", (const uint8_t *)"junk\n", 5);
    assert_int_equal(tc_fw_boot_confirm(d, TC_FW_SLOT_B, why, sizeof(why)), -1);
    rmtree(d);
}

/* A slot file damaged on disk is not booted: its load says why. */
/* A slot on trial (booted, not confirmed) falls back to the previous one:
 * an install then, offline or through the trial slot itself, would write
 * over that fallback. It is refused (TC_FW_ETRIAL), nothing changes; once
 * the trial slot is confirmed the same install goes through. */
static void install_never_overwrites_a_trials_fallback(void **state)
{
    (void)state;
    if (!tc_fw_builtin_key_is_test)
        skip();
    char *d = tmpdir(), why[600];
    unsetenv(TC_FW_ENV_SLOT);
    size_t len;
    tc_fw_reason r;
    tc_fw_boot_state s;
    install_first(d);
    assert_int_equal(tc_fw_boot_confirm(d, TC_FW_SLOT_A, why, sizeof(why)), 0); /* a: known good */
    setenv(TC_FW_ENV_SLOT, "a", 1);
    uint8_t *b = make("3.22.0", "3.20.0", 0xB2, &len);
    assert_int_equal(tc_firmware_install(d, b, len, TC_TWIN_MODEL_NAME, "3.21.0", &r), 0);
    /* now b is on trial, a its fallback; the boot file as the loader left it */
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_B);
    assert_int_equal(s.previous, TC_FW_SLOT_A);
    assert_false(s.confirmed);
    uint8_t *c = make("3.23.0", "3.20.0", 0xC3, &len);
    for (int through_b = 0; through_b < 2; through_b++) {
        if (through_b)
            setenv(TC_FW_ENV_SLOT, "b", 1); /* the trial program itself takes the upload */
        else
            unsetenv(TC_FW_ENV_SLOT); /* offline, `twincam firmware install` */
        assert_int_equal(tc_firmware_install(d, c, len, TC_TWIN_MODEL_NAME, "3.22.0", &r), -1);
        assert_int_equal(r.code, TC_FW_ETRIAL);
        assert_non_null(strstr(r.text, "on trial"));
        uint8_t *got;
        size_t n;
        tc_fw_package p;
        assert_int_equal(tc_fw_slot_load(d, TC_FW_SLOT_A, &got, &n, &p, &r), 0);
        assert_string_equal(p.manifest.version, "3.21.0"); /* the fallback untouched */
        free(got);
        assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
        assert_int_equal(s.active, TC_FW_SLOT_B);
        assert_int_equal(s.previous, TC_FW_SLOT_A);
    }
    /* b reports healthy: confirmed, and a may be written */
    assert_int_equal(tc_fw_boot_confirm(d, TC_FW_SLOT_B, why, sizeof(why)), 0);
    assert_int_equal(tc_firmware_install(d, c, len, TC_TWIN_MODEL_NAME, "3.22.0", &r), 0);
    assert_int_equal(tc_fw_boot_read(d, &s, why, sizeof(why)), 0);
    assert_int_equal(s.active, TC_FW_SLOT_A);
    assert_int_equal(s.previous, TC_FW_SLOT_B);
    unsetenv(TC_FW_ENV_SLOT);
    free(b), free(c);
    rmtree(d);
}

static void damaged_slot_does_not_load(void **state)
{
    (void)state;
    if (!tc_fw_builtin_key_is_test)
        skip();
    char *d = tmpdir();
    unsetenv(TC_FW_ENV_SLOT);
    size_t len;
    tc_fw_reason r;
    uint8_t *pkg = make("3.21.0", "3.20.0", 0x55, &len);
    assert_int_equal(tc_firmware_install(d, pkg, len, TC_TWIN_MODEL_NAME, "3.20.0", &r), 0);
    pkg[len / 2] ^= 0x80;
    write_file(d, "firmware.slot-a", pkg, len);
    uint8_t *b;
    size_t n;
    tc_fw_package p;
    assert_int_equal(tc_fw_slot_load(d, TC_FW_SLOT_A, &b, &n, &p, &r), -1);
    assert_null(b);
    assert_non_null(strstr(r.text, "slot a"));
    assert_int_equal(tc_fw_slot_load(d, TC_FW_SLOT_B, &b, &n, &p, &r), -1);
    assert_int_equal(r.code, TC_FW_EIO);
    free(pkg);
    rmtree(d);
}

int main(void)
{
    assert_true(sodium_init() >= 0);
    const char *root = getenv("TWINCAM_SOURCE_ROOT");
    assert_non_null(root);
    char path[1024], why[512];
    snprintf(path, sizeof(path), "%s/keys/test-firmware-key.sec", root);
    if (tc_fw_key_read(path, test_sk, sizeof(test_sk), why, sizeof(why)) != 0) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_state_round_trip),
        cmocka_unit_test(damaged_boot_file_reads_as_factory),
        cmocka_unit_test(install_goes_to_the_other_slot),
        cmocka_unit_test(refused_install_changes_nothing),
        cmocka_unit_test(damaged_slot_does_not_load),
        cmocka_unit_test(confirm_keeps_an_install_made_since_the_boot),
        cmocka_unit_test(install_never_overwrites_a_trials_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
