// kernel/boot/root-task.ts: the root task, built as seL4 builds it.
//
// Owns: turning boot module 0 (an ELF32 image, checked by libs/elf/elf.ts
// before anything is mapped) into the first thread, holding every
// capability the kernel hands out:
//  - its CNode: 2^13 slots, guard 19 bits of 0, so a CPtr is a slot number;
//  - the initial capabilities at seL4's slots (seL4_CapInitThreadTCB 1 ..
//    seL4_CapDomain 11; slot 8, the IOSpace, stays empty: no IOMMU);
//  - its address space: a page directory with ASID 1 from the initial
//    ASID pool, the image copied into fresh frames, the IPC buffer on the
//    page after the image, BootInfo on the next, extra BootInfo from the
//    page after that; the page tables and frames as capabilities
//    (userImagePaging, userImageFrames, extraBIPages);
//  - all remaining memory as untyped capabilities (kernel/boot/untypeds.ts);
//  - a TCB at priority and MCP 255 that starts at the ELF entry with EBX =
//    the BootInfo address, ESP 0 and EFLAGS 0x202, first entered by iret.
// The boot allocator makes these objects and nothing else: after this the
// kernel allocates nothing.
// Must not: schedule (it only makes the thread runnable), or build any
// thread other than the root task.
//
// see: seL4 src/kernel/boot.c (create_root_cnode, create_it_asid_pool,
// create_initial_thread, create_untypeds, populate_bi_frame) and
// src/arch/x86/kernel/vspace.c (create_it_address_space), facts only.

import {
  CTX_EIP, CTX_ESP, CTX_EBX, CTX_EFLAGS, CTX_CS, CTX_SS, CTX_VECTOR, TCB_ID, TCB_IPC_BUFFER,
  TCB_CTABLE, TCB_VTABLE, TCB_BUFFER, setTcbPriority, setTcbMcp, tcbOfObject, tcbSlot, allocThreadId,
} from "../object/tcb";
import { setName, firstWordLength, putThreadName } from "../object/tcb-name";
import {
  threadCap, cnodeCap, pageDirectoryCap, pageTableCap, frameCap, asidPoolCap, tagOnlyCap, untypedCap,
  setFrameMapping, setTableMapping, CAP_IRQ_CONTROL_CAP, CAP_ASID_CONTROL_CAP, CAP_IO_PORT_CONTROL_CAP,
  CAP_DOMAIN_CAP, VM_READ_WRITE, VM_READ_ONLY, CTE_SIZE_BITS, capWords,
} from "../cspace/cte";
import { cteInsertRoot, cteInsert } from "../cspace/cdt";
import { SEL_USER_CS, SEL_USER_DS } from "../arch/x86/gdt";
import { kernelPageDirectory, window } from "../arch/x86/kernel-window";
import { pdInit, mapPage, mapPageTable, PAGE_USER, PAGE_WRITE, VSpaceError } from "../arch/x86/vspace";
import { allocZeroedPage } from "../arch/x86/pages";
import { asidTableSetPool, asidPoolSet, IT_ASID } from "../arch/x86/asid";
import { UNTYPED_FREE_INDEX_BITS } from "../object/untyped";
import { physAllocAligned } from "./physmem";
import { elfCheck, ElfError, elfErrorName, elfEntry, elfSegmentCount, elfSegmentPageBase, elfSegmentPageCount,
  elfSegmentVaddr, elfSegmentFileSize, elfSegmentFileOffset, elfSegmentWritable } from "../../libs/elf/elf";
