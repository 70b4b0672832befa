/* The port interface (core/device_port.h) as a port uses it: the frame wait
 * blocks while the camera is idle and wakes on start, frames, stop and the
 * port's own cancel; "host gone" leaves the camera stopped, unlocked and
 * with nothing queued; readout pacing; the slow and reset flags. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/device_port.h"

static tc_device *open_dev(void)
{
    tc_device *d = tc_port_open(NULL); /* real clock: the waits are real */
    assert_non_null(d);
    /* A small AOI: frames come fast and cost little. */
    tc_value v = { .i = 240 };
    assert_int_equal(tc_port_set(d, tc_feature_find("Width"), v), 0);
    v.i = 64;
    assert_int_equal(tc_port_set(d, tc_feature_find("Height"), v), 0);
    v.f = 100;
    assert_int_equal(tc_port_set(d, tc_feature_find("ExposureTime"), v), 0);
    return d;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wait_times_out_while_idle(void **state)
{
    (void)state;
    tc_device *d = open_dev();
    tc_port_waiter w = { 0 };
    tc_port_frame f;
    int64_t t0 = now_ms();
    /* Idle: no early return (a port would spin on one), the timeout holds. */
    assert_int_equal(tc_port_wait(d, &w, &f, 150), TC_ETIMEOUT);
    assert_true(now_ms() - t0 >= 140);
    tc_port_close(d);
}

typedef struct waiting {
    tc_device *d;
    tc_port_waiter w;
    int rc;
    tc_port_frame f;
} waiting;

static void *wait_forever(void *arg)
{
    waiting *x = arg;
    x->rc = tc_port_wait(x->d, &x->w, &x->f, -1);
    return NULL;
}

static void start_wakes_a_waiter_then_frames_then_stop(void **state)
{
    (void)state;
    waiting x = { .d = open_dev() };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_forever, &x), 0);
    struct timespec pause = { 0, 50000000 };
    nanosleep(&pause, NULL);
    assert_int_equal(tc_port_start(x.d), 0);
    pthread_join(t, NULL); /* hangs here if the start did not wake it */
    /* Started, or (on a busy machine) the first frame was queued before the
     * waiter ran: queued frames come first, the start is reported next. */
    assert_true(x.rc == TC_PORT_STARTED || x.rc == TC_PORT_FRAME);
    if (x.rc == TC_PORT_FRAME)
        tc_port_release(x.d, &x.f);
    int rc;
    while ((rc = tc_port_wait(x.d, &x.w, &x.f, 2000)) == TC_PORT_STARTED)
        ;
    assert_int_equal(rc, TC_PORT_FRAME);
    assert_int_equal(x.f.size, 240 * 64);
    assert_int_equal(x.f.width, 240);
    assert_true(x.f.line_time_ns > 0);
    tc_port_release(x.d, &x.f);

    assert_int_equal(tc_port_abort(x.d), 0);
    assert_int_equal(tc_port_wait(x.d, &x.w, &x.f, 2000), TC_PORT_STOPPED);
    tc_port_close(x.d);
}

/* A stop and a start between two waits (a DeviceReset and a new start, say)
 * are both reported: a port must see the acquisition it held frames for end. */
static void a_stop_and_start_between_waits_is_seen(void **state)
{
    (void)state;
    tc_device *d = open_dev();
    tc_port_waiter w = { 0 };
    tc_port_frame f;
    assert_int_equal(tc_port_start(d), 0);
    int rc;
    while ((rc = tc_port_wait(d, &w, &f, 2000)) == TC_PORT_FRAME)
        tc_port_release(d, &f);
    assert_int_equal(rc, TC_PORT_STARTED);
    assert_int_equal(tc_port_abort(d), 0);
    assert_int_equal(tc_port_start(d), 0);
    while ((rc = tc_port_wait(d, &w, &f, 2000)) == TC_PORT_FRAME)
        tc_port_release(d, &f);
    assert_int_equal(rc, TC_PORT_STOPPED);
    while ((rc = tc_port_wait(d, &w, &f, 2000)) == TC_PORT_FRAME)
        tc_port_release(d, &f);
    assert_int_equal(rc, TC_PORT_STARTED);
    assert_int_equal(tc_port_abort(d), 0);
    tc_port_close(d);
}

