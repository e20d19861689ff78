// userland/pathstress/main.ts: the stress run for the longest non-preemptible kernel path.
//
// Owns: as the root task (boot module 0) of the measuring kernel variant
// (kernel/debug/path-stats.ts, booted by `npm run bench`), the two long
// kernel operations the issue names: revoking a derivation tree of 10 000
// capabilities (copies of one endpoint in a CNode of 2^14 slots, revoked
// through the original) and retyping a 64 MiB untyped into 4 KiB frames
// (256 per Untyped_Retype, seL4's limit; 64 calls). Then it powers off
// (DebugPowerOff), and the kernel prints the longest path it saw.
// Must not: print anything the bench parser could take for a result but
// its own "pathstress:" lines.

import { print, printLine, printDec, nameThread, startRegister, powerOff } from "../../libs/user/sys";
import {
  initFromBootInfo, bootInfoEmptyStart, bootInfoUntypedStart, bootInfoUntypedCount, bootInfoUntypedSizeBits,
  bootInfoUntypedIsDevice,
} from "../../libs/user/bootinfo";
import { seL4_Untyped_Retype, seL4_CNode_Copy, seL4_CNode_Revoke } from "../../libs/user/invocations.gen";
import {
  OBJ_ENDPOINT, OBJ_CAP_TABLE, OBJ_X86_4K, OBJ_UNTYPED, seL4_CapInitThreadCNode, seL4_WordBits, seL4_NoError,
  seL4_UntypedRetypeMaxObjects, seL4_PageBits,
} from "../../libs/abi/sel4.gen";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@inline const TREE: u32 = 10000;
// @ts-ignore: decorator
@inline const BIG_CNODE_BITS: u32 = 14;
// @ts-ignore: decorator
@inline const FRAMES_UNTYPED_BITS: u32 = 26; // 64 MiB
// @ts-ignore: decorator
@inline const ALL_RIGHTS: u32 = 0xF;

function fail(what: string, err: u32): u32 {
  print("pathstress: ");
  print(what);
  print(" failed with seL4 error ");
  printDec(err);
  printLine("");
  powerOff(1);
  return 1;
}

export function main(): u32 {
  const bi = <usize>startRegister();
  initFromBootInfo(bi);
  nameThread("pathstress");
  // The largest RAM untyped holds the 64 MiB one; another one the CNode and the endpoint.
  let big: u32 = 0;
  let bigBits: u32 = 0;
  let small: u32 = 0;
  const n = bootInfoUntypedCount(bi);
  for (let i: u32 = 0; i < n; i++) {
    if (bootInfoUntypedIsDevice(bi, i)) continue;
    const bits = bootInfoUntypedSizeBits(bi, i);
    if (bits > bigBits) {
      if (bigBits >= 20) small = big;
      big = bootInfoUntypedStart(bi) + i;
      bigBits = bits;
    } else if (bits >= 20 && small == 0) {
      small = bootInfoUntypedStart(bi) + i;
    }
  }
  if (bigBits < FRAMES_UNTYPED_BITS || small == 0) return fail("finding a 64 MiB untyped and a 1 MiB one", 0);
  const free = bootInfoEmptyStart(bi);
  const cnode = free;
  const ep = free + 1;
  const frames64 = free + 2;
  const root = seL4_CapInitThreadCNode;
  let err = seL4_Untyped_Retype(small, OBJ_CAP_TABLE, BIG_CNODE_BITS, root, 0, 0, cnode, 1);
  if (err != seL4_NoError) return fail("making a CNode of 2^14 slots", err);
  err = seL4_Untyped_Retype(small, OBJ_ENDPOINT, 0, root, 0, 0, ep, 1);
  if (err != seL4_NoError) return fail("making an endpoint", err);
  for (let i: u32 = 0; i < TREE; i++) {
    err = seL4_CNode_Copy(cnode, i, BIG_CNODE_BITS, root, ep, seL4_WordBits, ALL_RIGHTS);
    if (err != seL4_NoError) return fail("copying the endpoint", err);
  }
  printLine("pathstress: revoking a tree of 10000 capabilities");
  err = seL4_CNode_Revoke(root, ep, seL4_WordBits);
  if (err != seL4_NoError) return fail("the revoke", err);
  err = seL4_Untyped_Retype(big, OBJ_UNTYPED, FRAMES_UNTYPED_BITS, root, 0, 0, frames64, 1);
  if (err != seL4_NoError) return fail("making a 64 MiB untyped", err);
  const frames: u32 = <u32>1 << (FRAMES_UNTYPED_BITS - seL4_PageBits);
  printLine("pathstress: retyping 64 MiB into 4 KiB frames");
  for (let i: u32 = 0; i < frames; i += seL4_UntypedRetypeMaxObjects) {
    err = seL4_Untyped_Retype(frames64, OBJ_X86_4K, 0, cnode, 0, 0, i, seL4_UntypedRetypeMaxObjects);
    if (err != seL4_NoError) return fail("retyping frames", err);
  }
  printLine("pathstress: done");
  powerOff(0);
  return 0;
}
