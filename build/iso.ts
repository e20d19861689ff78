// build/iso.ts: ISO staging and grub-mkrescue.
//
// Owns: the layout of os.iso (boot/kernel.elf, boot/grub/grub.cfg, and later
// the boot modules) and the kernel command line GRUB passes. Test ISOs with
// other command lines are built the same way, each in its own directory,
// cached on their inputs.
// Must not: start QEMU (build/qemu.ts).

import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
