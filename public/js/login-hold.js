// The "check your email" page of a held sign-in: asks every 2 seconds whether the hold was decided and reloads
// the page once it was, so the sign-in goes on sooner than the page's own refresh. Only an enhancement: without
// JavaScript the page's meta refresh does the same, a little later.
(function () {
  "use strict";
  var card = document.querySelector("[data-hold-status]");
  if (!card || !window.fetch) return;
  var url = card.getAttribute("data-hold-status");
  var busy = false;
  function check() {
    if (busy) return;
    busy = true;
    fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        return res.ok ? res.json() : { status: "pending" };
      })
      .then(function (body) {
        if (body && body.status && body.status !== "pending") window.location.reload();
      })
      .catch(function () {
        /* offline for a moment: the meta refresh still runs */
      })
      .then(function () {
        busy = false;
      });
  }
  window.setInterval(check, 2000);
})();
