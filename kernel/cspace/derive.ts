// kernel/cspace/derive.ts: how capabilities relate and what deriving one makes.
//
// Owns: seL4's rules over capability values: sameRegionAs (does one
// capability cover what another names), sameObjectAs (do two name the same
// object), isCapRevocable (does a new capability start a subtree of its
// own), deriveCap (the capability a copy gets, or why there is none),
// updateCapData (badging an endpoint or notification, setting a CNode's
// guard) and maskCapRights (rights only shrink).
// Capabilities are passed as u64 values (capWords: data low, object word
// high), so these rules never touch a slot except deriveCap's check for
// children.
// Must not: change any slot.
//
// see: seL4 reference manual, "Capability Derivation"; seL4
// src/object/objecttype.c and src/arch/x86/object/objecttype.c (facts only).

import {
  CAP_NULL_CAP, CAP_UNTYPED_CAP, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP, CAP_CNODE_CAP, CAP_THREAD_CAP,
  CAP_REPLY_CAP, CAP_FRAME_CAP, CAP_PAGE_TABLE_CAP, CAP_PAGE_DIRECTORY_CAP, CAP_ASID_POOL_CAP, CAP_ASID_CONTROL_CAP,
  CAP_IRQ_CONTROL_CAP, CAP_IRQ_HANDLER_CAP, CAP_IO_PORT_CAP, CAP_IO_PORT_CONTROL_CAP, CAP_ZOMBIE_CAP, CAP_DOMAIN_CAP,
  RIGHT_READ, RIGHT_WRITE, RIGHT_GRANT, RIGHT_GRANT_REPLY, BADGE_MASK, GUARD_VALUE_MASK,
  VM_KERNEL_ONLY, VM_READ_ONLY, VM_READ_WRITE, CTE_SIZE_BITS, ZOMBIE_TCB, ZOMBIE_TCB_BITS,
} from "./cte";
import {
  seL4_PageBits, seL4_LargePageBits, seL4_WordBits, seL4_EndpointBits, seL4_NotificationBits, seL4_TCBBits,
  seL4_PageTableBits, seL4_PageDirBits, seL4_ASIDPoolBits,
} from "../../libs/abi/sel4.gen";

// ── Reading a capability value ───────────────────────────────────────

// @ts-ignore: decorator
@inline export function tagOf(cap: u64): u32 {
  const w = <u32>(cap >>> 32);
  return (w & 0xE) == 0xE ? w & 0xFF : w & 0xF;
}
// @ts-ignore: decorator
@inline export function dataOf(cap: u64): u32 {
  return <u32>cap;
}
// @ts-ignore: decorator
@inline export function objectWordOf(cap: u64): u32 {
  return <u32>(cap >>> 32);
}
// @ts-ignore: decorator
@inline export function withData(cap: u64, data: u32): u64 {
  return (cap & 0xFFFFFFFF00000000) | <u64>data;
}
// @ts-ignore: decorator
@inline export function withObjectWord(cap: u64, w: u32): u64 {
  return (<u64>w << 32) | (cap & 0xFFFFFFFF);
}

/** First byte of the memory a capability names (0 for capabilities that name none). */
export function capBase(cap: u64): u32 {
  const tag = tagOf(cap);
  if (tag == CAP_FRAME_CAP || tag == CAP_PAGE_TABLE_CAP || tag == CAP_PAGE_DIRECTORY_CAP || tag == CAP_ASID_POOL_CAP) {
    return objectWordOf(cap) & 0xFFFFF000;
  }
  if (tag == CAP_UNTYPED_CAP || tag == CAP_ENDPOINT_CAP || tag == CAP_NOTIFICATION_CAP || tag == CAP_CNODE_CAP ||
      tag == CAP_THREAD_CAP || tag == CAP_REPLY_CAP) {
    return objectWordOf(cap) & 0xFFFFFFF0;
  }
  if (tag == CAP_ZOMBIE_CAP) return dataOf(cap) & ~zombieNumberMaskOf(cap);
  return 0;
}

