/* The I/O port (io_server.h): a poll loop over a Unix listening socket and
 * its clients, plus a line watcher that queues "edge" lines for watching
 * clients. The watcher runs on the camera's acquisition thread, so it only
 * appends to buffers and wakes the loop through a pipe.
 *
 * Limits (docs/io.md): max_clients at once; a client that is not watching
 * and sends no command for idle_ms is told so and closed; when every slot
 * is taken, a new client takes the slot of the longest-idle client that is
 * not watching and has been idle at least EVICT_AFTER_MS (or is told "too
 * many clients" if there is none), so clients that say nothing can never
 * lock the others out. A client's output buffer grows by doubling, up to
 * OUT_MAX; a watcher that far behind is dropped. Repeated events are logged
 * rate-limited (util/log.h). */
#include "io/io_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

#define DEFAULT_MAX_CLIENTS 16
#define DEFAULT_IDLE_MS 30000
#define EVICT_AFTER_MS 1000
#define LINE_MAX_LEN 256
#define OUT_MIN 4096
#define OUT_MAX (256 * 1024) /* a watcher this far behind is dropped */

typedef struct client {
    int fd;
    int watch;
    char in[LINE_MAX_LEN];
    size_t in_len;
    int discarding; /* inside an over-long line */
    char *out;      /* out_len bytes to send from out + out_off; out_cap allocated */
    size_t out_off, out_len, out_cap;
    int64_t last_ms; /* connection or last command */
    int dead;
} client;

