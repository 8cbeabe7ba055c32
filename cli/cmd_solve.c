/* frugal solve: find every cycle of the graphs of nonces NONCE..NONCE+RANGE-1. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static frugal_solver *volatile running_solver;
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
    if (running_solver)
        frugal_solver_stop(running_solver);
}

typedef struct progress_state {
    int tty, verbose;
    uint64_t nonce;
    double last;
} progress_state;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_progress(void *user, const frugal_progress *p)
{
    progress_state *ps = user;
    if (ps->verbose) {
        fprintf(stderr, "nonce %llu: %s round %u (%c): %llu edges alive, %.2f s\n",
                (unsigned long long)ps->nonce, p->phase, p->round, (p->round & 1) ? 'V' : 'U',
                (unsigned long long)p->edges_alive, p->seconds);
    } else if (ps->tty) {
        double now = mono();
        if (now - ps->last < 0.25 && strcmp(p->phase, "cycles") != 0)
            return;
        ps->last = now;
        fprintf(stderr, "\r\033[Knonce %llu: %s round %u, %llu edges alive, %.1f s",
                (unsigned long long)ps->nonce, p->phase, p->round,
                (unsigned long long)p->edges_alive, p->seconds);
    }
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: frugal solve -e EB [-n NONCE] [-r RANGE] [-t THREADS] [HEADER] [--json]\n"
            "  -e, --edgebits EB     graph size: 2^EB edges (%d..%d)\n"
            "  -n, --nonce N         first nonce (default 0)\n"
            "  -r, --range R         number of nonces (default 1)\n"
            "  -t, --threads T       worker threads (default: all CPUs)\n"
            "  --solver KIND         lean|mean|packed|slean|auto (default auto)\n"
            "  --max-mem SIZE        memory budget for the solver, e.g. 2G (K/M/G/T);\n"
            "                        default: 3/4 of this machine's RAM\n"
            "  --cycle-len L         cycle length (even, default 42)\n"
            "  --bucket-bits B       mean/packed/slean: 2^B nodes per bucket (default 23\n"
            "                        from EB 27 up: 1 MiB bitmaps; try 22 where L2 is 1 MiB)\n"
            "  --json                one JSON object per graph on stdout\n"
            "  --cpu scalar|avx2|avx512   restrict the SIMD backends\n"
            "  -v, --verbose         log every trimming round on stderr\n"
            "  -q, --quiet           no progress on stderr\n"
            "HEADER (the nonce is written as u32 LE in the last whole 4-byte word):\n"
            "  (default)             80 zero bytes\n"
            "  --header-len L        L zero bytes\n"
            "  --header HEX          these bytes\n"
            "  --grin-pre-pow HEX    Grin: 238-byte pre-PoW, nonce appended as u64 BE\n",
            FRUGAL_EDGEBITS_MIN, FRUGAL_EDGEBITS_MAX);
}

typedef struct solve_opts {
    frugal_solver_params params;
    header_spec header;
    uint64_t nonce, range;
    int json, verbose, quiet, have_eb;
} solve_opts;

static int parse(int argc, char **argv, solve_opts *o)
{
    enum { OPT_JSON = 1, OPT_SOLVER, OPT_MAXMEM, OPT_CYCLE, OPT_CPU, OPT_BUCKET_BITS };
    static const struct option longopts[] = {
        {"edgebits", required_argument, 0, 'e'}, {"nonce", required_argument, 0, 'n'},
        {"range", required_argument, 0, 'r'},    {"threads", required_argument, 0, 't'},
        {"json", no_argument, 0, OPT_JSON},      {"solver", required_argument, 0, OPT_SOLVER},
        {"max-mem", required_argument, 0, OPT_MAXMEM},
        {"cycle-len", required_argument, 0, OPT_CYCLE},
        {"bucket-bits", required_argument, 0, OPT_BUCKET_BITS},
        {"cpu", required_argument, 0, OPT_CPU},  {"verbose", no_argument, 0, 'v'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},
        {"header-len", required_argument, 0, OPT_HEADER_LEN},
        {"header", required_argument, 0, OPT_HEADER},
        {"grin-pre-pow", required_argument, 0, OPT_GRIN_PRE_POW},
        {0, 0, 0, 0}};
    uint64_t v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:n:r:t:vqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            if (parse_uint_opt("solve", "-e", optarg, FRUGAL_EDGEBITS_MIN, FRUGAL_EDGEBITS_MAX, &v))
                return -1;
            o->params.edgebits = (unsigned)v;
            o->have_eb = 1;
            break;
        case 'n':
            if (parse_uint_opt("solve", "-n", optarg, 0, UINT64_MAX, &o->nonce))
                return -1;
            break;
        case 'r':
            if (parse_uint_opt("solve", "-r", optarg, 1, UINT32_MAX, &o->range))
                return -1;
            break;
        case 't':
            if (parse_uint_opt("solve", "-t", optarg, 1, 256, &v))
                return -1;
            o->params.threads = (unsigned)v;
            break;
        case OPT_JSON: o->json = 1; break;
        case OPT_SOLVER:
            if (frugal_solver_kind_parse(optarg, &o->params.kind) != FRUGAL_OK) {
                cli_error("solve", "--solver: '%s' is not one of lean, mean, packed, slean, auto",
                          optarg);
                return -1;
            }
            break;
        case OPT_MAXMEM:
            if (frugal_parse_size(optarg, &o->params.max_mem) != FRUGAL_OK ||
                o->params.max_mem == 0) {
                cli_error("solve", "--max-mem: '%s' is not a size like 512M or 2G", optarg);
                return -1;
            }
            break;
        case OPT_CYCLE:
            if (parse_uint_opt("solve", "--cycle-len", optarg, FRUGAL_CYCLE_MIN, FRUGAL_CYCLE_MAX, &v))
                return -1;
            if (v & 1) {
                cli_error("solve", "--cycle-len: %s is odd; cycles have even length", optarg);
                return -1;
            }
            o->params.cycle_len = (unsigned)v;
            break;
        case OPT_CPU:
            if (cpu_option("solve", optarg))
                return -1;
            break;
        case OPT_BUCKET_BITS:
            if (parse_uint_opt("solve", "--bucket-bits", optarg, FRUGAL_BUCKET_NODE_BITS_MIN,
                               FRUGAL_BUCKET_NODE_BITS_MAX, &v))
                return -1;
            o->params.bucket_node_bits = (unsigned)v;
            break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return 1;
        case OPT_HEADER_LEN: case OPT_HEADER: case OPT_GRIN_PRE_POW:
            if (header_option(&o->header, c, optarg, "solve"))
                return -1;
            break;
        case ':':
            cli_error("solve", "option %s needs a value", argv[optind - 1]);
            return -1;
        default:
            cli_error("solve", "unknown option '%s' (see frugal solve --help)", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        cli_error("solve", "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (!o->have_eb) {
        cli_error("solve", "missing -e EB (edge bits, %d..%d)", FRUGAL_EDGEBITS_MIN,
                  FRUGAL_EDGEBITS_MAX);
        return -1;
    }
    unsigned bb = o->params.bucket_node_bits, eb = o->params.edgebits;
    if (bb && (bb + FRUGAL_BUCKETS_BITS_MIN > eb || bb + FRUGAL_BUCKETS_BITS_MAX < eb)) {
        unsigned lo = eb > FRUGAL_BUCKETS_BITS_MAX ? eb - FRUGAL_BUCKETS_BITS_MAX : 0;
        cli_error("solve", "--bucket-bits %u does not fit -e %u: it must leave %d to %d bucket "
                  "bits (%u..%u)", bb, eb, FRUGAL_BUCKETS_BITS_MIN, FRUGAL_BUCKETS_BITS_MAX,
                  lo > FRUGAL_BUCKET_NODE_BITS_MIN ? lo : FRUGAL_BUCKET_NODE_BITS_MIN,
                  eb - FRUGAL_BUCKETS_BITS_MIN);
        return -1;
    }
    if (o->nonce > header_max_nonce(&o->header) ||
        o->range - 1 > header_max_nonce(&o->header) - o->nonce) {
        cli_error("solve", "nonces %llu..%llu do not fit this header's nonce field",
                  (unsigned long long)o->nonce, (unsigned long long)(o->nonce + o->range - 1));
        return -1;
    }
    return 0;
}

static void print_json(const solve_opts *o, uint64_t nonce, const frugal_sipkeys *keys,
                       frugal_solver *s, const frugal_solver_stats *st)
{
    const frugal_solver_plan *plan = frugal_solver_get_plan(s);
    printf("{\"edgebits\":%u,\"nonce\":%llu,\"keys\":[", o->params.edgebits,
           (unsigned long long)nonce);
    for (int i = 0; i < 4; i++)
        printf("%s\"%016llx\"", i ? "," : "", (unsigned long long)keys->k[i]);
    printf("],\"solutions\":[");
    uint64_t edges[FRUGAL_CYCLE_MAX];
    for (size_t i = 0; i < frugal_solver_count(s); i++) {
        frugal_solver_solution(s, i, edges);
        printf("%s[", i ? "," : "");
        for (unsigned k = 0; k < o->params.cycle_len; k++)
            printf("%s%llu", k ? "," : "", (unsigned long long)edges[k]);
        printf("]");
    }
    printf("],\"solver\":\"%s\",\"threads\":%u,\"seconds\":%.3f,\"rounds\":%u,"
           "\"planned_bytes\":%llu,\"peak_rss_bytes\":%llu}\n",
           frugal_solver_kind_name(plan->kind), plan->threads, st->seconds, st->rounds,
           (unsigned long long)plan->planned_bytes,
           (unsigned long long)frugal_peak_rss_bytes());
}

static void print_text(const solve_opts *o, uint64_t nonce, frugal_solver *s)
{
    uint64_t edges[FRUGAL_CYCLE_MAX];
    for (size_t i = 0; i < frugal_solver_count(s); i++) {
        frugal_solver_solution(s, i, edges);
        printf("Solution %llu", (unsigned long long)nonce);
        for (unsigned k = 0; k < o->params.cycle_len; k++)
            printf(" %llx", (unsigned long long)edges[k]);
        printf("\n");
    }
}

/* Every solution is checked by the independent verifier before it is printed. */
static int check_solutions(const solve_opts *o, uint64_t nonce, const frugal_sipkeys *keys,
                           frugal_solver *s)
{
    uint64_t edges[FRUGAL_CYCLE_MAX];
    for (size_t i = 0; i < frugal_solver_count(s); i++) {
        frugal_solver_solution(s, i, edges);
        frugal_status v = frugal_cuckatoo_verify(keys, o->params.edgebits, edges,
                                                 o->params.cycle_len, o->params.cycle_len);
        if (v != FRUGAL_OK) {
            cli_error("solve", "internal error: nonce %llu cycle %zu fails verification (%s)",
                      (unsigned long long)nonce, i, frugal_status_str(v));
            return -1;
        }
    }
    return 0;
}

