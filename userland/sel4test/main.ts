// userland/sel4test/main.ts: the in-OS test suite's test process (sel4test's model).
//
// Owns: the list of tests, each named after the sel4test test it
// re-expresses (../shared/reference/sel4test-inventory.tsv; the mapping
// table is docs/sel4test-mapping.md), and running one of them. The driver
// in the root task (userland/root/sel4test-driver.ts) starts this program
// once per test, in a fresh process with its own CSpace, VSpace and
// untyped share: "sel4test count" reports how many tests there are (in
// STATUS_DETAIL), "sel4test run <i>" runs test i, which prints its verdict
// and writes it to the process information page. With a last word
// "hidden" both use the hidden list instead (./hidden.ts: tests of the
// driver's failure path, never part of the suite). "<name> helper <kind>
// <seed> <flag>" is a helper process a test started from this program's
// image (./interas.ts).
// Must not: run more than one test per process.

import { argIs, argNumber, hasArg, printLine } from "../../libs/user/sys";
import { finish, check } from "../../libs/user/testing";
import { USER_BOOTINFO, BOOTINFO_STATUS, BOOTINFO_STATUS_DETAIL, PROCESS_STATUS_PASSED } from "../../libs/abi/layout.gen";
import * as cnode from "./cnode";
import * as untyped from "./untyped";
import * as tcb from "./tcb";
import * as vspace from "./vspace";
import * as misc from "./misc";
import * as ipc from "./ipc";
import * as faults from "./faults";
import * as ioports from "./ioports";
import * as timers from "./timers";
import * as drivers from "./drivers";
import * as timed from "./timed";
import * as interas from "./interas";
import * as sync from "./sync";
import * as serserv from "./serserv";
import { hiddenTest } from "./hidden";

export { abort, wasmTrap } from "../../libs/user/runtime";

/**
 * Test `i`: runs it when `run` is set; returns its name either way ("" past
 * the end). One switch is the one list of tests.
 */