/** The bits of a zombie's data word that count its slots (kernel/cspace/cte.ts). */
function zombieNumberMaskOf(cap: u64): u32 {
  const t = (objectWordOf(cap) >>> 8) & 0x3F;
  const bits = t == ZOMBIE_TCB ? ZOMBIE_TCB_BITS : t;
  return bits + 1 >= 32 ? 0xFFFFFFFF : (<u32>1 << (bits + 1)) - 1;
}

/**
 * True for capabilities that name memory an untyped may have been retyped
 * into. A zombie does too: it is what is left of a CNode or TCB being
 * deleted, and revoking the untyped must reach it.
 */
export function namesMemory(tag: u32): bool {
  return tag == CAP_UNTYPED_CAP || tag == CAP_FRAME_CAP || tag == CAP_ENDPOINT_CAP || tag == CAP_NOTIFICATION_CAP ||
    tag == CAP_CNODE_CAP || tag == CAP_THREAD_CAP || tag == CAP_PAGE_TABLE_CAP || tag == CAP_PAGE_DIRECTORY_CAP ||
    tag == CAP_ASID_POOL_CAP || tag == CAP_ZOMBIE_CAP;
}

/** log2 of the bytes a capability's object spans (namesMemory), as seL4's object sizes. */
export function capSizeBits(cap: u64): u32 {
  switch (tagOf(cap)) {
    case CAP_UNTYPED_CAP: return dataOf(cap) & 0x1F;
    case CAP_FRAME_CAP: return (objectWordOf(cap) & (1 << 4)) != 0 ? seL4_LargePageBits : seL4_PageBits;
    case CAP_CNODE_CAP: return (dataOf(cap) & 0x1F) + CTE_SIZE_BITS;
    case CAP_ENDPOINT_CAP: return seL4_EndpointBits;
    case CAP_NOTIFICATION_CAP: return seL4_NotificationBits;
    case CAP_THREAD_CAP: return seL4_TCBBits;
    case CAP_PAGE_TABLE_CAP: return seL4_PageTableBits;
    case CAP_PAGE_DIRECTORY_CAP: return seL4_PageDirBits;
    case CAP_ASID_POOL_CAP: return seL4_ASIDPoolBits;
    case CAP_ZOMBIE_CAP: {
      const t = (objectWordOf(cap) >>> 8) & 0x3F;
      return t == ZOMBIE_TCB ? seL4_TCBBits : t + CTE_SIZE_BITS;
    }
    default: return 0;
  }
}

// @ts-ignore: decorator
@inline function lastByte(cap: u64): u64 {
  return <u64>capBase(cap) + (<u64>1 << capSizeBits(cap)) - 1;
}

// ── Relations ────────────────────────────────────────────────────────

/**
 * Does capability `a` cover what `b` names? An untyped covers everything
 * inside its memory; IRQControl covers every IRQ handler; IOPortControl
 * every port range; otherwise the two name the same object.
 */
