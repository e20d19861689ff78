// userland/sel4test/cnode.ts: in-OS tests of CNode operations and CSpace lookup.
//
// Owns: the tests that re-express sel4test's cnodeops.c (CNODEOP0001-0009)
// and cspace.c (CSPACE0001), through seL4_Call on real capabilities.
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_DeleteFirst, seL4_FailedLookup, seL4_IllegalOperation, seL4_RangeError, seL4_RevokeFirst,
  seL4_MissingCapability, seL4_DepthMismatch, seL4_GuardMismatch, seL4_InvalidRoot, seL4_InvalidCapability,
  ERROR_MR_FAILED_LOOKUP_WAS_SOURCE, ERROR_MR_FAILED_LOOKUP_TYPE, ERROR_MR_FAILED_LOOKUP_BITS_LEFT,
  ERROR_MR_FAILED_LOOKUP_DEPTH_MISMATCH_BITS_FOUND, ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_GUARD_FOUND,
  ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_BITS_FOUND, ERROR_MR_RANGE_ERROR_MIN, ERROR_MR_RANGE_ERROR_MAX,
  CAP_NULL_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP, CAP_CNODE_CAP, CAP_UNTYPED_CAP,
  OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_X86_4K, OBJ_CAP_TABLE, OBJ_UNTYPED, CNODE_CAPDATA_GUARD_SHIFT, CNODE_CAPDATA_GUARD_SIZE_SHIFT,
} from "../../libs/abi/sel4.gen";
import {
  seL4_CNode_Copy, seL4_CNode_Delete, seL4_CNode_Move, seL4_CNode_Mutate, seL4_CNode_Revoke, seL4_CNode_Rotate,
  seL4_CNode_CancelBadgedSends, seL4_CNode_SaveCaller, seL4_CNode_Mint, seL4_Untyped_Retype,
} from "../../libs/user/invocations.gen";
import { seL4_DebugCapIdentify } from "../../libs/user/ipc";
import { MY_CNODE, DEPTH, freeSlot, check, checkEq, myUntyped } from "../../libs/user/testing";
import { make, copy, mint, del, detail, R_ALL, R_READ, R_WRITE, R_RW, R_GRANT } from "./env";

function ident(slot: u32): u32 {
  return seL4_DebugCapIdentify(slot);
}

/** CNODEOP0001: seL4_CNode_Copy copies a capability, refuses an occupied destination and an empty source. */
export function cnodeCopy(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const a = freeSlot();
  checkEq(copy(a, ep, R_ALL), seL4_NoError, "copy an endpoint");
  checkEq(ident(a), CAP_ENDPOINT_CAP, "the copy is an endpoint capability");
  checkEq(copy(a, ep, R_ALL), seL4_DeleteFirst, "copy onto an occupied slot");
  const empty = freeSlot();
  checkEq(copy(freeSlot(), empty, R_ALL), seL4_FailedLookup, "copy from an empty slot");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_WAS_SOURCE), 1, "the failed lookup was the source");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_MissingCapability, "the source is missing");
}

/** CNODEOP0001 (rights): a copy's rights are the source's masked by the argument, never more. */
export function cnodeCopyRights(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const ro = freeSlot();
  checkEq(copy(ro, ep, R_READ), seL4_NoError, "copy with read only");
  const again = freeSlot();
  checkEq(copy(again, ro, R_ALL), seL4_NoError, "copy the read-only copy asking for all rights");
  // Only an endpoint capability with every right may cancel badged sends: the copy of the copy has read only.
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, again, DEPTH), seL4_IllegalOperation, "rights only shrink");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, ep, DEPTH), seL4_NoError, "the original keeps every right");
}

/** CNODEOP0002: seL4_CNode_Delete empties a slot; deleting an empty slot succeeds. */
export function cnodeDelete(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const a = freeSlot();
  checkEq(copy(a, ep, R_ALL), seL4_NoError, "copy");
  checkEq(del(a), seL4_NoError, "delete the copy");
  checkEq(ident(a), CAP_NULL_CAP, "the slot is empty");
  checkEq(ident(ep), CAP_ENDPOINT_CAP, "the original stays");
  checkEq(del(a), seL4_NoError, "delete an empty slot");
  checkEq(del(ep), seL4_NoError, "delete the last capability");
  checkEq(ident(ep), CAP_NULL_CAP, "and it is gone");
}

