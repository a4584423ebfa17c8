// Starts Swagger UI on nintei's own OpenAPI document (served offline; no inline script under the CSP).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
