// test/conformance/run.ts: the wasm conformance suite for the native-code
// path (wasm2c 1.0.32 + build/postprocess.ts + our wasm-rt.h + gcc -m32).
//
// Owns: turning official spec-test .wast files into 32-bit Linux programs
// and judging their results. For each file: wast2json, then for every
// module wasm2c -n m<k>, postprocess(), a unit that adds bit-exact call
// thunks, gcc; a generated main.c with the file's commands as a table; a
// link with harness-rt.c; a run; and the parse of one result line per
// command. Objects and programs are cached under out/conformance/ by the
// hash of everything that goes into them, and files run in parallel.
// Also owns EXCLUSIONS, the explicit list of assertions that are not
// expected to pass, each with its reason.
// Must not: weaken a check. Results are compared bit for bit, a trap must
// be of the kind the assertion names, and a failure that is not in
// EXCLUSIONS is reported as unexplained.
//
// What the harness cannot show (it differs from the kernel build here):
//  - Floats need SSE (-mfpmath=sse); the kernel is built with
//    -mgeneral-regs-only and has no floats. With SSE, gcc may store an i64
//    with one movq; without it an i64 store is two 32-bit moves, low half
//    first, so in the kernel an i64 store that traps at the top of the
//    address space can have written its low half (memory_trap.wast checks
//    this and passes here). A trap ends the kernel or the component, so no
//    code reads that memory afterwards.
//  - The kernel relies on page 0 being unmapped (WASM_OFFSET_GUARD 4096); a
//    harness memory starts with a mapped page, so the harness builds with
//    WASM_OFFSET_GUARD 0 and every offset is carry-checked (MODULE_DEFINES).
//
// CLI: node_modules/.bin/tsx test/conformance/run.ts [file ...] [--jobs N]

import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mangleName, postprocess } from "../../build/postprocess.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SPEC_DIR = resolve(ROOT, "../shared/wasm-spec-tests");
export const WORK_DIR = join(ROOT, "out", "conformance");
const HERE = join(ROOT, "test", "conformance");
const RT_INCLUDE = join(ROOT, "build", "rt", "include");

/** The spec files the suite covers. */
export const FILES = [
  "i32", "i64", "address", "align", "block", "br", "br_if", "br_table", "call", "call_indirect",
  "endianness", "fac", "forward", "func", "global", "if", "int_exprs", "int_literals", "labels",
  "left-to-right", "load", "local_get", "local_set", "local_tee", "loop", "memory", "memory_grow",
  "memory_size", "memory_redundancy", "memory_trap", "nop", "return", "select", "stack", "store",
  "switch", "traps", "unreachable", "unwind", "bulk", "memory_copy", "memory_fill",
];

/**
 * Where linear memory sits in the harness process (see harness-rt.c): 1 GiB
 * of guard below it, 2.25 GiB of reservation from it upwards.
 */
export const WASM_MEM_BASE = 0x50000000;

/**
 * gcc flags for everything in the harness. -O2 as in the kernel build, with
 * SSE math so f32/f64 keep IEEE semantics on i386 (the kernel has no
 * floats); -fno-strict-aliasing as in the kernel build.
 */
export const CFLAGS = ["-m32", "-O2", "-msse2", "-mfpmath=sse", "-fno-pie", "-fno-strict-aliasing"];
const LDFLAGS = ["-m32", "-no-pie", "-pthread"];

/**
 * The environment of the generated module code (build/postprocess.ts). The
 * harness's memories start with an ordinary, mapped wasm page 0, so unlike
 * the kernel (WASM_OFFSET_GUARD 4096: page 0 is never mapped) nothing
 * catches an address + offset that wraps past 2^32 to a small address:
 * every non-zero offset gets the carry check.
 */
const MODULE_DEFINES = [`-DWASM_MEM_BASE=0x${WASM_MEM_BASE.toString(16)}u`, "-DWASM_OFFSET_GUARD=0"];

/**
 * Module units only. A thunk calls the module's internal (static) function,
 * which gcc inlines into it or, failing that, calls with its local calling
 * convention: floats in SSE registers. Identical code folding could merge
 * that function with the exported wrapper, whose i386 ABI returns floats in
 * x87 st(0), and loading a signalling NaN there quiets it: the harness would
 * see a changed result that the wasm code never produced (seen before the
 * thunks were compiled with the module's options). No effect on the code's
 * semantics.
 */
const MODULE_FLAGS = ["-fno-ipa-icf"];

/** Assertion kinds that are about the validator or the text parser, not the native path. */
const NOT_APPLICABLE = new Set(["assert_invalid", "assert_malformed", "assert_unlinkable"]);

/** The harness's own tests (test/conformance/selftest.wast), run and reported like a spec file. */
export const SELFTEST = "selftest";

export interface Exclusion {
  file: string;
  line: number;
  reason: string;
  /** false: the command is not run at all (it would only time out, or would corrupt the harness process). */
  run: boolean;
}

