/* The GPIO mapping's kernel-free parts (src/io/gpio_logic.h): the spec
 * parser on valid, malformed and out-of-bounds specs; the queue of output
 * edges; event time conversion. Also tc_gpio_map_start's refusals that need
 * no GPIO chip (a bad spec; with libgpiod, a chip that does not exist). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/gpio_logic.h"
#include "io/gpio_map.h"
#include "twincam/twincam.h"

static void parses_a_full_spec(void **state)
{
    (void)state;
    tc_gpio_spec sp;
    char err[256];
    assert_int_equal(tc_gpio_spec_parse("Line0=gpiochip0:3,Line1=gpiochip0:4,Line2=gpio-sim.0-node0:5,"
                                        "Line3=/dev/gpiochip2:65535",
                                        &sp, err, sizeof(err)),
                     0);
    assert_string_equal(err, "");
    assert_true(sp.line[0].mapped);
    assert_string_equal(sp.line[0].chip, "gpiochip0");
    assert_int_equal(sp.line[0].offset, 3);
    assert_string_equal(sp.line[1].chip, "gpiochip0");
    assert_int_equal(sp.line[1].offset, 4);
    assert_string_equal(sp.line[2].chip, "gpio-sim.0-node0");
    assert_int_equal(sp.line[2].offset, 5);
    assert_string_equal(sp.line[3].chip, "/dev/gpiochip2");
    assert_int_equal(sp.line[3].offset, 65535);
}

static void parses_partial_specs_and_short_names(void **state)
{
    (void)state;
    tc_gpio_spec sp;
    char err[256];
    assert_int_equal(tc_gpio_spec_parse("1=0:0", &sp, err, sizeof(err)), 0);
    assert_false(sp.line[0].mapped);
    assert_true(sp.line[1].mapped);
    assert_string_equal(sp.line[1].chip, "0");
    assert_int_equal(sp.line[1].offset, 0);
    assert_false(sp.line[2].mapped);
    assert_false(sp.line[3].mapped);
    /* The offset follows the last ':', so a label may hold colons. */
    assert_int_equal(tc_gpio_spec_parse("Line3=my:label:7", &sp, err, sizeof(err)), 0);
    assert_string_equal(sp.line[3].chip, "my:label");
    assert_int_equal(sp.line[3].offset, 7);
    /* One chip, different offsets: fine. */
    assert_int_equal(tc_gpio_spec_parse("Line0=c:1,Line2=c:2", &sp, err, sizeof(err)), 0);
}

static void refused(const char *spec, const char *why)
{
    tc_gpio_spec sp;
    char err[256];
    memset(&sp, 0x5A, sizeof(sp));
    int rc = tc_gpio_spec_parse(spec, &sp, err, sizeof(err));
    if (rc != -1 || !strstr(err, why))
        fail_msg("spec '%s': rc %d, message '%s', wanted '%s'", spec ? spec : "(null)", rc, err, why);
    assert_null(strchr(err, '\n')); /* one line; bytes past the NUL are not the message */
}

static void refuses_malformed_specs(void **state)
{
    (void)state;
    refused(NULL, "empty");
    refused("", "empty");
    refused(",", "stray ','");
    refused("Line0=c:1,,Line1=c:2", "stray ','");
    refused("Line0=c:1,", "trailing ','");
    refused("Line0", "want LINE=CHIP:OFFSET");
    refused("Line4=c:1", "no such camera line");
    refused("Line=c:1", "no such camera line");
    refused("line0=c:1", "no such camera line");
    refused("Line00=c:1", "no such camera line");
    refused("=c:1", "no such camera line");
    refused("Line0=c", "want CHIP:OFFSET");
    refused("Line0=:3", "no chip");
    refused("Line0=c:", "offset");
    refused("Line0=c:-1", "offset");
    refused("Line0=c:+1", "offset");
    refused("Line0=c: 1", "offset");
    refused("Line0=c:0x3", "offset");
    refused("Line0=c:65536", "offset");
    refused("Line0=c:999999", "offset");
    refused("Line0=c:1=2", "offset");
    refused("Line0=c d:1", "blank");
    refused("Line0=c\td:1", "blank");
    refused("Line0=c\x01:1", "non-printable");
    refused("Line0=c\xff:1", "non-printable");
    refused("Line0==c:1", "'='");
    refused("Line0=c:1,Line0=c:2", "mapped twice");
    refused("Line0=c:1,0=d:2", "mapped twice");
    refused("Line0=c:1,Line1=c:1", "already Line0's");
}

