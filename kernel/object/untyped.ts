// kernel/object/untyped.ts: untyped memory and Untyped_Retype.
//
// Owns: decodeUntypedInvocation (every check seL4 makes, in seL4's order,
// each with its exact error) and invokeUntypedRetype (carve objects from
// the untyped's free space at its watermark, aligned to their size, and
// put their capabilities into the destination CNode as children of the
// untyped). A retype of an untyped with no children first resets it: its
// memory below the watermark is cleared, in chunks with preemption points
// (a preempted Retype restarts and goes on clearing where it stopped), and
// the watermark returns to 0.
// The invariant that makes this enough: the RAM of an untyped above its
// watermark is zero. The boot hands RAM untypeds over with the watermark
// at the top (kernel/boot/root-task.ts), so their first Retype clears them;
// objects are made only above the watermark; nothing below it is reused
// before a reset. New objects are therefore zero without clearing them
// (device memory is never cleared), and memory never carries one object's
// contents into the next.
// Must not: fail inside invokeUntypedRetype (it may only stop at a
// preemption point); everything that can go wrong is decided in
// decodeUntypedInvocation.
//
// see: seL4 reference manual, "Untyped_Retype"; seL4 src/object/untyped.c
// and src/object/objecttype.c (getObjectSize, createObject), facts only.
//
// Every ia32 object type: Untyped, TCB, Endpoint, Notification, CNode,
// 4 KiB and 4 MiB frames, page tables and page directories. A new TCB is
// all zeroes: Inactive, priority 0, its slots empty (they come first in the
// object, the thread in its upper half; kernel/cspace/delete.ts), but for
// its user context and a full time slice (seL4's createObject sets
// tcbTimeSlice = CONFIG_TIME_SLICE).

import {
  capTag, capObjectPhys, cnodeRadix, untypedSizeBits, untypedIsDevice, untypedFreeIndex,
  setUntypedFreeIndex, untypedCap, threadCap, endpointCap, notificationCap, cnodeCap, frameCap, pageTableCap,
  pageDirectoryCap, isNullCap, CAP_CNODE_CAP, CTE_SIZE_BITS, RIGHTS_ALL, VM_READ_WRITE,
} from "../cspace/cte";
import { cteInsertNew, hasChildren } from "../cspace/cdt";
import { DeleteResult } from "../cspace/delete";
import { preemptionPoint } from "../api/preemption";
import { lookupSlotForCNodeOp, cnodeSlot, setMissingCapabilityFault } from "../cspace/lookup";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage, errorInvalidArgument,
  errorRange, errorFailedLookup, errorDeleteFirst, errorNotEnoughMemory, errorCode,
} from "../api/invocation";
import { vspacePhysWindow, vspaceKernelPd, pdCopyKernelWindow } from "../arch/x86/vspace";
import { tcbOfObject, allocThreadId, setTcbTimeSlice, TCB_ID } from "./tcb";
import { TIME_SLICE_TICKS } from "../sched/scheduler";
import { archInitContext } from "../arch/x86/context";
import {
  LABEL_UNTYPED_RETYPE, OBJ_UNTYPED, OBJ_TCB, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_CAP_TABLE, OBJ_X86_4K,
  OBJ_X86_LARGE_PAGE, OBJ_X86_PAGE_TABLE, OBJ_X86_PAGE_DIRECTORY, seL4_NoError, seL4_WordBits, seL4_MinUntypedBits,
  seL4_MaxUntypedBits, seL4_TCBBits, seL4_EndpointBits, seL4_NotificationBits, seL4_PageBits, seL4_LargePageBits,
  seL4_PageTableBits, seL4_PageDirBits, seL4_UntypedRetypeMaxObjects,
} from "../../libs/abi/sel4.gen";

/** seL4_ObjectTypeCount for ia32: one past the last object type. */
// @ts-ignore: decorator
@inline export const OBJECT_TYPE_COUNT: u32 = OBJ_X86_PAGE_DIRECTORY + 1;

/** The watermark counts in units of 2^seL4_MinUntypedBits bytes. */
// @ts-ignore: decorator
@inline export const UNTYPED_FREE_INDEX_BITS: u32 = 4;
// @ts-ignore: decorator
@inline const FREE_INDEX_BITS: u32 = UNTYPED_FREE_INDEX_BITS;

