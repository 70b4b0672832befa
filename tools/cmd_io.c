/* `twincam io`: a client of a camera's I/O socket (src/io/io_server.h).
 *
 *   twincam io PATH COMMAND...            one command, print the reply
 *   twincam io PATH watch [--count N]     print edges (N of them, or until killed)
 *   twincam io wire SRC:LineN DST:LineM [DST:LineM ...]
 *       wire an output of one camera to inputs of others: every edge on
 *       SRC's LineN is driven onto each DST line with the same timestamp
 *       (cameras on one host share CLOCK_MONOTONIC time), until SIGINT.
 * Exit status: 0 ok, 1 the camera answered "error ...", 2 usage, 3 connection. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_to(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(a.sun_path)) {
        fprintf(stderr, "twincam io: path too long: %s\n", path);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        fprintf(stderr, "twincam io: cannot connect to %s\n", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Read one line (without the newline) into buf; 0 ok, -1 at EOF/error. */
static int read_line(FILE *in, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, in))
        return -1;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

static int send_line(int fd, const char *line)
{
    size_t n = strlen(line);
    return send(fd, line, n, MSG_NOSIGNAL) == (ssize_t)n && send(fd, "\n", 1, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int command(const char *path, int argc, char **argv)
{
    char cmd[256] = "";
    long count = -1;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            count = strtol(argv[++i], NULL, 10);
            continue;
        }
        if (strlen(cmd) + strlen(argv[i]) + 2 >= sizeof(cmd)) {
            fprintf(stderr, "twincam io: command too long\n");
            return 2;
        }
        if (cmd[0])
            strcat(cmd, " ");
        strcat(cmd, argv[i]);
    }
    int fd = connect_to(path);
    if (fd < 0)
        return 3;
    FILE *in = fdopen(dup(fd), "r");
    char line[512];
    int rc = 0;
    if (send_line(fd, cmd) != 0 || read_line(in, line, sizeof(line)) != 0) {
        fprintf(stderr, "twincam io: connection lost\n");
        rc = 3;
    } else {
        printf("%s\n", line);
        fflush(stdout);
        if (!strncmp(line, "error", 5))
            rc = 1;
        else if (!strcmp(cmd, "watch"))
            while (count != 0 && read_line(in, line, sizeof(line)) == 0) {
                printf("%s\n", line);
                fflush(stdout);
                if (count > 0)
                    count--;
            }
    }
    fclose(in);
    close(fd);
    return rc;
}

/* One destination of a wire: its socket, the reply stream on it, its line. */
typedef struct end {
    char path[256];
    int fd;
    FILE *replies;
    unsigned line;
} end;

static int end_connect(end *d)
{
    if ((d->fd = connect_to(d->path)) < 0)
        return -1;
    d->replies = fdopen(dup(d->fd), "r");
    return d->replies ? 0 : -1;
}

/* Drive a destination's line. The camera closes a client that has sent
 * nothing for its idle time (docs/io.md), and a wire may see no edge for
 * longer: then it connects again, once, and drives. Returns 0, or -1 with
 * the connection lost. */
static int end_drive(end *d, const char *cmd, char *reply, size_t cap)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (send_line(d->fd, cmd) == 0 && read_line(d->replies, reply, cap) == 0 &&
            strncmp(reply, "error idle", 10) != 0)
            return 0;
        fclose(d->replies);
        close(d->fd);
        if (end_connect(d) != 0)
            return -1;
    }
    return -1;
}

static int parse_end(const char *spec, char *path, size_t cap, unsigned *line)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || (size_t)(colon - spec) >= cap)
        return -1;
    memcpy(path, spec, (size_t)(colon - spec));
    path[colon - spec] = 0;
    const char *l = colon + 1;
    if (!strncmp(l, "Line", 4))
        l += 4;
    if (l[0] < '0' || l[0] > '3' || l[1])
        return -1;
    *line = (unsigned)(l[0] - '0');
    return 0;
}