// Reasons shared by several entries.
const TAIL_LOOP =
  "unbounded recursion in tail position: gcc -O2 (as in the kernel build) turns the call into a jump, so the function " +
  "loops forever instead of exhausting the stack; there is no stack-depth counter, by design (WASM_RT_USE_STACK_DEPTH_COUNT=0). " +
  "Not run: it would only time out. The guard-page exhaustion trap itself is tested in selftest.wast";
const X87_NAN =
  "i386 returns an f32/f64 from a function called through a pointer (call_indirect) in x87 st(0), and loading a signalling " +
  "NaN into x87 quiets it (bit 22 set). gcc uses SSE registers only for functions it can see all calls of. " +
  "Floats only: kernel and userland wasm contain no float instructions (build/wasmcheck.ts)";

/**
 * The assertions that are known not to pass on this path, with the reason.
 * Each is about a property of the native path, never a relaxed comparison.
 * An entry whose assertion passes is reported as stale.
 */
export const EXCLUSIONS: Exclusion[] = [
  { file: "call", line: 337, run: false, reason: TAIL_LOOP },
  { file: "call", line: 338, run: false, reason: TAIL_LOOP },
  { file: "call_indirect", line: 585, run: false, reason: TAIL_LOOP + " (an indirect tail call becomes an indirect jump)" },
  { file: "call_indirect", line: 586, run: false, reason: TAIL_LOOP + " (an indirect tail call becomes an indirect jump)" },
  {
    file: "fac",
    line: 109,
    run: true,
    reason:
      "gcc -O2 tail-recursion elimination with an accumulator turns fac-rec (n * fac-rec(n - 1)) into a loop, so a " +
      "recursion 2^30 deep returns a value instead of exhausting the stack (no stack-depth counter, by design)",
  },
  { file: SELFTEST, line: 84, run: true, reason: X87_NAN },
];

export type CommandKind =
  | "module" | "action" | "assert_return" | "assert_trap" | "assert_exhaustion" | "assert_uninstantiable" | "register";

export type Status = "pass" | "fail" | "excluded" | "skipped";

export interface Outcome {
  file: string;
  line: number;
  index: number;
  kind: CommandKind;
  status: Status;
  /** What happened, for a failure or an excluded assertion. */
  detail?: string;
  /** The EXCLUSIONS reason, for an excluded assertion. */
  reason?: string;
}

export interface Tally {
  pass: number;
  fail: number;
  excluded: number;
  total: number;
}

export interface FileResult {
  file: string;
  outcomes: Outcome[];
  /** assert_return, assert_trap, assert_exhaustion, action, module (instantiation). */
  tallies: Record<"assert_return" | "assert_trap" | "assert_exhaustion" | "action" | "module", Tally>;
  /** Validator and parser assertions, counted and not run. */
  notApplicable: Record<string, number>;
  /** EXCLUSIONS entries of this file whose assertion passed or does not exist. */
  staleExclusions: Exclusion[];
  /** Objects built this run versus reused from the cache. */
  built: number;
  reused: number;
  ms: number;
  error?: string;
}

// ---- processes --------------------------------------------------------------

class Semaphore {
  private queue: (() => void)[] = [];
  constructor(private free: number) {}
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.queue.push(r));
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    }
  }
}

interface ProcResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function spawnTool(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<ProcResult> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 256 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      done({
        code: e ? (typeof e.code === "number" ? e.code : -1) : 0,
        signal: e?.signal ?? null,
        stdout: stdout ?? "",
        stderr: (stderr ?? "") + (e && typeof e.code !== "number" && !e.signal ? String(e.message) : ""),
      });
    });
  });
}

