/* The USB3 Vision device's memory as a GenCP host sees it: the technology
 * registers (ABRM, SBRM, SIRM), the manifest and the GenICam XML, served
 * next to the feature registers of the device core.
 *
 * Address map (all little-endian; docs/usb3vision.md has the table):
 *   0x000000 .. 0x00020F  ABRM      (GenCP 1.0 technology agnostic bootstrap)
 *   0x001000 .. 0x001043  SBRM      (USB3 Vision 1.0 technology specific)
 *   0x002000 .. 0x00202F  SIRM      (streaming interface, one channel)
 *   0x003000 .. 0x003047  manifest  (entry count u64 + one 64-byte entry)
 *   0x010000 .. 0x0FFFFF  feature registers (device core, tc_register_*)
 *   0x100000 .. +size     GenICam XML, raw (schema 0), as the manifest says
 * Everything else answers INVALID_ADDRESS. There is no EIRM (no events) and
 * no message channel.
 *
 * Values that are the camera's (identity strings, user name, timestamp,
 * PayloadSize) are read from the camera on every access; the registers the
 * host programs (device configuration, heartbeat timeout, U3VCP
 * configuration, the SIRM transfer sizes and stream enable) live here.
 *
 * Not thread-safe: one control channel serves one command at a time; a
 * streaming thread must take the plan (tc_u3v_bootstrap_stream_plan) under
 * the same serialisation. No allocation after tc_u3v_bootstrap_init. */
#ifndef TC_U3V_BOOTSTRAP_H
#define TC_U3V_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/device_port.h"
#include "u3v/u3v_cp.h"
#include "u3v/u3v_stream.h"

/* Region bases. */
#define TC_U3V_ABRM_ADDRESS 0x000000u
#define TC_U3V_ABRM_LENGTH 0x0210u
#define TC_U3V_SBRM_ADDRESS 0x001000u
#define TC_U3V_SBRM_LENGTH 0x0044u
#define TC_U3V_SIRM_ADDRESS 0x002000u
#define TC_U3V_SIRM_LENGTH 0x0030u
#define TC_U3V_MANIFEST_ADDRESS 0x003000u
#define TC_U3V_MANIFEST_ENTRY_LEN 64u
#define TC_U3V_MANIFEST_LENGTH (8u + TC_U3V_MANIFEST_ENTRY_LEN)
#define TC_U3V_FEATURE_SPACE_START 0x010000u
#define TC_U3V_FEATURE_SPACE_END 0x100000u /* exclusive */
#define TC_U3V_XML_ADDRESS 0x100000u

/* ABRM offsets (GenCP 1.0). */
enum {
    TC_ABRM_GENCP_VERSION = 0x0000,
    TC_ABRM_MANUFACTURER_NAME = 0x0004,
    TC_ABRM_MODEL_NAME = 0x0044,
    TC_ABRM_FAMILY_NAME = 0x0084,
    TC_ABRM_DEVICE_VERSION = 0x00C4,
    TC_ABRM_MANUFACTURER_INFO = 0x0104,
    TC_ABRM_SERIAL_NUMBER = 0x0144,
    TC_ABRM_USER_DEFINED_NAME = 0x0184,
    TC_ABRM_DEVICE_CAPABILITY = 0x01C4,
    TC_ABRM_MAX_DEVICE_RESPONSE_TIME = 0x01CC,
    TC_ABRM_MANIFEST_TABLE_ADDRESS = 0x01D0,
    TC_ABRM_SBRM_ADDRESS = 0x01D8,
    TC_ABRM_DEVICE_CONFIGURATION = 0x01E0,
    TC_ABRM_HEARTBEAT_TIMEOUT = 0x01E8,
    TC_ABRM_MESSAGE_CHANNEL_ID = 0x01EC,
    TC_ABRM_TIMESTAMP = 0x01F0,
    TC_ABRM_TIMESTAMP_LATCH = 0x01F8,
    TC_ABRM_TIMESTAMP_INCREMENT = 0x01FC,
    TC_ABRM_ACCESS_PRIVILEGE = 0x0204,
    TC_ABRM_PROTOCOL_ENDIANNESS = 0x0208,
    TC_ABRM_IMPLEMENTATION_ENDIANNESS = 0x020C,
};

