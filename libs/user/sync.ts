// libs/user/sync.ts: user-level synchronisation on the kernel's notifications and endpoints (libsel4sync's model).
//
// Owns: a binary semaphore (a mutex: the monitors' lock), a counting
// semaphore, and condition variables with signal, broadcast and
// broadcast-and-release, for threads that share an address space. Each
// object lives in a few words of the caller's memory, laid out below; the
// kernel objects it stands on are made by the caller and passed in:
//   binary semaphore: the notification's own state is the count. Idle is 0
//     (a Wait blocks), Active is 1 (a Wait takes it and the notification
//     goes Idle); Signal on an Active notification leaves it Active, so
//     the count saturates at one. Wait and post are each one system call,
//     atomic in the kernel.
//   counting semaphore (SEM_*): the count, guarded by a binary semaphore of
//     its own, and an endpoint that waiters block on: wait takes one from
//     the count and, if it went negative, Recvs on the endpoint; post adds
//     one and, if the count is still not positive (a waiter is committed to
//     Recv), Sends an empty message, which meets exactly that waiter.
//   condition variable (CV_*): the number of waiters and an endpoint; the
//     monitor's lock (a binary semaphore) guards both. A waiter counts
//     itself, releases the lock, Recvs, then takes the lock again; signal
//     (lock held) takes one waiter off the count and Sends once; broadcast
//     Sends once per waiter. A Send blocks until its waiter Recvs, so every
//     wake-up meets one counted waiter (none is lost, none is spurious).
// libsel4sync keeps the counts in user memory with atomic instructions and
// uses a notification for the condition variable; this user code is wasm
// without atomics, and a notification merges two signals that reach it
// before the waiters block, so the counts sit under a lock or in the
// kernel and the condition variable rendezvouses on an endpoint
// (docs/RATIONALE.md, "User-level synchronisation").
// Layouts (byte offsets in the caller's block, 4-byte aligned):
//   SEM: +0 endpoint, +4 lock (notification), +8 count (i32), SEM_SIZE 12.
//   CV:  +0 endpoint, +4 waiters (u32), +8 wake-ups sent (u32, for tests), CV_SIZE 12.
// Must not: allocate, spin, or keep any state outside the caller's blocks.

import { seL4_NoError, seL4_InvalidArgument } from "../abi/sel4.gen";
import { seL4_Signal, seL4_Wait, seL4_Send, seL4_Recv, seL4_MessageInfo_new } from "./ipc";

// ── Binary semaphore: one notification ─────────────────────────────────

/** Makes the notification `ntfn` (fresh: Idle) a binary semaphore holding `value` (0 or 1). */
export function binSemInit(ntfn: u32, value: u32): u32 {
  if (ntfn == 0 || value > 1) return seL4_InvalidArgument;
  if (value == 1) seL4_Signal(ntfn);
  return seL4_NoError;
}

/** Takes the semaphore, blocking while it is 0. */
export function binSemWait(ntfn: u32): void {
  seL4_Wait(ntfn, 0);
}

/** Releases the semaphore: wakes the first waiter, or makes it 1. */
export function binSemPost(ntfn: u32): void {
  seL4_Signal(ntfn);
}

// ── Counting semaphore ─────────────────────────────────────────────────

// @ts-ignore: decorator
@inline export const SEM_EP: u32 = 0;
// @ts-ignore: decorator
@inline export const SEM_LOCK: u32 = 4;
// @ts-ignore: decorator
@inline export const SEM_COUNT: u32 = 8;
// @ts-ignore: decorator
@inline export const SEM_SIZE: u32 = 12;

/** A counting semaphore at `s` holding `value`, on endpoint `ep` and notification `lock` (both fresh). */
export function semInit(s: usize, ep: u32, lock: u32, value: i32): u32 {
  if (s == 0 || ep == 0 || lock == 0 || value < 0) return seL4_InvalidArgument;
  store<u32>(s, ep, SEM_EP);
  store<u32>(s, lock, SEM_LOCK);
  store<i32>(s, value, SEM_COUNT);
  return binSemInit(lock, 1);
}

