// kernel/main.ts: the boot story, from kernel_start to the first stop.
//
// Owns: the order in which the kernel brings itself up, one call per line,
// and the boot log: banner, boot loader, command line, modules, memory map.
// Entered from build/rt/kernel-rt.c's kernel_start on the boot stack, with
// paging on (boot/entry.S's 4 MiB kernel window) and interrupts off.
// Must not: contain subsystem logic; each step lives in its own file.

import { serialInit } from "./drivers/serial";
import { consoleInit, puts, putLine, putNewline, putBytes, putc } from "./console";
import { putDec, putDec32, putHex, putSizePadded, putStringPadded } from "./lib/format";
import {
  parseMultiboot2, multiboot2ErrorName, multiboot2ErrorOffset, Multiboot2Error,
  hasCmdline, cmdlineAddr, cmdlineLength, cmdlineHas, cmdlineValue, cmdlineValueAddr,
  hasBootloaderName, bootloaderNameAddr, bootloaderNameLength,
  moduleCount, moduleStart, moduleEnd, moduleStringAddr, moduleStringLength,
  hasMemoryMap, memoryRegionCount, memoryRegionBase, memoryRegionLength, memoryRegionType,
  memoryTypeName, availableMemoryKiB,
} from "./boot/multiboot2";
import { panic } from "./panic";
import { haltSystem, setPowerOffOnHalt, EXIT_STATUS_OK } from "./power";

export { abort, wasmTrap } from "./panic";

// @ts-ignore: decorator
@inline const KERNEL_VBASE: u32 = 0xC0000000;
/** The kernel window maps physical 0..1 GiB; boot data must lie inside it. */
// @ts-ignore: decorator
@inline const KERNEL_WINDOW_SIZE: u32 = 0x40000000;

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
  runCrashSelfTest();                   // only with crash=... on the command line
  putLine("kernel: boot complete; nothing to run yet, stopping");
  haltSystem(EXIT_STATUS_OK);
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
  putLine("kernel: unknown crash self-test (use crash=unreachable or crash=divide)");
}
