// test/system/debug.test.ts: .ts lines in a running kernel.
//
// A kernel fault's panic names the .ts file and line of the faulting
// statement (the line table build/ksyms.ts embeds), and gdb on QEMU's stub,
// given the symbol files `npm run debug` prints, stops at a .ts line and
// shows a backtrace, a listing and a step there (build/lines.ts, gcc -g),
// on the debug kernel `npm run debug` boots.
import { describe, it, expect } from "vitest";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { boot } from "../helpers/qemu.ts";
import { kernelElf } from "../../build/kernel.ts";
import { gdbArgs } from "../../build/debug.ts";
import { ROOT } from "../../build/stage.ts";

function source(file: string): string[] {
  return readFileSync(join(ROOT, file), "utf8").split("\n");
}

/** The 1-based line of the one line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const at = source(file).flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  expect(at, `${text} occurs once in ${file}`).toHaveLength(1);
  return at[0];
}

/** The lines [first, last] of the function `name` in `file` (from its declaration to the next line that is "}"). */
function functionLines(file: string, name: string): [number, number] {
  const lines = source(file);
  const first = lines.findIndex((l) => new RegExp(`^(export )?function ${name}\\(`).test(l));
  expect(first, `function ${name} in ${file}`).toBeGreaterThanOrEqual(0);
  const last = lines.findIndex((l, i) => i > first && l === "}");
  return [first + 1, last + 1];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("kernel panics name .ts lines", () => {
  it("a write to kernel text panics naming the line of the store in runCrashSelfTest (kernel/main.ts)", async () => {
    const r = await boot({ cmdline: "poweroff crash=write-text" });
    expect(r.how, r.stderr + r.serial).toBe("panic");
    const head = r.lines.find((l) => l.startsWith("PANIC: kernel page fault"));
    const m = / (kernel\/[\w/.-]+\.ts):(\d+)$/.exec(head ?? "");
    expect(m, r.serial).not.toBeNull();
    expect(m![1]).toBe("kernel/main.ts");
    const line = Number(m![2]);
    const [first, last] = functionLines("kernel/main.ts", "runCrashSelfTest");
    expect(line).toBeGreaterThan(first);
    expect(line).toBeLessThan(last);
    expect(line).toBe(lineOf("kernel/main.ts", "store<u32>(<usize>kernelLayout(LAYOUT_IMAGE_START) + 0x40, 0)"));
  });

  for (const [crash, statement] of [["divide", "putDec32(<u32>1000 / zero);"], ["unreachable", "unreachable();"]]) {
    it(`a wasm trap (crash=${crash}) panics with a backtrace naming the trapping statement's line in kernel/main.ts`, async () => {
      const r = await boot({ cmdline: `poweroff crash=${crash}` });
      expect(r.how, r.stderr + r.serial).toBe("panic");
      const bt = r.lines.indexOf("backtrace:");
      expect(bt, r.serial).toBeGreaterThan(0);
      expect(r.lines[bt - 1]).toMatch(/^PANIC: wasm trap \d: /);
      const frames = r.lines.slice(bt + 1, r.lines.findIndex((l, i) => i > bt && !l.startsWith("  ")));
      const line = lineOf("kernel/main.ts", statement);
      const [first, last] = functionLines("kernel/main.ts", "runCrashSelfTest");
      expect(line > first && line < last).toBe(true);
      expect(frames.some((f) => new RegExp(`^  0x[0-9a-f]{8} \\S+\\+0x[0-9a-f]+ kernel/main\\.ts:${line}$`).test(f)), frames.join("\n")).toBe(true);
    });
  }
});

describe("gdb on QEMU's stub", () => {
  it("breaks at a .ts line, and bt, list and next show .ts lines", async () => {
    const port = await freePort();
    const file = "kernel/boot/multiboot2.ts";
    const line = lineOf(file, "if (len < 0) return -<i32>Multiboot2Error.StringNotTerminated;");
    // npm run debug's kernel and command, with a script instead of an interactive session.
    const booted = boot({ cmdline: "poweroff", kernel: "debug", extra: ["-gdb", `tcp:127.0.0.1:${port}`, "-S"], timeoutMs: 120_000 });
    const words = gdbArgs(kernelElf("debug"), ["root"], port);
    expect(words.slice(-4)).toEqual(["-ex", "break kernel_start", "-ex", "continue"]);
    const args = words.slice(1, -4);
    const script = [`break ${file}:${line}`, "continue", "bt", "list", "next", "info line *$pc", "delete", "detach"];
    const gdb = spawn("gdb", ["-nx", "-batch", ...args, ...script.flatMap((c) => ["-ex", c])], { cwd: ROOT });
    let out = "";
    gdb.stdout.on("data", (d: Buffer) => (out += d.toString()));
    gdb.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => gdb.kill("SIGKILL"), 90_000);
    const code = await new Promise<number | null>((resolve) => gdb.on("close", resolve));
    clearTimeout(timer);
    const r = await booted;
    expect(code, out).toBe(0);
    expect(out).toContain('add symbol table from file "out/userland/root.elf"');
    expect(out).toMatch(new RegExp(`Breakpoint 1, w2c_kernel_boot_multiboot2_takeString \\(.*\\) at ${file}:${line}\\n`));
    expect(out).toMatch(new RegExp(`^#0 +w2c_kernel_boot_multiboot2_takeString \\(.*\\) at ${file}:${line}$`, "m"));
    expect(out).toMatch(/^#\d+ +0x[0-9a-f]+ in kernel_start /m);
    // The debug kernel keeps a frame per AssemblyScript function: takeString's callers in multiboot2.ts.
    const frames = out.split("\n").filter((l) => /^#\d+ /.test(l));
    expect(frames.filter((l) => / at kernel\/boot\/multiboot2\.ts:\d+$/.test(l)).length, frames.join("\n")).toBeGreaterThanOrEqual(3);
    expect(frames.some((l) => /\bw2c_kernel_main_kmain /.test(l))).toBe(true);
    // list: the source text around the line, with its number.
    expect(out).toContain(`${line}\t  if (len < 0) return -<i32>Multiboot2Error.StringNotTerminated;`);
    // next: the following statement, still in multiboot2.ts.
    expect(out).toMatch(new RegExp(`^Line \\d+ of "${file.replace(/[./]/g, "\\$&")}" starts at address`, "m"));
    // Detached, the kernel ran on and powered off.
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
  }, 240_000);
});
