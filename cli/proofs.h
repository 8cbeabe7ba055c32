/* Proof input for frugal verify: text of "Solution <nonce> <hex edges>" lines, JSON
 * objects {"nonce":N,"edgebits":EB,"solutions":[[...],...]} (frugal solve --json),
 * blank lines and '#' comments. Kept apart from the command so it can be fuzzed. */
#ifndef FRUGAL_CLI_PROOFS_H
#define FRUGAL_CLI_PROOFS_H
#include <stddef.h>
#include <stdint.h>

typedef struct proof {
    uint64_t nonce;
    unsigned edgebits;
    size_t n;
    uint64_t *edges;
    size_t line; /* 0 for command-line proofs */
} proof;

typedef struct proof_list {
    proof *items;
    size_t count, cap;
} proof_list;

/* Parses whitespace-separated hex edge indices (optional 0x) from text into a new
 * proof appended to out. Returns 0, or -1 with a message in err. */
int proofs_add_hex(proof_list *out, const char *text, uint64_t nonce, unsigned edgebits,
                   size_t line, char *err, size_t errlen);

/* Parses one input line (without its newline) numbered lineno. Returns 0, or -1 with
 * a message in err ("line N: ..."). */
int proofs_parse_line(proof_list *out, const char *line, size_t len, size_t lineno,
                      unsigned def_eb, char *err, size_t errlen);

/* Parses a whole buffer of lines. Returns 0 or -1 with a message in err. */
int proofs_parse_text(proof_list *out, const char *text, size_t len, unsigned def_eb, char *err,
                      size_t errlen);

/* Frees every proof and the list's storage. */
void proofs_free(proof_list *list);
#endif
