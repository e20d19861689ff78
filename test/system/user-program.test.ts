// test/system/user-program.test.ts: docs/user-programs.md, held to what it says.
//
// The page quotes userland/hello/main.ts whole, and shows `npm start`
// commands each followed by the output they give: this test checks the
// quote against the file, turns each command's words into a boot
// configuration with parseBootArgs (what `npm start` does with them), boots
// it and finds the page's lines in the serial output in order. It also
// boots userland/faulter's runtime-reported failures (a failed assert, a
// wasm trap): each must name the user program, say what went wrong and
// where, and end that thread with its own status while the rest goes on.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseBootArgs } from "../../build/iso.ts";
import { ROOT } from "../../build/stage.ts";
import { boot } from "../helpers/qemu.ts";

const DOC = readFileSync(join(ROOT, "docs", "user-programs.md"), "utf8");

/** The page's examples: a ```sh block of one `npm start -- ...` line, then at once a ```text block of output. */
function examples(doc: string): { words: string[]; lines: string[] }[] {
  const re = /```sh\nnpm start -- ([^\n]*)\n```\n\n```text\n([\s\S]*?)\n```/g;
  return [...doc.matchAll(re)].map((m) => ({ words: m[1].trim().split(/\s+/), lines: m[2].split("\n") }));
}

/** Index of each wanted line in `lines`, searching on from the previous match; -1 for a line not found there. */
function inOrder(lines: string[], wanted: string[]): string[] {
  const missing: string[] = [];
  let at = 0;
  for (const w of wanted) {
    const i = lines.indexOf(w, at);
    if (i < 0) missing.push(w);
    else at = i + 1;
  }
  return missing;
}

describe("docs/user-programs.md", () => {
  it("quotes userland/hello/main.ts word for word", () => {
    const file = readFileSync(join(ROOT, "userland", "hello", "main.ts"), "utf8");
    const m = /`userland\/hello\/main\.ts`:\n\n```ts\n([\s\S]*?)```\n/.exec(DOC);
    expect(m, "the page has a ```ts block after `userland/hello/main.ts`:").not.toBeNull();
    expect(m![1]).toBe(file);
  });

  const cases = examples(DOC);
  it("shows at least the root-task boot, the process boot and the failed assert", () => {
    expect(cases.map((c) => c.words.join(" "))).toEqual(expect.arrayContaining([
      "--module hello:3", "--module root --module hello:2", "--module hello:11",
    ]));
  });

  for (const c of cases) {
    it(`npm start -- ${c.words.join(" ")} prints what the page shows`, async () => {
      const cfg = parseBootArgs(c.words);
      if (typeof cfg === "string") throw new Error(cfg);
      const r = await boot({ cmdline: cfg.cmdline, modules: cfg.modules, timeoutMs: 120_000 });
      expect(r.how, r.stderr + r.serial).toBe("poweroff");
      expect(inOrder(r.lines, c.lines), r.serial).toEqual([]);
    }, 180_000);
  }
});

describe("failures a user program's runtime reports", () => {
  const ROOT_TASK = { program: "root", args: "root" };
  const SURVIVOR = { program: "printer", args: "survivor 3 20000 lines" };

  it("a failed assert names the program, the message and the .ts position, and exits with status 134", async () => {
    const r = await boot({ modules: [ROOT_TASK, { program: "faulter", args: "faulter assert" }, SURVIVOR], timeoutMs: 120_000 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    const line = r.lines.find((l) => l.includes("assertion failed"));
    expect(line, r.serial).toMatch(/^user program "faulter": assertion failed: faulter was asked to fail an assertion at userland\/faulter\/main\.ts:\d+:\d+$/);
    // The position is the assert's own line in the source.
    const [, lineNo] = /main\.ts:(\d+):/.exec(line!)!;
    const src = readFileSync(join(ROOT, "userland", "faulter", "main.ts"), "utf8").split("\n");
    expect(src[Number(lineNo) - 1]).toContain('assert(z == 1, "faulter was asked to fail an assertion")');
    expect(r.lines).toContain('kernel: thread 2 "faulter" exited with status 134');
    expect(r.lines).toContain('kernel: thread 3 "survivor" exited with status 0');
    expect(r.lines.some((l) => l.includes("57005") || l.startsWith("fault:") || l.includes("PANIC")), r.serial).toBe(false);
  }, 180_000);

  it("a wasm trap names the program and the trap, and exits with status 57005", async () => {
    const r = await boot({ modules: [ROOT_TASK, { program: "faulter", args: "faulter wasm-divide" }, SURVIVOR], timeoutMs: 120_000 });
    expect(r.how, r.stderr + r.serial).toBe("poweroff");
    expect(r.lines, r.serial).toContain('user program "faulter": wasm trap 3: integer divide by zero');
    expect(r.lines).toContain('kernel: thread 2 "faulter" exited with status 57005');
    expect(r.lines).toContain('kernel: thread 3 "survivor" exited with status 0');
    expect(r.lines.some((l) => l.startsWith("fault:") || l.includes("PANIC")), r.serial).toBe(false);
  }, 180_000);

  it("wasm trap names are the kernel's (one list, libs/wasmrt/trap.ts, for wasm-rt.h's every trap code)", () => {
    const names = [...readFileSync(join(ROOT, "libs/wasmrt/trap.ts"), "utf8").matchAll(/case (\d+): return "([^"]+)";/g)].map((m) => Number(m[1]));
    const codes = [...readFileSync(join(ROOT, "build/rt/include/wasm-rt.h"), "utf8").matchAll(/^\s*(WASM_RT_TRAP_\w+),/gm)].map((m) => m[1]);
    expect(codes[0]).toBe("WASM_RT_TRAP_NONE");
    expect(names.length).toBeGreaterThanOrEqual(8);
    expect(names).toEqual(codes.slice(1).map((_, i) => i + 1));
    for (const f of ["libs/user/runtime.ts", "kernel/panic.ts"]) {
      const text = readFileSync(join(ROOT, f), "utf8");
      expect(text, f).toMatch(/^import \{ wasmTrapName \} from "[./]+\/(libs\/)?wasmrt\/trap";$/m);
      expect(text, f).not.toMatch(/case \d+: return "/);
    }
  });
});
