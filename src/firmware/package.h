/* Firmware packages (docs/firmware.md): the one format an update arrives
 * in, whatever port it came through.
 *
 *   offset  length        what
 *   0       32            header: magic "TWINCAMF", format version 1,
 *                         header length 32, manifest length 168,
 *                         program length, signature length 64, reserved 0
 *   32      168           manifest: model, version, minimum version it may
 *                         replace, program length, SHA-256 of the program
 *   200     program len   the program (an executable the boot loader runs)
 *   200+P   64            ed25519 signature over every byte before it
 *
 * Integers little-endian. Made and checked with libsodium
 * (crypto_sign_detached, crypto_sign_verify_detached, crypto_hash_sha256).
 * A package is hostile input: tc_fw_parse checks every length against the
 * bytes there are and a total bound before it reads a field, and every
 * refusal carries a code of its own and a sentence. */
#ifndef TC_FIRMWARE_PACKAGE_H
#define TC_FIRMWARE_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#define TC_FW_MAGIC "TWINCAMF" /* 8 bytes, no NUL */
#define TC_FW_FORMAT_VERSION 1
#define TC_FW_HEADER_LEN 32u
#define TC_FW_MANIFEST_LEN 168u
#define TC_FW_SIGNATURE_LEN 64u /* crypto_sign_BYTES */
#define TC_FW_PUBLIC_KEY_LEN 32u /* crypto_sign_PUBLICKEYBYTES */
#define TC_FW_SECRET_KEY_LEN 64u /* crypto_sign_SECRETKEYBYTES */
#define TC_FW_SHA256_LEN 32u
/* The largest program accepted: a twincam build is 1-2 MB (tens under the
 * sanitizers); a package is stored twice (two slots) and crosses a link at
 * GenICam file-access speed, so anything far larger is not ours. */
#define TC_FW_PROGRAM_MAX (64u * 1024u * 1024u)
#define TC_FW_PACKAGE_MAX                                                                          \
    ((size_t)TC_FW_HEADER_LEN + TC_FW_MANIFEST_LEN + TC_FW_PROGRAM_MAX + TC_FW_SIGNATURE_LEN)
/* Manifest text fields, NUL-padded; the text itself is shorter by one. */
#define TC_FW_MODEL_FIELD 64u
#define TC_FW_VERSION_FIELD 32u

/* Why a package was refused: one code per rule, so a client (and a test)
 * can tell them apart; the sentence in tc_fw_reason says the details. */
typedef enum tc_fw_refusal {
    TC_FW_OK = 0,
    TC_FW_ETRUNCATED,  /* fewer bytes than the header, or than its lengths add up to */
    TC_FW_EMAGIC,      /* not a twincam firmware package */
    TC_FW_EFORMAT,     /* a format version this build does not read */
    TC_FW_EHEADER,     /* header, manifest or signature length, or reserved field, wrong */
    TC_FW_ETOOLARGE,   /* program or package over its bound */
    TC_FW_ETRAILING,   /* bytes after the signature */
    TC_FW_EMANIFEST,   /* a manifest field malformed */
    TC_FW_EHASH,       /* the program's SHA-256 is not the manifest's */
    TC_FW_ESIGNATURE,  /* the signature does not hold with the key */
    TC_FW_EMODEL,      /* made for another model */
    TC_FW_EFLOOR,      /* version below 3.20.0, the first supported firmware */
    TC_FW_EDOWNGRADE,  /* version below the running camera's minimum */
    TC_FW_EREPLACE,    /* the running firmware is older than the package may replace */
    TC_FW_EIO,         /* reading, writing or memory (not the package's fault) */
    TC_FW_ETRIAL,      /* the running slot is on trial: its fallback may not be written over */
    TC_FW_REFUSAL_COUNT
} tc_fw_refusal;

typedef struct tc_fw_reason {
    tc_fw_refusal code;
    char text[256];
} tc_fw_reason;

/* The code's name, e.g. "signature" (for logs and FileOperationStatus-like
 * reports). */
const char *tc_fw_refusal_name(tc_fw_refusal code);
/* Fill *r with code and the formatted sentence; returns -1 (for `return
 * tc_fw_refuse(...)` in the code that refuses). */
__attribute__((format(printf, 3, 4))) int tc_fw_refuse(tc_fw_reason *r, tc_fw_refusal code,
                                                       const char *fmt, ...);

typedef struct tc_fw_manifest {
    char model[TC_FW_MODEL_FIELD];         /* DeviceModelName it is for */
    char version[TC_FW_VERSION_FIELD];     /* MAJOR.MINOR.PATCH, DeviceFirmwareVersion once it runs */
    char min_version[TC_FW_VERSION_FIELD]; /* the oldest running firmware it may replace */
    uint64_t program_len;
    uint8_t sha256[TC_FW_SHA256_LEN];
} tc_fw_manifest;

/* A parsed package: the manifest copied out, the rest pointing into the
 * caller's bytes (valid while they are). */
typedef struct tc_fw_package {
    tc_fw_manifest manifest;
    const uint8_t *program;
    size_t program_len;
    const uint8_t *signature; /* TC_FW_SIGNATURE_LEN bytes */
    size_t signed_len;        /* bytes the signature covers, from the start */
} tc_fw_package;

/* Make a package (malloc'd into *out) of `program` with the manifest's
 * model, version and min_version (its length and hash are computed),
 * signed with the 64-byte libsodium secret key. The texts must pass the
 * same checks tc_fw_parse makes. Returns 0, or -1 with *reason. */
int tc_fw_build(const tc_fw_manifest *m, const uint8_t *program, size_t program_len,
                const uint8_t secret_key[TC_FW_SECRET_KEY_LEN], uint8_t **out, size_t *out_len,
                tc_fw_reason *reason);

/* Structure only: every length and field, no cryptography. Returns 0 and
 * fills *p, or -1 with *reason. Never reads outside bytes[0..len). */
int tc_fw_parse(const uint8_t *bytes, size_t len, tc_fw_package *p, tc_fw_reason *reason);

/* The program's SHA-256 against the manifest's, then the signature with
 * `public_key`. Returns 0, or -1 with *reason. */
int tc_fw_check_integrity(const tc_fw_package *p, const uint8_t public_key[TC_FW_PUBLIC_KEY_LEN],
                          tc_fw_reason *reason);

/* The camera a package is to be installed on. */
typedef struct tc_fw_target {
    const char *model;           /* DeviceModelName */
    const char *running_version; /* DeviceFirmwareVersion now */
    const char *running_min;     /* the running firmware's own minimum (its
                                    manifest's min_version; TC_FIRMWARE_FLOOR
                                    for the factory program) */
} tc_fw_target;

/* The install rules on a manifest: model equal; version >= 3.20.0 (the
 * floor), >= running_min (never back below what the running firmware
 * needs), and running_version >= its min_version. Versions compared as
 * numbers (semver.h). Returns 0, or -1 with *reason. */
int tc_fw_check_target(const tc_fw_manifest *m, const tc_fw_target *t, tc_fw_reason *reason);

/* All of it, with the built-in public key: parse, integrity, target.
 * `p` may be NULL. Returns 0, or -1 with *reason. */
int tc_fw_verify(const uint8_t *bytes, size_t len, const tc_fw_target *t, tc_fw_package *p,
                 tc_fw_reason *reason);

#endif
