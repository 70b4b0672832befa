/* libFuzzer: datagrams a camera (or anyone on the network) sends to the GVCP
 * client of `twincam firmware flash` (tc_gvcp_client_classify). The first 4
 * bytes choose the command and request id the client waits for; the rest is
 * the datagram. A payload said to be there is read whole, so ASan sees any
 * view beyond the datagram. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gige/gvcp.h"
#include "gige/gvcp_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned g_sink; /* the payload is read, and not optimised away */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t commands[] = { TC_GVCP_READREG_CMD, TC_GVCP_WRITEREG_CMD,
                                         TC_GVCP_READMEM_CMD, TC_GVCP_WRITEMEM_CMD };
    if (size < 4)
        return 0;
    uint16_t command = commands[data[0] % 4];
    uint16_t req_id = (uint16_t)(data[1] << 8 | data[2]);
    const uint8_t *d = data + 4;
    size_t n = size - 4;
    /* A copy of exactly n bytes: reading past it is an ASan report. */
    uint8_t *dg = malloc(n ? n : 1);
    if (!dg)
        return 0;
    memcpy(dg, d, n);
    tc_gvcp_ack a;
    unsigned sum = 0;
    tc_gvcp_ack_kind k = tc_gvcp_client_classify(dg, n, command, req_id, &a);
    if (k == TC_GVCP_ACK_DONE) {
        if (a.payload < dg || a.payload + a.payload_len > dg + n)
            abort();
        for (unsigned i = 0; i < a.payload_len; i++)
            sum += a.payload[i];
    } else if (k == TC_GVCP_ACK_PENDING) {
        sum += a.pending_ms;
    }
    g_sink = sum;
    free(dg);
    return 0;
}
