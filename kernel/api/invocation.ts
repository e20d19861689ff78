// kernel/api/invocation.ts: the invocation being decoded, and the error it ends with.
//
// Owns: the arguments of the current invocation as the decoders see them
// (the label, the message words, the extra capabilities' slots), and
// seL4's syscall error (current_syscall_error): the error code and its
// details (argument number, range, which lookup failed, bytes left), set
// by the decoders and copied to the caller's message registers by the
// reply wrapper (seL4's INVOCATION_ERROR_MRS layout).
// Every decoder returns the error code (seL4_NoError when the invocation
// may go ahead), so an error path is one `return setError...(...)`.
// Must not: decide anything about an object; it only carries values.

import {
  seL4_NoError, seL4_InvalidArgument, seL4_InvalidCapability, seL4_IllegalOperation, seL4_RangeError,
  seL4_FailedLookup, seL4_TruncatedMessage, seL4_DeleteFirst, seL4_RevokeFirst, seL4_NotEnoughMemory, seL4_AlignmentError,
  seL4_MsgMaxExtraCaps,
} from "../../libs/abi/sel4.gen";

/** Message words a decoder may read; longer messages are cut here (no invocation takes more). */
// @ts-ignore: decorator
@inline export const INVOCATION_MAX_ARGS: i32 = 16;

const argBuffer = memory.data(INVOCATION_MAX_ARGS * 4);
const extraCapSlots = memory.data(seL4_MsgMaxExtraCaps * 4);

/** The invocation label (seL4's message info label). */
export let invLabel: u32 = 0;
/** Message words the caller sent (the message info's length). */
export let invLength: u32 = 0;
/** Extra capabilities found (their slots are invExtraCap(0..n-1)). */
export let invExtraCount: u32 = 0;

/** Starts a new invocation: label, length, no arguments, no extra capabilities, no error. */
export function invocationBegin(label: u32, length: u32): void {
  invLabel = label;
  invLength = length;
  invExtraCount = 0;
  errorCode = seL4_NoError;
}

/** Sets message word `i` (the syscall layer copies them in; tests too). */
export function invocationSetArg(i: i32, value: u32): void {
  if (i >= 0 && i < INVOCATION_MAX_ARGS) store<u32>(argBuffer + (<usize>i << 2), value);
}

/** Where the argument words are kept (the syscall layer copies a message's words straight in). */
// @ts-ignore: decorator
@inline export function invocationArgs(): usize {
  return argBuffer;
}

/** Adds the slot of the next extra capability. */
export function invocationAddExtraCap(slot: usize): void {
  if (invExtraCount < seL4_MsgMaxExtraCaps) {
    store<u32>(extraCapSlots + (<usize>invExtraCount << 2), <u32>slot);
    invExtraCount++;
  }
}

/** Message word `i`; only meaningful for i < invLength (decoders check the length first). */
// @ts-ignore: decorator
@inline export function invArg(i: i32): u32 {
  return load<u32>(argBuffer + (<usize>i << 2));
}

/** The slot of extra capability `i`, or 0 if the caller sent fewer. */
// @ts-ignore: decorator
@inline export function invExtraCap(i: u32): usize {
  return i < invExtraCount ? <usize>load<u32>(extraCapSlots + (<usize>i << 2)) : 0;
}

// ── The syscall error ────────────────────────────────────────────────

/** The error code of the last decode (seL4_NoError if it succeeded). */
export let errorCode: u32 = seL4_NoError;
/** InvalidArgument: the argument's number; InvalidCapability: the capability's number. */
export let errorNumber: u32 = 0;
/** RangeError: the allowed range. */
export let errorRangeMin: u32 = 0;
export let errorRangeMax: u32 = 0;
/** FailedLookup: 1 if the lookup that failed was of a source slot; the fault itself is in kernel/cspace/lookup.ts. */
export let errorFailedLookupWasSource: u32 = 0;
/** NotEnoughMemory: bytes left in the untyped. */
export let errorMemoryLeft: u32 = 0;

export function errorInvalidArgument(n: u32): u32 {
  errorNumber = n;
  return errorCode = seL4_InvalidArgument;
}
export function errorInvalidCapability(n: u32): u32 {
  errorNumber = n;
  return errorCode = seL4_InvalidCapability;
}
export function errorIllegalOperation(): u32 {
  return errorCode = seL4_IllegalOperation;
}
export function errorRange(min: u32, max: u32): u32 {
  errorRangeMin = min;
  errorRangeMax = max;
  return errorCode = seL4_RangeError;
}
/** A failed lookup; kernel/cspace/lookup.ts already holds the fault's kind and details. */
export function errorFailedLookup(wasSource: bool): u32 {
  errorFailedLookupWasSource = wasSource ? 1 : 0;
  return errorCode = seL4_FailedLookup;
}
export function errorTruncatedMessage(): u32 {
  return errorCode = seL4_TruncatedMessage;
}
export function errorDeleteFirst(): u32 {
  return errorCode = seL4_DeleteFirst;
}
/** A virtual address not aligned to the frame's size (no details). */
export function errorAlignment(): u32 {
  return errorCode = seL4_AlignmentError;
}
export function errorRevokeFirst(): u32 {
  return errorCode = seL4_RevokeFirst;
}
export function errorNotEnoughMemory(left: u32): u32 {
  errorMemoryLeft = left;
  return errorCode = seL4_NotEnoughMemory;
}
