// privacyguard's reader: find each setting's control on a page by ranked matching, under one
// visibility rule, one element per setting, and read it. Appended after playwright_aria.js,
// controls.js and pagequery.js (it reuses their role, name, label and text primitives).
//
// Ranks (best first): exact (the wording as written), normalised (equal once case, whitespace,
// punctuation and diacritics are set aside), prefix (the text starts with the wording's words),
// contained (the wording appears inside). Structural steps (CSS) rank exact. A chain's rank
// is its weakest step's. The best rank over all of a setting's locators wins; ties go to the earliest
// locator; two elements left at the best rank are ambiguous (so a contained match only counts when
// no other control contains the text too).

const RANKS = ["", "contained", "prefix", "normalised", "exact"];
const CONTROL_ROLES = new Set(["switch", "checkbox", "radiogroup", "listbox", "combobox", "menuitemcheckbox"]);

// The same few texts are folded again and again (every locator against every candidate, every
// poll): remembered per document, a third of the reader's own time (docs/architecture.md).
const pgFolded = [new Map(), new Map()], pgSpaced = new Map();

function pgRemember(memo, key, make) {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size > 20000)
      memo.clear();
    value = make();
    memo.set(key, value);
  }
  return value;
}

function pgNorm(text, keepQuestion) {
  return pgRemember(pgFolded[keepQuestion ? 1 : 0], text || "", () => {
    let folded = (text || "").normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
    if (keepQuestion)  // a wording that ends its question keeps it: "…your profile?" is not "…your profile picture?"
      folded = folded.replace(/[?\uff1f]/g, " \u0001 ");
    return folded.replace(/[\p{P}\p{S}]+/gu, " ").replace(/\s+/g, " ").trim();
  });
}

function pgSpaces(text) {
  return pgRemember(pgSpaced, text, () => normalizeWhiteSpace(text));
}

const pgRanks = new Map();  // want → (have → rank): a pure function of two texts, asked again and again

function rankText(have, want) {
  if (!want)
    return 0;
  let ranks = pgRanks.get(want);
  if (ranks === undefined) {
    if (pgRanks.size > 2000)
      pgRanks.clear();
    ranks = new Map();
    pgRanks.set(want, ranks);
  }
  const key = have || "";
  let rank = ranks.get(key);
  if (rank === undefined) {
    if (ranks.size > 5000)
      ranks.clear();
    rank = rankTextNow(key, want);
    ranks.set(key, rank);
  }
  return rank;
}

function rankTextNow(have, want) {
  if (pgSpaces(have || "") === pgSpaces(want))
    return 4;
  const keep = /[?\uff1f]\s*$/.test(want);
  const h = pgNorm(have, keep), w = pgNorm(want, keep);
  if (!w || !h)
    return 0;
  if (h === w)
    return 3;
  if (h.startsWith(w + " "))
    return 2;
  if (h.includes(w))  // no word boundary asked: a row's text runs its parts together ("VisibilityWhen")
    return 1;
  return 0;
}

// Why an element cannot be a setting's control, or "" when it can. One rule for every locator kind.
function unusable(el) {
  return pgRemember(usableCache, el, () => unusableNow(el));
}

function unusableNow(el) {
  if (!el.isConnected)
    return "detached";
  if (isElementHiddenForAria(el))
    return "hidden";
  if (isElementInert(el))
    return "inert";
  for (let e = el; e; e = parentElementOrShadowHost(e)) {
    if (e.getAttribute && e.getAttribute("aria-busy") === "true")
      return "busy";
  }
  const rect = el.getBoundingClientRect();
  if (!(rect.width > 0 && rect.height > 0)) {
    // a native input drawn by its <label> (custom-styled checkboxes) is still operable
    const labels = el.labels ? [...el.labels] : [];
    if (!labels.some((label) => { const r = label.getBoundingClientRect(); return r.width > 0 && r.height > 0; }))
      return "zero-size";
  }
  const disabled = el.disabled === true || el.getAttribute("aria-disabled") === "true";
  if (disabled && (!normalizeWhiteSpace(getElementAccessibleNameText(el, false)) ||
                   el.closest("[role=presentation], [role=none]")))
    return "decorative";
  return "";
}

// The element's own text for ranking (as get_by_text sees it).
function ownText(el) {
  return elementText(textCache, el).full;
}

function isControl(el) {
  return pgRemember(controlCache, el, () => isControlNow(el));
}

function isControlNow(el) {
  const role = getAriaRole(el);
  if (CONTROL_ROLES.has(role))
    return true;
  if (el.nodeName === "SELECT")
    return true;
  if (role === "button" && (el.hasAttribute("aria-pressed") || el.hasAttribute("aria-haspopup")))
    return true;
  if ((role === "group" || role === "toolbar") && el.querySelectorAll("[aria-pressed]").length > 1)
    return true;  // segmented buttons
  if (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))
    return true;
  return role === "radio";
}