/** CNODEOP0003: seL4_CNode_Mint badges an unbadged endpoint once; a badged one cannot be re-badged. */
export function cnodeMint(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const b1 = freeSlot();
  checkEq(mint(b1, ep, R_ALL, 42), seL4_NoError, "mint with badge 42");
  checkEq(ident(b1), CAP_ENDPOINT_CAP, "a badged endpoint");
  const b2 = freeSlot();
  checkEq(mint(b2, b1, R_ALL, 7), seL4_IllegalOperation, "re-badging a badged endpoint");
  checkEq(ident(b2), CAP_NULL_CAP, "nothing was made");
  checkEq(copy(b2, b1, R_ALL), seL4_NoError, "a badged endpoint can be copied");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, b2, DEPTH), seL4_NoError, "the copy keeps every right");
  const n = make(OBJ_NOTIFICATION, 0);
  const nb = freeSlot();
  checkEq(mint(nb, n, R_RW, 0xfffffff), seL4_NoError, "mint a notification with the largest 28-bit badge");
  checkEq(ident(nb), CAP_NOTIFICATION_CAP, "a badged notification");
}

/** CNODEOP0004: seL4_CNode_Move moves a capability, leaving the source empty. */
export function cnodeMove(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const dest = freeSlot();
  checkEq(seL4_CNode_Move(MY_CNODE, dest, DEPTH, MY_CNODE, ep, DEPTH), seL4_NoError, "move");
  checkEq(ident(dest), CAP_ENDPOINT_CAP, "the destination holds it");
  checkEq(ident(ep), CAP_NULL_CAP, "the source is empty");
  checkEq(seL4_CNode_Move(MY_CNODE, dest, DEPTH, MY_CNODE, ep, DEPTH), seL4_DeleteFirst, "move onto an occupied slot");
  checkEq(seL4_CNode_Move(MY_CNODE, freeSlot(), DEPTH, MY_CNODE, ep, DEPTH), seL4_FailedLookup, "move from an empty slot");
}

/** CNODEOP0005: seL4_CNode_Mutate moves and changes a CNode's guard; an endpoint with data is refused. */
export function cnodeMutate(): void {
  const cn = make(OBJ_CAP_TABLE, 4);
  const dest = freeSlot();
  // Guard size 4, guard 5: a lookup through it now needs those bits.
  const data = (4 << CNODE_CAPDATA_GUARD_SIZE_SHIFT) | (5 << CNODE_CAPDATA_GUARD_SHIFT);
  checkEq(seL4_CNode_Mutate(MY_CNODE, dest, DEPTH, MY_CNODE, cn, DEPTH, data), seL4_NoError, "mutate a CNode's guard");
  checkEq(ident(dest), CAP_CNODE_CAP, "still a CNode");
  checkEq(ident(cn), CAP_NULL_CAP, "moved");
  const inner = freeSlot();
  checkEq(copy(inner, dest, R_ALL), seL4_NoError, "copy of the guarded CNode");
  // Store an endpoint in it at index 3, then look it up through guard 5 with depth 4 + 4.
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_Copy(dest, (5 << 4) | 3, 8, MY_CNODE, ep, DEPTH, R_ALL), seL4_NoError, "copy into the guarded CNode");
  checkEq(seL4_CNode_Copy(dest, (6 << 4) | 3, 8, MY_CNODE, ep, DEPTH, R_ALL), seL4_FailedLookup, "a wrong guard fails");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_GuardMismatch, "as a guard mismatch");
  const ep2 = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_Mutate(MY_CNODE, freeSlot(), DEPTH, MY_CNODE, ep2, DEPTH, 9), seL4_IllegalOperation, "mutate an endpoint's badge");
}

/** CNODEOP0006: seL4_CNode_CancelBadgedSends needs an endpoint with every right. */
export function cnodeCancelBadgedSends(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, ep, DEPTH), seL4_NoError, "on an unbadged endpoint");
  const b = freeSlot();
  checkEq(mint(b, ep, R_ALL, 3), seL4_NoError, "mint a badge");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, b, DEPTH), seL4_NoError, "on a badged endpoint");
  const w = freeSlot();
  checkEq(copy(w, ep, R_WRITE), seL4_NoError, "a write-only copy");
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, w, DEPTH), seL4_IllegalOperation, "too few rights");
  const n = make(OBJ_NOTIFICATION, 0);
  checkEq(seL4_CNode_CancelBadgedSends(MY_CNODE, n, DEPTH), seL4_IllegalOperation, "a notification");
}

