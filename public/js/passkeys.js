// Passkeys and security keys in the browser, with @simplewebauthn/browser (served from our own origin at
// /static/vendor/simplewebauthn-browser.js, the global SimpleWebAuthnBrowser). Three places use it:
// - the sign-in page ([data-passkey-login]): the identifier field's autofill offers passkeys (conditional UI,
//   when the browser supports it) and the "Sign in with a passkey" button asks for one;
// - the second-factor page ([data-passkey-second]): "Use your passkey or security key";
// - the account's Passkeys page ([data-passkey-register]): name + current password, then the new passkey;
// - the account's data page ([data-passkey-reauth]): "Delete my account with a passkey" (re-authentication).
// Each asks the server for options (JSON, with the page's CSRF token), lets the browser talk to the
// authenticator, and posts the answer in an ordinary form, so the server's redirects and pages do the rest.
// Without JavaScript or WebAuthn the passkey controls stay hidden and the password form works as before.
(function () {
  "use strict";
  var lib = window.SimpleWebAuthnBrowser;
  if (!lib || !lib.browserSupportsWebAuthn || !lib.browserSupportsWebAuthn() || !window.fetch) return;

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (json) {
          if (!res.ok) throw new Error(json && json.message ? json.message : "The server refused the request (" + res.status + ").");
          return json;
        });
    });
  }

  function say(el, message) {
    if (!el) return;
    el.textContent = message || "";
    el.hidden = !message;
  }

  /** the words for a browser-side failure (cancelled, timed out, no key) */
  function browserError(err) {
    if (err && (err.name === "NotAllowedError" || err.name === "AbortError"))
      return "The passkey request was cancelled or timed out. Try again.";
    if (err && err.name === "InvalidStateError") return "This passkey or security key is already registered to your account.";
    return (err && err.message) || "Your browser could not use a passkey here.";
  }

  function csrfOf(form) {
    var input = form.querySelector('input[name="_csrf"]');
    return input ? input.value : "";
  }

  /** asks options for `factor`, runs the ceremony, and posts the answer with `form` */
  function authenticate(form, factor, autofill, _status) {
    var optionsUrl = form.getAttribute("data-options-url");
    return postJson(optionsUrl, { _csrf: csrfOf(form), factor: factor })
      .then(function (options) {
        return lib.startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill });
      })
      .then(function (answer) {
        form.querySelector('input[name="response"]').value = JSON.stringify(answer);
        var remember = document.getElementById("remember");
        var carried = form.querySelector('input[name="remember"]');
        if (carried) carried.value = remember && remember.checked ? "1" : "";
        if (carried && !carried.value) carried.disabled = true;
        form.submit();
      });
  }

  // ------------------------------------------------------------------ sign-in page: autofill and the button
  var login = document.querySelector("[data-passkey-login]");
  if (login) {
    var loginStatus = document.querySelector("[data-passkey-status]");
    var button = login.querySelector("button");
    login.hidden = false;
    var startAutofill = function () {
      if (!lib.browserSupportsWebAuthnAutofill) return;
      lib.browserSupportsWebAuthnAutofill().then(function (ok) {
        if (!ok) return;
        // the autofill offer is not something the person asked for: when the browser ends it (no passkey here,
        // aborted by the button, not allowed) nothing is said; the button reports its own errors
        authenticate(login, "first", true, loginStatus).catch(function () {});
      });
    };
    button.addEventListener("click", function (event) {
      event.preventDefault();
      say(loginStatus, "");
      button.disabled = true;
      authenticate(login, "first", false, loginStatus).catch(function (err) {
        button.disabled = false;
        say(loginStatus, browserError(err));
      });
    });
    startAutofill();
  }

  // ------------------------------------------------------------------ second-factor page
  var second = document.querySelector("[data-passkey-second]");
  if (second) {
    var secondStatus = document.querySelector("[data-passkey-status]");
    var secondButton = second.querySelector("button");
    second.hidden = false;
    var noSupport = document.querySelector("[data-passkey-unsupported]");
    if (noSupport) noSupport.hidden = true;
    secondButton.addEventListener("click", function (event) {
      event.preventDefault();
      say(secondStatus, "");
      secondButton.disabled = true;
      authenticate(second, "second", false, secondStatus).catch(function (err) {
        secondButton.disabled = false;
        say(secondStatus, browserError(err));
      });
    });
  }

  // ------------------------------------------------------------------ account data page: delete with a passkey
  var reauth = document.querySelector("[data-passkey-reauth]");
  if (reauth) {
    var reauthStatus = reauth.querySelector("[data-passkey-status]");
    var reauthButton = reauth.querySelector('button[type="submit"]');
    reauth.hidden = false;
    var reauthUnsupported = document.querySelector("[data-passkey-unsupported]");
    if (reauthUnsupported) reauthUnsupported.hidden = true;
    reauth.addEventListener("submit", function (event) {
      event.preventDefault();
      say(reauthStatus, "");
      reauthButton.disabled = true;
      authenticate(reauth, "reauthenticate", false, reauthStatus).catch(function (err) {
        reauthButton.disabled = false;
        say(reauthStatus, browserError(err));
      });
    });
  }

  // ------------------------------------------------------------------ account page: add a passkey
  var register = document.querySelector("[data-passkey-register]");
  if (register) {
    var finish = document.querySelector("[data-passkey-register-finish]");
    var registerStatus = register.querySelector("[data-passkey-status]");
    var submit = register.querySelector('button[type="submit"]');
    register.hidden = false;
    var unsupported = document.querySelector("[data-passkey-unsupported]");
    if (unsupported) unsupported.hidden = true;
    register.addEventListener("submit", function (event) {
      event.preventDefault();
      say(registerStatus, "");
      submit.disabled = true;
      var pw = register.querySelector('input[name="password"]');
      var body = { _csrf: csrfOf(register), name: register.querySelector('input[name="name"]').value };
      if (pw) body.password = pw.value;
      postJson(register.getAttribute("data-options-url"), body)
        .then(function (options) {
          return lib.startRegistration({ optionsJSON: options });
        })
        .then(function (answer) {
          finish.querySelector('input[name="response"]').value = JSON.stringify(answer);
          finish.submit();
        })
        .catch(function (err) {
          submit.disabled = false;
          say(registerStatus, browserError(err));
        });
    });
  }
})();