static void refuses_oversized_input(void **state)
{
    (void)state;
    /* A chip of 127 bytes is the most; 128 is refused. */
    char spec[TC_GPIO_SPEC_MAX + 64];
    char chip[TC_GPIO_CHIP_MAX + 1];
    memset(chip, 'g', TC_GPIO_CHIP_MAX - 1);
    chip[TC_GPIO_CHIP_MAX - 1] = 0;
    snprintf(spec, sizeof(spec), "Line0=%s:1", chip);
    tc_gpio_spec sp;
    char err[256];
    assert_int_equal(tc_gpio_spec_parse(spec, &sp, err, sizeof(err)), 0);
    assert_int_equal(strlen(sp.line[0].chip), TC_GPIO_CHIP_MAX - 1);
    memset(chip, 'g', TC_GPIO_CHIP_MAX);
    chip[TC_GPIO_CHIP_MAX] = 0;
    snprintf(spec, sizeof(spec), "Line0=%s:1", chip);
    refused(spec, "chip longer than 127 bytes");
    /* The whole spec is bounded before anything is parsed. */
    memset(spec, 'x', TC_GPIO_SPEC_MAX + 1);
    spec[TC_GPIO_SPEC_MAX + 1] = 0;
    refused(spec, "longer than 1024 bytes");
    /* The message quotes at most 40 bytes of an item, and a small err
     * buffer is filled without overflow. */
    snprintf(spec, sizeof(spec), "Line9=%s:1", chip);
    assert_int_equal(tc_gpio_spec_parse(spec, &sp, err, sizeof(err)), -1);
    assert_true(strlen(err) < 120);
    char tiny[8];
    memset(tiny, 0x7E, sizeof(tiny));
    assert_int_equal(tc_gpio_spec_parse(spec, &sp, tiny, sizeof(tiny)), -1);
    assert_int_equal(tiny[sizeof(tiny) - 1], 0);
    assert_int_equal(tc_gpio_spec_parse(spec, &sp, NULL, 0), -1);
    assert_int_equal(tc_gpio_spec_parse("Line0=c:1", NULL, err, sizeof(err)), -1);
}

static void refusal_leaves_no_mapping(void **state)
{
    (void)state;
    tc_gpio_spec sp;
    char err[256];
    assert_int_equal(tc_gpio_spec_parse("Line0=c:1,Line5=c:2", &sp, err, sizeof(err)), -1);
    /* Whatever was parsed before the bad item, the caller must not use it;
     * the parser at least never leaves an unterminated chip behind. */
    for (unsigned l = 0; l < TC_GPIO_LINES; l++)
        assert_non_null(memchr(sp.line[l].chip, 0, sizeof(sp.line[l].chip)));
}

static void edge_queue_orders_and_releases_by_time(void **state)
{
    (void)state;
    tc_edge_queue q;
    memset(&q, 0, sizeof(q));
    assert_true(tc_edge_queue_next(&q) == INT64_MAX);
    tc_edge_queue_push(&q, 300, 0);
    tc_edge_queue_push(&q, 100, 1);
    tc_edge_queue_push(&q, 200, 7); /* any non-zero level is 1 */
    tc_edge_queue_push(&q, 200, 0); /* same time: after the first */
    assert_int_equal(tc_edge_queue_next(&q), 100);
    tc_edge e;
    assert_int_equal(tc_edge_queue_pop_due(&q, 99, &e), 0);
    assert_int_equal(tc_edge_queue_pop_due(&q, 100, &e), 1);
    assert_int_equal(e.t_ns, 100);
    assert_int_equal(e.level, 1);
    assert_int_equal(tc_edge_queue_pop_due(&q, 250, &e), 1);
    assert_int_equal(e.t_ns, 200);
    assert_int_equal(e.level, 1);
    assert_int_equal(tc_edge_queue_pop_due(&q, 250, &e), 1);
    assert_int_equal(e.t_ns, 200);
    assert_int_equal(e.level, 0);
    assert_int_equal(tc_edge_queue_pop_due(&q, 250, &e), 0);
    assert_int_equal(q.n, 1);
    tc_edge_queue_drop_until(&q, 299);
    assert_int_equal(q.n, 1);
    tc_edge_queue_drop_until(&q, 300);
    assert_int_equal(q.n, 0);
    assert_int_equal(q.dropped, 0);
}

static void full_edge_queue_loses_the_oldest_and_counts(void **state)
{
    (void)state;
    tc_edge_queue q;
    memset(&q, 0, sizeof(q));
    for (int i = 0; i < TC_EDGE_QUEUE_CAP + 3; i++)
        tc_edge_queue_push(&q, 1000 + i, i & 1);
    assert_int_equal(q.n, TC_EDGE_QUEUE_CAP);
    assert_int_equal(q.dropped, 3);
    assert_int_equal(tc_edge_queue_next(&q), 1003);
    tc_edge e;
    int64_t last = 0;
    unsigned n = 0;
    while (tc_edge_queue_pop_due(&q, INT64_MAX, &e)) {
        assert_true(e.t_ns > last);
        last = e.t_ns;
        n++;
    }
    assert_int_equal(n, TC_EDGE_QUEUE_CAP);
    assert_int_equal(last, 1000 + TC_EDGE_QUEUE_CAP + 2);
}

