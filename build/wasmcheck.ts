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
// and the wasm-opt stage (binaryen's optimiser).
// Must not: change semantics; it only validates, optimises and reports.

import { join } from "node:path";
import { checkImport } from "./intrinsics.ts";
import { ROOT, run } from "./stage.ts";

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
    errors.push("the module contains the runtime allocator (~lib/rt/stub/__alloc): kernel code must not allocate (no `new`, no string concatenation, no runtime arrays)");
  }
  return errors;
}

/** The wasm features asc 0.28 emits and wasm2c 1.0.32 accepts. */
export const WASM_FEATURES = ["--enable-bulk-memory", "--enable-bulk-memory-opt", "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int"];

/** The wasm-opt stage: binaryen's -O3 pipeline, which also validates; names are kept for symbols. */
export function optimizeWasm(stageName: string, input: string, output: string): void {
  run(stageName, process.execPath, [join(BINARYEN_BIN, "wasm-opt"), "-O3", "--debuginfo", ...WASM_FEATURES, input, "-o", output]);
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
