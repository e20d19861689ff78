// libs/user/process.ts: the process builder: a new thread in its own address
// space, made from untyped memory with seL4 invocations.
//
// Owns: starting a program from an ELF image that the caller can read in its
// own address space, as seL4's root task (or any thread with the
// authority) does it: one child untyped carved from the caller's untyped,
// and every object of the process retyped from that child (a CNode, an
// optional untyped share in it, a page directory with an ASID, the page
// tables, a frame per page of the image, the stack, the IPC buffer and the
// process information page, and a TCB); the image copied page by page
// through a scratch mapping in the caller; the process's CSpace filled at
// the PROCESS_SLOT_* slots (libs/abi/layout.def.ts), with the grants the
// caller asks for (ASIDControl, the ASID pool, Domain, a device untyped,
// an untyped share; IRQControl and IOPortControl are lent: moved in, and
// moved back first at teardown, because seL4 derives them to nothing, so
// they cannot be copied), the extra capabilities the caller lists (copied
// or minted with the rights and badge it chose, from
// PROCESS_SLOT_FIRST_FREE on) and read-only copies of the frames that hold
// the program's own image (so that the process can start a program from
// it in turn); the thread configured (with the fault endpoint the caller
// names in the process's CSpace),
// named, given its registers and resumed. And the teardown: one Revoke of
// the child untyped takes every object with it.
// The caller's own capabilities are seL4's root-task slots
// (seL4_CapInitThreadCNode, ...VSpace, ...TCB, ...ASIDPool); its CNode
// must resolve a CPtr equal to a slot number at depth 32, as seL4's root
// CNode does.
// Must not: allocate (the caller gives the record, in its own memory),
// trap on a bad image or a failed invocation (every failure returns the
// step and the seL4 error, and what was made is taken back), print, or
// check the ELF itself (libs/elf/elf.ts, shared with the kernel, does).
//
// see: seL4's sel4utils (libs/sel4utils/src/process.c, elf.c) for the
// shape; seL4 manual chapters "Thread control blocks", "Address spaces and
// virtual memory" and "Untyped memory", facts only.

import {
  elfCheck, ElfError, elfEntry, elfSegmentCount, elfSegmentVaddr, elfSegmentFileSize, elfSegmentFileOffset,
  elfSegmentWritable, elfSegmentPageBase, elfSegmentPageCount,
} from "../elf/elf";
import {
  seL4_NoError, seL4_InvalidArgument, seL4_InvalidCapability, seL4_IllegalOperation, seL4_RangeError, seL4_AlignmentError,
  seL4_FailedLookup, seL4_TruncatedMessage, seL4_DeleteFirst, seL4_RevokeFirst, seL4_NotEnoughMemory, seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_CapInitThreadTCB, seL4_CapInitThreadASIDPool,
  seL4_CapASIDControl, seL4_CapDomain, seL4_CapIOPortControl, seL4_CapIRQControl,
  seL4_WordBits, seL4_PageBits, seL4_LargePageBits, seL4_TCBBits, seL4_SlotBits, seL4_MaxUntypedBits, seL4_MinUntypedBits,
  seL4_UntypedRetypeMaxObjects, seL4_X86_Default_VMAttributes,
  OBJ_UNTYPED, OBJ_TCB, OBJ_CAP_TABLE, OBJ_X86_4K, OBJ_X86_PAGE_TABLE, OBJ_X86_PAGE_DIRECTORY,
  CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT, CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT,
  CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT, CNODE_CAPDATA_GUARD_SIZE_SHIFT,
  USER_CONTEXT_EIP, USER_CONTEXT_ESP, USER_CONTEXT_EFLAGS, USER_CONTEXT_SIZE,
} from "../abi/sel4.gen";
import {
  USER_STACK_TOP, USER_STACK_PAGES, USER_IPC_BUFFER, USER_BOOTINFO, BOOTINFO_MAGIC, BOOTINFO_MAGIC_FIELD,
  BOOTINFO_THREAD_ID, BOOTINFO_MODULE_INDEX, BOOTINFO_CMDLINE_LENGTH, BOOTINFO_CMDLINE, BOOTINFO_CMDLINE_MAX,
  BOOTINFO_CNODE_SIZE_BITS, BOOTINFO_UNTYPED, BOOTINFO_UNTYPED_SIZE_BITS, BOOTINFO_EMPTY_START, BOOTINFO_EMPTY_END,
  BOOTINFO_PRIORITY, BOOTINFO_STATUS, BOOTINFO_STATUS_DETAIL, BOOTINFO_EXTRA_CAPS, BOOTINFO_EXTRA_CAP_COUNT,
  BOOTINFO_IMAGE_FRAMES, BOOTINFO_IMAGE_PAGES, BOOTINFO_IMAGE_BYTES,
  PROCESS_CNODE_SIZE_BITS, PROCESS_SLOT_TCB, PROCESS_SLOT_CNODE, PROCESS_SLOT_VSPACE, PROCESS_SLOT_ASID_POOL,
  PROCESS_SLOT_ASID_CONTROL, PROCESS_SLOT_DOMAIN, PROCESS_SLOT_DEVICE_UNTYPED, PROCESS_SLOT_IO_PORT_CONTROL,
  PROCESS_SLOT_IRQ_CONTROL, BOOTINFO_DEVICE_UNTYPED_PADDR, BOOTINFO_DEVICE_UNTYPED_SIZE_BITS,
  PROCESS_SLOT_IPC_BUFFER, PROCESS_SLOT_UNTYPED, PROCESS_SLOT_FIRST_FREE, PROCESS_STATUS_RUNNING,
} from "../abi/layout.gen";
import { EFLAGS_IF, EFLAGS_RESERVED1, PAGE_SIZE } from "../../kernel/arch/x86/machine.gen";
import {
  seL4_Untyped_Retype, seL4_X86_ASIDPool_Assign, seL4_X86_PageTable_Map, seL4_X86_Page_Map, seL4_X86_Page_Unmap,
  seL4_CNode_Copy, seL4_CNode_Mint, seL4_CNode_Move, seL4_CNode_Revoke, seL4_CNode_Delete,
  seL4_TCB_Configure, seL4_TCB_SetSchedParams, seL4_TCB_WriteRegisters, seL4_TCB_Resume,
} from "./invocations.gen";
import { seL4_DebugNameThreadBytes } from "./ipc";

