// test/build/bench.test.ts: how `npm run bench` reads the guest's lines.
//
// parseBench pairs each "<name>-raw" row with its "<name>-overhead" row and
// subtracts; parsePaths reads the measuring kernel's two path lines
// (kernel/debug/path-stats.ts) and refuses a run that printed none.
import { describe, expect, it } from "vitest";
import { parseBench, parsePaths } from "../../build/bench.ts";

describe("the bench parsers", () => {
  it("subtract each row's overhead, and refuse a row without one", () => {
    const serial = "bench: x-raw 100 110 130\r\nbench: x-overhead 10 11 12\r\nnoise\n";
    expect(parseBench(serial, "instructions")).toEqual([
      { name: "x", unit: "instructions", raw: { min: 100, median: 110, max: 130 }, overhead: { min: 10, median: 11, max: 12 }, net: { min: 90, median: 99, max: 118 }, sel4: undefined },
    ]);
    expect(() => parseBench("bench: y-raw 1 2 3\n", "instructions")).toThrow(/no overhead/);
  });

  it("read the longest path between preemption points and the longest kernel entry", () => {
    const serial = [
      "kernel: longest non-preemptible path 1071716 instructions (invocation label 1) over 51234 kernel entries and preemption points",
      "kernel: longest kernel entry 4270538 instructions (invocation label 17)",
    ].join("\r\n");
    expect(parsePaths("stress", serial)).toEqual({
      run: "stress", betweenPoints: 1071716, betweenPointsIn: "invocation label 1", entry: 4270538, entryIn: "invocation label 17",
    });
    expect(() => parsePaths("stress", "kernel: no threads left\n")).toThrow(/no path report/);
  });
});
