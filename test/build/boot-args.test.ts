// test/build/boot-args.test.ts: what `npm start -- ...` and `npm run debug -- ...` boot (build/iso.ts parseBootArgs).
import { describe, expect, it } from "vitest";
import { parseBootArgs, DEFAULT_MODULES } from "../../build/iso.ts";

describe("npm start's words", () => {
  it("boot the default system with none", () => {
    expect(parseBootArgs([])).toEqual({ cmdline: "poweroff", modules: DEFAULT_MODULES });
  });

  it("pass kernel options and choose boot modules", () => {
    expect(parseBootArgs(["crash=divide"])).toEqual({ cmdline: "poweroff crash=divide", modules: DEFAULT_MODULES });
    expect(parseBootArgs(["nofastpath", "hz=1000", "--module", "bench"])).toEqual({
      cmdline: "poweroff nofastpath hz=1000", modules: [{ program: "bench", args: "bench" }],
    });
    expect(parseBootArgs(["-m", "root", "-m", "sel4test"])).toEqual({
      cmdline: "poweroff", modules: [{ program: "root", args: "root" }, { program: "sel4test", args: "sel4test" }],
    });
    expect(parseBootArgs(["--module", "ipcdiff:seed=0x5:n=10"])).toEqual({
      cmdline: "poweroff", modules: [{ program: "ipcdiff", args: "ipcdiff seed=0x5 n=10" }],
    });
  });

  it("refuse an unknown option or program in one line that names the known ones", () => {
    expect(parseBootArgs(["crash=nope"])).toMatch(/^unknown kernel option "crash=nope"; the options are poweroff, nofastpath, bench, hz=/);
    expect(parseBootArgs(["hz=abc"])).toMatch(/^unknown kernel option "hz=abc"/);
    expect(parseBootArgs(["--module", "nosuch"])).toMatch(/^no user program "nosuch"/);
    expect(parseBootArgs(["--module"])).toMatch(/needs a program/);
  });
});
