/* twincam features: every feature with its type, access, value and live
 * range, as a table on stdout. */
#include "cli.h"

static int features_main(int argc, char **argv)
{
    tc_cli_opts c = { 0 };
    int rc = tc_cli_parse(&tc_cli_cmd_features, TC_CLI_OPT_CAMERA | TC_CLI_OPT_STATE_DIR, argc, argv, &c);
    if (rc != 0)
        return rc;
    tc_camera *cam = tc_cli_open_camera(&c, true);
    if (!cam)
        return 1;
    printf("%-32s %-11s %-3s %-24s %s\n", "FEATURE", "TYPE", "ACC", "VALUE", "RANGE");
    for (unsigned i = 0; i < tc_feature_total(); i++) {
        tc_feature_info fi;
        tc_feature_describe(cam, i, &fi);
        char value[128];
        snprintf(value, sizeof(value), "%s%s%s", fi.value, fi.unit[0] && fi.value[0] ? " " : "",
                 fi.value[0] ? fi.unit : "");
        printf("%-32s %-11s %-3s %-24s %s\n", fi.name, fi.type, fi.access, value, fi.range);
    }
    tc_camera_close(cam);
    return 0;
}

const tc_cli_command tc_cli_cmd_features = {
    .name = "features",
    .summary = "list every feature of the camera with its value and live range",
    .usage = "twincam features - list every feature of the camera with its value and live range\n"
             "Usage: twincam features [OPTION]...\n"
             "\n"
             "Opens a camera in process and prints one line per GenICam feature: name,\n"
             "type, access (RW, RO, WO), current value with unit, and the range the\n"
             "current settings allow. --set changes features first, in order, as a\n"
             "client would.\n"
             "\n"
             "Options:\n"
             "      --set=FEATURE=VALUE  set a feature first (repeatable, applied in order)\n"
             "      --state-dir=DIR      start with the user set saved there as the power-up set\n"
             "      --serial=S           DeviceSerialNumber (seeds the fixed-pattern noise)\n"
             "      --seed=N             TwinNoiseSeed (the temporal noise)\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n"
             "\n"
             "Exit status: 0 success, 1 the camera refused a value, 2 bad command line.\n",
    .main = features_main,
};