/** CNODEOP0007: seL4_CNode_Revoke deletes every descendant and nothing else. */
export function cnodeRevoke(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const c1 = freeSlot();
  const c2 = freeSlot();
  const c3 = freeSlot();
  checkEq(copy(c1, ep, R_ALL), seL4_NoError, "copy 1");
  checkEq(copy(c2, c1, R_ALL), seL4_NoError, "copy of the copy");
  checkEq(mint(c3, ep, R_ALL, 9), seL4_NoError, "a badged child");
  const other = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_Revoke(MY_CNODE, ep, DEPTH), seL4_NoError, "revoke");
  checkEq(ident(c1), CAP_NULL_CAP, "copy 1 went");
  checkEq(ident(c2), CAP_NULL_CAP, "its copy went");
  checkEq(ident(c3), CAP_NULL_CAP, "the badged child went");
  checkEq(ident(ep), CAP_ENDPOINT_CAP, "the revoked capability stays");
  checkEq(ident(other), CAP_ENDPOINT_CAP, "an unrelated endpoint stays");
  checkEq(seL4_CNode_Revoke(MY_CNODE, ep, DEPTH), seL4_NoError, "revoke with no descendants");
}

/** CNODEOP0008: seL4_CNode_Rotate moves three slots around, or swaps two; endpoints cannot be rotated (their data would change). */
export function cnodeRotate(): void {
  const a = make(OBJ_UNTYPED, 12);
  const b = make(OBJ_CAP_TABLE, 2);
  const dest = freeSlot();
  // src a -> pivot b's slot, pivot b -> dest.
  checkEq(seL4_CNode_Rotate(MY_CNODE, dest, DEPTH, 0, MY_CNODE, b, DEPTH, 0, MY_CNODE, a, DEPTH), seL4_NoError, "rotate");
  checkEq(ident(dest), CAP_CNODE_CAP, "the pivot moved to the destination");
  checkEq(ident(b), CAP_UNTYPED_CAP, "the source moved to the pivot");
  checkEq(ident(a), CAP_NULL_CAP, "the source is empty");
  // dest == src: a swap.
  checkEq(seL4_CNode_Rotate(MY_CNODE, dest, DEPTH, 0, MY_CNODE, b, DEPTH, 0, MY_CNODE, dest, DEPTH), seL4_NoError, "swap");
  checkEq(ident(dest), CAP_UNTYPED_CAP, "swapped in");
  checkEq(ident(b), CAP_CNODE_CAP, "swapped out");
  checkEq(seL4_CNode_Rotate(MY_CNODE, dest, DEPTH, 0, MY_CNODE, dest, DEPTH, 0, MY_CNODE, b, DEPTH), seL4_IllegalOperation, "pivot equal to destination");
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_Rotate(MY_CNODE, freeSlot(), DEPTH, 0, MY_CNODE, b, DEPTH, 0, MY_CNODE, ep, DEPTH), seL4_IllegalOperation, "an endpoint as the source");
}

/** CNODEOP0009: seL4_CNode_SaveCaller into an empty slot (no caller yet: nothing saved); an occupied slot is DeleteFirst. */
export function cnodeSaveCaller(): void {
  const s = freeSlot();
  checkEq(seL4_CNode_SaveCaller(MY_CNODE, s, DEPTH), seL4_NoError, "save into an empty slot");
  checkEq(ident(s), CAP_NULL_CAP, "nothing to save: no caller");
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_SaveCaller(MY_CNODE, ep, DEPTH), seL4_DeleteFirst, "save onto an occupied slot");
}

/** CSPACE0001: resolution through two levels of CNodes: a guard, then 4 bits, then 4 bits. */
export function cspaceResolve(): void {
  // Level 1: 2^4 slots with a 24-bit guard of 0, so it consumes 28 bits; level 2: 2^4 slots, the last 4.
  const l1raw = make(OBJ_CAP_TABLE, 4);
  const l1 = freeSlot();
  checkEq(seL4_CNode_Mutate(MY_CNODE, l1, DEPTH, MY_CNODE, l1raw, DEPTH, 24 << CNODE_CAPDATA_GUARD_SIZE_SHIFT), seL4_NoError, "give level 1 a 24-bit guard");
  const l2 = make(OBJ_CAP_TABLE, 4);
  checkEq(seL4_CNode_Copy(l1, 5, 28, MY_CNODE, l2, DEPTH, R_ALL), seL4_NoError, "put level 2 in level 1's slot 5 (depth 28)");
  const ep = make(OBJ_ENDPOINT, 0);
  const two = (5 << 4) | 7;
  checkEq(seL4_CNode_Copy(l1, two, 32, MY_CNODE, ep, DEPTH, R_ALL), seL4_NoError, "copy into level 2's slot 7 through both levels");
  checkEq(seL4_CNode_Copy(l2, 8, 4, l1, two, 32, R_ALL), seL4_NoError, "the two-level address is a source too");
  const back = freeSlot();
  checkEq(seL4_CNode_Copy(MY_CNODE, back, DEPTH, l2, 8, 4, R_ALL), seL4_NoError, "copy it back to level 1's owner");
  checkEq(ident(back), CAP_ENDPOINT_CAP, "the endpoint came through");
  checkEq(seL4_CNode_Copy(l1, (6 << 4) | 7, 32, MY_CNODE, ep, DEPTH, R_ALL), seL4_FailedLookup, "level 1's slot 6 is empty");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_DepthMismatch, "the walk stopped at an empty slot with 4 bits left");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_BITS_LEFT), 4, "4 bits left");
}