import { moduleCount, moduleStart, moduleEnd, moduleStringAddr, moduleStringLength } from "./multiboot2";
import { untypedsBuild, untypedCount, untypedPaddr, untypedBits, untypedDevice, untypedLeftOut, untypedRamBytes, untypedDeviceBytes } from "./untypeds";
import {
  bootInfoInit, bootInfoSetRegion, bootInfoRegionSize, bootInfoSetUntyped, bootInfoSetExtraLength, BiRegion, extraTsc, extraRsdp, findRsdp,
  extraHeader, EXTRA_TSC_SIZE, EXTRA_RSDP_SIZE,
} from "./bootinfo";
import { tscMeasureMHz } from "../arch/x86/tsc";
import { puts, putNewline, putBytes, putLine } from "../console";
import { putDec32, putHex, putSize } from "../lib/format";
import { threadStart } from "../sched/scheduler";
import { setupReplyMaster } from "../object/reply";
import { PAGE_SIZE, LARGE_PAGE_BITS, EFLAGS_IF, EFLAGS_RESERVED1, KERNEL_WINDOW_SIZE } from "../arch/x86/machine.gen";
import { USER_TOP } from "../../libs/abi/layout.gen";
import {
  CONFIG_ROOT_CNODE_SIZE_BITS, seL4_RootTaskPriority, seL4_NumInitialCaps, seL4_CapInitThreadTCB, seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace, seL4_CapIRQControl, seL4_CapASIDControl, seL4_CapInitThreadASIDPool, seL4_CapIOPortControl,
  seL4_CapBootInfoFrame, seL4_CapInitThreadIPCBuffer, seL4_CapDomain, seL4_WordBits, seL4_PageBits, BI_HEADER_SIZE,
} from "../../libs/abi/sel4.gen";
import {
  TSOS_BOOTINFO_HEADER_BOOT_MODULES, BOOT_MODULES_COUNT, BOOT_MODULES_SIZE, BOOT_MODULE_FRAMES_START, BOOT_MODULE_FRAMES_END,
  BOOT_MODULE_BYTES, BOOT_MODULE_SIZE, BOOT_MODULE_PADDR, BOOT_MODULE_CMDLINE, BOOT_MODULE_CMDLINE_LENGTH,
} from "../../libs/abi/tsos.gen";

/** The root task's ASID: seL4's IT_ASID, the first of the initial pool (ASID 0 is never used). */
// @ts-ignore: decorator
@inline const ROOT_TASK_ASID: u32 = IT_ASID;
// @ts-ignore: decorator
@inline const ROOT_CNODE_SLOTS: u32 = 1 << CONFIG_ROOT_CNODE_SIZE_BITS;
// @ts-ignore: decorator
@inline const EFLAGS_USER: u32 = EFLAGS_IF | EFLAGS_RESERVED1;

let cnode: usize = 0;      // the root CNode, kernel virtual address
let nextSlot: u32 = 0;     // the first empty slot
let pd: u32 = 0;           // the page directory, physical
let failed = false;

function fail(what: string): bool {
  if (!failed) {
    puts("boot: no root task: ");
    puts(what);
    putNewline();
  }
  failed = true;
  return false;
}

// @ts-ignore: decorator
@inline function slot(i: u32): usize {
  return cnode + (<usize>i << CTE_SIZE_BITS);
}

/** Puts `cap` in the next empty slot as a root of the derivation tree; returns the slot number. */
function provide(cap: u64): u32 {
  const i = nextSlot;
  cteInsertRoot(cap, slot(i), true);
  nextSlot++;
  return i;
}

/** A zeroed page from the boot allocator, or 0 after reporting the failure. */
function page(): u32 {
  const p = allocZeroedPage();
  if (p == 0) fail("out of memory");
  return p;
}

/** Maps `frame` at `vaddr` (its page table is already there) and gives it a mapped frame capability; returns the slot. */
function provideFrame(frame: u32, vaddr: u32, rights: u32): u32 {
  if (mapPage(pd, vaddr, frame, rights, false) != VSpaceError.Ok) {
    fail("a mapping failed");
    return 0;
  }
  const i = provide(frameCap(frame, false, false, VM_READ_WRITE));
  setFrameMapping(slot(i), ROOT_TASK_ASID, vaddr);
  return i;
}

