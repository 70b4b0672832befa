/* A viewable preview of a raw Bayer GR frame: bilinear demosaicking, white
 * balance and display gamma. This is host-side convenience for the CLI, not
 * something the camera does (the real camera sends raw Bayer only). */
#ifndef TC_IMAGE_PREVIEW_H
#define TC_IMAGE_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

/* Demosaic a Bayer GR image (first row G R G R ..., second B G B G ...) of
 * values at `bits` depth into 8-bit sRGB-like RGB (rgb holds width*height*3).
 * `wb` are the gains applied to R, G, B before gamma (NULL: 1,1,1). Width and
 * height must be at least 2. */
void tc_preview_demosaic_gr(const uint16_t *raw, unsigned width, unsigned height, unsigned bits,
                            const float wb[3], uint8_t *rgb);

#endif
