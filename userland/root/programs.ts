// userland/root/programs.ts: the root task starts boot modules 1..n.
//
// Owns: the root task's scratch window (one page table it retypes for
// itself at SCRATCH_BASE: the page where the process builder fills new
// frames, one information page per started process, and the window where a
// boot module's read-only frames are mapped while it is loaded), choosing
// an untyped for each process from BootInfo's list, and reporting each
// start on the console. Every module becomes a process through
// libs/user/process.ts at PROGRAM_PRIORITY, with thread id and module index
// equal to its boot-module index, and its boot-module string as command
// line. A module the root task's command line names with grant=<index>
// (the in-OS test suite) also gets an untyped share of 2^GRANT_SHARE_BITS
// bytes, copies of ASIDControl, the ASID pool and Domain, and a device
// untyped; the others get only their own objects.
// Must not: build address spaces or threads itself (the process builder
// does), or trap on a bad module: it reports and goes on with the next.

import {
  Process, PROCESS_RECORD_SIZE, ProcessStep, processInit, processStart, processSlotsNeeded, processStepName,
  seL4ErrorName, PROCESS_GRANT_ASID_POOL, PROCESS_GRANT_ASID_CONTROL, PROCESS_GRANT_DOMAIN,
} from "../../libs/user/process";
import { elfErrorName, ElfError } from "../../libs/elf/elf";
import {
  bootInfoEmptyStart, bootInfoEmptyEnd, bootInfoUntypedStart, bootInfoUntypedCount, bootInfoUntypedSizeBits,
  bootInfoUntypedIsDevice, bootModuleCount, bootModuleFramesStart, bootModuleFramesEnd, bootModuleBytes,
  bootModuleCmdline, bootModuleCmdlineLength,
} from "../../libs/user/bootinfo";
import { seL4_Untyped_Retype, seL4_X86_PageTable_Map, seL4_X86_Page_Map, seL4_X86_Page_Unmap } from "../../libs/user/invocations.gen";
import {
  seL4_NoError, seL4_NotEnoughMemory, seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_PageBits,
  seL4_LargePageBits, seL4_X86_Default_VMAttributes, OBJ_X86_PAGE_TABLE, CAP_RIGHTS_CAP_ALLOW_READ_SHIFT,
} from "../../libs/abi/sel4.gen";
import { print, printLine, printDec, printHex, printBytes } from "../../libs/user/sys";
import { PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";

/** The priority of every program the root task starts (the kernel's old DEFAULT_PRIORITY). */
// @ts-ignore: decorator
@inline export const PROGRAM_PRIORITY: u32 = 100;
/** A granted module's untyped share: 4 MiB. */
// @ts-ignore: decorator
@inline export const GRANT_SHARE_BITS: u32 = 22;

// The scratch window: one 4 MiB region, far from the root task's image (0x00400000..) and BootInfo after it.
// @ts-ignore: decorator
@inline const SCRATCH_BASE: u32 = 0x10000000;
/** Information pages, one per boot-module index, from the second page on. */
// @ts-ignore: decorator
@inline const INFO_BASE: u32 = SCRATCH_BASE + PAGE_SIZE;
// @ts-ignore: decorator
@inline const MAX_PROGRAMS: u32 = 64;
/** A boot module's image is mapped here while it is loaded: up to 3 MiB. */
// @ts-ignore: decorator
@inline const IMAGE_BASE: u32 = SCRATCH_BASE + (1 << 20);
// @ts-ignore: decorator
@inline const IMAGE_MAX_PAGES: u32 = ((<u32>1 << seL4_LargePageBits) - (1 << 20)) >> seL4_PageBits;
// @ts-ignore: decorator
@inline const RIGHTS_READ: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT;

const records = memory.data(<i32>(PROCESS_RECORD_SIZE * MAX_PROGRAMS), 8);
let nextSlot: u32 = 0;
let slotsEnd: u32 = 0;

/** The record of the process started from boot module `i`. */
export function programRecord(i: u32): Process {
  return changetype<Process>(records + <usize>i * PROCESS_RECORD_SIZE);
}

/**
 * Retypes one page table from the first RAM untyped with room and maps it
 * at SCRATCH_BASE in the root task's own VSpace.
 */
function mapScratchWindow(bi: usize): bool {
  const slot = nextSlot++;
  const first = bootInfoUntypedStart(bi);
  const n = bootInfoUntypedCount(bi);
  let err = seL4_NotEnoughMemory;
  for (let u: u32 = 0; u < n && err != seL4_NoError; u++) {
    if (bootInfoUntypedIsDevice(bi, u) || bootInfoUntypedSizeBits(bi, u) < seL4_PageBits) continue;
    err = seL4_Untyped_Retype(first + u, OBJ_X86_PAGE_TABLE, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1);
  }
  if (err == seL4_NoError) err = seL4_X86_PageTable_Map(slot, seL4_CapInitThreadVSpace, SCRATCH_BASE, seL4_X86_Default_VMAttributes);
  if (err != seL4_NoError) {
    print("root: no scratch window: ");
    printLine(seL4ErrorName(err));
    return false;
  }
  return true;
}

/** Maps (or, with `map` false, unmaps) module i's frames at IMAGE_BASE, read-only. */
function mapModule(bi: usize, i: u32, map: bool): u32 {
  const start = bootModuleFramesStart(bi, i);
  const end = bootModuleFramesEnd(bi, i);
  for (let f = start; f < end; f++) {
    const err = map
      ? seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, IMAGE_BASE + (f - start) * PAGE_SIZE, RIGHTS_READ, seL4_X86_Default_VMAttributes)
      : seL4_X86_Page_Unmap(f);
    if (err != seL4_NoError) return err;
  }
  return seL4_NoError;
}

