/* Firmware versions: MAJOR.MINOR.PATCH, compared as numbers (semver.c).
 * "3.9.0" < "3.20.0" < "3.20.1" < "4.0.0"; no pre-release or build suffix,
 * so two versions are equal only when they are the same text. */
#ifndef TC_FIRMWARE_SEMVER_H
#define TC_FIRMWARE_SEMVER_H

#include <stdbool.h>

typedef struct tc_semver {
    unsigned long major, minor, patch;
} tc_semver;

/* Parse `text` strictly: three decimal numbers of 1 to 9 digits separated by
 * dots, no sign, no leading zero (but "0"), nothing before or after.
 * Returns true and fills v, or false. */
bool tc_semver_parse(const char *text, tc_semver *v);

/* <0, 0, >0 as a is older than, the same as, newer than b. */
int tc_semver_cmp(const tc_semver *a, const tc_semver *b);

#endif
