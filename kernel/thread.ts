// kernel/thread.ts: creating user threads from boot modules, and naming them.
//
// Owns: turning a boot module (an ELF32 image, checked by kernel/elf.ts
// before anything is mapped) into a thread in its own address space:
// segments, a stack, an IPC buffer and a BootInfo page, and a TCB whose
// saved context starts the program at its entry point in ring 3.
// Until capabilities and untyped memory exist, every boot module becomes a
// thread this way and memory comes from the boot page allocator
// (kernel/boot/physmem.ts); module 0 is the root task.
// Must not: schedule (kernel/sched/scheduler.ts) or map kernel memory.

import {
  CTX_EIP, CTX_ESP, CTX_EFLAGS, CTX_CS, CTX_SS, CTX_VECTOR, TCB_ID, TCB_NAME,
  TCB_NAME_CAPACITY, TCB_VSPACE_ROOT, TCB_IPC_BUFFER, TCB_IPC_BUFFER_PHYS, setTcbPriority, tcbState,
  tcbPriority, ThreadState, TCB_FAULT_VECTOR,
} from "./object/tcb";
import { SEL_USER_CS, SEL_USER_DS } from "./arch/x86/gdt";
import { KERNEL_VBASE, kernelPageDirectory } from "./arch/x86/kernel-window";
import { pdInit, mapPage, mapPageTable, VSpaceError, vspaceErrorName, PAGE_USER, PAGE_WRITE } from "./arch/x86/vspace";
import {
  elfCheck, ElfError, elfErrorName, elfEntry, elfSegmentCount, elfSegmentVaddr, elfSegmentMemSize,
  elfSegmentFileSize, elfSegmentFileOffset, elfSegmentWritable,
} from "./elf";
import { physAllocPage } from "./boot/physmem";
import { moduleStart, moduleEnd, moduleStringAddr, moduleStringLength } from "./boot/multiboot2";
import {
  USER_STACK_TOP, USER_STACK_PAGES, USER_IPC_BUFFER, USER_BOOTINFO, BOOTINFO_MAGIC, BOOTINFO_THREAD_ID,
  BOOTINFO_MODULE_INDEX, BOOTINFO_CMDLINE_LENGTH, BOOTINFO_CMDLINE, BOOTINFO_CMDLINE_MAX,
} from "../libs/abi/layout.gen";
import { THREAD_NAME_MAX } from "../libs/abi/tsos.gen";
import { puts, putc, putNewline, putBytes, putLineStart } from "./console";
import { putDec32, putHex } from "./lib/format";
import { threadStart } from "./sched/scheduler";

import { PAGE_SIZE, EFLAGS_IF, EFLAGS_RESERVED1, KERNEL_WINDOW_SIZE } from "./arch/x86/machine.gen";
// @ts-ignore: decorator
@inline const EFLAGS_USER: u32 = EFLAGS_IF | EFLAGS_RESERVED1;
// @ts-ignore: decorator
@inline export const DEFAULT_PRIORITY: i32 = 100;
// @ts-ignore: decorator
@inline const MAX_THREADS: i32 = 32;

const threads = memory.data(MAX_THREADS * 4);
let threadCount: i32 = 0;

// @ts-ignore: decorator
@inline function window(phys: u32): usize {
  return <usize>(phys + KERNEL_VBASE);
}

/** A zeroed page from the boot allocator, or 0 when memory is exhausted. */
export function allocZeroedPage(): u32 {
  const p = <u32>physAllocPage();
  if (p != 0) memory.fill(window(p), 0, PAGE_SIZE);
  return p;
}

