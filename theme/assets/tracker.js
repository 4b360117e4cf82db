/* "Track your report" (docs/tracker.md). From the case reference and access code a
   person types, the name of the case's file is worked out here, with Web Crypto
   (SHA-256), exactly as generator/privacy/tracker_codes.py names it; then that one file
   is fetched from this site. Nothing else is sent anywhere, and every lookup does the
   same work whether or not the case exists: a wrong code and an unknown reference both
   ask for a file that is not there.

   The file holds only codes and dates; the words shown come from the page itself (the
   headings with ids stage-... and outcome-..., which comms staff edit). Everything is
   built with textContent or copied from the page. */
(function () {
  'use strict';

  var PURPOSE = 'enforcement-site tracker file v1\n';
  var ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  var CODE_LENGTH = 12;
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
                'August', 'September', 'October', 'November', 'December'];
  // Fallback words, should the page lose a heading.
  var STAGE_NAMES = {
    'received': 'Report received', 'acknowledged': 'Report acknowledged',
    'visited': 'Site visit', 'investigating': 'Investigation',
    'formal-action-considered': 'Formal action being considered',
    'notice-served': 'Notice served', 'closed': 'Case closed'
  };

  var script = document.currentScript;
  var folder = new URL('../track/', script ? script.src : document.baseURI);

  /* The same rules as typed_reference and typed_code in tracker_codes.py. */
  function typedReference(text) {
    return text.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
  }
  function typedCode(text) {
    var code = text.normalize('NFKC').toUpperCase()
      .replace(/[\s\-\u2010-\u2015\u2212]/g, '');
    if (code.length !== CODE_LENGTH) { return ''; }
    for (var i = 0; i < code.length; i++) {
      if (ALPHABET.indexOf(code.charAt(i)) < 0) { return ''; }
    }
    return code;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  function fileName(reference, code) {
    var text = PURPOSE + typedReference(reference) + '\n' + typedCode(code);
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then(hex);
  }
  window.enforcementTracker = {typedReference: typedReference, typedCode: typedCode,
                               fileName: fileName};  // for the test that both sides agree

  var form = document.getElementById('tracker-form');
  if (!form) { return; }
  var status = document.getElementById('tracker-status');
  var result = document.getElementById('tracker-result');
  var heading = document.getElementById('tracker-result-heading');
  var body = document.getElementById('tracker-result-body');
  var fields = {
    reference: {input: document.getElementById('tracker-reference'),
                error: document.getElementById('tracker-reference-error'),
                hint: 'tracker-reference-hint'},
    code: {input: document.getElementById('tracker-code'),
           error: document.getElementById('tracker-code-error'),
           hint: 'tracker-code-hint'}
  };

  if (!(window.crypto && crypto.subtle && window.fetch && window.TextEncoder)) {
    // An old browser, or a page not served over https: say so, with the other ways.
    status.textContent = 'Your browser cannot look up reports on this page. '
      + 'Please contact us instead: see "Other ways to get an update" below.';
    return;
  }
  form.hidden = false;

  function longDate(iso) {
    if (!iso) { return 'date not recorded'; }
    var parts = iso.split('-');
    return Number(parts[2]) + ' ' + MONTHS[Number(parts[1]) - 1] + ' ' + parts[0];
  }

  function element(tag, text, className) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (className) { e.className = className; }
    return e;
  }

  /* The page's own words for a stage or an outcome: its heading's text, and copies of
     what follows the heading up to the next heading. */
  function words(id, fallback) {
    var found = document.getElementById(id);
    var said = {name: found ? found.textContent.trim() : fallback, text: []};
    for (var e = found && found.nextElementSibling; e && !/^H[1-6]$/.test(e.tagName);
         e = e.nextElementSibling) {
      var copy = e.cloneNode(true);
      copy.removeAttribute('id');
      Array.prototype.forEach.call(copy.querySelectorAll('[id]'), function (c) {
        c.removeAttribute('id');
      });
      said.text.push(copy);
    }
    return said;
  }
  function stageWords(stage) { return words('stage-' + stage, STAGE_NAMES[stage] || stage); }

  function setError(field, message) {
    field.error.textContent = message;
    field.error.hidden = !message;
    if (message) {
      field.input.setAttribute('aria-invalid', 'true');
      field.input.setAttribute('aria-describedby', field.error.id + ' ' + field.hint);
    } else {
      field.input.removeAttribute('aria-invalid');
      field.input.setAttribute('aria-describedby', field.hint);
    }
  }

  function show(data) {
    body.textContent = '';
    var stages = data.stages;
    var current = stages[stages.length - 1];
    var now = stageWords(current[0]);
    var where = element('p', null, 'tracker-now');
    where.appendChild(document.createTextNode('Where it is up to: '));
    where.appendChild(element('strong', now.name));
    where.appendChild(document.createTextNode(
      current[1] ? ' (since ' + longDate(current[1]) + ').' : '.'));
    body.appendChild(where);
    now.text.forEach(function (e) { body.appendChild(e); });

    if (data.outcome) {
      var outcome = words('outcome-' + data.outcome, 'Closed');
      var p = element('p', 'Outcome: ');
      p.appendChild(element('strong', outcome.name));
      body.appendChild(p);
      outcome.text.forEach(function (e) { body.appendChild(e); });
    }

    if (data.next) {
      body.appendChild(element('h3', 'Next step'));
      var next = element('p');
      next.appendChild(element('strong', stageWords(data.next).name));
      var target = '. We do not have a target date for this step.';
      if (data.target) {
        target = '. Our target date is ' + longDate(data.target) + '. '
          + (data.on_time ? 'We are on time.'
                          : 'We have missed this target. We are sorry for the delay.');
      }
      next.appendChild(document.createTextNode(target));
      body.appendChild(next);
    }

    body.appendChild(element('h3', 'Steps so far'));
    var list = element('ol', null, 'tracker-steps');
    stages.forEach(function (stage) {
      var item = element('li');
      item.appendChild(element('span', stageWords(stage[0]).name, 'tracker-step'));
      item.appendChild(document.createTextNode(': '));
      item.appendChild(element('span', longDate(stage[1]), 'tracker-date'));
      list.appendChild(item);
    });
    body.appendChild(list);
    body.appendChild(element('p', 'This is what our records said on '
      + longDate(data.as_of) + '. We update this page every night.', 'tracker-as-of'));
    result.hidden = false;
    status.textContent = '';
    heading.focus();  // a screen reader reads the heading; Tab goes on from here
  }

  function notFound() {
    result.hidden = true;
    body.textContent = '';
    status.textContent = 'We could not find a report with that case reference and '
      + 'access code. Check both against our letter and try again. If it still does not '
      + 'work, contact us: see "Other ways to get an update" below.';
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var reference = fields.reference.input.value;
    var code = fields.code.input.value;
    setError(fields.reference, typedReference(reference) ? ''
             : 'Enter the case reference from our letter.');
    setError(fields.code, typedCode(code) ? ''
             : (code.trim() ? 'The access code has 12 letters and numbers, like '
                + 'K7QM-3XHP-9TDA. Check it against our letter.'
                : 'Enter the access code from our letter.'));
    var wrong = !typedReference(reference) ? fields.reference
      : !typedCode(code) ? fields.code : null;
    if (wrong) {
      status.textContent = 'There is a problem with what you typed.';
      wrong.input.focus();
      return;
    }
    result.hidden = true;
    status.textContent = 'Looking up your report…';
    fileName(reference, code).then(function (name) {
      return fetch(new URL(name + '.json', folder), {
        cache: 'no-store', credentials: 'omit', redirect: 'error',
        referrerPolicy: 'no-referrer'});
    }).then(function (response) {
      if (!response.ok) { return null; }
      return response.json();
    }).then(function (data) {
      if (data && data.version === 1 && data.stages && data.stages.length) {
        show(data);
      } else {
        notFound();
      }
    }).catch(function () {
      result.hidden = true;
      status.textContent = 'Something went wrong while looking up your report. Check '
        + 'your internet connection and try again.';
    });
  });
}());
