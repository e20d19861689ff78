// test/global-setup.ts: builds the kernel, every user program and os.iso
// once, before any test file runs, so parallel test files only read those
// outputs (each test ISO variant is staged in a directory of its own).
import { buildIso } from "../build/iso.ts";
import { buildUserland } from "../build/userland.ts";

export default function setup(): void {
  buildUserland();
  buildIso();
  buildIso({ kernel: "debug" }); // npm run debug's (test/build/cli.test.ts, test/system/debug.test.ts)
}
