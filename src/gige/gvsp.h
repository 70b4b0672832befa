/* GVSP (GigE Vision Streaming Protocol) packet headers.
 *
 * A frame ("block") is a leader (packet id 0), payload packets 1..N each
 * carrying exactly packet_size - IP/UDP - GVSP header bytes except the last,
 * and a trailer (packet id N+1): Aravis places payload packet i at offset
 * (i - 1) x that size. Standard ids: 16-bit block id, 24-bit packet id;
 * extended ids (GevGVSPExtendedIDMode): 64-bit block id, 32-bit packet id. */
#ifndef TC_GIGE_GVSP_H
#define TC_GIGE_GVSP_H

#include <stddef.h>
#include <stdint.h>

#define TC_GVSP_IP_UDP 28 /* IPv4 (20) + UDP (8): counted in GevSCPSPacketSize */
#define TC_GVSP_LEADER_BODY 36
#define TC_GVSP_TRAILER_BODY 8
#define TC_GVSP_MAX_HEADER 20

enum { TC_GVSP_LEADER = 1, TC_GVSP_TRAILER = 2, TC_GVSP_PAYLOAD = 3 };
enum { TC_GVSP_STATUS_OK = 0x0000 };

static inline size_t tc_gvsp_header_size(int extended) { return extended ? 20 : 8; }

/* Image bytes each payload packet carries at this packet size. */
static inline size_t tc_gvsp_block_size(unsigned packet_size, int extended)
{
    return packet_size - TC_GVSP_IP_UDP - tc_gvsp_header_size(extended);
}

/* Payload packets for a payload of `bytes`. */
static inline uint32_t tc_gvsp_payload_packets(size_t bytes, unsigned packet_size, int extended)
{
    size_t b = tc_gvsp_block_size(packet_size, extended);
    return (uint32_t)((bytes + b - 1) / b);
}

/* Write the GVSP header; returns its size (8 or 20). */
size_t tc_gvsp_header(uint8_t *out, int extended, uint16_t status, uint64_t block_id,
                      uint8_t content, uint32_t packet_id);

typedef struct tc_gvsp_image {
    uint64_t timestamp;
    uint32_t pixel_format, width, height, offset_x, offset_y;
} tc_gvsp_image;

/* Leader and trailer packets (header + body); return total bytes. */
size_t tc_gvsp_leader(uint8_t *out, int extended, uint64_t block_id, const tc_gvsp_image *img);
size_t tc_gvsp_trailer(uint8_t *out, int extended, uint64_t block_id, uint32_t packet_id,
                       uint32_t height);

#endif
