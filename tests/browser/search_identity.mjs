// Compares the search page's results with the search as it was before the
// index was split (search_reference.js, today's algorithm verbatim, run on
// every document, which the test puts together from all the chunks): the
// status line and every result's title, link, meta line and snippet, as
// HTML, must be the same. Used by run.mjs (demo site) and bench/search.mjs
// (the 10,000-page site).
import path from "node:path";
import { fileURLToPath } from "node:url";

const reference = path.join(path.dirname(fileURLToPath(import.meta.url)), "search_reference.js");

// Submits `query` in the search page and waits for its results.
export async function searchOnPage(page, query) {
  await page.evaluate((q) => {
    document.getElementById("q").value = q;
    document.querySelector("form.search-page").requestSubmit();
  }, query);
  await page.waitForFunction(() => !document.getElementById("search-results").hasAttribute("aria-busy"), null, { timeout: 60000 });
  return page.evaluate(() => ({
    status: document.getElementById("search-status").textContent,
    html: document.getElementById("search-results").innerHTML,
  }));
}

// Returns { compared, mismatches: [{ query, got, want }] }.
export async function compareWithReference(context, base, queries) {
  const page = await context.newPage();
  await page.goto(base + "/search/", { waitUntil: "load" });
  await page.addScriptTag({ path: reference });
  const docs = await page.evaluate(async () => {
    const url = document.getElementById("search-results").getAttribute("data-index");
    const dir = url.slice(0, url.lastIndexOf("/") + 1);
    const m = await (await fetch(url)).json();
    const chunks = [];
    for (let i = 0; i < m.chunks.length; i += 100) {
      const ids = m.chunks.slice(i, i + 100).map((_, k) => i + k);
      chunks.push(...(await Promise.all(ids.map((c) => fetch(dir + "c/" + c + ".json").then((r) => r.json())))));
    }
    window.__allDocs = chunks.flat();
    return window.__allDocs.length === m.docs ? m.docs : -1;
  });
  if (docs < 0) throw new Error("the chunks do not hold the manifest's number of documents");
  const mismatches = [];
  for (const query of queries) {
    const got = await searchOnPage(page, query);
    const want = await page.evaluate(async (q) => {
      const list = document.createElement("ol"), status = document.createElement("p");
      await window.gongshiReferenceSearch(window.__allDocs, q, list, status);
      return { status: status.textContent, html: list.innerHTML };
    }, query);
    if (got.status !== want.status || got.html !== want.html) mismatches.push({ query, got, want });
  }
  await page.close();
  return { compared: queries.length, docs, mismatches };
}

export function describe(m) {
  const at = [...m.got.html].findIndex((c, i) => c !== m.want.html[i]);
  return `“${m.query}”: status “${m.got.status}” vs “${m.want.status}”; results differ at ${at}: …${m.got.html.slice(Math.max(0, at - 60), at + 60)}… vs …${m.want.html.slice(Math.max(0, at - 60), at + 60)}…`;
}
