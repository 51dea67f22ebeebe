// Behaviour shared by every page, without inline handlers (the Content-Security-Policy allows none):
// a <select data-autosubmit> submits its form when changed; data-clear names fields of the same form
// to empty first (choosing another unit forgets the plan chosen for the previous one).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-autosubmit]") || !field.form) { return; }
    (field.dataset.clear || "").split(/\s+/).forEach(function (name) {
      if (name && field.form.elements[name]) { field.form.elements[name].value = ""; }
    });
    field.form.submit();
  });
})();
