// papertalk: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Times: show them in the reader's timezone, with the absolute local time on hover.
  var abs = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[datetime]").forEach(function (el) {
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at)) { return; }
    el.title = abs.format(at);
    if (el.dataset.style === "abs") { el.textContent = abs.format(at); }
  });
  // BibTeX: a copy button, shown only where the clipboard can be written.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy BibTeX"; }, 2000);
      }, function () { button.textContent = "Select the text to copy"; });
    });
  });
  // The filter form submits itself when a choice changes (its Apply button stays for keyboards).
  document.querySelectorAll("form.filters select, form.filters input[type=checkbox]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
