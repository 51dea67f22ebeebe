// The review of an imported plan: a proposal leads to its sentence in the text, a sentence to its proposal.
(function () {
  "use strict";

  function pane() { return document.getElementById("plan-text"); }

  function showSentence(id) {
    var mark = document.getElementById(id);
    var text = pane();
    if (!mark || !text) { return; }
    text.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
    mark.classList.add("current");
    // scroll the text pane only, so the proposal being read stays where it is
    text.scrollTop = Math.max(0, mark.offsetTop - text.clientHeight / 3);
  }

  function showProposal(index) {
    var card = document.getElementById("p-" + index);
    if (!card) { return; }
    document.querySelectorAll(".proposal.current").forEach(function (c) { c.classList.remove("current"); });
    card.classList.add("current");
    card.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quote]");
    if (link) {
      event.preventDefault();
      showSentence(link.getAttribute("data-quote"));
      return;
    }
    var mark = event.target.closest("#plan-text mark[data-items]");
    if (mark) {
      showProposal(mark.getAttribute("data-items").split(" ")[0]);
      return;
    }
    var card = event.target.closest(".proposal[data-mark]");
    if (card && !event.target.closest("button")) {
      showSentence(card.getAttribute("data-mark"));
    }
  });

  document.addEventListener("focusin", function (event) {
    var card = event.target.closest && event.target.closest(".proposal[data-mark]");
    if (card) { showSentence(card.getAttribute("data-mark")); }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
