/* Gatehouse — the live password strength meter; progressive enhancement only (the server checks on submit).

   Markup it understands:
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
*/
(function () {
  "use strict";

  var nextId = 0;

  var STRENGTH_KEYS = ["username", "email", "name"];
  var strengthCache = {};
  var strengthCacheSize = 0;
  var DEBOUNCE_MS = 250;

  // the meter's own words (the server's answers come in the page's language: POST /password/strength gets its
  // lang); the page's <html lang> picks them, English otherwise
  var WORDS = {
    en: {
      label: "Password strength",
      busy: "Too many strength checks for now. Your password is still checked when you submit.",
      unavailable: "The strength check is unavailable right now. Your password is still checked when you submit.",
    },
    de: {
      label: "Passwortstärke",
      busy: "Zu viele Stärkeprüfungen im Moment. Ihr Passwort wird beim Absenden trotzdem geprüft.",
      unavailable: "Die Stärkeprüfung ist gerade nicht verfügbar. Ihr Passwort wird beim Absenden trotzdem geprüft.",
    },
    fr: {
      label: "Robustesse du mot de passe",
      busy: "Trop de vérifications de robustesse pour le moment. Votre mot de passe sera tout de même vérifié à l’envoi.",
      unavailable: "La vérification de robustesse est indisponible pour le moment. Votre mot de passe sera tout de même vérifié à l’envoi.",
    },
  };
  var words = WORDS[(document.documentElement.lang || "en").split("-")[0]] || WORDS.en;

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
    meter.setAttribute("aria-label", words.label);
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
      text.textContent = status === 429 ? words.busy : words.unavailable;
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
      // the answer's words in the page's own language
      if (document.documentElement.lang) payload.lang = document.documentElement.lang;
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

  function init() {
    document.querySelectorAll("input[data-strength-meter]").forEach(enhanceStrength);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
