// test/system/bench.test.ts: the benchmarks' instruction counts hold their committed baseline.
//
// Owns: the checks on `npm run bench`'s numbers. Under TCG with -icount
// shift=0, rdtsc counts guest instructions, so the counts are exact and
// repeatable: this test runs the same benchmark boot and holds each
// operation to its count in the committed baseline
// (test/system/bench-baseline.json: "rows"), and the longest
// non-preemptible kernel path of the measuring kernel variant to its
// ("paths"). A row that needs more instructions than its baseline fails.
// A change that makes a row cheaper lowers its baseline in the same
// commit, with the reason in the commit message; the file's history is
// the record. It also holds the goal: every row with a seL4 number
// (DESIGN.md, "Anchors") at or below GOAL_RATIO (0.9) times seL4's count.
// With KVM the numbers are cycles and noisy, so the test then only checks
// that every row is there, and the path runs (which need an instruction
// count) do not run.
// Must not: time anything on the host.
import { describe, expect, it } from "vitest";
import { runBench, runPaths, PATH_RUNS, readBaseline, GOAL_RATIO } from "../../build/bench.ts";
import { chooseAccel } from "../../build/qemu.ts";

/**
 * The committed baseline (test/system/bench-baseline.json): every row's
 * count ("rows") and the longest stretch between preemption points per
 * measuring run ("paths"), in instructions.
 */
const BASELINE = readBaseline();
const CEILING = BASELINE.rows;
const PATH_CEILING = BASELINE.paths;

/**
 * The longest whole kernel entry is exact under icount too: in both runs
 * the root task (the suite's driver at priority 0, or pathstress alone)
 * stays runnable until it powers off, so the guest never halts
 * (a halted guest's virtual clock would follow the host's), and the
 * kernel programs its timer itself, which fixes the timer's phase in the
 * instruction stream; repeated runs, also on a loaded host, give the same
 * count. But the count is where the long operation stood when a timer
 * interrupt came, so any change that moves an instruction before it
 * moves it, up or down. Its ceiling is therefore what the design
 * promises rather than today's count: one timer period (the local APIC
 * timer at 100 Hz, calibrated against PIT channel 2's count of 11931 of
 * 1 193 182 Hz; one instruction per virtual ns) plus the
 * PREEMPTION_CHECK_INTERVAL (16) stretches a pending interrupt can wait
 * before a preemption point reads the local APIC.
 */
const TIMER_PERIOD = Math.ceil((Math.floor(1_193_182 / 100) / 1_193_182) * 1e9);
const PREEMPTION_CHECK_INTERVAL = 16;
const entryCeiling = (run: string) => TIMER_PERIOD + PREEMPTION_CHECK_INTERVAL * PATH_CEILING[run];

describe("npm run bench", () => {
  it("reports every row, each within its committed ceiling of instructions", async () => {
    const results = await runBench();
    const byName = new Map(results.map((r) => [r.name, r]));
    for (const name of Object.keys(CEILING)) expect(byName.has(name), `row ${name}`).toBe(true);
    if (results[0].unit !== "instructions") return;
    for (const [name, ceiling] of Object.entries(CEILING)) {
      const r = byName.get(name)!;
      expect(r.net.median, `${name}: ${r.net.median} instructions`).toBeLessThanOrEqual(ceiling);
      expect(r.net.max - r.net.min, `${name} varies under icount`).toBe(0);
    }
    for (const r of results) expect(Object.keys(CEILING), `row ${r.name} has a baseline`).toContain(r.name);
  }, 300_000);

  it(`meets the goal: every row with a seL4 number at or below ${GOAL_RATIO} x seL4`, async () => {
    const results = await runBench();
    if (results[0].unit !== "instructions") return;
    const withSel4 = results.filter((r) => r.sel4 !== undefined);
    expect(withSel4.map((r) => r.name).sort()).toEqual(
      ["call-cross-0", "call-cross-10", "call-same-0", "null-syscall", "replyrecv-cross-0", "replyrecv-cross-10", "replyrecv-same-0", "send-cross-0"]);
    for (const r of withSel4) {
      expect(r.net.median, `${r.name}: ${r.net.median} instructions, seL4 ${r.sel4}`).toBeLessThanOrEqual(GOAL_RATIO * r.sel4!);
    }
  }, 300_000);

  it.skipIf(chooseAccel() !== "tcg")("keeps the longest non-preemptible kernel path within its committed ceilings (measuring kernel variant)", async () => {
    const paths = await runPaths(PATH_RUNS);
    expect(paths.map((p) => p.run)).toEqual(Object.keys(PATH_CEILING));
    for (const p of paths) {
      const say = `${p.run}: ${p.betweenPoints} between preemption points (${p.betweenPointsIn}); ${p.entry} for a whole kernel entry (${p.entryIn})`;
      console.log(`longest path, ${say}`);
      expect(p.betweenPoints, say).toBeLessThanOrEqual(PATH_CEILING[p.run]);
      expect(p.entry, say).toBeLessThanOrEqual(entryCeiling(p.run));
      expect(p.entry, `${say}: a whole entry holds its longest stretch`).toBeGreaterThanOrEqual(p.betweenPoints);
    }
  }, 900_000);
});
