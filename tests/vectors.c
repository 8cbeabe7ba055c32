#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

size_t read_cuckatoo_vectors(const char *relpath, cuckatoo_vector **out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FRUGAL_VECTORS_DIR, relpath);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open vector file %s\n", path);
        exit(1);
    }
    size_t count = 0, cap = 64;
    cuckatoo_vector *v = calloc(cap, sizeof *v);
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) != -1) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (count == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
        }
        cuckatoo_vector *c = &v[count];
        memset(c, 0, sizeof *c);
        char *save, *tok = strtok_r(line, " \t\n", &save);
        c->edgebits = (unsigned)strtoul(tok, NULL, 10);
        c->nonce = strtoull(strtok_r(NULL, " \t\n", &save), NULL, 10);
        for (int i = 0; i < 4; i++)
            c->keys.k[i] = strtoull(strtok_r(NULL, " \t\n", &save), NULL, 16);
        c->nsols = (unsigned)strtoul(strtok_r(NULL, " \t\n", &save), NULL, 10);
        REQUIRE(c->nsols <= VEC_MAX_SOLS);
        for (unsigned s = 0; s < c->nsols; s++) {
            for (int k = 0; k < 42; k++) {
                tok = strtok_r(NULL, " \t\n", &save);
                if (tok && strcmp(tok, "|") == 0)
                    tok = strtok_r(NULL, " \t\n", &save);
                REQUIRE(tok != NULL);
                c->sols[s][k] = strtoull(tok, NULL, 16);
            }
        }
        count++;
    }
    free(line);
    fclose(f);
    REQUIRE(count > 0);
    *out = v;
    return count;
}

void vector_keys_from_zero_header(size_t header_len, uint64_t nonce, frugal_sipkeys *keys)
{
    uint8_t h[256] = {0};
    REQUIRE(header_len <= sizeof h);
    frugal_header_put_nonce32(h, header_len, (uint32_t)nonce);
    REQUIRE(frugal_cuckatoo_keys(h, header_len, keys) == FRUGAL_OK);
}
