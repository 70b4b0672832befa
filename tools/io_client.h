/* `twincam io` (io_client.c): argv after "io". Returns the exit status. */
#ifndef TC_TOOLS_IO_CLIENT_H
#define TC_TOOLS_IO_CLIENT_H
int tc_io_main(int argc, char **argv);
#endif
