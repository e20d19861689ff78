// libs/abi/layout.def.ts: the fixed parts of every user address space, defined once.
//
// Owns: where user programs are linked and where the kernel puts a new
// thread's stack, IPC buffer and BootInfo page, and that page's layout
// (tsos's own, until seL4's BootInfo replaces it). build/abigen.ts renders
// libs/abi/layout.gen.ts (kernel and userland import it) and
// out/gen/layout.gen.ld (userland/user.ld includes it).
//
//   0x00000000  page 0: never mapped
//   0x00400000  USER_TEXT_BASE: program text and read-only data (ELF)
//   0x00800000  USER_WASM_BASE: the program's AssemblyScript data (asc --memoryBase)
//   ...         C data and bss follow it (userland/user.ld)
//   0xBFFE0000  USER_BOOTINFO: one page, read-only
//   0xBFFE8000  USER_IPC_BUFFER: one page
//   0xBFFF0000  stack, USER_STACK_PAGES pages, growing down from USER_STACK_TOP
//   USER_TOP    the kernel window (KERNEL_VBASE)
// Must not: hold logic.

import type { ByteLayout, ConstantGroup } from "./def.ts";
import { KERNEL_SPACE } from "../../kernel/arch/x86/machine.def.ts";

const kernelVbase = KERNEL_SPACE.entries.find((e) => e.name === "KERNEL_VBASE")!.value;

export const USER_SPACE: ConstantGroup = {
  title: "User address space",
  prefix: "USER_",
  type: "u32",
  linker: true,
  doc: "Where a user program's parts go.",
  source: "tsos",
  entries: [
    { name: "TEXT_BASE", value: 0x00400000, doc: "Program text and read-only data are linked here." },
    { name: "WASM_BASE", value: 0x00800000, doc: "The program's AssemblyScript data (asc --memoryBase); C data and bss follow." },
    { name: "BOOTINFO", value: 0xbffe0000, doc: "The thread's BootInfo page, read-only." },
    { name: "IPC_BUFFER", value: 0xbffe8000, doc: "The thread's IPC buffer page." },
    { name: "STACK_TOP", value: 0xbffff000, doc: "The initial stack pointer; the stack grows down." },
    { name: "STACK_PAGES", value: 4, doc: "Pages of stack mapped below USER_STACK_TOP." },
    { name: "TOP", value: kernelVbase, doc: "The first address that is not user space: the kernel window." },
  ],
};

export const BOOTINFO_MAGIC: ConstantGroup = {
  title: "BootInfo magic",
  prefix: "",
  type: "u32",
  doc: "Marks a BootInfo page the kernel wrote.",
  source: "tsos",
  entries: [{ name: "BOOTINFO_MAGIC", value: 0x544f4f42, doc: "\"BOOT\" in little-endian ASCII." }],
};

export const BOOTINFO: ByteLayout = {
  title: "BootInfo page",
  prefix: "BOOTINFO_",
  size: 0x110,
  doc: "What the kernel tells a thread it starts from a boot module (the kernel writes it).",
  source: "tsos",
  fields: [
    { name: "MAGIC_FIELD", offset: 0x00, size: 4, doc: "BOOTINFO_MAGIC." },
    { name: "THREAD_ID", offset: 0x04, size: 4, doc: "The thread's number in kernel logs." },
    { name: "MODULE_INDEX", offset: 0x08, size: 4, doc: "The boot module the thread was started from." },
    { name: "CMDLINE_LENGTH", offset: 0x0c, size: 4, doc: "Bytes of the module's command line." },
    { name: "CMDLINE", offset: 0x10, size: 1, count: 256, doc: "The command line from the Multiboot2 module string, NUL-terminated." },
  ],
};

export const BOOTINFO_LIMITS: ConstantGroup = {
  title: "BootInfo limits",
  prefix: "BOOTINFO_",
  type: "u32",
  doc: "Bounds of the BootInfo fields.",
  source: "tsos",
  entries: [{ name: "CMDLINE_MAX", value: 255, doc: "Longest command line kept; longer ones are cut." }],
};