/** Page tables for every 4 MiB region of [start, end) that the image's pages or the boot pages [bootFirst, end) touch. */
function providePageTables(start: u32, bootFirst: u32, end: u32): void {
  const n = elfSegmentCount();
  for (let region = start >>> LARGE_PAGE_BITS; region <= (end - 1) >>> LARGE_PAGE_BITS; region++) {
    const base = region << LARGE_PAGE_BITS;
    const top = base + (<u32>1 << LARGE_PAGE_BITS) - 1; // last byte: the top region may end at 2^32
    let used = false;
    for (let i = 0; i < n && !used; i++) {
      const first = elfSegmentPageBase(i);
      const last = first + elfSegmentPageCount(i) * PAGE_SIZE - 1;
      used = first <= top && last >= base;
    }
    used = used || (bootFirst <= top && end - 1 >= base);
    if (!used) continue;
    const pt = page();
    if (pt == 0) return;
    if (mapPageTable(pd, base, pt, 0) != VSpaceError.Ok) {
      fail("a page table mapping failed");
      return;
    }
    const i = provide(pageTableCap(pt));
    setTableMapping(slot(i), true, ROOT_TASK_ASID, base);
  }
}

/** The image's pages, copied from the module into fresh frames, in address order. */
function provideImageFrames(image: usize): void {
  const n = elfSegmentCount();
  for (let s = 0; s < n && !failed; s++) {
    const vaddr = elfSegmentVaddr(s);
    const fileSize = elfSegmentFileSize(s);
    const fileOffset = elfSegmentFileOffset(s);
    const rights = PAGE_USER | (elfSegmentWritable(s) ? PAGE_WRITE : 0);
    const first = elfSegmentPageBase(s);
    const pages = elfSegmentPageCount(s);
    for (let p: u32 = 0; p < pages && !failed; p++) {
      const at = first + p * PAGE_SIZE;
      const frame = page();
      if (frame == 0) return;
      // The file bytes in this page: [max(at, vaddr), min(at + 4K, vaddr + fileSize)).
      const from = at > vaddr ? at : vaddr;
      const fileEnd = vaddr + fileSize;
      const to = at + PAGE_SIZE < fileEnd ? at + PAGE_SIZE : fileEnd;
      if (to > from) memory.copy(window(frame) + <usize>(from - at), image + <usize>(fileOffset + (from - vaddr)), to - from);
      provideFrame(frame, at, rights);
    }
  }
}

/** Bytes of the boot-module table chunk. */
function bootModulesChunkSize(): u32 {
  const n = moduleCount();
  let bytes = <u32>BOOT_MODULES_SIZE + <u32>n * <u32>BOOT_MODULE_SIZE;
  for (let i = 0; i < n; i++) bytes += moduleStringLength(i);
  return bytes;
}

/**
 * Gives the root task every boot module as read-only frame capabilities
 * (not mapped) and writes the boot-module table chunk at `at`; returns its
 * length. A module that does not start on a page boundary gets no frames
 * (its first page would share memory with something else).
 */
function provideBootModules(at: usize): u32 {
  const n = moduleCount();
  const length = bootModulesChunkSize();
  extraHeader(at, TSOS_BOOTINFO_HEADER_BOOT_MODULES, length);
  store<u32>(at + BOOT_MODULES_COUNT, <u32>n);
  let strings = <u32>BOOT_MODULES_SIZE + <u32>n * <u32>BOOT_MODULE_SIZE;
  for (let i = 0; i < n; i++) {
    const e = at + BOOT_MODULES_SIZE + <usize>i * BOOT_MODULE_SIZE;
    const start = moduleStart(i);
    const end = moduleEnd(i);
    const first = nextSlot;
    if ((start & (PAGE_SIZE - 1)) == 0) {
      for (let p = start; p < end && nextSlot < ROOT_CNODE_SLOTS; p += PAGE_SIZE) provide(frameCap(p, false, false, VM_READ_ONLY));
    } else {
      puts("boot: module ");
      putDec32(<u32>i);
      putLine(" is not page aligned: no frame capabilities for it");
    }
    store<u32>(e + BOOT_MODULE_FRAMES_START, first);
    store<u32>(e + BOOT_MODULE_FRAMES_END, nextSlot);
    store<u32>(e + BOOT_MODULE_BYTES, end - start);
    store<u32>(e + BOOT_MODULE_PADDR, start);
    const sl = moduleStringLength(i);
    store<u32>(e + BOOT_MODULE_CMDLINE, strings);
    store<u32>(e + BOOT_MODULE_CMDLINE_LENGTH, sl);
    memory.copy(at + strings, moduleStringAddr(i), sl);
    strings += sl;
  }
  return length;
}

