// userland/bootcheck/main.ts: checks, as the root task, everything seL4's boot protocol promises.
//
// Owns: a root task (boot module 0) that reads seL4_BootInfo as a libsel4
// program would and checks it against the capabilities it really holds:
// the entry registers (EBX = BootInfo, on the page after the IPC buffer),
// every initial capability's type (DebugCapIdentify), the slot regions (in
// order, disjoint, each capability of its kind), the untyped list (aligned
// power-of-two blocks, sorted within RAM and device, no overlap, RAM inside
// the kernel window, device memory for the first MiB and for RAM beyond the
// window; device untypeds cover every page of the first MiB and the HPET,
// and no untyped covers the IOAPIC or local APIC page), that RAM beyond the
// window holds frames but refuses kernel objects, that IOPortControl
// issues every I/O port but the kernel's own (libs/abi/tsos.def.ts
// KERNEL_PORTS_*), the extra BootInfo chunks (TSC frequency; the ACPI RSDP
// chunk, a copy of the firmware's RSDP, which it finds in the BIOS area
// through device frames as a user driver would; the boot-module table with
// every module's frames and string), and that a boot-module frame is
// read-only: mapped with write rights asked for, it reads as the module,
// and a thread's write to it faults and changes nothing. Prints
// "bootcheck: ok <what>" or
// "bootcheck: FAIL <what>" per check and powers off reporting failure if
// any failed (DebugPowerOff), so test/system/root-task.test.ts sees it.
// Must not: change anything it checks before checking it (the checks that
// retype or map come after the ones that read the untyped list).

import { print, printLine, printDec, putChar, nameThread, startRegister, powerOff } from "../../libs/user/sys";
import {
  initFromBootInfo, bootInfoIpcBuffer, bootInfoCNodeSizeBits, bootInfoNodeId, bootInfoNumNodes, slotRegionStart,
  slotRegionEnd, bootInfoUntypedCount, bootInfoUntypedPaddr, bootInfoUntypedSizeBits, bootInfoUntypedIsDevice,
  bootInfoUntypedStart, bootInfoTscMhz, bootModuleCount, bootModuleFramesStart, bootModuleFramesEnd, bootModuleBytes,
  bootModuleCmdline, bootModuleCmdlineLength, findChunk, chunkLength, bootInfoExtraLen,
} from "../../libs/user/bootinfo";
import { seL4_DebugCapIdentify, seL4_DebugNameThread, seL4_Yield } from "../../libs/user/ipc";
import {
  seL4_Untyped_Retype, seL4_X86_Page_Map, seL4_X86_PageTable_Map, seL4_X86_Page_GetAddress, seL4_X86_Page_GetAddress_paddr,
  seL4_TCB_Configure, seL4_TCB_SetSchedParams, seL4_TCB_WriteRegisters, seL4_TCB_ReadRegisters,
  seL4_X86_PageDirectory_GetStatusBits, seL4_X86_PageDirectory_GetStatusBits_accessed, seL4_X86_PageDirectory_GetStatusBits_dirty,
  seL4_X86_IOPortControl_Issue, seL4_CNode_Delete,
} from "../../libs/user/invocations.gen";
import {
  BI_EMPTY, BI_USER_IMAGE_FRAMES, BI_USER_IMAGE_PAGING, BI_EXTRA_BI_PAGES, BI_UNTYPED, BI_SHARED_FRAMES, BI_IO_SPACE_CAPS,
  CAP_THREAD_CAP, CAP_CNODE_CAP, CAP_PAGE_DIRECTORY_CAP, CAP_IRQ_CONTROL_CAP, CAP_ASID_CONTROL_CAP, CAP_ASID_POOL_CAP,
  CAP_IO_PORT_CONTROL_CAP, CAP_NULL_CAP, CAP_FRAME_CAP, CAP_DOMAIN_CAP, CAP_PAGE_TABLE_CAP, CAP_UNTYPED_CAP,
  seL4_CapInitThreadTCB, seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_CapIRQControl, seL4_CapASIDControl,
  seL4_CapInitThreadASIDPool, seL4_CapIOPortControl, seL4_CapIOSpace, seL4_CapBootInfoFrame, seL4_CapInitThreadIPCBuffer,
  seL4_CapDomain, seL4_NumInitialCaps, CONFIG_ROOT_CNODE_SIZE_BITS, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, seL4_NoError,
  seL4_InvalidArgument, OBJ_TCB, OBJ_CAP_TABLE, OBJ_X86_PAGE_TABLE, OBJ_X86_4K, seL4_CapInitThreadCNode as ROOT_CNODE,
  seL4_PageBits, seL4_X86_Default_VMAttributes, CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT,
  SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP, BI_HEADER_SIZE, ACPI_RSDP_SIZE, ACPI_RSDP_LENGTH, ACPI_RSDP_REVISION,
  ACPI_RSDP_SIGNATURE, OBJ_UNTYPED, seL4_MaxUntypedBits, seL4_RootTaskPriority,
  USER_CONTEXT_EIP, USER_CONTEXT_EFLAGS, USER_CONTEXT_EBX, USER_CONTEXT_EDI, USER_CONTEXT_SIZE,
  seL4_RevokeFirst, seL4_WordBits,
} from "../../libs/abi/sel4.gen";
import {
  TSOS_BOOTINFO_HEADER_BOOT_MODULES, KERNEL_PORTS_PIC1_FIRST, KERNEL_PORTS_PIC1_LAST,
  KERNEL_PORTS_PIC2_FIRST, KERNEL_PORTS_PIC2_LAST, KERNEL_PORTS_DEBUG_EXIT,
} from "../../libs/abi/tsos.gen";
import {
  KERNEL_WINDOW_SIZE, LOW_MEMORY_END, BIOS_AREA_PHYS, HPET_PHYS, IOAPIC_PHYS, LAPIC_PHYS, EFLAGS_IF, EFLAGS_RESERVED1,
} from "../../kernel/arch/x86/machine.gen";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "threadEntry") declare function threadEntry(kind: i32): u32;

