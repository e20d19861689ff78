// userland/root/sel4test-driver.ts: the in-OS test suite's driver, in the root task.
//
// Owns: running userland/sel4test (the boot module whose string starts with
// "sel4test") once per test, each time in a fresh process made by the
// process builder (its own CSpace, VSpace and a 32 MiB untyped share, with
// copies of ASIDControl, the ASID pool, Domain and one device untyped, and
// the root task's IOPortControl lent: moved in and back, since seL4 does
// not let it be copied, and read-only copies of the test module's own
// frames, from which a test starts helper processes running the same
// program: userland/sel4test/interas.ts), as
// sel4test's driver does: "sel4test count" first, then "sel4test run <i>"
// for each test. The test prints its own verdict line; the driver reads the
// verdict from the process information page (STATUS), destroys the process
// (one Revoke), prints a summary, and powers off reporting success only if
// every test passed (DebugPowerOff).
// A module string of exactly "sel4test hidden" runs the hidden list
// instead (userland/sel4test/hidden.ts: a test that fails, one that
// passes, one that faults), so the failure path itself can be tested;
// the driver adds the word "hidden" to each command line it builds.
// Waiting without IPC: the driver drops the root task to priority 0 while
// tests run at TEST_PRIORITY, so it runs only when nothing of the test can:
// a verdict still "running" then means the test process stopped (a fault
// the kernel reported), which counts as a failure. It tears each test
// process down back at its own priority, above every test thread.
// Must not: run two tests at once, or leave a test's objects behind.

import {
  Process, processInit, processStatus, processStatusDetail, processDestroy, processStepName, seL4ErrorName, ProcessStep,
  PROCESS_GRANT_ASID_POOL, PROCESS_GRANT_ASID_CONTROL, PROCESS_GRANT_DOMAIN, PROCESS_GRANT_IO_PORT_CONTROL,
  PROCESS_GRANT_IRQ_CONTROL,
} from "../../libs/user/process";
import {
  bootModuleCount, bootModuleCmdline, bootModuleCmdlineLength, bootInfoUntypedCount, bootInfoUntypedIsDevice,
  bootInfoUntypedSizeBits, bootInfoUntypedStart, bootInfoUntypedPaddr, bootModuleFramesStart,
} from "../../libs/user/bootinfo";
import { HPET_PHYS } from "../../kernel/arch/x86/machine.gen";
import { seL4_TCB_SetPriority } from "../../libs/user/invocations.gen";
import { seL4_Yield } from "../../libs/user/ipc";
import { print, printLine, printDec, powerOff } from "../../libs/user/sys";
import { seL4_CapInitThreadTCB, seL4_NoError, seL4_RootTaskPriority } from "../../libs/abi/sel4.gen";
import { PROCESS_STATUS_RUNNING, PROCESS_STATUS_PASSED } from "../../libs/abi/layout.gen";
import { programsInit, startFromModule, programRecord, infoPageFor } from "./programs";

/** Each test's untyped share: 32 MiB (RETYPE0000 makes an 8 MiB untyped, VSPACE0005 1024 page directories, IPC1001 twenty helper processes of 1 MiB). */
// @ts-ignore: decorator
@inline const TEST_SHARE_BITS: u32 = 25;
/** Tests run just below the root task's own priority, so their priority tests have room below. */
// @ts-ignore: decorator
@inline const TEST_PRIORITY: u32 = 254;
/** The record and information page the driver uses (one test at a time). */
// @ts-ignore: decorator
@inline const RECORD: u32 = 0;

const cmdline = memory.data(64);
let cmdlineLength: u32 = 0;
/** Running the hidden list: every command line ends in " hidden". */
let hidden = false;

function append(s: string): void {
  for (let i = 0; i < s.length; i++) store<u8>(cmdline + cmdlineLength++, <u8>s.charCodeAt(i));
}

/** The command line: `prefix`, then `n` in decimal if `withNumber`, then " hidden" for the hidden list. */
function setCmdline(prefix: string, withNumber: bool, n: u32): void {
  cmdlineLength = 0;
  append(prefix);
  if (withNumber) {
    const digits = memory.data(12);
    let k = 0;
    let v = n;
    do {
      store<u8>(digits + k++, <u8>(0x30 + v % 10));
      v /= 10;
    } while (v != 0);
    while (k > 0) store<u8>(cmdline + cmdlineLength++, load<u8>(digits + --k));
  }
  if (hidden) append(" hidden");
}

/** Boot module `m`'s string is exactly `s`. */
function moduleStringIs(bi: usize, m: u32, s: string): bool {
  if (bootModuleCmdlineLength(bi, m) != <u32>s.length) return false;
  const at = bootModuleCmdline(bi, m);
  for (let k = 0; k < s.length; k++) if (<u32>load<u8>(at + k) != <u32>s.charCodeAt(k)) return false;
  return true;
}

/** The index of the boot module whose string starts with "sel4test", or 0 if there is none. */
export function findTestModule(bi: usize): u32 {
  const n = bootModuleCount(bi);
  const name = "sel4test";
  for (let i: u32 = 1; i < n; i++) {
    const s = bootModuleCmdline(bi, i);
    if (bootModuleCmdlineLength(bi, i) < <u32>name.length) continue;
    let same = true;
    for (let k = 0; k < name.length && same; k++) same = <u32>load<u8>(s + k) == <u32>name.charCodeAt(k);
    if (same) return i;
  }
  return 0;
}

