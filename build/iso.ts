// build/iso.ts: ISO staging and grub-mkrescue.
//
// Owns: the layout of os.iso (boot/kernel.elf, boot/grub/grub.cfg, and later
// the boot modules) and the kernel command line GRUB passes. Test ISOs with
// other command lines are built the same way, each in its own directory,
// cached on their inputs.
// Must not: start QEMU (build/qemu.ts).

import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OUT, ROOT, stage, run } from "./stage.ts";
import { buildKernel, type KernelVariant } from "./kernel.ts";
import { buildUserProgram, userElf } from "./userland.ts";

/**
 * The command line of `npm start`: `poweroff` asks the kernel to switch the
 * machine off through the debug-exit device when it has nothing left to do.
 */
export const DEFAULT_CMDLINE = "poweroff";

/** A boot module: a program from userland/ and the string GRUB passes with it. */
export interface BootModule {
  program: string;
  /** The module string; by convention its first word names the thread. */
  args: string;
}

/** The modules of `npm start`: the root task. */
export const DEFAULT_MODULES: BootModule[] = [{ program: "root", args: "root" }];

/** The benchmark's boot (npm run bench, build/bench.ts): the kernel's own rows, then userland/bench. */
export const BENCH_BOOT: { cmdline: string; modules: BootModule[] } = { cmdline: "poweroff bench", modules: [{ program: "bench", args: "bench" }] };

/** The in-OS test suite's modules (test/helpers/sel4test.ts, bench's path runs): the root task's driver and userland/sel4test. */
export const SEL4TEST_MODULES: BootModule[] = [{ program: "root", args: "root" }, { program: "sel4test", args: "sel4test" }];
/** The guest RAM the suite is booted with. */
export const SEL4TEST_MEMORY_MIB = 256;

export const OS_ISO = join(OUT, "os.iso");

export interface IsoOptions {
  cmdline?: string;
  modules?: BootModule[];
  /** Where to write the ISO; default out/os.iso for the default command line. */
  output?: string;
  /** The kernel: the standard one, or the measuring variant (build/kernel.ts). */
  kernel?: KernelVariant;
}

function checkWords(what: string, s: string): void {
  if (/[\n;'"\\$]/.test(s)) throw new Error(`${what} may not contain newlines, quotes, ';', '$' or '\\': ${JSON.stringify(s)}`);
}

function grubCfg(cmdline: string, modules: BootModule[]): string {
  checkWords("kernel command line", cmdline);
  for (const m of modules) checkWords("module arguments", m.args);
  const lines = modules.map((m) => `    module2 /boot/${m.program}.elf ${m.args}`).join("\n");
  return readFileSync(join(ROOT, "iso", "grub.cfg"), "utf8").replaceAll("@CMDLINE@", cmdline).replace("@MODULES@", lines);
}

export function buildIso(opts: IsoOptions = {}): string {
  const cmdline = opts.cmdline ?? DEFAULT_CMDLINE;
  const modules = opts.modules ?? DEFAULT_MODULES;
  const variant = opts.kernel ?? "standard";
  const isDefault = cmdline === DEFAULT_CMDLINE && JSON.stringify(modules) === JSON.stringify(DEFAULT_MODULES) && variant === "standard";
  const tag = createHash("sha256").update(JSON.stringify(variant === "standard" ? [cmdline, modules] : [cmdline, modules, variant])).digest("hex").slice(0, 12);
  const output = opts.output ?? (isDefault ? OS_ISO : join(OUT, "iso-variants", `${tag}.iso`));
  const kernel = buildKernel(variant);
  const programs = [...new Set(modules.map((m) => m.program))];
  const elves = programs.map(buildUserProgram);
  const staging = join(OUT, "iso-staging", tag);
  const cfgPath = join(staging, "grub.cfg.in");
  mkdirSync(staging, { recursive: true });
  writeFileSync(cfgPath, grubCfg(cmdline, modules));
  stage({
    name: `iso ${tag}`,
    inputs: [kernel, cfgPath, ...elves],
    outputs: [output],
    run: () => {
      const tree = join(staging, "tree");
      rmSync(tree, { recursive: true, force: true });
      mkdirSync(join(tree, "boot", "grub"), { recursive: true });
      copyFileSync(kernel, join(tree, "boot", "kernel.elf"));
      copyFileSync(cfgPath, join(tree, "boot", "grub", "grub.cfg"));
      for (const p of programs) copyFileSync(userElf(p), join(tree, "boot", `${p}.elf`));
      run("grub-mkrescue", "grub-mkrescue", ["-o", output, tree]);
    },
  });
  return output;
}

/** The kernel command-line options (kernel/main.ts and kernel/boot/multiboot2.ts read them). */
export const KERNEL_OPTIONS = ["poweroff", "nofastpath", "bench", "hz=<1..10000>", "crash=unreachable|divide|write-text|null"];

/**
 * `npm start -- [kernel options] [--module <program>[:<args>]]...`: the
 * words after `--` become the kernel command line (after `poweroff`, so the
 * boot still ends by itself), and each `--module` a boot module
 * (userland/<program>; its string is the program's name, then the args with
 * `:` between words read as spaces); without one, the default root task.
 * Returns the boot configuration, or the one-line reason the words are refused.
 */
export function parseBootArgs(words: string[]): { cmdline: string; modules: BootModule[] } | string {
  const options: string[] = ["poweroff"];
  const modules: BootModule[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === "--module" || w === "-m") {
      const spec = words[++i];
      if (spec === undefined) return `${w} needs a program: --module <program>[:<args>]`;
      const [program, ...rest] = spec.split(":");
      if (!/^[a-z0-9_-]+$/.test(program) || !existsSync(join(ROOT, "userland", program, "main.ts"))) {
        return `no user program ${JSON.stringify(program)}: the programs are the folders of userland/ with a main.ts`;
      }
      modules.push({ program, args: [program, ...rest].join(" ") });
      continue;
    }
    const known = w === "poweroff" || w === "nofastpath" || w === "bench" || /^hz=\d{1,5}$/.test(w) ||
      /^crash=(unreachable|divide|write-text|null)$/.test(w);
    if (!known) return `unknown kernel option ${JSON.stringify(w)}; the options are ${KERNEL_OPTIONS.join(", ")}, and --module <program>[:<args>]`;
    if (!options.includes(w)) options.push(w);
  }
  return { cmdline: options.join(" "), modules: modules.length ? modules : DEFAULT_MODULES };
}
