/*
 * Enhancements only: every page works without this file.
 * - The headline slideshow advances by itself (not in 关怀模式, not for a reader who asked
 *   for reduced motion) and its dots scroll it in place.
 * - "打印本页" links open the browser's print dialog, which uses the print stylesheet
 *   (without JavaScript they lead to the print view, printed from the browser's menu).
 */
(function () {
  "use strict";

  function setupSlideshow(root) {
    var track = root.querySelector("[data-slides]");
    var dots = Array.prototype.slice.call(root.querySelectorAll("[data-slide-dot]"));
    if (!track || dots.length < 2) return;
    var current = 0;
    var timer = null;
    // Nothing moves by itself for a reader who asked for less motion, nor in 关怀模式 (适老化).
    var reduceMotion = (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) ||
      document.documentElement.classList.contains("care-mode");

    function show(index) {
      current = (index + dots.length) % dots.length;
      track.scrollTo({ left: track.clientWidth * current, behavior: reduceMotion ? "auto" : "smooth" });
      mark();
    }
    function mark() {
      dots.forEach(function (dot, i) {
        if (i === current) dot.setAttribute("aria-current", "true");
        else dot.removeAttribute("aria-current");
      });
    }
    function start() {
      if (reduceMotion || timer) return;
      timer = window.setInterval(function () { show(current + 1); }, 6000);
    }
    function stop() {
      window.clearInterval(timer);
      timer = null;
    }

    dots.forEach(function (dot, i) {
      dot.addEventListener("click", function (event) {
        event.preventDefault();
        show(i);
      });
    });
    track.addEventListener("scroll", function () {
      var index = Math.round(track.scrollLeft / Math.max(track.clientWidth, 1));
      if (index !== current) {
        current = index;
        mark();
      }
    }, { passive: true });
    root.addEventListener("mouseenter", stop);
    root.addEventListener("mouseleave", start);
    root.addEventListener("focusin", stop);
    root.addEventListener("focusout", start);
    mark();
    start();
  }

  function setupPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (link) {
      link.hidden = false;  // the print view's 打印 is hidden until it can open the dialog
      link.addEventListener("click", function (event) {
        event.preventDefault();
        window.print();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-slideshow]"), setupSlideshow);
    setupPrint();
  });
})();
