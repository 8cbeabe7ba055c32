/* Internal view of CPU dispatch: the public functions are in frugal/common.h. A
 * dispatcher calls frugal_cpu_features() once per batch (not per element) and picks
 * the widest backend whose bit is set. */
#ifndef FRUGAL_COMMON_CPU_H
#define FRUGAL_COMMON_CPU_H
#include "frugal/common.h"
#endif
