// The served troubleshooter as an agent on a shift uses it, in headless Chromium.
// Usage: node shift.mjs BASE_URL SCREENSHOT_DIR
// Walks: start with a ticket reference from the search results, notes, continue in, fixed
// (the transcript's header and results); escalate after one answer (the note lists no
// tries, the causes left, the data to collect); a stray key on a closing step (asked once,
// and going back); change an answer; restart; the session list by reference in dark mode;
// and the same without JavaScript.
import { check, launch, problems } from "./chromium.mjs";

const [base, shots] = process.argv.slice(2);
const browser = await launch();

async function open(javaScriptEnabled, colorScheme = "light") {
  const context = await browser.newContext({ javaScriptEnabled, colorScheme, viewport: { width: 1100, height: 1300 } });
  const page = await context.newPage();
  page.events = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) page.events.push(`network request: ${request.url()}`);
  });
  page.on("console", (message) => page.events.push(`console ${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => page.events.push(`page error: ${error.message}`));
  return page;
}

// A small picture of one part of the page, for the docs (`docs/screenshots/`).
const small = async (page, selector, name, from = null) => {
  const box = await page.locator(selector).first().evaluate((element, from) => {
    const r = element.getBoundingClientRect();
    let top = r.y;
    // From a line of the element's text on, when one is named.
    const at = from === null ? -1 : element.textContent.indexOf(from);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(element.firstChild, at);
      range.setEnd(element.firstChild, at + from.length);
      top = range.getBoundingClientRect().y - 8;
    }
    return { x: r.x + window.scrollX, y: top + window.scrollY, width: r.width, height: r.bottom - top };
  }, from);
  await page.screenshot({ path: `${shots}/small-${name}.png`, fullPage: true,
    clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 760) } });
};
const has = async (page, selector) => (await page.locator(selector).count()) > 0;
const text = async (page, selector) => (await page.textContent(selector)) || "";

// Starts a session from the search results with a ticket reference.
async function start(page, reference) {
  await page.goto(`${base}/search?q=SSPR_0029`);
  const form = page.locator('form:has(input[name=article][value="sspr-0029"])');
  await form.locator("input[name=reference]").fill(reference);
  await form.locator("button").click();
  check(/\/sessions\/[0-9a-f]{32}/.test(page.url()), `starting went to ${page.url()}`);
  check((await text(page, ".meta")).includes(`ticket ${reference}`), "the reference is not on the session page");
}

async function continuedThenFixed() {
  const page = await open(true);
  await start(page, "INC-4242");
  // Number keys are shown, and the focus is on the step.
  check(await page.locator("#step kbd.key").first().isVisible(), "the number keys are not shown");
  check(await page.evaluate(() => !!document.activeElement.closest("#step")), "the focus is not on the current step");
  // Notes, kept with the session.
  await page.fill("#notes textarea", "Customer: Contoso, call back after 14:00");
  await page.click("#notes button[type=submit]");
  check((await page.inputValue("#notes textarea")) === "Customer: Contoso, call back after 14:00", "the notes were not kept");
  // "No" by key until the fix that continues in another troubleshooter.
  for (let i = 0; i < 8 && !(await has(page, '#step button[value^="continue:"]')); i++) {
    const no = page.locator('#step button[value="answer:no"]');
    if ((await no.count()) === 0) { check(false, `stuck at: ${await text(page, "#step")}`); break; }
    const key = await no.getAttribute("data-key");
    await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  }
  const verdict = await text(page, "#step .verdict");
  const fix = await text(page, "#fix h2");
  check(verdict.startsWith("Try this fix:") && verdict.includes(fix.trim()), `the fix is not what "Try this fix" shows: ${verdict}`);
  check(!(await text(page, "#step .verdict")).includes("%"), "the fix line mixes in a probability");
  check((await text(page, "#step")).includes("% likely"), "the cause's probability is not said as such");
  check((await text(page, "#step")).includes("Chance this fix is the one that works"), "the fix's chance is not said as such");
  await page.screenshot({ path: `${shots}/shift-fix.png`, fullPage: true });
  await small(page, "#step", "shift-fix");
  await page.locator('#step button[value^="continue:"]').first().click();
  check(/access rights|permissions/i.test(await text(page, "h1")), "did not continue in the access-rights troubleshooter");
  const earlier = await text(page, ".earlier");
  check(earlier.includes("Before:") && earlier.includes("continued here"), `the earlier article's checks are not in view: ${earlier}`);
  check(earlier.includes("Working hypothesis: AD DS Connector account"), `no working hypothesis: ${earlier}`);
  await page.screenshot({ path: `${shots}/shift-continued.png`, fullPage: true });
  await small(page, ".earlier", "shift-continued");
  for (let i = 0; i < 15 && !(await has(page, '#step button[value="fixed"]')); i++) {
    await page.locator('#step button[value^="answer:"]').first().click();
  }
  await page.locator('#step button[value="fixed"]').click();
  check((await text(page, "#step")).includes("Close the session as fixed?"), "closing did not ask once");
  await page.locator('#step button[value="fixed"]').click();
  const transcript = await text(page, "#transcript");
  for (const line of ["# Troubleshooting session INC-4242", "- Ticket: INC-4242", "- Agent: local", "- Outcome: **fixed**",
    "Customer: Contoso, call back after 14:00", "Working hypothesis: AD DS Connector account", "given that"]) {
    check(transcript.includes(line), `the transcript lacks "${line}"`);
  }
  for (const wrong of ["did not fix it", "Not resolved to one cause"]) {
    check(!transcript.includes(wrong), `the transcript says "${wrong}"`);
  }
  check(await page.locator('a[download="INC-4242-transcript.json"]').count() === 1, "the JSON download is not named after the ticket");
  await page.screenshot({ path: `${shots}/shift-transcript.png`, fullPage: true });
  await page.setViewportSize({ width: 900, height: 700 });
  await small(page, "#transcript-section", "shift-transcript");
  check(page.events.length === 0, `continued: ${page.events.join("; ")}`);
  await page.context().close();
}

async function escalatedAfterOneAnswer() {
  const page = await open(true);
  await start(page, "INC-4243");
  await page.locator('#step button[value="answer:no"]').click();
  await page.locator('button[value="escalate"]').click();
  check((await text(page, "#step")).includes("Escalate and close the session?"), "escalating did not ask once");
  await page.locator('#step button[value="escalate"]').click();
  const transcript = await text(page, "#transcript");
  const note = transcript.split("## Escalation note")[1] || "";
  check(note.includes("Fixes tried:\n- none"), `the note lists tries: ${note.slice(0, 300)}`);
  check(!transcript.includes("was tried"), "the note claims something was tried");
  check(note.includes("Causes left:\n- AD DS Connector account") || note.includes("Causes left:\n- Servers aren't"), `the note lacks the causes left: ${note}`);
  check(note.includes("not tried:"), "the note does not say which fixes were not tried");
  check(note.includes("Data to collect for level 2:"), "the note lacks the data to collect");
  await page.screenshot({ path: `${shots}/shift-escalated.png`, fullPage: true });
  await small(page, "#transcript", "shift-escalated", "## Escalation note");
  check(page.events.length === 0, `escalated: ${page.events.join("; ")}`);
  await page.context().close();
}

async function strayKeyChangeAndRestart() {
  const page = await open(true);
  await start(page, "INC-4244");
  const first = page.url();
  // Yes: the by-design explanation is the only cause left, and key 1 would close it.
  await Promise.all([page.waitForNavigation(), page.keyboard.press("1")]);
  check(await has(page, '#step button[value="fixed"][data-key="1"]'), "key 1 does not close the session here");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("1")]);
  check((await text(page, "#step")).includes("Close the session as fixed?"), "a stray key closed the session without asking");
  check((await text(page, ".meta")).includes("open"), "the session is not open any more");
  await page.screenshot({ path: `${shots}/shift-confirm.png`, fullPage: true });
  await small(page, "#step", "shift-confirm");
  // Another stray key on the question asked once does nothing.
  await page.keyboard.press("1");
  await page.waitForTimeout(300);
  check((await text(page, "#step")).includes("Close the session as fixed?"), "a key answered the confirmation");
  await page.click("text=No, go back to the step");
  check(await has(page, '#step button[value="fixed"]'), "going back did not return to the step");
  // Change an answer without Back: protected admin from Yes to No.
  await page.click("#change summary");
  await page.locator('#change button[value="answer:no"]').click();
  check((await text(page, ".checked")).includes("No"), "the changed answer is not listed");
  check(await has(page, '#step button[value^="answer:"]'), "changing the answer did not lead to a question");
  await page.screenshot({ path: `${shots}/shift-changed.png`, fullPage: true });
  // Restart: a new session on the same article and ticket.
  await page.click('button:has-text("Restart")');
  check(page.url() !== first && /\/sessions\/[0-9a-f]{32}/.test(page.url()), `restart went to ${page.url()}`);
  check((await text(page, ".meta")).includes("ticket INC-4244"), "the restarted session lost its ticket");
  check((await text(page, ".checked")).includes("Nothing yet"), "the restarted session is not new");
  // A skip link, first in the tab order, shown when focused, to the content.
  check(await page.evaluate(() => document.querySelector("a[href], button, input, textarea, select").classList.contains("skip")), "the skip link is not first");
  await page.focus(".skip");
  check((await page.locator(".skip").boundingBox()).x >= 0, "the focused skip link is out of sight");
  await page.keyboard.press("Enter");
  check(await page.evaluate(() => location.hash === "#main"), "the skip link does not lead to the content");
  check(page.events.length === 0, `stray key: ${page.events.join("; ")}`);
  await page.context().close();
}

