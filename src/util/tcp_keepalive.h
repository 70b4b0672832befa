/* Noticing a TCP peer that vanished (a host powered off, a cable pulled, a
 * VM killed): without it a connection whose host sends nothing more is kept
 * for ever (TCP never probes an idle socket), and one the camera is sending
 * to blocks for the kernel's retransmission limit, about 15 minutes. */
#ifndef TC_UTIL_TCP_KEEPALIVE_H
#define TC_UTIL_TCP_KEEPALIVE_H

/* Probe an idle connection after idle_s seconds, every intvl_s, and give up
 * after cnt unanswered probes; give up on data left unacknowledged for
 * user_timeout_ms. Returns 0, or -1 (errno) if the socket refuses. */
int tc_tcp_watch_peer(int fd, unsigned idle_s, unsigned intvl_s, unsigned cnt,
                      unsigned user_timeout_ms);

#endif
