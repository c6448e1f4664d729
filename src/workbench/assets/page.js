// The workbench page: everything is fetched from this machine's gongshi
// with the session's token; text is set with textContent only.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="gongshi-token"]').content;
  var $ = function (id) { return document.getElementById(id); };
  var site = null;
  var ROLES = [["name", "姓名（打码公开）"], ["public", "公开"], ["tier", "档次"], ["amount", "金额"],
    ["id_number", "身份证号（不公开）"], ["guardian_id", "监护人身份证号（不公开）"], ["private", "不公开"]];
  var PUBLIC_ROLES = ["name", "public", "tier", "amount"];

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function api(path, opts) {
    opts = opts || {};
    var headers = Object.assign({ "X-Gongshi-Token": token }, opts.headers || {});
    var init = { method: opts.method || "GET", headers: headers };
    if (opts.json !== undefined) { init.body = JSON.stringify(opts.json); headers["Content-Type"] = "application/json"; }
    if (opts.body !== undefined) init.body = opts.body;
    return fetch(path, init).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: "工作台没有回应（" + r.status + "）" }; })
        .then(function (body) { body.status = r.status; body.ok = r.ok && body.ok !== false; return body; });
    }, function () { return { ok: false, message: "连不上工作台：它可能已经关闭" }; });
  }

  function show(box, res) {
    box.textContent = "";
    box.className = "result " + (res.ok ? "ok" : "bad");
    if (res.message) box.appendChild(el("p", res.message));
    (res.lines || []).forEach(function (l) { box.appendChild(el("p", l)); });
    var probs = res.problems || [];
    if (probs.length) {
      var ul = el("ul");
      probs.forEach(function (p) { ul.appendChild(el("li", typeof p === "string" ? p : where(p) + "：" + p.message)); });
      box.appendChild(ul);
    }
    (res.to_check || []).forEach(function (l, i) { if (i === 0) box.appendChild(el("p", "请核对：")); box.appendChild(el("p", "· " + l)); });
  }

  function where(p) { return p.file + (p.line > 0 ? " 第 " + p.line + " 行" : ""); }

  function busy(button, work) {
    button.disabled = true;
    return work().then(function (r) { button.disabled = false; return r; });
  }

  // ---- overview ----
  function loadOverview() {
    return api("/api/overview").then(function (o) {
      if (o.status === 409 || o.site === false) return noSite(o);
      if (!o.ok) { $("site-line").textContent = o.message || "读取站点失败"; showProblemsList(o.problems || []); return; }
      site = o;
      $("no-site").hidden = true;
      $("site").hidden = false;
      var line = $("site-line");
      line.textContent = o.title + "　今天：" + o.today_chinese + "　站点文件夹：";
      line.appendChild(el("span", o.root, "site-root"));
      $("lists-summary").textContent = "公示中 " + o.active + " 份，未开始 " + o.upcoming + " 份，已结束 " + o.ended + " 份。";
      $("next-change").textContent = "网站下次变化：" + o.next_change;
      var body = $("lists").tBodies[0];
      body.textContent = "";
      if (!o.lists.length) { var r = body.insertRow(); var c = r.insertCell(); c.colSpan = 8; c.textContent = "还没有公示名单（草稿不计）。"; }
      o.lists.forEach(function (l) {
        var r = body.insertRow();
        [l.school, l.programme, l.round, l.state, l.start + " 至 " + l.end, l.days_left, l.withdraw_day, l.next].forEach(function (t, i) {
          var c = r.insertCell(); c.textContent = t;
          if (i === 3 && l.state === "公示中") c.className = "state-active";
        });
      });
      var pb = $("publish-buttons");
      pb.textContent = "";
      o.targets.forEach(function (t) {
        var b = el("button", "发布到“" + t.name + "”");
        b.type = "button"; b.className = "publish"; b.dataset.target = t.name; b.title = t.describe;
        b.addEventListener("click", function () { act(b, "/api/publish", { target: t.name }); });
        pb.appendChild(b);
      });
      fillWizardDefaults(o);
      loadPublished(o);
    });
  }

  function loadPublished(o) {
    var ul = $("published");
    ul.textContent = "";
    if (!o.targets.length) { ul.appendChild(el("li", "site-config.toml 里还没有发布目标（[[publish]]）：生成的网站在 public 文件夹里。")); return; }
    api("/api/published").then(function (p) {
      ul.textContent = "";
      (p.targets || []).forEach(function (t) {
        var li = el("li", "“" + t.name + "”：" + t.text, t.ok ? "ok" : "bad");
        (t.problems || []).forEach(function (x) { li.appendChild(el("div", "· " + x)); });
        ul.appendChild(li);
      });
      if (!p.ok && p.message) ul.appendChild(el("li", p.message));
    });
  }

  function noSite(o) {
    $("site").hidden = true;
    $("no-site").hidden = false;
    $("site-line").textContent = "没有找到站点";
    $("no-site-text").textContent = (o.start_dir || "这个文件夹") + " 里没有 gongshi 站点（找不到 site-config.toml）。";
    if (!$("init-dir").value) $("init-dir").value = o.suggested || "";
  }

  // ---- problems ----
  function loadProblems() {
    return api("/api/problems").then(function (c) {
      var s = $("problems-status");
      if (!c.runs) { s.textContent = "正在检查……"; s.className = ""; return; }
      if (c.error) { s.textContent = "检查没有完成：" + c.error; s.className = "bad"; }
      else if (c.problems.length) { s.textContent = "发现 " + c.problems.length + " 处问题。改好文件并保存后会自动重新检查。"; s.className = "bad"; }
      else { s.textContent = "没有发现问题（" + c.pages + " 个页面）。"; s.className = "ok"; }
      s.appendChild(el("span", "检查于 " + c.at, "checked-at"));
      showProblemsList(c.problems);
      var w = $("warnings");
      w.textContent = "";
      c.warnings.forEach(function (x) { w.appendChild(el("li", x)); });
      $("warnings-box").hidden = !c.warnings.length;
      $("warnings-summary").textContent = "提醒 " + c.warnings.length + " 条（不影响生成）";
    });
  }

  function showProblemsList(list) {
    var ol = $("problems");
    ol.textContent = "";
    list.forEach(function (p) {
      var li = el("li");
      li.appendChild(el("div", where(p), "where"));
      li.appendChild(el("div", p.message, "what"));
      if (p.hint) li.appendChild(el("div", "怎么改：" + p.hint, "hint"));
      ol.appendChild(li);
    });
  }

  // ---- buttons ----
  function act(button, path, json) {
    var box = $("action-result");
    box.className = "result";
    box.textContent = button.textContent + "：正在进行……";
    return busy(button, function () { return api(path, { method: "POST", json: json || {} }); }).then(function (r) {
      if (path === "/api/check") r = { ok: !r.problems || !r.problems.length, message: r.problems && r.problems.length ? "检查完成：发现 " + r.problems.length + " 处问题，见下面的“问题”" : "检查完成：没有发现问题", status: r.status };
      show(box, r);
      return r;
    });
  }

  $("btn-check").addEventListener("click", function () { act(this, "/api/check"); });
  $("btn-build").addEventListener("click", function () { act(this, "/api/build"); });
  $("btn-folder").addEventListener("click", function () {
    var b = this;
    busy(b, function () { return api("/api/open-folder", { method: "POST", json: {} }); }).then(function (r) {
      show($("action-result"), r.ok ? { ok: true, message: (r.opened ? "已打开文件夹：" : "站点文件夹：") + r.path } : r);
    });
  });
  $("btn-preview").addEventListener("click", function () {
    var b = this;
    // Opened now, while the click still allows a new tab; filled in below.
    var tab = window.open("", "_blank");
    $("action-result").textContent = "正在启动预览（第一次需要生成整个网站）……";
    busy(b, function () { return api("/api/preview", { method: "POST", json: {} }); }).then(function (r) {
      if (r.ok) {
        if (tab) tab.location = r.url; else window.open(r.url, "_blank");
        show($("action-result"), { ok: true, message: "预览：" + r.url + "（修改文件后会自动刷新）" });
      } else { if (tab) tab.close(); show($("action-result"), r); }
    });
  });
  $("btn-print").addEventListener("click", function () {
    window.open("/print/index.html", "_blank");
    show($("action-result"), { ok: true, message: "已在新标签页打开告知书（打印前请先“生成网站”）。告知书含学生姓名，只在这台电脑上打开。" });
  });
  $("init-button").addEventListener("click", function () {
    var b = this;
    busy(b, function () { return api("/api/init", { method: "POST", json: { dir: $("init-dir").value } }); }).then(function (r) {
      show($("init-result"), r);
      if (r.ok) loadOverview();
    });
  });

  // ---- new list ----
  var upload = null;

  function sendFile(input, path) {
    var f = input.files[0];
    if (!f) return Promise.resolve(null);
    return api(path, { method: "POST", body: f, headers: { "X-File-Name": encodeURIComponent(f.name), "Content-Type": "application/octet-stream" } });
  }

  $("list-file").addEventListener("change", function () {
    $("list-result").textContent = "正在读取……";
    $("list-step").hidden = true;
    sendFile(this, "/api/list/upload").then(function (r) {
      if (!r) return;
      if (!r.ok) { show($("list-result"), r); return; }
      $("list-result").textContent = "";
      upload = r.upload;
      $("list-slug").value = r.name.replace(/\.[^.]*$/, "").toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, "-").replace(/^-+|-+$/g, "");
      showListPreview(r);
      $("list-step").hidden = false;
      updatePeriod();
    });
  });

  function currentRoles() {
    var roles = {};
    document.querySelectorAll("#list-columns select").forEach(function (s) { roles[s.dataset.header] = s.value; });
    return roles;
  }

  function showListPreview(r) {
    var body = $("list-columns").tBodies[0];
    body.textContent = "";
    r.columns.forEach(function (c) {
      var row = body.insertRow();
      row.insertCell().textContent = c.header;
      var sel = el("select");
      sel.dataset.header = c.header;
      sel.setAttribute("aria-label", "“" + c.header + "”的用途");
      ROLES.forEach(function (pair) {
        var o = el("option", pair[1]); o.value = pair[0];
        if (c.never_public && PUBLIC_ROLES.indexOf(pair[0]) >= 0) o.disabled = true;
        sel.appendChild(o);
      });
      sel.value = c.role;
      sel.dataset.was = c.role;
      sel.addEventListener("change", rolesChanged);
      row.insertCell().appendChild(sel);
      row.insertCell().textContent = c.never_public ? "不能公开：属于" + c.never_public : c.label;
      if (c.never_public) row.cells[2].className = "locked";
    });
    var head = $("list-preview").tHead, rows = $("list-preview").tBodies[0];
    head.textContent = ""; rows.textContent = "";
    var hr = head.insertRow();
    ["序号"].concat(r.headers).forEach(function (h) { var th = el("th", h); th.scope = "col"; hr.appendChild(th); });
    r.rows.forEach(function (cells, i) {
      var tr = rows.insertRow();
      [String(i + 1)].concat(cells).forEach(function (c) { tr.insertCell().textContent = c; });
    });
    $("list-count").textContent = "共 " + r.count + " 人，这里显示前 " + r.rows.length + " 人。";
  }

  function rolesChanged() {
    var sel = this;
    api("/api/list/preview", { method: "POST", json: { upload: upload, roles: currentRoles() } }).then(function (r) {
      if (r.ok) { showListPreview(r); $("list-result").textContent = ""; }
      else { sel.value = sel.dataset.was; show($("list-result"), r); }
    });
  }

  function fillWizardDefaults(o) {
    var p = $("list-programme");
    if (p.options.length !== o.programmes.length) {
      p.textContent = "";
      o.programmes.forEach(function (n) { var opt = el("option", n); opt.value = n; p.appendChild(opt); });
    }
    if (!$("list-term").value) $("list-term").value = o.term;
    if (!$("list-start").value) $("list-start").value = o.today;
  }

  function updatePeriod() {
    var start = $("list-start").value, days = $("list-days").value;
    api("/api/workdays?start=" + encodeURIComponent(start) + "&days=" + encodeURIComponent(days)).then(function (r) {
      var p = $("list-period");
      if (!r.ok) { p.textContent = r.message; p.className = "bad"; return; }
      p.className = "";
      p.textContent = "公示期：" + start + " 至 " + r.end + "（" + r.end_chinese + "，" + days + " 个工作日，共 " + r.calendar_days + " 天），" + r.withdraw_chinese + " 撤下。" + (r.notes.length ? "　" + r.notes.join("；") : "");
    });
  }
  $("list-start").addEventListener("input", updatePeriod);
  $("list-days").addEventListener("input", updatePeriod);

  $("list-create").addEventListener("click", function () {
    var b = this;
    var json = { upload: upload, roles: currentRoles(), programme: $("list-programme").value, school: $("list-school").value,
      term: $("list-term").value, start: $("list-start").value, days: parseInt($("list-days").value, 10) || 0, slug: $("list-slug").value };
    busy(b, function () { return api("/api/list/create", { method: "POST", json: json }); }).then(function (r) {
      if (r.ok) { r.message = "已新建公示名单：" + r.index + "（共 " + r.count + " 人）。点“生成网站”就会出现在网站上。"; $("list-step").hidden = true; $("list-file").value = ""; }
      show($("list-result"), r);
      loadOverview();
    });
  });

  // ---- new policy ----
  var policyUpload = null;
  $("policy-file").addEventListener("change", function () {
    $("policy-result").textContent = "正在读取……";
    $("policy-step").hidden = true;
    sendFile(this, "/api/policy/upload").then(function (r) {
      if (!r) return;
      if (!r.ok) { show($("policy-result"), r); return; }
      $("policy-result").textContent = "";
      policyUpload = r.upload;
      $("policy-title").value = r.title || "";
      $("policy-number").value = r.doc_number || "";
      $("policy-issuer").value = r.issuer || "";
      $("policy-date").value = r.date || "";
      $("policy-slug").value = r.slug || "";
      $("policy-step").hidden = false;
      $("policy-title").focus();
    });
  });
  $("policy-create").addEventListener("click", function () {
    var b = this;
    var json = { upload: policyUpload, title: $("policy-title").value, doc_number: $("policy-number").value,
      issuer: $("policy-issuer").value, date: $("policy-date").value, slug: $("policy-slug").value };
    busy(b, function () { return api("/api/policy/create", { method: "POST", json: json }); }).then(function (r) {
      if (r.ok) { r.message = "已导入：" + r.file; $("policy-step").hidden = true; $("policy-file").value = ""; }
      show($("policy-result"), r);
    });
  });

  // ---- live updates ----
  var events = new EventSource("/api/events?t=" + encodeURIComponent(token));
  events.addEventListener("problems", function () { loadProblems(); loadOverview(); });
  events.addEventListener("overview", function () { loadOverview(); });
  events.addEventListener("busy", function () { var s = $("problems-status"); s.textContent = "正在检查……"; s.className = ""; });
  events.onerror = function () {
    api("/api/problems").then(function (r) { if (r.status === undefined || r.message === "连不上工作台：它可能已经关闭") $("closed").hidden = false; });
  };

  loadOverview();
  loadProblems();
})();
