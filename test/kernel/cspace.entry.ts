// test/kernel/cspace.entry.ts: the wasm entry for test/unit/cspace.test.ts.
//
// Owns: wrappers that hand the kernel's own slot layout, capability rules,
// lookup and derivation-tree code to the tests, over wasm memory that plays
// physical memory (vspaceSetPhysWindow(0): a physical address is a wasm
// address). Capabilities cross as two u32 words (data, object word).
// Must not: add behaviour of its own.

import * as cte from "../../kernel/cspace/cte";
import * as derive from "../../kernel/cspace/derive";
import * as cdt from "../../kernel/cspace/cdt";
import * as lookup from "../../kernel/cspace/lookup";
import * as del from "../../kernel/cspace/delete";
import * as inv from "../../kernel/api/invocation";
import * as preemption from "../../kernel/api/preemption";


export { vspaceSetPhysWindow, vspaceInit } from "../../kernel/arch/x86/vspace";
export { schedulerSetCurrent, currentThread } from "../../kernel/sched/scheduler";
export { invocationBegin, invocationSetArg, invocationAddExtraCap } from "../../kernel/api/invocation";
export { decodeUntypedInvocation, invokeUntypedRetype, decodeCNodeInvocation, invokeCNode };
import { decodeUntypedInvocation, invokeUntypedRetype } from "../../kernel/object/untyped";
import { decodeCNodeInvocation, invokeCNode } from "../../kernel/object/cnode";

// @ts-ignore: decorator
@inline function cap(data: u32, object: u32): u64 {
  return (<u64>object << 32) | <u64>data;
}

// ── Building capabilities ────────────────────────────────────────────
let lastCap: u64 = 0;
export function lastData(): u32 { return <u32>lastCap; }
export function lastObject(): u32 { return <u32>(lastCap >>> 32); }
export function makeUntyped(phys: u32, sizeBits: u32, isDevice: bool, freeIndex: u32): void { lastCap = cte.untypedCap(phys, sizeBits, isDevice, freeIndex); }
export function makeEndpoint(phys: u32, badge: u32, rights: u32): void { lastCap = cte.endpointCap(phys, badge, rights); }
export function makeNotification(phys: u32, badge: u32, rights: u32): void { lastCap = cte.notificationCap(phys, badge, rights); }
export function makeCNode(phys: u32, radix: u32, guardSize: u32, guard: u32): void { lastCap = cte.cnodeCap(phys, radix, guardSize, guard); }
export function makeThread(phys: u32): void { lastCap = cte.threadCap(phys); }
export function makeReply(phys: u32, master: bool, canGrant: bool): void { lastCap = cte.replyCap(phys, master, canGrant); }
export function makeFrame(phys: u32, large: bool, isDevice: bool, rights: u32): void { lastCap = cte.frameCap(phys, large, isDevice, rights); }
export function makePageTable(phys: u32): void { lastCap = cte.pageTableCap(phys); }
export function makePageDirectory(phys: u32): void { lastCap = cte.pageDirectoryCap(phys); }
export function makeAsidPool(phys: u32, base: u32): void { lastCap = cte.asidPoolCap(phys, base); }
export function makeIrqHandler(irq: u32): void { lastCap = cte.irqHandlerCap(irq); }
export function makeIoPort(first: u32, last: u32): void { lastCap = cte.ioPortCap(first, last); }
export function makeZombie(firstSlot: u32, typeBits: u32, n: u32): void { lastCap = cte.zombieCap(firstSlot, typeBits, n); }
export function makeTagOnly(tag: u32): void { lastCap = cte.tagOnlyCap(tag); }

