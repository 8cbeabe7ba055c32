/* frugal merkle: Poseidon2 memory Merkle trees over files.
 *   root FILE               the root of the file's tree
 *   update OLD NEW          OLD's tree, then NEW's differing blocks as one update
 *   prove FILE LEAF...      authentication paths (text form of frugal/merkle.h)
 *   verify PROOF|-          checks proofs, optionally against a trusted root
 * A file is a memory image: block i is bytes 16i..16i+15, zero past the end. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "frugal/merkle.h"

typedef struct merkle_opts {
    const char *sub;
    frugal_merkle_params params;
    int have_height, json, check;
    int have_root;
    frugal_digest root; /* verify --root */
    char *args[64];     /* positional arguments */
    int nargs;
} merkle_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: frugal merkle root FILE [options]\n"
            "       frugal merkle update OLD NEW [options] [--check]\n"
            "       frugal merkle prove FILE LEAF [LEAF...] [options]\n"
            "       frugal merkle verify PROOF|- [--root \"E0 ... E7\"]\n"
            "Tree options:\n"
            "  --height H       2^H leaves of 16 bytes (default: the smallest that holds\n"
            "                   the file; 0..%d)\n"
            "  --page-bits K    levels 0..K-1 are not stored (default 0; K <= H, <= %d)\n"
            "  --sparse         store only the pages that hold data\n"
            "  --max-pages N    sparse capacity in pages (default: the file's pages)\n"
            "  -t, --threads T  worker threads (default: all CPUs)\n"
            "  --cpu scalar|avx2|avx512   restrict the SIMD backends\n"
            "  --json           one JSON object on stdout\n"
            "  --check          update: rebuild NEW's tree and compare the roots\n"
            "Roots and digests are 8 decimal BabyBear elements.\n",
            FRUGAL_MERKLE_HEIGHT_MAX, FRUGAL_MERKLE_PAGE_BITS_MAX);
}

/* Parses "E0 E1 ... E7" (spaces or commas) into d. */
static int parse_digest_arg(const char *text, frugal_digest *d)
{
    const char *p = text;
    for (int i = 0; i < 8; i++) {
        while (*p == ' ' || *p == ',')
            p++;
        char num[16];
        size_t n = 0;
        while (p[n] >= '0' && p[n] <= '9' && n < sizeof num - 1)
            n++;
        if (n == 0 || (p[n] && p[n] != ' ' && p[n] != ','))
            return -1;
        memcpy(num, p, n);
        num[n] = '\0';
        uint64_t v;
        if (frugal_parse_u64(num, FRUGAL_BABYBEAR_P - 1, &v) != FRUGAL_OK)
            return -1;
        d->e[i] = (uint32_t)v;
        p += n;
    }
    while (*p == ' ' || *p == ',')
        p++;
    return *p ? -1 : 0;
}

