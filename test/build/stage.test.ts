// test/build/stage.test.ts: build stages: caching, named failures, asc
// diagnostics, and the no-change rebuild of the real kernel.
import { describe, it, expect } from "vitest";
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stage, stageLog, run, StageError, OUT } from "../../build/stage.ts";
import { buildKernel, compileAsc } from "../../build/kernel.ts";

const DIR = join(OUT, "test-build", "stage");

describe("stage caching", () => {
  it("runs a stage once, then skips it until an input changes", () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const input = join(DIR, "in.txt");
    const output = join(DIR, "out.txt");
    writeFileSync(input, "one");
    let runs = 0;
    const spec = { name: "test copy", inputs: [input], outputs: [output], run: () => { runs++; writeFileSync(output, "x"); } };
    expect(stage(spec)).toBe(true);
    expect(stage(spec)).toBe(false);
    expect(runs).toBe(1);
    writeFileSync(input, "two");
    expect(stage(spec)).toBe(true);
    expect(runs).toBe(2);
    rmSync(output);
    expect(stage(spec)).toBe(true);
    expect(stage({ ...spec, key: "other flags" })).toBe(true);
    expect(runs).toBe(4);
  });

  it("names the stage and keeps the tool's diagnostic when a command fails", () => {
    let err: unknown;
    try {
      run("gcc", "gcc", ["-m32", "-c", "-x", "c", "-", "-o", "/dev/null"], { input: "int f(void) { return undefined_name; }\n" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StageError);
    expect((err as Error).message).toMatch(/^build failed at stage "gcc":/);
    expect((err as Error).message).toMatch(/undefined_name/);
  });

  it("reports an asc error with the .ts file and line", () => {
    mkdirSync(DIR, { recursive: true });
    const src = join(DIR, "broken.ts");
    writeFileSync(src, "export function f(): i32 {\n  return 1;\n}\nexport function g(): i32 {\n  return notDefined;\n}\n");
    let err: unknown;
    try {
      compileAsc("asc", src, "kernel", join(DIR, "broken.wasm"), [src]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StageError);
    expect((err as Error).message).toMatch(/^build failed at stage "asc":/);
    expect((err as Error).message).toMatch(/Cannot find name 'notDefined'/);
    expect((err as Error).message).toMatch(/broken\.ts\(5,10\)/);
  });

  it("rebuilds the kernel with nothing changed without running any stage", () => {
    buildKernel();
    const before = stageLog.ran.length;
    buildKernel();
    expect(stageLog.ran.length).toBe(before);
  });
});
