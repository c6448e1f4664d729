// Test-only: the search as it was before the index was split (one
// index.json scanned in full), kept verbatim as the reference the split
// index's results are compared with (tests/browser/search_identity.mjs).
// Only the loading differs: the documents are given, not fetched.
window.gongshiReferenceSearch = function (docs, query, list, status) {
  function norm(s) {
    // Full-width letters and digits as typed on phones count as ASCII.
    return s.replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); }).toLowerCase();
  }

  function count(hay, needle) {
    var n = 0, i = hay.indexOf(needle);
    while (i !== -1 && n < 50) { n++; i = hay.indexOf(needle, i + needle.length); }
    return n;
  }

  // A page matches when every term occurs in it. The section shown (and
  // linked to) is the one holding the most different terms, then most hits.
  function score(doc, terms) {
    var title = norm(doc.t), number = norm(doc.n), total = 0, best = null;
    var seen = terms.map(function (term) {
      var inTitle = title.indexOf(term) !== -1, inNumber = number && number.indexOf(term) !== -1;
      if (inTitle) total += 100;
      if (inNumber) total += 80;
      return inTitle || inNumber;
    });
    for (var s = 0; s < doc.s.length; s++) {
      var sec = doc.s[s], text = norm(sec[2]), head = norm(sec[1]), distinct = 0, hits = 0;
      for (var t = 0; t < terms.length; t++) {
        var n = count(text, terms[t]) + 3 * count(head, terms[t]);
        if (n) { distinct++; hits += n; seen[t] = true; }
      }
      total += Math.min(hits, 10);
      if (distinct && (!best || distinct > best.distinct || (distinct === best.distinct && hits > best.hits))) {
        best = { distinct: distinct, hits: hits, sec: sec };
      }
    }
    return seen.every(Boolean) ? { score: total, best: best } : null;
  }

  function snippet(text, terms) {
    var low = norm(text), at = -1, term = "";
    for (var i = 0; i < terms.length && at === -1; i++) { at = low.indexOf(terms[i]); term = terms[i]; }
    var start = Math.max(0, at - 30), end = Math.min(text.length, (at === -1 ? 0 : at) + 80);
    var frag = document.createDocumentFragment();
    var piece = text.slice(start, end), lowPiece = norm(piece), pos = 0;
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    while (term) {
      var hit = -1, hitTerm = "";
      for (var j = 0; j < terms.length; j++) {
        var k = lowPiece.indexOf(terms[j], pos);
        if (k !== -1 && (hit === -1 || k < hit)) { hit = k; hitTerm = terms[j]; }
      }
      if (hit === -1) break;
      frag.appendChild(document.createTextNode(piece.slice(pos, hit)));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(hit, hit + hitTerm.length);
      frag.appendChild(mark);
      pos = hit + hitTerm.length;
    }
    frag.appendChild(document.createTextNode(piece.slice(pos)));
    if (end < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function render(query) {
    var terms = norm(query).split(/[\s\u3000]+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    status.textContent = "正在搜索…";
    return Promise.resolve(docs).then(function (docs) {
      var results = [];
      docs.forEach(function (doc) {
        var r = score(doc, terms);
        if (r) results.push({ doc: doc, score: r.score, best: r.best });
      });
      results.sort(function (a, b) { return b.score - a.score; });
      status.textContent = results.length ? "找到 " + results.length + " 个结果" : "没有找到与“" + query + "”相关的内容，请换个词试试。";
      results.slice(0, 50).forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        var anchor = r.best && r.best.sec[0] ? "#" + r.best.sec[0] : "";
        a.href = r.doc.u + anchor;
        a.textContent = r.doc.t;
        li.appendChild(a);
        var meta = document.createElement("p");
        meta.className = "page-meta";
        meta.textContent = r.doc.k + (r.doc.n ? "　" + r.doc.n : "") + "　" + r.doc.d + (r.best && r.best.sec[1] ? "　" + r.best.sec[1] : "");
        li.appendChild(meta);
        if (r.best) {
          var p = document.createElement("p");
          p.className = "snippet";
          p.appendChild(snippet(r.best.sec[2], terms));
          li.appendChild(p);
        }
        list.appendChild(li);
      });
    }).catch(function () { status.textContent = "搜索索引加载失败，请稍后再试。"; });
  }

  return render(query);
};