// ── Constants ─────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const RIGHTS_READ: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT;
// @ts-ignore: decorator
@inline const RIGHTS_READ_WRITE: u32 = RIGHTS_READ | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);
// @ts-ignore: decorator
@inline const RIGHTS_ALL: u32 = RIGHTS_READ_WRITE | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT);
/** seL4's initial user EFLAGS: interrupts on and the reserved bit 1 (0x202). */
// @ts-ignore: decorator
@inline const INITIAL_EFLAGS: u32 = EFLAGS_IF | EFLAGS_RESERVED1;
/**
 * The process's CNode capability data: a guard of 0 and 32 - radix bits,
 * so the whole CPtr is consumed at one level and a CPtr is a slot number
 * (seL4_CNode_CapData_new(0, seL4_WordBits - radix)).
 */
// @ts-ignore: decorator
@inline export const PROCESS_CNODE_GUARD_DATA: u32 = (seL4_WordBits - PROCESS_CNODE_SIZE_BITS) << CNODE_CAPDATA_GUARD_SIZE_SHIFT;
/** Most 4 MiB regions one process may touch (image, stack, IPC buffer, information page). */
// @ts-ignore: decorator
@inline export const PROCESS_MAX_PAGE_TABLES: i32 = 64;

/** With `flags`: copy the caller's ASID pool capability to PROCESS_SLOT_ASID_POOL. */
// @ts-ignore: decorator
@inline export const PROCESS_GRANT_ASID_POOL: u32 = 1;
/** With `flags`: copy the caller's ASIDControl capability to PROCESS_SLOT_ASID_CONTROL. */
// @ts-ignore: decorator
@inline export const PROCESS_GRANT_ASID_CONTROL: u32 = 2;
/** With `flags`: copy the caller's Domain capability to PROCESS_SLOT_DOMAIN. */
// @ts-ignore: decorator
@inline export const PROCESS_GRANT_DOMAIN: u32 = 4;
/**
 * With `flags`: lend the caller's IOPortControl (seL4_CapIOPortControl)
 * at PROCESS_SLOT_IO_PORT_CONTROL. seL4 derives IOPortControl to nothing,
 * so a CNode_Copy of it fails: it is moved into the process as the last
 * capability of its CSpace, and processDestroy moves it back before
 * anything else (the caller has none meanwhile: one process at a time).
 */
// @ts-ignore: decorator
@inline export const PROCESS_GRANT_IO_PORT_CONTROL: u32 = 8;
/** With `flags`: lend the caller's IRQControl (seL4_CapIRQControl) at PROCESS_SLOT_IRQ_CONTROL, as IOPortControl. */
// @ts-ignore: decorator
@inline export const PROCESS_GRANT_IRQ_CONTROL: u32 = 16;
/** Most capabilities Process.extraCaps may list. */
// @ts-ignore: decorator
@inline export const PROCESS_MAX_EXTRA_CAPS: u32 = 64;
/** Most image frames a process may be lent (Process.imageFrames): 4 MiB of ELF file. */
// @ts-ignore: decorator
@inline export const PROCESS_MAX_IMAGE_PAGES: u32 = 1024;

/**
 * One entry of Process.extraCaps: the caller's slot, the rights the
 * process's copy keeps, and a badge (0: a plain copy; else a mint with it,
 * for an endpoint or notification). The caller keeps the array.
 */
@unmanaged
export class ProcessCap {
  slot: u32;
  rights: u32;
  badge: u32;
}

/** Bytes of one ProcessCap entry. */
// @ts-ignore: decorator
@inline export const PROCESS_CAP_SIZE: usize = offsetof<ProcessCap>();

// Caller slots, relative to Process.firstSlot: the fixed ones, then page tables, then frames.
// @ts-ignore: decorator
@inline const REL_UNTYPED: u32 = 0;
// @ts-ignore: decorator
@inline const REL_CNODE: u32 = 1;
// @ts-ignore: decorator
@inline const REL_TCB: u32 = 2;
// @ts-ignore: decorator
@inline const REL_PD: u32 = 3;
// @ts-ignore: decorator
@inline const REL_INFO_COPY: u32 = 4;
/** The untyped share waits here until the process's CNode exists, then moves to PROCESS_SLOT_UNTYPED. */
// @ts-ignore: decorator
@inline const REL_SHARE: u32 = 5;
// @ts-ignore: decorator
@inline const REL_PAGE_TABLES: u32 = 6;
// Frames, relative to the first frame slot: the information page, the IPC buffer, the stack, then the image.
// @ts-ignore: decorator
@inline const FRAME_INFO: u32 = 0;
// @ts-ignore: decorator
@inline const FRAME_IPC: u32 = 1;
// @ts-ignore: decorator
@inline const FRAME_STACK: u32 = 2;
// @ts-ignore: decorator
@inline const FRAME_IMAGE: u32 = FRAME_STACK + USER_STACK_PAGES;

