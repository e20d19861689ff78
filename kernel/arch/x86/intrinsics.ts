// kernel/arch/x86/intrinsics.ts: the x86 instructions the kernel may use.
//
// Owns: the AssemblyScript declarations of the intrinsic set defined in
// build/intrinsics.ts. In the native build each one is a static inline asm
// function inlined into its caller; in Node unit tests each one is a
// JavaScript mock (test/helpers/kernel-wasm.ts).
// Must not: declare anything build/intrinsics.ts does not list: the build
// rejects any other import.

// @ts-ignore: decorator
@external("x86", "outb") export declare function outb(port: u32, value: u32): void;
// @ts-ignore: decorator
@external("x86", "outw") export declare function outw(port: u32, value: u32): void;
// @ts-ignore: decorator
@external("x86", "outl") export declare function outl(port: u32, value: u32): void;
// @ts-ignore: decorator
@external("x86", "inb") export declare function inb(port: u32): u32;
// @ts-ignore: decorator
@external("x86", "inw") export declare function inw(port: u32): u32;
// @ts-ignore: decorator
@external("x86", "inl") export declare function inl(port: u32): u32;
// @ts-ignore: decorator
@external("x86", "mmioRead32") export declare function mmioRead32(addr: usize): u32;
// @ts-ignore: decorator
@external("x86", "mmioWrite32") export declare function mmioWrite32(addr: usize, value: u32): void;
// @ts-ignore: decorator
@external("x86", "cli") export declare function cli(): void;
// @ts-ignore: decorator
@external("x86", "sti") export declare function sti(): void;
// @ts-ignore: decorator
@external("x86", "hlt") export declare function hlt(): void;
// @ts-ignore: decorator
@external("x86", "pause") export declare function pause(): void;
// @ts-ignore: decorator
@external("x86", "rdtsc") export declare function rdtsc(): u64;
/** Executes cpuid(leaf, subleaf) and stores eax, ebx, ecx, edx at out[0..16). */
// @ts-ignore: decorator
@external("x86", "cpuid") export declare function cpuid(leaf: u32, subleaf: u32, out: usize): void;
// @ts-ignore: decorator
@external("x86", "readCr0") export declare function readCr0(): u32;
// @ts-ignore: decorator
@external("x86", "writeCr0") export declare function writeCr0(value: u32): void;
// @ts-ignore: decorator
@external("x86", "readCr2") export declare function readCr2(): u32;
// @ts-ignore: decorator
@external("x86", "readCr3") export declare function readCr3(): u32;
// @ts-ignore: decorator
@external("x86", "writeCr3") export declare function writeCr3(value: u32): void;
// @ts-ignore: decorator
@external("x86", "readCr4") export declare function readCr4(): u32;
// @ts-ignore: decorator
@external("x86", "writeCr4") export declare function writeCr4(value: u32): void;
// @ts-ignore: decorator
@external("x86", "invlpg") export declare function invlpg(vaddr: u32): void;
/** Loads the GDT from the 6-byte pseudo-descriptor at `ptr`. */
// @ts-ignore: decorator
@external("x86", "lgdt") export declare function lgdt(ptr: usize): void;
/** Loads the IDT from the 6-byte pseudo-descriptor at `ptr`. */
// @ts-ignore: decorator
@external("x86", "lidt") export declare function lidt(ptr: usize): void;
// @ts-ignore: decorator
@external("x86", "ltr") export declare function ltr(selector: u32): void;
// @ts-ignore: decorator
@external("x86", "wrmsr") export declare function wrmsr(msr: u32, value: u64): void;
// @ts-ignore: decorator
@external("x86", "rdmsr") export declare function rdmsr(msr: u32): u64;
/** Clears CR0.TS: FPU/SSE instructions stop raising #NM. */
// @ts-ignore: decorator
@external("x86", "clts") export declare function clts(): void;
/** Resets the x87 FPU (not MXCSR or the XMM registers). */
// @ts-ignore: decorator
@external("x86", "fninit") export declare function fninit(): void;
/** Saves x87, MXCSR and XMM state to the 16-byte aligned 512-byte area at `area`. */
// @ts-ignore: decorator
@external("x86", "fxsave") export declare function fxsave(area: usize): void;
/** Loads x87, MXCSR and XMM state from the 16-byte aligned 512-byte area at `area`. */
// @ts-ignore: decorator
@external("x86", "fxrstor") export declare function fxrstor(area: usize): void;
// @ts-ignore: decorator
@external("x86", "readFs") export declare function readFs(): u32;
// @ts-ignore: decorator
@external("x86", "readGs") export declare function readGs(): u32;
/** Loads FS with `selector` (the CPU reads its descriptor now). */
// @ts-ignore: decorator
@external("x86", "writeFs") export declare function writeFs(selector: u32): void;
/** Loads GS with `selector` (the CPU reads its descriptor now). */
// @ts-ignore: decorator
@external("x86", "writeGs") export declare function writeGs(selector: u32): void;
/** The caller's frame pointer (ebp), for backtraces. */
// @ts-ignore: decorator
@external("x86", "readEbp") export declare function readEbp(): u32;
/** lgdt, then a far jump to reload CS and a reload of every data segment (boot/trap.S). */
// @ts-ignore: decorator
@external("x86", "loadGdt") export declare function loadGdt(gdtr: usize): void;
/** Resumes the thread whose saved context is at `context` (boot/trap.S). Never returns. */
// @ts-ignore: decorator
@external("x86", "restoreUserContext") export declare function restoreUserContext(context: u32): void;
/** Empties the kernel stack and waits in `sti; hlt` for an interrupt (boot/trap.S). Never returns. */
// @ts-ignore: decorator
@external("x86", "idleWait") export declare function idleWait(): void;
/** A linker-defined address, by index: one of the LAYOUT_* constants below. */
// @ts-ignore: decorator
@external("x86", "kernelLayout") export declare function kernelLayout(which: i32): u32;

