// test/user/process.entry.ts: the process builder (libs/user/process.ts), compiled for Node tests.
//
// Owns: exporting the builder to test/unit/user-process.test.ts, with the
// record's fields reachable as plain numbers (a Process is an @unmanaged
// record at an address the test allocates).
// Must not: add behaviour of its own.

import {
  Process, PROCESS_RECORD_SIZE, processInit, processStart, processDestroy, processSlotsNeeded, processStatus,
} from "../../libs/user/process";
export { setIpcBuffer } from "../../libs/user/ipc";

export function recordSize(): usize {
  return PROCESS_RECORD_SIZE;
}

/** Clears the record at `p` and sets what the caller sets. */
export function configure(
  p: usize, image: usize, imageSize: u32, parent: u32, first: u32, count: u32, scratch: u32, infoAt: u32,
  priority: u32, cmdline: usize, cmdlineLength: u32, threadId: u32, moduleIndex: u32, shareBits: u32, flags: u32,
  deviceUntyped: u32,
): void {
  const r = changetype<Process>(p);
  processInit(r);
  r.image = image;
  r.imageSize = imageSize;
  r.parentUntyped = parent;
  r.firstSlot = first;
  r.slotCount = count;
  r.scratch = scratch;
  r.infoAt = infoAt;
  r.priority = priority;
  r.cmdline = cmdline;
  r.cmdlineLength = cmdlineLength;
  r.threadId = threadId;
  r.moduleIndex = moduleIndex;
  r.shareBits = shareBits;
  r.flags = flags;
  r.deviceUntyped = deviceUntyped;
}

/** The extra capabilities (`count` ProcessCap entries at `caps`), the lent image frames and the fault endpoint. */
export function configureExtras(p: usize, caps: usize, count: u32, imageFrames: u32, faultEndpoint: u32): void {
  const r = changetype<Process>(p);
  r.extraCaps = caps;
  r.extraCapCount = count;
  r.imageFrames = imageFrames;
  r.faultEndpoint = faultEndpoint;
}

export function start(p: usize): u32 { return <u32>processStart(changetype<Process>(p)); }
export function destroy(p: usize): u32 { return <u32>processDestroy(changetype<Process>(p)); }
export function slotsNeeded(p: usize): u32 { return processSlotsNeeded(changetype<Process>(p)); }
export function status(p: usize): u32 { return processStatus(changetype<Process>(p)); }
export function errorStep(p: usize): u32 { return <u32>changetype<Process>(p).errorStep; }
export function error(p: usize): u32 { return changetype<Process>(p).error; }
export function errorDetail(p: usize): u32 { return changetype<Process>(p).errorDetail; }
export function slotsUsed(p: usize): u32 { return changetype<Process>(p).slotsUsed; }
export function untypedBits(p: usize): u32 { return changetype<Process>(p).untypedBits; }
export function entry(p: usize): u32 { return changetype<Process>(p).entry; }