/** The step that failed (Process.errorStep); Done when the process started. */
export enum ProcessStep {
  Done = 0,
  /** The image is not a program libs/elf/elf.ts accepts; errorDetail is the ElfError. */
  CheckElf = 1,
  /** The process needs more than 2^seL4_MaxUntypedBits bytes, more page tables than PROCESS_MAX_PAGE_TABLES, or more slots than given; errorDetail says how many. */
  Plan = 2,
  /** Retyping the process's own untyped from the caller's (NotEnoughMemory: try a larger one). */
  RetypeUntyped = 3,
  RetypeCNode = 4,
  RetypeShare = 5,
  RetypePageDirectory = 6,
  AssignAsid = 7,
  RetypePageTables = 8,
  /** errorDetail: the region's virtual address. */
  MapPageTable = 9,
  RetypeFrames = 10,
  RetypeTcb = 11,
  /** Mapping the information page into the caller at infoAt. */
  MapInfo = 12,
  /** Mapping a new frame at the caller's scratch address to fill it; errorDetail: the page's address in the process. */
  MapScratch = 13,
  UnmapScratch = 14,
  /** Mapping a frame into the process; errorDetail: its virtual address. */
  MapFrame = 15,
  /** Copying a capability into the process's CSpace; errorDetail: the slot there. */
  FillCSpace = 16,
  Configure = 17,
  SetSchedParams = 18,
  WriteRegisters = 19,
  Resume = 20,
  /** Teardown: unmapping the caller's view of the information page. */
  UnmapInfo = 21,
  /** Teardown: revoking the process's untyped. */
  Revoke = 22,
  /** Teardown: deleting the process's untyped capability. */
  DeleteUntyped = 23,
  /** Teardown: moving the lent IOPortControl back to the caller (the process moved or deleted it); a retry goes on without it. */
  ReturnIOPortControl = 24,
  /** Teardown: moving the lent IRQControl back to the caller; a retry goes on without it. */
  ReturnIRQControl = 25,
}

/** The step's name, e.g. "RetypeFrames". */
export function processStepName(step: ProcessStep): string {
  switch (step) {
    case ProcessStep.Done: return "Done";
    case ProcessStep.CheckElf: return "CheckElf";
    case ProcessStep.Plan: return "Plan";
    case ProcessStep.RetypeUntyped: return "RetypeUntyped";
    case ProcessStep.RetypeCNode: return "RetypeCNode";
    case ProcessStep.RetypeShare: return "RetypeShare";
    case ProcessStep.RetypePageDirectory: return "RetypePageDirectory";
    case ProcessStep.AssignAsid: return "AssignAsid";
    case ProcessStep.RetypePageTables: return "RetypePageTables";
    case ProcessStep.MapPageTable: return "MapPageTable";
    case ProcessStep.RetypeFrames: return "RetypeFrames";
    case ProcessStep.RetypeTcb: return "RetypeTcb";
    case ProcessStep.MapInfo: return "MapInfo";
    case ProcessStep.MapScratch: return "MapScratch";
    case ProcessStep.UnmapScratch: return "UnmapScratch";
    case ProcessStep.MapFrame: return "MapFrame";
    case ProcessStep.FillCSpace: return "FillCSpace";
    case ProcessStep.Configure: return "Configure";
    case ProcessStep.SetSchedParams: return "SetSchedParams";
    case ProcessStep.WriteRegisters: return "WriteRegisters";
    case ProcessStep.Resume: return "Resume";
    case ProcessStep.UnmapInfo: return "UnmapInfo";
    case ProcessStep.Revoke: return "Revoke";
    case ProcessStep.DeleteUntyped: return "DeleteUntyped";
    case ProcessStep.ReturnIOPortControl: return "ReturnIOPortControl";
    case ProcessStep.ReturnIRQControl: return "ReturnIRQControl";
    default: return "Unknown";
  }
}

/** seL4's name of an error code (seL4_Error), e.g. "NotEnoughMemory". */
export function seL4ErrorName(err: u32): string {
  switch (err) {
    case seL4_NoError: return "NoError";
    case seL4_InvalidArgument: return "InvalidArgument";
    case seL4_InvalidCapability: return "InvalidCapability";
    case seL4_IllegalOperation: return "IllegalOperation";
    case seL4_RangeError: return "RangeError";
    case seL4_AlignmentError: return "AlignmentError";
    case seL4_FailedLookup: return "FailedLookup";
    case seL4_TruncatedMessage: return "TruncatedMessage";
    case seL4_DeleteFirst: return "DeleteFirst";
    case seL4_RevokeFirst: return "RevokeFirst";
    case seL4_NotEnoughMemory: return "NotEnoughMemory";
    default: return "Unknown";
  }
}

// ── The process record ────────────────────────────────────────────────────

/**
 * One process: what the caller asks for (set before processStart), and
 * what the builder made (set by it). The caller keeps the record, in its
 * own memory (PROCESS_RECORD_SIZE bytes: memory.data or a static array),
 * for processStatus and processDestroy.
 */
