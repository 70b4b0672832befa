/* Firmware signing key files (keys.h). Hex through libsodium's codecs. */
#include "firmware/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util/file_open.h"

#define KEY_FILE_MAX 4096u

int tc_fw_key_read(const char *path, uint8_t *key, size_t len, char *why, size_t cap)
{
    if (sodium_init() < 0) {
        snprintf(why, cap, "libsodium did not initialise");
        return -1;
    }
    char err[256];
    int fd = tc_file_open_read(AT_FDCWD, path, 0, KEY_FILE_MAX, err, sizeof(err));
    if (fd < 0) {
        snprintf(why, cap, "key file %s: %s", path, err);
        return -1;
    }
    char text[KEY_FILE_MAX + 1];
    size_t n = 0;
    for (;;) {
        ssize_t k = read(fd, text + n, KEY_FILE_MAX - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    text[n] = 0;
    int found = 0, rc = -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line[strcspn(line, "\r")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (found++) {
            snprintf(why, cap, "key file %s holds more than one key line", path);
            rc = -1;
            break;
        }
        size_t got = 0;
        const char *end = NULL;
        if (strlen(line) != 2 * len ||
            sodium_hex2bin(key, len, line, strlen(line), NULL, &got, &end) != 0 || got != len ||
            *end != 0) {
            snprintf(why, cap, "key file %s: the key line is not %zu hex digits", path, 2 * len);
            rc = -1;
            break;
        }
        rc = 0;
    }
    if (!found)
        snprintf(why, cap, "key file %s holds no key line", path);
    sodium_memzero(text, sizeof(text));
    if (rc != 0)
        sodium_memzero(key, len);
    return rc;
}

int tc_fw_key_write(const char *path, const char *comment, const uint8_t *key, size_t len,
                    int secret, char *why, size_t cap)
{
    char *hex = malloc(2 * len + 1);
    if (!hex) {
        snprintf(why, cap, "no memory");
        return -1;
    }
    sodium_bin2hex(hex, 2 * len + 1, key, len);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd < 0) {
        snprintf(why, cap, "%s: %s", path, strerror(errno));
        sodium_memzero(hex, 2 * len + 1), free(hex);
        return -1;
    }
    FILE *fp = fdopen(fd, "w");
    int bad = !fp || fprintf(fp, "# %s\n%s\n", comment, hex) < 0;
    if (fp)
        bad |= fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    bad |= fp ? fclose(fp) != 0 : close(fd) != 0;
    sodium_memzero(hex, 2 * len + 1);
    free(hex);
    if (bad) {
        snprintf(why, cap, "%s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 0;
}

int tc_fw_keygen(const char *prefix, char *why, size_t cap)
{
    if (sodium_init() < 0) {
        snprintf(why, cap, "libsodium did not initialise");
        return -1;
    }
    char pub[4096], sec[4096];
    if (snprintf(pub, sizeof(pub), "%s.pub", prefix) >= (int)sizeof(pub) ||
        snprintf(sec, sizeof(sec), "%s.sec", prefix) >= (int)sizeof(sec)) {
        snprintf(why, cap, "key path too long");
        return -1;
    }
    uint8_t pk[TC_FW_PUBLIC_KEY_LEN], sk[TC_FW_SECRET_KEY_LEN];
    crypto_sign_keypair(pk, sk);
    int rc = tc_fw_key_write(sec, "twincam firmware SECRET key (libsodium ed25519: seed, then public key; hex)",
                             sk, sizeof(sk), 1, why, cap);
    sodium_memzero(sk, sizeof(sk));
    if (rc == 0 && tc_fw_key_write(pub, "twincam firmware public key (ed25519, hex)", pk, sizeof(pk), 0,
                                   why, cap) != 0) {
        unlink(sec);
        rc = -1;
    }
    return rc;
}