// The control a part of it belongs to: a radio's group, an option's listbox, a pressed button's group.
function controlOf(el) {
  const role = getAriaRole(el);
  if (role === "radio" || (el instanceof HTMLInputElement && el.type === "radio")) {
    const group = el.closest("[role=radiogroup], fieldset");
    return group || el;
  }
  if (role === "button" && el.hasAttribute("aria-pressed")) {
    const group = el.parentElement && el.parentElement.closest("[role=group], [role=toolbar], [role=radiogroup]");
    if (group && group.querySelectorAll("[aria-pressed]").length > 1)
      return group;
  }
  return el;
}

// The distinct usable controls inside a block (parts folded into their control). `any` counts the
// unusable ones too: a row whose only control is decorative is still the row, not a reason to look
// further out (where another setting's control sits).
function controlsIn(block, any) {
  const seen = new Set();
  for (const el of allElements(block)) {
    if (!isControl(el) || (!any && unusable(el)))
      continue;
    if (el.closest("[role=menu], [role=listbox]") && getAriaRole(el) !== "listbox")
      continue;  // a menu's or listbox's own items
    seen.add(controlOf(el));
  }
  return [...seen].filter((c) => ![...seen].some((other) => other !== c && other.contains(c)));
}

// "The control that answers this question", whatever its kind: a control named by the wording,
// else the one control in the nearest block that holds the wording.
function questionStep(root, wording) {
  const out = [];
  for (const el of allElements(root)) {
    if (!isControl(el) || unusable(el))
      continue;
    const rank = rankText(getElementAccessibleNameText(el, false), wording);
    if (rank)
      out.push([controlOf(el), rank]);
  }
  if (out.length)
    return out;
  for (const el of allElements(root)) {
    if (isControl(el) || shouldSkipForTextMatching(el) || isElementHiddenForAria(el))
      continue;
    const rank = rankText(ownText(el), wording);
    if (!rank || [...el.children].some((child) => rankText(ownText(child), wording)))
      continue;  // not the innermost element that holds the wording
    for (let block = el.parentElement, depth = 0; block && depth < 4; block = block.parentElement, depth++) {
      if (!controlsIn(block, true).length)
        continue;
      const found = controlsIn(block, false);
      if (found.length === 1)
        out.push([found[0], rank]);
      break;
    }
  }
  return out;
}

function rankedStep(root, spec) {
  if (spec.css !== undefined)
    return cssQuery(root, spec.css).map((el) => [el, 4]);
  if (spec.question !== undefined)
    return questionStep(root, spec.question);
  if (spec.role !== undefined) {
    const found = queryRole(root, { role: spec.role.toLowerCase(), includeHidden: false }, true);
    if (spec.name === undefined || spec.name === null)
      return found.map((el) => [el, 4]);
    const min = spec.exact ? 3 : 1;
    return found.map((el) => [el, rankText(getElementAccessibleNameText(el, false), spec.name)])
      .filter(([, rank]) => rank >= min);
  }
  if (spec.label !== undefined) {
    const min = spec.exact ? 3 : 1;
    const out = [];
    for (const el of allElements(root)) {
      const labels = getElementLabels(textCache, el);
      const rank = Math.max(0, ...labels.map((label) => rankText(label.full, spec.label)));
      if (rank >= min)
        out.push([el, rank]);
    }
    return out;
  }
  if (spec.text !== undefined) {
    const min = spec.exact ? 3 : 1;
    const out = [];
    for (const el of [root.nodeType === Node.ELEMENT_NODE ? root : null, ...allElements(root)]) {
      if (!el || shouldSkipForTextMatching(el))
        continue;
      const rank = rankText(ownText(el), spec.text);
      if (rank >= min && ![...el.children].some((child) => rankText(ownText(child), spec.text) >= min))
        out.push([el, rank]);
    }
    return out;
  }
  if (spec.has_text !== undefined) {
    const rank = root.nodeType === Node.ELEMENT_NODE ? rankText(ownText(root), spec.has_text) : 0;
    return rank ? [[root, rank]] : [];
  }
  throw new Error("unknown step " + JSON.stringify(spec));
}

// Every element a chain reaches, each with the chain's rank for it.
function rankedChain(chain) {
  let scope = new Map([[document, 4]]);
  for (const spec of chain) {
    const next = new Map();
    for (const [root, rank] of scope) {
      for (const [el, stepRank] of rankedStep(root, spec)) {
        const r = Math.min(rank, stepRank);
        if (r > (next.get(el) || 0))
          next.set(el, r);
      }
    }
    scope = next;
  }
  return scope;
}

