/* A growable list of found cycles, each cycle_len ascending edge indices. */
#ifndef FRUGAL_CUCKATOO_SOLS_H
#define FRUGAL_CUCKATOO_SOLS_H
#include <stddef.h>
#include <stdint.h>

#include "frugal/common.h"

typedef struct fr_sols {
    unsigned len;    /* edges per cycle */
    size_t count;
    size_t cap;
    uint32_t *edges; /* count * len */
} fr_sols;

/* Empties the list and sets the cycle length (keeps the storage). */
void fr_sols_reset(fr_sols *s, unsigned len);

/* Appends a copy of cycle (len edges), sorting it ascending. FRUGAL_ERR_NOMEM. */
frugal_status fr_sols_add(fr_sols *s, const uint32_t *cycle);

/* Sorts the cycles lexicographically (the order the API promises). */
void fr_sols_sort(fr_sols *s);

/* Frees the storage. */
void fr_sols_free(fr_sols *s);
#endif
