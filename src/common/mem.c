/* Tracked allocation: mmap for large blocks (huge pages asked for from 2 MiB),
 * calloc for small ones. */
#include "common/mem.h"

#include <stdlib.h>
#include <sys/mman.h>

#define FR_MMAP_MIN ((size_t)64 << 10)
#define FR_HUGE_MIN ((size_t)2 << 20)

void fr_mem_init(fr_mem *m, uint64_t limit)
{
    m->limit = limit;
    m->in_use = 0;
    m->high_water = 0;
}

void *fr_mem_alloc(fr_mem *m, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (m->limit && m->in_use + bytes > m->limit)
        return NULL;
    void *p;
    if (bytes >= FR_MMAP_MIN) {
        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
#ifdef MADV_HUGEPAGE
        /* Solver buffers are hit at random (bucket bitmaps, the live-edge bitmap) or
         * filled once from start to end (block pools): 2 MiB pages save TLB misses
         * and most page faults, about 10% of a C29-C31 solve on the development VM.
         * Only a hint: where transparent huge pages are off nothing changes. */
        if (bytes >= FR_HUGE_MIN)
            (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    } else {
        p = calloc(1, bytes);
        if (!p)
            return NULL;
    }
    m->in_use += bytes;
    if (m->in_use > m->high_water)
        m->high_water = m->in_use;
    return p;
}

void fr_mem_free(fr_mem *m, void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes == 0)
        bytes = 1;
    if (bytes >= FR_MMAP_MIN)
        munmap(p, bytes);
    else
        free(p);
    m->in_use -= bytes;
}

void fr_mem_release(void *p, size_t bytes)
{
    if (p && bytes >= FR_MMAP_MIN)
        madvise(p, bytes, MADV_DONTNEED);
}
