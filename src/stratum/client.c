/* Grin stratum client: connections, reconnects, failover, share bookkeeping. See
 * client.h for the state machine and the share rules. */
#include "stratum/client.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/time.h"
#include "frugal/stratum.h"
#include "stratum/share.h"

typedef struct pool_ent {
    char text[FRUGAL_STRATUM_TEXT_MAX + 8]; /* as given: "HOST:PORT" */
    char host[FRUGAL_STRATUM_TEXT_MAX];
    char port[8];
} pool_ent;

typedef struct share_ent {
    frugal_stratum_submit s;
    unsigned pool;
    uint8_t digest[32];  /* of its job's pre_pow */
    uint64_t difficulty;
    int inflight;        /* its submit request was queued for sending */
    uint64_t req_id;
    uint64_t line_end;   /* out_queued after its request line: sent once out_sent passes it */
} share_ent;

typedef struct known_job {
    uint64_t job_id;
    uint8_t digest[32];
} known_job;

struct frugal_stratum_client {
    frugal_stratum_client_params p; /* pools/strings pointers cleared; copies below */
    char login[FRUGAL_STRATUM_TEXT_MAX], pass[FRUGAL_STRATUM_TEXT_MAX];
    char agent[FRUGAL_STRATUM_TEXT_MAX];
    pool_ent pools[FR_STRATUM_MAX_POOLS];
    size_t npools;
    unsigned cur;        /* the pool in use or to try next */
    int fd;              /* -1 when not connected */
    unsigned fails;      /* failures in a row on pool cur */
    unsigned streak;     /* failures in a row on any pool: sets the backoff */
    double retry_at;     /* next connection attempt (monotonic seconds) */
    int good;            /* this connection delivered a job */
    /* the latest job (of any connection) and the jobs of this connection */
    frugal_stratum_job job;
    int have_any_job, have_job, first_of_conn;
    known_job known[FR_STRATUM_KNOWN_JOBS];
    size_t nknown, known_next;
    /* I/O */
    frugal_stratum_framer *framer;
    char *out;
    size_t out_len;
    uint64_t out_queued, out_sent; /* bytes ever queued / handed to the kernel */
    uint64_t next_id;
    double last_rx, next_keepalive, next_status, getjob_at; /* getjob_at 0: none due */
    frugal_stratum_msg msg; /* scratch for parsing, kept off the stack */
    char line[FRUGAL_STRATUM_POW_MAX * 21 + 256]; /* a submit request being written */
    /* shares, in submission order */
    share_ent *shares;
    size_t nshares;
    /* events not yet returned */
    frugal_stratum_event *evq;
    size_t ev_head, ev_count, ev_cap;
    frugal_stratum_client_stats st;
};

/* ---- Events -------------------------------------------------------------- */

static frugal_stratum_event *push_event(frugal_stratum_client *c, frugal_stratum_event_kind kind,
                                        unsigned pool)
{
    if (c->ev_count == c->ev_cap) {
        size_t cap = c->ev_cap ? 2 * c->ev_cap : 16;
        frugal_stratum_event *q = malloc(cap * sizeof *q);
        if (!q)
            return NULL; /* the event is lost; the counters still hold it */
        for (size_t i = 0; i < c->ev_count; i++)
            q[i] = c->evq[(c->ev_head + i) % c->ev_cap];
        free(c->evq);
        c->evq = q;
        c->ev_cap = cap;
        c->ev_head = 0;
    }
    frugal_stratum_event *e = &c->evq[(c->ev_head + c->ev_count++) % c->ev_cap];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->pool = pool;
    return e;
}