function describeEl(el) {
  const name = normalizeWhiteSpace(getElementAccessibleNameText(el, false) || ownText(el) || "");
  return `<${el.nodeName.toLowerCase()}${getAriaRole(el) ? " role=" + getAriaRole(el) : ""}>` +
    (name ? ` '${name.slice(0, 60)}'` : "");
}

// What a page offers where a setting's control was not found: its usable controls (a few), or its text.
let onPageCache = null;
function onPage() {
  if (onPageCache === null) {
    const controls = document.body ? controlsIn(document.body) : [];
    onPageCache = controls.length
      ? `${controls.length} other control(s): ` + controls.slice(0, 6).map(describeEl).join(", ")
      : "no controls; text: " + normalizeWhiteSpace(document.body ? document.body.innerText : "").slice(0, 160);
  }
  return onPageCache;
}

// One setting: its locators are a list of specs, each a list of candidate chains. The best rank
// over all of them wins (ties: the earliest locator); the evidence names the earliest chain that
// reached the chosen element, with that chain's own rank.
function locateSetting(query) {
  let best = null;  // {rank, spec, chain, elements}
  const skipped = {};
  const reached = [];  // [spec, chain, el, rank] in locator order
  for (let spec = 0; spec < query.specs.length; spec++) {
    if (best && best.rank === 4)
      break;  // nothing later can beat an exact match (ties go to the earlier locator)
    for (let chain = 0; chain < query.specs[spec].length; chain++) {
      for (const [el, rank] of rankedChain(query.specs[spec][chain])) {
        const why = unusable(el);
        if (why) {
          skipped[why] = (skipped[why] || 0) + 1;
          continue;
        }
        reached.push([spec, chain, el, rank]);
        if (!best || rank > best.rank) {
          best = { rank, spec, chain, elements: [el] };
        } else if (rank === best.rank && spec === best.spec && !best.elements.includes(el)) {
          best.elements.push(el);
        }
      }
    }
  }
  let ambiguous = null;
  if (best && best.elements.length > 1) {
    ambiguous = best.elements.slice(0, 3).map(describeEl).join(", ");
  } else if (best) {
    const [spec, chain, , rank] = reached.find(([, , el]) => el === best.elements[0]);
    best.first = { spec, chain, rank };
  }
  return { best, skipped, ambiguous };
}

function privacyguardRead(args) {
  pgFresh();
  onPageCache = null;
  beginAriaCaches();
  try {
    const results = args.settings.map((query) => {
      try {
        return { query, ...locateSetting(query) };
      } catch (error) {
        return { query, error: String(error && error.message || error) };
      }
    });
    // One element backs at most one setting: the strictly best match keeps it if it is (normalised)
    // exact; otherwise every claimant is ambiguous.
    const claims = new Map();
    for (const result of results) {
      if (result.best && result.best.elements.length === 1) {
        const el = result.best.elements[0];
        claims.set(el, [...(claims.get(el) || []), result]);
      }
    }
    for (const [, claimants] of claims) {
      if (claimants.length < 2)
        continue;
      const ranks = claimants.map((c) => c.best.rank).sort((a, b) => b - a);
      const keeper = ranks[0] >= 3 && ranks[0] > ranks[1] ? claimants.find((c) => c.best.rank === ranks[0]) : null;
      for (const claimant of claimants) {
        if (claimant !== keeper)
          claimant.shared = claimants.filter((c) => c !== claimant).map((c) => c.query.id);
      }
    }
    return {
      settings: results.map((result) => {
        if (result.error)
          return { error: result.error };
        const { best, skipped } = result;
        const out = { skipped };
        if (!best)
          return { ...out, count: 0, seen: onPage() };
        const first = best.first || best;
        Object.assign(out, { count: best.elements.length, spec: first.spec, chain: first.chain, match: RANKS[first.rank] });
        if (result.ambiguous)
          return { ...out, seen: result.ambiguous };
        if (result.shared)
          return { ...out, shared: result.shared, seen: describeEl(best.elements[0]) };
        const el = best.elements[0];
        return { ...out, seen: describeEl(el), state: controlState(el, result.query.control) };
      }),
      page: pageActivity(),
    };
  } finally {
    endAriaCaches();
  }
}

// The page's activity, for "read again once the page has been quiet": how long since the DOM last
// changed after it was parsed (null: not watched in this document), and how many loaders are shown.
let pgLastMutation = null;
let pgWatching = false;

