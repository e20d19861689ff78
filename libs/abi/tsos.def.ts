// libs/abi/tsos.def.ts: tsos's own additions to seL4's API, defined once.
//
// Owns: the system calls and limits that seL4 does not have. Their numbers
// lie outside every range seL4 assigns (seL4 numbers its calls from -1 down
// to -29; tsos's own start at -100), and test/build/sel4-abi.test.ts
// checks that none collides. build/abigen.ts renders libs/abi/tsos.gen.ts
// and out/gen/tsos.gen.h (build/rt/user-rt.c uses it).
// Must not: redefine anything seL4 defines (libs/abi/sel4.def.ts).

import type { ConstantGroup } from "./def.ts";

export const TSOS_SYSCALLS: ConstantGroup = {
  title: "tsos system calls",
  prefix: "SYS_",
  type: "i32",
  doc: "Debug calls of tsos's own, numbered from -100 down, away from seL4's.",
  source: "tsos",
  entries: [
    {
      name: "DebugThreadExit",
      value: -100,
      doc: "Ends the calling thread with the status in EBX; goes away once a thread can suspend itself through its TCB capability.",
    },
  ],
};

export const TSOS_LIMITS: ConstantGroup = {
  title: "tsos limits",
  prefix: "",
  type: "u32",
  doc: "Bounds of tsos's debug calls.",
  source: "tsos",
  entries: [{ name: "THREAD_NAME_MAX", value: 31, doc: "DebugNameThread reads at most this many bytes of the name from the IPC buffer." }],
};
