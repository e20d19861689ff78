// build/lines.ts: AssemblyScript source lines carried into wasm2c's C.
//
// Owns: the `#line` directives that make gcc -g describe generated C with
// .ts files and lines, so gdb and addr2line name them. How:
//  1. From the source map (build/sourcemap.ts), every instruction where the
//     .ts position changes gets a marker: `i32.const MARKER_BASE + k; drop`
//     inserted before it in a copy of the optimised wasm
//     (build/wasmcode.ts). The pair is stack-neutral, so wasm2c names every
//     other value exactly as before; wasm2c writes the constant as one
//     statement, `w2c_iN = <MARKER_BASE + k>u;`, at the marker's place in
//     instruction order, and the drop as nothing.
//  2. mergeLines() walks wasm2c's C for the copy beside its C for the real
//     module. Every line that is not a marker must equal the real C's next
//     line (stack-variable declarations may list one more variable; the
//     real ones are kept), so what gcc compiles is the real C, line for
//     line, with `#line` directives between lines: no code can change.
//     Any other difference stops the build.
//  3. Every line of a function body gets the .ts line of the marker before
//     it (or the function's first one); after each function the C file's
//     own numbering resumes.
// Must not: change one token of the module's C.

import { relative } from "node:path";
import { ROOT } from "./stage.ts";
import type { SourcePosition } from "./sourcemap.ts";
import { insertBeforeInstructions, sleb32, type WasmModule } from "./wasmcode.ts";

/** The first marker's constant; markers are MARKER_BASE .. MARKER_BASE + MARKER_LIMIT - 1. */
export const MARKER_BASE = 0x5ec00000;
export const MARKER_LIMIT = 1 << 20;

export class LinesError extends Error {}

export interface Markers {
  /** The instrumented copy of the binary. */
  wasm: Uint8Array;
  /** positions[k]: the .ts position marker k stands for. */
  positions: SourcePosition[];
}

/** The marked copy of a module: a marker before each instruction where the .ts line changes. */
export function insertMarkers(mod: WasmModule, map: SourcePosition[]): Markers {
  const at = new Map(map.map((p) => [p.offset, p]));
  const positions: SourcePosition[] = [];
  const inserts = new Map<number, number[]>();
  for (const f of mod.functions) {
    let file = "";
    let line = 0;
    for (const ins of f.code) {
      if (ins.op === 0x41 && ins.value! >= MARKER_BASE && ins.value! < MARKER_BASE + MARKER_LIMIT) {
        throw new LinesError(`function ${f.name} has the constant 0x${ins.value!.toString(16)}, which the line markers use`);
      }
      const p = at.get(ins.offset);
      if (!p || (p.file === file && p.line === line)) continue;
      ({ file, line } = p);
      if (positions.length >= MARKER_LIMIT) throw new LinesError(`more than ${MARKER_LIMIT} line markers`);
      inserts.set(ins.offset, [0x41, ...sleb32(MARKER_BASE + positions.length), 0x1a]);
      positions.push(p);
    }
  }
  return { wasm: insertBeforeInstructions(mod, inserts), positions };
}

const MARKER_RE = /^\s*w2c_i\d+ = (\d+)u;$/;
// wasm2c's declaration of the i32 stack variables, which it wraps after a trailing ", ".
const DECL_RE = /^\s*u32 w2c_i\d+(?:, w2c_i\d+)*(?:;|, )$/;
const DECL_MORE_RE = /^\s+w2c_i\d+(?:, w2c_i\d+)*(?:;|, )$/;
/** The index after the declaration that starts at lines[i]. */
function declEnd(lines: string[], i: number): number {
  while (lines[i].endsWith(", ") && i + 1 < lines.length && DECL_MORE_RE.test(lines[i + 1])) i++;
  return i + 1;
}
// A function definition's first line; wasm2c wraps a long parameter list after a trailing ", ".
const FUNC_START_RE = /^(?:static )?[A-Za-z_][\w ]*\b(w2c_\w+)\(/;
/** Whether lines[i] starts a function definition (not a prototype). */
function definitionAt(lines: string[], i: number): boolean {
  if (!FUNC_START_RE.test(lines[i])) return false;
  while (lines[i].endsWith(", ") && i + 1 < lines.length) i++;
  return lines[i].endsWith(") {");
}

/**
 * The real C (`real`) with `#line` directives placed from the marked C
 * (`marked`, the same module with markers, post-processed the same way).
 * `cFile` is the C file's path as gcc should report lines outside functions.
 */
export function mergeLines(real: string, marked: string, positions: SourcePosition[], cFile: string): string {
  const r = real.split("\n");
  const m = marked.split("\n");
  const out: string[] = [];
  const cName = JSON.stringify(relative(ROOT, cFile));
  let ri = 0;
  let last = -1;
  // The function being copied: its lines so far (from `real`) and the marker in force before each.
  let fn: { lines: string[]; at: number[] } | null = null;
  let current = -1;
  let directiveFile = "";
  const flush = () => {
    const f = fn!;
    fn = null;
    const first = f.at.find((k) => k >= 0) ?? -1;
    if (first < 0) {
      for (const l of f.lines) out.push(l);
      return;
    }
    for (let i = 0; i < f.lines.length; i++) {
      const p = positions[f.at[i] >= 0 ? f.at[i] : first];
      out.push(p.file === directiveFile ? `#line ${p.line}` : `#line ${p.line} ${JSON.stringify(p.file)}`);
      directiveFile = p.file;
      out.push(f.lines[i]);
    }
    // The next line of output is line ri + 1 of the real C.
    out.push(`#line ${ri + 1} ${cName}`);
    directiveFile = "";
  };
  for (let mi = 0; mi < m.length; mi++) {
    const line = m[mi];
    const mk = MARKER_RE.exec(line);
    if (mk) {
      const k = Number(mk[1]) - MARKER_BASE;
      if (k >= 0 && k < positions.length && k > last && fn) {
        last = k;
        current = k;
        continue;
      }
    }
    if (ri >= r.length) throw new LinesError(`the marked C has more lines than the real C (marked line ${mi + 1}: ${line.trim()})`);
    const take = r[ri];
    if (fn && DECL_RE.test(line)) {
      // The marker may be the deepest value: one more declared stack variable. Keep the real list, or
      // none if the function has no i32 stack value but the marker's.
      mi = declEnd(m, mi) - 1;
      if (DECL_RE.test(take)) {
        for (const end = declEnd(r, ri); ri < end; ri++) (fn.lines.push(r[ri]), fn.at.push(current));
      }
      continue;
    }
    if (line !== take) {
      throw new LinesError(`the marked C differs from the real C at real line ${ri + 1}: ${JSON.stringify(take.trim())} vs ${JSON.stringify(line.trim())}`);
    }
    ri++;
    if (!fn && definitionAt(r, ri - 1)) {
      fn = { lines: [], at: [] };
      current = -1;
    }
    if (fn) {
      fn.lines.push(take);
      fn.at.push(current);
      if (take === "}") flush();
    } else out.push(take);
  }
  if (fn) throw new LinesError("the C ends inside a function");
  if (ri !== r.length) throw new LinesError(`the real C has ${r.length - ri} more lines than the marked C`);
  if (positions.length > 0 && last < 0) throw new LinesError("wasm2c's C has none of the line markers: is this wasm2c 1.0.32?");
  return out.join("\n");
}
