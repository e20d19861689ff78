// userland/root/main.ts: the root task, the first user program (boot module 0).
//
// Owns: nothing yet but proving the path works: it names itself, says hello
// from ring 3 with what BootInfo told it, and exits. With the argument
// "halt" it stops the system (DebugHalt); with "threads" it asks the kernel
// for its thread list (DebugDumpScheduler). It becomes the
// component-tree builder (DESIGN.md, Userland) once capabilities exist.

import { nameThread, print, printLine, printDec, myThreadId, bootInfoValid, argsAddr, argsLength, putChar, hasArg, halt, dumpScheduler } from "../../libs/user/sys";

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
  if (hasArg("threads")) dumpScheduler();
  if (hasArg("halt")) {
    printLine("root: asking the kernel to halt");
    halt();
    printLine("root: still running after DebugHalt");
  }
  return 0;
}
