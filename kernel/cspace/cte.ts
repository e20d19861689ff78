// kernel/cspace/cte.ts: a capability table entry: a capability and its derivation-tree links.
//
// Owns: the 16-byte slot layout (seL4_SlotBits = 4, so CNode sizes and
// untyped accounting match seL4's) and the @inline accessors for every
// field. A CTE lives in a CNode (or in a TCB's own slots) in the kernel
// window; `s` below is its kernel virtual address, 16-byte aligned.
// Must not: decide anything. Derivation rules are kernel/cspace/derive.ts,
// the tree operations kernel/cspace/cdt.ts.
//
// The slot, four 32-bit words:
//
//   offset  bits    field
//   0x00    31..0   data        type-specific (below)
//   0x04    31..4   object      physical address >> 4 of the object, for
//                               capabilities that name one (4-bit tags)
//           31..8   (8-bit tags) type-specific
//           3..0    tag         seL4's capability tag (libs/abi/sel4.def.ts
//                               CAP_TAGS); tags whose low nibble is 0xE or
//                               0xF are 8 bits wide, in 7..0
//   0x08    31..4   mdbPrev     the previous slot in the derivation list, >> 4
//           1       firstBadged this is the first badged copy of its parent
//           0       revocable   Revoke of this slot deletes its descendants
//   0x0C    31..4   mdbNext     the next slot in the derivation list
//
// The data word, by type (bit ranges, high..low):
//
//   untyped        31..6 freeIndex (watermark, 16-byte units)  5 isDevice  4..0 sizeBits
//   endpoint       31..4 badge (28 bits)  3 grantReply  2 grant  1 read  0 write
//   notification   31..4 badge (28 bits)                         1 read  0 write
//   cnode          28..11 guard (18 bits)  10..5 guardSize  4..0 radix
//   thread         0
//   reply          1 canGrant  0 master
//   frame          31..12 mapped vaddr >> 12   11..0 mapped ASID (0: not mapped)
//     object word  31..12 frame >> 12  7..6 VM rights  5 isDevice  4 large (4 MiB)  3..0 tag
//   page_table     31..22 mapped vaddr >> 22   12 mapped  11..0 mapped ASID
//     object word  31..12 table >> 12  3..0 tag
//   page_directory 12 mapped  11..0 mapped ASID
//     object word  31..12 directory >> 12  3..0 tag
//   asid_pool      11..0 ASID base;  object word 31..12 pool >> 12
//   irq_handler    7..0 IRQ number
//   io_port        31..16 last port  15..0 first port
//   zombie         31..0 first slot's physical address | slots left to clear
//                  object word 13..8: the CNode's radix, or 63 for a TCB
//   domain, irq_control, asid_control, io_port_control: the tag alone

import {
  CAP_NULL_CAP, CAP_FRAME_CAP, CAP_UNTYPED_CAP, CAP_PAGE_TABLE_CAP, CAP_ENDPOINT_CAP, CAP_PAGE_DIRECTORY_CAP,
  CAP_NOTIFICATION_CAP, CAP_REPLY_CAP, CAP_ASID_CONTROL_CAP, CAP_CNODE_CAP, CAP_ASID_POOL_CAP, CAP_THREAD_CAP,
  CAP_IRQ_CONTROL_CAP, CAP_IRQ_HANDLER_CAP, CAP_IO_PORT_CAP, CAP_ZOMBIE_CAP, CAP_DOMAIN_CAP, CAP_IO_PORT_CONTROL_CAP,
} from "../../libs/abi/sel4.gen";

export {
  CAP_NULL_CAP, CAP_FRAME_CAP, CAP_UNTYPED_CAP, CAP_PAGE_TABLE_CAP, CAP_ENDPOINT_CAP, CAP_PAGE_DIRECTORY_CAP,
  CAP_NOTIFICATION_CAP, CAP_REPLY_CAP, CAP_ASID_CONTROL_CAP, CAP_CNODE_CAP, CAP_ASID_POOL_CAP, CAP_THREAD_CAP,
  CAP_IRQ_CONTROL_CAP, CAP_IRQ_HANDLER_CAP, CAP_IO_PORT_CAP, CAP_ZOMBIE_CAP, CAP_DOMAIN_CAP, CAP_IO_PORT_CONTROL_CAP,
};