static int parse(int argc, char **argv, merkle_opts *o)
{
    enum { OPT_HEIGHT = 1, OPT_PAGE_BITS, OPT_SPARSE, OPT_MAX_PAGES, OPT_CPU, OPT_JSON,
           OPT_CHECK, OPT_ROOT };
    static const struct option longopts[] = {
        {"height", required_argument, 0, OPT_HEIGHT},
        {"page-bits", required_argument, 0, OPT_PAGE_BITS},
        {"sparse", no_argument, 0, OPT_SPARSE},
        {"max-pages", required_argument, 0, OPT_MAX_PAGES},
        {"threads", required_argument, 0, 't'},
        {"cpu", required_argument, 0, OPT_CPU},
        {"json", no_argument, 0, OPT_JSON},
        {"check", no_argument, 0, OPT_CHECK},
        {"root", required_argument, 0, OPT_ROOT},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *cmd = "merkle";
    uint64_t v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":t:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HEIGHT:
            if (parse_uint_opt(cmd, "--height", optarg, 0, FRUGAL_MERKLE_HEIGHT_MAX, &v))
                return -1;
            o->params.height = (unsigned)v;
            o->have_height = 1;
            break;
        case OPT_PAGE_BITS:
            if (parse_uint_opt(cmd, "--page-bits", optarg, 0, FRUGAL_MERKLE_PAGE_BITS_MAX, &v))
                return -1;
            o->params.page_bits = (unsigned)v;
            break;
        case OPT_SPARSE: o->params.sparse = 1; break;
        case OPT_MAX_PAGES:
            if (parse_uint_opt(cmd, "--max-pages", optarg, 1, UINT64_MAX, &o->params.max_pages))
                return -1;
            break;
        case 't':
            if (parse_uint_opt(cmd, "--threads", optarg, 1, 256, &v))
                return -1;
            o->params.threads = (unsigned)v;
            break;
        case OPT_CPU:
            if (cpu_option(cmd, optarg))
                return -1;
            break;
        case OPT_JSON: o->json = 1; break;
        case OPT_CHECK: o->check = 1; break;
        case OPT_ROOT:
            if (parse_digest_arg(optarg, &o->root)) {
                cli_error(cmd, "--root: '%s' is not 8 field elements (< %u)", optarg,
                          FRUGAL_BABYBEAR_P);
                return -1;
            }
            o->have_root = 1;
            break;
        case 'h': usage(stdout); return 1;
        case ':':
            cli_error(cmd, "option %s needs a value", argv[optind - 1]);
            return -1;
        default:
            cli_error(cmd, "unknown option '%s' (see frugal merkle --help)", argv[optind - 1]);
            return -1;
        }
    }
    for (; optind < argc; optind++) {
        if (o->nargs == (int)(sizeof o->args / sizeof *o->args)) {
            cli_error(cmd, "too many arguments");
            return -1;
        }
        o->args[o->nargs++] = argv[optind];
    }
    return 0;
}

/* ---- files ----------------------------------------------------------------- */

typedef struct image {
    uint8_t *bytes;
    uint64_t len;  /* the file's size */
    uint64_t size; /* allocated: len rounded up to 16 (or more, zero-filled) */
} image;

/* Reads path ("-" is stdin) into a zero-padded buffer of at least min_size bytes. */
static int read_image(const char *path, uint64_t min_size, image *img)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error("merkle", "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    int err = ferror(f) ? errno : 0;
    if (f != stdin)
        fclose(f);
    if (!buf || err) {
        cli_error("merkle", "cannot read %s: %s", path, buf ? strerror(err) : "out of memory");
        free(buf);
        return -1;
    }
    uint64_t size = (len + 15) / 16 * 16;
    if (size < min_size)
        size = min_size;
    uint8_t *nb = realloc(buf, size ? size : 16);
    if (!nb) {
        free(buf);
        cli_error("merkle", "cannot read %s: out of memory", path);
        return -1;
    }
    memset(nb + len, 0, size - len);
    img->bytes = nb;
    img->len = len;
    img->size = size;
    return 0;
}

/* The smallest height whose tree holds bytes. */
static unsigned height_for(uint64_t bytes)
{
    unsigned h = 0;
    while (h < FRUGAL_MERKLE_HEIGHT_MAX && ((uint64_t)16 << h) < bytes)
        h++;
    return h;
}

/* Settles height and page bits for a memory of `bytes`; prints why not and returns -1. */
static int settle_params(merkle_opts *o, uint64_t bytes, const char *what)
{
    if (!o->have_height)
        o->params.height = height_for(bytes);
    if (((uint64_t)16 << o->params.height) < bytes) {
        cli_error("merkle", "%s (%llu bytes) does not fit a tree of height %u (%llu bytes)", what,
                  (unsigned long long)bytes, o->params.height,
                  (unsigned long long)((uint64_t)16 << o->params.height));
        return -1;
    }
    if (o->params.page_bits > o->params.height) {
        cli_error("merkle", "--page-bits %u exceeds the height %u", o->params.page_bits,
                  o->params.height);
        return -1;
    }
    uint64_t pages_max = (uint64_t)1 << (o->params.height - o->params.page_bits);
    if (o->params.sparse && !o->params.max_pages) {
        uint64_t page_bytes = (uint64_t)16 << o->params.page_bits;
        o->params.max_pages = (bytes + page_bytes - 1) / page_bytes;
        if (o->params.max_pages == 0)
            o->params.max_pages = 1;
    }
    if (o->params.max_pages > pages_max) {
        cli_error("merkle", "--max-pages %llu exceeds the %llu pages of the tree",
                  (unsigned long long)o->params.max_pages, (unsigned long long)pages_max);
        return -1;
    }
    return 0;
}

