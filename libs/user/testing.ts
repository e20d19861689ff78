// libs/user/testing.ts: what an in-OS test (userland/sel4test) stands on.
//
// Owns: the checks a test makes (check, checkEq: the first failure is
// kept with its message and values, later checks still count), the
// test's environment as the process builder gave it (its CNode, VSpace,
// TCB and untyped share at the PROCESS_SLOT_* slots, the empty slots from
// the process information page: libs/abi/layout.def.ts), a bump allocator
// of empty slots, and the verdict: one line on the console and STATUS in
// the information page, which the driver in the root task reads.
// Must not: allocate, or stop at a failed check (a test runs to its end).

import {
  USER_BOOTINFO, BOOTINFO_UNTYPED, BOOTINFO_UNTYPED_SIZE_BITS, BOOTINFO_EMPTY_START, BOOTINFO_EMPTY_END,
  BOOTINFO_STATUS, BOOTINFO_STATUS_DETAIL, BOOTINFO_PRIORITY, PROCESS_SLOT_CNODE, PROCESS_SLOT_VSPACE, PROCESS_SLOT_TCB,
  PROCESS_STATUS_PASSED, PROCESS_STATUS_FAILED,
} from "../abi/layout.gen";
import { seL4_WordBits } from "../abi/sel4.gen";
import { print, printLine, printDec, printHex } from "./sys";

// ── The environment ──────────────────────────────────────────────────────

/** The test's CNode: a CPtr is a slot number, at depth 32. */
// @ts-ignore: decorator
@inline export const MY_CNODE: u32 = PROCESS_SLOT_CNODE;
// @ts-ignore: decorator
@inline export const MY_VSPACE: u32 = PROCESS_SLOT_VSPACE;
// @ts-ignore: decorator
@inline export const MY_TCB: u32 = PROCESS_SLOT_TCB;
// @ts-ignore: decorator
@inline export const DEPTH: u32 = seL4_WordBits;

/** The slot of the test's untyped share, and its size. */
export function myUntyped(): u32 { return load<u32>(USER_BOOTINFO + BOOTINFO_UNTYPED); }
export function myUntypedBits(): u32 { return load<u32>(USER_BOOTINFO + BOOTINFO_UNTYPED_SIZE_BITS); }
export function myPriority(): u32 { return load<u32>(USER_BOOTINFO + BOOTINFO_PRIORITY); }

let nextSlot: u32 = 0;

/** An empty slot of the test's CNode (never reused within a test). */
export function freeSlot(): u32 {
  if (nextSlot == 0) nextSlot = load<u32>(USER_BOOTINFO + BOOTINFO_EMPTY_START);
  const end = load<u32>(USER_BOOTINFO + BOOTINFO_EMPTY_END);
  check(nextSlot < end, "the test ran out of empty slots");
  return nextSlot++;
}

/** `n` consecutive empty slots; returns the first. */
export function freeSlots(n: u32): u32 {
  const first = freeSlot();
  for (let i: u32 = 1; i < n; i++) freeSlot();
  return first;
}

// ── Checks ───────────────────────────────────────────────────────────────

let checks: u32 = 0;
let failures: u32 = 0;
let firstFailure: string = "";
let firstActual: u32 = 0;
let firstExpected: u32 = 0;
let firstHasValues = false;
let firstCheck: u32 = 0;

/** A check: `ok` must hold. */
export function check(ok: bool, what: string): bool {
  checks++;
  if (!ok && failures++ == 0) {
    firstFailure = what;
    firstHasValues = false;
    firstCheck = checks;
  }
  return ok;
}

/** A check that `actual` equals `expected` (an seL4 error code, a value). */
export function checkEq(actual: u32, expected: u32, what: string): bool {
  checks++;
  if (actual != expected && failures++ == 0) {
    firstFailure = what;
    firstActual = actual;
    firstExpected = expected;
    firstHasValues = true;
    firstCheck = checks;
  }
  return actual == expected;
}

/** True while no check has failed. */
export function passing(): bool {
  return failures == 0;
}

/**
 * Ends the test: prints `test NAME: pass (N checks)` or `test NAME: FAIL:
 * <first failure> (check K of N, F failed)` and writes the verdict to the
 * information page for the driver.
 */
export function finish(name: string): bool {
  print("test ");
  print(name);
  if (failures == 0 && checks > 0) {
    print(": pass (");
    printDec(checks);
    printLine(" checks)");
    store<u32>(USER_BOOTINFO + BOOTINFO_STATUS_DETAIL, checks);
    store<u32>(USER_BOOTINFO + BOOTINFO_STATUS, PROCESS_STATUS_PASSED);
    return true;
  }
  print(": FAIL: ");
  print(checks == 0 ? "the test made no check" : firstFailure);
  if (firstHasValues) {
    print(": got ");
    printHex(firstActual);
    print(", expected ");
    printHex(firstExpected);
  }
  print(" (check ");
  printDec(firstCheck);
  print(" of ");
  printDec(checks);
  print(", ");
  printDec(failures);
  printLine(" failed)");
  store<u32>(USER_BOOTINFO + BOOTINFO_STATUS_DETAIL, checks);
  store<u32>(USER_BOOTINFO + BOOTINFO_STATUS, PROCESS_STATUS_FAILED);
  return false;
}
