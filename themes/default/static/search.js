// Client-side search over policies, explainers and notices. Terms are
// matched as substrings (Chinese has no spaces), every term must occur in a
// page, and title and document-number hits rank first.
//
// The index is split (see src/render/search.rs): a manifest, posting shards
// keyed by one or two characters, position shards of character pairs, and
// chunks of the pages' text. A one- or two-character term is scored from
// its posting; a longer one from the positions of the pairs covering it
// (found where they stand one after another). Only the chunks of the 50
// results shown are fetched, for their titles, links and snippets.
(function () {
  var form = document.querySelector("form.search-page");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list) return;
  var manifestUrl = list.getAttribute("data-index");
  var base = manifestUrl.slice(0, manifestUrl.lastIndexOf("/") + 1);
  var files = {};
  var current = 0;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-./";
  var DIGIT = {};
  for (var a = 0; a < ALPHABET.length; a++) DIGIT[ALPHABET.charCodeAt(a)] = a;
  var SHOWN = 50;

  function get(url) {
    if (!files[url]) {
      files[url] = fetch(url)
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .catch(function (e) { delete files[url]; throw e; });
    }
    return files[url];
  }

  function manifest() {
    return get(manifestUrl).then(function (m) {
      if (!m.starts) {
        m.starts = [0];
        for (var i = 0; i < m.chunks.length; i++) m.starts.push(m.starts[i] + m.chunks[i]);
      }
      return m;
    });
  }

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

  // A term's grams: its one character, or every pair of adjacent ones.
  function grams(term) {
    if (term.length === 1) return [[term.charCodeAt(0)]];
    var out = [];
    for (var i = 0; i + 1 < term.length; i++) out.push([term.charCodeAt(i), term.charCodeAt(i + 1)]);
    return out;
  }

  function shardOf(units, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < units.length; i++) h = Math.imul(h ^ units[i], 0x01000193);
    return (h >>> 0) % shards;
  }

  function key(units) {
    var s = "";
    for (var i = 0; i < units.length; i++) {
      var v = units[i];
      while (v > 31) { s += ALPHABET[(v & 31) | 32]; v >>>= 5; }
      s += ALPHABET[v];
    }
    return s;
  }

  // The numbers a posting is written as (varints in ALPHABET).
  function values(text) {
    var out = [], v = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charCodeAt(i)];
      v += (d & 31) * Math.pow(2, shift);
      if (d & 32) shift += 5; else { out.push(v); v = 0; shift = 0; }
    }
    return out;
  }

  // A gram's posting: document → [field codes] (10 × field + count − 1).
  function posting(shard, units) {
    var v = values(shard[key(units)] || ""), docs = [], byDoc = {}, doc = 0;
    for (var j = 0; j < v.length;) {
      doc += v[j];
      var n = v[j + 1];
      docs.push(doc);
      byDoc[doc] = v.slice(j + 2, j + 2 + n);
      j += 2 + n;
    }
    return { docs: docs, byDoc: byDoc };
  }

  // A bigram's positions: document → field → { text: [...], head: [...] }.
  function positions(shard, units) {
    var v = values(shard[key(units)] || ""), docs = [], byDoc = {}, doc = 0;
    for (var j = 0; j < v.length;) {
      doc += v[j];
      var n = v[j + 1], fields = {};
      j += 2;
      for (var f = 0; f < n; f++) {
        var field = v[j++], parts = {};
        ["text", "head"].forEach(function (part) {
          var count = v[j++], at = [], p = 0;
          for (var k = 0; k < count; k++) { p += v[j++]; at.push(p); }
          parts[part] = at;
        });
        fields[field] = parts;
      }
      docs.push(doc);
      byDoc[doc] = fields;
    }
    return { docs: docs, byDoc: byDoc };
  }

  function has(sorted, x) {
    var lo = 0, hi = sorted.length - 1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (sorted[mid] === x) return true; if (sorted[mid] < x) lo = mid + 1; else hi = mid - 1; }
    return false;
  }

  // Where to take a long term's bigrams so that they cover all of it.
  function cover(term) {
    var offsets = [];
    for (var i = 0; i + 2 <= term.length; i += 2) offsets.push(i);
    if (term.length % 2) offsets.push(term.length - 2);
    return offsets;
  }

  // Non-overlapping hits of a term whose bigrams at `offsets` have these
  // positions, left to right as `count` finds them (at most 50).
  function occurrences(lists, offsets, part, length) {
    var n = 0, end = 0, first = lists[0][part];
    for (var i = 0; i < first.length && n < 50; i++) {
      var p = first[i];
      if (p < end) continue;
      var all = true;
      for (var k = 1; k < lists.length && all; k++) all = has(lists[k][part], p - offsets[0] + offsets[k]);
      if (all) { n++; end = p + length; }
    }
    return n;
  }

  // A term of three or more characters as the posting it would have: the
  // fields where its covering bigrams stand one after another.
  function longPosting(term, offsets, lists) {
    var docs = [], byDoc = {};
    lists[0].docs.forEach(function (doc) {
      var fieldsOf = lists.map(function (l) { return l.byDoc[doc]; });
      if (!fieldsOf.every(Boolean)) return;
      var codes = [];
      Object.keys(fieldsOf[0]).forEach(function (f) {
        var parts = fieldsOf.map(function (x) { return x[f]; });
        if (!parts.every(Boolean)) return;
        var field = +f;
        var c = occurrences(parts, offsets, "text", term.length) + 3 * occurrences(parts, offsets, "head", term.length);
        if (c) codes.push(field < 2 ? 10 * field : 10 * field + Math.min(c, 10) - 1);
      });
      if (codes.length) { docs.push(doc); byDoc[doc] = codes; }
    });
    return { docs: docs, byDoc: byDoc };
  }

  function intersect(a, b) {
    if (a === null) return b;
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  // The documents with these ids, fetched by chunk.
  function docsOf(m, ids) {
    var wanted = {};
    var chunkOf = ids.map(function (id) {
      var lo = 0, hi = m.chunks.length - 1;
      while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (m.starts[mid] <= id) lo = mid; else hi = mid - 1; }
      wanted[lo] = true;
      return lo;
    });
    var keys = Object.keys(wanted);
    return Promise.all(keys.map(function (c) { return get(base + "c/" + c + ".json"); })).then(function (loaded) {
      var chunks = {};
      keys.forEach(function (c, i) { chunks[c] = loaded[i]; });
      return ids.map(function (id, i) { return chunks[chunkOf[i]][id - m.starts[chunkOf[i]]]; });
    });
  }

  // Scores of pages holding every term, from the postings alone: as `score`
  // gives them, since a count above 10 adds no more to a section.
  function scoreFromPostings(ids, postings) {
    return ids.map(function (id) {
      var total = 0, hits = {};
      postings.forEach(function (p) {
        p.byDoc[id].forEach(function (code) {
          var f = Math.floor(code / 10);
          if (f === 0) total += 100;
          else if (f === 1) total += 80;
          else hits[f] = (hits[f] || 0) + (code % 10) + 1;
        });
      });
      for (var f in hits) total += Math.min(hits[f], 10);
      return { id: id, score: total };
    });
  }

  function byScore(a, b) { return b.score - a.score; }

  // The files a term needs: the postings of its one or two characters, or
  // the positions of the bigrams covering a longer one.
  function needs(term, shards) {
    if (term.length <= 2) { var g = grams(term)[0]; return [{ file: "p/" + shardOf(g, shards), units: g, offset: 0 }]; }
    return cover(term).map(function (o) {
      var g = [term.charCodeAt(o), term.charCodeAt(o + 1)];
      return { file: "q/" + shardOf(g, shards), units: g, offset: o };
    });
  }

  // Results: { count, shown: [{ doc, best }] } as scanning every page gives.
  function search(m, terms) {
    var wants = terms.map(function (t) { return needs(t, m.shards); }), files = {};
    wants.forEach(function (w) { w.forEach(function (n) { files[n.file] = true; }); });
    var names = Object.keys(files);
    return Promise.all(names.map(function (f) { return get(base + f + ".json"); })).then(function (loaded) {
      var shard = {}, decoded = {};
      names.forEach(function (f, i) { shard[f] = loaded[i]; });
      var postings = wants.map(function (w, t) {
        var lists = w.map(function (n) {
          var k = n.file + ":" + key(n.units);
          if (!decoded[k]) decoded[k] = (n.file[0] === "p" ? posting : positions)(shard[n.file], n.units);
          return decoded[k];
        });
        if (terms[t].length <= 2) return lists[0];
        return longPosting(terms[t], w.map(function (n) { return n.offset; }), lists);
      });
      var ids = null;
      postings.forEach(function (p) { ids = intersect(ids, p.docs); });
      var ranked = scoreFromPostings(ids, postings).sort(byScore).slice(0, SHOWN);
      return docsOf(m, ranked.map(function (r) { return r.id; })).then(function (docs) {
        var shown = docs.map(function (doc) { var r = score(doc, terms); return { doc: doc, best: r && r.best }; });
        return { count: ids.length, shown: shown };
      });
    });
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

  function show(query, terms, found) {
    status.textContent = found.count ? "找到 " + found.count + " 个结果" : "没有找到与“" + query + "”相关的内容，请换个词试试。";
    found.shown.forEach(function (r) {
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
  }

  function render(query) {
    var terms = norm(query).split(/[\s\u3000]+/).filter(Boolean);
    var seq = ++current;
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; list.removeAttribute("aria-busy"); return; }
    status.textContent = "正在搜索…";
    list.setAttribute("aria-busy", "true");
    manifest().then(function (m) { return search(m, terms); }).then(function (found) {
      if (seq !== current) return;
      show(query, terms, found);
      list.removeAttribute("aria-busy");
    }).catch(function () {
      if (seq !== current) return;
      status.textContent = "搜索索引加载失败，请检查网络后再试。";
      list.removeAttribute("aria-busy");
    });
  }

  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) render(initial);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    render(input.value);
  });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { render(input.value); }, 200);
  });
})();