async function tool(sem: Semaphore, cmd: string, args: string[], what: string, cwd?: string): Promise<string> {
  const r = await sem.use(() => spawnTool(cmd, args, { cwd }));
  if (r.code !== 0) throw new Error(`${what}: ${cmd} ${args.join(" ")} failed (${r.signal ?? r.code})\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function sha(...parts: (string | Buffer)[]): string {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(p);
    h.update("\0");
  }
  return h.digest("hex").slice(0, 32);
}

function writeAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

let toolKeyPromise: Promise<string> | null = null;
function toolKey(): Promise<string> {
  toolKeyPromise ??= (async () => {
    const v = await Promise.all([
      spawnTool("wasm2c", ["--version"]),
      spawnTool("wast2json", ["--version"]),
      spawnTool("gcc", ["--version"]),
    ]);
    return v.map((r) => r.stdout.split("\n")[0]).join("|");
  })();
  return toolKeyPromise;
}

// ---- values and commands ------------------------------------------------------

interface WastValue {
  type: string;
  value?: string;
}
interface WastAction {
  type: "invoke" | "get";
  module?: string;
  field: string;
  args?: WastValue[];
}
interface WastCommand {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  action?: WastAction;
  expected?: WastValue[];
  text?: string;
  module_type?: string;
}

const H_TYPE: Record<string, string> = { i32: "H_I32", i64: "H_I64", f32: "H_F32", f64: "H_F64", externref: "H_EXTERNREF", funcref: "H_FUNCREF" };

/** A host reference (ref.extern N) is the pointer N + 1, so that it differs from null. */
function valueBits(v: WastValue, what: string): bigint {
  switch (v.type) {
    case "i32":
    case "f32":
      return BigInt.asUintN(32, BigInt(v.value!));
    case "i64":
    case "f64":
      return BigInt.asUintN(64, BigInt(v.value!));
    case "externref":
      return v.value === "null" ? 0n : BigInt(v.value!) + 1n;
    case "funcref":
      if (v.value === "null") return 0n;
      throw new Error(`${what}: a non-null funcref argument cannot be written down`);
  }
  throw new Error(`${what}: value type ${v.type} is not supported`);
}

function expectedValue(v: WastValue, what: string): string {
  const t = H_TYPE[v.type];
  if (!t) throw new Error(`${what}: value type ${v.type} is not supported`);
  if (v.value === "nan:canonical") return `{${t}, H_NAN_CANONICAL, 0}`;
  if (v.value === "nan:arithmetic") return `{${t}, H_NAN_ARITHMETIC, 0}`;
  if (v.type === "funcref" && v.value !== "null") return `{${t}, H_NON_NULL, 0}`;
  if (v.value === undefined) throw new Error(`${what}: expected value has no value`);
  return `{${t}, H_EXACT, ${valueBits(v, what)}ull}`;
}

/** wasm_rt_trap_t numbers, as in build/rt/include/wasm-rt.h. */
const TRAP = { OOB: 1, INT_OVERFLOW: 2, DIV_BY_ZERO: 3, INVALID_CONVERSION: 4, UNREACHABLE: 5, CALL_INDIRECT: 6, EXHAUSTION: 8 };

/**
 * Which wasm2c trap satisfies a spec trap message. wasm2c reports every
 * failed call_indirect check (index out of the table, null entry, type
 * mismatch) as one trap, WASM_RT_TRAP_CALL_INDIRECT; the other messages map
 * one to one.
 */
export function trapMask(text: string): number {
  const rules: [RegExp, number][] = [
    [/^out of bounds memory access/, TRAP.OOB],
    [/^out of bounds table access/, TRAP.OOB],
    [/^undefined element/, TRAP.CALL_INDIRECT],
    [/^uninitialized element/, TRAP.CALL_INDIRECT],
    [/^indirect call type mismatch/, TRAP.CALL_INDIRECT],
    [/^integer divide by zero/, TRAP.DIV_BY_ZERO],
    [/^integer overflow/, TRAP.INT_OVERFLOW],
    [/^invalid conversion to integer/, TRAP.INVALID_CONVERSION],
    [/^unreachable/, TRAP.UNREACHABLE],
    [/^call stack exhausted/, TRAP.EXHAUSTION],
  ];
  for (const [re, code] of rules) if (re.test(text)) return 1 << code;
  throw new Error(`no wasm2c trap is known to mean "${text}": add it to trapMask`);
}

// ---- modules ------------------------------------------------------------------

interface ExportFn {
  field: string;
  /** The C function the thunk calls: the module's internal function when the export only forwards to it. */
  callee: string;
  ret: string;
  params: string[];
}

interface BuiltModule {
  name: string;
  object: string;
  exports: Map<string, ExportFn>;
  hasMemory: boolean;
  reused: boolean;
}

const C_TYPES = new Set(["u32", "u64", "f32", "f64", "wasm_rt_externref_t", "wasm_rt_funcref_t"]);

function paramExpr(type: string, i: number): string {
  switch (type) {
    case "u32": return `(u32)a[${i}]`;
    case "u64": return `(u64)a[${i}]`;
    case "f32": return `h_f32((u32)a[${i}])`;
    case "f64": return `h_f64(a[${i}])`;
    case "wasm_rt_externref_t": return `(wasm_rt_externref_t)(uintptr_t)a[${i}]`;
    case "wasm_rt_funcref_t": return `wasm_rt_funcref_null_value`;
  }
  throw new Error(`parameter type ${type}`);
}

function storeValue(type: string, expr: string, slot: number): string {
  switch (type) {
    case "u32": return `r[${slot}] = (u32)(${expr});`;
    case "u64": return `r[${slot}] = (u64)(${expr});`;
    case "f32": return `r[${slot}] = h_f32_bits(${expr});`;
    case "f64": return `r[${slot}] = h_f64_bits(${expr});`;
    case "wasm_rt_externref_t": return `r[${slot}] = (uintptr_t)(${expr});`;
    case "wasm_rt_funcref_t": return `r[${slot}] = (uintptr_t)(${expr}).func;`;
  }
  throw new Error(`result type ${type}`);
}

const MULTI_LETTER: Record<string, string> = { i: "u32", j: "u64", f: "f32", d: "f64" };

/** The thunk for one export: bits in, bits out, so no value passes through x87. */
function thunk(e: ExportFn, fn: string): string | null {
  if (!e.params.every((p) => C_TYPES.has(p))) return null;
  const call = `${e.callee}(${e.params.map(paramExpr).join(", ")})`;
  const body: string[] = [];
  const ret = e.ret.trim();
  if (ret === "void") body.push(`${call};`);
  else if (C_TYPES.has(ret)) body.push(storeValue(ret, call, 0));
  else if (/^struct wasm_multi_[ijfd]+$/.test(ret)) {
    const letters = ret.slice("struct wasm_multi_".length);
    body.push(`${ret} v = ${call};`);
    [...letters].forEach((l, k) => body.push(storeValue(MULTI_LETTER[l], `v.${l}${k}`, k)));
  } else if (/^(u32|u64|f32|f64|wasm_rt_externref_t|wasm_rt_funcref_t) ?\*$/.test(ret) && e.params.length === 0) {
    body.push(storeValue(ret.replace(/ ?\*$/, ""), `*${call}`, 0)); // an exported global
  } else return null;
  return `void harness_${fn}(const uint64_t* a, uint64_t* r) {\n  (void)a;\n  (void)r;\n  ${body.join("\n  ")}\n}\n`;
}

function parseExports(c: string, h: string, mod: string): Map<string, ExportFn> {
  const out = new Map<string, ExportFn>();
  const re = new RegExp(`^/\\* export: '(.*)' \\*/\\n(.+?)\\b(Z_${mod}Z_\\w+)\\((.*)\\);$`, "gm");
  for (const m of h.matchAll(re)) {
    const [, , ret, fn, params] = m;
    const plist = params.trim() === "void" || params.trim() === "" ? [] : params.split(",").map((p) => p.trim());
    // The export forwards to an internal static function; calling that one
    // keeps gcc's local (SSE) calling convention for floats.
    const fwd = new RegExp(`\\b${fn}\\([^)]*\\) \\{\\n  (?:return )?(w2c_\\w+)\\(`).exec(c);
    out.set(fn, { field: m[1], callee: fwd ? fwd[1] : fn, ret: ret.trim(), params: plist });
  }
  return out;
}

async function buildModule(sem: Semaphore, dir: string, wasmFile: string, name: string, keyBase: string): Promise<BuiltModule> {
  const wasm = readFileSync(join(dir, wasmFile));
  const key = sha(keyBase, name, wasm);
  const cacheDir = join(WORK_DIR, "cache");
  const object = join(cacheDir, `${key}.o`);
  const meta = join(cacheDir, `${key}.json`);
  if (existsSync(object) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, "utf8"));
    return { name, object, exports: new Map(m.exports), hasMemory: m.hasMemory, reused: true };
  }
  const w2c = join(dir, `${name}.w2c.c`);
  await tool(sem, "wasm2c", [join(dir, wasmFile), "-n", name, "-o", w2c], `wasm2c ${wasmFile}`);
  const r = postprocess(readFileSync(w2c, "utf8"), readFileSync(w2c.replace(/\.c$/, ".h"), "utf8"), {
    moduleName: name,
    headerName: `${name}.w2c.h`,
  });
  const mod = mangleName(name);
  writeFileSync(join(dir, `${name}.h`), r.h);
  writeFileSync(join(dir, `${name}.c`), r.c.replace(`#include "${name}.w2c.h"`, `#include "${name}.h"`));
  const foreign = [...r.h.matchAll(/^struct (Z_\w+)_instance_t;$/gm)].map((m) => m[1]).filter((n) => n !== "Z_spectest");
  if (foreign.length) throw new Error(`${wasmFile} imports from ${foreign.join(", ")}: only the spectest host module is supported`);
  const exports = parseExports(r.c, r.h, mod);
  const memField = /^\s*wasm_rt_memory_t (w2c_\w+);$/m.exec(r.h);
  const inst = /^void Z_\w+_instantiate\((.*)\);$/m.exec(r.h);
  if (!inst) throw new Error(`${wasmFile}: no instantiate function in the header`);
  const instArgs = inst[1].trim() === "void" ? "" : inst[1].split(",").map(() => "NULL").join(", ");
  const unit = [
    `/* ${name}.unit.c: generated by test/conformance/run.ts: the post-processed`,
    ` * module ${wasmFile}, plus the harness's thunks, which call its exports with`,
    ` * values passed as bits. */`,
    `#include "${name}.c"`,
    `#include <string.h>`,
    `static inline f32 h_f32(u32 b) { f32 f; memcpy(&f, &b, 4); return f; }`,
    `static inline f64 h_f64(u64 b) { f64 f; memcpy(&f, &b, 8); return f; }`,
    `static inline u32 h_f32_bits(f32 f) { u32 b; memcpy(&b, &f, 4); return b; }`,
    `static inline u64 h_f64_bits(f64 f) { u64 b; memcpy(&b, &f, 8); return b; }`,
    `void harness_instantiate_${mod}(const uint64_t* a, uint64_t* r) {`,
    `  (void)a;`,
    `  (void)r;`,
    `  Z_${mod}_init_module();`,
    `  Z_${mod}_instantiate(${instArgs});`,
    `}`,
    `wasm_rt_memory_t* harness_memory_${mod}(void) { return ${memField ? `&WASM_INSTANCE.${memField[1]}` : "NULL"}; }`,
  ];
  // The thunks are compiled with the module's own optimisation options (the
  // pragma build/postprocess.ts scopes to the module), so that gcc treats
  // them like wasm callers: a call whose only effect is a load that may
  // fault is not deleted as a call of a pure function.
  const options = /^#pragma GCC optimize\(.*\)$/m.exec(r.c);
  if (options) unit.push("#pragma GCC push_options", options[0]);
  const thunked: [string, ExportFn][] = [];
  for (const [fn, e] of exports) {
    const t = thunk(e, fn);
    if (t) {
      unit.push(t);
      thunked.push([fn, e]);
    }
  }
  if (options) unit.push("#pragma GCC pop_options");
  const unitPath = join(dir, `${name}.unit.c`);
  writeFileSync(unitPath, unit.join("\n") + "\n");
  const tmpObj = join(dir, `${name}.o`);
  await tool(
    sem,
    "gcc",
    [...CFLAGS, ...MODULE_FLAGS, "-w", ...MODULE_DEFINES, "-iquote", RT_INCLUDE, "-c", unitPath, "-o", tmpObj],
    `gcc ${name}.unit.c (${wasmFile})`,
  );
  writeAtomic(object, readFileSync(tmpObj));
  writeAtomic(meta, JSON.stringify({ exports: thunked, hasMemory: !!memField }));
  return { name, object, exports: new Map(thunked), hasMemory: !!memField, reused: false };
}

let harnessObjectPromise: Promise<{ object: string; reused: boolean }> | null = null;
function harnessObject(sem: Semaphore, keyBase: string): Promise<{ object: string; reused: boolean }> {
  harnessObjectPromise ??= (async () => {
    const src = join(HERE, "harness-rt.c");
    const key = sha(keyBase, readFileSync(src), readFileSync(join(HERE, "harness.h")));
    const object = join(WORK_DIR, "cache", `harness-rt.${key}.o`);
    if (existsSync(object)) return { object, reused: true };
    const tmp = join(WORK_DIR, `harness-rt.${process.pid}.o`);
    mkdirSync(WORK_DIR, { recursive: true });
    await tool(
      sem,
      "gcc",
      [...CFLAGS, "-Wall", `-DWASM_MEM_BASE=0x${WASM_MEM_BASE.toString(16)}u`, "-iquote", RT_INCLUDE, "-iquote", HERE, "-c", src, "-o", tmp],
      "gcc harness-rt.c",
    );
    writeAtomic(object, readFileSync(tmp));
    rmSync(tmp, { force: true });
    return { object, reused: false };
  })();
  return harnessObjectPromise;
}

// ---- one file -----------------------------------------------------------------

function wastPath(file: string): string {
  return file === SELFTEST ? join(HERE, "selftest.wast") : join(SPEC_DIR, `${file}.wast`);
}

const RESULT_LINE = /^(\d+) (PASS|FAIL|SKIP)(?: (.*))?$/;

function emptyTally(): Tally {
  return { pass: 0, fail: 0, excluded: 0, total: 0 };
}

/** Runs one .wast file of the suite. */
export async function runFile(file: string, opts: { sem?: Semaphore; exclusions?: Exclusion[] } = {}): Promise<FileResult> {
  const sem = opts.sem ?? new Semaphore(1);
  const exclusions = (opts.exclusions ?? EXCLUSIONS).filter((e) => e.file === file);
  const t0 = Date.now();
  const result: FileResult = {
    file,
    outcomes: [],
    tallies: { assert_return: emptyTally(), assert_trap: emptyTally(), assert_exhaustion: emptyTally(), action: emptyTally(), module: emptyTally() },
    notApplicable: {},
    staleExclusions: [],
    built: 0,
    reused: 0,
    ms: 0,
  };
  try {
    await runFileInner(file, sem, exclusions, result);
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  }
  // Tallies, exclusions.
  const used = new Set<Exclusion>();
  for (const o of result.outcomes) {
    const ex = exclusions.find((e) => e.line === o.line);
    if (ex) {
      used.add(ex);
      if (o.status === "fail" || o.status === "skipped") {
        o.status = "excluded";
        o.reason = ex.reason;
      } else if (o.status === "pass") {
        result.staleExclusions.push(ex);
      }
    }
    const t = (result.tallies as Record<string, Tally>)[o.kind];
    if (!t) continue;
    t.total++;
    if (o.status === "pass") t.pass++;
    else if (o.status === "excluded") t.excluded++;
    else t.fail++;
  }
  for (const e of exclusions) if (!used.has(e)) result.staleExclusions.push(e);
  result.ms = Date.now() - t0;
  return result;
}

async function runFileInner(file: string, sem: Semaphore, exclusions: Exclusion[], result: FileResult): Promise<void> {
  const dir = join(WORK_DIR, file);
  mkdirSync(dir, { recursive: true });
  const wast = wastPath(file);
  if (!existsSync(wast)) throw new Error(`${wast} does not exist`);
  await tool(sem, "wast2json", [wast, "-o", join(dir, `${file}.json`)], `wast2json ${file}.wast`);
  const json = JSON.parse(readFileSync(join(dir, `${file}.json`), "utf8")) as { commands: WastCommand[] };

  const keyBase = sha(
    await toolKey(),
    CFLAGS.join(" "),
    MODULE_DEFINES.join(" "),
    MODULE_FLAGS.join(" "),
    readFileSync(join(ROOT, "build", "postprocess.ts")),
    readFileSync(join(RT_INCLUDE, "wasm-rt.h")),
    // The code that writes module units (not the whole of this file, so that
    // editing EXCLUSIONS does not rebuild every module).
    [buildModule, parseExports, thunk, paramExpr, storeValue].map(String).join("\n"),
  );
  const harness = harnessObject(sem, keyBase);
  harness.catch(() => {}); // awaited below; do not let a failure count as unhandled meanwhile

  // Modules, built in parallel.
  const moduleOf = new Map<number, number>(); // command index -> module number
  const moduleBuilds: Promise<BuiltModule | Error>[] = [];
  const named = new Map<string, number>();
  let current = -1;
  const cmds = json.commands;
  cmds.forEach((c, i) => {
    if (c.type === "module" || c.type === "assert_uninstantiable") {
      const k = moduleBuilds.length;
      const name = `m${k}`;
      moduleBuilds.push(
        c.filename?.endsWith(".wasm")
          ? buildModule(sem, dir, c.filename, name, keyBase).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))
          : Promise.resolve(new Error(`module ${c.filename} is not a binary module`)),
      );
      moduleOf.set(i, k);
      if (c.type === "module") {
        current = k;
        if (c.name) named.set(c.name, k);
      }
    } else if (c.action) {
      moduleOf.set(i, c.action.module ? (named.get(c.action.module) ?? -1) : current);
    }
  });
  const modules = await Promise.all(moduleBuilds);
  for (const m of modules) if (!(m instanceof Error)) m.reused ? result.reused++ : result.built++;

  // The command table.
  const decls = new Set<string>();
  const data: string[] = [];
  const table: string[] = [];
  const skip = new Set<number>();
  const outcomeOf = new Map<number, Outcome>();
  const record = (i: number, status: Status, detail?: string) => {
    const c = cmds[i];
    const o: Outcome = { file, line: c.line, index: i, kind: c.type as CommandKind, status, detail };
    outcomeOf.set(i, o);
  };
  cmds.forEach((c, i) => {
    if (NOT_APPLICABLE.has(c.type)) {
      result.notApplicable[c.type] = (result.notApplicable[c.type] ?? 0) + 1;
      return;
    }
    const what = `${file}.wast:${c.line}`;
    const kind = {
      module: "H_CMD_MODULE", action: "H_CMD_ACTION", assert_return: "H_CMD_RETURN", assert_trap: "H_CMD_TRAP",
      assert_exhaustion: "H_CMD_EXHAUSTION", assert_uninstantiable: "H_CMD_UNINSTANTIABLE",
    }[c.type];
    if (!kind) {
      record(i, "fail", `command type ${c.type} is not supported by the harness`);
      return;
    }
    const k = moduleOf.get(i) ?? -1;
    const m = k >= 0 ? modules[k] : new Error("no module to run it in");
    if (m instanceof Error) {
      record(i, "fail", `module ${k} did not build: ${m.message.split("\n").slice(0, 6).join(" | ")}`);
      return;
    }
    const mod = mangleName(m.name);
    const memory = m.hasMemory ? `harness_memory_${mod}` : "0";
    decls.add(`wasm_rt_memory_t* harness_memory_${mod}(void);`);
    if (c.type === "module" || c.type === "assert_uninstantiable") {
      const fn = `harness_instantiate_${mod}`;
      decls.add(`void ${fn}(const uint64_t*, uint64_t*);`);
      const mask = c.type === "assert_uninstantiable" ? trapMask(c.text!) : 0;
      table.push(`  {${i}, ${kind}, 0, ${k}, ${fn}, ${memory}, 0, 0, ${mask}u, ${JSON.stringify(c.text ?? "")}},`);
      return;
    }
    const a = c.action!;
    const fn = `Z_${mod}Z_${mangleName(a.field)}`;
    if (!m.exports.has(fn)) {
      record(i, "fail", `module ${k} has no callable export "${a.field}"`);
      return;
    }
    try {
      const args = (a.args ?? []).map((v) => `${valueBits(v, what)}ull`);
      // assert_trap lists only the result types: there is nothing to compare.
      const expected = c.type === "assert_return" ? (c.expected ?? []).map((v) => expectedValue(v, what)) : [];
      const mask = c.type === "assert_trap" || c.type === "assert_exhaustion" ? trapMask(c.text!) : 0;
      decls.add(`void harness_${fn}(const uint64_t*, uint64_t*);`);
      if (args.length) data.push(`static const uint64_t a${i}[] = {${args.join(", ")}};`);
      if (expected.length && c.type === "assert_return") data.push(`static const harness_value_t e${i}[] = {${expected.join(", ")}};`);
      const nres = c.type === "assert_return" ? expected.length : 0;
      table.push(
        `  {${i}, ${kind}, ${nres}, ${k}, harness_${fn}, ${memory}, ${args.length ? `a${i}` : "0"}, ${nres ? `e${i}` : "0"}, ${mask}u, ${JSON.stringify(c.text ?? "")}},`,
      );
    } catch (e) {
      record(i, "fail", e instanceof Error ? e.message : String(e));
    }
  });
  for (const ex of exclusions) {
    if (ex.run) continue;
    cmds.forEach((c, i) => {
      if (c.line === ex.line) skip.add(i);
    });
  }

  const main = [
    `/* main.c: generated by test/conformance/run.ts from ${file}.wast: the file's`,
    ` * module instantiations and assertions, in order, as a table that`,
    ` * harness-rt.c runs. */`,
    `#include "harness.h"`,
    ...[...decls].sort(),
    ...data,
    `static const harness_command_t commands[] = {`,
    ...table,
    `  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},`,
    `};`,
    `int main(int argc, char** argv) { return harness_main(argc, argv, commands, ${table.length}, ${modules.length}); }`,
    ``,
  ].join("\n");

  const built = modules.filter((m): m is BuiltModule => !(m instanceof Error));
  const h = await harness;
  const linkKey = sha(keyBase, main, h.object, ...built.map((m) => m.object), LDFLAGS.join(" "));
  const exe = join(dir, "spec");
  const stamp = join(dir, "spec.key");
  if (!(existsSync(exe) && existsSync(stamp) && readFileSync(stamp, "utf8") === linkKey)) {
    writeFileSync(join(dir, "main.c"), main);
    await tool(
      sem,
      "gcc",
      [...CFLAGS, "-O0", "-w", "-iquote", RT_INCLUDE, "-iquote", HERE, "-c", join(dir, "main.c"), "-o", join(dir, "main.o")],
      `gcc main.c (${file})`,
    );
    await tool(sem, "gcc", [...LDFLAGS, "-o", exe, join(dir, "main.o"), h.object, ...built.map((m) => m.object), "-lm"], `link ${file}`);
    writeFileSync(stamp, linkKey);
  } else {
    result.reused++;
  }

  // Run; a crash ends the program at one command, which is then recorded and
  // left out of the next run.
  const crashed = new Map<number, string>();
  let last: Map<number, { status: string; detail?: string }> | null = null;
  for (let attempt = 0; attempt < 50; attempt++) {
    const allSkip = [...new Set([...skip, ...crashed.keys()])].sort((x, y) => x - y);
    const r = await sem.use(() => spawnTool(exe, allSkip.length ? [`skip=${allSkip.join(",")}`] : [], { cwd: dir, timeoutMs: 600_000 }));
    const lines = new Map<number, { status: string; detail?: string }>();
    let done = false;
    let crash: { index: number; detail: string } | null = null;
    for (const line of r.stdout.split("\n")) {
      const m = RESULT_LINE.exec(line);
      if (m) lines.set(Number(m[1]), { status: m[2], detail: m[3] });
      else if (line === "DONE") done = true;
      else if (line.startsWith("CRASH ")) {
        const [, idx, ...rest] = line.split(" ");
        crash = { index: Number(idx), detail: `the harness crashed: ${rest.join(" ")}` };
      } else if (line.startsWith("FATAL ")) throw new Error(`${file}: ${line}`);
    }
    last = lines;
    if (done && r.code === 0) break;
    if (crash && !crashed.has(crash.index)) {
      crashed.set(crash.index, crash.detail);
      continue;
    }
    throw new Error(`${file}: the test program ended without finishing (${r.signal ?? `exit ${r.code}`})\n${r.stderr}${r.stdout.slice(-2000)}`);
  }
  cmds.forEach((c, i) => {
    if (NOT_APPLICABLE.has(c.type) || outcomeOf.has(i)) return;
    if (c.type === "register") return;
    if (crashed.has(i)) return record(i, "fail", crashed.get(i));
    const l = last?.get(i);
    if (!l) return record(i, "fail", "the program printed no result for it");
    if (l.status === "PASS") record(i, "pass");
    else if (l.status === "SKIP") record(i, "skipped", "not run");
    else record(i, "fail", l.detail);
  });
  result.outcomes = [...outcomeOf.values()].sort((x, y) => x.index - y.index);
}

