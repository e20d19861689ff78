/* build/rt/user-rt.c: a user program's runtime under wasm2c output.
 *
 * Owns: _start, where every user program begins. seL4 starts the root
 * task with ESP = 0 and EBX = its BootInfo address, and other programs
 * with whatever registers their creator wrote; so _start sets up the
 * program's own stack (user_stack below, in .bss), keeps EBX for the
 * program (the `startRegister` intrinsic, build/intrinsics.ts), gives the
 * first thread its control words (main_tls below: the system-call
 * register block and the IPC buffer pointer, below the thread pointer
 * that SetTLSBase makes GS's base; libs/abi/layout.def.ts TLS_BLOCK; the
 * IPC buffer is BootInfo's for the root task, USER_IPC_BUFFER for others),
 * then instantiates the wasm module and calls the program's exported
 * `main`. A program that exports `threadMain(kind, arg)` also gets
 * user_thread_start, where the threads it starts in its own address space
 * begin (libs/user/thread.ts sets their stack, control words and
 * registers): it calls threadMain, then suspends the thread through its
 * own TCB capability.
 * When main returns, the thread ends with DebugThreadExit
 * (libs/abi/tsos.def.ts) and main's result. A wasm trap calls the
 * program's exported `wasmTrap`, which reports and exits; if it returns,
 * the thread executes ud2 and takes the fault path.
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
#include "sel4.gen.h" /* SYS_SET_TLS_BASE, SYS_CALL, LABEL_TCB_SUSPEND, MSGINFO_LABEL_SHIFT, BI_IPC_BUFFER */
#include "layout.gen.h" /* TLS_*, USER_IPC_BUFFER */

/* The program's stack: 32 KiB, 16-byte aligned, whatever ESP it started with. */
#define USER_STACK_BYTES 32768
__attribute__((aligned(16), used)) static u8 user_stack[USER_STACK_BYTES];
/* EBX at _start: the root task's BootInfo address (0 for programs started without one). */
__attribute__((used)) u32 user_start_ebx;

/* The first thread's control words. */
__attribute__((aligned(TLS_SIZE), used)) static u32 main_tls[TLS_SIZE / 4];

/* Makes `block` (TLS_SIZE bytes) the calling thread's control words, with `ipc_buffer`. */
static void user_tls_init(u32* block, u32 ipc_buffer) {
  u32 self = (u32)(uintptr_t)&block[TLS_SELF / 4];
  block[TLS_SELF / 4] = self;
  block[TLS_IPC_BUFFER / 4] = ipc_buffer;
  u32 call[5] = {(u32)SYS_SET_TLS_BASE, self, 0, 0, 0};
  x86_sysenter((u32)(uintptr_t)call);
}

__attribute__((noreturn, used)) void user_main(void) {
  /* The root task's IPC buffer is where its BootInfo says (seL4's rule); every other program's is at USER_IPC_BUFFER. */
  u32 ipc_buffer = user_start_ebx != 0 ? *(volatile u32*)(uintptr_t)(user_start_ebx + BI_IPC_BUFFER) : USER_IPC_BUFFER;
  user_tls_init(main_tls, ipc_buffer);
  WASM_INIT_MODULE();
  WASM_INSTANTIATE();
  u32 status = WASM_ENTRY();
  u32 block[5] = {(u32)SYS_DEBUG_THREAD_EXIT, status, 0, 0, 0};
  x86_sysenter((u32)(uintptr_t)block);
  for (;;) __asm__ volatile("ud2");
}

#define USER_RT_STR2(x) #x
#define USER_RT_STR(x) USER_RT_STR2(x)
__asm__(
  "  .text\n"
  "  .globl _start\n"
  "  .type _start, @function\n"
  "_start:\n"
  "  mov $user_stack + " USER_RT_STR(USER_STACK_BYTES) ", %esp\n"
  "  mov %ebx, user_start_ebx\n"
  "  xor %ebp, %ebp\n"
  "  call user_main\n"
  "  ud2\n");

#ifdef WASM_THREAD_ENTRY
/* A thread the program started (libs/user/thread.ts): EBX = kind, EDI =
 * arg, ESI = its own TCB capability, ESP = its stack; its control words
 * are already set. */
__attribute__((noreturn, used)) void user_thread_main(u32 kind, u32 arg, u32 tcb) {
  WASM_THREAD_ENTRY(kind, arg);
  u32 call[5] = {(u32)SYS_CALL, tcb, (u32)LABEL_TCB_SUSPEND << MSGINFO_LABEL_SHIFT, 0, 0};
  x86_sysenter((u32)(uintptr_t)call);
  for (;;) __asm__ volatile("ud2");
}
__asm__(
  "  .text\n"
  "  .globl user_thread_start\n"
  "  .type user_thread_start, @function\n"
  "user_thread_start:\n"
  "  xor %ebp, %ebp\n"
  "  sub $4, %esp\n" /* 16-byte aligned at the call, as the i386 ABI wants */
  "  push %esi\n"
  "  push %edi\n"
  "  push %ebx\n"
  "  mov %gs:0, %eax\n" /* the thread pointer: record ESP at the call in TLS_START_SP */
  "  mov %esp, (" USER_RT_STR(TLS_START_SP - TLS_SELF) ")(%eax)\n"
  "  call user_thread_main\n"
  "  ud2\n");
#endif

/* Helper threads for the in-OS tests (userland/sel4test), which a test
 * starts in its own address space with TCB_WriteRegisters: loops that need
 * neither a stack nor the wasm instance. EBX holds a counter's address.
 *   user_thread_count       adds 1 to the counter, forever;
 *   user_thread_count_once  adds 1, then suspends itself: TCB_Suspend on
 *                           the TCB capability in EDI, by seL4_Call. */
__asm__(
  "  .text\n"
  "  .globl user_thread_count\n"
  "user_thread_count:\n"
  "1:lock incl (%ebx)\n"
  "  jmp 1b\n"
  "  .globl user_thread_count_once\n"
  "user_thread_count_once:\n"
  "  lock incl (%ebx)\n"
  "  mov %edi, %ebx\n"
  "  mov $(" USER_RT_STR(LABEL_TCB_SUSPEND) " << " USER_RT_STR(MSGINFO_LABEL_SHIFT) "), %esi\n"
  "  mov $" USER_RT_STR(SYS_CALL) ", %eax\n"
  "  mov %esp, %ecx\n"
  "  mov $2f, %edx\n"
  "2:sysenter\n"
  "  ud2\n");
