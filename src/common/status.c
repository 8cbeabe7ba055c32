/* Status strings and the version: the one table every caller shows to users. */
#include "frugal/common.h"

const char *frugal_status_str(frugal_status status)
{
    switch (status) {
    case FRUGAL_OK: return "ok";
    case FRUGAL_ERR_ARG: return "invalid argument";
    case FRUGAL_ERR_PARSE: return "malformed input";
    case FRUGAL_ERR_NOMEM: return "out of memory";
    case FRUGAL_ERR_BUDGET: return "does not fit the memory budget";
    case FRUGAL_ERR_IO: return "input/output error";
    case FRUGAL_ERR_UNSUPPORTED: return "not supported on this CPU or build";
    case FRUGAL_ERR_STOPPED: return "stopped";
    case FRUGAL_ERR_FULL: return "buffer full";
    case FRUGAL_ERR_RANGE: return "out of range";
    case FRUGAL_ERR_PROOF: return "proof does not verify";
    case FRUGAL_ERR_PROTOCOL: return "protocol error";
    case FRUGAL_ERR_INTERNAL: return "internal error";
    case FRUGAL_ERR_TRUNCATED: return "input truncated";
    case FRUGAL_ERR_STATE: return "not allowed in this state";
    case FRUGAL_POW_TOO_BIG: return "edge index too big";
    case FRUGAL_POW_TOO_SMALL: return "edges not ascending";
    case FRUGAL_POW_NON_MATCHING: return "endpoints don't match";
    case FRUGAL_POW_BRANCH: return "branch in cycle";
    case FRUGAL_POW_DEAD_END: return "cycle dead-ends";
    case FRUGAL_POW_SHORT_CYCLE: return "cycle too short";
    case FRUGAL_POW_WRONG_LENGTH: return "wrong proof length";
    }
    return "unknown status";
}

#define STR_(x) #x
#define STR(x) STR_(x)
const char *frugal_version(void)
{
    return STR(FRUGAL_VERSION_MAJOR) "." STR(FRUGAL_VERSION_MINOR) "." STR(FRUGAL_VERSION_PATCH);
}
