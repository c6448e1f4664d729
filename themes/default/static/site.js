// Large-text mode (适老化): a toggle in the header, remembered on this device.
(function () {
  var root = document.documentElement;
  var button = document.getElementById("large-toggle");
  if (!button) return;
  function show() {
    var on = root.classList.contains("large");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "标准字号" : "大字模式";
  }
  button.hidden = false;
  show();
  button.addEventListener("click", function () {
    root.classList.toggle("large");
    try { localStorage.setItem("gongshi-large", root.classList.contains("large") ? "1" : "0"); } catch (e) {}
    show();
  });
})();