struct tc_io_server {
    tc_camera *cam;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    dev_t sock_dev; /* the socket file bound at path (stop removes only it) */
    ino_t sock_ino;
    char label[sizeof(((struct sockaddr_un *)0)->sun_path) + 8];
    int listen_fd, wake[2];
    pthread_t thread;
    volatile int stop;
    tc_io_limits lim;
    pthread_mutex_t mu; /* clients' out buffers and watch flags */
    client *clients;    /* lim.max_clients */
    struct pollfd *pfd; /* the loop's, lim.max_clients + 2 */
    int *idx;
    tc_log_limit log_limit; /* the loop's lines: clients can repeat them */
    int watch_handle;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- commands ---- */

static int parse_line_name(const char *t, unsigned *line)
{
    if (!strncmp(t, "Line", 4))
        t += 4;
    if (t[0] < '0' || t[0] > '3' || t[1])
        return -1;
    *line = (unsigned)(t[0] - '0');
    return 0;
}

static int parse_u64(const char *t, uint64_t *v)
{
    if (!t || !*t)
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(t, &end, 10);
    if (*end || errno || t[0] == '-')
        return -1;
    *v = x;
    return 0;
}

int tc_io_command(tc_camera *cam, const char *line, char *reply, size_t cap)
{
    char buf[LINE_MAX_LEN];
    snprintf(buf, sizeof(buf), "%s", line);
    char *tok[6] = { 0 };
    int n = 0;
    for (char *save = NULL, *t = strtok_r(buf, " \t\r\n", &save); t && n < 6; t = strtok_r(NULL, " \t\r\n", &save))
        tok[n++] = t;
    if (n == 0) {
        snprintf(reply, cap, "error empty command");
        return 0;
    }
    if (!strcmp(tok[0], "time") && n == 1) {
        snprintf(reply, cap, "time %llu", (unsigned long long)tc_host_time(cam));
        return 0;
    }
    if (!strcmp(tok[0], "status") && n == 1) {
        int l[4];
        for (unsigned i = 0; i < 4; i++)
            l[i] = tc_line_level(cam, i);
        snprintf(reply, cap, "status %d %d %d %d %llu", l[0], l[1], l[2], l[3],
                 (unsigned long long)tc_host_time(cam));
        return 0;
    }
    if (!strcmp(tok[0], "watch") && n == 1) {
        snprintf(reply, cap, "ok");
        return 1;
    }
    unsigned ln;
    uint64_t t = 0;
    if (!strcmp(tok[0], "drive") && (n == 3 || n == 4)) {
        uint64_t level;
        if (parse_line_name(tok[1], &ln) || parse_u64(tok[2], &level) || level > 1 ||
            (n == 4 && parse_u64(tok[3], &t))) {
            snprintf(reply, cap, "error usage: drive Line0..Line3 0|1 [T_NS]");
            return 0;
        }
        if (tc_drive_line(cam, ln, (int)level, t) != 0)
            snprintf(reply, cap, "error %s", tc_camera_last_error(cam));
        else
            snprintf(reply, cap, "ok");
        return 0;
    }
    if (!strcmp(tok[0], "pulse") && (n == 3 || n == 4)) {
        char *end;
        errno = 0;
        double width_us = strtod(tok[2], &end);
        if (parse_line_name(tok[1], &ln) || *end || errno || !(width_us > 0 && width_us <= 1e7) ||
            (n == 4 && parse_u64(tok[3], &t))) {
            snprintf(reply, cap, "error usage: pulse Line0..Line3 WIDTH_US (0 < WIDTH_US <= 1e7) [T_NS]");
            return 0;
        }
        if (!t)
            t = tc_host_time(cam);
        if (tc_drive_line(cam, ln, 1, t) != 0 ||
            tc_drive_line(cam, ln, 0, t + (uint64_t)(width_us * 1e3)) != 0)
            snprintf(reply, cap, "error %s", tc_camera_last_error(cam));
        else
            snprintf(reply, cap, "ok");
        return 0;
    }
    /* Echo at most 32 printable bytes: a reply is always exactly one line. */
    char shown[33];
    size_t k = 0;
    for (const char *c = tok[0]; *c && k < sizeof(shown) - 1; c++)
        shown[k++] = (*c >= 0x20 && *c < 0x7F) ? *c : '?';
    shown[k] = 0;
    snprintf(reply, cap, "error unknown command '%s' (drive, pulse, status, time, watch)", shown);
    return 0;
}

/* ---- buffers ---- */

/* Append to a client's output; caller holds s->mu. The buffer grows by
 * doubling, and what was sent is dropped from its front only when the
 * space is needed, so a line costs a copy, not an allocation. */
static void append(client *c, const char *text, size_t n)
{
    if (c->dead)
        return;
    if (c->out_len + n > OUT_MAX) {
        c->dead = 2; /* too far behind: drop it rather than slow the camera */
        return;
    }
    if (c->out_off + c->out_len + n > c->out_cap) {
        if (c->out_off) {
            memmove(c->out, c->out + c->out_off, c->out_len);
            c->out_off = 0;
        }
        if (c->out_len + n > c->out_cap) {
            size_t cap = c->out_cap ? c->out_cap : OUT_MIN;
            while (cap < c->out_len + n)
                cap *= 2;
            if (cap > OUT_MAX)
                cap = OUT_MAX;
            char *p = realloc(c->out, cap);
            if (!p) {
                c->dead = 1;
                return;
            }
            c->out = p;
            c->out_cap = cap;
        }
    }
    memcpy(c->out + c->out_off + c->out_len, text, n);
    c->out_len += n;
}

static void on_edge(void *ctx, unsigned line, int level, uint64_t t)
{
    tc_io_server *s = ctx;
    char text[64];
    int n = snprintf(text, sizeof(text), "edge Line%u %d %llu\n", line, level, (unsigned long long)t);
    int any = 0;
    pthread_mutex_lock(&s->mu);
    for (unsigned i = 0; i < s->lim.max_clients; i++)
        if (s->clients[i].fd >= 0 && s->clients[i].watch) {
            append(&s->clients[i], text, (size_t)n);
            any = 1;
        }
    pthread_mutex_unlock(&s->mu);
    if (any) {
        ssize_t w = write(s->wake[1], "e", 1); /* full pipe: a wake-up is pending anyway */
        (void)w;
    }
}

static void close_client(client *c)
{
    close(c->fd);
    free(c->out);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

static void handle_input(tc_io_server *s, client *c)
{
    char buf[1024];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            c->dead = 1;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        char ch = buf[i];
        if (ch != '\n') {
            if (c->in_len < LINE_MAX_LEN - 1)
                c->in[c->in_len++] = ch;
            else
                c->discarding = 1;
            continue;
        }
        char reply[LINE_MAX_LEN + 64];
        int watch = 0;
        if (c->discarding)
            snprintf(reply, sizeof(reply), "error line longer than %d bytes", LINE_MAX_LEN - 1);
        else {
            c->in[c->in_len] = 0;
            watch = tc_io_command(s->cam, c->in, reply, sizeof(reply) - 1);
        }
        c->in_len = 0;
        c->discarding = 0;
        c->last_ms = mono_ms();
        size_t len = strlen(reply);
        reply[len++] = '\n';
        pthread_mutex_lock(&s->mu);
        append(c, reply, len);
        if (watch)
            c->watch = 1;
        pthread_mutex_unlock(&s->mu);
    }
}

static void flush_output(tc_io_server *s, client *c)
{
    pthread_mutex_lock(&s->mu);
    if (c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
            c->out_off += (size_t)w;
            c->out_len -= (size_t)w;
            if (!c->out_len)
                c->out_off = 0;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            c->dead = 1;
        }
    }
    pthread_mutex_unlock(&s->mu);
}

/* Say why, as the client's last line, and close it at the next turn. */
static void say_goodbye(tc_io_server *s, client *c, const char *text)
{
    pthread_mutex_lock(&s->mu);
    append(c, text, strlen(text));
    if (!c->dead)
        c->dead = 1;
    pthread_mutex_unlock(&s->mu);
    flush_output(s, c);
}

