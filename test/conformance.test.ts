// test/conformance.test.ts: the wasm conformance suite of the native-code
// path (wasm2c + build/postprocess.ts + gcc -m32), as a vitest test.
//
// Owns: the expected result of every spec file and the pass criteria: at
// least 99% of the assert_return and assert_trap assertions pass, every
// failure is in the explicit exclusion list of test/conformance/run.ts, no
// exclusion is stale, and the harness's self-test holds. The suite itself
// (building, running, judging) is test/conformance/run.ts; this file only
// runs it once and checks its result. Objects are cached under
// out/conformance/, so a rerun takes seconds.
import { describe, it, expect, beforeAll } from "vitest";
import { FILES, SELFTEST, formatReport, runSuite, type FileResult, type SuiteResult } from "./conformance/run.ts";

/**
 * Per file: how many assert_return and assert_trap assertions it has (as
 * wast2json 1.0.32 reads it) and how many of them pass. The assertions that
 * do not pass are in EXCLUSIONS, with reasons. (The exhaustion assertions
 * are counted apart, and are all excluded: see EXCLUSIONS.)
 */
const EXPECTED: Record<string, { returns: number; traps: number; pass: number }> = {
  i32: { returns: 364, traps: 10, pass: 374 },
  i64: { returns: 374, traps: 10, pass: 384 },
  address: { returns: 206, traps: 49, pass: 255 },
  align: { returns: 47, traps: 1, pass: 48 },
  block: { returns: 52, traps: 0, pass: 52 },
  br: { returns: 76, traps: 0, pass: 76 },
  br_if: { returns: 88, traps: 0, pass: 88 },
  br_table: { returns: 149, traps: 0, pass: 149 },
  call: { returns: 69, traps: 1, pass: 70 },
  call_indirect: { returns: 114, traps: 18, pass: 132 },
  endianness: { returns: 68, traps: 0, pass: 68 },
  fac: { returns: 6, traps: 0, pass: 6 },
  forward: { returns: 4, traps: 0, pass: 4 },
  func: { returns: 96, traps: 0, pass: 96 },
  global: { returns: 57, traps: 1, pass: 58 },
  if: { returns: 122, traps: 1, pass: 123 },
  int_exprs: { returns: 75, traps: 14, pass: 89 },
  int_literals: { returns: 30, traps: 0, pass: 30 },
  labels: { returns: 25, traps: 0, pass: 25 },
  "left-to-right": { returns: 95, traps: 0, pass: 95 },
  load: { returns: 37, traps: 0, pass: 37 },
  local_get: { returns: 19, traps: 0, pass: 19 },
  local_set: { returns: 19, traps: 0, pass: 19 },
  local_tee: { returns: 55, traps: 0, pass: 55 },
  loop: { returns: 77, traps: 0, pass: 77 },
  memory: { returns: 45, traps: 0, pass: 45 },
  memory_grow: { returns: 77, traps: 7, pass: 84 },
  memory_size: { returns: 36, traps: 0, pass: 36 },
  memory_redundancy: { returns: 4, traps: 0, pass: 4 },
  memory_trap: { returns: 10, traps: 170, pass: 180 },
  nop: { returns: 83, traps: 0, pass: 83 },
  return: { returns: 63, traps: 0, pass: 63 },
  select: { returns: 116, traps: 2, pass: 118 },
  stack: { returns: 5, traps: 0, pass: 5 },
  store: { returns: 9, traps: 0, pass: 9 },
  switch: { returns: 26, traps: 0, pass: 26 },
  traps: { returns: 0, traps: 32, pass: 32 },
  unreachable: { returns: 5, traps: 58, pass: 63 },
  unwind: { returns: 41, traps: 8, pass: 49 },
  bulk: { returns: 48, traps: 18, pass: 66 },
  memory_copy: { returns: 4320, traps: 18, pass: 4338 },
  memory_fill: { returns: 14, traps: 6, pass: 20 },
};

let suite: SuiteResult;

function file(name: string): FileResult {
  const f = suite.files.find((x) => x.file === name);
  if (!f) throw new Error(`${name} was not run`);
  return f;
}

function failuresOf(f: FileResult): string[] {
  return f.outcomes.filter((o) => o.status === "fail").map((o) => `${o.file}.wast:${o.line} ${o.kind}: ${o.detail}`);
}

describe("wasm conformance of the native path (spec tests through wasm2c, postprocess, gcc -m32)", () => {
  beforeAll(async () => {
    suite = await runSuite({ files: [...FILES, SELFTEST] });
    console.log(formatReport(suite));
  }, 1_200_000);

  it("lists exactly the suite's spec files", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...FILES].sort());
  });

  it("passes at least 99% of the assert_return and assert_trap assertions", () => {
    expect(suite.total).toBe(Object.values(EXPECTED).reduce((a, e) => a + e.returns + e.traps, 0));
    expect(suite.percent).toBeGreaterThanOrEqual(99);
  });

  it("has no failure outside the exclusion list, and no harness error", () => {
    expect(suite.files.filter((f) => f.error).map((f) => `${f.file}: ${f.error}`)).toEqual([]);
    expect(suite.failures.map((o) => `${o.file}.wast:${o.line} ${o.kind}: ${o.detail}`)).toEqual([]);
  });

  it("has no stale exclusion (an excluded assertion that passes, or that no longer exists)", () => {
    expect(suite.staleExclusions.map((e) => `${e.file}.wast:${e.line}`)).toEqual([]);
  });

  it("harness self-test: memory context switch, guard regions, stack exhaustion, bit-exact values", () => {
    const f = file(SELFTEST);
    expect(f.error).toBeUndefined();
    expect(failuresOf(f)).toEqual([]);
    expect(f.tallies.assert_exhaustion).toEqual({ pass: 1, fail: 0, excluded: 0, total: 1 });
    expect(f.tallies.module.pass).toBe(f.tallies.module.total);
    expect(f.tallies.action.pass).toBe(f.tallies.action.total);
  });

  describe("per spec file", () => {
    for (const name of FILES) {
      it(name, () => {
        const f = file(name);
        expect(f.error).toBeUndefined();
        expect(failuresOf(f)).toEqual([]);
        const t = f.tallies;
        expect({ returns: t.assert_return.total, traps: t.assert_trap.total, pass: t.assert_return.pass + t.assert_trap.pass }).toEqual(
          EXPECTED[name],
        );
        // Every module instantiates and every action runs.
        expect(t.module.pass).toBe(t.module.total);
        expect(t.action.pass).toBe(t.action.total);
      });
    }
  });
});
