// test/kernel/ioport.entry.ts: the wasm entry for test/unit/ioports.test.ts.
//
// Owns: the capability and invocation wrappers of test/kernel/cspace.entry.ts
// (every export of it), plus the kernel's record of issued I/O ports
// (kernel/object/ioport.ts): setting it up as at boot, and reading one
// port's bit. Port accesses reach the mocked ports of test/helpers/kernel-wasm.ts.
// Must not: add behaviour of its own.

export * from "./cspace.entry";
export { ioPortsInit, ioPortIssued } from "../../kernel/object/ioport";
