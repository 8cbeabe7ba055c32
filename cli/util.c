/* Messages and option parsing shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "frugal %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int parse_uint_opt(const char *cmd, const char *name, const char *arg, uint64_t min, uint64_t max,
                   uint64_t *out)
{
    uint64_t v;
    frugal_status st = frugal_parse_u64(arg, UINT64_MAX, &v);
    if (st != FRUGAL_OK) {
        cli_error(cmd, "%s: '%s' is not a number", name, arg);
        return -1;
    }
    if (v < min || v > max) {
        cli_error(cmd, "%s: %s is out of range (%llu..%llu)", name, arg, (unsigned long long)min,
                  (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

int cpu_option(const char *cmd, const char *arg)
{
    unsigned mask;
    if (strcmp(arg, "scalar") == 0)
        mask = 0;
    else if (strcmp(arg, "avx2") == 0)
        mask = FRUGAL_CPU_AVX2;
    else if (strcmp(arg, "avx512") == 0)
        mask = FRUGAL_CPU_AVX2 | FRUGAL_CPU_AVX512;
    else {
        cli_error(cmd, "--cpu: '%s' is not one of scalar, avx2, avx512", arg);
        return -1;
    }
    if ((frugal_cpu_detected() & mask) != mask) {
        cli_error(cmd, "--cpu %s: this CPU lacks it", arg);
        return -1;
    }
    frugal_cpu_allow(mask);
    return 0;
}

void fmt_bytes(uint64_t b, char *buf, size_t len)
{
    if (b >= ((uint64_t)1 << 30))
        snprintf(buf, len, "%.2f GiB", (double)b / (double)((uint64_t)1 << 30));
    else
        snprintf(buf, len, "%.1f MiB", (double)b / (double)(1 << 20));
}
