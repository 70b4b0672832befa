/* The kernel-free parts of the GPIO mapping (gpio_logic.h). Every byte of a
 * spec is hostile: lengths are checked before copying, numbers are parsed by
 * hand (no strtoul sign or blank quirks), and a refusal names the item. */
#include "io/gpio_logic.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the spec ---- */

static void quote(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap && k < 40; i++)
        dst[k++] = (s[i] >= 0x20 && s[i] < 0x7F) ? s[i] : '?';
    if (n > 40 && k + 4 < cap) {
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = 0;
}

static int refuse(char *err, size_t cap, const char *item, size_t n, const char *fmt, ...)
{
    if (!err || !cap)
        return -1;
    char q[48];
    quote(q, sizeof(q), item, n);
    int k = snprintf(err, cap, "gpio spec item '%s': ", q);
    if (k < 0 || (size_t)k >= cap)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + k, cap - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static int chip_char_ok(char c)
{
    return c > 0x20 && c < 0x7F && c != ',' && c != '=';
}

/* "Line0".."Line3" or "0".."3" */
static int parse_camera_line(const char *s, size_t n, unsigned *line)
{
    if (n == 5 && !memcmp(s, "Line", 4)) {
        s += 4;
        n = 1;
    }
    if (n != 1 || s[0] < '0' || s[0] > '3')
        return -1;
    *line = (unsigned)(s[0] - '0');
    return 0;
}

static int parse_offset(const char *s, size_t n, unsigned *v)
{
    if (n == 0 || n > 5)
        return -1;
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (unsigned)(s[i] - '0');
    }
    if (x > TC_GPIO_OFFSET_MAX)
        return -1;
    *v = x;
    return 0;
}

int tc_gpio_spec_parse(const char *text, tc_gpio_spec *out, char *err, size_t err_cap)
{
    if (err && err_cap)
        err[0] = 0;
    if (!out)
        return -1;
    memset(out, 0, sizeof(*out));
    if (!text || !*text) {
        if (err && err_cap)
            snprintf(err, err_cap, "gpio spec is empty (want e.g. Line0=gpiochip0:3,Line1=gpiochip0:4)");
        return -1;
    }
    size_t len = strnlen(text, TC_GPIO_SPEC_MAX + 1);
    if (len > TC_GPIO_SPEC_MAX) {
        if (err && err_cap)
            snprintf(err, err_cap, "gpio spec longer than %d bytes", TC_GPIO_SPEC_MAX);
        return -1;
    }
    const char *p = text, *end = text + len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *item_end = comma ? comma : end;
        size_t n = (size_t)(item_end - p);
        if (n == 0)
            return refuse(err, err_cap, text, len, "empty item (a stray ',')");
        const char *eq = memchr(p, '=', n);
        if (!eq)
            return refuse(err, err_cap, p, n, "want LINE=CHIP:OFFSET, e.g. Line0=gpiochip0:3");
        unsigned line;
        if (parse_camera_line(p, (size_t)(eq - p), &line))
            return refuse(err, err_cap, p, n, "no such camera line before '=' (Line0..Line3)");
        if (out->line[line].mapped)
            return refuse(err, err_cap, p, n, "Line%u is mapped twice", line);
        const char *rhs = eq + 1;
        size_t rn = (size_t)(item_end - rhs);
        const char *colon = NULL;
        for (size_t i = 0; i < rn; i++)
            if (rhs[i] == ':')
                colon = rhs + i;
        if (!colon)
            return refuse(err, err_cap, p, n, "want CHIP:OFFSET after '=' (chip name, path, label or number)");
        size_t cn = (size_t)(colon - rhs);
        if (cn == 0)
            return refuse(err, err_cap, p, n, "no chip before ':'");
        if (cn >= TC_GPIO_CHIP_MAX)
            return refuse(err, err_cap, p, n, "chip longer than %d bytes", TC_GPIO_CHIP_MAX - 1);
        for (size_t i = 0; i < cn; i++)
            if (!chip_char_ok(rhs[i]))
                return refuse(err, err_cap, p, n, "chip has a blank, '=' or non-printable byte");
        unsigned offset;
        if (parse_offset(colon + 1, (size_t)(item_end - colon - 1), &offset))
            return refuse(err, err_cap, p, n, "offset must be a decimal number 0..%d", TC_GPIO_OFFSET_MAX);
        for (unsigned l = 0; l < TC_GPIO_LINES; l++)
            if (out->line[l].mapped && out->line[l].offset == offset && strlen(out->line[l].chip) == cn &&
                !memcmp(out->line[l].chip, rhs, cn))
                return refuse(err, err_cap, p, n, "GPIO %.*s:%u is already Line%u's", (int)cn, rhs, offset, l);
        tc_gpio_pin *pin = &out->line[line];
        memcpy(pin->chip, rhs, cn);
        pin->chip[cn] = 0;
        pin->offset = offset;
        pin->mapped = true;
        if (!comma)
            break;
        p = comma + 1;
        if (p == end)
            return refuse(err, err_cap, text, len, "empty item (a trailing ',')");
    }
    return 0;
}

/* ---- pending output edges ---- */

void tc_edge_queue_push(tc_edge_queue *q, int64_t t_ns, int level)
{
    if (q->n == TC_EDGE_QUEUE_CAP) {
        memmove(q->e, q->e + 1, (TC_EDGE_QUEUE_CAP - 1) * sizeof(q->e[0]));
        q->n--;
        q->dropped++;
    }
    unsigned i = q->n;
    while (i > 0 && q->e[i - 1].t_ns > t_ns) {
        q->e[i] = q->e[i - 1];
        i--;
    }
    q->e[i].t_ns = t_ns;
    q->e[i].level = level != 0;
    q->n++;
}

int tc_edge_queue_pop_due(tc_edge_queue *q, int64_t now_ns, tc_edge *out)
{
    if (q->n == 0 || q->e[0].t_ns > now_ns)
        return 0;
    *out = q->e[0];
    q->n--;
    memmove(q->e, q->e + 1, q->n * sizeof(q->e[0]));
    return 1;
}

void tc_edge_queue_drop_until(tc_edge_queue *q, int64_t t_ns)
{
    unsigned k = 0;
    while (k < q->n && q->e[k].t_ns <= t_ns)
        k++;
    q->n -= k;
    memmove(q->e, q->e + k, q->n * sizeof(q->e[0]));
}

int64_t tc_edge_queue_next(const tc_edge_queue *q)
{
    return q->n ? q->e[0].t_ns : INT64_MAX;
}

/* ---- time ---- */

int64_t tc_gpio_event_time(int64_t sec, int64_t nsec, int64_t now_ns, bool *plausible)
{
    const int64_t ahead = 1000000, behind = 60 * 1000000000LL;
    bool ok = sec >= 0 && nsec >= 0 && nsec < 1000000000LL && sec < INT64_MAX / 1000000000LL - 1;
    int64_t t = ok ? sec * 1000000000LL + nsec : 0;
    if (ok && (t > now_ns + ahead || t < now_ns - behind))
        ok = false;
    if (plausible)
        *plausible = ok;
    return ok ? t : now_ns;
}
