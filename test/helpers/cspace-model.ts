// test/helpers/cspace-model.ts: a plain TypeScript model of seL4's CSpace, for the kernel's fuzz.
//
// Owns: the reference the kernel's capability code is compared with: slots
// holding capabilities, the derivation list as an array in seL4's order
// (insert after the source, move in place, unlink on empty), seL4's
// isMDBParentOf, lookups through guarded CNodes, and the effects and errors
// of Untyped_Retype (endpoints, notifications, CNodes, frames) and the CNode
// invocations, deletion with seL4's zombies included. It is written from
// seL4's reference manual and source facts, not from the kernel's code: the
// representation (objects as records, the list as an array) is different on
// purpose, so the two can disagree.
// Must not: read kernel memory; the fuzz compares the two from outside.

export type Tag = "null" | "untyped" | "thread" | "endpoint" | "notification" | "cnode" | "frame" | "zombie";

/** A zombie's `bits` for a TCB (its 5 slots), as seL4 marks ZombieTCB. */
export const ZOMBIE_TCB = 63;

export interface Cap {
  tag: Tag;
  /** Object (or untyped region, or zombie's first slot) physical address. */
  base: number;
  /** Untyped size bits; CNode and zombie radix. */
  bits: number;
  badge: number;
  rights: number;
  guard: number;
  guardSize: number;
  freeIndex: number;
  /** Zombie: slots left to clear. */
  number: number;
}

export const ERR = {
  NoError: 0, InvalidArgument: 1, InvalidCapability: 2, IllegalOperation: 3, RangeError: 4, AlignmentError: 5,
  FailedLookup: 6, TruncatedMessage: 7, DeleteFirst: 8, RevokeFirst: 9, NotEnoughMemory: 10,
} as const;

const nullCap = (): Cap => ({ tag: "null", base: 0, bits: 0, badge: 0, rights: 0, guard: 0, guardSize: 0, freeIndex: 0, number: 0 });

interface Slot {
  cap: Cap;
  revocable: boolean;
  firstBadged: boolean;
}

export class CSpaceModel {
  /** Every slot the model knows, by physical address. */
  readonly slots = new Map<number, Slot>();
  /** The derivation list: occupied slots in seL4's depth-first order. */
  list: number[] = [];

  slot(addr: number): Slot {
    let s = this.slots.get(addr);
    if (!s) {
      s = { cap: nullCap(), revocable: false, firstBadged: false };
      this.slots.set(addr, s);
    }
    return s;
  }

  cap(addr: number): Cap {
    return this.slot(addr).cap;
  }

  // ── Relations (seL4's sameRegionAs, sameObjectAs, isMDBParentOf) ──────

  private extent(c: Cap): [number, number] {
    switch (c.tag) {
      case "untyped": return [c.base, 2 ** c.bits];
      case "endpoint": case "notification": return [c.base, 16];
      case "thread": return [c.base, 2048];
      case "zombie": return [c.base, c.bits === ZOMBIE_TCB ? 2048 : 16 * 2 ** c.bits];
      case "cnode": return [c.base, 16 * 2 ** c.bits];
      case "frame": return [c.base, 4096];
      default: return [0, 0];
    }
  }

  sameRegionAs(a: Cap, b: Cap): boolean {
    if (a.tag === "untyped") {
      if (b.tag === "null") return false;
      const [ab, as] = this.extent(a);
      const [bb, bs] = this.extent(b);
      return ab <= bb && bb + bs <= ab + as;
    }
    if (a.tag === "cnode") return b.tag === "cnode" && a.base === b.base && a.bits === b.bits;
    if (a.tag === "endpoint" || a.tag === "notification" || a.tag === "frame" || a.tag === "thread") return b.tag === a.tag && a.base === b.base;
    return false;
  }

  sameObjectAs(a: Cap, b: Cap): boolean {
    return a.tag !== "untyped" && this.sameRegionAs(a, b);
  }

  isParentOf(a: number, b: number): boolean {
    const sa = this.slot(a);
    const sb = this.slot(b);
    if (!sa.revocable || !this.sameRegionAs(sa.cap, sb.cap)) return false;
    if (sa.cap.tag === "endpoint" || sa.cap.tag === "notification") {
      if (sa.cap.badge === 0) return true;
      return sa.cap.badge === sb.cap.badge && !sb.firstBadged;
    }
    return true;
  }

  private next(addr: number): number | undefined {
    const i = this.list.indexOf(addr);
    return i >= 0 ? this.list[i + 1] : undefined;
  }

