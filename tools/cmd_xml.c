/* twincam xml: the GenICam XML the camera serves, on stdout and nothing
 * else (so `twincam xml > camera.xml` is a well-formed file). */
#include "cli.h"
#include "inproc/camera_int.h" /* the XML in the USB3 Vision byte order too */

static int xml_main(int argc, char **argv)
{
    tc_cli_opts c = { 0 };
    int rc = tc_cli_parse(&tc_cli_cmd_xml, TC_CLI_OPT_CAMERA | TC_CLI_OPT_USB, argc, argv, &c);
    if (rc != 0)
        return rc;
    tc_camera *cam = tc_cli_open_camera(&c, true);
    if (!cam)
        return 1;
    size_t len;
    const char *xml = tc_camera_genicam_xml(cam, !c.usb, &len);
    rc = xml && fwrite(xml, 1, len, stdout) == len ? 0 : 1;
    tc_camera_close(cam);
    return rc;
}

const tc_cli_command tc_cli_cmd_xml = {
    .name = "xml",
    .summary = "print the GenICam XML the camera describes itself with",
    .usage = "twincam xml - print the GenICam XML the camera describes itself with\n"
             "Usage: twincam xml [--usb] [OPTION]...\n"
             "\n"
             "Prints the GenICam XML file the camera serves to its clients, in GigE\n"
             "Vision's byte order (big-endian registers) or, with --usb, USB3 Vision's\n"
             "(little-endian). Only the XML goes to standard output.\n"
             "\n"
             "Options:\n"
             "      --usb                the USB3 Vision variant\n"
             "      --set=FEATURE=VALUE  set a feature first (repeatable, applied in order)\n"
             "      --serial=S           DeviceSerialNumber\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n"
             "\n"
             "Exit status: 0 success, 1 failure, 2 bad command line.\n",
    .main = xml_main,
};