function watchMutations() {
  const start = () => {
    pgWatching = true;
    new MutationObserver(() => { pgLastMutation = performance.now(); })
      .observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  };
  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", start, { once: true });
  else
    start();
}

// The page's own data requests (fetch/XHR), counted in the page: a request the network has
// finished is still pending here until the callbacks the page chained on its answer have run (a
// timer after the promise settled or the XHR's events were dispatched). The network's view alone
// let a reading fall between the data's arrival and the script showing it, when the page's main
// thread lagged under load. Live-update connections (`live`, the pattern Python uses) never end.
let pgDataPending = 0;
let pgLastData = null;

function watchData(live) {
  // The wrappers look like the functions they wrap (name, length, no prototype, their source text
  // "[native code]"): page scripts that test whether fetch is native see it is.
  const nativeOf = new WeakMap();
  const toStringNative = Function.prototype.toString;
  const like = (wrapper, native) => { nativeOf.set(wrapper, native); return wrapper; };
  const toString = { toString() { return toStringNative.call(nativeOf.get(this) || this); } }.toString;
  Function.prototype.toString = like(toString, toStringNative);
  const later = window.setTimeout, listen = EventTarget.prototype.addEventListener;
  const unlisten = EventTarget.prototype.removeEventListener;
  const isLive = (url) => { try { return live.test(String(url)); } catch (e) { return false; } };
  const done = () => { later(() => { pgDataPending--; pgLastData = performance.now(); }, 0); };
  const track = (promise) => { pgDataPending++; promise.then(done, done); return promise; };
  const fetchNative = window.fetch;
  if (typeof fetchNative === "function") {
    window.fetch = like({ fetch(input) {
      const promise = fetchNative.apply(this, arguments);
      const url = input && typeof input === "object" && "url" in input ? input.url : input;
      return isLive(url) ? promise : track(promise);
    } }.fetch, fetchNative);
    // Reading the answer's body is part of waiting for the data (`fetch(...).then(r => r.json())`).
    for (const name of ["json", "text", "arrayBuffer", "blob", "formData"]) {
      const native = Response.prototype[name];
      if (typeof native !== "function")
        continue;
      Response.prototype[name] = like({ [name]() {
        const promise = native.apply(this, arguments);
        return isLive(this.url) ? promise : track(promise);
      } }[name], native);
    }
  }
  const openNative = XMLHttpRequest.prototype.open, sendNative = XMLHttpRequest.prototype.send;
  const urls = new WeakMap();
  XMLHttpRequest.prototype.open = like({ open(method, url) {
    urls.set(this, url);
    return openNative.apply(this, arguments);
  } }.open, openNative);
  XMLHttpRequest.prototype.send = like({ send() {
    if (isLive(urls.get(this)))
      return sendNative.apply(this, arguments);
    pgDataPending++;  // before sending: a synchronous request ends (loadend) within send
    listen.call(this, "loadend", done, { once: true });
    try {
      return sendNative.apply(this, arguments);
    } catch (error) {  // it never started
      unlisten.call(this, "loadend", done);
      pgDataPending--;
      throw error;
    }
  } }.send, sendNative);
}

function pageActivity() {
  return {
    watched: pgWatching,
    sinceMutation: pgLastMutation === null ? null : performance.now() - pgLastMutation,
    dataPending: pgDataPending,
    sinceData: pgLastData === null ? null : performance.now() - pgLastData,
    busy: [...document.querySelectorAll("[aria-busy=true]")].filter((el) => !isElementHiddenForAria(el)).length,
  };
}

// Mark the one element a setting's locators lead to, so that Playwright can act on exactly it.
function privacyguardPick(args) {
  const answer = privacyguardRead({ settings: [args.query] }).settings[0];
  if (answer.error || answer.count !== 1 || answer.shared)
    return answer;
  pgFresh();
  beginAriaCaches();
  try {
    const { best } = locateSetting(args.query);
    best.elements[0].setAttribute("data-privacyguard-pick", args.token);
  } finally {
    endAriaCaches();
  }
  return answer;
}

// A page's first look, in one evaluation right after it loaded: its language, the rate-limit
// markers (privacyguardQuery) and the first reading of its settings (privacyguardRead). Chains
// depend on the language (its labels first), so both come once per language the locators name
// (`langs`) and once for any other ("*"); the page's own language picks which.
function privacyguardLook(args) {
  const shown = document.documentElement.lang || "en";
  const lang = shown.split("-")[0].toLowerCase();
  const key = args.langs.includes(lang) ? lang : "*";
  const variant = args.variants[args.index[key]];
  return {
    shown,
    key,
    markers: variant.markers ? privacyguardQuery(variant.markers) : null,
    read: privacyguardRead(variant.read),
  };
}
