// fixpath serve: the article editor. The page holds the article's JSON document; the forms
// edit it in memory, the preview asks the server's engine where a session goes on it, and
// Save sends the difference as a JSON Patch (with the revision in If-Match and the page's
// CSRF token). The server turns the patch into a minimal edit of the YAML file.
"use strict";

const clone = (value) => JSON.parse(JSON.stringify(value));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const escapePointer = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");

/// A JSON Patch from `a` to `b`: removes, adds and replaces at the fields that differ.
function diff(a, b, path, ops) {
  if (same(a, b)) return ops;
  const isObject = (v) => v && typeof v === "object" && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (!(key in b)) ops.push({ op: "remove", path: `${path}/${escapePointer(key)}` });
    }
    for (const key of Object.keys(b)) {
      const at = `${path}/${escapePointer(key)}`;
      if (key in a) diff(a[key], b[key], at, ops);
      else ops.push({ op: "add", path: at, value: b[key] });
    }
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    b.forEach((item, index) => diff(a[index], item, `${path}/${index}`, ops));
  } else {
    ops.push({ op: "replace", path, value: b });
  }
  return ops;
}

function at(document, pointer) {
  let value = document;
  for (const part of pointer.split("/").slice(1)) {
    if (value === undefined || value === null) return undefined;
    value = value[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return value;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

function startEditor(root) {
  const boot = JSON.parse(document.getElementById("editor-boot").textContent);
  const csrf = root.dataset.csrf;
  const id = root.dataset.id;
  let base = boot.document;
  let doc = clone(base);
  let revision = boot.revision;
  let moves = [];
  let previewTimer = null;
  const learned = boot.learned || {};
  const forms = document.getElementById("editor-forms");
  const status = document.getElementById("save-status");
  document.getElementById("editor-actions").hidden = false;
  document.getElementById("preview-section").hidden = false;

  const nodeIds = () => {
    const ids = [];
    for (const [section, kind] of [["questions", "question"], ["causes", "cause"], ["solutions", "solution"], ["workarounds", "workaround"]]) {
      for (const node of doc[section] || []) if (node && node.id) ids.push({ id: node.id, kind });
    }
    return ids;
  };

  const changed = () => {
    const dirty = !same(base, doc);
    status.textContent = dirty ? "Unsaved changes" : "Saved";
    schedulePreview();
  };

  /// Sets (or, for an empty optional value, removes) the field at `pointer`.
  const set = (pointer, value, optional) => {
    const parts = pointer.split("/").slice(1);
    const key = parts.pop();
    const target = parts.length ? at(doc, "/" + parts.join("/")) : doc;
    if (!target) return;
    if (optional && (value === "" || value === null || value === undefined)) delete target[key];
    else target[key] = value;
    // Rewriting a generated question (or a fix's generated cost) accepts it.
    const [section, index] = parts;
    const owner = index !== undefined ? (doc[section] || [])[Number(index)] : null;
    const accepts = section === "questions" || ((section === "solutions" || section === "workarounds") && key === "cost");
    if (owner && owner.generated && accepts) {
      delete owner.generated;
      forms.querySelector(`[data-pointer="/${section}/${index}"] .generated`)?.parentElement.remove();
    }
    changed();
  };

  const input = (label, pointer, options = {}) => {
    const value = at(doc, pointer);
    const common = { "data-pointer": pointer, id: `f${pointer.replace(/\W/g, "-")}` };
    let control;
    if (options.kind === "textarea") {
      control = element("textarea", { ...common, rows: options.rows || 3 });
      control.value = value ?? "";
      control.addEventListener("input", () => set(pointer, control.value, options.optional));
    } else if (options.kind === "select") {
      control = element("select", common, options.empty ? element("option", { value: "", text: options.empty }) : null,
        ...options.choices.map((c) => element("option", { value: c.value, text: c.label, selected: c.value === value })));
      control.addEventListener("change", () => set(pointer, control.value, options.optional));
    } else if (options.kind === "number") {
      control = element("input", { ...common, type: "number", step: "any", min: options.min, max: options.max });
      control.value = value ?? "";
      control.addEventListener("input", () => set(pointer, control.value === "" ? "" : Number(control.value), true));
    } else {
      control = element("input", { ...common, type: "text" });
      control.value = value ?? "";
      control.addEventListener("input", () => set(pointer, control.value, options.optional));
      // A node's new id shows in every target picker once typed.
      if (pointer.endsWith("/id")) control.addEventListener("change", () => render());
    }
    return element("label", { class: options.inline ? "inline" : null, for: common.id }, `${label} `, control,
      options.learned ? element("span", { class: "learned", text: ` ${options.learned}` }) : null);
  };

  const targetChoices = () => nodeIds().map((n) => ({ value: n.id, label: `${n.id} (${n.kind})` }));

  const itemTools = (section, index, list) => element("span", { class: "item-tools" },
    element("button", { type: "button", title: "Move up", "aria-label": `Move ${section} ${index + 1} up`, disabled: index === 0, onclick: () => { [list[index - 1], list[index]] = [list[index], list[index - 1]]; render(); changed(); } }, "↑"),
    element("button", { type: "button", title: "Move down", "aria-label": `Move ${section} ${index + 1} down`, disabled: index === list.length - 1, onclick: () => { [list[index + 1], list[index]] = [list[index], list[index + 1]]; render(); changed(); } }, "↓"),
    element("button", { type: "button", title: "Remove", "aria-label": `Remove ${section} ${index + 1}`, onclick: () => { list.splice(index, 1); if (!list.length) delete doc[section]; render(); changed(); } }, "✕"));

  const percent = (x) => `${Math.round(x * 100)}%`;

  const stepsEditor = (pointer) => {
    const steps = at(doc, pointer) || [];
    return element("div", { class: "steps" }, element("span", { text: "Steps" }),
      steps.map((_, index) => element("div", {}, input(`${index + 1}.`, `${pointer}/${index}`, { kind: "textarea", rows: 2 }),
        element("button", { type: "button", class: "add", onclick: () => { steps.splice(index, 1); if (!steps.length) set(pointer, "", true); render(); changed(); } }, "Remove step"))),
      element("button", { type: "button", class: "add", onclick: () => { const list = at(doc, pointer); if (list) list.push("A new step."); else set(pointer, ["A new step."]); render(); changed(); } }, "Add a step"));
  };

  const sections = {
    symptoms: (item, index) => [
      input("Id", `/symptoms/${index}/id`), input("Text", `/symptoms/${index}/text`, { kind: "textarea", optional: true }),
    ],
    questions: (item, index) => {
      const p = `/questions/${index}`;
      const dontKnow = (learned.question_dont_know || {})[item.id];
      const minutes = (learned.question_minutes || {})[item.id];
      return [
        item.generated ? element("p", {}, element("span", { class: "generated", text: "generated" }), " drafted by the importer: rewrite it, or ",
          element("button", { type: "button", class: "add", onclick: () => { delete item.generated; render(); changed(); } }, "accept it as it is")) : null,
        input("Id", `${p}/id`), input("Question", `${p}/text`), input("How to find the answer", `${p}/help`, { kind: "textarea", optional: true }),
        input("Kind", `${p}/kind`, { kind: "select", inline: true, choices: [{ value: "yes_no", label: "yes / no" }, { value: "choice", label: "choice" }] }),
        input("Minutes", `${p}/cost`, { kind: "number", inline: true, min: 0, learned: minutes ? `learned ${minutes[1].toFixed(1)}` : null }),
        input("Don't know rate", `${p}/dont_know`, { kind: "number", inline: true, min: 0, max: 1, learned: dontKnow ? `learned ${percent(dontKnow[1])}` : null }),
        element("table", { class: "answers-table" }, element("thead", {}, element("tr", {}, element("th", { text: "Answer" }), element("th", { text: "Label" }), element("th", { text: "Leads to" }), element("th", { text: "" }))),
          element("tbody", {}, (item.answers || []).map((answer, a) => element("tr", { "data-pointer": `${p}/answers/${a}` },
            element("td", {}, input("", `${p}/answers/${a}/value`)), element("td", {}, input("", `${p}/answers/${a}/label`, { optional: true })),
            element("td", {}, input("", `${p}/answers/${a}/goto`, { kind: "select", empty: "(nothing)", optional: true, choices: targetChoices() })),
            element("td", {}, element("button", { type: "button", class: "add", "aria-label": `Remove answer ${a + 1}`, onclick: () => { item.answers.splice(a, 1); render(); changed(); } }, "✕")))))),
        element("button", { type: "button", class: "add", onclick: () => { (item.answers ||= []).push({ value: `answer-${item.answers.length + 1}` }); render(); changed(); } }, "Add an answer"),
      ];
    },
    causes: (item, index) => {
      const p = `/causes/${index}`;
      const prior = (learned.causes || {})[item.id];
      const fixes = [...(doc.solutions || []), ...(doc.workarounds || [])].map((f) => f.id);
      return [
        input("Id", `${p}/id`), input("Title", `${p}/title`), input("Text", `${p}/text`, { kind: "textarea", optional: true }),
        input("Likelihood", `${p}/likelihood`, { kind: "number", inline: true, min: 0, learned: prior ? `authored ${percent(prior.authored)}, learned ${percent(prior.learned)} of sessions` : null }),
        element("fieldset", {}, element("legend", { text: "Fixes, best first" }),
          fixes.map((fix) => {
            const list = (doc.solutions || []).some((s) => s.id === fix) ? "solutions" : "workarounds";
            const box = element("input", { type: "checkbox", checked: (item[list] || []).includes(fix), "data-pointer": `${p}/${list}` });
            box.addEventListener("change", () => {
              const chosen = new Set(item[list] || []);
              if (box.checked) chosen.add(fix); else chosen.delete(fix);
              const ordered = fixes.filter((f) => chosen.has(f));
              set(`${p}/${list}`, ordered.length ? ordered : "", true);
            });
            return element("label", { class: "inline" }, box, ` ${fix}`);
          })),
      ];
    },
    solutions: (item, index) => remedy("solutions", item, index),
    workarounds: (item, index) => remedy("workarounds", item, index),
  };

  function remedy(section, item, index) {
    const p = `/${section}/${index}`;
    const figures = (learned.fixes || {})[item.id];
    return [
      item.generated ? element("p", {}, element("span", { class: "generated", text: "generated cost" }), " the importer's estimate: ",
        element("button", { type: "button", class: "add", onclick: () => { delete item.generated; render(); changed(); } }, "accept it")) : null,
      input("Id", `${p}/id`), input("Title", `${p}/title`), input("Text", `${p}/text`, { kind: "textarea", optional: true }),
      stepsEditor(`${p}/steps`),
      input("Minutes", `${p}/cost`, { kind: "number", inline: true, min: 0, learned: figures ? `learned ${figures.learned_minutes.toFixed(1)}` : null }),
      input("Success", `${p}/success`, { kind: "number", inline: true, min: 0, max: 1, learned: figures ? `learned ${percent(figures.learned_success)} (${figures.worked}/${figures.tried} worked)` : null }),
      input("After the steps (a link to another article here makes the fix continue in it)", `${p}/after`, { kind: "textarea", optional: true, rows: 2 }),
    ];
  }

  const blank = {
    symptoms: () => ({ id: `symptom-${Date.now() % 10000}`, text: "What the user sees." }),
    questions: () => ({ id: `question-${Date.now() % 10000}`, text: "A new question?", kind: "yes_no", answers: [{ value: "yes" }, { value: "no" }] }),
    causes: () => ({ id: `cause-${Date.now() % 10000}`, title: "A new cause" }),
    solutions: () => ({ id: `fix-${Date.now() % 10000}`, title: "A new fix" }),
    workarounds: () => ({ id: `workaround-${Date.now() % 10000}`, title: "A new workaround" }),
  };
  const titles = { symptoms: "Symptoms", questions: "Questions", causes: "Causes", solutions: "Solutions", workarounds: "Workarounds" };

  function render() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.pointer : null;
    forms.replaceChildren(
      element("fieldset", {}, element("legend", { text: "Article" }),
        input("Title", "/title"), input("Summary", "/summary", { kind: "textarea", optional: true }),
        input("Status", "/status", { kind: "select", inline: true, choices: [{ value: "draft", label: "draft" }, { value: "reviewed", label: "reviewed" }] }),
        input("Product", "/product", { inline: true, optional: true }), input("Area", "/area", { inline: true, optional: true }),
        input("First step", "/entry", { kind: "select", empty: "(none)", optional: true, choices: targetChoices() })),
      ...Object.keys(sections).map((section) => {
        const list = doc[section] || [];
        return element("section", { "data-section": section }, element("h2", { text: titles[section] }),
          list.map((item, index) => element("fieldset", { "data-pointer": `/${section}/${index}` },
            element("legend", { text: item.id || `${section} ${index + 1}` }), itemTools(section, index, list), sections[section](item, index))),
          element("button", { type: "button", class: "add", onclick: () => { (doc[section] ||= []).push(blank[section]()); render(); changed(); } }, `Add to ${titles[section].toLowerCase()}`));
      }));
    if (focused) document.querySelector(`[data-pointer="${CSS.escape(focused)}"]`)?.focus();
    markProblems(lastProblems);
  }

  let lastProblems = boot.problems || [];
  function markProblems(problems) {
    lastProblems = problems;
    for (const old of forms.querySelectorAll(".field-problem")) old.remove();
    for (const old of forms.querySelectorAll("[aria-invalid]")) old.removeAttribute("aria-invalid");
    const list = document.getElementById("problems");
    list.replaceChildren(...(problems.length ? problems.map((p) => element("li", { class: p.severity, "data-pointer": p.pointer, onclick: () => forms.querySelector(`[data-pointer="${CSS.escape(p.pointer)}"]`)?.focus() },
      element("code", { text: p.line ? `${p.line}:${p.column}` : p.pointer || "article" }), ` ${p.message}`)) : [element("li", { class: "none", text: "None: check passes." })]));
    for (const p of problems) {
      // The field itself, or the nearest enclosing one the forms show.
      // An answer that leads nowhere is marked at its target picker.
      let pointer = /`goto`/.test(p.message) && forms.querySelector(`[data-pointer="${CSS.escape(`${p.pointer}/goto`)}"]`) ? `${p.pointer}/goto` : p.pointer;
      let field = null;
      while (pointer && !(field = forms.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`))) pointer = pointer.replace(/\/[^/]*$/, "");
      if (!field) continue;
      field.setAttribute("aria-invalid", "true");
      const note = element("span", { class: "field-problem", role: "alert", text: p.message });
      (field.closest("label") || field).after(note);
    }
  }

  const post = (url, body, extra = {}) => fetch(url, { method: "POST", credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrf, ...extra }, body: JSON.stringify(body) });

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 250);
  }

  async function refreshPreview() {
    const response = await post(`/articles/${encodeURIComponent(id)}/preview`, { document: doc, moves });
    const answer = await response.json();
    if (!response.ok) { document.getElementById("preview").textContent = answer.detail || "The preview failed."; return; }
    markProblems(answer.problems || []);
    showStep(answer);
  }

  function move(step) { moves.push(step); refreshPreview(); }

  function showStep(answer) {
    const box = document.getElementById("preview");
    const tools = element("p", {}, element("button", { type: "button", class: "secondary", disabled: !moves.length, onclick: () => move({ move: "back" }) }, "Back"),
      " ", element("button", { type: "button", class: "secondary", onclick: () => { moves = []; refreshPreview(); } }, "Start again"));
    if (!answer.live) { box.replaceChildren(element("p", { text: answer.message || "No preview." }), tools); return; }
    const step = answer.live.step;
    let shown;
    if (step.kind === "ask") {
      shown = [element("p", { class: "ask", id: "preview-question", text: step.question.text }),
        element("p", { class: "answers" }, step.question.answers.map((a) => element("button", { type: "button", onclick: () => move({ move: "answer", question: step.question.id, answer: a.value }) }, a.label || a.value)),
          element("button", { type: "button", class: "secondary", onclick: () => move({ move: "answer", question: step.question.id, answer: null }) }, "I don't know"))];
    } else if (step.kind === "try") {
      const fix = step.cause.remedies.find((r) => r.id === step.remedy) || { title: step.remedy };
      shown = [element("p", {}, element("strong", { text: "Try: " }), fix.title, element("span", { class: "evidence", text: ` (${step.percent}%, cause: ${step.cause.title})` })),
        element("p", { class: "answers" }, element("button", { type: "button", onclick: () => move({ move: "fix", remedy: step.remedy, fixed: true }) }, "It worked"),
          element("button", { type: "button", class: "secondary", onclick: () => move({ move: "fix", remedy: step.remedy, fixed: false }) }, "It did not"))];
    } else if (step.kind === "ended") {
      shown = [element("p", { class: "verdict resolved", id: "preview-ended", text: `Ended: ${step.outcome}` })];
    } else if (step.kind === "escalate") {
      shown = [element("p", { class: "verdict undecided", text: `Escalate: ${step.reason}` })];
    } else {
      shown = [element("p", { text: `Continues in ${step.article.title}` })];
    }
    box.replaceChildren(...shown, tools);
  }

  async function save(over) {
    const ops = diff(base, doc, "", []);
    if (!ops.length) { status.textContent = "Nothing to save"; return; }
    status.textContent = "Saving…";
    const response = await fetch(`/api/v1/articles/${encodeURIComponent(id)}/source`, { method: "PATCH", credentials: "same-origin",
      headers: { "content-type": "application/json-patch+json", "if-match": `"${over || revision}"`, "x-csrf-token": csrf }, body: JSON.stringify(ops) });
    const answer = await response.json();
    if (response.ok) {
      base = clone(doc);
      revision = answer.revision;
      document.getElementById("revision").textContent = revision;
      document.getElementById("graph").src = `/articles/${encodeURIComponent(id)}/graph.svg?revision=${revision}`;
      document.getElementById("conflict").hidden = true;
      status.textContent = `Saved (revision ${revision.slice(0, 8)})`;
      markProblems(answer.warnings || []);
      return;
    }
    if (response.status === 412 && answer.current) {
      status.textContent = "Not saved: the file changed meanwhile";
      const rows = document.getElementById("conflict-rows");
      rows.replaceChildren(...ops.map((op) => element("tr", {}, element("td", {}, element("code", { text: op.path })),
        element("td", { text: op.op === "remove" ? "(removed)" : JSON.stringify(op.value, null, 1) }),
        element("td", { text: JSON.stringify(at(answer.current.document, op.path) ?? "(absent)", null, 1) }))));
      document.getElementById("current-revision").textContent = answer.current.revision.slice(0, 8);
      const conflict = document.getElementById("conflict");
      conflict.hidden = false;
      conflict.dataset.current = JSON.stringify(answer.current);
      return;
    }
    status.textContent = `Not saved: ${answer.detail || response.statusText}`;
    if (answer.diagnostics) markProblems(answer.diagnostics);
  }

  document.getElementById("save").addEventListener("click", () => save());
  document.getElementById("mark-reviewed").addEventListener("click", () => {
    doc.status = "reviewed";
    render();
    save();
  });
  document.getElementById("reload-current").addEventListener("click", () => { window.location.reload(); });
  document.getElementById("keep-mine").addEventListener("click", () => {
    // Rebase: my changes applied over the current version, then saved against its revision.
    const current = JSON.parse(document.getElementById("conflict").dataset.current);
    const ops = diff(base, doc, "", []);
    base = current.document;
    revision = current.revision;
    doc = clone(base);
    for (const op of ops) {
      const parts = op.path.split("/");
      const key = parts.pop();
      const parent = at(doc, parts.join("/")) ?? doc;
      if (op.op === "remove") delete parent[key]; else parent[key] = clone(op.value);
    }
    render();
    save();
  });
  window.addEventListener("beforeunload", (event) => { if (!same(base, doc)) event.preventDefault(); });
  render();
  refreshPreview();
}

function startNewArticle() {
  const file = document.getElementById("markdown-file");
  if (!file) return;
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    document.getElementById("markdown-text").value = await chosen.text();
    document.getElementById("markdown-name").value = chosen.name;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("editor");
  if (root) startEditor(root);
  startNewArticle();
});
