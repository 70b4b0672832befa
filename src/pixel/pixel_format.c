/* The pixel format table and its lookups. Layouts: pixel_format.h and
 * ../shared/reference/facts.md section 3. */
#include "pixel/pixel_format.h"

#include <string.h>

const tc_pixel_format tc_pixel_formats[] = {
    {"BayerGR8", TC_PFNC_BAYERGR8, 8, 8, 1,
     "Bayer GR, 8 bit, one byte per pixel (the 8 MSBs of the 12-bit ADC value)"},
    {"BayerGR10", TC_PFNC_BAYERGR10, 10, 16, 1,
     "Bayer GR, 10 bit right-aligned in a 16-bit little-endian container"},
    {"BayerGR12", TC_PFNC_BAYERGR12, 12, 16, 1,
     "Bayer GR, 12 bit right-aligned in a 16-bit little-endian container"},
    {"BayerGR10p", TC_PFNC_BAYERGR10P, 10, 10, 4,
     "Bayer GR, 10 bit packed LSB first, 4 pixels in 5 bytes"},
    {"BayerGR12p", TC_PFNC_BAYERGR12P, 12, 12, 2,
     "Bayer GR, 12 bit packed LSB first, 2 pixels in 3 bytes"},
    {"BayerGR10g40IDS", TC_PFNC_BAYERGR10G40IDS, 10, 10, 4,
     "Bayer GR, 10 bit, 4 pixels in 5 bytes: 4 MSB bytes then one byte of 2-bit LSBs (MIPI RAW10)"},
    {"BayerGR12g24IDS", TC_PFNC_BAYERGR12G24IDS, 12, 12, 2,
     "Bayer GR, 12 bit, 2 pixels in 3 bytes: 2 MSB bytes then one byte of 4-bit LSBs (MIPI RAW12)"},
};

const unsigned tc_pixel_format_count = sizeof tc_pixel_formats / sizeof tc_pixel_formats[0];

const tc_pixel_format *tc_pixel_format_by_code(uint32_t code)
{
    for (unsigned i = 0; i < tc_pixel_format_count; i++)
        if (tc_pixel_formats[i].code == code)
            return &tc_pixel_formats[i];
    return NULL;
}

const tc_pixel_format *tc_pixel_format_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (unsigned i = 0; i < tc_pixel_format_count; i++)
        if (strcmp(tc_pixel_formats[i].name, name) == 0)
            return &tc_pixel_formats[i];
    return NULL;
}

size_t tc_pixel_row_bytes(const tc_pixel_format *f, size_t width)
{
    /* Every layout is dense at bits_per_px bits per pixel, and the partial
     * group at the end of an odd-width row (layout: pack.c) takes its bit
     * count rounded up to a byte: ceil(width * bits_per_px / 8), computed in
     * two parts so that width * bits_per_px cannot overflow. */
    size_t bpp = f->bits_per_px;
    return (width / 8) * bpp + ((width % 8) * bpp + 7) / 8;
}