export function sameRegionAs(a: u64, b: u64): bool {
  const ta = tagOf(a);
  const tb = tagOf(b);
  switch (ta) {
    case CAP_UNTYPED_CAP:
      return namesMemory(tb) && <u64>capBase(a) <= <u64>capBase(b) && lastByte(b) <= lastByte(a);
    case CAP_ENDPOINT_CAP:
    case CAP_NOTIFICATION_CAP:
    case CAP_THREAD_CAP:
    case CAP_PAGE_TABLE_CAP:
    case CAP_PAGE_DIRECTORY_CAP:
    case CAP_ASID_POOL_CAP:
      return tb == ta && capBase(a) == capBase(b);
    case CAP_CNODE_CAP:
      return tb == CAP_CNODE_CAP && capBase(a) == capBase(b) && (dataOf(a) & 0x1F) == (dataOf(b) & 0x1F);
    case CAP_REPLY_CAP:
      return tb == CAP_REPLY_CAP && capBase(a) == capBase(b);
    case CAP_FRAME_CAP:
      return tb == CAP_FRAME_CAP && capBase(a) <= capBase(b) && lastByte(b) <= lastByte(a);
    case CAP_IRQ_CONTROL_CAP:
      return tb == CAP_IRQ_CONTROL_CAP || tb == CAP_IRQ_HANDLER_CAP;
    case CAP_IRQ_HANDLER_CAP:
      return tb == CAP_IRQ_HANDLER_CAP && (dataOf(a) & 0xFF) == (dataOf(b) & 0xFF);
    case CAP_IO_PORT_CONTROL_CAP:
      return tb == CAP_IO_PORT_CONTROL_CAP || tb == CAP_IO_PORT_CAP;
    case CAP_IO_PORT_CAP:
      return tb == CAP_IO_PORT_CAP && dataOf(a) == dataOf(b);
    case CAP_DOMAIN_CAP:
    case CAP_ASID_CONTROL_CAP:
      return tb == ta;
    default:
      return false; // null and zombie capabilities relate to nothing
  }
}

/**
 * Do `a` and `b` name the same object, so that deleting one while the
 * other exists must not destroy it? Untyped capabilities never do (each
 * is its own region); frames must agree in base, size and device flag;
 * IRQControl and IOPortControl do not count their handlers.
 */
export function sameObjectAs(a: u64, b: u64): bool {
  const ta = tagOf(a);
  if (ta == CAP_UNTYPED_CAP) return false;
  if (ta == CAP_IRQ_CONTROL_CAP && tagOf(b) == CAP_IRQ_HANDLER_CAP) return false;
  if (ta == CAP_IO_PORT_CONTROL_CAP && tagOf(b) == CAP_IO_PORT_CAP) return false;
  if (ta == CAP_FRAME_CAP) {
    return tagOf(b) == CAP_FRAME_CAP && capBase(a) == capBase(b) &&
      (objectWordOf(a) & 0x30) == (objectWordOf(b) & 0x30); // large and isDevice agree
  }
  return sameRegionAs(a, b);
}

/**
 * Is `derived`, made from `src`, revocable: the root of a subtree of its
 * own? Badged copies of an unbadged endpoint or notification are; so are
 * IRQ handlers made from IRQControl, IOPorts from IOPortControl, and every
 * new untyped.
 */
export function isCapRevocable(derived: u64, src: u64): bool {
  const t = tagOf(derived);
  if (t == CAP_ENDPOINT_CAP || t == CAP_NOTIFICATION_CAP) return (dataOf(derived) >>> 4) != (dataOf(src) >>> 4);
  if (t == CAP_IRQ_HANDLER_CAP) return tagOf(src) == CAP_IRQ_CONTROL_CAP;
  if (t == CAP_IO_PORT_CAP) return tagOf(src) == CAP_IO_PORT_CONTROL_CAP;
  if (t == CAP_UNTYPED_CAP) return true;
  return false;
}

// ── Making new capabilities from old ─────────────────────────────────

/** rightsFromWord: seL4_CapRights bits 0 write, 1 read, 2 grant, 3 grantReply. */
export function maskCapRights(rights: u32, cap: u64): u64 {
  const tag = tagOf(cap);
  if (tag == CAP_ENDPOINT_CAP) return withData(cap, dataOf(cap) & ~(RIGHT_WRITE | RIGHT_READ | RIGHT_GRANT | RIGHT_GRANT_REPLY) |
    (dataOf(cap) & rights & (RIGHT_WRITE | RIGHT_READ | RIGHT_GRANT | RIGHT_GRANT_REPLY)));
  if (tag == CAP_NOTIFICATION_CAP) return withData(cap, dataOf(cap) & ~(RIGHT_WRITE | RIGHT_READ) |
    (dataOf(cap) & rights & (RIGHT_WRITE | RIGHT_READ)));
  if (tag == CAP_REPLY_CAP) return (rights & RIGHT_GRANT) != 0 ? cap : withData(cap, dataOf(cap) & ~2);
  if (tag == CAP_FRAME_CAP) {
    const vm = (objectWordOf(cap) >>> 6) & 3;
    let masked = VM_KERNEL_ONLY;
    if (vm == VM_READ_ONLY && (rights & RIGHT_READ) != 0) masked = VM_READ_ONLY;
    else if (vm == VM_READ_WRITE && (rights & RIGHT_READ) != 0) masked = (rights & RIGHT_WRITE) != 0 ? VM_READ_WRITE : VM_READ_ONLY;
    return withObjectWord(cap, (objectWordOf(cap) & ~(3 << 6)) | (masked << 6));
  }
  return cap;
}