static frugal_merkle *make_tree(merkle_opts *o, image *img)
{
    frugal_merkle_region reg = {0, img->bytes, img->size};
    frugal_merkle *t = NULL;
    frugal_status st = frugal_merkle_create(&o->params, &reg, 1, &t);
    if (st != FRUGAL_OK) {
        char need[32];
        fmt_bytes(frugal_merkle_tree_bytes(&o->params), need, sizeof need);
        cli_error("merkle", "cannot build the tree (height %u, page bits %u, %s): %s",
                  o->params.height, o->params.page_bits, need, frugal_status_str(st));
        return NULL;
    }
    return t;
}

static void print_digest(const char *sep, const frugal_digest *d)
{
    for (int i = 0; i < 8; i++)
        printf("%s%u", i ? sep : "", d->e[i]);
}

/* ---- subcommands --------------------------------------------------------------- */

static int do_root(merkle_opts *o)
{
    if (o->nargs != 1) {
        cli_error("merkle", "root needs exactly one FILE");
        return EXIT_USAGE;
    }
    image img;
    if (read_image(o->args[0], 0, &img))
        return EXIT_USAGE;
    frugal_merkle *t = NULL;
    if (settle_params(o, img.len, o->args[0]) || !(t = make_tree(o, &img))) {
        free(img.bytes);
        return EXIT_USAGE;
    }
    frugal_digest root;
    frugal_merkle_root(t, &root);
    frugal_merkle_stats s;
    frugal_merkle_get_stats(t, &s);
    if (o->json) {
        printf("{\"root\":[");
        print_digest(",", &root);
        printf("],\"height\":%u,\"page_bits\":%u,\"sparse\":%s,\"tree_bytes\":%llu,"
               "\"hashes\":%llu,\"seconds\":%.6f,\"peak_rss_bytes\":%llu,\"threads\":%u,"
               "\"backend\":\"%s\"}\n",
               o->params.height, o->params.page_bits, o->params.sparse ? "true" : "false",
               (unsigned long long)s.high_water_bytes, (unsigned long long)s.build_hashes,
               s.build_seconds, (unsigned long long)frugal_peak_rss_bytes(), s.threads,
               s.backend);
    } else {
        print_digest(" ", &root);
        printf("\n");
    }
    frugal_merkle_destroy(t);
    free(img.bytes);
    return 0;
}

/* Blocks where a and b differ (both hold `size` bytes) and NEW's contents of them. */
static int diff_blocks(const image *a, const image *b, uint64_t size, uint64_t **blocks,
                       uint8_t **contents, size_t *n)
{
    size_t count = 0;
    for (uint64_t i = 0; i < size / 16; i++)
        count += memcmp(a->bytes + 16 * i, b->bytes + 16 * i, 16) != 0;
    *blocks = malloc((count ? count : 1) * sizeof **blocks);
    *contents = malloc((count ? count : 1) * 16);
    if (!*blocks || !*contents) {
        cli_error("merkle", "out of memory for %zu touched blocks", count);
        return -1;
    }
    size_t j = 0;
    for (uint64_t i = 0; i < size / 16; i++)
        if (memcmp(a->bytes + 16 * i, b->bytes + 16 * i, 16) != 0) {
            (*blocks)[j] = i;
            memcpy(*contents + 16 * j++, b->bytes + 16 * i, 16);
        }
    *n = count;
    return 0;
}

/* --check: NEW's own tree must have the root the update produced. */
static int check_rebuild(merkle_opts *o, image *newer, const frugal_digest *got)
{
    frugal_merkle *t = make_tree(o, newer);
    if (!t)
        return EXIT_USAGE;
    frugal_digest want;
    frugal_merkle_root(t, &want);
    frugal_merkle_destroy(t);
    if (memcmp(want.e, got->e, sizeof want.e) != 0) {
        cli_error("merkle", "internal error: the updated root differs from NEW's own root");
        return EXIT_INVALID;
    }
    return 0;
}