function reportFailure(i: u32, p: Process): void {
  print("root: module ");
  printDec(i);
  print(" not started: ");
  print(processStepName(p.errorStep));
  if (p.errorStep == ProcessStep.CheckElf) {
    print(" ");
    printLine(elfErrorName(<ElfError>p.errorDetail));
    return;
  }
  print(" failed");
  if (p.error != seL4_NoError) {
    print(" with ");
    print(seL4ErrorName(p.error));
  }
  print(" (detail ");
  printHex(p.errorDetail);
  printLine(")");
}

let devicesGiven: u32 = 0;

/**
 * A device untyped of at least a page that no process has been given yet,
 * or 0. Each granted process gets its own: seL4 copies an untyped
 * capability only while it has no children (RevokeFirst otherwise), and
 * the first copy is one.
 */
function deviceUntyped(bi: usize): u32 {
  const n = bootInfoUntypedCount(bi);
  let skip = devicesGiven;
  for (let u: u32 = 0; u < n; u++) {
    if (!bootInfoUntypedIsDevice(bi, u) || bootInfoUntypedSizeBits(bi, u) < seL4_PageBits) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    devicesGiven++;
    return bootInfoUntypedStart(bi) + u;
  }
  return 0;
}

/** Starts boot module i as a process (with the grants when `granted`); false after saying why not. */
function startModule(bi: usize, i: u32, granted: bool): bool {
  const p = programRecord(i);
  processInit(p);
  p.cmdline = bootModuleCmdline(bi, i);
  p.cmdlineLength = bootModuleCmdlineLength(bi, i);
  p.priority = PROGRAM_PRIORITY;
  p.threadId = i;
  p.infoAt = INFO_BASE + i * PAGE_SIZE;
  if (granted) {
    p.shareBits = GRANT_SHARE_BITS;
    p.flags = PROCESS_GRANT_ASID_CONTROL | PROCESS_GRANT_ASID_POOL | PROCESS_GRANT_DOMAIN;
    p.deviceUntyped = deviceUntyped(bi);
  }
  if (!startFromModule(bi, i, p)) return false;
  nextSlot += p.slotsUsed;
  print("root: started module ");
  printDec(i);
  print(" \"");
  printBytes(p.cmdline, p.cmdlineLength);
  print("\", entry ");
  printHex(p.entry);
  print(", 2^");
  printDec(p.untypedBits);
  printLine(granted ? " bytes, granted" : " bytes");
  return true;
}

