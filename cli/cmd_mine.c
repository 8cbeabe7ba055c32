/* frugal mine: mine Grin through stratum pools until stopped.
 *
 * Two threads. The mining thread solves graph after graph of the current job
 * (header = pre_pow || nonce as u64 BE, from a random nonce upwards), verifies each
 * cycle, and hands the ones whose share difficulty reaches the job's to the main
 * thread. The main thread owns the stratum client: it submits those shares, follows
 * jobs (a job at a new height stops the graph being solved; a new job at the same
 * height lets it finish, its shares staying valid), prints the status, and on
 * SIGINT/SIGTERM stops mining, waits briefly for the answers to shares in flight and
 * prints a final report. Output formats: doc/mining.md. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "frugal/stratum.h"

#define MINE_MAX_POOLS 16
#define MINE_FOUND_MAX 64 /* shares waiting between the threads */
#define PROOF_SIZE FRUGAL_CYCLE_DEFAULT

typedef struct found_share {
    frugal_stratum_job job;
    uint64_t nonce;
    uint64_t edges[PROOF_SIZE];
} found_share;

typedef struct mine_opts {
    const char *pools[MINE_MAX_POOLS];
    size_t npools;
    const char *user, *pass;
    frugal_solver_params params;
    int json, quiet, verbose, have_eb;
    double status_every; /* seconds; 0 = default */
    unsigned tries, retry_max_s, keepalive_s;
} mine_opts;

typedef struct miner {
    mine_opts o;
    frugal_solver *solver;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    frugal_stratum_job job; /* the job to mine, under mu */
    uint64_t job_gen;
    int have_job, quit;
    atomic_ullong clean_gen; /* counts clean jobs: the graph being solved is void */
    uint64_t solving_clean;  /* clean_gen when the current solve began (mining thread) */
    found_share found[MINE_FOUND_MAX];
    size_t nfound;
    /* counters of the mining thread */
    atomic_ullong graphs, solutions, below_target, invalid, found_dropped;
    atomic_int fatal;
    char fatal_text[256];
    /* main thread */
    uint64_t handed; /* shares given to the client */
    uint64_t refused; /* shares the client could not queue */
    double t0;
    int tty;
} miner;

static frugal_solver *volatile signal_solver;
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
    if (signal_solver)
        frugal_solver_stop(signal_solver);
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t random_nonce(void)
{
    uint64_t v;
    if (getrandom(&v, sizeof v, 0) == (ssize_t)sizeof v)
        return v;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
}

/* ---- The mining thread ------------------------------------------------------ */

/* After every trimming round, on the mining thread: a clean job that came after this
 * solve began (even before the solve could see a stop request) ends it. */
static void on_progress(void *user, const frugal_progress *p)
{
    miner *m = user;
    (void)p;
    if (atomic_load(&m->clean_gen) != m->solving_clean)
        frugal_solver_stop(m->solver);
}

static void push_found(miner *m, const frugal_stratum_job *job, uint64_t nonce,
                       const uint64_t *edges)
{
    pthread_mutex_lock(&m->mu);
    if (m->nfound < MINE_FOUND_MAX) {
        found_share *f = &m->found[m->nfound++];
        f->job = *job;
        f->nonce = nonce;
        memcpy(f->edges, edges, sizeof f->edges);
    } else {
        atomic_fetch_add(&m->found_dropped, 1);
    }
    pthread_mutex_unlock(&m->mu);
}

/* Checks every cycle of the last solve and keeps those that make a share. */
static void collect(miner *m, const frugal_stratum_job *job, uint64_t nonce,
                    const frugal_sipkeys *keys)
{
    uint64_t edges[PROOF_SIZE];
    unsigned eb = m->o.params.edgebits;
    for (size_t i = 0; i < frugal_solver_count(m->solver); i++) {
        uint64_t diff;
        if (frugal_solver_solution(m->solver, i, edges) != FRUGAL_OK ||
            frugal_cuckatoo_verify(keys, eb, edges, PROOF_SIZE, PROOF_SIZE) != FRUGAL_OK ||
            frugal_stratum_share_difficulty(edges, PROOF_SIZE, eb, &diff) != FRUGAL_OK) {
            atomic_fetch_add(&m->invalid, 1);
            continue;
        }
        atomic_fetch_add(&m->solutions, 1);
        if (diff >= job->difficulty)
            push_found(m, job, nonce, edges);
        else
            atomic_fetch_add(&m->below_target, 1);
    }
}