let failures: u32 = 0;

/** The decimal number after `key` in our command line (boot-module table entry 0), or 0. */
function argNumber(bi: usize, key: string): u32 {
  const s = bootModuleCmdline(bi, 0);
  const n = bootModuleCmdlineLength(bi, 0);
  for (let i: u32 = 0; i + <u32>key.length <= n; i++) {
    let match = true;
    for (let k = 0; k < key.length && match; k++) match = <u32>load<u8>(s + i + k) == <u32>key.charCodeAt(k);
    if (!match) continue;
    let v: u32 = 0;
    for (let j = i + <u32>key.length; j < n; j++) {
      const c = <u32>load<u8>(s + j);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + c - 0x30;
    }
    return v;
  }
  return 0;
}

function result(ok: bool, what: string): void {
  print(ok ? "bootcheck: ok " : "bootcheck: FAIL ");
  printLine(what);
  if (!ok) failures++;
}

/** An empty root slot for trial IOPort capabilities. */
let ioSlot: u32 = 0;

/** X86IOPortControl_Issue of first..last into ioSlot; the capability is deleted again if it was made. */
function issues(first: u32, last: u32): u32 {
  const err = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, ROOT_CNODE, ioSlot, seL4_WordBits);
  if (err == seL4_NoError) seL4_CNode_Delete(ROOT_CNODE, ioSlot, seL4_WordBits);
  return err;
}

function capIs(slot: u32, tag: u32, what: string): void {
  const got = seL4_DebugCapIdentify(slot);
  if (got != tag) {
    print("bootcheck: slot ");
    printDec(slot);
    print(" holds tag ");
    printDec(got);
    print(", expected ");
    printDec(tag);
    printLine("");
  }
  result(got == tag, what);
}

/** Every slot of region [start, end) holds a capability with `tag`. */
function regionIs(start: u32, end: u32, tag: u32, what: string): void {
  let ok = true;
  for (let s = start; s < end; s++) ok = ok && seL4_DebugCapIdentify(s) == tag;
  result(ok, what);
}

// ── Physical coverage ──────────────────────────────────────────────────

