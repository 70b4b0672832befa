/* Keeping a slow command's requester waiting (pending_ack.h). */
#include "gige/pending_ack.h"

#include <string.h>
#include <time.h>

static void *repeat_main(void *arg)
{
    tc_pending_ack *k = arg;
    pthread_mutex_lock(&k->mu);
    while (!k->quit) {
        if (!k->armed) {
            pthread_cond_wait(&k->cv, &k->mu);
            continue;
        }
        struct timespec due;
        clock_gettime(CLOCK_MONOTONIC, &due);
        due.tv_sec += k->repeat_ms / 1000;
        due.tv_nsec += (long)(k->repeat_ms % 1000) * 1000000L;
        if (due.tv_nsec >= 1000000000L) {
            due.tv_sec++;
            due.tv_nsec -= 1000000000L;
        }
        int rc = 0;
        while (k->armed && !k->quit && rc == 0)
            rc = pthread_cond_timedwait(&k->cv, &k->mu, &due);
        if (k->armed && !k->quit) { /* still running at the period's end */
            k->send(k->ctx, k->msg, k->n);
            k->repeats++;
        }
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

int tc_pending_ack_init(tc_pending_ack *k, unsigned repeat_ms, tc_pending_send send, void *ctx)
{
    memset(k, 0, sizeof(*k));
    k->repeat_ms = repeat_ms;
    k->send = send;
    k->ctx = ctx;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&k->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&k->mu, NULL);
    if (pthread_create(&k->thread, NULL, repeat_main, k) != 0) {
        pthread_cond_destroy(&k->cv);
        pthread_mutex_destroy(&k->mu);
        return -1;
    }
    return 0;
}

void tc_pending_ack_arm(tc_pending_ack *k, const uint8_t *msg, size_t n)
{
    pthread_mutex_lock(&k->mu);
    if (n > sizeof(k->msg))
        n = sizeof(k->msg);
    memcpy(k->msg, msg, n);
    k->n = n;
    k->send(k->ctx, k->msg, k->n);
    k->armed = 1;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
}

int tc_pending_ack_disarm(tc_pending_ack *k)
{
    pthread_mutex_lock(&k->mu);
    int was = k->armed;
    k->armed = 0;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
    return was;
}

void tc_pending_ack_destroy(tc_pending_ack *k)
{
    pthread_mutex_lock(&k->mu);
    k->quit = 1;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
    pthread_join(k->thread, NULL);
    pthread_cond_destroy(&k->cv);
    pthread_mutex_destroy(&k->mu);
}
