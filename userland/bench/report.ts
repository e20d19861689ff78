// userland/bench/report.ts: the benchmark program's samples and their report line.
//
// Owns: the sample buffer (SAMPLES words) every benchmark of userland/bench
// fills, sorting it, and printing "bench: <name> <min> <median> <max>" on
// the console for build/bench.ts to read; WARMUP and SAMPLES.
// Must not: allocate.

import { print, printLine, printDec } from "../../libs/user/sys";

// @ts-ignore: decorator
@inline export const WARMUP: i32 = 16;
// @ts-ignore: decorator
@inline export const SAMPLES: i32 = 64;

export const samples = memory.data(SAMPLES * 4);

function sortSamples(): void {
  for (let i = 1; i < SAMPLES; i++) {
    const v = load<u32>(samples + i * 4);
    let j = i - 1;
    while (j >= 0 && load<u32>(samples + j * 4) > v) {
      store<u32>(samples + (j + 1) * 4, load<u32>(samples + j * 4));
      j--;
    }
    store<u32>(samples + (j + 1) * 4, v);
  }
}

/** Sorts the samples and prints their min, median and max as row `name` + `more` + `tail` (no string is built). */
export function report(name: string, more: string = "", tail: string = ""): void {
  sortSamples();
  print("bench: ");
  print(name);
  print(more);
  print(tail);
  print(" ");
  printDec(load<u32>(samples));
  print(" ");
  printDec(load<u32>(samples + (SAMPLES / 2) * 4));
  print(" ");
  printDec(load<u32>(samples + (SAMPLES - 1) * 4));
  printLine("");
}