// ── Slots ────────────────────────────────────────────────────────────
export function setCap(s: usize, data: u32, object: u32): void { cte.setCapWords(s, cap(data, object)); }
export function clearSlot(s: usize): void { cte.cteClear(s); }
export function tag(s: usize): u32 { return cte.capTag(s); }
export function objectPhys(s: usize): u32 { return cte.capObjectPhys(s); }
export function pagePhys(s: usize): u32 { return cte.capPagePhys(s); }
export function untypedSizeBits(s: usize): u32 { return cte.untypedSizeBits(s); }
export function untypedIsDevice(s: usize): bool { return cte.untypedIsDevice(s); }
export function untypedFreeIndex(s: usize): u32 { return cte.untypedFreeIndex(s); }
export function setUntypedFreeIndex(s: usize, i: u32): void { cte.setUntypedFreeIndex(s, i); }
export function badge(s: usize): u32 { return cte.capBadge(s); }
export function rights(s: usize): u32 { return cte.capRights(s); }
export function cnodeRadix(s: usize): u32 { return cte.cnodeRadix(s); }
export function cnodeGuardSize(s: usize): u32 { return cte.cnodeGuardSize(s); }
export function cnodeGuard(s: usize): u32 { return cte.cnodeGuard(s); }
export function replyIsMaster(s: usize): bool { return cte.replyIsMaster(s); }
export function replyCanGrant(s: usize): bool { return cte.replyCanGrant(s); }
export function frameIsLarge(s: usize): bool { return cte.frameIsLarge(s); }
export function frameIsDevice(s: usize): bool { return cte.frameIsDevice(s); }
export function frameVmRights(s: usize): u32 { return cte.frameVmRights(s); }
export function frameMappedAsid(s: usize): u32 { return cte.frameMappedAsid(s); }
export function frameMappedVaddr(s: usize): u32 { return cte.frameMappedVaddr(s); }
export function setFrameMapping(s: usize, asid: u32, vaddr: u32): void { cte.setFrameMapping(s, asid, vaddr); }
export function tableIsMapped(s: usize): bool { return cte.tableIsMapped(s); }
export function tableMappedAsid(s: usize): u32 { return cte.tableMappedAsid(s); }
export function tableMappedVaddr(s: usize): u32 { return cte.tableMappedVaddr(s); }
export function setTableMapping(s: usize, mapped: bool, asid: u32, vaddr: u32): void { cte.setTableMapping(s, mapped, asid, vaddr); }
export function asidPoolBase(s: usize): u32 { return cte.asidPoolBase(s); }
export function irq(s: usize): u32 { return cte.capIrq(s); }
export function ioPortFirst(s: usize): u32 { return cte.ioPortFirst(s); }
export function ioPortLast(s: usize): u32 { return cte.ioPortLast(s); }
export function zombiePtr(s: usize): u32 { return cte.zombiePtr(s); }
export function zombieType(s: usize): u32 { return cte.zombieType(s); }
export function zombieNumber(s: usize): u32 { return cte.zombieNumber(s); }
export function setZombieNumber(s: usize, n: u32): void { cte.setZombieNumber(s, n); }
export function mdbPrev(s: usize): usize { return cte.mdbPrev(s); }
export function mdbNext(s: usize): usize { return cte.mdbNext(s); }
export function setMdbPrev(s: usize, p: usize): void { cte.setMdbPrev(s, p); }
export function setMdbNext(s: usize, n: usize): void { cte.setMdbNext(s, n); }
export function mdbRevocable(s: usize): bool { return cte.mdbRevocable(s); }
export function mdbFirstBadged(s: usize): bool { return cte.mdbFirstBadged(s); }
export function setMdbFlags(s: usize, r: bool, f: bool): void { cte.setMdbFlags(s, r, f); }

// ── Rules over capability values (the capability is in slot s) ─────────
export function sameRegionAs(a: usize, b: usize): bool { return derive.sameRegionAs(cte.capWords(a), cte.capWords(b)); }
export function sameObjectAs(a: usize, b: usize): bool { return derive.sameObjectAs(cte.capWords(a), cte.capWords(b)); }
export function isCapRevocable(derived: usize, src: usize): bool { return derive.isCapRevocable(cte.capWords(derived), cte.capWords(src)); }
export function maskCapRights(r: u32, s: usize): void { lastCap = derive.maskCapRights(r, cte.capWords(s)); }
export function updateCapData(preserve: bool, data: u32, s: usize): void { lastCap = derive.updateCapData(preserve, data, cte.capWords(s)); }
export function deriveCap(s: usize): i32 {
  const r = derive.deriveCap(cte.capWords(s), cdt.hasChildren(s));
  lastCap = derive.derivedCap;
  return r;
}

