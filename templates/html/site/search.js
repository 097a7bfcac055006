// Offline search for the index page: words and error codes, no network, no framework.
(function () {
  "use strict";
  // The records come from search-data.js, loaded just before this script.
  var records = window.fixpathSearch || [];
  var box = document.getElementById("q");
  var list = document.getElementById("results");
  var index = document.getElementById("index");
  var none = document.getElementById("none");
  function fold(text) { return text.toLowerCase().replace(/[^a-z0-9]+/g, ""); }
  function words(text) { return text.toLowerCase().split(/[^a-z0-9_]+/).filter(function (w) { return w.length > 1; }); }
  records.forEach(function (r) {
    r.haystack = (r.title + " " + r.codes.join(" ") + " " + r.keywords.join(" ") + " " + r.summary).toLowerCase();
    r.folded = r.codes.map(fold);
  });
  function score(record, query) {
    var total = 0;
    var code = fold(query);
    if (code.length > 2 && record.folded.some(function (c) { return c === code || c.indexOf(code) >= 0 || code.indexOf(c) >= 0 && c.length > 3; })) { total += 10; }
    words(query).forEach(function (w) {
      if (record.title.toLowerCase().indexOf(w) >= 0) { total += 3; }
      else if (record.haystack.indexOf(w) >= 0) { total += 1; }
    });
    return total;
  }
  function show() {
    var query = box.value.trim();
    list.textContent = "";
    if (!query) { index.classList.remove("hidden"); none.classList.add("hidden"); return; }
    index.classList.add("hidden");
    var hits = records.map(function (r) { return { r: r, s: score(r, query) }; })
      .filter(function (h) { return h.s > 0; })
      .sort(function (a, b) { return b.s - a.s; })
      .slice(0, 20);
    none.classList.toggle("hidden", hits.length > 0);
    hits.forEach(function (h) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "articles/" + h.r.id + ".html";
      link.textContent = h.r.title;
      item.appendChild(link);
      if (h.r.codes.length) {
        var codes = document.createElement("code");
        codes.textContent = " " + h.r.codes.slice(0, 4).join(", ");
        item.appendChild(document.createTextNode(" "));
        item.appendChild(codes);
      }
      list.appendChild(item);
    });
  }
  box.addEventListener("input", show);
  show();
})();
