/* The boot loader (boot_loader.h), as a camera's boot loader and watchdog
 * work (U-Boot's bootcount):
 *
 *   1. Read the boot state (slots.h). An active slot that has not reported
 *      healthy yet has its boot counter raised and written before it
 *      starts; one that already used TC_FW_BOOT_TRIES boots without
 *      reporting healthy (the loader itself died during them: a power cut)
 *      is given up for the previous one.
 *   2. Load the slot's package and check it again (hash, signature): a
 *      damaged slot is given up at once. The program is copied into a
 *      sealed memfd and run from there, so what runs is what was checked.
 *      The factory program is the loader's own executable.
 *   3. The child gets the loader's arguments, TWINCAM_HEALTH_FD (the write
 *      end of a pipe), TWINCAM_FIRMWARE_VERSION and TWINCAM_FIRMWARE_SLOT,
 *      and dies with the loader (PR_SET_PDEATHSIG).
 *   4. It must write "healthy" within the bound. Exiting, crashing or
 *      staying silent first sends the loader back to the previous slot
 *      (written, then logged), and it boots that.
 *   5. A healthy child is watched until it exits: TC_FW_EXIT_RESTART
 *      (DeviceReset) boots whatever the state names now; a crash restarts
 *      it (at most TC_FW_RESTARTS_MAX times in a row, a second apart);
 *      exit 0 ends the loader.
 * The loader is single-threaded and waits in ppoll() with SIGINT/SIGTERM
 * unblocked only there, so a stop request is never lost between a check
 * and a wait. */
#include "firmware/boot_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/firmware_version.h"
#include "firmware/slots.h"
#include "util/file_open.h"
#include "util/log.h"

/* Boots a new slot gets to report healthy across loader restarts. */
#define TC_FW_BOOT_TRIES 2
/* Crashes in a row of a healthy program before the loader gives up. */
#define TC_FW_RESTARTS_MAX 5

extern char **environ;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The program of a slot as an executable descriptor: a sealed memfd
 * (opened read-only again: a descriptor open for writing would make
 * execve fail with ETXTBSY). Not close-on-exec, so that a script's
 * interpreter can open it as /dev/fd/N. -1 with why. */
static int program_fd(const uint8_t *prog, size_t len, const char *name, char *why, size_t cap)
{
    int mfd = memfd_create(name, MFD_ALLOW_SEALING);
    if (mfd < 0) {
        snprintf(why, cap, "memfd_create: %s", strerror(errno));
        return -1;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(mfd, prog + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(why, cap, "memfd write: %s", strerror(errno));
            close(mfd);
            return -1;
        }
        done += (size_t)n;
    }
    fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
    int ro = open(path, O_RDONLY);
    int e = errno;
    close(mfd);
    if (ro < 0)
        snprintf(why, cap, "reopen of the program: %s", strerror(e));
    return ro;
}

typedef struct boot {
    const tc_fw_loader_options *o;
    unsigned bound_ms;
    int factory_fd; /* the loader's own executable */
    sigset_t wait_mask; /* the mask while waiting: SIGINT/SIGTERM unblocked */
} boot;

/* Give up the active slot for the previous one, in the state directory
 * first, then in the log. */
static void roll_back(boot *b, tc_fw_boot_state *s, const char *what)
{
    tc_fw_slot from = s->active;
    tc_fw_slot to = s->previous == s->active ? TC_FW_FACTORY : s->previous;
    tc_fw_boot_state next = { to, TC_FW_FACTORY, 0, true };
    char why[600];
    if (tc_fw_boot_write(b->o->state_dir, &next, why, sizeof(why)) != 0)
        tc_log("boot", "cannot record the rollback: %s", why);
    tc_log("boot", "slot %s %s; rolled back to %s", tc_fw_slot_name(from), what,
           to == TC_FW_FACTORY ? "the factory program" : tc_fw_slot_name(to));
    *s = next;
}

