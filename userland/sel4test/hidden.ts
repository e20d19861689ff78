// userland/sel4test/hidden.ts: tests of the test machinery itself, outside the suite.
//
// Owns: a second, hidden list of tests that exist to exercise the driver's
// failure path (userland/root/sel4test-driver.ts): one fails a check on
// purpose, one passes (the driver goes on after a failure and counts
// both), one faults before it has a verdict. The driver runs this list
// instead of the suite only when its boot module's string is
// "sel4test hidden" (test/system/sel4test.test.ts boots it); "sel4test
// count" and the suite never see these tests, and they are named after no
// sel4test test (docs/sel4test-mapping.md lists only the suite).
// Must not: be reachable from the suite's list in main.ts.

import { check, checkEq } from "../../libs/user/testing";

const zero = memory.data(4);

/** Checks 1 and 3 hold; check 2 is false on purpose: the verdict is FAIL with its values. */
function failsOnPurpose(): void {
  check(true, "a check that holds");
  checkEq(1, 2, "one is two (false on purpose)");
  check(true, "a check after the failure still counts");
}

/** A test that passes: the driver runs it after the failure and counts it. */
function passes(): void {
  check(true, "a check that holds");
  check(true, "another");
}

/** Reads page 0, which is never mapped: the kernel stops the thread before it has a verdict. */
function faultsOnPurpose(): void {
  check(true, "a check before the fault");
  check(load<u32>(0x10 + load<u32>(zero)) == 0x5a5a5a5a, "never reached");
}

/**
 * Hidden test `i`: runs it when `run` is set; returns its name either way
 * ("" past the end). Names here must not be written as main.ts's are
 * (`return "NAME";`): the suite's lists are read from that pattern.
 */
export function hiddenTest(i: i32, run: bool): string {
  let name = "";
  switch (i) {
    case 0: if (run) failsOnPurpose(); name = "HIDDEN-fails"; break;
    case 1: if (run) passes(); name = "HIDDEN-passes"; break;
    case 2: if (run) faultsOnPurpose(); name = "HIDDEN-faults"; break;
  }
  return name;
}
