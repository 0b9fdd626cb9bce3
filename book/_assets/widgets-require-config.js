// Loaded only on pages with saved ipywidgets, between require.js and the widget manager.
//
// 1. Point require.js at the widget manager served from this book's static folder, so the saved
//    widgets (and their Font Awesome files, found relative to each module's address) load with
//    no request to another host.
// 2. The widget manager typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue); the
//    book uses MathJax 3, which has no Hub. Give every MathJax object (the config object, then
//    MathJax 3 itself once it replaces it) a small non-enumerable Hub that calls MathJax 3.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  var dir = here + "vendor/html-manager";
  require.config({
    paths: {
      "@jupyter-widgets": dir,
      "@jupyter-widgets/html-manager/dist": dir,
    },
  });

  var hub = {
    Queue: function (job) {
      var el = job && job[2];
      var mj = window.MathJax;
      if (!mj || !mj.startup || !mj.startup.promise) return; // startup typesets the page
      mj.startup.promise
        .then(function () {
          return mj.typesetPromise ? mj.typesetPromise(el ? [el] : undefined) : null;
        })
        .catch(function () {});
    },
  };
  function addHub(obj) {
    if (obj && typeof obj === "object" && !obj.Hub) {
      try {
        Object.defineProperty(obj, "Hub", { value: hub, enumerable: false, configurable: true });
      } catch (e) {}
    }
    return obj;
  }
  var current = addHub(window.MathJax || {});
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () {
      return current;
    },
    set: function (v) {
      current = addHub(v);
    },
  });
})();
