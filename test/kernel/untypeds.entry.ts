// test/kernel/untypeds.entry.ts: the wasm entry for test/unit/untypeds.test.ts.
//
// Owns: nothing but re-exports, so the tests call the kernel's own code:
// the boot allocator (kernel/boot/physmem.ts) to set up physical memory,
// and the untyped list built from it (kernel/boot/untypeds.ts).
// Must not: add behaviour of its own.

export {
  physReset,
  physAddAvailable,
  physReserve,
  physBuild,
  physAllocPage,
  physAllocAligned,
  physFreeCount,
  physFreeBase,
  physFreeLength,
  physRamCount,
  physRamBase,
  physRamEnd,
} from "../../kernel/boot/physmem";

export {
  untypedsBuild,
  untypedCount,
  untypedPaddr,
  untypedBits,
  untypedDevice,
  untypedLeftOut,
  untypedRamBytes,
  untypedDeviceBytes,
} from "../../kernel/boot/untypeds";
