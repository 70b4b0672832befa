#include "util/tcp_keepalive.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int tc_tcp_watch_peer(int fd, unsigned idle_s, unsigned intvl_s, unsigned cnt,
                      unsigned user_timeout_ms)
{
    int one = 1, idle = (int)idle_s, intvl = (int)intvl_s, n = (int)cnt;
    unsigned ut = user_timeout_ms;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &n, sizeof(n)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut)) != 0)
        return -1;
    return 0;
}
