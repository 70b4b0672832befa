/* The subcommands, in the order `twincam --help` lists them: one line each,
 * TC_CLI_COMMAND(id) naming the tc_cli_cmd_id its tools/cmd_id.c defines.
 * Included by cli.h (declarations) and twincam.c (the table), each time
 * with its own TC_CLI_COMMAND; no include guard on purpose. */
TC_CLI_COMMAND(features)
TC_CLI_COMMAND(snapshot)
TC_CLI_COMMAND(xml)
TC_CLI_COMMAND(docs)
TC_CLI_COMMAND(serve)
TC_CLI_COMMAND(gadget)
TC_CLI_COMMAND(io)
TC_CLI_COMMAND(firmware)
