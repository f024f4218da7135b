import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium: browser tests never download a browser of their own. */
export const CHROMIUM = "/usr/bin/chromium";

/** Flags for a closed network: without the background-networking ones Chromium keeps dialling out. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `false` where Chromium is installed, else the reason to skip, for node:test's `skip` option. */
export function skipWithoutChromium(what: string): false | string {
  return existsSync(CHROMIUM)
    ? false
    : `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run ${what}`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
