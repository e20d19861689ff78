// build/wasmcheck.ts: checks and optimises kernel and userland wasm with binaryen.
//
// Owns: the rules that wasm must satisfy before it becomes native code:
//  - no float instructions, locals, params or results in the kernel (it
//    never saves FPU state on its own behalf, so it must never touch it);
//    user programs may compute with floats (the kernel switches their FPU
//    state, kernel/arch/x86/fpu.ts), and usesFloats() tells the build
//    which ones do;
//  - imports only from the x86 intrinsic set (build/intrinsics.ts), with
//    exactly the declared signatures;
//  - no allocator when the module must not allocate (the kernel).
// and the wasm-opt stage (binaryen's optimiser). locateRuleBreaks names the
// .ts line of each float instruction and allocation from the source map.
// Must not: change semantics; it only validates, optimises and reports.

import { join } from "node:path";
import { checkImport } from "./intrinsics.ts";
import { ROOT, run } from "./stage.ts";
import type { SourcePosition } from "./sourcemap.ts";
import type { WasmFunction, WasmModule } from "./wasmcode.ts";

// binaryen's own command-line tools (from the pinned npm package), run with
// plain node: importing binaryen.js through tsx costs ~15 s per process.
const BINARYEN_BIN = join(ROOT, "node_modules", "binaryen", "bin");

export interface WasmFacts {
  /** End of the highest data segment (absolute wasm address). */
  dataEnd: number;
  /** Lowest data segment start. */
  dataStart: number;
  exports: string[];
}

export interface CheckOptions {
  /** Reject a module that contains the runtime allocator. */
  forbidAllocation: boolean;
  /** Accept float instructions and types (user programs); default false (the kernel). */
  allowFloats?: boolean;
  /** Whose intrinsic set applies (default kernel). */
  side?: "kernel" | "user";
}