/* A free slot for a new client, or the slot of the longest-idle one that
 * is not watching (told why and closed), or NULL. The loop's thread is the
 * only one that changes slots, so it reads them without the lock. */
static client *slot_for_new(tc_io_server *s, int64_t now)
{
    client *idlest = NULL;
    for (unsigned i = 0; i < s->lim.max_clients; i++) {
        client *c = &s->clients[i];
        if (c->fd < 0)
            return c;
        if (!c->watch && !c->dead && (!idlest || c->last_ms < idlest->last_ms))
            idlest = c;
    }
    unsigned after = s->lim.idle_ms < EVICT_AFTER_MS ? s->lim.idle_ms : EVICT_AFTER_MS;
    if (!idlest || now - idlest->last_ms < (int64_t)after)
        return NULL;
    tc_log_limited(&s->log_limit, s->label, "all %u slots taken: the client idle longest (%lld ms) closed for a new one",
                   s->lim.max_clients, (long long)(now - idlest->last_ms));
    say_goodbye(s, idlest, "error idle while every slot is taken; closed for a new client\n");
    pthread_mutex_lock(&s->mu);
    close_client(idlest);
    pthread_mutex_unlock(&s->mu);
    return idlest;
}

static void accept_clients(tc_io_server *s, int64_t now)
{
    for (;;) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        client *c = slot_for_new(s, now);
        if (c) {
            pthread_mutex_lock(&s->mu);
            c->fd = fd;
            c->last_ms = now;
            pthread_mutex_unlock(&s->mu);
        }
        if (!c) {
            tc_log_limited(&s->log_limit, s->label,
                           "a client refused: all %u slots taken by watchers or clients active within %u ms",
                           s->lim.max_clients,
                           s->lim.idle_ms < EVICT_AFTER_MS ? s->lim.idle_ms : EVICT_AFTER_MS);
            const char *full = "error too many clients\n";
            ssize_t w = send(fd, full, strlen(full), MSG_DONTWAIT | MSG_NOSIGNAL);
            (void)w;
            close(fd);
        }
    }
}

/* Close the clients that are dead, and those idle too long. Returns how
 * long the loop may sleep before the next one's idle time is up. */
static int64_t sweep(tc_io_server *s, int64_t now)
{
    int64_t wait = 200; /* stop is checked at least this often */
    for (unsigned i = 0; i < s->lim.max_clients; i++) {
        client *c = &s->clients[i];
        if (c->fd < 0)
            continue;
        if (!c->dead && !c->watch && now - c->last_ms >= (int64_t)s->lim.idle_ms) {
            tc_log_limited(&s->log_limit, s->label, "a client idle for %u ms closed", s->lim.idle_ms);
            char bye[80];
            snprintf(bye, sizeof(bye), "error idle for %u ms; closed\n", s->lim.idle_ms);
            say_goodbye(s, c, bye);
        }
        if (c->dead) {
            if (c->dead == 2)
                tc_log_limited(&s->log_limit, s->label, "a watcher %d KiB behind its edges dropped",
                               OUT_MAX / 1024);
            pthread_mutex_lock(&s->mu);
            close_client(c);
            pthread_mutex_unlock(&s->mu);
            continue;
        }
        if (!c->watch && c->last_ms + (int64_t)s->lim.idle_ms - now < wait)
            wait = c->last_ms + (int64_t)s->lim.idle_ms - now;
    }
    return wait < 0 ? 0 : wait;
}

static void *io_main(void *arg)
{
    tc_io_server *s = arg;
    pthread_setname_np(pthread_self(), "tc-io");
    struct pollfd *p = s->pfd;
    int *idx = s->idx;
    while (!s->stop) {
        int64_t wait = sweep(s, mono_ms());
        int n = 0;
        p[n++] = (struct pollfd){ s->listen_fd, POLLIN, 0 };
        p[n++] = (struct pollfd){ s->wake[0], POLLIN, 0 };
        pthread_mutex_lock(&s->mu);
        for (unsigned i = 0; i < s->lim.max_clients; i++) {
            if (s->clients[i].fd < 0)
                continue;
            idx[n] = (int)i;
            p[n++] = (struct pollfd){ s->clients[i].fd, (short)(POLLIN | (s->clients[i].out_len ? POLLOUT : 0)), 0 };
        }
        pthread_mutex_unlock(&s->mu);
        if (poll(p, (nfds_t)n, (int)wait) <= 0)
            continue;
        if (p[1].revents & POLLIN) {
            char drain[256];
            while (read(s->wake[0], drain, sizeof(drain)) > 0)
                ;
        }
        for (int k = 2; k < n; k++) {
            client *c = &s->clients[idx[k]];
            if (c->fd < 0)
                continue;
            if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
                handle_input(s, c);
            flush_output(s, c);
        }
        if (p[0].revents & POLLIN)
            accept_clients(s, mono_ms());
    }
    return NULL;
}

