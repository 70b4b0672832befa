/* USB/IP message codec: the device (server) side of the protocol the Linux
 * `usbip` tool and vhci_hcd speak (Documentation/usb/usbip_protocol.rst,
 * drivers/usb/usbip/, tools/usb/usbip/; checked in a guest, see the
 * usb-vm recipe). All header fields are big-endian; the 8-byte setup packet
 * of CMD_SUBMIT is copied raw (USB little-endian).
 *
 * Connection phases:
 *   1. operation: OP_REQ_DEVLIST -> OP_REP_DEVLIST (then the server closes),
 *      or OP_REQ_IMPORT(busid) -> OP_REP_IMPORT (echoes the device record
 *      with the requested busid; interface entries only in DEVLIST);
 *   2. after a successful import the same connection carries URBs:
 *      CMD_SUBMIT -> RET_SUBMIT, CMD_UNLINK -> RET_UNLINK (48-byte headers).
 *
 * Parsers follow picohttpparser: stateless, no allocation, every read checked
 * against the end of the input; they return bytes consumed,
 * TC_USBIP_NEED_MORE or TC_USBIP_MALFORMED. Builders write into a caller
 * buffer and return the bytes written, or 0 when it is too small.
 * No sockets, no threads. */
#ifndef TC_USBIP_PROTO_H
#define TC_USBIP_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum {
    TC_USBIP_NEED_MORE = -100,
    TC_USBIP_MALFORMED = -101,
};

#define TC_USBIP_VERSION 0x0111u

/* Operation codes (phase 1). */
enum {
    TC_USBIP_OP_REQ_DEVLIST = 0x8005,
    TC_USBIP_OP_REP_DEVLIST = 0x0005,
    TC_USBIP_OP_REQ_IMPORT = 0x8003,
    TC_USBIP_OP_REP_IMPORT = 0x0003,
};

/* URB commands (phase 2). */
enum {
    TC_USBIP_CMD_SUBMIT = 1,
    TC_USBIP_CMD_UNLINK = 2,
    TC_USBIP_RET_SUBMIT = 3,
    TC_USBIP_RET_UNLINK = 4,
};

#define TC_USBIP_DIR_OUT 0u
#define TC_USBIP_DIR_IN 1u

/* Kernel `enum usb_device_speed` values used in the device record. */
#define TC_USBIP_SPEED_HIGH 3u
#define TC_USBIP_SPEED_SUPER 5u

#define TC_USBIP_OP_HEADER_LEN 8u   /* version u16, code u16, status u32 */
#define TC_USBIP_BUSID_LEN 32u
#define TC_USBIP_PATH_LEN 256u
#define TC_USBIP_DEVICE_LEN 312u    /* path, busid, 3 x u32, 3 x u16, 6 x u8 */
#define TC_USBIP_INTERFACE_LEN 4u   /* class, subclass, protocol, padding */
#define TC_USBIP_HEADER_LEN 48u     /* every URB command and reply */
#define TC_USBIP_ISO_DESC_LEN 16u
#define TC_USBIP_MAX_ISO_PACKETS 1024u /* the kernel's USBIP_MAX_ISO_PACKETS */
/* Largest OUT transfer accepted: usbfs hands libusb's 1-4 MiB transfers over
 * as one URB; anything far beyond is treated as hostile. */
#define TC_USBIP_MAX_TRANSFER (64u * 1024u * 1024u)
#define TC_USBIP_MAX_INTERFACES 32u

/* RET_SUBMIT / RET_UNLINK statuses (negative Linux errno). */
#define TC_USBIP_ST_OK 0
#define TC_USBIP_ST_EPIPE (-32)        /* stall */
#define TC_USBIP_ST_ECONNRESET (-104)  /* unlinked while pending */
#define TC_USBIP_ST_EOVERFLOW (-75)    /* device sent more than the buffer */

/* An operation request. */
typedef struct tc_usbip_op_req {
    uint16_t version;
    uint16_t code;
    uint32_t status;
    char busid[TC_USBIP_BUSID_LEN]; /* OP_REQ_IMPORT only; always NUL-terminated */
} tc_usbip_op_req;