/** The index of the untyped that covers physical address `a`, or `n` (past the list's end) if none does. */
function untypedCovering(bi: usize, n: u32, a: u64): u32 {
  for (let i: u32 = 0; i < n; i++) {
    const base = <u64>bootInfoUntypedPaddr(bi, i);
    if (a >= base && a < base + (<u64>1 << <u64>bootInfoUntypedSizeBits(bi, i))) return i;
  }
  return n;
}

/** True if a device untyped covers physical address `a`. */
function deviceCovers(bi: usize, n: u32, a: u64): bool {
  const i = untypedCovering(bi, n, a);
  return i < n && bootInfoUntypedIsDevice(bi, i);
}

/** No untyped covers any byte of the page at `a`; its neighbours are device untyped. */
function pageLeftOut(bi: usize, n: u32, a: u64): bool {
  const page: u64 = <u64>1 << seL4_PageBits;
  return untypedCovering(bi, n, a) == n && untypedCovering(bi, n, a + page - 1) == n && deviceCovers(bi, n, a - page) && deviceCovers(bi, n, a + page);
}

// ── Scratch space for the checks that map ─────────────────────────────
// One page table's reach of our address space, used by nothing else: a
// boot-module frame at SCRATCH, the BIOS area's frames on the pages after it.

// @ts-ignore: decorator
@inline const SCRATCH: u32 = 0x31000000;
// @ts-ignore: decorator
@inline const SCRATCH_BIOS: u32 = SCRATCH + (<u32>1 << seL4_PageBits);
/** The helper loop of build/rt/user-rt.c that adds 1 to the word at EBX once, then suspends itself. */
// @ts-ignore: decorator
@inline const COUNT_ONCE: i32 = 1;

let nextSlot: u32 = 0;
function takeSlots(k: u32): u32 {
  const s = nextSlot;
  nextSlot += k;
  return s;
}

/** An ordinary untyped of at least 2^16 bytes (for a page table and a TCB), or 0. */
function ramUntyped(bi: usize, n: u32, ut0: u32): u32 {
  for (let i: u32 = 0; i < n; i++) if (!bootInfoUntypedIsDevice(bi, i) && bootInfoUntypedSizeBits(bi, i) >= 16) return ut0 + i;
  return 0;
}

/** A page table for the scratch space, made from `ram`. */
function scratchPageTable(ram: u32): bool {
  const pt = takeSlots(1);
  return ram != 0 && seL4_Untyped_Retype(ram, OBJ_X86_PAGE_TABLE, 0, ROOT_CNODE, 0, 0, pt, 1) == seL4_NoError &&
    seL4_X86_PageTable_Map(pt, seL4_CapInitThreadVSpace, SCRATCH, seL4_X86_Default_VMAttributes) == seL4_NoError;
}

// ── The ACPI RSDP ─────────────────────────────────────────────────────

