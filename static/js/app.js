// dangvien: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Accent-insensitive key, as members.search.normalize_search does on the server.
  function normalize(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // A filter box above long selects (cell pickers with thousands of options).
  function addSelectFilter(select) {
    if (select.dataset.filterReady) return;
    select.dataset.filterReady = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm select-filter";
    input.placeholder = select.dataset.filterable;
    input.setAttribute("aria-label", input.placeholder);
    var keys = Array.prototype.map.call(select.options, function (o) { return normalize(o.text); });
    input.addEventListener("input", function () {
      var key = normalize(input.value);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option, i) {
        var show = !option.value || keys[i].indexOf(key) !== -1;
        option.hidden = !show;
        if (show && option.value && first === null) first = option;
      });
      if (key && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
        first.selected = true;
      }
    });
    select.parentNode.insertBefore(input, select);
  }

  function enhance(root) {
    root.querySelectorAll("select[data-filterable]").forEach(addSelectFilter);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
