// Starts Swagger UI on the hub's own OpenAPI document. A file rather than an inline script, so the page runs under
// the hub's Content-Security-Policy (script-src 'self').
(function () {
  'use strict';

  // Someone signed in to the agent app tries calls with their session: cookie-authenticated writes need its CSRF
  // token, which GET /me gives (signed out, it answers 401 and calls go without one, or with a bearer token set under
  // "Authorize").
  let csrf = null;
  fetch('/api/v1/me', { credentials: 'same-origin' })
    .then(r => (r.ok ? r.json() : null))
    .then(me => { csrf = (me && me.csrf_token) || null; })
    .catch(() => {});

  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // the public validator badge is an image from another site: the CSP would refuse it
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    requestInterceptor: req => {
      const write = !['GET', 'HEAD', 'OPTIONS'].includes((req.method || 'GET').toUpperCase());
      if (csrf && write && !req.headers['X-CSRF-Token']) req.headers['X-CSRF-Token'] = csrf;
      return req;
    }
  });
})();