/**
 * Starts the program of boot module i as the process `p` describes (its
 * command line, priority, thread id, information page, share and grants
 * already set in the record), with its objects carved from the first RAM
 * untyped that has room, at the next free slots; false after saying why not.
 * The caller advances the free slots (or reuses them after processDestroy).
 */
export function startFromModule(bi: usize, i: u32, p: Process): bool {
  const frames = bootModuleFramesEnd(bi, i) - bootModuleFramesStart(bi, i);
  const bytes = bootModuleBytes(bi, i);
  if (frames == 0 || frames > IMAGE_MAX_PAGES || bytes > frames * PAGE_SIZE) {
    print("root: module ");
    printDec(i);
    printLine(" not started: it has no frames, or too many for the loading window");
    return false;
  }
  const mapErr = mapModule(bi, i, true);
  p.image = IMAGE_BASE;
  p.imageSize = bytes;
  p.firstSlot = nextSlot;
  p.slotCount = slotsEnd - nextSlot;
  p.scratch = SCRATCH_BASE;
  p.moduleIndex = i;
  let step = ProcessStep.Plan;
  if (mapErr != seL4_NoError) {
    print("root: module ");
    printDec(i);
    print(" not started: cannot map its image: ");
    printLine(seL4ErrorName(mapErr));
  } else if (processSlotsNeeded(p) == 0) {
    step = p.errorStep;
  } else {
    // The first RAM untyped large enough that still has room (Retype says NotEnoughMemory when it has not).
    const first = bootInfoUntypedStart(bi);
    const n = bootInfoUntypedCount(bi);
    step = ProcessStep.RetypeUntyped;
    for (let u: u32 = 0; u < n; u++) {
      if (bootInfoUntypedIsDevice(bi, u) || bootInfoUntypedSizeBits(bi, u) < p.untypedBits) continue;
      p.parentUntyped = first + u;
      step = processStart(p);
      if (step != ProcessStep.RetypeUntyped || p.error != seL4_NotEnoughMemory) break;
    }
  }
  mapModule(bi, i, false);
  if (mapErr != seL4_NoError) return false;
  if (step != ProcessStep.Done) {
    if (p.errorStep == ProcessStep.Done) {
      // No RAM untyped was large enough to try.
      p.errorStep = ProcessStep.RetypeUntyped;
      p.error = seL4_NotEnoughMemory;
      p.errorDetail = p.untypedBits;
    }
    reportFailure(i, p);
    return false;
  }
  return true;
}

/** Sets up what starting programs needs: the free slots from BootInfo and the scratch window. False after saying why not. */
export function programsInit(bi: usize): bool {
  nextSlot = bootInfoEmptyStart(bi);
  slotsEnd = bootInfoEmptyEnd(bi);
  return mapScratchWindow(bi);
}

/** The information page address for record `i` (INFO_BASE + i pages). */
export function infoPageFor(i: u32): u32 {
  return INFO_BASE + i * PAGE_SIZE;
}

/**
 * Starts boot modules 1..n (module 0 is the root task itself); bit i of
 * `grants` marks module i for the grants. Returns how many started.
 */
export function startPrograms(bi: usize, grants: u64): u32 {
  const n = bootModuleCount(bi);
  if (n <= 1) return 0;
  if (!programsInit(bi)) return 0;
  let started: u32 = 0;
  for (let i: u32 = 1; i < n; i++) {
    if (i >= MAX_PROGRAMS) {
      printLine("root: too many boot modules for the information pages");
      break;
    }
    if (startModule(bi, i, ((grants >> i) & 1) != 0)) started++;
  }
  return started;
}
