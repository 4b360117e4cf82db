/*
 * The menu button in the header (theme/partials/header.html) opens and closes
 * Material's navigation drawer, shown below 1220 px. Material keeps the drawer's
 * state in a checkbox (#__drawer) that its own script also sets (it closes the drawer
 * after a link is followed): the button clicks that checkbox, and its aria-expanded
 * and the drawer's `inert` follow the checkbox's "change" events. A closed drawer
 * is inert (and hidden by site.css), so its links are not in the tab order while off
 * screen. Escape, the "Close menu" button and moving focus out of the drawer close it.
 */
(function () {
  "use strict";
  var toggle = document.getElementById("__drawer");
  var button = document.querySelector(".site-menu-button");
  var drawer = document.getElementById("site-drawer");
  if (!toggle || !button || !drawer) { return; }
  var close = drawer.querySelector(".site-nav__close");
  // Material's breakpoint for the drawer: 76.25em, as in its stylesheet.
  var wide = window.matchMedia("(min-width: 76.25em)");

  function sync() {
    var open = toggle.checked && !wide.matches;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (wide.matches || open) {
      drawer.removeAttribute("inert");
    } else {
      drawer.setAttribute("inert", "");
    }
  }

  function shut(returnFocus) {
    if (toggle.checked) { toggle.click(); }
    if (returnFocus) { button.focus(); }
  }

  button.addEventListener("click", function () {
    toggle.click();
    if (toggle.checked) {
      var first = drawer.querySelector("a[href], button:not([hidden])");
      if (first) { first.focus(); }
    }
  });
  if (close) {
    close.hidden = false;
    close.addEventListener("click", function () { shut(true); });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked && !wide.matches) { shut(true); }
  });
  drawer.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    if (toggle.checked && !wide.matches && next && !drawer.contains(next) &&
        next !== button) {
      shut(false);
    }
  });
  toggle.addEventListener("change", sync);
  if (wide.addEventListener) { wide.addEventListener("change", sync); }
  button.hidden = false;
  sync();
}());
