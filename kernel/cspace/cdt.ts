// kernel/cspace/cdt.ts: the capability derivation tree.
//
// Owns: the tree's shape and every change to it. As in seL4, the tree is
// a doubly linked list of slots in depth-first order (mdbPrev, mdbNext in
// kernel/cspace/cte.ts): a slot's descendants follow it, and isParentOf
// tells where its subtree ends. The operations: insert a derived
// capability after its parent, move one (links and all), swap two, empty
// a slot (unlink it), and the questions deletion asks: does a slot have
// children, is its capability the last one to its object.
// Must not: finalise objects (kernel/cspace/delete.ts does, then calls
// cteEmpty) or check user arguments (the decoders in kernel/object/ do).
//
// see: seL4 src/object/cnode.c (cteInsert, cteMove, cteSwap, emptySlot,
// isMDBParentOf, isFinalCapability, ensureNoChildren), facts only.

import {
  capWords, setCapWords, mdbPrev, mdbNext, setMdbPrev, setMdbNext, mdbRevocable, mdbFirstBadged, setMdbFlags,
  cteClear, CAP_ENDPOINT_CAP, CAP_NOTIFICATION_CAP,
} from "./cte";
import { tagOf, dataOf, sameRegionAs, sameObjectAs, isCapRevocable } from "./derive";

/**
 * Is the capability in slot `b` a child of the one in slot `a`? Only a
 * revocable capability has children. A badged endpoint or notification
 * is the parent of the copies with its badge that were not badged anew
 * (firstBadged marks where a new badge starts a subtree); an unbadged one
 * of everything it covers.
 */
export function isParentOf(a: usize, b: usize): bool {
  if (!mdbRevocable(a)) return false;
  const ca = capWords(a);
  if (!sameRegionAs(ca, capWords(b))) return false;
  const tag = tagOf(ca);
  if (tag == CAP_ENDPOINT_CAP || tag == CAP_NOTIFICATION_CAP) {
    const badge = dataOf(ca) >>> 4;
    if (badge == 0) return true;
    return badge == (dataOf(capWords(b)) >>> 4) && !mdbFirstBadged(b);
  }
  return true;
}

/** Does slot `s` have a child (the next slot in the list is one)? */
export function hasChildren(s: usize): bool {
  const next = mdbNext(s);
  return next != 0 && isParentOf(s, next);
}

/** Is the capability in `s` the last one to its object: no neighbour in the list names the same object? */
export function isFinalCapability(s: usize): bool {
  const cap = capWords(s);
  const prev = mdbPrev(s);
  if (prev != 0 && sameObjectAs(capWords(prev), cap)) return false;
  const next = mdbNext(s);
  if (next != 0 && sameObjectAs(capWords(next), cap)) return false;
  return true;
}

// Writes all of slot `s`: capability, links and flags.
function cteWrite(s: usize, cap: u64, prev: usize, next: usize, revocable: bool, firstBadged: bool): void {
  setCapWords(s, cap);
  store<u64>(s, 0, 8);
  setMdbPrev(s, prev);
  setMdbNext(s, next);
  setMdbFlags(s, revocable, firstBadged);
}

// Fills the empty slot `dest` with `cap` and links it right after `src`.
function placeAfter(src: usize, dest: usize, cap: u64, revocable: bool): void {
  const next = mdbNext(src);
  cteWrite(dest, cap, src, next, revocable, revocable);
  setMdbNext(src, dest);
  if (next != 0) setMdbPrev(next, dest);
}

/**
 * Puts `cap`, derived from the capability in `src`, into the empty slot
 * `dest`, right after `src` in the list: a child of `src` if it is not
 * revocable itself (then it starts a subtree of its own, still after
 * `src`, which keeps the depth-first order).
 */
export function cteInsert(cap: u64, src: usize, dest: usize): void {
  placeAfter(src, dest, cap, isCapRevocable(cap, capWords(src)));
}

/**
 * cteInsert for a capability isCapRevocable calls not revocable whatever
 * its source (a reply capability: setupCallerCap), without asking.
 */
export function cteInsertNotRevocable(cap: u64, src: usize, dest: usize): void {
  placeAfter(src, dest, cap, false);
}

/**
 * Puts a new object's capability `cap` into the empty slot `dest`, as a
 * child of the untyped in `parent` that it was made from (seL4's
 * insertNewCap): revocable, and first of its badge.
 */
export function cteInsertNew(parent: usize, dest: usize, cap: u64): void {
  placeAfter(parent, dest, cap, true);
}

/**
 * Puts `cap` into the empty slot `dest` as the root of a list of its own:
 * no parent, as for the capabilities the kernel makes at boot.
 */
export function cteInsertRoot(cap: u64, dest: usize, revocable: bool): void {
  cteWrite(dest, cap, 0, 0, revocable, revocable);
}

/** Moves the capability in `src` to the empty slot `dest` as `cap`, keeping its place in the tree. */
export function cteMove(cap: u64, src: usize, dest: usize): void {
  const prev = mdbPrev(src);
  const next = mdbNext(src);
  const revocable = mdbRevocable(src);
  const firstBadged = mdbFirstBadged(src);
  cteWrite(dest, cap, prev, next, revocable, firstBadged);
  cteClear(src);
  if (prev != 0) setMdbNext(prev, dest);
  if (next != 0) setMdbPrev(next, dest);
}

/** Exchanges the capabilities in slots `a` and `b` (as `capA` moves to b, `capB` to a), with their places in the tree. */
export function cteSwap(capA: u64, a: usize, capB: u64, b: usize): void {
  const aPrev = mdbPrev(a), aNext = mdbNext(a), aRev = mdbRevocable(a), aFirst = mdbFirstBadged(a);
  const bPrev = mdbPrev(b), bNext = mdbNext(b), bRev = mdbRevocable(b), bFirst = mdbFirstBadged(b);
  // Write b's new links: a's old ones, with any reference to b itself turned to a.
  cteWrite(b, capA, aPrev == b ? a : aPrev, aNext == b ? a : aNext, aRev, aFirst);
  cteWrite(a, capB, bPrev == a ? b : bPrev, bNext == a ? b : bNext, bRev, bFirst);
  // Neighbours now point at the other slot.
  const np = mdbPrev(b);
  if (np != 0 && np != a) setMdbNext(np, b);
  const nn = mdbNext(b);
  if (nn != 0 && nn != a) setMdbPrev(nn, b);
  const mp = mdbPrev(a);
  if (mp != 0 && mp != b) setMdbNext(mp, a);
  const mn = mdbNext(a);
  if (mn != 0 && mn != b) setMdbPrev(mn, a);
}

/**
 * Empties slot `s`: unlinks it from the list and clears it. A next slot
 * that was badged below `s` keeps that mark (it now starts the subtree),
 * as seL4's emptySlot does.
 */
export function cteEmpty(s: usize): void {
  const prev = mdbPrev(s);
  const next = mdbNext(s);
  if (prev != 0) setMdbNext(prev, next);
  if (next != 0) {
    setMdbPrev(next, prev);
    setMdbFlags(next, mdbRevocable(next), mdbFirstBadged(next) || mdbFirstBadged(s));
  }
  cteClear(s);
}
