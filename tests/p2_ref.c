/* Plain reference Poseidon2 (see p2_ref.h). */
#include "p2_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FRUGAL_VECTORS_DIR
#define FRUGAL_VECTORS_DIR "../shared/vectors"
#endif

static void need(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "p2_ref: %s\n", what);
        exit(1);
    }
}

#define PR 2013265921u

static uint32_t rc_init[4][16], rc_final[4][16], rc_int[13], diag[16];
static int loaded;

static uint32_t mulm(uint32_t a, uint32_t b) { return (uint32_t)((uint64_t)a * b % PR); }
static uint32_t addm(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a + b) % PR); }

static uint32_t pow7(uint32_t x)
{
    uint32_t r = 1;
    for (int i = 0; i < 7; i++)
        r = mulm(r, x);
    return r;
}

static void read_row(char *rest, uint32_t *out, int n, const char *what)
{
    for (int i = 0; i < n; i++) {
        char *end;
        unsigned long v = strtoul(rest, &end, 10);
        need(end != rest && v < PR, what);
        out[i] = (uint32_t)v;
        rest = end;
    }
}

void p2_ref_load(void)
{
    if (loaded)
        return;
    FILE *f = fopen(FRUGAL_VECTORS_DIR "/poseidon2/babybear16.txt", "r");
    need(f != NULL, "cannot open " FRUGAL_VECTORS_DIR "/poseidon2/babybear16.txt");
    char line[4096];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        int r;
        if (!strncmp(p, "RC_INIT ", 8)) {
            r = atoi(p + 8);
            need(r >= 0 && r < 4, "bad round number");
            read_row(strchr(p + 8, ' '), rc_init[r], 16, "RC_INIT");
            seen |= 1 << r;
        } else if (!strncmp(p, "RC_FINAL ", 9)) {
            r = atoi(p + 9);
            need(r >= 0 && r < 4, "bad round number");
            read_row(strchr(p + 9, ' '), rc_final[r], 16, "RC_FINAL");
            seen |= 16 << r;
        } else if (!strncmp(p, "RC_INT ", 7)) {
            read_row(p + 7, rc_int, 13, "RC_INT");
            seen |= 256;
        } else if (!strncmp(p, "DIAG ", 5)) {
            read_row(p + 5, diag, 16, "DIAG");
            seen |= 512;
        }
    }
    fclose(f);
    need(seen == 1023, "babybear16.txt lacks a table");
    loaded = 1;
}

static void external(uint32_t s[16])
{
    static const uint32_t m4[4][4] = {{2, 3, 1, 1}, {1, 2, 3, 1}, {1, 1, 2, 3}, {3, 1, 1, 2}};
    uint32_t t[16];
    for (int c = 0; c < 4; c++)
        for (int i = 0; i < 4; i++) {
            uint32_t acc = 0;
            for (int j = 0; j < 4; j++)
                acc = addm(acc, mulm(m4[i][j], s[4 * c + j]));
            t[4 * c + i] = acc;
        }
    for (int i = 0; i < 16; i++) {
        uint32_t col = 0;
        for (int c = 0; c < 4; c++)
            col = addm(col, t[4 * c + i % 4]);
        s[i] = addm(t[i], col);
    }
}

static void internal(uint32_t s[16])
{
    uint32_t sum = 0;
    for (int i = 0; i < 16; i++)
        sum = addm(sum, s[i]);
    for (int i = 0; i < 16; i++)
        s[i] = addm(sum, mulm(diag[i], s[i]));
}

static void full(uint32_t s[16], const uint32_t rc[16])
{
    for (int i = 0; i < 16; i++)
        s[i] = pow7(addm(s[i], rc[i]));
    external(s);
}

void p2_ref_permute(uint32_t s[16])
{
    p2_ref_load();
    external(s);
    for (int r = 0; r < 4; r++)
        full(s, rc_init[r]);
    for (int r = 0; r < 13; r++) {
        s[0] = pow7(addm(s[0], rc_int[r]));
        internal(s);
    }
    for (int r = 0; r < 4; r++)
        full(s, rc_final[r]);
}

void p2_ref_leaf(const uint8_t block[16], uint32_t out[8])
{
    uint32_t s[16] = {0};
    for (int i = 0; i < 8; i++)
        s[i] = (uint32_t)block[2 * i] | (uint32_t)block[2 * i + 1] << 8;
    p2_ref_permute(s);
    memcpy(out, s, 8 * sizeof *out);
}

void p2_ref_compress(const uint32_t l[8], const uint32_t r[8], uint32_t out[8])
{
    uint32_t s[16];
    memcpy(s, l, 8 * sizeof *s);
    memcpy(s + 8, r, 8 * sizeof *s);
    p2_ref_permute(s);
    memcpy(out, s, 8 * sizeof *out);
}