static void *mine_thread(void *arg)
{
    miner *m = arg;
    frugal_stratum_job *job = malloc(sizeof *job);
    uint8_t header[FRUGAL_STRATUM_PRE_POW_MAX + 8];
    uint64_t gen = 0, nonce = 0;
    if (!job) {
        snprintf(m->fatal_text, sizeof m->fatal_text, "out of memory");
        atomic_store(&m->fatal, 1);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&m->mu);
        while (!m->quit && !m->have_job)
            pthread_cond_wait(&m->cv, &m->mu);
        if (m->quit) {
            pthread_mutex_unlock(&m->mu);
            break;
        }
        if (m->job_gen != gen) {
            *job = m->job;
            gen = m->job_gen;
            nonce = random_nonce();
        }
        m->solving_clean = atomic_load(&m->clean_gen);
        pthread_mutex_unlock(&m->mu);
        size_t hlen;
        frugal_sipkeys keys;
        uint64_t this_nonce = nonce++;
        if (frugal_stratum_job_header(job, this_nonce, header, sizeof header, &hlen) != FRUGAL_OK ||
            frugal_cuckatoo_keys(header, hlen, &keys) != FRUGAL_OK) {
            snprintf(m->fatal_text, sizeof m->fatal_text, "cannot hash the job's header");
            atomic_store(&m->fatal, 1);
            break;
        }
        frugal_status st = frugal_solver_solve(m->solver, &keys);
        if (st == FRUGAL_ERR_STOPPED)
            continue;
        if (st != FRUGAL_OK) {
            snprintf(m->fatal_text, sizeof m->fatal_text, "solver: %s", frugal_status_str(st));
            atomic_store(&m->fatal, 1);
            break;
        }
        atomic_fetch_add(&m->graphs, 1);
        collect(m, job, this_nonce, &keys);
    }
    free(job);
    return NULL;
}

/* ---- Output ----------------------------------------------------------------- */

