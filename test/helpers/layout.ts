// test/helpers/layout.ts: the kernel and user layout numbers, for tests.
//
// Owns: reading them from the definitions (kernel/arch/x86/machine.def.ts,
// libs/abi/layout.def.ts), so no test writes the kernel base or the top of
// user space as a literal and a layout change is one edit.
import { KERNEL_SPACE } from "../../kernel/arch/x86/machine.def.ts";
import { USER_SPACE } from "../../libs/abi/layout.def.ts";

const kernel = (name: string) => KERNEL_SPACE.entries.find((e) => e.name === name)!.value;

export const KERNEL_VBASE = kernel("KERNEL_VBASE");
export const KERNEL_WINDOW_SIZE = kernel("KERNEL_WINDOW_SIZE");
export const KERNEL_IMAGE_PHYS = kernel("KERNEL_IMAGE_PHYS");
export const KERNEL_WASM_BASE = kernel("KERNEL_WASM_BASE");
/** The first address that is not user space. */
export const USER_TOP = USER_SPACE.entries.find((e) => e.name === "TOP")!.value;

/** An address as the kernel prints it: 0x and eight lower-case hex digits. */
export const hex8 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, "0")}`;
