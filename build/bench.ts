// build/bench.ts: `npm run bench`: boots the benchmark scenario and reports.
//
// Owns: the benchmark run and its report. The kernel (command line
// `bench`) measures an address-space switch; the user program
// userland/bench measures the null system call, single invocations, and
// the IPC rows (userland/bench/ipc.ts: one-way Call, ReplyRecv, Send and
// Recv in one and in two address spaces with 0 and 10 words, Signal to
// Wait, a fault's round trip). Both print
// "bench: <name> <min> <median> <max>"; this file subtracts each
// overhead from its raw numbers, prints a table of ours, seL4's (DESIGN.md,
// "Anchors") and the ratio, with the goal (0.9 x seL4) and the committed
// baseline (test/system/bench-baseline.json, which test/system/bench.test.ts
// holds every row to), and writes the same to out/bench/results.json.
// Unit: under TCG with -icount shift=0, rdtsc counts guest instructions
// exactly; under KVM (a host with vmx/svm) it counts cycles.
// Must not: time anything on the host; wall-clock time here is noise.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_BOOT, buildIso, SEL4TEST_MEMORY_MIB, SEL4TEST_MODULES } from "./iso.ts";
import { chooseAccel, qemuArgs, runQemuCaptured, describeQemuFailure } from "./qemu.ts";
import { OUT, ROOT } from "./stage.ts";

/** A benchmark boot that did not power off cleanly; the message says how. */
export class BenchError extends Error {
  override name = "BenchError";
}

export interface Stat {
  min: number;
  median: number;
  max: number;
}

export interface BenchResult {
  name: string;
  unit: "instructions" | "cycles";
  raw: Stat;
  overhead: Stat;
  /** raw - overhead, per statistic. */
  net: Stat;
  sel4?: number;
  /** Set when the row goes through the IPC fast path (seL4's number is its fast path's too). */
  sel4FastPath?: boolean;
}

/** The issue's goal for every row with a seL4 number: at most this fraction of seL4's count. */
export const GOAL_RATIO = 0.9;

/** The committed baseline: every row's instruction count (test/system/bench.test.ts holds each row to it). */
export const BASELINE_FILE = join(ROOT, "test", "system", "bench-baseline.json");

export function readBaseline(): { rows: Record<string, number>; paths: Record<string, number> } {
  return JSON.parse(readFileSync(BASELINE_FILE, "utf8"));
}

/** ours / seL4's, to three places; undefined without a seL4 number. */
export function ratio(r: BenchResult): number | undefined {
  return r.sel4 === undefined ? undefined : Math.round((r.net.median / r.sel4) * 1000) / 1000;
}

/**
 * seL4's ia32 numbers from DESIGN.md ("Anchors"), re-measured on these
 * machines on 2026-11-29 (sel4bench, one-way; its slow-path rows are
 * Send from priority 253 to 254 and the 10-word Call and ReplyRecv, all
 * across address spaces; its 0-word Call and ReplyRecv take its fast path).
 */
const SEL4: Record<string, number> = {
  "null-syscall": 105,
  "call-same-0": 226,
  "replyrecv-same-0": 253,
  "call-cross-0": 215,
  "replyrecv-cross-0": 242,
  "send-cross-0": 798,
  "call-cross-10": 927,
  "replyrecv-cross-10": 953,
};

/** The rows whose operation takes the IPC fast path: the 0-word Call and ReplyRecv. */
const FAST_PATH_ROWS = new Set(["call-same-0", "replyrecv-same-0", "call-cross-0", "replyrecv-cross-0"]);

/** Parses the guest's "bench:" lines into results (raw minus overhead). */
export function parseBench(serial: string, unit: BenchResult["unit"]): BenchResult[] {
  const rows = new Map<string, Stat>();
  for (const m of serial.matchAll(/^bench: ([\w-]+) (\d+) (\d+) (\d+)\r?$/gm)) {
    rows.set(m[1], { min: Number(m[2]), median: Number(m[3]), max: Number(m[4]) });
  }
  const out: BenchResult[] = [];
  for (const [key, raw] of rows) {
    if (!key.endsWith("-raw")) continue;
    const name = key.slice(0, -4);
    const overhead = rows.get(`${name}-overhead`);
    if (!overhead) throw new Error(`benchmark ${name} has no overhead measurement`);
    out.push({
      name,
      unit,
      raw,
      overhead,
      net: { min: raw.min - overhead.min, median: raw.median - overhead.median, max: raw.max - overhead.max },
      sel4: SEL4[name],
      ...(FAST_PATH_ROWS.has(name) ? { sel4FastPath: true } : {}),
    });
  }
  return out;
}