/** Takes one from the semaphore, blocking while it has none. */
export function semWait(s: usize): void {
  const lock = load<u32>(s, SEM_LOCK);
  binSemWait(lock);
  const v = load<i32>(s, SEM_COUNT) - 1;
  store<i32>(s, v, SEM_COUNT);
  binSemPost(lock);
  if (v < 0) seL4_Recv(load<u32>(s, SEM_EP), 0);
}

/** Takes one if the semaphore has one; returns whether it did (never blocks). */
export function semTryWait(s: usize): bool {
  const lock = load<u32>(s, SEM_LOCK);
  binSemWait(lock);
  const v = load<i32>(s, SEM_COUNT);
  if (v > 0) store<i32>(s, v - 1, SEM_COUNT);
  binSemPost(lock);
  return v > 0;
}

/** Gives one back: wakes the first waiter if there is one. */
export function semPost(s: usize): void {
  const lock = load<u32>(s, SEM_LOCK);
  binSemWait(lock);
  const v = load<i32>(s, SEM_COUNT) + 1;
  store<i32>(s, v, SEM_COUNT);
  binSemPost(lock);
  if (v <= 0) seL4_Send(load<u32>(s, SEM_EP), seL4_MessageInfo_new(0, 0, 0, 0));
}

/** The count: units available, or minus the number of waiters. */
export function semValue(s: usize): i32 {
  const lock = load<u32>(s, SEM_LOCK);
  binSemWait(lock);
  const v = load<i32>(s, SEM_COUNT);
  binSemPost(lock);
  return v;
}

// ── Condition variables (monitors: a binary semaphore as the lock) ─────

// @ts-ignore: decorator
@inline export const CV_EP: u32 = 0;
// @ts-ignore: decorator
@inline export const CV_WAITERS: u32 = 4;
// @ts-ignore: decorator
@inline export const CV_WAKEUPS: u32 = 8;
// @ts-ignore: decorator
@inline export const CV_SIZE: u32 = 12;

/** A condition variable at `cv` on the endpoint `ep` (fresh, used by nothing else). */
export function cvInit(cv: usize, ep: u32): u32 {
  if (cv == 0 || ep == 0) return seL4_InvalidArgument;
  store<u32>(cv, ep, CV_EP);
  store<u32>(cv, 0, CV_WAITERS);
  store<u32>(cv, 0, CV_WAKEUPS);
  return seL4_NoError;
}

/**
 * Waits on `cv`; the caller holds `lock`, which is released while it
 * waits and held again when it returns. The condition may have changed
 * again by then: callers check it in a loop.
 */
export function cvWait(lock: u32, cv: usize): void {
  store<u32>(cv, load<u32>(cv, CV_WAITERS) + 1, CV_WAITERS);
  binSemPost(lock);
  seL4_Recv(load<u32>(cv, CV_EP), 0);
  binSemWait(lock);
}

/** Wakes one waiter of `cv`, if any; the caller holds the monitor's lock. */
export function cvSignal(cv: usize): void {
  const n = load<u32>(cv, CV_WAITERS);
  if (n == 0) return;
  store<u32>(cv, n - 1, CV_WAITERS);
  store<u32>(cv, load<u32>(cv, CV_WAKEUPS) + 1, CV_WAKEUPS);
  seL4_Send(load<u32>(cv, CV_EP), seL4_MessageInfo_new(0, 0, 0, 0));
}

/** Wakes every waiter of `cv`; the caller holds the monitor's lock. Returns how many. */
export function cvBroadcast(cv: usize): u32 {
  const n = load<u32>(cv, CV_WAITERS);
  for (let i: u32 = 0; i < n; i++) cvSignal(cv);
  return n;
}

/**
 * Wakes every waiter of `cv`, then releases `lock` (libsel4sync's
 * broadcast_release). The wake-ups are sent before the release, while no
 * new waiter can count itself in, so each meets one of the waiters
 * counted now. Returns how many.
 */
export function cvBroadcastRelease(lock: u32, cv: usize): u32 {
  const n = cvBroadcast(cv);
  binSemPost(lock);
  return n;
}

/** Threads counted as waiting on `cv` (read with the lock held). */
export function cvWaiters(cv: usize): u32 {
  return load<u32>(cv, CV_WAITERS);
}

/** Wake-ups `cv` has sent since cvInit (read with the lock held). */
export function cvWakeups(cv: usize): u32 {
  return load<u32>(cv, CV_WAKEUPS);
}
