// libs/user/bootinfo.ts: reading seL4's BootInfo and the extra-BootInfo chunks.
//
// Owns: readers for seL4_BootInfo (libs/abi/sel4.def.ts BOOTINFO: the slot
// regions, the untyped list, the IPC buffer address, the root CNode's size)
// at an address the caller gives (the root task gets it in EBX at entry),
// the walk over the extra-BootInfo chunks ({u32 id; u32 len}, starting one
// page after BootInfo, extraLen bytes long), the TSC-frequency chunk, and
// tsos's boot-module table chunk (libs/abi/tsos.def.ts BOOT_MODULES).
// A malformed chunk chain ends the walk with an error (chunkWalkError())
// instead of hanging: seL4's own walkers loop forever on len 0.
// Must not: allocate, write to BootInfo, or read outside BootInfo and the
// extraLen bytes after it (every chunk is checked against that bound).

import {
  BI_EXTRA_LEN, BI_NODE_ID, BI_NUM_NODES, BI_IPC_BUFFER, BI_EMPTY, BI_SHARED_FRAMES, BI_USER_IMAGE_FRAMES,
  BI_USER_IMAGE_PAGING, BI_IO_SPACE_CAPS, BI_EXTRA_BI_PAGES, BI_INIT_THREAD_CNODE_SIZE_BITS,
  BI_INIT_THREAD_DOMAIN, BI_UNTYPED, BI_UNTYPED_LIST, BI_UNTYPED_LIST_COUNT,
  SLOT_REGION_START, SLOT_REGION_END, UNTYPED_DESC_PADDR, UNTYPED_DESC_SIZE_BITS, UNTYPED_DESC_IS_DEVICE,
  UNTYPED_DESC_SIZE, BI_HEADER_ID, BI_HEADER_LEN, BI_HEADER_SIZE, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ,
  seL4_PageBits,
} from "../abi/sel4.gen";
import {
  TSOS_BOOTINFO_HEADER_BOOT_MODULES, BOOT_MODULES_COUNT, BOOT_MODULES_SIZE, BOOT_MODULE_SIZE,
  BOOT_MODULE_FRAMES_START, BOOT_MODULE_FRAMES_END, BOOT_MODULE_BYTES, BOOT_MODULE_PADDR,
  BOOT_MODULE_CMDLINE, BOOT_MODULE_CMDLINE_LENGTH,
} from "../abi/tsos.gen";
import { setIpcBuffer } from "./ipc";

// ── BootInfo ──────────────────────────────────────────────────────────────

/** Root-task start-up: takes the IPC buffer address from BootInfo (setIpcBuffer). */
export function initFromBootInfo(bi: usize): void {
  setIpcBuffer(bootInfoIpcBuffer(bi));
}

/** Bytes of extra BootInfo after the BootInfo page. */
export function bootInfoExtraLen(bi: usize): u32 {
  return load<u32>(bi + BI_EXTRA_LEN);
}

export function bootInfoNodeId(bi: usize): u32 {
  return load<u32>(bi + BI_NODE_ID);
}

export function bootInfoNumNodes(bi: usize): u32 {
  return load<u32>(bi + BI_NUM_NODES);
}

/** The root task's IPC buffer address. */
export function bootInfoIpcBuffer(bi: usize): usize {
  return <usize>load<u32>(bi + BI_IPC_BUFFER);
}

/** log2 of the root CNode's slots. */
export function bootInfoCNodeSizeBits(bi: usize): u32 {
  return load<u32>(bi + BI_INIT_THREAD_CNODE_SIZE_BITS);
}

export function bootInfoDomain(bi: usize): u32 {
  return load<u32>(bi + BI_INIT_THREAD_DOMAIN);
}

/** First slot of a slot region; `region` is its BI_* offset (BI_EMPTY, BI_UNTYPED, ...). */
export function slotRegionStart(bi: usize, region: usize): u32 {
  return load<u32>(bi + region + SLOT_REGION_START);
}