/* SBRM offsets (USB3 Vision 1.0). */
enum {
    TC_SBRM_U3V_VERSION = 0x00,
    TC_SBRM_U3VCP_CAPABILITY = 0x04,
    TC_SBRM_U3VCP_CONFIGURATION = 0x0C,
    TC_SBRM_MAX_CMD_TRANSFER = 0x14,
    TC_SBRM_MAX_ACK_TRANSFER = 0x18,
    TC_SBRM_NUM_STREAM_CHANNELS = 0x1C,
    TC_SBRM_SIRM_ADDRESS = 0x20,
    TC_SBRM_SIRM_LENGTH = 0x28,
    TC_SBRM_EIRM_ADDRESS = 0x2C,
    TC_SBRM_EIRM_LENGTH = 0x34,
    TC_SBRM_IIDC2_ADDRESS = 0x38,
    TC_SBRM_CURRENT_SPEED = 0x40,
};

/* SIRM offsets (USB3 Vision 1.0). */
enum {
    TC_SIRM_INFO = 0x00,
    TC_SIRM_CONTROL = 0x04,
    TC_SIRM_REQ_PAYLOAD_SIZE = 0x08,
    TC_SIRM_REQ_LEADER_SIZE = 0x10,
    TC_SIRM_REQ_TRAILER_SIZE = 0x14,
    TC_SIRM_MAX_LEADER_SIZE = 0x18,
    TC_SIRM_PAYLOAD_TRANSFER_SIZE = 0x1C,
    TC_SIRM_PAYLOAD_TRANSFER_COUNT = 0x20,
    TC_SIRM_FINAL_TRANSFER1_SIZE = 0x24,
    TC_SIRM_FINAL_TRANSFER2_SIZE = 0x28,
    TC_SIRM_MAX_TRAILER_SIZE = 0x2C,
};

/* ABRM device capability bits (GenCP 1.0, bit 0 = least significant). */
#define TC_ABRM_CAP_USER_DEFINED_NAME (1ull << 0)
#define TC_ABRM_CAP_ACCESS_PRIVILEGE (1ull << 1) /* and heartbeat */
#define TC_ABRM_CAP_MESSAGE_CHANNEL (1ull << 2)
#define TC_ABRM_CAP_TIMESTAMP (1ull << 3)
#define TC_ABRM_CAP_FAMILY_NAME (1ull << 8)
#define TC_ABRM_CAP_SBRM (1ull << 9)
#define TC_ABRM_CAP_ENDIANNESS (1ull << 10)
#define TC_ABRM_CAP_WRITTEN_LENGTH (1ull << 11)
/* SBRM U3VCP capability bits. */
#define TC_SBRM_CAP_SIRM (1ull << 0)
#define TC_SBRM_CAP_EIRM (1ull << 1)
#define TC_SBRM_CAP_IIDC2 (1ull << 2)
/* SBRM current speed / Device Info bmSpeedSupport bits. */
#define TC_U3V_SPEED_LOW 0x1u
#define TC_U3V_SPEED_FULL 0x2u
#define TC_U3V_SPEED_HIGH 0x4u
#define TC_U3V_SPEED_SUPER 0x8u
/* SIRM control. */
#define TC_SIRM_CONTROL_STREAM_ENABLE 0x1u

/* Versions (major << 16 | minor). */
#define TC_U3V_GENCP_VERSION 0x00010000u /* GenCP 1.0 */
#define TC_U3V_U3V_VERSION 0x00010000u   /* USB3 Vision 1.0 */

