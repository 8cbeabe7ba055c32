/* Grin stratum protocol layer: framing, parsing, writing. See proto.h for the
 * approach and frugal/stratum.h for the contract. */
#include "stratum/proto.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frugal/stratum.h"

/* ---- Framing ------------------------------------------------------------- */

struct frugal_stratum_framer {
    char *buf;    /* max + 1 bytes: the line being assembled, then its NUL */
    size_t len;   /* bytes of the pending line */
    size_t max;
    int skipping; /* an overlong line is being skipped up to its '\n' */
};

frugal_status frugal_stratum_framer_create(size_t max_line, frugal_stratum_framer **framer)
{
    if (!framer)
        return FRUGAL_ERR_ARG;
    *framer = NULL;
    if (max_line == 0)
        max_line = FRUGAL_STRATUM_LINE_MAX;
    if (max_line > ((size_t)1 << 30))
        return FRUGAL_ERR_ARG;
    frugal_stratum_framer *f = calloc(1, sizeof *f);
    if (!f)
        return FRUGAL_ERR_NOMEM;
    f->buf = malloc(max_line + 1);
    if (!f->buf) {
        free(f);
        return FRUGAL_ERR_NOMEM;
    }
    f->max = max_line;
    *framer = f;
    return FRUGAL_OK;
}

frugal_status frugal_stratum_framer_feed(frugal_stratum_framer *f, const char *data, size_t len,
                                         size_t *consumed, const char **line, size_t *line_len)
{
    if (consumed)
        *consumed = 0;
    if (line)
        *line = NULL;
    if (line_len)
        *line_len = 0;
    if (!f || (!data && len) || !consumed || !line || !line_len)
        return FRUGAL_ERR_ARG;
    const char *nl = len ? memchr(data, '\n', len) : NULL;
    size_t take = nl ? (size_t)(nl - data) + 1 : len;
    size_t body = nl ? take - 1 : take;
    *consumed = take;
    if (f->skipping) {
        if (nl)
            f->skipping = 0;
        return FRUGAL_OK;
    }
    if (body > f->max - f->len) {
        /* Too long: forget it and skip to its end, reporting it once. */
        f->len = 0;
        f->skipping = nl == NULL;
        return FRUGAL_ERR_FULL;
    }
    memcpy(f->buf + f->len, data, body);
    f->len += body;
    if (!nl)
        return FRUGAL_OK;
    size_t n = f->len;
    if (n && f->buf[n - 1] == '\r')
        n--;
    f->buf[n] = '\0';
    f->len = 0;
    *line = f->buf;
    *line_len = n;
    return FRUGAL_OK;
}

frugal_status frugal_stratum_framer_finish(frugal_stratum_framer *f)
{
    if (!f)
        return FRUGAL_ERR_ARG;
    int partial = f->len > 0;
    f->len = 0;
    f->skipping = 0;
    return partial ? FRUGAL_ERR_TRUNCATED : FRUGAL_OK;
}

void frugal_stratum_framer_destroy(frugal_stratum_framer *f)
{
    if (!f)
        return;
    free(f->buf);
    free(f);
}

/* ---- Pre-scan ------------------------------------------------------------ */

/* Whether the decimal digits d[0..n) (no sign) exceed limit (a digit string). */
static int digits_exceed(const char *d, size_t n, const char *limit)
{
    while (n > 1 && d[0] == '0') {
        d++;
        n--;
    }
    size_t ln = strlen(limit);
    if (n != ln)
        return n > ln;
    return memcmp(d, limit, n) > 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

void fr_stratum_prescan(const char *s, size_t len, int *has_nul, int *overflow)
{
    int in_str = 0, esc = 0;
    *has_nul = 0;
    *overflow = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\0')
            *has_nul = 1;
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
            continue;
        }
        if (c != '-' && !is_digit(c))
            continue;
        int neg = c == '-';
        size_t start = i + (size_t)neg, end = start;
        while (end < len && is_digit(s[end]))
            end++;
        size_t tail = end;
        while (tail < len && (is_digit(s[tail]) || s[tail] == '.' || s[tail] == 'e' ||
                              s[tail] == 'E' || s[tail] == '+' || s[tail] == '-'))
            tail++;
        int is_float = tail > end;
        if (!is_float && end > start &&
            digits_exceed(s + start, end - start,
                          neg ? "9223372036854775808" : "18446744073709551615"))
            *overflow = 1;
        i = tail - 1; /* tail > i: the token holds at least c */
    }
}

