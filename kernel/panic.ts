// kernel/panic.ts: temporary
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
