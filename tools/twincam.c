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

static const tc_cli_command *find(const char *name)
{
    for (unsigned i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i]->name))
            return commands[i];
    return NULL;
}

/* In help2man's shape, as each subcommand's usage is: a NAME line, Usage
 * lines, a description, then sections whose option lines start with '-'. */
static void global_usage(FILE *to)
{
    fprintf(to, "twincam - a software twin of a 12 MP USB3 Vision / GigE Vision camera\n"
                "Usage: twincam COMMAND [OPTION]...\n"
                "  or:  twincam --help | --version\n"
                "\n"
                "The camera (Sony IMX412, Bayer GR, 4056 x 3040, 18 fps) in software: its\n"
                "features, timing and sensor model, in process or served to GenICam clients.\n"
                "Run `twincam COMMAND --help` for a command's options.\n"
                "\n"
                "Commands:\n");
    for (unsigned i = 0; i < N_COMMANDS; i++)
        fprintf(to, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(to, "\n"
                "Options:\n"
                "  -h, --help               print this help and exit\n"
                "      --version            print the version and exit\n"
                "\n"
                "Exit status: 0 success, 1 the camera refused something or failed, 2 bad\n"
                "command line.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        global_usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
        /* `twincam help COMMAND` is `twincam COMMAND --help`. */
        const tc_cli_command *cmd = argc > 2 && !strcmp(name, "help") ? find(argv[2]) : NULL;
        if (argc > 2 && !strcmp(name, "help") && !cmd) {
            fprintf(stderr, "twincam: unknown command '%s'\n", argv[2]);
            global_usage(stderr);
            return 2;
        }
        if (cmd)
            return tc_cli_help(cmd);
        global_usage(stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version"))
        return tc_cli_version();
    const tc_cli_command *cmd = find(name);
    if (cmd)
        return cmd->main(argc - 1, argv + 1);
    fprintf(stderr, "twincam: unknown %s '%s'\n", name[0] == '-' ? "option" : "command", name);
    global_usage(stderr);
    return 2;
}
