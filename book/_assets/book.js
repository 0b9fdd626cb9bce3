// Loaded on every page, before the theme's (deferred) Font Awesome script.
//
// The theme's Font Awesome replaces every <i class="fa ..."> with an <svg>. The ipywidgets
// Play and Button views later look for their <i> to switch icons (play/pause) and throw when it
// is gone, which also stops jslink'ed widgets from updating. "nest" keeps the <i> and puts the
// <svg> inside it.
window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, {
  autoReplaceSvg: "nest",
});
