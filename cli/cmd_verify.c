/* frugal verify: check proofs given as arguments or read from stdin, where each line
 * is a "Solution <nonce> <hex edges>" line (frugal solve's text output), a JSON
 * object with "nonce" and "solutions" (frugal solve --json), blank, or a '#' comment.
 * All input is read and parsed before anything is verified, so bad input prints
 * nothing on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "proofs.h"

/* Reads stdin whole (the input is proofs: small) and parses it. */
static int read_stdin(unsigned def_eb, proof_list *out)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len, stdin)) > 0;) {
        len += got;
        if (len == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    if (!buf) {
        cli_error("verify", "out of memory reading stdin");
        return -1;
    }
    char err[256];
    int rc = proofs_parse_text(out, buf, len, def_eb, err, sizeof err);
    if (rc)
        cli_error("verify", "%s", err);
    free(buf);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: frugal verify -e EB [-n NONCE] [HEADER] EDGE...   (hex edge indices)\n"
               "       frugal verify -e EB [HEADER] -    (Solution lines or JSON from stdin)\n"
               "  --cycle-len L   cycle length (default 42); HEADER as in frugal solve\n"
               "Prints OK or FAIL with the reason per proof; exit 0 only if all are valid.\n");
}

int cmd_verify(int argc, char **argv)
{
    enum { OPT_CYCLE = 1 };
    static const struct option longopts[] = {
        {"edgebits", required_argument, 0, 'e'}, {"nonce", required_argument, 0, 'n'},
        {"cycle-len", required_argument, 0, OPT_CYCLE}, {"help", no_argument, 0, 'h'},
        {"header-len", required_argument, 0, OPT_HEADER_LEN},
        {"header", required_argument, 0, OPT_HEADER},
        {"grin-pre-pow", required_argument, 0, OPT_GRIN_PRE_POW},
        {0, 0, 0, 0}};
    header_spec hs;
    header_default(&hs);
    uint64_t eb = 0, nonce = 0, cycle = FRUGAL_CYCLE_DEFAULT;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:e:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            if (parse_uint_opt("verify", "-e", optarg, 1, FRUGAL_VERIFY_EDGEBITS_MAX, &eb))
                return EXIT_USAGE;
            break;
        case 'n':
            if (parse_uint_opt("verify", "-n", optarg, 0, UINT64_MAX, &nonce))
                return EXIT_USAGE;
            break;
        case OPT_CYCLE:
            if (parse_uint_opt("verify", "--cycle-len", optarg, FRUGAL_CYCLE_MIN, FRUGAL_CYCLE_MAX,
                               &cycle))
                return EXIT_USAGE;
            if (cycle & 1) {
                cli_error("verify", "--cycle-len: %s is odd; cycles have even length", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return 0;
        case OPT_HEADER_LEN: case OPT_HEADER: case OPT_GRIN_PRE_POW:
            if (header_option(&hs, c, optarg, "verify"))
                return EXIT_USAGE;
            break;
        case ':':
            cli_error("verify", "option %s needs a value", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error("verify", "unknown option '%s' (see frugal verify --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (!eb) {
        cli_error("verify", "missing -e EB (edge bits)");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_error("verify", "missing proof: give hex edge indices, or - to read stdin");
        return EXIT_USAGE;
    }
    proof_list list = {0};
    int from_stdin = argc - optind == 1 && !strcmp(argv[optind], "-");
    int rc = 0;
    if (from_stdin) {
        if (read_stdin((unsigned)eb, &list))
            rc = EXIT_USAGE;
        else if (list.count == 0) {
            cli_error("verify", "no proofs on stdin");
            rc = EXIT_USAGE;
        }
    } else {
        size_t len = 1;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        char *joined = calloc(1, len), err[256];
        for (int i = optind; joined && i < argc; i++) {
            strcat(joined, argv[i]);
            strcat(joined, " ");
        }
        if (!joined || proofs_add_hex(&list, joined, nonce, (unsigned)eb, 0, err, sizeof err)) {
            cli_error("verify", "%s", joined ? err : "out of memory");
            rc = EXIT_USAGE;
        }
        free(joined);
    }
    for (size_t i = 0; rc == 0 && i < list.count; i++) {
        if (list.items[i].nonce > header_max_nonce(&hs)) {
            cli_error("verify", "line %zu: nonce %llu does not fit this header's nonce field",
                      list.items[i].line, (unsigned long long)list.items[i].nonce);
            rc = EXIT_USAGE;
        }
    }
    int invalid = 0;
    for (size_t i = 0; rc == 0 && i < list.count; i++) {
        proof *p = &list.items[i];
        frugal_sipkeys keys;
        frugal_status st = header_keys(&hs, p->nonce, &keys);
        if (st == FRUGAL_OK)
            st = frugal_cuckatoo_verify(&keys, p->edgebits, p->edges, p->n, cycle);
        if (st != FRUGAL_OK)
            invalid = 1;
        if (!from_stdin)
            printf(st == FRUGAL_OK ? "OK\n" : "FAIL: %s\n", frugal_status_str(st));
        else if (st == FRUGAL_OK)
            printf("OK nonce %llu\n", (unsigned long long)p->nonce);
        else
            printf("FAIL nonce %llu (line %zu): %s\n", (unsigned long long)p->nonce, p->line,
                   frugal_status_str(st));
    }
    proofs_free(&list);
    return rc ? rc : invalid ? EXIT_INVALID : 0;
}