  hasChildren(addr: number): boolean {
    const n = this.next(addr);
    return n !== undefined && this.isParentOf(addr, n);
  }

  private isFinal(addr: number): boolean {
    const i = this.list.indexOf(addr);
    const c = this.cap(addr);
    const p = this.list[i - 1];
    const n = this.list[i + 1];
    return !(p !== undefined && this.sameObjectAs(this.cap(p), c)) && !(n !== undefined && this.sameObjectAs(this.cap(n), c));
  }

  // ── List edits ────────────────────────────────────────────────────────

  insertRoot(addr: number, cap: Cap): void {
    Object.assign(this.slot(addr), { cap, revocable: true, firstBadged: true });
    this.list.unshift(addr);
  }

  private insertAfter(src: number, dest: number, cap: Cap, revocable: boolean): void {
    Object.assign(this.slot(dest), { cap, revocable, firstBadged: revocable });
    this.list.splice(this.list.indexOf(src) + 1, 0, dest);
  }

  private move(src: number, dest: number, cap: Cap): void {
    const s = this.slot(src);
    Object.assign(this.slot(dest), { cap, revocable: s.revocable, firstBadged: s.firstBadged });
    Object.assign(s, { cap: nullCap(), revocable: false, firstBadged: false });
    this.list[this.list.indexOf(src)] = dest;
  }

  private swap(a: number, b: number, capA: Cap, capB: Cap): void {
    const sa = this.slot(a);
    const sb = this.slot(b);
    const [ra, fa, rb, fb] = [sa.revocable, sa.firstBadged, sb.revocable, sb.firstBadged];
    Object.assign(sb, { cap: capA, revocable: ra, firstBadged: fa });
    Object.assign(sa, { cap: capB, revocable: rb, firstBadged: fb });
    const ia = this.list.indexOf(a);
    const ib = this.list.indexOf(b);
    this.list[ia] = b;
    this.list[ib] = a;
  }

  private empty(addr: number): void {
    const i = this.list.indexOf(addr);
    if (i < 0) return;
    const n = this.list[i + 1];
    if (n !== undefined) this.slot(n).firstBadged ||= this.slot(addr).firstBadged;
    this.list.splice(i, 1);
    Object.assign(this.slot(addr), { cap: nullCap(), revocable: false, firstBadged: false });
  }

  // ── Lookup (seL4's resolveAddressBits) ─────────────────────────────────

  /** The fault of the last failed lookup, as [kind, bitsLeft, bitsFound, guardFound]. */
  fault: [string, number, number, number] = ["NoFailure", 0, 0, 0];

  resolve(root: Cap, cptr: number, depth: number): { slot: number; remaining: number } | null {
    if (root.tag !== "cnode") return this.fail("InvalidRoot", depth, 0, 0);
    let node = root;
    let bits = depth;
    for (;;) {
      const level = node.bits + node.guardSize;
      if (node.guardSize > bits) return this.fail("GuardMismatch", bits, node.guardSize, node.guard);
      const found = node.guardSize === 0 ? 0 : Number((BigInt(cptr >>> 0) >> BigInt(bits - node.guardSize)) & ((1n << BigInt(node.guardSize)) - 1n));
      if (found !== node.guard) return this.fail("GuardMismatch", bits, node.guardSize, node.guard);
      if (level > bits) return this.fail("DepthMismatch", bits, level, 0);
      const index = Number((BigInt(cptr >>> 0) >> BigInt(bits - level)) & ((1n << BigInt(node.bits)) - 1n));
      const slot = node.base + 16 * index;
      bits -= level;
      const c = this.cap(slot);
      if (bits === 0 || c.tag !== "cnode") return { slot, remaining: bits };
      node = c;
    }
  }

  private fail(kind: string, left: number, found: number, guard: number): null {
    this.fault = [kind, left, found, guard];
    return null;
  }

  /** seL4's lookupSlotForCNodeOp; returns the slot, or an error code. */
  private cnodeOpSlot(root: Cap, cptr: number, depth: number): number | { err: number } {
    if (root.tag !== "cnode") {
      this.fail("InvalidRoot", depth, 0, 0);
      return { err: ERR.FailedLookup };
    }
    if (depth < 1 || depth > 32) return { err: ERR.RangeError };
    const r = this.resolve(root, cptr, depth);
    if (!r) return { err: ERR.FailedLookup };
    if (r.remaining !== 0) {
      this.fail("DepthMismatch", r.remaining, 0, 0);
      return { err: ERR.FailedLookup };
    }
    return r.slot;
  }

