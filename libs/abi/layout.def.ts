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
//   0xB0000000  USER_THREAD_AREA: 4 MiB for threads a program starts in its own
//               address space (libs/user/thread.ts): one 64 KiB area each
//   0xBFFE0000  USER_BOOTINFO: one page, the process information page
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
    { name: "BOOTINFO", value: 0xbffe0000, doc: "A started process's information page (BOOTINFO_*), writable so it can report STATUS." },
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
  title: "Process information page",
  prefix: "BOOTINFO_",
  size: 0x14c,
  doc: "What a program started by the process builder (libs/user/process.ts) is told, at USER_BOOTINFO; the program may write STATUS.",
  source: "tsos",
  fields: [
    { name: "MAGIC_FIELD", offset: 0x00, size: 4, doc: "BOOTINFO_MAGIC." },
    { name: "THREAD_ID", offset: 0x04, size: 4, doc: "A number the starter chose for the process (its boot module index, or a test number)." },
    { name: "MODULE_INDEX", offset: 0x08, size: 4, doc: "The boot module the program was loaded from." },
    { name: "CMDLINE_LENGTH", offset: 0x0c, size: 4, doc: "Bytes of the command line." },
    { name: "CMDLINE", offset: 0x10, size: 1, count: 256, doc: "The command line (the Multiboot2 module string, or what the starter gave), NUL-terminated." },
    { name: "CNODE_SIZE_BITS", offset: 0x110, size: 4, doc: "log2 of the slots in the process's CNode; its guard makes a CPtr equal a slot number." },
    { name: "UNTYPED", offset: 0x114, size: 4, doc: "The slot of the process's untyped memory (0: none)." },
    { name: "UNTYPED_SIZE_BITS", offset: 0x118, size: 4, doc: "log2 of that untyped's size." },
    { name: "EMPTY_START", offset: 0x11c, size: 4, doc: "The first empty slot of the process's CNode." },
    { name: "EMPTY_END", offset: 0x120, size: 4, doc: "One past the last empty slot." },
    { name: "PRIORITY", offset: 0x124, size: 4, doc: "The priority the process runs at (its MCP is the same)." },
    { name: "STATUS", offset: 0x128, size: 4, doc: "Written by the process before it ends: PROCESS_STATUS_* (the starter reads it through its own mapping)." },
    { name: "STATUS_DETAIL", offset: 0x12c, size: 4, doc: "A number the process adds to its status (for a test: how many checks ran)." },
    { name: "DEVICE_UNTYPED_PADDR", offset: 0x130, size: 4, doc: "The physical address of the device untyped at PROCESS_SLOT_DEVICE_UNTYPED (0: none granted)." },
    { name: "DEVICE_UNTYPED_SIZE_BITS", offset: 0x134, size: 4, doc: "log2 of that device untyped's size." },
    { name: "EXTRA_CAPS", offset: 0x138, size: 4, doc: "The first slot of the capabilities the starter added (PROCESS_SLOT_FIRST_FREE), in the order it listed them." },
    { name: "EXTRA_CAP_COUNT", offset: 0x13c, size: 4, doc: "How many it added (0: none)." },
    { name: "IMAGE_FRAMES", offset: 0x140, size: 4, doc: "The first slot of read-only copies of the frames that hold the program's own ELF file, page i of the file in slot IMAGE_FRAMES + i, when the starter lends them (0: none); they come after the extra capabilities." },
    { name: "IMAGE_PAGES", offset: 0x144, size: 4, doc: "How many frames: IMAGE_BYTES rounded up to pages." },
    { name: "IMAGE_BYTES", offset: 0x148, size: 4, doc: "Bytes of the ELF file in them." },
  ],
};

