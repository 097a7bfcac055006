// What every browser check shares: Debian's Chromium, launched so that it makes no
// connection of its own, and a list of the problems found.
import { chromium } from "playwright-core";

export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

export const problems = [];
export const check = (condition, message) => { if (!condition) problems.push(message); };
