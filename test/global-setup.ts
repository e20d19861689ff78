// test/global-setup.ts: builds the kernel and os.iso once, before any test
// file runs, so parallel test files only read the build outputs.
import { buildIso } from "../build/iso.ts";

export default function setup(): void {
  buildIso();
}
