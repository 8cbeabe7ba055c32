/* Authentication paths: producing one from a tree (the omitted levels of the leaf's
 * page recomputed from memory), checking one, and their text form (doc/merkle.md):
 *
 *   frugal-merkle-proof 1
 *   height H                 0..FRUGAL_MERKLE_HEIGHT_MAX
 *   leaf I                   < 2^H
 *   block HEX                32 lowercase hex digits: the leaf's 16 bytes
 *   root E0 .. E7            canonical decimal field elements
 *   sibling E0 .. E7         H lines: the sibling at level 0, 1, ..., H-1
 *   end
 *
 * Every line ends with LF (the last one may end the text instead). The parser takes
 * exactly this: one space between fields, no leading zeros, no signs, nothing else. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "merkle/tree.h"

#define MAGIC "frugal-merkle-proof 1"

frugal_status frugal_merkle_prove(frugal_merkle *t, uint64_t leaf, frugal_merkle_proof *proof)
{
    if (!t || !proof)
        return FRUGAL_ERR_ARG;
    if (leaf >> t->H)
        return FRUGAL_ERR_RANGE;
    const unsigned H = t->H, k = t->k;
    memset(proof, 0, sizeof *proof);
    proof->height = H;
    proof->leaf = leaf;
    fr_merkle_read(t, leaf, 1, proof->block);
    uint64_t page = leaf >> k;
    if (k > 0) {
        fr_scratch *scr = &t->scr[0];
        uint32_t *lvp[FRUGAL_MERKLE_HEIGHT_MAX + 1];
        uint64_t off = 0;
        for (unsigned l = 0; l <= k; l++) {
            lvp[l] = scr->levels + FR_D * off;
            off += (uint64_t)1 << (k - l);
        }
        fr_merkle_read(t, page << k, (uint64_t)1 << k, scr->mem);
        fr_merkle_hash_span(t, scr->mem, k, k, lvp);
        if (!fr_dig_eq(lvp[k], fr_merkle_get(t, k, page)))
            return FRUGAL_ERR_STATE;
        for (unsigned l = 0; l < k; l++) {
            uint64_t sib = ((leaf >> l) ^ 1) & (((uint64_t)1 << (k - l)) - 1);
            fr_dig_copy(proof->siblings[l].e, lvp[l] + FR_D * sib);
        }
    }
    for (unsigned l = k; l < H; l++)
        fr_dig_copy(proof->siblings[l].e, fr_merkle_get(t, l, (leaf >> l) ^ 1));
    fr_dig_copy(proof->root.e, fr_merkle_get(t, H, 0));
    return FRUGAL_OK;
}

static int canonical(const frugal_digest *d)
{
    for (int i = 0; i < FR_D; i++)
        if (d->e[i] >= FR_P2_P)
            return 0;
    return 1;
}

frugal_status frugal_merkle_verify(const frugal_merkle_proof *proof)
{
    if (!proof || proof->height > FRUGAL_MERKLE_HEIGHT_MAX || (proof->leaf >> proof->height))
        return FRUGAL_ERR_ARG;
    if (!canonical(&proof->root))
        return FRUGAL_ERR_PROOF;
    uint32_t d[FR_D];
    fr_p2_leaf1(proof->block, d);
    for (unsigned h = 0; h < proof->height; h++) {
        const frugal_digest *s = &proof->siblings[h];
        if (!canonical(s))
            return FRUGAL_ERR_PROOF;
        if ((proof->leaf >> h) & 1)
            fr_p2_compress1(s->e, d, d);
        else
            fr_p2_compress1(d, s->e, d);
    }
    return fr_dig_eq(d, proof->root.e) ? FRUGAL_OK : FRUGAL_ERR_PROOF;
}

/* ---- Text form ------------------------------------------------------------ */

typedef struct outbuf {
    char *p;
    size_t cap, len;
    int full;
} outbuf;

