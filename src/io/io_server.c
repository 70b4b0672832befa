/* The I/O port (io_server.h): a poll loop over a Unix listening socket and
 * its clients, plus a line watcher that queues "edge" lines for watching
 * clients. The watcher runs on the camera's acquisition thread, so it only
 * appends to buffers and wakes the loop through a pipe. */
#include "io/io_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define LINE_MAX_LEN 256
#define OUT_MAX (256 * 1024) /* a watcher this far behind is dropped */

typedef struct client {
    int fd;
    int watch;
    char in[LINE_MAX_LEN];
    size_t in_len;
    int discarding; /* inside an over-long line */
    char *out;
    size_t out_len;
    int dead;
} client;

struct tc_io_server {
    tc_camera *cam;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int listen_fd, wake[2];
    pthread_t thread;
    volatile int stop;
    pthread_mutex_t mu; /* clients' out buffers and watch flags */
    client clients[MAX_CLIENTS];
    int watch_handle;
};

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

/* Append to a client's output; caller holds s->mu. */
static void append(client *c, const char *text, size_t n)
{
    if (c->dead)
        return;
    if (c->out_len + n > OUT_MAX) {
        c->dead = 1; /* too far behind: drop it rather than slow the camera */
        return;
    }
    char *p = realloc(c->out, c->out_len + n);
    if (!p) {
        c->dead = 1;
        return;
    }
    c->out = p;
    memcpy(c->out + c->out_len, text, n);
    c->out_len += n;
}

static void on_edge(void *ctx, unsigned line, int level, uint64_t t)
{
    tc_io_server *s = ctx;
    char text[64];
    int n = snprintf(text, sizeof(text), "edge Line%u %d %llu\n", line, level, (unsigned long long)t);
    int any = 0;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < MAX_CLIENTS; i++)
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
        ssize_t w = send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
            memmove(c->out, c->out + w, c->out_len - (size_t)w);
            c->out_len -= (size_t)w;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            c->dead = 1;
        }
    }
    pthread_mutex_unlock(&s->mu);
}

static void *io_main(void *arg)
{
    tc_io_server *s = arg;
    pthread_setname_np(pthread_self(), "tc-io");
    while (!s->stop) {
        struct pollfd p[MAX_CLIENTS + 2];
        int idx[MAX_CLIENTS + 2];
        int n = 0;
        p[n++] = (struct pollfd){ s->listen_fd, POLLIN, 0 };
        p[n++] = (struct pollfd){ s->wake[0], POLLIN, 0 };
        pthread_mutex_lock(&s->mu);
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (s->clients[i].fd < 0)
                continue;
            if (s->clients[i].dead) {
                close_client(&s->clients[i]);
                continue;
            }
            idx[n] = i;
            p[n++] = (struct pollfd){ s->clients[i].fd, (short)(POLLIN | (s->clients[i].out_len ? POLLOUT : 0)), 0 };
        }
        pthread_mutex_unlock(&s->mu);
        if (poll(p, (nfds_t)n, 200) <= 0)
            continue;
        if (p[1].revents & POLLIN) {
            char drain[256];
            while (read(s->wake[0], drain, sizeof(drain)) > 0)
                ;
        }
        if (p[0].revents & POLLIN) {
            int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0) {
                int placed = 0;
                pthread_mutex_lock(&s->mu);
                for (int i = 0; i < MAX_CLIENTS && !placed; i++)
                    if (s->clients[i].fd < 0) {
                        s->clients[i].fd = fd;
                        placed = 1;
                    }
                pthread_mutex_unlock(&s->mu);
                if (!placed) {
                    const char *full = "error too many clients\n";
                    ssize_t w = send(fd, full, strlen(full), MSG_DONTWAIT | MSG_NOSIGNAL);
                    (void)w;
                    close(fd);
                }
            }
        }
        for (int k = 2; k < n; k++) {
            client *c = &s->clients[idx[k]];
            if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
                handle_input(s, c);
            flush_output(s, c);
        }
    }
    return NULL;
}

tc_io_server *tc_io_server_start(tc_camera *cam, const char *path)
{
    tc_io_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cam = cam;
    s->listen_fd = -1;
    s->wake[0] = s->wake[1] = -1;
    for (int i = 0; i < MAX_CLIENTS; i++)
        s->clients[i].fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    if (strlen(path) >= sizeof(s->path)) {
        fprintf(stderr, "twincam: I/O socket path too long: %s\n", path);
        goto fail;
    }
    snprintf(s->path, sizeof(s->path), "%s", path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    memcpy(a.sun_path, s->path, strlen(s->path) + 1);
    unlink(s->path);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->listen_fd, 8) != 0 || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "twincam: cannot listen on %s: %s\n", s->path, strerror(errno));
        goto fail;
    }
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
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0)
            close_client(&s->clients[i]);
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    unlink(s->path);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
