/* The GigE Vision stream channel's sender: frames from the device core to
 * GevSCDA:GevSCPHostPort as GVSP packets, and the resends hosts ask for.
 *
 *  - stream thread: blocks in the core's frame wait, holds each frame for
 *    resends (as many recent ones as memory allows), and sends leader, payload and
 *    trailer with sendmmsg, each batch once the core's readout pacing says
 *    its rows have been read; each packet a two-part iovec (header, slice of
 *    the frame): no payload copy, nothing allocated per packet.
 *  - resend thread: serves the PACKETRESEND requests the control thread
 *    queued (tc_gvsp_sender_resend costs the control thread O(1) and never
 *    blocks it), from the held frames.
 *  - both share one link (tc_port_link): whatever falls behind catches up at
 *    the link's rate, never in a burst, and resends take the link between
 *    stream batches instead of on top of them. Resends are bounded: a queue
 *    of requests (overlapping ones merged), and a byte budget of a quarter of
 *    the link's rate, so no request, and no flood of them, costs more than
 *    the link can spare.
 *
 * The sender only ever sends to the stream channel's destination. */
#ifndef TC_GIGE_GVSP_SENDER_H
#define TC_GIGE_GVSP_SENDER_H

#include <stdint.h>

#include "core/device_port.h"
#include "gige/gige_device.h"

/* At most this many frames, within TC_PORT_HOLD_BYTES and the camera's
 * spare buffers (device_port.h): 16 small frames, 4 full 8-bit ones. */
#define TC_GVSP_HELD_FRAMES 16

typedef struct tc_gvsp_sender tc_gvsp_sender;

typedef struct tc_gvsp_sender_stats {
    uint64_t frames_sent, frames_abandoned, packets_sent, packets_lost_on_purpose;
    uint64_t bytes_sent;        /* payload bytes of the frames sent */
    uint64_t resend_requests, packets_resent, packets_unavailable;
    uint64_t resends_refused;    /* over the resend budget */
    uint64_t resends_queue_full; /* the queue held TC_RESEND_QUEUE requests */
    uint64_t resends_stale;     /* requests for a frame sent to a channel since moved or reset */
    uint64_t batches_late;      /* stream batches that left over 1 ms after their readout time */
    uint64_t send_errors;       /* packets the kernel refused (the host sees them lost) */
    int last_send_errno;
} tc_gvsp_sender_stats;

/* Borrowed: dev, gige, fd (a bound UDP socket, the stream's source port). */
tc_gvsp_sender *tc_gvsp_sender_new(tc_device *dev, tc_gige *gige, int fd);
/* Start the stream and resend threads: 0, or -1. */
int tc_gvsp_sender_start(tc_gvsp_sender *s);
/* Stop both threads (the core's acquisition should be stopped first);
 * NULL-safe. Free stops them too. */
void tc_gvsp_sender_stop(tc_gvsp_sender *s);
void tc_gvsp_sender_free(tc_gvsp_sender *s);

/* Queue a PACKETRESEND (from the control thread): O(1), never blocks on the
 * network. A request that does not fit is refused and counted. */
void tc_gvsp_sender_resend(tc_gvsp_sender *s, const tc_gvcp_resend *r);
/* Send one test packet of cfg->packet_size (GevSCPSFireTestPacket). */
void tc_gvsp_sender_fire_test(tc_gvsp_sender *s, const tc_gige_stream_cfg *cfg);

/* The counters; exact once stopped. */
void tc_gvsp_sender_stats_get(tc_gvsp_sender *s, tc_gvsp_sender_stats *out);

#endif
