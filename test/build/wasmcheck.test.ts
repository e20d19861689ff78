// test/build/wasmcheck.test.ts: the kernel wasm rules (floats, imports,
// allocation) and the data-segment reader, on modules built with wat2wasm and asc.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkWasmText, usesFloats, wasmFacts, wasmText } from "../../build/wasmcheck.ts";
import { CFLAGS, moduleCflags, USER_FLOAT_CFLAGS } from "../../build/kernel.ts";
import { checkImport, generateIntrinsicsHeader, INTRINSICS } from "../../build/intrinsics.ts";
import { OUT } from "../../build/stage.ts";

const DIR = join(OUT, "test-build", "wasmcheck");

function wat(name: string, text: string): string {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${name}.wat`), text);
  execFileSync("wat2wasm", ["--enable-all", "--debug-names", join(DIR, `${name}.wat`), "-o", join(DIR, `${name}.wasm`)]);
  return join(DIR, `${name}.wasm`);
}

describe("kernel wasm rules", () => {
  it("accepts integer code importing intrinsics with their exact signatures", () => {
    const p = wat("ok", `(module (import "x86" "inb" (func $inb (param i32) (result i32)))
      (func $f (export "f") (param i32) (result i32) (call $inb (local.get 0))))`);
    expect(checkWasmText(wasmText(p), { forbidAllocation: true })).toEqual([]);
  });

  it("rejects float instructions, naming the function", () => {
    const p = wat("float", `(module (func $half (export "half") (param i32) (result i32)
      (i32.trunc_f32_s (f32.div (f32.convert_i32_s (local.get 0)) (f32.const 2)))))`);
    const errs = checkWasmText(wasmText(p), { forbidAllocation: true });
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.join("\n")).toMatch(/float instruction or type in \$half: f32\./);
  });

  it("rejects float parameters and locals even without float arithmetic", () => {
    const p = wat("floatparam", `(module (func $keep (export "keep") (param f64) (result i32) (i32.const 0)))`);
    expect(checkWasmText(wasmText(p), { forbidAllocation: false }).join("\n")).toMatch(/in \$keep: a float param/);
  });

  it("accepts floats in user programs (allowFloats), and tells which modules use them", () => {
    const p = wat("userfloat", `(module (func $half (export "half") (param i32) (result i32)
      (i32.trunc_f32_s (f32.div (f32.convert_i32_s (local.get 0)) (f32.const 2)))))`);
    const text = wasmText(p);
    expect(checkWasmText(text, { forbidAllocation: true, side: "user", allowFloats: true })).toEqual([]);
    expect(usesFloats(text)).toBe(true);
    expect(usesFloats(wasmText(wat("nofloat", `(module (func (export "f") (param i32) (result i32) (local.get 0)))`)))).toBe(false);
  });

  it("builds float code with SSE2 math for user programs only; the kernel and float-free programs keep -mgeneral-regs-only", () => {
    expect(moduleCflags("kernel", true)).toEqual(CFLAGS);
    expect(moduleCflags("user", false)).toEqual(CFLAGS);
    const user = moduleCflags("user", true);
    expect(user).not.toContain("-mgeneral-regs-only");
    for (const f of USER_FLOAT_CFLAGS) expect(user).toContain(f);
    expect(CFLAGS).toContain("-mgeneral-regs-only");
  });

  it("rejects imports outside the intrinsic set, unknown intrinsics and wrong signatures", () => {
    const p = wat("imports", `(module
      (import "env" "abort" (func (param i32 i32 i32 i32)))
      (import "x86" "frobnicate" (func))
      (import "x86" "outb" (func (param i32)))
      (import "x86" "mem" (memory 1)))`);
    const errs = checkWasmText(wasmText(p), { forbidAllocation: true });
    expect(errs).toContain('import "env"."abort" is outside the x86 intrinsic set (only module "x86" may be imported)');
    expect(errs.some((e) => e.startsWith('import "x86"."frobnicate" is not an x86 intrinsic'))).toBe(true);
    expect(errs).toContain('import "x86"."outb" has signature (i32)->(), the intrinsic is (i32,i32)->()');
    expect(errs).toContain('import "x86"."mem" is a memory; only x86 intrinsic functions may be imported');
  });

  it("rejects a kernel that allocates", () => {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, "alloc.ts"), "export function f(n: i32): i32 { const a = new Array<i32>(n); return a.length; }\n");
    execFileSync(join("node_modules", ".bin", "asc"), [join(DIR, "alloc.ts"), "--runtime", "stub", "-O1", "--debug", "-o", join(DIR, "alloc.wasm")]);
    const errs = checkWasmText(wasmText(join(DIR, "alloc.wasm")), { forbidAllocation: true });
    expect(errs.join("\n")).toMatch(/kernel code must not allocate/);
  });

  it("reads data segment placement from the binary", () => {
    const p = wat("data", `(module (memory 1) (data (i32.const 1024) "abc") (data (i32.const 4096) "\\00\\01"))`);
    const f = wasmFacts(readFileSync(p));
    expect(f.dataStart).toBe(1024);
    expect(f.dataEnd).toBe(4098);
  });
});

describe("intrinsic set", () => {
  it("generates one static inline function per intrinsic, per side", () => {
    const h = generateIntrinsicsHeader("kernel");
    const u = generateIntrinsicsHeader("user");
    for (const i of INTRINSICS) {
      const scope = i.scope ?? "both";
      expect(h.includes(` x86_${i.name}(`), i.name).toBe(scope !== "user");
      expect(u.includes(` x86_${i.name}(`), i.name).toBe(scope !== "kernel");
    }
    expect(h).toMatch(/static inline __attribute__\(\(always_inline\)\) void x86_outb\(u32 a, u32 b\)/);
    expect(h).toMatch(/u64 x86_rdtsc\(void\)/);
  });

  it("keeps user-only intrinsics out of the kernel and kernel-only ones out of userland", () => {
    expect(checkImport("x86", "sysenter", ["i32"], [], "kernel")).toMatch(/user-mode intrinsic and may not be used in kernel code/);
    expect(checkImport("x86", "sysenter", ["i32"], [], "user")).toBeNull();
    expect(checkImport("x86", "restoreUserContext", ["i32"], [], "user")).toMatch(/kernel-mode intrinsic/);
  });

  it("checks module, name and signature", () => {
    expect(checkImport("x86", "rdtsc", [], ["i64"])).toBeNull();
    expect(checkImport("x86", "rdtsc", [], ["i32"])).toMatch(/signature/);
  });
});
