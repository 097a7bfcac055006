// Drives the writers' editor of `fixpath serve` in headless Chromium: the issue's "done when".
// Usage: node editor.mjs BASE_URL SCREENSHOT_DIR WRITER_TOKEN ARTICLE_ID
// A writer signs in, opens the queue, opens the imported draft, rewrites its generated
// question, adds a check, points an answer at it, walks the preview to a fix and saves; a
// second tab's stale save is refused with both versions; an answer pointed at nothing is
// refused with the field marked; "Mark reviewed" flips the status; without JavaScript the
// page says it needs it.
import { check, launch, problems } from "./chromium.mjs";

const [base, shots, token, article] = process.argv.slice(2);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });

function watch(page) {
  page.events = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) page.events.push(`network request: ${request.url()}`);
  });
  // The refusals this walk provokes (412, 422) are logged by Chromium as failed loads.
  page.on("console", (message) => {
    if (message.type() !== "verbose" && !/status of 4(12|22)/.test(message.text())) page.events.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => page.events.push(`page error: ${error.message}`));
  return page;
}

const field = (pointer) => `[data-pointer="${pointer}"]`;
// Locators rather than page functions: the pages' CSP allows no eval.
const statusIs = (page, text) => page.locator("#save-status", { hasText: text }).waitFor({ timeout: 10000 });
const previewAsks = (page, text) => page.locator("#preview-question", { hasText: text }).waitFor({ timeout: 10000 });

const page = watch(await context.newPage());
await page.goto(`${base}/login?next=/review`);
await page.fill("input[name=token]", token);
await page.click('form[action="/login"] button[type=submit]');
check(page.url().endsWith("/review"), `signing in went to ${page.url()}`);
check((await page.locator("table.review tbody tr").count()) >= 1, "the queue is empty");
check((await page.textContent("table.review")).includes(article), "the draft is not in the queue");
await page.screenshot({ path: `${shots}/editor-queue.png`, fullPage: true });

await page.click(`a[href="/articles/${article}/edit"]`);
await page.waitForSelector(field("/questions/0/text"));
// A second tab on the same revision, for the stale save below (a window of its own with
// the same sign-in: a background tab of one window is never painted for screenshots).
const secondContext = await browser.newContext({ viewport: { width: 1280, height: 1000 }, storageState: await context.storageState() });
const second = watch(await secondContext.newPage());
await second.goto(page.url());
await second.waitForSelector(field("/title"));

// Rewrite the generated question: its mark goes.
check((await page.locator("section[data-section=questions] .generated").count()) === 1, "the generated question is not marked");
await page.fill(field("/questions/0/text"), "Which of these do you see at the printer?");
check((await page.locator("section[data-section=questions] .generated").count()) === 0, "the rewritten question is still marked generated");

// Add a check, and point the first answer at it.
await page.click("section[data-section=questions] > button.add");
await page.fill(field("/questions/1/id"), "cable-seated");
await page.press(field("/questions/1/id"), "Tab");
await page.fill(field("/questions/1/text"), "Is the USB cable firmly seated at both ends?");
await page.selectOption(field("/questions/1/answers/0/goto"), "no-paper");
await page.selectOption(field("/questions/1/answers/1/goto"), "unplugged");
await page.selectOption(field("/questions/0/answers/0/goto"), "cable-seated");

// Walk the preview to a fix, without saving.
await previewAsks(page, "Which of these do you see at the printer?");
await page.click('#preview button:has-text("The cable is unplugged")');
await previewAsks(page, "Is the USB cable firmly seated at both ends?");
await page.click('#preview button:has-text("no")');
await page.waitForSelector('#preview button:has-text("It worked")');
const graph = await page.request.get(new URL(await page.getAttribute("#graph", "src"), base).href);
check(graph.ok() && graph.headers()["content-type"] === "image/svg+xml" && (await graph.text()).includes("<svg"), "the graph is not drawn");
check((await page.textContent("#preview")).includes("Plug the cable in"), "the preview does not offer plugging the cable in");
await page.screenshot({ path: `${shots}/editor-preview.png`, fullPage: false });
await page.click('#preview button:has-text("It worked")');
await page.waitForSelector("#preview-ended");
check(/fixed/.test(await page.textContent("#preview-ended")), "the preview walk did not end fixed");

await page.click("#save");
await statusIs(page, "Saved (");

// The second tab still holds the old revision: its save is refused, both versions shown.
await second.fill(field("/title"), "Printing fails");
await second.click("#save");
await second.waitForSelector("#conflict:not([hidden])");
const conflict = await second.textContent("#conflict");
check(conflict.includes("/title") && conflict.includes("Printing fails") && conflict.includes("The printer does not print"), `the conflict does not show both versions: ${conflict}`);
await second.screenshot({ path: `${shots}/editor-stale.png`, fullPage: false });

// An answer pointed at nothing: the preview and the refused save mark the field.
await page.selectOption(field("/questions/1/answers/0/goto"), "");
await page.click("#save");
await statusIs(page, "Not saved");
await page.waitForSelector(`${field("/questions/1/answers/0/goto")}[aria-invalid=true]`);
check((await page.textContent("#problems")).includes("has no `goto`"), "the problem is not listed");
await page.locator("section[data-section=questions] fieldset").nth(1).scrollIntoViewIfNeeded();
await page.screenshot({ path: `${shots}/editor-invalid.png`, fullPage: false });
await page.selectOption(field("/questions/1/answers/0/goto"), "no-paper");

// Mark reviewed: the status flips and is saved.
await page.click("#mark-reviewed");
await statusIs(page, "Saved (");
check((await page.inputValue(field("/status"))) === "reviewed", "the status did not flip");
await page.reload();
await page.waitForSelector(field("/status"));
check((await page.inputValue(field("/status"))) === "reviewed", "the saved status is not reviewed");
check((await page.inputValue(field("/questions/1/id"))) === "cable-seated", "the new question was not saved");
await page.locator("h1").scrollIntoViewIfNeeded();
await page.screenshot({ path: `${shots}/editor-reviewed.png`, fullPage: false });
check(page.events.length === 0, `editor: ${page.events.join("; ")}`);
check(second.events.length === 0, `second tab: ${second.events.join("; ")}`);

// Without JavaScript the page says the editor needs it, and still shows the YAML.
const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
const nojs = watch(await plain.newPage());
await nojs.goto(`${base}/articles/${article}/edit`);
check((await nojs.textContent("main")).includes("The editor needs JavaScript"), "no notice without JavaScript");
check((await nojs.textContent("pre.yaml-source")).includes("cable-seated"), "no YAML without JavaScript");
await nojs.screenshot({ path: `${shots}/editor-nojs.png`, fullPage: false });

await browser.close();
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("editor browser checks passed");
