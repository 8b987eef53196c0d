/* On a narrow screen a wide table scrolls inside its own box (app.css); keyboard users reach
   that box with Tab, so a table that scrolls becomes focusable (WCAG 2.1.1). No inline scripts. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table.data").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
