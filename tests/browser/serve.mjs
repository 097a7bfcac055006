// Drives `fixpath serve` in headless Chromium, with JavaScript on and off.
// Usage: node serve.mjs walk BASE_URL SCREENSHOT_DIR
//        node serve.mjs reopen BASE_URL SCREENSHOT_DIR SESSION_URL...
// `walk` prints `session: URL` for each walk; `reopen` opens them again (after a restart).
import { check, launch, problems } from "./chromium.mjs";

const [phase, base, shots, ...sessions] = process.argv.slice(2);

const browser = await launch();

async function open(javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 1300 } });
  if (javaScriptEnabled) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  page.events = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) page.events.push(`network request: ${request.url()}`);
  });
  page.on("console", (message) => page.events.push(`console ${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => page.events.push(`page error: ${error.message}`));
  return page;
}

const stepButton = (page, value) => page.locator(`#step button[value="${value}"]`);
const has = async (page, selector) => (await page.locator(selector).count()) > 0;

async function walk(js) {
  const tag = js ? "" : "-nojs";
  const page = await open(js);
  await page.goto(`${base}/`);
  await page.fill("main input[name=q]", "SSPR_0029");
  await page.click("main button[type=submit]");
  check(page.url().includes("/search?q=SSPR_0029"), `search went to ${page.url()}`);
  await page.click('form:has(input[name=article][value="sspr-0029"]) button');
  const url = page.url();
  check(/\/sessions\/[0-9a-f]{32}$/.test(url), `starting went to ${url}`);

  // "I don't know" on the first question.
  await stepButton(page, "unknown").click();
  check((await page.textContent(".checked")).includes("Don't know"), "the don't-know answer is not listed as checked");
  await page.screenshot({ path: `${shots}/served-dont-know${tag}.png`, fullPage: true });

  // "No" to each question and each fix until a fix links on to another troubleshooter; that
  // fix does not work either; the next fix is offered; back to it, and continue there.
  let failed = false;
  for (let i = 0; i < 12; i++) {
    if (await has(page, '#step button[value^="continue:"]')) {
      if (!failed) {
        await page.screenshot({ path: `${shots}/served-first-fix${tag}.png`, fullPage: true });
        const first = await page.textContent("#fix h2");
        await stepButton(page, "not-fixed").click();
        failed = true;
        const next = await page.textContent("#step");
        check(!next.includes(first), "the failed fix is offered again");
        await page.screenshot({ path: `${shots}/served-next-fix${tag}.png`, fullPage: true });
        check((await page.textContent(".checked")).includes("did not fix it"), "the failed fix is not listed");
        await page.click('.back button[value="back"]');
        check((await page.textContent("#fix h2")) === first, "back does not return to the failed fix");
        continue;
      }
      await page.locator('#step button[value^="continue:"]').first().click();
      break;
    }
    if (await has(page, '#step button[value="answer:no"]')) await stepButton(page, "answer:no").click();
    else if (await has(page, '#step button[value="not-fixed"]')) await stepButton(page, "not-fixed").click();
    else { check(false, `stuck at: ${await page.textContent("#step")}`); break; }
  }
  const title = await page.textContent("h1");
  check(/access rights|permissions/i.test(title), `did not continue into the access-rights troubleshooter: ${title}`);
  await page.screenshot({ path: `${shots}/served-continued${tag}.png`, fullPage: true });

  // There: "Yes" to the questions, and the first fix works.
  for (let i = 0; i < 15 && !(await has(page, '#step button[value="fixed"]')); i++) {
    const yes = page.locator('#step button[value^="answer:"]').first();
    if ((await yes.count()) === 0) { check(false, `stuck at: ${await page.textContent("#step")}`); break; }
    await yes.click();
  }
  await stepButton(page, "fixed").click();
  // Closing a session asks once.
  check((await page.textContent("#step")).includes("Close the session as fixed?"), "closing did not ask once");
  await stepButton(page, "fixed").click();
  const transcript = await page.textContent("#transcript");
  check(transcript.includes("Troubleshooting transcript") || transcript.includes("# "), `no transcript: ${transcript.slice(0, 200)}`);
  check(transcript.includes("fixed"), "the transcript does not say it was fixed");
  if (js) {
    await page.click("button.copy");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    check(copied === transcript, "the copy button did not copy the transcript");
  } else {
    check(await page.locator("button.copy").isHidden(), "the copy button shows without JavaScript");
  }
  await page.screenshot({ path: `${shots}/served-transcript${tag}.png`, fullPage: true });
  check(page.events.length === 0, `walk${tag}: ${page.events.join("; ")}`);
  console.log(`session: ${url}`);
  await page.context().close();
}

async function reopen(url, index) {
  const page = await open(true);
  await page.goto(url);
  check((await page.textContent("#step")).includes("This session has ended: fixed"), `${url} does not show its end`);
  check((await page.textContent("#transcript")).includes("fixed"), `${url} lost its transcript`);
  check(/access rights|permissions/i.test(await page.textContent("h1")), `${url} is not in the article it went on in`);
  await page.screenshot({ path: `${shots}/served-reopened-${index}.png`, fullPage: true });
  check(page.events.length === 0, `reopen: ${page.events.join("; ")}`);
  await page.context().close();
}

async function stats() {
  const page = await open(true);
  await page.goto(`${base}/stats`);
  check((await page.locator("svg.chart.resolution rect").count()) >= 2, "no resolution chart");
  check((await page.locator("svg.chart.causes rect").count()) >= 1, "no cause-mix chart");
  check((await page.locator("table.stats tbody tr").count()) >= 1, "no per-article table");
  check((await page.textContent("main")).includes("SSPR_0029 - Your organization"), "the stats page does not list SSPR_0029 by its title");
  await page.screenshot({ path: `${shots}/served-stats.png`, fullPage: true });
  check(page.events.length === 0, `stats: ${page.events.join("; ")}`);
  await page.context().close();
}

if (phase === "walk") {
  await walk(true);
  await walk(false);
} else if (phase === "stats") {
  await stats();
} else {
  for (const [index, url] of sessions.entries()) await reopen(url, index);
}
await browser.close();
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`served browser checks passed (${phase})`);
