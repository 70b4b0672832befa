/* GenICam XML generated from the feature table (see xml.c). */
#ifndef TC_GENICAM_XML_H
#define TC_GENICAM_XML_H

#include <stddef.h>

typedef struct tc_xml_options {
    const char *vendor_name;
    const char *model_name;
    int big_endian; /* register byte order: 1 GigE Vision, 0 USB3 Vision */
} tc_xml_options;

/* The whole XML document, malloc'd and NUL-terminated (NULL if out of
 * memory); *len (if not NULL) excludes the NUL. */
char *tc_genicam_xml(const tc_xml_options *o, size_t *len);

#endif
