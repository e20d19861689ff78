// kernel/arch/x86/machine.def.ts: the numbers the kernel shares with its
// assembly, its C runtime and its linker script, defined once.
//
// Owns: the kernel's virtual layout (window base, wasm data base, stack),
// page sizes, segment selectors, the length of sysenter, the saved user
// context that boot/trap.S fills (the first bytes of every TCB), the
// EFLAGS bits the entry paths use, the hardware addresses boot/entry.S
// touches before kmain, and the PC devices and firmware areas the boot
// protocol speaks of.
// build/abigen.ts turns this into kernel/arch/x86/machine.gen.ts (for
// AssemblyScript), out/gen/machine.gen.h (#include'd by boot/*.S and
// build/rt) and out/gen/machine.gen.ld (INCLUDE'd by boot/kernel.ld).
// Must not: be imported by AssemblyScript (import machine.gen.ts), or be
// copied by hand anywhere: test/build/abigen.test.ts looks for copies.

import type { ByteLayout, ConstantGroup } from "../../../libs/abi/def.ts";

const LARGE_PAGE = 0x400000;
// 508 MiB: 0xE0000000 up to the last 4 MiB of the address space, which hold
// the kernel's device mappings (seL4 ia32: PPTR_TOP = -4 MiB, PPTR_KDEV).
const WINDOW_SIZE = 0x20000000 - LARGE_PAGE;
const LOW_MEMORY_END = 0x100000; // 1 MiB

export const KERNEL_SPACE: ConstantGroup = {
  title: "Kernel address space",
  prefix: "",
  type: "u32",
  linker: true,
  doc: "Where the kernel lives: the window that maps physical memory, its image and its AssemblyScript data.",
  source: "tsos (DESIGN.md, Memory layout)",
  entries: [
    { name: "KERNEL_VBASE", value: 0xe0000000, doc: "Virtual address of physical 0: the kernel window starts here, at seL4_UserTop." },
    { name: "KERNEL_WINDOW_SIZE", value: WINDOW_SIZE, doc: "Bytes of physical memory the window maps, from physical 0." },
    { name: "KERNEL_WINDOW_PDES", value: WINDOW_SIZE / LARGE_PAGE, doc: "4 MiB page-directory entries that map the window." },
    { name: "KERNEL_LAPIC_VADDR", value: 0xffff0000, doc: "Where the kernel maps the local APIC's registers (seL4 ia32: PPTR_KDEV), in the last 4 MiB, after the window: the kernel's device page table." },
    { name: "KERNEL_IOAPIC_VADDR", value: 0xffff1000, doc: "Where the kernel maps the first IOAPIC's registers; further IOAPICs follow, a page each." },
    { name: "KERNEL_IMAGE_PHYS", value: LOW_MEMORY_END, doc: "Physical load address of the kernel image: just above the PC's first MiB." },
    { name: "KERNEL_WASM_BASE", value: 0xe0400000, doc: "Virtual address of the kernel's AssemblyScript data (asc --memoryBase)." },
    { name: "KERNEL_STACK_SIZE", value: 16384, doc: "Bytes of the one kernel stack." },
  ],
};

export const PAGING: ConstantGroup = {
  title: "Paging",
  prefix: "",
  type: "u32",
  linker: true,
  doc: "i386 two-level paging without PAE.",
  source: "Intel SDM vol. 3, 4.3",
  entries: [
    { name: "PAGE_BITS", value: 12, doc: "log2 of a small page." },
    { name: "PAGE_SIZE", value: 4096, doc: "Bytes in a small page." },
    { name: "LARGE_PAGE_BITS", value: 22, doc: "log2 of a 4 MiB page (PSE)." },
    { name: "LARGE_PAGE_SIZE", value: LARGE_PAGE, doc: "Bytes in a 4 MiB page." },
    { name: "PDE_4M_KERNEL", value: 0x183, doc: "Boot PDE for the window: present, writable, 4 MiB, global." },
    { name: "PDE_4M_IDENTITY", value: 0x083, doc: "Boot PDE for the identity map used only by the jump to the window." },
  ],
};

export const SELECTORS: ConstantGroup = {
  title: "Segment selectors",
  prefix: "SEL_",
  type: "u32",
  doc: "GDT selectors (kernel/arch/x86/gdt.ts builds the table).",
  source: "tsos; the user ones are seL4 ia32's",
  entries: [
    { name: "KERNEL_CS", value: 0x08, doc: "Kernel code, DPL 0 (GDT entry 1)." },
    { name: "KERNEL_SS", value: 0x10, doc: "Kernel data and stack, DPL 0 (GDT entry 2)." },
    { name: "USER_CS", value: 0x1b, doc: "User code, DPL 3 (GDT entry 3)." },
    { name: "USER_DS", value: 0x23, doc: "User data, DPL 3 (GDT entry 4); the kernel's DS/ES too." },
    { name: "TSS", value: 0x28, doc: "The one TSS, DPL 0 (GDT entry 5)." },
    { name: "USER_FS", value: 0x33, doc: "User FS, DPL 3 (GDT entry 6, base 0): what every thread runs with (seL4 ia32)." },
    { name: "USER_GS", value: 0x3b, doc: "User GS, DPL 3 (GDT entry 7, base = the running thread's TLS base): seL4 ia32's TLS segment." },
  ],
};

