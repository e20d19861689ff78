/* build/rt/kernel-rt.c: the kernel's runtime under wasm2c output.
 *
 * Owns: kernel_start, which boot/entry.S calls on the boot stack to
 * instantiate the module and enter kmain, and the halt after a trap (the
 * trap handler, kernel/panic.ts's wasmTrap, normally stops the machine).
 * The rest is rt-common.c. Compiled in the same translation unit as the
 * kernel (build/kernel.ts).
 * Must not: allocate.
 */

#define WASM_TRAP_HALT() __asm__ volatile("cli; hlt")
#include "rt-common.c"

/* ---- entry from boot/entry.S ------------------------------------------- */

__attribute__((noreturn, used)) void kernel_start(u32 mbi_phys) {
  WASM_INIT_MODULE();
  WASM_INSTANTIATE();
  WASM_ENTRY(mbi_phys);
  for (;;) __asm__ volatile("cli; hlt");
}
