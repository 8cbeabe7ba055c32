/* The RICE kernels compiled with BMI1/BMI2 (tzcnt, blsr, shlx/shrx: variable
 * shifts without the flags merge of shl %cl). pack.c picks them when the CPU has
 * AVX2, BMI1 and BMI2 and frugal_cpu_features() allows AVX2. */
#include "pack/pack_kernel.h"

static size_t enc_rice_bmi2(fr_pack_enc *s, const uint32_t *vals, size_t n)
{
    return fr_pack_enc_rice_body(s, vals, n);
}

static int dec_rice_bmi2(fr_pack_dec *s, uint32_t *out, size_t n)
{
    return fr_pack_dec_rice_body(s, out, n);
}

const fr_pack_kernels fr_pack_kernels_bmi2 = {"bmi2", enc_rice_bmi2, dec_rice_bmi2};
