// test/kernel/multiboot2.entry.ts: the wasm entry for test/unit/multiboot2.test.ts.
//
// Owns: nothing but re-exports, so the tests call the kernel's own parser.
// Must not: add behaviour of its own.

export {
  parseMultiboot2,
  multiboot2ErrorName,
  multiboot2ErrorOffset,
  multiboot2ErrorTagType,
  multiboot2TotalSize,
  hasCmdline,
  cmdlineAddr,
  cmdlineLength,
  hasBootloaderName,
  bootloaderNameAddr,
  bootloaderNameLength,
  moduleCount, moduleSkippedCount,
  moduleStart,
  moduleEnd,
  moduleStringAddr,
  moduleStringLength,
  hasBasicMeminfo,
  memLowerKiB,
  memUpperKiB,
  hasMemoryMap,
  memoryRegionCount,
  memoryRegionBase,
  memoryRegionLength,
  memoryRegionType,
  availableMemoryKiB,
  memoryTypeName,
  cmdlineHas,
  cmdlineValue,
  cmdlineValueAddr,
  cmdlineValueIs,
  cmdlineValueU32,
} from "../../kernel/boot/multiboot2";
