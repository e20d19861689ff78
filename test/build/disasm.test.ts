// test/build/disasm.test.ts: the shape of generated kernel code.
//
// DESIGN.md requires that wasm loads and stores compile to direct x86
// addressing (no memory-base load, no bounds check) and that the wasm2c
// instance pointer costs nothing. This test disassembles known kernel
// functions in out/kernel.elf with objdump and checks exactly that.
import { KERNEL_WASM_BASE } from "../helpers/layout.ts";
import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildKernel, KERNEL_ELF, KERNEL_OUT } from "../../build/kernel.ts";

let disasm = "";

/** The instructions of one function: [address, mnemonic, operands]. */
function fn(name: string): { op: string; args: string }[] {
  const start = disasm.indexOf(`<${name}>:\n`);
  expect(start, `${name} is in kernel.elf`).toBeGreaterThanOrEqual(0);
  const body = disasm.slice(start).split("\n\n")[0].split("\n").slice(1);
  return body.map((l) => {
    const m = /^\s*[0-9a-f]+:\s+(\S+)\s*(.*)$/.exec(l)!;
    return { op: m[1], args: m[2] };
  });
}

const WASM_MEMORY_BASE = KERNEL_WASM_BASE;

describe("generated code shape", () => {
  beforeAll(() => {
    buildKernel();
    disasm = execFileSync("objdump", ["-d", "--no-show-raw-insn", "-M", "att", KERNEL_ELF], { maxBuffer: 64 << 20 }).toString();
  });

  it("loads a wasm byte with one instruction addressing the wasm pointer directly (multiboot2 takeString)", () => {
    // boundedStringLength's loop, inlined: load<u8>(p + i) == 0.
    const code = fn("w2c_kernel_boot_multiboot2_takeString");
    const scan = code.filter((i) => /^cmpb$/.test(i.op) && /^\$0x0,\(%e\w\w,%e\w\w,1\)$/.test(i.args));
    expect(scan.length, "cmpb $0x0,(%base,%index,1)").toBe(1);
    // No absolute memory operand: nothing like a memory-base pointer is loaded.
    expect(code.filter((i) => /(^|,)0x[0-9a-f]+(,|$)/.test(i.args) && !i.args.startsWith("$"))).toEqual([]);
    // No bounds check: nothing is called (no trap path), and no compare against a memory size.
    expect(code.filter((i) => i.op.startsWith("call"))).toEqual([]);
  });

  it("reads wasm globals at absolute addresses and inlines port I/O (serial serialPutByte, waitForLineStatus)", () => {
    // serialPutByte's common case writes THR with no poll; the poll loop is
    // waitForLineStatus. Between them: globals at absolute addresses, `in`
    // and `out` inlined, and no call but the one to the poll loop.
    const put = fn("w2c_kernel_drivers_serial_serialPutByte");
    const wait = fn("w2c_kernel_drivers_serial_waitForLineStatus");
    const absolute = [...put, ...wait]
      .map((i) => /(?:^|,)0x([0-9a-f]{8})(?:,|$)/.exec(i.args))
      .filter((m): m is RegExpExecArray => m !== null && !m.input.startsWith("$"))
      .map((m) => parseInt(m[1], 16));
    expect(absolute.length).toBeGreaterThan(0);
    for (const a of absolute) expect(a).toBeGreaterThanOrEqual(WASM_MEMORY_BASE);
    expect(put.some((i) => i.op === "out" && i.args === "%al,(%dx)")).toBe(true);
    expect(wait.some((i) => i.op === "in" && i.args === "(%dx),%al")).toBe(true);
    expect(put.filter((i) => i.op.startsWith("call")).map((i) => i.args)).toEqual([expect.stringMatching(/<w2c_kernel_drivers_serial_waitForLineStatus>$/)]);
    expect(wait.filter((i) => i.op.startsWith("call"))).toEqual([]);
  });

  it("passes no instance pointer: every generated function takes exactly its wasm parameters", () => {
    const c = readFileSync(join(KERNEL_OUT, "kernel.c"), "utf8");
    const sigs = [...c.matchAll(/^static (?:u32|u64|void) (w2c_\w+)\(([^)]*)\) \{$/gm)];
    expect(sigs.length).toBeGreaterThan(10);
    for (const [, name, params] of sigs) {
      expect(params, name).toMatch(/^(void|(u32|u64) w2c_p\d+(, (u32|u64) w2c_p\d+)*)$/);
    }
  });

  it("has no wasm memory bounds checks anywhere in the kernel", () => {
    const c = readFileSync(join(KERNEL_OUT, "kernel.c"), "utf8");
    // Every load and store goes through the fixed-base macros...
    expect(c).not.toMatch(/mem->data\[/);
    // ...and the only range checks left are the bulk-memory ones (memory.fill/copy/init).
    const checks = [...c.matchAll(/RANGE_CHECK\(/g)].length;
    expect(checks).toBeLessThanOrEqual(6);
  });

  describe("the IPC fast path (kernel/fastpath/fastpath.ts)", () => {
    // The code of an exported entry: gcc inlines the generated function into its wrapper, or jumps to it.
    const body = (exported: string) => {
      const code = fn(exported);
      const jmp = code.length <= 2 ? /<(w2c_\w+)>$/.exec(code.find((i) => i.op === "jmp")?.args ?? "") : null;
      return jmp ? fn(jmp[1]) : code;
    };
    const EXITS = ["restore_user_context"];
    // The slow path's entries: handleSyscall, and handleCallAt, or, where wasm-opt inlined that, its two
    // calls (the invocation with the slot the fast path found, then schedule()).
    const SLOW_PATH = ["w2c_kernel_syscall_handleSyscall", "w2c_kernel_syscall_handleCallAt", "w2c_kernel_api_invoke_handleInvocationAt",
      "w2c_kernel_sched_scheduler_schedule"];

    for (const [entry, source] of [["Z_kernelZ_fastpathCall", "fastpathCall"], ["Z_kernelZ_fastpathReplyRecv", "fastpathReplyRecv"]]) {
      it(`${source}: calls nothing but the exit and the slow path's entries, in a bounded frame`, () => {
        const code = body(entry);
        const calls = code.filter((i) => i.op.startsWith("call")).map((i) => /<([\w.]+)>$/.exec(i.args)?.[1] ?? i.args);
        // Straight-line: the only call on the way out is the exit; every other call hands the system
        // call to the slow path (and never returns: gcc knows they are noreturn).
        expect(calls.filter((c) => !EXITS.includes(c) && !SLOW_PATH.includes(c)), "calls other than the exit and the slow path").toEqual([]);
        expect(calls.filter((c) => EXITS.includes(c)).length, "the exit").toBeGreaterThanOrEqual(1);
        // No indirect call or jump (a table dispatch, a function pointer).
        expect(code.filter((i) => /^(call|jmp)/.test(i.op) && i.args.startsWith("*"))).toEqual([]);
        // A bounded frame: at most four saved registers and 64 bytes of locals, set up once.
        const pushes = code.slice(0, 6).filter((i) => i.op === "push").length;
        expect(pushes).toBeLessThanOrEqual(4);
        const frames = code.filter((i) => i.op === "sub" && /,%esp$/.test(i.args));
        expect(frames.length).toBeLessThanOrEqual(1);
        for (const f of frames) expect(parseInt(/^\$0x([0-9a-f]+),/.exec(f.args)![1], 16)).toBeLessThanOrEqual(64);
        expect(code.filter((i) => /%esp$/.test(i.args) && !["sub", "mov", "push", "pop"].includes(i.op) && !/^(add|lea)/.test(i.op)), "other stack-pointer changes").toEqual([]);
        // Every absolute memory operand is a kernel global (the wasm data, at KERNEL_WASM_BASE and up).
        const absolute = code
          .map((i) => /(?:^|,)0x([0-9a-f]{8})(?:,|$)/.exec(i.args))
          .filter((m): m is RegExpExecArray => m !== null && !m.input.startsWith("$"))
          .map((m) => parseInt(m[1], 16));
        for (const a of absolute) expect(a).toBeGreaterThanOrEqual(WASM_MEMORY_BASE);
      });

      it(`${source}: reaches physical memory through the constant kernel window, never a movable base`, () => {
        const c = readFileSync(join(KERNEL_OUT, "kernel.c"), "utf8");
        const start = c.indexOf(`static void w2c_kernel_fastpath_fastpath_${source}(void) {`);
        expect(start).toBeGreaterThanOrEqual(0);
        const text = c.slice(start, c.indexOf("\n}\n", start));
        // vspace.ts's physWindow is movable for the Node harnesses; the fast path must not read it.
        expect(text).not.toMatch(/physWindow/);
        // Every call in the generated C is to the slow path's entries or to an intrinsic (the exit, CR3,
        // segment registers): nothing else was left out of line.
        const called = [...text.slice(text.indexOf("{")).matchAll(/\b(w2c_kernel_\w+)\(/g)].map((m) => m[1]);
        expect(called.length).toBeGreaterThan(0);
        expect(called.filter((f) => !SLOW_PATH.includes(f)), "calls to kernel functions other than the slow path's entries").toEqual([]);
        if (source === "fastpathReplyRecv") expect([...new Set(called)]).toEqual(["w2c_kernel_syscall_handleSyscall"]);
      });
    }
  });
});
