// gongshi serve only (never in `gongshi build` output): reload this tab
// after each rebuild, and show build problems over the page.
(function () {
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "gongshi-problems";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:1.5rem;font:15px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "构建失败，页面显示的是上一次成功构建的结果。改好文件并保存后会自动刷新。\n\n" + text;
  }
  fetch("/__gongshi/status").then(function (r) { return r.json(); }).then(function (s) { if (!s.ok) show(s.message); });
  var events = new EventSource("/__gongshi/events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problems", function (e) { show(e.data); });
})();
