/* Firmware packages (package.h, docs/firmware.md): build, parse, verify.
 * The cryptography is libsodium's; this file only lays bytes out and
 * checks them. */
#include "firmware/package.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/firmware_version.h"
#include "firmware/keys.h"
#include "firmware/semver.h"
#include "util/endian.h"

/* Header fields (offsets in the header). */
enum {
    H_MAGIC = 0,          /* 8 bytes */
    H_FORMAT = 8,         /* u16 */
    H_HEADER_LEN = 10,    /* u16 */
    H_MANIFEST_LEN = 12,  /* u32 */
    H_PROGRAM_LEN = 16,   /* u64 */
    H_SIGNATURE_LEN = 24, /* u32 */
    H_RESERVED = 28,      /* u32, 0 */
};
/* Manifest fields (offsets in the manifest). */
enum {
    M_MODEL = 0,                                        /* 64 bytes, NUL-padded */
    M_VERSION = M_MODEL + TC_FW_MODEL_FIELD,            /* 32 */
    M_MIN_VERSION = M_VERSION + TC_FW_VERSION_FIELD,    /* 32 */
    M_PROGRAM_LEN = M_MIN_VERSION + TC_FW_VERSION_FIELD, /* u64 */
    M_SHA256 = M_PROGRAM_LEN + 8,                       /* 32 */
    M_END = M_SHA256 + TC_FW_SHA256_LEN,
};
_Static_assert(M_END == TC_FW_MANIFEST_LEN, "manifest layout");
_Static_assert(TC_FW_SIGNATURE_LEN == crypto_sign_BYTES, "ed25519 signature size");
_Static_assert(TC_FW_PUBLIC_KEY_LEN == crypto_sign_PUBLICKEYBYTES, "ed25519 public key size");
_Static_assert(TC_FW_SECRET_KEY_LEN == crypto_sign_SECRETKEYBYTES, "ed25519 secret key size");
_Static_assert(TC_FW_SHA256_LEN == crypto_hash_sha256_BYTES, "SHA-256 size");

static const char *const refusal_names[TC_FW_REFUSAL_COUNT] = {
    [TC_FW_OK] = "ok",
    [TC_FW_ETRUNCATED] = "truncated",
    [TC_FW_EMAGIC] = "not a package",
    [TC_FW_EFORMAT] = "format version",
    [TC_FW_EHEADER] = "header",
    [TC_FW_ETOOLARGE] = "too large",
    [TC_FW_ETRAILING] = "trailing bytes",
    [TC_FW_EMANIFEST] = "manifest",
    [TC_FW_EHASH] = "hash",
    [TC_FW_ESIGNATURE] = "signature",
    [TC_FW_EMODEL] = "model",
    [TC_FW_EFLOOR] = "below 3.20",
    [TC_FW_EDOWNGRADE] = "downgrade",
    [TC_FW_EREPLACE] = "cannot replace the running firmware",
    [TC_FW_EIO] = "i/o",
    [TC_FW_ETRIAL] = "on trial",
};

const char *tc_fw_refusal_name(tc_fw_refusal code)
{
    return (unsigned)code < TC_FW_REFUSAL_COUNT ? refusal_names[code] : "unknown";
}

int tc_fw_refuse(tc_fw_reason *r, tc_fw_refusal code, const char *fmt, ...)
{
    r->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->text, sizeof(r->text), fmt, ap);
    va_end(ap);
    return -1;
}

#define refuse tc_fw_refuse

static void ok(tc_fw_reason *r)
{
    r->code = TC_FW_OK;
    snprintf(r->text, sizeof(r->text), "ok");
}

/* A manifest text field: printable ASCII, at least one character, then NUL
 * to the field's end (one spelling per text, so the signature covers
 * exactly what is read). Copies the text into out[field]. */
