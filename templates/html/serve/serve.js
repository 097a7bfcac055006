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
  // Keys 1–9 pick the answers of the question asked.
  const step = document.querySelector("#step form.answers");
  if (step) {
    document.addEventListener("keydown", (event) => {
      if (event.target.closest("input, textarea") || event.altKey || event.ctrlKey || event.metaKey) return;
      const index = Number.parseInt(event.key, 10);
      const buttons = step.querySelectorAll("button[type=submit]");
      if (index >= 1 && index <= buttons.length) buttons[index - 1].click();
    });
  }
});
