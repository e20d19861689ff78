// userland/root/main.ts: the root task, the first user program (boot module 0).
//
// Owns: nothing yet but proving the path works: it names itself, says hello
// from ring 3 with what BootInfo told it, and exits. It becomes the
// component-tree builder (DESIGN.md, Userland) once capabilities exist.

import { nameThread, print, printLine, printDec, myThreadId, bootInfoValid, argsAddr, argsLength, putChar } from "../../libs/user/sys";

export { abort, wasmTrap } from "../../libs/user/runtime";

export function main(): u32 {
  if (!bootInfoValid()) {
    printLine("root: no BootInfo page");
    return 1;
  }
  nameThread("root");
  print("root: hello from user mode, thread ");
  printDec(myThreadId());
  print(", arguments \"");
  const a = argsAddr();
  const n = argsLength();
  for (let i: u32 = 0; i < n; i++) putChar(load<u8>(a + i));
  printLine("\"");
  return 0;
}
