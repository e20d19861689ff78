// userland/root/main.ts: the root task, the first user program (boot module 0).
//
// Owns: the seL4 boot protocol end to end, and starting the system: it
// reads the seL4_BootInfo the kernel passed in EBX, prints what it was
// given (the slot regions, untyped memory, the extra BootInfo chunks, its
// own command line from the boot-module table), then starts every other
// boot module as a process with the process builder (programs.ts) and
// ends. It keeps seL4's root priority, 255, while it works, so the
// programs (priority 100) run once it has ended. With the argument
// "threads" it asks the kernel for its thread list (DebugDumpScheduler)
// after starting them; with "halt" it then stops the system (DebugHalt);
// "grant=<i>" gives module i more authority (programs.ts).
// It becomes the component-tree builder (DESIGN.md, Userland) on top of
// the process builder.

import { nameThread, print, printLine, printDec, printHex, putChar, halt, dumpScheduler, startRegister } from "../../libs/user/sys";
import {
  BI_EXTRA_LEN, BI_IPC_BUFFER, BI_EMPTY, BI_USER_IMAGE_FRAMES, BI_USER_IMAGE_PAGING, BI_EXTRA_BI_PAGES, BI_UNTYPED,
  BI_UNTYPED_LIST, BI_INIT_THREAD_CNODE_SIZE_BITS, UNTYPED_DESC_SIZE, UNTYPED_DESC_SIZE_BITS, UNTYPED_DESC_IS_DEVICE,
  BI_HEADER_ID, BI_HEADER_LEN, BI_HEADER_SIZE, seL4_PageBits, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP,
} from "../../libs/abi/sel4.gen";
import {
  TSOS_BOOTINFO_HEADER_BOOT_MODULES, BOOT_MODULES_COUNT, BOOT_MODULES_SIZE,
  BOOT_MODULE_CMDLINE, BOOT_MODULE_CMDLINE_LENGTH,
} from "../../libs/abi/tsos.gen";

import { initFromBootInfo } from "../../libs/user/bootinfo";
import { startPrograms } from "./programs";
import { findTestModule, runTestSuite } from "./sel4test-driver";

export { abort, wasmTrap } from "../../libs/user/runtime";

let argsAt: usize = 0;
let argsLength: u32 = 0;

function region(bi: usize, offset: usize, name: string): void {
  print(" ");
  print(name);
  print(" ");
  printDec(load<u32>(bi + offset));
  print("-");
  printDec(load<u32>(bi + offset, 4));
}

/** The n-th space-separated word of the root task's command line equals `s`. */
function hasArg(s: string): bool {
  let i: u32 = 0;
  while (i < argsLength) {
    while (i < argsLength && load<u8>(argsAt + i) == 0x20) i++;
    let k = 0;
    while (i + <u32>k < argsLength && load<u8>(argsAt + i + k) != 0x20) k++;
    if (k == s.length) {
      let same = true;
      for (let j = 0; j < k; j++) same = same && <u32>load<u8>(argsAt + i + j) == <u32>s.charCodeAt(j);
      if (same) return true;
    }
    i += <u32>k;
  }
  return false;
}

/** The modules named by grant=<index> words (bit i for module i, below 64). */
function grantedModules(): u64 {
  const key = "grant=";
  let mask: u64 = 0;
  let i: u32 = 0;
  while (i < argsLength) {
    while (i < argsLength && load<u8>(argsAt + i) == 0x20) i++;
    let k: u32 = 0;
    while (i + k < argsLength && load<u8>(argsAt + i + k) != 0x20) k++;
    let prefix = k > <u32>key.length;
    for (let j = 0; j < key.length && prefix; j++) prefix = <u32>load<u8>(argsAt + i + j) == <u32>key.charCodeAt(j);
    if (prefix) {
      let v: u32 = 0;
      let digits = true;
      for (let j = <u32>key.length; j < k && digits; j++) {
        const c = <u32>load<u8>(argsAt + i + j);
        digits = c >= 0x30 && c <= 0x39;
        v = v * 10 + c - 0x30;
      }
      if (digits && v < 64) mask |= <u64>1 << v;
    }
    i += k;
  }
  return mask;
}

