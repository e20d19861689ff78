// kernel/cspace/delete.ts: deleting and revoking capabilities, and finalising objects.
//
// Owns: cteDelete (empty a slot; when its capability was the last one to
// its object, finalise the object first), cteRevoke (delete every
// descendant of a slot), and finaliseCap, which says what deleting the
// last capability to each kind of object involves (for the VSpace objects,
// seL4's Arch_finaliseCap: a mapped frame capability is unmapped whether
// it is the last or not; the last capability to a mapped page table takes
// it out of its directory; the last to a page directory frees its ASID,
// the last to an ASID pool its block of ASIDs; the last capability to an
// endpoint or notification releases every thread waiting on it, which
// runs its system call again, and unbinds a bound thread; the last
// IRQHandler capability frees its IRQ, the last capability to an IOPort
// range frees its ports, seL4's freeIOPortRange).
// A CNode's last capability becomes a zombie: a capability that remembers
// the CNode's slots and how many are left, and stays in the slot while
// they are deleted one by one from the last. Deleting one of those slots
// may meet the last capability to another CNode, which becomes a zombie in
// turn; a zombie that would have to clear its own slot (a CNode that holds
// the last capability to itself, directly or through a cycle) is swapped
// into its own first slot and cleared from there. This is seL4's
// algorithm, and it needs no memory beyond the slots themselves.
// Long deletions call preemptionPoint() between slots.
// Must not: check user arguments (the decoders in kernel/object/ do), or
// keep state between calls beyond what the slots say.
//
// see: seL4 src/object/cnode.c (cteDelete, finaliseSlot, reduceZombie,
// cteRevoke) and src/object/objecttype.c (finaliseCap), facts only.

import {
  capWords, setCapWords, capTag, capObjectPhys, capPagePhys, cnodeRadix, mdbNext, isNullCap,
  zombieCap, zombiePtr, zombieNumber, zombieType, setZombieNumber, ZOMBIE_TCB,
  frameIsLarge, frameMappedAsid, frameMappedVaddr, tableIsMapped, tableMappedAsid, tableMappedVaddr, asidPoolBase,
  CAP_CNODE_CAP, CAP_ZOMBIE_CAP, CAP_THREAD_CAP, CAP_FRAME_CAP, CAP_PAGE_TABLE_CAP, CAP_PAGE_DIRECTORY_CAP,
  CAP_ASID_POOL_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP, CAP_IRQ_HANDLER_CAP, capIrq, CAP_IO_PORT_CAP, ioPortFirst, ioPortLast,
} from "./cte";
import { deletingIRQHandler } from "../object/irq";
import { cteEmpty, cteSwap, isFinalCapability, isParentOf } from "./cdt";
import { slotAtPhys } from "./lookup";
import { tcbOfObject } from "../object/tcb";
import { threadDestroyed } from "../sched/scheduler";
import { unbindNotification, unbindMaybeNotification, cancelAllSignals } from "../object/notification";
import { cancelAllIPC } from "../object/endpoint";
import { suspendThread } from "../object/thread-control";
import { preemptionPoint } from "../api/preemption";
import { vspacePhysWindow } from "../arch/x86/vspace";
import { unmapFrame } from "../object/frame";
import { unmapPageTableOf } from "../object/page-table";
import { deleteASID, deleteASIDPool } from "../arch/x86/asid";
import { ioPortFreeRange } from "../object/ioport";

/**
 * A TCB object's slots, at its start (seL4's tcbCTable, tcbVTable,
 * tcbReply, tcbCaller, tcbBuffer); the thread itself lies in the object's
 * upper half.
 */
// @ts-ignore: decorator
@inline export const TCB_CNODE_ENTRIES: u32 = 5;

// ── Preemption ───────────────────────────────────────────────────────
// Each deletion of a Revoke, and each slot a zombie clears, is a
// preemption point (kernel/api/preemption.ts).

/** What cteDelete and cteRevoke return. */
export enum DeleteResult {
  Done = 0,
  /** Stopped at a preemption point; the caller restarts the system call. */
  Preempted = 1,
}

// ── Finalising ───────────────────────────────────────────────────────

/**
 * What is left of a capability once its object has been finalised (the
 * null capability, or a zombie whose slots must still be cleared), given
 * whether it was the last capability to its object.
 */
