// test/build/sel4test-mapping.test.ts: docs/sel4test-mapping.md stays true.
//
// Checks that the mapping table lists every entry of seL4's test inventory
// (../shared/reference/sel4test-inventory.tsv) once, in order, with a
// status and a reason; that every in-OS test (userland/sel4test/main.ts)
// is named by a covered row and every test a covered row names exists;
// and that the totals line counts the rows.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../build/stage.ts";

const inventory = readFileSync(join(ROOT, "../shared/reference/sel4test-inventory.tsv"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => l.split("\t"));
const doc = readFileSync(join(ROOT, "docs/sel4test-mapping.md"), "utf8");
const rows = doc
  .split("\n")
  .filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith("| sel4test |"))
  .map((l) => l.slice(2, -2).split(/ (?<!\\)\| /));
const inOsTests = [...readFileSync(join(ROOT, "userland/sel4test/main.ts"), "utf8").matchAll(/return "([A-Za-z0-9_-]+)";/g)].map((m) => m[1]);

describe("docs/sel4test-mapping.md", () => {
  it("lists every inventory entry, in order, with a status and a reason", () => {
    expect(rows.length).toBe(inventory.length);
    rows.forEach((r, i) => {
      expect(r[0], `row ${i}`).toBe(inventory[i][1]);
      expect(["covered", "next issue", "not applicable"], `row ${i} ${r[0]}`).toContain(r[2]);
      expect(r[3].length, `row ${i} ${r[0]} gives no reason`).toBeGreaterThan(5);
    });
  });

  it("names every in-OS test in a covered row of the sel4test test it re-expresses, and only tests that exist", () => {
    expect(inOsTests.length).toBeGreaterThanOrEqual(66);
    expect(new Set(inOsTests).size).toBe(inOsTests.length);
    const named = new Map<string, string>();
    for (const r of rows) {
      for (const m of r[3].matchAll(/`([A-Za-z0-9_-]+)`/g)) {
        if (r[2] === "covered" && !m[1].includes("/")) named.set(m[1], r[0]);
      }
    }
    for (const t of inOsTests) {
      expect(named.has(t), `${t} is in no covered row`).toBe(true);
      expect(t.split("-")[0], `${t} is listed under ${named.get(t)}`).toBe(named.get(t));
    }
    for (const t of named.keys()) expect(inOsTests, `the table names ${t}, which does not exist`).toContain(t);
  });

  it("states the totals the rows add up to", () => {
    const count = (s: string) => rows.filter((r) => r[2] === s).length;
    expect(doc).toContain(`Totals: ${rows.length} entries: ${count("covered")} covered, ${count("next issue")} next issue, ${count("not applicable")} not applicable.`);
  });
});