static void event_text(frugal_stratum_event *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void event_text(frugal_stratum_event *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
}

static int pop_event(frugal_stratum_client *c, frugal_stratum_event *ev)
{
    if (!c->ev_count)
        return 0;
    *ev = c->evq[c->ev_head];
    c->ev_head = (c->ev_head + 1) % c->ev_cap;
    c->ev_count--;
    return 1;
}

/* ---- Shares -------------------------------------------------------------- */

static void remove_share(frugal_stratum_client *c, size_t i)
{
    memmove(&c->shares[i], &c->shares[i + 1], (c->nshares - i - 1) * sizeof *c->shares);
    c->nshares--;
}

static void report_share(frugal_stratum_client *c, const share_ent *sh,
                         frugal_stratum_share_result result, int64_t code, const char *text)
{
    switch (result) {
    case FRUGAL_SHARE_BLOCK: /* a block counts as accepted too */
        c->st.blocks++;
        c->st.accepted++;
        break;
    case FRUGAL_SHARE_ACCEPTED: c->st.accepted++; break;
    case FRUGAL_SHARE_STALE: c->st.stale++; break;
    case FRUGAL_SHARE_REJECTED: c->st.rejected++; break;
    case FRUGAL_SHARE_DROPPED: c->st.dropped++; break;
    case FRUGAL_SHARE_LOST: c->st.lost++; break;
    }
    frugal_stratum_event *e = push_event(c, FRUGAL_STRATUM_EV_SHARE, sh->pool);
    if (!e)
        return;
    e->result = result;
    e->share = sh->s;
    e->share_difficulty = sh->difficulty;
    e->code = code;
    event_text(e, "%s", text);
}

static int job_known(const frugal_stratum_client *c, uint64_t job_id, const uint8_t digest[32])
{
    for (size_t i = 0; i < c->nknown; i++)
        if (c->known[i].job_id == job_id && memcmp(c->known[i].digest, digest, 32) == 0)
            return 1;
    return 0;
}

/* ---- Output -------------------------------------------------------------- */

static void disconnect(frugal_stratum_client *c, const char *why);

static void write_out(frugal_stratum_client *c)
{
    size_t off = 0;
    while (c->fd >= 0 && off < c->out_len) {
        ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            c->out_sent += (uint64_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            char why[FRUGAL_STRATUM_TEXT_MAX];
            snprintf(why, sizeof why, "sending failed: %s", n < 0 ? strerror(errno) : "?");
            disconnect(c, why);
            return;
        }
    }
    if (c->fd >= 0) {
        memmove(c->out, c->out + off, c->out_len - off);
        c->out_len -= off;
    }
}

/* Queues one request line (from a writer) and tries to send it. */
static int queue_line(frugal_stratum_client *c, const char *line, size_t len)
{
    if (c->fd < 0)
        return -1;
    if (len > FR_STRATUM_OUT_MAX - c->out_len) {
        disconnect(c, "the pool does not read what is sent to it");
        return -1;
    }
    memcpy(c->out + c->out_len, line, len);
    c->out_len += len;
    c->out_queued += len;
    return 0;
}

static void send_request(frugal_stratum_client *c, frugal_stratum_method method)
{
    char line[128];
    size_t len;
    if (frugal_stratum_write_request(line, sizeof line, &len, c->next_id++, method) == FRUGAL_OK)
        queue_line(c, line, len);
}

/* Sends the queued shares whose job this connection offers; drops those it cannot. */
static void flush_shares(frugal_stratum_client *c)
{
    if (c->fd < 0 || !c->have_job)
        return;
    for (size_t i = 0; i < c->nshares && c->fd >= 0;) {
        share_ent *sh = &c->shares[i];
        if (sh->inflight) {
            i++;
            continue;
        }
        if (sh->pool != c->cur || sh->s.height != c->job.height ||
            !job_known(c, sh->s.job_id, sh->digest)) {
            report_share(c, sh, FRUGAL_SHARE_DROPPED, 0,
                         sh->pool != c->cur ? "not sent: mined on another pool's job"
                                            : "not sent: its job is no longer offered");
            remove_share(c, i);
            continue;
        }
        size_t len;
        uint64_t id = c->next_id++;
        if (frugal_stratum_write_submit(c->line, sizeof c->line, &len, id, &sh->s) != FRUGAL_OK ||
            queue_line(c, c->line, len) != 0)
            break;
        sh->inflight = 1;
        sh->req_id = id;
        sh->line_end = c->out_queued;
        c->st.submitted++;
        i++;
    }
    write_out(c);
}

/* ---- Connection life ----------------------------------------------------- */

static double backoff_s(const frugal_stratum_client *c)
{
    double d = c->p.backoff_min_ms / 1000.0;
    for (unsigned i = 1; i < c->streak && d < c->p.backoff_max_ms / 1000.0; i++)
        d *= 2;
    return fmin(d, c->p.backoff_max_ms / 1000.0);
}

/* Counts a failure on the current pool and schedules the next attempt. */
static void schedule_retry(frugal_stratum_client *c)
{
    c->fails++;
    c->streak++;
    double now = fr_now();
    if (c->fails >= c->p.tries_per_pool) {
        c->fails = 0;
        if (c->npools > 1) {
            c->cur = (c->cur + 1) % (unsigned)c->npools;
            c->st.failovers++;
            c->st.pool = c->cur;
            c->retry_at = now; /* the next pool is tried at once */
            return;
        }
    }
    c->retry_at = now + backoff_s(c);
}

static void disconnect(frugal_stratum_client *c, const char *why)
{
    if (c->fd < 0)
        return;
    close(c->fd);
    c->fd = -1;
    c->st.connected = 0;
    frugal_stratum_framer_finish(c->framer);
    c->out_len = 0;
    c->have_job = 0;
    c->st.have_job = 0;
    /* a share whose request reached the kernel may have been counted: never resend it */
    for (size_t i = 0; i < c->nshares;) {
        share_ent *sh = &c->shares[i];
        if (sh->inflight && sh->line_end <= c->out_sent) {
            report_share(c, sh, FRUGAL_SHARE_LOST, 0,
                         "sent, but the connection ended before the answer");
            remove_share(c, i);
            continue;
        }
        sh->inflight = 0;
        i++;
    }
    event_text(push_event(c, FRUGAL_STRATUM_EV_DISCONNECTED, c->cur), "%s: %s",
               c->pools[c->cur].text, why);
    if (c->good)
        c->fails = c->streak = 0;
    schedule_retry(c);
}

/* Connects to pool cur. Returns 1 when a signal interrupted the attempt (not
 * counted as a failure), else 0. */
static int connect_pool(frugal_stratum_client *c)
{
    const pool_ent *pe = &c->pools[c->cur];
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char why[FRUGAL_STRATUM_TEXT_MAX] = "no address";
    int fd = -1, gai = getaddrinfo(pe->host, pe->port, &hints, &res);
    if (gai != 0)
        snprintf(why, sizeof why, "cannot resolve %s: %s", pe->host, gai_strerror(gai));
    for (struct addrinfo *ai = gai == 0 ? res : NULL; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            snprintf(why, sizeof why, "%s", strerror(errno));
            continue;
        }
        int err = 0;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            err = errno;
            if (err == EINPROGRESS) {
                struct pollfd pfd = {fd, POLLOUT, 0};
                int r = poll(&pfd, 1, (int)c->p.connect_timeout_ms);
                if (r < 0 && errno == EINTR) {
                    close(fd);
                    freeaddrinfo(res);
                    c->retry_at = fr_now();
                    return 1;
                }
                socklen_t l = sizeof err;
                if (r == 1)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
                else
                    err = r == 0 ? ETIMEDOUT : errno;
            }
        }
        if (err == 0)
            break;
        snprintf(why, sizeof why, "%s", strerror(err));
        close(fd);
        fd = -1;
    }
    if (res)
        freeaddrinfo(res);
    if (fd < 0) {
        event_text(push_event(c, FRUGAL_STRATUM_EV_CONNECT_FAILED, c->cur),
                   "cannot connect to %s: %s", pe->text, why);
        schedule_retry(c);
        return 0;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    double now = fr_now();
    c->fd = fd;
    c->good = 0;
    c->have_job = 0;
    c->first_of_conn = 1;
    c->nknown = c->known_next = 0;
    c->out_len = 0;
    c->last_rx = now;
    c->next_keepalive = now + c->p.keepalive_ms / 1000.0;
    c->next_status = c->p.status_ms ? now + c->p.status_ms / 1000.0 : INFINITY;
    c->getjob_at = 0;
    c->st.connected = 1;
    c->st.connects++;
    c->st.pool = c->cur;
    event_text(push_event(c, FRUGAL_STRATUM_EV_CONNECTED, c->cur), "connected to %s", pe->text);
    if (c->login[0]) {
        char line[4 * FRUGAL_STRATUM_TEXT_MAX * 6 + 128];
        size_t len;
        if (frugal_stratum_write_login(line, sizeof line, &len, c->next_id++, c->login, c->pass,
                                       c->agent) == FRUGAL_OK)
            queue_line(c, line, len);
    }
    send_request(c, FRUGAL_STRATUM_GETJOBTEMPLATE);
    write_out(c);
    return 0;
}

