// userland/sel4test/env.ts: shorthands the in-OS tests share.
//
// Owns: small helpers over the user library for the tests in this
// directory: rights words, making objects from the test's untyped share,
// copying and deleting within the test's CNode, and the seL4 error
// details a failed invocation leaves in the IPC buffer, and starting
// threads in the test's own address space.
// Must not: check anything itself (the tests do, through libs/user/testing.ts).

import {
  CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT, CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT,
  CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT, seL4_NoError,
} from "../../libs/abi/sel4.gen";
import { seL4_Untyped_Retype, seL4_CNode_Copy, seL4_CNode_Delete, seL4_CNode_Mint } from "../../libs/user/invocations.gen";
import { seL4_GetMR } from "../../libs/user/ipc";
import { MY_CNODE, MY_VSPACE, MY_TCB, DEPTH, myUntyped, freeSlot, freeSlots, checkEq } from "../../libs/user/testing";
import { threadAreaInit, threadCreate, threadResume, THREAD_SLOTS } from "../../libs/user/thread";

// @ts-ignore: decorator
@inline export const R_WRITE: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT;
// @ts-ignore: decorator
@inline export const R_READ: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT;
// @ts-ignore: decorator
@inline export const R_GRANT: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_SHIFT;
// @ts-ignore: decorator
@inline export const R_GRANT_REPLY: u32 = <u32>1 << CAP_RIGHTS_CAP_ALLOW_GRANT_REPLY_SHIFT;
// @ts-ignore: decorator
@inline export const R_ALL: u32 = R_WRITE | R_READ | R_GRANT | R_GRANT_REPLY;
// @ts-ignore: decorator
@inline export const R_RW: u32 = R_WRITE | R_READ;

/** Makes one object of `type` (size `bits` for CNodes and untypeds) in a fresh slot of the test's CNode; returns the slot (checked). */
export function make(type: u32, bits: u32): u32 {
  const slot = freeSlot();
  checkEq(seL4_Untyped_Retype(myUntyped(), type, bits, MY_CNODE, 0, 0, slot, 1), seL4_NoError, "Untyped_Retype of a test object");
  return slot;
}

/** Makes `n` objects in consecutive fresh slots; returns the first. */
export function makeN(type: u32, bits: u32, n: u32): u32 {
  const slot = freeSlots(n);
  checkEq(seL4_Untyped_Retype(myUntyped(), type, bits, MY_CNODE, 0, 0, slot, n), seL4_NoError, "Untyped_Retype of test objects");
  return slot;
}

/** CNode_Copy within the test's CNode; returns the error. */
export function copy(dest: u32, src: u32, rights: u32): u32 {
  return seL4_CNode_Copy(MY_CNODE, dest, DEPTH, MY_CNODE, src, DEPTH, rights);
}

/** CNode_Mint within the test's CNode; returns the error. */
export function mint(dest: u32, src: u32, rights: u32, badge: u32): u32 {
  return seL4_CNode_Mint(MY_CNODE, dest, DEPTH, MY_CNODE, src, DEPTH, rights, badge);
}

/** CNode_Delete within the test's CNode; returns the error. */
export function del(slot: u32): u32 {
  return seL4_CNode_Delete(MY_CNODE, slot, DEPTH);
}

/** Message register `i` of the last reply (a failed invocation's details: libs/abi/sel4.def.ts ERROR_MR_*). */
export function detail(i: i32): u32 {
  return seL4_GetMR(i);
}

// ── Threads in the test's own address space (libs/user/thread.ts) ─────────

let threadAreaReady = false;
let threadsMade: u32 = 0;

/**
 * Starts a thread in the test's CSpace and VSpace running threadMain(kind,
 * arg) (userland/sel4test/main.ts) at `prio`, with `faultEp` (a slot of
 * ours, 0 for none) as its fault endpoint; resumed unless `resume` is
 * false. Returns its TCB's slot (checked).
 */
export function spawn(kind: i32, arg: u32, prio: u32, faultEp: u32 = 0, resume: bool = true): u32 {
  if (!threadAreaReady) {
    checkEq(threadAreaInit(myUntyped(), MY_CNODE, MY_VSPACE, freeSlot()), seL4_NoError, "map the thread area's page table");
    threadAreaReady = true;
  }
  const first = freeSlots(THREAD_SLOTS);
  checkEq(threadCreate(myUntyped(), MY_CNODE, MY_VSPACE, first, threadsMade++, kind, arg, prio, MY_TCB, faultEp), seL4_NoError, "make a thread");
  if (resume) checkEq(threadResume(first), seL4_NoError, "resume it");
  return first;
}