static void event_times_are_taken_as_monotonic_when_plausible(void **state)
{
    (void)state;
    const int64_t now = 5000LL * 1000000000LL + 123;
    bool ok = false;
    assert_int_equal(tc_gpio_event_time(5000, 0, now, &ok), 5000LL * 1000000000LL);
    assert_true(ok);
    assert_int_equal(tc_gpio_event_time(4990, 999999999, now, &ok), 4990LL * 1000000000LL + 999999999);
    assert_true(ok);
    /* Up to 1 ms ahead (stamps and reads race) is fine, more is not. */
    assert_int_equal(tc_gpio_event_time(5000, 1000123, now, &ok), 5000LL * 1000000000LL + 1000123);
    assert_true(ok);
    assert_int_equal(tc_gpio_event_time(5000, 1000124, now, &ok), now);
    assert_false(ok);
    /* A CLOCK_REALTIME stamp (2023) on a host up for 5000 s. */
    assert_int_equal(tc_gpio_event_time(1700000000, 0, now, &ok), now);
    assert_false(ok);
    /* More than 60 s old, or malformed. */
    assert_int_equal(tc_gpio_event_time(4939, 0, now, &ok), now);
    assert_false(ok);
    assert_int_equal(tc_gpio_event_time(-1, 0, now, &ok), now);
    assert_false(ok);
    assert_int_equal(tc_gpio_event_time(5000, 1000000000, now, &ok), now);
    assert_false(ok);
    assert_int_equal(tc_gpio_event_time(INT64_MAX, 0, now, &ok), now);
    assert_false(ok);
    assert_int_equal(tc_gpio_event_time(5000, 0, now, NULL), 5000LL * 1000000000LL);
}

static void ignore_edge(void *ctx, unsigned line, int level, uint64_t t_ns)
{
    (void)ctx, (void)line, (void)level, (void)t_ns;
}

static void map_start_refuses_without_a_chip(void **state)
{
    (void)state;
    tc_options o;
    tc_options_init(&o);
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    tc_gpio_map *m = (tc_gpio_map *)&o; /* must be reset to NULL */
    char err[256];
    assert_int_equal(tc_gpio_map_start(cam, "Line7=gpiochip0:1", &m, err, sizeof(err)), TC_EINVAL);
    assert_null(m);
    assert_non_null(strstr(err, "no such camera line"));
    int rc = tc_gpio_map_start(cam, "Line0=twincam-no-such-chip:1", &m, err, sizeof(err));
    assert_null(m);
#ifdef TC_HAVE_GPIOD
    assert_int_equal(rc, TC_EIO);
    assert_non_null(strstr(err, "no GPIO chip 'twincam-no-such-chip'"));
#else
    assert_int_equal(rc, TC_EINVAL);
    assert_non_null(strstr(err, "without libgpiod"));
#endif
    assert_int_equal(tc_gpio_map_start(NULL, "Line0=c:1", &m, err, sizeof(err)), TC_EINVAL);
    assert_int_equal(tc_gpio_map_start(cam, "Line0=c:1", NULL, NULL, 0), TC_EINVAL);
    tc_gpio_map_stop(NULL);
    /* The camera is untouched: no watcher left behind (8 may be added). */
    int h[8];
    for (int i = 0; i < 8; i++)
        assert_true((h[i] = tc_watch_lines(cam, ignore_edge, NULL)) >= 0);
    for (int i = 0; i < 8; i++)
        tc_unwatch_lines(cam, h[i]);
    tc_camera_close(cam);
}

static void line_direction_follows_line_mode(void **state)
{
    (void)state;
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    assert_int_equal(tc_line_is_output(cam, 0), 0);
    assert_int_equal(tc_line_is_output(cam, 1), 1);
    assert_int_equal(tc_line_is_output(cam, 2), 0);
    assert_int_equal(tc_line_is_output(cam, 3), 0);
    assert_int_equal(tc_line_is_output(cam, 4), TC_EINVAL);
    assert_int_equal(tc_line_is_output(NULL, 0), TC_EINVAL);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line3"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Output"), 0);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line0"), 0);
    assert_int_equal(tc_line_is_output(cam, 3), 1);
    /* ...and reading it leaves the client's selector alone. */
    char sel[32];
    assert_int_equal(tc_get_string(cam, "LineSelector", sel, sizeof(sel)), 0);
    assert_string_equal(sel, "Line0");
    tc_camera_close(cam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_full_spec),
        cmocka_unit_test(parses_partial_specs_and_short_names),
        cmocka_unit_test(refuses_malformed_specs),
        cmocka_unit_test(refuses_oversized_input),
        cmocka_unit_test(refusal_leaves_no_mapping),
        cmocka_unit_test(edge_queue_orders_and_releases_by_time),
        cmocka_unit_test(full_edge_queue_loses_the_oldest_and_counts),
        cmocka_unit_test(event_times_are_taken_as_monotonic_when_plausible),
        cmocka_unit_test(map_start_refuses_without_a_chip),
        cmocka_unit_test(line_direction_follows_line_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
