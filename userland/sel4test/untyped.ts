// userland/sel4test/untyped.ts: in-OS tests of Untyped_Retype and untyped memory.
//
// Owns: the tests that re-express sel4test's retype.c (RETYPE0000-0002)
// and trivial.c (TRIVIAL0000-0002: the framework and "the allocator",
// here the test's untyped share).
// Must not: depend on another test's leftovers (each runs in a fresh process).

import {
  seL4_NoError, seL4_InvalidArgument, seL4_RangeError, seL4_NotEnoughMemory, seL4_DeleteFirst, seL4_FailedLookup,
  seL4_IllegalOperation, ERROR_MR_INVALID_ARGUMENT_NUMBER, ERROR_MR_RANGE_ERROR_MIN, ERROR_MR_RANGE_ERROR_MAX,
  ERROR_MR_NOT_ENOUGH_MEMORY_BYTES_AVAILABLE,
  OBJ_UNTYPED, OBJ_TCB, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_CAP_TABLE, OBJ_X86_4K, OBJ_X86_LARGE_PAGE, OBJ_X86_PAGE_TABLE,
  OBJ_X86_PAGE_DIRECTORY, CAP_NULL_CAP, CAP_UNTYPED_CAP, CAP_THREAD_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP, CAP_CNODE_CAP,
  CAP_FRAME_CAP, CAP_PAGE_TABLE_CAP, CAP_PAGE_DIRECTORY_CAP, seL4_MaxUntypedBits, seL4_UntypedRetypeMaxObjects,
  seL4_EndpointBits,
} from "../../libs/abi/sel4.gen";
import { seL4_Untyped_Retype, seL4_CNode_Revoke, seL4_X86_Page_GetAddress, seL4_X86_Page_GetAddress_paddr } from "../../libs/user/invocations.gen";
import { seL4_DebugCapIdentify } from "../../libs/user/ipc";
import { MY_CNODE, DEPTH, freeSlot, freeSlots, check, checkEq, myUntyped, myUntypedBits } from "../../libs/user/testing";
import { make, del, detail } from "./env";

function ident(slot: u32): u32 {
  return seL4_DebugCapIdentify(slot);
}

function retype(ut: u32, type: u32, bits: u32, slot: u32, n: u32): u32 {
  return seL4_Untyped_Retype(ut, type, bits, MY_CNODE, 0, 0, slot, n);
}

const addOne = (x: u32): u32 => x + 1;

/** TRIVIAL0000: the framework runs a test, a check counts, and the language works (a call through a function reference). */
export function trivialFramework(): void {
  check(true, "a check that holds");
  checkEq(1 + 1, 2, "arithmetic");
  checkEq(addOne(5), 6, "a call through a function reference (call_indirect)");
}

/** TRIVIAL0001: the allocator works: objects come from the test's untyped share. */
export function trivialAllocator(): void {
  check(myUntyped() != 0, "the test has an untyped share");
  check(myUntypedBits() >= 16, "of at least 64 KiB");
  checkEq(ident(myUntyped()), CAP_UNTYPED_CAP, "it is an untyped capability");
  const ep = make(OBJ_ENDPOINT, 0);
  checkEq(ident(ep), CAP_ENDPOINT_CAP, "an endpoint from it");
}

/** TRIVIAL0002: the allocator works more than once: make, delete, make again. */
export function trivialAllocatorTwice(): void {
  for (let i = 0; i < 3; i++) {
    const n = make(OBJ_NOTIFICATION, 0);
    checkEq(ident(n), CAP_NOTIFICATION_CAP, "a notification");
    checkEq(del(n), seL4_NoError, "deleted");
  }
}