/** CSPACE0001 (depth): a depth that stops inside a CNode level is a depth mismatch, with the bits left and found. */
export function cspaceDepthMismatch(): void {
  const l2 = make(OBJ_CAP_TABLE, 4);
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_Copy(l2, 1, 3, MY_CNODE, ep, DEPTH, R_ALL), seL4_FailedLookup, "depth 3 into a 4-bit CNode");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_WAS_SOURCE), 0, "the destination failed");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_DepthMismatch, "a depth mismatch");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_BITS_LEFT), 3, "3 bits left");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_DEPTH_MISMATCH_BITS_FOUND), 4, "4 bits found");
  checkEq(seL4_CNode_Copy(l2, 1, 33, MY_CNODE, ep, DEPTH, R_ALL), seL4_RangeError, "depth 33");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MIN), 1, "the range starts at 1");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MAX), 32, "and ends at 32");
}

/** CSPACE0001 (guard): our CNode's 20-bit guard of 0 must match the CPtr's top bits. */
export function cspaceGuardMismatch(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(seL4_CNode_Copy(MY_CNODE, (<u32>1 << 31) | freeSlot(), DEPTH, MY_CNODE, ep, DEPTH, R_ALL), seL4_FailedLookup, "a CPtr with a guard bit set");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_GuardMismatch, "a guard mismatch");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_BITS_LEFT), 32, "32 bits left");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_GUARD_FOUND), 0, "the guard reported: the CNode's own, 0");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_BITS_FOUND), 20, "20 guard bits");
}

/** CSPACE0001 (root): a CNode operation on a root that is not a CNode fails with an invalid root. */
export function cspaceInvalidRoot(): void {
  const ep = make(OBJ_ENDPOINT, 0);
  const n = make(OBJ_NOTIFICATION, 0);
  checkEq(seL4_CNode_Copy(MY_CNODE, freeSlot(), DEPTH, n, ep, DEPTH, R_ALL), seL4_FailedLookup, "a notification as the source root");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_WAS_SOURCE), 1, "the source failed");
  checkEq(detail(ERROR_MR_FAILED_LOOKUP_TYPE), seL4_InvalidRoot, "an invalid root");
  // (An endpoint would take the invocation as a message to send: a frame is not a CNode and takes no CNode label.)
  const frame = make(OBJ_X86_4K, 0);
  checkEq(seL4_CNode_Delete(frame, 0, 1), seL4_IllegalOperation, "invoking a frame with a CNode label");
  checkEq(seL4_CNode_Delete(freeSlot(), 0, 1), seL4_InvalidCapability, "invoking an empty slot");
}

/** CNODEOP0001 (untyped): an untyped with children cannot be copied (RevokeFirst); without, it can. */
export function cnodeCopyUntyped(): void {
  const ut = make(OBJ_UNTYPED, 12);
  const c = freeSlot();
  checkEq(copy(c, ut, R_ALL), seL4_NoError, "copy an untyped without children");
  checkEq(ident(c), CAP_UNTYPED_CAP, "an untyped copy");
  checkEq(del(c), seL4_NoError, "delete the copy");
  checkEq(seL4_Untyped_Retype(ut, OBJ_ENDPOINT, 0, MY_CNODE, 0, 0, freeSlot(), 1), seL4_NoError, "give it a child");
  checkEq(copy(freeSlot(), ut, R_ALL), seL4_RevokeFirst, "copy an untyped with children");
  check(myUntyped() != 0, "the test has an untyped share");
}
