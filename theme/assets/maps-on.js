/* Loaded before a page's map box: marks the page as able to show maps, so that the box
   is shown (site.css hides `.map-only` otherwise: without JavaScript it would be an
   empty box; the table below it has the same information). Material's own switch
   from `no-js` to `js` comes too late: a map drawn in a hidden box has no size. */
document.documentElement.classList.add('maps-on');
