// test/build/user-math.test.ts: the float functions a user program's
// wasm2c code calls, built as user programs with floats are (math.h's
// builtins under USER_FLOAT_CFLAGS, and build/rt/float-rt.c), must give
// wasm's results bit for bit: floor, ceil, trunc, nearest (ties to even),
// sqrt, for f64 and f32, on the values where implementations go wrong
// (signed zeros, halves, 2^52/2^23 and neighbours, subnormals, infinities).
// The C side runs as a 32-bit Linux program; the expected values come from
// JavaScript, whose arithmetic is IEEE 754.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { moduleCflags, gccInclude } from "../../build/kernel.ts";
import { OUT, ROOT } from "../../build/stage.ts";

const DIR = join(OUT, "test-build", "user-math");
const OPS = ["floor", "ceil", "trunc", "nearest", "sqrt"] as const;

const F64_INPUTS = [
  0, -0, 0.3, -0.3, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 0.49999999999999994, -0.49999999999999994,
  1, -1, 2 ** 52, -(2 ** 52), 2 ** 52 - 0.5, -(2 ** 52 - 0.5), 2 ** 52 + 1, 2 ** 53, 2 ** 51 + 0.5, -(2 ** 51 + 0.5),
  5e-324, -5e-324, 2.2250738585072014e-308, 1e300, -1e300, 123456.789, -123456.789, Infinity, -Infinity, 2, 1e-10,
];
const F32_INPUTS = [
  0, -0, 0.3, -0.3, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 2 ** 23, -(2 ** 23), 2 ** 23 - 0.5, -(2 ** 23 - 0.5), 2 ** 22 + 0.5,
  -(2 ** 22 + 0.5), 2 ** 24, 1e-45, -1e-45, 3e38, -3e38, 12345.678, -12345.678, Infinity, -Infinity, 2, 1e-10,
].map(Math.fround);

function nearest(x: number): number {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 2 ** 52) return x;
  const r = Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
  return r === 0 ? (x < 0 ? -0 : 0) : r;
}

function expected(op: (typeof OPS)[number], x: number, f32: boolean): number {
  const r = { floor: Math.floor, ceil: Math.ceil, trunc: Math.trunc, nearest, sqrt: Math.sqrt }[op](x);
  return f32 ? Math.fround(r) : r;
}

const bits64 = (v: number): string => {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  return d.getBigUint64(0).toString(16).padStart(16, "0");
};
const bits32 = (v: number): string => {
  const d = new DataView(new ArrayBuffer(4));
  d.setFloat32(0, v);
  return d.getUint32(0).toString(16).padStart(8, "0");
};

// Compiled as a user program's unit is: our math.h and string.h, the user float flags, float-rt.c.
const UNDER_TEST = `
#include <stdint.h>
#include <string.h>
#include <math.h>
typedef uint32_t u32;
typedef uint64_t u64;
#include "float-rt.c"
#define OP64(name, expr) u64 t64_##name(u64 b) { double x; memcpy(&x, &b, 8); double r = expr; memcpy(&b, &r, 8); return b; }
#define OP32(name, expr) u32 t32_##name(u32 b) { float x; memcpy(&x, &b, 4); float r = expr; memcpy(&b, &r, 4); return b; }
OP64(floor, floor(x)) OP64(ceil, ceil(x)) OP64(trunc, trunc(x)) OP64(nearest, nearbyint(x)) OP64(sqrt, sqrt(x))
OP32(floor, floorf(x)) OP32(ceil, ceilf(x)) OP32(trunc, truncf(x)) OP32(nearest, nearbyintf(x)) OP32(sqrt, sqrtf(x))
`;

const DRIVER = `
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
${OPS.map((op) => `uint64_t t64_${op}(uint64_t); uint32_t t32_${op}(uint32_t);`).join("\n")}
int main(int argc, char** argv) {
  for (int i = 1; i + 2 < argc; i += 3) {
    int wide = argv[i][0] == 'd';
    const char* op = argv[i + 1];
    unsigned long long b = strtoull(argv[i + 2], 0, 16);
    unsigned long long r = 0;
    ${OPS.map((op) => `if (!strcmp(op, "${op}")) r = wide ? t64_${op}(b) : t32_${op}((uint32_t)b);`).join("\n    ")}
    printf(wide ? "%016llx\\n" : "%08llx\\n", r);
  }
  return 0;
}
`;

describe("user float functions (math.h builtins and build/rt/float-rt.c)", () => {
  it("give wasm's floor, ceil, trunc, nearest and sqrt bit for bit, f64 and f32", () => {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, "under-test.c"), UNDER_TEST);
    writeFileSync(join(DIR, "driver.c"), DRIVER.replace("#include <stdlib.h>", "#include <stdlib.h>\n#include <string.h>"));
    const flags = moduleCflags("user", true).filter((f) => f !== "-nostdlib");
    const rt = join(ROOT, "build", "rt");
    execFileSync("gcc", [...flags, "-isystem", gccInclude(), "-I", join(rt, "include"), "-I", rt, "-c", join(DIR, "under-test.c"), "-o", join(DIR, "under-test.o")]);
    execFileSync("gcc", ["-m32", "-O2", "-no-pie", "-o", join(DIR, "driver"), join(DIR, "driver.c"), join(DIR, "under-test.o")]);
    const cases: { wide: boolean; op: (typeof OPS)[number]; x: number }[] = [];
    for (const op of OPS) {
      for (const x of F64_INPUTS) if (!(op === "sqrt" && x < 0)) cases.push({ wide: true, op, x });
      for (const x of F32_INPUTS) if (!(op === "sqrt" && x < 0)) cases.push({ wide: false, op, x });
    }
    const args = cases.flatMap((c) => [c.wide ? "d" : "f", c.op, c.wide ? bits64(c.x) : bits32(c.x)]);
    const out = execFileSync(join(DIR, "driver"), args).toString().trim().split("\n");
    const got = cases.map((c, i) => `${c.wide ? "f64" : "f32"}.${c.op}(${Object.is(c.x, -0) ? "-0" : c.x}) = ${out[i]}`);
    const want = cases.map((c) => `${c.wide ? "f64" : "f32"}.${c.op}(${Object.is(c.x, -0) ? "-0" : c.x}) = ${c.wide ? bits64(expected(c.op, c.x, false)) : bits32(expected(c.op, c.x, true))}`);
    expect(got).toEqual(want);
  });
});