static int text_field(const uint8_t *f, size_t field, const char *what, char *out,
                      tc_fw_reason *r)
{
    size_t n = 0;
    while (n < field && f[n] != 0) {
        if (f[n] < 0x20 || f[n] > 0x7e)
            return refuse(r, TC_FW_EMANIFEST, "manifest %s: byte 0x%02x at %zu is not printable",
                          what, f[n], n);
        n++;
    }
    if (n == 0)
        return refuse(r, TC_FW_EMANIFEST, "manifest %s is empty", what);
    if (n == field)
        return refuse(r, TC_FW_EMANIFEST, "manifest %s fills its %zu bytes without an end", what,
                      field);
    for (size_t k = n; k < field; k++)
        if (f[k] != 0)
            return refuse(r, TC_FW_EMANIFEST, "manifest %s: padding byte %zu is not zero", what, k);
    memcpy(out, f, n + 1);
    return 0;
}

static int version_field(const uint8_t *f, const char *what, char *out, tc_fw_reason *r)
{
    if (text_field(f, TC_FW_VERSION_FIELD, what, out, r) != 0)
        return -1;
    tc_semver v;
    if (!tc_semver_parse(out, &v))
        return refuse(r, TC_FW_EMANIFEST, "manifest %s '%s' is not MAJOR.MINOR.PATCH", what, out);
    return 0;
}

int tc_fw_parse(const uint8_t *b, size_t len, tc_fw_package *p, tc_fw_reason *r)
{
    memset(p, 0, sizeof(*p));
    if (len == 0)
        return refuse(r, TC_FW_ETRUNCATED, "no bytes at all");
    size_t magic_have = len < 8 ? len : 8;
    if (memcmp(b, TC_FW_MAGIC, magic_have) != 0)
        return refuse(r, TC_FW_EMAGIC, "not a twincam firmware package (no '%s' at the start)",
                      TC_FW_MAGIC);
    if (len > TC_FW_PACKAGE_MAX)
        return refuse(r, TC_FW_ETOOLARGE, "%zu bytes, a package has at most %zu", len,
                      (size_t)TC_FW_PACKAGE_MAX);
    if (len < TC_FW_HEADER_LEN)
        return refuse(r, TC_FW_ETRUNCATED, "%zu bytes, shorter than the %u-byte header", len,
                      TC_FW_HEADER_LEN);
    unsigned format = tc_load_le16(b + H_FORMAT);
    if (format != TC_FW_FORMAT_VERSION)
        return refuse(r, TC_FW_EFORMAT, "format version %u, this camera reads %u", format,
                      TC_FW_FORMAT_VERSION);
    unsigned hlen = tc_load_le16(b + H_HEADER_LEN);
    uint32_t mlen = tc_load_le32(b + H_MANIFEST_LEN), slen = tc_load_le32(b + H_SIGNATURE_LEN);
    uint64_t plen = tc_load_le64(b + H_PROGRAM_LEN);
    if (hlen != TC_FW_HEADER_LEN)
        return refuse(r, TC_FW_EHEADER, "header length %u, format 1 has %u", hlen, TC_FW_HEADER_LEN);
    if (mlen != TC_FW_MANIFEST_LEN)
        return refuse(r, TC_FW_EHEADER, "manifest length %u, format 1 has %u", (unsigned)mlen,
                      TC_FW_MANIFEST_LEN);
    if (slen != TC_FW_SIGNATURE_LEN)
        return refuse(r, TC_FW_EHEADER, "signature length %u, an ed25519 signature has %u",
                      (unsigned)slen, TC_FW_SIGNATURE_LEN);
    if (tc_load_le32(b + H_RESERVED) != 0)
        return refuse(r, TC_FW_EHEADER, "reserved header field is not zero");
    if (plen == 0)
        return refuse(r, TC_FW_EHEADER, "the program is empty");
    if (plen > TC_FW_PROGRAM_MAX)
        return refuse(r, TC_FW_ETOOLARGE, "program of %llu bytes, at most %u",
                      (unsigned long long)plen, TC_FW_PROGRAM_MAX);
    /* Every length is bounded now, so the sum cannot overflow. */
    size_t total = TC_FW_HEADER_LEN + TC_FW_MANIFEST_LEN + (size_t)plen + TC_FW_SIGNATURE_LEN;
    if (len < total)
        return refuse(r, TC_FW_ETRUNCATED, "%zu bytes, the header's lengths add up to %zu", len,
                      total);
    if (len > total)
        return refuse(r, TC_FW_ETRAILING, "%zu bytes after the signature", len - total);

    const uint8_t *m = b + TC_FW_HEADER_LEN;
    tc_fw_manifest *mf = &p->manifest;
    if (text_field(m + M_MODEL, TC_FW_MODEL_FIELD, "model", mf->model, r) != 0 ||
        version_field(m + M_VERSION, "version", mf->version, r) != 0 ||
        version_field(m + M_MIN_VERSION, "minimum version", mf->min_version, r) != 0)
        return -1;
    mf->program_len = tc_load_le64(m + M_PROGRAM_LEN);
    if (mf->program_len != plen)
        return refuse(r, TC_FW_EMANIFEST, "manifest program length %llu, the header's %llu",
                      (unsigned long long)mf->program_len, (unsigned long long)plen);
    memcpy(mf->sha256, m + M_SHA256, TC_FW_SHA256_LEN);
    p->program = m + TC_FW_MANIFEST_LEN;
    p->program_len = (size_t)plen;
    p->signed_len = total - TC_FW_SIGNATURE_LEN;
    p->signature = b + p->signed_len;
    ok(r);
    return 0;
}