/** RETYPE0000: every object type can be made, each named by a capability of its kind. */
export function retypeEveryType(): void {
  const ut = make(OBJ_UNTYPED, 23); // 8 MiB: room for a 4 MiB frame, aligned
  // The 4 MiB frame first, at the untyped's start: after smaller objects it would be aligned up past the middle.
  const types = memory.data<u32>([OBJ_X86_LARGE_PAGE, OBJ_UNTYPED, OBJ_TCB, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_CAP_TABLE, OBJ_X86_4K, OBJ_X86_PAGE_TABLE, OBJ_X86_PAGE_DIRECTORY]);
  const tags = memory.data<u32>([CAP_FRAME_CAP, CAP_UNTYPED_CAP, CAP_THREAD_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP, CAP_CNODE_CAP, CAP_FRAME_CAP, CAP_PAGE_TABLE_CAP, CAP_PAGE_DIRECTORY_CAP]);
  for (let i = 0; i < 9; i++) {
    const type = load<u32>(types + <usize>i * 4);
    const slot = freeSlot();
    const bits: u32 = type == OBJ_UNTYPED ? 12 : type == OBJ_CAP_TABLE ? 3 : 0;
    checkEq(retype(ut, type, bits, slot, 1), seL4_NoError, "retype into each type");
    checkEq(ident(slot), load<u32>(tags + <usize>i * 4), "a capability of the type's kind");
  }
}

/** RETYPE0000 (errors): bad types, sizes, destinations and counts give seL4's errors. */
export function retypeErrors(): void {
  const ut = myUntyped();
  checkEq(retype(ut, 9, 0, freeSlot(), 1), seL4_InvalidArgument, "object type 9 does not exist on ia32");
  checkEq(detail(ERROR_MR_INVALID_ARGUMENT_NUMBER), 0, "argument 0");
  checkEq(retype(ut, OBJ_UNTYPED, seL4_MaxUntypedBits + 1, freeSlot(), 1), seL4_RangeError, "an untyped too big");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MAX), seL4_MaxUntypedBits, "up to seL4_MaxUntypedBits");
  checkEq(retype(ut, OBJ_CAP_TABLE, 0, freeSlot(), 1), seL4_InvalidArgument, "a CNode of 2^0 slots");
  checkEq(detail(ERROR_MR_INVALID_ARGUMENT_NUMBER), 1, "argument 1");
  checkEq(retype(ut, OBJ_UNTYPED, 3, freeSlot(), 1), seL4_InvalidArgument, "an untyped below seL4_MinUntypedBits");
  checkEq(retype(ut, OBJ_ENDPOINT, 0, freeSlot(), 0), seL4_RangeError, "zero objects");
  checkEq(detail(ERROR_MR_RANGE_ERROR_MIN), 1, "from 1");
  checkEq(retype(ut, OBJ_ENDPOINT, 0, freeSlot(), seL4_UntypedRetypeMaxObjects + 1), seL4_RangeError, "too many objects");
  checkEq(retype(ut, OBJ_ENDPOINT, 0, 4096, 1), seL4_RangeError, "an offset past the CNode");
  const busy = make(OBJ_ENDPOINT, 0);
  checkEq(retype(ut, OBJ_ENDPOINT, 0, busy, 1), seL4_DeleteFirst, "an occupied destination");
  checkEq(seL4_Untyped_Retype(ut, OBJ_ENDPOINT, 0, MY_CNODE, 5, 8, 0, 1), seL4_FailedLookup, "a destination CNode that does not resolve");
  // (An endpoint would take the invocation as a message to send.)
  const frame = make(OBJ_X86_4K, 0);
  checkEq(retype(frame, OBJ_ENDPOINT, 0, freeSlot(), 1), seL4_IllegalOperation, "retype of a frame");
}

/** RETYPE0001: objects are carved in order from the watermark until the untyped is full. */
export function retypeIncremental(): void {
  const ut = make(OBJ_UNTYPED, 8); // 256 bytes: 16 endpoints of 16 bytes
  const first = freeSlots(16);
  for (let i: u32 = 0; i < 16; i++) checkEq(retype(ut, OBJ_ENDPOINT, 0, first + i, 1), seL4_NoError, "one endpoint at a time");
  checkEq(retype(ut, OBJ_ENDPOINT, 0, freeSlot(), 1), seL4_NotEnoughMemory, "the seventeenth does not fit");
  checkEq(detail(ERROR_MR_NOT_ENOUGH_MEMORY_BYTES_AVAILABLE), 0, "0 bytes left");
}

