/* Resident-set figures read from /proc/self/status, the kernel's own accounting,
 * so every memory figure frugal reports is measured rather than estimated. */
#include "frugal/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Returns the value of a "Name:   1234 kB" line in bytes, or 0. */
static uint64_t status_field(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    size_t n = strlen(name);
    uint64_t kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            unsigned long long v = 0;
            if (sscanf(line + n + 1, "%llu", &v) == 1)
                kb = v;
            break;
        }
    }
    fclose(f);
    return kb * 1024;
}

uint64_t frugal_peak_rss_bytes(void) { return status_field("VmHWM"); }

uint64_t frugal_rss_bytes(void) { return status_field("VmRSS"); }

frugal_status frugal_peak_rss_reset(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return FRUGAL_ERR_UNSUPPORTED;
    ssize_t w = write(fd, "5", 1);
    close(fd);
    return w == 1 ? FRUGAL_OK : FRUGAL_ERR_UNSUPPORTED;
}
