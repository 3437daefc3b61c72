// The report's only script, inlined: filters, collapsing subnet groups and the detail panel.
// It writes cell data with textContent only (never innerHTML), so names and raw output from
// user files and VMs cannot inject markup. Kept as plain ES2017 so any browser runs it.
export const SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('vpcheck-data').textContent);
  var panel = document.getElementById('detail');
  var body = document.getElementById('detail-body');
  var pinned = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function field(dl, name, value) {
    if (value === undefined || value === null || value === '') return;
    dl.appendChild(el('dt', '', name));
    dl.appendChild(el('dd', '', String(value)));
  }
  function section(title) {
    body.appendChild(el('h4', '', title));
  }
  function show(i, pin) {
    var c = data.cells[i];
    if (!c) return;
    body.textContent = '';
    var status = c.pass ? 'pass' : c.observed === 'error' ? 'error' : 'fail';
    var h = el('h3', 'detail-title', c.label + ' ');
    h.appendChild(el('span', 'badge ' + status, status));
    body.appendChild(h);
    var dl = el('dl');
    field(dl, 'topology / phase', c.topology + ' / ' + c.phase);
    field(dl, 'destination', c.toIp);
    field(dl, 'expected', c.expected);
    field(dl, 'observed', c.observed);
    field(dl, 'tries', c.tries.length);
    field(dl, 'loss', c.detail.loss);
    field(dl, 'rtt (ms)', c.detail.rttMs);
    field(dl, 'size (bytes)', c.size);
    field(dl, 'largest passing payload', c.detail.largestPayload);
    field(dl, 'bytes back', c.detail.bytes);
    field(dl, 'transfer (ms)', c.detail.transferMs);
    field(dl, 'throughput (Mbit/s)', c.detail.throughputMbps);
    field(dl, 'small probe beside it', c.detail.control);
    field(dl, 'converged (ms)', c.convergedMs);
    field(dl, 'source the upstream saw', c.detail.seenAs);
    field(dl, 'probe note', c.detail.note);
    body.appendChild(dl);
    section('Model reason');
    body.appendChild(el('p', 'reason', c.reason));
    if (c.guests && c.guests.length) {
      section("Guests' own view");
      c.guests.forEach(function (g) {
        body.appendChild(el('p', 'guest', g.vm + ': ' + g.view));
        g.departures.forEach(function (d) {
          body.appendChild(el('p', 'guest departs', g.vm + ' departs from the model: ' + d));
        });
      });
    }
    if (c.reproduce) {
      section('Reproduce');
      body.appendChild(el('p', '', 'In ' + c.from + "'s console:"));
      body.appendChild(el('pre', 'repro', c.reproduce.console));
      body.appendChild(el('p', '', "The model's path:"));
      body.appendChild(el('pre', 'repro', c.reproduce.explain));
    }
    section('Tries');
    c.tries.forEach(function (t, n) {
      body.appendChild(el('p', '', '#' + (n + 1) + ' ' + t.outcome + ' at ' + t.atMs + ' ms'));
      body.appendChild(el('pre', 'raw', t.raw));
    });
    (c.diagnostics || []).forEach(function (d) {
      section(d.title);
      if (d.command) body.appendChild(el('pre', 'cmd', d.command));
      body.appendChild(el('pre', 'raw', d.output));
    });
    panel.hidden = false;
    if (pin) {
      if (pinned) pinned.classList.remove('selected');
      pinned = document.querySelector('td.cell[data-i="' + i + '"]');
      if (pinned) pinned.classList.add('selected');
    }
  }

  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var cell = t.closest('td.cell');
    if (cell) return show(Number(cell.getAttribute('data-i')), true);
    var tog = t.closest('.tog');
    if (tog) return tog.closest('tbody').classList.toggle('collapsed');
    if (t.closest('#detail-close')) {
      if (pinned) pinned.classList.remove('selected');
      pinned = null;
      panel.hidden = true;
    }
  });
  document.addEventListener('mouseover', function (e) {
    var cell = e.target instanceof Element && e.target.closest('td.cell');
    if (cell && !pinned) show(Number(cell.getAttribute('data-i')), false);
  });

  var onlyFail = document.getElementById('only-fail');
  if (onlyFail) onlyFail.addEventListener('change', function () {
    document.body.classList.toggle('only-fail', onlyFail.checked);
  });
  var scope = document.getElementById('scope');
  if (scope) scope.addEventListener('change', function () {
    var v = scope.value, kind = v.split(':')[0], name = v.slice(kind.length + 1);
    document.querySelectorAll('[data-vpc]').forEach(function (e) {
      var match = !v || e.getAttribute('data-' + kind) === name;
      if (e.tagName === 'COL') e.style.visibility = match ? '' : 'collapse';
      else e.classList.toggle('out-of-scope', !match);
    });
  });
})();
`;
