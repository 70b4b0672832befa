/* Trigger-to-leader latency through the GigE Vision port: a rising edge
 * driven on Line0 to the moment the frame's GVSP leader arrives on a
 * loopback UDP socket, i.e. has left the camera. The camera is served by the
 * real port (tc_gige_serve) in this process on 127.0.0.1; this program is
 * its GVCP client (control privilege, stream channel to its own socket,
 * heartbeat by a register read per trigger) and its stream receiver.
 *
 * Theory: the frame is handed over when its readout starts, TriggerDelay +
 * ExposureTime after the edge, and the leader goes out at once; the last row
 * is read out one readout later.
 *
 * Network safety: it refuses to run unless the only network interface is
 * loopback (run it as bench/trigger_latency_gige.sh, which makes a private
 * network namespace).
 * usage: trigger_latency_gige [N (1000)] [exposure_us (1000)] */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gige/gige_server.h"
#include "inproc/camera_int.h"
#include "latency_stats.h"
#include "twincam/twincam.h"

/* GigE Vision bootstrap registers (GigE Vision 2.0, table 28-1). */
#define REG_CCP 0x0A00u
#define REG_SCP0 0x0D00u  /* stream channel host port */
#define REG_SCPS0 0x0D04u /* packet size */
#define REG_SCDA0 0x0D18u /* destination address */

static volatile sig_atomic_t stop_server;
static tc_camera *cam;

static void *serve(void *arg)
{
    (void)arg;
    tc_gige_serve(tc_camera_device(cam), "127.0.0.1", &stop_server);
    return NULL;
}

static int only_loopback(void)
{
    struct if_nameindex *ifs = if_nameindex();
    int ok = ifs != NULL;
    for (struct if_nameindex *i = ifs; ok && i->if_index; i++)
        ok = !strcmp(i->if_name, "lo");
    if (ifs)
        if_freenameindex(ifs);
    return ok;
}

static uint16_t req_id;

/* One GVCP READREG (write < 0) or WRITEREG; returns the ack status or -1. */
static int gvcp(int fd, uint32_t address, int64_t write, uint32_t *value)
{
    uint8_t cmd[16], ack[64];
    uint16_t id = ++req_id ? req_id : ++req_id;
    cmd[0] = 0x42;
    cmd[1] = 0x01; /* ack required */
    uint16_t command = write < 0 ? 0x0080 : 0x0082;
    cmd[2] = (uint8_t)(command >> 8);
    cmd[3] = (uint8_t)command;
    uint16_t len = write < 0 ? 4 : 8;
    cmd[4] = 0;
    cmd[5] = (uint8_t)len;
    cmd[6] = (uint8_t)(id >> 8);
    cmd[7] = (uint8_t)id;
    uint32_t a = htonl(address), v = htonl((uint32_t)write);
    memcpy(cmd + 8, &a, 4);
    memcpy(cmd + 12, &v, 4);
    for (int attempt = 0; attempt < 5; attempt++) {
        if (send(fd, cmd, 8u + len, 0) < 0)
            return -1;
        ssize_t n = recv(fd, ack, sizeof(ack), 0);
        if (n >= 8 && ack[6] == cmd[6] && ack[7] == cmd[7]) {
            if (value && n >= 12) {
                uint32_t r;
                memcpy(&r, ack + 8, 4);
                *value = ntohl(r);
            }
            return ack[0] << 8 | ack[1];
        }
    }
    return -1;
}

