// kernel/api/reply.ts: an invocation's outcome as seL4 reports it to the caller.
//
// Owns: the one wrapper that turns the result of a decode (the syscall
// error in kernel/api/invocation.ts, and the lookup fault in
// kernel/cspace/lookup.ts) into the reply: the message info word (label =
// the error code, length = the number of detail words, no capabilities)
// and the detail words in seL4's order (libs/abi/sel4.def.ts
// INVOCATION_ERROR_MRS and INVOCATION_ERROR_LENGTHS). A successful
// invocation replies with an empty message (label 0, length 0) unless the
// invocation itself returns values.
// Must not: write registers or the IPC buffer; the system-call layer copies
// replyInfo and replyWord(i) to where the caller reads them.

import {
  errorCode, errorNumber, errorRangeMin, errorRangeMax, errorFailedLookupWasSource, errorMemoryLeft,
} from "./invocation";
import { lookupFaultType, lookupFaultBitsLeft, lookupFaultBitsFound, lookupFaultGuardFound } from "../cspace/lookup";
import {
  seL4_NoError, seL4_InvalidArgument, seL4_InvalidCapability, seL4_RangeError, seL4_FailedLookup, seL4_NotEnoughMemory,
  seL4_MissingCapability, seL4_DepthMismatch, seL4_GuardMismatch,
  ERROR_LENGTH_INVALID_ARGUMENT, ERROR_LENGTH_INVALID_CAPABILITY, ERROR_LENGTH_RANGE_ERROR,
  ERROR_LENGTH_FAILED_LOOKUP_INVALID_ROOT, ERROR_LENGTH_FAILED_LOOKUP_MISSING_CAPABILITY,
  ERROR_LENGTH_FAILED_LOOKUP_DEPTH_MISMATCH, ERROR_LENGTH_FAILED_LOOKUP_GUARD_MISMATCH, ERROR_LENGTH_NOT_ENOUGH_MEMORY,
  ERROR_MR_INVALID_ARGUMENT_NUMBER, ERROR_MR_INVALID_CAPABILITY_NUMBER, ERROR_MR_RANGE_ERROR_MIN, ERROR_MR_RANGE_ERROR_MAX,
  ERROR_MR_FAILED_LOOKUP_WAS_SOURCE, ERROR_MR_FAILED_LOOKUP_TYPE, ERROR_MR_FAILED_LOOKUP_BITS_LEFT,
  ERROR_MR_FAILED_LOOKUP_DEPTH_MISMATCH_BITS_FOUND, ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_GUARD_FOUND,
  ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_BITS_FOUND, ERROR_MR_NOT_ENOUGH_MEMORY_BYTES_AVAILABLE,
  MSGINFO_LABEL_SHIFT, MSGINFO_LABEL_MASK, MSGINFO_LENGTH_SHIFT, MSGINFO_LENGTH_MASK,
} from "../../libs/abi/sel4.gen";

/**
 * The most words a reply carries: a guard mismatch's 5 details, or an
 * invocation's results (TCB_ReadRegisters returns all 13 registers of
 * seL4_UserContext).
 */
// @ts-ignore: decorator
@inline export const REPLY_MAX_WORDS: i32 = 16;

const words = memory.data(REPLY_MAX_WORDS * 4);

/** The reply's message info (seL4_MessageInfo). */
export let replyInfo: u32 = 0;

/**
 * Result word `i` of a successful invocation that returns values
 * (Frame_GetAddress, PageDirectory_GetStatusBits, TCB_ReadRegisters):
 * invokeX calls replyValue for each, then replyValues(n) once.
 */
export function replyValue(i: i32, v: u32): void {
  if (i >= 0 && i < REPLY_MAX_WORDS) put(<u32>i, v);
}

/** The reply is a successful one carrying result words 0..n-1 (label 0, length n). */
export function replyValues(n: u32): void {
  replyInfo = messageInfo(0, n);
}

/** The reply is an empty success (label 0, length 0): what invokeX leaves unless it calls replyValues. */
export function replyEmpty(): void {
  replyInfo = 0;
}

/** Detail word `i` of the reply (i < the length in replyInfo). */
export function replyWord(i: i32): u32 {
  return i >= 0 && i < REPLY_MAX_WORDS ? load<u32>(words + (<usize>i << 2)) : 0;
}

// @ts-ignore: decorator
@inline function put(i: u32, v: u32): void {
  store<u32>(words + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline function messageInfo(label: u32, length: u32): u32 {
  return ((label & MSGINFO_LABEL_MASK) << MSGINFO_LABEL_SHIFT) | ((length & MSGINFO_LENGTH_MASK) << MSGINFO_LENGTH_SHIFT);
}

/**
 * Builds the reply for the invocation just decoded: seL4_NoError gives an
 * empty message; an error gives label = the code and its details.
 * Returns the number of detail words.
 */
export function buildErrorReply(): u32 {
  const code = errorCode;
  let length: u32 = 0;
  if (code == seL4_InvalidArgument) {
    put(ERROR_MR_INVALID_ARGUMENT_NUMBER, errorNumber);
    length = ERROR_LENGTH_INVALID_ARGUMENT;
  } else if (code == seL4_InvalidCapability) {
    put(ERROR_MR_INVALID_CAPABILITY_NUMBER, errorNumber);
    length = ERROR_LENGTH_INVALID_CAPABILITY;
  } else if (code == seL4_RangeError) {
    put(ERROR_MR_RANGE_ERROR_MIN, errorRangeMin);
    put(ERROR_MR_RANGE_ERROR_MAX, errorRangeMax);
    length = ERROR_LENGTH_RANGE_ERROR;
  } else if (code == seL4_FailedLookup) {
    put(ERROR_MR_FAILED_LOOKUP_WAS_SOURCE, errorFailedLookupWasSource);
    put(ERROR_MR_FAILED_LOOKUP_TYPE, lookupFaultType);
    length = ERROR_LENGTH_FAILED_LOOKUP_INVALID_ROOT;
    if (lookupFaultType == seL4_MissingCapability) {
      put(ERROR_MR_FAILED_LOOKUP_BITS_LEFT, lookupFaultBitsLeft);
      length = ERROR_LENGTH_FAILED_LOOKUP_MISSING_CAPABILITY;
    } else if (lookupFaultType == seL4_DepthMismatch) {
      put(ERROR_MR_FAILED_LOOKUP_BITS_LEFT, lookupFaultBitsLeft);
      put(ERROR_MR_FAILED_LOOKUP_DEPTH_MISMATCH_BITS_FOUND, lookupFaultBitsFound);
      length = ERROR_LENGTH_FAILED_LOOKUP_DEPTH_MISMATCH;
    } else if (lookupFaultType == seL4_GuardMismatch) {
      put(ERROR_MR_FAILED_LOOKUP_BITS_LEFT, lookupFaultBitsLeft);
      put(ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_GUARD_FOUND, lookupFaultGuardFound);
      put(ERROR_MR_FAILED_LOOKUP_GUARD_MISMATCH_BITS_FOUND, lookupFaultBitsFound);
      length = ERROR_LENGTH_FAILED_LOOKUP_GUARD_MISMATCH;
    }
  } else if (code == seL4_NotEnoughMemory) {
    put(ERROR_MR_NOT_ENOUGH_MEMORY_BYTES_AVAILABLE, errorMemoryLeft);
    length = ERROR_LENGTH_NOT_ENOUGH_MEMORY;
  }
  replyInfo = code == seL4_NoError ? 0 : messageInfo(code, length);
  return length;
}
