/* Firmware signing keys (keys.c): the public key built into this camera,
 * and key files.
 *
 * A key file is text: lines starting with '#' are comments, the one other
 * line is the key in hexadecimal (64 digits for an ed25519 public key, 128
 * for a libsodium secret key, which is the seed followed by the public
 * key). keys/test-firmware-key.{pub,sec} are the repository's TEST pair:
 * public, for tests only. */
#ifndef TC_FIRMWARE_KEYS_H
#define TC_FIRMWARE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "firmware/package.h"

/* Generated at build time from meson's firmware_public_key option (default
 * keys/test-firmware-key.pub) by src/firmware/embed_key.py. */
extern const uint8_t tc_fw_builtin_public_key[TC_FW_PUBLIC_KEY_LEN];
extern const char tc_fw_builtin_key_source[]; /* the .pub file's name */
extern const int tc_fw_builtin_key_is_test;   /* 1: the public test key */

/* Read a key of exactly `len` bytes from a key file (hostile input: a
 * regular file of at most 4 KiB, one hex line). Returns 0, or -1 with the
 * reason in why. */
int tc_fw_key_read(const char *path, uint8_t *key, size_t len, char *why, size_t cap);

/* Write `len` key bytes as a key file with a comment line, all or nothing,
 * mode 0600 for a secret key (`secret`), 0644 otherwise. Refuses to replace
 * an existing file. Returns 0, or -1 with why. */
int tc_fw_key_write(const char *path, const char *comment, const uint8_t *key, size_t len,
                    int secret, char *why, size_t cap);

/* A new key pair: PREFIX.pub and PREFIX.sec (0600), neither replacing a
 * file. Returns 0, or -1 with why (and neither file left behind). */
int tc_fw_keygen(const char *prefix, char *why, size_t cap);

#endif