/** log2 of an object's size (seL4's getObjectSize); `userSize` is the caller's size argument. */
export function objectSizeBits(type: u32, userSize: u32): u32 {
  switch (type) {
    case OBJ_UNTYPED: return userSize;
    case OBJ_TCB: return seL4_TCBBits;
    case OBJ_ENDPOINT: return seL4_EndpointBits;
    case OBJ_NOTIFICATION: return seL4_NotificationBits;
    case OBJ_CAP_TABLE: return userSize + CTE_SIZE_BITS;
    case OBJ_X86_4K: return seL4_PageBits;
    case OBJ_X86_LARGE_PAGE: return seL4_LargePageBits;
    case OBJ_X86_PAGE_TABLE: return seL4_PageTableBits;
    case OBJ_X86_PAGE_DIRECTORY: return seL4_PageDirBits;
    default: return 0;
  }
}

// @ts-ignore: decorator
@inline function isFrameType(type: u32): bool {
  return type == OBJ_X86_4K || type == OBJ_X86_LARGE_PAGE;
}

// What decodeUntypedInvocation found, for invokeUntypedRetype.
let retypeType: u32 = 0;
let retypeUserSize: u32 = 0;
let retypeDestCNode: usize = 0;
let retypeOffset: u32 = 0;
let retypeCount: u32 = 0;
let retypeReset: bool = false;
let retypeBase: u32 = 0;

/**
 * Checks an invocation of the untyped capability in `slot`. Arguments, as
 * libsel4's seL4_Untyped_Retype sends them: type, size_bits, node_index,
 * node_depth, node_offset, num_objects; the extra capability is the root
 * CNode the destination is looked up in. Returns seL4_NoError, or the
 * error with its details set (kernel/api/invocation.ts).
 */
export function decodeUntypedInvocation(slot: usize): u32 {
  if (invLabel != LABEL_UNTYPED_RETYPE) return errorIllegalOperation();
  const root = invExtraCap(0);
  if (invLength < 6 || root == 0) return errorTruncatedMessage();
  const type = invArg(0);
  const userSize = invArg(1);
  const nodeIndex = invArg(2);
  const nodeDepth = invArg(3);
  const nodeOffset = invArg(4);
  const nodeWindow = invArg(5);

  if (type >= OBJECT_TYPE_COUNT) return errorInvalidArgument(0);
  // A huge size_bits would overflow the object size: anything >= 32 is nonsense anyway.
  if (userSize >= seL4_WordBits || objectSizeBits(type, userSize) > seL4_MaxUntypedBits) return errorRange(0, seL4_MaxUntypedBits);
  if (type == OBJ_CAP_TABLE && userSize == 0) return errorInvalidArgument(1);
  if (type == OBJ_UNTYPED && userSize < seL4_MinUntypedBits) return errorInvalidArgument(1);

  // The destination CNode: the root itself at depth 0, else looked up in it.
  let node = root;
  if (nodeDepth != 0) {
    node = lookupSlotForCNodeOp(false, root, nodeIndex, nodeDepth);
    if (node == 0) return errorCode;
  }
  if (capTag(node) != CAP_CNODE_CAP) {
    setMissingCapabilityFault(nodeDepth);
    return errorFailedLookup(false);
  }
  const nodeSize: u32 = <u32>1 << cnodeRadix(node);
  if (nodeOffset > nodeSize - 1) return errorRange(0, nodeSize - 1);
  if (nodeWindow < 1 || nodeWindow > seL4_UntypedRetypeMaxObjects) return errorRange(1, seL4_UntypedRetypeMaxObjects);
  if (nodeWindow > nodeSize - nodeOffset) return errorRange(1, nodeSize - nodeOffset);
  for (let i: u32 = 0; i < nodeWindow; i++) {
    if (!isNullCap(cnodeSlot(node, nodeOffset + i))) return errorDeleteFirst();
  }

  // Free space: all of it after a reset (no children), else above the watermark.
  const reset = !hasChildren(slot);
  const freeIndex: u32 = reset ? 0 : untypedFreeIndex(slot);
  const sizeBits = untypedSizeBits(slot);
  const used: u64 = <u64>freeIndex << FREE_INDEX_BITS;
  const freeBytes: u64 = (<u64>1 << sizeBits) - used;
  const objectBits = objectSizeBits(type, userSize);
  if ((freeBytes >> objectBits) < <u64>nodeWindow) return errorNotEnoughMemory(<u32>min<u64>(freeBytes, 0xFFFFFFFF));
  const isDevice = untypedIsDevice(slot);
  if (isDevice && !isFrameType(type) && type != OBJ_UNTYPED) return errorInvalidArgument(1);

  // Align the first object to its size (the untyped is aligned to its own size).
  const alignMask: u64 = (<u64>1 << objectBits) - 1;
  const alignedUsed: u64 = (used + alignMask) & ~alignMask;
  retypeType = type;
  retypeUserSize = userSize;
  retypeDestCNode = node;
  retypeOffset = nodeOffset;
  retypeCount = nodeWindow;
  retypeReset = reset;
  retypeBase = capObjectPhys(slot) + <u32>alignedUsed;
  return seL4_NoError;
}

