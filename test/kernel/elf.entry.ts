// test/kernel/elf.entry.ts: the wasm entry for test/unit/elf.test.ts.
//
// Owns: nothing but re-exports, so the tests call the shared checker (libs/elf/elf.ts).
// Must not: add behaviour of its own.

export {
  elfCheck,
  elfErrorName,
  elfErrorIndex,
  elfEntry,
  elfSegmentCount,
  elfSegmentVaddr,
  elfSegmentMemSize,
  elfSegmentFileSize,
  elfSegmentFileOffset,
  elfSegmentWritable,
  elfSegmentExecutable,
  elfSegmentPageBase,
  elfSegmentPageCount,
} from "../../libs/elf/elf";
