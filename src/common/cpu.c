/* CPU feature detection for run-time dispatch (CPUID leaf 7 and XGETBV).
 *
 * A feature counts only when both the CPU reports it and the OS saves its register
 * state (XCR0), as in Intel SDM vol. 1, 14.3 and 15.2. Detection runs once; the
 * allow-mask lets tests force each backend, including the portable one. */
#include "common/cpu.h"

#include <cpuid.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_uint detected_cache = 0; /* bit 31 marks "already detected" */
static atomic_uint allow_mask = ~0u;

static unsigned long long read_xcr0(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static unsigned detect(void)
{
    unsigned a, b, c, d, features = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx)
        return 0;
    unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) /* XMM and YMM state */
        return 0;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    if ((b >> 5) & 1)
        features |= FRUGAL_CPU_AVX2;
    int avx512 = ((b >> 16) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1); /* F, BW, VL */
    if (avx512 && (xcr0 & 0xe0) == 0xe0) /* opmask, ZMM_Hi256, Hi16_ZMM state */
        features |= FRUGAL_CPU_AVX512;
    return features;
}

unsigned frugal_cpu_detected(void)
{
    unsigned v = atomic_load_explicit(&detected_cache, memory_order_acquire);
    if (!(v & 0x80000000u)) {
        v = detect() | 0x80000000u;
        atomic_store_explicit(&detected_cache, v, memory_order_release);
    }
    return v & 0x7fffffffu;
}

unsigned frugal_cpu_features(void)
{
    return frugal_cpu_detected() & atomic_load_explicit(&allow_mask, memory_order_relaxed);
}

void frugal_cpu_allow(unsigned mask)
{
    atomic_store_explicit(&allow_mask, mask, memory_order_relaxed);
}

char *frugal_cpu_names(unsigned features, char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    snprintf(buf, len, "%s%s%s", (features & FRUGAL_CPU_AVX2) ? "avx2" : "",
             (features & FRUGAL_CPU_AVX2) && (features & FRUGAL_CPU_AVX512) ? "," : "",
             (features & FRUGAL_CPU_AVX512) ? "avx512" : "");
    if (!(features & (FRUGAL_CPU_AVX2 | FRUGAL_CPU_AVX512)))
        snprintf(buf, len, "scalar");
    return buf;
}
