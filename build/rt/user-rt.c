/* build/rt/user-rt.c: a user program's runtime under wasm2c output.
 *
 * Owns: _start, where the kernel starts every user program (esp = the top
 * of its stack, all other registers zero): it instantiates the wasm module
 * and calls the program's exported `main`, then ends the thread with
 * DebugThreadExit (libs/abi/tsos.def.ts) and main's result. A wasm trap
 * calls the program's exported `wasmTrap`, which reports and exits; if it
 * returns, the thread executes ud2 and takes the fault path.
 * Compiled in the same translation unit as the program (build/userland.ts).
 * A program whose wasm computes with floats is built with SSE2 math
 * (build/kernel.ts, USER_FLOAT_CFLAGS) and gets float-rt.c too.
 * Must not: allocate, or use any privileged instruction.
 */
#define WASM_TRAP_HALT() __asm__ volatile("ud2")
#include "rt-common.c"
#ifdef __SSE2_MATH__
#include "float-rt.c" /* only a program that computes with floats is built with SSE2 math */
#endif

#include "tsos.gen.h" /* SYS_DEBUG_THREAD_EXIT */

__attribute__((noreturn, used)) void _start(void) {
  WASM_INIT_MODULE();
  WASM_INSTANTIATE();
  u32 status = WASM_ENTRY();
  u32 block[5] = {(u32)SYS_DEBUG_THREAD_EXIT, status, 0, 0, 0};
  x86_sysenter((u32)(uintptr_t)block);
  for (;;) __asm__ volatile("ud2");
}