/* ---- Input --------------------------------------------------------------- */

static void on_job(frugal_stratum_client *c, frugal_stratum_job *job)
{
    uint8_t digest[32];
    job->pool = c->cur;
    if (fr_stratum_job_digest(job, digest) != 0)
        memset(digest, 0, sizeof digest);
    int clean = !c->have_any_job || job->pool != c->job.pool || job->height != c->job.height;
    if (c->first_of_conn && !clean) {
        /* after reconnecting, the job mined so far is still good only if offered again */
        uint8_t old[32];
        if (fr_stratum_job_digest(&c->job, old) != 0 || job->job_id != c->job.job_id ||
            memcmp(old, digest, 32) != 0)
            clean = 1;
    }
    if (c->have_job && job->height != c->job.height)
        c->nknown = c->known_next = 0;
    c->known[c->known_next].job_id = job->job_id;
    memcpy(c->known[c->known_next].digest, digest, 32);
    c->known_next = (c->known_next + 1) % FR_STRATUM_KNOWN_JOBS;
    if (c->nknown < FR_STRATUM_KNOWN_JOBS)
        c->nknown++;
    c->job = *job;
    c->have_job = c->have_any_job = c->good = 1;
    c->first_of_conn = 0;
    c->getjob_at = 0;
    c->st.have_job = 1;
    c->st.height = job->height;
    c->st.job_id = job->job_id;
    c->st.difficulty = job->difficulty;
    frugal_stratum_event *e = push_event(c, FRUGAL_STRATUM_EV_JOB, c->cur);
    if (e) {
        e->job = *job;
        e->clean = clean;
        event_text(e, "job %llu at height %llu, difficulty %llu", (unsigned long long)job->job_id,
                   (unsigned long long)job->height, (unsigned long long)job->difficulty);
    }
    flush_shares(c);
}