export const PROCESS_CSPACE: ConstantGroup = {
  title: "A started process's CSpace",
  prefix: "PROCESS_",
  type: "u32",
  doc: "Where the process builder puts a process's own capabilities (the same slots as seL4's root task where they exist).",
  source: "tsos",
  entries: [
    { name: "CNODE_SIZE_BITS", value: 12, doc: "A process's CNode has 2^12 slots, with a 20-bit guard of 0." },
    { name: "SLOT_TCB", value: 1, doc: "The process's own TCB (seL4_CapInitThreadTCB)." },
    { name: "SLOT_CNODE", value: 2, doc: "Its CNode (seL4_CapInitThreadCNode)." },
    { name: "SLOT_VSPACE", value: 3, doc: "Its page directory (seL4_CapInitThreadVSpace)." },
    { name: "SLOT_IRQ_CONTROL", value: 4, doc: "IRQControl, when the starter lends it (seL4_CapIRQControl): moved in, and moved back before the process is destroyed (it cannot be copied)." },
    { name: "SLOT_ASID_CONTROL", value: 5, doc: "A copy of ASIDControl, when the starter grants it (seL4_CapASIDControl)." },
    { name: "SLOT_ASID_POOL", value: 6, doc: "A copy of the root task's ASID pool capability, when the starter grants it (seL4_CapInitThreadASIDPool)." },
    { name: "SLOT_IO_PORT_CONTROL", value: 7, doc: "IOPortControl, when the starter lends it (seL4_CapIOPortControl): moved in, and moved back before the process is destroyed (it cannot be copied)." },
    { name: "SLOT_IPC_BUFFER", value: 10, doc: "Its IPC buffer frame (seL4_CapInitThreadIPCBuffer)." },
    { name: "SLOT_DOMAIN", value: 11, doc: "A copy of the Domain capability, when the starter grants it (seL4_CapDomain)." },
    { name: "SLOT_DEVICE_UNTYPED", value: 15, doc: "A device untyped, when the starter grants one (the in-OS tests use it)." },
    { name: "SLOT_UNTYPED", value: 16, doc: "Its share of untyped memory, when the starter grants one." },
    { name: "SLOT_FIRST_FREE", value: 17, doc: "The first slot the builder leaves empty." },
    { name: "STATUS_RUNNING", value: 0, doc: "STATUS: the process has not finished." },
    { name: "STATUS_PASSED", value: 0x50415353, doc: "STATUS: the process finished and succeeded (\"PASS\")." },
    { name: "STATUS_FAILED", value: 0x4641494c, doc: "STATUS: the process finished and failed (\"FAIL\")." },
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

export const USER_THREADS: ConstantGroup = {
  title: "Threads in a program's own address space",
  prefix: "THREAD_",
  type: "u32",
  doc: "Where libs/user/thread.ts puts a new thread's stack, IPC buffer and thread control words.",
  source: "tsos",
  entries: [
    { name: "AREA_BASE", value: 0xb0000000, doc: "The 4 MiB region (one page table) that holds every thread's area." },
    { name: "AREA_PAGES", value: 16, doc: "Pages of one thread's area: a guard page, the stack, the IPC buffer page, unused pages." },
    { name: "MAX", value: 64, doc: "Threads the region holds." },
    { name: "STACK_PAGES", value: 4, doc: "Pages of stack, above the area's unmapped guard page." },
    { name: "IPC_BUFFER_PAGE", value: 5, doc: "The page of the area that holds the IPC buffer, and the thread control words after it." },
    { name: "TLS_OFFSET", value: 0x800, doc: "Where the thread control words (TLS_*) start in the IPC buffer page." },
  ],
};

export const TLS_BLOCK: ByteLayout = {
  title: "Thread control words",
  prefix: "TLS_",
  size: 0x20,
  doc: "Per-thread words of the user runtime, below the thread pointer: GS's base (GDT entry 7, SetTLSBase) is the address of SELF, so %gs:0 is the thread pointer (i386 TLS variant II) and the rest lies at negative offsets from it.",
  source: "tsos (the IPC-buffer pointer is libsel4's __sel4_ipc_buffer, a TLS variable)",
  fields: [
    { name: "START_SP", offset: 0x00, size: 4, doc: "ESP where build/rt/user-rt.c called into a thread started by libs/user/thread.ts (a test reads it)." },
    { name: "REGS", offset: 0x04, size: 4, count: 5, doc: "The system-call register block: eax, ebx, esi, edi, ebp in and out (libs/user/syscall.ts)." },
    { name: "IPC_BUFFER", offset: 0x18, size: 4, doc: "The thread's IPC buffer address (libs/user/ipc.ts)." },
    { name: "SELF", offset: 0x1c, size: 4, doc: "The thread pointer: its own address; GS's base points here." },
  ],
};