/** Maps one fresh zeroed page at `vaddr`; returns its physical address or 0. */
export function mapFreshPage(pd: u32, vaddr: u32, rights: u32): u32 {
  const page = allocZeroedPage();
  if (page == 0) return 0;
  let err = mapPage(pd, vaddr, page, rights);
  if (err == VSpaceError.PageTableMissing) {
    const pt = allocZeroedPage();
    if (pt == 0) return 0;
    err = mapPageTable(pd, vaddr, pt);
    if (err == VSpaceError.Ok) err = mapPage(pd, vaddr, page, rights);
  }
  if (err != VSpaceError.Ok) {
    puts("boot: cannot map ");
    putHex(vaddr, 8);
    puts(": ");
    puts(vspaceErrorName(err));
    putNewline();
    return 0;
  }
  return page;
}

/** Loads the checked ELF's segments into `pd`, page by page. */
function loadSegments(pd: u32, image: usize): bool {
  const n = elfSegmentCount();
  for (let i = 0; i < n; i++) {
    const vaddr = elfSegmentVaddr(i);
    const memEnd = vaddr + elfSegmentMemSize(i);
    const fileSize = elfSegmentFileSize(i);
    const fileOffset = elfSegmentFileOffset(i);
    const rights = PAGE_USER | (elfSegmentWritable(i) ? PAGE_WRITE : 0);
    for (let page = vaddr & ~(PAGE_SIZE - 1); page < memEnd; page += PAGE_SIZE) {
      const phys = mapFreshPage(pd, page, rights);
      if (phys == 0) return false;
      // The file bytes that land in this page: [max(page, vaddr), min(page + 4K, vaddr + fileSize)).
      const from = page > vaddr ? page : vaddr;
      const fileEnd = vaddr + fileSize;
      const to = page + PAGE_SIZE < fileEnd ? page + PAGE_SIZE : fileEnd;
      if (to > from) memory.copy(window(phys) + <usize>(from - page), image + <usize>(fileOffset + (from - vaddr)), to - from);
    }
  }
  return true;
}

function firstWordLength(addr: usize, length: u32): u32 {
  let n: u32 = 0;
  while (n < length && load<u8>(addr + n) != 0x20) n++;
  return n;
}

function setName(t: usize, addr: usize, length: u32): void {
  const n = length < <u32>TCB_NAME_CAPACITY - 1 ? length : <u32>TCB_NAME_CAPACITY - 1;
  memory.copy(t + TCB_NAME, addr, n);
  store<u8>(t + TCB_NAME + n, 0);
}

/** Prints `id "name"` for reports. */
export function putThreadName(t: usize): void {
  putDec32(load<u32>(t, TCB_ID));
  puts(" \"");
  let p = t + TCB_NAME;
  while (load<u8>(p) != 0) putc(load<u8>(p++));
  putc(0x22);
}

/** DebugNameThread: the caller's IPC buffer holds a NUL-terminated name. */
export function threadNameFromIpcBuffer(t: usize): bool {
  const buffer = window(load<u32>(t, TCB_IPC_BUFFER_PHYS));
  let n: u32 = 0;
  while (n < THREAD_NAME_MAX && load<u8>(buffer + n) != 0) n++;
  if (n == 0) return false;
  setName(t, buffer, n);
  return true;
}

function stateName(s: ThreadState): string {
  switch (s) {
    case ThreadState.Running: return "runnable";
    case ThreadState.Blocked: return "blocked";
    case ThreadState.Faulted: return "faulted";
    case ThreadState.Exited: return "exited";
    default: return "inactive";
  }
}

/** DebugDumpScheduler: one line per thread. */
export function dumpThreads(): void {
  putLineStart();
  for (let i = 0; i < threadCount; i++) {
    const t = load<usize>(threads + <usize>i * 4);
    puts("  thread ");
    putThreadName(t);
    puts(" priority ");
    putDec32(<u32>tcbPriority(t));
    puts(" ");
    puts(stateName(tcbState(t)));
    if (tcbState(t) == ThreadState.Faulted) {
      puts(" (vector ");
      putDec32(load<u32>(t, TCB_FAULT_VECTOR));
      puts(")");
    }
    putNewline();
  }
}

