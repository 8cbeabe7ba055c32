/* Tracked allocations with an optional hard limit.
 *
 * Every large buffer of a solver or tree comes from an fr_mem: it counts the bytes
 * in use and their high-water mark, and refuses an allocation that would pass the
 * limit (instead of letting the process grow). Large blocks are mmap'd so that the
 * pages are returned to the OS on free and untouched pages cost no RSS; from 2 MiB
 * they are marked for transparent huge pages (MADV_HUGEPAGE), so RSS then grows in
 * steps of up to 2 MiB per touched region. */
#ifndef FRUGAL_COMMON_MEM_H
#define FRUGAL_COMMON_MEM_H
#include <stddef.h>
#include <stdint.h>

typedef struct fr_mem {
    uint64_t limit;      /* 0 = no limit */
    uint64_t in_use;     /* bytes currently allocated through this tracker */
    uint64_t high_water; /* largest in_use seen */
} fr_mem;

/* Initialises a tracker with a limit in bytes (0 = none). */
void fr_mem_init(fr_mem *m, uint64_t limit);

/* Returns `bytes` of zeroed memory (page-aligned when >= 64 KiB), or NULL when the
 * limit would be passed or the OS refuses. Not thread-safe: allocate from the
 * thread that owns the tracker. */
void *fr_mem_alloc(fr_mem *m, size_t bytes);

/* Frees a block from fr_mem_alloc; `bytes` must be the size it was asked with. */
void fr_mem_free(fr_mem *m, void *p, size_t bytes);

/* Gives the pages of [p, p+bytes) back to the OS and makes them read as zero,
 * keeping the mapping (for blocks from fr_mem_alloc of >= 64 KiB). */
void fr_mem_release(void *p, size_t bytes);
#endif