// ── The slot ─────────────────────────────────────────────────────────
// @ts-ignore: decorator
@inline export const CTE_DATA: usize = 0x00;
// @ts-ignore: decorator
@inline export const CTE_OBJECT: usize = 0x04;
// @ts-ignore: decorator
@inline export const CTE_MDB_PREV: usize = 0x08;
// @ts-ignore: decorator
@inline export const CTE_MDB_NEXT: usize = 0x0C;
/** Bytes in a slot: 1 << seL4_SlotBits. */
// @ts-ignore: decorator
@inline export const CTE_SIZE: usize = 16;
// @ts-ignore: decorator
@inline export const CTE_SIZE_BITS: u32 = 4;

// @ts-ignore: decorator
@inline const MDB_REVOCABLE: u32 = 1 << 0;
// @ts-ignore: decorator
@inline const MDB_FIRST_BADGED: u32 = 1 << 1;
// @ts-ignore: decorator
@inline const MDB_LINK_MASK: u32 = 0xFFFFFFF0;

// ── Tags ─────────────────────────────────────────────────────────────

/** seL4's capability tag of the slot's capability (CAP_NULL_CAP for an empty slot). */
// @ts-ignore: decorator
@inline export function capTag(s: usize): u32 {
  const w = load<u32>(s, CTE_OBJECT);
  return (w & 0xE) == 0xE ? w & 0xFF : w & 0xF;
}

// @ts-ignore: decorator
@inline export function isNullCap(s: usize): bool {
  return load<u32>(s, CTE_OBJECT) == 0;
}

/** True for tags whose capability names an object by a 16-byte-aligned physical address. */
// @ts-ignore: decorator
@inline export function tagHasObject(tag: u32): bool {
  return tag == CAP_UNTYPED_CAP || tag == CAP_ENDPOINT_CAP || tag == CAP_NOTIFICATION_CAP || tag == CAP_CNODE_CAP ||
    tag == CAP_THREAD_CAP || tag == CAP_REPLY_CAP || tag == CAP_FRAME_CAP || tag == CAP_PAGE_TABLE_CAP ||
    tag == CAP_PAGE_DIRECTORY_CAP || tag == CAP_ASID_POOL_CAP;
}

// ── Whole capability ─────────────────────────────────────────────────

/** The capability's two words, as one u64 (data low, object high): for copies and comparisons. */
// @ts-ignore: decorator
@inline export function capWords(s: usize): u64 {
  return load<u64>(s, CTE_DATA);
}

// @ts-ignore: decorator
@inline export function setCapWords(s: usize, cap: u64): void {
  store<u64>(s, cap, CTE_DATA);
}

// @ts-ignore: decorator
@inline export function capData(s: usize): u32 {
  return load<u32>(s, CTE_DATA);
}

// @ts-ignore: decorator
@inline export function setCapData(s: usize, v: u32): void {
  store<u32>(s, v, CTE_DATA);
}

/** The object word of a 4-bit-tag capability: tag | physical address (>> 4 << 4). */
// @ts-ignore: decorator
@inline export function makeObjectWord(tag: u32, phys: u32): u32 {
  return (phys & 0xFFFFFFF0) | tag;
}

/** The physical address of the object a capability names (tagHasObject). */
// @ts-ignore: decorator
@inline export function capObjectPhys(s: usize): u32 {
  return load<u32>(s, CTE_OBJECT) & 0xFFFFFFF0;
}

/** Frames, page tables, page directories and ASID pools keep flags in bits 11..4: their object is page-aligned. */
// @ts-ignore: decorator
@inline export function capPagePhys(s: usize): u32 {
  return load<u32>(s, CTE_OBJECT) & 0xFFFFF000;
}

// ── Derivation-tree links ────────────────────────────────────────────

// @ts-ignore: decorator
@inline export function mdbPrev(s: usize): usize {
  return <usize>(load<u32>(s, CTE_MDB_PREV) & MDB_LINK_MASK);
}

// @ts-ignore: decorator
@inline export function mdbNext(s: usize): usize {
  return <usize>(load<u32>(s, CTE_MDB_NEXT) & MDB_LINK_MASK);
}

// @ts-ignore: decorator
@inline export function setMdbPrev(s: usize, p: usize): void {
  store<u32>(s, (<u32>p & MDB_LINK_MASK) | (load<u32>(s, CTE_MDB_PREV) & ~MDB_LINK_MASK), CTE_MDB_PREV);
}

// @ts-ignore: decorator
@inline export function setMdbNext(s: usize, n: usize): void {
  store<u32>(s, <u32>n & MDB_LINK_MASK, CTE_MDB_NEXT);
}

