/* Keeping a slow command's requester waiting (pending_ack.c). A GVCP
 * PENDING_ACK promises the ack within its time (2000 ms); a command that
 * takes longer (a large PNG scene, a user set with one, a save on a slow
 * disk) would let that promise lapse, and the host would give up on the
 * command and then on its session. So the PENDING_ACK is repeated, from a
 * thread of its own, every repeat_ms until the command's ack is ready. */
#ifndef TC_GIGE_PENDING_ACK_H
#define TC_GIGE_PENDING_ACK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*tc_pending_send)(void *ctx, const uint8_t *data, size_t n);

typedef struct tc_pending_ack {
    pthread_mutex_t mu; /* held while sending, so disarm waits for a send in progress */
    pthread_cond_t cv;  /* on CLOCK_MONOTONIC */
    pthread_t thread;
    int armed, quit;
    uint8_t msg[16];
    size_t n;
    unsigned repeat_ms;
    tc_pending_send send;
    void *ctx;
    uint64_t repeats; /* PENDING_ACKs sent again, in all */
} tc_pending_ack;

/* 0, or -1 if the thread cannot start. */
int tc_pending_ack_init(tc_pending_ack *k, unsigned repeat_ms, tc_pending_send send, void *ctx);
/* Send msg (a PENDING_ACK) now, and again every repeat_ms until disarmed. */
void tc_pending_ack_arm(tc_pending_ack *k, const uint8_t *msg, size_t n);
/* Stop repeating; when it returns, nothing more is sent (the ack may go).
 * Returns whether it was armed (the command was a slow one). */
int tc_pending_ack_disarm(tc_pending_ack *k);
void tc_pending_ack_destroy(tc_pending_ack *k);

#endif