async function sessionsInTheDark() {
  const page = await open(true, "dark");
  await page.goto(`${base}/sessions?status=fixed`);
  await page.fill(".filter input[name=reference]", "INC-4242");
  await page.click(".filter button");
  const rows = await page.locator("table.sessions tbody tr").count();
  check(rows === 1, `the reference filter shows ${rows} sessions`);
  const current = page.locator('.answers a.button[aria-current="page"]');
  const [fg, bg] = await current.evaluate((a) => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]);
  check(fg !== bg, `the current filter is unreadable: ${fg} on ${bg}`);
  await page.screenshot({ path: `${shots}/shift-sessions-dark.png`, fullPage: true });
  await small(page, "main", "shift-sessions-dark");
  check(page.events.length === 0, `sessions: ${page.events.join("; ")}`);
  await page.context().close();
}

async function withoutJavaScript() {
  const page = await open(false);
  await start(page, "INC-4245");
  check(await page.locator("#step kbd.key").first().isHidden(), "number keys are shown without JavaScript");
  await page.locator('#step button[value="answer:no"]').click();
  await page.locator('button[value="abandon"]').click();
  check((await text(page, "#step")).includes("End the session without a fix?"), "ending did not ask once");
  await page.locator('#step button[value="abandon"]').click();
  check((await text(page, "#step")).includes("This session has ended: abandoned"), "the session did not end");
  check((await text(page, "#transcript")).includes("- Ticket: INC-4245"), "no transcript header");
  await page.screenshot({ path: `${shots}/shift-ended-nojs.png`, fullPage: true });
  check(page.events.length === 0, `nojs: ${page.events.join("; ")}`);
  await page.context().close();
}

