/* math.h: freestanding stand-in. The kernel's wasm has no float
 * instructions (the build checks), so for it these only name what the
 * wasm2c preamble's unused static helpers mention. User programs that
 * compute with floats are built with SSE2 math (build/kernel.ts,
 * USER_FLOAT_CFLAGS), where gcc expands these builtins inline, except
 * nearbyint/nearbyintf: build/rt/float-rt.c defines those. */
#ifndef TSOS_MATH_H
#define TSOS_MATH_H
#define NAN __builtin_nanf("")
#define INFINITY __builtin_inff()
#define isnan(x) __builtin_isnan(x)
#define signbit(x) __builtin_signbit(x)
#define floor __builtin_floor
#define floorf __builtin_floorf
#define ceil __builtin_ceil
#define ceilf __builtin_ceilf
#define trunc __builtin_trunc
#define truncf __builtin_truncf
#define nearbyint __builtin_nearbyint
#define nearbyintf __builtin_nearbyintf
#define fabs __builtin_fabs
#define fabsf __builtin_fabsf
#define sqrt __builtin_sqrt
#define sqrtf __builtin_sqrtf
#define copysign __builtin_copysign
#define copysignf __builtin_copysignf
#endif
