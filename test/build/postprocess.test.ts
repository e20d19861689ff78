// test/build/postprocess.test.ts: unit tests of the wasm2c post-processor.
// Fixtures are real wasm2c 1.0.32 output of small modules written in wat.
import { GEN_OUT } from "../../build/abigen.ts";
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { postprocess, mangleName, PostprocessError } from "../../build/postprocess.ts";
import { OUT } from "../../build/stage.ts";

const DIR = join(OUT, "test-build", "postprocess");

function wasm2c(name: string, wat: string, names = false): { c: string; h: string } {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${name}.wat`), wat);
  execFileSync("wat2wasm", [join(DIR, `${name}.wat`), ...(names ? ["--debug-names"] : []), "-o", join(DIR, `${name}.wasm`)]);
  execFileSync("wasm2c", [join(DIR, `${name}.wasm`), "-n", name, "-o", join(DIR, `${name}.c`)]);
  return { c: readFileSync(join(DIR, `${name}.c`), "utf8"), h: readFileSync(join(DIR, `${name}.h`), "utf8") };
}

const MODULE = `(module
  (import "x86" "outb" (func $outb (param i32 i32)))
  (import "x86" "rdtsc" (func $rdtsc (result i64)))
  (memory 1)
  (global $g (mut i32) (i32.const 7))
  (table 2 funcref)
  (elem (i32.const 0) $get $put)
  (type $t (func (param i32) (result i32)))
  (func $get (param i32) (result i32) (i32.load offset=8 (local.get 0)))
  (func $put (param i32) (result i32) (i32.store16 (local.get 0) (global.get $g)) (i32.const 0))
  (func (export "run") (param i32) (result i32)
    (call $outb (i32.const 0x3f8) (local.get 0))
    (drop (call $rdtsc))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (memory.fill (i32.const 16) (i32.const 0) (i32.const 4))
    (call_indirect (type $t) (local.get 0) (i32.const 1))))`;

describe("postprocess", () => {
  it("mangles names the way wasm2c 1.0.32 does", () => {
    expect(mangleName("kernel")).toBe("kernel");
    expect(mangleName("a-b")).toBe("aZ2Db");
    expect(mangleName("Zed")).toBe("ZZed");
  });

  it("removes the instance pointer from every function, declaration and call", () => {
    const { c, h } = wasm2c("pp1", MODULE);
    expect(c).toMatch(/Z_pp1_instance_t\* instance/);
    const r = postprocess(c, h, { moduleName: "pp1", headerName: "pp1.h" });
    const code = r.c.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(code).not.toMatch(/\binstance\b/);
    expect(r.c).toContain("static Z_pp1_instance_t WASM_INSTANCE;");
    expect(r.c).toMatch(/static u32 w2c_f\d+\(u32\);/);
    expect(r.h).toMatch(/u32 Z_pp1Z_run\(u32\);/);
    expect(r.h).not.toMatch(/Z_pp1Z_run\(Z_pp1_instance_t/);
  });

  it("turns x86 imports into direct intrinsic calls", () => {
    const { c, h } = wasm2c("pp2", MODULE);
    const r = postprocess(c, h, { moduleName: "pp2", headerName: "pp2.h" });
    expect(r.c).toMatch(/x86_outb\(w2c_i0, w2c_i1\);/);
    expect(r.c).toMatch(/= x86_rdtsc\(\);/);
    expect(r.c).not.toMatch(/Z_x86Z_/);
  });

  it("addresses memory at the constant base, with no bounds check on loads and stores", () => {
    const { c, h } = wasm2c("pp3", MODULE);
    const r = postprocess(c, h, { moduleName: "pp3", headerName: "pp3.h" });
    expect(r.c).toContain("#define WASM_MEM(addr) ((uintptr_t)(WASM_MEM_BASE) + (u32)(addr))");
    expect(r.c).not.toMatch(/mem->data\[/);
    // Bulk operations keep the exact wasm range check.
    expect(r.c).toMatch(/memset\(\(void\*\)WASM_MEM\(d\)/);
    expect(r.c).toMatch(/static inline void memory_fill[^{]*\{\s*RANGE_CHECK\(mem, d, n\);/);
  });

  it("drops the instance from call_indirect types and arguments", () => {
    const { c, h } = wasm2c("pp4", MODULE);
    const r = postprocess(c, h, { moduleName: "pp4", headerName: "pp4.h" });
    expect(r.c).toMatch(/CALL_INDIRECT\(WASM_INSTANCE\.w2c_T0, u32 \(\*\)\(u32\), \d+, w2c_i1, w2c_i0\)/);
  });

  it("drops it too for a table with a name, as AssemblyScript's closures use one (regression: a closure got the instance as its first argument)", () => {
    const named = MODULE.replace("(table 2 funcref)", "(table $_ 2 funcref)");
    const { c, h } = wasm2c("pp4n", named, true); // with its name section, as asc --debug writes one
    expect(c).toMatch(/CALL_INDIRECT\(instance->w2c__\w*, /); // the shape that slipped through
    const r = postprocess(c, h, { moduleName: "pp4n", headerName: "pp4n.h" });
    expect(r.c).toMatch(/CALL_INDIRECT\(WASM_INSTANCE\.w2c__\w*, u32 \(\*\)\(u32\), \d+, w2c_i1, w2c_i0\)/);
    expect(r.c).not.toMatch(/CALL_INDIRECT\(.*module_instance/);
  });

  it("compiles to a 32-bit object", () => {
    const { c, h } = wasm2c("pp5", MODULE);
    const r = postprocess(c, h, { moduleName: "pp5", headerName: "pp5.h" });
    writeFileSync(join(DIR, "pp5.pp.c"), r.c);
    writeFileSync(join(DIR, "pp5.h"), r.h);
    writeFileSync(join(DIR, "x86.gen.h"), "");
    writeFileSync(join(DIR, "pp5.unit.c"), '#define WASM_MEM_BASE 0\n#include "../../kernel/x86.gen.h"\n#include "pp5.pp.c"\n');
    const inc = execFileSync("gcc", ["-m32", "-print-file-name=include"]).toString().trim();
    execFileSync("gcc", ["-m32", "-O2", "-ffreestanding", "-nostdinc", "-isystem", inc, "-I", "build/rt/include", "-I", GEN_OUT, "-c", join(DIR, "pp5.unit.c"), "-o", join(DIR, "pp5.o")]);
  });

  it("refuses output of a shape it does not know, naming the step", () => {
    expect(() => postprocess("/* not wasm2c */", "", { moduleName: "x", headerName: "x.h" })).toThrow(PostprocessError);
    const { c, h } = wasm2c("pp6", MODULE);
    const broken = c.replace("#if WABT_BIG_ENDIAN", "#if SOMETHING_ELSE");
    expect(() => postprocess(broken, h, { moduleName: "pp6", headerName: "pp6.h" })).toThrow(/load\/store definitions not found/);
  });
});