/* Parse an operation request: OP_REQ_DEVLIST (8 bytes) or OP_REQ_IMPORT (40
 * bytes). The version is reported, not judged (the server decides).
 * MALFORMED for any other code, or an import busid without a NUL in its 32
 * bytes. */
int tc_usbip_parse_op_req(const uint8_t *buf, size_t len, tc_usbip_op_req *req);

/* The exported device as the device record describes it. */
typedef struct tc_usbip_interface {
    uint8_t class_, subclass, protocol;
} tc_usbip_interface;

typedef struct tc_usbip_device {
    const char *path;   /* sysfs-like path, cut to 255 characters */
    const char *busid;  /* "1-1", cut to 31 characters */
    uint32_t busnum, devnum, speed;
    uint16_t id_vendor, id_product, bcd_device;
    uint8_t device_class, device_subclass, device_protocol;
    uint8_t configuration_value, num_configurations, num_interfaces;
    const tc_usbip_interface *interfaces; /* num_interfaces entries (DEVLIST) */
} tc_usbip_device;

/* OP_REP_DEVLIST with n devices, each followed by its interface entries. */
size_t tc_usbip_build_rep_devlist(uint8_t *out, size_t cap, const tc_usbip_device *devs,
                                  unsigned n);
/* OP_REP_IMPORT: status 0 and the device record (no interfaces), or status
 * != 0 (e.g. 1, unknown busid) and nothing after the 8-byte header. Put the
 * requested busid into dev->busid: the usbip tool compares it. */
size_t tc_usbip_build_rep_import(uint8_t *out, size_t cap, uint32_t status,
                                 const tc_usbip_device *dev);

/* A URB command. Pointers are slices of the parser's input. */
typedef struct tc_usbip_cmd {
    uint32_t command, seqnum, devid, direction, ep;
    /* CMD_SUBMIT */
    uint32_t transfer_flags;
    uint32_t transfer_buffer_length;
    int32_t start_frame;
    uint32_t number_of_packets; /* 0 or 0xFFFFFFFF: not isochronous */
    int32_t interval;
    uint8_t setup[8];           /* raw, little-endian USB setup packet */
    size_t payload_len;         /* bytes following the header: OUT data + ISO descriptors */
    const uint8_t *data;        /* OUT data (transfer_buffer_length bytes), else NULL */
    size_t data_len;
    const uint8_t *iso;         /* ISO packet descriptors, else NULL */
    size_t iso_len;
    /* CMD_UNLINK */
    uint32_t unlink_seqnum;
} tc_usbip_cmd;

/* Parse the 48-byte header of CMD_SUBMIT or CMD_UNLINK; fills payload_len
 * with what follows it (the caller may read that straight into its own
 * buffer). Returns 48. MALFORMED: another command, direction above 1, an
 * endpoint above 15, an OUT length over TC_USBIP_MAX_TRANSFER, or more than
 * TC_USBIP_MAX_ISO_PACKETS packets. */
int tc_usbip_parse_cmd_header(const uint8_t *buf, size_t len, tc_usbip_cmd *cmd);

/* Parse a whole command (header and payload): returns 48 + payload_len and
 * sets data/iso, or NEED_MORE until all of it is there. */
int tc_usbip_parse_cmd(const uint8_t *buf, size_t len, tc_usbip_cmd *cmd);

/* RET_SUBMIT header for `req`. *actual_length is clamped to the request's
 * transfer_buffer_length (vhci drops the connection otherwise); for IN the
 * caller sends that many data bytes right after the header. The echoed
 * number_of_packets is the request's (what the kernel's server does).
 * Returns 48, or 0 if cap < 48. */
size_t tc_usbip_build_ret_submit(uint8_t *out, size_t cap, const tc_usbip_cmd *req,
                                 int32_t status, uint32_t *actual_length);

/* RET_UNLINK for the CMD_UNLINK `req`: status TC_USBIP_ST_ECONNRESET when
 * the victim was still pending (its RET_SUBMIT must then never be sent), 0
 * when it had already been answered. Returns 48, or 0 if cap < 48. */
size_t tc_usbip_build_ret_unlink(uint8_t *out, size_t cap, const tc_usbip_cmd *req,
                                 int32_t status);

#endif
