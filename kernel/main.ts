// kernel/main.ts: temporary bring-up entry (replaced once console lands).
export { abort } from "./panic";
import { outb, inb, hlt, cli } from "./arch/x86/intrinsics";

function putc(c: u32): void {
  while ((inb(0x3fd) & 0x20) == 0) {}
  outb(0x3f8, c);
}
function puts(s: string): void {
  for (let i = 0; i < s.length; i++) putc(s.charCodeAt(i));
}

export function kmain(mbi: u32): void {
  puts("tsos: hello from AssemblyScript\n");
  outb(0xf4, 0);
  cli();
  while (true) hlt();
}

export function wasmTrap(code: u32): void {
  puts("PANIC: wasm trap\n");
}