static void cancel_wakes_only_its_waiter(void **state)
{
    (void)state;
    waiting x = { .d = open_dev() };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_forever, &x), 0);
    struct timespec pause = { 0, 50000000 };
    nanosleep(&pause, NULL);
    tc_port_cancel(x.d, &x.w);
    pthread_join(t, NULL);
    assert_int_equal(x.rc, TC_PORT_CANCELLED);
    /* Once: the next wait waits again. */
    assert_int_equal(tc_port_wait(x.d, &x.w, &x.f, 50), TC_ETIMEOUT);
    /* A cancel before the wait is not lost. */
    tc_port_cancel(x.d, &x.w);
    assert_int_equal(tc_port_wait(x.d, &x.w, &x.f, 1000), TC_PORT_CANCELLED);
    tc_port_close(x.d);
}

static void host_gone_stops_unlocks_and_drops(void **state)
{
    (void)state;
    tc_device *d = open_dev();
    const tc_feature *locked = tc_feature_find("TLParamsLocked");
    assert_int_equal(tc_port_set(d, locked, (tc_value){ .i = 1 }), 0);
    assert_int_equal(tc_port_start(d), 0);
    /* Let frames queue: no port takes them. */
    struct timespec pause = { 0, 300000000 };
    nanosleep(&pause, NULL);
    uint64_t before = tc_port_frames_dropped(d);
    unsigned n = tc_port_host_gone(d);
    assert_true(n >= 1);
    /* (the engine may also have dropped frames for want of a free buffer) */
    assert_true(tc_port_frames_dropped(d) >= before + n);
    assert_false(tc_port_tl_locked(d));
    tc_port_frame f;
    assert_int_equal(tc_port_take(d, &f, 0), TC_EBUSY); /* stopped, nothing queued */
    tc_port_close(d);
}

/* A deterministic camera with the small AOI: frames depend only on the
 * serial, the seed and the settings. */
static tc_device *open_deterministic(void)
{
    tc_device_options o = { .deterministic = true };
    tc_device *d = tc_port_open(&o);
    assert_non_null(d);
    assert_int_equal(tc_port_set(d, tc_feature_find("Width"), (tc_value){ .i = 240 }), 0);
    assert_int_equal(tc_port_set(d, tc_feature_find("Height"), (tc_value){ .i = 64 }), 0);
    return d;
}

/* The next frame, skipping start and stop reports. */
static void next_frame(tc_device *d, tc_port_waiter *w, tc_port_frame *f)
{
    int rc;
    while ((rc = tc_port_wait(d, w, f, 5000)) == TC_PORT_STARTED)
        ;
    assert_int_equal(rc, TC_PORT_FRAME);
}

/* Frames rendered into a port's memory (tc_port_offer) are the frames the
 * core's own buffers get, byte for byte; a target too small is passed over;
 * one taken back while its frame waits in the queue has the frame moved into
 * the core's buffer and is never written again; one whose frame a port holds
 * cannot be taken back until it is released. */
