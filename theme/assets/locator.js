/* The small map on each register entry. Settings come from map-settings.js, which the
   build writes from the configuration; Leaflet is served from this site. */
(function () {
  'use strict';
  function init() {
    var settings = window.ENFORCEMENT_TILES;
    if (!window.L || !settings) { return; }
    var boxes = document.querySelectorAll('.locator-map');
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
      var map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
      L.tileLayer(settings.url, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
      L.circleMarker(point, { radius: 9, weight: 3, color: '#ffffff',
                              fillColor: '#0b0c0c', fillOpacity: 1 }).addTo(map);
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
