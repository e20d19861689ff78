// test/system/root-task.test.ts: the root task gets what seL4 promises a root task.
//
// userland/bootcheck runs as the root task and checks seL4_BootInfo against
// the capabilities it really holds (userland/bootcheck/main.ts lists the
// checks); it powers off reporting a failure if any fails. This test boots
// it with several boot modules at 128 MiB and at 2 GiB of RAM (where RAM
// beyond the kernel window must hold frames but no kernel objects), and
// checks the kernel's own account of what it built, and its report of the
// one fault bootcheck causes on purpose (a write to a read-only boot-module
// frame).
import { describe, expect, it } from "vitest";
import { boot } from "../helpers/qemu";

const MODULES = [
  { program: "bootcheck", args: "bootcheck first" },
  { program: "printer", args: "p1 1 1" },
  { program: "faulter", args: "f2 some arguments here" },
];

describe("the root task", () => {
  for (const memoryMiB of [128, 2048]) {
    it(`gets seL4's BootInfo, initial capabilities, untyped memory and boot modules at ${memoryMiB} MiB`, async () => {
      const modules = [{ program: "bootcheck", args: `bootcheck ram=${memoryMiB}` }, ...MODULES.slice(1)];
      const r = await boot({ modules, memoryMiB });
      expect(r.how, r.serial).toBe("poweroff");
      const fails = r.lines.filter((l) => l.startsWith("bootcheck: FAIL"));
      expect(fails, r.serial).toEqual([]);
      expect(r.lines).toContain("bootcheck: 0 failures: all is well");
      expect(r.lines.filter((l) => l.startsWith("bootcheck: ok ")).length).toBeGreaterThanOrEqual(30);
      // Every module, with its string and its frames.
      expect(r.lines.some((l) => new RegExp(`^bootcheck: module 0 "bootcheck ram=${memoryMiB}", \\d+ frames$`).test(l))).toBe(true);
      expect(r.lines.some((l) => /^bootcheck: module 1 "p1 1 1", \d+ frames$/.test(l))).toBe(true);
      expect(r.lines.some((l) => /^bootcheck: module 2 "f2 some arguments here", \d+ frames$/.test(l))).toBe(true);
      // The kernel's account: page tables, image frames, untypeds, empty slots.
      const built = r.lines.find((l) => l.startsWith("boot: root task has "));
      expect(built, r.serial).toMatch(/^boot: root task has \d+ page tables, \d+ image frames, \d+ untypeds \(.+ RAM, .+ device\), empty slots \d+-8191$/);
      // Device coverage, the ACPI RSDP chunk, and read-only boot-module frames.
      for (const ok of [
        "device untypeds cover every page of the first MiB, the BIOS area included",
        "a device untyped covers the HPET page",
        "no untyped covers the IOAPIC page, and only that page is left out around it",
        "no untyped covers the local APIC page, and only that page is left out around it",
        "an ACPI RSDP chunk, a whole acpi_rsdp_t long",
        'the chunk holds an RSDP: signature "RSD PTR ", checksums good',
        "the chunk is a copy of the RSDP in the BIOS area",
        "a boot-module frame maps with write rights asked for (seL4 masks them by the capability's)",
        "its write changed nothing: the mapping is read-only",
        "the thread stopped at its write",
        "the page was read and is not dirty",
      ]) expect(r.lines, ok).toContain(`bootcheck: ok ${ok}`);
      // The kernel's report of the write to the read-only module frame: a user write to a present page.
      expect(r.lines.filter((l) => l.startsWith("fault: ")), r.serial).toEqual([
        expect.stringMatching(/^fault: thread \d+ "bootcheck-writer" vector 14 \(page fault\) error 0x0007 cr2 0x31000000 eip 0x[0-9a-f]{8}: thread stopped$/),
      ]);
      if (memoryMiB === 2048) {
        expect(r.lines).toContain("bootcheck: ok beyond the window: no TCB");
        expect(r.lines).toContain("bootcheck: ok and holds what is written: it is RAM");
      } else {
        expect(r.lines).toContain("bootcheck: no RAM beyond the kernel window on this machine");
      }
    }, 120_000);
  }
});