int tc_fw_check_integrity(const tc_fw_package *p, const uint8_t public_key[TC_FW_PUBLIC_KEY_LEN],
                          tc_fw_reason *r)
{
    if (sodium_init() < 0)
        return refuse(r, TC_FW_EIO, "libsodium did not initialise");
    uint8_t sha[TC_FW_SHA256_LEN];
    crypto_hash_sha256(sha, p->program, p->program_len);
    if (sodium_memcmp(sha, p->manifest.sha256, sizeof(sha)) != 0)
        return refuse(r, TC_FW_EHASH, "the program's SHA-256 is not the manifest's");
    /* The signature covers the hash, so both hold or the package was
     * altered after signing or signed with another key. */
    const uint8_t *signed_bytes = p->signature - p->signed_len;
    if (crypto_sign_verify_detached(p->signature, signed_bytes, p->signed_len, public_key) != 0)
        return refuse(r, TC_FW_ESIGNATURE,
                      "the signature does not hold with this camera's key (altered, or signed "
                      "with another key)");
    ok(r);
    return 0;
}

int tc_fw_check_target(const tc_fw_manifest *m, const tc_fw_target *t, tc_fw_reason *r)
{
    tc_semver v, min, floor, run, run_min;
    if (strcmp(m->model, t->model) != 0)
        return refuse(r, TC_FW_EMODEL, "package is for model '%s', this camera is '%s'", m->model,
                      t->model);
    if (!tc_semver_parse(m->version, &v) || !tc_semver_parse(m->min_version, &min))
        return refuse(r, TC_FW_EMANIFEST, "manifest versions are not MAJOR.MINOR.PATCH");
    if (!tc_semver_parse(TC_FIRMWARE_FLOOR, &floor))
        return refuse(r, TC_FW_EIO, "the built-in floor is not a version");
    if (tc_semver_cmp(&v, &floor) < 0)
        return refuse(r, TC_FW_EFLOOR, "version %s is below %s, the first supported firmware",
                      m->version, TC_FIRMWARE_FLOOR);
    if (!tc_semver_parse(t->running_version, &run))
        return refuse(r, TC_FW_EIO, "the running version '%s' is not MAJOR.MINOR.PATCH",
                      t->running_version);
    if (t->running_min) {
        if (!tc_semver_parse(t->running_min, &run_min))
            return refuse(r, TC_FW_EIO, "the running minimum '%s' is not MAJOR.MINOR.PATCH",
                          t->running_min);
        if (tc_semver_cmp(&v, &run_min) < 0)
            return refuse(r, TC_FW_EDOWNGRADE,
                          "version %s is below %s, the oldest the running firmware may go back to",
                          m->version, t->running_min);
    }
    if (tc_semver_cmp(&run, &min) < 0)
        return refuse(r, TC_FW_EREPLACE, "the package replaces %s and later, this camera runs %s",
                      m->min_version, t->running_version);
    ok(r);
    return 0;
}

