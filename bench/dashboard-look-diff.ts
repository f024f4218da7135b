/**
 * Pixel differences between two folders of screenshots (bench/dashboard-look.ts), counted in Chromium:
 * per file, identical bytes, or the number of differing pixels and their bounding box.
 * Run: node --import tsx bench/dashboard-look-diff.ts BEFORE AFTER
 */
import { readdirSync, readFileSync } from "node:fs";
import { launchChromium } from "../test/helpers/browser.ts";

const [before, after] = process.argv.slice(2) as [string, string];
const browser = await launchChromium();
const page = await browser.newPage();
let different = 0;
for (const name of readdirSync(before).filter((f) => f.endsWith(".png"))) {
  const a = readFileSync(`${before}/${name}`);
  const b = readFileSync(`${after}/${name}`);
  if (a.equals(b)) {
    process.stdout.write(`${name}: identical\n`);
    continue;
  }
  different += 1;
  // A string, not a function: tsx would add helpers (__name) the page does not have.
  const diff = await page.evaluate(`(async () => {
    const load = async (b64) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      return { w: img.width, h: img.height, d: g.getImageData(0, 0, img.width, img.height).data };
    };
    const [p, q] = await Promise.all([load("${a.toString("base64")}"), load("${b.toString("base64")}")]);
    if (p.w !== q.w || p.h !== q.h) return "size " + p.w + "x" + p.h + " against " + q.w + "x" + q.h;
    let n = 0;
    const box = [Infinity, Infinity, -1, -1];
    for (let i = 0; i < p.d.length; i += 4) {
      if (p.d[i] === q.d[i] && p.d[i + 1] === q.d[i + 1] && p.d[i + 2] === q.d[i + 2]) continue;
      n += 1;
      const x = (i / 4) % p.w;
      const y = Math.floor(i / 4 / p.w);
      box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y);
    }
    return n === 0 ? "same pixels" : n + " pixels differ within x " + box[0] + "-" + box[2] + ", y " + box[1] + "-" + box[3];
  })()`);
  process.stdout.write(`${name}: ${diff}\n`);
}
await browser.close();
process.exitCode = different > 0 ? 1 : 0;
