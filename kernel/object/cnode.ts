// kernel/object/cnode.ts: CNode invocations.
//
// Owns: decodeCNodeInvocation (every check seL4 makes for Revoke, Delete,
// CancelBadgedSends, Copy, Mint, Move, Mutate, Rotate and SaveCaller, in
// seL4's order, each with its exact error) and invokeCNode (the change to
// the slots, which cannot fail: it may only stop at a preemption point,
// to be restarted).
// Arguments follow libsel4's stubs: MR0 dest_index, MR1 dest_depth; Copy,
// Mint, Move and Mutate then MR2 src_index, MR3 src_depth, MR4 rights (or
// Mutate's badge/guard), MR5 Mint's badge/guard, with the source root as
// extra capability 0; Rotate MR2 pivot_badge, MR3 pivot_index, MR4
// pivot_depth, MR5 src_badge, MR6 src_index, MR7 src_depth, with the pivot
// and source roots as extra capabilities 0 and 1.
// Must not: fail in invokeCNode.
//
// see: seL4 reference manual, "CNode" invocations; seL4 src/object/cnode.c
// (decodeCNodeInvocation), facts only.

import {
  capTag, capWords, isNullCap, capRights, capBadge, replyIsMaster, CAP_ENDPOINT_CAP, CAP_REPLY_CAP, RIGHT_READ, RIGHT_WRITE, RIGHT_GRANT, RIGHT_GRANT_REPLY,
} from "../cspace/cte";
import { maskCapRights, updateCapData, deriveCap, derivedCap, DeriveResult } from "../cspace/derive";
import { cteInsert, cteMove, cteSwap, hasChildren } from "../cspace/cdt";
import { cteDelete, cteRevoke, DeleteResult } from "../cspace/delete";
import { lookupSlotForCNodeOp, setMissingCapabilityFault } from "../cspace/lookup";
import { tcbSlot, TCB_CALLER } from "./tcb";
import { currentThread } from "../sched/scheduler";
import { cancelBadgedSends, endpointOf } from "./endpoint";
import {
  invLabel, invLength, invArg, invExtraCap, errorIllegalOperation, errorTruncatedMessage,
  errorFailedLookup, errorDeleteFirst, errorRevokeFirst, errorCode,
} from "../api/invocation";
import {
  LABEL_CNODE_REVOKE, LABEL_CNODE_DELETE, LABEL_CNODE_CANCEL_BADGED_SENDS, LABEL_CNODE_COPY, LABEL_CNODE_MINT,
  LABEL_CNODE_MOVE, LABEL_CNODE_MUTATE, LABEL_CNODE_ROTATE, LABEL_CNODE_SAVE_CALLER, seL4_NoError,
} from "../../libs/abi/sel4.gen";

/** What invokeCNode will do (set by a successful decode). */
export enum CNodeOp {
  Revoke, Delete, CancelBadgedSends, Insert, Move, Rotate, SaveCaller,
}

let op = CNodeOp.Delete;
let destSlot: usize = 0;
let srcSlot: usize = 0;
let pivotSlot: usize = 0;
let newCap: u64 = 0;
let newPivotCap: u64 = 0;

