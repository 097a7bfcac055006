// fixpath serve: small conveniences. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Copy the transcript to paste into the ticket.
  for (const button of document.querySelectorAll("button.copy[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.classList.remove("hidden");
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = "Copied";
    });
  }
  // One click, one step: a second click while the first posts would be refused anyway.
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", () => {
      setTimeout(() => {
        for (const b of form.querySelectorAll("button")) b.disabled = true;
      }, 0);
    });
  }
  // Number keys pick the buttons of the step (each shows its key); a step that would end
  // the session leads to a page that asks once, where no key answers.
  const step = document.querySelector("#step form.answers[data-keys]");
  if (step) {
    for (const hint of step.querySelectorAll("kbd.key")) hint.classList.remove("hidden");
    document.addEventListener("keydown", (event) => {
      if (event.target.closest("input, textarea, select") || event.altKey || event.ctrlKey || event.metaKey) return;
      const button = step.querySelector(`button[data-key="${CSS.escape(event.key)}"]`);
      if (button) {
        event.preventDefault();
        button.click();
      }
    });
  }
  // Focus the current step, so that a screen reader and the keyboard start there.
  const focus = document.querySelector("#step .focus");
  if (focus && !location.hash.startsWith("#notes") && !location.hash.startsWith("#change")) {
    focus.focus({ preventScroll: false });
  }
});