export const EFLAGS: ConstantGroup = {
  title: "EFLAGS bits",
  prefix: "EFLAGS_",
  type: "u32",
  doc: "The EFLAGS bits the entry and exit paths set or clear.",
  source: "Intel SDM vol. 1, 3.4.3",
  entries: [
    { name: "RESERVED1", value: 0x002, doc: "Bit 1, always one; the kernel runs with only this bit set." },
    { name: "TF", value: 0x100, doc: "Trap flag (single step)." },
    { name: "IF", value: 0x200, doc: "Interrupts enabled." },
    { name: "NT", value: 0x4000, doc: "Nested task: the next iret would be a task switch." },
    { name: "ID", value: 0x200000, doc: "Writable only on CPUs with CPUID." },
  ],
};

export const VECTORS: ConstantGroup = {
  title: "Trap vectors",
  prefix: "VECTOR_",
  type: "u32",
  doc: "Values of the saved context's vector field.",
  source: "tsos",
  entries: [{ name: "SYSCALL", value: 0xffffffff, doc: "Stored by the sysenter stub: a system call, not an IDT vector." }],
};

export const SYSENTER: ConstantGroup = {
  title: "sysenter",
  prefix: "SYSENTER_",
  type: "u32",
  doc: "The instruction every system call enters the kernel by.",
  source: "Intel SDM vol. 2B, SYSENTER (0F 34); seL4 ia32 resumes at EDX + 2",
  entries: [
    {
      name: "LENGTH",
      value: 2,
      doc: "Bytes of sysenter: boot/trap.S resumes the caller at EDX + SYSENTER_LENGTH, and a restarted system call goes back as far.",
    },
  ],
};

export const USER_CONTEXT: ByteLayout = {
  title: "Saved user context",
  prefix: "CTX_",
  size: 0x38,
  doc: "The first bytes of every TCB: boot/trap.S saves a thread's registers here on every kernel entry and restores them on exit. TSS.esp0 points at the end (ctx + 0x38) while the thread runs, so the CPU's pushes land in place.",
  source: "tsos (boot/trap.S, kernel/object/tcb.ts)",
  fields: [
    { name: "EDI", offset: 0x00, size: 4, doc: "Entry stub (PUSH_REGISTERS); the kernel (WriteRegisters)." },
    { name: "ESI", offset: 0x04, size: 4, doc: "Entry stub." },
    { name: "EBP", offset: 0x08, size: 4, doc: "Entry stub." },
    { name: "EBX", offset: 0x0c, size: 4, doc: "Entry stub." },
    { name: "EDX", offset: 0x10, size: 4, doc: "Entry stub." },
    { name: "ECX", offset: 0x14, size: 4, doc: "Entry stub." },
    { name: "EAX", offset: 0x18, size: 4, doc: "Entry stub." },
    { name: "VECTOR", offset: 0x1c, size: 4, doc: "Entry stub: the IDT vector, or VECTOR_SYSCALL for sysenter." },
    { name: "ERROR", offset: 0x20, size: 4, doc: "CPU (faults with an error code) or 0 from the stub." },
    { name: "EIP", offset: 0x24, size: 4, doc: "CPU (interrupt), or the sysenter stub from edx + 2." },
    { name: "CS", offset: 0x28, size: 4, doc: "CPU, or the sysenter stub." },
    { name: "EFLAGS", offset: 0x2c, size: 4, doc: "CPU, or the sysenter stub." },
    { name: "ESP", offset: 0x30, size: 4, doc: "CPU, or the sysenter stub from ecx." },
    { name: "SS", offset: 0x34, size: 4, doc: "CPU, or the sysenter stub." },
  ],
};

export const PC_HARDWARE: ConstantGroup = {
  title: "PC hardware",
  prefix: "",
  type: "u32",
  doc: "Devices and magic numbers that boot/entry.S uses before the kernel's own drivers run.",
  source: "Multiboot2 specification 3.2; PC16550D data sheet; IBM VGA",
  entries: [
    { name: "MULTIBOOT2_BOOTLOADER_MAGIC", value: 0x36d76289, doc: "In eax at entry from a Multiboot2 loader." },
    { name: "COM1_BASE", value: 0x3f8, doc: "I/O port base of the first serial port." },
    { name: "VGA_TEXT_PHYS", value: 0xb8000, doc: "Physical address of the VGA text buffer." },
    { name: "LOW_MEMORY_END", value: LOW_MEMORY_END, doc: "End of the PC's first MiB (real-mode memory, BIOS, VGA, option ROMs)." },
  ],
};

export const PC_DEVICES: ConstantGroup = {
  title: "PC devices",
  prefix: "",
  type: "u32",
  doc: "Default physical addresses of the PC devices and firmware areas the boot protocol speaks of (DESIGN.md, Device untypeds).",
  source: "ACPI 6.4, 5.2.5.1; Intel 82093AA IOAPIC data sheet; Intel SDM vol. 3, 11.4.1; IA-PC HPET specification 1.0a",
  entries: [
    { name: "BIOS_AREA_PHYS", value: 0xe0000, doc: "Start of the BIOS read-only area (up to LOW_MEMORY_END), where the ACPI RSDP lies on a 16-byte boundary." },
    { name: "IOAPIC_PHYS", value: 0xfec00000, doc: "The IOAPIC's register page: the kernel keeps it out of the untyped list." },
    { name: "HPET_PHYS", value: 0xfed00000, doc: "The HPET's register page: device untyped, for a user-mode timer driver." },
    { name: "LAPIC_PHYS", value: 0xfee00000, doc: "The local APIC's register page: the kernel keeps it out of the untyped list." },
  ],
};