/** Decodes an invocation of the CNode capability in slot `cnode`. Returns seL4_NoError or the error. */
export function decodeCNodeInvocation(cnode: usize): u32 {
  const label = invLabel;
  if (label < LABEL_CNODE_REVOKE || label > LABEL_CNODE_SAVE_CALLER) return errorIllegalOperation();
  if (invLength < 2) return errorTruncatedMessage();
  const dest = lookupSlotForCNodeOp(false, cnode, invArg(0), invArg(1));
  if (dest == 0) return errorCode;
  destSlot = dest;

  if (label >= LABEL_CNODE_COPY && label <= LABEL_CNODE_MUTATE) {
    const srcRoot = invExtraCap(0);
    if (invLength < 4 || srcRoot == 0) return errorTruncatedMessage();
    if (!isNullCap(dest)) return errorDeleteFirst();
    const srcDepth = invArg(3);
    const src = lookupSlotForCNodeOp(true, srcRoot, invArg(2), srcDepth);
    if (src == 0) return errorCode;
    if (isNullCap(src)) {
      setMissingCapabilityFault(srcDepth);
      return errorFailedLookup(true);
    }
    srcSlot = src;
    const cap = capWords(src);
    if (label == LABEL_CNODE_COPY || label == LABEL_CNODE_MINT) {
      if (invLength < (label == LABEL_CNODE_COPY ? <u32>5 : <u32>6)) return errorTruncatedMessage();
      let c = maskCapRights(invArg(4), cap);
      if (label == LABEL_CNODE_MINT) c = updateCapData(false, invArg(5), c);
      const r = deriveCap(c, hasChildren(src));
      if (r == DeriveResult.RevokeFirst) return errorRevokeFirst();
      if (r == DeriveResult.IllegalOperation) return errorIllegalOperation();
      if (derivedCap == 0) return errorIllegalOperation(); // nothing to copy
      newCap = derivedCap;
      op = CNodeOp.Insert;
      return seL4_NoError;
    }
    if (label == LABEL_CNODE_MOVE) {
      newCap = cap;
    } else {
      if (invLength < 5) return errorTruncatedMessage();
      newCap = updateCapData(true, invArg(4), cap);
      if (newCap == 0) return errorIllegalOperation();
    }
    op = CNodeOp.Move;
    return seL4_NoError;
  }
  if (label == LABEL_CNODE_REVOKE) {
    op = CNodeOp.Revoke;
    return seL4_NoError;
  }
  if (label == LABEL_CNODE_DELETE) {
    op = CNodeOp.Delete;
    return seL4_NoError;
  }
  if (label == LABEL_CNODE_SAVE_CALLER) {
    if (!isNullCap(dest)) return errorDeleteFirst();
    op = CNodeOp.SaveCaller;
    return seL4_NoError;
  }
  if (label == LABEL_CNODE_CANCEL_BADGED_SENDS) {
    // Only a capability with every right to an endpoint may cancel its badged sends.
    const all = RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT | RIGHT_GRANT_REPLY;
    if (capTag(dest) != CAP_ENDPOINT_CAP || (capRights(dest) & all) != all) return errorIllegalOperation();
    op = CNodeOp.CancelBadgedSends;
    return seL4_NoError;
  }
  // Rotate.
  const pivotRoot = invExtraCap(0);
  const srcRoot = invExtraCap(1);
  if (invLength < 8 || pivotRoot == 0 || srcRoot == 0) return errorTruncatedMessage();
  const pivotData = invArg(2);
  const pivotDepth = invArg(4);
  const srcData = invArg(5);
  const srcDepth = invArg(7);
  const src = lookupSlotForCNodeOp(true, srcRoot, invArg(6), srcDepth);
  if (src == 0) return errorCode;
  const pivot = lookupSlotForCNodeOp(true, pivotRoot, invArg(3), pivotDepth);
  if (pivot == 0) return errorCode;
  if (pivot == src || pivot == dest) return errorIllegalOperation();
  if (src != dest && !isNullCap(dest)) return errorDeleteFirst();
  if (isNullCap(src)) {
    setMissingCapabilityFault(srcDepth);
    return errorFailedLookup(true);
  }
  if (isNullCap(pivot)) {
    setMissingCapabilityFault(pivotDepth);
    return errorFailedLookup(false);
  }
  const newSrc = updateCapData(true, srcData, capWords(src));
  const newPivot = updateCapData(true, pivotData, capWords(pivot));
  if (newSrc == 0 || newPivot == 0) return errorIllegalOperation();
  srcSlot = src;
  pivotSlot = pivot;
  newCap = newSrc;
  newPivotCap = newPivot;
  op = CNodeOp.Rotate;
  return seL4_NoError;
}

/** Carries out what decodeCNodeInvocation checked. Returns Preempted if a long revoke or delete must be restarted. */
export function invokeCNode(): DeleteResult {
  switch (op) {
    case CNodeOp.Revoke: return cteRevoke(destSlot);
    case CNodeOp.Delete: return cteDelete(destSlot, true);
    case CNodeOp.Insert:
      cteInsert(newCap, srcSlot, destSlot);
      return DeleteResult.Done;
    case CNodeOp.Move:
      cteMove(newCap, srcSlot, destSlot);
      return DeleteResult.Done;
    case CNodeOp.Rotate:
      if (srcSlot == destSlot) {
        cteSwap(newCap, srcSlot, newPivotCap, pivotSlot);
      } else {
        cteMove(newPivotCap, pivotSlot, destSlot);
        cteMove(newCap, srcSlot, pivotSlot);
      }
      return DeleteResult.Done;
    case CNodeOp.SaveCaller: {
      // The reply capability the last Call left in the caller's tcbCaller slot moves here (none: nothing, as in seL4).
      const caller = tcbSlot(currentThread(), TCB_CALLER);
      if (capTag(caller) == CAP_REPLY_CAP && !replyIsMaster(caller)) cteMove(capWords(caller), caller, destSlot);
      return DeleteResult.Done;
    }
    case CNodeOp.CancelBadgedSends: {
      // An unbadged capability cancels nothing (seL4: only badged sends can be told apart).
      const badge = capBadge(destSlot);
      if (badge != 0) cancelBadgedSends(endpointOf(destSlot), badge);
      return DeleteResult.Done;
    }
    default:
      return DeleteResult.Done;
  }
}