@unmanaged
export class Process {
  // ── Set by the caller ──
  /** The ELF image, readable in the caller's address space. */
  image: usize;
  imageSize: u32;
  /** The caller's untyped capability that the process's memory is carved from. */
  parentUntyped: u32;
  /** Free slots in the caller's CNode: [firstSlot, firstSlot + slotCount); processSlotsNeeded says how many. */
  firstSlot: u32;
  slotCount: u32;
  /** A page-aligned address in the caller, with a page table and nothing mapped, where new frames are filled. */
  scratch: u32;
  /** A page-aligned address in the caller, with a page table, where the information page stays mapped. */
  infoAt: u32;
  /** The process's priority and MCP (at most the caller's MCP). */
  priority: u32;
  /** The command line (its first word names the thread). */
  cmdline: usize;
  cmdlineLength: u32;
  /** BOOTINFO_THREAD_ID and BOOTINFO_MODULE_INDEX. */
  threadId: u32;
  moduleIndex: u32;
  /** log2 of an untyped share at PROCESS_SLOT_UNTYPED (seL4_MinUntypedBits..), or 0 for none. */
  shareBits: u32;
  /** PROCESS_GRANT_* bits, or 0. */
  flags: u32;
  /** A caller slot whose capability (a device untyped) is copied to PROCESS_SLOT_DEVICE_UNTYPED; 0 for none. */
  deviceUntyped: u32;
  /** That device untyped's physical address and size, told to the process (BOOTINFO_DEVICE_UNTYPED_*). */
  devicePaddr: u32;
  deviceSizeBits: u32;
  /** `extraCapCount` ProcessCap entries, in the caller's memory: copied to PROCESS_SLOT_FIRST_FREE + i (BOOTINFO_EXTRA_CAPS). */
  extraCaps: usize;
  extraCapCount: u32;
  /**
   * A caller slot: the first of the frames that hold the ELF file at
   * `image`, page i in slot imageFrames + i, or 0. Their read-only copies
   * follow the extra capabilities (BOOTINFO_IMAGE_*): the process may map
   * them and start a program from them, never write them.
   */
  imageFrames: u32;
  /** The thread's fault endpoint: a CPtr in the process's own CSpace (an extra capability), or 0 for none. */
  faultEndpoint: u32;
  // ── Set by the builder ──
  /** log2 of the process's untyped (at firstSlot). */
  untypedBits: u32;
  /** Caller slots the process uses, from firstSlot on (0 when nothing is held). */
  slotsUsed: u32;
  /** The caller's view of the information page is mapped at infoAt. */
  infoMapped: bool;
  /** The caller's IOPortControl is at PROCESS_SLOT_IO_PORT_CONTROL of the process (PROCESS_GRANT_IO_PORT_CONTROL). */
  ioPortControlLent: bool;
  /** The caller's IRQControl is at PROCESS_SLOT_IRQ_CONTROL of the process (PROCESS_GRANT_IRQ_CONTROL). */
  irqControlLent: bool;
  pageTables: u32;
  frames: u32;
  entry: u32;
  errorStep: ProcessStep;
  /** The seL4 error of the failed invocation (seL4_NoError for CheckElf and Plan). */
  error: u32;
  /** ElfError, a virtual address or a slot: see ProcessStep. */
  errorDetail: u32;
}

/** Bytes of a Process record. */
// @ts-ignore: decorator
@inline export const PROCESS_RECORD_SIZE: usize = offsetof<Process>();

/** Clears a record: every field 0 (no share, no flags). */
export function processInit(p: Process): void {
  memory.fill(changetype<usize>(p), 0, PROCESS_RECORD_SIZE);
}

/** The caller's slot holding the process's TCB (valid after a successful start). */
export function processTcb(p: Process): u32 { return p.firstSlot + REL_TCB; }
/** The caller's slot holding the process's CNode. */
export function processCNode(p: Process): u32 { return p.firstSlot + REL_CNODE; }
/** The caller's slot holding the process's page directory. */
export function processVSpace(p: Process): u32 { return p.firstSlot + REL_PD; }
/** The caller's slot holding the process's untyped, from which all its objects come. */
export function processUntyped(p: Process): u32 { return p.firstSlot + REL_UNTYPED; }

/** The process's STATUS word (PROCESS_STATUS_*), read through the caller's mapping of its information page. */
export function processStatus(p: Process): u32 {
  return load<u32>(<usize>p.infoAt + BOOTINFO_STATUS);
}

/** The process's STATUS_DETAIL word. */
export function processStatusDetail(p: Process): u32 {
  return load<u32>(<usize>p.infoAt + BOOTINFO_STATUS_DETAIL);
}

// ── Planning ──────────────────────────────────────────────────────────────

/** The 4 MiB regions (virtual address >> 22) the process needs page tables for, in first-use order. */
const regions = memory.data(PROCESS_MAX_PAGE_TABLES * 4);
let regionCount: i32 = 0;
let regionsOverflow = false;

function addRegion(vaddr: u32): void {
  const r = vaddr >>> seL4_LargePageBits;
  for (let i = 0; i < regionCount; i++) if (load<u32>(regions + <usize>i * 4) == r) return;
  if (regionCount == PROCESS_MAX_PAGE_TABLES) {
    regionsOverflow = true;
    return;
  }
  store<u32>(regions + <usize>regionCount * 4, r);
  regionCount++;
}

/** The fixed pages every process has besides its image: the information page, the IPC buffer, the stack. */
// @ts-ignore: decorator
@inline function fixedFrames(): u32 {
  return FRAME_IMAGE;
}

// Fills `regions` for the image elfCheck last accepted; returns the image's pages.
function planRegions(): u32 {
  regionCount = 0;
  regionsOverflow = false;
  let pages: u32 = 0;
  addRegion(USER_BOOTINFO);
  addRegion(USER_IPC_BUFFER);
  for (let i: u32 = 1; i <= USER_STACK_PAGES; i++) addRegion(USER_STACK_TOP - i * PAGE_SIZE);
  const n = elfSegmentCount();
  for (let s = 0; s < n; s++) {
    const first = elfSegmentPageBase(s);
    const count = elfSegmentPageCount(s);
    pages += count;
    // Every 4 MiB region the segment's pages touch: its first page and each region boundary after it.
    addRegion(first);
    const last = first + (count - 1) * PAGE_SIZE;
    for (let r = (first >>> seL4_LargePageBits) + 1; r <= (last >>> seL4_LargePageBits) && !regionsOverflow; r++) {
      addRegion(r << seL4_LargePageBits);
    }
  }
  return pages;
}

// @ts-ignore: decorator
@inline function alignUp(at: u64, bits: u32): u64 {
  const mask = (<u64>1 << bits) - 1;
  return (at + mask) & ~mask;
}

/** The CNode's size in bytes, as a power of two. */
// @ts-ignore: decorator
@inline const CNODE_BITS: u32 = PROCESS_CNODE_SIZE_BITS + seL4_SlotBits;

/** The share is retyped before the CNode (it is larger): see planBytes. */
// @ts-ignore: decorator
@inline function shareFirst(shareBits: u32): bool {
  return shareBits > CNODE_BITS;
}

