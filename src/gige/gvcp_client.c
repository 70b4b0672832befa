/* A small GVCP client (gvcp_client.h). */
#include "gige/gvcp_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gige/gvcp.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int tc_gvcp_client_open(tc_gvcp_client *c, const char *addr, uint16_t port)
{
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->timeout_ms = 500;
    c->retries = 3;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        snprintf(c->why, sizeof(c->why), "'%s' is not an IPv4 address", addr);
        return -1;
    }
    c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        snprintf(c->why, sizeof(c->why), "socket: %s", strerror(errno));
        return -1;
    }
    /* connect(): an ephemeral port on the interface of the route to the
     * camera, and only the camera's datagrams are received. */
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        snprintf(c->why, sizeof(c->why), "connect %s: %s", addr, strerror(errno));
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

void tc_gvcp_client_close(tc_gvcp_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

const char *tc_gvcp_status_name(int status)
{
    switch (status) {
    case TC_GEV_SUCCESS: return "success";
    case TC_GEV_NOT_IMPLEMENTED: return "not implemented";
    case TC_GEV_INVALID_PARAMETER: return "invalid parameter";
    case TC_GEV_INVALID_ADDRESS: return "invalid address";
    case TC_GEV_WRITE_PROTECT: return "write protect";
    case TC_GEV_BAD_ALIGNMENT: return "bad alignment";
    case TC_GEV_ACCESS_DENIED: return "access denied";
    case TC_GEV_BUSY: return "busy";
    case TC_GEV_INVALID_HEADER: return "invalid header";
    case TC_GEV_GENERIC_ERROR: return "generic error";
    default: return "error";
    }
}

tc_gvcp_ack_kind tc_gvcp_client_classify(const uint8_t *d, size_t n, uint16_t command,
                                         uint16_t req_id, tc_gvcp_ack *out)
{
    memset(out, 0, sizeof(*out));
    if (n < TC_GVCP_HEADER || get16(d + 6) != req_id)
        return TC_GVCP_ACK_IGNORE; /* not an ack, or a late ack of an earlier command */
    uint16_t code = get16(d + 2), len = get16(d + 4);
    if ((size_t)len > n - TC_GVCP_HEADER)
        return TC_GVCP_ACK_IGNORE; /* declares more than it carries */
    if (code == TC_GVCP_PENDING_ACK) {
        if (len < 4)
            return TC_GVCP_ACK_IGNORE;
        out->pending_ms = get16(d + 10);
        return TC_GVCP_ACK_PENDING;
    }
    if (code != tc_gvcp_ack_code(command))
        return TC_GVCP_ACK_IGNORE;
    out->status = get16(d);
    out->payload_len = len;
    out->payload = d + TC_GVCP_HEADER;
    return TC_GVCP_ACK_DONE;
}

/* One command, acknowledged: send payload, wait for the ack with the same
 * request id. On success the ack's payload (ack_len bytes, checked to be at
 * least `want` long) is in ack + 8. Returns 0, the ack's status, or -1. */
static int transact(tc_gvcp_client *c, uint16_t command, const uint8_t *payload, uint16_t len,
                    uint8_t *ack, size_t ack_cap, size_t want, const char *what)
{
    uint8_t req[TC_GVCP_HEADER + TC_GVCP_MAX_PAYLOAD];
    if (c->fd < 0 || len > TC_GVCP_MAX_PAYLOAD || len % 4) {
        snprintf(c->why, sizeof(c->why), "%s: bad request", what);
        return -1;
    }
    if (++c->req_id == 0)
        c->req_id = 1;
    req[0] = TC_GVCP_KEY;
    req[1] = TC_GVCP_FLAG_ACK_REQUIRED;
    put16(req + 2, command);
    put16(req + 4, len);
    put16(req + 6, c->req_id);
    memcpy(req + TC_GVCP_HEADER, payload, len);

    for (unsigned attempt = 0; attempt <= c->retries; attempt++) {
        if (send(c->fd, req, TC_GVCP_HEADER + (size_t)len, 0) < 0) {
            /* ECONNREFUSED: an ICMP port unreachable from a camera that is
             * restarting; it counts as a lost attempt. */
            if (errno != ECONNREFUSED) {
                snprintf(c->why, sizeof(c->why), "%s: send: %s", what, strerror(errno));
                return -1;
            }
        }
        int64_t deadline = now_ms() + c->timeout_ms;
        for (;;) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                break;
            struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
            int r = poll(&pfd, 1, (int)left);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            ssize_t n = recv(c->fd, ack, ack_cap, MSG_DONTWAIT);
            if (n < 0)
                continue; /* ECONNREFUSED and the like: keep waiting out this attempt */
            tc_gvcp_ack a;
            tc_gvcp_ack_kind k = tc_gvcp_client_classify(ack, (size_t)n, command, c->req_id, &a);
            if (k == TC_GVCP_ACK_IGNORE)
                continue;
            if (k == TC_GVCP_ACK_PENDING) {
                /* The camera needs longer: wait what it says, plus a timeout. */
                deadline = now_ms() + a.pending_ms + c->timeout_ms;
                continue;
            }
            if (a.status != TC_GEV_SUCCESS) {
                snprintf(c->why, sizeof(c->why), "%s: the camera answered 0x%04x (%s)", what, a.status,
                         tc_gvcp_status_name(a.status));
                return a.status;
            }
            if (a.payload_len < want) {
                snprintf(c->why, sizeof(c->why), "%s: an ack of %u bytes, want %zu", what,
                         a.payload_len, want);
                return -1; /* a camera answering nonsense: no retry helps */
            }
            return 0;
        }
    }
    snprintf(c->why, sizeof(c->why), "%s: no answer after %u attempts of %u ms", what,
             c->retries + 1, c->timeout_ms);
    return -1;
}