// ── The derivation tree ──────────────────────────────────────────────
export function insert(src: usize, dest: usize): void { cdt.cteInsert(lastCap, src, dest); }
export function insertRoot(dest: usize, revocable: bool): void { cdt.cteInsertRoot(lastCap, dest, revocable); }
export function insertNew(parent: usize, dest: usize): void { cdt.cteInsertNew(parent, dest, lastCap); }
/** Copies slot src's capability into dest through cteInsert, after updateCapData (a Mint's badge) when `badge` is not 0. */
export function copy(src: usize, dest: usize, badge: u32): bool {
  let c = cte.capWords(src);
  if (badge != 0) c = derive.updateCapData(false, badge, c);
  if (c == 0) return false;
  cdt.cteInsert(c, src, dest);
  return true;
}
export function move(src: usize, dest: usize): void { cdt.cteMove(cte.capWords(src), src, dest); }
export function swap(a: usize, b: usize): void { cdt.cteSwap(cte.capWords(a), a, cte.capWords(b), b); }
export function empty(s: usize): void { cdt.cteEmpty(s); }
export function isParentOf(a: usize, b: usize): bool { return cdt.isParentOf(a, b); }
export function hasChildren(s: usize): bool { return cdt.hasChildren(s); }
export function isFinalCapability(s: usize): bool { return cdt.isFinalCapability(s); }

// ── Lookup ───────────────────────────────────────────────────────────
export function resolveAddressBits(root: usize, cptr: u32, depth: u32): usize { return lookup.resolveAddressBits(root, cptr, depth); }
export function lookupSlot(root: usize, cptr: u32): usize { return lookup.lookupSlot(root, cptr); }
export function lookupTargetSlot(root: usize, cptr: u32, depth: u32): usize { return lookup.lookupTargetSlot(root, cptr, depth); }
export function bitsRemaining(): u32 { return lookup.lookupBitsRemaining; }
export function faultType(): u32 { return lookup.lookupFaultType; }
export function faultBitsLeft(): u32 { return lookup.lookupFaultBitsLeft; }
export function faultBitsFound(): u32 { return lookup.lookupFaultBitsFound; }
export function faultGuardFound(): u32 { return lookup.lookupFaultGuardFound; }

// ── Deletion and invocations ─────────────────────────────────────────
export function cteDelete(s: usize, exposed: bool): i32 { return del.cteDelete(s, exposed); }
export function cteRevoke(s: usize): i32 { return del.cteRevoke(s); }
export function deleteWork(): u32 { return preemption.preemptionWork; }
export function errorCode(): u32 { return inv.errorCode; }
export function errorNumber(): u32 { return inv.errorNumber; }
export function errorRangeMin(): u32 { return inv.errorRangeMin; }
export function errorRangeMax(): u32 { return inv.errorRangeMax; }
export function errorWasSource(): u32 { return inv.errorFailedLookupWasSource; }
export function errorMemoryLeft(): u32 { return inv.errorMemoryLeft; }
export { buildErrorReply, replyWord } from "../../kernel/api/reply";
import { replyInfo as info } from "../../kernel/api/reply";
export function replyInfo(): u32 { return info; }

// ── Any invocation, through the kernel's dispatcher (kernel/api/decode.ts) ──
export { decodeInvocation, performInvocation } from "../../kernel/api/decode";
export { asidTableSetPool, asidTableReset, asidPoolGet } from "../../kernel/arch/x86/asid";
import * as tcb from "../../kernel/object/tcb";
import { tcbTlsBase } from "../../kernel/arch/x86/tls";
/** The thread part of the TCB object at physical `phys` (tests: wasm address). */
// @ts-ignore: decorator
@inline function thread(phys: u32): usize { return tcb.tcbOfObject(<usize>phys); }
export function threadState(phys: u32): u32 { return tcb.tcbState(thread(phys)); }
export function threadPriority(phys: u32): i32 { return tcb.tcbPriority(thread(phys)); }
export function threadMcp(phys: u32): i32 { return tcb.tcbMcp(thread(phys)); }
export function setThreadMcp(phys: u32, mcp: i32): void { tcb.setTcbMcp(thread(phys), mcp); }
export function threadSlot(phys: u32, i: u32): usize { return tcb.tcbSlot(thread(phys), i); }
export function threadIpcBuffer(phys: u32): u32 { return load<u32>(thread(phys), tcb.TCB_IPC_BUFFER); }
export function threadBoundNtfn(phys: u32): u32 { return load<u32>(thread(phys), tcb.TCB_BOUND_NTFN); }
export function threadTlsBase(phys: u32): u32 { return tcbTlsBase(thread(phys)); }
export function threadContext(phys: u32, offset: u32): u32 { return load<u32>(thread(phys) + <usize>offset); }
