/* libFuzzer harness: hostile USB3 Vision control traffic against the
 * device's memory (GenCP codec, bootstrap registers, manifest, XML, feature
 * registers) and the stream plan the host programs.
 * Input: a sequence of transfers [length u16 LE][bytes...]; each is served as
 * one bulk OUT transfer on the control endpoint. The first transfer is also
 * fed to the plain parser at every prefix length.
 *
 * Checks beyond "no crash, no UB": an ack is never longer than max ack
 * transfer, is a well-formed U3VC ack whose length field matches, echoes the
 * request id, and uses command + 1 as its id; a READMEM ack that succeeds
 * carries exactly the bytes asked for; a consistent plan (the host's, or the
 * one Aravis would program for the current PayloadSize) carries exactly
 * PayloadSize bytes, in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "u3v/u3v_bootstrap.h"
#include "u3v/u3v_cp.h"
#include "u3v/u3v_stream.h"

static tc_camera *cam;
static tc_u3v_bootstrap bs;
static tc_u3v_cp_target target;
static uint8_t ack[65536];

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static void check_ack(const uint8_t *req, size_t req_len, size_t n)
{
    if (n == 0)
        return;
    tc_u3v_cp_cmd c, a;
    if (n > bs.max_ack_transfer || n < TC_U3V_CP_HEADER_LEN)
        abort();
    if (tc_u3v_cp_parse_header(req, req_len, &c) != (int)TC_U3V_CP_HEADER_LEN)
        abort(); /* answered something that is not a command */
    if (tc_u3v_cp_parse(ack, n, &a) != (int)n)
        abort();
    uint16_t status = a.flags; /* the ack's status sits where flags were */
    if (a.request_id != c.request_id || a.command != (uint16_t)(c.command + 1))
        abort();
    if (c.command == TC_U3V_READMEM_CMD && status == TC_U3V_SUCCESS &&
        (req_len < 24 || a.length != le16(req + 22)))
        abort();
    if (c.command == TC_U3V_WRITEMEM_CMD && a.length != TC_U3V_WRITEMEM_ACK_SCD_LEN)
        abort();
    if (status != TC_U3V_SUCCESS && c.command != TC_U3V_WRITEMEM_CMD && a.length != 0)
        abort();
}

/* Walk a plan's transfers: contiguous, non-empty, never past the payload,
 * and exactly the payload when the plan is consistent. */
static void walk_plan(const tc_u3v_stream_plan *p)
{
    /* Walking millions of 1-byte transfers proves nothing more: skip. */
    if (p->transfer_size < 4096 && p->payload_size > 65536)
        return;
    uint64_t k = 0, off, sum = 0;
    uint32_t len;
    while (tc_u3v_plan_next(p, &k, &off, &len)) {
        if (off != sum || len == 0)
            abort();
        sum += len;
    }
    if (sum > p->payload_size)
        abort();
    if (tc_u3v_plan_check(p) == TC_U3V_SUCCESS && sum != p->payload_size)
        abort();
}

static void check_stream(void)
{
    /* Whatever the host programmed, enabled or not. */
    tc_u3v_stream_plan p;
    if (tc_u3v_bootstrap_stream_plan(&bs, &p) != 0)
        abort();
    walk_plan(&p);
    /* What Aravis would program for the current payload is consistent. */
    tc_u3v_stream_plan a;
    tc_u3v_plan_like_aravis(&a, p.payload_size, p.alignment);
    if (tc_u3v_plan_check(&a) != TC_U3V_SUCCESS)
        abort();
    walk_plan(&a);
    /* Leader and trailer for the frame the camera would send now. */
    int64_t w = 0, h = 0;
    tc_get_int(cam, "Width", &w);
    tc_get_int(cam, "Height", &h);
    tc_u3v_image_info info = { .block_id = p.transfer_count, .size_x = (uint32_t)w,
                               .size_y = (uint32_t)h };
    uint8_t buf[TC_U3V_LEADER_SIZE];
    if (tc_u3v_build_leader(buf, sizeof(buf), &info) != TC_U3V_LEADER_SIZE ||
        tc_u3v_build_trailer(buf, sizeof(buf), info.block_id, 0, p.payload_size,
                             info.size_y) != TC_U3V_TRAILER_SIZE)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cam) {
        tc_options o;
        tc_options_init(&o);
        o.deterministic = true;
        if (tc_camera_open(&o, &cam) != 0 || tc_u3v_bootstrap_init(&bs, tc_camera_device(cam), NULL) != 0)
            abort();
        tc_u3v_bootstrap_target(&bs, &target);
    }
    size_t pos = 0;
    int first = 1;
    while (pos + 2 <= size) {
        size_t len = le16(data + pos);
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        /* A private copy: the parser must not read past `len`, and ASan
         * sees the exact end of the heap block. */
        uint8_t *req = malloc(len ? len : 1);
        if (!req)
            abort();
        if (len)
            memcpy(req, data + pos, len);
        if (first) {
            for (size_t n = 0; n <= len; n++) {
                tc_u3v_cp_cmd c;
                int rc = tc_u3v_cp_parse(req, n, &c);
                if (rc > (int)n || (rc < 0 && rc != TC_U3V_NEED_MORE && rc != TC_U3V_MALFORMED))
                    abort();
            }
            first = 0;
        }
        size_t n = tc_u3v_cp_serve(&target, req, len, ack, sizeof(ack));
        check_ack(req, len, n);
        free(req);
        pos += len;
        check_stream();
    }
    /* Commands that start acquisition spin a thread: abort it (the frame
     * in progress is discarded, not finished) so the harness stays fast,
     * and start every input from a clean stream. */
    tc_execute(cam, "AcquisitionAbort");
    tc_u3v_bootstrap_reset(&bs);
    return 0;
}
