/* Training pages: "select all" ticks every reminder box of the list (no inline scripts: CSP). */
(function () {
  "use strict";
  document.querySelectorAll("input.select-all").forEach(function (all) {
    var boxes = function () {
      return all.form ? all.form.querySelectorAll('input[type=checkbox][name="' + all.dataset.target + '"]') : [];
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