/**
 * updateCapData: `data` badges an unbadged endpoint or notification
 * (Mint; a capability that already has a badge becomes null, and so does
 * any badge change when `preserve` (Mutate, Rotate) is set), or gives a
 * CNode capability a guard (seL4_CNode_CapData: guard size in bits 7..3,
 * guard in 25..8; null if guard and radix exceed the word). Other
 * capabilities are returned as they are.
 */
export function updateCapData(preserve: bool, data: u32, cap: u64): u64 {
  const tag = tagOf(cap);
  if (tag == CAP_ENDPOINT_CAP || tag == CAP_NOTIFICATION_CAP) {
    if (!preserve && (dataOf(cap) >>> 4) == 0) return withData(cap, ((data & BADGE_MASK) << 4) | (dataOf(cap) & 0xF));
    return 0; // the null capability
  }
  if (tag == CAP_CNODE_CAP) {
    const guardSize = (data >>> 3) & 0x1F;
    const radix = dataOf(cap) & 0x1F;
    if (guardSize + radix > seL4_WordBits) return 0;
    const guardMask: u32 = guardSize >= 32 ? 0xFFFFFFFF : (<u32>1 << guardSize) - 1;
    const guard = (data >>> 8) & GUARD_VALUE_MASK & guardMask;
    return withData(cap, (guard << 11) | (guardSize << 5) | radix);
  }
  return cap;
}

/** What deriveCap decided. */
export enum DeriveResult {
  /** derivedCap holds the capability (possibly null: the source cannot be copied). */
  Ok = 0,
  /** An untyped with children: seL4_RevokeFirst. */
  RevokeFirst = 1,
  /** An unmapped page table or page directory: seL4_IllegalOperation. */
  IllegalOperation = 2,
}

/** The capability deriveCap produced, when it returned DeriveResult.Ok. */
export let derivedCap: u64 = 0;

/**
 * The capability a copy of `cap` (from a slot whose derivation-tree
 * children are known through `hasChildren`) gets. Zombies, IRQControl,
 * IOPortControl and reply capabilities derive to null; an untyped with
 * children may not be copied; a frame's copy is unmapped; page tables and
 * page directories must be mapped to be copied.
 */
export function deriveCap(cap: u64, hasChildren: bool): DeriveResult {
  const tag = tagOf(cap);
  derivedCap = 0;
  switch (tag) {
    case CAP_ZOMBIE_CAP:
    case CAP_IRQ_CONTROL_CAP:
    case CAP_IO_PORT_CONTROL_CAP:
    case CAP_REPLY_CAP:
      return DeriveResult.Ok;
    case CAP_UNTYPED_CAP:
      if (hasChildren) return DeriveResult.RevokeFirst;
      break;
    case CAP_FRAME_CAP:
      derivedCap = withData(cap, 0); // not mapped
      return DeriveResult.Ok;
    case CAP_PAGE_TABLE_CAP:
    case CAP_PAGE_DIRECTORY_CAP:
      if ((dataOf(cap) & (1 << 12)) == 0) return DeriveResult.IllegalOperation;
      break;
  }
  derivedCap = cap;
  return DeriveResult.Ok;
}
