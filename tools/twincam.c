/* twincam: the command-line front end. Finds the subcommand named by
 * argv[1] in the table (tools/cli_commands.h: one line per subcommand, each
 * in a tools/cmd_NAME.c of its own) and runs it with argv[1..].
 *
 * Exit status: 0 success, 1 camera refused something, 2 bad command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const tc_cli_command *const commands[] = {
#define TC_CLI_COMMAND(id) &tc_cli_cmd_##id,
#include "cli_commands.h"
#undef TC_CLI_COMMAND
};
enum { N_COMMANDS = sizeof(commands) / sizeof(commands[0]) };

void tc_cli_global_usage(FILE *to)
{
    fprintf(to, "usage: twincam <command> [options]\n"
                "\n"
                "commands:\n");
    for (unsigned i = 0; i < N_COMMANDS; i++)
        fprintf(to, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(to, "\n"
                "options:\n"
                "  --set Feature=Value   set a feature before acting (repeatable, in order)\n"
                "  --serial S            DeviceSerialNumber (seeds the fixed-pattern noise)\n"
                "  --seed N              TwinNoiseSeed (temporal noise)\n"
                "  -h, --help            this text\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        tc_cli_global_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        tc_cli_global_usage(stdout);
        return 0;
    }
    for (unsigned i = 0; i < N_COMMANDS; i++)
        if (!strcmp(cmd, commands[i]->name))
            return commands[i]->main(argc - 1, argv + 1);
    fprintf(stderr, "twincam: unknown command '%s'\n", cmd);
    tc_cli_global_usage(stderr);
    return 2;
}
