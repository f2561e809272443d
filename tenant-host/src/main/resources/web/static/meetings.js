// The Calendly meeting of one task, on the task page: show it, cancel, mark or take back a no-show.
// (The contact page uses the plugin's drop-in section instead.) Self-contained; talks only to the plugin's action routes
// (/settings/calendly/contacts/..., /settings/calendly/meetings/...) through calbridge.json, which
// sends the CSRF token. API data goes into the page as text only, never as markup.
(function () {
  'use strict';
  var root = document.getElementById('calendly-meetings');
  if (!root || !window.calbridge) return;
  var api = '/settings/calendly';
  var contactId = root.getAttribute('data-contact-id');
  var taskId = root.getAttribute('data-task-id');

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.indexOf('on') === 0 && typeof v === 'function') el.addEventListener(k.substring(2), v);
      else if (k === 'value' || k === 'disabled') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      (Array.isArray(c) ? c : [c]).forEach(function (x) {
        el.appendChild(x instanceof Node ? x : document.createTextNode(String(x)));
      });
    }
    return el;
  }

  function when(iso) {
    if (!iso) return '\u2013';
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function say(text, bad) {
    status.className = bad ? 'notice error' : 'notice';
    status.textContent = text;
    status.hidden = !text;
  }

  function failed(e) {
    say((e.error && e.error.message) || e.message, true);
  }

  var status = h('p', { class: 'notice', hidden: true, role: 'status' });
  var list = h('div', { class: 'meetings' });
  var refresh = h('button', { type: 'button', class: 'secondary', onclick: function () { load(true); } },
    'Refresh from Calendly');
  root.appendChild(h('div', { class: 'actions' }, refresh));
  root.appendChild(status);
  root.appendChild(list);

  function act(method, url, body, done) {
    return calbridge.json(method, url, body).then(function (r) {
      say(r.already_done ? 'Calendly already showed this; nothing changed.' : done);
      setTimeout(function () { load(false); }, 1500);
    }, failed);
  }

  function row(m) {
    var buttons = [];
    var base = api + '/meetings/' + encodeURIComponent(m.id);
    if (m.status === 'ACTIVE' && m.start_time && new Date(m.start_time) > new Date()) {
      var reason = h('input', { type: 'text', placeholder: 'Reason (the invitee sees it)', 'aria-label': 'Reason' });
      buttons.push(reason, h('button', { type: 'button', class: 'danger', 'data-action': 'cancel', onclick: function () {
        if (!window.confirm('Cancel this meeting in Calendly? The invitee is told.')) return;
        act('POST', base + '/cancel', { reason: reason.value || null }, 'Canceled in Calendly; the task follows shortly.');
      } }, 'Cancel meeting'));
    }
    if (m.status !== 'RESCHEDULED') {
      buttons.push(m.no_show
        ? h('button', { type: 'button', class: 'secondary', 'data-action': 'unmark', onclick: function () {
          act('DELETE', base + '/no-show', undefined, 'No-show taken back in Calendly.');
        } }, 'Not a no-show')
        : h('button', { type: 'button', class: 'secondary', 'data-action': 'no-show', onclick: function () {
          act('PUT', base + '/no-show', undefined, 'Marked as no-show in Calendly.');
        } }, 'Mark no-show'));
    }
    return h('tr', { 'data-meeting-id': m.id },
      h('td', null, m.event_name || 'Meeting'), h('td', null, when(m.start_time)),
      h('td', null, m.status.toLowerCase() + (m.no_show ? ', no-show' : '') + (m.awaiting_webhook ? ' (updating)' : '')),
      h('td', null, h('span', { class: 'actions' }, buttons)));
  }

  function table(title, meetings) {
    meetings = meetings.filter(function (m) { return m.task_id === taskId; });
    if (!meetings.length) return h('p', { class: 'empty' }, 'No ' + title.toLowerCase() + ' meetings.');
    return [h('h3', null, title), h('table', { class: 'grid' },
      h('thead', null, h('tr', null, h('th', null, 'Meeting'), h('th', null, 'When'), h('th', null, 'Status'), h('th', null, ''))),
      h('tbody', null, meetings.map(row)))];
  }

  function load(fromCalendly) {
    var url = api + '/contacts/' + encodeURIComponent(contactId) + '/meetings' + (fromCalendly ? '?refresh=true' : '');
    calbridge.json('GET', url).then(function (r) {
      while (list.firstChild) list.removeChild(list.firstChild);
      list.appendChild(h('div', null, table('Upcoming', r.upcoming), table('Past', r.past)));
      if (fromCalendly) say('Read from Calendly.');
    }, failed);
  }

  load(false);
})();
