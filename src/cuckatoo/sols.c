/* Storage of found cycles. */
#include "cuckatoo/sols.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_cycle(const void *a, const void *b, void *len)
{
    const uint32_t *x = a, *y = b;
    for (unsigned i = 0; i < *(const unsigned *)len; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

void fr_sols_reset(fr_sols *s, unsigned len)
{
    s->len = len;
    s->count = 0;
}

frugal_status fr_sols_add(fr_sols *s, const uint32_t *cycle)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4;
        uint32_t *p = realloc(s->edges, cap * s->len * sizeof *p);
        if (!p)
            return FRUGAL_ERR_NOMEM;
        s->edges = p;
        s->cap = cap;
    }
    uint32_t *dst = s->edges + s->count * s->len;
    memcpy(dst, cycle, s->len * sizeof *dst);
    qsort(dst, s->len, sizeof *dst, cmp_u32);
    s->count++;
    return FRUGAL_OK;
}

void fr_sols_sort(fr_sols *s)
{
    if (s->count > 1)
        qsort_r(s->edges, s->count, s->len * sizeof *s->edges, cmp_cycle, &s->len);
}

void fr_sols_free(fr_sols *s)
{
    free(s->edges);
    s->edges = NULL;
    s->count = s->cap = 0;
}
