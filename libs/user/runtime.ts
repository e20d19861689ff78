// libs/user/runtime.ts: what every user program exports for its runtime.
//
// Owns: the handlers build/rt/user-rt.c calls: a wasm trap, and asc's
// abort (a failed assert, or an explicit abort()). Each prints one line on
// the debug console that names the user program (the first word of its
// command line, as the kernel names its thread) and what went wrong, then
// ends the calling thread with its own exit status (EXIT_ASSERTION,
// EXIT_WASM_TRAP); the kernel and the other threads go on. The line:
//   user program "hello": assertion failed: at most 10 greetings at userland/hello/main.ts:15:3
//   user program "hello": wasm trap 3: integer divide by zero
// Every program re-exports these from its main.ts.
// Must not: allocate.

import { print, printBytes, printLine, printDec, threadExit, argsAddr, argsLength } from "./sys";
import { wasmTrapName } from "../wasmrt/trap";

/** The exit status of a thread that failed an assert() or called abort(): 128 + SIGABRT, as a Unix shell reports an abort. */
// @ts-ignore: decorator
@inline export const EXIT_ASSERTION: u32 = 134;
/** The exit status of a thread whose wasm trapped (the trap's code is on the line before). */
// @ts-ignore: decorator
@inline export const EXIT_WASM_TRAP: u32 = 0xDEAD;

// `user program "<name>": `, the name being the first word of the command line.
function programPrefix(): void {
  const a = argsAddr();
  const len = argsLength();
  let n: u32 = 0;
  while (n < len && n < 31 && load<u8>(a + n) != 0x20) n++;
  print("user program \"");
  printBytes(a, n);
  print("\": ");
}

export function wasmTrap(code: u32): void {
  programPrefix();
  print("wasm trap ");
  printDec(code);
  print(": ");
  printLine(wasmTrapName(code));
  threadExit(EXIT_WASM_TRAP);
}

export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  programPrefix();
  print("assertion failed");
  if (message !== null) {
    print(": ");
    print(message);
  }
  print(" at ");
  print(fileName !== null ? fileName : "(unknown file)");
  print(":");
  printDec(line);
  print(":");
  printDec(column);
  printLine("");
  threadExit(EXIT_ASSERTION);
}