/* ---- Parsing ------------------------------------------------------------- */

static const char *const method_names[] = {NULL,  "login",  "getjobtemplate", "job",
                                           "submit", "keepalive", "status"};

const char *frugal_stratum_method_name(frugal_stratum_method m)
{
    return (unsigned)m < sizeof method_names / sizeof *method_names ? method_names[m] : NULL;
}

static frugal_stratum_method method_of(const char *name)
{
    for (unsigned i = 1; i < sizeof method_names / sizeof *method_names; i++)
        if (strcmp(name, method_names[i]) == 0)
            return (frugal_stratum_method)i;
    return FRUGAL_STRATUM_UNKNOWN;
}

typedef struct parse_ctx {
    int overflow; /* the line holds an integer literal beyond 64 bits */
    char *err;
    size_t errlen;
    const char *what; /* "job", "submit", ...: prefix of messages */
} parse_ctx;

static frugal_status fail(parse_ctx *p, frugal_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static frugal_status fail(parse_ctx *p, frugal_status st, const char *fmt, ...)
{
    if (p->err && p->errlen) {
        int n = 0;
        if (p->what)
            n = snprintf(p->err, p->errlen, "%s: ", p->what);
        if (n < 0 || (size_t)n >= p->errlen)
            n = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* The member key of obj, or NULL when absent or JSON null. */
static json_object *member(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

static frugal_status get_u64(parse_ctx *p, json_object *obj, const char *key, uint64_t max,
                             uint64_t *out)
{
    json_object *v = member(obj, key);
    if (!v)
        return fail(p, FRUGAL_ERR_PROTOCOL, "missing %s", key);
    if (!json_object_is_type(v, json_type_int))
        return fail(p, FRUGAL_ERR_PROTOCOL, "%s is not an unsigned 64-bit integer", key);
    if (json_object_get_int64(v) < 0)
        return fail(p, FRUGAL_ERR_PROTOCOL, "%s is negative", key);
    uint64_t u = json_object_get_uint64(v);
    if (u == UINT64_MAX && p->overflow)
        return fail(p, FRUGAL_ERR_PROTOCOL, "%s is out of the 64-bit range", key);
    if (u > max)
        return fail(p, FRUGAL_ERR_PROTOCOL, "%s is out of range (at most %llu)", key,
                    (unsigned long long)max);
    *out = u;
    return FRUGAL_OK;
}

/* Copies a string member into out (cap bytes). Absent is an error unless optional. */
static frugal_status get_str(parse_ctx *p, json_object *obj, const char *key, char *out,
                             size_t cap)
{
    json_object *v = member(obj, key);
    if (!v || !json_object_is_type(v, json_type_string))
        return fail(p, FRUGAL_ERR_PROTOCOL, v ? "%s is not a string" : "missing %s", key);
    size_t n = (size_t)json_object_get_string_len(v);
    const char *s = json_object_get_string(v);
    if (n >= cap)
        return fail(p, FRUGAL_ERR_PROTOCOL, "%s is longer than %zu bytes", key, cap - 1);
    if (memchr(s, '\0', n))
        return fail(p, FRUGAL_ERR_PROTOCOL, "%s holds a NUL character", key);
    memcpy(out, s, n);
    out[n] = '\0';
    return FRUGAL_OK;
}

static frugal_status need_object(parse_ctx *p, json_object *v, const char *name)
{
    if (!v || !json_object_is_type(v, json_type_object))
        return fail(p, FRUGAL_ERR_PROTOCOL, v ? "%s is not an object" : "missing %s", name);
    return FRUGAL_OK;
}

static frugal_status parse_job(parse_ctx *p, json_object *o, frugal_stratum_job *job)
{
    frugal_status st;
    if ((st = get_u64(p, o, "height", UINT64_MAX, &job->height)) ||
        (st = get_u64(p, o, "job_id", UINT64_MAX, &job->job_id)) ||
        (st = get_u64(p, o, "difficulty", UINT64_MAX, &job->difficulty)))
        return st;
    json_object *v = member(o, "pre_pow");
    if (!v || !json_object_is_type(v, json_type_string))
        return fail(p, FRUGAL_ERR_PROTOCOL, v ? "pre_pow is not a string" : "missing pre_pow");
    size_t n = (size_t)json_object_get_string_len(v);
    if (n == 0)
        return fail(p, FRUGAL_ERR_PROTOCOL, "pre_pow is empty");
    st = frugal_hex_decode(json_object_get_string(v), n, job->pre_pow, sizeof job->pre_pow,
                           &job->pre_pow_len);
    if (st == FRUGAL_ERR_FULL)
        return fail(p, FRUGAL_ERR_PROTOCOL, "pre_pow is longer than %d bytes",
                    FRUGAL_STRATUM_PRE_POW_MAX);
    if (st != FRUGAL_OK)
        return fail(p, FRUGAL_ERR_PROTOCOL, "pre_pow is not hex (an even number of hex digits)");
    return FRUGAL_OK;
}

static frugal_status parse_submit(parse_ctx *p, json_object *o, frugal_stratum_submit *s)
{
    frugal_status st;
    uint64_t eb;
    if ((st = get_u64(p, o, "height", UINT64_MAX, &s->height)) ||
        (st = get_u64(p, o, "job_id", UINT64_MAX, &s->job_id)) ||
        (st = get_u64(p, o, "nonce", UINT64_MAX, &s->nonce)) ||
        (st = get_u64(p, o, "edge_bits", UINT32_MAX, &eb)))
        return st;
    s->edge_bits = (unsigned)eb;
    json_object *pow = member(o, "pow");
    if (!pow || !json_object_is_type(pow, json_type_array))
        return fail(p, FRUGAL_ERR_PROTOCOL, pow ? "pow is not an array" : "missing pow");
    size_t n = json_object_array_length(pow);
    if (n > FRUGAL_STRATUM_POW_MAX)
        return fail(p, FRUGAL_ERR_PROTOCOL, "pow has %zu entries (at most %d)", n,
                    FRUGAL_STRATUM_POW_MAX);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(pow, i);
        if (!e || !json_object_is_type(e, json_type_int) || json_object_get_int64(e) < 0)
            return fail(p, FRUGAL_ERR_PROTOCOL, "pow[%zu] is not an unsigned 64-bit integer", i);
        s->pow[i] = json_object_get_uint64(e);
        if (s->pow[i] == UINT64_MAX && p->overflow)
            return fail(p, FRUGAL_ERR_PROTOCOL, "pow[%zu] is out of the 64-bit range", i);
    }
    s->pow_len = n;
    return FRUGAL_OK;
}

static frugal_status parse_login(parse_ctx *p, json_object *o, frugal_stratum_login *l)
{
    frugal_status st;
    if ((st = get_str(p, o, "login", l->login, sizeof l->login)) ||
        (st = get_str(p, o, "pass", l->pass, sizeof l->pass)) ||
        (st = get_str(p, o, "agent", l->agent, sizeof l->agent)))
        return st;
    return FRUGAL_OK;
}

static frugal_status parse_status(parse_ctx *p, json_object *o, frugal_stratum_worker_status *w)
{
    frugal_status st;
    if ((st = get_str(p, o, "id", w->id, sizeof w->id)) ||
        (st = get_u64(p, o, "height", UINT64_MAX, &w->height)) ||
        (st = get_u64(p, o, "difficulty", UINT64_MAX, &w->difficulty)) ||
        (st = get_u64(p, o, "accepted", UINT64_MAX, &w->accepted)) ||
        (st = get_u64(p, o, "rejected", UINT64_MAX, &w->rejected)) ||
        (st = get_u64(p, o, "stale", UINT64_MAX, &w->stale)))
        return st;
    return FRUGAL_OK;
}

/* The envelope: id, jsonrpc, method. Failures here are FRUGAL_ERR_PARSE. */
static frugal_status parse_envelope(parse_ctx *p, json_object *root, frugal_stratum_msg *m)
{
    json_object *id = member(root, "id");
    if (id && json_object_is_type(id, json_type_string)) {
        size_t n = (size_t)json_object_get_string_len(id);
        if (n >= sizeof m->id || memchr(json_object_get_string(id), '\0', n))
            return fail(p, FRUGAL_ERR_PARSE, "id is longer than %zu bytes or holds a NUL",
                        sizeof m->id - 1);
        memcpy(m->id, json_object_get_string(id), n + 1);
        m->id_is_string = 1;
    } else if (id && json_object_is_type(id, json_type_int) && json_object_get_int64(id) >= 0 &&
               !(p->overflow && json_object_get_uint64(id) == UINT64_MAX)) {
        snprintf(m->id, sizeof m->id, "%llu", (unsigned long long)json_object_get_uint64(id));
    } else {
        return fail(p, FRUGAL_ERR_PARSE, id ? "id is neither a string nor an unsigned integer"
                                            : "missing id");
    }
    json_object *rpc = member(root, "jsonrpc");
    if (!rpc || !json_object_is_type(rpc, json_type_string))
        return fail(p, FRUGAL_ERR_PARSE, rpc ? "jsonrpc is not a string" : "missing jsonrpc");
    json_object *meth = member(root, "method");
    if (!meth || !json_object_is_type(meth, json_type_string))
        return fail(p, FRUGAL_ERR_PARSE, meth ? "method is not a string" : "missing method");
    snprintf(m->method_name, sizeof m->method_name, "%s", json_object_get_string(meth));
    m->method = method_of(json_object_get_string(meth));
    m->is_response = json_object_object_get_ex(root, "result", NULL) ||
                     json_object_object_get_ex(root, "error", NULL);
    return FRUGAL_OK;
}

static frugal_status parse_request(parse_ctx *p, json_object *root, frugal_stratum_msg *m)
{
    json_object *params = member(root, "params");
    frugal_status st;
    switch (m->method) {
    case FRUGAL_STRATUM_JOB:
        if ((st = need_object(p, params, "params")))
            return st;
        return parse_job(p, params, &m->job);
    case FRUGAL_STRATUM_SUBMIT:
        if ((st = need_object(p, params, "params")))
            return st;
        return parse_submit(p, params, &m->submit);
    case FRUGAL_STRATUM_LOGIN:
        if ((st = need_object(p, params, "params")))
            return st;
        return parse_login(p, params, &m->login);
    default:
        return FRUGAL_OK; /* no params to read (or an unknown method) */
    }
}

static frugal_status parse_response(parse_ctx *p, json_object *root, frugal_stratum_msg *m)
{
    json_object *error = member(root, "error");
    if (error) {
        if (!json_object_is_type(error, json_type_object))
            return fail(p, FRUGAL_ERR_PROTOCOL, "error is not an object");
        json_object *code = member(error, "code");
        if (!code || !json_object_is_type(code, json_type_int) ||
            json_object_get_int64(code) < INT32_MIN || json_object_get_int64(code) > INT32_MAX)
            return fail(p, FRUGAL_ERR_PROTOCOL, "error.code is not a 32-bit integer");
        frugal_status st = get_str(p, error, "message", m->error_message,
                                   sizeof m->error_message);
        if (st)
            return st;
        m->has_error = 1;
        m->error_code = json_object_get_int64(code);
        return FRUGAL_OK;
    }
    json_object *result = member(root, "result");
    if (!result)
        return fail(p, FRUGAL_ERR_PROTOCOL, "response has neither result nor error");
    if (m->method == FRUGAL_STRATUM_GETJOBTEMPLATE) {
        frugal_status st = need_object(p, result, "result");
        return st ? st : parse_job(p, result, &m->job);
    }
    if (m->method == FRUGAL_STRATUM_STATUS) {
        frugal_status st = need_object(p, result, "result");
        return st ? st : parse_status(p, result, &m->status);
    }
    if (json_object_is_type(result, json_type_string)) {
        snprintf(m->result_text, sizeof m->result_text, "%s", json_object_get_string(result));
        m->has_result_text = 1;
    }
    return FRUGAL_OK;
}

frugal_status frugal_stratum_parse(const char *line, size_t len, frugal_stratum_msg *msg,
                                   char *err, size_t errlen)
{
    parse_ctx p = {0, err, errlen, NULL};
    if (err && errlen)
        err[0] = '\0';
    if (!msg || (!line && len))
        return fail(&p, FRUGAL_ERR_ARG, "no line or message");
    memset(msg, 0, sizeof *msg);
    if (len >= INT_MAX)
        return fail(&p, FRUGAL_ERR_PARSE, "line of %zu bytes is too long", len);
    int has_nul;
    fr_stratum_prescan(line, len, &has_nul, &p.overflow);
    if (has_nul)
        return fail(&p, FRUGAL_ERR_PARSE, "line holds a NUL byte");
    struct json_tokener *tok = json_tokener_new_ex(16);
    if (!tok)
        return fail(&p, FRUGAL_ERR_NOMEM, "out of memory");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, line ? line : "", (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (!root && jerr == json_tokener_continue) {
        /* the input ended: a top-level number needs its terminator to be complete */
        root = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        end = len;
    }
    json_tokener_free(tok);
    frugal_status st = FRUGAL_OK;
    if (!root) {
        st = fail(&p, FRUGAL_ERR_PARSE, "not JSON: %s",
                  jerr == json_tokener_continue ? "the line ends inside a value"
                                                : json_tokener_error_desc(jerr));
    } else {
        while (end < len && (line[end] == ' ' || line[end] == '\t' || line[end] == '\r'))
            end++;
        if (end != len)
            st = fail(&p, FRUGAL_ERR_PARSE, "bytes after the JSON value (offset %zu)", end);
        else if (!json_object_is_type(root, json_type_object))
            st = fail(&p, FRUGAL_ERR_PARSE, "not a JSON object");
        else
            st = parse_envelope(&p, root, msg);
    }
    if (st == FRUGAL_OK) {
        p.what = msg->method_name;
        st = msg->is_response ? parse_response(&p, root, msg) : parse_request(&p, root, msg);
    }
    json_object_put(root);
    if (st != FRUGAL_OK && st != FRUGAL_ERR_PARSE) {
        /* keep what a server needs to answer -32600: id and method */
        char id[sizeof msg->id], name[sizeof msg->method_name];
        int is_str = msg->id_is_string, is_resp = msg->is_response;
        frugal_stratum_method method = msg->method;
        memcpy(id, msg->id, sizeof id);
        memcpy(name, msg->method_name, sizeof name);
        memset(msg, 0, sizeof *msg);
        memcpy(msg->id, id, sizeof id);
        memcpy(msg->method_name, name, sizeof name);
        msg->id_is_string = is_str;
        msg->is_response = is_resp;
        msg->method = method;
    } else if (st == FRUGAL_ERR_PARSE) {
        memset(msg, 0, sizeof *msg);
    }
    return st;
}

/* ---- Writing ------------------------------------------------------------- */

typedef struct writer {
    char *out;
    size_t cap, len;
    int full;
} writer;

static void put(writer *w, const char *s, size_t n)
{
    if (w->full || n >= w->cap - w->len) {
        w->full = 1;
        return;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
    w->out[w->len] = '\0';
}

static void put_str(writer *w, const char *s) { put(w, s, strlen(s)); }

static void put_u64(writer *w, uint64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    put(w, b, (size_t)n);
}

/* A JSON string: quotes, backslashes and control characters escaped; other bytes
 * (UTF-8) copied. */
static void put_json_string(writer *w, const char *s)
{
    put(w, "\"", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(w, esc, 2);
        } else if (c < 0x20) {
            int n = snprintf(esc, sizeof esc, "\\u%04x", c);
            put(w, esc, (size_t)n);
        } else {
            put(w, (const char *)&c, 1);
        }
    }
    put(w, "\"", 1);
}

static void put_head(writer *w, uint64_t id, const char *method)
{
    put_str(w, "{\"id\":\"");
    put_u64(w, id);
    put_str(w, "\",\"jsonrpc\":\"2.0\",\"method\":\"");
    put_str(w, method);
    put_str(w, "\",\"params\":");
}

static frugal_status finish(writer *w, size_t *len)
{
    put_str(w, "}\n");
    if (w->full) {
        if (w->cap)
            w->out[0] = '\0';
        *len = 0;
        return FRUGAL_ERR_FULL;
    }
    *len = w->len;
    return FRUGAL_OK;
}

static int writer_init(writer *w, char *out, size_t cap, size_t *len)
{
    if (!out || !len)
        return -1;
    *len = 0;
    w->out = out;
    w->cap = cap;
    w->len = 0;
    w->full = cap == 0;
    if (cap)
        out[0] = '\0';
    return 0;
}

frugal_status frugal_stratum_write_request(char *out, size_t cap, size_t *len, uint64_t id,
                                           frugal_stratum_method method)
{
    writer w;
    if (writer_init(&w, out, cap, len) ||
        (method != FRUGAL_STRATUM_GETJOBTEMPLATE && method != FRUGAL_STRATUM_KEEPALIVE &&
         method != FRUGAL_STRATUM_STATUS))
        return FRUGAL_ERR_ARG;
    put_head(&w, id, frugal_stratum_method_name(method));
    put_str(&w, "null");
    return finish(&w, len);
}

frugal_status frugal_stratum_write_login(char *out, size_t cap, size_t *len, uint64_t id,
                                         const char *login, const char *pass, const char *agent)
{
    writer w;
    if (writer_init(&w, out, cap, len))
        return FRUGAL_ERR_ARG;
    put_head(&w, id, "login");
    put_str(&w, "{\"login\":");
    put_json_string(&w, login);
    put_str(&w, ",\"pass\":");
    put_json_string(&w, pass);
    put_str(&w, ",\"agent\":");
    put_json_string(&w, agent);
    put_str(&w, "}");
    return finish(&w, len);
}

frugal_status frugal_stratum_write_submit(char *out, size_t cap, size_t *len, uint64_t id,
                                          const frugal_stratum_submit *s)
{
    writer w;
    if (writer_init(&w, out, cap, len) || !s || s->pow_len > FRUGAL_STRATUM_POW_MAX)
        return FRUGAL_ERR_ARG;
    put_head(&w, id, "submit");
    put_str(&w, "{\"edge_bits\":");
    put_u64(&w, s->edge_bits);
    put_str(&w, ",\"height\":");
    put_u64(&w, s->height);
    put_str(&w, ",\"job_id\":");
    put_u64(&w, s->job_id);
    put_str(&w, ",\"nonce\":");
    put_u64(&w, s->nonce);
    put_str(&w, ",\"pow\":[");
    for (size_t i = 0; i < s->pow_len; i++) {
        if (i)
            put_str(&w, ",");
        put_u64(&w, s->pow[i]);
    }
    put_str(&w, "]}");
    return finish(&w, len);
}