/** First slot after a slot region. */
export function slotRegionEnd(bi: usize, region: usize): u32 {
  return load<u32>(bi + region + SLOT_REGION_END);
}

/** Slots in a slot region (0 if end < start). */
export function slotRegionCount(bi: usize, region: usize): u32 {
  const start = slotRegionStart(bi, region);
  const end = slotRegionEnd(bi, region);
  return end > start ? end - start : 0;
}

/** The empty slots of the root CNode: [start, end). */
export function bootInfoEmptyStart(bi: usize): u32 { return slotRegionStart(bi, BI_EMPTY); }
export function bootInfoEmptyEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_EMPTY); }
/** Frame capabilities of the root task's image, one per page. */
export function bootInfoUserImageFramesStart(bi: usize): u32 { return slotRegionStart(bi, BI_USER_IMAGE_FRAMES); }
export function bootInfoUserImageFramesEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_USER_IMAGE_FRAMES); }
/** Page-table capabilities of the root task's image. */
export function bootInfoUserImagePagingStart(bi: usize): u32 { return slotRegionStart(bi, BI_USER_IMAGE_PAGING); }
export function bootInfoUserImagePagingEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_USER_IMAGE_PAGING); }
/** Frames shared between nodes (empty on one core). */
export function bootInfoSharedFramesStart(bi: usize): u32 { return slotRegionStart(bi, BI_SHARED_FRAMES); }
export function bootInfoSharedFramesEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_SHARED_FRAMES); }
/** IOSpace capabilities (empty without an IOMMU). */
export function bootInfoIoSpaceCapsStart(bi: usize): u32 { return slotRegionStart(bi, BI_IO_SPACE_CAPS); }
export function bootInfoIoSpaceCapsEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_IO_SPACE_CAPS); }
/** Frames holding the extra BootInfo. */
export function bootInfoExtraBIPagesStart(bi: usize): u32 { return slotRegionStart(bi, BI_EXTRA_BI_PAGES); }
export function bootInfoExtraBIPagesEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_EXTRA_BI_PAGES); }
/** The untyped capabilities, in untypedList order. */
export function bootInfoUntypedStart(bi: usize): u32 { return slotRegionStart(bi, BI_UNTYPED); }
export function bootInfoUntypedEnd(bi: usize): u32 { return slotRegionEnd(bi, BI_UNTYPED); }

/** Untyped capabilities listed: the untyped region's size, at most the list's capacity. */
export function bootInfoUntypedCount(bi: usize): u32 {
  const n = slotRegionCount(bi, BI_UNTYPED);
  return n < BI_UNTYPED_LIST_COUNT ? n : BI_UNTYPED_LIST_COUNT;
}

// @ts-ignore: decorator
@inline function untypedDesc(bi: usize, i: u32): usize {
  return bi + BI_UNTYPED_LIST + <usize>i * UNTYPED_DESC_SIZE;
}

/** Physical address of untyped i (slot bootInfoUntypedStart + i); 0 if i is out of range. */
export function bootInfoUntypedPaddr(bi: usize, i: u32): u32 {
  return i < bootInfoUntypedCount(bi) ? load<u32>(untypedDesc(bi, i) + UNTYPED_DESC_PADDR) : 0;
}

/** log2 of untyped i's bytes; 0 if i is out of range. */
export function bootInfoUntypedSizeBits(bi: usize, i: u32): u32 {
  return i < bootInfoUntypedCount(bi) ? <u32>load<u8>(untypedDesc(bi, i) + UNTYPED_DESC_SIZE_BITS) : 0;
}

/** Untyped i is device memory (frames only, never zeroed); false if out of range. */
export function bootInfoUntypedIsDevice(bi: usize, i: u32): bool {
  return i < bootInfoUntypedCount(bi) && load<u8>(untypedDesc(bi, i) + UNTYPED_DESC_IS_DEVICE) != 0;
}

