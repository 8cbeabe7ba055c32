/* Parsing of proof input (see proofs.h). Integers never pass through a double:
 * JSON numbers are read with json-c's 64-bit integer accessors. */
#include "proofs.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frugal/common.h"
#include "frugal/cuckatoo.h"

#define MAX_EDGES 4096 /* far above any cycle length; bounds memory on bad input */

static int push(proof_list *l, proof p)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        proof *q = realloc(l->items, cap * sizeof *q);
        if (!q)
            return -1;
        l->items = q;
        l->cap = cap;
    }
    l->items[l->count++] = p;
    return 0;
}

void proofs_free(proof_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].edges);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

int proofs_add_hex(proof_list *out, const char *text, uint64_t nonce, unsigned edgebits,
                   size_t line, char *err, size_t errlen)
{
    proof p = {nonce, edgebits, 0, malloc(64 * sizeof(uint64_t)), line};
    size_t cap = 64;
    if (!p.edges)
        goto oom;
    for (const char *s = text;;) {
        while (is_space(*s))
            s++;
        if (!*s)
            break;
        size_t len = 0;
        while (s[len] && !is_space(s[len]))
            len++;
        char buf[24];
        uint64_t v;
        const char *digits = s;
        size_t dlen = len;
        if (dlen > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
            digits += 2;
            dlen -= 2;
        }
        if (dlen == 0 || dlen > 16 || (snprintf(buf, sizeof buf, "0x%.*s", (int)dlen, digits),
                                       frugal_parse_u64(buf, UINT64_MAX, &v) != FRUGAL_OK)) {
            snprintf(err, errlen, "'%.*s' is not a hex edge index", (int)(len > 40 ? 40 : len), s);
            free(p.edges);
            return -1;
        }
        if (p.n == MAX_EDGES) {
            snprintf(err, errlen, "more than %d edges in one proof", MAX_EDGES);
            free(p.edges);
            return -1;
        }
        if (p.n == cap) {
            uint64_t *q = realloc(p.edges, 2 * cap * sizeof *q);
            if (!q)
                goto oom;
            p.edges = q;
            cap *= 2;
        }
        p.edges[p.n++] = v;
        s += len;
    }
    if (push(out, p) == 0)
        return 0;
oom:
    free(p.edges);
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* A JSON integer >= 0 that fits u64. */
static int json_u64(json_object *o, uint64_t *v)
{
    if (!o || !json_object_is_type(o, json_type_int) || json_object_get_int64(o) < 0)
        return -1;
    *v = json_object_get_uint64(o);
    return 0;
}

static int parse_json(proof_list *out, const char *line, size_t len, size_t lineno,
                      unsigned def_eb, char *err, size_t errlen)
{
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *obj = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int rc = -1;
    json_object *jn, *jeb, *jsols;
    uint64_t nonce, eb = def_eb;
    if (!obj || jerr != json_tokener_success || end != len) {
        snprintf(err, errlen, "line %zu: broken JSON (%s)", lineno,
                 jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                                              : "trailing characters");
        goto done;
    }
    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, "nonce", &jn) || json_u64(jn, &nonce)) {
        snprintf(err, errlen, "line %zu: needs a non-negative integer \"nonce\"", lineno);
        goto done;
    }
    if (json_object_object_get_ex(obj, "edgebits", &jeb) &&
        (json_u64(jeb, &eb) || eb < 1 || eb > FRUGAL_VERIFY_EDGEBITS_MAX)) {
        snprintf(err, errlen, "line %zu: \"edgebits\" must be an integer 1..%d", lineno,
                 FRUGAL_VERIFY_EDGEBITS_MAX);
        goto done;
    }
    if (!json_object_object_get_ex(obj, "solutions", &jsols) ||
        !json_object_is_type(jsols, json_type_array)) {
        snprintf(err, errlen, "line %zu: needs a \"solutions\" array", lineno);
        goto done;
    }
    for (size_t i = 0; i < json_object_array_length(jsols); i++) {
        json_object *sol = json_object_array_get_idx(jsols, i);
        size_t n = json_object_is_type(sol, json_type_array) ? json_object_array_length(sol) : 0;
        if (!json_object_is_type(sol, json_type_array) || n > MAX_EDGES) {
            snprintf(err, errlen, "line %zu: solution %zu is not an array of at most %d edges",
                     lineno, i, MAX_EDGES);
            goto done;
        }
        proof p = {nonce, (unsigned)eb, n, malloc((n ? n : 1) * sizeof(uint64_t)), lineno};
        if (!p.edges || push(out, p)) {
            free(p.edges);
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < n; k++) {
            if (json_u64(json_object_array_get_idx(sol, k), &p.edges[k])) {
                snprintf(err, errlen, "line %zu: solution %zu holds a non-integer edge", lineno, i);
                goto done;
            }
        }
    }
    rc = 0;
done:
    json_object_put(obj);
    return rc;
}

int proofs_parse_line(proof_list *out, const char *line, size_t len, size_t lineno,
                      unsigned def_eb, char *err, size_t errlen)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || is_space(line[len - 1])))
        len--;
    while (len && is_space(*line)) {
        line++;
        len--;
    }
    if (len == 0 || line[0] == '#')
        return 0;
    if (memchr(line, '\0', len)) {
        snprintf(err, errlen, "line %zu: contains a NUL byte", lineno);
        return -1;
    }
    if (line[0] == '{')
        return parse_json(out, line, len, lineno, def_eb, err, errlen);
    if (len > 9 && strncmp(line, "Solution ", 9) == 0) {
        char *copy = strndup(line + 9, len - 9);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        char *s = copy;
        while (is_space(*s))
            s++;
        char *end = s;
        while (*end && !is_space(*end))
            end++;
        char saved = *end;
        *end = '\0';
        uint64_t nonce;
        int rc = -1;
        if (frugal_parse_u64(s, UINT64_MAX, &nonce) != FRUGAL_OK) {
            snprintf(err, errlen, "line %zu: 'Solution' must be followed by a decimal nonce",
                     lineno);
        } else {
            *end = saved;
            char sub[200];
            rc = proofs_add_hex(out, end, nonce, def_eb, lineno, sub, sizeof sub);
            if (rc)
                snprintf(err, errlen, "line %zu: %s", lineno, sub);
        }
        free(copy);
        return rc;
    }
    snprintf(err, errlen, "line %zu: expected a 'Solution' line or a JSON object", lineno);
    return -1;
}

int proofs_parse_text(proof_list *out, const char *text, size_t len, unsigned def_eb, char *err,
                      size_t errlen)
{
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (proofs_parse_line(out, text + pos, end - pos, ++lineno, def_eb, err, errlen))
            return -1;
        pos = end + 1;
    }
    return 0;
}
