/* GVSP packet headers (gvsp.h). */
#include "gige/gvsp.h"

#include "util/endian.h"

size_t tc_gvsp_header(uint8_t *out, int extended, uint16_t status, uint64_t block_id,
                      uint8_t content, uint32_t packet_id)
{
    tc_store_be16(out, status);
    if (!extended) {
        tc_store_be16(out + 2, (uint16_t)block_id);
        tc_store_be32(out + 4, (uint32_t)content << 24 | (packet_id & 0xFFFFFF));
        return 8;
    }
    tc_store_be16(out + 2, 0); /* flags */
    tc_store_be32(out + 4, 0x80000000u | (uint32_t)content << 24);
    tc_store_be64(out + 8, block_id);
    tc_store_be32(out + 16, packet_id);
    return 20;
}

size_t tc_gvsp_leader(uint8_t *out, int extended, uint64_t block_id, const tc_gvsp_image *img)
{
    size_t h = tc_gvsp_header(out, extended, TC_GVSP_STATUS_OK, block_id, TC_GVSP_LEADER, 0);
    uint8_t *b = out + h;
    tc_store_be16(b, 0);           /* reserved */
    tc_store_be16(b + 2, 0x0001);  /* payload type: image */
    tc_store_be32(b + 4, (uint32_t)(img->timestamp >> 32));
    tc_store_be32(b + 8, (uint32_t)img->timestamp);
    tc_store_be32(b + 12, img->pixel_format);
    tc_store_be32(b + 16, img->width);
    tc_store_be32(b + 20, img->height);
    tc_store_be32(b + 24, img->offset_x);
    tc_store_be32(b + 28, img->offset_y);
    tc_store_be16(b + 32, 0);      /* padding x */
    tc_store_be16(b + 34, 0);      /* padding y */
    return h + TC_GVSP_LEADER_BODY;
}

size_t tc_gvsp_trailer(uint8_t *out, int extended, uint64_t block_id, uint32_t packet_id,
                       uint32_t height)
{
    size_t h = tc_gvsp_header(out, extended, TC_GVSP_STATUS_OK, block_id, TC_GVSP_TRAILER, packet_id);
    uint8_t *b = out + h;
    tc_store_be16(b, 0);
    tc_store_be16(b + 2, 0x0001);
    tc_store_be32(b + 4, height);
    return h + TC_GVSP_TRAILER_BODY;
}