static int do_update(merkle_opts *o)
{
    if (o->nargs != 2) {
        cli_error("merkle", "update needs OLD and NEW");
        return EXIT_USAGE;
    }
    image old = {0}, newer = {0};
    uint64_t *blocks = NULL;
    uint8_t *contents = NULL;
    frugal_merkle *t = NULL;
    int rc = EXIT_USAGE;
    size_t n = 0, nrec = 0;
    if (read_image(o->args[0], 0, &old) || read_image(o->args[1], old.size, &newer))
        goto out;
    if (newer.size > old.size) { /* both images cover the larger one */
        uint8_t *nb = realloc(old.bytes, newer.size);
        if (!nb)
            goto out;
        memset(nb + old.size, 0, newer.size - old.size);
        old.bytes = nb;
        old.size = newer.size;
    }
    uint64_t bytes = old.len > newer.len ? old.len : newer.len;
    if (settle_params(o, bytes, "the larger file") || !(t = make_tree(o, &old)) ||
        diff_blocks(&old, &newer, old.size, &blocks, &contents, &n))
        goto out;
    frugal_digest r0, r1;
    frugal_merkle_root(t, &r0);
    frugal_status st = frugal_merkle_update(t, blocks, contents, n, NULL, 0, &nrec);
    if (st != FRUGAL_OK) {
        cli_error("merkle", "update failed: %s", frugal_status_str(st));
        goto out;
    }
    frugal_merkle_root(t, &r1);
    frugal_merkle_stats s;
    frugal_merkle_get_stats(t, &s);
    if (o->check && (rc = check_rebuild(o, &newer, &r1)) != 0)
        goto out;
    if (o->json) {
        printf("{\"old_root\":[");
        print_digest(",", &r0);
        printf("],\"new_root\":[");
        print_digest(",", &r1);
        printf("],\"touched_blocks\":%zu,\"touched_pages\":%llu,\"records\":%zu,\"hashes\":%llu,"
               "\"seconds\":%.6f,\"height\":%u,\"page_bits\":%u,\"sparse\":%s,\"tree_bytes\":%llu,"
               "\"build_hashes\":%llu,\"peak_rss_bytes\":%llu}\n",
               n, (unsigned long long)s.update_pages, nrec, (unsigned long long)s.update_hashes,
               s.update_seconds, o->params.height, o->params.page_bits,
               o->params.sparse ? "true" : "false", (unsigned long long)s.high_water_bytes,
               (unsigned long long)s.build_hashes, (unsigned long long)frugal_peak_rss_bytes());
    } else {
        printf("old_root ");
        print_digest(" ", &r0);
        printf("\nnew_root ");
        print_digest(" ", &r1);
        printf("\ntouched_blocks %zu\nrecords %zu\nhashes %llu\n", n, nrec,
               (unsigned long long)s.update_hashes);
    }
    rc = 0;
out:
    frugal_merkle_destroy(t);
    free(blocks);
    free(contents);
    free(old.bytes);
    free(newer.bytes);
    return rc;
}

