// userland/tls/main.ts: seL4's TLS segment, seen from user mode.
//
// Arguments: <name> <slot> <rounds> [clobber]. Sets its TLS base with the
// SetTLSBase system call to a block of its own at slot <slot> (so threads
// of this program have different bases), writes the block's address at
// offset 0 (the thread pointer of i386 TLS variant II) and a value of its
// own at offset 4, then reads %gs:0 and %gs:4 <rounds> times with busy work
// in between, never yielding, counting reads that differ. The runtime's
// own per-thread words lie below the thread pointer (libs/abi/layout.def.ts
// TLS_BLOCK), so each slot keeps room for them and carries the IPC buffer
// pointer over. With "clobber" it loads FS and GS with the flat data
// selector before its busy work instead (ring 3 may), which must not
// reach another thread; it loads GS 0x3B again before its next system
// call, which needs its thread pointer. Prints
//   "tls <name> start fs <fs> gs <gs> end fs <fs> gs <gs> base <base> bad <count>"
// with the selectors read at its start and after its work; the system test
// (test/system/fpu.test.ts) runs several at a high timer rate.

import { nameThreadFromArgs, print, printBytes, printDec, printHex, printLine, argNumber, hasArg, setTlsBase, yieldCpu } from "../../libs/user/sys";
import { SEL_USER_DS, SEL_USER_GS } from "../../kernel/arch/x86/machine.gen";
import { TLS_SELF, TLS_IPC_BUFFER } from "../../libs/abi/layout.gen";
import { seL4_GetIPCBuffer } from "../../libs/user/ipc";

export { abort, wasmTrap } from "../../libs/user/runtime";

// @ts-ignore: decorator
@external("x86", "readGs32") declare function readGs32(offset: u32): u32;
// @ts-ignore: decorator
@external("x86", "readFs") declare function readFs(): u32;
// @ts-ignore: decorator
@external("x86", "readGs") declare function readGs(): u32;
// @ts-ignore: decorator
@external("x86", "writeFs") declare function writeFs(selector: u32): void;
// @ts-ignore: decorator
@external("x86", "writeGs") declare function writeGs(selector: u32): void;

// @ts-ignore: decorator
@inline const SLOT_SIZE: u32 = 64;
// @ts-ignore: decorator
@inline const SLOTS: u32 = 8;

const nameBuf = memory.data(32);
const blocks = memory.data(<i32>(SLOT_SIZE * SLOTS), 64);
const sinkCell = memory.data(4);

function spin(n: u32): u32 {
  let x: u32 = 0;
  for (let i: u32 = 0; i < n; i++) x = (x * 1103515245 + 12345) ^ i;
  return x;
}

export function main(): u32 {
  const n = nameThreadFromArgs(nameBuf);
  const slot = argNumber(1, 0) % SLOTS;
  const rounds = argNumber(2, 1000);
  const clobber = hasArg("clobber");
  const fs = readFs();
  const gs = readGs();

  const base = blocks + slot * SLOT_SIZE + TLS_SELF; // the thread pointer, above the runtime's words
  const mine: u32 = 0x7150000 | (slot << 8) | <u32>load<u8>(nameBuf);
  store<u32>(base - TLS_SELF + TLS_IPC_BUFFER, <u32>seL4_GetIPCBuffer());
  store<u32>(base, <u32>base);
  store<u32>(base + 4, mine);
  setTlsBase(base);
  let bad: u32 = 0;
  let sink: u32 = 0;
  for (let i: u32 = 0; i < rounds; i++) {
    if (clobber) {
      writeFs(SEL_USER_DS);
      writeGs(SEL_USER_DS);
      sink += spin(2000);
      continue;
    }
    if (readGs32(0) != <u32>base || readGs32(4) != mine) bad++;
    sink += spin(2000);
  }
  store<u32>(sinkCell, sink);
  const fsEnd = readFs();
  const gsEnd = readGs();
  writeGs(SEL_USER_GS); // the thread pointer back for the system calls below (its base is still ours)

  yieldCpu(); // a fresh time slice, so the line is rarely split by a switch
  print("tls ");
  printBytes(nameBuf, n);
  print(" start fs ");
  printHex(fs);
  print(" gs ");
  printHex(gs);
  print(" end fs ");
  printHex(fsEnd);
  print(" gs ");
  printHex(gsEnd);
  print(" base ");
  printHex(<u32>base);
  print(" bad ");
  printDec(bad);
  printLine("");
  return 0;
}
