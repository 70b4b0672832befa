/* The application API as an application sees it: this program includes only
 * the public header and links libtwincam.so (twincam_dep), so it also
 * proves the shared library exports what the header promises. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <twincam/twincam.h>

/* The headers' version macros agree with each other and with the library
 * this program runs with (built from the same tree). */
static void version_macros_and_function_agree(void **state)
{
    (void)state;
    char text[64];
    snprintf(text, sizeof(text), "%d.%d.%d", TWINCAM_VERSION_MAJOR, TWINCAM_VERSION_MINOR,
             TWINCAM_VERSION_MICRO);
    assert_string_equal(text, TWINCAM_VERSION_STRING);
    assert_non_null(tc_version());
    assert_string_equal(tc_version(), TWINCAM_VERSION_STRING);
}

static void check_version_compares_major_minor_micro(void **state)
{
    (void)state;
    enum { MA = TWINCAM_VERSION_MAJOR, MI = TWINCAM_VERSION_MINOR, MC = TWINCAM_VERSION_MICRO };
    assert_true(TWINCAM_CHECK_VERSION(MA, MI, MC));
    assert_true(TWINCAM_CHECK_VERSION(0, 0, 0));
    assert_false(TWINCAM_CHECK_VERSION(MA, MI, MC + 1));
    assert_false(TWINCAM_CHECK_VERSION(MA, MI + 1, 0));
    assert_false(TWINCAM_CHECK_VERSION(MA + 1, 0, 0));
    if (MC > 0)
        assert_true(TWINCAM_CHECK_VERSION(MA, MI, MC - 1));
    if (MI > 0)
        assert_true(TWINCAM_CHECK_VERSION(MA, MI - 1, MC + 99));
    if (MA > 0)
        assert_true(TWINCAM_CHECK_VERSION(MA - 1, MI + 99, MC + 99));
}

static tc_camera *open_camera(const char *serial)
{
    tc_options o;
    tc_options_init(&o);
    o.serial = serial;
    o.deterministic = true;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), TC_OK);
    assert_non_null(cam);
    assert_string_equal(tc_camera_last_error(cam), "");
    return cam;
}

/* Each camera keeps its own reason: a failure on one leaves the other's
 * reason (or its "") alone, and a success clears only its own. */
static void two_cameras_keep_their_own_reasons(void **state)
{
    (void)state;
    tc_camera *a = open_camera("TCAPI0001");
    tc_camera *b = open_camera("TCAPI0002");

    assert_int_equal(tc_set_string(a, "PixelFormat", "NoSuchFormat"), TC_EINVAL);
    char reason_a[256];
    snprintf(reason_a, sizeof(reason_a), "%s", tc_camera_last_error(a));
    assert_non_null(strstr(reason_a, "NoSuchFormat"));
    assert_string_equal(tc_camera_last_error(b), "");

    assert_int_equal(tc_get_int(b, "NoSuchFeature", NULL), TC_ENOFEATURE);
    assert_non_null(strstr(tc_camera_last_error(b), "NoSuchFeature"));
    assert_string_equal(tc_camera_last_error(a), reason_a);

    int64_t width;
    assert_int_equal(tc_get_int(b, "Width", &width), TC_OK);
    assert_string_equal(tc_camera_last_error(b), "");
    assert_string_equal(tc_camera_last_error(a), reason_a);

    assert_int_equal(tc_get_int(a, "Width", &width), TC_OK);
    assert_string_equal(tc_camera_last_error(a), "");
    tc_camera_close(b);
    tc_camera_close(a);
}

typedef struct {
    tc_camera *cam;
    char reason[256]; /* the other thread's own reason, as it read it */
    int rc_ok, rc_fail;
} other_thread;

static void *fail_and_succeed_elsewhere(void *arg)
{
    other_thread *t = arg;
    t->rc_fail = tc_set_int(t->cam, "NoSuchFeatureEither", 1);
    snprintf(t->reason, sizeof(t->reason), "%s", tc_camera_last_error(t->cam));
    int64_t width;
    t->rc_ok = tc_get_int(t->cam, "Width", &width);
    return NULL;
}

/* Threads keep their own reasons on one camera: another thread's failure
 * and its later success neither show nor clear this thread's reason. */
static void another_thread_neither_sees_nor_clears_a_reason(void **state)
{
    (void)state;
    tc_camera *cam = open_camera("TCAPI0003");
    assert_int_equal(tc_set_string(cam, "PixelFormat", "NoSuchFormat"), TC_EINVAL);
    char mine[256];
    snprintf(mine, sizeof(mine), "%s", tc_camera_last_error(cam));
    assert_non_null(strstr(mine, "NoSuchFormat"));

    other_thread t = { .cam = cam };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, fail_and_succeed_elsewhere, &t), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(t.rc_fail, TC_ENOFEATURE);
    assert_int_equal(t.rc_ok, TC_OK);
    assert_non_null(strstr(t.reason, "NoSuchFeatureEither"));
    assert_null(strstr(t.reason, "NoSuchFormat"));

    assert_string_equal(tc_camera_last_error(cam), mine);
    tc_camera_close(cam);
}

/* The text returned is the caller's copy: a later failure on the camera
 * does not change it under the caller's feet. */
static void returned_reason_is_a_stable_copy(void **state)
{
    (void)state;
    tc_camera *cam = open_camera("TCAPI0004");
    assert_int_equal(tc_get_int(cam, "NoSuchFeature", NULL), TC_ENOFEATURE);
    const char *first = tc_camera_last_error(cam);
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", first);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "NoSuchFormat"), TC_EINVAL);
    assert_string_equal(first, copy);
    assert_non_null(strstr(tc_camera_last_error(cam), "NoSuchFormat"));
    tc_camera_close(cam);
}

