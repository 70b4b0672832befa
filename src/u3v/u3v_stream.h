/* USB3 Vision streaming: leader and trailer builders, and the payload
 * transfer plan the host programs into SIRM.
 *
 * A frame on the streaming endpoint is three kinds of bulk IN transfers:
 *   leader   (52 bytes for an image; the host's transfer is SIRM max leader)
 *   payload  transfer_count transfers of transfer_size, then final transfer 1,
 *            then final transfer 2, each carrying at most its size and only
 *            as much of the payload as is left (empty ones are not sent)
 *   trailer  (32 bytes for an image; the host's transfer is SIRM max trailer)
 * Layouts: USB3 Vision 1.0 section 5.6, as Aravis 0.8.26 reads them
 * (arvuvspprivate.h); all little-endian.
 *
 * Aravis 0.8.26 (arvuvstream.c) programs, for payload P and alignment A:
 *   transfer_size = min(P, 1 MiB rounded down to A), transfer_count =
 *   P / transfer_size, final1 = round_up(P % transfer_size, A), final2 = 0,
 *   max leader/trailer = required sizes rounded up to A;
 * and counts a frame good only when the payload bytes it received equal P.
 * Note transfer_size is not a multiple of A when P < 1 MiB.
 *
 * No allocation, no I/O. */
#ifndef TC_U3V_STREAM_H
#define TC_U3V_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/device_port.h"

#define TC_U3V_LEADER_PREFIX 0x4C563355u  /* "U3VL" */
#define TC_U3V_TRAILER_PREFIX 0x54563355u /* "U3VT" */
#define TC_U3V_LEADER_SIZE 52u            /* image payload leader */
#define TC_U3V_TRAILER_SIZE 32u           /* image payload trailer (with SizeY) */
#define TC_U3V_PAYLOAD_IMAGE 0x0001u
#define TC_U3V_ARAVIS_MAX_TRANSFER (1024u * 1024u)

/* Trailer status: 0 on success, else a U3V status (u3v_cp.h), e.g.
 * TC_U3V_DATA_DISCARDED. */

typedef struct tc_u3v_image_info {
    uint64_t block_id;
    uint64_t timestamp;    /* ns (ABRM timestamp increment is 1 ns) */
    uint32_t pixel_format; /* PFNC (or IDS) code */
    uint32_t size_x, size_y, offset_x, offset_y;
    uint16_t padding_x;
} tc_u3v_image_info;

/* The leader of an image; returns 52, or 0 if cap < 52. */
size_t tc_u3v_build_leader(uint8_t *out, size_t cap, const tc_u3v_image_info *info);

/* The trailer of an image; returns 32, or 0 if cap < 32. */
size_t tc_u3v_build_trailer(uint8_t *out, size_t cap, uint64_t block_id, uint16_t status,
                            uint64_t valid_payload_size, uint32_t size_y);

/* Leader fields of a frame from the camera. */
void tc_u3v_image_info_from_frame(const tc_port_frame *f, tc_u3v_image_info *info);

typedef struct tc_u3v_stream_plan {
    uint64_t payload_size;   /* SIRM required payload size (PayloadSize) */
    uint32_t alignment;      /* bytes, a power of two (SIRM info) */
    uint32_t max_leader, max_trailer;
    uint32_t transfer_size, transfer_count, final1_size, final2_size;
} tc_u3v_stream_plan;

/* What Aravis 0.8.26 writes into SIRM for this payload (see above). */
void tc_u3v_plan_like_aravis(tc_u3v_stream_plan *p, uint64_t payload_size, uint32_t alignment);

/* TC_U3V_SUCCESS when the plan can carry a frame (leader and trailer fit the
 * host's maxima, the transfers cover the payload), else
 * TC_U3V_SI_REGISTERS_INCONSISTENT. Sizes need not be multiples of the
 * alignment: Aravis's transfer_size is not for payloads under 1 MiB. */
uint16_t tc_u3v_plan_check(const tc_u3v_stream_plan *p);

/* Payload transfer k: 0 .. transfer_count-1 are the regular ones, then
 * transfer_count is final transfer 1 and transfer_count+1 final transfer 2.
 * Returns the bytes the device sends in it (0: nothing, skip it) and sets
 * *offset to where they start in the payload. */
uint32_t tc_u3v_plan_transfer(const tc_u3v_stream_plan *p, uint64_t k, uint64_t *offset);

/* Iterate the transfers that carry data, in order. Start with *k = 0; each
 * call fills *offset and *len and returns 1, or returns 0 when the payload is
 * done. */
int tc_u3v_plan_next(const tc_u3v_stream_plan *p, uint64_t *k, uint64_t *offset, uint32_t *len);

#endif
