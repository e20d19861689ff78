// kernel/main.ts: the boot story, from kernel_start to the first stop.
//
// Owns: the order in which the kernel brings itself up, one call per line,
// and the boot log: banner, boot loader, command line, modules, memory map.
// Entered from build/rt/kernel-rt.c's kernel_start on the boot stack, with
// paging on (boot/entry.S's 4 MiB kernel window) and interrupts off.
// Must not: contain subsystem logic; each step lives in its own file.

import { serialInit } from "./drivers/serial";
import { consoleInit, puts, putLine, putNewline, putBytes, putc } from "./console";
import { putDec, putDec32, putHex, putSizePadded, putStringPadded, putSize } from "./lib/format";
import {
  parseMultiboot2, multiboot2ErrorName, multiboot2ErrorOffset, Multiboot2Error,
  hasCmdline, cmdlineAddr, cmdlineLength, cmdlineHas, cmdlineValue, cmdlineValueAddr,
  hasBootloaderName, bootloaderNameAddr, bootloaderNameLength,
  moduleCount, moduleStart, moduleEnd, moduleStringAddr, moduleStringLength,
  hasMemoryMap, memoryRegionCount, memoryRegionBase, memoryRegionLength, memoryRegionType,
  memoryTypeName, availableMemoryKiB,
  moduleSkippedCount, MAX_MODULES,
} from "./boot/multiboot2";
import { panic } from "./panic";
import { haltSystem, setPowerOffOnHalt, EXIT_STATUS_OK } from "./power";
import { kernelLayout, LAYOUT_IMAGE_START, LAYOUT_RO_END, LAYOUT_IMAGE_END, LAYOUT_WASM_DATA, LAYOUT_STACK_TOP } from "./arch/x86/intrinsics";
import { gdtInit } from "./arch/x86/gdt";
import { idtInit } from "./arch/x86/idt";
import { picDisable } from "./arch/x86/pic";
import { acpiInit, acpiLapicPhys, acpiIoapicCount, acpiIoapicPhys } from "./arch/x86/acpi";
import { lapicInit, lapicId, lapicTimerStart } from "./arch/x86/lapic";
import { ioapicInit } from "./arch/x86/ioapic";
import { irqInit, IRQ_VECTOR_BASE, IRQ_TIMER } from "./object/irq";
import { findRsdp } from "./boot/bootinfo";
import { sysenterInit } from "./arch/x86/cpu";
import { fpuInit } from "./arch/x86/fpu";
import { kernelWindowInit, KERNEL_VBASE } from "./arch/x86/kernel-window";
import { physAddAvailable, physReserve, physBuild, PhysError, physErrorName, physFreeCount, physFreeBase, physFreeLength, physFreeTotal, PHYS_RESERVE_LOW_MEMORY, PHYS_RESERVE_KERNEL_IMAGE, PHYS_RESERVE_BOOT_MODULE } from "./boot/physmem";
import { createRootTask, finishRootTask } from "./boot/root-task";
import { schedule } from "./sched/scheduler";
import { cmdlineValueU32 } from "./boot/multiboot2";
import { benchAddressSpaceSwitch } from "./bench";
import { ioPortsInit } from "./object/ioport";
import { fastpathSetEnabled } from "./fastpath/fastpath";

export { abort, wasmTrap } from "./panic";
export { handleUserTrap, handleKernelTrap } from "./trap";
export { handleSyscall } from "./syscall";
export { fastpathCall, fastpathReplyRecv } from "./fastpath/fastpath";

// The kernel window maps physical 0..KERNEL_WINDOW_SIZE; boot data must lie inside it.
import { KERNEL_WINDOW_SIZE, LOW_MEMORY_END } from "./arch/x86/machine.gen";

const KERNEL_NAME = "tsos";
const KERNEL_VERSION = "0.1.0";

