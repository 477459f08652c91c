/* Gatehouse — progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  var nextId = 0;

  /* 1. Show/Hide toggle for password fields marked data-toggle-visibility. */
  function setVisible(input, button, visible) {
    input.type = visible ? "text" : "password";
    button.setAttribute("aria-pressed", visible ? "true" : "false");
    button.firstChild.textContent = visible ? "Hide" : "Show";
  }

  function enhancePassword(input) {
    if (input.dataset.toggleReady) return;
    input.dataset.toggleReady = "true";
    if (!input.id) input.id = "gh-password-" + ++nextId;

    var wrap = input.parentElement;
    if (!wrap || !wrap.classList.contains("password-field")) {
      wrap = document.createElement("div");
      wrap.className = "password-field";
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
    }

    var button = document.createElement("button");
    button.type = "button";
    button.className = "password-toggle";
    button.setAttribute("aria-controls", input.id);
    button.appendChild(document.createElement("span"));
    var suffix = document.createElement("span");
    suffix.className = "visually-hidden";
    suffix.textContent = " password";
    button.appendChild(suffix);
    setVisible(input, button, false);

    button.addEventListener("click", function () {
      setVisible(input, button, input.type === "password");
    });
    input._ghToggle = button;
    wrap.appendChild(button);
    wrap.classList.add("has-toggle");
  }

  /* 2. Loading state + double-submit guard. */
  function submitButtons(form) {
    var list = [];
    // form.elements also holds buttons outside the form attached with form="…"
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "submit" && list.indexOf(el) < 0) list.push(el);
    });
    var group = form.closest("[data-submit-lock]");
    if (group) {
      group.querySelectorAll('button[type="submit"], input[type="submit"]').forEach(function (el) {
        if (list.indexOf(el) < 0) list.push(el);
      });
    }
    return list;
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if ((form.getAttribute("method") || "").toLowerCase() === "dialog") return;

    var group = form.closest("[data-submit-lock]");
    if (form.dataset.submitting === "true" || (group && group.dataset.submitting === "true")) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    if (group) group.dataset.submitting = "true";
    form.setAttribute("aria-busy", "true");

    // Never send (or leave on screen) a password that was made visible.
    form.querySelectorAll("input[data-toggle-visibility]").forEach(function (input) {
      if (input._ghToggle) setVisible(input, input._ghToggle, false);
    });

    var buttons = submitButtons(form);
    var submitter = event.submitter || buttons[0];
    if (submitter) {
      submitter.classList.add("is-loading");
      submitter.setAttribute("aria-busy", "true");
    }
    // Disable after the browser has built the form data: a disabled submitter
    // would drop its name/value (e.g. logout=yes).
    window.setTimeout(function () {
      buttons.forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  }

  function resetForms() {
    document.querySelectorAll("[data-submit-lock][data-submitting]").forEach(function (group) {
      delete group.dataset.submitting;
    });
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
      submitButtons(form).forEach(function (b) {
        b.disabled = false;
        b.classList.remove("is-loading");
        b.removeAttribute("aria-busy");
      });
    });
  }

  function init() {
    document.querySelectorAll('input[type="password"][data-toggle-visibility]').forEach(enhancePassword);
  }

  document.addEventListener("submit", onSubmit);
  // Back/forward cache: a restored page must not keep disabled, spinning buttons.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) resetForms();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