  // ── Capability data (seL4's updateCapData, maskCapRights, deriveCap) ──

  private update(preserve: boolean, data: number, c: Cap): Cap {
    if (c.tag === "endpoint" || c.tag === "notification") {
      return !preserve && c.badge === 0 ? { ...c, badge: (data >>> 0) & 0xfffffff } : nullCap();
    }
    if (c.tag === "cnode") {
      const guardSize = (data >>> 3) & 0x1f;
      if (guardSize + c.bits > 32) return nullCap();
      const guard = (data >>> 8) & 0x3ffff & (guardSize >= 32 ? 0xffffffff : 2 ** guardSize - 1);
      return { ...c, guardSize, guard };
    }
    return c;
  }

  private mask(rights: number, c: Cap): Cap {
    if (c.tag === "endpoint") return { ...c, rights: c.rights & rights & 15 };
    if (c.tag === "notification") return { ...c, rights: c.rights & rights & 3 };
    return c;
  }

  private revocableCopy(derived: Cap, src: Cap): boolean {
    if (derived.tag === "endpoint" || derived.tag === "notification") return derived.badge !== src.badge;
    return derived.tag === "untyped";
  }

  // ── Invocations ──────────────────────────────────────────────────────

  /** A CNode invocation on `rootCap` (the CNode capability invoked) with message words `a` and extra capabilities `extra`. */
  cnode(rootCap: Cap, label: string, a: number[], extra: Cap[]): number {
    if (a.length < 2) return ERR.TruncatedMessage;
    const dest = this.cnodeOpSlot(rootCap, a[0], a[1]);
    if (typeof dest !== "number") return dest.err;
    if (label === "Copy" || label === "Mint" || label === "Move" || label === "Mutate") {
      if (a.length < 4 || extra.length < 1) return ERR.TruncatedMessage;
      if (this.cap(dest).tag !== "null") return ERR.DeleteFirst;
      const src = this.cnodeOpSlot(extra[0], a[2], a[3]);
      if (typeof src !== "number") return src.err;
      const sc = this.cap(src);
      if (sc.tag === "null") {
        this.fail("MissingCapability", a[3], 0, 0);
        return ERR.FailedLookup;
      }
      if (label === "Copy" || label === "Mint") {
        if (a.length < (label === "Copy" ? 5 : 6)) return ERR.TruncatedMessage;
        let c = this.mask(a[4], sc);
        if (label === "Mint") c = this.update(false, a[5], c);
        if (c.tag === "untyped" && this.hasChildren(src)) return ERR.RevokeFirst;
        if (c.tag === "null" || c.tag === "zombie") return ERR.IllegalOperation;
        this.insertAfter(src, dest, c, this.revocableCopy(c, sc));
        return ERR.NoError;
      }
      let c = sc;
      if (label === "Mutate") {
        if (a.length < 5) return ERR.TruncatedMessage;
        c = this.update(true, a[4], sc);
        if (c.tag === "null") return ERR.IllegalOperation;
      }
      this.move(src, dest, c);
      return ERR.NoError;
    }
    if (label === "Revoke") return this.revoke(dest);
    if (label === "Delete") return this.delete(dest, true);
    if (label === "Rotate") {
      if (a.length < 8 || extra.length < 2) return ERR.TruncatedMessage;
      const src = this.cnodeOpSlot(extra[1], a[6], a[7]);
      if (typeof src !== "number") return src.err;
      const pivot = this.cnodeOpSlot(extra[0], a[3], a[4]);
      if (typeof pivot !== "number") return pivot.err;
      if (pivot === src || pivot === dest) return ERR.IllegalOperation;
      if (src !== dest && this.cap(dest).tag !== "null") return ERR.DeleteFirst;
      if (this.cap(src).tag === "null") {
        this.fail("MissingCapability", a[7], 0, 0);
        return ERR.FailedLookup;
      }
      if (this.cap(pivot).tag === "null") {
        this.fail("MissingCapability", a[4], 0, 0);
        return ERR.FailedLookup;
      }
      const ns = this.update(true, a[5], this.cap(src));
      const np = this.update(true, a[2], this.cap(pivot));
      if (ns.tag === "null" || np.tag === "null") return ERR.IllegalOperation;
      if (src === dest) this.swap(src, pivot, ns, np);
      else {
        this.move(pivot, dest, np);
        this.move(src, pivot, ns);
      }
      return ERR.NoError;
    }
    throw new Error(`model: no CNode invocation ${label}`);
  }

