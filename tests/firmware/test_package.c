/* Firmware packages (src/firmware/package.c, docs/firmware.md): a good
 * package verifies; every altered, truncated, foreign or downgrading one is
 * refused with the reason of its own, never read out of bounds (run under
 * ASan and UBSan too). The packages are made here with the repository's
 * TEST key (keys/) and with keys generated per run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/firmware_version.h"
#include "firmware/keys.h"
#include "firmware/package.h"
#include "firmware/semver.h"
#include "util/endian.h"

static uint8_t test_sk[TC_FW_SECRET_KEY_LEN], test_pk[TC_FW_PUBLIC_KEY_LEN];

static void read_test_keys(void)
{
    const char *root = getenv("TWINCAM_SOURCE_ROOT");
    assert_non_null(root);
    char path[1024], why[512];
    snprintf(path, sizeof(path), "%s/keys/test-firmware-key.sec", root);
    if (tc_fw_key_read(path, test_sk, sizeof(test_sk), why, sizeof(why)) != 0)
        fail_msg("%s", why);
    snprintf(path, sizeof(path), "%s/keys/test-firmware-key.pub", root);
    if (tc_fw_key_read(path, test_pk, sizeof(test_pk), why, sizeof(why)) != 0)
        fail_msg("%s", why);
}

static const tc_fw_target camera = { TC_TWIN_MODEL_NAME, "3.20.0", "3.20.0" };

/* A small package: a program of `n` bytes (a pattern, not a real program:
 * parsing and verifying never run it). */
static uint8_t *make(const char *model, const char *version, const char *min, size_t n,
                     const uint8_t *sk, size_t *len)
{
    uint8_t *prog = malloc(n);
    assert_non_null(prog);
    for (size_t i = 0; i < n; i++)
        prog[i] = (uint8_t)(i * 7 + 3);
    tc_fw_manifest m = { 0 };
    snprintf(m.model, sizeof(m.model), "%s", model);
    snprintf(m.version, sizeof(m.version), "%s", version);
    snprintf(m.min_version, sizeof(m.min_version), "%s", min);
    uint8_t *pkg;
    tc_fw_reason r;
    if (tc_fw_build(&m, prog, n, sk, &pkg, len, &r) != 0)
        fail_msg("build: %s", r.text);
    free(prog);
    return pkg;
}

/* Parse, then integrity with `pk`, then the target rules: the first refusal. */
static tc_fw_refusal check(const uint8_t *b, size_t len, const uint8_t *pk, const tc_fw_target *t,
                           tc_fw_reason *r)
{
    tc_fw_package p;
    if (tc_fw_parse(b, len, &p, r) == 0 && tc_fw_check_integrity(&p, pk, r) == 0)
        tc_fw_check_target(&p.manifest, t, r);
    assert_true(r->code == TC_FW_OK || strlen(r->text) > 0);
    return r->code;
}

static void good_package_verifies(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pkg = make(TC_TWIN_MODEL_NAME, "3.21.4", "3.20.0", 1000, test_sk, &len);
    assert_int_equal(len, TC_FW_HEADER_LEN + TC_FW_MANIFEST_LEN + 1000 + TC_FW_SIGNATURE_LEN);
    assert_memory_equal(pkg, TC_FW_MAGIC, 8);
    tc_fw_package p;
    tc_fw_reason r;
    assert_int_equal(tc_fw_parse(pkg, len, &p, &r), 0);
    assert_string_equal(p.manifest.model, TC_TWIN_MODEL_NAME);
    assert_string_equal(p.manifest.version, "3.21.4");
    assert_string_equal(p.manifest.min_version, "3.20.0");
    assert_int_equal(p.manifest.program_len, 1000);
    assert_int_equal(p.program_len, 1000);
    assert_ptr_equal(p.program, pkg + TC_FW_HEADER_LEN + TC_FW_MANIFEST_LEN);
    assert_int_equal(p.program[999], (uint8_t)(999 * 7 + 3));
    /* the manifest's hash is the program's, computed independently */
    uint8_t sha[32];
    crypto_hash_sha256(sha, p.program, p.program_len);
    assert_memory_equal(sha, p.manifest.sha256, 32);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_OK);
    /* the built-in key of a default build is the test key */
    if (tc_fw_builtin_key_is_test) {
        assert_memory_equal(tc_fw_builtin_public_key, test_pk, 32);
        assert_int_equal(tc_fw_verify(pkg, len, &camera, NULL, &r), 0);
    }
    free(pkg);
}

