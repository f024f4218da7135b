/** Test fixtures draw from the project's own seeded PRNG; never Math.random in tests. */
export { mulberry32 } from "../../src/generate/prng.ts";