static share_ent *share_by_id(frugal_stratum_client *c, const frugal_stratum_msg *m, size_t *index)
{
    char *end;
    errno = 0;
    unsigned long long id = strtoull(m->id, &end, 10);
    if (errno || end == m->id || *end)
        return NULL;
    for (size_t i = 0; i < c->nshares; i++) {
        if (c->shares[i].inflight && c->shares[i].req_id == id) {
            *index = i;
            return &c->shares[i];
        }
    }
    return NULL;
}

static void error_event(frugal_stratum_client *c, int64_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_event(frugal_stratum_client *c, int64_t code, const char *fmt, ...)
{
    frugal_stratum_event *e = push_event(c, FRUGAL_STRATUM_EV_ERROR, c->cur);
    if (!e)
        return;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
}

static void on_response(frugal_stratum_client *c, const frugal_stratum_msg *m)
{
    size_t idx;
    share_ent *sh = share_by_id(c, m, &idx);
    if (sh) {
        if (m->has_error)
            report_share(c, sh,
                         m->error_code == FRUGAL_STRATUM_ERR_TOO_LATE ? FRUGAL_SHARE_STALE
                                                                      : FRUGAL_SHARE_REJECTED,
                         m->error_code, m->error_message);
        else if (m->has_result_text && strncmp(m->result_text, "blockfound", 10) == 0)
            report_share(c, sh, FRUGAL_SHARE_BLOCK, 0, m->result_text);
        else
            report_share(c, sh, FRUGAL_SHARE_ACCEPTED, 0,
                         m->has_result_text ? m->result_text : "accepted");
        remove_share(c, idx);
        return;
    }
    switch (m->method) {
    case FRUGAL_STRATUM_LOGIN:
        if (m->has_error) {
            error_event(c, m->error_code, "login refused: %s (%lld)", m->error_message,
                        (long long)m->error_code);
            c->good = 0;
            disconnect(c, "login refused");
        }
        break;
    case FRUGAL_STRATUM_GETJOBTEMPLATE:
        if (m->has_error) {
            error_event(c, m->error_code, "no job: %s (%lld)", m->error_message,
                        (long long)m->error_code);
            c->getjob_at = fr_now() + FR_STRATUM_GETJOB_RETRY_S;
        } else {
            on_job(c, &c->msg.job); /* m is c->msg */
        }
        break;
    case FRUGAL_STRATUM_STATUS:
        if (m->has_error) {
            error_event(c, m->error_code, "status: %s (%lld)", m->error_message,
                        (long long)m->error_code);
        } else {
            frugal_stratum_event *e = push_event(c, FRUGAL_STRATUM_EV_STATUS, c->cur);
            if (e)
                e->status = m->status;
        }
        break;
    case FRUGAL_STRATUM_KEEPALIVE:
        if (m->has_error)
            error_event(c, m->error_code, "keepalive: %s (%lld)", m->error_message,
                        (long long)m->error_code);
        break;
    default:
        error_event(c, m->has_error ? m->error_code : 0,
                    "unexpected answer (method '%s', id '%s')%s%s", m->method_name, m->id,
                    m->has_error ? ": " : "", m->has_error ? m->error_message : "");
        break;
    }
}

static void on_line(frugal_stratum_client *c, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len)
        return; /* blank lines carry nothing */
    char err[FRUGAL_STRATUM_TEXT_MAX];
    frugal_stratum_msg *m = &c->msg;
    frugal_status st = frugal_stratum_parse(line, len, m, err, sizeof err);
    if (st == FRUGAL_ERR_PARSE || st == FRUGAL_ERR_NOMEM) {
        error_event(c, 0, "bad line from the pool: %s", err);
        c->good = 0; /* a pool that breaks the protocol counts as failing */
        disconnect(c, "the pool broke the protocol");
        return;
    }
    if (st != FRUGAL_OK) {
        size_t idx;
        share_ent *sh = m->is_response ? share_by_id(c, m, &idx) : NULL;
        error_event(c, 0, "bad message from the pool: %s", err);
        if (sh) {
            report_share(c, sh, FRUGAL_SHARE_REJECTED, 0, "the pool's answer was malformed");
            remove_share(c, idx);
        } else if (m->is_response && m->method == FRUGAL_STRATUM_GETJOBTEMPLATE) {
            c->getjob_at = fr_now() + FR_STRATUM_GETJOB_RETRY_S;
        }
        return;
    }
    if (m->is_response)
        on_response(c, m);
    else if (m->method == FRUGAL_STRATUM_JOB)
        on_job(c, &m->job);
    else
        error_event(c, 0, "unexpected request '%s' from the pool; ignored", m->method_name);
}

