// build/abigen.ts: the one definition of shared numbers and layouts, rendered for every side.
//
// Owns: turning the definition modules (*.def.ts: constant groups, byte
// layouts, bit layouts; shapes in libs/abi/def.ts) into
//   - <dir>/<name>.gen.ts   AssemblyScript @inline constants, committed so
//                           asc and the Node tests read them like any source;
//   - out/gen/<name>.gen.h  #defines for C and for boot/*.S (through cpp);
//   - out/gen/<name>.gen.ld linker-script symbols, for groups marked `linker`.
// generateAll() runs first in every build; test/build/abigen.test.ts fails
// when a committed .gen.ts is stale or a hand-written copy of a defined
// number remains.
// Must not: hold a number itself.

import { join } from "node:path";
import type { BitLayout, ByteLayout, ConstantGroup } from "../libs/abi/def.ts";
import * as machine from "../kernel/arch/x86/machine.def.ts";
import * as userLayout from "../libs/abi/layout.def.ts";
import * as sel4 from "../libs/abi/sel4.def.ts";
import * as tsos from "../libs/abi/tsos.def.ts";
import { OUT, ROOT, writeIfChanged } from "./stage.ts";

export const GEN_OUT = join(OUT, "gen");

type Item = ConstantGroup | ByteLayout | BitLayout;

export interface Definition {
  /** Base name of the outputs: <name>.gen.ts, <name>.gen.h, <name>.gen.ld. */
  name: string;
  /** The definition module, relative to the repository root (for the "generated from" line). */
  source: string;
  /** Directory (relative to the root) of the committed <name>.gen.ts. */
  asDir: string;
  items: Record<string, Item>;
}

export const DEFINITIONS: Definition[] = [
  { name: "machine", source: "kernel/arch/x86/machine.def.ts", asDir: "kernel/arch/x86", items: machine as unknown as Record<string, Item> },
  { name: "layout", source: "libs/abi/layout.def.ts", asDir: "libs/abi", items: userLayout as unknown as Record<string, Item> },
  { name: "sel4", source: "libs/abi/sel4.def.ts", asDir: "libs/abi", items: sel4 as unknown as Record<string, Item> },
  { name: "tsos", source: "libs/abi/tsos.def.ts", asDir: "libs/abi", items: tsos as unknown as Record<string, Item> },
];

function isGroup(x: Item): x is ConstantGroup {
  return "entries" in x;
}
function isByteLayout(x: Item): x is ByteLayout {
  return "fields" in x && "size" in x;
}

/**
 * The generated name of an entry. seL4's own names stay as libsel4 spells
 * them (a "seL4_" prefix or name: seL4_NoError, seL4_TCBBits); others go
 * from CamelCase to UPPER_SNAKE (TCBReadRegisters -> TCB_READ_REGISTERS,
 * CNodeCopy -> CNODE_COPY, X86PageMap -> X86_PAGE_MAP).
 */