/* Every byte of a small package flipped in turn: each is refused, with the
 * reason its region calls for. */
static void flipped_byte_in_every_region_is_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pkg = make(TC_TWIN_MODEL_NAME, "3.20.1", "3.20.0", 64, test_sk, &len);
    const size_t man = TC_FW_HEADER_LEN, prog = man + TC_FW_MANIFEST_LEN,
                 sig = prog + 64, sha = man + TC_FW_MANIFEST_LEN - 32;
    unsigned per_code[TC_FW_REFUSAL_COUNT] = { 0 };
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 7) { /* the lowest and the highest bit */
            pkg[i] ^= (uint8_t)(1u << bit);
            tc_fw_reason r;
            tc_fw_refusal c = check(pkg, len, test_pk, &camera, &r);
            pkg[i] ^= (uint8_t)(1u << bit);
            per_code[c]++;
            if (c == TC_FW_OK)
                fail_msg("byte %zu bit %d flipped: accepted", i, bit);
            if (i < man) {
                if (c != TC_FW_EMAGIC && c != TC_FW_EFORMAT && c != TC_FW_EHEADER &&
                    c != TC_FW_ETRUNCATED && c != TC_FW_ETRAILING && c != TC_FW_ETOOLARGE)
                    fail_msg("header byte %zu: %s (%s)", i, tc_fw_refusal_name(c), r.text);
            } else if (i >= sha && i < prog) {
                if (c != TC_FW_EHASH)
                    fail_msg("hash byte %zu: %s (%s)", i, tc_fw_refusal_name(c), r.text);
            } else if (i < prog) {
                /* a text made unreadable, or readable but not what was signed */
                if (c != TC_FW_EMANIFEST && c != TC_FW_ESIGNATURE)
                    fail_msg("manifest byte %zu: %s (%s)", i, tc_fw_refusal_name(c), r.text);
            } else if (i < sig) {
                if (c != TC_FW_EHASH)
                    fail_msg("program byte %zu: %s (%s)", i, tc_fw_refusal_name(c), r.text);
            } else if (c != TC_FW_ESIGNATURE) {
                fail_msg("signature byte %zu: %s (%s)", i, tc_fw_refusal_name(c), r.text);
            }
        }
    }
    /* each region was reached */
    assert_true(per_code[TC_FW_EMAGIC] > 0);
    assert_true(per_code[TC_FW_EHEADER] > 0);
    assert_true(per_code[TC_FW_EMANIFEST] > 0);
    assert_true(per_code[TC_FW_ESIGNATURE] >= 2 * 64);
    assert_true(per_code[TC_FW_EHASH] >= 2 * (64 + 32));
    free(pkg);
}

static void other_key_is_refused(void **state)
{
    (void)state;
    uint8_t pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    size_t len;
    uint8_t *pkg = make(TC_TWIN_MODEL_NAME, "3.20.0", "3.20.0", 200, sk, &len);
    tc_fw_reason r;
    /* good with its own key, refused with the camera's */
    assert_int_equal(check(pkg, len, pk, &camera, &r), TC_FW_OK);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_ESIGNATURE);
    assert_non_null(strstr(r.text, "another key"));
    if (tc_fw_builtin_key_is_test) {
        assert_int_equal(tc_fw_verify(pkg, len, &camera, NULL, &r), -1);
        assert_int_equal(r.code, TC_FW_ESIGNATURE);
    }
    free(pkg);
}

static void truncated_at_every_offset_is_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pkg = make(TC_TWIN_MODEL_NAME, "3.20.0", "3.20.0", 48, test_sk, &len);
    for (size_t n = 0; n < len; n++) {
        /* a copy of exactly n bytes, so ASan sees any read past them */
        uint8_t *cut = malloc(n ? n : 1);
        assert_non_null(cut);
        memcpy(cut, pkg, n);
        tc_fw_reason r;
        tc_fw_refusal c = check(cut, n, test_pk, &camera, &r);
        if (c != TC_FW_ETRUNCATED)
            fail_msg("cut at %zu: %s (%s)", n, tc_fw_refusal_name(c), r.text);
        free(cut);
    }
    /* and one byte too many */
    uint8_t *more = malloc(len + 1);
    assert_non_null(more);
    memcpy(more, pkg, len);
    more[len] = 0;
    tc_fw_reason r;
    assert_int_equal(check(more, len + 1, test_pk, &camera, &r), TC_FW_ETRAILING);
    free(more);
    free(pkg);
}

