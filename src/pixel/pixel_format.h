/* Pixel formats the camera streams, and row packers between the sensor's
 * 12-bit ADC values and each format's wire layout.
 *
 * Layouts: ../shared/reference/facts.md section 3 (PFNC for BayerGR8/10/12 and
 * the LSB-first packed 10p/12p; IDS's own 10g40/12g24, which are MIPI RAW10 and
 * RAW12 byte orders). The IDS codes are not PFNC-structured: never derive a
 * bit depth from a code, look it up here. */
#ifndef TC_PIXEL_FORMAT_H
#define TC_PIXEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

enum {
    TC_PFNC_BAYERGR8 = 0x01080008,
    TC_PFNC_BAYERGR10 = 0x0110000C,
    TC_PFNC_BAYERGR12 = 0x01100010,
    TC_PFNC_BAYERGR10P = 0x010A0056,
    TC_PFNC_BAYERGR12P = 0x010C0057,
    TC_PFNC_BAYERGR10G40IDS = 0x40000003,
    TC_PFNC_BAYERGR12G24IDS = 0x40000013,
};

typedef struct tc_pixel_format {
    const char *name;   /* GenICam enum entry name, e.g. "BayerGR12p" */
    uint32_t code;      /* PixelFormat enum value and GVSP/U3V leader code */
    unsigned bits;      /* significant bits per pixel: 8, 10 or 12 */
    unsigned bits_per_px; /* bits each pixel occupies on the wire: 8, 10, 12 or 16 */
    unsigned group_px;  /* pixels per packing group (1, 2 or 4) */
    const char *description;
} tc_pixel_format;

/* All formats, in the order the PixelFormat enumeration lists them. */
extern const tc_pixel_format tc_pixel_formats[];
extern const unsigned tc_pixel_format_count;

/* NULL when unknown. */
const tc_pixel_format *tc_pixel_format_by_code(uint32_t code);
const tc_pixel_format *tc_pixel_format_by_name(const char *name);

/* Bytes one row of `width` pixels takes on the wire (a partial packing group at
 * the end of an odd-width row is rounded up to whole bytes). */
size_t tc_pixel_row_bytes(const tc_pixel_format *f, size_t width);

/* Pack `n` 12-bit ADC values (0..4095; higher bits ignored) into `out`, keeping
 * the format's `bits` most significant bits (the camera truncates, as a real
 * sensor readout of a lower bit depth does). Writes exactly
 * tc_pixel_row_bytes(f, n) bytes. */
void tc_pixel_pack_row(const tc_pixel_format *f, const uint16_t *dn12, size_t n, uint8_t *out);

/* Unpack `n` pixels of a row into values at the format's own depth
 * (0..2^bits-1). Reads exactly tc_pixel_row_bytes(f, n) bytes. */
void tc_pixel_unpack_row(const tc_pixel_format *f, const uint8_t *in, size_t n, uint16_t *out);

#endif
