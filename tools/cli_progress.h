/* Progress of long work on the command line (a full-frame snapshot takes
 * seconds). Drawn on stderr, and only when stderr is a terminal: one line,
 * rewritten in place, cleared when done. Never on stdout, which carries
 * only the output asked for. */
#ifndef TC_TOOLS_CLI_PROGRESS_H
#define TC_TOOLS_CLI_PROGRESS_H

#include <stdbool.h>

typedef struct tc_cli_progress {
    const char *who;  /* "twincam snapshot" */
    bool tty;         /* stderr is a terminal: draw */
    double t0;        /* CLOCK_MONOTONIC seconds at start */
    double last_draw; /* when the line was last drawn */
    int last_pct;
} tc_cli_progress;

void tc_cli_progress_start(tc_cli_progress *p, const char *who);
/* A stage begins: "who: what ..." */
void tc_cli_progress_stage(tc_cli_progress *p, const char *what);
/* Part of a stage: "who: what NN %", redrawn at most ten times a second. */
void tc_cli_progress_part(tc_cli_progress *p, const char *what, unsigned done, unsigned total);
/* Clear the line (the caller then prints its one-line summary). */
void tc_cli_progress_end(tc_cli_progress *p);
/* Seconds since tc_cli_progress_start. */
double tc_cli_progress_elapsed(const tc_cli_progress *p);

#endif
