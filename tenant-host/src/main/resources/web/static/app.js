// tenant-host's only script. Loaded by every page from /static (the CSP forbids inline scripts).
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute('content') : null;

  /**
   * fetch() for this site's state-changing calls: same-origin credentials, the CSRF token in
   * X-CSRF-Token, JSON by default. calbridge.json(method, url, body) resolves to the parsed body
   * and rejects with an Error carrying .status and .error ({code, message, field}) otherwise.
   */
  function csrfFetch(url, options) {
    options = Object.assign({ credentials: 'same-origin' }, options || {});
    var headers = new Headers(options.headers || {});
    if (token && !headers.has('X-CSRF-Token')) headers.set('X-CSRF-Token', token);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    options.headers = headers;
    return fetch(url, options);
  }

  function json(method, url, body) {
    var options = { method: method };
    if (body !== undefined) {
      options.body = JSON.stringify(body);
      options.headers = { 'Content-Type': 'application/json' };
    }
    return csrfFetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var parsed = text ? JSON.parse(text) : null;
        if (!response.ok) {
          var error = (parsed && parsed.error) || { code: 'http_' + response.status, message: response.statusText };
          var e = new Error(error.message);
          e.status = response.status;
          e.error = error;
          throw e;
        }
        return parsed;
      });
    });
  }

  window.calbridge = { csrfToken: token, fetch: csrfFetch, json: json };

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute('data-autosubmit') && el.form) el.form.submit();
  });
  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
