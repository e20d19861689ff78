// build/abigen.ts: the one definition of shared numbers and layouts, rendered for every side.
//
// Owns: turning the definition modules (*.def.ts: constant groups, byte
// layouts, bit layouts; shapes in libs/abi/def.ts) into
//   - <dir>/<name>.gen.ts   AssemblyScript @inline constants, committed so
//                           asc and the Node tests read them like any source;
//   - out/gen/<name>.gen.h  #defines for C and for boot/*.S (through cpp);
//   - out/gen/<name>.gen.ld linker-script symbols, for groups marked `linker`.
//   - libs/user/invocations.gen.ts  one typed wrapper per invocation, from
//                           libs/abi/invocations.def.ts (renderInvocations).
// generateAll() runs first in every build; test/build/abigen.test.ts fails
// when a committed .gen.ts is stale or a hand-written copy of a defined
// number remains.
// Must not: hold a number itself.

import { join } from "node:path";
import type { BitLayout, ByteLayout, ConstantGroup, InvocationInterface, InvocationMethod, InvocationParam, StubType } from "../libs/abi/def.ts";
import * as machine from "../kernel/arch/x86/machine.def.ts";
import * as userLayout from "../libs/abi/layout.def.ts";
import * as sel4 from "../libs/abi/sel4.def.ts";
import * as tsos from "../libs/abi/tsos.def.ts";
import { INVOCATION_INTERFACES, STUB_TYPES } from "../libs/abi/invocations.def.ts";
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
  writeIfChanged(INVOCATIONS_GEN, renderInvocations());
  written.push(INVOCATIONS_GEN);
  return written;
}


// ── Invocation wrappers (libs/abi/invocations.def.ts -> libs/user/invocations.gen.ts) ──

/** The committed file of invocation wrappers. */
export const INVOCATIONS_GEN = join(ROOT, "libs/user/invocations.gen.ts");

function sizeEntry(name: string): number {
  const e = sel4.SIZE_BITS.entries.find((x) => x.name === name);
  if (!e) throw new Error(`abigen: SIZE_BITS has no ${name}`);
  return e.value;
}

/** Where one value parameter sits in the message: word, bit offset, width (syscall_stub_gen.py's get_parameter_positions). */
export interface ParamPosition {
  param: InvocationParam;
  type: StubType;
  word: number;
  shift: number;
  bits: number;
}

function stubType(p: InvocationParam): StubType {
  const t = STUB_TYPES.find((x) => x.name === p.type);
  if (!t) throw new Error(`abigen: parameter ${p.name} has unknown type ${p.type}`);
  return t;
}

/**
 * Packs value and struct parameters in order, each aligned to
 * min(its width, a word); a struct takes one word per field.
 */
export function paramPositions(params: InvocationParam[]): ParamPosition[] {
  const wordBits = sizeEntry("seL4_WordBits");
  let used = 0;
  const out: ParamPosition[] = [];
  for (const param of params) {
    const type = stubType(param);
    if (type.kind === "cap") continue;
    const bits = type.kind === "struct" ? type.layout!.fields.length * wordBits : type.bits;
    const align = Math.min(bits, wordBits);
    used = Math.ceil(used / align) * align;
    out.push({ param, type, word: Math.floor(used / wordBits), shift: used % wordBits, bits });
    used += bits;
  }
  return out;
}

/** The wrapper's name: libsel4's <interface>_<method>. */
export function invocationFunctionName(iface: InvocationInterface, m: InvocationMethod): string {
  return `${iface.name}_${m.name}`;
}

/** Every method with its interface, in document order. */
export function allInvocations(): { iface: InvocationInterface; method: InvocationMethod }[] {
  return INVOCATION_INTERFACES.flatMap((iface) => iface.methods.map((method) => ({ iface, method })));
}

function checkInvocations(): void {
  const labels = sel4.INVOCATION_LABELS.entries.filter((e) => e.name !== "InvalidInvocation").map((e) => e.name);
  const used = allInvocations().map((x) => x.method.label);
  for (const l of used) if (!labels.includes(l)) throw new Error(`abigen: invocation label ${l} is not in INVOCATION_LABELS`);
  for (const l of labels) if (used.filter((u) => u === l).length !== 1) throw new Error(`abigen: label ${l} needs exactly one invocation definition`);
  for (const { iface, method } of allInvocations()) {
    for (const p of method.params) stubType(p);
    for (const p of method.out ?? []) if (stubType(p).kind === "cap") throw new Error(`abigen: ${iface.name}_${method.name}: a capability cannot be an output`);
    const caps = method.params.filter((p) => stubType(p).kind === "cap").length;
    if (caps > sizeEntry("seL4_MsgMaxExtraCaps")) throw new Error(`abigen: ${iface.name}_${method.name} has ${caps} extra caps`);
  }
}