static void read_in(frugal_stratum_client *c)
{
    char buf[16384];
    for (int rounds = 0; rounds < 64 && c->fd >= 0; rounds++) {
        ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            char why[FRUGAL_STRATUM_TEXT_MAX];
            snprintf(why, sizeof why, "%s", n == 0 ? "closed by the pool" : strerror(errno));
            if (frugal_stratum_framer_finish(c->framer) == FRUGAL_ERR_TRUNCATED)
                error_event(c, 0, "the pool closed the connection in the middle of a line");
            disconnect(c, why);
            return;
        }
        c->last_rx = fr_now();
        for (size_t off = 0; off < (size_t)n && c->fd >= 0;) {
            size_t used, ll;
            const char *line;
            frugal_status st = frugal_stratum_framer_feed(c->framer, buf + off, (size_t)n - off,
                                                          &used, &line, &ll);
            off += used;
            if (st == FRUGAL_ERR_FULL) {
                error_event(c, 0, "the pool sent a line longer than %d bytes",
                            FRUGAL_STRATUM_LINE_MAX);
                c->good = 0;
                disconnect(c, "the pool broke the protocol");
                return;
            }
            if (line)
                on_line(c, line, ll);
        }
    }
}

/* ---- Driving ------------------------------------------------------------- */

/* Runs the timers of a connected client; returns ms until the next one is due. */
static int run_timers(frugal_stratum_client *c, double now)
{
    double idle_at = c->last_rx + c->p.idle_timeout_ms / 1000.0;
    if (now >= idle_at) {
        char why[96];
        snprintf(why, sizeof why, "nothing received for %.1f s", c->p.idle_timeout_ms / 1000.0);
        disconnect(c, why);
        return 0;
    }
    if (now >= c->next_keepalive) {
        send_request(c, FRUGAL_STRATUM_KEEPALIVE);
        c->next_keepalive = now + c->p.keepalive_ms / 1000.0;
    }
    if (c->fd >= 0 && now >= c->next_status) {
        send_request(c, FRUGAL_STRATUM_STATUS);
        c->next_status = now + c->p.status_ms / 1000.0;
    }
    if (c->fd >= 0 && c->getjob_at > 0 && now >= c->getjob_at) {
        send_request(c, FRUGAL_STRATUM_GETJOBTEMPLATE);
        c->getjob_at = 0;
    }
    double next = fmin(idle_at, fmin(c->next_keepalive, c->next_status));
    if (c->getjob_at > 0)
        next = fmin(next, c->getjob_at);
    double ms = ceil((next - now) * 1000.0);
    return ms > 1e9 ? 1000000000 : ms < 0 ? 0 : (int)ms;
}