typedef enum { CHILD_HEALTHY, CHILD_EXITED, CHILD_SILENT, CHILD_STOPPED } start_result;

/* Wait for the child to end. `term`: ask it to stop now (SIGTERM);
 * `kill_after_ms` >= 0: SIGKILL if it is still there then. A stop request
 * that arrives while waiting is forwarded once, SIGKILL following after the
 * bound. Returns its wait status. */
static int wait_child(boot *b, pid_t pid, int pidfd, bool term, int kill_after_ms)
{
    bool stop_sent = false;
    int64_t kill_at = kill_after_ms >= 0 ? now_ms() + kill_after_ms : -1;
    if (term) {
        kill(pid, SIGTERM);
        stop_sent = true;
    }
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return 0;
        if (!stop_sent && *b->o->stop) {
            kill(pid, SIGTERM);
            stop_sent = true;
            int64_t t = now_ms() + b->bound_ms;
            if (kill_at < 0 || t < kill_at)
                kill_at = t;
        }
        int timeout_ms = -1;
        if (kill_at >= 0) {
            int64_t left = kill_at - now_ms();
            if (left <= 0) {
                kill(pid, SIGKILL);
                kill_at = -1;
                continue;
            }
            timeout_ms = (int)left;
        }
        if (pidfd < 0 && (timeout_ms < 0 || timeout_ms > 100))
            timeout_ms = 100; /* no pidfd: look again every 100 ms */
        struct pollfd p = { pidfd, POLLIN, 0 };
        struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
        ppoll(&p, pidfd >= 0 ? 1 : 0, timeout_ms < 0 ? NULL : &ts, &b->wait_mask);
    }
}

/* Start the program of slot `slot` (descriptor `prog`), wait for its health
 * report. On CHILD_HEALTHY *pid and *pidfd are the running child's. */
static start_result start(boot *b, int prog, tc_fw_slot slot, const char *version, pid_t *pid_out,
                          int *pidfd_out, int *status, char *why, size_t cap)
{
    int hp[2];
    if (pipe2(hp, O_CLOEXEC) != 0) {
        snprintf(why, cap, "pipe: %s", strerror(errno));
        *status = 0;
        return CHILD_EXITED;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, cap, "fork: %s", strerror(errno));
        close(hp[0]), close(hp[1]);
        *status = 0;
        return CHILD_EXITED;
    }
    if (pid == 0) {
        /* The child: die with the loader, default signals, the health pipe
         * kept across exec, then the program. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        close(hp[0]);
        int fl = fcntl(hp[1], F_GETFD);
        fcntl(hp[1], F_SETFD, fl & ~FD_CLOEXEC);
        char fd[16];
        snprintf(fd, sizeof(fd), "%d", hp[1]);
        setenv(TC_FW_ENV_HEALTH_FD, fd, 1);
        setenv(TC_FW_ENV_VERSION, version, 1);
        setenv(TC_FW_ENV_SLOT, tc_fw_slot_name(slot), 1);
        fexecve(prog, b->o->argv, environ);
        fprintf(stderr, "twincam boot: cannot run slot %s: %s\n", tc_fw_slot_name(slot),
                strerror(errno));
        _exit(127);
    }
    close(hp[1]);
    int pidfd = pidfd_open(pid, 0);
    int64_t deadline = now_ms() + b->bound_ms;
    char buf[16];
    size_t got = 0;
    start_result res = CHILD_SILENT;
    for (;;) {
        if (*b->o->stop) {
            res = CHILD_STOPPED;
            break;
        }
        int64_t left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = { hp[0], POLLIN, 0 };
        struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
        int n = ppoll(&p, 1, &ts, &b->wait_mask);
        if (n <= 0)
            continue; /* a signal or the time: looked at above */
        ssize_t k = read(hp[0], buf + got, sizeof(buf) - 1 - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) { /* the pipe closed: the program is gone or closed it unsaid */
            res = CHILD_EXITED;
            break;
        }
        got += (size_t)k;
        buf[got] = 0;
        if (strstr(buf, "healthy\n")) {
            res = CHILD_HEALTHY;
            break;
        }
        if (got == sizeof(buf) - 1) { /* anything else on the pipe: not healthy */
            res = CHILD_EXITED;
            break;
        }
    }
    close(hp[0]);
    if (res == CHILD_HEALTHY) {
        *pid_out = pid;
        *pidfd_out = pidfd;
        return res;
    }
    if (res == CHILD_SILENT) {
        snprintf(why, cap, "did not report healthy within %u ms", b->bound_ms);
        kill(pid, SIGKILL);
    }
    /* Gone, or it closed the pipe unsaid: a second to end by itself. */
    *status = wait_child(b, pid, pidfd, res == CHILD_STOPPED,
                         res == CHILD_STOPPED ? (int)b->bound_ms : 1000);
    if (pidfd >= 0)
        close(pidfd);
    if (res == CHILD_EXITED) {
        if (WIFSIGNALED(*status))
            snprintf(why, cap, "was killed by signal %d before reporting healthy", WTERMSIG(*status));
        else
            snprintf(why, cap, "exited with status %d before reporting healthy",
                     WIFEXITED(*status) ? WEXITSTATUS(*status) : -1);
    }
    return res;
}