static void frames_rendered_into_offered_targets(void **state)
{
    (void)state;
    tc_device *ref = open_deterministic(), *d = open_deterministic();
    size_t payload = tc_port_payload_size(d);
    assert_int_equal(payload, 240 * 64);
    tc_port_waiter rw = { 0 }, w = { 0 };
    tc_port_frame expect[1], f;
    assert_int_equal(tc_port_start(ref), 0);
    next_frame(ref, &rw, &expect[0]);

    uint8_t *mem = malloc(payload), *small = malloc(payload - 1);
    tc_port_target t = { .data = mem, .size = payload }, ts = { .data = small, .size = payload - 1 };
    assert_int_equal(tc_port_offer(d, &t), 0);
    assert_int_equal(tc_port_offer(d, &t), TC_EBUSY);
    assert_int_equal(tc_port_start(d), 0);
    next_frame(d, &w, &f);
    assert_ptr_equal(f.target, &t);
    assert_ptr_equal(f.data, mem);
    assert_int_equal(f.block_id, expect[0].block_id);
    assert_memory_equal(f.data, expect[0].data, payload);
    assert_int_equal(tc_port_withdraw(d, &t), TC_EBUSY); /* the port holds its frame */
    assert_int_equal(tc_port_offer(d, &t), TC_EBUSY);
    tc_port_release(d, &f);
    assert_null(f.target);
    assert_int_equal(tc_port_withdraw(d, &t), 0);

    assert_int_equal(tc_port_abort(d), 0);
    tc_port_close(d);

    /* Too small: the frame goes to the core's buffer, the target is not written. */
    d = open_deterministic();
    memset(small, 0x5A, payload - 1);
    assert_int_equal(tc_port_offer(d, &ts), 0);
    assert_int_equal(tc_port_start(d), 0);
    tc_port_waiter w1 = { 0 };
    next_frame(d, &w1, &f);
    assert_null(f.target);
    assert_memory_equal(f.data, expect[0].data, payload);
    tc_port_release(d, &f);
    assert_int_equal(tc_port_withdraw(d, &ts), 0);
    for (size_t i = 0; i < payload - 1; i++)
        if (small[i] != 0x5A)
            fail_msg("byte %zu of a target too small was written", i);
    assert_int_equal(tc_port_abort(d), 0);
    tc_port_close(d);

    /* Rendered into and queued, then taken back: the frame is kept. */
    d = open_deterministic();
    tc_port_waiter w2 = { 0 };
    assert_int_equal(tc_port_offer(d, &t), 0);
    assert_int_equal(tc_port_start(d), 0);
    struct timespec pause = { 0, 100000000 };
    nanosleep(&pause, NULL); /* the camera runs ahead into its own buffers */
    assert_int_equal(tc_port_withdraw(d, &t), 0);
    memset(mem, 0xA5, payload);
    next_frame(d, &w2, &f);
    assert_null(f.target);
    assert_int_equal(f.block_id, expect[0].block_id);
    assert_memory_equal(f.data, expect[0].data, payload);
    tc_port_release(d, &f);
    for (int k = 0; k < 3; k++) {
        next_frame(d, &w2, &f);
        tc_port_release(d, &f);
    }
    for (size_t i = 0; i < payload; i++)
        if (mem[i] != 0xA5)
            fail_msg("byte %zu of a withdrawn target was written", i);
    assert_int_equal(tc_port_abort(d), 0);
    tc_port_release(ref, &expect[0]);
    tc_port_close(d);
    tc_port_close(ref);
    free(mem);
    free(small);
}

static void pacing_last_byte_at_readout_end(void **state)
{
    (void)state;
    tc_port_frame f = { .size = 240 * 64, .height = 64, .readout_ns = 1000000,
                        .line_time_ns = 15670.0 };
    assert_int_equal(tc_port_due_ns(&f, 0), 1000000);
    assert_int_equal(tc_port_due_ns(&f, 1), 1000000 + 15670);   /* row 0 read */
    assert_int_equal(tc_port_due_ns(&f, 240), 1000000 + 15670); /* still row 0 */
    assert_int_equal(tc_port_due_ns(&f, 241), 1000000 + 2 * 15670);
    assert_int_equal(tc_port_due_ns(&f, f.size), 1000000 + 64 * 15670); /* whole readout */
    f.line_time_ns = 0; /* unpaced */
    assert_int_equal(tc_port_due_ns(&f, f.size), 1000000);
}

/* The link never carries more than its rate: a port that is behind its
 * readout times catches up at the link's rate from now, not in a burst
 * from the past; a port on time leaves at the readout time. */
