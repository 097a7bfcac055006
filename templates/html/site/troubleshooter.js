// The troubleshooter: one question at a time, back and start over, then the cause and its fixes.
(function () {
  "use strict";
  var graph = JSON.parse(document.getElementById("graph-data").textContent);
  var step = document.getElementById("step");
  var back = document.getElementById("back");
  var restart = document.getElementById("restart");
  var checked = document.getElementById("checked");
  var checkedList = document.getElementById("checked-list");
  var history = [];
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
  function ownerOf(id) {
    for (var c in graph.causes) {
      if (graph.causes[c].remedies.indexOf(id) >= 0) { return c; }
    }
    return null;
  }
  function render() {
    var current = history.length ? history[history.length - 1].next : graph.entry;
    step.textContent = "";
    back.classList.toggle("hidden", history.length === 0);
    restart.classList.toggle("hidden", history.length === 0);
    checkedList.textContent = "";
    history.forEach(function (h) { checkedList.appendChild(element("li", "", h.question + " " + h.label)); });
    checked.classList.toggle("hidden", history.length === 0);
    if (graph.questions[current]) {
      var question = graph.questions[current];
      step.appendChild(element("h2", "", question.text));
      if (question.help) {
        var details = element("details");
        details.appendChild(element("summary", "", "How do I find the answer?"));
        details.appendChild(fragment(question.help));
        step.appendChild(details);
      }
      var answers = element("p", "answers");
      question.answers.forEach(function (answer) {
        var button = element("button", "", answer.label);
        button.type = "button";
        button.setAttribute("data-answer", answer.value);
        button.addEventListener("click", function () {
          history.push({ question: question.text, label: answer.label, next: answer.goto });
          render();
        });
        answers.appendChild(button);
      });
      step.appendChild(answers);
      return;
    }
    var causeId = graph.causes[current] ? current : ownerOf(current);
    var cause = graph.causes[causeId];
    if (cause && cause.then && graph.remedies[current] === undefined && graph.questions[cause.then]) {
      history.push({ question: "Cause", label: cause.title, next: cause.then });
      render();
      return;
    }
    var result = element("div", "result");
    result.appendChild(element("p", "verdict resolved", "Cause: " + (cause ? cause.title : "")));
    if (cause) { result.appendChild(fragment(cause.html)); }
    var remedies = graph.remedies[current] ? [current] : (cause ? cause.remedies : []);
    remedies.forEach(function (id) {
      var remedy = graph.remedies[id];
      var section = element("section", "remedy " + remedy.kind);
      section.appendChild(element("h2", "", remedy.heading));
      section.appendChild(fragment(remedy.html));
      (remedy.continues || []).forEach(function (next) {
        var p = element("p", "continue");
        var link = element("a", "button", "Continue in: " + next.title + " →");
        link.setAttribute("href", next.href);
        p.appendChild(link);
        section.appendChild(p);
      });
      result.appendChild(section);
    });
    step.appendChild(result);
  }
  back.addEventListener("click", function () { history.pop(); render(); });
  restart.addEventListener("click", function () { history = []; render(); });
  render();
})();
