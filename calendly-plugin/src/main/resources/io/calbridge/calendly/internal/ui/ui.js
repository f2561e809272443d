// The Calendly settings UI works without this script. It only helps: a button shows that it is
// working and cannot be pressed twice, a disconnect or cancel asks first, and a scheduling link
// gets a "copy" button (without the script the link is still there to select).
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.closest('.cb')) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { ev.preventDefault(); return; }
    var busy = form.getAttribute('data-busy');
    var button = ev.submitter || form.querySelector('button[type=submit], button:not([type])');
    if (!button || button.disabled) { if (button) ev.preventDefault(); return; }
    // Disabled after this event, so the browser still sends the form (and the button's own value).
    setTimeout(function () {
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      if (busy) { button.setAttribute('data-label', button.textContent); button.textContent = busy; }
    }, 0);
  });
  document.querySelectorAll('.cb button[data-copy]').forEach(function (b) {
    var field = document.getElementById(b.getAttribute('data-copy'));
    if (!field) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      var copied = function () {
        b.textContent = b.getAttribute('data-copied');
        b.setAttribute('aria-live', 'polite');
      };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, function () {
          if (document.execCommand('copy')) copied();
        });
      } else if (document.execCommand('copy')) {
        copied();
      }
    });
  });
  // Back from the next page (bfcache): the buttons work again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('.cb button[aria-busy="true"]').forEach(function (b) {
      b.disabled = false;
      b.removeAttribute('aria-busy');
      if (b.hasAttribute('data-label')) b.textContent = b.getAttribute('data-label');
    });
  });
})();
