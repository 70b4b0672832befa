/* USB3 Vision leader/trailer builders and payload transfer plan
 * (u3v_stream.h). */
#include "u3v/u3v_stream.h"

#include "u3v/u3v_cp.h"
#include "util/endian.h"

size_t tc_u3v_build_leader(uint8_t *out, size_t cap, const tc_u3v_image_info *info)
{
    if (!out || !info || cap < TC_U3V_LEADER_SIZE)
        return 0;
    tc_store_le32(out + 0, TC_U3V_LEADER_PREFIX);
    tc_store_le16(out + 4, 0); /* reserved */
    tc_store_le16(out + 6, TC_U3V_LEADER_SIZE);
    tc_store_le64(out + 8, info->block_id);
    tc_store_le16(out + 16, 0); /* reserved */
    tc_store_le16(out + 18, TC_U3V_PAYLOAD_IMAGE);
    tc_store_le64(out + 20, info->timestamp);
    tc_store_le32(out + 28, info->pixel_format);
    tc_store_le32(out + 32, info->size_x);
    tc_store_le32(out + 36, info->size_y);
    tc_store_le32(out + 40, info->offset_x);
    tc_store_le32(out + 44, info->offset_y);
    tc_store_le16(out + 48, info->padding_x);
    tc_store_le16(out + 50, 0); /* reserved */
    return TC_U3V_LEADER_SIZE;
}

size_t tc_u3v_build_trailer(uint8_t *out, size_t cap, uint64_t block_id, uint16_t status,
                            uint64_t valid_payload_size, uint32_t size_y)
{
    if (!out || cap < TC_U3V_TRAILER_SIZE)
        return 0;
    tc_store_le32(out + 0, TC_U3V_TRAILER_PREFIX);
    tc_store_le16(out + 4, 0); /* reserved */
    tc_store_le16(out + 6, TC_U3V_TRAILER_SIZE);
    tc_store_le64(out + 8, block_id);
    tc_store_le16(out + 16, status);
    tc_store_le16(out + 18, 0); /* reserved */
    tc_store_le64(out + 20, valid_payload_size);
    tc_store_le32(out + 28, size_y);
    return TC_U3V_TRAILER_SIZE;
}

void tc_u3v_image_info_from_frame(const tc_port_frame *f, tc_u3v_image_info *info)
{
    info->block_id = f->block_id;
    info->timestamp = f->timestamp_ns;
    info->pixel_format = f->pixel_format;
    info->size_x = f->width;
    info->size_y = f->height;
    info->offset_x = f->offset_x;
    info->offset_y = f->offset_y;
    info->padding_x = 0;
}

static uint64_t round_up(uint64_t v, uint32_t a)
{
    return a > 1 ? (v + a - 1) / a * a : v;
}

void tc_u3v_plan_like_aravis(tc_u3v_stream_plan *p, uint64_t payload_size, uint32_t alignment)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        alignment = 1;
    uint32_t max_transfer = TC_U3V_ARAVIS_MAX_TRANSFER / alignment * alignment;
    p->payload_size = payload_size;
    p->alignment = alignment;
    p->max_leader = (uint32_t)round_up(TC_U3V_LEADER_SIZE, alignment);
    p->max_trailer = (uint32_t)round_up(TC_U3V_TRAILER_SIZE, alignment);
    p->transfer_size = payload_size < max_transfer ? (uint32_t)payload_size : max_transfer;
    if (p->transfer_size == 0) {
        /* Aravis would divide by zero here; a zero payload needs no transfer. */
        p->transfer_count = 0;
        p->final1_size = 0;
    } else {
        uint64_t n = payload_size / p->transfer_size;
        p->transfer_count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        p->final1_size = (uint32_t)round_up(payload_size % p->transfer_size, alignment);
    }
    p->final2_size = 0;
}

uint16_t tc_u3v_plan_check(const tc_u3v_stream_plan *p)
{
    if (p->max_leader < TC_U3V_LEADER_SIZE || p->max_trailer < TC_U3V_TRAILER_SIZE)
        return TC_U3V_SI_REGISTERS_INCONSISTENT;
    /* (2^32-1)^2 + 2 * (2^32-1) < 2^64: no overflow. */
    uint64_t room = (uint64_t)p->transfer_size * p->transfer_count + p->final1_size +
                    p->final2_size;
    return room >= p->payload_size ? TC_U3V_SUCCESS : TC_U3V_SI_REGISTERS_INCONSISTENT;
}

uint32_t tc_u3v_plan_transfer(const tc_u3v_stream_plan *p, uint64_t k, uint64_t *offset)
{
    uint64_t P = p->payload_size, N = p->transfer_count;
    uint64_t regular = (uint64_t)p->transfer_size * N;
    uint64_t off, size;
    if (k < N) {
        off = k * p->transfer_size;
        size = p->transfer_size;
    } else if (k == N) {
        off = regular;
        size = p->final1_size;
    } else if (k == N + 1) {
        off = regular + p->final1_size;
        size = p->final2_size;
    } else {
        off = P;
        size = 0;
    }
    if (off > P)
        off = P;
    if (offset)
        *offset = off;
    uint64_t left = P - off;
    return (uint32_t)(size < left ? size : left);
}

int tc_u3v_plan_next(const tc_u3v_stream_plan *p, uint64_t *k, uint64_t *offset, uint32_t *len)
{
    uint64_t last = (uint64_t)p->transfer_count + 1;
    while (*k <= last) {
        /* Regular transfers of size 0 carry nothing: jump to the finals
         * rather than walk up to 2^32 empty slots. */
        if (*k < p->transfer_count && p->transfer_size == 0)
            *k = p->transfer_count;
        uint32_t n = tc_u3v_plan_transfer(p, *k, offset);
        (*k)++;
        if (n) {
            *len = n;
            return 1;
        }
        if (*offset >= p->payload_size)
            return 0;
    }
    return 0;
}
