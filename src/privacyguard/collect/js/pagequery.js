// privacyguard's page query: find and read many controls in one evaluation.
// Appended after playwright_aria.js and controls.js (privacyguard.collect.pagequery), which installs
// privacyguardQuery in each new document or, where it was not installed, evaluates it all at once.
// Each query is a list of candidate chains (one per label language);
// the first chain that matches anything decides, as privacyguard.collect.locate.find_one does.
// A chain is a list of steps, each applied to every element the previous step found, like chained
// Playwright locators: {css}, {role, name?, exact}, {label, exact}, {text, exact}, {has_text}.

let textCache = new Map();  // element texts; fresh for every query (the page changes between them)
// Within one query the page cannot change (it runs to the end before any page script does), so what
// is worked out about an element once holds for the whole query: a root's elements, whether an
// element is usable and whether it is a control (reader.js). Asked again and again for every
// locator, they were half of the reader's own time (docs/architecture.md).
let elementsCache = new Map(), usableCache = new Map(), controlCache = new Map();

function pgFresh() {
  textCache = new Map();
  elementsCache = new Map();
  usableCache = new Map();
  controlCache = new Map();
}

function allElements(root) {
  const known = elementsCache.get(root);
  if (known !== undefined)
    return known;
  const out = [];
  const walk = (node) => {
    for (const element of node.querySelectorAll("*")) {
      out.push(element);
      if (element.shadowRoot)
        walk(element.shadowRoot);
    }
  };
  if (root.shadowRoot)
    walk(root.shadowRoot);
  walk(root);
  elementsCache.set(root, out);  // callers only read it
  return out;
}

function textMatcher(text, exact) {
  const wanted = normalizeWhiteSpace(text);
  if (exact)
    return (elementText2) => elementText2.normalized === wanted;
  const lower = wanted.toLowerCase();
  return (elementText2) => elementText2.normalized.toLowerCase().includes(lower);
}

function cssQuery(root, css) {
  const out = [...root.querySelectorAll(css)];
  for (const element of allElements(root)) {
    if (element.shadowRoot)
      out.push(...element.shadowRoot.querySelectorAll(css));
  }
  return out;
}

function textQuery(root, text, exact) {  // Playwright's internal:text engine
  const matcher = textMatcher(text, exact);
  const result = [];
  let lastDidNotMatchSelf = null;
  const append = (element) => {
    if (!exact && lastDidNotMatchSelf && lastDidNotMatchSelf.contains(element))
      return;
    const matches = elementMatchesText(textCache, element, matcher);
    if (matches === "none")
      lastDidNotMatchSelf = element;
    if (matches === "self")
      result.push(element);
  };
  if (root.nodeType === Node.ELEMENT_NODE)
    append(root);
  for (const element of allElements(root))
    append(element);
  return result;
}

function labelQuery(root, text, exact) {  // Playwright's internal:label engine
  const matcher = textMatcher(text, exact);
  return allElements(root).filter((element) =>
    getElementLabels(textCache, element).some((label) => matcher(label)));
}

function step(root, spec) {
  if (spec.css !== undefined)
    return cssQuery(root, spec.css);
  if (spec.role !== undefined) {
    const options = { role: spec.role.toLowerCase(), includeHidden: false };
    if (spec.name !== undefined && spec.name !== null) {
      options.name = spec.name;
      options.nameOp = "=";
      options.nameExact = !!spec.exact;
    }
    return queryRole(root, options, true);
  }
  if (spec.label !== undefined)
    return labelQuery(root, spec.label, !!spec.exact);
  if (spec.text !== undefined)
    return textQuery(root, spec.text, !!spec.exact);
  if (spec.has_text !== undefined)
    return root.nodeType === Node.ELEMENT_NODE && textMatcher(spec.has_text, false)(elementText(textCache, root))
      ? [root] : [];
  throw new Error("unknown step " + JSON.stringify(spec));
}

function resolve(chain) {
  let scope = [document];
  for (const spec of chain) {
    const seen = new Set();
    const next = [];
    for (const root of scope) {
      for (const element of step(root, spec)) {
        if (!seen.has(element)) {
          seen.add(element);
          next.push(element);
        }
      }
    }
    scope = next;
  }
  return scope;
}

function answer(query) {
  try {
    for (let index = 0; index < query.candidates.length; index++) {
      const found = resolve(query.candidates[index]);
      if (found.length === 1)
        return { index, count: 1, state: query.control ? controlState(found[0], query.control) : null };
      if (found.length > 1)
        return { index, count: found.length };
    }
    return { index: -1, count: 0 };
  } catch (error) {
    return { error: String(error && error.message || error) };
  }
}

function privacyguardQuery(args) {
  pgFresh();
  beginAriaCaches();
  try {
    return { answers: args.queries.map(answer) };
  } finally {
    endAriaCaches();
  }
}
