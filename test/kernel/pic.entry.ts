// test/kernel/pic.entry.ts: exposes the 8259 PIC's switch-off to Node tests.
export { picDisable } from "../../kernel/arch/x86/pic";
