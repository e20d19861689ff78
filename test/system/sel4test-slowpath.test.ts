// test/system/sel4test-slowpath.test.ts: the in-OS test suite passes with the IPC fast path off too.
//
// The same boot and verdict as test/system/sel4test.test.ts (test/helpers/sel4test.ts),
// with the boot option `nofastpath`: every Call and ReplyRecv takes the
// slow path. A file of its own so that vitest runs it beside the other files.
import { describe, it } from "vitest";
import { SEL4TEST_NAMES, runSel4testSuite } from "../helpers/sel4test";

describe("the in-OS test suite with the IPC fast path off", () => {
  it(`runs all ${SEL4TEST_NAMES.length} tests, each in its own process, and every one passes (nofastpath)`, async () => {
    await runSel4testSuite("poweroff nofastpath");
  }, 600_000);
});
