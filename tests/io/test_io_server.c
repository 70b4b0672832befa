/* The I/O socket's connection limits (issue 11): a client that sends no
 * command for the idle timeout is closed (told why), a watcher is not, and
 * when every slot is taken a new client is still served. A Unix socket in a
 * temporary directory: no network. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/io_server.h"
#include "twincam/twincam.h"

typedef struct fixture {
    char dir[64], path[96];
    tc_camera *cam;
    tc_io_server *srv;
} fixture;

#define IDLE_MS 400
#define SLOTS 16

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/twincam-io-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/cam.io", f->dir);
    tc_options o;
    tc_options_init(&o);
    if (tc_camera_open(&o, &f->cam) != 0)
        return -1;
    tc_io_limits lim = { SLOTS, IDLE_MS };
    f->srv = tc_io_server_start_with(f->cam, f->path, &lim);
    if (!f->srv)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tc_io_server_stop(f->srv);
    tc_camera_close(f->cam);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int dial(const fixture *f)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* One reply line within ms (NUL-terminated, without its newline); returns
 * its length, 0 on EOF, -1 if none came in time. */
static int read_line(int fd, char *line, size_t cap, int ms)
{
    size_t n = 0;
    int64_t end = now_ms() + ms;
    while (n + 1 < cap) {
        struct pollfd p = { fd, POLLIN, 0 };
        int64_t left = end - now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) != 1)
            return -1;
        ssize_t r = read(fd, line + n, 1);
        if (r <= 0)
            return n ? (int)n : 0;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = 0;
    return (int)n;
}

/* Send a command and read its reply line within 2 s: 0, or -1 if the
 * server closed or said nothing (line then empty). */
static int try_ask(int fd, const char *cmd, char *line, size_t cap)
{
    line[0] = 0;
    if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) != (ssize_t)strlen(cmd))
        return -1;
    return read_line(fd, line, cap, 2000) > 0 ? 0 : -1;
}

static void ask(int fd, const char *cmd, char *line, size_t cap)
{
    assert_int_equal(try_ask(fd, cmd, line, cap), 0);
}

/* A client that says nothing is told and closed once its idle time is up,
 * not before half of it. */
static void idle_client_is_closed(void **state)
{
    fixture *f = *state;
    int fd = dial(f);
    char line[128];
    int64_t t0 = now_ms();
    ask(fd, "time\n", line, sizeof(line)); /* served, and its idle time starts again */
    assert_memory_equal(line, "time ", 5);
    int n = read_line(fd, line, sizeof(line), IDLE_MS * 10);
    assert_true(n > 0);
    assert_non_null(strstr(line, "idle"));
    assert_true(now_ms() - t0 >= IDLE_MS / 2);
    assert_int_equal(read_line(fd, line, sizeof(line), 2000), 0); /* then EOF */
    close(fd);
}

/* A watcher only listens: it stays past the idle time and gets its edges. */
static void watcher_is_kept(void **state)
{
    fixture *f = *state;
    int fd = dial(f);
    char line[128];
    ask(fd, "watch\n", line, sizeof(line));
    assert_string_equal(line, "ok");
    assert_int_equal(read_line(fd, line, sizeof(line), IDLE_MS * 3), -1); /* nothing, no close */
    assert_int_equal(tc_drive_line(f->cam, 0, 1, 0), 0);
    assert_true(read_line(fd, line, sizeof(line), 2000) > 0);
    assert_memory_equal(line, "edge Line0 1 ", 13);
    close(fd);
}

/* Every slot taken by a client that says nothing: one more is served all
 * the same, within a second (before: "error too many clients" for as long
 * as the 16 stayed). */
static void client_beyond_the_slots_is_served(void **state)
{
    fixture *f = *state;
    int idle[SLOTS];
    for (int i = 0; i < SLOTS; i++)
        idle[i] = dial(f);
    char line[128];
    /* The 16 are all in their slots once one of them has an answer. */
    ask(idle[SLOTS - 1], "status\n", line, sizeof(line));
    int64_t t0 = now_ms();
    int served = 0;
    while (!served && now_ms() - t0 < 1000) {
        int fd = dial(f);
        try_ask(fd, "time\n", line, sizeof(line));
        served = !strncmp(line, "time ", 5);
        close(fd);
        if (!served) {
            struct pollfd none = { -1, 0, 0 };
            poll(&none, 1, 20); /* try again shortly */
        }
    }
    if (!served)
        fail_msg("a 17th client was not served within 1 s: '%s'", line);
    for (int i = 0; i < SLOTS; i++)
        close(idle[i]);
}

/* The socket's path replaces only an old socket there: a regular file (a
 * typo, or something another user wants deleted) is refused and kept. */
static void socket_path_replaces_only_a_socket(void **state)
{
    (void)state;
    char dir[] = "/tmp/twincam-io-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[96];
    snprintf(path, sizeof(path), "%s/precious", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("keep me\n", fp);
    fclose(fp);
    tc_options o;
    tc_options_init(&o);
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    tc_io_server *srv = tc_io_server_start(cam, path);
    if (srv)
        tc_io_server_stop(srv);
    assert_null(srv);
    char line[32] = "";
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    assert_string_equal(line, "keep me\n");
    /* an old socket there (a camera that did not stop cleanly) is replaced */
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    close(fd); /* the socket file stays */
    srv = tc_io_server_start(cam, path);
    assert_non_null(srv);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    close(fd);
    tc_io_server_stop(srv);
    tc_camera_close(cam);
    unlink(path);
    rmdir(dir);
}

/* A second camera on a path another one serves is refused, and the first
 * keeps serving there (its file untouched). */
static void live_socket_is_not_taken_over(void **state)
{
    fixture *f = *state;
    struct stat before, after;
    assert_int_equal(lstat(f->path, &before), 0);
    tc_options o;
    tc_options_init(&o);
    tc_camera *cam2 = NULL;
    assert_int_equal(tc_camera_open(&o, &cam2), 0);
    tc_io_server *second = tc_io_server_start(cam2, f->path);
    if (second)
        tc_io_server_stop(second);
    assert_null(second);
    tc_camera_close(cam2);
    assert_int_equal(lstat(f->path, &after), 0);
    assert_true(before.st_ino == after.st_ino);
    int fd = dial(f);
    char line[128];
    ask(fd, "time\n", line, sizeof(line));
    assert_memory_equal(line, "time ", 5);
    close(fd);
}

/* A server stops without deleting a socket file it did not create: here one
 * put at its path after it started (another camera's). */
static void stop_keeps_a_socket_it_did_not_create(void **state)
{
    fixture *f = *state;
    assert_int_equal(unlink(f->path), 0);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 1), 0);
    tc_io_server_stop(f->srv);
    f->srv = NULL;
    struct stat sb;
    assert_int_equal(lstat(f->path, &sb), 0);
    assert_true(S_ISSOCK(sb.st_mode));
    close(fd);
    unlink(f->path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(idle_client_is_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(watcher_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(client_beyond_the_slots_is_served, setup, teardown),
        cmocka_unit_test(socket_path_replaces_only_a_socket),
        cmocka_unit_test_setup_teardown(live_socket_is_not_taken_over, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_keeps_a_socket_it_did_not_create, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
