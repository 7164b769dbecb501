// The API documentation page: Swagger UI (vendor/swagger-ui) renders the document named by #api-docs's data-url.
(() => {
  const target = document.getElementById("api-docs");
  if (!target || !window.SwaggerUIBundle) {
    return;
  }
  window.SwaggerUIBundle({
    url: target.dataset.url,
    domNode: target,
    deepLinking: true,
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
  });
})();
