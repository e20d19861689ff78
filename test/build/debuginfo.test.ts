// test/build/debuginfo.test.ts: .ts source lines in the native build.
//
// The source map reader and the line merge on small inputs; then the
// kernel ELF: its DWARF names kernel/*.ts lines where the source text says
// they are, gdb lists them, the embedded panic line table has them, the
// debug information and #line directives change no machine code, and
// `npm run debug`'s gdb command loads the user programs' symbols.
import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildKernel, moduleCflags, KERNEL_ELF, KERNEL_OUT, DEBUG_CFLAGS } from "../../build/kernel.ts";
import { USERLAND_OUT } from "../../build/userland.ts";
import { GEN_OUT } from "../../build/abigen.ts";
import { decodeVlq, parseSourceMap, sourcePath } from "../../build/sourcemap.ts";
import { mergeLines, MARKER_BASE, LinesError } from "../../build/lines.ts";
import { gdbArgs, gdbCommand } from "../../build/debug.ts";
import { KSYM_MAGIC } from "../../build/ksyms.ts";
import { OUT, ROOT } from "../../build/stage.ts";

/** The 1-based line of the one line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const at = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  expect(at, `${text} occurs once in ${file}`).toHaveLength(1);
  return at[0];
}

describe("source maps", () => {
  it("decodes base64 VLQ segments", () => {
    expect(decodeVlq("AAgBC")).toEqual([0, 0, 16, 1]);
    expect(decodeVlq("D")).toEqual([-1]);
    expect(decodeVlq("2HA")).toEqual([123, 0]);
    expect(() => decodeVlq("g")).toThrow(/ends inside a number/);
    expect(() => decodeVlq("A*")).toThrow(/not a base64 VLQ digit/);
  });

  it("reads a wasm source map into sorted offsets, files and 1-based lines; ~lib is asc's standard library", () => {
    // offset 10 -> source 0 line 1; offset 12 -> source 1 line 3; offset 14 has no source.
    const map = parseSourceMap(JSON.stringify({ version: 3, sources: ["kernel/a.ts", "~lib/rt/stub.ts"], names: [], mappings: "UAAA,ECEA,C" }));
    expect(map).toEqual([
      { offset: 10, file: "kernel/a.ts", line: 1 },
      { offset: 12, file: "node_modules/assemblyscript/std/assembly/rt/stub.ts", line: 3 },
    ]);
    expect(sourcePath("./userland/x/main.ts")).toBe("userland/x/main.ts");
    expect(() => parseSourceMap("{}")).toThrow(/not a version 3 map/);
    expect(() => parseSourceMap(JSON.stringify({ version: 3, sources: [], mappings: "A;A" }))).toThrow(/more than one generated line/);
  });
});

describe("line merge (build/lines.ts)", () => {
  const real = ["#include \"m.h\"", "static u32 w2c_m_f(u32 w2c_p0) {", "  FUNC_PROLOGUE;", "  u32 w2c_i0, w2c_i1;", "  w2c_i0 = w2c_p0;", "  w2c_i1 = 1u;", "  w2c_i0 += w2c_i1;", "  return w2c_i0;", "}", "int tail;"];
  const marker = (k: number, depth = 2) => `  w2c_i${depth} = ${MARKER_BASE + k}u;`;
  const marked = [...real.slice(0, 3), "  u32 w2c_i0, w2c_i1, w2c_i2;", marker(0, 0), real[4], marker(1, 1), ...real.slice(5)];
  const positions = [{ offset: 1, file: "kernel/m.ts", line: 7 }, { offset: 2, file: "kernel/m.ts", line: 8 }];

  it("puts the real C's lines, each under the .ts line of the marker before it, and resumes the C numbering after the function", () => {
    const out = mergeLines(real.join("\n"), marked.join("\n"), positions, join(ROOT, "out", "m.c")).split("\n");
    expect(out.filter((l) => !l.startsWith("#line"))).toEqual(real);
    expect(out).toEqual([
      real[0],
      '#line 7 "kernel/m.ts"', real[1], "#line 7", real[2], "#line 7", real[3], "#line 7", real[4],
      "#line 8", real[5], "#line 8", real[6], "#line 8", real[7], "#line 8", real[8],
      '#line 10 "out/m.c"', real[9],
    ]);
  });

  it("stops on any other difference between the marked and the real C", () => {
    const changed = marked.map((l) => (l === "  w2c_i1 = 1u;" ? "  w2c_i1 = 2u;" : l));
    expect(() => mergeLines(real.join("\n"), changed.join("\n"), positions, "m.c")).toThrow(LinesError);
    expect(() => mergeLines(real.join("\n"), real.join("\n"), positions, "m.c")).toThrow(/none of the line markers/);
  });
});

describe("the kernel's debug information", () => {
  let elf = "";
  beforeAll(() => {
    elf = buildKernel();
  });

  /** Address and size of a kernel function. */
  function symbol(name: string): { address: number; size: number } {
    const m = new RegExp(`^([0-9a-f]{8}) ([0-9a-f]{8}) [tT] ${name}$`, "m").exec(execFileSync("nm", ["-S", elf]).toString());
    expect(m, `${name} is in kernel.elf`).not.toBeNull();
    return { address: parseInt(m![1], 16), size: parseInt(m![2], 16) };
  }

  it("has line tables naming kernel .ts files and the lines the source text has (multiboot2 takeString)", () => {
    const dl = execFileSync("objdump", ["--dwarf=decodedline", "--wide", elf], { maxBuffer: 64 << 20 }).toString();
    expect(dl).toMatch(/^kernel\/boot\/multiboot2\.ts:$/m);
    const { address, size } = symbol("w2c_kernel_boot_multiboot2_takeString");
    const rows = [...dl.matchAll(/^(\S+)\s+(\d+)\s+0x([0-9a-f]+)/gm)]
      .map((m) => ({ file: m[1], line: Number(m[2]), address: parseInt(m[3], 16) }))
      .filter((r) => r.address >= address && r.address < address + size && r.file.endsWith(".ts"));
    expect(rows.length).toBeGreaterThan(3);
    expect(new Set(rows.map((r) => r.file))).toEqual(new Set(["multiboot2.ts"]));
    // Its two length checks are statements of their own lines.
    const lines = new Set(rows.map((r) => r.line));
    expect(lines).toContain(lineOf("kernel/boot/multiboot2.ts", "if (len < 0) return -<i32>Multiboot2Error.StringNotTerminated;"));
    expect(lines).toContain(lineOf("kernel/boot/multiboot2.ts", "if (<u32>len >= capacity) return -<i32>Multiboot2Error.StringTooLong;"));
    // addr2line agrees on the function's first instruction: a line of multiboot2.ts.
    const a2l = execFileSync("addr2line", ["-e", elf, `0x${address.toString(16)}`]).toString().trim();
    expect(a2l).toMatch(/\/kernel\/boot\/multiboot2\.ts:\d+$/);
  });

  it("lets gdb find and list .ts lines without a running target", () => {
    const line = lineOf("kernel/boot/multiboot2.ts", "if (len < 0) return -<i32>Multiboot2Error.StringNotTerminated;");
    const out = execFileSync("gdb", ["-nx", "-batch", "-ex", "info line w2c_kernel_boot_multiboot2_takeString", "-ex", `list kernel/boot/multiboot2.ts:${line},${line}`, "-ex", `info line kernel/boot/multiboot2.ts:${line}`, elf], { timeout: 60_000 }).toString();
    expect(out).toMatch(/^Line \d+ of "kernel\/boot\/multiboot2\.ts" starts at address 0x[0-9a-f]+ <w2c_kernel_boot_multiboot2_takeString/m);
    expect(out).toContain(`${line}\t  if (len < 0) return -<i32>Multiboot2Error.StringNotTerminated;`);
    expect(out).toMatch(new RegExp(`^Line ${line} of "kernel/boot/multiboot2\\.ts" starts at address 0x[0-9a-f]+ <w2c_kernel_boot_multiboot2_takeString\\+`, "m"));
  });

  it("embeds a line table for panic backtraces that has those lines", () => {
    const blob = readFileSync(join(KERNEL_OUT, "ksyms.bin"));
    expect(blob.readUInt32LE(0)).toBe(KSYM_MAGIC);
    const off = blob.readUInt32LE(8);
    expect(off).toBeGreaterThan(0);
    const rows = blob.readUInt32LE(off);
    const files = blob.readUInt32LE(off + 4);
    const name = (i: number) => {
      const p = blob.readUInt32LE(off + 8 + rows * 8 + i * 4);
      return blob.toString("latin1", p, blob.indexOf(0, p));
    };
    const names = [...Array(files)].map((_, i) => name(i));
    expect(names).toContain("kernel/boot/multiboot2.ts");
    expect(names).toContain("kernel/main.ts");
    expect(names.every((n) => n.endsWith(".ts"))).toBe(true);
    const { address, size } = symbol("w2c_kernel_boot_multiboot2_takeString");
    const line = lineOf("kernel/boot/multiboot2.ts", "if (<u32>len >= capacity) return -<i32>Multiboot2Error.StringTooLong;");
    const inFn = [...Array(rows)].map((_, i) => ({ address: blob.readUInt32LE(off + 8 + i * 8), file: blob.readUInt16LE(off + 12 + i * 8), line: blob.readUInt16LE(off + 14 + i * 8) }))
      .filter((r) => r.address >= address && r.address < address + size);
    expect(inFn.some((r) => names[r.file] === "kernel/boot/multiboot2.ts" && r.line === line)).toBe(true);
  });

  /**
   * Compiles a module's unit as the build does but without DEBUG_CFLAGS and
   * with its C stripped of #line directives; returns that .text and the build's.
   */
  function plainAndBuiltText(dir: string, name: string, cflags: string[]): [Buffer, Buffer] {
    const tmp = join(OUT, "test-build", "debuginfo", name);
    mkdirSync(tmp, { recursive: true });
    const c = readFileSync(join(dir, `${name}.c`), "utf8");
    expect(c).toMatch(/^#line \d+ "(kernel|userland|libs)\/[\w/.-]+\.ts"$/m);
    writeFileSync(join(tmp, `${name}.c`), c.split("\n").filter((l) => !l.startsWith("#line ")).join("\n"));
    writeFileSync(join(tmp, `${name}.unit.c`), readFileSync(join(dir, `${name}.unit.c`), "utf8"));
    // The build's gcc command (build/kernel.ts wasmToObject) without DEBUG_CFLAGS.
    const inc = execFileSync("gcc", ["-m32", "-print-file-name=include"]).toString().trim();
    const rt = join(ROOT, "build", "rt");
    const flags = [...cflags, "-isystem", inc, "-I", join(rt, "include"), "-I", rt, "-I", dir, "-I", GEN_OUT];
    expect(DEBUG_CFLAGS.every((f) => !cflags.includes(f))).toBe(true);
    execFileSync("gcc", [...flags, "-c", join(tmp, `${name}.unit.c`), "-o", join(tmp, "plain.o")], { cwd: ROOT, timeout: 600_000, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 << 20 });
    const text = (o: string, out: string) => {
      execFileSync("objcopy", ["-O", "binary", "-j", ".text", o, out]);
      return readFileSync(out);
    };
    expect(execFileSync("readelf", ["-S", join(dir, `${name}.o`)]).toString()).toContain(".debug_line");
    return [text(join(tmp, "plain.o"), join(tmp, "plain.text")), text(join(dir, `${name}.o`), join(tmp, "built.text"))];
  }

  it("changes no machine code: the kernel unit compiled without debug information and #line directives has the same .text", () => {
    const [plain, built] = plainAndBuiltText(KERNEL_OUT, "kernel", moduleCflags("kernel", false));
    expect(plain.length).toBeGreaterThan(10_000);
    expect(Buffer.compare(plain, built)).toBe(0);
  }, 900_000);

  it("changes no machine code in a user program either (sel4test, the largest)", () => {
    const dir = join(USERLAND_OUT, "sel4test");
    const floats = readFileSync(join(dir, "sel4test.floats"), "utf8").startsWith("floats");
    const [plain, built] = plainAndBuiltText(dir, "sel4test", moduleCflags("user", floats));
    expect(plain.length).toBeGreaterThan(10_000);
    expect(Buffer.compare(plain, built)).toBe(0);
  }, 900_000);

  it("prints a gdb command for npm run debug that loads the boot configuration's user programs' symbols", () => {
    const cmd = gdbCommand(KERNEL_ELF, ["root", "hello", "root"], 1234);
    expect(cmd).toMatch(/^gdb -q out\/kernel\.elf /);
    expect(cmd).toContain("-ex 'add-symbol-file out/userland/root.elf'");
    expect(cmd).toContain("-ex 'add-symbol-file out/userland/hello.elf'");
    expect(cmd.match(/add-symbol-file/g)).toHaveLength(2);
    expect(cmd).toContain("-ex 'target remote :1234'");
    expect(gdbArgs(KERNEL_ELF, ["root"], 1234)).toContain("add-symbol-file out/userland/root.elf");
  });
});
