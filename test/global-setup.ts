// test/global-setup.ts: builds the kernel, every user program and os.iso
// once, before any test file runs, so parallel test files only read those
// outputs (each test ISO variant is staged in a directory of its own). The
// benchmark's and the in-OS suite's ISOs are built here too: their own test
// files and test/system/playground.test.ts (which copies them) both need
// them, and two files must not stage one ISO at the same time.
import { BENCH_BOOT, buildIso, SEL4TEST_MODULES } from "../build/iso.ts";
import { buildUserland } from "../build/userland.ts";

export default function setup(): void {
  buildUserland();
  buildIso();
  buildIso({ kernel: "debug" }); // npm run debug's (test/build/cli.test.ts, test/system/debug.test.ts)
  buildIso(BENCH_BOOT);
  buildIso({ modules: SEL4TEST_MODULES });
}
