// build/intrinsics.ts: the one definition of the x86 intrinsic set.
//
// Owns: the list of hardware operations that AssemblyScript code may import
// as `@external("x86", name)`, with their wasm signatures and the inline asm
// that implements each one in the native build.
// From this table the build generates `x86.gen.h` (static inline C, compiled
// in the same translation unit as the wasm2c output, so each intrinsic is
// inlined into its caller) and checks the kernel's import section: an import
// that is not listed here fails the build.
// Must not: hold anything but single instructions or short fixed sequences.
// Anything with control flow belongs in AssemblyScript.

export type WasmType = "i32" | "i64";

export interface Intrinsic {
  /** The import name: `@external("x86", name)`. */
  name: string;
  /**
   * Who may import it: "both" (the default), "kernel" only, or "user" only
   * (the syscall instruction, and raw instructions that user-mode fault
   * tests execute on purpose).
   */
  scope?: "kernel" | "user" | "both";
  params: WasmType[];
  result: WasmType | null;
  /** C body; parameters are `a`, `b`, `c` in order. */
  body: string;
}

export const INTRINSIC_MODULE = "x86";

export const INTRINSICS: Intrinsic[] = [
  // Port I/O.
  { name: "outb", params: ["i32", "i32"], result: null, body: `__asm__ volatile("outb %b0, %w1" :: "a"(b), "Nd"(a));` },
  { name: "outw", params: ["i32", "i32"], result: null, body: `__asm__ volatile("outw %w0, %w1" :: "a"(b), "Nd"(a));` },
  { name: "outl", params: ["i32", "i32"], result: null, body: `__asm__ volatile("outl %0, %w1" :: "a"(b), "Nd"(a));` },
  { name: "inb", params: ["i32"], result: "i32", body: `u8 v; __asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"(a)); return v;` },
  { name: "inw", params: ["i32"], result: "i32", body: `u16 v; __asm__ volatile("inw %w1, %w0" : "=a"(v) : "Nd"(a)); return v;` },
  { name: "inl", params: ["i32"], result: "i32", body: `u32 v; __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(a)); return v;` },
  // Interrupt flag and halting.
  // Memory-mapped device registers (the local APIC, the IOAPIC): 32-bit accesses the compiler may not merge, reorder or drop.
  { name: "mmioRead32", params: ["i32"], result: "i32", body: `u32 v; __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory"); return v;` },
  { name: "mmioWrite32", params: ["i32", "i32"], result: null, body: `__asm__ volatile("movl %1, (%0)" :: "r"(a), "r"(b) : "memory");` },
  { name: "cli", params: [], result: null, body: `__asm__ volatile("cli" ::: "memory");` },
  { name: "sti", params: [], result: null, body: `__asm__ volatile("sti" ::: "memory");` },
  { name: "hlt", params: [], result: null, body: `__asm__ volatile("hlt" ::: "memory");` },
  { name: "pause", params: [], result: null, body: `__asm__ volatile("pause");` },
  // Time stamp counter, serialised with cpuid on both sides (DESIGN.md: cpuid; rdtsc; cpuid).
  { name: "rdtsc", params: [], result: "i64", body: `u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo;` },
  // cpuid(leaf, subleaf, out): writes eax, ebx, ecx, edx to out[0..16).
  { name: "cpuid", params: ["i32", "i32", "i32"], result: null, body: `u32 r0, r1, r2, r3; __asm__ volatile("cpuid" : "=a"(r0), "=b"(r1), "=c"(r2), "=d"(r3) : "a"(a), "c"(b)); volatile u32* o = (volatile u32*)(uintptr_t)c; o[0] = r0; o[1] = r1; o[2] = r2; o[3] = r3;` },
  // Control registers.
  { name: "readCr0", params: [], result: "i32", body: `u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v;` },
  { name: "writeCr0", params: ["i32"], result: null, body: `__asm__ volatile("mov %0, %%cr0" :: "r"(a) : "memory");` },
  { name: "readCr2", params: [], result: "i32", body: `u32 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v;` },
  { name: "readCr3", params: [], result: "i32", body: `u32 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v;` },
  { name: "writeCr3", params: ["i32"], result: null, body: `__asm__ volatile("mov %0, %%cr3" :: "r"(a) : "memory");` },
  { name: "readCr4", params: [], result: "i32", body: `u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v;` },
  { name: "writeCr4", params: ["i32"], result: null, body: `__asm__ volatile("mov %0, %%cr4" :: "r"(a) : "memory");` },
  { name: "invlpg", params: ["i32"], result: null, body: `__asm__ volatile("invlpg (%0)" :: "r"(a) : "memory");` },
  // Descriptor tables: the argument is the address of a 6-byte pseudo-descriptor.
  { name: "lgdt", params: ["i32"], result: null, body: `__asm__ volatile("lgdt (%0)" :: "r"(a) : "memory");` },
  { name: "lidt", params: ["i32"], result: null, body: `__asm__ volatile("lidt (%0)" :: "r"(a) : "memory");` },
  { name: "ltr", params: ["i32"], result: null, body: `__asm__ volatile("ltr %w0" :: "r"(a));` },
  // Model-specific registers.
  { name: "wrmsr", params: ["i32", "i64"], result: null, body: `__asm__ volatile("wrmsr" :: "c"(a), "a"((u32)b), "d"((u32)(b >> 32)));` },
  { name: "rdmsr", params: ["i32"], result: "i64", body: `u32 lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(a)); return ((u64)hi << 32) | lo;` },
  // FPU/SSE state (kernel/arch/x86/fpu.ts): the kernel itself never computes with it.
  // fxsave/fxrstor take the address of a 16-byte aligned 512-byte area.
  { name: "clts", params: [], result: null, scope: "kernel", body: `__asm__ volatile("clts" ::: "memory");` },
  { name: "fninit", params: [], result: null, scope: "kernel", body: `__asm__ volatile("fninit" ::: "memory");` },
  { name: "fxsave", params: ["i32"], result: null, scope: "kernel", body: `__asm__ volatile("fxsave (%0)" :: "r"(a) : "memory");` },
  { name: "fxrstor", params: ["i32"], result: null, scope: "kernel", body: `__asm__ volatile("fxrstor (%0)" :: "r"(a) : "memory");` },
  // The FS and GS selectors (kernel/arch/x86/tls.ts; user programs read them in tests).
  { name: "readFs", params: [], result: "i32", body: `u32 v; __asm__ volatile("mov %%fs, %0" : "=r"(v)); return v & 0xFFFF;` },
  { name: "readGs", params: [], result: "i32", body: `u32 v; __asm__ volatile("mov %%gs, %0" : "=r"(v)); return v & 0xFFFF;` },
  { name: "writeFs", params: ["i32"], result: null, body: `__asm__ volatile("mov %0, %%fs" :: "r"(a) : "memory");` },
  { name: "writeGs", params: ["i32"], result: null, body: `__asm__ volatile("mov %0, %%gs" :: "r"(a) : "memory");` },
  // The code segment selector: its low two bits are the privilege level the code runs at (REGRESSIONS0003).
  { name: "readCs", params: [], result: "i32", scope: "user", body: `u32 v; __asm__ volatile("mov %%cs, %0" : "=r"(v)); return v & 0xFFFF;` },
  // The current frame pointer, for backtraces.
  { name: "readEbp", params: [], result: "i32", body: `return (u32)(uintptr_t)__builtin_frame_address(0);` },
  // Kernel entry and exit, in boot/trap.S (never return, except loadGdt).
  { name: "loadGdt", params: ["i32"], result: null, scope: "kernel", body: `extern void load_gdt(u32); load_gdt(a);` },
  { name: "restoreUserContext", params: ["i32"], result: null, scope: "kernel", body: `extern void restore_user_context(u32) __attribute__((noreturn)); restore_user_context(a);` },
  { name: "idleWait", params: [], result: null, scope: "kernel", body: `extern void idle_wait(void) __attribute__((noreturn)); idle_wait();` },
  // Addresses the linker decides (boot/kernel.ld, boot/*.S), by index:
  // 0 image start, 1 end of read-only image, 2 image end, 3 kernel stack top,
  // 4 kernel stack bottom, 5 vector table, 6 sysenter entry, 7 symbol table,
  // 8 symbol table end, 9 boot page directory, 10 start of the wasm data.
  { name: "kernelLayout", params: ["i32"], result: "i32", scope: "kernel", body: `extern char __kernel_start[], __kernel_ro_end[], __kernel_end[], boot_stack_top[], boot_stack_bottom[], vector_table[], sysenter_entry[], __ksyms_start[], __ksyms_end[], boot_page_directory[], __wasm_data_start[]; switch (a) { case 0: return (u32)__kernel_start; case 1: return (u32)__kernel_ro_end; case 2: return (u32)__kernel_end; case 3: return (u32)boot_stack_top; case 4: return (u32)boot_stack_bottom; case 5: return (u32)vector_table; case 6: return (u32)sysenter_entry; case 7: return (u32)__ksyms_start; case 8: return (u32)__ksyms_end; case 9: return (u32)boot_page_directory; case 10: return (u32)__wasm_data_start; default: return 0; }` },
  // Benchmark: cpuid; rdtsc; cpuid, then CR3 = a and one load from each of
  // the 4 pages at b, then cpuid; rdtsc; cpuid. The Nop twin has nothing
  // between the stamps: the overhead.
  { name: "benchCr3Switch", params: ["i32", "i32"], result: "i64", scope: "kernel", body: `u32 lo0, hi0, lo1, hi1; __asm__ volatile("push %%ebp\\n\\tmov %4, %%ebp\\n\\tpush %5\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov %%eax, %%esi\\n\\tmov %%edx, %%edi\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%eax\\n\\tmov %%eax, %%cr3\\n\\tmov (%%ebp), %%eax\\n\\tmov 0x1000(%%ebp), %%eax\\n\\tmov 0x2000(%%ebp), %%eax\\n\\tmov 0x3000(%%ebp), %%eax\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%eax\\n\\tpush %%edx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%edx\\n\\tpop %%eax\\n\\tpop %%ebp" : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0) : "r"(b), "r"(a) : "ebx", "ecx", "memory", "cc"); return ((((u64)hi1) << 32) | lo1) - ((((u64)hi0) << 32) | lo0);` },
  { name: "benchCr3SwitchNop", params: ["i32", "i32"], result: "i64", scope: "kernel", body: `u32 lo0, hi0, lo1, hi1; __asm__ volatile("push %%ebp\\n\\tmov %4, %%ebp\\n\\tpush %5\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov %%eax, %%esi\\n\\tmov %%edx, %%edi\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%eax\\n\\t/* nothing: the stamps alone */\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%eax\\n\\tpush %%edx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%edx\\n\\tpop %%eax\\n\\tpop %%ebp" : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0) : "r"(b), "r"(a) : "ebx", "ecx", "memory", "cc"); return ((((u64)hi1) << 32) | lo1) - ((((u64)hi0) << 32) | lo0);` },
  // User mode: the seL4 ia32 syscall. block[0..5) = eax, ebx, esi, edi, ebp
  // in, and the same registers out after sysexit. As in libsel4, edx holds
  // the address of the sysenter instruction itself (label 1) and ecx the
  // stack pointer; the kernel resumes 2 bytes after edx. Every sysenter
  // below follows the same convention.
  { name: "sysenter", params: ["i32"], result: null, scope: "user", body: `__asm__ volatile("push %%ebp\\n\\tpush %%eax\\n\\tmov 4(%%eax), %%ebx\\n\\tmov 8(%%eax), %%esi\\n\\tmov 12(%%eax), %%edi\\n\\tmov 16(%%eax), %%ebp\\n\\tmov 0(%%eax), %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\tmov %%eax, %%edx\\n\\tpop %%eax\\n\\tmov %%edx, 0(%%eax)\\n\\tmov %%ebx, 4(%%eax)\\n\\tmov %%esi, 8(%%eax)\\n\\tmov %%edi, 12(%%eax)\\n\\tmov %%ebp, 16(%%eax)\\n\\tpop %%ebp" : "+a"(a) : : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");` },
  // EBX as the program started: the root task's BootInfo address (build/rt/user-rt.c keeps it).
  { name: "startRegister", params: [], result: "i32", scope: "user", body: `extern u32 user_start_ebx; return user_start_ebx;` },
  // The 32-bit word at %gs:a: a read through the TLS segment (seL4 ia32 TLS).
  { name: "readGs32", params: ["i32"], result: "i32", scope: "user", body: `u32 v; __asm__ volatile("mov %%gs:(%1), %0" : "=r"(v) : "r"(a) : "memory"); return v;` },
  // The address of a test helper thread's code (build/rt/user-rt.c): 0 counts forever, 1 counts once and suspends itself.
  { name: "threadEntry", params: ["i32"], result: "i32", scope: "user", body: `extern char user_thread_count[], user_thread_count_once[]; return a == 0 ? (u32)(uintptr_t)user_thread_count : (u32)(uintptr_t)user_thread_count_once;` },
  // Where a thread started by libs/user/thread.ts begins (build/rt/user-rt.c; only in programs that export threadMain).
  { name: "threadStartAddress", params: [], result: "i32", scope: "user", body: `extern char user_thread_start[]; return (u32)(uintptr_t)user_thread_start;` },
  // A compiler barrier: memory another thread may change is read again after it (a busy-wait's loop body).
  { name: "compilerBarrier", params: [], result: null, scope: "user", body: `__asm__ volatile("" ::: "memory");` },
  // Raw instructions that user-mode fault tests execute on purpose.
  { name: "ud2", params: [], result: null, scope: "user", body: `__asm__ volatile("ud2");` },
  { name: "int3", params: [], result: null, scope: "user", body: `__asm__ volatile("int3");` },
  { name: "int80", params: [], result: null, scope: "user", body: `__asm__ volatile("int $0x80");` },
  { name: "divu", params: ["i32", "i32"], result: "i32", scope: "user", body: `u32 q; __asm__ volatile("xor %%edx, %%edx\\n\\tdivl %2" : "=a"(q) : "a"(a), "r"(b) : "edx", "cc"); return q;` },
  { name: "callAddress", params: ["i32"], result: null, scope: "user", body: `((void (*)(void))(uintptr_t)a)();` },
  // sysenter(number a) with esp = b, an address the test chose (e.g. unmapped):
  // the kernel must not touch the user stack, and the thread faults after sysexit.
  { name: "sysenterWithStack", params: ["i32", "i32"], result: null, scope: "user", body: `__asm__ volatile("mov %1, %%esp\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\tpush %%eax\\n\\tud2" :: "a"(a), "r"(b) : "memory");` },
  // Benchmarks (DESIGN.md, "Tests and measurement"): cpuid; rdtsc; cpuid on
  // both sides of one BenchmarkNullSyscall (seL4's number, sel4.gen.h); the Nop twin has the
  // 2-byte sysenter replaced by a 2-byte NOP, for the loop overhead.
  { name: "benchNullSyscall", params: [], result: "i64", scope: "user", body: `u32 lo0, hi0, lo1, hi1; __asm__ volatile("push %%ebp\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov %%eax, %%esi\\n\\tmov %%edx, %%edi\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tmov %[nr], %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%eax\\n\\tpush %%edx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%edx\\n\\tpop %%eax\\n\\tpop %%ebp" : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0) : [nr] "i"(SYS_BENCHMARK_NULL_SYSCALL) : "ebx", "ecx", "memory", "cc"); return ((((u64)hi1) << 32) | lo1) - ((((u64)hi0) << 32) | lo0);` },
  { name: "benchNullSyscallNop", params: [], result: "i64", scope: "user", body: `u32 lo0, hi0, lo1, hi1; __asm__ volatile("push %%ebp\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov %%eax, %%esi\\n\\tmov %%edx, %%edi\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tmov %[nr], %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\t.byte 0x66, 0x90\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%eax\\n\\tpush %%edx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%edx\\n\\tpop %%eax\\n\\tpop %%ebp" : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0) : [nr] "i"(SYS_BENCHMARK_NULL_SYSCALL) : "ebx", "ecx", "memory", "cc"); return ((((u64)hi1) << 32) | lo1) - ((((u64)hi0) << 32) | lo0);` },
  // Benchmarks of invocations: one sysenter with the registers of block a (eax, ebx, esi, edi, ebp,
  // as the sysenter intrinsic), timed with cpuid; rdtsc; cpuid on both sides; the reply's message
  // info (ESI) goes back to block[2]. The Nop twin loads the same registers and runs a 2-byte NOP.
  { name: "benchSysenter", params: ["i32"], result: "i64", scope: "user", body: `u32 lo, hi; __asm__ volatile("push %%ebp\\n\\tpush %2\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%edx\\n\\tpush %%eax\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tmov 8(%%esp), %%eax\\n\\tmov 4(%%eax), %%ebx\\n\\tmov 8(%%eax), %%esi\\n\\tmov 12(%%eax), %%edi\\n\\tmov 16(%%eax), %%ebp\\n\\tmov 0(%%eax), %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tsub (%%esp), %%eax\\n\\tsbb 4(%%esp), %%edx\\n\\tadd $8, %%esp\\n\\tpop %%ecx\\n\\tmov %%esi, 8(%%ecx)\\n\\tpop %%ebp" : "=a"(lo), "=d"(hi) : "r"(a) : "ebx", "ecx", "esi", "edi", "memory", "cc"); return ((u64)hi << 32) | lo;` },
  { name: "benchSysenterNop", params: ["i32"], result: "i64", scope: "user", body: `u32 lo, hi; __asm__ volatile("push %%ebp\\n\\tpush %2\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%edx\\n\\tpush %%eax\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tmov 8(%%esp), %%eax\\n\\tmov 4(%%eax), %%ebx\\n\\tmov 8(%%eax), %%esi\\n\\tmov 12(%%eax), %%edi\\n\\tmov 16(%%eax), %%ebp\\n\\tmov 0(%%eax), %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\t.byte 0x66, 0x90\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tsub (%%esp), %%eax\\n\\tsbb 4(%%esp), %%edx\\n\\tadd $8, %%esp\\n\\tpop %%ecx\\n\\tmov %%esi, 8(%%ecx)\\n\\tpop %%ebp" : "=a"(lo), "=d"(hi) : "r"(a) : "ebx", "ecx", "esi", "edi", "memory", "cc"); return ((u64)hi << 32) | lo;` },
  // IPC benchmarks (userland/bench): one sysenter with the registers of block a (eax, ebx, esi,
  // edi, ebp, as the sysenter intrinsic), the low word of a cpuid; rdtsc stamp taken before it
  // into block[5] and one taken after sysexit into block[6]; the registers received (ebx, esi,
  // edi, ebp) go back to block[1..4]. A one-way IPC is the receiver's block[6] minus the
  // sender's block[5]: both threads run this same code, so the instructions between the stamps
  // are those of one call of the Nop twin (a 2-byte NOP for the sysenter) plus the kernel's.
  { name: "benchStamped", params: ["i32"], result: null, scope: "user", body: `__asm__ volatile("push %%ebp\\n\\tpush %0\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov (%%esp), %%ecx\\n\\tmov %%eax, 20(%%ecx)\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tmov (%%esp), %%eax\\n\\tmov 4(%%eax), %%ebx\\n\\tmov 8(%%eax), %%esi\\n\\tmov 12(%%eax), %%edi\\n\\tmov 16(%%eax), %%ebp\\n\\tmov 0(%%eax), %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\tpush %%ebx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpop %%ebx\\n\\tmov (%%esp), %%ecx\\n\\tmov %%eax, 24(%%ecx)\\n\\tmov %%ebx, 4(%%ecx)\\n\\tmov %%esi, 8(%%ecx)\\n\\tmov %%edi, 12(%%ecx)\\n\\tmov %%ebp, 16(%%ecx)\\n\\tadd $4, %%esp\\n\\tpop %%ebp" : "+a"(a) : : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");` },
  { name: "benchStampedNop", params: ["i32"], result: null, scope: "user", body: `__asm__ volatile("push %%ebp\\n\\tpush %0\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov (%%esp), %%ecx\\n\\tmov %%eax, 20(%%ecx)\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tmov (%%esp), %%eax\\n\\tmov 4(%%eax), %%ebx\\n\\tmov 8(%%eax), %%esi\\n\\tmov 12(%%eax), %%edi\\n\\tmov 16(%%eax), %%ebp\\n\\tmov 0(%%eax), %%eax\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\t.byte 0x66, 0x90\\n\\tpush %%ebx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpop %%ebx\\n\\tmov (%%esp), %%ecx\\n\\tmov %%eax, 24(%%ecx)\\n\\tmov %%ebx, 4(%%ecx)\\n\\tmov %%esi, 8(%%ecx)\\n\\tmov %%edi, 12(%%ecx)\\n\\tmov %%ebp, 16(%%ecx)\\n\\tadd $4, %%esp\\n\\tpop %%ebp" : "+a"(a) : : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");` },
  // A fault's round trip (userland/bench): cpuid; rdtsc; cpuid, ud2 (the fault handler replies
  // with FaultIP + 2), cpuid; rdtsc; cpuid; the Nop twin has a 2-byte NOP for the ud2.
  { name: "benchUd2", params: [], result: "i64", scope: "user", body: `u32 lo0, hi0, lo1, hi1; __asm__ volatile("push %%ebp\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov %%eax, %%esi\\n\\tmov %%edx, %%edi\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tud2\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%eax\\n\\tpush %%edx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%edx\\n\\tpop %%eax\\n\\tpop %%ebp" : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0) : : "ebx", "ecx", "memory", "cc"); return ((((u64)hi1) << 32) | lo1) - ((((u64)hi0) << 32) | lo0);` },
  { name: "benchUd2Nop", params: [], result: "i64", scope: "user", body: `u32 lo0, hi0, lo1, hi1; __asm__ volatile("push %%ebp\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tmov %%eax, %%esi\\n\\tmov %%edx, %%edi\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\t.byte 0x66, 0x90\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\trdtsc\\n\\tpush %%eax\\n\\tpush %%edx\\n\\txor %%eax, %%eax\\n\\tcpuid\\n\\tpop %%edx\\n\\tpop %%eax\\n\\tpop %%ebp" : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0) : : "ebx", "ecx", "memory", "cc"); return ((((u64)hi1) << 32) | lo1) - ((((u64)hi0) << 32) | lo0);` },
  // Sets EFLAGS bits b (e.g. TF, NT) and immediately makes system call a
  // (a BenchmarkNullSyscall or Yield): the kernel must survive flags that
  // sysenter does not clear. Restores the flags afterwards.
  { name: "sysenterWithFlags", params: ["i32", "i32"], result: null, scope: "user", body: `__asm__ volatile("push %%ebp\\n\\tpushfl\\n\\tpushfl\\n\\torl %%ecx, (%%esp)\\n\\tmov %%esp, %%ecx\\n\\tadd $4, %%ecx\\n\\tmov $1f, %%edx\\n\\tpopfl\\n1:\\n\\tsysenter\\n\\tpopfl\\n\\tpop %%ebp" : "+a"(a), "+c"(b) : : "ebx", "edx", "esi", "edi", "memory", "cc");` },
  // Loads the null selector into DS and ES (allowed in ring 3), then makes
  // system call a: the kernel must not run on the user's data segments.
  // Returns DS after the call (the kernel gives back the flat 0x23).
  { name: "sysenterWithNullDs", params: ["i32"], result: "i32", scope: "user", body: `__asm__ volatile("push %%ebp\\n\\txor %%ecx, %%ecx\\n\\tmov %%ecx, %%ds\\n\\tmov %%ecx, %%es\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\tmov %%ds, %%eax\\n\\tpop %%ebp" : "+a"(a) : : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc"); return a;` },
  // Every register garbage, then sysenter: eax = a, the rest derived from it.
  { name: "sysenterGarbage", params: ["i32"], result: null, scope: "user", body: `__asm__ volatile("push %%ebp\\n\\tmov %0, %%ebx\\n\\tnot %%ebx\\n\\tmov %0, %%esi\\n\\trol $7, %%esi\\n\\tmov %0, %%edi\\n\\tror $9, %%edi\\n\\tmov %0, %%ebp\\n\\txor $0x5a5a5a5a, %%ebp\\n\\tmov %%esp, %%ecx\\n\\tmov $1f, %%edx\\n1:\\n\\tsysenter\\n\\tpop %%ebp" : "+a"(a) :: "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");` },
];

