// userland/fpu/main.ts: floating-point work whose exact result is known.
//
// Arguments: <name> <seed> <iterations>. Iterates an f64 and an f32
// logistic map (chaotic: one wrong bit anywhere grows to a different
// result) and a sum of square roots, floors and quotients, all seeded by
// <seed>, never yielding; then prints one line
//   "fpu <name> f64 <hi> <lo> f32 <bits> sum <hi> <lo>"
// (bit patterns in hex). test/system/fpu.test.ts computes the same series
// in JavaScript, whose doubles and Math.fround are IEEE 754 as wasm's f64
// and f32 are, and checks every bit. Run several at once at a high timer
// rate, it proves that the kernel keeps each thread's FPU/SSE registers
// across preemption (kernel/arch/x86/fpu.ts).

import { nameThreadFromArgs, print, printBytes, printHex, printLine, argNumber, yieldCpu } from "../../libs/user/sys";

export { abort, wasmTrap } from "../../libs/user/runtime";

const nameBuf = memory.data(32);

function printF64(v: f64): void {
  const bits = reinterpret<u64>(v);
  printHex(<u32>(bits >> 32));
  print(" ");
  printHex(<u32>bits);
}

export function main(): u32 {
  const n = nameThreadFromArgs(nameBuf);
  const seed = argNumber(1, 1);
  const iterations = argNumber(2, 100000);

  // The series; the test's JavaScript twin must match it operation for operation.
  let x: f64 = 0.1 + <f64>seed / 64.0;
  let y: f32 = <f32>0.2 + <f32>seed / <f32>128.0;
  let sum: f64 = 0;
  for (let i: u32 = 0; i < iterations; i++) {
    x = 3.99 * x * (1.0 - x);
    y = <f32>3.7 * y * (<f32>1.0 - y);
    sum += Math.sqrt(x + <f64>i) + Math.floor(x * 1000.0) / 3.0 + <f64>Mathf.sqrt(y);
  }

  yieldCpu(); // a fresh time slice, so the line is rarely split by a switch
  print("fpu ");
  printBytes(nameBuf, n);
  print(" f64 ");
  printF64(x);
  print(" f32 ");
  printHex(reinterpret<u32>(y));
  print(" sum ");
  printF64(sum);
  printLine("");
  return 0;
}
