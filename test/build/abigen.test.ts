// test/build/abigen.test.ts: the numbers shared by TypeScript, C, assembly
// and the linker scripts are defined once (*.def.ts) and only generated
// elsewhere.
//
// Checks that every committed .gen.ts is what build/abigen.ts renders now,
// that the C header compiles, and that no hand-written copy of a defined
// number remains: no file outside the definitions defines one of its names
// again (.set, #define, a linker-script assignment, a TypeScript const);
// no code repeats one of its distinctive values (a hex literal of 0x10000
// or more) as a literal; and the native side (boot/*.S, build/rt, the
// linker scripts), which gets its numbers from the generated headers,
// writes no segment selector, saved-context offset or system-call number
// itself (nativeLayoutCopies below says what counts). Each checker is a
// function of a file's text, and planted copies are fed through it.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DEFINITIONS, asPath, definitionLines, renderAs, renderC, constantName, checkUniqueNames } from "../../build/abigen.ts";
import { filesUnder, ROOT } from "../../build/stage.ts";

const all = DEFINITIONS.flatMap((d) => definitionLines(d).flatMap((s) => s.lines.map((l) => ({ ...l, def: d.source }))));

/** The code of a C, assembly, linker-script or TypeScript file without its comments. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/\/\/.*$/gm, "");
}

function sources(): string[] {
  const pick = (dir: string, exts: string[]) => filesUnder(join(ROOT, dir), exts);
  return [
    ...pick("boot", [".S", ".ld"]),
    ...pick("userland", [".ld", ".ts"]),
    ...pick("build/rt", [".c", ".h"]),
    ...pick("kernel", [".ts"]),
    ...pick("libs", [".ts"]),
    ...pick("build", [".ts"]),
  ].filter((f) => !/\.(gen|def)\.ts$/.test(f) && !f.endsWith("build/abigen.ts") && !f.endsWith("libs/abi/def.ts"));
}

describe("generated definitions", () => {
  it("generate every name once, and refuse a definition that generates one twice", () => {
    expect(() => checkUniqueNames()).not.toThrow();
    const clash = {
      name: "clash", source: "test", asDir: "out", items: {
        A: { title: "Entry", prefix: "E_", size: 8, doc: "d", source: "s", fields: [{ name: "SIZE", offset: 4, size: 4, doc: "d" }] },
      },
    };
    expect(() => checkUniqueNames([clash as never])).toThrow(/E_SIZE is generated twice/);
  });

  it("are committed as build/abigen.ts renders them", () => {
    for (const def of DEFINITIONS) {
      expect(readFileSync(asPath(def), "utf8"), `${relative(ROOT, asPath(def))} is stale: run npm run build`).toBe(renderAs(def));
    }
  });

  it("give every constant a one-line description and a unique name", () => {
    const seen = new Map<string, string>();
    for (const l of all) {
      expect(l.doc.trim(), l.name).not.toBe("");
      expect(l.doc, l.name).not.toContain("\n");
      expect(seen.get(l.name), `${l.name} defined in ${seen.get(l.name)} and ${l.def}`).toBeUndefined();
      seen.set(l.name, l.def);
    }
  });

  it("render a C header that compiles, with the same values", () => {
    // Rendered into a directory of the test's own: tests never write the
    // build's inputs, which other test files may be building from.
    const dir = mkdtempSync(join(tmpdir(), "tsos-abigen-"));
    try {
      for (const def of DEFINITIONS) writeFileSync(join(dir, `${def.name}.gen.h`), renderC(def));
      const checks = all.map((l) => `_Static_assert((long long)(${l.name}) == ${l.value}LL, "${l.name}");`);
      const file = join(dir, "check.c");
      writeFileSync(file, [...DEFINITIONS.map((d) => `#include "${d.name}.gen.h"`), ...checks, ""].join("\n"));
      execFileSync("gcc", ["-m32", "-fsyntax-only", "-I", dir, file], { stdio: "pipe" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const def of DEFINITIONS) expect(renderC(def)).toContain("Do not edit.");
  });

  it("name constants the way seL4 and C do", () => {
    expect(constantName("", "TCBReadRegisters")).toBe("TCB_READ_REGISTERS");
    expect(constantName("SYS_", "DebugPutChar")).toBe("SYS_DEBUG_PUT_CHAR");
    expect(constantName("", "X86PageMap")).toBe("X86_PAGE_MAP");
    expect(constantName("", "seL4_TCBBits")).toBe("seL4_TCBBits");
    expect(constantName("CTX_", "EDI")).toBe("CTX_EDI");
    expect(constantName("LABEL_", "CNodeRevoke")).toBe("LABEL_CNODE_REVOKE");
    expect(constantName("LABEL_", "X86IOPortIn8")).toBe("LABEL_X86_IO_PORT_IN8");
    expect(constantName("LABEL_", "IRQAckIRQ")).toBe("LABEL_IRQ_ACK_IRQ");
    expect(constantName("SYS_", "NBSend")).toBe("SYS_NB_SEND");
    expect(constantName("seL4_", "NoError")).toBe("seL4_NoError");
  });
});

/** Where `text` (a file's code, comments removed) defines a generated name again. */
function redefinitions(file: string, text: string): string[] {
  const found: string[] = [];
  const ld = file.endsWith(".ld");
  for (const l of all) {
    const n = l.name.replace(/[$]/g, "\\$");
    const patterns = [new RegExp(`\\.(set|equ)\\s+${n}\\s*,`), new RegExp(`#define\\s+${n}\\b`), new RegExp(`\\bconst\\s+${n}\\s*[:=]`)];
    if (ld) patterns.push(new RegExp(`^\\s*${n}\\s*=`, "m"));
    if (patterns.some((p) => p.test(text))) found.push(`${file}: ${l.name} (defined in ${l.def})`);
  }
  return found;
}