static void link_catches_up_at_its_rate(void **state)
{
    (void)state;
    tc_port_link l = { 0 };
    const double Bps = 400e6; /* 400 000 bytes per ms */
    /* on time: the readout time */
    assert_int_equal(tc_port_link_slot(&l, 1000000, 500000, 40000, Bps), 1000000);
    assert_int_equal(l.free_ns, 1000000 + 100000);
    /* 5 ms behind: due long past, the link free since: from now on... */
    const int64_t now = 10000000;
    assert_int_equal(tc_port_link_slot(&l, 5000000, now, 400000, Bps), now);
    /* ...then each piece after the last at the link's rate, though all due */
    assert_int_equal(tc_port_link_slot(&l, 5000001, now, 400000, Bps), now + 1000000);
    assert_int_equal(tc_port_link_slot(&l, 5000002, now, 40000, Bps), now + 2000000);
    /* a piece due later than the link frees up waits for its readout */
    assert_int_equal(tc_port_link_slot(&l, now + 9000000, now, 4000, Bps), now + 9000000);
    /* no rate: only due and now count */
    tc_port_link u = { 0 };
    assert_int_equal(tc_port_link_slot(&u, 7, 3, 1u << 30, 0), 7);
    assert_int_equal(tc_port_link_slot(&u, 5, 6, 1, 0), 7);
}

static void slow_and_reset_flags(void **state)
{
    (void)state;
    tc_port_reg r;
    assert_int_equal(tc_port_register(tc_feature_find("DeviceReset")->address, &r), 0);
    assert_true(r.flags & TC_FF_SLOW);
    assert_true(r.flags & TC_FF_RESET);
    assert_true(tc_port_span_flags(tc_feature_find("AcquisitionStart")->address, 4) & TC_FF_SLOW);
    assert_false(tc_port_span_flags(tc_feature_find("Width")->address, 4) & TC_FF_SLOW);

    tc_device *d = open_dev();
    uint64_t n = tc_port_resets(d);
    uint8_t one[4] = { 0, 0, 0, 1 };
    assert_int_equal(tc_port_write(d, r.address, one, 4, 1), 0);
    assert_int_equal(tc_port_resets(d), n + 1);
    tc_port_close(d);
}

/* The firmware the boot loader booted: reported as DeviceFirmwareVersion,
 * kept through DeviceReset; the reset hook hears of every committed reset,
 * through a register write or a feature write, and of nothing else. */
static void resets_call_the_hook(void *arg) { ++*(int *)arg; }

static void firmware_version_and_reset_hook(void **state)
{
    (void)state;
    tc_device *d = open_dev();
    tc_port_identity id;
    tc_port_identity_get(d, &id);
    assert_string_equal(id.version, "3.20.0");
    tc_port_set_firmware_version(d, "3.25.1");
    tc_port_identity_get(d, &id);
    assert_string_equal(id.version, "3.25.1");
    int calls = 0;
    tc_port_on_reset(d, resets_call_the_hook, &calls);
    tc_value v = { .i = 360 }; /* a write that is not a reset: no call */
    assert_int_equal(tc_port_set(d, tc_feature_find("Width"), v), 0);
    assert_int_equal(calls, 0);
    const tc_feature *reset = tc_feature_find("DeviceReset");
    uint8_t one[4] = { 0, 0, 0, 1 };
    assert_int_equal(tc_port_write(d, reset->address, one, 4, 1), 0);
    assert_int_equal(calls, 1);
    assert_int_equal(tc_port_set(d, reset, (tc_value){ .i = 1 }), 0);
    assert_int_equal(calls, 2);
    tc_port_identity_get(d, &id);
    assert_string_equal(id.version, "3.25.1");
    tc_value w;
    assert_int_equal(tc_port_get(d, tc_feature_find("Width"), &w), 0);
    assert_int_equal(w.i, 4056); /* the reset did happen: power-on width */
    tc_port_on_reset(d, NULL, NULL);
    assert_int_equal(tc_port_set(d, reset, (tc_value){ .i = 1 }), 0);
    assert_int_equal(calls, 2);
    tc_port_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wait_times_out_while_idle),
        cmocka_unit_test(start_wakes_a_waiter_then_frames_then_stop),
        cmocka_unit_test(a_stop_and_start_between_waits_is_seen),
        cmocka_unit_test(cancel_wakes_only_its_waiter),
        cmocka_unit_test(host_gone_stops_unlocks_and_drops),
        cmocka_unit_test(frames_rendered_into_offered_targets),
        cmocka_unit_test(pacing_last_byte_at_readout_end),
        cmocka_unit_test(link_catches_up_at_its_rate),
        cmocka_unit_test(slow_and_reset_flags),
        cmocka_unit_test(firmware_version_and_reset_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