/**
 * Bytes the process's objects take, retyped in this order from a fresh
 * untyped (each aligned to its own size, as Retype places them): the
 * share and the CNode (the larger first), the page directory, page
 * tables and frames, the TCB. Largest first, no alignment is wasted.
 */
function planBytes(shareBits: u32, pages4k: u32): u64 {
  let at: u64 = 0;
  if (shareBits != 0 && shareFirst(shareBits)) at = <u64>1 << shareBits;
  at = alignUp(at, CNODE_BITS) + (<u64>1 << CNODE_BITS);
  if (shareBits != 0 && !shareFirst(shareBits)) at = alignUp(at, shareBits) + (<u64>1 << shareBits);
  at = alignUp(at, seL4_PageBits) + (<u64>pages4k << seL4_PageBits);
  at = alignUp(at, seL4_TCBBits) + (<u64>1 << seL4_TCBBits);
  return at;
}

/**
 * Checks the ELF image and works out what starting it needs: returns the
 * caller slots (and sets p.untypedBits to the size of the process's
 * untyped), or 0 after setting errorStep (CheckElf or Plan).
 */
export function processSlotsNeeded(p: Process): u32 {
  const err = elfCheck(p.image, p.imageSize);
  if (err != ElfError.Ok) return planFailed(p, ProcessStep.CheckElf, <u32>err);
  const imagePages = planRegions();
  if (regionsOverflow) return planFailed(p, ProcessStep.Plan, PROCESS_MAX_PAGE_TABLES);
  if (p.shareBits != 0 && (p.shareBits < seL4_MinUntypedBits || p.shareBits > seL4_MaxUntypedBits)) return planFailed(p, ProcessStep.Plan, p.shareBits);
  if (p.extraCapCount > PROCESS_MAX_EXTRA_CAPS) return planFailed(p, ProcessStep.Plan, p.extraCapCount);
  if (p.imageFrames != 0 && imagePagesLent(p) > PROCESS_MAX_IMAGE_PAGES) return planFailed(p, ProcessStep.Plan, imagePagesLent(p));
  const frames = fixedFrames() + imagePages;
  const bytes = planBytes(p.shareBits, 1 + <u32>regionCount + frames);
  let bits: u32 = seL4_MinUntypedBits;
  while (bits <= seL4_MaxUntypedBits && (<u64>1 << bits) < bytes) bits++;
  if (bits > seL4_MaxUntypedBits) return planFailed(p, ProcessStep.Plan, bits);
  p.untypedBits = bits;
  p.pageTables = <u32>regionCount;
  p.frames = frames;
  p.entry = elfEntry();
  return REL_PAGE_TABLES + <u32>regionCount + frames;
}

/** The image frames lent to the process: its ELF file's bytes in pages (0 when none are lent). */
function imagePagesLent(p: Process): u32 {
  return p.imageFrames == 0 ? 0 : <u32>((<u64>p.imageSize + PAGE_SIZE - 1) >> seL4_PageBits);
}

/** The process's first slot after the extra capabilities and the image frames. */
function firstEmpty(p: Process): u32 {
  return PROCESS_SLOT_FIRST_FREE + p.extraCapCount + imagePagesLent(p);
}

function planFailed(p: Process, step: ProcessStep, detail: u32): u32 {
  p.errorStep = step;
  p.error = seL4_NoError;
  p.errorDetail = detail;
  return 0;
}

// ── Starting ──────────────────────────────────────────────────────────────

let failedStep: ProcessStep = ProcessStep.Done;
let failedError: u32 = seL4_NoError;
let failedDetail: u32 = 0;

/** Records the first failure; true when `err` is one. */
function failed(err: u32, step: ProcessStep, detail: u32): bool {
  if (err == seL4_NoError) return false;
  failedStep = step;
  failedError = err;
  failedDetail = detail;
  return true;
}

/** Retypes `count` objects into consecutive caller slots from `slot`, in batches Retype accepts. */
function retypeInto(untyped: u32, type: u32, bits: u32, slot: u32, count: u32): u32 {
  let done: u32 = 0;
  while (done < count) {
    const n = count - done < seL4_UntypedRetypeMaxObjects ? count - done : seL4_UntypedRetypeMaxObjects;
    const err = seL4_Untyped_Retype(untyped, type, bits, seL4_CapInitThreadCNode, 0, 0, slot + done, n);
    if (err != seL4_NoError) return err;
    done += n;
  }
  return seL4_NoError;
}

/** Copies caller slot `from` to slot `to` of the process's CNode (caller slot `cnode`). */
function copyToProcess(cnode: u32, to: u32, from: u32): bool {
  return failed(seL4_CNode_Copy(cnode, to, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, from, seL4_WordBits, RIGHTS_ALL), ProcessStep.FillCSpace, to);
}

/** Fills one frame (caller slot `frame`) with the image bytes that belong at `at` in the process, through the scratch mapping. */
function fillFrame(p: Process, frame: u32, at: u32, vaddr: u32, fileSize: u32, fileOffset: u32): bool {
  // The file bytes in this page: [max(at, vaddr), min(at + 4K, vaddr + fileSize)). The rest stays zero (new frames are zeroed).
  const from = at > vaddr ? at : vaddr;
  const fileEnd = vaddr + fileSize;
  const to = at + PAGE_SIZE < fileEnd ? at + PAGE_SIZE : fileEnd;
  if (to <= from) return true;
  if (failed(seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, p.scratch, RIGHTS_READ_WRITE, seL4_X86_Default_VMAttributes), ProcessStep.MapScratch, at)) return false;
  memory.copy(<usize>p.scratch + <usize>(from - at), p.image + <usize>(fileOffset + (from - vaddr)), to - from);
  return !failed(seL4_X86_Page_Unmap(frame), ProcessStep.UnmapScratch, at);
}

