/* Adds a filter box and sortable columns to tables marked data-sortable. Without
   JavaScript the tables are plain, complete lists, split into pages. */
(function () {
  'use strict';

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? (cell.getAttribute('data-sort') || cell.textContent).trim().toLowerCase() : '';
  }

  function enhance(table, number) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.className = 'table-status';

    var label = document.createElement('label');
    var id = 'table-filter-' + number;
    label.setAttribute('for', id);
    label.textContent = 'Filter this list by address, reference, type or status';
    var input = document.createElement('input');
    input.type = 'search';
    input.id = id;
    input.autocomplete = 'off';
    var box = document.createElement('div');
    box.className = 'table-filter';
    box.appendChild(label);
    box.appendChild(input);
    var holder = table.closest('.table-scroll') || table;
    holder.parentNode.insertBefore(box, holder);
    holder.parentNode.insertBefore(status, holder);

    input.addEventListener('input', function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = shown + ' of ' + rows.length + ' entries shown';
    });

    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      button.textContent = th.textContent;
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (other) {
          other.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
        status.textContent = 'Sorted by ' + button.textContent +
          (ascending ? ', A to Z' : ', Z to A');
      });
    });
  }

  function init() {
    var tables = document.querySelectorAll('table[data-sortable]');
    for (var i = 0; i < tables.length; i++) { enhance(tables[i], i); }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
