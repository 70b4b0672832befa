/* The user-set file format (user_set_file.c), apart from where files live
 * (user_sets.c), so the parser can be fuzzed on its own: one
 * `Feature[index]=value` line per value of every TC_FF_PERSIST feature. */
#ifndef TC_CORE_USER_SET_FILE_H
#define TC_CORE_USER_SET_FILE_H

#include <stdio.h>

#include "core/device.h"

/* The set as text (malloc'd, NUL-terminated), or NULL without memory. */
char *tc_user_set_format(const tc_user_set *u);

/* Read a saved set into u, whose arrays the caller filled beforehand (a file
 * that misses a feature leaves it as it is). The file is hostile input:
 * unknown or non-persistent features, bad indices, bad numbers and overlong
 * lines are skipped. Returns the number of values read. */
int tc_user_set_parse(FILE *fp, tc_user_set *u);

/* The largest user-set file the camera takes from a client (file access):
 * a saved set is about 2 KiB. */
#define TC_USER_SET_FILE_MAX (64u * 1024u)

/* Check a set a client wrote (file access) before it may replace a saved
 * one, where the parser above would skip what it cannot use: every line is
 * empty, a comment (#...), or Feature[index]=value of a feature user sets
 * hold, with a value its type takes inside the widest range the feature
 * ever has (the live bounds are checked when the set loads); no NUL bytes,
 * at most TC_USER_SET_FILE_MAX bytes, at least one value. 0, or -1 with a
 * one-line reason naming the line. */
int tc_user_set_check(const char *text, size_t len, char *why, size_t cap);

#endif