const C_TYPE: Record<WasmType, string> = { i32: "u32", i64: "u64" };
const ARG_NAMES = ["a", "b", "c", "d"];

/** The C name that the post-processor substitutes for an import call. */
export function intrinsicCName(name: string): string {
  return `x86_${name}`;
}

export type Side = "kernel" | "user";

function allowed(i: Intrinsic, side: Side): boolean {
  return (i.scope ?? "both") === "both" || i.scope === side;
}

/** Generates `x86.gen.h`: every intrinsic of one side as a static inline C function. */
export function generateIntrinsicsHeader(side: Side = "kernel"): string {
  const lines = [
    "/* x86.gen.h: generated by build/intrinsics.ts, do not edit.",
    " * The x86 intrinsic set as static inline functions. It is included in the",
    " * same translation unit as the wasm2c output, so each call inlines. */",
    "#ifndef X86_GEN_H",
    "#define X86_GEN_H",
    "#include <stdint.h>",
    '#include "sel4.gen.h" /* syscall numbers (libs/abi/sel4.def.ts) */',
    "#ifndef WASM_RT_CORE_TYPES_DEFINED",
    "#define WASM_RT_CORE_TYPES_DEFINED",
    "typedef uint8_t u8;",
    "typedef int8_t s8;",
    "typedef uint16_t u16;",
    "typedef int16_t s16;",
    "typedef uint32_t u32;",
    "typedef int32_t s32;",
    "typedef uint64_t u64;",
    "typedef int64_t s64;",
    "typedef float f32;",
    "typedef double f64;",
    "#endif",
    "",
  ];
  for (const i of INTRINSICS.filter((x) => allowed(x, side))) {
    const params = i.params.map((t, k) => `${C_TYPE[t]} ${ARG_NAMES[k]}`).join(", ") || "void";
    const result = i.result ? C_TYPE[i.result] : "void";
    lines.push(`static inline __attribute__((always_inline)) ${result} ${intrinsicCName(i.name)}(${params}) { ${i.body} }`);
  }
  lines.push("", "#endif", "");
  return lines.join("\n");
}

/** Checks one import against the set; returns an error message or null. */
export function checkImport(module: string, name: string, params: string[], result: string[], side: Side = "kernel"): string | null {
  if (module !== INTRINSIC_MODULE) return `import "${module}"."${name}" is outside the x86 intrinsic set (only module "${INTRINSIC_MODULE}" may be imported)`;
  const i = INTRINSICS.find((x) => x.name === name);
  if (!i) return `import "${module}"."${name}" is not an x86 intrinsic (known: ${INTRINSICS.filter((x) => allowed(x, side)).map((x) => x.name).join(", ")})`;
  if (!allowed(i, side)) return `import "${module}"."${name}" is a ${i.scope}-mode intrinsic and may not be used in ${side} code`;
  const want = `(${i.params.join(",")})->(${i.result ?? ""})`;
  const got = `(${params.join(",")})->(${result.join(",")})`;
  if (want !== got) return `import "${module}"."${name}" has signature ${got}, the intrinsic is ${want}`;
  return null;
}