// ── Extra BootInfo chunks ─────────────────────────────────────────────────

/** How the last chunk walk ended. */
export enum ChunkWalk {
  /** The chain was well formed (whether or not the ID was found). */
  Ok = 0,
  /** A chunk had len 0: it would never end. */
  ZeroLength = 1,
  /** A chunk's len is shorter than its header or runs past extraLen. */
  Overrun = 2,
}

let walkResult: ChunkWalk = ChunkWalk.Ok;

/** How the last findChunk() ended. */
export function chunkWalkError(): ChunkWalk {
  return walkResult;
}

/** Where the extra BootInfo starts: one page after BootInfo (libsel4 hard-codes it too). */
export function extraBootInfo(bi: usize): usize {
  return bi + (<usize>1 << seL4_PageBits);
}

/**
 * The first extra-BootInfo chunk with `id`: the address of its header, or
 * 0 if there is none or the chain is malformed (then chunkWalkError() says
 * why). Chunks are never read past extraLen.
 */
export function findChunk(bi: usize, id: u32): usize {
  walkResult = ChunkWalk.Ok;
  const start = extraBootInfo(bi);
  const end = start + <usize>bootInfoExtraLen(bi);
  let at = start;
  while (end - at >= BI_HEADER_SIZE) {
    const len = <usize>load<u32>(at + BI_HEADER_LEN);
    if (len == 0) {
      walkResult = ChunkWalk.ZeroLength;
      return 0;
    }
    if (len < BI_HEADER_SIZE || len > end - at) {
      walkResult = ChunkWalk.Overrun;
      return 0;
    }
    if (load<u32>(at + BI_HEADER_ID) == id) return at;
    at += len;
  }
  return 0;
}

/** Bytes in the chunk at `chunk`, header included. */
export function chunkLength(chunk: usize): u32 {
  return load<u32>(chunk + BI_HEADER_LEN);
}

/** The TSC frequency in MHz from its chunk, or 0 if there is none (or it is too short). */
export function bootInfoTscMhz(bi: usize): u32 {
  const c = findChunk(bi, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ);
  if (c == 0 || <usize>chunkLength(c) < BI_HEADER_SIZE + sizeof<u32>()) return 0;
  return load<u32>(c + BI_HEADER_SIZE);
}

// ── tsos's boot-module table ──────────────────────────────────────────────

/** The boot-module chunk, or 0 if there is none. */
export function bootModuleTable(bi: usize): usize {
  return findChunk(bi, TSOS_BOOTINFO_HEADER_BOOT_MODULES);
}

/** Entries of the boot-module table that lie wholly inside its chunk (0 without a table). */
export function bootModuleCount(bi: usize): u32 {
  const t = bootModuleTable(bi);
  if (t == 0) return 0;
  const len = <usize>chunkLength(t);
  if (len < BOOT_MODULES_SIZE) return 0;
  const room = <u32>((len - BOOT_MODULES_SIZE) / BOOT_MODULE_SIZE);
  const n = load<u32>(t + BOOT_MODULES_COUNT);
  return n < room ? n : room;
}

/** Address of boot-module entry i (BOOT_MODULE_* offsets), or 0 if there is no such entry. */
export function bootModule(bi: usize, i: u32): usize {
  if (i >= bootModuleCount(bi)) return 0;
  return bootModuleTable(bi) + BOOT_MODULES_SIZE + <usize>i * BOOT_MODULE_SIZE;
}

// Word `field` (BOOT_MODULE_*) of entry i, or 0 if there is no such entry.
function moduleWord(bi: usize, i: u32, field: usize): u32 {
  const e = bootModule(bi, i);
  return e == 0 ? 0 : load<u32>(e + field);
}

/** First frame-capability slot of module i (0 if none). */
export function bootModuleFramesStart(bi: usize, i: u32): u32 {
  return moduleWord(bi, i, BOOT_MODULE_FRAMES_START);
}

