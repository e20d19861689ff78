// build/debug.ts: the gdb command line `npm run debug` prints.
//
// Owns: which symbol files gdb loads and how: the kernel ELF as the main
// file (its DWARF names .ts files and lines, build/lines.ts), and the ELF
// of every user program in the boot configuration with add-symbol-file.
// User programs are linked at their fixed addresses (USER_TEXT_BASE,
// libs/abi/layout.def.ts), so gdb needs no load address; they all share
// that range, so with more than one program gdb names a user address
// after the first file that covers it (remove-symbol-file picks another).
// Must not: start gdb or QEMU (build/cli.ts does).

import { relative } from "node:path";
import { ROOT } from "./stage.ts";
import { userElf } from "./userland.ts";

/** Quotes one word for a POSIX shell if it needs it. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The gdb invocation, as words, for a kernel ELF, the boot configuration's programs and the stub's port. */
export function gdbArgs(kernelElf: string, programs: string[], port: number): string[] {
  const args = ["gdb", "-q", relative(ROOT, kernelElf), "-ex", "set architecture i386"];
  for (const p of [...new Set(programs)]) args.push("-ex", `add-symbol-file ${relative(ROOT, userElf(p))}`);
  args.push("-ex", `target remote :${port}`, "-ex", "break kernel_start", "-ex", "continue");
  return args;
}

/** The same as one shell command line. */
export function gdbCommand(kernelElf: string, programs: string[], port: number): string {
  return gdbArgs(kernelElf, programs, port).map(sh).join(" ");
}
