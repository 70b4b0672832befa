/* The GigE port's GVCP worker (gvcp_worker.c): one thread serving queued
 * requests in the order they came, so the control thread never waits for
 * a request that reaches the device core while a slow one runs there (a
 * scene, a user set, a firmware install: up to seconds). The control
 * thread decides what is queued (gige_server.c); this only keeps the
 * queue. */
#ifndef TC_GIGE_GVCP_WORKER_H
#define TC_GIGE_GVCP_WORKER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* A datagram as the control thread receives it (its receive buffer). */
#define TC_GVCP_JOB_BYTES 2048
/* Queued requests beyond the running one. A host keeps one command in
 * flight per control socket, so 32 is room for many peers; past it a
 * request gets a BUSY ack rather than an unbounded wait or memory. */
#define TC_GVCP_QUEUE_MAX 32

typedef struct tc_gvcp_job {
    struct sockaddr_in peer;
    size_t n;
    uint8_t bytes[TC_GVCP_JOB_BYTES];
} tc_gvcp_job;

/* serve: runs on the worker thread, one job at a time. busy: called with 1
 * when the worker goes from idle to having work, with 0 when it has none
 * left, each under the worker's lock, so a flag it sets is never behind
 * the queue. */
typedef void (*tc_gvcp_serve)(void *ctx, const tc_gvcp_job *job);
typedef void (*tc_gvcp_busy)(void *ctx, int busy);

typedef struct tc_gvcp_worker tc_gvcp_worker;

/* NULL if the thread cannot start. */
tc_gvcp_worker *tc_gvcp_worker_new(tc_gvcp_serve serve, tc_gvcp_busy busy, void *ctx);
/* Waits for the running job, drops the queued ones. NULL is fine. */
void tc_gvcp_worker_free(tc_gvcp_worker *w);

/* Whether a job is running or queued. Only the thread that pushes can make
 * an idle worker busy, so for it "idle" stays true until its next push. */
int tc_gvcp_worker_busy(tc_gvcp_worker *w);

typedef enum tc_gvcp_push {
    TC_GVCP_QUEUED,
    TC_GVCP_RETRY, /* same peer, command and request id as one running or queued: dropped,
                      that one's ack (and PENDING_ACKs) answer it */
    TC_GVCP_FULL,  /* TC_GVCP_QUEUE_MAX waiting: not queued */
} tc_gvcp_push;
/* Queue a datagram (n <= TC_GVCP_JOB_BYTES, else FULL; n >= 8 to be
 * compared as a retry). */
tc_gvcp_push tc_gvcp_worker_push(tc_gvcp_worker *w, const struct sockaddr_in *peer,
                                 const uint8_t *bytes, size_t n);

#endif
