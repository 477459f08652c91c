/* Gatehouse — copy and download buttons (progressive enhancement: without JavaScript the values are on the page to
   select and copy by hand, and the buttons stay hidden).

   Markup it understands:
   - <div class="copy-actions" hidden> around the buttons: shown once this file runs.
   - <button type="button" data-copy="ID">: copies the text of the element with that id; the button says "Copied".
   - <button type="button" data-download="ID" data-filename="name.txt">: saves the text of that element (a list's
     items one per line) as a plain-text file.
   - <p data-copy-status aria-live="polite">: where the outcome is announced to screen readers. */
(function () {
  "use strict";

  function textOf(id) {
    var el = document.getElementById(id);
    if (!el) return "";
    var items = el.querySelectorAll("li");
    if (items.length)
      return (
        Array.prototype.map
          .call(items, function (li) {
            return li.textContent.trim();
          })
          .join("\n") + "\n"
      );
    return el.textContent.trim();
  }

  function announce(message) {
    var status = document.querySelector("[data-copy-status]");
    if (status) status.textContent = message;
  }

  function copy(button) {
    var text = textOf(button.getAttribute("data-copy"));
    var label = button.textContent;
    var done = function () {
      button.textContent = "Copied";
      announce("Copied to the clipboard.");
      setTimeout(function () {
        button.textContent = label;
      }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        announce("Copying failed: select the text and copy it by hand.");
      });
    } else {
      announce("Copying is not available here: select the text and copy it by hand.");
    }
  }

  function download(button) {
    var blob = new Blob([textOf(button.getAttribute("data-download"))], { type: "text/plain;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = button.getAttribute("data-filename") || "gatehouse.txt";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
    announce("Saved as " + a.download + ".");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".copy-actions[hidden]"), function (el) {
      el.hidden = false;
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-copy], [data-download]");
      if (!button) return;
      if (button.hasAttribute("data-copy")) copy(button);
      else download(button);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
