// libs/wasmrt/trap.ts: the names of wasm2c's trap codes, for the kernel's
// panic (kernel/panic.ts) and a user program's runtime (libs/user/runtime.ts).
//
// Owns: the text for each wasm_rt_trap_t value of build/rt/include/wasm-rt.h.
// Must not: print or allocate (the kernel uses it): it returns static strings.

/** The wasm2c trap codes (build/rt/include/wasm-rt.h, wasm_rt_trap_t). */
export function wasmTrapName(code: u32): string {
  switch (code) {
    case 1: return "out-of-bounds memory or table access";
    case 2: return "integer overflow";
    case 3: return "integer divide by zero";
    case 4: return "invalid conversion to integer";
    case 5: return "unreachable executed";
    case 6: return "indirect call to a null entry or with the wrong signature";
    case 7: return "uncaught exception";
    case 8: return "call stack exhausted";
    default: return "unknown trap";
  }
}