/**
 * Builds the root task from boot module 0 and makes it runnable. Returns
 * false, after saying why, if there is no module 0 or it cannot be built.
 */
export function createRootTask(): bool {
  if (moduleCount() == 0) return fail("there is no boot module");
  const start = moduleStart(0);
  const size = moduleEnd(0) - start;
  if (start + size > KERNEL_WINDOW_SIZE) return fail("module 0 lies outside the kernel window");
  const image = window(start);
  const err = elfCheck(image, size);
  if (err != ElfError.Ok) {
    puts("boot: module 0 is not a valid program: ");
    puts(elfErrorName(err));
    putNewline();
    return fail("module 0 is not a valid program");
  }
  // The image's extent, then the IPC buffer, BootInfo and extra BootInfo pages after it.
  let imageStart: u32 = 0xFFFFFFFF;
  let imageEnd: u32 = 0;
  for (let i = 0; i < elfSegmentCount(); i++) {
    const first = elfSegmentPageBase(i);
    const end = first + elfSegmentPageCount(i) * PAGE_SIZE;
    if (first < imageStart) imageStart = first;
    if (end > imageEnd) imageEnd = end;
  }
  const ipcVaddr = imageEnd;
  const biVaddr = ipcVaddr + PAGE_SIZE;
  const extraVaddr = biVaddr + PAGE_SIZE;
  const extraBytes = EXTRA_TSC_SIZE + EXTRA_RSDP_SIZE + bootModulesChunkSize();
  let extraBits: u32 = seL4_PageBits;
  while ((<u32>1 << extraBits) < extraBytes) extraBits++;
  const extraPages: u32 = <u32>1 << (extraBits - seL4_PageBits);
  const bootEnd = extraVaddr + extraPages * PAGE_SIZE;
  if (imageEnd == 0 || bootEnd > USER_TOP || bootEnd < imageEnd) return fail("the image leaves no room below seL4_UserTop for its IPC buffer and BootInfo");

  // The CNode first: the largest and most aligned object.
  const cnodeBits = CONFIG_ROOT_CNODE_SIZE_BITS + CTE_SIZE_BITS;
  const cnodePhys = <u32>physAllocAligned(cnodeBits);
  if (cnodePhys == 0) return fail("out of memory for the root CNode");
  cnode = window(cnodePhys);
  memory.fill(cnode, 0, <usize>1 << cnodeBits);
  nextSlot = seL4_NumInitialCaps;
  failed = false;

  pd = page();
  const tcbPage = page();
  const poolPage = page();
  const biFrame = page();
  const ipcFrame = page();
  if (failed) return false;
  pdInit(pd, kernelPageDirectory());

  // Initial capabilities at seL4's slots.
  cteInsertRoot(cnodeCap(cnodePhys, CONFIG_ROOT_CNODE_SIZE_BITS, seL4_WordBits - CONFIG_ROOT_CNODE_SIZE_BITS, 0), slot(seL4_CapInitThreadCNode), true);
  cteInsertRoot(pageDirectoryCap(pd), slot(seL4_CapInitThreadVSpace), true);
  setTableMapping(slot(seL4_CapInitThreadVSpace), true, ROOT_TASK_ASID, 0);
  cteInsertRoot(threadCap(tcbPage), slot(seL4_CapInitThreadTCB), true);
  cteInsertRoot(tagOnlyCap(CAP_IRQ_CONTROL_CAP), slot(seL4_CapIRQControl), true);
  cteInsertRoot(tagOnlyCap(CAP_ASID_CONTROL_CAP), slot(seL4_CapASIDControl), true);
  cteInsertRoot(asidPoolCap(poolPage, 0), slot(seL4_CapInitThreadASIDPool), true);
  cteInsertRoot(tagOnlyCap(CAP_IO_PORT_CONTROL_CAP), slot(seL4_CapIOPortControl), true);
  cteInsertRoot(tagOnlyCap(CAP_DOMAIN_CAP), slot(seL4_CapDomain), true);
  asidTableSetPool(0, poolPage); // the initial pool: ASIDs 0..1023
  asidPoolSet(poolPage, ROOT_TASK_ASID, pd);

  // The address space: page tables, the image, the IPC buffer, BootInfo, extra BootInfo.
  const bi = window(biFrame);
  bootInfoInit(bi, ipcVaddr);
  const pagingStart = nextSlot;
  providePageTables(imageStart, ipcVaddr, bootEnd);
  bootInfoSetRegion(bi, BiRegion.UserImagePaging, pagingStart, nextSlot);
  const framesStart = nextSlot;
  provideImageFrames(image);
  bootInfoSetRegion(bi, BiRegion.UserImageFrames, framesStart, nextSlot);
  if (failed) return false;
  if (mapPage(pd, ipcVaddr, ipcFrame, PAGE_USER | PAGE_WRITE, false) != VSpaceError.Ok) return fail("cannot map the IPC buffer");
  cteInsertRoot(frameCap(ipcFrame, false, false, VM_READ_WRITE), slot(seL4_CapInitThreadIPCBuffer), true);
  setFrameMapping(slot(seL4_CapInitThreadIPCBuffer), ROOT_TASK_ASID, ipcVaddr);
  if (mapPage(pd, biVaddr, biFrame, PAGE_USER, false) != VSpaceError.Ok) return fail("cannot map BootInfo");
  cteInsertRoot(frameCap(biFrame, false, false, VM_READ_WRITE), slot(seL4_CapBootInfoFrame), true);
  setFrameMapping(slot(seL4_CapBootInfoFrame), ROOT_TASK_ASID, biVaddr);
  // Extra BootInfo: one physically contiguous block, so chunks may cross its pages.
  const extraPhys = <u32>physAllocAligned(extraBits);
  if (extraPhys == 0) return fail("out of memory for extra BootInfo");
  const extra = window(extraPhys);
  memory.fill(extra, 0, <usize>extraPages * PAGE_SIZE);
  const extraStart = nextSlot;
  for (let i: u32 = 0; i < extraPages; i++) provideFrame(extraPhys + i * PAGE_SIZE, extraVaddr + i * PAGE_SIZE, PAGE_USER);
  bootInfoSetRegion(bi, BiRegion.ExtraBiPages, extraStart, nextSlot);
  const mhz = tscMeasureMHz();
  let extraLength = extraTsc(extra, mhz);
  const rsdp = findRsdp();
  if (rsdp != 0) extraLength += extraRsdp(extra + extraLength, rsdp);
  extraLength += provideBootModules(extra + extraLength);
  bootInfoSetExtraLength(bi, extraLength);
  puts("boot: TSC ");
  putDec32(mhz);
  puts(" MHz, ACPI RSDP ");
  if (rsdp != 0) putHex(rsdp, 8);
  else puts("not found");
  putNewline();
  if (failed) return false;

  // The thread. Its slots hold copies of its CSpace root, VSpace root and IPC buffer capabilities.
  const t = tcbOfObject(window(tcbPage));
  cteInsert(cnodeCap(cnodePhys, CONFIG_ROOT_CNODE_SIZE_BITS, seL4_WordBits - CONFIG_ROOT_CNODE_SIZE_BITS, 0), slot(seL4_CapInitThreadCNode), tcbSlot(t, TCB_CTABLE));
  cteInsert(capWords(slot(seL4_CapInitThreadVSpace)), slot(seL4_CapInitThreadVSpace), tcbSlot(t, TCB_VTABLE));
  cteInsert(capWords(slot(seL4_CapInitThreadIPCBuffer)), slot(seL4_CapInitThreadIPCBuffer), tcbSlot(t, TCB_BUFFER));
  store<u32>(t, allocThreadId(), TCB_ID); // the first: thread 1
  const str = moduleStringAddr(0);
  const strLength = moduleStringLength(0);
  setName(t, str, firstWordLength(str, strLength));
  store<u32>(t, ipcVaddr, TCB_IPC_BUFFER);
  setTcbPriority(t, seL4_RootTaskPriority);
  setTcbMcp(t, seL4_RootTaskPriority);
  store<u32>(t, elfEntry(), CTX_EIP);
  store<u32>(t, 0, CTX_ESP);
  store<u32>(t, biVaddr, CTX_EBX);
  store<u32>(t, EFLAGS_USER, CTX_EFLAGS);
  store<u32>(t, SEL_USER_CS, CTX_CS);
  store<u32>(t, SEL_USER_DS, CTX_SS);
  store<u32>(t, 0, CTX_VECTOR); // leave by iret the first time

  rootThread = t;
  rootBi = bi;
  return true;
}

