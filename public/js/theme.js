/* Gatehouse: applies the stored theme choice before the first paint (loaded in <head>, not deferred). Without a
   stored choice the page follows the system (prefers-color-scheme); gatehouse.js runs the switch button. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("has-js"); // lets the stylesheet show controls that need JavaScript, such as the theme button
  try {
    var theme = window.localStorage.getItem("gatehouse.theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
  } catch (e) {
    /* storage disabled: follow the system */
  }
})();
