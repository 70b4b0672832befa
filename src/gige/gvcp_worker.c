/* The GigE port's GVCP worker (gvcp_worker.h): a bounded FIFO of request
 * datagrams and the one thread that serves them in order. */
#include "gige/gvcp_worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct tc_gvcp_worker {
    pthread_mutex_t mu; /* everything below */
    pthread_cond_t cv;  /* a job queued, or quit */
    pthread_t thread;
    tc_gvcp_serve serve;
    tc_gvcp_busy busy;
    void *ctx;
    int quit, running;
    tc_gvcp_job cur; /* the running job (read by push for retries while running) */
    size_t head, count;
    tc_gvcp_job q[TC_GVCP_QUEUE_MAX];
};

static void *worker_main(void *arg)
{
    tc_gvcp_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->quit) {
        if (w->count == 0) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        w->cur = w->q[w->head];
        w->head = (w->head + 1) % TC_GVCP_QUEUE_MAX;
        w->count--;
        w->running = 1;
        pthread_mutex_unlock(&w->mu);
        /* Unlocked: the control thread keeps queueing while this runs. */
        w->serve(w->ctx, &w->cur);
        pthread_mutex_lock(&w->mu);
        w->running = 0;
        if (w->count == 0 && w->busy)
            w->busy(w->ctx, 0);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

tc_gvcp_worker *tc_gvcp_worker_new(tc_gvcp_serve serve, tc_gvcp_busy busy, void *ctx)
{
    tc_gvcp_worker *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->serve = serve;
    w->busy = busy;
    w->ctx = ctx;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return NULL;
    }
    return w;
}

void tc_gvcp_worker_free(tc_gvcp_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

int tc_gvcp_worker_busy(tc_gvcp_worker *w)
{
    pthread_mutex_lock(&w->mu);
    int busy = w->running || w->count > 0;
    pthread_mutex_unlock(&w->mu);
    return busy;
}

/* A host that heard nothing in its timeout sends the same command again
 * (same request id): one already waiting, or running, answers it. */
static int same_request(const tc_gvcp_job *j, const struct sockaddr_in *peer, const uint8_t *b,
                        size_t n)
{
    return n >= 8 && j->n >= 8 && j->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
           j->peer.sin_port == peer->sin_port && !memcmp(j->bytes + 2, b + 2, 2) /* command */ &&
           !memcmp(j->bytes + 6, b + 6, 2) /* request id */;
}

tc_gvcp_push tc_gvcp_worker_push(tc_gvcp_worker *w, const struct sockaddr_in *peer,
                                 const uint8_t *bytes, size_t n)
{
    if (n > TC_GVCP_JOB_BYTES)
        return TC_GVCP_FULL;
    tc_gvcp_push r = TC_GVCP_QUEUED;
    pthread_mutex_lock(&w->mu);
    if (w->running && same_request(&w->cur, peer, bytes, n))
        r = TC_GVCP_RETRY;
    for (size_t i = 0; i < w->count && r == TC_GVCP_QUEUED; i++)
        if (same_request(&w->q[(w->head + i) % TC_GVCP_QUEUE_MAX], peer, bytes, n))
            r = TC_GVCP_RETRY;
    if (r == TC_GVCP_QUEUED && w->count == TC_GVCP_QUEUE_MAX)
        r = TC_GVCP_FULL;
    if (r == TC_GVCP_QUEUED) {
        tc_gvcp_job *j = &w->q[(w->head + w->count) % TC_GVCP_QUEUE_MAX];
        j->peer = *peer;
        j->n = n;
        memcpy(j->bytes, bytes, n);
        if (!w->running && w->count == 0 && w->busy)
            w->busy(w->ctx, 1);
        w->count++;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return r;
}
