// test/build/abigen.test.ts: the numbers shared by TypeScript, C, assembly
// and the linker scripts are defined once (*.def.ts) and only generated
// elsewhere.
//
// Checks that every committed .gen.ts is what build/abigen.ts renders now,
// that the C header compiles, and that no hand-written copy of a defined
// number remains: no file outside the definitions defines one of its names
// again (.set, #define, a linker-script assignment, a TypeScript const),
// and no code repeats one of its distinctive values (a hex literal of
// 0x10000 or more) as a literal.
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

describe("no hand-written copies", () => {
  const files = sources().map((f) => ({ file: relative(ROOT, f), text: code(readFileSync(f, "utf8")), ld: f.endsWith(".ld") }));

  it("define no generated name again", () => {
    const found: string[] = [];
    for (const { file, text, ld } of files) {
      for (const l of all) {
        const n = l.name.replace(/[$]/g, "\\$");
        const patterns = [new RegExp(`\\.(set|equ)\\s+${n}\\s*,`), new RegExp(`#define\\s+${n}\\b`), new RegExp(`\\bconst\\s+${n}\\s*[:=]`)];
        if (ld) patterns.push(new RegExp(`^\\s*${n}\\s*=`, "m"));
        if (patterns.some((p) => p.test(text))) found.push(`${file}: ${l.name} (defined in ${l.def})`);
      }
    }
    expect(found).toEqual([]);
  });

  it("repeat no distinctive defined value as a literal", () => {
    const byValue = new Map<number, string>();
    // Bit masks (0xFFFFF, ...) are generic shapes, not facts: they are left out.
    for (const l of all) if (l.value >= 0x10000 && l.value !== 0xffffffff && !l.name.endsWith("_MASK")) byValue.set(l.value >>> 0, l.name);
    const found: string[] = [];
    for (const { file, text } of files) {
      text.split("\n").forEach((line, i) => {
        for (const m of line.matchAll(/\b0x[0-9a-fA-F]+\b/g)) {
          const name = byValue.get(parseInt(m[0], 16) >>> 0);
          if (name) found.push(`${file}:${i + 1}: ${m[0]} is ${name}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
