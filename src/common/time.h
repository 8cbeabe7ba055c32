/* Monotonic wall-clock time in seconds, for figures and progress reports. */
#ifndef FRUGAL_COMMON_TIME_H
#define FRUGAL_COMMON_TIME_H
#include <time.h>

static inline double fr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
#endif
