// The troubleshooter: it decides nothing. The engine computed its step for every state a
// reader can reach when the site was built (`data.policy`); this script looks the next step
// up, keeps the reader's trail for going back, and shows what was checked and tried.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.policy.nodes;
  var step = document.getElementById("step");
  var back = document.getElementById("back");
  var restart = document.getElementById("restart");
  var checked = document.getElementById("checked");
  var checkedList = document.getElementById("checked-list");
  // Each entry: the node reached, the place in a past-the-bound fix list, what led there.
  var trail = [{ node: 0, at: 0, said: null, fixed: false }];
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  // Fragments were rendered from Markdown and sanitised when the site was built.
  function fragment(html) {
    var holder = element("div");
    holder.innerHTML = html;
    return holder;
  }
  function go(entry) { trail.push(entry); render(); }
  function button(label, attribute, value, onClick) {
    var b = element("button", "", label);
    b.type = "button";
    b.setAttribute(attribute, value);
    b.addEventListener("click", onClick);
    return b;
  }
  function showAsk(node, here) {
    var question = data.questions[node.q];
    step.appendChild(element("h2", "", question.text));
    if (question.help) {
      var details = element("details");
      details.appendChild(element("summary", "", "How do I find the answer?"));
      details.appendChild(fragment(question.help));
      step.appendChild(details);
    }
    var answers = element("p", "answers");
    question.answers.forEach(function (answer, index) {
      answers.appendChild(button(answer.label, "data-answer", answer.value, function () {
        go({ node: node.n[index], at: 0, said: [question.text, answer.label] });
      }));
    });
    answers.appendChild(button("I don't know", "data-answer", "unknown", function () {
      go({ node: node.n[question.answers.length], at: 0, said: [question.text, "Don't know"] });
    }));
    step.appendChild(answers);
  }
  // One fix: its cause, its text, and "Did this fix it?" with the articles it continues in.
  function showFix(remedyId, causeId, chance, onNo, settled, byDesign) {
    var remedy = data.remedies[remedyId];
    var cause = data.causes[causeId];
    var result = element("div", "result");
    var verdict = "Likely cause: " + (cause ? cause.title : "");
    if (chance !== null && chance < 1) { verdict += " (" + Math.round(chance * 100) + "%)"; }
    result.appendChild(element("p", "verdict resolved", verdict));
    var section = element("section", "remedy " + remedy.kind);
    section.appendChild(element("h2", "", remedy.heading));
    section.appendChild(fragment(remedy.html));
    result.appendChild(section);
    if (settled) {
      result.appendChild(element("p", "verdict", "This is by design: nothing to fix."));
      step.appendChild(result);
      return;
    }
    result.appendChild(element("h2", "", byDesign ? "Does this explain it?" : "Did this fix it?"));
    var answers = element("p", "answers");
    answers.appendChild(button(byDesign ? "Yes, this explains it" : "Yes, it is fixed", "data-fixed", "yes", function () {
      go({ node: here().node, at: here().at, said: [remedy.heading, byDesign ? "explains it" : "fixed it"], fixed: true,
        fix: remedy.heading, cause: cause ? cause.title : "" });
    }));
    answers.appendChild(button("No", "data-fixed", "no", function () { onNo(remedy.heading, byDesign); }));
    result.appendChild(answers);
    (remedy.continues || []).forEach(function (next) {
      var p = element("p", "continue");
      var link = element("a", "button", "Continue in: " + next.title + " →");
      link.setAttribute("href", next.href);
      p.appendChild(link);
      result.appendChild(p);
    });
    step.appendChild(result);
  }
  function showEscalation(why) {
    var note = element("div", "result escalate");
    note.appendChild(element("p", "verdict", why === "no_cause"
      ? "No cause in this article fits what you found."
      : why === "not_worth_it"
        ? "What is left to try is unlikely to work for its minutes."
        : "Nothing left to try in this article."));
    note.appendChild(element("h2", "", "Escalation note"));
    note.appendChild(element("p", "", "Escalate with what was checked and tried (listed below)."));
    step.appendChild(note);
  }
  function here() { return trail[trail.length - 1]; }
  function render() {
    var current = here();
    var node = nodes[current.node];
    step.textContent = "";
    back.classList.toggle("hidden", trail.length === 1);
    restart.classList.toggle("hidden", trail.length === 1);
    checkedList.textContent = "";
    trail.forEach(function (entry) {
      if (entry.said) { checkedList.appendChild(element("li", "", entry.said[0] + ": " + entry.said[1])); }
    });
    checked.classList.toggle("hidden", trail.length === 1);
    if (current.fixed) {
      // As the transcript of `fixpath ask` says it: the cause of the fix that worked.
      step.appendChild(element("p", "verdict resolved", "Fixed by \u201c" + current.fix + "\u201d, the fix for: " + current.cause + ". The steps that led here are listed below."));
      return;
    }
    if (node.k === "q") { showAsk(node); return; }
    if (node.k === "f") {
      showFix(node.r, node.c, node.p, function (heading, byDesign) {
        go({ node: node.n, at: 0, said: [heading, byDesign ? "not explained by design" : "did not fix it"] });
      }, node.n === undefined, node.d === true);
      return;
    }
    if (node.k === "x") {
      // Past the precomputed states: the fixes left, in the planner's order at this point.
      step.appendChild(element("p", "notice", "This troubleshooter asks nothing more here: the fixes left follow in the order most likely to help. `fixpath ask` asks further questions."));
      if (current.at >= node.plan.length) { showEscalation("nothing_left"); return; }
      var fix = node.plan[current.at];
      showFix(fix[0], fix[1], null, function (heading) {
        go({ node: current.node, at: current.at + 1, said: [heading, "did not fix it"] });
      }, false, false);
      return;
    }
    showEscalation(node.why);
  }
  back.addEventListener("click", function () { if (trail.length > 1) { trail.pop(); render(); } });
  restart.addEventListener("click", function () { trail = [trail[0]]; render(); });
  render();
})();
