// userland/printer/main.ts: prints progress marks, busy-waiting in between.
//
// Arguments: <name> <units> <spin> [lines]. For each unit of busy work it
// prints one mark, its name's first letter in upper case (one PutChar, so
// a mark is never torn by preemption); with "lines" it prints
// "<name> line <n>" instead. It never yields, so when the marks of two
// printers at the same priority interleave, the timer preempted them: the
// system test for round-robin scheduling uses exactly that.

import { nameThreadFromArgs, print, printBytes, printLine, printDec, argNumber, argIs, putChar } from "../../libs/user/sys";

export { abort, wasmTrap } from "../../libs/user/runtime";

const nameBuf = memory.data(32);
/** Where the busy work's result goes, so the optimiser must do the work. */
const sinkCell = memory.data(4);

function spin(n: u32): u32 {
  let x: u32 = 0;
  for (let i: u32 = 0; i < n; i++) x = (x * 1103515245 + 12345) ^ i;
  return x;
}

export function main(): u32 {
  const n = nameThreadFromArgs(nameBuf);
  const lines = argNumber(1, 5);
  const work = argNumber(2, 200000);
  const asLines = argIs(3, "lines");
  const mark = n > 0 ? <u32>load<u8>(nameBuf) & ~0x20 : 0x3F;
  let sink: u32 = 0;
  for (let i: u32 = 0; i < lines; i++) {
    if (asLines) {
      printBytes(nameBuf, n);
      print(" line ");
      printDec(i);
      printLine("");
    } else {
      putChar(mark);
    }
    sink += spin(work);
  }
  if (!asLines) printLine("");
  printBytes(nameBuf, n);
  printLine(" done");
  store<u32>(sinkCell, sink);
  return 0;
}
