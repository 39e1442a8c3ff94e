/*
 * The article form's 定时发布 (an enhancement: without this file the form shows the time
 * inputs and both help texts, and the server applies the same rule).
 * Unchecked: the 发布时间 inputs are hidden and the row says what time the article gets
 * ("发布时自动使用发布的时刻"); checked: the inputs are shown.
 */
(function () {
  "use strict";

  function setUp() {
    var box = document.getElementById("id_is_scheduled");
    var row = document.querySelector(".form-row.field-published_at");
    var inputs = row && row.querySelector("p.datetime");
    if (!box || !inputs) return;
    var help = row.querySelector(".help");
    var note = document.createElement("div");
    note.className = "readonly publication-time-note";
    note.textContent = box.getAttribute("data-unscheduled-note");
    inputs.parentNode.insertBefore(note, inputs);

    function update() {
      inputs.style.display = box.checked ? "" : "none";
      if (help) help.style.display = box.checked ? "" : "none";
      note.style.display = box.checked ? "none" : "";
    }
    box.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