/**
 * The index (in BootInfo's untyped list) of the device untyped every test
 * gets a copy of: the one that covers the HPET (the timer tests map its
 * registers), or else the first of at least 64 KiB; 0xFFFFFFFF for none.
 * Destroying a test deletes its copy and all it made.
 */
function deviceUntyped(bi: usize): u32 {
  const n = bootInfoUntypedCount(bi);
  let fallback: u32 = 0xFFFFFFFF;
  for (let u: u32 = 0; u < n; u++) {
    if (!bootInfoUntypedIsDevice(bi, u) || bootInfoUntypedSizeBits(bi, u) < 16) continue;
    const base = <u64>bootInfoUntypedPaddr(bi, u);
    if (<u64>HPET_PHYS >= base && <u64>HPET_PHYS < base + (<u64>1 << bootInfoUntypedSizeBits(bi, u))) return u;
    if (fallback == 0xFFFFFFFF) fallback = u;
  }
  return fallback;
}

/**
 * Runs the test program of module `m` with the command line set, waits for
 * its verdict, destroys the process. Returns PROCESS_STATUS_* (RUNNING: it
 * stopped without one), with the detail in `detail`.
 */
let detail: u32 = 0;
function runOnce(bi: usize, m: u32, device: u32): u32 {
  const untyped = device == 0xFFFFFFFF ? 0 : bootInfoUntypedStart(bi) + device;
  const p = programRecord(RECORD);
  processInit(p);
  p.cmdline = cmdline;
  p.cmdlineLength = cmdlineLength;
  p.priority = TEST_PRIORITY;
  p.threadId = m;
  p.infoAt = infoPageFor(RECORD);
  p.shareBits = TEST_SHARE_BITS;
  p.flags = PROCESS_GRANT_ASID_CONTROL | PROCESS_GRANT_ASID_POOL | PROCESS_GRANT_DOMAIN | PROCESS_GRANT_IO_PORT_CONTROL |
    PROCESS_GRANT_IRQ_CONTROL;
  p.deviceUntyped = untyped;
  // The program's own file, read-only: a test may start it again as a helper process (interas.ts).
  p.imageFrames = bootModuleFramesStart(bi, m);
  if (untyped != 0) {
    p.devicePaddr = bootInfoUntypedPaddr(bi, device);
    p.deviceSizeBits = bootInfoUntypedSizeBits(bi, device);
  }
  if (!startFromModule(bi, m, p)) return PROCESS_STATUS_RUNNING;
  // We run again only when nothing of the test is runnable.
  while (processStatus(p) == PROCESS_STATUS_RUNNING) {
    seL4_Yield();
    if (processStatus(p) == PROCESS_STATUS_RUNNING) break; // stopped without a verdict
  }
  const status = processStatus(p);
  detail = processStatusDetail(p);
  // Tear down above every test thread. A test may leave threads behind (a server blocked on its
  // endpoint); the Revoke deletes that endpoint, which makes them runnable (Restart), and at a
  // preemption point the kernel would run them, at the test's priority, above a driver at 0, in an
  // address space whose frames may already be gone: a page fault at their saved eip (seen under
  // v86, where timer interrupts land more often per Revoke than under QEMU). As in seL4, a Revoke
  // by the highest-priority thread resumes it after each preemption point.
  const raised = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_RootTaskPriority) == seL4_NoError;
  const destroyed = processDestroy(p);
  if (!raised || seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 0) != seL4_NoError) {
    printLine("sel4test: the root task cannot change its priority around a teardown");
    powerOff(1);
  }
  if (destroyed != ProcessStep.Done) {
    print("sel4test: cannot destroy a test process: ");
    print(processStepName(p.errorStep));
    print(" ");
    printLine(seL4ErrorName(p.error));
    powerOff(1);
  }
  return status;
}

/** Runs the whole suite and powers off with its verdict. Returns only if there is no test module. */
export function runTestSuite(bi: usize): void {
  const m = findTestModule(bi);
  if (m == 0) return;
  if (!programsInit(bi)) {
    powerOff(1);
    return;
  }
  const device = deviceUntyped(bi);
  hidden = moduleStringIs(bi, m, "sel4test hidden");
  // Below every test: the driver runs only when no test thread can.
  if (seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 0) != seL4_NoError) {
    printLine("sel4test: the root task cannot lower its priority");
    powerOff(1);
    return;
  }
  setCmdline("sel4test count", false, 0);
  if (runOnce(bi, m, device) != PROCESS_STATUS_PASSED) {
    printLine("sel4test: the test program did not say how many tests it has");
    powerOff(1);
    return;
  }
  const count = detail;
  print("sel4test: running ");
  printDec(count);
  printLine(hidden ? " hidden tests (the driver's failure path, not the suite), each in a fresh process" : " tests, each in a fresh process");
  let passed: u32 = 0;
  let failed: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    setCmdline("sel4test run ", true, i);
    const status = runOnce(bi, m, device);
    if (status == PROCESS_STATUS_PASSED) {
      passed++;
    } else {
      failed++;
      if (status == PROCESS_STATUS_RUNNING) {
        print("sel4test: test ");
        printDec(i);
        printLine(": FAIL: the test process stopped without a verdict (see the kernel's report above)");
      }
    }
  }
  print("sel4test: ");
  printDec(count);
  print(" tests: ");
  printDec(passed);
  print(" passed, ");
  printDec(failed);
  printLine(" failed");
  powerOff(failed == 0 && count > 0 ? 0 : 1);
}
