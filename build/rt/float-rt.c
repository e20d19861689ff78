/* build/rt/float-rt.c: the float functions wasm2c output calls that gcc
 * does not expand inline, for user programs that compute with floats.
 *
 * Owns: nearbyint and nearbyintf (wasm's f64.nearest and f32.nearest:
 * round to the nearest integer, ties to even, keeping the sign of a zero
 * result). floor, ceil, trunc, sqrt, fabs and copysign are gcc builtins
 * (math.h) that it expands inline with the user float flags
 * (USER_FLOAT_CFLAGS in build/kernel.ts: SSE2 math, no errno); the test
 * test/build/user-math.test.ts checks all of them bit for bit.
 * Included by user-rt.c only when the program is compiled with SSE2 math.
 * Must not: depend on a rounding mode other than the default, which the
 * kernel gives every thread (MXCSR 0x1F80, kernel/arch/x86/fpu.ts).
 */
#include <math.h>
/* math.h maps the names to gcc's builtins, which call these symbols. */
#undef nearbyint
#undef nearbyintf

/* Adding and subtracting 2^52 (2^23) rounds to an integer in the current
 * rounding mode, round to nearest even: in [2^52, 2^53) the spacing of
 * doubles is exactly 1. A value whose exponent says it is already an
 * integer (or infinite, or NaN) is returned as it is. */
double nearbyint(double x) {
  u64 bits;
  memcpy(&bits, &x, 8);
  u32 exponent = (u32)(bits >> 52) & 0x7FF;
  if (exponent >= 0x3FF + 52) return x;
  const double two52 = 4503599627370496.0;
  int negative = (int)(bits >> 63);
  double y = negative ? (x - two52) + two52 : (x + two52) - two52;
  if (y == 0) return negative ? -0.0 : 0.0;
  return y;
}

float nearbyintf(float x) {
  u32 bits;
  memcpy(&bits, &x, 4);
  u32 exponent = (bits >> 23) & 0xFF;
  if (exponent >= 0x7F + 23) return x;
  const float two23 = 8388608.0f;
  int negative = (int)(bits >> 31);
  float y = negative ? (x - two23) + two23 : (x + two23) - two23;
  if (y == 0) return negative ? -0.0f : 0.0f;
  return y;
}