static void put(outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(outbuf *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(o->p + (room ? o->len : 0), room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room)
        o->full = 1;
    o->len += n > 0 ? (size_t)n : 0;
}

static void put_digest(outbuf *o, const char *name, const frugal_digest *d)
{
    put(o, "%s", name);
    for (int i = 0; i < FR_D; i++)
        put(o, " %u", d->e[i]);
    put(o, "\n");
}

frugal_status frugal_merkle_proof_format(const frugal_merkle_proof *proof, char *buf, size_t cap,
                                         size_t *len)
{
    if (len)
        *len = 0;
    if (!proof || !buf || proof->height > FRUGAL_MERKLE_HEIGHT_MAX ||
        (proof->leaf >> proof->height))
        return FRUGAL_ERR_ARG;
    outbuf o = {buf, cap, 0, 0};
    char hex[2 * FRUGAL_BLOCK_BYTES + 1];
    frugal_hex_encode(proof->block, FRUGAL_BLOCK_BYTES, hex);
    put(&o, MAGIC "\nheight %u\nleaf %llu\nblock %s\n", proof->height,
        (unsigned long long)proof->leaf, hex);
    put_digest(&o, "root", &proof->root);
    for (unsigned h = 0; h < proof->height; h++)
        put_digest(&o, "sibling", &proof->siblings[h]);
    put(&o, "end\n");
    if (o.full) {
        if (cap)
            buf[0] = '\0';
        return FRUGAL_ERR_FULL;
    }
    if (len)
        *len = o.len;
    return FRUGAL_OK;
}

typedef struct cursor {
    const char *s;
    size_t len, at;
} cursor;

/* The next line (without its LF). FRUGAL_ERR_TRUNCATED at the end of the text, and
 * for a line cut by the end of the text unless `may_end` (the final "end"). */
static frugal_status next_line_end(cursor *c, const char **line, size_t *n, int may_end)
{
    if (c->at >= c->len)
        return FRUGAL_ERR_TRUNCATED;
    const char *start = c->s + c->at;
    const char *nl = memchr(start, '\n', c->len - c->at);
    *line = start;
    *n = nl ? (size_t)(nl - start) : c->len - c->at;
    c->at += *n + (nl ? 1 : 0);
    return nl || may_end ? FRUGAL_OK : FRUGAL_ERR_TRUNCATED;
}

static frugal_status next_line(cursor *c, const char **line, size_t *n)
{
    return next_line_end(c, line, n, 0);
}

/* A decimal number filling [p, p+n) exactly, <= max, without leading zeros. */
static frugal_status parse_dec(const char *p, size_t n, uint64_t max, uint64_t *v)
{
    if (n == 0 || n > 20 || (n > 1 && p[0] == '0'))
        return FRUGAL_ERR_PARSE;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return FRUGAL_ERR_PARSE;
        uint64_t d = (uint64_t)(p[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return FRUGAL_ERR_PARSE;
        x = x * 10 + d;
    }
    if (x > max)
        return FRUGAL_ERR_PARSE;
    *v = x;
    return FRUGAL_OK;
}

/* "NAME VALUE" with VALUE a decimal <= max. */
static frugal_status keyed_number(cursor *c, const char *name, uint64_t max, uint64_t *v)
{
    const char *line;
    size_t n, kn = strlen(name);
    frugal_status st = next_line(c, &line, &n);
    if (st != FRUGAL_OK)
        return st;
    if (n <= kn + 1 || memcmp(line, name, kn) != 0 || line[kn] != ' ')
        return FRUGAL_ERR_PARSE;
    return parse_dec(line + kn + 1, n - kn - 1, max, v);
}

/* "NAME E0 ... E7" with canonical elements. */
static frugal_status keyed_digest(cursor *c, const char *name, frugal_digest *d)
{
    const char *line;
    size_t n, kn = strlen(name);
    frugal_status st = next_line(c, &line, &n);
    if (st != FRUGAL_OK)
        return st;
    if (n <= kn + 1 || memcmp(line, name, kn) != 0)
        return FRUGAL_ERR_PARSE;
    size_t at = kn;
    for (int i = 0; i < FR_D; i++) {
        if (at >= n || line[at] != ' ')
            return FRUGAL_ERR_PARSE;
        size_t end = ++at;
        while (end < n && line[end] != ' ')
            end++;
        uint64_t v;
        if (parse_dec(line + at, end - at, FR_P2_P - 1, &v) != FRUGAL_OK)
            return FRUGAL_ERR_PARSE;
        d->e[i] = (uint32_t)v;
        at = end;
    }
    return at == n ? FRUGAL_OK : FRUGAL_ERR_PARSE;
}

static frugal_status exact_line(cursor *c, const char *want, int may_end)
{
    const char *line;
    size_t n;
    frugal_status st = next_line_end(c, &line, &n, may_end);
    if (st != FRUGAL_OK)
        return st;
    return n == strlen(want) && memcmp(line, want, n) == 0 ? FRUGAL_OK : FRUGAL_ERR_PARSE;
}

static frugal_status parse_block(cursor *c, uint8_t block[FRUGAL_BLOCK_BYTES])
{
    const char *line;
    size_t n, got;
    frugal_status st = next_line(c, &line, &n);
    if (st != FRUGAL_OK)
        return st;
    if (n != 6 + 2 * FRUGAL_BLOCK_BYTES || memcmp(line, "block ", 6) != 0)
        return FRUGAL_ERR_PARSE;
    for (size_t i = 6; i < n; i++)
        if (line[i] >= 'A' && line[i] <= 'F')
            return FRUGAL_ERR_PARSE; /* lowercase only: one text per proof */
    if (frugal_hex_decode(line + 6, n - 6, block, FRUGAL_BLOCK_BYTES, &got) != FRUGAL_OK)
        return FRUGAL_ERR_PARSE;
    return FRUGAL_OK;
}

frugal_status frugal_merkle_proof_parse(const char *text, size_t len, frugal_merkle_proof *proof,
                                        size_t *used)
{
    if (used)
        *used = 0;
    if (!proof || (!text && len))
        return FRUGAL_ERR_ARG;
    memset(proof, 0, sizeof *proof);
    cursor c = {text, len, 0};
    uint64_t v;
    frugal_status st = exact_line(&c, MAGIC, 0);
    if (st == FRUGAL_OK)
        st = keyed_number(&c, "height", FRUGAL_MERKLE_HEIGHT_MAX, &v);
    if (st != FRUGAL_OK)
        return st;
    proof->height = (unsigned)v;
    st = keyed_number(&c, "leaf", ((uint64_t)1 << proof->height) - 1, &v);
    if (st != FRUGAL_OK)
        return st;
    proof->leaf = v;
    st = parse_block(&c, proof->block);
    if (st == FRUGAL_OK)
        st = keyed_digest(&c, "root", &proof->root);
    for (unsigned h = 0; st == FRUGAL_OK && h < proof->height; h++)
        st = keyed_digest(&c, "sibling", &proof->siblings[h]);
    if (st == FRUGAL_OK)
        st = exact_line(&c, "end", 1);
    if (st == FRUGAL_OK && used)
        *used = c.at;
    return st;
}