/** Finds the function a text offset belongs to in binaryen's text output. */
function functionAt(text: string, offset: number): string {
  const before = text.lastIndexOf("\n (func ", offset);
  if (before < 0) return "(module level)";
  const m = /\(func (\$\S+)/.exec(text.slice(before, before + 400));
  return m ? m[1] : "(unknown function)";
}

/** binaryen's text form of a module (wasm-dis), which the checks read. */
export function wasmText(path: string): string {
  return run("wasm-dis", process.execPath, [join(BINARYEN_BIN, "wasm-dis"), path]);
}

/** A float instruction, or a float param, result or local, in binaryen's text. */
const FLOAT_RE = /\bf(32|64)\.[a-z_0-9]+|\((?:param|result|local)(?: \$\S+)?(?: (?:i32|i64|f32|f64|v128))* f(32|64)\b/g;

/** Whether binaryen text has any float instruction or type. */
export function usesFloats(text: string): boolean {
  return new RegExp(FLOAT_RE.source).test(text);
}

/** Checks binaryen text; returns one message per broken rule. */
export function checkWasmText(text: string, opts: CheckOptions): string[] {
  const errors: string[] = [];
  const floatRe = new RegExp(FLOAT_RE.source, "g");
  const seen = new Set<string>();
  for (let m; !opts.allowFloats && (m = floatRe.exec(text)); ) {
    const fn = functionAt(text, m.index);
    const what = m[0].startsWith("(") ? `a float ${m[0].slice(1).split(" ")[0]}` : m[0];
    const line = `float instruction or type in ${fn}: ${what}`;
    if (!seen.has(line)) {
      seen.add(line);
      errors.push(line);
    }
  }

  const importRe = /\(import "([^"]+)" "([^"]+)" \((func|global|memory|table|tag)([^\n]*)\)\)/g;
  for (let m; (m = importRe.exec(text)); ) {
    const [, module, name, kind, rest] = m;
    if (kind !== "func") {
      errors.push(`import "${module}"."${name}" is a ${kind}; only x86 intrinsic functions may be imported`);
      continue;
    }
    const params = [...rest.matchAll(/\(param((?: [if](?:32|64))*)\)/g)].flatMap((p) => p[1].trim().split(/\s+/).filter(Boolean));
    const results = [...rest.matchAll(/\(result((?: [if](?:32|64))*)\)/g)].flatMap((p) => p[1].trim().split(/\s+/).filter(Boolean));
    const err = checkImport(module, name, params, results, opts.side ?? "kernel");
    if (err) errors.push(err);
  }

  if (opts.forbidAllocation && /\(func \$~lib\/rt\/stub\/(__alloc|__new)\b/.test(text)) {
    const who = opts.side === "user" ? "this user program" : "kernel code";
    errors.push(`the module contains the runtime allocator (~lib/rt/stub/__alloc): ${who} must not allocate (no \`new\`, no string concatenation, no runtime arrays)`);
  }
  return errors;
}

// Float opcodes (build/wasmcode.ts numbering: 0xFC-prefixed ones are 0xFC00 + sub-opcode) and their names.
const FLOAT_OPS = new Map<number, string>([
  [0x2a, "f32.load"], [0x2b, "f64.load"], [0x38, "f32.store"], [0x39, "f64.store"], [0x43, "f32.const"], [0x44, "f64.const"],
  ...["eq", "ne", "lt", "gt", "le", "ge"].map((n, i) => [0x5b + i, `f32.${n}`] as [number, string]),
  ...["eq", "ne", "lt", "gt", "le", "ge"].map((n, i) => [0x61 + i, `f64.${n}`] as [number, string]),
  ...["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt", "add", "sub", "mul", "div", "min", "max", "copysign"].flatMap((n, i) => [
    [0x8b + i, `f32.${n}`] as [number, string],
    [0x99 + i, `f64.${n}`] as [number, string],
  ]),
  [0xa8, "i32.trunc_f32_s"], [0xa9, "i32.trunc_f32_u"], [0xaa, "i32.trunc_f64_s"], [0xab, "i32.trunc_f64_u"],
  [0xae, "i64.trunc_f32_s"], [0xaf, "i64.trunc_f32_u"], [0xb0, "i64.trunc_f64_s"], [0xb1, "i64.trunc_f64_u"],
  [0xb2, "f32.convert_i32_s"], [0xb3, "f32.convert_i32_u"], [0xb4, "f32.convert_i64_s"], [0xb5, "f32.convert_i64_u"], [0xb6, "f32.demote_f64"],
  [0xb7, "f64.convert_i32_s"], [0xb8, "f64.convert_i32_u"], [0xb9, "f64.convert_i64_s"], [0xba, "f64.convert_i64_u"], [0xbb, "f64.promote_f32"],
  [0xbc, "i32.reinterpret_f32"], [0xbd, "i64.reinterpret_f64"], [0xbe, "f32.reinterpret_i32"], [0xbf, "f64.reinterpret_i64"],
  ...["i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u", "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u"].map(
    (n, i) => [0xfc00 + i, n] as [number, string],
  ),
]);
const FLOAT_TYPES = new Set([0x7d, 0x7c]);
const ALLOCATOR_RE = /^~lib\/rt\/stub\/(__alloc|__new)$/;

/**
 * The float and allocation rule breaks of a binary, each named by the .ts
 * file and line of the code that breaks the rule (from the module's source
 * map): "kernel/x.ts:12: float instruction f64.add (in $kernel/x/f)", or,
 * for allocation, each call from the program's own code (not asc's
 * standard library) into a library function that reaches the allocator.
 * Library code that asc inlined counts at the program's line before it.
 * Empty if nothing is broken or nothing can be located; checkWasmText
 * still reports what this cannot place.
 */
export function locateRuleBreaks(mod: WasmModule, map: SourcePosition[], opts: CheckOptions): string[] {
  const out = new Set<string>();
  const offsets = map.map((p) => p.offset);
  // The position in force at an offset: the last mapped one at or before it, within the function.
  const at = (f: WasmFunction, offset: number): SourcePosition | null => {
    let lo = 0;
    let hi = offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid] <= offset) (found = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found >= 0 && map[found].offset >= f.codeStart ? map[found] : null;
  };
  const isOwn = (p: SourcePosition) => !p.file.startsWith("node_modules/");
  // The program's own position for an offset: library code inlined into a function (asc inlines
  // before it writes the map) has library positions, so take the last own one before it there.
  const ownAt = (f: WasmFunction, offset: number): SourcePosition | null => {
    const p = at(f, offset);
    if (!p || isOwn(p)) return p;
    for (let i = map.indexOf(p) - 1; i >= 0 && map[i].offset >= f.codeStart; i--) if (isOwn(map[i])) return map[i];
    return null;
  };
  const own = (p: SourcePosition | null): p is SourcePosition => p !== null && isOwn(p);
  if (!opts.allowFloats) {
    for (const f of mod.functions) {
      const first = f.code.map((i) => at(f, i.offset)).find(own);
      const types = [["param", f.params], ["result", f.results], ["local", f.locals]] as const;
      for (const [kind, list] of types) if (first && list.some((t) => FLOAT_TYPES.has(t))) out.add(`${first.file}:${first.line}: a float ${kind} in $${f.name}`);
      for (const ins of f.code) {
        const name = FLOAT_OPS.get(ins.op);
        const p = name ? ownAt(f, ins.offset) : null;
        if (name && own(p)) out.add(`${p.file}:${p.line}: float instruction ${name} (in $${f.name})`);
      }
    }
  }
  if (opts.forbidAllocation) {
    const byIndex = new Map(mod.functions.map((f) => [f.index, f]));
    const reaches = new Set(mod.functions.filter((f) => ALLOCATOR_RE.test(f.name)).map((f) => f.index));
    for (let grew = reaches.size > 0; grew; ) {
      grew = false;
      for (const f of mod.functions) {
        if (!reaches.has(f.index) && f.code.some((i) => i.callee !== undefined && reaches.has(i.callee))) (reaches.add(f.index), (grew = true));
      }
    }
    for (const f of mod.functions) {
      for (const ins of f.code) {
        if (ins.callee === undefined || !reaches.has(ins.callee)) continue;
        const callee = byIndex.get(ins.callee)!;
        if (!callee.name.startsWith("~lib/")) continue; // the program's own function: reported where it allocates
        const p = ownAt(f, ins.offset);
        if (own(p)) out.add(`${p.file}:${p.line}: allocates (new/array/string concatenation): calls ${callee.name}`);
      }
    }
  }
  return [...out];
}

/** The wasm features asc 0.28 emits and wasm2c 1.0.32 accepts. */
export const WASM_FEATURES = ["--enable-bulk-memory", "--enable-bulk-memory-opt", "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int"];

/** The wasm-opt stage: binaryen's -O3 pipeline, which also validates; names are kept for symbols. */
export function optimizeWasm(stageName: string, input: string, output: string, inputMap?: string, outputMap?: string, level = "-O3"): void {
  const maps = inputMap && outputMap ? ["--input-source-map", inputMap, "--output-source-map", outputMap] : [];
  run(stageName, process.execPath, [join(BINARYEN_BIN, "wasm-opt"), level, "--debuginfo", ...WASM_FEATURES, input, ...maps, "-o", output]);
}

function readLeb(b: Uint8Array, pos: { p: number }, signed = false): number {
  let result = 0n;
  let shift = 0n;
  let byte: number;
  do {
    byte = b[pos.p++];
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (signed && byte & 0x40) result -= 1n << shift;
  return Number(result);
}

/** Data segment placement, read from the binary's data section (id 11). */
export function wasmFacts(bytes: Uint8Array): WasmFacts {
  let dataEnd = 0;
  let dataStart = Number.MAX_SAFE_INTEGER;
  const exports: string[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    const pos = { p };
    const size = readLeb(bytes, pos);
    const body = pos.p;
    const next = body + size;
    if (id === 7) {
      const count = readLeb(bytes, pos);
      for (let i = 0; i < count; i++) {
        const len = readLeb(bytes, pos);
        exports.push(new TextDecoder().decode(bytes.subarray(pos.p, pos.p + len)));
        pos.p += len + 1;
        readLeb(bytes, pos);
      }
    } else if (id === 11) {
      const count = readLeb(bytes, pos);
      for (let i = 0; i < count; i++) {
        const flags = readLeb(bytes, pos);
        if (flags === 1) {
          pos.p += readLeb(bytes, pos) ; // passive: no placement
          continue;
        }
        if (flags === 2) readLeb(bytes, pos); // memory index
        if (bytes[pos.p++] !== 0x41) throw new Error("data segment offset is not an i32.const");
        const offset = readLeb(bytes, pos, true) >>> 0;
        if (bytes[pos.p++] !== 0x0b) throw new Error("data segment offset expression is not a single i32.const");
        const len = readLeb(bytes, pos);
        pos.p += len;
        dataStart = Math.min(dataStart, offset);
        dataEnd = Math.max(dataEnd, offset + len);
      }
    }
    p = next;
  }
  return { dataEnd, dataStart: dataStart === Number.MAX_SAFE_INTEGER ? 0 : dataStart, exports };
}