/** First slot after module i's frames (0 if none). */
export function bootModuleFramesEnd(bi: usize, i: u32): u32 {
  return moduleWord(bi, i, BOOT_MODULE_FRAMES_END);
}

/** Module i's size in bytes (0 if none). */
export function bootModuleBytes(bi: usize, i: u32): u32 {
  return moduleWord(bi, i, BOOT_MODULE_BYTES);
}

/** Module i's physical address (0 if none). */
export function bootModulePaddr(bi: usize, i: u32): u32 {
  return moduleWord(bi, i, BOOT_MODULE_PADDR);
}

/** Address of module i's command line, or 0 if none or it does not lie inside the chunk. */
export function bootModuleCmdline(bi: usize, i: u32): usize {
  if (bootModule(bi, i) == 0) return 0;
  const t = bootModuleTable(bi);
  const off = <u64>moduleWord(bi, i, BOOT_MODULE_CMDLINE);
  const n = <u64>moduleWord(bi, i, BOOT_MODULE_CMDLINE_LENGTH);
  if (off + n > <u64>chunkLength(t)) return 0;
  return t + <usize>off;
}

/** Bytes of module i's command line (0 if none or it does not lie inside the chunk). */
export function bootModuleCmdlineLength(bi: usize, i: u32): u32 {
  return bootModuleCmdline(bi, i) == 0 ? 0 : moduleWord(bi, i, BOOT_MODULE_CMDLINE_LENGTH);
}

/**
 * The value of `name=<number>` (hex with 0x, or decimal) among the
 * space-separated words of boot module `i`'s command line, or `fallback`
 * if no word has that name. The number is not checked beyond its digits.
 */
export function bootModuleArg(bi: usize, i: u32, name: string, fallback: u32): u32 {
  const at = bootModuleCmdline(bi, i);
  const len = bootModuleCmdlineLength(bi, i);
  const key = <u32>name.length;
  let value = fallback;
  let p: u32 = 0;
  while (p < len) {
    while (p < len && load<u8>(at + p) == 0x20) p++;
    const start = p;
    while (p < len && load<u8>(at + p) != 0x20) p++;
    if (p - start <= key || load<u8>(at + start + key) != 0x3D) continue; // "name="
    let same = true;
    for (let k: u32 = 0; k < key; k++) if (<u32>load<u8>(at + start + k) != <u32>name.charCodeAt(<i32>k)) same = false;
    if (same) value = parseWordNumber(at + start + key + 1, p - start - key - 1);
  }
  return value;
}

function parseWordNumber(at: usize, len: u32): u32 {
  let v: u32 = 0;
  if (len > 2 && load<u8>(at) == 0x30 && (load<u8>(at + 1) | 0x20) == 0x78) {
    for (let i: u32 = 2; i < len; i++) {
      const c = <u32>load<u8>(at + i) | 0x20;
      v = (v << 4) + (c >= 0x61 ? c - 0x61 + 10 : c - 0x30);
    }
    return v;
  }
  for (let i: u32 = 0; i < len; i++) v = v * 10 + (<u32>load<u8>(at + i) - 0x30);
  return v;
}

/** The largest RAM (not device) untyped's slot and, through *bits, its size bits; 0 and 0 if there is none. */
export function bootInfoLargestRamUntyped(bi: usize, bits: usize): u32 {
  let best: u32 = 0;
  let bestBits: u32 = 0;
  const n = bootInfoUntypedCount(bi);
  for (let i: u32 = 0; i < n; i++) {
    if (bootInfoUntypedIsDevice(bi, i)) continue;
    const b = bootInfoUntypedSizeBits(bi, i);
    if (b > bestBits) {
      best = bootInfoUntypedStart(bi) + i;
      bestBits = b;
    }
  }
  store<u32>(bits, bestBits);
  return best;
}
