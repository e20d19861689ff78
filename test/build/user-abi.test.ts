// test/build/user-abi.test.ts: user programs and the user library name every
// system call number and invocation label, never write one.
//
// Scans userland/**/*.ts and libs/user/**/*.ts (the generated
// invocations.gen.ts aside: it is checked for staleness instead) for:
//   - a system call number written as a literal: a negative literal equal
//     to a defined number (SYSCALLS, TSOS_SYSCALLS), or any literal equal
//     to one as the first argument of syscall() or of a sysenter intrinsic;
//   - a message info built by hand: a literal other than 0 as the ESI
//     argument of syscall(), as the label of seL4_MessageInfo_new(), or as
//     the label of invoke().
// The scanner is tested on snippets first, so it is known to find them.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { filesUnder, ROOT } from "../../build/stage.ts";
import { SYSCALLS } from "../../libs/abi/sel4.def.ts";
import { TSOS_SYSCALLS } from "../../libs/abi/tsos.def.ts";
import { INVOCATIONS_GEN, renderInvocations } from "../../build/abigen.ts";

const SYSCALL_NUMBERS = new Set([...SYSCALLS.entries, ...TSOS_SYSCALLS.entries].map((e) => e.value));

/** The code without comments (line structure kept). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/\/\/.*$/gm, "");
}

/** The arguments of every call of `name(` in `text`, split at top-level commas, with the call's line. */
function calls(text: string, name: RegExp): { args: string[]; line: number }[] {
  const out: { args: string[]; line: number }[] = [];
  const re = new RegExp(`\\b(?:${name.source})\\s*\\(`, "g");
  for (const m of text.matchAll(re)) {
    let depth = 1;
    let i = m.index! + m[0].length;
    let cur = "";
    const args: string[] = [];
    for (; i < text.length && depth > 0; i++) {
      const ch = text[i];
      if (ch === "(" || ch === "[") depth++;
      if (ch === ")" || ch === "]") depth--;
      if (depth === 0) break;
      if (ch === "," && depth === 1) {
        args.push(cur.trim());
        cur = "";
      } else cur += ch;
    }
    if (cur.trim()) args.push(cur.trim());
    out.push({ args, line: text.slice(0, m.index).split("\n").length });
  }
  return out;
}

/** The value of an argument that starts with an integer literal (`-1`, `0x10 + z`, `<i32>-5`), or null. */
function leadingLiteral(arg: string): number | null {
  const m = arg.replace(/^<\w+>\s*/, "").match(/^(-)?\s*(0x[0-9a-fA-F]+|\d+)\b/);
  if (!m) return null;
  const v = Number(m[2]);
  return m[1] ? -v : v;
}

/** Every violation in one file's code. */
function rawAbiNumbers(file: string, text: string): string[] {
  const found: string[] = [];
  const src = code(text);
  src.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/(^|[(,=:?[!&|<>+*/%]|\breturn)\s*-\s*(0x[0-9a-fA-F]+|\d+)\b/g)) {
      const v = -Number(m[2]);
      if (SYSCALL_NUMBERS.has(v)) found.push(`${file}:${i + 1}: system call number ${v} written as a literal`);
    }
  });
  for (const c of calls(src, /syscall|sysenter\w*|bench\w*Syscall\w*/)) {
    const v = c.args.length > 0 ? leadingLiteral(c.args[0]) : null;
    if (v !== null && SYSCALL_NUMBERS.has(v | 0)) found.push(`${file}:${c.line}: system call number ${v | 0} written as a literal`);
  }
  for (const c of calls(src, /syscall/)) {
    const v = c.args.length > 2 ? leadingLiteral(c.args[2]) : null;
    if (v !== null && v !== 0) found.push(`${file}:${c.line}: message info ${c.args[2]} built by hand (use seL4_MessageInfo_new and a LABEL_*)`);
  }
  for (const c of calls(src, /seL4_MessageInfo_new/)) {
    const v = c.args.length > 0 ? leadingLiteral(c.args[0]) : null;
    if (v !== null && v !== 0) found.push(`${file}:${c.line}: label ${c.args[0]} written as a literal`);
  }
  for (const c of calls(src, /invoke/)) {
    const v = c.args.length > 1 ? leadingLiteral(c.args[1]) : null;
    if (v !== null) found.push(`${file}:${c.line}: invocation label ${c.args[1]} written as a literal`);
  }
  return [...new Set(found)];
}

describe("the scanner", () => {
  it("finds raw system call numbers and labels", () => {
    const bad = [
      "syscall(-1, cap, info, 0, 0);",
      "syscall(-9, c, 0, 0, 0)",
      "syscall(<i32>-29, base, 0, 0, 0)",
      "const SYS_MINE: i32 = -7;",
      "sysenterWithFlags(0xFFFFFFF9, 0)",
      "syscall(SYS_CALL, cap, 0x5002, 0, 0)",
      "seL4_MessageInfo_new(36, 0, 1, 3)",
      "invoke(cap, 20, 1, 5, a, b)",
      "f(x, -100)",
    ];
    for (const b of bad) expect(rawAbiNumbers("x.ts", b), b).toHaveLength(1);
  });

  it("accepts named numbers, label 0, garbage on purpose and comments", () => {
    const good = [
      "syscall(SYS_CALL, cap, seL4_MessageInfo_new(LABEL_CNODE_COPY, 0, 1, 5), mr0, mr1)",
      "syscall(UNASSIGNED_SYSCALL + <i32>z, 0, 0, 0, 0)",
      "sysenterGarbage(0x7A5C3E1F + z)",
      "seL4_MessageInfo_new(0, 0, 0, 2)",
      "for (let i = 28; i >= 0; i -= 4) x = i - 1;",
      "// syscall(-1, 0, 0, 0, 0) in a comment",
      "const a = b - 7;",
    ];
    for (const g of good) expect(rawAbiNumbers("x.ts", g), g).toEqual([]);
  });
});

describe("userland and libs/user", () => {
  it("write no system call number or invocation label as a literal", () => {
    const files = [...filesUnder(join(ROOT, "userland"), [".ts"]), ...filesUnder(join(ROOT, "libs/user"), [".ts"])]
      .filter((f) => !f.endsWith(".gen.ts"));
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((f) => rawAbiNumbers(relative(ROOT, f), readFileSync(f, "utf8")));
    expect(found).toEqual([]);
  });

  it("hold invocations.gen.ts as build/abigen.ts renders it from libs/abi/invocations.def.ts", () => {
    expect(readFileSync(INVOCATIONS_GEN, "utf8"), "libs/user/invocations.gen.ts is stale: run npm run build").toBe(renderInvocations());
  });
});