// ---- the suite ------------------------------------------------------------------

export interface SuiteResult {
  files: FileResult[];
  /** assert_return + assert_trap of the spec files (not the self-test). */
  pass: number;
  total: number;
  percent: number;
  failures: Outcome[];
  excluded: Outcome[];
  unexplained: Outcome[];
  staleExclusions: Exclusion[];
  ms: number;
}

export async function runSuite(opts: { files?: string[]; jobs?: number; exclusions?: Exclusion[] } = {}): Promise<SuiteResult> {
  const t0 = Date.now();
  harnessObjectPromise = null; // harness-rt.c may have changed since the last run in this process
  const jobs = opts.jobs ?? Math.max(1, Math.min(2, availableParallelism()));
  const sem = new Semaphore(jobs);
  const files = await Promise.all((opts.files ?? FILES).map((f) => runFile(f, { sem, exclusions: opts.exclusions })));
  let pass = 0;
  let total = 0;
  // The measure is of the spec files; the harness's self-test is reported beside them.
  for (const f of files.filter((x) => x.file !== SELFTEST)) {
    for (const k of ["assert_return", "assert_trap"] as const) {
      pass += f.tallies[k].pass;
      total += f.tallies[k].total;
    }
  }
  const all = files.flatMap((f) => f.outcomes);
  const failures = all.filter((o) => o.status === "fail");
  return {
    files,
    pass,
    total,
    percent: total ? (100 * pass) / total : 0,
    failures,
    excluded: all.filter((o) => o.status === "excluded"),
    unexplained: failures,
    staleExclusions: files.flatMap((f) => f.staleExclusions),
    ms: Date.now() - t0,
  };
}

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padEnd(n) : t.padStart(n);
}