/* One round of work waiting at most wait_ms. Returns 1 if a signal interrupted. */
static int step(frugal_stratum_client *c, int wait_ms)
{
    double now = fr_now();
    if (c->fd < 0) {
        if (wait_ms == 0)
            return 0; /* a poll that may not wait does not connect either */
        if (now >= c->retry_at)
            return connect_pool(c);
        double ms = ceil((c->retry_at - now) * 1000.0);
        int w = ms < wait_ms ? (int)ms : wait_ms;
        if (w > 0 && poll(NULL, 0, w) < 0 && errno == EINTR)
            return 1;
        return 0;
    }
    flush_shares(c);
    int t = c->fd >= 0 ? run_timers(c, now) : 0;
    if (c->fd < 0)
        return 0;
    if (c->out_len)
        write_out(c);
    if (c->fd < 0)
        return 0;
    struct pollfd pfd = {c->fd, (short)(POLLIN | (c->out_len ? POLLOUT : 0)), 0};
    int r = poll(&pfd, 1, t < wait_ms ? t : wait_ms);
    if (r < 0) {
        if (errno == EINTR)
            return 1;
        disconnect(c, strerror(errno));
        return 0;
    }
    if (r > 0 && (pfd.revents & POLLOUT))
        write_out(c);
    if (r > 0 && c->fd >= 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
        read_in(c);
    return 0;
}

frugal_status frugal_stratum_client_poll(frugal_stratum_client *c, int timeout_ms,
                                         frugal_stratum_event *ev)
{
    if (!c || !ev)
        return FRUGAL_ERR_ARG;
    if (timeout_ms < 0)
        timeout_ms = 0;
    double deadline = fr_now() + timeout_ms / 1000.0;
    for (;;) {
        if (pop_event(c, ev))
            return FRUGAL_OK;
        double left = ceil((deadline - fr_now()) * 1000.0);
        int interrupted = step(c, left > 0 ? (int)left : 0);
        if (pop_event(c, ev))
            return FRUGAL_OK;
        if (interrupted || fr_now() >= deadline) {
            memset(ev, 0, sizeof *ev);
            ev->kind = FRUGAL_STRATUM_EV_NONE;
            return FRUGAL_OK;
        }
    }
}

/* ---- Public API ---------------------------------------------------------- */

void frugal_stratum_client_params_default(frugal_stratum_client_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->connect_timeout_ms = 5000;
    p->keepalive_ms = 30000;
    p->idle_timeout_ms = 90000;
    p->status_ms = 0;
    p->backoff_min_ms = 250;
    p->backoff_max_ms = 8000;
    p->tries_per_pool = 3;
    p->queue_max = 256;
}

static const char *const result_names[] = {"accepted", "block", "stale",
                                           "rejected", "dropped", "lost"};

const char *frugal_stratum_share_result_name(frugal_stratum_share_result r)
{
    return (unsigned)r < sizeof result_names / sizeof *result_names ? result_names[r] : NULL;
}

static void copy_text(char *dst, const char *src, size_t cap)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

frugal_status frugal_stratum_client_create(const frugal_stratum_client_params *params,
                                           frugal_stratum_client **client)
{
    if (!client)
        return FRUGAL_ERR_ARG;
    *client = NULL;
    if (!params || !params->pools || params->npools == 0 ||
        params->npools > FR_STRATUM_MAX_POOLS)
        return FRUGAL_ERR_ARG;
    for (size_t i = 0; i < params->npools; i++)
        if (!params->pools[i])
            return FRUGAL_ERR_ARG;
    frugal_stratum_client *c = calloc(1, sizeof *c);
    if (!c)
        return FRUGAL_ERR_NOMEM;
    c->fd = -1;
    c->p = *params;
    c->p.pools = NULL;
    c->p.login = c->p.pass = c->p.agent = NULL;
    frugal_stratum_client_params def;
    frugal_stratum_client_params_default(&def);
    if (!c->p.connect_timeout_ms)
        c->p.connect_timeout_ms = def.connect_timeout_ms;
    if (!c->p.keepalive_ms)
        c->p.keepalive_ms = def.keepalive_ms;
    if (!c->p.idle_timeout_ms)
        c->p.idle_timeout_ms = def.idle_timeout_ms;
    if (!c->p.backoff_min_ms)
        c->p.backoff_min_ms = def.backoff_min_ms;
    if (c->p.backoff_max_ms < c->p.backoff_min_ms)
        c->p.backoff_max_ms = c->p.backoff_min_ms;
    if (!c->p.tries_per_pool)
        c->p.tries_per_pool = def.tries_per_pool;
    if (!c->p.queue_max)
        c->p.queue_max = def.queue_max;
    copy_text(c->login, params->login, sizeof c->login);
    copy_text(c->pass, params->pass, sizeof c->pass);
    if (params->agent)
        copy_text(c->agent, params->agent, sizeof c->agent);
    else
        snprintf(c->agent, sizeof c->agent, "frugal/%s", frugal_version());
    frugal_status st = FRUGAL_OK;
    for (size_t i = 0; i < params->npools && st == FRUGAL_OK; i++) {
        unsigned port;
        pool_ent *pe = &c->pools[i];
        st = frugal_stratum_pool_parse(params->pools[i], pe->host, sizeof pe->host, &port);
        if (st == FRUGAL_ERR_FULL)
            st = FRUGAL_ERR_PARSE;
        snprintf(pe->port, sizeof pe->port, "%u", port);
        copy_text(pe->text, params->pools[i], sizeof pe->text);
    }
    c->npools = params->npools;
    if (st == FRUGAL_OK)
        st = frugal_stratum_framer_create(0, &c->framer);
    if (st == FRUGAL_OK && (!(c->out = malloc(FR_STRATUM_OUT_MAX)) ||
                            !(c->shares = calloc(c->p.queue_max, sizeof *c->shares))))
        st = FRUGAL_ERR_NOMEM;
    if (st != FRUGAL_OK) {
        frugal_stratum_client_destroy(c);
        return st;
    }
    c->retry_at = fr_now();
    *client = c;
    return FRUGAL_OK;
}

frugal_status frugal_stratum_client_submit(frugal_stratum_client *c, const frugal_stratum_job *job,
                                           uint64_t nonce, unsigned edge_bits,
                                           const uint64_t *pow, size_t n)
{
    if (!c || !job || (!pow && n) || n > FRUGAL_STRATUM_POW_MAX || job->pool >= c->npools)
        return FRUGAL_ERR_ARG;
    uint64_t diff;
    frugal_status st = frugal_stratum_share_difficulty(pow, n, edge_bits, &diff);
    if (st != FRUGAL_OK)
        return st;
    if (diff < job->difficulty)
        return FRUGAL_ERR_RANGE;
    if (c->nshares >= c->p.queue_max)
        return FRUGAL_ERR_FULL;
    share_ent *sh = &c->shares[c->nshares];
    memset(sh, 0, sizeof *sh);
    sh->s.height = job->height;
    sh->s.job_id = job->job_id;
    sh->s.nonce = nonce;
    sh->s.edge_bits = edge_bits;
    sh->s.pow_len = n;
    if (n)
        memcpy(sh->s.pow, pow, n * sizeof *pow);
    sh->pool = job->pool;
    sh->difficulty = diff;
    if (fr_stratum_job_digest(job, sh->digest) != 0)
        return FRUGAL_ERR_INTERNAL;
    c->nshares++;
    flush_shares(c);
    return FRUGAL_OK;
}

void frugal_stratum_client_get_stats(const frugal_stratum_client *c,
                                     frugal_stratum_client_stats *stats)
{
    if (!c || !stats)
        return;
    *stats = c->st;
    stats->queued = stats->inflight = 0;
    for (size_t i = 0; i < c->nshares; i++) {
        if (c->shares[i].inflight)
            stats->inflight++;
        else
            stats->queued++;
    }
}

const char *frugal_stratum_client_pool(const frugal_stratum_client *c, unsigned i)
{
    return c && i < c->npools ? c->pools[i].text : NULL;
}

void frugal_stratum_client_destroy(frugal_stratum_client *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    frugal_stratum_framer_destroy(c->framer);
    free(c->out);
    free(c->shares);
    free(c->evq);
    free(c);
}