export function constantName(prefix: string, name: string): string {
  if (prefix.startsWith("seL4_") || name.startsWith("seL4_")) return prefix + name;
  if (/^[A-Z0-9_]+$/.test(name)) return prefix + name;
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]{2,})([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
  return prefix + snake;
}

interface Line {
  name: string;
  value: number;
  type: "i32" | "u32" | "usize";
  doc: string;
  linker: boolean;
}

function hex(v: number): string {
  return v < 0 ? String(v) : v >= 0x80 ? `0x${v.toString(16).toUpperCase()}` : String(v);
}

/** Every named number a definition yields, in order. */
export function definitionLines(def: Definition): { heading: string; doc: string; lines: Line[] }[] {
  const out: { heading: string; doc: string; lines: Line[] }[] = [];
  // A module namespace lists exports in an order that differs between
  // tsx and vitest: sort by export name, so every renderer agrees.
  for (const key of Object.keys(def.items).sort()) {
    const item = def.items[key];
    const lines: Line[] = [];
    if (isGroup(item)) {
      for (const e of item.entries) lines.push({ name: constantName(item.prefix, e.name), value: e.value, type: item.type, doc: e.doc, linker: !!item.linker });
    } else if (isByteLayout(item)) {
      for (const f of item.fields) {
        lines.push({ name: constantName(item.prefix, f.name), value: f.offset, type: "usize", doc: `@${hex(f.offset)}, ${f.size * (f.count ?? 1)} bytes: ${f.doc}`, linker: false });
        if ((f.count ?? 1) > 1) lines.push({ name: constantName(item.prefix, f.name) + "_COUNT", value: f.count!, type: "u32", doc: `Elements in ${f.name}.`, linker: false });
      }
      lines.push({ name: `${item.prefix}SIZE`, value: item.size, type: "usize", doc: `Bytes in the ${item.title.toLowerCase()}.`, linker: false });
    } else {
      for (const f of item.fields) {
        const base = constantName(item.prefix, f.name);
        lines.push({ name: `${base}_SHIFT`, value: f.shift, type: "u32", doc: `Lowest bit of ${f.name}: ${f.doc}`, linker: false });
        lines.push({ name: `${base}_MASK`, value: f.width >= 32 ? 0xffffffff : 2 ** f.width - 1, type: "u32", doc: `${f.name}, ${f.width} bits, unshifted.`, linker: false });
      }
    }
    out.push({ heading: item.title, doc: item.doc, lines });
  }
  return out;
}

function banner(def: Definition, comment: (s: string) => string): string {
  return comment(`${def.name}.gen: generated by build/abigen.ts from ${def.source}. Do not edit.`);
}

export function renderAs(def: Definition): string {
  const parts = [banner(def, (s) => `// ${s}`), ""];
  for (const section of definitionLines(def)) {
    parts.push(`// ── ${section.heading}: ${section.doc}`, "");
    for (const l of section.lines) {
      const v = l.type === "i32" ? String(l.value) : hex(l.value >>> 0);
      parts.push(`/** ${l.doc} */`, "// @ts-ignore: decorator", `@inline export const ${l.name}: ${l.type} = ${v};`);
    }
    parts.push("");
  }
  return parts.join("\n");
}

export function renderC(def: Definition): string {
  const guard = `TSOS_${def.name.toUpperCase()}_GEN_H`;
  const parts = [banner(def, (s) => `/* ${s} */`), `#ifndef ${guard}`, `#define ${guard}`, ""];
  for (const section of definitionLines(def)) {
    parts.push(`/* ${section.heading} */`);
    for (const l of section.lines) parts.push(`#define ${l.name} ${l.value < 0 ? `(${l.value})` : hex(l.value >>> 0)}`);
    parts.push("");
  }
  parts.push(`#endif /* ${guard} */`, "");
  return parts.join("\n");
}

export function renderLd(def: Definition): string | null {
  const lines = definitionLines(def).flatMap((s) => s.lines).filter((l) => l.linker);
  if (lines.length === 0) return null;
  return [banner(def, (s) => `/* ${s} */`), ...lines.map((l) => `${l.name} = ${hex(l.value >>> 0)};`), ""].join("\n");
}

export function asPath(def: Definition): string {
  return join(ROOT, def.asDir, `${def.name}.gen.ts`);
}

/** Throws if any generated name is defined twice, in one definition or across them (a field named SIZE would shadow its layout's size). */
export function checkUniqueNames(defs: Definition[] = DEFINITIONS): void {
  const seen = new Map<string, string>();
  for (const def of defs) {
    for (const section of definitionLines(def)) {
      for (const line of section.lines) {
        const where = `${def.source} (${section.heading})`;
        const before = seen.get(line.name);
        if (before !== undefined) throw new Error(`abigen: ${line.name} is generated twice: ${before} and ${where}`);
        seen.set(line.name, where);
      }
    }
  }
}

/** Writes every generated file whose content changed. Returns the paths, for stage inputs. */
export function generateAll(): string[] {
  checkUniqueNames();
  const written: string[] = [];
  for (const def of DEFINITIONS) {
    writeIfChanged(asPath(def), renderAs(def));
    writeIfChanged(join(GEN_OUT, `${def.name}.gen.h`), renderC(def));
    written.push(asPath(def), join(GEN_OUT, `${def.name}.gen.h`));
    const ld = renderLd(def);
    if (ld !== null) {
      writeIfChanged(join(GEN_OUT, `${def.name}.gen.ld`), ld);
      written.push(join(GEN_OUT, `${def.name}.gen.ld`));
    }
  }
  return written;
}