  /** Untyped_Retype of the untyped in `ut` into the root CNode `node` (depth 0) at `offset`. */
  retype(ut: number, node: Cap, type: number, size: number, offset: number, n: number): number {
    const objBits: Record<number, number> = { 0: size, 1: 11, 2: 4, 3: 4, 4: size + 4, 5: 12 };
    if (type > 8) return ERR.InvalidArgument;
    if (!(type in objBits)) return -1; // types the model does not cover: the fuzz skips the comparison
    if (size >= 32 || objBits[type] > 29) return ERR.RangeError;
    if (type === 4 && size === 0) return ERR.InvalidArgument;
    if (type === 0 && size < 4) return ERR.InvalidArgument;
    const slots = 2 ** node.bits;
    if (offset > slots - 1) return ERR.RangeError;
    if (n < 1 || n > 256) return ERR.RangeError;
    if (n > slots - offset) return ERR.RangeError;
    for (let i = 0; i < n; i++) if (this.cap(node.base + 16 * (offset + i)).tag !== "null") return ERR.DeleteFirst;
    const u = this.cap(ut);
    const reset = !this.hasChildren(ut);
    const used = reset ? 0 : u.freeIndex * 16;
    const free = 2 ** u.bits - used;
    const ob = objBits[type];
    if (Math.floor(free / 2 ** ob) < n) return ERR.NotEnoughMemory;
    const start = Math.ceil(used / 2 ** ob) * 2 ** ob;
    u.freeIndex = (start + n * 2 ** ob) / 16;
    // Each new capability goes right after the untyped, so the newest ends up first.
    for (let i = 0; i < n; i++) {
      const base = u.base + start + i * 2 ** ob;
      const tag: Tag = (["untyped", "thread", "endpoint", "notification", "cnode", "frame"] as const)[type] as Tag;
      const c: Cap = { ...nullCap(), tag, base, bits: type === 0 ? size : type === 4 ? size : 0, rights: type === 2 ? 15 : type === 3 ? 15 : 0 };
      if (type === 3) c.rights = 3;
      this.insertAfter(ut, node.base + 16 * (offset + i), c, true);
      const slots = type === 4 ? 2 ** size : type === 1 ? 5 : 0;
      for (let j = 0; j < slots; j++) Object.assign(this.slot(base + 16 * j), { cap: nullCap(), revocable: false, firstBadged: false });
      // A TCB's memory past its 5 slots is the thread (its saved context starts with user selectors and
      // EFLAGS, as seL4's Arch_initContext sets them, and its number): slots of an earlier CNode there are gone.
      if (type === 1) for (let a = base + 16 * 5; a < base + 2048; a += 16) this.slots.delete(a);
    }
    return ERR.NoError;
  }

  // ── Deletion (seL4's cteDelete, finaliseSlot, reduceZombie, cteRevoke) ─

  revoke(addr: number): number {
    for (let n = this.next(addr); n !== undefined && this.isParentOf(addr, n); n = this.next(addr)) this.delete(n, true);
    return ERR.NoError;
  }

  delete(addr: number, exposed: boolean): number {
    const done = this.finaliseSlot(addr, exposed);
    if (exposed || done) this.empty(addr);
    return ERR.NoError;
  }

  private finaliseSlot(addr: number, exposed: boolean): boolean {
    for (;;) {
      const c = this.cap(addr);
      if (c.tag === "null") return true;
      const final = this.isFinal(addr);
      let rem: Cap = nullCap();
      if (c.tag === "cnode" && final) rem = { ...nullCap(), tag: "zombie", base: c.base, bits: c.bits, number: 2 ** c.bits };
      else if (c.tag === "thread" && final) rem = { ...nullCap(), tag: "zombie", base: c.base, bits: ZOMBIE_TCB, number: 5 };
      else if (c.tag === "zombie") rem = c;
      if (rem.tag === "null") return true;
      this.slot(addr).cap = rem;
      if (rem.number === 0 || (rem.number === 1 && rem.base === addr)) return true;
      if (!exposed && rem.base === addr) return false;
      this.reduceZombie(addr, exposed);
    }
  }

  private reduceZombie(addr: number, exposed: boolean): void {
    const z = this.cap(addr);
    const { base, number, bits } = z;
    if (exposed) {
      this.delete(base + 16 * (number - 1), false);
      const now = this.cap(addr);
      if (now.tag === "zombie" && now.base === base && now.number === number && now.bits === bits) now.number = number - 1;
      return;
    }
    if (base !== addr) this.swap(base, addr, this.cap(base), this.cap(addr));
  }
}