function test(i: i32, run: bool): string {
  switch (i) {
    case 0: if (run) untyped.trivialFramework(); return "TRIVIAL0000";
    case 1: if (run) untyped.trivialAllocator(); return "TRIVIAL0001";
    case 2: if (run) untyped.trivialAllocatorTwice(); return "TRIVIAL0002";
    case 3: if (run) cnode.cnodeCopy(); return "CNODEOP0001";
    case 4: if (run) cnode.cnodeCopyRights(); return "CNODEOP0001-rights";
    case 5: if (run) cnode.cnodeCopyUntyped(); return "CNODEOP0001-untyped";
    case 6: if (run) cnode.cnodeDelete(); return "CNODEOP0002";
    case 7: if (run) cnode.cnodeMint(); return "CNODEOP0003";
    case 8: if (run) cnode.cnodeMove(); return "CNODEOP0004";
    case 9: if (run) cnode.cnodeMutate(); return "CNODEOP0005";
    case 10: if (run) cnode.cnodeCancelBadgedSends(); return "CNODEOP0006";
    case 11: if (run) cnode.cnodeRevoke(); return "CNODEOP0007";
    case 12: if (run) cnode.cnodeRotate(); return "CNODEOP0008";
    case 13: if (run) cnode.cnodeSaveCaller(); return "CNODEOP0009";
    case 14: if (run) cnode.cspaceResolve(); return "CSPACE0001";
    case 15: if (run) cnode.cspaceDepthMismatch(); return "CSPACE0001-depth";
    case 16: if (run) cnode.cspaceGuardMismatch(); return "CSPACE0001-guard";
    case 17: if (run) cnode.cspaceInvalidRoot(); return "CSPACE0001-root";
    case 18: if (run) untyped.retypeEveryType(); return "RETYPE0000";
    case 19: if (run) untyped.retypeErrors(); return "RETYPE0000-errors";
    case 20: if (run) untyped.retypeNested(); return "RETYPE0000-nested";
    case 21: if (run) untyped.retypeIncremental(); return "RETYPE0001";
    case 22: if (run) untyped.retypeReset(); return "RETYPE0001-reset";
    case 23: if (run) untyped.retypeAlignment(); return "RETYPE0002";
    case 24: if (run) tcb.schedResumeSelf(); return "SCHED0002";
    case 25: if (run) tcb.schedSuspendResume(); return "SCHED0003";
    case 26: if (run) tcb.schedAllPriorities(); return "SCHED0004";
    case 27: if (run) tcb.schedSetPriority(); return "SCHED0005";
    case 28: if (run) tcb.schedHigherRunsFirst(); return "SCHED0020";
    case 29: if (run) tcb.schedPreemption(); return "SCHED0021";
    case 30: if (run) tcb.regressionsWriteRegisters(); return "REGRESSIONS0001";
    case 31: if (run) tcb.regressionsCopyRegisters(); return "REGRESSIONS0001-copy";
    case 32: if (run) tcb.threadsConfigureNullCSpace(); return "THREADS0004";
    case 33: if (run) tcb.threadsIpcBuffer(); return "THREADS0004-buffer";
    case 34: if (run) tcb.threadsSetSpaceNullCSpace(); return "THREADS0005";
    case 35: if (run) tcb.tlsSetBase(); return "TLS0001";
    case 36: if (run) tcb.fpuSimple(); return "FPU0000";
    case 37: if (run) tcb.fpuSetFlags(); return "FPU0003";
    case 38: if (run) vspace.framesAccess(); return "FRAMEEXPORTS0001";
    case 39: if (run) vspace.frameDeleteUnmaps(); return "FRAMEDIPC0003";
    case 40: if (run) vspace.ptReuseFlushesTlb(); return "PT0002";
    case 41: if (run) vspace.vspaceSecond(); return "VSPACE0000";
    case 42: if (run) vspace.vspaceUnmapAfterPdDelete(); return "VSPACE0001";
    case 43: if (run) vspace.asidMakePool(); return "VSPACE0002";
    case 44: if (run) vspace.asidMultiplePools(); return "VSPACE0003";
    case 45: if (run) vspace.asidPoolsRunOut(); return "VSPACE0004";
    case 46: if (run) vspace.asidPoolFull(); return "VSPACE0005";
    case 47: if (run) vspace.asidTouchAllPools(); return "VSPACE0006";
    case 48: if (run) vspace.vspaceStatusBits(); return "VSPACE0010";
    case 49: if (run) vspace.frameMapErrors(); return "VSPACE0000-frame-map";
    case 50: if (run) vspace.frameLarge(); return "VSPACE0000-large-frame";
    case 51: if (run) vspace.pageTableRules(); return "PT0002-page-table";
    case 52: if (run) misc.domainSet(); return "DOMAINS0001";
    case 53: if (run) misc.domainNonexistent(); return "DOMAINS0002";
    case 54: if (run) misc.domainWrongCap(); return "DOMAINS0003";
    case 55: if (run) misc.syscallYield(); return "SYSCALL0000";
    case 56: if (run) misc.syscallPutChar(); return "SYSCALL0006";
    case 57: if (run) misc.retypeDevice(); return "RETYPE0000-device";
    case 58: if (run) misc.ipcBufferDeviceConfigure(); return "FRAMEDIPC0001";
    case 59: if (run) misc.ipcBufferDeviceSwitch(); return "FRAMEDIPC0002";
    case 60: if (run) vspace.pageTableDeleteUnmaps(); return "VSPACE0001-page-table";
    case 61: if (run) vspace.revokeUntypedUnmaps(); return "CNODEOP0007-untyped";
    case 62: if (run) vspace.retypeAfterRevokeIsZero(); return "RETYPE0001-cleared";
    case 63: if (run) tcb.tlsOtherThread(); return "TLS0001-other";
    case 64: if (run) ipc.syscallSend(); return "SYSCALL0001";
    case 65: if (run) ipc.syscallNBSend(); return "SYSCALL0002";
    case 66: if (run) ipc.syscallReply(); return "SYSCALL0003";
    case 67: if (run) ipc.syscallSignal(); return "SYSCALL0004";
    case 68: if (run) ipc.syscallCall(); return "SYSCALL0005";
    case 69: if (run) ipc.syscallRecv(); return "SYSCALL0010";
    case 70: if (run) ipc.syscallReplyRecv(); return "SYSCALL0011";
    case 71: if (run) ipc.syscallNBRecv(); return "SYSCALL0012";
    case 72: if (run) ipc.syscallWait(); return "SYSCALL0013";
    case 73: if (run) ipc.syscallSendWithMRs(); return "SYSCALL0014";
    case 74: if (run) ipc.syscallNBSendWithMRs(); return "SYSCALL0015";
    case 75: if (run) ipc.syscallReplyWithMRs(); return "SYSCALL0016";
    case 76: if (run) ipc.syscallCallWithMRs(); return "SYSCALL0017";
    case 77: if (run) ipc.ipcSendRecv(); return "IPC0001";
    case 78: if (run) ipc.ipcCallReplyRecv(); return "IPC0002";
    case 79: if (run) ipc.ipcSendReplyRecv(); return "IPC0003";
    case 80: if (run) ipc.ipcNBSendRecv(); return "IPC0004";
    case 81: if (run) ipc.ipcSuspendMidCall(); return "IPC0010";
    case 82: if (run) ipc.ipcRightsSend(); return "IPCRIGHTS0001";
    case 83: if (run) ipc.ipcRightsRecv(); return "IPCRIGHTS0002";
    case 84: if (run) ipc.ipcRightsGrant(); return "IPCRIGHTS0003";
    case 85: if (run) ipc.ipcRightsCall(); return "IPCRIGHTS0004";
    case 86: if (run) ipc.ipcRightsReplyGrant(); return "IPCRIGHTS0005";
    case 87: if (run) ipc.nbWait(); return "NBWAIT0001";
    case 88: if (run) ipc.schedIpcPriorities(); return "SCHED0006";
    case 89: if (run) ipc.ipcCapTransfer(); return "IPC0001-caps";
    case 90: if (run) ipc.ipcCapBadSlot(); return "IPC0001-bad-slot";
    case 91: if (run) faults.pageFaultRead(); return "PAGEFAULT0001";
    case 92: if (run) faults.pageFaultWrite(); return "PAGEFAULT0002";
    case 93: if (run) faults.pageFaultExecute(); return "PAGEFAULT0003";
    case 94: if (run) faults.unknownSyscall(); return "PAGEFAULT0004";
    case 95: if (run) faults.undefinedInstruction(); return "PAGEFAULT0005";
    case 96: if (run) faults.fpuDisabled(); return "FPU0004";
    case 97: if (run) faults.stackAlignment(); return "STACK_ALIGNMENT_001";
    case 98: if (run) tcb.cnodeDeleteRunningThread(); return "CNODEOP0002-thread";
    case 99: if (run) tcb.cnodeDeletePreempted(); return "CNODEOP0002-preempted";
    case 100: if (run) ipc.ipcFifo(); return "IPC0001-fifo";
    case 101: if (run) ipc.bindRecvBoth(); return "BIND0001";
    case 102: if (run) ipc.bindWaitBound(); return "BIND0002";
    case 103: if (run) ipc.bindOrderSignalFirst(); return "BIND0003";
    case 104: if (run) ipc.bindOrderMessageFirst(); return "BIND0004";
    case 105: if (run) ipc.cancelBadgedSendsBasic(); return "CANCEL_BADGED_SENDS_0001";
    case 106: if (run) ipc.cancelBadgedSendsRevoked(); return "CANCEL_BADGED_SENDS_0002";
    case 107: if (run) ipc.deleteEndpointReleases(); return "CANCEL_BADGED_SENDS_0002-delete-endpoint";
    case 108: if (run) ipc.deleteNotificationReleases(); return "BIND0002-delete-notification";
    case 109: if (run) ipc.revokeReply(); return "IPC0010-revoke-reply";
    case 110: if (run) ipc.deleteBlockedSender(); return "CNODEOP0002-blocked-thread";
    case 111: if (run) misc.syscallDebugSnapshot(); return "SYSCALL0006-snapshot";
    case 112: if (run) ioports.directPortAccessFaults(); return "IOPORTS1000";
    case 113: if (run) ioports.ioportsIssue(); return "IOPORTS1000-issue";
    case 114: if (run) ioports.ioportsInOut(); return "IOPORTS1000-in-out";
    case 115: if (run) ioports.ioportsKernelPorts(); return "IOPORTS1000-kernel-ports";
    case 116: if (run) ioports.ioportsDelete(); return "IOPORTS1000-delete";
    case 117: if (run) timers.timerHpetMsi(); return "TIMER0001";
    case 118: if (run) timers.timerHpetIoapic(); return "TIMER0002";
    case 119: if (run) timers.irqControlErrors(); return "TIMER0001-errors";
    case 120: if (run) drivers.pitDriver(); return "TIMER0001-pit";
    case 121: if (run) drivers.rtcDriver(); return "TIMER0001-rtc";
    case 122: if (run) drivers.uartDriver(); return "IOPORTS1000-com1-irq";
    case 123: if (run) timed.preemptRevoke(); return "PREEMPT_REVOKE";
    case 124: if (run) timed.ringZeroRegression(); return "REGRESSIONS0003";
    case 125: if (run) timed.schedSuspendResume(); return "SCHED0000";
    case 126: if (run) timed.runThreadsInDomains(); return "DOMAINS0004";
    case 127: if (run) interas.interAsSendRecv(); return "IPC1001";
    case 128: if (run) interas.interAsCallReplyRecv(); return "IPC1002";
    case 129: if (run) interas.interAsCallReplyThenRecv(); return "IPC1003";
    case 130: if (run) interas.interAsNBSendRecv(); return "IPC1004";
    case 131: if (run) interas.interAsReadFault(); return "PAGEFAULT1001";
    case 132: if (run) interas.interAsWriteFault(); return "PAGEFAULT1002";
    case 133: if (run) interas.interAsExecuteFault(); return "PAGEFAULT1003";
    case 134: if (run) interas.interAsUnknownSyscall(); return "PAGEFAULT1004";
    case 135: if (run) sync.syncBinSem(); return "SYNC001";
    case 136: if (run) sync.syncSem(); return "SYNC002";
    case 137: if (run) sync.syncSemCount(); return "SYNC002-count";
    case 138: if (run) sync.syncSemBlocking(); return "SYNC002-blocking";
    case 139: if (run) sync.syncMonitor(); return "SYNC003";
    case 140: if (run) sync.syncBroadcast(); return "SYNC004";
    case 141: if (run) sync.syncSignalOne(); return "SYNC004-signal";
    case 142: if (run) serserv.serservParentSpawn(); return "SERSERV_PARENT_001";
    case 143: if (run) serserv.serservParentConnect(); return "SERSERV_PARENT_002";
    case 144: if (run) serserv.serservParentPrintf(); return "SERSERV_PARENT_003";
    case 145: if (run) serserv.serservParentWrite(); return "SERSERV_PARENT_004";
    case 146: if (run) serserv.serservParentReconnect(); return "SERSERV_PARENT_005";
    case 147: if (run) serserv.serservParentKill(); return "SERSERV_PARENT_006";
    case 148: if (run) serserv.serservSpawnInputs(); return "SERSERV_PARENT_007";
    case 149: if (run) serserv.serservConnectInputs(); return "SERSERV_PARENT_008";
    case 150: if (run) serserv.serservConnectServerChecks(); return "SERSERV_PARENT_008-server";
    case 151: if (run) serserv.serservPrintfInputs(); return "SERSERV_PARENT_009";
    case 152: if (run) serserv.serservWriteServerChecks(); return "SERSERV_PARENT_009-server";
    case 153: if (run) serserv.serservWriteInputs(); return "SERSERV_PARENT_010";
    case 154: if (run) serserv.serservClientConnect(); return "SERSERV_CLIENT_001";
    case 155: if (run) serserv.serservClientPrintf(); return "SERSERV_CLIENT_002";
    case 156: if (run) serserv.serservClientWrite(); return "SERSERV_CLIENT_003";
    case 157: if (run) serserv.serservClientReconnect(); return "SERSERV_CLIENT_004";
    case 158: if (run) serserv.serservClientKill(); return "SERSERV_CLIENT_005";
    case 159: if (run) serserv.serservProcConnect(); return "SERSERV_CLI_PROC_001";
    case 160: if (run) serserv.serservProcPrintf(); return "SERSERV_CLI_PROC_002";
    case 161: if (run) serserv.serservProcWrite(); return "SERSERV_CLI_PROC_003";
    case 162: if (run) serserv.serservProcReconnect(); return "SERSERV_CLI_PROC_004";
    case 163: if (run) serserv.serservProcKill(); return "SERSERV_CLI_PROC_005";
    default: return "";
  }
}

