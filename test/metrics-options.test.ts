import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DataBounds, normalizeOptions, OptionsError, readDataBounds } from "../src/metrics/index.ts";
import { ENGINES, loadRecordsOn } from "./helpers/engines.ts";

const BOUNDS: DataBounds = { firstVisitStart: "2017-06-01 00:01:00", lastVisitStart: "2018-05-31 23:59:00" };

function problemsOf(raw: Record<string, unknown>, bounds: DataBounds = BOUNDS): readonly string[] {
  try {
    normalizeOptions(raw, bounds);
  } catch (error) {
    assert.ok(error instanceof OptionsError);
    assert.equal(error.message, error.problems.join("\n"));
    return error.problems;
  }
  assert.fail("expected an OptionsError");
}

describe("normalizeOptions", () => {
  it("applies the defaults, the window coming from the visits", () => {
    assert.deepEqual(normalizeOptions({}, BOUNDS), {
      from: "2017-06-01",
      to: "2018-06-01", // the day after the latest visit start
      horizon: 6,
      margin: 1,
      attribution: "first-touch",
      cohortGrain: "month",
      currency: "USD",
      confidence: 0.9,
      forecastModel: "power",
    });
  });

  it("takes the forecast model by name and refuses others", () => {
    assert.equal(normalizeOptions({ "forecast-model": "Buyer" }, BOUNDS).forecastModel, "buyer");
    assert.deepEqual(problemsOf({ forecastModel: "bgnbd" }), [
      'invalid forecast model: "bgnbd" (expected one of power, buyer)',
    ]);
  });

  it("takes the intervals' confidence as a fraction and refuses percentages", () => {
    assert.equal(normalizeOptions({ confidence: "0.8" }, BOUNDS).confidence, 0.8);
    assert.deepEqual(problemsOf({ confidence: "90" }), [
      'invalid confidence: "90" (expected a coverage between 0.5 and 0.999, e.g. 0.9)',
    ]);
  });

  it("accepts command-line strings and key spellings", () => {
    const options = normalizeOptions(
      { from: "2017-07-01", to: "2017-09-01", horizon: " 12 ", margin: ".25", attribution: "Linear" },
      undefined,
    );
    assert.deepEqual([options.horizon, options.margin, options.attribution], [12, 0.25, "linear"]);
    assert.equal(normalizeOptions({ "cohort-grain": "week" }, BOUNDS).cohortGrain, "week");
    assert.equal(normalizeOptions({ cohort_grain: "week", currency: " у.е. " }, BOUNDS).currency, "у.е.");
    assert.equal(normalizeOptions({ margin: 1, horizon: 36, unknownFlag: true }, BOUNDS).horizon, 36);
  });

  it("reports every problem at once, one line each", () => {
    assert.deepEqual(
      problemsOf({
        horizon: "abc",
        margin: "0",
        attribution: "u-shaped",
        cohortGrain: "day",
        from: "2018-02-30",
      }),
      [
        'invalid horizon: "abc" (expected a whole number of months from 1 to 36)',
        'invalid margin: "0" (expected a number greater than 0 and at most 1)',
        'invalid attribution: "u-shaped" (expected one of first-touch, last-touch, linear)',
        'invalid cohort grain: "day" (expected one of month, week)',
        'invalid from: "2018-02-30" (expected a date YYYY-MM-DD)',
      ],
    );
  });

  it("rejects out-of-range numbers and windows", () => {
    assert.deepEqual(problemsOf({ horizon: 37, margin: 1.5 }), [
      "invalid horizon: 37 (expected a whole number of months from 1 to 36)",
      "invalid margin: 1.5 (expected a number greater than 0 and at most 1)",
    ]);
    assert.deepEqual(problemsOf({ horizon: 2.5, currency: "a\nb" }), [
      "invalid horizon: 2.5 (expected a whole number of months from 1 to 36)",
      'invalid currency: "a\\nb" (expected a label of 1 to 12 visible characters)',
    ]);
    assert.deepEqual(problemsOf({ from: "2018-06-01", to: "2018-06-01" }), [
      "invalid window: from 2018-06-01 is not before to 2018-06-01 (to is exclusive)",
    ]);
    assert.deepEqual(problemsOf({ to: "2017-05-01" }), [
      "invalid window: from 2017-06-01 is not before to 2017-05-01 (to is exclusive)",
    ]);
  });

  it("needs a window when there are no visits", () => {
    const none = { firstVisitStart: null, lastVisitStart: null };
    assert.deepEqual(problemsOf({}, none), [
      "missing from: no visits in the data to default it from (expected a date YYYY-MM-DD)",
      "missing to: no visits in the data to default it from (expected a date YYYY-MM-DD)",
    ]);
    assert.equal(normalizeOptions({ from: "2018-01-01", to: "2018-02-01" }, none).to, "2018-02-01");
  });
});

for (const kind of ENGINES) {
  describe(`the default window from the data (${kind.name})`, () => {
    it("runs from the first visit's day to the day after the last one; no visits, no bounds", async () => {
      const engine = await kind.open();
      const visit = (start_ts: string) => ({
        user_id: "1",
        device: "desktop",
        source_id: "1",
        start_ts,
        end_ts: start_ts,
      });
      await loadRecordsOn(engine, {
        visits: [
          visit("2017-06-01 00:01:00"),
          visit("2018-05-31 23:59:59.999999"),
          visit("2017-12-31 12:00:00"),
        ],
        orders: [],
        costs: [],
      });
      const bounds = await readDataBounds(engine);
      const { from, to } = normalizeOptions({}, bounds);
      assert.deepEqual([from, to], ["2017-06-01", "2018-06-01"]);
      const empty = await kind.open();
      await loadRecordsOn(empty, { visits: [], orders: [], costs: [] });
      assert.deepEqual(await readDataBounds(empty), { firstVisitStart: null, lastVisitStart: null });
    });
  });
}
