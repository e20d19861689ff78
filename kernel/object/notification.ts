// kernel/object/notification.ts: the notification object's layout.
//
// Owns: where each field of a notification object (2^seL4_NotificationBits
// = 16 bytes, zeroed at creation) lives. Signalling and waiting arrive
// with IPC (the next issue) and use words 0, 1 and 3; this issue uses the
// binding to a TCB (TCB_BindNotification, and a TCB's finalisation).
// Must not: decide anything.
//
//   offset  field
//   0x00    state and queue (IPC)
//   0x04    queue (IPC)
//   0x08    boundTcb   physical address of the TCB object bound to it, or 0
//   0x0C    message word (IPC)

import { vspacePhysWindow } from "../arch/x86/vspace";

// @ts-ignore: decorator
@inline export const NTFN_BOUND_TCB: usize = 0x08;

/** The TCB object bound to the notification at physical `ntfn` (0: none). */
export function notificationBoundTcb(ntfn: u32): u32 {
  return load<u32>(vspacePhysWindow() + <usize>ntfn, NTFN_BOUND_TCB);
}

export function setNotificationBoundTcb(ntfn: u32, tcbObject: u32): void {
  store<u32>(vspacePhysWindow() + <usize>ntfn, tcbObject, NTFN_BOUND_TCB);
}