/** The kernel's entry point, called once with the Multiboot2 information's physical address. */
export function kmain(mbiPhys: u32): void {
  serialInit();                         // COM1, 115200 8N1
  consoleInit();                        // VGA text screen, mirrored with serial
  printBanner();
  readBootInfo(mbiPhys);                // Multiboot2: command line, modules, memory map
  printBootInfo();
  printMemoryMap();
  gdtInit(<u32>kernelLayout(LAYOUT_STACK_TOP)); // flat segments, the TSS
  idtInit();                            // 256 gates into boot/trap.S
  picDisable();                         // the 8259s moved out of the way, every line masked
  kernelWindowInit();                   // read-only kernel text, no identity map, the device page table
  interruptsInit();                     // ACPI's MADT, the local APIC, the IOAPICs (every pin masked), IRQ states
  sysenterInit();                       // SYSENTER_CS/ESP/EIP, once
  fastpathInit();                       // the IPC fast path, unless the command line says nofastpath
  fpuInit();                            // FPU/SSE on, switched lazily per thread (CR0.TS, #NM)
  findFreeMemory();                     // the free physical regions (future untyped)
  runCrashSelfTest();                   // only with crash=... on the command line
  if (cmdlineHas("bench")) benchAddressSpaceSwitch();
  startTimer();                         // the local APIC timer: the preemption tick
  ioPortsInit();                        // no port issued yet; the PICs and debug-exit stay the kernel's
  createRootTask();                     // module 0, with every capability; it starts modules 1..n itself
  finishRootTask();                     // all memory left becomes the root task's untyped: the kernel allocates no more
  schedule();                           // leave the kernel: never returns
}

/** `nofastpath` sends every Call and ReplyRecv down the slow path (the fast path's differential tests boot both ways). */
function fastpathInit(): void {
  const on = !cmdlineHas("nofastpath");
  fastpathSetEnabled(on);
  putLine(on ? "kernel: IPC fast path on" : "kernel: IPC fast path off (nofastpath)");
}

// @ts-ignore: decorator
@inline const DEFAULT_TICK_HZ: u32 = 100;

/** Without PAE no page table can name a physical address at or above 4 GiB. */
// @ts-ignore: decorator
@inline const PHYS_ADDRESSABLE_END: u64 = <u64>1 << 32;

function findFreeMemory(): void {
  const n = memoryRegionCount();
  let unreachable: u64 = 0;
  for (let i = 0; i < n; i++) {
    if (memoryRegionType(i) != 1) continue;
    const base = memoryRegionBase(i);
    const length = memoryRegionLength(i);
    // RAM at or above 4 GiB cannot be mapped: it is left out of the untyped memory.
    if (base >= PHYS_ADDRESSABLE_END) {
      unreachable += length;
      continue;
    }
    const below = min<u64>(length, PHYS_ADDRESSABLE_END - base);
    unreachable += length - below;
    physAddAvailable(base, below);
  }
  if (unreachable != 0) {
    puts("memory: ");
    putSize(unreachable);
    putLine(" of RAM above 4 GiB left out: it cannot be mapped without PAE");
  }
  physReserve(0, LOW_MEMORY_END, PHYS_RESERVE_LOW_MEMORY); // BIOS, VGA and the real-mode area
  // The image is two pieces (boot/kernel.ld): code and rodata from 1 MiB,
  // and from the fixed wasm data address on; the gap between them is free
  // (GRUB puts boot modules there, which are reserved below).
  const imageStart = <u64>(<u32>kernelLayout(LAYOUT_IMAGE_START) - KERNEL_VBASE);
  const roEnd = <u64>(<u32>kernelLayout(LAYOUT_RO_END) - KERNEL_VBASE);
  const dataStart = <u64>(<u32>kernelLayout(LAYOUT_WASM_DATA) - KERNEL_VBASE);
  const imageEnd = <u64>(<u32>kernelLayout(LAYOUT_IMAGE_END) - KERNEL_VBASE);
  physReserve(imageStart, roEnd - imageStart, PHYS_RESERVE_KERNEL_IMAGE);
  physReserve(dataStart, imageEnd - dataStart, PHYS_RESERVE_KERNEL_IMAGE);
  const m = moduleCount();
  for (let i = 0; i < m; i++) physReserve(<u64>moduleStart(i), <u64>(moduleEnd(i) - moduleStart(i)), PHYS_RESERVE_BOOT_MODULE);
  const err = physBuild();
  if (err != PhysError.Ok) {
    puts("memory: ");
    puts(physErrorName(err));
    putNewline();
    panic("cannot build the free memory list");
  }
  const free = physFreeCount();
  puts("memory: ");
  putDec(physFreeTotal() >> 10);
  puts(" KiB free for untyped in ");
  putDec32(<u32>free);
  putLine(" regions:");
  for (let i = 0; i < free; i++) {
    const base = physFreeBase(i);
    puts("  ");
    putHex(base, 9);
    puts("-");
    putHex(base + physFreeLength(i) - 1, 9);
    putSizePadded(physFreeLength(i), 12);
    putNewline();
  }
}

