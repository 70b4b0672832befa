/* Which cameras the producer offers (docs/gentl.md):
 *
 *   TWINCAM_GENTL_CAMERAS="TC000001:seed=7:deterministic,TC000002:state=/var/tmp/c2"
 *   TWINCAM_GENTL_CAMERAS="3"              three cameras TC000001..TC000003
 *   TWINCAM_GENTL_CAMERAS="3:deterministic"
 *
 * or the same, one item a line ('#' starts a comment), in
 * $XDG_CONFIG_HOME/twincam/gentl.conf (~/.config/twincam/gentl.conf). The
 * variable wins over the file; with neither, one camera with the core's
 * defaults. Items that do not parse are skipped. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gentl/gentl_int.h"

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || !isdigit((unsigned char)*s))
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end)
        return false;
    *out = v;
    return true;
}

static bool taken(const gt_cam_cfg *c, size_t n, const char *serial)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].serial, serial) == 0)
            return true;
    return false;
}

/* One item: a serial or a count, then ":key=value" or ":deterministic"
 * options. Appends to out[*n]; false if it does not parse. */
static bool parse_item(char *item, gt_cam_cfg *out, size_t *n, size_t max)
{
    gt_cam_cfg opt = { .serial = "" };
    char *save = NULL;
    char *head = strtok_r(item, ":", &save);
    if (!head)
        return false;
    for (char *o = strtok_r(NULL, ":", &save); o; o = strtok_r(NULL, ":", &save)) {
        if (strcmp(o, "deterministic") == 0)
            opt.deterministic = true;
        else if (strncmp(o, "seed=", 5) == 0) {
            if (!parse_u64(o + 5, &opt.seed))
                return false;
        } else if (strncmp(o, "state=", 6) == 0 && o[6] && strlen(o + 6) < sizeof(opt.state_dir))
            snprintf(opt.state_dir, sizeof(opt.state_dir), "%s", o + 6);
        else
            return false;
    }
    uint64_t count;
    if (parse_u64(head, &count)) {
        if (count == 0 || count > max)
            return false;
        for (uint64_t k = 1; k <= count && *n < max; k++) {
            gt_cam_cfg c = opt;
            snprintf(c.serial, sizeof(c.serial), "TC%06u", (unsigned)k);
            if (taken(out, *n, c.serial))
                continue;
            out[(*n)++] = c;
        }
        return true;
    }
    size_t len = strlen(head);
    if (len == 0 || len >= TC_STRING_MAX)
        return false;
    for (const char *c = head; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
            return false;
    if (*n >= max || taken(out, *n, head))
        return false;
    snprintf(opt.serial, sizeof(opt.serial), "%s", head);
    out[(*n)++] = opt;
    return true;
}

static void parse_list(char *text, const char *seps, gt_cam_cfg *out, size_t *n, size_t max)
{
    char *save = NULL;
    for (char *item = strtok_r(text, seps, &save); item; item = strtok_r(NULL, seps, &save)) {
        while (isspace((unsigned char)*item))
            item++;
        char *end = item + strlen(item);
        while (end > item && isspace((unsigned char)end[-1]))
            *--end = 0;
        if (*item && *item != '#')
            parse_item(item, out, n, max);
    }
}

static char *config_file_text(void)
{
    char path[1024];
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(path, sizeof(path), "%s/twincam/gentl.conf", xdg);
    else if (home && *home)
        snprintf(path, sizeof(path), "%s/.config/twincam/gentl.conf", home);
    else
        return NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = calloc(1, 65536);
    if (text) {
        size_t got = fread(text, 1, 65535, f);
        text[got] = 0;
        /* comments end at the line's end */
        for (char *h = strchr(text, '#'); h; h = strchr(h, '#'))
            while (*h && *h != '\n')
                *h++ = ' ';
    }
    fclose(f);
    return text;
}

size_t gt_config_cameras(gt_cam_cfg *out, size_t max)
{
    size_t n = 0;
    const char *env = getenv("TWINCAM_GENTL_CAMERAS");
    if (env && *env) {
        char *copy = strdup(env);
        if (copy)
            parse_list(copy, ", \t\n", out, &n, max);
        free(copy);
    } else {
        char *text = config_file_text();
        if (text)
            parse_list(text, "\n", out, &n, max);
        free(text);
    }
    if (n == 0 && max > 0) {
        memset(&out[0], 0, sizeof(out[0]));
        snprintf(out[0].serial, sizeof(out[0].serial), "TC000001");
        n = 1;
    }
    return n;
}