/* The loader's exit status for its child's wait status. A program ended by
 * the SIGTERM a stop request sent it stopped as asked: 0. */
static int exit_code(int status, bool stopping)
{
    if (stopping && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
        return 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int tc_fw_boot_loader_run(const tc_fw_loader_options *o)
{
    boot b = { o, o->health_bound_ms ? o->health_bound_ms : TC_FW_HEALTH_BOUND_S * 1000u, -1, { { 0 } } };
    /* SIGINT/SIGTERM only arrive inside ppoll: no stop request is lost. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    b.wait_mask = old;
    sigdelset(&b.wait_mask, SIGINT);
    sigdelset(&b.wait_mask, SIGTERM);
    b.factory_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (b.factory_fd < 0) {
        tc_log("boot", "cannot open the factory program (/proc/self/exe): %s", strerror(errno));
        return 1;
    }
    /* Nothing else writes the state directory before the first program
     * starts (one camera per directory): what a power cut left half
     * written, in temporary files, goes now, every one, whoever's PID its
     * name holds (a PID's liveness proved no sure sign: power_loss.py's
     * last boot on CI once kept a killed writer's file). Locked as an
     * install locks it (slots.c): an offline install keeps its file. */
    int dir = open(o->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        while (flock(dir, LOCK_EX) != 0 && errno == EINTR)
            ;
        int n = tc_file_remove_temporaries(dir);
        if (n > 0)
            tc_log("boot", "removed %d temporary file%s a power cut left in %s", n, n == 1 ? "" : "s",
                   o->state_dir);
        close(dir);
    }
    unsigned crashes = 0;
    int rc = 1;
    while (!*o->stop) {
        char why[600];
        tc_fw_boot_state s;
        if (tc_fw_boot_read(o->state_dir, &s, why, sizeof(why)) != 0)
            tc_log("boot", "%s; booting the factory program", why);
        if (s.active != TC_FW_FACTORY && !s.confirmed) {
            if (s.tries >= TC_FW_BOOT_TRIES) {
                char what[96];
                snprintf(what, sizeof(what), "did not report healthy in %u boots", s.tries);
                roll_back(&b, &s, what);
                continue;
            }
            s.tries++;
            if (tc_fw_boot_write(o->state_dir, &s, why, sizeof(why)) != 0) {
                roll_back(&b, &s, "cannot count its boot");
                continue;
            }
        }
        /* The program to run. */
        int prog = b.factory_fd;
        char version[TC_FW_VERSION_FIELD];
        snprintf(version, sizeof(version), "%s", TC_FIRMWARE_VERSION);
        if (s.active != TC_FW_FACTORY) {
            uint8_t *pkg;
            size_t len;
            tc_fw_package p;
            tc_fw_reason r;
            if (tc_fw_slot_load(o->state_dir, s.active, &pkg, &len, &p, &r) != 0) {
                char what[300];
                snprintf(what, sizeof(what), "cannot boot (%.250s)", r.text);
                roll_back(&b, &s, what);
                continue;
            }
            char name[32];
            snprintf(name, sizeof(name), "twincam-slot-%s", tc_fw_slot_name(s.active));
            prog = program_fd(p.program, p.program_len, name, why, sizeof(why));
            snprintf(version, sizeof(version), "%s", p.manifest.version);
            free(pkg);
            if (prog < 0) {
                tc_log("boot", "slot %s: %s; booting the factory program instead",
                       tc_fw_slot_name(s.active), why);
                prog = b.factory_fd;
                s.active = TC_FW_FACTORY;
                snprintf(version, sizeof(version), "%s", TC_FIRMWARE_VERSION);
            }
        }
        tc_log("boot", "starting %s%s (firmware %s)",
               s.active == TC_FW_FACTORY ? "the factory program" : "slot ",
               s.active == TC_FW_FACTORY ? "" : tc_fw_slot_name(s.active), version);
        pid_t pid = -1;
        int pidfd = -1, status = 0;
        start_result res = start(&b, prog, s.active, version, &pid, &pidfd, &status, why, sizeof(why));
        if (prog != b.factory_fd)
            close(prog);
        if (res == CHILD_STOPPED) {
            rc = exit_code(status, true);
            break;
        }
        if (res != CHILD_HEALTHY) {
            if (s.active == TC_FW_FACTORY) {
                tc_log("boot", "the factory program %s; giving up", why);
                rc = 1;
                break;
            }
            roll_back(&b, &s, why);
            continue;
        }
        /* The program serves already: a client may have installed over it
         * since the boot, so confirm only what the state still names.
         * Recorded before it is logged, so that "reports healthy" in the
         * log means a power cut from then on boots this slot again. */
        if (s.active != TC_FW_FACTORY && !s.confirmed &&
            tc_fw_boot_confirm(o->state_dir, s.active, why, sizeof(why)) < 0)
            tc_log("boot", "cannot record that slot %s is healthy: %s", tc_fw_slot_name(s.active), why);
        tc_log("boot", "%s%s (firmware %s, pid %ld) reports healthy",
               s.active == TC_FW_FACTORY ? "the factory program" : "slot ",
               s.active == TC_FW_FACTORY ? "" : tc_fw_slot_name(s.active), version, (long)pid);
        status = wait_child(&b, pid, pidfd, false, -1);
        close(pidfd);
        if (*o->stop) {
            rc = exit_code(status, true);
            break;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == TC_FW_EXIT_RESTART) {
            tc_log("boot", "restart requested (DeviceReset)");
            crashes = 0;
            continue;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            rc = 0;
            break;
        }
        if (++crashes > TC_FW_RESTARTS_MAX) {
            tc_log("boot", "the program failed %u times in a row; giving up", crashes);
            rc = 1;
            break;
        }
        tc_log("boot", "the program %s %d; restarting it in 1 s",
               WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        struct timespec pause = { 1, 0 };
        ppoll(NULL, 0, &pause, &b.wait_mask);
    }
    close(b.factory_fd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

bool tc_fw_supervised(void) { return getenv(TC_FW_ENV_HEALTH_FD) != NULL; }

int tc_fw_report_healthy(void)
{
    static int done;
    const char *env = getenv(TC_FW_ENV_HEALTH_FD);
    if (!env || __atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
        return -1;
    char *end;
    long fd = strtol(env, &end, 10);
    if (*end || end == env || fd < 3 || fd > 1 << 20)
        return -1;
    static const char msg[] = "healthy\n";
    ssize_t n = write((int)fd, msg, sizeof(msg) - 1);
    close((int)fd);
    return n == (ssize_t)sizeof(msg) - 1 ? 0 : -1;
}
