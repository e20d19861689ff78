// test/kernel/selfcheck.entry.ts: the wasm entry for test/unit/selfcheck.test.ts.
//
// Owns: the kernel's self-check (kernel/debug/selfcheck.ts, tsos's
// DebugSelfCheck) and the debug thread list it starts from
// (kernel/debug/thread-list.ts), on top of everything test/kernel/
// ipc.entry.ts hands over (capabilities, the derivation tree, IPC, the
// scheduler and the ready queues, over wasm memory that plays physical
// memory).
// Must not: add behaviour of its own: every wrapper calls one kernel function.

export * from "./ipc.entry";

import * as check from "../../kernel/debug/selfcheck";
import * as list from "../../kernel/debug/thread-list";
import * as tcb from "../../kernel/object/tcb";

export function selfCheck(): u32 { return check.selfCheck(); }
export function selfCheckCapabilities(): u32 { return check.selfCheckCapabilities(); }
export function debugThreadAdd(t: usize): void { list.debugThreadAdd(t); }
export const TCB_FLAGS: u32 = <u32>tcb.TCB_FLAGS;
export const TCB_SCHED_PREV: u32 = <u32>tcb.TCB_SCHED_PREV;

import { consoleInit } from "../../kernel/console";
/** consoleInit with the VGA buffer at `vgaBase` (test memory), so the check's lines reach the mocked COM1. */
export function consoleInitAt(vgaBase: usize): void { consoleInit(vgaBase); }
export { serialInit } from "../../kernel/drivers/serial";