function reportModule(index: i32, what: string): void {
  puts("boot: module ");
  putDec32(<u32>index);
  puts(" not started: ");
  puts(what);
  putNewline();
}

/**
 * Starts boot module `index` as a user thread at `priority`. Returns false
 * (after saying why) if the module is not a valid program or memory ran out.
 */
export function startModuleThread(index: i32, priority: i32): bool {
  if (threadCount == MAX_THREADS) {
    reportModule(index, "too many threads");
    return false;
  }
  const start = moduleStart(index);
  const size = moduleEnd(index) - start;
  if (start + size > KERNEL_WINDOW_SIZE) {
    reportModule(index, "it lies outside the kernel window");
    return false;
  }
  const image = window(start);
  const err = elfCheck(image, size);
  if (err != ElfError.Ok) {
    puts("boot: module ");
    putDec32(<u32>index);
    puts(" is not a valid program: ");
    puts(elfErrorName(err));
    putNewline();
    return false;
  }
  const pd = allocZeroedPage();
  const tcbPage = allocZeroedPage();
  if (pd == 0 || tcbPage == 0) {
    reportModule(index, "out of memory");
    return false;
  }
  pdInit(pd, kernelPageDirectory());
  if (!loadSegments(pd, image)) {
    reportModule(index, "out of memory or a mapping failed");
    return false;
  }
  for (let i: u32 = 1; i <= USER_STACK_PAGES; i++) {
    if (mapFreshPage(pd, USER_STACK_TOP - i * PAGE_SIZE, PAGE_USER | PAGE_WRITE) == 0) {
      reportModule(index, "out of memory for the stack");
      return false;
    }
  }
  const ipcBuffer = mapFreshPage(pd, USER_IPC_BUFFER, PAGE_USER | PAGE_WRITE);
  const bootInfo = mapFreshPage(pd, USER_BOOTINFO, PAGE_USER);
  if (ipcBuffer == 0 || bootInfo == 0) {
    reportModule(index, "out of memory for the IPC buffer or BootInfo");
    return false;
  }

  const t = window(tcbPage);
  const id = <u32>threadCount + 1;
  store<u32>(t, id, TCB_ID);
  const str = moduleStringAddr(index);
  const strLength = moduleStringLength(index);
  setName(t, str, firstWordLength(str, strLength));
  store<u32>(t, pd, TCB_VSPACE_ROOT);
  store<u32>(t, USER_IPC_BUFFER, TCB_IPC_BUFFER);
  store<u32>(t, ipcBuffer, TCB_IPC_BUFFER_PHYS);
  setTcbPriority(t, priority);
  store<u32>(t, elfEntry(), CTX_EIP);
  store<u32>(t, USER_STACK_TOP, CTX_ESP);
  store<u32>(t, EFLAGS_USER, CTX_EFLAGS);
  store<u32>(t, SEL_USER_CS, CTX_CS);
  store<u32>(t, SEL_USER_DS, CTX_SS);
  store<u32>(t, 0, CTX_VECTOR); // leave by iret the first time

  const bi = window(bootInfo);
  store<u32>(bi, BOOTINFO_MAGIC);
  store<u32>(bi, id, BOOTINFO_THREAD_ID);
  store<u32>(bi, <u32>index, BOOTINFO_MODULE_INDEX);
  const n = strLength < BOOTINFO_CMDLINE_MAX ? strLength : BOOTINFO_CMDLINE_MAX;
  store<u32>(bi, n, BOOTINFO_CMDLINE_LENGTH);
  memory.copy(bi + BOOTINFO_CMDLINE, str, n);

  store<usize>(threads + <usize>threadCount * 4, t);
  threadCount++;
  puts("boot: thread ");
  putThreadName(t);
  puts(" from module ");
  putDec32(<u32>index);
  puts(", entry ");
  putHex(elfEntry(), 8);
  puts(", \"");
  putBytes(str, strLength);
  puts("\"");
  putNewline();
  threadStart(t);
  return true;
}

