// test/build/wasmcheck-lines.test.ts: the wasm check names the program and
// the .ts line of each float instruction and allocation.
//
// Small programs under out/test-build go through the build's own asc stage
// (compileAsc, with its source map) and wasmToObject's check, as a user
// program and as the kernel.
import { describe, it, expect } from "vitest";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { compileAsc, wasmToObject } from "../../build/kernel.ts";
import { locateRuleBreaks } from "../../build/wasmcheck.ts";
import { readWasm } from "../../build/wasmcode.ts";
import { readSourceMap } from "../../build/sourcemap.ts";
import { OUT, ROOT, StageError } from "../../build/stage.ts";

const DIR = join(OUT, "test-build", "wasmcheck-lines");

// Line 1 imports the target's abort (asconfig.json `use`); ALLOC_LINE and FLOAT_LINE break the rules.
const SOURCE = (target: "user" | "kernel") => [
  target === "user" ? 'import "../../../../libs/user/runtime";' : 'import "../../../../kernel/panic";',
  "export function main(n: i32): i32 {",
  "  let s: i32 = n;",
  "  const a = new Array<i32>(n);",
  "  return a.length + s;",
  "}",
  "export function half(n: i32): i32 {",
  "  return <i32>(<f64>n * 0.5);",
  "}",
  "",
].join("\n");
// SOURCE's lines: the allocation and the float multiply.
const ALLOC_LINE = 4;
const FLOAT_LINE = 8;

// The kernel's sources need the value of TSOS_PATH_STATS (build/kernel.ts).
const FLAGS = { user: [], kernel: ["--use", "TSOS_PATH_STATS=0"] };

/** Compiles SOURCE as `name` for an asconfig target; returns the module's directory and its .ts path. */
function program(name: string, target: "user" | "kernel"): { dir: string; file: string } {
  const dir = join(DIR, name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "main.ts");
  writeFileSync(entry, SOURCE(target));
  compileAsc(`test asc ${name}`, relative(ROOT, entry), target, join(dir, `${name}.asc.wasm`), [entry], FLAGS[target]);
  return { dir, file: relative(ROOT, entry) };
}

function checkError(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (e instanceof StageError) return e.message;
    throw e;
  }
  throw new Error("the check passed");
}

describe("wasm check errors name the program and the .ts line", () => {
  it("a user program: 'user program <name>', the line of `new Array`, never 'kernel'", () => {
    const { dir, file } = program("allocdemo", "user");
    const msg = checkError(() => wasmToObject({ name: "allocdemo", dir, side: "user", runtime: "user-rt.c", entry: "main", asc: { entry: file, target: "user", flags: [] } }));
    expect(msg).toContain(`user program allocdemo: ${file}:${ALLOC_LINE}: allocates (new/array/string concatenation): calls ~lib/array/Array<i32>#constructor`);
    expect(msg).not.toMatch(/kernel/);
    // Floats are allowed in user programs.
    expect(msg).not.toMatch(/float/);
  }, 120_000);

  it("the kernel: 'kernel', the float instructions' line and the allocation's line", () => {
    const { dir, file } = program("kerneldemo", "kernel");
    const msg = checkError(() => wasmToObject({ name: "kerneldemo", dir, side: "kernel", runtime: "kernel-rt.c", entry: "kmain", asc: { entry: file, target: "kernel", flags: FLAGS.kernel } }));
    expect(msg).toContain(`kernel: ${file}:${FLOAT_LINE}: float instruction f64.mul (in $${file.replace(/\.ts$/, "")}/half)`);
    expect(msg).toContain(`kernel: ${file}:${ALLOC_LINE}: allocates (new/array/string concatenation): calls ~lib/array/Array<i32>#constructor`);
    expect(msg).not.toMatch(/user program/);
  }, 120_000);

  it("places floats from the optimised module's own map", () => {
    const { dir, file } = program("floatmap", "user");
    const errs = locateRuleBreaks(readWasm(readFileSync(join(dir, "floatmap.asc.wasm"))), readSourceMap(join(dir, "floatmap.asc.wasm.map")), { forbidAllocation: false });
    expect(errs).toContain(`${file}:${FLOAT_LINE}: float instruction f64.mul (in $${file.replace(/\.ts$/, "")}/half)`);
    expect(errs.every((e) => e.startsWith(`${file}:${FLOAT_LINE}: `))).toBe(true);
  }, 120_000);
});