static void json_string(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void json_head(miner *m, const char *event, const char *pool)
{
    printf("{\"event\":\"%s\",\"time\":%.3f,\"pool\":", event, mono() - m->t0);
    json_string(pool ? pool : "");
}

/* A log line on stderr, clearing the live status line first on a terminal. */
static void log_line(miner *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(miner *m, const char *fmt, ...)
{
    if (m->o.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%sfrugal mine: ", m->tty ? "\r\033[K" : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void print_counts_json(miner *m, frugal_stratum_client *c, double rate)
{
    frugal_stratum_client_stats s;
    frugal_stratum_client_get_stats(c, &s);
    printf(",\"connected\":%s,\"height\":%llu,\"job_id\":%llu,\"difficulty\":%llu", 
           s.connected ? "true" : "false", (unsigned long long)s.height,
           (unsigned long long)s.job_id, (unsigned long long)s.difficulty);
    printf(",\"graphs\":%llu,\"graphs_per_s\":%.2f,\"solutions\":%llu,\"below_target\":%llu",
           (unsigned long long)atomic_load(&m->graphs), rate,
           (unsigned long long)atomic_load(&m->solutions),
           (unsigned long long)atomic_load(&m->below_target));
    printf(",\"found\":%llu,\"submitted\":%llu,\"accepted\":%llu,\"blocks\":%llu,\"rejected\":%llu,"
           "\"stale\":%llu,\"dropped\":%llu,\"lost\":%llu,\"queued\":%llu,\"inflight\":%llu",
           (unsigned long long)(m->handed + m->refused + atomic_load(&m->found_dropped)),
           (unsigned long long)s.submitted, (unsigned long long)s.accepted,
           (unsigned long long)s.blocks, (unsigned long long)s.rejected,
           (unsigned long long)s.stale,
           (unsigned long long)(s.dropped + m->refused + atomic_load(&m->found_dropped)),
           (unsigned long long)s.lost, (unsigned long long)s.queued,
           (unsigned long long)s.inflight);
    printf(",\"connects\":%llu,\"failovers\":%llu,\"invalid\":%llu",
           (unsigned long long)s.connects, (unsigned long long)s.failovers,
           (unsigned long long)atomic_load(&m->invalid));
}

static void print_status(miner *m, frugal_stratum_client *c, double rate, int final)
{
    frugal_stratum_client_stats s;
    frugal_stratum_client_get_stats(c, &s);
    const char *pool = frugal_stratum_client_pool(c, s.pool);
    if (m->o.json) {
        json_head(m, final ? "final" : "status", pool);
        print_counts_json(m, c, rate);
        if (final) {
            const frugal_solver_plan *plan = frugal_solver_get_plan(m->solver);
            printf(",\"solver\":\"%s\",\"threads\":%u,\"edge_bits\":%u,\"peak_rss_bytes\":%llu",
                   frugal_solver_kind_name(plan->kind), plan->threads, m->o.params.edgebits,
                   (unsigned long long)frugal_peak_rss_bytes());
        }
        printf("}\n");
        fflush(stdout);
    }
    if (m->o.quiet || (m->o.json && !final && !m->tty))
        return;
    char where[320];
    if (s.connected && s.have_job)
        snprintf(where, sizeof where, "%s height %llu diff %llu", pool,
                 (unsigned long long)s.height, (unsigned long long)s.difficulty);
    else
        snprintf(where, sizeof where, "%s (%s)", pool,
                 s.connected ? "waiting for a job" : "connecting");
    fprintf(stderr,
            "%s%s%.1f graphs/s, %llu graphs, %llu solutions | shares %llu accepted, %llu rejected, "
            "%llu stale | pool %s%s",
            m->tty && !final ? "\r\033[K" : "",
            final ? "frugal mine: final: " : "frugal mine: ", rate,
            (unsigned long long)atomic_load(&m->graphs),
            (unsigned long long)atomic_load(&m->solutions), (unsigned long long)s.accepted,
            (unsigned long long)s.rejected, (unsigned long long)s.stale, where,
            m->tty && !final ? "" : "\n");
    if (final && (s.dropped || s.lost || s.blocks || m->refused || s.queued || s.inflight))
        fprintf(stderr,
                "frugal mine: final: %llu blocks, %llu dropped (job gone), %llu lost (no answer), "
                "%llu unsent\n",
                (unsigned long long)s.blocks,
                (unsigned long long)(s.dropped + m->refused + atomic_load(&m->found_dropped)),
                (unsigned long long)s.lost, (unsigned long long)(s.queued + s.inflight));
}

static void on_event(miner *m, frugal_stratum_client *c, const frugal_stratum_event *ev)
{
    static const char *const kinds[] = {"none", "connected", "connect_failed", "disconnected",
                                        "job", "share", "pool_status", "error"};
    const char *pool = frugal_stratum_client_pool(c, ev->pool);
    if (ev->kind == FRUGAL_STRATUM_EV_NONE)
        return;
    if (ev->kind == FRUGAL_STRATUM_EV_JOB) {
        pthread_mutex_lock(&m->mu);
        m->job = ev->job;
        m->job_gen++;
        m->have_job = 1;
        if (ev->clean)
            atomic_fetch_add(&m->clean_gen, 1);
        pthread_cond_broadcast(&m->cv);
        pthread_mutex_unlock(&m->mu);
        if (ev->clean)
            frugal_solver_stop(m->solver); /* drop the graph of the old height */
    }
    if (m->o.json) {
        json_head(m, kinds[ev->kind], pool);
        switch (ev->kind) {
        case FRUGAL_STRATUM_EV_JOB:
            printf(",\"height\":%llu,\"job_id\":%llu,\"difficulty\":%llu,\"clean\":%s",
                   (unsigned long long)ev->job.height, (unsigned long long)ev->job.job_id,
                   (unsigned long long)ev->job.difficulty, ev->clean ? "true" : "false");
            break;
        case FRUGAL_STRATUM_EV_SHARE:
            printf(",\"result\":\"%s\",\"height\":%llu,\"job_id\":%llu,\"nonce\":%llu,"
                   "\"edge_bits\":%u,\"difficulty\":%llu,\"code\":%lld",
                   frugal_stratum_share_result_name(ev->result),
                   (unsigned long long)ev->share.height, (unsigned long long)ev->share.job_id,
                   (unsigned long long)ev->share.nonce, ev->share.edge_bits,
                   (unsigned long long)ev->share_difficulty, (long long)ev->code);
            printf(",\"pow\":[");
            for (size_t i = 0; i < ev->share.pow_len; i++)
                printf("%s%llu", i ? "," : "", (unsigned long long)ev->share.pow[i]);
            printf("]");
            break;
        case FRUGAL_STRATUM_EV_STATUS:
            printf(",\"id\":");
            json_string(ev->status.id);
            printf(",\"height\":%llu,\"difficulty\":%llu,\"accepted\":%llu,\"rejected\":%llu,"
                   "\"stale\":%llu",
                   (unsigned long long)ev->status.height, (unsigned long long)ev->status.difficulty,
                   (unsigned long long)ev->status.accepted,
                   (unsigned long long)ev->status.rejected, (unsigned long long)ev->status.stale);
            break;
        case FRUGAL_STRATUM_EV_ERROR: printf(",\"code\":%lld", (long long)ev->code); break;
        default: break;
        }
        printf(",\"text\":");
        json_string(ev->text);
        printf("}\n");
        fflush(stdout);
    }
    switch (ev->kind) {
    case FRUGAL_STRATUM_EV_CONNECTED:
    case FRUGAL_STRATUM_EV_CONNECT_FAILED:
    case FRUGAL_STRATUM_EV_DISCONNECTED:
    case FRUGAL_STRATUM_EV_ERROR: log_line(m, "%s", ev->text); break;
    case FRUGAL_STRATUM_EV_JOB:
        if (m->o.verbose)
            log_line(m, "%s: %s%s", pool, ev->text, ev->clean ? " (new height)" : "");
        break;
    case FRUGAL_STRATUM_EV_SHARE:
        if (m->o.verbose || (ev->result != FRUGAL_SHARE_ACCEPTED))
            log_line(m, "share nonce %llu at height %llu (difficulty %llu): %s%s%s",
                     (unsigned long long)ev->share.nonce, (unsigned long long)ev->share.height,
                     (unsigned long long)ev->share_difficulty,
                     frugal_stratum_share_result_name(ev->result), ev->text[0] ? ": " : "",
                     ev->text);
        break;
    default: break;
    }
}

/* Hands the shares the mining thread found to the client. */
static void drain_found(miner *m, frugal_stratum_client *c, found_share *tmp)
{
    for (;;) {
        pthread_mutex_lock(&m->mu);
        int have = m->nfound > 0;
        if (have) {
            *tmp = m->found[0];
            memmove(&m->found[0], &m->found[1], (m->nfound - 1) * sizeof m->found[0]);
            m->nfound--;
        }
        pthread_mutex_unlock(&m->mu);
        if (!have)
            return;
        frugal_status st = frugal_stratum_client_submit(c, &tmp->job, tmp->nonce,
                                                        m->o.params.edgebits, tmp->edges,
                                                        PROOF_SIZE);
        if (st == FRUGAL_OK) {
            m->handed++;
        } else {
            m->refused++;
            log_line(m, "share nonce %llu not queued: %s", (unsigned long long)tmp->nonce,
                     frugal_status_str(st));
        }
    }
}

/* ---- Options ------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: frugal mine --pool HOST:PORT [--pool ...] -e EB [options]\n"
            "Mines until SIGINT or SIGTERM, then prints a final report.\n"
            "  --pool HOST:PORT      a stratum server; more than one: failover, in order\n"
            "  -e, --edgebits EB     graph size (Grin: 32; 31 on forks; 15..19 on test chains)\n"
            "  --user U, --pass P    login (sent only when --user is given)\n"
            "  --max-mem SIZE        memory budget for the solver, e.g. 6G (K/M/G/T)\n"
            "  -t, --threads T       solver threads (default: all CPUs)\n"
            "  --solver KIND         lean|mean|packed|slean|auto (default auto)\n"
            "  --json                JSON event and status lines on stdout\n"
            "  --status-interval S   seconds between status lines (default 1 on a terminal, 10)\n"
            "  --tries N             failed attempts on a pool before the next one (default 3)\n"
            "  --retry-max S         longest wait between attempts, seconds (default 8)\n"
            "  --keepalive S         seconds between keepalive requests (default 30)\n"
            "  --cpu scalar|avx2|avx512   restrict the SIMD backends\n"
            "  -v, --verbose         log every job and share;  -q, --quiet: no status on stderr\n");
}

static int parse(int argc, char **argv, mine_opts *o)
{
    enum { OPT_POOL = 1, OPT_USER, OPT_PASS, OPT_MAXMEM, OPT_SOLVER, OPT_JSON, OPT_STATUS,
           OPT_TRIES, OPT_RETRY, OPT_KEEPALIVE, OPT_CPU };
    static const struct option longopts[] = {
        {"pool", required_argument, 0, OPT_POOL},     {"user", required_argument, 0, OPT_USER},
        {"pass", required_argument, 0, OPT_PASS},     {"edgebits", required_argument, 0, 'e'},
        {"max-mem", required_argument, 0, OPT_MAXMEM}, {"threads", required_argument, 0, 't'},
        {"solver", required_argument, 0, OPT_SOLVER}, {"json", no_argument, 0, OPT_JSON},
        {"status-interval", required_argument, 0, OPT_STATUS},
        {"tries", required_argument, 0, OPT_TRIES},
        {"retry-max", required_argument, 0, OPT_RETRY},
        {"keepalive", required_argument, 0, OPT_KEEPALIVE},
        {"cpu", required_argument, 0, OPT_CPU},       {"verbose", no_argument, 0, 'v'},
        {"quiet", no_argument, 0, 'q'},               {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    uint64_t v;
    int c;
    char host[FRUGAL_STRATUM_TEXT_MAX];
    unsigned port;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:t:vqh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_POOL:
            if (frugal_stratum_pool_parse(optarg, host, sizeof host, &port) != FRUGAL_OK) {
                cli_error("mine", "--pool: '%s' is not HOST:PORT (port 1..65535)", optarg);
                return -1;
            }
            if (o->npools == MINE_MAX_POOLS) {
                cli_error("mine", "--pool: at most %d pools", MINE_MAX_POOLS);
                return -1;
            }
            o->pools[o->npools++] = optarg;
            break;
        case OPT_USER: o->user = optarg; break;
        case OPT_PASS: o->pass = optarg; break;
        case 'e':
            if (parse_uint_opt("mine", "-e", optarg, FRUGAL_EDGEBITS_MIN, FRUGAL_EDGEBITS_MAX, &v))
                return -1;
            o->params.edgebits = (unsigned)v;
            o->have_eb = 1;
            break;
        case 't':
            if (parse_uint_opt("mine", "-t", optarg, 1, 256, &v))
                return -1;
            o->params.threads = (unsigned)v;
            break;
        case OPT_MAXMEM:
            if (frugal_parse_size(optarg, &o->params.max_mem) != FRUGAL_OK || !o->params.max_mem) {
                cli_error("mine", "--max-mem: '%s' is not a size like 512M or 2G", optarg);
                return -1;
            }
            break;
        case OPT_SOLVER:
            if (frugal_solver_kind_parse(optarg, &o->params.kind) != FRUGAL_OK) {
                cli_error("mine", "--solver: '%s' is not one of lean, mean, packed, slean, auto",
                          optarg);
                return -1;
            }
            break;
        case OPT_JSON: o->json = 1; break;
        case OPT_STATUS:
            if (parse_uint_opt("mine", "--status-interval", optarg, 1, 86400, &v))
                return -1;
            o->status_every = (double)v;
            break;
        case OPT_TRIES:
            if (parse_uint_opt("mine", "--tries", optarg, 1, 1000, &v))
                return -1;
            o->tries = (unsigned)v;
            break;
        case OPT_RETRY:
            if (parse_uint_opt("mine", "--retry-max", optarg, 1, 3600, &v))
                return -1;
            o->retry_max_s = (unsigned)v;
            break;
        case OPT_KEEPALIVE:
            if (parse_uint_opt("mine", "--keepalive", optarg, 1, 3600, &v))
                return -1;
            o->keepalive_s = (unsigned)v;
            break;
        case OPT_CPU:
            if (cpu_option("mine", optarg))
                return -1;
            break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return 1;
        case ':': cli_error("mine", "option %s needs a value", argv[optind - 1]); return -1;
        default:
            cli_error("mine", "unknown option '%s' (see frugal mine --help)", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        cli_error("mine", "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (!o->npools) {
        cli_error("mine", "missing --pool HOST:PORT (a stratum server)");
        return -1;
    }
    if (!o->have_eb) {
        cli_error("mine", "missing -e EB (edge bits, %d..%d)", FRUGAL_EDGEBITS_MIN,
                  FRUGAL_EDGEBITS_MAX);
        return -1;
    }
    return 0;
}

/* ---- The command ---------------------------------------------------------------- */

static int setup(miner *m, frugal_stratum_client **client)
{
    frugal_solver_plan plan;
    frugal_status st = frugal_plan_solver(&m->o.params, &plan);
    if (st != FRUGAL_OK) {
        cli_error("mine", "%s: %s", frugal_status_str(st), plan.text);
        return -1;
    }
    if (!m->o.quiet)
        fprintf(stderr, "frugal mine: C%u, plan: %s\n", m->o.params.edgebits, plan.text);
    m->o.params.progress = on_progress;
    m->o.params.progress_user = m;
    st = frugal_solver_create(&m->o.params, &m->solver);
    if (st != FRUGAL_OK) {
        cli_error("mine", "cannot create the solver: %s", frugal_status_str(st));
        return -1;
    }
    frugal_stratum_client_params cp;
    frugal_stratum_client_params_default(&cp);
    cp.pools = m->o.pools;
    cp.npools = m->o.npools;
    cp.login = m->o.user;
    cp.pass = m->o.pass;
    if (m->o.tries)
        cp.tries_per_pool = m->o.tries;
    if (m->o.retry_max_s)
        cp.backoff_max_ms = m->o.retry_max_s * 1000;
    if (m->o.keepalive_s) {
        cp.keepalive_ms = m->o.keepalive_s * 1000;
        cp.idle_timeout_ms = 3 * cp.keepalive_ms;
    }
    st = frugal_stratum_client_create(&cp, client);
    if (st != FRUGAL_OK) {
        cli_error("mine", "cannot start the stratum client: %s", frugal_status_str(st));
        return -1;
    }
    return 0;
}

/* After mining stopped: submit what was found and wait a little for the answers. */
static void wind_down(miner *m, frugal_stratum_client *c, found_share *tmp)
{
    frugal_stratum_event ev;
    drain_found(m, c, tmp);
    double until = mono() + 2.0;
    while (mono() < until) {
        frugal_stratum_client_stats s;
        frugal_stratum_client_get_stats(c, &s);
        if (!s.inflight && (!s.queued || !s.connected))
            break;
        frugal_stratum_client_poll(c, 50, &ev);
        on_event(m, c, &ev);
    }
    do { /* the events already in, answers included */
        frugal_stratum_client_poll(c, 0, &ev);
        on_event(m, c, &ev);
    } while (ev.kind != FRUGAL_STRATUM_EV_NONE);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: waits end early */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cmd_mine(int argc, char **argv)
{
    miner *m = calloc(1, sizeof *m);
    found_share *tmp = malloc(sizeof *tmp);
    frugal_stratum_event *ev = malloc(sizeof *ev);
    frugal_stratum_client *client = NULL;
    if (!m || !tmp || !ev) {
        cli_error("mine", "out of memory");
        free(m);
        free(tmp);
        free(ev);
        return EXIT_USAGE;
    }
    frugal_solver_params_default(&m->o.params, 0);
    int rc = parse(argc, argv, &m->o);
    if (rc == 0 && setup(m, &client) != 0)
        rc = -1;
    if (rc != 0) {
        frugal_stratum_client_destroy(client);
        frugal_solver_destroy(m->solver);
        free(m);
        free(tmp);
        free(ev);
        return rc > 0 ? 0 : EXIT_USAGE;
    }
    m->tty = isatty(STDERR_FILENO);
    double every = m->o.status_every > 0 ? m->o.status_every : m->tty ? 1.0 : 10.0;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv, NULL);
    m->t0 = mono();
    interrupted = 0;
    signal_solver = m->solver;
    install_signals();
    pthread_t th;
    if (pthread_create(&th, NULL, mine_thread, m) != 0) {
        cli_error("mine", "cannot start the mining thread");
        rc = EXIT_USAGE;
    }
    double next_status = m->t0 + every, last_t = m->t0;
    uint64_t last_graphs = 0;
    while (rc == 0 && !interrupted && !atomic_load(&m->fatal)) {
        drain_found(m, client, tmp);
        frugal_stratum_client_poll(client, 50, ev);
        on_event(m, client, ev);
        double now = mono();
        if (now >= next_status) {
            uint64_t g = atomic_load(&m->graphs);
            print_status(m, client, (double)(g - last_graphs) / (now - last_t), 0);
            last_graphs = g;
            last_t = now;
            next_status = now + every;
        }
    }
    if (rc == 0) {
        pthread_mutex_lock(&m->mu);
        m->quit = 1;
        pthread_cond_broadcast(&m->cv);
        pthread_mutex_unlock(&m->mu);
        frugal_solver_stop(m->solver);
        pthread_join(th, NULL);
        wind_down(m, client, tmp);
        if (m->tty && !m->o.quiet)
            fprintf(stderr, "\r\033[K");
        double secs = mono() - m->t0;
        print_status(m, client, secs > 0 ? (double)atomic_load(&m->graphs) / secs : 0, 1);
        if (atomic_load(&m->fatal)) {
            cli_error("mine", "%s", m->fatal_text);
            rc = EXIT_INVALID;
        }
    }
    signal_solver = NULL;
    frugal_stratum_client_destroy(client);
    frugal_solver_destroy(m->solver);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    free(m);
    free(tmp);
    free(ev);
    return rc;
}
