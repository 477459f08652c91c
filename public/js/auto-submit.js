/* Gatehouse: submits the one form marked data-auto-submit once, as soon as the page is read (the SAML answer's
   same-site hop, routes/interaction/saml.ts). Without JavaScript its button does the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (form && !form.dataset.submitted) {
    form.dataset.submitted = "true";
    form.submit();
  }
})();