/** Writes the process information page through the caller's mapping. */
function writeInfo(p: Process): void {
  const info = <usize>p.infoAt;
  store<u32>(info + BOOTINFO_MAGIC_FIELD, BOOTINFO_MAGIC);
  store<u32>(info + BOOTINFO_THREAD_ID, p.threadId);
  store<u32>(info + BOOTINFO_MODULE_INDEX, p.moduleIndex);
  const n = p.cmdlineLength < BOOTINFO_CMDLINE_MAX ? p.cmdlineLength : BOOTINFO_CMDLINE_MAX;
  store<u32>(info + BOOTINFO_CMDLINE_LENGTH, n);
  memory.copy(info + BOOTINFO_CMDLINE, p.cmdline, n);
  store<u8>(info + BOOTINFO_CMDLINE + n, 0);
  store<u32>(info + BOOTINFO_CNODE_SIZE_BITS, PROCESS_CNODE_SIZE_BITS);
  store<u32>(info + BOOTINFO_UNTYPED, p.shareBits != 0 ? PROCESS_SLOT_UNTYPED : 0);
  store<u32>(info + BOOTINFO_UNTYPED_SIZE_BITS, p.shareBits);
  store<u32>(info + BOOTINFO_EMPTY_START, firstEmpty(p));
  store<u32>(info + BOOTINFO_EMPTY_END, <u32>1 << PROCESS_CNODE_SIZE_BITS);
  store<u32>(info + BOOTINFO_PRIORITY, p.priority);
  store<u32>(info + BOOTINFO_STATUS, PROCESS_STATUS_RUNNING);
  store<u32>(info + BOOTINFO_STATUS_DETAIL, 0);
  store<u32>(info + BOOTINFO_DEVICE_UNTYPED_PADDR, p.deviceUntyped != 0 ? p.devicePaddr : 0);
  store<u32>(info + BOOTINFO_DEVICE_UNTYPED_SIZE_BITS, p.deviceUntyped != 0 ? p.deviceSizeBits : 0);
  store<u32>(info + BOOTINFO_EXTRA_CAPS, p.extraCapCount != 0 ? PROCESS_SLOT_FIRST_FREE : 0);
  store<u32>(info + BOOTINFO_EXTRA_CAP_COUNT, p.extraCapCount);
  store<u32>(info + BOOTINFO_IMAGE_FRAMES, p.imageFrames != 0 ? PROCESS_SLOT_FIRST_FREE + p.extraCapCount : 0);
  store<u32>(info + BOOTINFO_IMAGE_PAGES, imagePagesLent(p));
  store<u32>(info + BOOTINFO_IMAGE_BYTES, p.imageFrames != 0 ? p.imageSize : 0);
}

/** The extra capabilities, then read-only copies of the image frames, from PROCESS_SLOT_FIRST_FREE on; false at the first failure. */
function fillExtras(p: Process, cnode: u32): bool {
  let to = PROCESS_SLOT_FIRST_FREE;
  for (let i: u32 = 0; i < p.extraCapCount; i++) {
    const c = changetype<ProcessCap>(p.extraCaps + <usize>i * PROCESS_CAP_SIZE);
    const err = c.badge == 0
      ? seL4_CNode_Copy(cnode, to, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, c.slot, seL4_WordBits, c.rights)
      : seL4_CNode_Mint(cnode, to, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, c.slot, seL4_WordBits, c.rights, c.badge);
    if (failed(err, ProcessStep.FillCSpace, to)) return false;
    to++;
  }
  const pages = imagePagesLent(p);
  for (let i: u32 = 0; i < pages; i++) {
    const err = seL4_CNode_Copy(cnode, to, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, p.imageFrames + i, seL4_WordBits, RIGHTS_READ);
    if (failed(err, ProcessStep.FillCSpace, to)) return false;
    to++;
  }
  return true;
}

const context = memory.data(<i32>USER_CONTEXT_SIZE, 4);

