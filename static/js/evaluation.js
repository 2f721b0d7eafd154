// dangvien evaluation: the removal form offers only the grounds of the chosen form (R12).
// The server checks the pair again; without this script every ground is listed, grouped.
(function () {
  "use strict";

  function narrowGrounds(formSelect) {
    var ground = document.getElementById(formSelect.dataset.controls);
    if (!ground || !ground.dataset.groundsByForm) return;
    var byForm = JSON.parse(ground.dataset.groundsByForm);

    function update() {
      var allowed = byForm[formSelect.value] || null;
      Array.prototype.forEach.call(ground.querySelectorAll("optgroup"), function (group) {
        var show = false;
        Array.prototype.forEach.call(group.children, function (option) {
          var ok = !allowed || allowed.indexOf(option.value) !== -1;
          option.hidden = !ok;
          option.disabled = !ok;
          show = show || ok;
        });
        group.hidden = !show;
      });
      var chosen = ground.options[ground.selectedIndex];
      if (chosen && chosen.disabled) ground.value = "";
      if (allowed && allowed.length === 1) ground.value = allowed[0];
    }

    formSelect.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-controls]").forEach(narrowGrounds);
  });
})();
