/* twincam docs: docs/features.md, generated from the feature table. */
#include "cli.h"

#include <stdlib.h>

#include "genicam/docs.h"

static int docs_main(int argc, char **argv)
{
    tc_cli_opts c = { 0 };
    int rc = tc_cli_parse(&tc_cli_cmd_docs, 0, argc, argv, &c);
    if (rc != 0)
        return rc;
    size_t len;
    char *md = tc_features_markdown(&len);
    rc = md && fwrite(md, 1, len, stdout) == len ? 0 : 1;
    free(md);
    return rc;
}

const tc_cli_command tc_cli_cmd_docs = {
    .name = "docs",
    .summary = "print the feature reference (docs/features.md) as Markdown",
    .usage = "twincam docs - print the feature reference (docs/features.md) as Markdown\n"
             "Usage: twincam docs\n"
             "\n"
             "Prints the reference of every feature (type, access, range, register\n"
             "address, description), generated from the same table as the camera's\n"
             "registers and GenICam XML. The repository's docs/features.md is this\n"
             "output.\n"
             "\n"
             "Options:\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n",
    .main = docs_main,
};