export function main(): u32 {
  const bi = <usize>startRegister();
  if (bi == 0) {
    printLine("root: no BootInfo in EBX");
    return 1;
  }
  initFromBootInfo(bi);
  nameThread("root");
  print("root: BootInfo at ");
  printHex(<u32>bi);
  print(", IPC buffer ");
  printHex(load<u32>(bi + BI_IPC_BUFFER));
  print(", CNode 2^");
  printDec(load<u32>(bi + BI_INIT_THREAD_CNODE_SIZE_BITS));
  printLine(" slots");
  print("root: slots");
  region(bi, BI_USER_IMAGE_PAGING, "paging");
  region(bi, BI_USER_IMAGE_FRAMES, "frames");
  region(bi, BI_EXTRA_BI_PAGES, "extra");
  region(bi, BI_UNTYPED, "untyped");
  region(bi, BI_EMPTY, "empty");
  printLine("");
  const first = load<u32>(bi + BI_UNTYPED);
  const n = load<u32>(bi + BI_UNTYPED + 4) - first;
  let ram: u64 = 0;
  let device: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const d = bi + BI_UNTYPED_LIST + <usize>i * UNTYPED_DESC_SIZE;
    const bytes = <u64>1 << <u64>load<u8>(d + UNTYPED_DESC_SIZE_BITS);
    if (load<u8>(d + UNTYPED_DESC_IS_DEVICE) != 0) device += bytes;
    else ram += bytes;
  }
  print("root: untyped RAM ");
  printDec(<u32>(ram >> 10));
  print(" KiB, device ");
  printDec(<u32>(device >> 20));
  printLine(" MiB");
  // Extra BootInfo: chunks from the page after BootInfo.
  const extra = bi + (<usize>1 << seL4_PageBits);
  const extraLength = load<u32>(bi + BI_EXTRA_LEN);
  let at: u32 = 0;
  while (at + <u32>BI_HEADER_SIZE <= extraLength) {
    const chunk = extra + at;
    const id = load<u32>(chunk + BI_HEADER_ID);
    const len = load<u32>(chunk + BI_HEADER_LEN);
    if (len < <u32>BI_HEADER_SIZE) {
      printLine("root: malformed extra BootInfo chunk");
      break;
    }
    if (id == SEL4_BOOTINFO_HEADER_X86_TSC_FREQ) {
      print("root: TSC frequency chunk, ");
      printDec(load<u32>(chunk + BI_HEADER_SIZE));
      printLine(" MHz");
    } else if (id == SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP) {
      printLine("root: ACPI RSDP chunk");
    } else if (id == TSOS_BOOTINFO_HEADER_BOOT_MODULES) {
      const count = load<u32>(chunk + BOOT_MODULES_COUNT);
      print("root: boot-module table, ");
      printDec(count);
      printLine(" modules");
      if (count > 0) {
        const e = chunk + BOOT_MODULES_SIZE;
        argsAt = chunk + load<u32>(e + BOOT_MODULE_CMDLINE);
        argsLength = load<u32>(e + BOOT_MODULE_CMDLINE_LENGTH);
      }
    }
    at += len;
  }
  print("root: hello from user mode, arguments \"");
  for (let i: u32 = 0; i < argsLength; i++) putChar(load<u8>(argsAt + i));
  printLine("\"");
  // A boot with the in-OS test suite runs it and powers off with its verdict.
  if (findTestModule(bi) != 0) runTestSuite(bi);
  startPrograms(bi, grantedModules());
  if (hasArg("threads")) dumpScheduler();
  if (hasArg("halt")) {
    printLine("root: asking the kernel to halt");
    halt();
    printLine("root: still running after DebugHalt");
  }
  return 0;
}
