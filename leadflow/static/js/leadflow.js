// Leadflow's small behaviours. No inline scripts (the CSP forbids them).
// htmx requests carry the CSRF token through hx-headers on <body> (base.html).

// Horizontal strips (pipeline switcher, kanban): bring the current item into view on a phone.
document.addEventListener("DOMContentLoaded", function () {
  var current = document.querySelector(".pipeline-switch [aria-current]");
  if (current && current.scrollIntoView) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
    window.scrollTo(0, 0);
  }
});
