/* Campaign pages: progressive enhancement only; everything works without this file.
   1. A form marked .js-once can be sent once: a double click does not post twice
      (the server is idempotent anyway, this just saves a round trip).
   2. The unit picker is hidden while the audience does not use it. */
(function () {
  "use strict";

  document.querySelectorAll("form.js-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.setAttribute("aria-busy", "true");
    });
  });

  function toggleUnits(radioName, showWhen) {
    var picker = document.getElementById("unit_ids");
    var radios = document.querySelectorAll('input[name="' + radioName + '"]');
    if (!picker || !radios.length) {
      return;
    }
    var wrapper = picker.closest(".field");
    function update() {
      var chosen = document.querySelector('input[name="' + radioName + '"]:checked');
      var show = !chosen || showWhen(chosen.value) || picker.selectedOptions.length > 0;
      wrapper.hidden = !show;
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  toggleUnits("audience", function (value) { return value !== "all"; });
  toggleUnits("whole_region", function (value) { return value === "0"; });
}());
