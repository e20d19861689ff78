// userland/printer/main.ts: prints numbered lines, busy-waiting in between.
//
// Arguments: <name> <lines> <spin>. It never yields, so when two printers
// of the same priority interleave their lines, the timer preempted them:
// the system test for round-robin scheduling uses exactly that.

import { nameThreadBytes, print, printBytes, printLine, printDec, argNumber, argsAddr, argsLength } from "../../libs/user/sys";

export { abort, wasmTrap } from "../../libs/user/runtime";

const nameBuf = memory.data(32);

function spin(n: u32): u32 {
  let x: u32 = 0;
  for (let i: u32 = 0; i < n; i++) x = (x * 1103515245 + 12345) ^ i;
  return x;
}

export function main(): u32 {
  // The first word is the name.
  const a = argsAddr();
  const len = argsLength();
  let n: u32 = 0;
  while (n < len && n < 31 && load<u8>(a + n) != 0x20) {
    store<u8>(nameBuf + n, load<u8>(a + n));
    n++;
  }
  nameThreadBytes(nameBuf, n);
  const lines = argNumber(1, 5);
  const work = argNumber(2, 200000);
  let sink: u32 = 0;
  for (let i: u32 = 0; i < lines; i++) {
    printBytes(nameBuf, n);
    print(" line ");
    printDec(i);
    printLine("");
    sink += spin(work);
  }
  printBytes(nameBuf, n);
  printLine(" done");
  return sink & 0;
}
