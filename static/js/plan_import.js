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

  // A proposal's edits are saved by its own buttons; the page is not left while a card holds edits not yet
  // saved, so that nothing typed is lost (the task fields go with the create form).
  function isEdited(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (field.type === "hidden" || field.tagName === "BUTTON") { return false; }
      return field.value !== field.defaultValue;
    });
  }

  function markEdited(card) {
    var form = card.querySelector("form");
    var badge = card.querySelector("[data-unsaved-badge]");
    var edited = !!form && isEdited(form);
    card.toggleAttribute("data-unsaved", edited);
    if (edited && !badge) {
      badge = document.createElement("span");
      badge.className = "badge st-in_progress";
      badge.setAttribute("data-unsaved-badge", "");
      badge.textContent = "có chỗ sửa chưa lưu";
      card.querySelector(".proposal-head").appendChild(badge);
    } else if (!edited && badge) {
      badge.remove();
    }
    return edited;
  }

  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var card = event.target.closest && event.target.closest("#proposals .proposal");
      if (card) { markEdited(card); }
    });
  });

  // The forms that reload the page (create, save the tasks, merge/split/move, a section's deadline) wait
  // until the edited cards are saved; checked in the capture phase, before portal.js marks the form busy.
  function reloadsPage(form) {
    return form.id === "plan-create" || form.id === "section-horizon" || form.classList.contains("arrange");
  }

  document.addEventListener("submit", function (event) {
    if (!reloadsPage(event.target)) { return; }
    var edited = Array.prototype.filter.call(document.querySelectorAll("#proposals .proposal"), markEdited);
    var box = document.getElementById("unsaved-proposals");
    if (!edited.length) { if (box) { box.hidden = true; } return; }
    event.preventDefault();
    event.stopPropagation();
    var names = edited.map(function (card) { return card.querySelector(".proposal-head strong").textContent; });
    if (box) {
      box.textContent = "Còn " + edited.length + " đề xuất có chỗ sửa chưa lưu (" + names.join(", ") +
        "): bấm “Chấp nhận” hoặc “Bỏ” ở từng đề xuất đó để lưu, rồi bấm lại nút vừa bấm.";
      box.hidden = false;
    }
    edited[0].scrollIntoView({ block: "center" });
    var first = edited[0].querySelector("input:not([type=hidden]), select");
    if (first) { first.focus({ preventScroll: true }); }
  }, true);

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
