/* SipHash throughput per backend: endpoints per second on one core, as a JSON line
 * per backend. Usage: bench_siphash [MILLIONS] */
#include <stdio.h>
#include <stdlib.h>

#include "common/time.h"
#include "frugal/common.h"
#include "hash/siphash.h"

int main(int argc, char **argv)
{
    size_t total = (size_t)(argc > 1 ? atof(argv[1]) : 64) * 1000000;
    enum { CHUNK = 4096 };
    static uint32_t in[CHUNK], out[CHUNK];
    frugal_sipkeys k = {{0x0123456789abcdefull, 2, 3, 4}};
    for (int i = 0; i < CHUNK; i++)
        in[i] = (uint32_t)i * 2654435761u;
    const fr_sip_backend *bs[] = {&fr_sip_scalar, &fr_sip_avx2, &fr_sip_avx512};
    unsigned need[] = {0, FRUGAL_CPU_AVX2, FRUGAL_CPU_AVX512};
    for (int b = 0; b < 3; b++) {
        if ((frugal_cpu_detected() & need[b]) != need[b])
            continue;
        for (int mode = 0; mode < 2; mode++) {
            uint32_t sink = 0;
            double t0 = fr_now();
            for (size_t done = 0; done < total; done += CHUNK) {
                if (mode == 0)
                    bs[b]->nodes(&k, in, CHUNK, 1, 0x7fffffff, out);
                else
                    bs[b]->seq(&k, (uint32_t)done, CHUNK, 1, 0x7fffffff, out);
                sink ^= out[done % CHUNK];
            }
            double s = fr_now() - t0;
            printf("{\"bench\":\"siphash\",\"backend\":\"%s\",\"mode\":\"%s\",\"hashes\":%zu,"
                   "\"seconds\":%.3f,\"mhash_per_s_per_core\":%.1f,\"sink\":%u}\n",
                   bs[b]->name, mode ? "seq" : "gather", total, s, (double)total / s / 1e6, sink);
        }
    }
    return 0;
}
