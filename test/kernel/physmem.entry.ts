// test/kernel/physmem.entry.ts: the wasm entry for test/unit/physmem.test.ts.
//
// Owns: nothing but re-exports, so the tests call the kernel's own code.
// Must not: add behaviour of its own.

export {
  physReset,
  physAddAvailable,
  physReserve,
  physBuild,
  physErrorName,
  physReserveName,
  physFreeCount,
  physFreeBase,
  physFreeLength,
  physFreeTotal,
  physReservedCount,
  physReservedBase,
  physReservedLength,
  physReservedWhy,
  physSetAllocLimit,
  physAllocLimit,
  physAllocPage,
  physAllocAligned,
  physRamCount,
  physRamBase,
  physRamEnd,
  physAllocatedPages,
} from "../../kernel/boot/physmem";
