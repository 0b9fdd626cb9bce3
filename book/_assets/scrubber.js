// Kernel-free controls of "Neural Networks, Verified" (nbcore.widgets.kernel_free_html).
//
// Each control is a <div class="nbcore-kf"> holding a labelled <input type="range"> over
// precomputed <img> frames (all but the current one `hidden`), optional per-frame readouts and
// an optional Play/Pause button. This script, a few kB loaded by every page, replaces the
// ipywidgets HTML manager (about 5 MB with its Font Awesome) that the saved ipywidgets needed.
// Moving the range shows its frame, writes the value next to it and into aria-valuetext
// (a screen reader hears "lr = 0.10", not the index). Keyboard: the range input's own keys
// (arrows, Page Up/Down, Home, End); the Play button is an ordinary <button>. The frames are
// files loaded lazily (scripts/sphinx_local.py 9.): a control's all once the reader reaches it.
(function () {
  "use strict";

  function setup(box) {
    if (box.dataset.kfReady) return;
    box.dataset.kfReady = "1";
    var input = box.querySelector("input.nbcore-kf-range");
    var value = box.querySelector(".nbcore-kf-value");
    var frames = box.querySelectorAll(".nbcore-kf-frame");
    var readouts = box.querySelectorAll(".nbcore-kf-readout");
    var button = box.querySelector(".nbcore-kf-play");
    var labels = JSON.parse(box.dataset.labels || "[]");
    var name = box.dataset.description || "";
    var last = frames.length - 1;
    var timer = null;

    function show(i) {
      i = Math.max(0, Math.min(last, i | 0));
      for (var k = 0; k < frames.length; k++) frames[k].hidden = k !== i;
      for (var r = 0; r < readouts.length; r++) readouts[r].hidden = r !== i;
      var label = labels[i] !== undefined ? String(labels[i]) : String(i);
      if (value) value.textContent = label;
      input.setAttribute("aria-valuetext", name + " = " + label);
      if (String(input.value) !== String(i)) input.value = i;
    }

    function setPlaying(on) {
      if (!button) return;
      button.dataset.state = on ? "playing" : "paused";
      button.setAttribute("aria-label", on ? "Pause" : "Play");
      button.title = on ? "Pause" : "Play";
      button.querySelector(".nbcore-kf-play-text").textContent = on ? "Pause" : "Play";
    }

    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      setPlaying(false);
    }

    input.addEventListener("input", function () {
      show(+input.value);
    });
    input.addEventListener("change", function () {
      show(+input.value);
    });
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (timer !== null) return stop();
        if (+input.value >= last) show(0); // at the end, Play starts again
        setPlaying(true);
        timer = setInterval(function () {
          var next = +input.value + 1;
          show(next);
          if (next >= last) stop();
        }, +box.dataset.interval || 1000);
      });
      input.addEventListener("pointerdown", stop);
      input.addEventListener("keydown", stop);
    }
    // The frames are separate files, fetched lazily (a hidden one not at all): once the reader
    // reaches for the control, fetch them all, so that moving it shows each without a wait.
    function fetchFrames() {
      for (var k = 0; k < frames.length; k++) frames[k].loading = "eager";
      ["pointerenter", "touchstart", "focusin"].forEach(function (type) {
        box.removeEventListener(type, fetchFrames);
      });
    }
    ["pointerenter", "touchstart", "focusin"].forEach(function (type) {
      box.addEventListener(type, fetchFrames, { passive: true });
    });
    show(+input.value);
  }

  function setupAll() {
    var boxes = document.querySelectorAll(".nbcore-kf");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