int tc_fw_verify(const uint8_t *bytes, size_t len, const tc_fw_target *t, tc_fw_package *p,
                 tc_fw_reason *r)
{
    tc_fw_package own;
    if (!p)
        p = &own;
    if (tc_fw_parse(bytes, len, p, r) != 0 ||
        tc_fw_check_integrity(p, tc_fw_builtin_public_key, r) != 0)
        return -1;
    return tc_fw_check_target(&p->manifest, t, r);
}

/* A manifest text into its NUL-padded field; false if it does not fit. */
static bool put_text(uint8_t *f, size_t field, const char *s)
{
    size_t n = strnlen(s, field);
    if (n >= field)
        return false;
    memset(f, 0, field);
    memcpy(f, s, n);
    return true;
}

int tc_fw_build(const tc_fw_manifest *m, const uint8_t *program, size_t program_len,
                const uint8_t secret_key[TC_FW_SECRET_KEY_LEN], uint8_t **out, size_t *out_len,
                tc_fw_reason *r)
{
    *out = NULL;
    *out_len = 0;
    if (sodium_init() < 0)
        return refuse(r, TC_FW_EIO, "libsodium did not initialise");
    if (program_len == 0)
        return refuse(r, TC_FW_EHEADER, "the program is empty");
    if (program_len > TC_FW_PROGRAM_MAX)
        return refuse(r, TC_FW_ETOOLARGE, "program of %zu bytes, at most %u", program_len,
                      TC_FW_PROGRAM_MAX);
    size_t total = TC_FW_HEADER_LEN + TC_FW_MANIFEST_LEN + program_len + TC_FW_SIGNATURE_LEN;
    uint8_t *b = calloc(1, total);
    if (!b)
        return refuse(r, TC_FW_EIO, "no memory for a %zu-byte package", total);
    memcpy(b + H_MAGIC, TC_FW_MAGIC, 8);
    tc_store_le16(b + H_FORMAT, TC_FW_FORMAT_VERSION);
    tc_store_le16(b + H_HEADER_LEN, TC_FW_HEADER_LEN);
    tc_store_le32(b + H_MANIFEST_LEN, TC_FW_MANIFEST_LEN);
    tc_store_le64(b + H_PROGRAM_LEN, program_len);
    tc_store_le32(b + H_SIGNATURE_LEN, TC_FW_SIGNATURE_LEN);
    uint8_t *mb = b + TC_FW_HEADER_LEN;
    if (!put_text(mb + M_MODEL, TC_FW_MODEL_FIELD, m->model) ||
        !put_text(mb + M_VERSION, TC_FW_VERSION_FIELD, m->version) ||
        !put_text(mb + M_MIN_VERSION, TC_FW_VERSION_FIELD, m->min_version)) {
        free(b);
        return refuse(r, TC_FW_EMANIFEST, "model (at most %u characters) or a version (at most "
                      "%u) too long", TC_FW_MODEL_FIELD - 1, TC_FW_VERSION_FIELD - 1);
    }
    tc_store_le64(mb + M_PROGRAM_LEN, program_len);
    crypto_hash_sha256(mb + M_SHA256, program, program_len);
    memcpy(mb + TC_FW_MANIFEST_LEN, program, program_len);
    size_t signed_len = total - TC_FW_SIGNATURE_LEN;
    crypto_sign_detached(b + signed_len, NULL, b, signed_len, secret_key);
    /* What the camera will check, checked here: a package this makes parses. */
    tc_fw_package p;
    if (tc_fw_parse(b, total, &p, r) != 0) {
        free(b);
        return -1;
    }
    *out = b;
    *out_len = total;
    ok(r);
    return 0;
}
