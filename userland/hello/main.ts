// userland/hello/main.ts: the example program of docs/user-programs.md.
//
// Arguments: <name> [count]. Names its thread after the first word, prints
// "hello, world <i>" count times (default 1; more than 10 fails an assert)
// and exits with status 0. It runs as the root task (npm start -- --module
// hello:3) or as a process the root task starts (-m root -m hello:3).
// docs/user-programs.md quotes this file whole; test/system/user-program.test.ts
// checks that it does.

import { nameThreadFromArgs, argNumber, print, printDec, printLine } from "../../libs/user/sys";

// The runtime's handlers for a failed assert and a wasm trap: every program exports them.
export { abort, wasmTrap } from "../../libs/user/runtime";

// 32 bytes of static memory for the name (user programs do not allocate).
const name = memory.data(32);

export function main(): u32 {
  nameThreadFromArgs(name);
  const count = argNumber(1, 1);
  assert(count <= 10, "at most 10 greetings");
  for (let i: u32 = 1; i <= count; i++) {
    print("hello, world ");
    printDec(i);
    printLine("");
  }
  return 0; // the exit status the kernel reports
}
