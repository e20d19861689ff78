// kernel/panic.ts: the kernel's last words.
//
// Owns: panic(), and the two ways generated code reports a broken
// invariant: a wasm trap (wasm2c calls the runtime's wasm_rt_trap, which
// calls the exported wasmTrap) and an AssemblyScript assertion (asc's
// `abort`, routed here by asconfig.json's `use`). Each prints one line that
// starts with "PANIC:" and names the cause, then stops the machine with the
// panic status.
// Must not: allocate or return; a panic inside a panic halts at once.

import { puts, putc, putNewline, putLineStart } from "./console";
import { putDec32 } from "./lib/format";
import { haltSystem, EXIT_STATUS_PANIC } from "./power";
import { cli, hlt, readEbp } from "./arch/x86/intrinsics";
import { putBacktrace } from "./debug/ksyms";
import { wasmTrapName } from "../libs/wasmrt/trap";

let panicking = false;

/** Starts a panic message ("PANIC: "); the caller prints the rest, then calls panicEnd(). */
export function panicBegin(): void {
  enter();
}

/** Ends a panic started with panicBegin(): never returns. */
export function panicEnd(): void {
  leave();
}

function enter(): void {
  if (panicking) {
    cli();
    while (true) hlt();
  }
  panicking = true;
  putLineStart();
  puts("PANIC: ");
}

function leave(): void {
  putNewline();
  puts("kernel: stopped after a panic");
  putNewline();
  haltSystem(EXIT_STATUS_PANIC);
}

/** Stops the kernel with a message. */
export function panic(message: string): void {
  enter();
  puts(message);
  leave();
}

/**
 * Called by the native runtime when generated code traps. The backtrace
 * starts at this function's frame: its first return address is in the
 * runtime's trap entry or in the code that trapped, with its .ts line.
 */
export function wasmTrap(code: u32): void {
  enter();
  puts("wasm trap ");
  putDec32(code);
  puts(": ");
  puts(wasmTrapName(code));
  putNewline();
  putBacktrace(readEbp());
  leave();
}

/** asc's abort(): a failed assert() or an explicit abort in kernel code. */
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  enter();
  puts("assertion failed: ");
  puts(message !== null ? message : "(no message)");
  puts(" at ");
  puts(fileName !== null ? fileName : "(unknown file)");
  putc(0x3A);
  putDec32(line);
  putc(0x3A);
  putDec32(column);
  leave();
}
