/* docs/features.md generated from the feature table. */
#ifndef TC_GENICAM_DOCS_H
#define TC_GENICAM_DOCS_H

#include <stddef.h>

/* The Markdown page, malloc'd (NULL if out of memory). */
char *tc_features_markdown(size_t *len);

#endif
