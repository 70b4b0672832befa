/* Progress lines on a terminal's stderr (cli_progress.h). */
#include "cli_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void tc_cli_progress_start(tc_cli_progress *p, const char *who)
{
    p->who = who;
    p->tty = isatty(STDERR_FILENO) == 1;
    p->t0 = now_s();
    p->last_draw = 0;
    p->last_pct = -1;
}

/* "\r" back to the line's start, ESC [ K erases what a longer line left. */
static void draw(tc_cli_progress *p, const char *what, int pct)
{
    if (pct >= 0)
        fprintf(stderr, "\r\033[K%s: %s %d %%", p->who, what, pct);
    else
        fprintf(stderr, "\r\033[K%s: %s ...", p->who, what);
    fflush(stderr);
    p->last_draw = now_s();
}

void tc_cli_progress_stage(tc_cli_progress *p, const char *what)
{
    if (p->tty)
        draw(p, what, -1);
    p->last_pct = -1;
}

void tc_cli_progress_part(tc_cli_progress *p, const char *what, unsigned done, unsigned total)
{
    if (!p->tty || total == 0)
        return;
    int pct = (int)((unsigned long long)done * 100 / total);
    if (pct == p->last_pct || (pct < 100 && now_s() - p->last_draw < 0.1))
        return;
    p->last_pct = pct;
    draw(p, what, pct);
}

void tc_cli_progress_end(tc_cli_progress *p)
{
    if (p->tty) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

double tc_cli_progress_elapsed(const tc_cli_progress *p)
{
    return now_s() - p->t0;
}