/** True if the bytes at `p` are the characters of `s`. */
function bytesAre(p: usize, s: string): bool {
  for (let i = 0; i < s.length; i++) if (<u32>load<u8>(p + i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

/** The low byte of the sum of `k` bytes at `p`. */
function byteSum(p: usize, k: u32): u32 {
  let sum: u32 = 0;
  for (let i: u32 = 0; i < k; i++) sum += load<u8>(p + i);
  return sum & 0xff;
}

/** Bytes of the RSDP at `p` that the checksums cover: ACPI 1.0's, or all of ACPI 2.0's. */
function rsdpBytes(p: usize): u32 {
  return load<u8>(p + ACPI_RSDP_REVISION) >= 2 ? <u32>ACPI_RSDP_SIZE : <u32>ACPI_RSDP_LENGTH;
}

/** An RSDP at `p`: "RSD PTR ", and every checksum its revision has sums to 0. */
function isRsdp(p: usize): bool {
  return bytesAre(p + ACPI_RSDP_SIGNATURE, "RSD PTR ") && byteSum(p, ACPI_RSDP_LENGTH) == 0 && byteSum(p, rsdpBytes(p)) == 0;
}

/**
 * Maps the BIOS area (BIOS_AREA_PHYS up to LOW_MEMORY_END) read-only at
 * SCRATCH_BIOS, from the device untyped that covers it: Retype takes an
 * untyped from its start, so the part below the area goes into untyped
 * children first. Returns false if any step fails.
 */
function mapBiosArea(bi: usize, n: u32, ut0: u32): bool {
  const i = untypedCovering(bi, n, <u64>BIOS_AREA_PHYS);
  if (i == n || !bootInfoUntypedIsDevice(bi, i)) return false;
  const ut = ut0 + i;
  let cur = <u64>bootInfoUntypedPaddr(bi, i);
  if (cur + (<u64>1 << <u64>bootInfoUntypedSizeBits(bi, i)) < <u64>LOW_MEMORY_END) return false;
  const target = <u64>BIOS_AREA_PHYS;
  while (cur < target) {
    let bits = seL4_MaxUntypedBits;
    while (bits > seL4_PageBits && ((cur & ((<u64>1 << bits) - 1)) != 0 || cur + (<u64>1 << bits) > target)) bits--;
    if (seL4_Untyped_Retype(ut, OBJ_UNTYPED, bits, ROOT_CNODE, 0, 0, takeSlots(1), 1) != seL4_NoError) return false;
    cur += <u64>1 << bits;
  }
  const frames = (LOW_MEMORY_END - BIOS_AREA_PHYS) >> seL4_PageBits;
  const first = takeSlots(frames);
  if (seL4_Untyped_Retype(ut, OBJ_X86_4K, 0, ROOT_CNODE, 0, 0, first, frames) != seL4_NoError) return false;
  if (seL4_X86_Page_GetAddress(first) != seL4_NoError || seL4_X86_Page_GetAddress_paddr() != BIOS_AREA_PHYS) return false;
  const readOnly = <u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT;
  for (let f: u32 = 0; f < frames; f++) {
    if (seL4_X86_Page_Map(first + f, seL4_CapInitThreadVSpace, SCRATCH_BIOS + (f << seL4_PageBits), readOnly, seL4_X86_Default_VMAttributes) != seL4_NoError) return false;
  }
  return true;
}

/** The ACPI RSDP chunk: present, a whole acpi_rsdp_t long, an RSDP, and a copy of the one in the BIOS area. */
function checkRsdpChunk(bi: usize, n: u32, ut0: u32): void {
  const chunk = findChunk(bi, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP);
  result(chunk != 0 && chunkLength(chunk) == <u32>BI_HEADER_SIZE + <u32>ACPI_RSDP_SIZE, "an ACPI RSDP chunk, a whole acpi_rsdp_t long");
  if (chunk == 0) return;
  const copy = chunk + BI_HEADER_SIZE;
  result(isRsdp(copy), "the chunk holds an RSDP: signature \"RSD PTR \", checksums good");
  // The firmware's own, found as a user driver finds it: scanning the BIOS area on 16-byte boundaries.
  const mapped = mapBiosArea(bi, n, ut0);
  result(mapped, "the BIOS area maps read-only from the device untyped that covers it");
  if (!mapped) return;
  let found: usize = 0;
  for (let p: usize = SCRATCH_BIOS; p + ACPI_RSDP_SIZE <= SCRATCH_BIOS + (LOW_MEMORY_END - BIOS_AREA_PHYS) && found == 0; p += 16) if (isRsdp(p)) found = p;
  let same = found != 0;
  for (let i: u32 = 0; same && i < rsdpBytes(copy); i++) same = load<u8>(found + i) == load<u8>(copy + i);
  result(same, "the chunk is a copy of the RSDP in the BIOS area");
}

// ── Boot-module frames are read-only ─────────────────────────────────

/**
 * Maps module 0's first frame at SCRATCH asking for read and write: seL4
 * masks the rights by the capability's, so the mapping is made, read-only.
 * Reading it gives the module (an ELF header); a helper thread's write to
 * it faults (the kernel reports it and stops the thread), leaves the word
 * as it was and the page clean.
 */
function checkModuleFramesReadOnly(bi: usize, ram: u32): void {
  const f = bootModuleFramesStart(bi, 0);
  if (bootModuleFramesEnd(bi, 0) <= f) {
    result(false, "module 0 has frames to map");
    return;
  }
  const rw = (<u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);
  const mapped = seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, SCRATCH, rw, seL4_X86_Default_VMAttributes) == seL4_NoError;
  result(mapped, "a boot-module frame maps with write rights asked for (seL4 masks them by the capability's)");
  if (!mapped) return;
  const word: usize = SCRATCH;
  result(bytesAre(word, "\x7FELF"), "and reads as the module: its ELF header");
  const before = load<u32>(word);

  const t = takeSlots(1);
  const regs = memory.data(<i32>USER_CONTEXT_SIZE, 4);
  memory.fill(regs, 0, USER_CONTEXT_SIZE);
  store<u32>(regs + USER_CONTEXT_EIP, threadEntry(COUNT_ONCE));
  store<u32>(regs + USER_CONTEXT_EFLAGS, EFLAGS_IF | EFLAGS_RESERVED1);
  store<u32>(regs + USER_CONTEXT_EBX, <u32>word);
  store<u32>(regs + USER_CONTEXT_EDI, t);
  const started = ram != 0 &&
    seL4_Untyped_Retype(ram, OBJ_TCB, 0, ROOT_CNODE, 0, 0, t, 1) == seL4_NoError &&
    seL4_TCB_Configure(t, 0, ROOT_CNODE, 0, seL4_CapInitThreadVSpace, 0, 0, 0) == seL4_NoError &&
    seL4_TCB_SetSchedParams(t, seL4_CapInitThreadTCB, seL4_RootTaskPriority, seL4_RootTaskPriority) == seL4_NoError;
  if (started) seL4_DebugNameThread(t, "bootcheck-writer");
  const resumed = started && seL4_TCB_WriteRegisters(t, true, 0, <u32>USER_CONTEXT_SIZE >> 2, regs) == seL4_NoError;
  result(resumed, "a thread at our priority starts to write to the module frame");
  if (!resumed) return;
  for (let i = 0; i < 3; i++) seL4_Yield(); // it runs, faults and is stopped
  result(load<u32>(word) == before, "its write changed nothing: the mapping is read-only");
  memory.fill(regs, 0, USER_CONTEXT_SIZE);
  result(seL4_TCB_ReadRegisters(t, false, 0, 1, regs) == seL4_NoError && load<u32>(regs + USER_CONTEXT_EIP) == threadEntry(COUNT_ONCE), "the thread stopped at its write");
  result(seL4_X86_PageDirectory_GetStatusBits(seL4_CapInitThreadVSpace, SCRATCH) == seL4_NoError &&
    seL4_X86_PageDirectory_GetStatusBits_accessed() != 0 && seL4_X86_PageDirectory_GetStatusBits_dirty() == 0, "the page was read and is not dirty");
}

export function main(): u32 {
  const bi = <usize>startRegister();
  result(bi != 0 && (bi & 0xfff) == 0, "EBX holds a page-aligned BootInfo address");
  if (bi == 0) {
    powerOff(1);
    return 1;
  }
  initFromBootInfo(bi);
  nameThread("bootcheck");
  const page: usize = <usize>1 << seL4_PageBits;
  result(bootInfoIpcBuffer(bi) + page == bi, "the IPC buffer is on the page before BootInfo");
  result(bootInfoNodeId(bi) == 0 && bootInfoNumNodes(bi) == 1, "one node, node 0");
  result(bootInfoCNodeSizeBits(bi) == CONFIG_ROOT_CNODE_SIZE_BITS, "the root CNode has 2^13 slots");

  // The initial capabilities at seL4's slots.
  capIs(seL4_CapInitThreadTCB, CAP_THREAD_CAP, "slot 1: the root task's TCB");
  capIs(seL4_CapInitThreadCNode, CAP_CNODE_CAP, "slot 2: its CNode");
  capIs(seL4_CapInitThreadVSpace, CAP_PAGE_DIRECTORY_CAP, "slot 3: its page directory");
  capIs(seL4_CapIRQControl, CAP_IRQ_CONTROL_CAP, "slot 4: IRQControl");
  capIs(seL4_CapASIDControl, CAP_ASID_CONTROL_CAP, "slot 5: ASIDControl");
  capIs(seL4_CapInitThreadASIDPool, CAP_ASID_POOL_CAP, "slot 6: the initial ASID pool");
  capIs(seL4_CapIOPortControl, CAP_IO_PORT_CONTROL_CAP, "slot 7: IOPortControl");
  capIs(seL4_CapIOSpace, CAP_NULL_CAP, "slot 8: no IOSpace (no IOMMU)");
  capIs(seL4_CapBootInfoFrame, CAP_FRAME_CAP, "slot 9: the BootInfo frame");
  capIs(seL4_CapInitThreadIPCBuffer, CAP_FRAME_CAP, "slot 10: the IPC buffer frame");
  capIs(seL4_CapDomain, CAP_DOMAIN_CAP, "slot 11: the Domain capability");
  regionIs(12, seL4_NumInitialCaps, CAP_NULL_CAP, "slots 12-15 empty (no SMMU, MCS or SMC capabilities)");

  // The slot regions: in seL4's order, disjoint, each of its kind.
  const paging0 = slotRegionStart(bi, BI_USER_IMAGE_PAGING);
  const paging1 = slotRegionEnd(bi, BI_USER_IMAGE_PAGING);
  const frames0 = slotRegionStart(bi, BI_USER_IMAGE_FRAMES);
  const frames1 = slotRegionEnd(bi, BI_USER_IMAGE_FRAMES);
  const extra0 = slotRegionStart(bi, BI_EXTRA_BI_PAGES);
  const extra1 = slotRegionEnd(bi, BI_EXTRA_BI_PAGES);
  const ut0 = slotRegionStart(bi, BI_UNTYPED);
  const ut1 = slotRegionEnd(bi, BI_UNTYPED);
  const empty0 = slotRegionStart(bi, BI_EMPTY);
  const empty1 = slotRegionEnd(bi, BI_EMPTY);
  result(paging0 == seL4_NumInitialCaps && paging0 < paging1 && paging1 == frames0 && frames0 < frames1 && frames1 <= extra0 && extra0 < extra1 &&
    extra1 <= ut0 && ut0 < ut1 && ut1 == empty0 && empty1 == (<u32>1 << CONFIG_ROOT_CNODE_SIZE_BITS), "the slot regions follow each other");
  result(slotRegionStart(bi, BI_SHARED_FRAMES) == slotRegionEnd(bi, BI_SHARED_FRAMES) && slotRegionStart(bi, BI_IO_SPACE_CAPS) == slotRegionEnd(bi, BI_IO_SPACE_CAPS), "no shared frames, no IOSpace capabilities");
  regionIs(paging0, paging1, CAP_PAGE_TABLE_CAP, "userImagePaging holds page tables");
  regionIs(frames0, frames1, CAP_FRAME_CAP, "userImageFrames holds frames");
  regionIs(extra0, extra1, CAP_FRAME_CAP, "extraBIPages holds frames");
  regionIs(ut0, ut1, CAP_UNTYPED_CAP, "the untyped region holds untypeds");
  regionIs(empty0, empty0 + 64, CAP_NULL_CAP, "the empty region is empty");
  result(bootInfoExtraLen(bi) > 0 && bootInfoExtraLen(bi) <= (extra1 - extra0) * <u32>page, "extraLen fits the extra BootInfo pages");

  // I/O ports: at boot nothing is issued but the kernel's own ports, which never are; every gap issues (Issue touches no port).
  ioSlot = empty0 + 90;
  result(issues(KERNEL_PORTS_PIC1_FIRST, KERNEL_PORTS_PIC1_LAST) == seL4_RevokeFirst &&
    issues(KERNEL_PORTS_PIC2_FIRST, KERNEL_PORTS_PIC2_LAST) == seL4_RevokeFirst && issues(KERNEL_PORTS_DEBUG_EXIT, KERNEL_PORTS_DEBUG_EXIT) == seL4_RevokeFirst,
    "IOPortControl refuses the kernel's ports (the PICs, debug-exit)");
  result(issues(0, KERNEL_PORTS_PIC1_FIRST - 1) == seL4_NoError &&
    issues(KERNEL_PORTS_PIC1_LAST + 1, KERNEL_PORTS_PIC2_FIRST - 1) == seL4_NoError && issues(KERNEL_PORTS_PIC2_LAST + 1, KERNEL_PORTS_DEBUG_EXIT - 1) == seL4_NoError &&
    issues(KERNEL_PORTS_DEBUG_EXIT + 1, 0xFFFF) == seL4_NoError, "IOPortControl issues every other port, COM1 included: none is issued at boot");
  capIs(ioSlot, CAP_NULL_CAP, "the trial IOPort capabilities are gone again");

  // The untyped list. Our command line (boot-module table entry 0) may say how much RAM the machine has.
  const ramEnd = <u64>argNumber(bi, "ram=") << 20;
  const n = bootInfoUntypedCount(bi);
  result(n == ut1 - ut0, "one untyped descriptor per untyped capability");
  let aligned = true;
  let disjoint = true;
  let ramInWindow = true;
  let lowIsDevice = true;
  let ram: u64 = 0;
  let beyond: u32 = 0xFFFFFFFF;
  for (let i: u32 = 0; i < n; i++) {
    const base = <u64>bootInfoUntypedPaddr(bi, i);
    const size = <u64>1 << <u64>bootInfoUntypedSizeBits(bi, i);
    const device = bootInfoUntypedIsDevice(bi, i);
    aligned = aligned && (base & (size - 1)) == 0 && size >= 4096;
    for (let j: u32 = 0; j < i; j++) {
      const b2 = <u64>bootInfoUntypedPaddr(bi, j);
      const s2 = <u64>1 << <u64>bootInfoUntypedSizeBits(bi, j);
      disjoint = disjoint && (base + size <= b2 || b2 + s2 <= base);
    }
    if (!device) {
      ram += size;
      ramInWindow = ramInWindow && base + size <= <u64>KERNEL_WINDOW_SIZE && base >= <u64>LOW_MEMORY_END;
    }
    if (!device && base < <u64>LOW_MEMORY_END) lowIsDevice = false;
    // A device untyped in the RAM beyond the window: the machine's RAM size comes from the command line (ram=<MiB>).
    if (device && base >= <u64>KERNEL_WINDOW_SIZE && base + size <= ramEnd && beyond == 0xFFFFFFFF) beyond = i;
  }
  result(aligned, "every untyped is a power-of-two block aligned to its size");
  result(disjoint, "no two untypeds overlap");
  result(ramInWindow, "ordinary untyped memory lies in the kernel window, above the first MiB");
  result(lowIsDevice, "the first MiB is device memory");
  result(ram > 0, "there is ordinary untyped memory");
  // Device coverage (DESIGN.md, "Device untypeds"): user code scans the BIOS area for the ACPI RSDP and drives the HPET.
  let lowCovered = true;
  for (let a: u64 = 0; a < <u64>LOW_MEMORY_END; a += <u64>page) lowCovered = lowCovered && deviceCovers(bi, n, a);
  result(lowCovered, "device untypeds cover every page of the first MiB, the BIOS area included");
  result(deviceCovers(bi, n, <u64>HPET_PHYS), "a device untyped covers the HPET page");
  result(pageLeftOut(bi, n, <u64>IOAPIC_PHYS), "no untyped covers the IOAPIC page, and only that page is left out around it");
  result(pageLeftOut(bi, n, <u64>LAPIC_PHYS), "no untyped covers the local APIC page, and only that page is left out around it");
  print("bootcheck: ");
  printDec(n);
  print(" untypeds, ");
  printDec(<u32>(ram >> 10));
  printLine(" KiB of RAM");

  // RAM beyond the kernel window: frames yes, kernel objects no.
  if (beyond != 0xFFFFFFFF) {
    const ut = ut0 + beyond;
    const slot = empty0 + 100;
    result(seL4_Untyped_Retype(ut, OBJ_TCB, 0, ROOT_CNODE, 0, 0, slot, 1) == seL4_InvalidArgument, "beyond the window: no TCB");
    result(seL4_Untyped_Retype(ut, OBJ_CAP_TABLE, 4, ROOT_CNODE, 0, 0, slot, 1) == seL4_InvalidArgument, "beyond the window: no CNode");
    result(seL4_Untyped_Retype(ut, OBJ_X86_PAGE_TABLE, 0, ROOT_CNODE, 0, 0, slot, 1) == seL4_InvalidArgument, "beyond the window: no page table");
    result(seL4_Untyped_Retype(ut, OBJ_X86_4K, 0, ROOT_CNODE, 0, 0, slot, 1) == seL4_NoError, "beyond the window: a frame");
    result(seL4_X86_Page_GetAddress(slot) == seL4_NoError && seL4_X86_Page_GetAddress_paddr() >= KERNEL_WINDOW_SIZE, "the frame lies beyond the window");
    // Map it and use it: it is RAM.
    const pt = empty0 + 101;
    let ramUt: u32 = 0;
    for (let i: u32 = 0; i < n && ramUt == 0; i++) if (!bootInfoUntypedIsDevice(bi, i) && bootInfoUntypedSizeBits(bi, i) >= 16) ramUt = ut0 + i;
    const rights = (<u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);
    const at: u32 = 0x30000000;
    const mapped = ramUt != 0 &&
      seL4_Untyped_Retype(ramUt, OBJ_X86_PAGE_TABLE, 0, ROOT_CNODE, 0, 0, pt, 1) == seL4_NoError &&
      seL4_X86_PageTable_Map(pt, seL4_CapInitThreadVSpace, at, seL4_X86_Default_VMAttributes) == seL4_NoError &&
      seL4_X86_Page_Map(slot, seL4_CapInitThreadVSpace, at, rights, seL4_X86_Default_VMAttributes) == seL4_NoError;
    result(mapped, "the frame beyond the window maps");
    if (mapped) {
      store<u32>(at, 0x5A5AA5A5);
      store<u32>(at + 0xffc, 0x12345678);
      result(load<u32>(at) == 0x5A5AA5A5 && load<u32>(at + 0xffc) == 0x12345678, "and holds what is written: it is RAM");
    }
  } else {
    printLine("bootcheck: no RAM beyond the kernel window on this machine");
  }

  // Extra BootInfo.
  result(findChunk(bi, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ) != 0 && bootInfoTscMhz(bi) > 0, "a TSC-frequency chunk with a frequency");
  nextSlot = empty0 + 200;
  const scratch = ramUntyped(bi, n, ut0);
  result(scratchPageTable(scratch), "a page table for the scratch space");
  checkRsdpChunk(bi, n, ut0);
  result(findChunk(bi, TSOS_BOOTINFO_HEADER_BOOT_MODULES) != 0, "the boot-module table");
  const modules = bootModuleCount(bi);
  print("bootcheck: ");
  printDec(modules);
  printLine(" boot modules:");
  let framesOk = true;
  for (let i: u32 = 0; i < modules; i++) {
    const f0 = bootModuleFramesStart(bi, i);
    const f1 = bootModuleFramesEnd(bi, i);
    const pages = (bootModuleBytes(bi, i) + <u32>page - 1) >> seL4_PageBits;
    framesOk = framesOk && f1 - f0 == pages;
    for (let s = f0; s < f1; s++) framesOk = framesOk && seL4_DebugCapIdentify(s) == CAP_FRAME_CAP;
    print("bootcheck: module ");
    printDec(i);
    print(" \"");
    const str = bootModuleCmdline(bi, i);
    for (let k: u32 = 0; k < bootModuleCmdlineLength(bi, i); k++) putChar(load<u8>(str + k));
    print("\", ");
    printDec(f1 - f0);
    printLine(" frames");
  }
  result(framesOk, "every module's pages are frame capabilities");
  checkModuleFramesReadOnly(bi, scratch);
  print("bootcheck: ");
  printDec(failures);
  printLine(failures == 0 ? " failures: all is well" : " failures");
  powerOff(failures == 0 ? 0 : 1);
  return failures;
}