/** The tick rates hz= may ask for. */
// @ts-ignore: decorator
@inline const MIN_TICK_HZ: u32 = 1;
// @ts-ignore: decorator
@inline const MAX_TICK_HZ: u32 = 10000;

function interruptsInit(): void {
  const madt = acpiInit(findRsdp());
  lapicInit(acpiLapicPhys());
  ioapicInit(lapicId());
  irqInit();
  puts("interrupts: local APIC ");
  putHex(acpiLapicPhys(), 8);
  puts(", ");
  putDec32(acpiIoapicCount());
  puts(acpiIoapicCount() == 1 ? " IOAPIC at " : " IOAPICs, the first at ");
  putHex(acpiIoapicPhys(0), 8);
  putLine(madt ? " (ACPI MADT); the 8259s masked" : " (no ACPI MADT: the PC defaults); the 8259s masked");
}

function startTimer(): void {
  let hz = cmdlineValueU32("hz", DEFAULT_TICK_HZ);
  if (cmdlineValue("hz") > 0 && cmdlineValueU32("hz", 0) == 0 && cmdlineValueU32("hz", 1) == 1) {
    // Not a number: cmdlineValueU32 gave each fallback back (a number gives the same answer for both).
    puts("timer: hz=");
    putBytes(cmdlineValueAddr(), <u32>cmdlineValue("hz"));
    puts(" is not a number; using ");
    putDec32(DEFAULT_TICK_HZ);
    putNewline();
  } else if (hz < MIN_TICK_HZ || hz > MAX_TICK_HZ) {
    puts("timer: hz=");
    putDec32(hz);
    puts(" is outside ");
    putDec32(MIN_TICK_HZ);
    puts("..");
    putDec32(MAX_TICK_HZ);
    puts("; using ");
    putDec32(DEFAULT_TICK_HZ);
    putNewline();
    hz = DEFAULT_TICK_HZ;
  }
  const rate = lapicTimerStart(hz, IRQ_VECTOR_BASE + IRQ_TIMER);
  puts("timer: local APIC at ");
  putDec32(hz);
  // (The measured count rate varies from boot to boot under emulation: it is not printed.)
  putLine(rate == 0 ? " Hz (not calibrated: the PIT did not answer; a fixed count is used)" : " Hz");
}

function printBanner(): void {
  puts(KERNEL_NAME);
  putc(0x20);
  puts(KERNEL_VERSION);
  putLine(": a capability microkernel in AssemblyScript (i386, Multiboot2)");
}