let rootThread: usize = 0;
let rootBi: usize = 0;

/**
 * Hands the root task everything the boot allocator has left, as untyped
 * capabilities, and makes it runnable. Call after the last boot allocation.
 */
export function finishRootTask(): void {
  if (failed || rootThread == 0) return;
  const t = rootThread;
  const bi = rootBi;
  untypedsBuild();
  const untypedStart = nextSlot;
  const n = untypedCount();
  for (let i: u32 = 0; i < n && nextSlot < ROOT_CNODE_SLOTS; i++) {
    bootInfoSetUntyped(bi, i, untypedPaddr(i), untypedBits(i), untypedDevice(i));
    // RAM untypeds start full: their first Retype clears them (kernel/object/untyped.ts keeps RAM above the watermark zero).
    const full: u32 = untypedDevice(i) ? 0 : (<u32>1 << untypedBits(i)) >>> UNTYPED_FREE_INDEX_BITS;
    provide(untypedCap(untypedPaddr(i), untypedBits(i), untypedDevice(i), full));
  }
  bootInfoSetRegion(bi, BiRegion.Untyped, untypedStart, nextSlot);
  bootInfoSetRegion(bi, BiRegion.Empty, nextSlot, ROOT_CNODE_SLOTS);

  puts("boot: root task ");
  putThreadName(t);
  puts(" from module 0, entry ");
  putHex(elfEntry(), 8);
  puts(", \"");
  putBytes(moduleStringAddr(0), moduleStringLength(0));
  putLine("\"");
  puts("boot: root task has ");
  putDec32(bootInfoRegionSize(bi, BiRegion.UserImagePaging));
  puts(" page tables, ");
  putDec32(bootInfoRegionSize(bi, BiRegion.UserImageFrames));
  puts(" image frames, ");
  putDec32(n);
  puts(" untypeds (");
  putSize(untypedRamBytes());
  puts(" RAM, ");
  putSize(untypedDeviceBytes());
  puts(" device), empty slots ");
  putDec32(nextSlot);
  puts("-");
  putDec32(ROOT_CNODE_SLOTS - 1);
  putNewline();
  if (untypedLeftOut() != 0) {
    puts("boot: untyped list full: ");
    putSize(untypedLeftOut());
    putLine(" of memory left out");
  }
  setupReplyMaster(t);
  threadStart(t);
}