// Every step after the process's untyped exists; false at the first failure.
function build(p: Process): bool {
  const base = p.firstSlot;
  const untyped = base + REL_UNTYPED;
  const cnode = base + REL_CNODE;
  const tcb = base + REL_TCB;
  const pd = base + REL_PD;
  const infoCopy = base + REL_INFO_COPY;
  const tables = base + REL_PAGE_TABLES;
  const frames = tables + p.pageTables;
  const ipcFrame = frames + FRAME_IPC;
  const infoFrame = frames + FRAME_INFO;

  // The objects, largest first, so that no alignment is wasted (planBytes' order).
  const share = base + REL_SHARE;
  if (p.shareBits != 0 && shareFirst(p.shareBits) && failed(retypeInto(untyped, OBJ_UNTYPED, p.shareBits, share, 1), ProcessStep.RetypeShare, p.shareBits)) return false;
  if (failed(retypeInto(untyped, OBJ_CAP_TABLE, PROCESS_CNODE_SIZE_BITS, cnode, 1), ProcessStep.RetypeCNode, 0)) return false;
  if (p.shareBits != 0 && !shareFirst(p.shareBits) && failed(retypeInto(untyped, OBJ_UNTYPED, p.shareBits, share, 1), ProcessStep.RetypeShare, p.shareBits)) return false;
  if (p.shareBits != 0) {
    const err = seL4_CNode_Move(cnode, PROCESS_SLOT_UNTYPED, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, share, seL4_WordBits);
    if (failed(err, ProcessStep.FillCSpace, PROCESS_SLOT_UNTYPED)) return false;
  }
  if (failed(retypeInto(untyped, OBJ_X86_PAGE_DIRECTORY, 0, pd, 1), ProcessStep.RetypePageDirectory, 0)) return false;
  if (failed(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pd), ProcessStep.AssignAsid, 0)) return false;
  if (failed(retypeInto(untyped, OBJ_X86_PAGE_TABLE, 0, tables, p.pageTables), ProcessStep.RetypePageTables, 0)) return false;
  if (failed(retypeInto(untyped, OBJ_X86_4K, 0, frames, p.frames), ProcessStep.RetypeFrames, 0)) return false;
  if (failed(retypeInto(untyped, OBJ_TCB, 0, tcb, 1), ProcessStep.RetypeTcb, 0)) return false;

  // The address space: page tables, the information page, the IPC buffer, the stack, the image.
  for (let i: u32 = 0; i < p.pageTables; i++) {
    const at = load<u32>(regions + <usize>i * 4) << seL4_LargePageBits;
    if (failed(seL4_X86_PageTable_Map(tables + i, pd, at, seL4_X86_Default_VMAttributes), ProcessStep.MapPageTable, at)) return false;
  }
  // A frame capability maps once: the caller's view of the information page goes through a copy.
  if (failed(seL4_CNode_Copy(seL4_CapInitThreadCNode, infoCopy, seL4_WordBits, seL4_CapInitThreadCNode, infoFrame, seL4_WordBits, RIGHTS_ALL), ProcessStep.MapInfo, 0)) return false;
  if (failed(seL4_X86_Page_Map(infoCopy, seL4_CapInitThreadVSpace, p.infoAt, RIGHTS_READ_WRITE, seL4_X86_Default_VMAttributes), ProcessStep.MapInfo, p.infoAt)) return false;
  p.infoMapped = true;
  writeInfo(p);
  if (!mapInto(infoFrame, pd, USER_BOOTINFO, RIGHTS_READ_WRITE)) return false;
  if (!mapInto(ipcFrame, pd, USER_IPC_BUFFER, RIGHTS_READ_WRITE)) return false;
  for (let i: u32 = 0; i < USER_STACK_PAGES; i++) {
    if (!mapInto(frames + FRAME_STACK + i, pd, USER_STACK_TOP - (i + 1) * PAGE_SIZE, RIGHTS_READ_WRITE)) return false;
  }
  let frame = frames + FRAME_IMAGE;
  const n = elfSegmentCount();
  for (let s = 0; s < n; s++) {
    const vaddr = elfSegmentVaddr(s);
    const fileSize = elfSegmentFileSize(s);
    const fileOffset = elfSegmentFileOffset(s);
    const rights = elfSegmentWritable(s) ? RIGHTS_READ_WRITE : RIGHTS_READ;
    const first = elfSegmentPageBase(s);
    const pages = elfSegmentPageCount(s);
    for (let i: u32 = 0; i < pages; i++) {
      const at = first + i * PAGE_SIZE;
      if (!fillFrame(p, frame, at, vaddr, fileSize, fileOffset)) return false;
      if (!mapInto(frame, pd, at, rights)) return false;
      frame++;
    }
  }

  // The process's CSpace, at seL4's root-task slots: a CPtr there is a slot number (the guard).
  if (copyToProcess(cnode, PROCESS_SLOT_TCB, tcb)) return false;
  const err = seL4_CNode_Mint(cnode, PROCESS_SLOT_CNODE, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, cnode, seL4_WordBits, RIGHTS_ALL, PROCESS_CNODE_GUARD_DATA);
  if (failed(err, ProcessStep.FillCSpace, PROCESS_SLOT_CNODE)) return false;
  if (copyToProcess(cnode, PROCESS_SLOT_VSPACE, pd)) return false;
  if ((p.flags & PROCESS_GRANT_ASID_CONTROL) != 0 && copyToProcess(cnode, PROCESS_SLOT_ASID_CONTROL, seL4_CapASIDControl)) return false;
  if ((p.flags & PROCESS_GRANT_ASID_POOL) != 0 && copyToProcess(cnode, PROCESS_SLOT_ASID_POOL, seL4_CapInitThreadASIDPool)) return false;
  if (copyToProcess(cnode, PROCESS_SLOT_IPC_BUFFER, ipcFrame)) return false;
  if ((p.flags & PROCESS_GRANT_DOMAIN) != 0 && copyToProcess(cnode, PROCESS_SLOT_DOMAIN, seL4_CapDomain)) return false;
  if (p.deviceUntyped != 0 && copyToProcess(cnode, PROCESS_SLOT_DEVICE_UNTYPED, p.deviceUntyped)) return false;
  if (!fillExtras(p, cnode)) return false;
  if ((p.flags & PROCESS_GRANT_IO_PORT_CONTROL) != 0) {
    if (lend(cnode, PROCESS_SLOT_IO_PORT_CONTROL, seL4_CapIOPortControl)) return false;
    p.ioPortControlLent = true;
  }
  if ((p.flags & PROCESS_GRANT_IRQ_CONTROL) != 0) {
    if (lend(cnode, PROCESS_SLOT_IRQ_CONTROL, seL4_CapIRQControl)) return false;
    p.irqControlLent = true;
  }

  // The thread.
  if (failed(seL4_TCB_Configure(tcb, p.faultEndpoint, cnode, PROCESS_CNODE_GUARD_DATA, pd, 0, USER_IPC_BUFFER, ipcFrame), ProcessStep.Configure, 0)) return false;
  if (failed(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, p.priority, p.priority), ProcessStep.SetSchedParams, p.priority)) return false;
  let nameLength: u32 = 0;
  while (nameLength < p.cmdlineLength && load<u8>(p.cmdline + nameLength) != 0x20) nameLength++;
  seL4_DebugNameThreadBytes(tcb, p.cmdline, nameLength);
  memory.fill(context, 0, USER_CONTEXT_SIZE);
  store<u32>(context + USER_CONTEXT_EIP, p.entry);
  store<u32>(context + USER_CONTEXT_ESP, USER_STACK_TOP);
  store<u32>(context + USER_CONTEXT_EFLAGS, INITIAL_EFLAGS);
  const words = <u32>(USER_CONTEXT_SIZE >> 2);
  if (failed(seL4_TCB_WriteRegisters(tcb, false, 0, words, context), ProcessStep.WriteRegisters, 0)) return false;
  return !failed(seL4_TCB_Resume(tcb), ProcessStep.Resume, 0);
}

