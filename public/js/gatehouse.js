/* Gatehouse — progressive enhancement only. Every page works without this file.

   Markup it understands:
   - <input type="password" data-toggle-visibility>: a Show/Hide button; the password is hidden again on submit.
   - <input type="password" data-strength-meter>: a live strength meter (<meter min=0 max=4>) and a message line
     (aria-live polite) under the field, from POST /password/strength: the server's own password policy, so the
     meter says exactly what the server will say on submit. Optional attributes on the same input:
       data-strength-context="username,email"  names of fields in the same form whose current values are sent
                                               as context (the user's own words are refused). A name that is not
                                               username, email or name maps with "key:field", e.g. "email:new_email".
       data-strength-username="…", data-strength-email="…", data-strength-name="…"
                                               fixed context values, for pages that know the user (change or reset).
       minlength="…"                           must be the server's PASSWORD_MIN_LENGTH (passwords shorter than it
                                               reuse the server's one "too short" answer instead of asking again).
       data-strength-url="…"                   another endpoint (default /password/strength).
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

  /* 3. Live password strength (see the top of this file). */
  var STRENGTH_KEYS = ["username", "email", "name"];
  var strengthCache = {};
  var strengthCacheSize = 0;
  var DEBOUNCE_MS = 250;

  function codePoints(value) {
    return Array.from(value.normalize("NFC")).length;
  }

  function contextOf(input) {
    var context = {};
    STRENGTH_KEYS.forEach(function (key) {
      var fixed = input.getAttribute("data-strength-" + key);
      if (fixed) context[key] = fixed;
    });
    (input.getAttribute("data-strength-context") || "").split(",").forEach(function (entry) {
      var parts = entry.trim().split(":");
      var key = parts[0];
      var fieldName = parts[1] || key;
      var field = input.form && input.form.elements.namedItem(fieldName);
      if (STRENGTH_KEYS.indexOf(key) >= 0 && field && typeof field.value === "string" && field.value) context[key] = field.value;
    });
    return context;
  }

  function contextFields(input) {
    var fields = [];
    (input.getAttribute("data-strength-context") || "").split(",").forEach(function (entry) {
      var parts = entry.trim().split(":");
      var field = input.form && input.form.elements.namedItem(parts[1] || parts[0]);
      if (field && field.addEventListener) fields.push(field);
    });
    return fields;
  }

  function enhanceStrength(input) {
    if (input.dataset.strengthReady) return;
    input.dataset.strengthReady = "true";
    var id = "gh-strength-" + ++nextId;
    var url = input.getAttribute("data-strength-url") || "/password/strength";

    var box = document.createElement("div");
    box.className = "strength is-empty";
    var meter = document.createElement("meter");
    meter.className = "strength-meter";
    meter.min = 0;
    meter.max = 4;
    meter.low = 2;
    meter.high = 3;
    meter.optimum = 4;
    meter.value = 0;
    meter.id = id + "-meter";
    meter.setAttribute("aria-label", "Password strength");
    var text = document.createElement("p");
    text.className = "strength-text";
    text.id = id + "-text";
    text.setAttribute("aria-live", "polite");
    box.appendChild(meter);
    box.appendChild(text);
    var anchor = input.closest(".password-field") || input;
    anchor.parentNode.insertBefore(box, anchor.nextSibling);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + text.id).trim());

    var timer = null;
    var lastKey = null;
    var sequence = 0;
    var shortAnswer = null; // the server's answer for a password shorter than minlength: the same for every one

    function show(answer) {
      if (!answer) {
        box.className = "strength is-empty";
        meter.value = 0;
        text.textContent = "";
        return;
      }
      var score = Math.max(0, Math.min(4, Number(answer.score) || 0));
      meter.value = score;
      box.className = "strength " + (answer.ok ? "is-ok" : "is-refused") + " score-" + score;
      text.textContent = String(answer.message || "");
    }

    function unavailable(status) {
      box.className = "strength is-unavailable";
      meter.value = 0;
      text.textContent = status === 429
        ? "Too many strength checks for now. Your password is still checked when you submit."
        : "The strength check is unavailable right now. Your password is still checked when you submit.";
    }

    function isShort(password) {
      return input.minLength > 0 && codePoints(password) < input.minLength;
    }

    function check() {
      timer = null;
      var password = input.value;
      if (!password) {
        lastKey = null;
        sequence++;
        show(null);
        return;
      }
      if (shortAnswer && isShort(password)) {
        lastKey = null;
        sequence++;
        show(shortAnswer);
        return;
      }
      var payload = contextOf(input);
      payload.password = password;
      var key = JSON.stringify(payload);
      if (key === lastKey) return;
      lastKey = key;
      if (Object.prototype.hasOwnProperty.call(strengthCache, key)) {
        sequence++;
        show(strengthCache[key]);
        return;
      }
      var mine = ++sequence;
      var wasShort = isShort(password);
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: key,
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(function (res) {
          if (!res.ok) throw res.status;
          return res.json();
        })
        .then(function (answer) {
          if (strengthCacheSize > 100) {
            strengthCache = {};
            strengthCacheSize = 0;
          }
          strengthCache[key] = answer;
          strengthCacheSize++;
          if (wasShort && !answer.ok) shortAnswer = answer;
          if (mine === sequence) show(answer);
        })
        .catch(function (status) {
          if (mine !== sequence) return;
          lastKey = null; // ask again on the next change
          unavailable(status);
        });
    }

    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(check, DEBOUNCE_MS);
    }

    input.addEventListener("input", schedule);
    contextFields(input).forEach(function (field) {
      field.addEventListener("input", function () {
        if (input.value) schedule();
      });
    });
    if (input.value) schedule();
  }

  /* 4. Theme switch: system -> the other scheme -> the one after -> system again; remembered in localStorage. */
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

  /* 5. A team address suggested from the team name (the server's slugify: services/teams.ts). */
  function slugify(name) {
    return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "").slice(0, 48).replace(/-+$/, "");
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
    document.querySelectorAll("input[data-strength-meter]").forEach(enhanceStrength);
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
