/* The site's own behaviour, loaded as a file so that the Content-Security-Policy needs no inline
   script: a select marked data-submit-on-change submits its form (the language switch). */
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
