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
import { buildKernel, KERNEL_ELF } from "./kernel.ts";

/**
 * The command line of `npm start`: `poweroff` asks the kernel to switch the
 * machine off through the debug-exit device when it has nothing left to do.
 */
export const DEFAULT_CMDLINE = "poweroff";
export const OS_ISO = join(OUT, "os.iso");

export interface IsoOptions {
  cmdline?: string;
  /** Where to write the ISO; default out/os.iso for the default command line. */
  output?: string;
}

function grubCfg(cmdline: string): string {
  if (/[\n;'"\\$]/.test(cmdline)) throw new Error(`kernel command line may not contain newlines, quotes, ';', '$' or '\\': ${JSON.stringify(cmdline)}`);
  return readFileSync(join(ROOT, "iso", "grub.cfg"), "utf8").replaceAll("@CMDLINE@", cmdline);
}

export function buildIso(opts: IsoOptions = {}): string {
  const cmdline = opts.cmdline ?? DEFAULT_CMDLINE;
  const tag = createHash("sha256").update(cmdline).digest("hex").slice(0, 12);
  const output = opts.output ?? (cmdline === DEFAULT_CMDLINE ? OS_ISO : join(OUT, "iso-variants", `${tag}.iso`));
  buildKernel();
  const staging = join(OUT, "iso-staging", tag);
  const cfgPath = join(staging, "grub.cfg.in");
  mkdirSync(staging, { recursive: true });
  writeFileSync(cfgPath, grubCfg(cmdline));
  stage({
    name: `iso ${tag}`,
    inputs: [KERNEL_ELF, cfgPath],
    outputs: [output],
    run: () => {
      const tree = join(staging, "tree");
      rmSync(tree, { recursive: true, force: true });
      mkdirSync(join(tree, "boot", "grub"), { recursive: true });
      copyFileSync(KERNEL_ELF, join(tree, "boot", "kernel.elf"));
      copyFileSync(cfgPath, join(tree, "boot", "grub", "grub.cfg"));
      run("grub-mkrescue", "grub-mkrescue", ["-o", output, tree]);
    },
  });
  return output;
}