// @ts-ignore: decorator
@inline export function mdbRevocable(s: usize): bool {
  return (load<u32>(s, CTE_MDB_PREV) & MDB_REVOCABLE) != 0;
}

// @ts-ignore: decorator
@inline export function mdbFirstBadged(s: usize): bool {
  return (load<u32>(s, CTE_MDB_PREV) & MDB_FIRST_BADGED) != 0;
}

// @ts-ignore: decorator
@inline export function setMdbFlags(s: usize, revocable: bool, firstBadged: bool): void {
  const link = load<u32>(s, CTE_MDB_PREV) & MDB_LINK_MASK;
  store<u32>(s, link | (revocable ? MDB_REVOCABLE : 0) | (firstBadged ? MDB_FIRST_BADGED : 0), CTE_MDB_PREV);
}

/** Empties a slot: null capability, no links, no flags. */
// @ts-ignore: decorator
@inline export function cteClear(s: usize): void {
  store<u64>(s, 0, 0);
  store<u64>(s, 0, 8);
}

// ── Untyped ──────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline export function untypedCap(phys: u32, sizeBits: u32, isDevice: bool, freeIndex: u32): u64 {
  const data = (freeIndex << 6) | (isDevice ? 1 << 5 : 0) | (sizeBits & 0x1F);
  return (<u64>makeObjectWord(CAP_UNTYPED_CAP, phys) << 32) | <u64>data;
}
// @ts-ignore: decorator
@inline export function untypedSizeBits(s: usize): u32 { return capData(s) & 0x1F; }
// @ts-ignore: decorator
@inline export function untypedIsDevice(s: usize): bool { return (capData(s) & (1 << 5)) != 0; }
/** The watermark: bytes of the untyped already used, in 16-byte units. */
// @ts-ignore: decorator
@inline export function untypedFreeIndex(s: usize): u32 { return capData(s) >>> 6; }
// @ts-ignore: decorator
@inline export function setUntypedFreeIndex(s: usize, i: u32): void { setCapData(s, (capData(s) & 0x3F) | (i << 6)); }

// ── Endpoint and notification ────────────────────────────────────────

/** Rights bits as in seL4_CapRights: 3 grantReply, 2 grant, 1 read, 0 write. */
// @ts-ignore: decorator
@inline export const RIGHT_WRITE: u32 = 1 << 0;
// @ts-ignore: decorator
@inline export const RIGHT_READ: u32 = 1 << 1;
// @ts-ignore: decorator
@inline export const RIGHT_GRANT: u32 = 1 << 2;
// @ts-ignore: decorator
@inline export const RIGHT_GRANT_REPLY: u32 = 1 << 3;
// @ts-ignore: decorator
@inline export const RIGHTS_ALL: u32 = 0xF;
/** Badges are 28 bits (seL4_BadgeBits). */
// @ts-ignore: decorator
@inline export const BADGE_MASK: u32 = 0x0FFFFFFF;

// @ts-ignore: decorator
@inline export function endpointCap(phys: u32, badge: u32, rights: u32): u64 {
  return (<u64>makeObjectWord(CAP_ENDPOINT_CAP, phys) << 32) | <u64>(((badge & BADGE_MASK) << 4) | (rights & RIGHTS_ALL));
}
// @ts-ignore: decorator
@inline export function notificationCap(phys: u32, badge: u32, rights: u32): u64 {
  return (<u64>makeObjectWord(CAP_NOTIFICATION_CAP, phys) << 32) | <u64>(((badge & BADGE_MASK) << 4) | (rights & (RIGHT_READ | RIGHT_WRITE)));
}
/** Endpoint and notification badge. */
// @ts-ignore: decorator
@inline export function capBadge(s: usize): u32 { return capData(s) >>> 4; }
/** Endpoint and notification rights (RIGHT_*). */
// @ts-ignore: decorator
@inline export function capRights(s: usize): u32 { return capData(s) & RIGHTS_ALL; }

// ── CNode ────────────────────────────────────────────────────────────

/** Guards are at most 18 bits wide in value (seL4_GuardBits); the guard size goes to 32. */
// @ts-ignore: decorator
@inline export const GUARD_VALUE_MASK: u32 = 0x3FFFF;

