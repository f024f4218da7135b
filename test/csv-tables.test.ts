import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvCell, toCsv } from "../src/report/csv-tables.ts";

describe("CSV cells follow the spec's export conventions", () => {
  it("unobserved is empty, decimals use a point, binary noise is rounded away", () => {
    assert.equal(csvCell(null), "");
    assert.equal(csvCell(undefined), "");
    assert.equal(csvCell(0.1 + 0.2), "0.3");
    assert.equal(csvCell(252057.2), "252057.2");
    assert.equal(csvCell(1234567.891), "1234567.891");
    assert.equal(csvCell(true), "true");
    assert.equal(csvCell("infinite"), "infinite");
    assert.equal(csvCell("no_spend"), "no_spend");
  });
  it("ids are written exactly as they came, and text with commas or quotes is quoted", () => {
    assert.equal(csvCell("18446744073709551615"), "18446744073709551615");
    assert.equal(csvCell('a,"b"'), '"a,""b"""');
  });
  it("writes the header in the given order", () => {
    const text = toCsv([{ cohort: "2017-06", lifetime: 0, romi: null }], ["cohort", "lifetime", "romi"]);
    assert.equal(text, "cohort,lifetime,romi\n2017-06,0,\n");
  });
});