export function renderInvocations(): string {
  checkInvocations();
  const wordBits = sizeEntry("seL4_WordBits");
  const fast = sizeEntry("seL4_FastMessageRegisters");
  const hexMask = (bits: number) => `0x${(2 ** bits - 1).toString(16).toUpperCase()}`;
  const abi = new Set<string>(["seL4_NoError"]);
  const ipc = new Set<string>(["invoke"]);
  const body: string[] = [];
  for (const { iface, method } of allInvocations()) {
    const fn = invocationFunctionName(iface, method);
    const label = constantName(sel4.INVOCATION_LABELS.prefix, method.label);
    abi.add(label);
    const caps = method.params.filter((p) => stubType(p).kind === "cap");
    const positions = paramPositions(method.params);
    const words: string[][] = [];
    for (const pos of positions) {
      if (pos.type.kind === "struct") {
        pos.type.layout!.fields.forEach((f, k) => {
          const off = constantName(pos.type.layout!.prefix, f.name);
          abi.add(off);
          (words[pos.word + k] ??= []).push(`load<u32>(${pos.param.name}, ${off})`);
        });
        continue;
      }
      const v = pos.type.asType === "bool" ? `<u32>${pos.param.name}` : pos.param.name;
      let e = pos.bits === wordBits ? v : `(${v} & ${hexMask(pos.bits)})`;
      if (pos.shift) e = `(${e} << ${pos.shift})`;
      (words[pos.word] ??= []).push(e);
    }
    const length = words.length;
    const outs = method.out ?? [];
    const structOuts = outs.filter((p) => stubType(p).kind === "struct");
    const valueOuts = paramPositions(outs).filter((p) => p.type.kind !== "struct");
    const sig = [
      `_service: u32`,
      ...method.params.map((p) => `${p.name}: ${stubType(p).asType}`),
      ...structOuts.map((p) => `${p.name}: usize`),
    ];
    const doc = [`/**`, ` * ${fn} (${label}): ${method.doc}`, ` * @param _service ${iface.service}`];
    for (const p of [...method.params, ...structOuts]) doc.push(` * @param ${p.name} ${p.doc}`);
    doc.push(` * Returns the seL4 error code (the reply's label; seL4_NoError on success).`);
    for (const p of valueOuts) doc.push(` * On success ${fn}_${p.param.name}() gives ${p.param.name}.`);
    doc.push(` */`);
    // Results of value outputs live in module globals, read by getters.
    for (const p of valueOuts) {
      body.push(`let last_${fn}_${p.param.name}: u32 = 0;`, "");
      body.push(`/** ${fn}'s ${p.param.name} from its last successful call (0 after an error): ${p.param.doc} */`);
      body.push(`export function ${fn}_${p.param.name}(): u32 {`, `  return last_${fn}_${p.param.name};`, `}`, "");
    }
    body.push(...doc, `export function ${fn}(${sig.join(", ")}): u32 {`);
    caps.forEach((c, i) => {
      ipc.add("seL4_SetCap");
      body.push(`  seL4_SetCap(${i}, ${c.name});`);
    });
    for (let w = fast; w < length; w++) {
      ipc.add("seL4_SetMR");
      body.push(`  seL4_SetMR(${w}, ${words[w].join(" | ")});`);
    }
    const inRegs = Array.from({ length: fast }, (_, w) => (words[w] ? words[w].join(" | ") : "0"));
    body.push(`  const error = invoke(_service, ${label}, ${caps.length}, ${length}, ${inRegs.join(", ")});`);
    if (outs.length > 0) {
      ipc.add("invocationReplyMR");
      for (const p of valueOuts) body.push(`  last_${fn}_${p.param.name} = 0;`);
      body.push(`  if (error != seL4_NoError) return error;`);
      for (const p of paramPositions(outs)) {
        if (p.type.kind === "struct") {
          p.type.layout!.fields.forEach((f, k) => {
            const off = constantName(p.type.layout!.prefix, f.name);
            abi.add(off);
            body.push(`  store<u32>(${p.param.name}, invocationReplyMR(${p.word + k}), ${off});`);
          });
          continue;
        }
        const mr = `invocationReplyMR(${p.word})`;
        const e = p.bits === wordBits ? mr : p.shift ? `(${mr} >> ${p.shift}) & ${hexMask(p.bits)}` : `${mr} & ${hexMask(p.bits)}`;
        body.push(`  last_${fn}_${p.param.name} = ${e};`);
      }
    }
    body.push(`  return error;`, `}`, "");
  }
  const header = [
    `// invocations.gen: generated by build/abigen.ts from libs/abi/invocations.def.ts. Do not edit.`,
    `//`,
    `// One wrapper per seL4 invocation, named and ordered as libsel4's generated`,
    `// stubs (tools/syscall_stub_gen.py): capability parameters go to`,
    `// caps_or_badges, the others are packed into message registers (MR0/MR1 in`,
    `// EDI/EBP through invoke(), MR2 and up in the IPC buffer). Each returns the`,
    `// seL4 error code; output words are read with <wrapper>_<name>() getters,`,
    `// a seL4_UserContext output is written through the pointer given.`,
    ``,
    `import {`,
    ...wrapList([...abi].sort()),
    `} from "../abi/sel4.gen";`,
    `import { ${[...ipc].sort().join(", ")} } from "./ipc";`,
    ``,
  ];
  return [...header, ...body].join("\n");
}

function wrapList(names: string[]): string[] {
  const lines: string[] = [];
  let line = " ";
  for (const n of names) {
    if (line.length + n.length + 2 > 100) {
      lines.push(line.trimEnd());
      line = " ";
    }
    line += ` ${n},`;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}
