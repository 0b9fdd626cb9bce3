// Point require.js at the widget manager served from this book's static folder, so the saved
// ipywidgets (and their Font Awesome files) load with no request to another host.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({ paths: { "@jupyter-widgets": here + "vendor/html-manager" } });
})();
