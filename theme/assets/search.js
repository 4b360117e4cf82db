/* Starts Pagefind's search box on the search page; a ?q= in the address (from the
   search forms on other pages) is searched straight away. */
(function () {
  'use strict';
  function init() {
    if (!window.PagefindUI) { return; }
    var ui = new PagefindUI({ element: '#site-search', showSubResults: true,
                              showImages: false, resetStyles: false });
    var query = new URLSearchParams(window.location.search).get('q');
    if (query) { ui.triggerSearch(query); }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