function finaliseCap(s: usize, final: bool): u64 {
  switch (capTag(s)) {
    case CAP_CNODE_CAP:
      if (final) {
        const radix = cnodeRadix(s);
        return zombieCap(capObjectPhys(s), radix, <u32>1 << radix);
      }
      return 0;
    case CAP_ZOMBIE_CAP:
      return capWords(s); // still being cleared
    case CAP_THREAD_CAP:
      // The thread stops for good (suspended, its FPU state dropped, its
      // notification unbound); then its own slots (its CSpace and VSpace
      // roots, reply, caller, IPC buffer) are cleared like a CNode's.
      if (final) {
        tcbFinalise(tcbOfObject(vspacePhysWindow() + <usize>capObjectPhys(s)));
        return zombieCap(capObjectPhys(s), ZOMBIE_TCB, TCB_CNODE_ENTRIES);
      }
      return 0;
    case CAP_FRAME_CAP:
      // Every frame capability carries its own mapping, final or not.
      if (frameMappedAsid(s) != 0) unmapFrame(frameIsLarge(s), frameMappedAsid(s), frameMappedVaddr(s), capPagePhys(s));
      return 0;
    case CAP_PAGE_TABLE_CAP:
      if (final && tableIsMapped(s)) unmapPageTableOf(tableMappedAsid(s), tableMappedVaddr(s), capPagePhys(s));
      return 0;
    case CAP_PAGE_DIRECTORY_CAP:
      if (final && tableIsMapped(s)) deleteASID(tableMappedAsid(s), capPagePhys(s));
      return 0;
    case CAP_ASID_POOL_CAP:
      if (final) deleteASIDPool(asidPoolBase(s), capPagePhys(s));
      return 0;
    case CAP_ENDPOINT_CAP:
      if (final) cancelAllIPC(vspacePhysWindow() + <usize>capObjectPhys(s));
      return 0;
    case CAP_NOTIFICATION_CAP:
      if (final) {
        unbindMaybeNotification(capObjectPhys(s));
        cancelAllSignals(vspacePhysWindow() + <usize>capObjectPhys(s));
      }
      return 0;
    case CAP_IRQ_HANDLER_CAP:
      if (final) deletingIRQHandler(capIrq(s)); // the IRQ is free again, its line masked
      return 0;
    case CAP_IO_PORT_CAP:
      // The last capability to a range frees its ports. seL4 frees them once the slot is empty
      // (Arch_postCapDeletion); the slot is emptied right after this, with nothing between.
      if (final) ioPortFreeRange(ioPortFirst(s), ioPortLast(s));
      return 0;
    default:
      // Untyped: the memory returns with a Revoke of its parent. Reply
      // capabilities: nothing (the caller keeps waiting, as in seL4).
      return 0;
  }
}

/** seL4's finalisation of a TCB (unbind, suspend: out of every queue, drop its FPU state), before its slots are cleared. */
function tcbFinalise(t: usize): void {
  unbindNotification(t);
  suspendThread(t);
  threadDestroyed(t);
}

/** Can the slot, which holds a zombie, be emptied now: nothing is left to clear but (at most) the slot itself? */
function zombieRemovable(s: usize): bool {
  const n = zombieNumber(s);
  return n == 0 || (n == 1 && slotAtPhys(zombiePtr(s), 0) == s);
}

/** Is the zombie in `s` the one whose first slot is `s` itself? */
function capCyclicZombie(s: usize): bool {
  return capTag(s) == CAP_ZOMBIE_CAP && slotAtPhys(zombiePtr(s), 0) == s;
}

/** Set when a preemption point stopped the current deletion. */
let preempted = false;

/**
 * Finalises the capability in `s` until the slot can be emptied.
 * Returns true when it can; false when a non-exposed deletion parked a
 * zombie in its own first slot (a revoke of the untyped it came from
 * finishes it, as in seL4), or when preempted. `exposed` is true when a
 * user asked for this slot.
 */
function finaliseSlot(s: usize, exposed: bool): bool {
  while (!isNullCap(s)) {
    const final = isFinalCapability(s);
    const remainder = finaliseCap(s, final);
    if (remainder == 0) return true;
    setCapWords(s, remainder);
    if (zombieRemovable(s)) return true;
    if (!exposed && capCyclicZombie(s)) return false;
    if (!reduceZombie(s, exposed)) return false; // preempted
    if (preemptionPoint()) {
      preempted = true;
      return false;
    }
  }
  return true;
}

/**
 * One step of clearing a zombie's slots. Exposed: delete the last slot
 * still to clear, then count it off (unless the deletion swapped another
 * zombie into this slot). Not exposed: move the zombie into its own first
 * slot, where the deletion that owns that slot will finish it.
 * Returns false if a deletion inside was preempted.
 */
function reduceZombie(s: usize, exposed: bool): bool {
  const ptr = zombiePtr(s);
  const n = zombieNumber(s);
  const type = zombieType(s);
  if (exposed) {
    const end = slotAtPhys(ptr, n - 1);
    if (cteDeleteInner(end, false) == DeleteResult.Preempted) return false;
    if (capTag(s) == CAP_ZOMBIE_CAP && zombiePtr(s) == ptr && zombieNumber(s) == n && zombieType(s) == type) {
      setZombieNumber(s, n - 1);
    }
    return true;
  }
  const first = slotAtPhys(ptr, 0);
  if (first != s) cteSwap(capWords(first), first, capWords(s), s);
  return true;
}

function cteDeleteInner(s: usize, exposed: bool): DeleteResult {
  const done = finaliseSlot(s, exposed);
  if (preempted) return DeleteResult.Preempted;
  if (exposed || done) cteEmpty(s);
  return DeleteResult.Done;
}

/**
 * Deletes the capability in `s`. If it was the last capability to its
 * object, the object is finalised first (a CNode's slots are deleted).
 * `exposed`: the slot is one a user named (a CNode_Delete or a Revoke's
 * descendant); false for the slots a zombie clears.
 */
export function cteDelete(s: usize, exposed: bool): DeleteResult {
  preempted = false;
  return cteDeleteInner(s, exposed);
}

/**
 * Deletes every descendant of the capability in `s` (seL4's cteRevoke):
 * the slots after it in the derivation list for which it is the parent.
 */
export function cteRevoke(s: usize): DeleteResult {
  for (let next = mdbNext(s); next != 0 && isParentOf(s, next); next = mdbNext(s)) {
    if (cteDelete(next, true) == DeleteResult.Preempted) return DeleteResult.Preempted;
    if (preemptionPoint()) return DeleteResult.Preempted;
  }
  return DeleteResult.Done;
}
