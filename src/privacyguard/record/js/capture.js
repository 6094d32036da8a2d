// privacyguard record: the rendered page as a reader sees it, as static HTML, with nothing of the
// page's code and no trackers. Runs in the page (page.evaluate); works on a deep clone, so the
// live page is untouched. Returns {html, lang, url, removed: {kind: count}}.
// What it does and why is in docs/recording.md; personal data is replaced afterwards in Python
// (privacyguard.record.scrub), which also refuses a page where a known personal value survived.
() => {
  const removed = {};
  const count = (kind, n = 1) => { removed[kind] = (removed[kind] || 0) + n; };
  const live = document.documentElement;
  const copy = live.cloneNode(true);

  // 1. State a reader needs, made explicit: properties become attributes. Clone and live page have
  //    the same tree, so walking both in document order pairs every element with its original.
  const liveElements = [live, ...live.querySelectorAll("*")];
  const copyElements = [copy, ...copy.querySelectorAll("*")];
  const hideNow = [];
  for (let i = 0; i < liveElements.length && i < copyElements.length; i++) {
    const from = liveElements[i];
    const to = copyElements[i];
    const tag = from.localName;
    if (tag === "input") {
      const type = (from.getAttribute("type") || "text").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (from.checked) to.setAttribute("checked", ""); else to.removeAttribute("checked");
        if (from.indeterminate) to.setAttribute("aria-checked", "mixed");
      } else if (type === "hidden" || type === "password") {
        if (to.hasAttribute("value") && to.getAttribute("value") !== "")
          count(/(csrf|xsrf|token|nonce|authenticity)/i.test(from.name || "") ? "form token" : "hidden input value");
        to.setAttribute("value", "");
      } else if (!["submit", "button", "reset", "image", "file"].includes(type)) {
        to.setAttribute("value", from.value);
      }
    } else if (tag === "option") {
      if (from.selected) to.setAttribute("selected", ""); else to.removeAttribute("selected");
    } else if (tag === "textarea") {
      to.textContent = from.value;
    }
    // What the page's style sheets hid stays hidden without them (cross-origin sheets cannot be copied).
    if (from instanceof HTMLElement || from instanceof SVGElement) {
      const style = getComputedStyle(from);
      const parentStyle = from.parentElement ? getComputedStyle(from.parentElement) : null;
      if (style.display === "none" && (!parentStyle || parentStyle.display !== "none"))
        hideNow.push([to, "display:none"]);
      else if (style.visibility === "hidden" && (!parentStyle || parentStyle.visibility !== "hidden"))
        hideNow.push([to, "visibility:hidden"]);
    }
  }
  for (const [element, rule] of hideNow)
    element.setAttribute("style", `${element.getAttribute("style") || ""};${rule} !important`.replace(/^;/, ""));

  // 2. The page's own style rules, inlined (same-origin sheets; a cross-origin one cannot be read).
  let css = "";
  for (const sheet of document.styleSheets) {
    try {
      for (const rule of sheet.cssRules) css += rule.cssText + "\n";
    } catch (e) {
      count("unreadable style sheet");
    }
  }
  css = css.replace(/url\((?!["']?data:)[^)]*\)/g, () => { count("image"); return "none"; });

  // 3. Nothing that runs, loads or tracks.
  const drop = (selector, kind) => {
    for (const element of copy.querySelectorAll(selector)) { element.remove(); count(kind); }
  };
  drop("script", "script");
  drop("noscript", "script");
  drop("iframe, frame, frameset, object, embed", "iframe");
  drop("style, link", "style sheet or link");
  drop("base", "base");
  drop("video, audio, source, track", "media");
  drop("meta:not([charset]):not([name=viewport])", "meta");
  for (const element of copy.querySelectorAll("img, image, input[type=image]")) {
    if (element.localName === "image") { element.remove(); count("image"); continue; }
    const replacement = document.createElement("span");
    replacement.setAttribute("data-pg-image", "");
    const alt = element.getAttribute("alt");
    if (alt) { replacement.setAttribute("role", "img"); replacement.setAttribute("aria-label", alt); }
    element.replaceWith(replacement);
    count("image");
  }
  const tracking = /^(data-)?([\w-]*(track|analytic|impression|telemetry|beacon|pixel|gtm|control-name)[\w-]*|ga-[\w-]+|ping)$/i;
  const tokenName = /(csrf|xsrf|token|nonce|authenticity)/i;
  for (const element of [copy, ...copy.querySelectorAll("*")]) {
    for (const attribute of [...element.attributes]) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) { element.removeAttribute(attribute.name); count("event handler"); continue; }
      if (tracking.test(name)) { element.removeAttribute(attribute.name); count("tracking attribute"); continue; }
      if (name === "nonce" || name === "integrity") { element.removeAttribute(attribute.name); continue; }
      let value = attribute.value;
      if (/^\s*javascript:/i.test(value)) { element.setAttribute(attribute.name, "#"); count("script URL"); continue; }
      if (name === "srcset" || name === "imagesrcset") { element.removeAttribute(attribute.name); count("image"); continue; }
      if (name === "style" && /url\(/i.test(value)) {
        value = value.replace(/url\((?!["']?data:)[^)]*\)/g, () => { count("image"); return "none"; });
        element.setAttribute(attribute.name, value);
      }
      // URL queries and fragments carry session ids, trackers and tokens.
      if (/^(https?:)?\/\/|^\//i.test(value) && /[?#]/.test(value) && !/\s/.test(value.trim())) {
        element.setAttribute(attribute.name, value.replace(/[?#].*$/, ""));
        count("URL query");
      }
    }
    if (element.localName === "input" && tokenName.test(element.getAttribute("name") || "")
        && element.getAttribute("value")) {
      element.setAttribute("value", "");
      count("form token");
    }
  }

  // 4. The inlined style rules go back as one <style> in the head.
  let head = copy.querySelector("head");
  if (!head) { head = document.createElement("head"); copy.prepend(head); }
  if (css) {
    const style = document.createElement("style");
    style.textContent = css;
    head.append(style);
  }
  if (!head.querySelector("meta[charset]")) {
    const meta = document.createElement("meta");
    meta.setAttribute("charset", "utf-8");
    head.prepend(meta);
  }
  return {
    html: "<!doctype html>\n" + copy.outerHTML,
    lang: live.getAttribute("lang") || "",
    url: location.href,
    removed,
  };
}
