// userland/bench/main.ts: the system-call benchmark (DESIGN.md, sel4bench's method).
//
// Measures one BenchmarkNullSyscall, sysenter to sysexit through the
// kernel, with cpuid; rdtsc; cpuid on both sides; the same sequence with
// the sysenter replaced by a 2-byte NOP is the overhead. Then, the same
// way, single invocations through seL4_Call: Untyped_Retype of one
// endpoint, CNode_Copy, CNode_Delete, Frame_Map and Frame_Unmap (what is
// needed between two samples, such as deleting the endpoint just made, is
// done outside the timed part). 16 warm-up runs, then SAMPLES of each;
// prints min, median and max of both on the console as
// "bench: <name> <min> <median> <max>" for build/bench.ts to read
// (report.ts). Then the IPC rows (ipc.ts), whose threads start at
// threadMain here.
// The benchmark runs as the root task (boot module 0): it takes an
// untyped, slots and its own VSpace from BootInfo.
// Under TCG with -icount shift=0 the numbers are guest instructions.

import { print, printLine, printDec, nameThread, startRegister } from "../../libs/user/sys";
import { WARMUP, SAMPLES, samples, report } from "./report";
import { benchIpc, ipcThreadMain } from "./ipc";
import { initFromBootInfo, bootInfoEmptyStart, bootInfoUntypedStart, bootInfoUntypedCount, bootInfoUntypedSizeBits, bootInfoUntypedIsDevice } from "../../libs/user/bootinfo";
import { seL4_SetMR, seL4_SetCap, seL4_MessageInfo_new, seL4_MessageInfo_get_label } from "../../libs/user/ipc";
import { seL4_Untyped_Retype, seL4_CNode_Delete, seL4_CNode_Copy, seL4_X86_PageTable_Map } from "../../libs/user/invocations.gen";
import {
  SYS_CALL, LABEL_UNTYPED_RETYPE, LABEL_CNODE_COPY, LABEL_CNODE_DELETE, LABEL_X86_PAGE_MAP, LABEL_X86_PAGE_UNMAP,
  OBJ_ENDPOINT, OBJ_X86_4K, OBJ_X86_PAGE_TABLE, seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace, seL4_WordBits, seL4_NoError,
  seL4_X86_Default_VMAttributes, CAP_RIGHTS_CAP_ALLOW_READ_SHIFT, CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT,
} from "../../libs/abi/sel4.gen";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "benchNullSyscall") declare function benchNullSyscall(): u64;
// @ts-ignore: decorator
@external("x86", "benchNullSyscallNop") declare function benchNullSyscallNop(): u64;

// @ts-ignore: decorator
@external("x86", "benchSysenter") declare function benchSysenter(block: usize): u64;
// @ts-ignore: decorator
@external("x86", "benchSysenterNop") declare function benchSysenterNop(block: usize): u64;

/** The register block of one seL4_Call: eax, ebx, esi, edi, ebp. */
const block = memory.data(20, 4);

/** Sets up the block for a Call of `service` with `label`, `length` words (MR0, MR1 in registers) and `extra` capabilities. */
function call(service: u32, label: u32, extra: u32, length: u32, mr0: u32, mr1: u32): void {
  store<u32>(block, <u32>SYS_CALL, 0);
  store<u32>(block, service, 4);
  store<u32>(block, seL4_MessageInfo_new(label, 0, extra, length), 8);
  store<u32>(block, mr0, 12);
  store<u32>(block, mr1, 16);
}

let failed = false;

/** Times the Call set up in the block; the reply must be success. */
function timed(): u32 {
  const t = <u32>benchSysenter(block);
  if (seL4_MessageInfo_get_label(load<u32>(block, 8)) != seL4_NoError && !failed) {
    print("bench: an invocation failed with error ");
    printDec(seL4_MessageInfo_get_label(load<u32>(block, 8)));
    printLine("");
    failed = true;
  }
  return t;
}

/** The overhead: the same register loads and stamps around a 2-byte NOP. */
function overhead(name: string): void {
  for (let i = 0; i < SAMPLES; i++) store<u32>(samples + i * 4, <u32>benchSysenterNop(block));
  report(name);
}

// What the invocation benchmarks work on: slots of the root CNode, an untyped, our VSpace.
let untyped: u32 = 0;
let endpoint: u32 = 0;
let spare: u32 = 0;
let frame: u32 = 0;
// @ts-ignore: decorator
@inline const BENCH_VADDR: u32 = 0x30000000;
// @ts-ignore: decorator
@inline const RIGHTS_RW: u32 = (<u32>1 << CAP_RIGHTS_CAP_ALLOW_READ_SHIFT) | (<u32>1 << CAP_RIGHTS_CAP_ALLOW_WRITE_SHIFT);
// @ts-ignore: decorator
@inline const ALL_RIGHTS: u32 = 0xF;

