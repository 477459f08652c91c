/* Gatehouse — progressive enhancement only. Every page works without this file.

   Markup it understands:
   - <input type="password" data-toggle-visibility>: a Show/Hide button; the password is hidden again on submit.
   - <input type="password" data-strength-meter>: a live strength meter, in strength-meter.js.
   - <button data-theme-toggle> (in the layout): cycles the theme; theme.js applies the stored choice early.
   - <input data-slug-from="team_name">: filled with a URL-safe form of that field as it is typed (the server
     derives the same when it is left empty), until the user types in it themselves.
   - Every form gets a loading state on submit; an element with data-submit-lock around several forms makes one
     submit lock them all. */
(function () {
  "use strict";

  var nextId = 0;
  var root = document.documentElement;

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

  /* 3. Theme switch: system -> the other scheme -> the one after -> system again; remembered in localStorage. */
  var THEME_KEY = "gatehouse.theme";
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function themeChoice() {
    var theme = root.getAttribute("data-theme");
    return theme === "light" || theme === "dark" ? theme : "system";
  }

  function applyTheme(choice) {
    if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);
    else root.removeAttribute("data-theme");
    document.querySelectorAll("[data-theme-toggle]").forEach(labelThemeButton);
  }

  function nextTheme(choice) {
    var systemScheme = darkQuery && darkQuery.matches ? "dark" : "light";
    // the first click always changes what the page looks like
    if (choice === "system") return systemScheme === "dark" ? "light" : "dark";
    return choice === systemScheme ? "system" : choice === "light" ? "dark" : "light";
  }

  function labelThemeButton(button) {
    var names = { system: "system", light: "light", dark: "dark" };
    button.title = "Theme: " + names[themeChoice()] + ". Switch to " + names[nextTheme(themeChoice())];
  }

  function enhanceThemeButton(button) {
    labelThemeButton(button);
    button.addEventListener("click", function () {
      var choice = nextTheme(themeChoice());
      try {
        if (choice === "system") window.localStorage.removeItem(THEME_KEY);
        else window.localStorage.setItem(THEME_KEY, choice);
      } catch (e) {
        /* storage disabled: the choice lasts for this page only */
      }
      applyTheme(choice);
    });
  }

  window.addEventListener("storage", function (event) {
    if (event.key === THEME_KEY || event.key === null) applyTheme(event.newValue || "system");
  });
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", function () {
      document.querySelectorAll("[data-theme-toggle]").forEach(labelThemeButton);
    });
  }

  /* 4. A team address suggested from the team name (the server's slugify: services/teams.ts). */
  function slugify(name) {
    return name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48)
      .replace(/-+$/, "");
  }

  function enhanceSlug(input) {
    var source = input.form && input.form.elements.namedItem(input.getAttribute("data-slug-from"));
    if (!source || !source.addEventListener || input.dataset.slugReady) return;
    input.dataset.slugReady = "true";
    // a value the server sent back (or the user typed) is the user's own: never overwritten
    var suggested = !input.value || input.value === slugify(source.value);
    input.addEventListener("input", function () {
      suggested = !input.value;
    });
    source.addEventListener("input", function () {
      if (suggested) input.value = slugify(source.value);
    });
  }

  function init() {
    document.querySelectorAll("input[data-slug-from]").forEach(enhanceSlug);
    document.querySelectorAll('input[type="password"][data-toggle-visibility]').forEach(enhancePassword);
    document.querySelectorAll("[data-theme-toggle]").forEach(enhanceThemeButton);
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