export async function runBench(): Promise<BenchResult[]> {
  const iso = buildIso(BENCH_BOOT);
  const accel = chooseAccel();
  const unit = accel === "tcg" ? "instructions" : "cycles";
  const options = { iso, accel, icount: accel === "tcg" };
  const args = qemuArgs(options);
  const r = await runQemuCaptured(options, { timeoutMs: 120_000 });
  if (r.ending === "qemu-failed") throw new BenchError(`bench: ${describeQemuFailure(r.code, r.signal, r.stderr)}`);
  if (r.ending !== "poweroff") {
    throw new BenchError(`bench: the benchmark boot ended by ${r.ending === "timeout" ? "timing out after 120 s" : "a kernel panic"}; serial output:\n${r.serial}`);
  }
  const results = parseBench(r.serial, unit);
  const baseline = readBaseline().rows;
  const dir = join(OUT, "bench");
  mkdirSync(dir, { recursive: true });
  const rows = results.map((x) => ({
    ...x,
    ours: x.net.median,
    ratio: ratio(x),
    goal: x.sel4 === undefined ? undefined : Math.floor(GOAL_RATIO * x.sel4),
    baseline: baseline[x.name],
  }));
  writeFileSync(
    join(dir, "results.json"),
    JSON.stringify({ accel, unit, icount: accel === "tcg", cpu: args[args.indexOf("-cpu") + 1], goalRatio: GOAL_RATIO, results: rows }, null, 2) + "\n",
  );
  return results;
}

/** The longest non-preemptible kernel path of one measuring run (kernel/debug/path-stats.ts). */
export interface PathResult {
  run: string;
  /** Instructions between a kernel entry or preemption point and the next exit or preemption point. */
  betweenPoints: number;
  betweenPointsIn: string;
  /** Instructions of the longest kernel entry, entry to exit (a preemption point stops it only when an interrupt is pending). */
  entry: number;
  entryIn: string;
}

/** Parses the measuring kernel's two report lines. */
export function parsePaths(run: string, serial: string): PathResult {
  const between = /^kernel: longest non-preemptible path (\d+) instructions \(([^)]*)\)/m.exec(serial);
  const entry = /^kernel: longest kernel entry (\d+) instructions \(([^)]*)\)/m.exec(serial);
  if (!between || !entry) throw new BenchError(`bench: the ${run} run printed no path report; serial output:\n${serial}`);
  return { run, betweenPoints: Number(between[1]), betweenPointsIn: between[2], entry: Number(entry[1]), entryIn: entry[2] };
}

/**
 * Boots the measuring kernel variant (asc --use TSOS_PATH_STATS=1) under
 * icount, once per run (PATH_RUNS: the in-OS test suite, and the stress
 * run, userland/pathstress: revoke a 10 000-capability tree, retype 64 MiB
 * into 4 KiB frames). Under KVM there is no instruction count, so nothing
 * runs. test/system/bench.test.ts holds the results to their ceilings.
 */
export async function runPaths(runs: { name: string; modules: { program: string; args: string }[]; memoryMiB: number }[]): Promise<PathResult[]> {
  if (chooseAccel() !== "tcg") return [];
  const out: PathResult[] = [];
  for (const r of runs) {
    const iso = buildIso({ cmdline: "poweroff", modules: r.modules, kernel: "pathstats" });
    const options = { iso, accel: "tcg" as const, icount: true, memoryMiB: r.memoryMiB };
    const q = await runQemuCaptured(options, { timeoutMs: 600_000 });
    if (q.ending === "qemu-failed") throw new BenchError(`bench: ${describeQemuFailure(q.code, q.signal, q.stderr)}`);
    if (q.ending !== "poweroff") throw new BenchError(`bench: the ${r.name} run ended by ${q.ending}; serial output:\n${q.serial}`);
    out.push(parsePaths(r.name, q.serial));
  }
  return out;
}

/** The runs `npm run bench` measures the longest path in. */
export const PATH_RUNS = [
  { name: "in-OS test suite", modules: SEL4TEST_MODULES, memoryMiB: SEL4TEST_MEMORY_MIB },
  { name: "stress", modules: [{ program: "pathstress", args: "pathstress" }], memoryMiB: 512 },
];

export function printPaths(paths: PathResult[]): void {
  if (paths.length === 0) return;
  console.log("longest non-preemptible kernel path (instructions, measuring kernel variant):");
  for (const p of paths) {
    console.log(`  ${p.run}: ${p.betweenPoints} between preemption points (${p.betweenPointsIn}); ${p.entry} for a whole kernel entry (${p.entryIn})`);
  }
}

export function printBench(results: BenchResult[]): void {
  const unit = results[0]?.unit ?? "instructions";
  const baseline = readBaseline().rows;
  const header = ["benchmark", "tsos", "seL4 ia32", "ratio", `goal (${GOAL_RATIO} x seL4)`, "baseline", "min", "max", "overhead"];
  const rows = results.map((x) => {
    const q = ratio(x);
    const goal = x.sel4 === undefined ? "-" : `${Math.floor(GOAL_RATIO * x.sel4)} ${x.net.median <= GOAL_RATIO * x.sel4 ? "met" : "MISSED"}`;
    return [
      x.name + (x.sel4FastPath ? " *" : ""), String(x.net.median), x.sel4 === undefined ? "-" : String(x.sel4),
      q === undefined ? "-" : q.toFixed(3), goal, baseline[x.name] === undefined ? "-" : String(baseline[x.name]),
      String(x.net.min), String(x.net.max), String(x.overhead.median),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`${unit} per operation, one way (median, overhead subtracted):`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log("*: the IPC fast path (kernel/fastpath/fastpath.ts) in both kernels; every other IPC row is the slow path");
  console.log(`results: ${join("out", "bench", "results.json")}`);
}