/* tc_camera_open failing has no camera: its reason is under NULL, and a
 * later successful open clears it. Calls given no camera refuse there too. */
static void open_failure_reason_is_under_null(void **state)
{
    (void)state;
    assert_int_equal(tc_camera_open(NULL, NULL), TC_EINVAL);
    assert_string_not_equal(tc_camera_last_error(NULL), "");
    tc_camera *cam = open_camera("TCAPI0005");
    assert_string_equal(tc_camera_last_error(NULL), "");
    assert_int_equal(tc_set_int(NULL, "Width", 240), TC_EINVAL);
    assert_string_not_equal(tc_camera_last_error(NULL), "");
    assert_string_equal(tc_camera_last_error(cam), "");
    tc_camera_close(cam);
}

static void init_sets_the_struct_size(void **state)
{
    (void)state;
    tc_options o;
    memset(&o, 0xa5, sizeof(o));
    tc_options_init(&o);
    assert_int_equal(o.struct_size, sizeof(tc_options));
    assert_null(o.serial);
    assert_int_equal(o.frame_buffers, 0);
    tc_options_init(NULL); /* harmless */
}

static void read_string(tc_camera *cam, const char *feature, char *buf, size_t len)
{
    assert_int_equal(tc_get_string(cam, feature, buf, len), TC_OK);
}

/* An application built when tc_options ended earlier: its struct_size
 * covers only the fields it knew. The camera opens, takes those fields, and
 * defaults the rest even though the bytes beyond are set (they belong to
 * the application's other variables, not to its options). */
static void older_smaller_options_struct_opens(void **state)
{
    (void)state;
    tc_options o;
    tc_options_init(&o);
    o.serial = "TCOLD0001";
    o.noise_seed = 4242;
    o.deterministic = true;
    /* A directory that does not exist: honoured, UserSetSave would fail. */
    o.state_dir = "/nonexistent/twincam-state";
    o.struct_size = offsetof(tc_options, state_dir); /* the old fields only */
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), TC_OK);
    char serial[64];
    read_string(cam, "DeviceSerialNumber", serial, sizeof(serial));
    assert_string_equal(serial, "TCOLD0001");
    int64_t seed;
    assert_int_equal(tc_get_int(cam, "TwinNoiseSeed", &seed), TC_OK);
    assert_int_equal(seed, 4242);
    /* state_dir lay beyond struct_size: user sets stay in memory. */
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), TC_OK);
    assert_int_equal(tc_execute(cam, "UserSetSave"), TC_OK);
    tc_camera_close(cam);

    /* The same options with the full size do read state_dir: the missing
     * directory is noticed (at open or at the save). */
    o.struct_size = sizeof(o);
    cam = NULL;
    if (tc_camera_open(&o, &cam) == TC_OK) {
        assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), TC_OK);
        assert_int_equal(tc_execute(cam, "UserSetSave"), TC_EIO);
        tc_camera_close(cam);
    }

    /* Only struct_size and serial: every later field defaults. */
    o.struct_size = offsetof(tc_options, vendor_name);
    assert_int_equal(tc_camera_open(&o, &cam), TC_OK);
    assert_int_equal(tc_get_int(cam, "TwinNoiseSeed", &seed), TC_OK);
    assert_int_equal(seed, 0);
    read_string(cam, "DeviceSerialNumber", serial, sizeof(serial));
    assert_string_equal(serial, "TCOLD0001");
    tc_camera_close(cam);
}

/* struct_size 0 (options zeroed by hand, not by tc_options_init), smaller
 * than the size field itself, or garbage: refused, with the reason under
 * NULL, no camera. */
static void missing_or_garbage_struct_size_is_refused(void **state)
{
    (void)state;
    const size_t bad[] = { 0, 1, sizeof(size_t) - 1, (size_t)1 << 20, (size_t)-1 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tc_options o;
        tc_options_init(&o);
        o.struct_size = bad[i];
        tc_camera *cam = (tc_camera *)&o; /* must come back NULL */
        assert_int_equal(tc_camera_open(&o, &cam), TC_EINVAL);
        assert_null(cam);
        assert_non_null(strstr(tc_camera_last_error(NULL), "struct_size"));
    }
}

/* An application built against newer headers (a larger struct) on this
 * library: accepted while the fields this library does not know are zero
 * (their defaults), refused once one is set. */
static void newer_larger_options_struct(void **state)
{
    (void)state;
    struct {
        tc_options known;
        uint64_t future_field;
    } newer;
    memset(&newer, 0, sizeof(newer));
    tc_options_init(&newer.known);
    newer.known.struct_size = sizeof(newer);
    newer.known.serial = "TCNEW0001";
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&newer.known, &cam), TC_OK);
    char serial[64];
    read_string(cam, "DeviceSerialNumber", serial, sizeof(serial));
    assert_string_equal(serial, "TCNEW0001");
    tc_camera_close(cam);

    newer.future_field = 1;
    assert_int_equal(tc_camera_open(&newer.known, &cam), TC_EINVAL);
    assert_null(cam);
    assert_non_null(strstr(tc_camera_last_error(NULL), "does not know"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_macros_and_function_agree),
        cmocka_unit_test(check_version_compares_major_minor_micro),
        cmocka_unit_test(two_cameras_keep_their_own_reasons),
        cmocka_unit_test(another_thread_neither_sees_nor_clears_a_reason),
        cmocka_unit_test(returned_reason_is_a_stable_copy),
        cmocka_unit_test(open_failure_reason_is_under_null),
        cmocka_unit_test(init_sets_the_struct_size),
        cmocka_unit_test(older_smaller_options_struct_opens),
        cmocka_unit_test(missing_or_garbage_struct_size_is_refused),
        cmocka_unit_test(newer_larger_options_struct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
