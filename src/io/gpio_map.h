/* The camera's I/O lines on real GPIO: Linux GPIO character devices through
 * libgpiod (v1 API, Debian 12's 1.6), for a board running the camera.
 *
 * A spec (gpio_logic.h) names a GPIO line for each mapped camera line:
 *   Line0=gpiochip0:3,Line1=gpiochip0:4,Line2=my-board-label:5
 * - Camera inputs (Line0; Line2/Line3 with LineMode=Input): both-edge events
 *   are requested on the GPIO line; every event drives the camera line with
 *   the event's kernel timestamp and the opposite of the level before (the
 *   kernel's rising/falling is sampled late and wrong for short pulses); the
 *   pin is read again after 100 ms of quiet in case an edge was lost. At
 *   start the camera input takes the pin's present level.
 * - Camera outputs (Line1; Line2/Line3 with LineMode=Output): the GPIO line is
 *   requested as an output starting at the camera line's present level, and
 *   set at the time of every edge the camera announces (tc_watch_lines);
 *   frame-following sources announce edges ahead, so they are held until due.
 * - LineMode changes of Line2/Line3 are seen within 100 ms (or at once when a
 *   GPIO event meets a line that became an output): the GPIO line is released
 *   and requested again the other way.
 * Levels are electrical: LineInverter acts inside the camera as usual. Times:
 * libgpiod v1 events carry the kernel's CLOCK_MONOTONIC stamp, the camera's
 * clock, so they are used as they are (docs/io.md). Real-clock cameras only:
 * a deterministic camera's virtual time has nothing to do with GPIO time.
 *
 * One thread per map: poll() over the GPIO event descriptors and an eventfd
 * that the line watcher and tc_gpio_map_stop() write; a timeout only when an
 * output edge or a LineMode check is due. Built only with libgpiod
 * (TC_HAVE_GPIOD); without it tc_gpio_map_start() refuses with a message. */
#ifndef TC_IO_GPIO_MAP_H
#define TC_IO_GPIO_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "twincam/twincam.h"

typedef struct tc_gpio_map tc_gpio_map;

/* Parse `spec`, open and request the GPIO lines, and start. Returns 0 with
 * *out set, or a negative TC_E* code (TC_EINVAL bad spec or no libgpiod,
 * TC_EIO a chip or line that cannot be had, TC_ENOMEM) with a one-line reason
 * in err; nothing is left requested on failure. */
int tc_gpio_map_start(tc_camera *cam, const char *spec, tc_gpio_map **out, char *err, size_t err_cap);

/* Stop the thread and release every GPIO line (an output line keeps its last
 * level, as the kernel leaves it). NULL-safe. */
void tc_gpio_map_stop(tc_gpio_map *m);

/* One line per mapped camera line, e.g. "Line0 <- gpiochip1:0 (input)" or
 * "Line1 -> gpiochip1:1 (output)", and its counters. Returns the length
 * written (truncated to cap). */
size_t tc_gpio_map_describe(tc_gpio_map *m, char *buf, size_t cap);

#endif