// @ts-ignore: decorator
@inline export function cnodeCap(phys: u32, radix: u32, guardSize: u32, guard: u32): u64 {
  const data = ((guard & GUARD_VALUE_MASK) << 11) | ((guardSize & 0x3F) << 5) | (radix & 0x1F);
  return (<u64>makeObjectWord(CAP_CNODE_CAP, phys) << 32) | <u64>data;
}
// @ts-ignore: decorator
@inline export function cnodeRadix(s: usize): u32 { return capData(s) & 0x1F; }
// @ts-ignore: decorator
@inline export function cnodeGuardSize(s: usize): u32 { return (capData(s) >>> 5) & 0x3F; }
// @ts-ignore: decorator
@inline export function cnodeGuard(s: usize): u32 { return (capData(s) >>> 11) & GUARD_VALUE_MASK; }

// ── Thread, reply ────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline export function threadCap(phys: u32): u64 {
  return <u64>makeObjectWord(CAP_THREAD_CAP, phys) << 32;
}
// @ts-ignore: decorator
@inline export function replyCap(tcbPhys: u32, master: bool, canGrant: bool): u64 {
  return (<u64>replyCapObject(tcbPhys) << 32) | <u64>replyCapData(master, canGrant);
}
/** A reply capability's two words apart (the IPC fast path writes them as words). */
// @ts-ignore: decorator
@inline export function replyCapObject(tcbPhys: u32): u32 { return tcbPhys | CAP_REPLY_CAP; } // a TCB object is 2 KiB aligned
// @ts-ignore: decorator
@inline export function replyCapData(master: bool, canGrant: bool): u32 { return (master ? 1 : 0) | (canGrant ? 2 : 0); }
// @ts-ignore: decorator
@inline export function replyIsMaster(s: usize): bool { return (capData(s) & 1) != 0; }
// @ts-ignore: decorator
@inline export function replyCanGrant(s: usize): bool { return (capData(s) & 2) != 0; }

// ── Capabilities that are only a tag ─────────────────────────────────

// @ts-ignore: decorator
@inline export function tagOnlyCap(tag: u32): u64 {
  return <u64>tag << 32;
}

// @ts-ignore: decorator
@inline export function irqHandlerCap(irq: u32): u64 {
  return (<u64>CAP_IRQ_HANDLER_CAP << 32) | <u64>(irq & 0xFF);
}
// @ts-ignore: decorator
@inline export function capIrq(s: usize): u32 { return capData(s) & 0xFF; }

// @ts-ignore: decorator
@inline export function ioPortCap(first: u32, last: u32): u64 {
  return (<u64>CAP_IO_PORT_CAP << 32) | <u64>(((last & 0xFFFF) << 16) | (first & 0xFFFF));
}
// @ts-ignore: decorator
@inline export function ioPortFirst(s: usize): u32 { return capData(s) & 0xFFFF; }
// @ts-ignore: decorator
@inline export function ioPortLast(s: usize): u32 { return capData(s) >>> 16; }

// ── VSpace objects ───────────────────────────────────────────────────

/** seL4_X86_VMAttributes-independent rights of a frame mapping (seL4's VMRights). */
// @ts-ignore: decorator
@inline export const VM_KERNEL_ONLY: u32 = 1;
// @ts-ignore: decorator
@inline export const VM_READ_ONLY: u32 = 2;
// @ts-ignore: decorator
@inline export const VM_READ_WRITE: u32 = 3;
// @ts-ignore: decorator
@inline export const ASID_MASK: u32 = 0xFFF;

/** A frame capability's object word: 4 large, 5 device, 7..6 VM rights. */
// @ts-ignore: decorator
@inline export const FRAME_IS_LARGE: u32 = 1 << 4;
// @ts-ignore: decorator
@inline export const FRAME_IS_DEVICE: u32 = 1 << 5;
// @ts-ignore: decorator
@inline export const FRAME_RIGHTS_SHIFT: u32 = 6;
// @ts-ignore: decorator
@inline export function frameCap(phys: u32, large: bool, isDevice: bool, vmRights: u32): u64 {
  const obj = (phys & 0xFFFFF000) | ((vmRights & 3) << FRAME_RIGHTS_SHIFT) | (isDevice ? FRAME_IS_DEVICE : 0) | (large ? FRAME_IS_LARGE : 0) | CAP_FRAME_CAP;
  return <u64>obj << 32;
}
// @ts-ignore: decorator
@inline export function frameIsLarge(s: usize): bool { return (load<u32>(s, CTE_OBJECT) & FRAME_IS_LARGE) != 0; }
// @ts-ignore: decorator
@inline export function frameIsDevice(s: usize): bool { return (load<u32>(s, CTE_OBJECT) & FRAME_IS_DEVICE) != 0; }
// @ts-ignore: decorator
@inline export function frameVmRights(s: usize): u32 { return (load<u32>(s, CTE_OBJECT) >>> FRAME_RIGHTS_SHIFT) & 3; }
/** The ASID the frame is mapped in; 0 when it is not mapped. */
// @ts-ignore: decorator
@inline export function frameMappedAsid(s: usize): u32 { return capData(s) & ASID_MASK; }
// @ts-ignore: decorator
@inline export function frameMappedVaddr(s: usize): u32 { return capData(s) & 0xFFFFF000; }
// @ts-ignore: decorator
@inline export function setFrameMapping(s: usize, asid: u32, vaddr: u32): void {
  setCapData(s, (vaddr & 0xFFFFF000) | (asid & ASID_MASK));
}