static void wrong_model_is_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pkg = make("IMX477-12MP", "3.20.0", "3.20.0", 16, test_sk, &len);
    tc_fw_reason r;
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EMODEL);
    assert_non_null(strstr(r.text, "IMX477-12MP"));
    free(pkg);
}

static void downgrades_are_refused(void **state)
{
    (void)state;
    tc_fw_reason r;
    size_t len;
    /* below the first supported firmware, whatever runs */
    uint8_t *pkg = make(TC_TWIN_MODEL_NAME, "3.19.9", "3.0.0", 16, test_sk, &len);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EFLOOR);
    free(pkg);
    /* 3.9.0 is older than 3.20.0 (a text comparison says otherwise) */
    pkg = make(TC_TWIN_MODEL_NAME, "3.9.0", "3.0.0", 16, test_sk, &len);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EFLOOR);
    free(pkg);
    /* below the running camera's minimum */
    pkg = make(TC_TWIN_MODEL_NAME, "3.21.0", "3.20.0", 16, test_sk, &len);
    tc_fw_target newer = { TC_TWIN_MODEL_NAME, "3.25.0", "3.22.0" };
    assert_int_equal(check(pkg, len, test_pk, &newer, &r), TC_FW_EDOWNGRADE);
    /* the same package on a camera whose minimum it meets */
    tc_fw_target older = { TC_TWIN_MODEL_NAME, "3.25.0", "3.21.0" };
    assert_int_equal(check(pkg, len, test_pk, &older, &r), TC_FW_OK);
    free(pkg);
    /* a package that replaces only 3.24 and later, on a 3.20.0 camera */
    pkg = make(TC_TWIN_MODEL_NAME, "3.30.0", "3.24.0", 16, test_sk, &len);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EREPLACE);
    tc_fw_target on324 = { TC_TWIN_MODEL_NAME, "3.24.0", "3.20.0" };
    assert_int_equal(check(pkg, len, test_pk, &on324, &r), TC_FW_OK);
    free(pkg);
}

static void semantic_versions(void **state)
{
    (void)state;
    tc_semver a, b;
    assert_true(tc_semver_parse("3.9.0", &a));
    assert_true(tc_semver_parse("3.20.0", &b));
    assert_true(tc_semver_cmp(&a, &b) < 0);
    assert_true(tc_semver_parse("3.100.0", &a));
    assert_true(tc_semver_cmp(&a, &b) > 0);
    assert_true(tc_semver_parse("3.20.0", &a));
    assert_int_equal(tc_semver_cmp(&a, &b), 0);
    assert_true(tc_semver_parse("999999999.0.1", &a));
    assert_int_equal(a.major, 999999999ul);
    static const char *const bad[] = { "", "3", "3.20", "3.20.", ".3.20", "3.20.0.1", "03.20.0",
                                       "3.020.0", "3.20.0-rc1", "+3.20.0", "-3.20.0", "3.20.0 ",
                                       "1000000000.0.0", "3..0", "a.b.c" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (tc_semver_parse(bad[i], &a))
            fail_msg("'%s' parsed as a version", bad[i]);
}

/* Header lengths far beyond the bytes there are, or beyond the bounds:
 * refused without reading or allocating them. */
static void oversize_lengths_are_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pkg = make(TC_TWIN_MODEL_NAME, "3.20.0", "3.20.0", 16, test_sk, &len);
    tc_fw_reason r;
    static const uint64_t plens[] = { TC_FW_PROGRAM_MAX + 1ull, UINT32_MAX, UINT64_MAX,
                                      UINT64_MAX - 200 };
    for (size_t i = 0; i < sizeof(plens) / sizeof(plens[0]); i++) {
        tc_store_le64(pkg + 16, plens[i]);
        assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_ETOOLARGE);
    }
    tc_store_le64(pkg + 16, TC_FW_PROGRAM_MAX); /* in bounds, but not there */
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_ETRUNCATED);
    tc_store_le64(pkg + 16, 0);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EHEADER);
    tc_store_le64(pkg + 16, 16);
    tc_store_le32(pkg + 12, UINT32_MAX); /* manifest length */
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EHEADER);
    tc_store_le32(pkg + 12, TC_FW_MANIFEST_LEN);
    tc_store_le32(pkg + 24, UINT32_MAX); /* signature length */
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EHEADER);
    tc_store_le32(pkg + 24, TC_FW_SIGNATURE_LEN);
    tc_store_le16(pkg + 10, 0xFFFF); /* header length */
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_EHEADER);
    tc_store_le16(pkg + 10, TC_FW_HEADER_LEN);
    assert_int_equal(check(pkg, len, test_pk, &camera, &r), TC_FW_OK);
    free(pkg);
    /* more bytes than any package has: refused before anything is read
     * past the magic (calloc's pages stay untouched) */
    uint8_t *huge = calloc(1, TC_FW_PACKAGE_MAX + 1);
    assert_non_null(huge);
    memcpy(huge, TC_FW_MAGIC, 8);
    assert_int_equal(check(huge, TC_FW_PACKAGE_MAX + 1, test_pk, &camera, &r), TC_FW_ETOOLARGE);
    free(huge);
}

