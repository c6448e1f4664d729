// Client-side search over policies, explainers and notices. Terms are
// matched as substrings (Chinese has no spaces), every term must occur in a
// page, and title and document-number hits rank first.
//
// The index is split (see src/render/search/mod.rs): a manifest, posting
// shards keyed by one or two characters, position shards of character
// pairs, and chunks of the pages' text. A one- or two-character term is
// scored from its posting; a longer one from the positions of the pairs
// covering it (found where they stand one after another), the pairs chosen
// so that their shards are the fewest bytes. Only the chunks of the 50
// results shown are fetched, for their titles, links and snippets: those
// of the first screen first, the rest once it is drawn. The manifest is
// fetched as the page loads.
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
  var DIGIT = new Uint8Array(128);
  for (var a = 0; a < ALPHABET.length; a++) DIGIT[ALPHABET.charCodeAt(a)] = a;
  var SHOWN = 50;
  // The results on a first screen: their pages are fetched and shown
  // before the others'. At 1280×720 the list shows two results whole and
  // the top of a third; on a 390×844 phone one and the top of a second.
  // Each page fetched costs the slowed main thread a request, so a screen
  // taller than that draws its fourth and later results with the rest.
  var FIRST = 3;
  // How long a search runs before the status says it is searching (ms).
  var SLOW = 200;

  // A file as parsed JSON, or (`text`) as it is: a shard, of which one or
  // two members are wanted, found sooner than all are parsed. Asked for
  // with XMLHttpRequest: at 4x throttling its text reached the script
  // about 10 ms sooner after the response ended than through fetch.
  function get(url, text) {
    if (!files[url]) {
      files[url] = new Promise(function (done, fail) {
        var x = new XMLHttpRequest();
        x.open("GET", url);
        x.onload = function () {
          if (x.status < 200 || x.status > 299) return fail(new Error(x.status));
          try { done(text ? x.responseText : JSON.parse(x.responseText)); } catch (e) { fail(e); }
        };
        x.onerror = x.onabort = x.ontimeout = function () { fail(new Error(url)); };
        x.send();
      }).catch(function (e) { delete files[url]; throw e; });
    }
    return files[url];
  }

  // A member of a shard's JSON object, read from its text: keys and
  // values are ALPHABET characters, which hold no quote, colon or comma,
  // so `"key":"` is found only where that key begins.
  function member(shard, k) {
    var at = shard.indexOf('"' + k + '":"');
    if (at === -1) return "";
    at += k.length + 4;
    return shard.slice(at, shard.indexOf('"', at));
  }

  // The manifest once it is in, so that a search asks for its files
  // while its event is handled, not a turn later.
  var ready = null;

  function manifest() {
    return get(manifestUrl).then(function (m) {
      if (!m.starts) {
        m.starts = [0];
        for (var i = 0; i < m.chunks.length; i++) m.starts.push(m.starts[i] + m.chunks[i]);
        parts(m);
      }
      return (ready = m);
    });
  }

  // The search's results, its files asked for at once if the manifest is in.
  function start(terms) {
    if (!ready) return manifest().then(function (m) { return search(m, terms); });
    try { return search(ready, terms); } catch (e) { return Promise.reject(e); }
  }

  // Each position shard's parts (m.parts[h], from the manifest's q: their
  // number, then each one's size in KiB), their sizes in m.sizes from
  // m.first[h].
  function parts(m) {
    var v = values(m.q || "");
    m.parts = []; m.first = []; m.sizes = [];
    for (var i = 0, h = 0; h < m.shards; h++) {
      var n = v[i++] || 1;
      m.parts.push(n); m.first.push(m.sizes.length);
      for (var j = 0; j < n; j++) m.sizes.push(v[i++] || 1);
    }
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

  function fnv(units) {
    var h = 0x811c9dc5;
    for (var i = 0; i < units.length; i++) h = Math.imul(h ^ units[i], 0x01000193);
    return h >>> 0;
  }

  function shardOf(units, shards) {
    return fnv(units) % shards;
  }

  // The file of a bigram's positions: its shard's part that holds it, as
  // src/render/search/parts.rs splits a large shard, and that part's size.
  function positionFile(units, m) {
    var h = fnv(units), shard = h % m.shards, n = m.parts[shard], part = Math.floor(h / m.shards) % n;
    return { file: "q/" + shard + (n > 1 ? "-" + part : ""), size: m.sizes[m.first[shard] + part] };
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

  // The numbers a posting is written as (varints in ALPHABET), each below
  // 2^31 (ids, counts, field codes, offsets within one field). One tight
  // loop, since the first search runs before the engine has compiled
  // anything.
  function values(text) {
    var out = new Int32Array(text.length), n = 0, v = 0, mul = 1;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charCodeAt(i)];
      v += (d & 31) * mul;
      if (d & 32) mul *= 32;
      else { out[n++] = v; v = 0; mul = 1; }
    }
    return out.subarray(0, n);
  }

  // A gram's posting: its documents in order and, at[i] in `codes`, the
  // number of docs[i]'s field codes (10 × field + count − 1), then each.
  // Long terms' postings, made from positions, have the same form.
  function posting(text) {
    var v = values(text || ""), p = { docs: [], at: [], codes: v }, doc = 0;
    for (var j = 0; j < v.length; j += 2 + v[j + 1]) {
      doc += v[j];
      p.docs.push(doc);
      p.at.push(j + 1);
    }
    return p;
  }

  // Where to take a long term's bigrams so that they cover all of it:
  // the first and the last pair, and between them no character missed,
  // as few bytes to fetch as the manifest's part sizes allow.
  function cover(term, cost) {
    var last = term.length - 2, best = [cost(0)], from = [-1];
    for (var o = 1; o <= last; o++) {
      var pick = o >= 2 && best[o - 2] <= best[o - 1] ? o - 2 : o - 1;
      best.push(best[pick] + cost(o));
      from.push(pick);
    }
    var offsets = [];
    for (var at = last; at >= 0; at = from[at]) offsets.unshift(at);
    return offsets;
  }

  // Non-overlapping hits of a term whose bigrams at `offsets` stand in
  // vs[k] from at[k] (a count, then the differences between ascending
  // positions), left to right as `count` finds them (at most 50). The
  // bigram with the fewest positions proposes; the others follow it,
  // summing their differences as they go (i, end, p: scratch per bigram).
  function occurrences(vs, at, offsets, length, i, end, p) {
    var n = vs.length, lead = 0, k, found = 0, free = 0;
    for (k = 0; k < n; k++) {
      var c = vs[k][at[k]];
      if (c === 0) return 0;
      i[k] = at[k] + 1;
      end[k] = i[k] + c;
      p[k] = vs[k][i[k]];
      if (c < end[lead] - i[lead]) lead = k;
    }
    var lv = vs[lead];
    for (; i[lead] < end[lead] && found < 50; p[lead] += lv[++i[lead]]) {
      var start = p[lead] - offsets[lead], all = start >= free;
      for (k = 0; k < n && all; k++) {
        if (k === lead) continue;
        var v = vs[k], want = start + offsets[k];
        while (i[k] < end[k] && p[k] < want) p[k] += v[++i[k]];
        all = i[k] < end[k] && p[k] === want;
      }
      if (all) { found++; free = start + length; }
    }
    return found;
  }

  // A term of three or more characters as the posting it would have: the
  // fields where its covering bigrams stand one after another. vs[k] is
  // bigram k's positions as written: per document the id difference and
  // the number of fields, then per field its number, its text's count and
  // position differences, then its heading's. The bigrams' documents are
  // walked in step, a document's fields skipped by their counts; the
  // first search runs before the engine has compiled anything, so this is
  // one function with few calls.
  function longPosting(term, offsets, vs) {
    var out = { docs: [], at: [], codes: [] }, codes = out.codes, n = vs.length, k, j;
    var doc = new Int32Array(n), at = new Int32Array(n), field = new Int32Array(n), left = new Int32Array(n);
    var text = new Int32Array(n), head = new Int32Array(n), i = new Int32Array(n), end = new Int32Array(n), p = new Int32Array(n);
    for (k = 0; k < n; k++) { if (!vs[k].length) return out; doc[k] = vs[k][0]; }
    for (;;) {
      // Every bigram moved to the first document all may share.
      var id = doc[0], all = true;
      for (k = 1; k < n; k++) if (doc[k] > id) id = doc[k];
      for (k = 0; k < n; k++) {
        var v = vs[k];
        while (doc[k] < id) {
          for (j = at[k] + 2, left[k] = v[at[k] + 1]; left[k] > 0; left[k]--) { j += 2 + v[j + 1]; j += 1 + v[j]; }
          if (j >= v.length) return out;
          at[k] = j;
          doc[k] += v[j];
        }
        if (doc[k] !== id) all = false;
        field[k] = at[k] + 2;
        left[k] = v[at[k] + 1];
      }
      if (all) {
        var count = codes.length;
        codes.push(0);
        // The first bigram's fields in order, each looked for in the others'.
        for (; left[0] > 0; left[0]--, field[0] = head[0] + 1 + vs[0][head[0]]) {
          var f = vs[0][field[0]];
          for (k = 0, all = true; k < n; k++) {
            v = vs[k];
            while (left[k] > 0 && v[field[k]] < f) { left[k]--; j = field[k] + 2 + v[field[k] + 1]; field[k] = j + 1 + v[j]; }
            text[k] = field[k] + 1;
            head[k] = text[k] + 1 + v[text[k]];
            if (!(left[k] > 0 && v[field[k]] === f)) all = false;
          }
          if (!all) continue;
          var c = occurrences(vs, text, offsets, term.length, i, end, p) + 3 * occurrences(vs, head, offsets, term.length, i, end, p);
          if (c) codes.push(f < 2 ? 10 * f : 10 * f + Math.min(c, 10) - 1);
        }
        if (codes.length === count + 1) codes.pop();
        else { codes[count] = codes.length - count - 1; out.docs.push(id); out.at.push(count); }
      }
      // On to the first bigram's next document.
      v = vs[0];
      for (j = at[0] + 2, k = v[at[0] + 1]; k > 0; k--) { j += 2 + v[j + 1]; j += 1 + v[j]; }
      if (j >= v.length) return out;
      at[0] = j;
      doc[0] += v[j];
    }
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

  // A page's score from the postings of every term (it has each at
  // posting k's index at[k]), as `score` gives it: a count above 10 adds
  // no more to a section. `hits` is all zeros, and left so.
  function scoreAt(postings, at, hits, touched) {
    var total = 0, t = 0;
    for (var k = 0; k < postings.length; k++) {
      var p = postings[k], c = p.at[at[k]], end = c + 1 + p.codes[c];
      for (c++; c < end; c++) {
        var code = p.codes[c], f = (code / 10) | 0;
        if (f === 0) total += 100;
        else if (f === 1) total += 80;
        else {
          if (hits[f] === 0) touched[t++] = f;
          hits[f] += (code % 10) + 1;
        }
      }
    }
    while (t > 0) { var g = touched[--t]; total += hits[g] < 10 ? hits[g] : 10; hits[g] = 0; }
    return total;
  }

  // The pages holding every term: how many, and the SHOWN best in the
  // order a stable sort by score gives (ties in page order).
  function rank(postings) {
    if (postings.length === 1) return rankOne(postings[0]);
    var lead = postings[0], at = [], count = 0, top = [], codeMax = 0;
    postings.forEach(function (p) {
      at.push(0);
      if (p.docs.length < lead.docs.length) lead = p;
      for (var c = 0; c < p.codes.length; c++) if (p.codes[c] > codeMax) codeMax = p.codes[c];
    });
    var hits = new Int32Array(((codeMax / 10) | 0) + 1), touched = new Int32Array(hits.length * postings.length);
    for (var i = 0; i < lead.docs.length; i++) {
      var doc = lead.docs[i], all = true;
      for (var k = 0; k < postings.length && all; k++) {
        var p = postings[k];
        while (at[k] < p.docs.length && p.docs[at[k]] < doc) at[k]++;
        all = p.docs[at[k]] === doc;
      }
      if (!all) continue;
      count++;
      keep(top, doc, scoreAt(postings, at, hits, touched));
    }
    return { count: count, ids: top.map(function (r) { return r.id; }) };
  }

  // `rank` for one term, most searches: every page of its posting holds
  // it, and each field adds its own count (at most 10), with no sums across
  // terms to cap; one loop over the codes.
  function rankOne(p) {
    var codes = p.codes, top = [];
    for (var i = 0; i < p.docs.length; i++) {
      var c = p.at[i], end = c + 1 + codes[c], s = 0;
      for (c++; c < end; c++) s += codes[c] < 10 ? 100 : codes[c] < 20 ? 80 : (codes[c] % 10) + 1;
      keep(top, p.docs[i], s);
    }
    return { count: p.docs.length, ids: top.map(function (r) { return r.id; }) };
  }

  // Adds a page to the SHOWN best so far if it scores above the last,
  // after those scoring as much (ties stay in page order).
  function keep(top, doc, s) {
    if (top.length === SHOWN && s <= top[SHOWN - 1].score) return;
    var j = top.length;
    while (j > 0 && top[j - 1].score < s) j--;
    top.splice(j, 0, { id: doc, score: s });
    if (top.length > SHOWN) top.pop();
  }

  // The files a term needs: the postings of its one or two characters, or
  // the positions of the bigrams covering a longer one.
  function needs(term, m) {
    if (term.length <= 2) { var g = grams(term)[0]; return [{ file: "p/" + shardOf(g, m.shards), units: g, offset: 0 }]; }
    var pair = function (o) { return [term.charCodeAt(o), term.charCodeAt(o + 1)]; };
    var size = function (o) { return positionFile(pair(o), m).size; };
    return cover(term, size).map(function (o) {
      return { file: positionFile(pair(o), m).file, units: pair(o), offset: o };
    });
  }

  // Results: { count, ids } (the ids of the SHOWN best pages) as scanning
  // every page gives them. Each file's grams are decoded as it arrives,
  // while the others are still coming.
  function search(m, terms) {
    var wants = terms.map(function (t) { return needs(t, m); }), byFile = {}, decoded = {};
    wants.forEach(function (w) { w.forEach(function (n) { (byFile[n.file] = byFile[n.file] || []).push(n); }); });
    var id = function (n) { return n.file + ":" + key(n.units); };
    return Promise.all(Object.keys(byFile).map(function (f) {
      return get(base + f + ".json", true).then(function (shard) {
        byFile[f].forEach(function (n) {
          if (!decoded[id(n)]) decoded[id(n)] = (f[0] === "p" ? posting : values)(member(shard, key(n.units)));
        });
      });
    })).then(function () {
      return rank(wants.map(function (w, t) {
        var lists = w.map(function (n) { return decoded[id(n)]; });
        if (terms[t].length <= 2) return lists[0];
        return longPosting(terms[t], w.map(function (n) { return n.offset; }), lists);
      }));
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

  // Appends the results of these documents, each linked to its section
  // holding the most different terms.
  function show(terms, docs) {
    docs.forEach(function (doc) {
      var r = score(doc, terms), best = r && r.best;
      var li = document.createElement("li");
      var a = document.createElement("a");
      var anchor = best && best.sec[0] ? "#" + best.sec[0] : "";
      a.href = doc.u + anchor;
      a.textContent = doc.t;
      li.appendChild(a);
      var meta = document.createElement("p");
      meta.className = "page-meta";
      meta.textContent = doc.k + (doc.n ? "　" + doc.n : "") + "　" + doc.d + (best && best.sec[1] ? "　" + best.sec[1] : "");
      li.appendChild(meta);
      if (best) {
        var p = document.createElement("p");
        p.className = "snippet";
        p.appendChild(snippet(best.sec[2], terms));
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  // The first screen's results are fetched and shown first, with the
  // count; once the browser has drawn them, the rest are fetched and
  // follow. The list is busy until all are shown; then `done`, if given,
  // is called (unless another search has begun).
  function render(query, done) {
    var terms = norm(query).split(/[\s\u3000]+/).filter(Boolean);
    var seq = ++current, found = null, searching = terms.length ? start(terms) : null;
    list.textContent = "";
    var finish = function () { list.removeAttribute("aria-busy"); if (done) done(); };
    if (!searching) { status.textContent = ""; finish(); return; }
    list.setAttribute("aria-busy", "true");
    var stale = function () { return seq !== current; };
    // "Searching" is shown only if the results are slow to come: drawing
    // it took the slowed main thread a frame (style, layout, paint) that
    // the first results then waited for.
    if (status.textContent) status.textContent = "";
    var slow = setTimeout(function () { if (!stale()) status.textContent = "正在搜索…"; }, SLOW);
    searching.then(function (got) {
      found = got;
      return docsOf(ready, found.ids.slice(0, FIRST));
    }).then(function (docs) {
      clearTimeout(slow);
      if (stale()) return;
      status.textContent = found.count ? "找到 " + found.count + " 个结果" : "没有找到与“" + query + "”相关的内容，请换个词试试。";
      show(terms, docs);
      if (found.ids.length > FIRST) return afterPaint().then(function () { return stale() ? [] : docsOf(ready, found.ids.slice(FIRST)); });
    }).then(function (rest) {
      if (stale()) return;
      show(terms, rest || []);
      finish();
    }).catch(function () {
      clearTimeout(slow);
      if (stale()) return;
      status.textContent = "搜索索引加载失败，请检查网络后再试。";
      finish();
    });
  }

  // Resolves once the browser has drawn the page as it is (at once in a
  // hidden tab, which draws nothing), so that the first screen is not
  // held up by the requests for the rest.
  function afterPaint() {
    return new Promise(function (done) {
      if (document.hidden) setTimeout(done, 0);
      else requestAnimationFrame(function () { setTimeout(done, 0); });
    });
  }

  // The manifest is small and every search needs it: fetched as the page
  // loads, so that a search waits only for its own files.
  manifest().catch(function () {});
  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) render(initial);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    // The address changes once the results are shown: changing it took
    // the slowed main thread 5–45 ms, which the results should not wait for.
    var address = "?q=" + encodeURIComponent(input.value);
    render(input.value, function () { setTimeout(function () { history.replaceState(null, "", address); }, 0); });
  });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { render(input.value); }, 200);
  });
})();