static double now_host_ns(void)
{
    return (double)tc_host_time(cam);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    double exposure_us = argc > 2 ? atof(argv[2]) : 1000;
    if (n < 10)
        n = 10;
    if (!only_loopback()) {
        fprintf(stderr, "trigger_latency_gige: run it in a private network namespace with only "
                        "loopback (bench/trigger_latency_gige.sh)\n");
        return 2;
    }
    tc_options o;
    tc_options_init(&o);
    o.frame_buffers = 8;
    if (tc_camera_open(&o, &cam) != 0)
        return 1;
    tc_set_int(cam, "Width", 480);
    tc_set_int(cam, "Height", 320);
    tc_set_float(cam, "ExposureTime", exposure_us);
    tc_set_string(cam, "TriggerMode", "On");
    tc_set_string(cam, "TriggerSource", "Line0");
    double fps, line_ns;
    tc_get_float(cam, "AcquisitionResultingFrameRate", &fps);
    tc_get_float(cam, "TwinLineTime", &line_ns);
    pthread_t server;
    pthread_create(&server, NULL, serve, NULL);

    /* GVCP client and stream receiver on loopback. */
    int ctl = socket(AF_INET, SOCK_DGRAM, 0), rx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in cam_addr = { .sin_family = AF_INET, .sin_port = htons(3956) };
    struct sockaddr_in me = { .sin_family = AF_INET };
    cam_addr.sin_addr.s_addr = me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = { 0, 200000 };
    setsockopt(ctl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    tv.tv_sec = 2;
    tv.tv_usec = 0;
    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int big = 4 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    bind(rx, (struct sockaddr *)&me, sizeof(me));
    socklen_t ml = sizeof(me);
    getsockname(rx, (struct sockaddr *)&me, &ml);
    connect(ctl, (struct sockaddr *)&cam_addr, sizeof(cam_addr));
    int st = -1;
    for (int i = 0; i < 50 && st != 0; i++) /* the server thread may not be up yet */
        st = gvcp(ctl, REG_CCP, 2, NULL);  /* control privilege */
    if (st != 0 || gvcp(ctl, REG_SCPS0, 1500, NULL) != 0 ||
        gvcp(ctl, REG_SCDA0, INADDR_LOOPBACK, NULL) != 0 ||
        gvcp(ctl, REG_SCP0, ntohs(me.sin_port), NULL) != 0) {
        fprintf(stderr, "trigger_latency_gige: the camera refused the stream set-up\n");
        return 1;
    }
    if (tc_start(cam) != 0)
        return 1;

    double *lat = malloc(sizeof(double) * (size_t)n);
    int got_n = 0, missed = 0;
    uint64_t ready = 0;
    uint8_t pkt[2048];
    for (int i = 0; i < n; i++) {
        /* The sensor takes a trigger one frame period after the last one. */
        struct timespec until = { (time_t)(ready / 1000000000u), (long)(ready % 1000000000u) };
        if (ready)
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
        uint32_t v;
        gvcp(ctl, REG_CCP, -1, &v); /* heartbeat */
        uint64_t edge = tc_host_time(cam);
        tc_drive_line(cam, 0, 1, edge);
        tc_drive_line(cam, 0, 0, edge + 100000);
        double leader = -1;
        for (;;) { /* the leader, then the rest of the block up to its trailer */
            ssize_t r = recv(rx, pkt, sizeof(pkt), 0);
            if (r < 8)
                break;
            unsigned format = pkt[4] & 0x0F; /* 1 leader, 2 trailer, 3 payload */
            if (format == 1 && leader < 0)
                leader = now_host_ns();
            if (format == 2)
                break;
        }
        if (leader < 0) {
            missed++;
            continue;
        }
        lat[got_n++] = (leader - (double)edge) / 1e3;
        ready = edge + (uint64_t)(1e9 / fps) + 1000000;
    }
    tc_stop(cam);
    stop_server = 1;
    pthread_join(server, NULL);

    double theory = exposure_us;
    printf("trigger (Line0 edge) to GVSP leader received on loopback, %d triggers, 480x320, exposure %.0f us\n",
           n, exposure_us);
    printf("theory: leader at delay + exposure = %.1f us; last row read out %.1f us after the edge\n", theory,
           theory + 320 * line_ns / 1e3);
    latency_report(lat, got_n, theory);
    printf("triggers without a leader: %d\n", missed);
    tc_camera_close(cam);
    free(lat);
    return got_n ? 0 : 1;
}