/** Test `i` of the suite, or of the hidden list. */
function anyTest(hidden: bool, i: i32, run: bool): string {
  return hidden ? hiddenTest(i, run) : test(i, run);
}

function testCount(hidden: bool): i32 {
  let n = 0;
  while (anyTest(hidden, n, false).length != 0) n++;
  return n;
}

/** Where the threads a test starts in its own address space begin (libs/user/thread.ts, env.ts spawn). */
export function threadMain(kind: i32, arg: u32): void {
  if (faults.faultHelperMain(kind, arg) || ioports.ioportsHelperMain(kind, arg) || timers.timerHelperMain(kind, arg)
      || timed.timedHelperMain(kind, arg)) return;
  if (sync.syncHelperMain(kind, arg) || serserv.serservHelperMain(kind, arg)) return;
  ipc.helperMain(kind, arg);
}

export function main(): u32 {
  if (argIs(1, "helper")) {
    // A helper process a test started from this program's image (interas.ts; serserv.ts's client processes); it never returns.
    const kind = <i32>argNumber(2, 0);
    if (kind == serserv.K_PROC_CLIENT) serserv.serservClientProcessMain(argNumber(4, 0));
    else interas.helperProcessMain(kind, argNumber(3, 0), argNumber(4, 0));
    return 0;
  }
  const hidden = hasArg("hidden");
  if (argIs(1, "count")) {
    store<u32>(USER_BOOTINFO + BOOTINFO_STATUS_DETAIL, <u32>testCount(hidden));
    store<u32>(USER_BOOTINFO + BOOTINFO_STATUS, PROCESS_STATUS_PASSED);
    return 0;
  }
  const i = <i32>argNumber(2, 0xFFFFFFFF);
  const name = anyTest(hidden, i, false);
  if (!argIs(1, "run") || name.length == 0) {
    printLine("sel4test: usage: sel4test count [hidden] | sel4test run <index> [hidden]");
    check(false, "bad arguments");
    finish("(none)");
    return 1;
  }
  anyTest(hidden, i, true);
  tcb.stopHelpers();
  return finish(name) ? 0 : 1;
}