/** Where `text` repeats a distinctive defined value: a hex literal of 0x10000 or more. */
function distinctiveHexCopies(file: string, text: string): string[] {
  const byValue = new Map<number, string>();
  // Bit masks (0xFFFFF, ...) are generic shapes, not facts: they are left out.
  for (const l of all) if (l.value >= 0x10000 && l.value !== 0xffffffff && !l.name.endsWith("_MASK")) byValue.set(l.value >>> 0, l.name);
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/\b0x[0-9a-fA-F]+\b/g)) {
      const name = byValue.get(parseInt(m[0], 16) >>> 0);
      if (name) found.push(`${file}:${i + 1}: ${m[0]} is ${name}`);
    }
  });
  return found;
}

// ── The native side's layout numbers ─────────────────────────────────────
// boot/*.S, build/rt and the linker scripts #include / INCLUDE the
// generated headers (out/gen/*.gen.h, *.gen.ld), which are not scanned:
// a number that comes from there is written by name. Below, what a
// hand-written copy of a layout number looks like, and the explicit
// allow-list of values too common to be told from other uses.

/** Values of the generated constants whose names start with `prefix`. */
function valuesOf(prefix: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const l of all) if (l.name.startsWith(prefix) && !m.has(l.value)) m.set(l.value, l.name);
  return m;
}
const SELECTORS = valuesOf("SEL_"); // 0x08 0x10 0x1B 0x23 0x28 0x33 0x3B
const CONTEXT_OFFSETS = valuesOf("CTX_"); // 0x00 .. 0x34, and CTX_SIZE 0x38
const SYSCALLS = valuesOf("SYS_"); // seL4's -1 .. -29, tsos's -100, -101

// Allow-list, with the reason for each entry:
/** 0x08 and 0x10 (the kernel CS and SS) are also everyday stack adjustments (`add $8, %esp` pops vector and error in boot/trap.S): they count only written in hex or where a selector goes (a far jump, a 16-bit or segment register). */
const SELECTORS_COMMON = new Set([0x08, 0x10]);
/** Context offsets below 0x10 are also the slots of every i386 frame: cdecl arguments at 4(%esp) and 8(%esp), the CPU's interrupt frame (eip, cs, eflags, esp at 0, 4, 8, 12 above its base, which boot/trap.S reads after popping vector and error), table strides. Displacements from 0x10 up are distinctive. */
const CONTEXT_OFFSET_DISTINCTIVE = 0x10;
/** -1 (SysCall, and VECTOR_SYSCALL as 0xFFFFFFFF) is all ones, written everywhere for other reasons. */
const SYSCALLS_COMMON = new Set([-1]);

/** The files nativeLayoutCopies checks. */
function isNative(file: string): boolean {
  return /^boot\/[^/]+\.(S|ld)$/.test(file) || /^build\/rt\/.+\.[ch]$/.test(file) || file === "userland/user.ld";
}

/**
 * Where a native-side file (`file` names it, relative to the root; `text`
 * is its code without comments) writes a layout number as a literal:
 *   - a segment selector: 0x1B, 0x23, 0x28, 0x33 or 0x3B written in hex,
 *     or in any radix in assembly (a .S file, or a `$` immediate in a C
 *     asm string); 0x08 and 0x10 written in hex or where a selector goes
 *     (ljmp/lcall, pushw/movw, or moved into a 16-bit or segment register);
 *   - a saved-context offset (CTX_*, 0x10 and up) as a displacement N(%reg);
 *   - a system-call number as a negative literal (-13, $-13) or as its
 *     32-bit two's complement in hex (0xFFFFFFF3).
 */
