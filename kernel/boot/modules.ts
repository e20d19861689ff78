// kernel/boot/modules.ts: boot modules become user threads.
//
// Owns: turning each boot module (an ELF32 image, checked by kernel/elf.ts
// before anything is mapped) into a thread in its own address space:
// its segments (kernel/boot/elf-loader.ts), a stack, an IPC buffer and a
// BootInfo page, and a TCB whose saved context starts the program at its
// entry point in ring 3. Also the table of the threads started so far,
// which the thread dump (kernel/debug/dump.ts) walks.
// Until capabilities and untyped memory exist, every boot module becomes a
// thread this way and memory comes from the boot page allocator
// (kernel/boot/physmem.ts); module 0 is the root task. The file is named
// for its input, not "thread": threads will later also be retyped from
// untyped memory by the root task, which is not this file's business.
// Must not: schedule (kernel/sched/scheduler.ts), map kernel memory, or
// start a thread from anything but a boot module.

import {
  CTX_EIP, CTX_ESP, CTX_EFLAGS, CTX_CS, CTX_SS, CTX_VECTOR, TCB_ID, TCB_VSPACE_ROOT, TCB_IPC_BUFFER,
  TCB_BUFFER, setTcbPriority, tcbOfObject, tcbSlot, allocThreadId,
} from "../object/tcb";
import { frameCap, VM_READ_WRITE } from "../cspace/cte";
import { cteInsertRoot } from "../cspace/cdt";
import { setName, firstWordLength, putThreadName } from "../object/tcb-name";
import { SEL_USER_CS, SEL_USER_DS } from "../arch/x86/gdt";
import { kernelPageDirectory, window } from "../arch/x86/kernel-window";
import { pdInit, PAGE_USER, PAGE_WRITE } from "../arch/x86/vspace";
import { allocZeroedPage, mapFreshPage } from "../arch/x86/pages";
import { elfCheck, ElfError, elfErrorName, elfEntry } from "../elf";
import { loadSegments } from "./elf-loader";
import { moduleStart, moduleEnd, moduleStringAddr, moduleStringLength } from "./multiboot2";
import {
  USER_STACK_TOP, USER_STACK_PAGES, USER_IPC_BUFFER, USER_BOOTINFO, BOOTINFO_MAGIC, BOOTINFO_THREAD_ID,
  BOOTINFO_MODULE_INDEX, BOOTINFO_CMDLINE_LENGTH, BOOTINFO_CMDLINE, BOOTINFO_CMDLINE_MAX,
} from "../../libs/abi/layout.gen";
import { puts, putNewline, putBytes } from "../console";
import { putDec32, putHex } from "../lib/format";
import { threadStart } from "../sched/scheduler";

import { PAGE_SIZE, EFLAGS_IF, EFLAGS_RESERVED1, KERNEL_WINDOW_SIZE } from "../arch/x86/machine.gen";
// @ts-ignore: decorator
@inline const EFLAGS_USER: u32 = EFLAGS_IF | EFLAGS_RESERVED1;
// @ts-ignore: decorator
@inline export const DEFAULT_PRIORITY: i32 = 100;
// @ts-ignore: decorator
@inline const MAX_THREADS: i32 = 32;

const threads = memory.data(MAX_THREADS * 4);
let threadCount: i32 = 0;

/** Records a thread the kernel started at boot (the root task too), for the thread dump. */
export function recordBootThread(t: usize): bool {
  if (threadCount == MAX_THREADS) return false;
  store<usize>(threads + <usize>threadCount * 4, t);
  threadCount++;
  return true;
}

/** How many threads have been started at boot. */
// @ts-ignore: decorator
@inline export function moduleThreadCount(): i32 {
  return threadCount;
}

/** The TCB of the `i`th thread started (0-based, below moduleThreadCount()). */
// @ts-ignore: decorator
@inline export function moduleThread(i: i32): usize {
  return load<usize>(threads + <usize>i * 4);
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

  const t = tcbOfObject(window(tcbPage)); // a TCB object's layout; its CSpace root stays empty
  const id = allocThreadId();
  recordBootThread(t);
  store<u32>(t, id, TCB_ID);
  const str = moduleStringAddr(index);
  const strLength = moduleStringLength(index);
  setName(t, str, firstWordLength(str, strLength));
  store<u32>(t, pd, TCB_VSPACE_ROOT);
  store<u32>(t, USER_IPC_BUFFER, TCB_IPC_BUFFER);
  cteInsertRoot(frameCap(ipcBuffer, false, false, VM_READ_WRITE), tcbSlot(t, TCB_BUFFER), false);
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

