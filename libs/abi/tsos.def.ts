// libs/abi/tsos.def.ts: tsos's own additions to seL4's API, defined once.
//
// Owns: the system calls, limits and extra-BootInfo chunk (the boot-module
// table) that seL4 does not have. Their numbers
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
      doc: "A debug call: reports the status in EBX on the kernel console and stops the caller, as TCB_Suspend of its own TCB does (a program ends by suspending itself; this one also says how).",
    },
    {
      name: "DebugPowerOff",
      value: -101,
      doc: "Stops the machine: a clean power-off if EBX is 0, else one that reports a failure (the in-OS test suite's verdict).",
    },
    {
      name: "DebugSelfCheck",
      value: -102,
      doc: "Walks the derivation tree, the endpoint and notification queues and the ready queues (kernel/debug/selfcheck.ts), prints a summary line and returns the number of inconsistencies found in EBX (0: consistent).",
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

// ── The boot-module table: an extra-BootInfo chunk of tsos's own ─────────
// seL4 hands the root task only boot module 0 (its own image, as
// userImageFrames). tsos also gives it every Multiboot2 module, module 0
// included, as read-only frames, and lists them here with their strings
// (the root task finds its own command line in entry 0). The chunk sits in the extra BootInfo like seL4's own chunks
// (a seL4_BootInfoHeader first, `len` counting the whole chunk), so a
// walker that does not know the ID skips it.
//
//   chunk +0   id     TSOS_BOOTINFO_HEADER_BOOT_MODULES
//         +4   len    bytes of the whole chunk, header and strings included
//         +8   count  number of entries
//         +12  entries[count], BOOT_MODULE_SIZE bytes each (BOOT_MODULE_*)
//         ...  the command lines; each entry points at its own
//              (an offset from the chunk's start, and a length; no NUL)

export const TSOS_EXTRA_BOOTINFO_IDS: ConstantGroup = {
  title: "tsos extra BootInfo chunk IDs",
  prefix: "TSOS_BOOTINFO_HEADER_",
  type: "u32",
  doc: "IDs of tsos's own extra-BootInfo chunks, far above seL4's (0 to SEL4_BOOTINFO_HEADER_NUM - 1).",
  source: "tsos",
  entries: [
    { name: "BOOT_MODULES", value: 0x7473, doc: "The boot-module table (BOOT_MODULES_*, BOOT_MODULE_*); 0x7473 is \"ts\" in little-endian ASCII." },
  ],
};

export const BOOT_MODULES: ByteLayout = {
  title: "Boot-module table",
  prefix: "BOOT_MODULES_",
  size: 12,
  doc: "The start of the boot-module chunk; BOOT_MODULES_SIZE is where the first entry begins.",
  source: "tsos",
  fields: [
    { name: "header", offset: 0, size: 8, doc: "seL4_BootInfoHeader: id TSOS_BOOTINFO_HEADER_BOOT_MODULES, len of the whole chunk." },
    { name: "count", offset: 8, size: 4, doc: "Number of entries that follow." },
  ],
};

export const BOOT_MODULE: ByteLayout = {
  title: "Boot-module entry",
  prefix: "BOOT_MODULE_",
  size: 24,
  doc: "One boot module, in Multiboot2 order (entry 0 is the root task's own module).",
  source: "tsos",
  fields: [
    { name: "framesStart", offset: 0, size: 4, doc: "First root-CNode slot of the read-only, unmapped frame capabilities holding the module, one per 4 KiB page, in order." },
    { name: "framesEnd", offset: 4, size: 4, doc: "First slot after them (half-open, as seL4_SlotRegion); equal to framesStart if the module is not page aligned." },
    { name: "bytes", offset: 8, size: 4, doc: "The module's size in bytes (the last frame's tail is zero)." },
    { name: "paddr", offset: 12, size: 4, doc: "Physical address of the module's first byte." },
    { name: "cmdline", offset: 16, size: 4, doc: "Offset, from the chunk's start, of the module's command line (the Multiboot2 module string)." },
    { name: "cmdlineLength", offset: 20, size: 4, doc: "Bytes in the command line, no NUL." },
  ],
};

export const TSOS_TEST_NUMBERS: ConstantGroup = {
  title: "Numbers for fault tests",
  prefix: "",
  type: "i32",
  doc: "Values that no kernel assigns, used on purpose by fault tests.",
  source: "tsos",
  entries: [
    { name: "UNASSIGNED_SYSCALL", value: -1000, doc: "A system call number neither seL4 nor tsos assigns (the faulter's bad-syscall kind)." },
  ],
};

// ── I/O ports the kernel keeps ───────────────────────────────────────────
// seL4 issues any range nobody holds; its kernel drives no port for its
// own correctness (it prints on a serial port for debugging only). tsos's
// kernel keeps the 8259 PICs masked for good (its interrupts come through
// the IOAPIC and the local APIC) and powers off through isa-debug-exit, so
// those ports are marked issued at boot and
// X86IOPortControl_Issue refuses every range that touches them with
// seL4_RevokeFirst, the error for ports someone already holds
// (docs/RATIONALE.md, "I/O ports"). The ranges are in ascending order.

export const KERNEL_IO_PORTS: ConstantGroup = {
  title: "I/O ports the kernel keeps",
  prefix: "KERNEL_PORTS_",
  type: "u32",
  doc: "Port ranges (first and last, inclusive, ascending) the kernel drives itself; no IOPort capability can cover them.",
  source: "tsos (the PC's port map: Intel 8259A data sheet; QEMU's isa-debug-exit device)",
  entries: [
    { name: "PIC1_FIRST", value: 0x20, doc: "The master 8259 PIC's command port: the kernel masked both PICs, and a driver of them could unmask what the kernel never expects." },
    { name: "PIC1_LAST", value: 0x21, doc: "The master PIC's data (mask) port." },
    { name: "PIC2_FIRST", value: 0xa0, doc: "The slave 8259 PIC's command port." },
    { name: "PIC2_LAST", value: 0xa1, doc: "The slave PIC's data (mask) port." },
    { name: "DEBUG_EXIT", value: 0xf4, doc: "QEMU's isa-debug-exit port: the kernel's power-off, whose value the host reads as the verdict (one port)." },
  ],
};
