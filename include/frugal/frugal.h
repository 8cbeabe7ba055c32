/* frugal.h: the whole public API of libfrugal. */
#ifndef FRUGAL_H
#define FRUGAL_H
#include "frugal/common.h"
#include "frugal/cuckatoo.h"
#include "frugal/merkle.h"
#include "frugal/poseidon2.h"
#include "frugal/stratum.h"
#endif
