/*
 * 分享到微信 on an article's page. Without this file the control is a link to the QR code
 * of the page's address (an SVG made by the site); with it, the link opens a small panel
 * beside it with the code and how to use it, closed again by the link, Esc or a click
 * elsewhere.
 */
(function () {
  "use strict";

  function setup(link, index) {
    var panel = document.createElement("div");
    panel.className = "share-panel";
    panel.id = "share-panel-" + index;
    panel.hidden = true;
    var image = document.createElement("img");
    image.alt = "本文网址的二维码";
    image.width = 185;
    image.height = 185;
    var hint = document.createElement("p");
    hint.textContent = "用微信“扫一扫”扫描二维码，在手机上打开本文后即可分享。";
    panel.appendChild(image);
    panel.appendChild(hint);
    link.parentNode.insertBefore(panel, link.nextSibling);
    link.setAttribute("role", "button");
    link.setAttribute("aria-expanded", "false");
    link.setAttribute("aria-controls", panel.id);

    function show(open) {
      if (open && !image.src) image.src = link.href; // loaded when first asked for
      panel.hidden = !open;
      link.setAttribute("aria-expanded", open ? "true" : "false");
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      show(panel.hidden);
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") { // a button answers the space bar too
        event.preventDefault();
        show(panel.hidden);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        show(false);
        link.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !panel.contains(event.target) && event.target !== link) show(false);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-share-qr]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