static void build_refuses_bad_manifests(void **state)
{
    (void)state;
    static const struct {
        const char *model, *version, *min;
    } bad[] = {
        { "", "3.20.0", "3.20.0" },
        { "IMX412C-12MP-twin", "3.20", "3.20.0" },
        { "IMX412C-12MP-twin", "3.20.0", "latest" },
        { "model\twith a tab", "3.20.0", "3.20.0" },
        { "a-model-name-of-sixty-four-characters-which-is-one-too-many-xxxx", "3.20.0", "3.20.0" },
    };
    uint8_t prog[4] = { 1, 2, 3, 4 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tc_fw_manifest m = { 0 };
        memcpy(m.model, bad[i].model, strnlen(bad[i].model, sizeof(m.model)));
        if (strlen(bad[i].model) >= sizeof(m.model))
            memset(m.model, 'x', sizeof(m.model)); /* no terminator at all */
        snprintf(m.version, sizeof(m.version), "%s", bad[i].version);
        snprintf(m.min_version, sizeof(m.min_version), "%s", bad[i].min);
        uint8_t *out = (uint8_t *)"untouched";
        size_t len = 99;
        tc_fw_reason r;
        assert_int_equal(tc_fw_build(&m, prog, sizeof(prog), test_sk, &out, &len, &r), -1);
        assert_int_equal(r.code, TC_FW_EMANIFEST);
        assert_null(out);
        assert_int_equal(len, 0);
    }
    tc_fw_manifest m = { TC_TWIN_MODEL_NAME, "3.20.0", "3.20.0", 0, { 0 } };
    uint8_t *out;
    size_t len;
    tc_fw_reason r;
    assert_int_equal(tc_fw_build(&m, prog, 0, test_sk, &out, &len, &r), -1);
    assert_int_equal(r.code, TC_FW_EHEADER);
}

static void key_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/tc-fw-keys-XXXXXX", path[256], why[512];
    assert_non_null(mkdtemp(dir));
    uint8_t pk[32], sk[64], back[64];
    crypto_sign_keypair(pk, sk);
    snprintf(path, sizeof(path), "%s/k.sec", dir);
    assert_int_equal(tc_fw_key_write(path, "test", sk, 64, 1, why, sizeof(why)), 0);
    assert_int_equal(tc_fw_key_read(path, back, 64, why, sizeof(why)), 0);
    assert_memory_equal(back, sk, 64);
    /* never replaces a key */
    assert_int_equal(tc_fw_key_write(path, "test", pk, 32, 0, why, sizeof(why)), -1);
    /* a secret key is not a public key */
    assert_int_equal(tc_fw_key_read(path, back, 32, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "64 hex digits"));
    unlink(path);
    static const char *const bad[] = { "", "# only a comment\n", "zz\n", "0011\n0011\n" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(bad[i], fp);
        fclose(fp);
        assert_int_equal(tc_fw_key_read(path, back, 2, why, sizeof(why)), -1);
        assert_true(strlen(why) > 0);
        unlink(path);
    }
    assert_int_equal(tc_fw_key_read("/nonexistent/k.pub", back, 32, why, sizeof(why)), -1);
    rmdir(dir);
}

int main(void)
{
    assert_true(sodium_init() >= 0);
    read_test_keys();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_package_verifies),
        cmocka_unit_test(flipped_byte_in_every_region_is_refused),
        cmocka_unit_test(other_key_is_refused),
        cmocka_unit_test(truncated_at_every_offset_is_refused),
        cmocka_unit_test(wrong_model_is_refused),
        cmocka_unit_test(downgrades_are_refused),
        cmocka_unit_test(semantic_versions),
        cmocka_unit_test(oversize_lengths_are_refused),
        cmocka_unit_test(build_refuses_bad_manifests),
        cmocka_unit_test(key_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