/** Bytes an untyped's reset clears between two preemption points. */
// @ts-ignore: decorator
@inline export const RESET_CHUNK_BITS: u32 = 12;

/**
 * An untyped without children starts over: its memory below the watermark
 * is cleared, from the top down in chunks of 2^RESET_CHUNK_BITS bytes, the
 * watermark following each chunk, with a preemption point after each. So
 * a reset that is preempted goes on, when the Retype is restarted, where it
 * stopped. Device memory is not cleared. Returns false when preempted.
 */
function resetUntyped(slot: usize): bool {
  if (untypedIsDevice(slot)) {
    setUntypedFreeIndex(slot, 0);
    return true;
  }
  const base = vspacePhysWindow() + <usize>capObjectPhys(slot);
  const chunk: u32 = <u32>1 << RESET_CHUNK_BITS;
  let used: u32 = untypedFreeIndex(slot) << FREE_INDEX_BITS;
  while (used != 0) {
    const from = (used - 1) & ~(chunk - 1);
    memory.fill(base + <usize>from, 0, used - from);
    used = from;
    setUntypedFreeIndex(slot, used >>> FREE_INDEX_BITS);
    if (used != 0 && preemptionPoint()) return false;
  }
  return true;
}

/** Makes one object of the decoded type at `phys` and returns its capability. */
function createObject(phys: u32, isDevice: bool): u64 {
  const type = retypeType;
  const bits = objectSizeBits(type, retypeUserSize);
  switch (type) {
    case OBJ_UNTYPED: return untypedCap(phys, bits, isDevice, 0);
    case OBJ_TCB:
      store<u32>(tcbOfObject(vspacePhysWindow() + <usize>phys), allocThreadId(), TCB_ID);
      archInitContext(tcbOfObject(vspacePhysWindow() + <usize>phys)); // user selectors, EFLAGS 0x202: an iret with CS 0 would fault in the kernel
      setTcbTimeSlice(tcbOfObject(vspacePhysWindow() + <usize>phys), TIME_SLICE_TICKS);
      return threadCap(phys);
    case OBJ_ENDPOINT: return endpointCap(phys, 0, RIGHTS_ALL);
    case OBJ_NOTIFICATION: return notificationCap(phys, 0, RIGHTS_ALL);
    case OBJ_CAP_TABLE: return cnodeCap(phys, retypeUserSize, 0, 0);
    case OBJ_X86_4K: return frameCap(phys, false, isDevice, VM_READ_WRITE);
    case OBJ_X86_LARGE_PAGE: return frameCap(phys, true, isDevice, VM_READ_WRITE);
    case OBJ_X86_PAGE_TABLE: return pageTableCap(phys);
    case OBJ_X86_PAGE_DIRECTORY:
      pdCopyKernelWindow(phys, vspaceKernelPd()); // the kernel window's entries; the user half is zero already
      return pageDirectoryCap(phys);
    default: return 0; // decodeUntypedInvocation admits no other type
  }
}

/** Carries out the retype decodeUntypedInvocation checked, for the untyped in `slot`. */
export function invokeUntypedRetype(slot: usize): DeleteResult {
  const bits = objectSizeBits(retypeType, retypeUserSize);
  const isDevice = untypedIsDevice(slot);
  if (retypeReset && !resetUntyped(slot)) return DeleteResult.Preempted;
  const end = retypeBase - capObjectPhys(slot) + (retypeCount << bits);
  setUntypedFreeIndex(slot, end >>> FREE_INDEX_BITS);
  for (let i: u32 = 0; i < retypeCount; i++) {
    const cap = createObject(retypeBase + (i << bits), isDevice);
    cteInsertNew(slot, cnodeSlot(retypeDestCNode, retypeOffset + i), cap);
  }
  return DeleteResult.Done;
}
