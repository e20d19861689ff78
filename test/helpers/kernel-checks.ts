// test/helpers/kernel-checks.ts: checks every compiled kernel module's tests share.
//
// Owns: the two standard cases: the module keeps the kernel's wasm rules
// (no floats, no 64-bit division, no allocation), and an error-name
// function names every code of its enum, and "Unknown" for anything else.
import { it, expect } from "vitest";
import { kernelRuleViolations } from "./kernel-wasm";

export function itKeepsKernelRules(wat: () => string): void {
  it("keeps the kernel rules: no floats, no 64-bit division, no allocation", () => {
    expect(kernelRuleViolations(wat())).toEqual([]);
  });
}

export function itNamesEveryError(names: readonly string[], errorName: (code: number) => string): void {
  it("names every error code, and Unknown for others", () => {
    names.forEach((name, code) => expect(errorName(code)).toBe(name));
    expect(errorName(names.length)).toBe("Unknown");
    expect(errorName(-1)).toBe("Unknown");
  });
}
