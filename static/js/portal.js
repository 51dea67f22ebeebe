// Behaviour shared by every page, without inline handlers (the Content-Security-Policy allows none):
// a <select data-autosubmit> submits its form when changed; data-clear names fields of the same form
// to empty first (choosing another unit forgets the plan chosen for the previous one).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-autosubmit]") || !field.form) { return; }
    (field.dataset.clear || "").split(/\s+/).forEach(function (name) {
      if (name && field.form.elements[name]) { field.form.elements[name].value = ""; }
    });
    field.form.submit();
  });

  // What a screen reader should say after something changed without a page load (one polite live region
  // in base.html, so that every message is announced the same way).
  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // The top menu folds behind a button on a phone (portal.css shows the button below 700px).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (!toggle) { return; }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
    if (open) { var first = menu.querySelector("a, button"); if (first) { first.focus(); } }
  });

  // Confirmation and feedback on forms: a button or form with data-confirm asks first, and so does the
  // chosen radio button with data-confirm (the answer to a report: acknowledge or return, each its own
  // question); one with data-busy-text is disabled once sent and shows that step instead of its label (no
  // double sending).
  // A form marked data-guard-unsaved (the school's report, a target's row being edited) that holds what was typed
  // and not saved: sending another form of the page (attaching a file, uploading the Excel form, filtering the
  // list) or leaving it asks first, since the page that comes back shows what was saved, not what was typed.
  var UNSAVED = "Bạn có nội dung đã nhập trong báo cáo nhưng chưa lưu. Nếu tiếp tục, nội dung đó sẽ mất: hãy bấm "
    + "“Lưu nháp” trước. Vẫn tiếp tục?";
  var UNSAVED_ROW = "Bạn có số liệu đã nhập ở dòng chỉ tiêu đang mở nhưng chưa lưu. Nếu tiếp tục, số liệu đó sẽ mất: "
    + "hãy bấm “Lưu” ở dòng đó trước. Vẫn tiếp tục?";
  function unsavedElsewhere(form) {
    return Array.prototype.filter.call(document.querySelectorAll("form[data-guard-unsaved][data-dirty=true]"),
      function (guarded) { return guarded !== form; })[0];
  }
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-guard-unsaved")) { form.dataset.dirty = "true"; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("form[data-guard-unsaved][data-dirty=true]:not([data-sending=true])")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    var chosen = form.querySelector("input[type=radio][data-confirm]:checked");
    var question = (button && button.dataset.confirm) || (chosen && chosen.dataset.confirm) || form.dataset.confirm;
    var losing = !form.hasAttribute("hx-post") && unsavedElsewhere(form);
    var unsavedQuestion = losing && (losing.getAttribute("data-guard-unsaved") ||
      (losing.hasAttribute("hx-post") ? UNSAVED_ROW : UNSAVED));  // a form may say in its own words what it holds
    if (losing && !window.confirm(unsavedQuestion)) { event.preventDefault(); return; }
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    // leaving the page on purpose: no second question (a row saved by htmx leaves nothing)
    if ((losing || form.hasAttribute("data-guard-unsaved")) && !form.hasAttribute("hx-post")) {
      document.querySelectorAll("form[data-guard-unsaved]").forEach(function (guarded) { guarded.dataset.sending = "true"; });
    }
    if (form.dataset.busy === "true") { event.preventDefault(); return; }
    var busy = (button && button.dataset.busyText) || form.dataset.busyText;
    if (!busy || form.hasAttribute("hx-post")) { return; }
    form.dataset.busy = "true";
    // disabled after the browser has read the form, so that the button's own name still goes with it
    window.setTimeout(function () {
      if (button) { button.dataset.label = button.textContent; button.textContent = busy; button.disabled = true; }
      announce(busy);
    }, 0);
  });
  // A page restored from the back-forward cache gets its buttons back.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-busy=true]").forEach(function (form) {
      delete form.dataset.busy;
      form.querySelectorAll("button[data-label]").forEach(function (b) { b.textContent = b.dataset.label; b.disabled = false; });
    });
  });

  // The school report's "Còn N mục chưa nhập" follows what is typed, not only what was saved.
  function countMissing(form) {
    var counter = form.querySelector("[data-missing-counter]");
    if (!counter) { return; }
    var missing = 0;
    form.querySelectorAll(".items-section input, .items-section select").forEach(function (field) {
      if (field.value.trim() === "") { missing += 1; }
    });
    counter.textContent = missing ? "Còn " + missing + " mục chưa nhập; phải nhập đủ mới nộp được."
      : "Đã nhập đủ các mục; bấm “Nộp báo cáo” để nộp.";
  }
  document.addEventListener("input", function (event) {
    if (event.target.form) { countMissing(event.target.form); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.form) { countMissing(event.target.form); }
  });

  // A table frame that scrolls sideways can take focus (keyboard users scroll it with the arrows), named
  // after its table or the heading before it.
  function labelScrollingFrames(root) {
    root.querySelectorAll(".table-wrap").forEach(function (frame) {
      if (frame.scrollWidth <= frame.clientWidth + 1 || frame.hasAttribute("tabindex")) { return; }
      var heading = frame.previousElementSibling;
      var name = frame.dataset.label || (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent.trim() : "Bảng số liệu");
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      frame.setAttribute("aria-label", name + " (cuộn ngang để xem hết)");
    });
  }

  // The inline editor of a target row (targets/value_edit_row.html): focus goes into its first field (or
  // the first field in error) when it opens, back to the row's "Cập nhật" button after saving or
  // cancelling; Escape cancels; errors and the outcome are announced.
  var editedRow = null;
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (!element || !element.matches) { return; }
    if (element.matches("tr.editing")) {
      editedRow = element.id;
      var field = element.querySelector("[aria-invalid=true]") ||
        element.querySelector("input:not([type=hidden]), select, textarea");
      if (field) { field.focus(); }
      var problems = Array.prototype.map.call(element.querySelectorAll(".conflict, .errorbox, .field-error"),
        function (node) { return node.textContent.replace(/\s+/g, " ").trim(); });
      if (problems.length) { announce("Chưa lưu. " + problems.join(" ")); }
    } else if (element.id && element.id === editedRow) {
      editedRow = null;
      var button = element.querySelector("[data-edit-button]");
      if (button) { button.focus(); }
      announce(element.classList.contains("saved") ? "Đã lưu số liệu." : "Đã đóng, không lưu thay đổi.");
    }
    labelScrollingFrames(element.closest("main") || document);
  });
  // What a guarded form (the school's report) sends is kept in this tab until the page comes back. A session that
  // ended meanwhile (idle while a principal typed a long report) answers with the sign-in page, and after signing
  // in the report page shows the figures saved before, not those typed: the page then puts back the figures kept,
  // says so and stays unsaved. A save that went through moved the report's version on, and the figures kept are
  // dropped; a refused save comes back with what was sent, so nothing is put back either.
  // Kept for the account that typed it (the page's data-user): another person signing in on this tab (a colleague
  // of the school, an administrator) gets the report as saved, never someone else's figures put back as theirs.
  var KEPT = "nq71-kept:";
  function keptKey(form) {
    return KEPT + (document.body.getAttribute("data-user") || "") + ":" +
      (form.getAttribute("action") || window.location.pathname);
  }
  function version(form) { return form.elements.version ? form.elements.version.value : ""; }
  document.addEventListener("submit", function (event) {  // signing out forgets what this tab kept
    if (event.defaultPrevented || !event.target.hasAttribute || !event.target.hasAttribute("data-sign-out")) { return; }
    try {
      Object.keys(window.sessionStorage).forEach(function (key) {
        if (key.indexOf(KEPT) === 0) { window.sessionStorage.removeItem(key); }
      });
    } catch (ignored) { /* storage refused: nothing was kept */ }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // only a form that asks for it (data-keep-sent, the school's report), with the version its save moves on: without
    // one, a save that went through could not be told from one that did not
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-keep-sent") ||
        !form.elements.version) { return; }
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && !field.disabled && /^(text|textarea|select-one|number|search|tel)$/.test(field.type)) {
        fields[field.name] = field.value;
      }
    });
    try {
      window.sessionStorage.setItem(keptKey(form), JSON.stringify({version: version(form), fields: fields}));
    } catch (ignored) { /* storage full or refused: the page works as before */ }
  });
  function putBackKept(form) {
    var kept;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(keptKey(form)) || "null");
      window.sessionStorage.removeItem(keptKey(form));
    } catch (ignored) { return; }
    if (!kept || !kept.fields || !form.elements.version || kept.version !== version(form)) { return; }
    var restored = 0;
    Object.keys(kept.fields).forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.disabled && field.value !== kept.fields[name]) {
        field.value = kept.fields[name];
        restored += 1;
      }
    });
    if (!restored) { return; }
    form.dataset.dirty = "true";
    var box = document.createElement("div");
    box.className = "conflict";
    box.id = "kept-restored";
    box.setAttribute("role", "alert");
    box.textContent = "Lần gửi trước chưa được lưu (phiên đăng nhập đã hết hạn hoặc mất kết nối). " +
      "Cổng đã điền lại " + restored + " ô bạn đã nhập trên máy này; hãy kiểm tra rồi bấm “Lưu nháp”.";
    form.insertBefore(box, form.firstChild);
    countMissing(form);
  }

  // An htmx request that was not answered with a fragment (the session ended: 401, config/htmx.py; a server
  // error; no network) swaps nothing in: what was typed stays in its form, which says why it was not saved and
  // what to do, next to its buttons (and a screen reader hears it).
  var REQUEST_REFUSED = {
    401: "Phiên đăng nhập đã hết hạn nên số liệu chưa được lưu; nội dung bạn nhập vẫn còn trong các ô. " +
      "Hãy đăng nhập lại ở thẻ mới theo liên kết sau, rồi quay lại đây bấm “Lưu” lần nữa.",
    0: "Không gửi được vì mất kết nối mạng: số liệu chưa được lưu, nội dung bạn nhập vẫn còn trong các ô. " +
      "Hãy bấm “Lưu” lần nữa khi có mạng."
  };
  function sayRequestRefused(event, status) {
    var element = event.detail && event.detail.elt;
    var form = element && element.closest && element.closest("form");
    if (!form) { return; }
    var box = form.querySelector("[data-request-refused]");
    if (!box) {
      box = document.createElement("div");
      box.className = "errorbox";
      box.setAttribute("role", "alert");
      box.setAttribute("data-request-refused", "");
      var actions = form.querySelector(".actions");
      form.insertBefore(box, actions && actions.parentNode === form ? actions : null);
    }
    box.textContent = REQUEST_REFUSED[status] || ("Máy chủ chưa lưu được (lỗi " + status + "): số liệu chưa được " +
      "lưu, nội dung bạn nhập vẫn còn trong các ô. Hãy thử bấm “Lưu” lại sau ít phút.");
    var signIn = status === 401 && event.detail.xhr.getResponseHeader("X-Sign-In");
    if (signIn) {
      var link = document.createElement("a");
      link.href = signIn;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "Đăng nhập lại (mở thẻ mới)";
      box.appendChild(document.createTextNode(" "));
      box.appendChild(link);
    }
  }
  document.addEventListener("htmx:responseError", function (event) {
    sayRequestRefused(event, event.detail.xhr ? event.detail.xhr.status : 0);
  });
  document.addEventListener("htmx:sendError", function (event) { sayRequestRefused(event, 0); });
  // Signing in again (in another tab) gives a new CSRF token: a request takes the current one from its cookie,
  // as Django documents, rather than the one the page was written with, so that "Lưu" works again afterwards.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var row = event.target.closest && event.target.closest("tr.editing");
    var cancel = row && row.querySelector("[data-edit-cancel]");
    if (cancel) { event.preventDefault(); cancel.click(); return; }
    var toggle = document.querySelector("[data-menu-toggle][aria-expanded=true]");
    if (toggle) { toggle.click(); toggle.focus(); }
  });

  // Chart.js sizes its responsive charts for the screen and does not follow print media: before printing
  // they are redrawn at the printed size (180mm × 62mm, portal.css's @media print), after it for the screen.
  function sizeChartsFor(printing) {
    if (typeof window.Chart === "undefined") { return; }
    Object.values(window.Chart.instances).forEach(function (chart) {
      if (!chart.options.responsive) { return; }
      if (printing) { chart.resize(680, 234); } else { chart.resize(); }
    });
  }
  window.addEventListener("beforeprint", function () { sizeChartsFor(true); });
  window.addEventListener("afterprint", function () { sizeChartsFor(false); });

  // A unit field's search (units/widgets.py): Enter in its box searches instead of sending the form, and the
  // unit chosen among the matches becomes the chosen one, so that the next search does not take it away.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.matches || !box.matches("[data-unit-field] input[type=search]")) { return; }
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(box, "search"); }
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-unit-field] .unit-field-matches input") || !input.checked) { return; }
    var field = input.closest("[data-unit-field]");
    var chosen = field.querySelector(".unit-field-chosen");
    var label = input.closest("label");
    var name = input.name.replace(/__match$/, "");
    var already = chosen.querySelector("input[value='" + input.value + "']");
    if (already) {  // chosen before (a check box): checked again there, not listed twice
      already.checked = true;
      label.closest("li").remove();
      already.focus();
      return;
    }
    if (input.type === "radio" || !chosen.querySelector("label")) { chosen.textContent = ""; }
    input.name = name;  // the field's own name, in the chosen area's group
    chosen.appendChild(label);
    input.checked = true;
    input.focus();  // the keyboard stays on the unit just chosen
    var item = field.querySelector(".unit-field-matches li:empty");
    if (item) { item.remove(); }
    announce("Đã chọn " + label.textContent.trim().replace(/\s+/g, " "));
  });

  document.addEventListener("DOMContentLoaded", function () {
    labelScrollingFrames(document);
    document.querySelectorAll("form[data-keep-sent]").forEach(putBackKept);
    document.querySelectorAll("form").forEach(countMissing);
  });
})();
