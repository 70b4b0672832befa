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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_macros_and_function_agree),
        cmocka_unit_test(check_version_compares_major_minor_micro),
        cmocka_unit_test(two_cameras_keep_their_own_reasons),
        cmocka_unit_test(another_thread_neither_sees_nor_clears_a_reason),
        cmocka_unit_test(returned_reason_is_a_stable_copy),
        cmocka_unit_test(open_failure_reason_is_under_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
