/* frugal: memory-frugal proof computation. Dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"solve", cmd_solve, "find the cycles of Cuckatoo graphs"},
    {"verify", cmd_verify, "check Cuckatoo proofs"},
#ifdef FRUGAL_HAVE_MERKLE
    {"merkle", cmd_merkle, "Poseidon2 memory Merkle trees: root, update, prove, verify"},
#endif
#ifdef FRUGAL_HAVE_MINE
    {"mine", cmd_mine, "mine Grin through a stratum pool"},
#endif
};

static void usage(FILE *f)
{
    fprintf(f, "usage: frugal <command> [options]   (frugal <command> --help for each)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-8s %s\n", "version", "print the version and the CPU features in use");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        char feats[64];
        printf("frugal %s (cpu: %s)\n", frugal_version(),
               frugal_cpu_names(frugal_cpu_features(), feats, sizeof feats));
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "frugal: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