function mapInto(frame: u32, pd: u32, at: u32, rights: u32): bool {
  return !failed(seL4_X86_Page_Map(frame, pd, at, rights, seL4_X86_Default_VMAttributes), ProcessStep.MapFrame, at);
}

/**
 * Starts the process `p` describes. Returns ProcessStep.Done, or the step
 * that failed (p.errorStep; p.error is the seL4 error, p.errorDetail
 * says more). After a failure every object made is gone again and
 * p.slotsUsed is 0, unless the teardown itself failed: then p.errorStep
 * names the teardown step, and processDestroy may be tried again. A
 * RetypeUntyped failure with seL4_NotEnoughMemory means the parent
 * untyped is too small or too full: the caller may try another.
 */
export function processStart(p: Process): ProcessStep {
  p.errorStep = ProcessStep.Done;
  p.error = seL4_NoError;
  p.errorDetail = 0;
  p.slotsUsed = 0;
  p.infoMapped = false;
  p.ioPortControlLent = false;
  p.irqControlLent = false;
  const need = processSlotsNeeded(p);
  if (need == 0) return p.errorStep;
  if (need > p.slotCount) {
    planFailed(p, ProcessStep.Plan, need);
    return p.errorStep;
  }
  failedStep = ProcessStep.Done;
  const err = seL4_Untyped_Retype(p.parentUntyped, OBJ_UNTYPED, p.untypedBits, seL4_CapInitThreadCNode, 0, 0, p.firstSlot + REL_UNTYPED, 1);
  if (failed(err, ProcessStep.RetypeUntyped, p.untypedBits)) return reportFailure(p);
  p.slotsUsed = need;
  if (build(p)) return ProcessStep.Done;
  // Take back what was made, then report the step that failed (or the teardown's, if that fails too).
  const step = failedStep;
  const error = failedError;
  const detail = failedDetail;
  if (processDestroy(p) != ProcessStep.Done) return p.errorStep;
  failedStep = step;
  failedError = error;
  failedDetail = detail;
  return reportFailure(p);
}

function reportFailure(p: Process): ProcessStep {
  p.errorStep = failedStep;
  p.error = failedError;
  p.errorDetail = failedDetail;
  return failedStep;
}

// ── Teardown ──────────────────────────────────────────────────────────────

/**
 * Deletes the process: its thread stops and every object it had goes,
 * because all of them (and every copy, in its CSpace or the caller's) were
 * derived from the process's untyped: one Revoke of it, then the untyped
 * capability itself. A lent IOPortControl is moved back first (the
 * process's IOPort capabilities go with its CNode, which frees their
 * ports). The caller's scratch is never left mapped; its view of
 * the information page is unmapped first. Returns ProcessStep.Done, or the
 * step that failed (also in p.errorStep/p.error). Afterwards p.slotsUsed
 * is 0 and the caller's slots are empty. As in seL4, the memory goes back
 * to the parent untyped only once the parent has no children left (Retype
 * then starts from its beginning again).
 */
/** Moves the caller's capability at `from` (IRQControl, IOPortControl) to `slot` of the process's CNode; true if it failed (recorded). */
function lend(cnode: u32, slot: u32, from: u32): bool {
  return failed(seL4_CNode_Move(cnode, slot, PROCESS_CNODE_SIZE_BITS, seL4_CapInitThreadCNode, from, seL4_WordBits), ProcessStep.FillCSpace, slot);
}

/** Moves a lent capability back from `slot` of the process's CNode to the caller's `to`. */
function unlend(p: Process, slot: u32, to: u32): u32 {
  return seL4_CNode_Move(seL4_CapInitThreadCNode, to, seL4_WordBits, p.firstSlot + REL_CNODE, slot, PROCESS_CNODE_SIZE_BITS);
}

export function processDestroy(p: Process): ProcessStep {
  if (p.slotsUsed == 0) return ProcessStep.Done;
  const untyped = p.firstSlot + REL_UNTYPED;
  // A retry tears down without what could not be moved back: what the process did with it is gone with it.
  if (p.ioPortControlLent) {
    p.ioPortControlLent = false;
    const moveErr = unlend(p, PROCESS_SLOT_IO_PORT_CONTROL, seL4_CapIOPortControl);
    if (moveErr != seL4_NoError) return destroyFailed(p, ProcessStep.ReturnIOPortControl, moveErr);
  }
  if (p.irqControlLent) {
    p.irqControlLent = false;
    const moveErr = unlend(p, PROCESS_SLOT_IRQ_CONTROL, seL4_CapIRQControl);
    if (moveErr != seL4_NoError) return destroyFailed(p, ProcessStep.ReturnIRQControl, moveErr);
  }
  if (p.infoMapped) {
    const unmapErr = seL4_X86_Page_Unmap(p.firstSlot + REL_INFO_COPY);
    if (unmapErr != seL4_NoError) return destroyFailed(p, ProcessStep.UnmapInfo, unmapErr);
    p.infoMapped = false;
  }
  const revokeErr = seL4_CNode_Revoke(seL4_CapInitThreadCNode, untyped, seL4_WordBits);
  if (revokeErr != seL4_NoError) return destroyFailed(p, ProcessStep.Revoke, revokeErr);
  const deleteErr = seL4_CNode_Delete(seL4_CapInitThreadCNode, untyped, seL4_WordBits);
  if (deleteErr != seL4_NoError) return destroyFailed(p, ProcessStep.DeleteUntyped, deleteErr);
  p.slotsUsed = 0;
  return ProcessStep.Done;
}

function destroyFailed(p: Process, step: ProcessStep, err: u32): ProcessStep {
  p.errorStep = step;
  p.error = err;
  p.errorDetail = 0;
  return step;
}
