/* What the maps' own library leaves out, for keyboard, screen reader and touch users:
   - the numbered circles that group nearby notices get a name ("12 register entries
     here: select to zoom in"), not just "12";
   - the mouse wheel scrolls the page, not the map, until the map is selected or
     focused (it traps page scrolling otherwise); it stops again when the pointer or
     focus leaves the map.
   Runs after each map's own script (maps/*.js) has made the map. */
(function () {
  'use strict';
  function nameCluster(element) {
    var count = (element.textContent || '').trim();
    if (!count || element.getAttribute('data-named') === count) { return; }
    element.setAttribute('aria-label', count + ' register entries here: select to zoom in');
    element.setAttribute('title', count + ' register entries here');
    element.setAttribute('data-named', count);
  }
  function watchClusters(box) {
    var pane = box.querySelector('.leaflet-marker-pane');
    if (!pane || !window.MutationObserver) { return; }
    Array.prototype.forEach.call(pane.querySelectorAll('.marker-cluster'), nameCluster);
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        Array.prototype.forEach.call(record.addedNodes, function (node) {
          if (node.classList && node.classList.contains('marker-cluster')) {
            nameCluster(node);
          }
        });
      });
    }).observe(pane, { childList: true });
  }
  function quietWheel(map) {
    if (!map || !map.scrollWheelZoom) { return; }
    map.scrollWheelZoom.disable();
    map.on('focus click', function () { map.scrollWheelZoom.enable(); });
    map.on('blur mouseout', function () { map.scrollWheelZoom.disable(); });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('.enforcement-map'), function (box) {
      quietWheel(window[box.id]);  // the map's own script names its map after the box
      watchClusters(box);
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