/** The per-file table and the lists of failures and exclusions, as text. */
export function formatReport(s: SuiteResult): string {
  const out: string[] = [];
  const frac = (t: Tally) => (t.total ? `${t.pass}/${t.total}` : "-");
  out.push(
    `${pad("file", 18, true)} ${pad("assert_return", 13)} ${pad("assert_trap", 11)} ${pad("exhaustion", 10)} ${pad("action", 7)} ${pad("module", 7)} ${pad("excluded", 8)} ${pad("failed", 6)} ${pad("n/a", 5)} ${pad("built", 5)}`,
  );
  for (const f of s.files) {
    const t = f.tallies;
    const excluded = Object.values(t).reduce((a, x) => a + x.excluded, 0);
    const failed = Object.values(t).reduce((a, x) => a + x.fail, 0);
    const na = Object.values(f.notApplicable).reduce((a, x) => a + x, 0);
    out.push(
      `${pad(f.file, 18, true)} ${pad(frac(t.assert_return), 13)} ${pad(frac(t.assert_trap), 11)} ${pad(frac(t.assert_exhaustion), 10)} ${pad(frac(t.action), 7)} ${pad(frac(t.module), 7)} ${pad(excluded, 8)} ${pad(failed, 6)} ${pad(na, 5)} ${pad(f.built, 5)}${f.error ? "  ERROR" : ""}`,
    );
  }
  const na: Record<string, number> = {};
  for (const f of s.files) for (const [k, v] of Object.entries(f.notApplicable)) na[k] = (na[k] ?? 0) + v;
  out.push("");
  out.push(
    `spec files, assert_return + assert_trap: ${s.pass}/${s.total} pass (${s.percent.toFixed(2)}%); whole run ${(s.ms / 1000).toFixed(1)} s`,
  );
  out.push(
    `not applicable (validator/parser assertions, not run, not counted): ${Object.entries(na).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  for (const f of s.files) if (f.error) out.push(`ERROR in ${f.file}: ${f.error}`);
  if (s.excluded.length) {
    out.push("", `excluded (${s.excluded.length}):`);
    for (const o of s.excluded) out.push(`  ${o.file}.wast:${o.line} ${o.kind}: ${o.reason}${o.detail ? ` [${o.detail}]` : ""}`);
  }
  if (s.failures.length) {
    out.push("", `FAILED, not in the exclusion list (${s.failures.length}):`);
    for (const o of s.failures) out.push(`  ${o.file}.wast:${o.line} ${o.kind}: ${o.detail}`);
  }
  if (s.staleExclusions.length) {
    out.push("", `stale exclusions (the assertion passed or does not exist) (${s.staleExclusions.length}):`);
    for (const e of s.staleExclusions) out.push(`  ${e.file}.wast:${e.line}: ${e.reason}`);
  }
  return out.join("\n");
}

// ---- CLI ----------------------------------------------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let jobs: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--jobs") jobs = Number(args[++i]);
    else files.push(args[i].replace(/\.wast$/, ""));
  }
  const s = await runSuite({ files: files.length ? files : undefined, jobs });
  console.log(formatReport(s));
  const ok = s.percent >= 99 && s.failures.length === 0 && s.staleExclusions.length === 0 && s.files.every((f) => !f.error);
  process.exit(ok ? 0 : 1);
}