typedef struct tc_u3v_bootstrap_config {
    uint32_t max_cmd_transfer;   /* 0: default 16384 + 1024 */
    uint32_t max_ack_transfer;   /* 0: default 16384; at most 65536 */
    uint32_t max_response_ms;    /* 0: default 200 */
    uint32_t alignment_log2;     /* stream transfer alignment; 0: default 10 (1024 B) */
    uint32_t current_speed;      /* TC_U3V_SPEED_*; 0: SuperSpeed */
} tc_u3v_bootstrap_config;

typedef struct tc_u3v_bootstrap {
    tc_device *dev; /* borrowed; must outlive this */
    uint32_t max_cmd_transfer, max_ack_transfer, max_response_ms, alignment_log2,
        current_speed;
    /* host-programmed state */
    uint64_t device_configuration, u3vcp_configuration;
    uint32_t heartbeat_timeout_ms;
    uint32_t si_control, si_max_leader, si_transfer_size, si_transfer_count, si_final1,
        si_final2, si_max_trailer;
    uint64_t stream_enabled_at; /* camera time of the last stream enable */
    uint64_t stream_payload;    /* PayloadSize at that enable: what the host laid out */
    /* manifest */
    const char *xml; /* the camera's little-endian XML (owned by the camera) */
    size_t xml_len;
    uint8_t manifest_entry[TC_U3V_MANIFEST_ENTRY_LEN];
    uint8_t xml_sha1[20];
} tc_u3v_bootstrap;

/* Prepare the memory of `dev` (cfg may be NULL for defaults; out-of-range
 * values are clamped, and max_cmd_transfer is raised to max_ack_transfer + 8
 * if below, which Aravis needs because it chunks writes by the ack size).
 * Fetches the XML and computes its SHA-1 once. Returns 0, or TC_EINVAL /
 * TC_ENOMEM. */
int tc_u3v_bootstrap_init(tc_u3v_bootstrap *bs, tc_device *dev,
                          const tc_u3v_bootstrap_config *cfg);

/* Host-programmed registers back to their power-on values (stream disabled):
 * for a new connection or a device reset. */
void tc_u3v_bootstrap_reset(tc_u3v_bootstrap *bs);

/* GenCP memory access over the whole map. Return GenCP status codes:
 * INVALID_ADDRESS for unmapped bytes, WRITE_PROTECT for read-only registers,
 * BAD_ALIGNMENT for writes that start inside a register or end inside a
 * numeric one, ACCESS_DENIED for SIRM writes while streaming and for features
 * locked during acquisition, SI_REGISTERS_INCONSISTENT when the stream is
 * enabled with a plan that cannot carry the payload, INVALID_PARAMETER for
 * values the camera refuses. A refused write changes nothing. */
uint16_t tc_u3v_bootstrap_read(tc_u3v_bootstrap *bs, uint64_t address, uint8_t *buf, size_t len);
uint16_t tc_u3v_bootstrap_write(tc_u3v_bootstrap *bs, uint64_t address, const uint8_t *buf,
                                size_t len);

/* A GenCP server target over this memory (for tc_u3v_cp_serve). */
void tc_u3v_bootstrap_target(tc_u3v_bootstrap *bs, tc_u3v_cp_target *t);

/* Whether the host has enabled the stream (SIRM control bit 0). */
bool tc_u3v_bootstrap_stream_enabled(const tc_u3v_bootstrap *bs);

/* The transfer plan the host programmed into SIRM, with the camera's current
 * PayloadSize. Returns 0, or TC_E* if PayloadSize cannot be read. */
int tc_u3v_bootstrap_stream_plan(tc_u3v_bootstrap *bs, tc_u3v_stream_plan *plan);

/* The plan frame f goes out with: 0 and *plan when the host has the stream
 * enabled and f belongs to it (tc_u3v_frame_is_current: the planned size,
 * exposed after the enable); -1 when the port must drop f instead. */
int tc_u3v_bootstrap_frame_plan(tc_u3v_bootstrap *bs, const tc_port_frame *f,
                                tc_u3v_stream_plan *plan);

/* The GenCP status for a TC_E* code from the camera (0 -> SUCCESS). */
uint16_t tc_u3v_status_from_tc(int rc);

#endif