/** RETYPE0002: alignment: a 4 KiB frame after an endpoint starts on the next 4 KiB boundary. */
export function retypeAlignment(): void {
  const ut = make(OBJ_UNTYPED, 14); // 16 KiB
  checkEq(retype(ut, OBJ_ENDPOINT, 0, freeSlot(), 1), seL4_NoError, "an endpoint first");
  const f1 = freeSlot();
  checkEq(retype(ut, OBJ_X86_4K, 0, f1, 1), seL4_NoError, "then a frame");
  checkEq(seL4_X86_Page_GetAddress(f1), seL4_NoError, "its address");
  const a1 = seL4_X86_Page_GetAddress_paddr();
  checkEq(a1 & 0xfff, 0, "page aligned");
  const f2 = freeSlots(2);
  checkEq(retype(ut, OBJ_X86_4K, 0, f2, 2), seL4_NoError, "two more frames");
  checkEq(seL4_X86_Page_GetAddress(f2), seL4_NoError, "the next one's address");
  checkEq(seL4_X86_Page_GetAddress_paddr(), a1 + 0x1000, "right after the first");
  checkEq(retype(ut, OBJ_X86_4K, 0, freeSlot(), 1), seL4_NotEnoughMemory, "the untyped is full: 16 KiB minus the endpoint's page");
}

/** RETYPE0001 (reset): revoking an untyped deletes its objects and makes its memory free again. */
export function retypeReset(): void {
  const ut = make(OBJ_UNTYPED, 12);
  const eps = freeSlots(256);
  checkEq(retype(ut, OBJ_ENDPOINT, 0, eps, 256), seL4_NoError, "fill it with endpoints");
  checkEq(retype(ut, OBJ_ENDPOINT, 0, freeSlot(), 1), seL4_NotEnoughMemory, "full");
  checkEq(seL4_CNode_Revoke(MY_CNODE, ut, DEPTH), seL4_NoError, "revoke the untyped");
  checkEq(ident(eps), CAP_NULL_CAP, "the endpoints are gone");
  checkEq(ident(eps + 255), CAP_NULL_CAP, "all of them");
  const f = freeSlot();
  checkEq(retype(ut, OBJ_X86_4K, 0, f, 1), seL4_NoError, "the whole 4 KiB is free again");
  checkEq(retype(ut, OBJ_ENDPOINT, 0, freeSlot(), 1), seL4_NotEnoughMemory, "and now full");
  checkEq(retype(ut, OBJ_UNTYPED, 12, freeSlot(), 1), seL4_NotEnoughMemory, "no room for another untyped");
  checkEq(seL4_CNode_Revoke(MY_CNODE, ut, DEPTH), seL4_NoError, "revoke again");
  checkEq(ident(f), CAP_NULL_CAP, "the frame went");
  check(seL4_EndpointBits == 4, "endpoints are 16 bytes");
}

/** RETYPE0000 (children): an untyped made from an untyped is its child: revoking the parent deletes it and its objects. */
export function retypeNested(): void {
  const parent = make(OBJ_UNTYPED, 14);
  const child = freeSlot();
  checkEq(retype(parent, OBJ_UNTYPED, 12, child, 1), seL4_NoError, "a child untyped");
  const ep = freeSlot();
  checkEq(retype(child, OBJ_ENDPOINT, 0, ep, 1), seL4_NoError, "an endpoint from the child");
  checkEq(seL4_CNode_Revoke(MY_CNODE, parent, DEPTH), seL4_NoError, "revoke the parent");
  checkEq(ident(child), CAP_NULL_CAP, "the child untyped went");
  checkEq(ident(ep), CAP_NULL_CAP, "and its endpoint");
  checkEq(seL4_CNode_Revoke(MY_CNODE, parent, DEPTH), seL4_NoError, "nothing left to revoke");
  const c2 = freeSlot();
  checkEq(retype(parent, OBJ_UNTYPED, 12, c2, 1), seL4_NoError, "make a child again");
  checkEq(retype(c2, OBJ_ENDPOINT, 0, freeSlot(), 1), seL4_NoError, "and an object in it");
  checkEq(del(c2), seL4_NoError, "deleting a child untyped with objects is allowed (they stay until a revoke of the parent)");
}
