/* The parts of the GPIO mapping (gpio_map.h) that need no kernel and no
 * libgpiod, so they are built and unit-tested everywhere:
 *
 * - the mapping spec: "Line0=gpiochip0:3,Line1=gpiochip0:4,Line2=label:5",
 *   one item per camera line, a chip as gpiod_chip_open_lookup takes it
 *   (name, /dev path, label or number) and a line offset on that chip;
 * - the queue of output edges the camera announced with their times (some
 *   lie in the future: a frame's ExposureActive window is known when the
 *   frame is scheduled), applied to the GPIO when their time comes;
 * - the conversion of a GPIO event timestamp to the camera's time line. */
#ifndef TC_IO_GPIO_LOGIC_H
#define TC_IO_GPIO_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_GPIO_LINES 4          /* camera lines Line0..Line3 */
#define TC_GPIO_CHIP_MAX 128     /* bytes of a chip descriptor, with its NUL */
#define TC_GPIO_SPEC_MAX 1024    /* bytes of a whole spec */
#define TC_GPIO_OFFSET_MAX 65535 /* the kernel counts a chip's lines in 16 bits */

typedef struct tc_gpio_pin {
    bool mapped;
    char chip[TC_GPIO_CHIP_MAX];
    unsigned offset;
} tc_gpio_pin;

typedef struct tc_gpio_spec {
    tc_gpio_pin line[TC_GPIO_LINES]; /* index: camera line */
} tc_gpio_spec;

/* Parse a spec: comma-separated items LINE=CHIP:OFFSET, LINE being Line0..Line3
 * (or 0..3), each at most once; CHIP printable, no blanks, ',' or '=' (the
 * offset follows its last ':'); OFFSET decimal 0..65535. At least one item.
 * Returns 0, or -1 with a one-line reason in err (which quotes at most 40
 * bytes of the input, non-printable bytes shown as '?'). */
int tc_gpio_spec_parse(const char *text, tc_gpio_spec *out, char *err, size_t err_cap);

/* Pending output edges of one line, in time order. */
#define TC_EDGE_QUEUE_CAP 64

typedef struct tc_edge {
    int64_t t_ns;
    int level;
} tc_edge;

typedef struct tc_edge_queue {
    tc_edge e[TC_EDGE_QUEUE_CAP];
    unsigned n;
    uint64_t dropped; /* edges lost because the queue was full (oldest first) */
} tc_edge_queue;

/* Insert in time order (after edges of the same time). A full queue loses
 * its oldest edge, counted in `dropped`. */
void tc_edge_queue_push(tc_edge_queue *q, int64_t t_ns, int level);
/* Take the oldest edge if it is due (t <= now): 1 taken, 0 none due. */
int tc_edge_queue_pop_due(tc_edge_queue *q, int64_t now_ns, tc_edge *out);
/* Forget edges at or before t_ns (already reflected in a level read then). */
void tc_edge_queue_drop_until(tc_edge_queue *q, int64_t t_ns);
/* Time of the oldest edge, INT64_MAX when empty. */
int64_t tc_edge_queue_next(const tc_edge_queue *q);

/* A GPIO event timestamp (seconds, nanoseconds as the kernel gave them) on
 * the camera's time line, whose now is now_ns. The kernel stamps v1 line
 * events with CLOCK_MONOTONIC, the camera's clock, so the time is taken as it
 * is; a stamp that cannot be on that clock (from the future by more than
 * 1 ms, or older than 60 s: e.g. a CLOCK_REALTIME stamp) is replaced by
 * now_ns and *plausible set to false. */
int64_t tc_gpio_event_time(int64_t sec, int64_t nsec, int64_t now_ns, bool *plausible);

#endif
