// libs/abi/tsos.def.ts: tsos's own additions to seL4's API, defined once.
//
// Owns: the system calls and limits that seL4 does not have. Their numbers
// lie outside every range seL4 assigns (seL4 numbers its calls from -1 down
// to -29; tsos's own start at -100), and test/build/sel4-abi.test.ts
// checks that none collides. build/abigen.ts renders libs/abi/tsos.gen.ts
// and out/gen/tsos.gen.h (build/rt/user-rt.c uses it).
// Must not: redefine anything seL4 defines (libs/abi/sel4.def.ts).

import type { ByteLayout, ConstantGroup } from "./def.ts";

export const TSOS_SYSCALLS: ConstantGroup = {
  title: "tsos system calls",
  prefix: "SYS_",
  type: "i32",
  doc: "Debug calls of tsos's own, numbered from -100 down, away from seL4's.",
  source: "tsos",
  entries: [
    {
      name: "DebugThreadExit",
      value: -100,
      doc: "Ends the calling thread with the status in EBX; goes away once a thread can suspend itself through its TCB capability.",
    },
  ],
};

export const TSOS_LIMITS: ConstantGroup = {
  title: "tsos limits",
  prefix: "",
  type: "u32",
  doc: "Bounds of tsos's debug calls.",
  source: "tsos",
  entries: [{ name: "THREAD_NAME_MAX", value: 31, doc: "DebugNameThread reads at most this many bytes of the name from the IPC buffer." }],
};

export const TSOS_BOOTINFO_HEADERS: ConstantGroup = {
  title: "tsos extra BootInfo chunks",
  prefix: "TSOS_BOOTINFO_HEADER_",
  type: "u32",
  doc: "Extra BootInfo chunk ids of tsos's own, far from seL4's (0..6), which seL4 programs skip.",
  source: "tsos",
  entries: [{ name: "BOOT_MODULES", value: 0x74730001, doc: "The boot-module table: every Multiboot2 module, its frames, name and command line." }],
};

export const BOOT_MODULES_CHUNK: ByteLayout = {
  title: "Boot-module table chunk",
  prefix: "BOOT_MODULES_",
  size: 12,
  doc: "The body of the TSOS_BOOTINFO_HEADER_BOOT_MODULES chunk: a count, the entries, then their strings.",
  source: "tsos",
  fields: [
    { name: "HEADER", offset: 0, size: 8, doc: "The extra BootInfo header {id, len}; len covers entries and strings." },
    { name: "COUNT", offset: 8, size: 4, doc: "Entries that follow (module 0, the root task's own image, is the first)." },
  ],
};

export const BOOT_MODULE_ENTRY: ByteLayout = {
  title: "Boot-module table entry",
  prefix: "BOOT_MODULE_ENTRY_",
  size: 24,
  doc: "One boot module: its frame capabilities (read-only, unmapped), size, address and Multiboot2 string.",
  source: "tsos",
  fields: [
    { name: "FRAMES_START", offset: 0, size: 4, doc: "The slot of the capability to the module's first 4 KiB frame, in the root CNode." },
    { name: "FRAMES_END", offset: 4, size: 4, doc: "One past the slot of the last frame (start = end: the module is not page aligned, no frames)." },
    { name: "BYTES", offset: 8, size: 4, doc: "The module's size in bytes." },
    { name: "PADDR", offset: 12, size: 4, doc: "The module's physical address." },
    { name: "STRING_OFFSET", offset: 16, size: 4, doc: "Where the module's string (file name, then its command line) starts, from the chunk's start." },
    { name: "STRING_LENGTH", offset: 20, size: 4, doc: "The string's length in bytes, without a NUL." },
  ],
};