function readBootInfo(mbiPhys: u32): void {
  if (mbiPhys == 0 || mbiPhys >= KERNEL_WINDOW_SIZE) {
    panic("Multiboot2 information lies outside the kernel window");
  }
  const err = parseMultiboot2(<usize>(mbiPhys + KERNEL_VBASE), <usize>(KERNEL_WINDOW_SIZE - mbiPhys));
  if (err != Multiboot2Error.Ok) {
    puts("boot: bad Multiboot2 information: ");
    puts(multiboot2ErrorName(err));
    puts(" at offset ");
    putDec32(multiboot2ErrorOffset());
    putNewline();
    panic("cannot boot without valid Multiboot2 information");
  }
  setPowerOffOnHalt(cmdlineHas("poweroff"));
}

function printBootInfo(): void {
  puts("boot: loader \"");
  if (hasBootloaderName()) putBytes(bootloaderNameAddr(), bootloaderNameLength());
  puts("\", command line \"");
  if (hasCmdline()) putBytes(cmdlineAddr(), cmdlineLength());
  putLine("\"");
  const n = moduleCount();
  for (let i = 0; i < n; i++) {
    puts("boot: module ");
    putDec32(<u32>i);
    puts(" at ");
    putHex(moduleStart(i), 8);
    puts("-");
    putHex(moduleEnd(i), 8);
    puts(" \"");
    putBytes(moduleStringAddr(i), moduleStringLength(i));
    putLine("\"");
  }
  const skipped = moduleSkippedCount();
  if (skipped != 0) {
    puts("boot: ");
    putDec32(<u32>skipped);
    puts(skipped == 1 ? " boot module" : " boot modules");
    puts(" skipped: the kernel keeps the first ");
    putDec32(<u32>MAX_MODULES);
    putNewline();
  }
}

function printMemoryMap(): void {
  if (!hasMemoryMap()) panic("the boot loader gave no memory map");
  const n = memoryRegionCount();
  putLine("memory map:");
  for (let i = 0; i < n; i++) {
    const base = memoryRegionBase(i);
    const length = memoryRegionLength(i);
    puts("  ");
    putHex(base, 9);
    puts("-");
    putHex(base + length - 1, 9);
    putSizePadded(length, 12);
    puts("  ");
    putStringPadded(memoryTypeName(memoryRegionType(i)), 0);
    putNewline();
  }
  // RAM size: the available total rounded up to whole MiB. The firmware's
  // holes below 1 MiB and at the top of low memory add up to less than 1 MiB.
  const kib = availableMemoryKiB();
  puts("memory: ");
  putDec(kib);
  puts(" KiB available in ");
  putDec32(<u32>n);
  puts(" regions, RAM ");
  putDec((kib + 1023) >> 10);
  putLine(" MiB");
}

// A value the optimiser cannot see through, for the crash self-tests.
const OPAQUE_ZERO = memory.data(4);

/**
 * crash=unreachable or crash=divide: executes a trapping wasm instruction,
 * to prove that a trap in kernel code becomes a panic that names it.
 * crash=write-text writes to the kernel's own code (read-only: a page
 * fault), crash=null reads address 0 (unmapped): both must panic with a
 * register dump and a backtrace.
 */
function runCrashSelfTest(): void {
  const n = cmdlineValue("crash");
  if (n < 0) return;
  const v = cmdlineValueAddr();
  puts("kernel: crash self-test \"");
  putBytes(v, <u32>n);
  putLine("\"");
  if (n == 11 && load<u8>(v) == 0x75 /* u */) unreachable();
  if (n == 6 && load<u8>(v) == 0x64 /* d */) {
    const zero = load<u32>(OPAQUE_ZERO);
    putDec32(<u32>1000 / zero);
  }
  if (n == 10 && load<u8>(v) == 0x77 /* w */) store<u32>(<usize>kernelLayout(LAYOUT_IMAGE_START) + 0x40, 0);
  if (n == 4 && load<u8>(v) == 0x6E /* n */) putDec32(load<u32>(<usize>load<u32>(OPAQUE_ZERO)));
  putLine("kernel: unknown crash self-test (use crash=unreachable, divide, write-text or null)");
}
