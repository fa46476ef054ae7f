// Starts Swagger UI on the hub's own OpenAPI document. A file rather than an inline script, so the page runs under
// the hub's Content-Security-Policy (script-src 'self').
(function () {
  'use strict';

  // Someone signed in to the agent app tries calls with their session: cookie-authenticated writes need its CSRF
  // token, which GET /me gives. Signed out, it answers 401 and calls go without one (or with a bearer token set under
  // "Authorize").
  const csrf = fetch('/api/v1/me', { credentials: 'same-origin' })
    .then(r => (r.ok ? r.json() : null))
    .then(me => (me && me.csrf_token) || null)
    .catch(() => null);

  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // the public validator's badge is an image from another site, which the CSP refuses
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    requestInterceptor: req => {
      const write = !['GET', 'HEAD', 'OPTIONS'].includes((req.method || 'GET').toUpperCase());
      if (!write) return req;
      return csrf.then(token => {
        if (token && !req.headers['X-CSRF-Token']) req.headers['X-CSRF-Token'] = token;
        return req;
      });
    }
  });
})();
