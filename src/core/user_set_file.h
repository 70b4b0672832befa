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

#endif
