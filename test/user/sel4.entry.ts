// test/user/sel4.entry.ts: the user library, compiled for Node tests.
//
// Owns: exporting every wrapper of libs/user (ipc.ts, invocations.gen.ts,
// bootinfo.ts, sys.ts's debug names) so test/unit/user-*.test.ts can call
// them with the `sysenter` intrinsic mocked in JavaScript.
// Must not: add behaviour of its own.

export * from "../../libs/user/ipc";
export * from "../../libs/user/invocations.gen";
export * from "../../libs/user/bootinfo";
export { putChar, halt, yieldCpu, nullSyscall, dumpScheduler, threadExit } from "../../libs/user/sys";