static int wire(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: twincam io wire SRC_SOCKET:LineN DST_SOCKET:LineM [DST...]\n");
        return 2;
    }
    char path[256];
    unsigned src_line;
    if (parse_end(argv[0], path, sizeof(path), &src_line) != 0) {
        fprintf(stderr, "twincam io wire: bad source '%s' (SOCKET:LineN)\n", argv[0]);
        return 2;
    }
    int src = connect_to(path);
    if (src < 0)
        return 3;
    end dst[16];
    int n = 0;
    for (int i = 1; i < argc && n < 16; i++, n++) {
        if (parse_end(argv[i], dst[n].path, sizeof(dst[n].path), &dst[n].line) != 0) {
            fprintf(stderr, "twincam io wire: bad destination '%s'\n", argv[i]);
            return 2;
        }
        if (end_connect(&dst[n]) != 0)
            return 3;
    }
    FILE *in = fdopen(dup(src), "r");
    char line[512];
    if (send_line(src, "watch") != 0 || read_line(in, line, sizeof(line)) != 0 || strcmp(line, "ok")) {
        fprintf(stderr, "twincam io wire: the source refused to be watched\n");
        return 1;
    }
    fprintf(stderr, "twincam io wire: %s -> %d input(s)\n", argv[0], n);
    while (read_line(in, line, sizeof(line)) == 0) {
        unsigned l;
        int level;
        unsigned long long t;
        if (sscanf(line, "edge Line%u %d %llu", &l, &level, &t) != 3 || l != src_line)
            continue;
        for (int i = 0; i < n; i++) {
            char cmd[96], reply[256];
            snprintf(cmd, sizeof(cmd), "drive Line%u %d %llu", dst[i].line, level, t);
            if (end_drive(&dst[i], cmd, reply, sizeof(reply)) != 0)
                return 3;
            if (strcmp(reply, "ok"))
                fprintf(stderr, "twincam io wire: %s: %s\n", argv[i + 1], reply);
        }
    }
    return 0;
}

/* argv[0] is "io". */
static int io_main(int argc, char **argv)
{
    argc--, argv++;
    /* No getopt: the words after SOCKET are the camera's command. Help and
     * version anywhere win; any other option before SOCKET is a mistake. */
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return tc_cli_help(&tc_cli_cmd_io);
        if (!strcmp(argv[i], "--version"))
            return tc_cli_version();
    }
    if (argc >= 1 && argv[0][0] == '-') {
        fprintf(stderr, "twincam io: unknown option '%s'\n", argv[0]);
        return tc_cli_usage_error(&tc_cli_cmd_io);
    }
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 1 && !strcmp(argv[0], "wire")) {
        if (argc < 3) {
            fprintf(stderr, "twincam io: wire wants SRC_SOCKET:LineN and at least one DST_SOCKET:LineM\n");
            return tc_cli_usage_error(&tc_cli_cmd_io);
        }
        return wire(argc - 1, argv + 1);
    }
    if (argc < 2) {
        fprintf(stderr, "twincam io: wants SOCKET and a command\n");
        return tc_cli_usage_error(&tc_cli_cmd_io);
    }
    return command(argv[0], argc - 1, argv + 1);
}

const tc_cli_command tc_cli_cmd_io = {
    .name = "io",
    .summary = "drive, pulse, watch or wire a served camera's I/O lines",
    .usage = "twincam io - drive, pulse, watch or wire a served camera's I/O lines\n"
             "Usage: twincam io SOCKET COMMAND [ARGUMENT]...\n"
             "  or:  twincam io SOCKET watch [--count N]\n"
             "  or:  twincam io wire SRC_SOCKET:LineN DST_SOCKET:LineM [DST_SOCKET:LineM]...\n"
             "\n"
             "A client of the I/O socket of a camera served with --io SOCKET. With a\n"
             "COMMAND it sends one command and prints the camera's reply; the commands\n"
             "(docs/io.md) are:\n"
             "  drive LineN 0|1 [T_NS]   drive an input line (at CLOCK_MONOTONIC time T_NS)\n"
             "  pulse LineN US [T_NS]    a high pulse of US microseconds on an input line\n"
             "  status                   every line's electrical level, and the time\n"
             "  time                     the camera's clock\n"
             "  watch                    print every edge on the lines until killed\n"
             "With wire it copies every edge of SRC's output LineN onto each DST's input\n"
             "line, with the same timestamp, until SIGINT.\n"
             "\n"
             "Options:\n"
             "      --count=N            watch: exit after N edges\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n"
             "\n"
             "Exit status: 0 success, 1 the camera answered an error, 2 bad command line,\n"
             "3 no connection to the socket.\n",
    .main = io_main,
};
