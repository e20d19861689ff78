// libs/user/runtime.ts: what every user program exports for its runtime.
//
// Owns: the handlers build/rt/user-rt.c calls: a wasm trap, and asc's
// abort (a failed assert). Both report on the debug console and end the
// thread with a failure status; the kernel and the other threads go on.
// Every program re-exports these from its main.ts.
// Must not: allocate.

import { print, printLine, printDec, threadExit } from "./sys";

export function wasmTrap(code: u32): void {
  print("user: wasm trap ");
  printDec(code);
  printLine("");
  threadExit(0xDEAD);
}

export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  print("user: assertion failed: ");
  if (message !== null) print(message);
  print(" at ");
  if (fileName !== null) print(fileName);
  print(":");
  printDec(line);
  printLine("");
  threadExit(0xDEAD);
}