function nativeLayoutCopies(file: string, text: string): string[] {
  const found: string[] = [];
  const asm = file.endsWith(".S");
  text.split("\n").forEach((line, i) => {
    // A number, not part of a name, a label reference (1f, 2b) or a float.
    for (const m of line.matchAll(/(?<![\w.])(0x[0-9a-fA-F]+|\d+)[uUlL]*(?![\w.])/g)) {
      const literal = m[1];
      const hex = literal.startsWith("0x");
      const value = hex ? parseInt(literal, 16) : parseInt(literal, 10);
      const before = line.slice(0, m.index);
      const after = line.slice(m.index + m[0].length);
      const minus = /-\s*$/.exec(before);
      const beforeSign = minus ? before.slice(0, minus.index) : before;
      // A minus is a sign after an operator, an opening bracket, `$`, `return`, the line's start, or directly after a cast.
      const negative = !!minus && (/(^|[$(,=[{?:+*/<>!&|^~%]|\breturn)\s*$/.test(beforeSign) || /\)$/.test(beforeSign));
      const immediate = /\$\s*-?\s*$/.test(before);
      const displacement = /^\s*\(\s*(%|,)/.test(after);
      const at = `${file}:${i + 1}: ${negative ? "-" : ""}${literal}`;

      const sel = SELECTORS.get(value);
      if (sel !== undefined && !negative && !displacement) {
        const selectorPlace = /^\s*,\s*%%?(ax|bx|cx|dx|si|di|bp|ds|es|fs|gs|ss)\b/.test(after) || /\b(ljmpl?|lcalll?|pushw|movw)\s+\$\s*$/.test(before);
        if (hex || selectorPlace || ((asm || immediate) && !SELECTORS_COMMON.has(value))) found.push(`${at} is ${sel}`);
      }
      const ctx = CONTEXT_OFFSETS.get(value);
      if (ctx !== undefined && displacement && !negative && value >= CONTEXT_OFFSET_DISTINCTIVE) found.push(`${at} is ${ctx}`);
      const sysValue = negative ? -value : hex && value >= 0x80000000 ? value - 0x100000000 : undefined;
      const sys = sysValue === undefined ? undefined : SYSCALLS.get(sysValue);
      if (sys !== undefined && !SYSCALLS_COMMON.has(sysValue!)) found.push(`${at} is ${sys}`);
    }
  });
  return found;
}

describe("no hand-written copies", () => {
  const files = sources().map((f) => ({ file: relative(ROOT, f), text: code(readFileSync(f, "utf8")) }));
  const trap = code(readFileSync(join(ROOT, "boot/trap.S"), "utf8"));

  it("define no generated name again", () => {
    expect(files.flatMap(({ file, text }) => redefinitions(file, text))).toEqual([]);
  });

  it("repeat no distinctive defined value as a literal", () => {
    expect(files.flatMap(({ file, text }) => distinctiveHexCopies(file, text))).toEqual([]);
  });

  it("write no selector, context offset or system-call number by hand on the native side", () => {
    const native = files.filter(({ file }) => isNative(file));
    for (const f of ["boot/trap.S", "boot/entry.S", "boot/kernel.ld", "userland/user.ld", "build/rt/user-rt.c", "build/rt/kernel-rt.c"]) {
      expect(native.map((n) => n.file), f).toContain(f);
    }
    expect(native.flatMap(({ file, text }) => nativeLayoutCopies(file, text))).toEqual([]);
  });

  it("catch a selector planted in boot/trap.S (mov $0x3B,%ax)", () => {
    expect(trap).toContain("mov     $SEL_USER_GS, %ax");
    const planted = trap.replace("mov     $SEL_USER_GS, %ax", "mov $0x3B,%ax");
    const line = planted.split("\n").findIndex((l) => l.includes("mov $0x3B,%ax")) + 1;
    expect(nativeLayoutCopies("boot/trap.S", planted)).toEqual([`boot/trap.S:${line}: 0x3B is SEL_USER_GS`]);
    expect(nativeLayoutCopies("boot/trap.S", trap)).toEqual([]);
  });

  it("catch planted selectors, context offsets and system-call numbers in assembly, C and linker scripts", () => {
    const asm = (s: string) => nativeLayoutCopies("boot/x.S", s);
    const c = (s: string) => nativeLayoutCopies("build/rt/x.c", s);
    const ld = (s: string) => nativeLayoutCopies("boot/x.ld", s);
    expect(asm("mov $59, %ax")).toEqual(["boot/x.S:1: 59 is SEL_USER_GS"]);
    expect(asm("push $0x23")).toEqual(["boot/x.S:1: 0x23 is SEL_USER_DS"]);
    expect(asm("pushl $0x1b")).toEqual(["boot/x.S:1: 0x1b is SEL_USER_CS"]);
    expect(asm("mov $40, %eax\nltr %ax")).toEqual(["boot/x.S:1: 40 is SEL_TSS"]);
    expect(asm("ljmp $8, $1f")).toEqual(["boot/x.S:1: 8 is SEL_KERNEL_CS"]);
    expect(asm("mov $16, %ax")).toEqual(["boot/x.S:1: 16 is SEL_KERNEL_SS"]);
    expect(asm("mov $0x10, %eax")).toEqual(["boot/x.S:1: 0x10 is SEL_KERNEL_SS"]);
    expect(asm("cmpl $VECTOR_SYSCALL, 28(%esp)")).toEqual(["boot/x.S:1: 28 is CTX_VECTOR"]);
    expect(asm("mov 0x24(%esp), %edx")).toEqual(["boot/x.S:1: 0x24 is CTX_EIP"]);
    expect(asm("lea 56(%eax), %ecx")).toEqual(["boot/x.S:1: 56 is CTX_SIZE"]);
    expect(asm("mov $-13, %eax")).toEqual(["boot/x.S:1: -13 is SYS_DEBUG_SNAPSHOT"]);
    expect(asm("mov $0xFFFFFFF9, %eax")).toEqual(["boot/x.S:1: 0xFFFFFFF9 is SYS_YIELD"]);
    expect(c('__asm__("mov $0x33, %%fs");')).toEqual(["build/rt/x.c:1: 0x33 is SEL_USER_FS"]);
    expect(c('__asm__("  mov $51, %eax\\n  mov %eax, %fs");')).toEqual(["build/rt/x.c:1: 51 is SEL_USER_FS"]);
    expect(c('__asm__("mov 0x30(%%eax), %%ecx");')).toEqual(["build/rt/x.c:1: 0x30 is CTX_ESP"]);
    expect(c("u32 block[5] = {(u32)-100, status, 0, 0, 0};")).toEqual(["build/rt/x.c:1: -100 is SYS_DEBUG_THREAD_EXIT"]);
    expect(c("int n = -29;")).toEqual(["build/rt/x.c:1: -29 is SYS_SET_TLS_BASE"]);
    expect(c("return -101;")).toEqual(["build/rt/x.c:1: -101 is SYS_DEBUG_POWER_OFF"]);
    expect(c("#define USER_DS 0x23")).toEqual(["build/rt/x.c:1: 0x23 is SEL_USER_DS"]);
    expect(ld("user_gs = 0x3B;")).toEqual(["boot/x.ld:1: 0x3B is SEL_USER_GS"]);
  });

  it("leave the allowed everyday numbers alone", () => {
    const none = (file: string, s: string) => expect(nativeLayoutCopies(file, s), s).toEqual([]);
    none("boot/x.S", "add $8, %esp"); // vector and error: SELECTORS_COMMON
    none("boot/x.S", "add $16, %esp");
    none("boot/x.S", "mov 4(%esp), %eax"); // a cdecl argument: below CONTEXT_OFFSET_DISTINCTIVE
    none("boot/x.S", "testb $3, 12(%esp)");
    none("boot/x.S", "mov 12(%esp), %ecx");
    none("boot/x.S", "pushl 8(%esp)");
    none("boot/x.S", "test $0x20, %al"); // CTX_ERROR's value, but not a displacement
    none("boot/x.S", "mov $-1, %eax"); // SYSCALLS_COMMON
    none("boot/x.S", "mov $1f, %edx\n1: sysenter\njmp 2b");
    none("boot/x.S", "addl $SYSENTER_LENGTH, (%esp)");
    none("boot/x.S", "mov $SEL_USER_GS, %ax\nmov CTX_EIP(%esp), %edx\nmov $SYS_CALL, %eax");
    none("build/rt/x.c", "u64 m = x >> 52; int e = 51 - k; y = n - 13; z = a-100;"); // a double's fields, subtractions
    none("build/rt/x.c", "u32 y = 40; f(16, 8);");
    none("build/rt/x.c", "double d = 35.0; float g = 1.5e59;");
    none("boot/x.ld", ". = ALIGN(PAGE_SIZE); text PT_LOAD FLAGS(5);");
  });
});