function setUp(bi: usize): bool {
  const n = bootInfoUntypedCount(bi);
  for (let i: u32 = 0; i < n && untyped == 0; i++) {
    if (!bootInfoUntypedIsDevice(bi, i) && bootInfoUntypedSizeBits(bi, i) >= 16) untyped = bootInfoUntypedStart(bi) + i;
  }
  if (untyped == 0) return false;
  const free = bootInfoEmptyStart(bi);
  endpoint = free;
  spare = free + 1;
  frame = free + 2;
  const table = free + 3;
  const cnode = seL4_CapInitThreadCNode;
  return seL4_Untyped_Retype(untyped, OBJ_ENDPOINT, 0, cnode, 0, 0, endpoint, 1) == seL4_NoError &&
    seL4_Untyped_Retype(untyped, OBJ_X86_4K, 0, cnode, 0, 0, frame, 1) == seL4_NoError &&
    seL4_Untyped_Retype(untyped, OBJ_X86_PAGE_TABLE, 0, cnode, 0, 0, table, 1) == seL4_NoError &&
    seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, BENCH_VADDR, seL4_X86_Default_VMAttributes) == seL4_NoError;
}

/** Untyped_Retype of one endpoint into `spare` (deleted again between samples). */
function setUpRetype(): void {
  seL4_SetCap(0, seL4_CapInitThreadCNode);
  seL4_SetMR(2, 0);      // node_index
  seL4_SetMR(3, 0);      // node_depth: the root CNode itself
  seL4_SetMR(4, spare);  // node_offset
  seL4_SetMR(5, 1);      // num_objects
  call(untyped, LABEL_UNTYPED_RETYPE, 1, 6, OBJ_ENDPOINT, 0);
}

/** CNode_Copy of the endpoint into `spare`. */
function setUpCopy(): void {
  seL4_SetCap(0, seL4_CapInitThreadCNode);
  seL4_SetMR(2, endpoint);
  seL4_SetMR(3, seL4_WordBits);
  seL4_SetMR(4, ALL_RIGHTS);
  call(seL4_CapInitThreadCNode, LABEL_CNODE_COPY, 1, 5, spare, seL4_WordBits);
}

function deleteSpare(): void {
  seL4_CNode_Delete(seL4_CapInitThreadCNode, spare, seL4_WordBits);
}

function benchInvocations(): void {
  // Untyped_Retype of one endpoint.
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    setUpRetype();
    const t = timed();
    if (i >= WARMUP) store<u32>(samples + (i - WARMUP) * 4, t);
    deleteSpare();
  }
  report("retype-endpoint-raw");
  setUpRetype();
  overhead("retype-endpoint-overhead");
  // CNode_Copy, and CNode_Delete of the copy.
  const deletes = memory.data(SAMPLES * 4);
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    setUpCopy();
    const t = timed();
    call(seL4_CapInitThreadCNode, LABEL_CNODE_DELETE, 0, 2, spare, seL4_WordBits);
    const d = timed();
    if (i >= WARMUP) {
      store<u32>(samples + (i - WARMUP) * 4, t);
      store<u32>(deletes + (i - WARMUP) * 4, d);
    }
  }
  report("cnode-copy-raw");
  setUpCopy();
  overhead("cnode-copy-overhead");
  memory.copy(samples, deletes, SAMPLES * 4);
  report("cnode-delete-raw");
  call(seL4_CapInitThreadCNode, LABEL_CNODE_DELETE, 0, 2, spare, seL4_WordBits);
  overhead("cnode-delete-overhead");
  // Frame_Map and Frame_Unmap of one 4 KiB frame.
  const unmaps = memory.data(SAMPLES * 4);
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    seL4_SetCap(0, seL4_CapInitThreadVSpace);
    seL4_SetMR(2, seL4_X86_Default_VMAttributes);
    call(frame, LABEL_X86_PAGE_MAP, 1, 3, BENCH_VADDR, RIGHTS_RW);
    const m = timed();
    call(frame, LABEL_X86_PAGE_UNMAP, 0, 0, 0, 0);
    const u = timed();
    if (i >= WARMUP) {
      store<u32>(samples + (i - WARMUP) * 4, m);
      store<u32>(unmaps + (i - WARMUP) * 4, u);
    }
  }
  report("frame-map-raw");
  seL4_SetCap(0, seL4_CapInitThreadVSpace);
  call(frame, LABEL_X86_PAGE_MAP, 1, 3, BENCH_VADDR, RIGHTS_RW);
  overhead("frame-map-overhead");
  memory.copy(samples, unmaps, SAMPLES * 4);
  report("frame-unmap-raw");
  call(frame, LABEL_X86_PAGE_UNMAP, 0, 0, 0, 0);
  overhead("frame-unmap-overhead");
}

export function main(): u32 {
  // The benchmark runs as the root task (boot module 0): BootInfo says where its IPC buffer is.
  const bi = <usize>startRegister();
  if (bi != 0) initFromBootInfo(bi);
  nameThread("bench");
  for (let i = 0; i < WARMUP; i++) {
    benchNullSyscall();
    benchNullSyscallNop();
  }
  for (let i = 0; i < SAMPLES; i++) store<u32>(samples + i * 4, <u32>benchNullSyscall());
  report("null-syscall-raw");
  for (let i = 0; i < SAMPLES; i++) store<u32>(samples + i * 4, <u32>benchNullSyscallNop());
  report("null-syscall-overhead");
  if (bi == 0 || !setUp(bi)) {
    printLine("bench: no BootInfo, untyped or slots for the invocation benchmarks");
    return 1;
  }
  benchInvocations();
  if (!benchIpc(bi, bootInfoEmptyStart(bi) + 4, untyped)) failed = true;
  return failed ? 1 : 0;
}

/** Where the IPC benchmarks' threads begin (libs/user/thread.ts, build/rt/user-rt.c). */
export function threadMain(kind: i32, arg: u32): void {
  ipcThreadMain(kind, arg);
}