/* Whether something listens on the socket at a->sun_path: a stale file (its
 * camera died) refuses the connection; a live one accepts it, or says its
 * backlog is full (EAGAIN), which is alive too. Non-blocking: never waits on
 * the other end. */
static int socket_is_live(const struct sockaddr_un *a)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return 0;
    int live = connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0 || errno == EAGAIN ||
               errno == EINPROGRESS;
    close(fd);
    return live;
}

tc_io_server *tc_io_server_start(tc_camera *cam, const char *path)
{
    return tc_io_server_start_with(cam, path, NULL);
}

tc_io_server *tc_io_server_start_with(tc_camera *cam, const char *path, const tc_io_limits *lim)
{
    tc_io_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cam = cam;
    s->listen_fd = -1;
    s->wake[0] = s->wake[1] = -1;
    s->lim.max_clients = lim && lim->max_clients ? lim->max_clients : DEFAULT_MAX_CLIENTS;
    s->lim.idle_ms = lim && lim->idle_ms ? lim->idle_ms : DEFAULT_IDLE_MS;
    s->clients = calloc(s->lim.max_clients, sizeof(*s->clients));
    s->pfd = calloc(s->lim.max_clients + 2, sizeof(*s->pfd));
    s->idx = calloc(s->lim.max_clients + 2, sizeof(*s->idx));
    pthread_mutex_init(&s->mu, NULL);
    if (!s->clients || !s->pfd || !s->idx) {
        fprintf(stderr, "twincam: no memory for the I/O port\n");
        goto fail;
    }
    for (unsigned i = 0; i < s->lim.max_clients; i++)
        s->clients[i].fd = -1;
    if (strlen(path) >= sizeof(s->path)) {
        fprintf(stderr, "twincam: I/O socket path too long: %s\n", path);
        goto fail;
    }
    snprintf(s->path, sizeof(s->path), "%s", path);
    snprintf(s->label, sizeof(s->label), "io %s", path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    memcpy(a.sun_path, s->path, strlen(s->path) + 1);
    /* Replace an old socket (a camera that did not stop cleanly), never
     * anything else: the path may be a typo, or another user's choice; and
     * never a live one: another camera serving there keeps it. */
    struct stat sb;
    if (lstat(s->path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode)) {
            fprintf(stderr, "twincam: %s exists and is not a socket; not replaced\n", s->path);
            goto fail;
        }
        if (socket_is_live(&a)) {
            fprintf(stderr, "twincam: another camera (or program) answers on the I/O socket %s; not replaced\n",
                    s->path);
            goto fail;
        }
        unlink(s->path);
    }
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->listen_fd, 64) != 0 || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0 ||
        stat(s->path, &sb) != 0) {
        fprintf(stderr, "twincam: cannot listen on %s: %s\n", s->path, strerror(errno));
        goto fail;
    }
    /* The file this server made: stop removes it only if it is still this. */
    s->sock_dev = sb.st_dev;
    s->sock_ino = sb.st_ino;
    s->watch_handle = tc_watch_lines(cam, on_edge, s);
    if (s->watch_handle < 0 || pthread_create(&s->thread, NULL, io_main, s) != 0) {
        fprintf(stderr, "twincam: cannot start the I/O port\n");
        if (s->watch_handle >= 0)
            tc_unwatch_lines(cam, s->watch_handle);
        goto fail;
    }
    return s;
fail:
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake[0] >= 0) {
        close(s->wake[0]);
        close(s->wake[1]);
    }
    pthread_mutex_destroy(&s->mu);
    free(s->clients);
    free(s->pfd);
    free(s->idx);
    free(s);
    return NULL;
}

void tc_io_server_stop(tc_io_server *s)
{
    if (!s)
        return;
    tc_unwatch_lines(s->cam, s->watch_handle);
    s->stop = 1;
    pthread_join(s->thread, NULL);
    for (unsigned i = 0; i < s->lim.max_clients; i++)
        if (s->clients[i].fd >= 0)
            close_client(&s->clients[i]);
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    /* Only the socket file this server bound: if it was replaced meanwhile
     * (removed by hand, another camera started there), it is not ours. */
    struct stat sb;
    if (lstat(s->path, &sb) == 0 && S_ISSOCK(sb.st_mode) && sb.st_dev == s->sock_dev &&
        sb.st_ino == s->sock_ino)
        unlink(s->path);
    pthread_mutex_destroy(&s->mu);
    free(s->clients);
    free(s->pfd);
    free(s->idx);
    free(s);
}