async function searchLikeTheTerminal() {
  const page = await open(true);
  await page.goto(`${base}/search?q=${encodeURIComponent("acess denied writeback")}`);
  check((await text(page, ".read-as")).includes("acess → access"), "no read-as line for the corrected word");
  check(await page.locator(".results mark").first().isVisible(), "the matched words are not marked");
  check(await page.locator("details.weak").count() === 1, "weak matches are not folded");
  check(!(await page.locator("details.weak li").first().isVisible()), "weak matches show unfolded");
  await page.screenshot({ path: `${shots}/shift-search.png`, fullPage: true });
  await small(page, "main", "shift-search");
  check(page.events.length === 0, `search: ${page.events.join("; ")}`);
  await page.context().close();
}

async function statisticsALeadCanRead() {
  const page = await open(true);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${base}/stats`);
  const main = await text(page, "main");
  check(main.includes("Continued in another article") && main.includes("Resolved"), "the chart has no legend");
  check(main.includes("SSPR_0029 - Your organization"), "articles are named by id, not title");
  const cause = await text(page, ".causes-mix .legend li");
  check(/^\s*\S+( \S+)+: \d+ of \d+$/.test(cause) && !/^\s*[a-z0-9-]+:/.test(cause), `causes are not named by title: ${cause}`);
  const clipped = await page.evaluate(() => {
    const wrap = document.querySelector(".table-wrap");
    return wrap.scrollWidth > wrap.clientWidth + 1;
  });
  check(!clipped, "the per-article table is clipped at 1280 px");
  await page.screenshot({ path: `${shots}/shift-stats.png`, fullPage: true });
  await small(page, "main", "shift-stats");
  check(page.events.length === 0, `stats: ${page.events.join("; ")}`);
  await page.context().close();
}

await searchLikeTheTerminal();
await continuedThenFixed();
await escalatedAfterOneAnswer();
await strayKeyChangeAndRestart();
await sessionsInTheDark();
await withoutJavaScript();
await statisticsALeadCanRead();
await browser.close();
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("shift browser checks passed");
