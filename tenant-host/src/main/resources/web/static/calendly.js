// The Calendly pages (/app/calendly and /app/calendly/webhooks). Everything shown comes from the
// plugin's settings API through calbridge.json (which sends the CSRF token). Data from the API is
// only ever put into the page as text or attribute values, never parsed as markup.
(function () {
  'use strict';
  var root = document.getElementById('calendly');
  if (!root || !window.calbridge) return;
  var api = root.getAttribute('data-api');

  // ---- small DOM helpers ------------------------------------------------------------------------

  /** h('p', {class: 'note'}, 'text', otherNode, [more, nodes]): builds an element safely. */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.indexOf('on') === 0 && typeof v === 'function') el.addEventListener(k.substring(2), v);
      else if (k === 'checked' || k === 'value' || k === 'selected' || k === 'disabled') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function replace(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    for (var i = 1; i < arguments.length; i++) append(el, arguments[i]);
  }

  function when(iso) {
    if (!iso) return '\u2013';
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function describe(e) {
    if (e && e.error) return e.error.message + (e.error.field ? ' (' + e.error.field + ')' : '');
    return e && e.message ? e.message : String(e);
  }

  function failure(e) {
    return h('p', { class: 'notice error', role: 'alert' }, describe(e));
  }

  function path(id, rest) {
    return api + '/' + encodeURIComponent(id) + (rest || '');
  }

  var MODES = { platform_app: 'One-click Calendly connection', tenant_app: 'Your own Calendly OAuth app', personal_token: 'Personal access token' };
  var TOKEN_STATES = {
    valid: 'valid', refresh_due: 'renewed automatically at the next use', not_expiring: 'does not expire (personal token)',
    missing: 'missing', reauthorization_required: 'no longer accepted: connect again', none: 'none (disconnected)'
  };

  if (root.getAttribute('data-page') === 'webhooks') webhookPage(); else mainPage();

  // ---- /app/calendly --------------------------------------------------------------------------

  function mainPage() {
    var box = document.getElementById('integrations');
    calbridge.json('GET', api).then(function (list) {
      var platform = document.getElementById('connect-platform');
      if (platform && !list.connect.platform_app_available) platform.hidden = true;
      var redirect = document.getElementById('redirect-uri');
      if (redirect && list.connect.redirect_uri) redirect.textContent = list.connect.redirect_uri;
      var live = list.integrations.filter(function (i) { return i.status !== 'DISCONNECTED'; });
      var demoConnected = document.getElementById('demo-connected');
      var demoDisconnected = document.getElementById('demo-disconnected');
      if (demoConnected && demoDisconnected) {
        demoConnected.hidden = !live.length;
        demoDisconnected.hidden = !!live.length;
      }
      var gone = list.integrations.filter(function (i) { return i.status === 'DISCONNECTED'; });
      replace(box,
        live.length ? live.map(integrationCard)
          : h('p', { class: 'empty', id: 'no-integrations' }, 'No Calendly account is connected yet. Connect one below.'),
        gone.length ? h('details', { class: 'disconnected' }, h('summary', {}, 'Disconnected accounts (' + gone.length + ')'),
          gone.map(integrationCard)) : null);
    }).catch(function (e) { replace(box, failure(e)); });
  }

  function integrationCard(i) {
    var who = i.calendly.user_name || i.calendly.user_email || i.calendly.user_uri || 'Calendly account';
    var card = h('section', { class: 'card integration', 'data-integration': i.integration_id },
      h('h2', {}, who, ' ', h('span', { class: 'status integration-status status-' + i.status.toLowerCase() }, i.status.toLowerCase().replace(/_/g, ' ')),
        ' ', h('span', { class: i.health.healthy ? 'health ok' : 'health bad' }, i.health.healthy ? 'working' : 'needs attention')),
      healthPanel(i),
      actions(i));
    if (i.status !== 'DISCONNECTED') {
      var editors = h('div', { class: 'editors' }, h('p', { class: 'empty' }, 'Loading the settings\u2026'));
      card.appendChild(editors);
      loadEditors(i, editors);
    }
    return card;
  }

  function healthPanel(i) {
    var hh = i.health;
    var d = hh.deliveries;
    var cr = i.credentials;
    var stored = [cr.client_secret_set && 'client secret', cr.access_token_set && 'access token', cr.refresh_token_set && 'refresh token',
      cr.personal_token_set && 'personal token', cr.signing_key_set && 'webhook signing key',
      cr.app_signing_key_set && "your app's webhook signing key"].filter(Boolean);
    return h('div', { class: 'health-panel' },
      hh.problems.length ? h('ul', { class: 'problems' }, hh.problems.map(function (p) {
        return h('li', { class: 'notice error', 'data-problem': p.code }, p.message);
      })) : null,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Connected with'), h('dd', {}, MODES[i.mode] || i.mode, cr.client_id ? h('small', {}, ' (client id ' + cr.client_id + ')') : null),
        h('dt', {}, 'Calendly account'), h('dd', {}, [i.calendly.user_name, i.calendly.user_email && '<' + i.calendly.user_email + '>',
          i.calendly.role && '(' + i.calendly.role + ')'].filter(Boolean).join(' ') || '\u2013'),
        h('dt', {}, 'Organization'), h('dd', {}, i.calendly.organization_uri || '\u2013'),
        h('dt', {}, 'Token'), h('dd', { class: 'token-state' }, TOKEN_STATES[hh.token.state] || hh.token.state,
          hh.token.expires_at ? h('small', {}, ' \u00b7 expires ' + when(hh.token.expires_at)) : null,
          hh.token.failure ? h('small', {}, ' \u00b7 last failure: ' + hh.token.failure) : null),
        h('dt', {}, 'Stored secrets'), h('dd', {}, stored.length ? stored.join(', ') : 'none', h('small', {}, ' (never shown)')),
        h('dt', {}, 'Scopes'), h('dd', {}, hh.scopes.length ? hh.scopes.join(' ') : '\u2013'),
        h('dt', {}, 'Webhooks'), h('dd', { class: 'subscription' }, (hh.webhooks.subscription_state || 'not set up')
          + (hh.webhooks.subscription_scope ? ', ' + hh.webhooks.subscription_scope + ' scope' : ''),
          hh.webhooks.checked_at ? h('small', {}, ' \u00b7 checked ' + when(hh.webhooks.checked_at)) : null),
        h('dt', {}, 'Last delivery'), h('dd', { class: 'last-delivery' }, d.last_received_at
          ? when(d.last_received_at) + ' \u00b7 ' + d.last_event + ' \u00b7 ' + d.last_status : 'none yet'),
        h('dt', {}, 'Waiting / failed'), h('dd', {}, d.pending + d.processing + ' waiting, ' + d.dead + ' set aside (dead), '
          + d.rejected_last_24h + ' refused in the last 24 h'),
        hh.webhooks.gap_since ? [h('dt', {}, 'Possible gap'), h('dd', {}, 'deliveries since ' + when(hh.webhooks.gap_since) + ' may be missing')] : null,
        syncFacts(hh.sync),
        h('dt', {}, 'Connected'), h('dd', {}, when(i.connected_at), i.disconnected_at ? ' \u00b7 disconnected ' + when(i.disconnected_at) : '')));
  }

  // Import, backfill and sweep (the plugin's health.sync): progress such as "importing: 340 of 1,200", last results.
  function syncFacts(sync) {
    if (!sync) return null;
    var out = [];
    if (sync.job) {
      out.push(h('dt', {}, 'From Calendly'), h('dd', { class: 'sync-progress' }, sync.job.progress,
        sync.job.paused_until ? h('small', {}, ' \u00b7 paused for Calendly\'s rate limit until ' + when(sync.job.paused_until)) : null));
    }
    [['last_import', 'Last import'], ['last_backfill', 'Last recovery'], ['last_sweep', 'Last check']].forEach(function (k) {
      var r = sync[k[0]];
      if (r) out.push(h('dt', {}, k[1]), h('dd', { class: 'sync-' + k[0] }, r.error ? r.error : r.message,
        r.finished_at ? h('small', {}, ' \u00b7 ' + when(r.finished_at)) : null));
    });
    return out.length ? out : null;
  }

  function actions(i) {
    var bar = h('p', { class: 'actions' },
      h('a', { href: '/app/calendly/webhooks?integration=' + encodeURIComponent(i.integration_id), class: 'webhook-log-link' }, 'Webhook log'));
    if (i.health.deliveries.dead > 0) {
      bar.appendChild(document.createTextNode(' '));
      bar.appendChild(replayDeadButton(i.integration_id, function () { location.reload(); }));
    }
    if (i.status !== 'DISCONNECTED') {
      bar.appendChild(document.createTextNode(' '));
      bar.appendChild(h('form', {
        method: 'post', action: path(i.integration_id, '/disconnect'), class: 'inline disconnect',
        'data-confirm': 'Disconnect this Calendly account? New bookings will no longer arrive.'
      }, h('input', { type: 'hidden', name: '_csrf', value: calbridge.csrfToken }), h('button', { type: 'submit', class: 'danger' }, 'Disconnect')));
    }
    return bar;
  }

  function replayDeadButton(id, done) {
    var button = h('button', { type: 'button', class: 'replay-dead' }, 'Replay all dead deliveries');
    button.addEventListener('click', function () {
      button.disabled = true;
      calbridge.json('POST', path(id, '/webhooks/replay-dead-letters')).then(function (r) {
        button.textContent = r.replayed + ' queued again';
        setTimeout(done, 800);
      }).catch(function (e) { button.disabled = false; button.after(failure(e)); });
    });
    return button;
  }

  function loadEditors(i, box) {
    var id = i.integration_id;
    Promise.all([
      calbridge.json('GET', path(id)),
      calbridge.json('GET', path(id, '/choices')),
      calbridge.json('GET', path(id, '/event-types')).catch(function (e) { return { failed: e }; })
    ]).then(function (r) {
      var detail = r[0], choices = r[1], types = r[2];
      replace(box, settingsForm(id, detail.settings, choices), mappingSection(id, types, detail.mappings, choices), dryRunSection(id));
    }).catch(function (e) { replace(box, failure(e)); });
  }

  // ---- form controls, each bound to a JSON path in data-field ---------------------------------------

  function members(choices) {
    return choices.team_members.map(function (m) { return { id: m.id, label: m.name ? m.name + ' (' + m.email + ')' : m.email }; });
  }

  function checkbox(field, label, value) {
    return h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-field': field, 'data-kind': 'bool', checked: !!value }), ' ', label);
  }

  function select(field, label, options, value, empty) {
    var sel = h('select', { 'data-field': field, 'data-kind': 'choice' },
      h('option', { value: '' }, empty),
      options.map(function (o) { return h('option', { value: o.id, selected: o.id === value }, o.label); }));
    return h('label', {}, label, ' ', sel);
  }

  function triState(field, label, value, yes, no) {
    var sel = h('select', { 'data-field': field, 'data-kind': 'tri' },
      h('option', { value: '' }, '\u2014 as in the defaults \u2014'),
      h('option', { value: 'true', selected: value === true }, yes),
      h('option', { value: 'false', selected: value === false }, no));
    return h('label', {}, label, ' ', sel);
  }

  function text(field, label, value, placeholder) {
    return h('label', {}, label, ' ', h('input', { type: 'text', 'data-field': field, 'data-kind': 'text', value: value || '', placeholder: placeholder || '' }));
  }

  function area(field, label, value) {
    var ta = h('textarea', { 'data-field': field, 'data-kind': 'text', rows: 4 });
    ta.value = value || '';
    return h('label', {}, label, ' ', ta);
  }

  function number(field, label, value) {
    return h('label', {}, label, ' ', h('input', { type: 'number', step: 1, 'data-field': field, 'data-kind': 'int', value: value === null || value === undefined ? '' : String(value) }));
  }

  /** Checkboxes for ids; with {optional: true} a leading switch decides between "inherit" (null) and a list. */
  function checks(field, label, options, selected, optional) {
    var chosen = selected || [];
    var group = h('div', { class: 'checks', 'data-field': field, 'data-kind': optional ? 'ids-or-null' : 'ids' },
      options.length ? options.map(function (o) {
        return h('label', { class: 'check' }, h('input', { type: 'checkbox', value: o.id, 'data-label': o.label, checked: chosen.indexOf(o.id) >= 0 }), ' ', o.label);
      }) : h('span', { class: 'empty' }, 'none defined'));
    if (!optional) return h('fieldset', { class: 'ids' }, h('legend', {}, label), group);
    var override = h('input', { type: 'checkbox', class: 'override', checked: selected !== null && selected !== undefined });
    function sync() {
      group.querySelectorAll('input').forEach(function (c) { c.disabled = !override.checked; });
      group.setAttribute('data-override', override.checked ? 'true' : 'false');
    }
    override.addEventListener('change', sync);
    sync();
    return h('fieldset', { class: 'ids' }, h('legend', {}, h('label', { class: 'check' }, override, ' ', label)), group);
  }

  function fieldset(legend) {
    var children = Array.prototype.slice.call(arguments, 1);
    return h('fieldset', {}, h('legend', {}, legend), children);
  }

  /** The JSON the form's controls describe, nested by the dots in data-field. */
  function collect(form) {
    var out = {};
    form.querySelectorAll('[data-field]').forEach(function (el) {
      var kind = el.getAttribute('data-kind');
      var value;
      if (kind === 'bool') value = el.checked;
      else if (kind === 'choice') value = el.value === '' ? null : el.value;
      else if (kind === 'tri') value = el.value === '' ? null : el.value === 'true';
      else if (kind === 'text') value = el.value === '' ? null : el.value;
      else if (kind === 'int') value = el.value === '' ? null : Number(el.value);
      else if (kind === 'ids' || kind === 'ids-or-null') {
        value = kind === 'ids-or-null' && el.getAttribute('data-override') !== 'true' ? null
          : Array.prototype.map.call(el.querySelectorAll('input:checked'), function (c) { return c.value; });
      } else return;
      var keys = el.getAttribute('data-field').split('.');
      var at = out;
      keys.slice(0, -1).forEach(function (k) { at = at[k] = at[k] || {}; });
      at[keys[keys.length - 1]] = value;
    });
    return out;
  }

  /** Shows an API error next to the form, and marks the control its field names (list_ids[1] marks list_ids). */
  function showResult(form, outcome, e) {
    form.querySelectorAll('.invalid').forEach(function (el) { el.classList.remove('invalid'); });
    var status = form.querySelector('.form-status');
    if (!e) { replace(status, h('span', { class: 'saved', role: 'status' }, outcome)); return; }
    replace(status, failure(e));
    // A mapping's rules are sent under "rules": its errors name rules.owner_id, its control is owner_id.
    var field = e.error && e.error.field ? e.error.field.replace(/\[\d+\]$/, '').replace(/^rules\./, '') : null;
    var el = field ? form.querySelector('[data-field="' + field + '"]') : null;
    if (el) { el.classList.add('invalid'); if (el.focus) el.focus(); }
  }

  // ---- default settings -----------------------------------------------------------------------------

  function settingsForm(id, s, c) {
    var form = h('form', { class: 'settings-form stack', 'data-integration': id },
      h('h3', {}, 'What every booking does'),
      checkbox('create_contacts', 'Create a contact for each invitee (off: only contacts that already exist are updated)', s.create_contacts),
      select('contact_status', 'Contact status after a booking', c.statuses, s.contact_status, '\u2014 keep the contact\u2019s status \u2014'),
      select('default_owner_id', 'Owner when no one else is', members(c), s.default_owner_id, '\u2014 nobody \u2014'),
      checkbox('assign_calendly_host', 'The meeting\u2019s Calendly host owns the task (and an unowned contact) when they are on the team', s.assign_calendly_host),
      checks('list_ids', 'Subscribe the invitee to', c.lists, s.list_ids),
      checks('tag_ids', 'Tag the contact with', c.tags, s.tag_ids),
      fieldset('Follow-up task',
        checkbox('task.enabled', 'Create a task for each booking', s.task.enabled),
        text('task.title', 'Title', s.task.title),
        area('task.description', 'Description', s.task.description),
        number('task.due_offset_minutes', 'Due (minutes after the meeting starts; negative: before)', s.task.due_offset_minutes)),
      fieldset('When a booking is canceled',
        checks('on_cancel.tag_ids', 'Tag the contact with', c.tags, s.on_cancel.tag_ids),
        select('on_cancel.status', 'Set the status to', c.statuses, s.on_cancel.status, '\u2014 leave it \u2014'),
        checkbox('on_cancel.cancel_task', 'Cancel the booking\u2019s task', s.on_cancel.cancel_task)),
      fieldset('When an invitee is marked as a no-show',
        checks('on_no_show.tag_ids', 'Tag the contact with', c.tags, s.on_no_show.tag_ids),
        select('on_no_show.status', 'Set the status to', c.statuses, s.on_no_show.status, '\u2014 leave it \u2014'),
        checkbox('on_no_show.complete_task', 'Mark the booking\u2019s task done', s.on_no_show.complete_task),
        checkbox('on_no_show.create_task', 'Create a follow-up task', s.on_no_show.create_task),
        text('on_no_show.task_title', 'Follow-up title', s.on_no_show.task_title),
        area('on_no_show.task_description', 'Follow-up description', s.on_no_show.task_description),
        number('on_no_show.task_due_offset_minutes', 'Follow-up due (minutes after the no-show was marked)', s.on_no_show.task_due_offset_minutes)),
      fieldset('When a booking is rescheduled',
        checks('on_reschedule.tag_ids', 'Tag the contact with', c.tags, s.on_reschedule.tag_ids),
        checkbox('on_reschedule.move_task', 'Move the task to the new time', s.on_reschedule.move_task)),
      fieldset('Routing forms',
        checkbox('routing_forms.enabled', 'Create or update a contact from each routing-form submission with an email answer', s.routing_forms.enabled),
        checks('routing_forms.list_ids', 'Subscribe the submitter to', c.lists, s.routing_forms.list_ids),
        checks('routing_forms.tag_ids', 'Tag the contact with', c.tags, s.routing_forms.tag_ids),
        select('routing_forms.status', 'Set the status to', c.statuses, s.routing_forms.status, '\u2014 leave it \u2014')),
      h('p', {}, h('button', { type: 'submit', class: 'save-settings' }, 'Save settings'), ' ', h('span', { class: 'form-status' })));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      calbridge.json('PUT', path(id, '/settings'), collect(form))
        .then(function () { showResult(form, 'Settings saved.'); })
        .catch(function (e) { showResult(form, null, e); });
    });
    return form;
  }

  // ---- mappings ---------------------------------------------------------------------------------------

  function mappingSection(id, types, mappings, c) {
    var section = h('section', { class: 'mappings' }, h('h3', {}, 'Per Calendly event type'),
      h('p', { class: 'note' }, 'Each event type follows the settings above; what you set here replaces them for that event type only.'));
    var byUri = {};
    mappings.forEach(function (m) { byUri[m.event_type_uri] = m; });
    if (types.failed) {
      section.appendChild(failure(types.failed));
    } else if (types.stale && !types.event_types.length) {
      section.appendChild(h('p', { class: 'notice' }, types.stale_reason));
    } else if (!types.event_types.length) {
      section.appendChild(h('p', { class: 'empty' }, 'This Calendly account has no event types yet.'));
    } else {
      if (types.stale) {
        section.appendChild(h('p', { class: 'notice', 'data-stale': 'true' }, 'Event types as of ' + types.fetched_at + ': ' + types.stale_reason));
      }
      types.event_types.forEach(function (t) {
        section.appendChild(mappingEditor(id, t, byUri[t.uri], c));
        delete byUri[t.uri];
      });
    }
    Object.keys(byUri).forEach(function (uri) {
      var m = byUri[uri];
      section.appendChild(mappingEditor(id, { uri: uri, name: m.event_type_name || uri, gone: true }, m, c));
    });
    return section;
  }

  function mappingEditor(id, t, mapping, c) {
    var r = mapping ? mapping.rules : {};
    var state = h('span', { class: 'mapping-state' }, mapping ? 'customized' : 'uses the defaults');
    var form = h('form', { class: 'mapping stack', 'data-event-type': t.uri, 'data-event-type-name': t.name || '' },
      h('h4', {}, t.name || t.uri, ' ', h('small', {}, [t.duration && t.duration + ' min', t.kind, t.owner_name && 'host ' + t.owner_name,
        t.active === false && 'inactive', t.gone && 'no longer at Calendly'].filter(Boolean).join(' \u00b7 ')), ' ', state),
      checks('list_ids', 'Choose the lists for this event type', c.lists, r.list_ids, true),
      checks('tag_ids', 'Choose the tags for this event type', c.tags, r.tag_ids, true),
      select('crm_status', 'Contact status', c.statuses, r.crm_status, '\u2014 as in the defaults \u2014'),
      select('owner_id', 'Owner', members(c), r.owner_id, '\u2014 as in the defaults \u2014'),
      triState('assign_calendly_host', 'The Calendly host owns', r.assign_calendly_host, 'yes', 'no'),
      triState('create_task', 'Follow-up task', r.create_task, 'create one', 'none'),
      text('task_title', 'Task title', r.task_title, 'as in the defaults'),
      area('task_description', 'Task description', r.task_description),
      number('task_due_offset_minutes', 'Task due (minutes after the start)', r.task_due_offset_minutes));
    var remove = h('button', { type: 'button', class: 'remove-mapping secondary', hidden: !mapping }, 'Use the defaults again');
    form.appendChild(h('p', {}, h('button', { type: 'submit', class: 'save-mapping' }, 'Save for ' + (t.name || 'this event type')), ' ', remove, ' ',
      h('span', { class: 'form-status' })));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      calbridge.json('PUT', path(id, '/mappings'), { event_type_uri: t.uri, event_type_name: t.name || null, rules: collect(form) })
        .then(function (saved) { mapping = saved; remove.hidden = false; state.textContent = 'customized'; showResult(form, 'Saved.'); })
        .catch(function (e) { showResult(form, null, e); });
    });
    remove.addEventListener('click', function () {
      if (!mapping) return;
      calbridge.json('DELETE', path(id, '/mappings/' + encodeURIComponent(mapping.id)))
        .then(function () { mapping = null; remove.hidden = true; state.textContent = 'uses the defaults'; showResult(form, 'Removed: the defaults apply.'); })
        .catch(function (e) { showResult(form, null, e); });
    });
    return form;
  }

  // ---- dry run --------------------------------------------------------------------------------------

  function dryRunSection(id) {
    var limit = h('select', { 'aria-label': 'How many bookings' }, [5, 10, 20, 50, 100].map(function (n) {
      return h('option', { value: String(n), selected: n === 10 }, 'latest ' + n);
    }));
    var out = h('div', { class: 'dry-run-result' });
    var button = h('button', { type: 'button', class: 'run-dry-run' }, 'Preview');
    button.addEventListener('click', function () {
      replace(out, h('p', { class: 'empty' }, 'Computing\u2026'));
      calbridge.json('GET', path(id, '/dry-run?limit=' + limit.value)).then(function (r) { replace(out, dryRunTable(r.items)); })
        .catch(function (e) { replace(out, failure(e)); });
    });
    return h('section', { class: 'dry-run' }, h('h3', {}, 'Dry run'),
      h('p', { class: 'note' }, 'What the settings as saved would do with recent bookings. Nothing is changed.'),
      h('p', {}, limit, ' ', button), out);
  }

  function names(choices) {
    return choices.length ? choices.map(function (c) { return c.label || c.id; }).join(', ') : '\u2013';
  }

  function dryRunTable(items) {
    if (!items.length) return h('p', { class: 'empty' }, 'No bookings received yet.');
    return h('table', { class: 'grid dry-run-table' },
      h('thead', {}, h('tr', {}, ['Meeting', 'Invitee', 'Booking', 'Contact', 'Owner', 'Lists', 'Tags', 'Task', 'Problems'].map(function (t) { return h('th', {}, t); }))),
      h('tbody', {}, items.map(function (i) {
        return h('tr', {},
          h('td', {}, i.event_name || '\u2013', h('br'), h('small', {}, when(i.start_time))),
          h('td', {}, i.name || '', h('br'), h('small', {}, i.email || '')),
          h('td', {}, i.booking_status.toLowerCase() + (i.no_show ? ', no-show' : ''), h('br'), h('small', {}, i.mapping_id ? 'event-type mapping' : 'defaults')),
          h('td', {}, i.contact_action + (i.contact_status ? ' \u2192 ' + i.contact_status : '')),
          h('td', {}, i.owner ? (i.owner.label || i.owner.id) : '\u2013', h('br'), h('small', {}, i.owner_source)),
          h('td', {}, names(i.lists)),
          h('td', {}, names(i.tags)),
          h('td', {}, i.task ? [i.task.title, h('br'), h('small', {}, i.task.due_local + ' \u00b7 ' + i.task.state.toLowerCase())] : 'none'),
          h('td', {}, i.problems.length ? h('ul', { class: 'problems' }, i.problems.map(function (p) { return h('li', {}, p); })) : '\u2013'));
      })));
  }

  // ---- /app/calendly/webhooks -------------------------------------------------------------------------

  function webhookPage() {
    var id = root.getAttribute('data-integration');
    var box = document.getElementById('webhook-log');
    if (!id) { replace(box, h('p', { class: 'notice error' }, 'Open the webhook log from an integration on the Calendly page.')); return; }
    var query = { page: 1, size: 25, status: '', event: '' };
    var status = h('select', { name: 'status', 'aria-label': 'Status' }, ['', 'PENDING', 'PROCESSING', 'DONE', 'IGNORED', 'DEAD', 'REJECTED']
      .map(function (s) { return h('option', { value: s }, s ? s.toLowerCase() : 'every status'); }));
    var event = h('select', { name: 'event', 'aria-label': 'Event' }, ['', 'invitee.created', 'invitee.canceled', 'invitee_no_show.created',
      'invitee_no_show.deleted', 'routing_form_submission.created'].map(function (s) { return h('option', { value: s }, s || 'every event'); }));
    var filters = h('form', { class: 'filters' }, status, event, h('button', { type: 'submit' }, 'Show'));
    var summary = h('div', { class: 'log-summary' });
    var table = h('div', { class: 'log-table' });
    var pager = h('p', { class: 'pager' });
    filters.addEventListener('submit', function (ev) {
      ev.preventDefault();
      query.status = status.value; query.event = event.value; query.page = 1;
      load();
    });
    replace(box, summary, filters, table, pager);

    function load() {
      calbridge.json('GET', path(id, '/health')).then(function (i) {
        replace(summary, h('p', {}, 'Calendly account ', h('strong', {}, i.calendly.user_name || i.calendly.user_email || i.integration_id),
          ' \u00b7 ' + i.health.deliveries.pending + ' waiting \u00b7 ' + i.health.deliveries.dead + ' dead ',
          i.health.deliveries.dead > 0 ? replayDeadButton(id, load) : null));
      }).catch(function (e) { replace(summary, failure(e)); });
      var q = '?page=' + query.page + '&size=' + query.size + (query.status ? '&status=' + query.status : '')
        + (query.event ? '&event=' + encodeURIComponent(query.event) : '');
      calbridge.json('GET', path(id, '/webhooks' + q)).then(function (r) {
        replace(table, r.items.length ? logTable(r.items) : h('p', { class: 'empty' }, 'No deliveries.'));
        replace(pager,
          query.page > 1 ? h('button', { type: 'button', class: 'secondary', onclick: function () { query.page--; load(); } }, '\u2190 Newer') : null, ' ',
          'Page ' + r.page, ' ',
          r.has_more ? h('button', { type: 'button', class: 'secondary', onclick: function () { query.page++; load(); } }, 'Older \u2192') : null);
      }).catch(function (e) { replace(table, failure(e)); replace(pager); });
    }

    function logTable(items) {
      return h('table', { class: 'grid webhook-table' },
        h('thead', {}, h('tr', {}, ['Received', 'Event', 'Status', 'Attempts', 'Details', ''].map(function (t) { return h('th', {}, t); }))),
        h('tbody', {}, items.map(function (e) {
          var replay = null;
          if (e.replayable) {
            replay = h('button', { type: 'button', class: 'replay', 'data-inbox-id': String(e.id) }, 'Replay');
            replay.addEventListener('click', function () {
              replay.disabled = true;
              calbridge.json('POST', path(id, '/webhooks/' + e.id + '/replay')).then(function () {
                replay.textContent = 'Queued again';
                setTimeout(load, 1000);
              }).catch(function (err) { replay.disabled = false; replay.after(failure(err)); });
            });
          }
          return h('tr', { 'data-inbox-id': String(e.id), 'data-status': e.status },
            h('td', {}, when(e.received_at)),
            h('td', {}, e.kind === 'rejection' ? 'refused at the door' : e.event),
            h('td', {}, h('span', { class: 'status status-' + e.status.toLowerCase() }, e.status.toLowerCase())),
            h('td', {}, String(e.attempts)),
            h('td', {}, e.reason ? e.reason + (e.detail ? ': ' + e.detail : '') : '', e.last_error ? h('small', {}, e.last_error) : null,
              e.processed_at ? h('small', {}, ' processed ' + when(e.processed_at)) : null,
              e.payload ? h('details', {}, h('summary', {}, 'Payload (personal data redacted)'), h('pre', {}, JSON.stringify(e.payload, null, 2))) : null),
            h('td', {}, replay));
        })));
    }

    load();
  }
})();