// @ts-ignore: decorator
@inline export function pageTableCap(phys: u32): u64 {
  return <u64>((phys & 0xFFFFF000) | CAP_PAGE_TABLE_CAP) << 32;
}
// @ts-ignore: decorator
@inline export function pageDirectoryCap(phys: u32): u64 {
  return <u64>((phys & 0xFFFFF000) | CAP_PAGE_DIRECTORY_CAP) << 32;
}
// @ts-ignore: decorator
@inline export function asidPoolCap(phys: u32, asidBase: u32): u64 {
  return (<u64>((phys & 0xFFFFF000) | CAP_ASID_POOL_CAP) << 32) | <u64>(asidBase & ASID_MASK);
}
/** Page tables and page directories: mapped, and in which ASID. */
// @ts-ignore: decorator
@inline export function tableIsMapped(s: usize): bool { return (capData(s) & (1 << 12)) != 0; }
// @ts-ignore: decorator
@inline export function tableMappedAsid(s: usize): u32 { return capData(s) & ASID_MASK; }
/** Page tables: the 4 MiB region they map (vaddr >> 22 << 22). */
// @ts-ignore: decorator
@inline export function tableMappedVaddr(s: usize): u32 { return capData(s) & 0xFFC00000; }
// @ts-ignore: decorator
@inline export function setTableMapping(s: usize, mapped: bool, asid: u32, vaddr: u32): void {
  setCapData(s, mapped ? (vaddr & 0xFFC00000) | (1 << 12) | (asid & ASID_MASK) : 0);
}
// @ts-ignore: decorator
@inline export function asidPoolBase(s: usize): u32 { return capData(s) & ASID_MASK; }

// ── Zombie (a TCB or CNode being deleted) ────────────────────────────
// As seL4 does, a zombie keeps the object's first slot and the number of
// slots still to clear in one word: the object is aligned to at least
// 2^(bits + 4) bytes and the number is at most 2^bits, so the number fits
// in the low bits + 1 bits. `bits` is the CNode's radix, or ZOMBIE_TCB_BITS
// for a TCB's slots; it sits in the object word above the tag.

/** zombieTypeBits of a TCB's zombie: its slots fit in 2^5. */
// @ts-ignore: decorator
@inline export const ZOMBIE_TCB: u32 = 63;
// @ts-ignore: decorator
@inline export const ZOMBIE_TCB_BITS: u32 = 5;

// @ts-ignore: decorator
@inline export function zombieCap(firstSlotPhys: u32, typeBits: u32, number: u32): u64 {
  return (<u64>(((typeBits & 0x3F) << 8) | CAP_ZOMBIE_CAP) << 32) | <u64>(firstSlotPhys | number);
}
/** The CNode radix, or ZOMBIE_TCB. */
// @ts-ignore: decorator
@inline export function zombieType(s: usize): u32 { return (load<u32>(s, CTE_OBJECT) >>> 8) & 0x3F; }
// @ts-ignore: decorator
@inline export function zombieNumberMask(s: usize): u32 {
  const t = zombieType(s);
  const bits = t == ZOMBIE_TCB ? ZOMBIE_TCB_BITS : t;
  return bits + 1 >= 32 ? 0xFFFFFFFF : (<u32>1 << (bits + 1)) - 1;
}
/** Physical address of the object's first slot. */
// @ts-ignore: decorator
@inline export function zombiePtr(s: usize): u32 { return capData(s) & ~zombieNumberMask(s); }
/** Slots still to clear, from the last. */
// @ts-ignore: decorator
@inline export function zombieNumber(s: usize): u32 { return capData(s) & zombieNumberMask(s); }
// @ts-ignore: decorator
@inline export function setZombieNumber(s: usize, n: u32): void {
  setCapData(s, zombiePtr(s) | (n & zombieNumberMask(s)));
}
