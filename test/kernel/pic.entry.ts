// test/kernel/pic.entry.ts: exposes the 8259 PIC driver to Node tests.
export { picInit, picUnmask, picMask, picIsSpurious, picEndOfInterrupt, picSpuriousCount } from "../../kernel/arch/x86/pic";
export { pitInit } from "../../kernel/arch/x86/pit";
