// libs/abi/layout.ts: the fixed parts of every user address space, shared
// by the kernel (which builds them) and userland (which uses them).
//
// Owns: where user programs are linked and where the kernel puts a new
// thread's stack, IPC buffer and BootInfo page.
//
//   0x00000000  page 0: never mapped
//   0x00400000  USER_TEXT_BASE: program text and read-only data (ELF)
//   0x00800000  USER_WASM_BASE: the program's AssemblyScript data (asc --memoryBase)
//   ...         C data and bss follow it (userland/user.ld)
//   0xBFFE0000  USER_BOOTINFO: one page, read-only
//   0xBFFE8000  USER_IPC_BUFFER: one page
//   0xBFFF0000  stack, USER_STACK_PAGES pages, growing down from USER_STACK_TOP
//   0xC0000000  kernel
// Must not: hold logic.

// @ts-ignore: decorator
@inline export const USER_TEXT_BASE: u32 = 0x00400000;
// @ts-ignore: decorator
@inline export const USER_WASM_BASE: u32 = 0x00800000;
// @ts-ignore: decorator
@inline export const USER_BOOTINFO: u32 = 0xBFFE0000;
// @ts-ignore: decorator
@inline export const USER_IPC_BUFFER: u32 = 0xBFFE8000;
// @ts-ignore: decorator
@inline export const USER_STACK_TOP: u32 = 0xBFFFF000;
// @ts-ignore: decorator
@inline export const USER_STACK_PAGES: u32 = 4;
/** The top of user space: everything from here up is the kernel's. */
// @ts-ignore: decorator
@inline export const USER_TOP: u32 = 0xC0000000;

// BootInfo page layout (the kernel writes it; offsets in bytes):
//   0x00 u32 magic "BOOT" 0x544F4F42
//   0x04 u32 thread id
//   0x08 u32 module index
//   0x0C u32 length of the module's command line
//   0x10 ... command line bytes (from the Multiboot2 module string), NUL-terminated
// @ts-ignore: decorator
@inline export const BOOTINFO_MAGIC: u32 = 0x544F4F42;
// @ts-ignore: decorator
@inline export const BOOTINFO_THREAD_ID: u32 = 0x04;
// @ts-ignore: decorator
@inline export const BOOTINFO_MODULE_INDEX: u32 = 0x08;
// @ts-ignore: decorator
@inline export const BOOTINFO_CMDLINE_LENGTH: u32 = 0x0C;
// @ts-ignore: decorator
@inline export const BOOTINFO_CMDLINE: u32 = 0x10;
// @ts-ignore: decorator
@inline export const BOOTINFO_CMDLINE_MAX: u32 = 255;