int cmd_solve(int argc, char **argv)
{
    solve_opts o;
    memset(&o, 0, sizeof o);
    frugal_solver_params_default(&o.params, 0);
    header_default(&o.header);
    o.range = 1;
    int pr = parse(argc, argv, &o);
    if (pr)
        return pr > 0 ? 0 : EXIT_USAGE;
    if (!o.params.max_mem) {
        /* never plan past the machine: auto would otherwise pick the fastest kind */
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        if (pages > 0 && page > 0)
            o.params.max_mem = (uint64_t)pages * (uint64_t)page / 4 * 3;
    }
    frugal_solver_plan plan;
    frugal_status st = frugal_plan_solver(&o.params, &plan);
    if (st != FRUGAL_OK) {
        cli_error("solve", "%s: %s", frugal_status_str(st), plan.text);
        return EXIT_USAGE;
    }
    if (!o.quiet)
        fprintf(stderr, "frugal solve: plan: %s\n", plan.text);
    progress_state ps = {isatty(STDERR_FILENO) && !o.quiet, o.verbose && !o.quiet, 0, 0};
    o.params.progress = on_progress;
    o.params.progress_user = &ps;
    frugal_solver *s;
    st = frugal_solver_create(&o.params, &s);
    if (st != FRUGAL_OK) {
        cli_error("solve", "cannot create the solver: %s", frugal_status_str(st));
        return EXIT_USAGE;
    }
    running_solver = s;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    uint64_t graphs = 0, total_sols = 0;
    double total_secs = 0;
    int rc = 0;
    for (uint64_t i = 0; i < o.range && !interrupted; i++) {
        uint64_t nonce = o.nonce + i;
        frugal_sipkeys keys;
        if (header_keys(&o.header, nonce, &keys) != FRUGAL_OK) {
            cli_error("solve", "cannot derive keys for nonce %llu", (unsigned long long)nonce);
            rc = EXIT_USAGE;
            break;
        }
        ps.nonce = nonce;
        st = frugal_solver_solve(s, &keys);
        if (ps.tty)
            fprintf(stderr, "\r\033[K");
        if (st == FRUGAL_ERR_STOPPED)
            break;
        if (st != FRUGAL_OK) {
            cli_error("solve", "nonce %llu: %s", (unsigned long long)nonce, frugal_status_str(st));
            rc = EXIT_INVALID;
            break;
        }
        if (check_solutions(&o, nonce, &keys, s)) {
            rc = EXIT_INVALID;
            break;
        }
        frugal_solver_stats stats;
        frugal_solver_get_stats(s, &stats);
        graphs++;
        total_sols += frugal_solver_count(s);
        total_secs += stats.seconds;
        if (o.json)
            print_json(&o, nonce, &keys, s, &stats);
        else
            print_text(&o, nonce, s);
        fflush(stdout);
        if (!o.quiet)
            fprintf(stderr, "nonce %llu: %zu solution%s, %u rounds, %.2f s\n",
                    (unsigned long long)nonce, frugal_solver_count(s),
                    frugal_solver_count(s) == 1 ? "" : "s", stats.rounds, stats.seconds);
    }
    running_solver = NULL;
    frugal_solver_destroy(s);
    if (!o.json) {
        char rss[32];
        fmt_bytes(frugal_peak_rss_bytes(), rss, sizeof rss);
        printf("# %llu graph%s, %llu solution%s, %.3f s per graph, solver %s, peak RSS %s\n",
               (unsigned long long)graphs, graphs == 1 ? "" : "s", (unsigned long long)total_sols,
               total_sols == 1 ? "" : "s", graphs ? total_secs / (double)graphs : 0.0,
               frugal_solver_kind_name(plan.kind), rss);
    }
    if (interrupted) {
        fprintf(stderr, "frugal solve: interrupted after %llu graph%s\n",
                (unsigned long long)graphs, graphs == 1 ? "" : "s");
        return 130;
    }
    return rc;
}
