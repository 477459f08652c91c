// Starts Swagger UI on /api/docs (the page has no inline script: the strict CSP forbids it). The document's
// URL comes from the container's data-spec-url; swagger-ui-bundle.js (served from npm) defines SwaggerUIBundle.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") return;
  window.ui = window.SwaggerUIBundle({
    url: node.getAttribute("data-spec-url"),
    domNode: node,
    deepLinking: true,
    // no badge from validator.swagger.io: the page talks to this server only
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