int tc_gvcp_client_readreg(tc_gvcp_client *c, uint32_t address, uint32_t *value)
{
    uint8_t p[4], ack[64];
    put32(p, address);
    int rc = transact(c, TC_GVCP_READREG_CMD, p, 4, ack, sizeof(ack), 4, "READREG");
    if (rc == 0)
        *value = get32(ack + TC_GVCP_HEADER);
    return rc;
}

int tc_gvcp_client_writereg(tc_gvcp_client *c, uint32_t address, uint32_t value)
{
    uint8_t p[8], ack[64];
    put32(p, address);
    put32(p + 4, value);
    int rc = transact(c, TC_GVCP_WRITEREG_CMD, p, 8, ack, sizeof(ack), 4, "WRITEREG");
    /* The ack's index is how many registers were written: 1. */
    if (rc == 0 && get16(ack + TC_GVCP_HEADER + 2) != 1) {
        snprintf(c->why, sizeof(c->why), "WRITEREG 0x%08x: the ack says %u registers written", address,
                 get16(ack + TC_GVCP_HEADER + 2));
        return -1;
    }
    return rc;
}

int tc_gvcp_client_readmem(tc_gvcp_client *c, uint32_t address, void *out, uint16_t count)
{
    if (count == 0 || count > TC_GVCP_MAX_MEM || count % 4) {
        snprintf(c->why, sizeof(c->why), "READMEM of %u bytes", count);
        return -1;
    }
    uint8_t p[8], ack[TC_GVCP_HEADER + 4 + TC_GVCP_MAX_MEM + 64];
    put32(p, address);
    put16(p + 4, 0);
    put16(p + 6, count);
    int rc = transact(c, TC_GVCP_READMEM_CMD, p, 8, ack, sizeof(ack), 4 + (size_t)count, "READMEM");
    if (rc != 0)
        return rc;
    if (get32(ack + TC_GVCP_HEADER) != address) {
        snprintf(c->why, sizeof(c->why), "READMEM 0x%08x: the ack is for 0x%08x", address,
                 get32(ack + TC_GVCP_HEADER));
        return -1;
    }
    memcpy(out, ack + TC_GVCP_HEADER + 4, count);
    return 0;
}

int tc_gvcp_client_writemem(tc_gvcp_client *c, uint32_t address, const void *data, uint16_t count)
{
    if (count == 0 || count > TC_GVCP_MAX_MEM || count % 4) {
        snprintf(c->why, sizeof(c->why), "WRITEMEM of %u bytes", count);
        return -1;
    }
    uint8_t p[4 + TC_GVCP_MAX_MEM], ack[64];
    put32(p, address);
    memcpy(p + 4, data, count);
    int rc = transact(c, TC_GVCP_WRITEMEM_CMD, p, (uint16_t)(4 + count), ack, sizeof(ack), 4,
                      "WRITEMEM");
    /* The ack's index is the bytes written. */
    if (rc == 0 && get16(ack + TC_GVCP_HEADER + 2) != count) {
        snprintf(c->why, sizeof(c->why), "WRITEMEM 0x%08x: %u of %u bytes written", address,
                 get16(ack + TC_GVCP_HEADER + 2), count);
        return -1;
    }
    return rc;
}

int tc_gvcp_client_read(tc_gvcp_client *c, uint32_t address, void *out, size_t len)
{
    uint8_t piece[TC_GVCP_MAX_MEM];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < TC_GVCP_MAX_MEM ? len - done : TC_GVCP_MAX_MEM;
        uint16_t whole = (uint16_t)((n + 3) / 4 * 4);
        int rc = tc_gvcp_client_readmem(c, address + (uint32_t)done, piece, whole);
        if (rc != 0)
            return rc;
        memcpy((uint8_t *)out + done, piece, n);
        done += n;
    }
    return 0;
}

int tc_gvcp_client_write(tc_gvcp_client *c, uint32_t address, const void *data, size_t len)
{
    uint8_t piece[TC_GVCP_MAX_MEM];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < TC_GVCP_MAX_MEM ? len - done : TC_GVCP_MAX_MEM;
        uint16_t whole = (uint16_t)((n + 3) / 4 * 4);
        memset(piece, 0, sizeof(piece));
        memcpy(piece, (const uint8_t *)data + done, n);
        int rc = tc_gvcp_client_writemem(c, address + (uint32_t)done, piece, whole);
        if (rc != 0)
            return rc;
        done += n;
    }
    return 0;
}