// kernelLayout's indices; build/intrinsics.ts maps each to its linker symbol.
// @ts-ignore: decorator
@inline export const LAYOUT_IMAGE_START: i32 = 0;    // __kernel_start
// @ts-ignore: decorator
@inline export const LAYOUT_RO_END: i32 = 1;         // __kernel_ro_end
// @ts-ignore: decorator
@inline export const LAYOUT_IMAGE_END: i32 = 2;      // __kernel_end
// @ts-ignore: decorator
@inline export const LAYOUT_STACK_TOP: i32 = 3;      // boot_stack_top
// @ts-ignore: decorator
@inline export const LAYOUT_STACK_BOTTOM: i32 = 4;   // boot_stack_bottom
// @ts-ignore: decorator
@inline export const LAYOUT_VECTOR_TABLE: i32 = 5;   // vector_table (vectors.gen.S)
// @ts-ignore: decorator
@inline export const LAYOUT_SYSENTER_ENTRY: i32 = 6; // sysenter_entry (boot/trap.S)
// @ts-ignore: decorator
@inline export const LAYOUT_KSYMS: i32 = 7;          // __ksyms_start
// @ts-ignore: decorator
@inline export const LAYOUT_KSYMS_END: i32 = 8;      // __ksyms_end
// @ts-ignore: decorator
@inline export const LAYOUT_BOOT_PD: i32 = 9;        // boot_page_directory
// @ts-ignore: decorator
@inline export const LAYOUT_WASM_DATA: i32 = 10;     // __wasm_data_start
/** Benchmark: CR3 = pd, then touch 4 pages at base, between cpuid; rdtsc; cpuid stamps. */
// @ts-ignore: decorator
@external("x86", "benchCr3Switch") export declare function benchCr3Switch(pd: u32, base: u32): u64;
/** The stamps alone, with nothing between them, for the overhead. */
// @ts-ignore: decorator
@external("x86", "benchCr3SwitchNop") export declare function benchCr3SwitchNop(pd: u32, base: u32): u64;