static int do_prove(merkle_opts *o)
{
    if (o->nargs < 2) {
        cli_error("merkle", "prove needs FILE and at least one LEAF");
        return EXIT_USAGE;
    }
    image img;
    if (read_image(o->args[0], 0, &img))
        return EXIT_USAGE;
    frugal_merkle *t = NULL;
    int rc = EXIT_USAGE;
    uint64_t leaves[64];
    if (settle_params(o, img.len, o->args[0]))
        goto out;
    for (int i = 1; i < o->nargs; i++) {
        char name[32];
        snprintf(name, sizeof name, "LEAF %d", i);
        if (parse_uint_opt("merkle", name, o->args[i], 0,
                           ((uint64_t)1 << o->params.height) - 1, &leaves[i - 1]))
            goto out;
    }
    if (!(t = make_tree(o, &img)))
        goto out;
    static char text[FRUGAL_MERKLE_PROOF_TEXT_MAX];
    for (int i = 1; i < o->nargs; i++) {
        frugal_merkle_proof pf;
        frugal_status st = frugal_merkle_prove(t, leaves[i - 1], &pf);
        if (st == FRUGAL_OK)
            st = frugal_merkle_proof_format(&pf, text, sizeof text, NULL);
        if (st != FRUGAL_OK) {
            cli_error("merkle", "leaf %llu: %s", (unsigned long long)leaves[i - 1],
                      frugal_status_str(st));
            goto out;
        }
        fputs(text, stdout);
    }
    rc = 0;
out:
    frugal_merkle_destroy(t);
    free(img.bytes);
    return rc;
}

/* Parses every proof of the input first: a malformed one prints nothing on stdout. */
static int do_verify(merkle_opts *o)
{
    if (o->nargs != 1) {
        cli_error("merkle", "verify needs one PROOF file (or - for stdin)");
        return EXIT_USAGE;
    }
    image in;
    if (read_image(o->args[0], 0, &in))
        return EXIT_USAGE;
    size_t cap = 16, count = 0, at = 0;
    frugal_merkle_proof *pf = malloc(cap * sizeof *pf);
    int rc = EXIT_USAGE;
    while (pf && at < in.len) {
        if (count == cap) {
            frugal_merkle_proof *np = realloc(pf, (cap *= 2) * sizeof *pf);
            if (!np)
                goto out;
            pf = np;
        }
        size_t used = 0;
        frugal_status st = frugal_merkle_proof_parse((const char *)in.bytes + at, in.len - at,
                                                     &pf[count], &used);
        if (st != FRUGAL_OK) {
            cli_error("merkle", "%s: proof %zu: %s", o->args[0], count + 1, frugal_status_str(st));
            goto out;
        }
        at += used;
        count++;
    }
    if (count == 0) {
        cli_error("merkle", "%s: no proof", o->args[0]);
        goto out;
    }
    rc = 0;
    for (size_t i = 0; i < count; i++) {
        frugal_status st = frugal_merkle_verify(&pf[i]);
        unsigned long long leaf = (unsigned long long)pf[i].leaf;
        if (st != FRUGAL_OK) {
            printf("FAIL leaf %llu: %s\n", leaf, frugal_status_str(st));
            rc = EXIT_INVALID;
        } else if (o->have_root && memcmp(pf[i].root.e, o->root.e, sizeof o->root.e) != 0) {
            printf("FAIL leaf %llu: the proof's root is not the given root\n", leaf);
            rc = EXIT_INVALID;
        } else {
            printf("OK leaf %llu\n", leaf);
        }
    }
out:
    free(pf);
    free(in.bytes);
    return rc;
}

int cmd_merkle(int argc, char **argv)
{
    if (argc < 2) {
        cli_error("merkle", "missing subcommand: root, update, prove or verify (see --help)");
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    merkle_opts o;
    memset(&o, 0, sizeof o);
    o.sub = argv[1];
    frugal_merkle_params_default(&o.params, 0);
    int (*run)(merkle_opts *) = NULL;
    if (!strcmp(o.sub, "root"))
        run = do_root;
    else if (!strcmp(o.sub, "update"))
        run = do_update;
    else if (!strcmp(o.sub, "prove"))
        run = do_prove;
    else if (!strcmp(o.sub, "verify"))
        run = do_verify;
    if (!run) {
        cli_error("merkle", "unknown subcommand '%s' (root, update, prove, verify)", o.sub);
        return EXIT_USAGE;
    }
    int pr = parse(argc - 1, argv + 1, &o);
    if (pr)
        return pr > 0 ? 0 : EXIT_USAGE;
    if (o.check && run != do_update) {
        cli_error("merkle", "--check applies to update only");
        return EXIT_USAGE;
    }
    if (o.have_root && run != do_verify) {
        cli_error("merkle", "--root applies to verify only");
        return EXIT_USAGE;
    }
    return run(&o);
}
