// The storefront's enhancements (docs/storefront.md): every page works without them.
(function () {
  "use strict";
  var root = document.documentElement;  // already "js": the page's head said so

  // The listing's filters: a drawer on a phone, opened and closed by its buttons.
  function drawer(open) {
    root.classList.toggle("filters-drawer-open", open);
    var toggle = document.querySelector("[data-drawer-open]");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = document.querySelector("#filters input, #filters select");
      if (first) first.focus();
    }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-drawer-open]")) drawer(true);
    else if (event.target.closest("[data-drawer-close]")) drawer(false);
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id === "filters") drawer(false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && root.classList.contains("filters-drawer-open")) drawer(false);
  });

  // The gallery: the thumbnails and the arrow keys move between the photos in place.
  function gallery(section) {
    var frames = section.querySelector(".gallery-frames");
    var thumbs = section.querySelectorAll("[data-frame]");
    if (!frames) return;
    function current() {
      return Math.round(frames.scrollLeft / frames.clientWidth);
    }
    function show(index) {
      var count = frames.children.length;
      index = (index + count) % count;
      frames.scrollTo({ left: index * frames.clientWidth, behavior: "smooth" });
      thumbs.forEach(function (thumb, at) {
        if (at === index) thumb.setAttribute("aria-current", "true");
        else thumb.removeAttribute("aria-current");
      });
    }
    thumbs.forEach(function (thumb) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        show(Number(thumb.dataset.frame));
      });
    });
    frames.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") show(current() + 1);
      else if (event.key === "ArrowLeft") show(current() - 1);
      else return;
      event.preventDefault();
    });
  }
  document.querySelectorAll("[data-gallery]").forEach(gallery);
})();
